"""`make run` (the README's main job) boots Debian's generic kernel as domain 0 on Argon to an
interactive busybox shell on the serial console. The test types into it as a user would, through
QEMU's stdio: serial input reaches domain 0 over CONSOLEIO_read and VIRQ_CONSOLE, its shell's
prompt and echo come back as partial lines, and `poweroff -f` ends the run."""
import os
import re
import subprocess
import sys
import threading
import time

import pytest

from conftest import LOGDIR, TOP

sys.path.insert(0, os.path.join(TOP, "tests", "linux"))
import linuxkit  # noqa: E402


class Transcript:
    """Everything the process writes, read in raw chunks (a prompt ends no line)."""

    def __init__(self, proc):
        self.proc, self.text, self.lock = proc, "", threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                return
            with self.lock:
                self.text += chunk.decode("utf-8", "replace")

    def wait_for(self, pattern, timeout, start=0):
        """The match of @pattern in the output after offset @start, waiting up to @timeout s."""
        rx, deadline = re.compile(pattern, re.M), time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                m = rx.search(self.text, start)
            if m:
                return m
            if self.proc.poll() is not None and not self.thread.is_alive():
                break
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} within {timeout} s; output ends:\n{self.text[-3000:]}")


def test_make_run_reaches_an_interactive_dom0_shell(hypervisor_elf):
    try:
        release = linuxkit.fetch("generic")["release"]
    except linuxkit.Unavailable as e:
        pytest.skip(f"Debian packages cannot be downloaded: {e}")
    proc = subprocess.Popen(["make", "-s", "run", "RUN_TIMEOUT=300"], cwd=TOP,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out = Transcript(proc)
    try:
        out.wait_for(r"\(d0\) ARGON-SHELL: Linux " + re.escape(release) + r", domain 0 on Argon",
                     240)
        prompt = out.wait_for(r"\(d0\) dom0:\S*# ", 60)
        proc.stdin.write(b"echo ARGON-$((6*7))\r")
        proc.stdin.flush()
        # The tty echoes what was typed, then the shell's answer comes on a line of its own.
        typed = out.wait_for(r"echo ARGON-\$\(\(6\*7\)\)", 60, prompt.end())
        out.wait_for(r"^\(ARGON\) \[\s*[\d.]+\] \(d0\) ARGON-42\r?$", 60, typed.end())
        proc.stdin.write(b"poweroff -f\r")
        proc.stdin.flush()
        out.wait_for(r"d0: shut down: poweroff \(0\)", 60)
        assert proc.wait(timeout=60) == 0, out.text[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.makedirs(LOGDIR, exist_ok=True)
        with open(os.path.join(LOGDIR, "make_run.log"), "w") as f:
            f.write(out.text)
