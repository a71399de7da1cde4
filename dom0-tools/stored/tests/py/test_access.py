# SPDX-License-Identifier: MIT
"""Permissions, quotas and hostile input, with connections acting as unprivileged domains through
the daemon's test-only domain sockets (--domain-socket ID:PATH)."""
import os
import random
import socket
import struct
import time

from xsharness import HDR, Raw, T


def setup_home(dom0, domid):
    dom0.ok("MKDIR", f"/local/domain/{domid}")
    dom0.ok("SET_PERMS", f"/local/domain/{domid}", f"n{domid}")


def test_non_owner_denied(argon):
    with Raw(argon.sock) as d0, Raw(argon.dom_socks[5]) as d5, Raw(argon.dom_socks[6]) as d6:
        setup_home(d0, 5)
        d0.write("/secret", "s")
        # a domain owns its home and what it creates there (relative paths are below it)
        d5.write("data", "mine")
        assert d5.ok("READ", "/local/domain/5/data") == b"mine"
        assert d0.ok("GET_PERMS", "/local/domain/5/data") == b"n5\0"
        # others: no access by default
        assert d5.err("READ", "/secret") == "EACCES"
        assert d5.err("WRITE", raw=b"/secret\0x") == "EACCES"
        assert d5.err("RM", "/secret") == "EACCES"
        assert d5.err("DIRECTORY", "/") == "EACCES"
        assert d5.err("GET_PERMS", "/secret") == "EACCES"
        assert d6.err("READ", "/local/domain/5/data") == "EACCES"
        assert d6.err("WRITE", raw=b"/local/domain/5/data\0x") == "EACCES"
        assert d6.err("MKDIR", "/local/domain/5/new") == "EACCES"
        # a missing node below an unreadable one: EACCES, not ENOENT (no existence leak)
        assert d6.err("READ", "/local/domain/5/nope") == "EACCES"
        assert d5.err("READ", "/local/domain/5/nope") == "ENOENT"
        # ACL entries grant per domain; the first entry is the default for the rest
        d5.ok("SET_PERMS", "data", "n5", "r6")
        assert d6.ok("READ", "/local/domain/5/data") == b"mine"
        assert d6.err("WRITE", raw=b"/local/domain/5/data\0x") == "EACCES"
        d5.ok("SET_PERMS", "data", "r5", "w6")
        assert d6.err("READ", "/local/domain/5/data") == "EACCES"
        d6.write("/local/domain/5/data", "from6")
        d5.ok("SET_PERMS", "data", "b5")
        assert d6.ok("READ", "/local/domain/5/data") == b"from6"
        # only the owner changes permissions, and may not give the node away
        assert d6.err("SET_PERMS", "/local/domain/5/data", "b6") == "EACCES"
        assert d5.err("SET_PERMS", "data", "n6") == "EPERM"
        d0.ok("SET_PERMS", "/local/domain/5/data", "n6")  # dom0 may
        assert d5.err("READ", "data") == "EACCES"
        # privileged operations
        assert d5.err("INTRODUCE", "9", "1", "1") == "EACCES"
        assert d5.err("RELEASE", "9") == "EACCES"
        assert d5.err("SET_TARGET", "5", "6") == "EACCES"
        assert d5.err("CONTROL", "check") == "EACCES"
        assert d5.err("IS_DOMAIN_INTRODUCED", "0") == "EACCES"
        assert d5.ok("GET_DOMAIN_PATH", "5") == b"/local/domain/5\0"
        # nothing changed for dom0
        assert d0.ok("READ", "/secret") == b"s"
    log = argon.log()
    assert "d5 domain-socket: refused READ \"/secret\"" in log and "EACCES" in log
    assert "an unprivileged owner may not change the owner" in log
    assert "privileged operation" in log


