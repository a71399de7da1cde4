# SPDX-License-Identifier: MIT
"""Debian's xenstore-utils against our daemon: each scenario's output (exit status, stdout,
stderr of every command) must be byte-for-byte what the same commands give against Debian's own
xenstored. Independent assertions on our daemon's output keep the tests meaningful when the
reference is unavailable."""
import os
import subprocess
import time

import pytest

from xsharness import run_tool

LONG = "n" * 40

SCENARIOS = {
    "basic": [
        ["xenstore-write", "/a/b", "hello", "/a/c", "world", "/x", "y"],
        ["xenstore-read", "/a/b", "/a/c"],
        ["xenstore-read", "-p", "/a/b"],
        ["xenstore-read", "/nope"],
        ["xenstore-ls", "-f"],
        ["xenstore-ls", "-fp"],
        ["xenstore-ls", "/a"],
        ["xenstore-ls", "-f", "/nope"],
        ["xenstore-list", "/a"],
        ["xenstore-list", "/"],
        ["xenstore-exists", "/a/b"],
        ["xenstore-exists", "/a/zz"],
        ["xenstore-rm", "/a/c"],
        ["xenstore-rm", "/zz/zz"],
        ["xenstore-rm", "/zz"],
        ["xenstore-rm", "/"],
        ["xenstore-write", "rel", "val"],
        ["xenstore-read", "rel"],
        ["xenstore-ls", "/local"],
        ["xenstore-write", "/t/1/2/3", "deep"],
        ["xenstore-rm", "-t", "/t/1/2/3"],
        ["xenstore-ls", "-f"],
    ],
    "perms": [
        ["xenstore-write", "/p/a", "1", "/p/a/b", "2"],
        ["xenstore-chmod", "/p/a", "r5", "b6", "n7"],
        ["xenstore-ls", "-p", "/p"],
        ["xenstore-chmod", "-r", "/p", "w3"],
        ["xenstore-ls", "-fp", "/p"],
        ["xenstore-chmod", "-u", "/p/a", "b9"],
        ["xenstore-ls", "-fp", "/p"],
        ["xenstore-chmod", "/p/a", "x5"],
        ["xenstore-chmod", "/p/missing", "r1"],
        ["xenstore-write", "/p/a/new", "inherits"],
        ["xenstore-ls", "-fp", "/p"],
    ],
    "paths_and_values": [
        ["xenstore-read", "bad//path"],
        ["xenstore-read", "/bad path"],
        ["xenstore-write", "/a/b/", "x"],
        ["xenstore-write", "/v/tab", "a\tb", "/v/nl", "line1\nline2", "/v/empty", ""],
        ["xenstore-write", "/v/hex", "\\x41\\x00B"],
        ["xenstore-read", "/v/tab", "/v/nl", "/v/empty", "/v/hex"],
        ["xenstore-read", "-R", "/v/hex"],
        ["xenstore-write", "-R", "/v/raw", "\\x41\\x00B"],
        ["xenstore-read", "/v/raw"],
        ["xenstore-ls", "-f", "/v"],
        ["xenstore-write", "/big", "v" * 2500],
        ["xenstore-read", "/big"],
        ["xenstore-write", "/toobig", "v" * 5000],
        ["xenstore-read", "/toobig"],
        ["xenstore-write", "/" + "q" * 3100, "x"],
        ["xenstore-read", "@introduceDomain"],
    ],
    "many_children": [
        ["xenstore-write"] + [x for i in range(150) for x in (f"/m/{LONG}{i:03d}", str(i))],
        ["xenstore-list", "/m"],
        ["xenstore-ls", "/m"],
    ],
}


def run_scenario(sock, cmds, tmp_path):
    out = []
    for argv in cmds:
        rc, so, se = run_tool(sock, argv)
        out.append((argv[0], rc, so, se))
    return out


