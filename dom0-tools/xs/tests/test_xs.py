# SPDX-License-Identifier: MIT
"""The xs tools against our daemon."""
import os
import subprocess
import time

from xsharness import run_tool

XS = os.environ["ARGON_XS"]


def xs(sock, *args):
    return run_tool(sock, [XS, *args])


def test_write_read_ls_rm(argon):
    assert xs(argon.sock, "write", "/a/b", "hello", "/a/c", "w\torld")[0] == 0
    assert xs(argon.sock, "read", "/a/b", "/a/c") == (0, b"hello\nw\torld\n", b"")
    rc, out, _ = xs(argon.sock, "ls", "/a")
    assert (rc, out) == (0, b'/a/b = "hello"\n/a/c = "w\\x09orld"\n')
    assert xs(argon.sock, "mkdir", "/a/d")[0] == 0
    assert xs(argon.sock, "rm", "/a/b")[0] == 0
    rc, _, err = xs(argon.sock, "read", "/a/b")
    assert rc == 1 and err == b"xs read: /a/b: No such file or directory\n"
    rc, out, _ = xs(argon.sock, "ls", "-p", "/a")
    assert out == b'/a/c = "w\\x09orld"  (n0)\n/a/d = ""  (n0)\n'


def test_chmod_and_denial(argon):
    xs(argon.sock, "write", "/p/x", "1")
    assert xs(argon.sock, "chmod", "/p/x", "n5", "r6")[0] == 0
    assert xs(argon.sock, "ls", "-p", "/p")[1] == b'/p/x = "1"  (n5,r6)\n'
    assert xs(argon.dom_socks[6], "read", "/p/x")[:2] == (0, b"1\n")
    rc, _, err = xs(argon.dom_socks[6], "write", "/p/x", "2")
    assert rc == 1 and b"Permission denied" in err
    assert xs(argon.sock, "chmod", "/p/x", "z1")[0] == 2
    assert xs(argon.sock, "bogus")[0] == 2


def test_watch(argon):
    env = dict(os.environ, XENSTORED_PATH=argon.sock)
    p = subprocess.Popen([XS, "watch", "-n", "3", "/w"], env=env, stdout=subprocess.PIPE)
    time.sleep(0.3)
    xs(argon.sock, "write", "/w/x", "1")
    xs(argon.sock, "rm", "/w")
    out, _ = p.communicate(timeout=5)
    assert p.returncode == 0
    assert out == b"/w xs\n/w/x xs\n/w xs\n"