def test_watch_events_respect_permissions(argon):
    with Raw(argon.sock) as d0, Raw(argon.dom_socks[5]) as d5:
        d0.write("/w/open", "1")
        d0.ok("SET_PERMS", "/w/open", "r0")
        d0.write("/w/closed", "1")
        assert d5.ok("WATCH", "/w", "t") == b"OK\0"
        assert d5.collect() == [("/w", "t")]
        d0.write("/w/open", "2")
        d0.write("/w/closed", "2")
        assert d5.collect() == [("/w/open", "t")]


def test_set_target(argon):
    with Raw(argon.sock) as d0, Raw(argon.dom_socks[5]) as d5:
        setup_home(d0, 6)
        d0.write("/local/domain/6/x", "six")
        assert d5.err("READ", "/local/domain/6/x") == "EACCES"
        d0.ok("INTRODUCE", "5", "1", "1")
        d0.ok("INTRODUCE", "6", "2", "2")
        d0.ok("SET_TARGET", "5", "6")
        assert d5.ok("READ", "/local/domain/6/x") == b"six"
        d5.write("/local/domain/6/x", "by5")
        d0.ok("RELEASE", "5")
        assert d5.err("READ", "/local/domain/6/x") == "EACCES"


def test_quotas(argon_factory):
    d = argon_factory("--quota", "nodes=6", "--quota", "watches=3", "--quota", "transactions=2",
                      "--quota", "value-size=100", "--quota", "permissions=2",
                      "--quota", "transaction-nodes=8")
    with Raw(d.sock) as d0, Raw(d.dom_socks[5]) as d5:
        setup_home(d0, 5)          # owned by 5: 1 node
        for i in range(5):
            d5.write(f"n{i}", "v")  # 6 nodes
        assert d5.err("WRITE", raw=b"n5\0v") == "ENOSPC"
        assert d5.err("MKDIR", "m/a/b") == "ENOSPC"
        d5.ok("RM", "n4")
        d5.write("n5", "v")        # room again after a removal
        assert d5.err("WRITE", raw=b"n0\0" + b"v" * 101) == "ENOSPC"
        d5.write("n0", "v" * 100)
        assert d5.err("SET_PERMS", "n0", "n5", "r1", "r2") == "ENOSPC"
        d5.ok("SET_PERMS", "n0", "n5", "r1")
        for i in range(3):
            d5.ok("WATCH", f"n{i}", "t")
        assert d5.err("WATCH", "n3", "t") == "E2BIG"
        tx1 = int(d5.ok("TRANSACTION_START", "").rstrip(b"\0"))
        d5.ok("TRANSACTION_START", "")
        assert d5.err("TRANSACTION_START", "") == "ENOSPC"
        assert d5.ok("READ", "n0", tx=tx1) == b"v" * 100
        # dom0 is exempt from all of them
        for i in range(10):
            d0.write(f"/big/{i}", "v" * 1000)
        for i in range(5):
            d0.ok("WATCH", f"/big/{i}", "t")
        assert "node or value-size quota" in d.log() and "watch quota" in d.log()
        assert "transaction quota" in d.log() and "permissions quota" in d.log()


def test_transaction_nodes_quota(argon_factory):
    d = argon_factory("--quota", "transaction-nodes=4")
    with Raw(d.sock) as d0, Raw(d.dom_socks[5]) as d5:
        setup_home(d0, 5)
        tx = int(d5.ok("TRANSACTION_START", "").rstrip(b"\0"))
        # each write touches its node and the home node: k0, home, k1, k2 fill the 4 slots
        answers = [d5.req("WRITE", raw=f"k{i}\0v".encode(), tx=tx)[1] for i in range(4)]
        assert answers == [b"OK\0", b"OK\0", b"OK\0", b"ENOSPC\0"]
        d5.ok("TRANSACTION_END", "T", tx=tx)
        assert d5.ok("DIRECTORY", "/local/domain/5") == b"k0\0k1\0k2\0"
        # dom0 transactions are not bounded
        tx = int(d0.ok("TRANSACTION_START", "").rstrip(b"\0"))
        for i in range(20):
            d0.write(f"/t/{i}", "v", tx=tx)
        d0.ok("TRANSACTION_END", "T", tx=tx)


