# SPDX-License-Identifier: MIT
"""Test harness: start/stop xenstore daemons (ours and Debian's reference) and speak the raw wire
protocol. Shared by the daemon's tests and the CLI tests in dom0-tools/xs."""
import ctypes
import os
import signal
import socket
import struct
import subprocess
import time

# Message types and header layout (facts of the xs_wire protocol).
T = dict(CONTROL=0, DIRECTORY=1, READ=2, GET_PERMS=3, WATCH=4, UNWATCH=5, TRANSACTION_START=6,
         TRANSACTION_END=7, INTRODUCE=8, RELEASE=9, GET_DOMAIN_PATH=10, WRITE=11, MKDIR=12, RM=13,
         SET_PERMS=14, WATCH_EVENT=15, ERROR=16, IS_DOMAIN_INTRODUCED=17, RESUME=18,
         SET_TARGET=19, RESET_WATCHES=21, DIRECTORY_PART=22)
HDR = struct.Struct("<IIII")
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def _die_with_parent():
    """In the child: get SIGTERM when the test process dies, so no daemon outlives a run."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def wait_for_socket(path, proc, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"daemon exited early with {proc.returncode}")
        if os.path.exists(path):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                return
            except OSError:
                pass
            finally:
                s.close()
        time.sleep(0.02)
    raise RuntimeError(f"daemon did not listen on {path} within {timeout}s")


class Daemon:
    """One daemon process with its sockets under @workdir."""

    def __init__(self, kind, workdir, args=(), domains=(5, 6)):
        self.kind = kind
        self.workdir = str(workdir)
        self.sock = os.path.join(self.workdir, f"{kind}.sock")
        self.log_path = os.path.join(self.workdir, f"{kind}.log")
        self.ro_sock = None
        self.dom_socks = {}
        env = dict(os.environ)
        if kind == "argon":
            cmd = [os.environ["ARGON_XENSTORED"], "--socket", self.sock,
                   "--log-file", self.log_path, "--verbose"]
            self.ro_sock = os.path.join(self.workdir, "argon-ro.sock")
            cmd += ["--ro-socket", self.ro_sock]
            for d in domains:
                p = os.path.join(self.workdir, f"argon-d{d}.sock")
                self.dom_socks[d] = p
                cmd += ["--domain-socket", f"{d}:{p}"]
            cmd += list(args)
            env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:exitcode=66"
            env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=67"
        else:
            ref = os.environ.get("ARGON_XS_REF", "")
            cmd = [ref, "-N"] + list(args)
            env["XENSTORED_PATH"] = self.sock
            env["LD_PRELOAD"] = os.environ["ARGON_XS_REF_SHIM"]
            env["XENSHIM_DIR"] = os.environ["ARGON_XS_REF_PROCXEN"]
        self.stderr = open(os.path.join(self.workdir, f"{kind}.stderr"), "w+")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.stderr, stderr=self.stderr,
                                     stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        try:
            for path in [self.sock, self.ro_sock, *self.dom_socks.values()]:
                if path:
                    wait_for_socket(path, self.proc)
        except Exception:
            self.proc.kill()
            self.proc.wait(5)
            raise

    def log(self):
        text = ""
        for p in (self.log_path, self.stderr.name):
            if os.path.exists(p):
                with open(p, errors="replace") as f:
                    text += f.read()
        return text

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """Stop the daemon; for ours, check a clean exit with no sanitizer report."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                raise AssertionError(f"{self.kind} daemon ignored SIGTERM")
        self.stderr.close()
        if self.kind == "argon":
            log = self.log()
            for marker in SANITIZER_MARKERS:
                assert marker not in log, f"sanitizer report in daemon output:\n{log[-4000:]}"
            assert self.proc.returncode == 0, \
                f"daemon exit status {self.proc.returncode}\n{log[-4000:]}"


