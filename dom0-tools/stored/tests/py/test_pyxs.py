# SPDX-License-Identifier: MIT
"""Debian's python3-pyxs, a pure-Python xenstore client, over our daemon's socket: the same
session must give the same results as against Debian's xenstored."""
import threading

import pytest

pyxs = pytest.importorskip("pyxs")
from pyxs import Client, PyXSError  # noqa: E402


def next_events(monitor, n, timeout=3.0):
    got = []

    def pull():
        for ev in monitor.wait():
            got.append((ev[0].decode(), ev[1].decode()))
            if len(got) == n:
                return
    t = threading.Thread(target=pull, daemon=True)
    t.start()
    t.join(timeout)
    return got


def session(sock):
    out = {}
    Client.SU = True  # the host has no /proc/xen; allow pyxs to send dom0-only requests
    with Client(unix_socket_path=sock) as c:
        c.write(b"/py/a", b"1")
        c.write(b"/py/b/c", b"2")
        out["read"] = c.read(b"/py/a")
        out["read-default"] = c.read(b"/py/missing", b"dflt")
        out["list"] = sorted(c.list(b"/py"))
        out["exists"] = (c.exists(b"/py/b/c"), c.exists(b"/py/nope"))
        c.mkdir(b"/py/d")
        out["mkdir"] = c.read(b"/py/d")
        c.set_perms(b"/py/a", [b"b0", b"r3"])
        out["perms"] = c.get_perms(b"/py/a")
        out["walk"] = [(p, sorted(d), sorted(f)) for p, d, f in c.walk(b"/py")]
        c.delete(b"/py/b")
        out["deleted"] = c.exists(b"/py/b/c")
        try:
            c.read(b"/py/b/c")
        except PyXSError as e:
            out["read-missing-errno"] = e.args[0]
        out["domain-path"] = c.get_domain_path(4)
        out["introduced-before"] = c.is_domain_introduced(4)
        c.introduce_domain(4, 1234, 7)
        out["introduced-after"] = c.is_domain_introduced(4)
        c.release_domain(4)
        out["introduced-released"] = c.is_domain_introduced(4)
        # transactions: commit, and a conflicting one that fails
        c.transaction()
        c.write(b"/py/tx", b"t")
        out["commit"] = c.commit()
        c.transaction()
        c.read(b"/py/tx")
        with Client(unix_socket_path=sock) as other:
            other.write(b"/py/tx", b"changed")
        c.write(b"/py/tx", b"mine")
        out["commit-conflict"] = c.commit()
        out["after-conflict"] = c.read(b"/py/tx")
        # watches
        m = c.monitor()
        m.watch(b"/py/w", b"tok")
        out["initial-event"] = next_events(m, 1)
        c.write(b"/py/w/x", b"1")
        c.delete(b"/py/w")
        out["events"] = next_events(m, 2)
        m.close()
    return out


def test_pyxs_session(argon):
    out = session(argon.sock)
    assert out["read"] == b"1"
    assert out["read-default"] == b"dflt"
    assert out["list"] == [b"a", b"b"]
    assert out["exists"] == (True, False)
    assert out["mkdir"] == b""
    assert out["perms"] == [b"b0", b"r3"]
    assert out["deleted"] is False
    assert out["domain-path"] == b"/local/domain/4"
    assert (out["introduced-before"], out["introduced-after"], out["introduced-released"]) == \
        (False, True, False)
    assert out["commit"] is True
    assert out["commit-conflict"] is False
    assert out["after-conflict"] == b"changed"
    assert out["initial-event"] == [("/py/w", "tok")]
    assert out["events"] == [("/py/w/x", "tok"), ("/py/w", "tok")]


def test_pyxs_same_as_xen(argon, ref):
    assert session(argon.sock) == session(ref.sock)