def check_same(ours, theirs):
    for (cmd, rc1, o1, e1), (_, rc2, o2, e2) in zip(ours, theirs):
        assert (rc1, o1, e1) == (rc2, o2, e2), \
            f"{cmd}: ours rc={rc1} out={o1!r} err={e1!r}; Xen's rc={rc2} out={o2!r} err={e2!r}"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_same_as_xen(name, argon, ref, tmp_path):
    ours = run_scenario(argon.sock, SCENARIOS[name], tmp_path)
    theirs = run_scenario(ref.sock, SCENARIOS[name], tmp_path)
    check_same(ours, theirs)


def test_basic_output(argon, tmp_path):
    out = run_scenario(argon.sock, SCENARIOS["basic"], tmp_path)
    by = {i: o for i, o in enumerate(out)}
    assert by[0][1] == 0
    assert by[1][2] == b"hello\nworld\n"
    assert by[2][2] == b"/a/b: hello\n"
    assert by[3][1] == 1 and b"couldn't read path /nope" in by[3][3]
    assert by[4][2] == (b'/tool = ""\n/tool/xenstored = ""\n/a = ""\n/a/b = "hello"\n'
                        b'/a/c = "world"\n/x = "y"\n')
    assert b'/a/b = "hello"   (n0)' in by[5][2]
    assert by[8][2] == b"b\nc\n"
    assert by[10][1] == 0 and by[11][1] == 1
    assert by[12][1] == 0          # rm existing
    assert by[13][1] == 1          # rm below a missing parent
    assert by[14][1] == 0          # rm missing node with existing parent is fine
    assert by[15][1] == 1          # rm / refused
    assert by[17][2] == b"val\n"   # relative path below /local/domain/0
    assert b"rel = \"val\"" in by[18][2]
    assert b"/t = " not in by[21][2] and b"/t/1" not in by[21][2]  # rm -t tidied parents


def test_perms_output(argon, tmp_path):
    out = run_scenario(argon.sock, SCENARIOS["perms"], tmp_path)
    assert b"(r5,b6,n7)" in out[2][2]
    assert out[4][2].count(b"(w3)") == 2
    assert b'/p/a = "1"   (b9)' in out[6][2]
    assert out[7][1] == 1 and b"Invalid permission" in out[7][3]
    assert out[8][1] == 1
    assert b'/p/a/new = "inherits"   (b9)' in out[10][2]


def test_many_children_output(argon, tmp_path):
    out = run_scenario(argon.sock, SCENARIOS["many_children"], tmp_path)
    names = out[1][2].decode().split()
    assert names == [f"{LONG}{i:03d}" for i in range(150)]


def watch_scenario(sock, tmp_path, tag):
    outf = tmp_path / f"watch-{tag}.out"
    env = dict(os.environ, XENSTORED_PATH=sock)
    env.pop("LD_PRELOAD", None)
    run_tool(sock, ["xenstore-write", "/w/a/b", "1", "/w/c", "2", "/other", "3"])
    procs = []
    for i, path in enumerate(["/w", "/w/a/b", "/"]):
        f = open(tmp_path / f"watch-{tag}-{i}.out", "wb")
        procs.append((subprocess.Popen(["xenstore-watch", "-n", "6", path], env=env, stdout=f,
                                       stderr=subprocess.STDOUT), f))
    time.sleep(0.5)
    for argv in (["xenstore-write", "/w/a/b", "x"], ["xenstore-write", "/other", "4"],
                 ["xenstore-chmod", "/w/c", "r1"], ["xenstore-rm", "/w/a"],
                 ["xenstore-write", "/w/new", "n"], ["xenstore-rm", "/w"],
                 ["xenstore-write", "/w", "again"]):
        run_tool(sock, argv)
    time.sleep(0.5)
    result = []
    for p, f in procs:
        try:
            p.wait(3)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        f.close()
        result.append(open(f.name, "rb").read())
    outf.write_bytes(b"\n--\n".join(result))
    return result


def test_watch_same_as_xen(argon, ref, tmp_path):
    assert watch_scenario(argon.sock, tmp_path, "argon") == \
        watch_scenario(ref.sock, tmp_path, "ref")


