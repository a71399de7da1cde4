# SPDX-License-Identifier: MIT
"""The wire protocol, message by message. STEPS run against our daemon with the expected answer
of each; where Debian's xenstored is available the same steps run against it and every answer must
be identical (the expected answers are what Xen 4.17 says, except the few marked OURS, where we
deliberately answer malformed input more precisely)."""
import pytest

from xsharness import HDR, Raw, T

OK = lambda name: (T[name], b"OK\0")  # noqa: E731
ERR = lambda e: (T["ERROR"], e.encode() + b"\0")  # noqa: E731


def tx_start(a):
    t, p = a.req("TRANSACTION_START", "")
    assert t == T["TRANSACTION_START"]
    return int(p.rstrip(b"\0"))


# (label, function of (a, b) -> result, expected, compare_with_xen)
STEPS = [
    ("write", lambda a, b: a.req("WRITE", raw=b"/x/y\0val"), OK("WRITE"), True),
    ("write without NUL after path", lambda a, b: a.req("WRITE", raw=b"/x/y"), ERR("EINVAL"),
     True),
    ("read", lambda a, b: a.req("READ", "/x/y"), (T["READ"], b"val"), True),
    ("read missing", lambda a, b: a.req("READ", "/x/nope"), ERR("ENOENT"), True),
    ("read without NUL", lambda a, b: a.req("READ", raw=b"/x/y"), ERR("EINVAL"), False),  # OURS
    ("read two args", lambda a, b: a.req("READ", "/x/y", "/x"), ERR("EINVAL"), False),  # OURS
    ("read empty payload", lambda a, b: a.req("READ", raw=b""), ERR("EINVAL"), False),  # OURS
    ("read //", lambda a, b: a.req("READ", "/x//y"), ERR("EINVAL"), True),
    ("read trailing /", lambda a, b: a.req("READ", "/x/"), ERR("EINVAL"), True),
    ("read bad char", lambda a, b: a.req("READ", "/x y"), ERR("EINVAL"), True),
    ("read special", lambda a, b: a.req("READ", "@foo"), ERR("EINVAL"), True),
    ("write @ inside path", lambda a, b: a.req("WRITE", raw=b"/a@b\0v"), OK("WRITE"), True),
    ("path of 2048", lambda a, b: a.req("WRITE", raw=b"/" + b"p" * 2047 + b"\0v"),
     OK("WRITE"), True),
    ("path of 2049", lambda a, b: a.req("WRITE", raw=b"/" + b"p" * 2048 + b"\0v"),
     ERR("EINVAL"), True),
    ("long path below a home", lambda a, b: a.req(
        "WRITE", raw=b"/local/domain/0/" + b"p" * 2034 + b"\0v"), OK("WRITE"), True),
    ("rm /", lambda a, b: a.req("RM", "/"), ERR("EINVAL"), True),
    ("rm missing, parent exists", lambda a, b: a.req("RM", "/x/nope"), OK("RM"), True),
    ("rm missing parent", lambda a, b: a.req("RM", "/q/r"), ERR("ENOENT"), True),
    ("mkdir existing", lambda a, b: a.req("MKDIR", "/x"), OK("MKDIR"), True),
    ("mkdir new", lambda a, b: a.req("MKDIR", "/m/n"), OK("MKDIR"), True),
    ("read new dir", lambda a, b: a.req("READ", "/m/n"), (T["READ"], b""), True),
    ("directory", lambda a, b: a.req("DIRECTORY", "/x"), (T["DIRECTORY"], b"y\0"), True),
    ("directory empty", lambda a, b: a.req("DIRECTORY", "/m/n"), (T["DIRECTORY"], b""), True),
    ("directory missing", lambda a, b: a.req("DIRECTORY", "/nope"), ERR("ENOENT"), True),
    ("directory_part from 0", lambda a, b: a.req("DIRECTORY_PART", "/x", "0")[1].split(b"\0")[1:],
     [b"y", b"", b""], True),
    ("directory_part past end", lambda a, b: a.req("DIRECTORY_PART", "/x", "9")[1].split(b"\0")[1:],
     [b"", b""], True),
    ("directory_part one arg", lambda a, b: a.req("DIRECTORY_PART", "/x"), ERR("EINVAL"), True),
    ("get_perms", lambda a, b: a.req("GET_PERMS", "/x"), (T["GET_PERMS"], b"n0\0"), True),
    ("set_perms", lambda a, b: a.req("SET_PERMS", "/x", "r5", "b6", "n7"), OK("SET_PERMS"), True),
    ("get_perms after", lambda a, b: a.req("GET_PERMS", "/x"),
     (T["GET_PERMS"], b"r5\0b6\0n7\0"), True),
    ("set_perms bad letter", lambda a, b: a.req("SET_PERMS", "/x", "q5"), ERR("EINVAL"), True),
    ("set_perms none", lambda a, b: a.req("SET_PERMS", "/x"), ERR("EINVAL"), True),
    ("set_perms domid too big", lambda a, b: a.req("SET_PERMS", "/x", "r70000"), ERR("EINVAL"),
     False),  # OURS: Xen says ENOENT (no such domain)
    ("set_perms missing node", lambda a, b: a.req("SET_PERMS", "/nope", "n0"), ERR("ENOENT"),
     True),
    ("get_perms special", lambda a, b: a.req("GET_PERMS", "@introduceDomain"), ERR("EINVAL"),
     True),
    ("set_perms special", lambda a, b: a.req("SET_PERMS", "@releaseDomain", "n0", "r5"),
     OK("SET_PERMS"), True),
    ("type 20 (was RESTRICT)", lambda a, b: a.req(20, raw=b""), ERR("ENOSYS"), True),
    ("type 23", lambda a, b: a.req(23, raw=b""), ERR("ENOSYS"), True),
    ("type 0xffff", lambda a, b: a.req(0xffff, raw=b""), ERR("ENOSYS"), True),
    ("client sends WATCH_EVENT", lambda a, b: a.req("WATCH_EVENT", "a", "b"), ERR("ENOSYS"), True),
    ("client sends ERROR", lambda a, b: a.req("ERROR", "EINVAL"), ERR("ENOSYS"), True),
    ("unknown tx id", lambda a, b: a.req("READ", "/x/y", tx=77), ERR("ENOENT"), True),
    ("tx start in unknown tx", lambda a, b: a.req("TRANSACTION_START", "", tx=77), ERR("ENOENT"),
     True),
    ("tx end without tx", lambda a, b: a.req("TRANSACTION_END", "T"), ERR("ENOENT"), True),
    ("tx start/nested/bad end/abort", lambda a, b: (
        lambda tx: [a.req("TRANSACTION_START", "", tx=tx), a.req("TRANSACTION_END", "X", tx=tx),
                    a.req("TRANSACTION_END", "F", tx=tx), a.req("READ", "/x/y", tx=tx)])(
        tx_start(a)),
     [ERR("EBUSY"), ERR("EINVAL"), OK("TRANSACTION_END"), ERR("ENOENT")], True),
    ("watch + initial event", lambda a, b: [a.req("WATCH", "/x", "tok"), a.collect()],
     [OK("WATCH"), [("/x", "tok")]], True),
    ("watch duplicate", lambda a, b: a.req("WATCH", "/x", "tok"), ERR("EEXIST"), True),
    ("watch one arg", lambda a, b: a.req("WATCH", "/x"), ERR("EINVAL"), True),
    ("watch three args", lambda a, b: a.req("WATCH", "/x", "t3", ""), ERR("EINVAL"), True),
    ("watch bad path", lambda a, b: a.req("WATCH", "/x//y", "t"), ERR("EINVAL"), True),
    ("relative watch", lambda a, b: [a.req("WATCH", "rel/p", "reltok"), a.collect()],
     [OK("WATCH"), [("rel/p", "reltok")]], True),
    ("root watch", lambda a, b: [a.req("WATCH", "/", "root"), a.collect()],
     [OK("WATCH"), [("/", "root")]], True),
    ("special watch", lambda a, b: [a.req("WATCH", "@introduceDomain", "intro"), a.collect()],
     [OK("WATCH"), [("@introduceDomain", "intro")]], True),
    ("own write: events then reply", lambda a, b: (
        lambda rid: [(m[0], m[1] == rid, m[3]) for m in a.drain()])(
        a.send(T["WRITE"], b"/x/z\0v")),
     [(T["WATCH_EVENT"], False, b"/x/z\0tok\0"), (T["WATCH_EVENT"], False, b"/x/z\0root\0"),
      (T["WRITE"], True, b"OK\0")], True),
    ("relative event", lambda a, b: [a.req("WRITE", raw=b"rel/p/q\0v"), a.collect()],
     [OK("WRITE"), [("rel/p/q", "reltok"), ("/local/domain/0/rel/p/q", "root")]], True),
    ("unwatch missing", lambda a, b: a.req("UNWATCH", "/x", "nope"), ERR("ENOENT"), True),
    ("unwatch", lambda a, b: [a.req("UNWATCH", "/x", "tok"), a.req("WRITE", raw=b"/x/y\0w"),
                              a.collect()],
     [OK("UNWATCH"), OK("WRITE"), [("/x/y", "root")]], True),
    ("get_domain_path", lambda a, b: a.req("GET_DOMAIN_PATH", "7"),
     (T["GET_DOMAIN_PATH"], b"/local/domain/7\0"), True),
    ("get_domain_path not a number", lambda a, b: a.req("GET_DOMAIN_PATH", "abc"),
     (T["GET_DOMAIN_PATH"], b"/local/domain/0\0"), True),
    ("get_domain_path no arg", lambda a, b: a.req("GET_DOMAIN_PATH", raw=b""), ERR("EINVAL"),
     True),
    ("is_introduced dom0", lambda a, b: a.req("IS_DOMAIN_INTRODUCED", "0"),
     (T["IS_DOMAIN_INTRODUCED"], b"T\0"), True),
    ("is_introduced 3", lambda a, b: a.req("IS_DOMAIN_INTRODUCED", "3"),
     (T["IS_DOMAIN_INTRODUCED"], b"F\0"), True),
    ("is_introduced DOMID_SELF", lambda a, b: a.req("IS_DOMAIN_INTRODUCED", str(0x7ff0)),
     (T["IS_DOMAIN_INTRODUCED"], b"T\0"), True),
    ("release unknown", lambda a, b: a.req("RELEASE", "3"), ERR("ENOENT"), True),
    ("release dom0", lambda a, b: a.req("RELEASE", "0"), ERR("EINVAL"), True),
    ("resume unknown", lambda a, b: a.req("RESUME", "3"), ERR("ENOENT"), True),
    ("introduce two args", lambda a, b: a.req("INTRODUCE", "3", "100"), ERR("EINVAL"), True),
    ("introduce port 0", lambda a, b: a.req("INTRODUCE", "3", "100", "0"), ERR("EINVAL"), True),
    ("introduce", lambda a, b: [a.req("INTRODUCE", "3", "100", "5"), a.collect()],
     [OK("INTRODUCE"), [("@introduceDomain", "intro")]], True),
    ("introduce again: no event", lambda a, b: [a.req("INTRODUCE", "3", "100", "5"), a.collect()],
     [OK("INTRODUCE"), []], True),
    ("is_introduced 3 now", lambda a, b: a.req("IS_DOMAIN_INTRODUCED", "3"),
     (T["IS_DOMAIN_INTRODUCED"], b"T\0"), True),
    ("set_target to unknown", lambda a, b: a.req("SET_TARGET", "3", "4"), ERR("ENOENT"), True),
    ("set_target", lambda a, b: [a.req("INTRODUCE", "4", "101", "6"), a.collect(),
                                 a.req("SET_TARGET", "3", "4")],
     [OK("INTRODUCE"), [("@introduceDomain", "intro")], OK("SET_TARGET")], True),
    ("resume", lambda a, b: a.req("RESUME", "3"), OK("RESUME"), True),
    ("release", lambda a, b: [a.req("WATCH", "@releaseDomain", "rel"), a.collect(),
                              a.req("RELEASE", "3"), a.collect(),
                              a.req("IS_DOMAIN_INTRODUCED", "3")],
     [OK("WATCH"), [("@releaseDomain", "rel")], OK("RELEASE"), [("@releaseDomain", "rel")],
      (T["IS_DOMAIN_INTRODUCED"], b"F\0")], True),
    ("reset_watches", lambda a, b: [a.req("RESET_WATCHES", ""), a.req("UNWATCH", "/", "root")],
     [OK("RESET_WATCHES"), ERR("ENOENT")], True),
    ("control without command", lambda a, b: a.req("CONTROL", raw=b""), ERR("EINVAL"), True),
    ("control check", lambda a, b: a.req("CONTROL", "check"), OK("CONTROL"), True),
    ("tx conflict", lambda a, b: (lambda tx: [
        a.req("READ", "/x/y", tx=tx), b.req("WRITE", raw=b"/x/y\0other"),
        a.req("WRITE", raw=b"/x/w\0in-tx", tx=tx), b.req("READ", "/x/w"),
        a.req("TRANSACTION_END", "T", tx=tx), b.req("READ", "/x/w")])(tx_start(a)),
     [(T["READ"], b"w"), OK("WRITE"), OK("WRITE"), ERR("ENOENT"), ERR("EAGAIN"), ERR("ENOENT")],
     True),
    ("tx no conflict", lambda a, b: (lambda tx: [
        a.req("READ", "/x/y", tx=tx), b.req("WRITE", raw=b"/other\0o"),
        a.req("WRITE", raw=b"/x/w\0in-tx", tx=tx), a.req("TRANSACTION_END", "T", tx=tx),
        b.req("READ", "/x/w")])(tx_start(a)),
     [(T["READ"], b"other"), OK("WRITE"), OK("WRITE"), OK("TRANSACTION_END"),
      (T["READ"], b"in-tx")], True),
    ("tx conflict on a sibling created meanwhile", lambda a, b: (lambda tx: [
        a.req("WRITE", raw=b"/d/a\0a", tx=tx), b.req("WRITE", raw=b"/d/b\0b"),
        a.req("TRANSACTION_END", "T", tx=tx)])(tx_start(a)),
     [OK("WRITE"), OK("WRITE"), ERR("EAGAIN")], True),
    ("tx reads its own writes; others do not", lambda a, b: (lambda tx: [
        a.req("WRITE", raw=b"/t/k\0v1", tx=tx), a.req("READ", "/t/k", tx=tx),
        b.req("READ", "/t/k"), a.req("RM", "/t", tx=tx), a.req("READ", "/t/k", tx=tx),
        a.req("TRANSACTION_END", "F", tx=tx), b.req("READ", "/t")])(tx_start(a)),
     [OK("WRITE"), (T["READ"], b"v1"), ERR("ENOENT"), OK("RM"), ERR("ENOENT"),
      OK("TRANSACTION_END"), ERR("ENOENT")], True),
    ("tx watch events only on commit", lambda a, b: (lambda tx: [
        b.req("WATCH", "/tw", "btok"), b.collect(),
        a.req("WRITE", raw=b"/tw/1\0v", tx=tx), b.collect(),
        a.req("TRANSACTION_END", "T", tx=tx), b.collect()])(tx_start(a)),
     [OK("WATCH"), [("/tw", "btok")], OK("WRITE"), [], OK("TRANSACTION_END"),
      [("/tw/1", "btok")]], True),
]


def run_steps(daemon, sent=None):
    results = []
    with Raw(daemon.sock) as a, Raw(daemon.sock) as b:
        for label, fn, _, _ in STEPS:
            results.append((label, fn(a, b)))
        if sent is not None:
            sent.update(a.sent_types | b.sent_types)
        a.send_raw(HDR.pack(T["READ"], 1, 0, 5000))
        results.append(("oversized payload closes the connection", a.closed_by_peer()))
    return results


def test_protocol_expected(argon):
    sent = set()
    got = run_steps(argon, sent)
    for (label, result), (_, _, expected, _) in zip(got, STEPS):
        assert result == expected, f"{label}: got {result!r}, expected {expected!r}"
    assert got[-1][1] is True
    assert argon.alive()
    # every message type of the protocol was sent at least once
    assert set(T.values()) <= sent, f"not exercised: {set(T.values()) - sent}"


def test_protocol_same_as_xen(argon, ref):
    ours, theirs = run_steps(argon), run_steps(ref)
    for (label, r1), (_, r2), step in zip(ours, theirs, STEPS + [(None, None, None, True)]):
        if step[3]:
            assert r1 == r2, f"{label}: ours {r1!r}, Xen's {r2!r}"