def test_outstanding_requests_throttled(argon_factory):
    d = argon_factory("--quota", "outstanding=4")
    with Raw(d.sock) as d0, Raw(d.dom_socks[5]) as d5:
        setup_home(d0, 5)
        # a client that sends without reading: small socket buffer forces the daemon to queue
        d5.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        big = b"v" * 2000
        d5.write("big", big)
        rids = list(range(1000, 1300))
        d5.send_raw(b"".join(HDR.pack(T["READ"], r, 0, 4) + b"big\0" for r in rids))
        time.sleep(0.5)
        assert "outstanding requests (quota 4)" in d.log()
        # it still answers everything, in order, once the client reads
        for rid in rids:
            t, _, p = d5.reply(rid)
            assert (t, p) == (T["READ"], big)
        # and other clients were served meanwhile
        assert d0.ok("READ", "/local/domain/5/big") == big


def test_malformed_messages(argon):
    # missing NULs, bad tx, unknown type: error replies, connection stays usable
    with Raw(argon.sock) as a:
        assert a.err("READ", raw=b"/x") == "EINVAL"
        assert a.err("MKDIR", raw=b"/x\0/y\0") == "EINVAL"
        assert a.err("SET_PERMS", raw=b"/x") == "EINVAL"
        assert a.err("WATCH", raw=b"/x\0tok") == "EINVAL"
        assert a.err("TRANSACTION_END", raw=b"T") == "ENOENT"
        assert a.err(99, raw=b"\xff" * 10) == "ENOSYS"
        assert a.err("READ", "/x", tx=0xffffffff) == "ENOENT"
        assert a.err("INTRODUCE", raw=b"1\0" * 2) == "EINVAL"
        assert a.err("DIRECTORY_PART", raw=b"/\0") == "EINVAL"
        assert a.err("WRITE", raw=b"/a/\x01\0v") == "EINVAL"
        assert a.ok("READ", "/tool/xenstored") == b""
    # oversized length: connection closed, daemon fine
    for length in (4097, 0xffffffff):
        with Raw(argon.sock) as a:
            a.send_raw(HDR.pack(T["WRITE"], 1, 0, length) + b"/x\0")
            assert a.closed_by_peer()
    # truncated header / payload then hang-up
    with Raw(argon.sock) as a:
        a.send_raw(HDR.pack(T["WRITE"], 1, 0, 100)[:10])
    with Raw(argon.sock) as a:
        a.send_raw(HDR.pack(T["WRITE"], 1, 0, 100) + b"/partial")
    # random garbage streams from many connections
    rng = random.Random(1234)
    for _ in range(60):
        with Raw(argon.sock, timeout=1.0) as a:
            msgs = b""
            for _ in range(rng.randint(1, 8)):
                payload = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
                if rng.random() < 0.5:
                    payload = b"/" + payload.replace(b"\0", b"a") + b"\0" + payload
                mtype = rng.choice(list(T.values()) + [rng.randrange(0, 1 << 32)])
                length = len(payload) if rng.random() < 0.9 else rng.randrange(0, 1 << 32)
                msgs += HDR.pack(mtype, rng.randrange(1 << 32), rng.choice([0, 1, 5]),
                                 length) + payload
            try:
                a.send_raw(msgs)
                a.drain(0.02)
            except OSError:
                pass
    assert argon.alive()
    with Raw(argon.sock) as a:
        assert a.ok("CONTROL", "check") == b"OK\0"
    assert "payload length 4097 exceeds 4096" in argon.log()