def test_watch_output(argon, tmp_path):
    w, wab, root = watch_scenario(argon.sock, tmp_path, "argon")
    # initial event, then changes at or below /w in order; rm fires once, at the removed node
    assert w == b"/w\n/w/a/b\n/w/c\n/w/a\n/w/new\n/w\n"
    # a watch inside a removed subtree fires with its own path
    assert wab == b"/w/a/b\n/w/a/b\n/w/a/b\n"
    assert root == b"/\n/w/a/b\n/other\n/w/c\n/w/a\n/w/new\n"


def control_tool():
    path = os.environ.get("ARGON_XS_CONTROL", "")
    if not path or not os.access(path, os.X_OK):
        pytest.skip("xenstore-control (from xen-utils-4.17) not available")
    return path


def test_control_same_as_xen(argon, ref, tmp_path):
    ctl = control_tool()
    cmds = [[ctl, "check"], [ctl, "print", "hello"], [ctl, "log", "on"],
            [ctl, "memreport", str(tmp_path / "mem.txt")]]
    check_same(run_scenario(argon.sock, cmds, tmp_path), run_scenario(ref.sock, cmds, tmp_path))


def test_control_output(argon, tmp_path):
    ctl = control_tool()
    rc, out, _ = run_tool(argon.sock, [ctl, "check"])
    assert (rc, out) == (0, b"OK\n")
    rc, _, err = run_tool(argon.sock, [ctl, "bogus"])
    assert rc == 3 and err.startswith(b"Command not supported")
    assert "unknown control command" in argon.log()
    rc, out, _ = run_tool(argon.sock, [ctl, "help"])
    assert rc == 0 and b"quota\t[set <name> <val>|<domid>]\n" in out
    rc, out, _ = run_tool(argon.sock, [ctl, "quota"])
    assert rc == 0 and b"nodes" in out and b"1000" in out
    rc, _, _ = run_tool(argon.sock, [ctl, "quota", "set", "watches", "7"])
    assert rc == 0
    rc, out, _ = run_tool(argon.sock, [ctl, "quota"])
    assert b"watches                   7" in out
    rc, _, _ = run_tool(argon.sock, [ctl, "print", "marker-1234"])
    assert rc == 0 and "control: marker-1234" in argon.log()


def test_readonly_socket(argon, tmp_path):
    run_tool(argon.sock, ["xenstore-write", "/ro/x", "1"])
    rc, out, _ = run_tool(argon.ro_sock, ["xenstore-read", "/ro/x"])
    assert (rc, out) == (0, b"1\n")
    rc, _, err = run_tool(argon.ro_sock, ["xenstore-write", "/ro/x", "2"])
    assert rc == 1 and b"could not write" in err
    rc, _, _ = run_tool(argon.ro_sock, ["xenstore-rm", "/ro/x"])
    assert rc == 1
    assert "EROFS" in argon.log() and "read-only connection" in argon.log()
    rc, out, _ = run_tool(argon.sock, ["xenstore-read", "/ro/x"])
    assert out == b"1\n"


def test_unprivileged_tool(argon, tmp_path):
    """xenstore-utils over the test-only domain socket act as domain 5."""
    run_tool(argon.sock, ["xenstore-write", "/local/domain/5/data", "mine", "/secret", "s"])
    run_tool(argon.sock, ["xenstore-chmod", "-r", "/local/domain/5", "n5"])
    d5 = argon.dom_socks[5]
    assert run_tool(d5, ["xenstore-read", "data"])[:2] == (0, b"mine\n")
    rc, _, err = run_tool(d5, ["xenstore-read", "/secret"])
    assert rc == 1 and b"couldn't read path /secret" in err
    rc, _, _ = run_tool(d5, ["xenstore-write", "/secret", "stolen"])
    assert rc == 1
    assert run_tool(argon.sock, ["xenstore-read", "/secret"])[1] == b"s\n"
    rc, _, _ = run_tool(argon.dom_socks[6], ["xenstore-read", "/local/domain/5/data"])
    assert rc == 1
    assert run_tool(d5, ["xenstore-write", "new", "n"])[0] == 0
    assert b"(n5)" in run_tool(argon.sock, ["xenstore-ls", "-p", "/local/domain/5"])[1]
