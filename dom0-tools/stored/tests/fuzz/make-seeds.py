#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write a seed corpus for fuzz_wire (one file per seed) into the directory given."""
import os
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def msg(t, payload, tx=0, rid=1):
    return struct.pack("<IIII", t, rid, tx, len(payload)) + payload


def chunked(conn, data):
    res = b""
    for i in range(0, len(data), 200):
        part = data[i:i + 200]
        res += bytes([conn, len(part)]) + part
    return res


seeds = {
    "write-read": chunked(0, msg(11, b"/a/b\0v") + msg(2, b"/a/b\0") + msg(1, b"/a\0")),
    "perms": chunked(0, msg(11, b"/local/domain/5\0") + msg(14, b"/local/domain/5\0n5\0")) +
    chunked(2, msg(11, b"x\0y") + msg(2, b"/a\0") + msg(14, b"x\0n5\0r6\0")),
    "tx": chunked(0, msg(6, b"\0") + msg(11, b"/t\0v", tx=1) + msg(2, b"/t\0", tx=1)) +
    chunked(2, msg(11, b"/t\0w")) + chunked(0, msg(7, b"T\0", tx=1)),
    "watch": chunked(0, msg(4, b"/w\0tok\0") + msg(11, b"/w/x\0v") + msg(13, b"/w\0") +
                     msg(4, b"@introduceDomain\0i\0") + msg(8, b"3\0" b"1\0" b"2\0") +
                     msg(19, b"3\0" b"3\0") + msg(9, b"3\0") + msg(21, b"\0")),
    "misc": chunked(1, msg(11, b"/ro\0v") + msg(0, b"check\0") + msg(22, b"/\0" b"0\0") +
                    msg(10, b"5\0") + msg(17, b"0\0") + msg(18, b"3\0") + msg(3, b"/\0") +
                    msg(12, b"/m/n\0") + msg(5, b"/w\0tok\0")),
    "bad": chunked(0, msg(2, b"/a") + msg(99, b"") + struct.pack("<IIII", 2, 1, 0, 5000)),
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