def test_watch_firing_order(argon):
    with Raw(argon.sock) as a, Raw(argon.sock) as b, Raw(argon.sock) as c:
        a.ok("WATCH", "/o", "a1")
        a.ok("WATCH", "/o/x", "a2")
        b.ok("WATCH", "/o/x/y", "b1")
        c.ok("WATCH", "/o/x/y/z", "c1")
        a.ok("WATCH", "/", "a3")
        for conn in (a, b, c):
            conn.collect()
        c.write("/o/x/y", "1")
        assert a.collect() == [("/o/x/y", "a1"), ("/o/x/y", "a2"), ("/o/x/y", "a3")]
        assert b.collect() == [("/o/x/y", "b1")]
        assert c.collect() == []   # the watch below the written node does not fire
        c.write("/o/x/y/z", "2")
        c.write("/o/q", "3")
        assert a.collect() == [("/o/x/y/z", "a1"), ("/o/x/y/z", "a2"), ("/o/x/y/z", "a3"),
                               ("/o/q", "a1"), ("/o/q", "a3")]
        assert b.collect() == [("/o/x/y/z", "b1")]
        assert c.collect() == [("/o/x/y/z", "c1")]
        # removal: the removed node fires watches above it; nodes inside fire exact watches
        c.ok("RM", "/o/x")
        assert a.collect() == [("/o/x", "a1"), ("/o/x", "a2"), ("/o/x", "a3")]
        assert b.collect() == [("/o/x/y", "b1")]
        assert c.collect() == [("/o/x/y/z", "c1")]


def test_transaction_retry_loop(argon):
    """Two clients increment a counter in transactions; with retry on EAGAIN no update is lost."""
    with Raw(argon.sock) as a, Raw(argon.sock) as b:
        a.write("/counter", "0")
        eagain = 0
        for i in range(30):
            for me, other in ((a, b), (b, a)):
                attempt = 0
                while True:
                    attempt += 1
                    tx = int(me.ok("TRANSACTION_START", "").rstrip(b"\0"))
                    v = int(me.ok("READ", "/counter", tx=tx))
                    if i % 3 == 0 and me is a and attempt == 1:
                        other.write("/counter", str(int(other.ok("READ", "/counter")) + 1))
                    me.write("/counter", str(v + 1), tx=tx)
                    t, p = me.req("TRANSACTION_END", "T", tx=tx)
                    if t == T["ERROR"]:
                        assert p == b"EAGAIN\0"
                        eagain += 1
                        continue
                    break
        assert int(a.ok("READ", "/counter")) == 60 + 10
        assert eagain == 10


def test_directory_part_large(argon):
    with Raw(argon.sock) as a:
        names = [f"child-with-a-long-name-{i:04d}" for i in range(300)]
        for n in names:
            a.write(f"/big/{n}", "x")
        assert a.err("DIRECTORY", "/big") == "E2BIG"
        got, off, gen = b"", 0, None
        while True:
            p = a.ok("DIRECTORY_PART", "/big", str(off))
            g, rest = p.split(b"\0", 1)
            gen = gen or g
            assert g == gen
            assert len(p) <= 4096
            if rest.endswith(b"\0\0") or rest == b"\0":
                got += rest[:-1]
                break
            got += rest
            off += len(rest)
        assert got.split(b"\0")[:-1] == [n.encode() for n in names]
        a.write("/big/one-more", "x")
        g2 = a.ok("DIRECTORY_PART", "/big", "0").split(b"\0")[0]
        assert g2 != gen


def test_many_clients_and_clean_exit(argon):
    conns = [Raw(argon.sock) for _ in range(50)]
    for i, c in enumerate(conns):
        c.ok("WATCH", f"/mc/{i}", "t")
        tx = int(c.ok("TRANSACTION_START", "").rstrip(b"\0"))
        c.write(f"/mc/{i}/x", "v", tx=tx)
    for c in conns[::2]:
        c.close()
    with Raw(argon.sock) as a:
        a.write("/mc/1/y", "v")
    for i, c in enumerate(conns):
        if i % 2:
            expect = [(f"/mc/{i}", "t")] + ([("/mc/1/y", "t")] if i == 1 else [])
            assert c.collect() == expect
            c.close()
    # open transactions, watches and half-closed connections are freed at exit (LSan checks)
    Raw(argon.sock).send(T["TRANSACTION_START"], b"\0")