class Raw:
    """A raw xenstore wire client over a Unix socket."""

    def __init__(self, path, timeout=5.0):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        for attempt in range(200):
            try:
                self.s.connect(path)
                break
            except BlockingIOError:  # Xen's daemon listens with a backlog of 1
                time.sleep(0.01)
        else:
            raise RuntimeError(f"cannot connect to {path}")
        self.req_id = 100
        self.events = []
        self.sent_types = set()

    def close(self):
        self.s.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_raw(self, data):
        self.s.sendall(data)

    def send(self, mtype, payload=b"", tx=0, req_id=None):
        if req_id is None:
            self.req_id += 1
            req_id = self.req_id
        self.s.sendall(HDR.pack(mtype, req_id, tx, len(payload)) + payload)
        self.sent_types.add(mtype)
        return req_id

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise EOFError("connection closed by daemon")
            buf += chunk
        return buf

    def recv(self):
        """Next message as (type, req_id, tx_id, payload)."""
        t, r, x, n = HDR.unpack(self._recv_exact(HDR.size))
        return t, r, x, self._recv_exact(n) if n else b""

    def reply(self, req_id):
        """The reply to @req_id; watch events met on the way are kept in self.events."""
        while True:
            t, r, x, p = self.recv()
            if t == T["WATCH_EVENT"]:
                self.events.append(p)
                continue
            assert r == req_id, f"reply for request {r}, expected {req_id}"
            return t, x, p

    def req(self, name, *args, tx=0, raw=None):
        """Send a request of type @name with NUL-terminated @args; return (type, payload)."""
        payload = raw if raw is not None else b"".join(
            (a if isinstance(a, bytes) else a.encode()) + b"\0" for a in args)
        rid = self.send(T[name] if isinstance(name, str) else name, payload, tx=tx)
        t, _, p = self.reply(rid)
        return t, p

    def ok(self, name, *args, tx=0, raw=None):
        t, p = self.req(name, *args, tx=tx, raw=raw)
        assert t == (T[name] if isinstance(name, str) else name), \
            f"{name} {args} failed: {p!r}"
        return p

    def err(self, name, *args, tx=0, raw=None):
        t, p = self.req(name, *args, tx=tx, raw=raw)
        assert t == T["ERROR"], f"{name} {args} succeeded unexpectedly: {p!r}"
        return p.rstrip(b"\0").decode()

    def write(self, path, value, tx=0):
        v = value if isinstance(value, bytes) else value.encode()
        return self.ok("WRITE", raw=path.encode() + b"\0" + v, tx=tx)

    def event(self, timeout=2.0):
        """Next watch event as (path, token)."""
        if not self.events:
            old = self.s.gettimeout()
            self.s.settimeout(timeout)
            try:
                t, _, _, p = self.recv()
            finally:
                self.s.settimeout(old)
            assert t == T["WATCH_EVENT"], f"expected a watch event, got type {t}"
            self.events.append(p)
        p = self.events.pop(0)
        parts = p.split(b"\0")
        return parts[0].decode(), parts[1].decode()

    def drain(self, wait=0.3):
        """Every message that arrives within @wait seconds, raw (type, req_id, tx_id, payload)."""
        got = []
        old = self.s.gettimeout()
        self.s.settimeout(wait)
        try:
            while True:
                got.append(self.recv())
        except (socket.timeout, TimeoutError):
            return got
        finally:
            self.s.settimeout(old)

    def collect(self, wait=0.3):
        """Every watch event that arrives within @wait seconds, as (path, token) pairs."""
        got = []
        while True:
            try:
                got.append(self.event(timeout=wait))
            except (socket.timeout, TimeoutError):
                return got

    def no_event(self, wait=0.3):
        if self.events:
            return False
        old = self.s.gettimeout()
        self.s.settimeout(wait)
        try:
            self.s.recv(1, socket.MSG_PEEK)
            return False
        except socket.timeout:
            return True
        finally:
            self.s.settimeout(old)

    def closed_by_peer(self, wait=3.0):
        old = self.s.gettimeout()
        self.s.settimeout(wait)
        try:
            while True:
                data = self.s.recv(65536)
                if not data:
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
        finally:
            self.s.settimeout(old)


def have_reference():
    ref = os.environ.get("ARGON_XS_REF", "")
    return bool(ref) and os.access(ref, os.X_OK)


def run_tool(sock, argv, timeout=10, env_extra=None):
    env = dict(os.environ, XENSTORED_PATH=sock)
    env.pop("LD_PRELOAD", None)
    if env_extra:
        env.update(env_extra)
    p = subprocess.run(argv, env=env, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr
