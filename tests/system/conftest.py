"""Shared fixtures of the system tests: build an ISO with scripts/mkiso, boot it with
scripts/run-qemu under QEMU TCG, and hand the test the serial log with host receive times."""
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field

import pytest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "linux"))
import linuxkit  # noqa: E402
BUILD = os.path.join(TOP, "build")
ELF = os.path.join(BUILD, "hypervisor", "argon.elf")
LOGDIR = os.path.join(BUILD, "test-logs")

# The serial prefix of every hypervisor log line: "(ARGON) [    1.234567] text".
LINE_RE = re.compile(r"^\(ARGON\) \[\s*(\d+)\.(\d{6})\] (.*)$")

# Exit statuses of scripts/run-qemu.
EXIT_SUCCESS, EXIT_QEMU_ERROR, EXIT_PANIC, EXIT_NO_STATUS, EXIT_TIMEOUT = 0, 1, 2, 3, 124


@dataclass
class Line:
    host_time: float  # seconds since QEMU was started, when the host received the line
    hv_time: float  # the hypervisor's own time stamp (seconds since reset), or None
    text: str  # the message without the prefix (or the raw line if it has none)


@dataclass
class Boot:
    rc: int
    lines: list = field(default_factory=list)
    log_path: str = ""
    qemu_start_wall: float = 0.0  # the host's wall clock (time.time()) when QEMU was started

    @property
    def text(self):
        return "\n".join(l.text for l in self.lines)

    def find(self, pattern):
        """The first line whose message matches the regular expression, or None."""
        rx = re.compile(pattern)
        for line in self.lines:
            m = rx.search(line.text)
            if m:
                return line, m
        return None

    def must_find(self, pattern):
        found = self.find(pattern)
        assert found, f"no line matching {pattern!r} in the serial log ({self.log_path})"
        return found

    def findall(self, pattern):
        rx = re.compile(pattern)
        return [m for m in (rx.search(l.text) for l in self.lines) if m]


@pytest.fixture(scope="session")
def hypervisor_elf():
    subprocess.run(["make", "-s", "-C", TOP, "hypervisor"], check=True, stdout=subprocess.DEVNULL)
    assert os.path.exists(ELF)
    return ELF


@pytest.fixture
def boot(hypervisor_elf, tmp_path, request):
    """boot(cmdline, modules=(), smp=1, mem=512, timeout=60, extra=(), cpu=None, input=()) -> Boot

    input: an optional script of (pattern, bytes) steps typed on the serial line (QEMU's stdin),
    in order: a step's bytes are written once a line of the log so far matches its regular
    expression (searched like Boot.find). QEMU's stdio multiplexer takes Ctrl-A as its escape,
    so a literal Ctrl-A must be written as b"\x01\x01". Without input, stdin is /dev/null."""

    def run(cmdline="test-exit", modules=(), smp=1, mem=512, timeout=60, extra=(), cpu=None,
            input=()):
        iso = str(tmp_path / "argon.iso")
        mk = ["scripts/mkiso", "--out", iso, "--hv-cmdline", cmdline]
        for m in modules:
            mk += ["--module", m]
        subprocess.run(mk, cwd=TOP, check=True)
        os.makedirs(LOGDIR, exist_ok=True)
        log_path = os.path.join(LOGDIR, re.sub(r"[^\w.-]", "_", request.node.name) + ".log")
        cmd = ["scripts/run-qemu", iso, "--timeout", str(timeout), "--log", log_path,
               "--smp", str(smp), "--mem", str(mem), *extra]
        start = time.monotonic()
        start_wall = time.time()
        env = dict(os.environ)
        if cpu:
            env["ARGON_QEMU_CPU"] = cpu
        steps = [(re.compile(p), data) for p, data in input]
        proc = subprocess.Popen(cmd, cwd=TOP, stdin=subprocess.PIPE if steps else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        result = Boot(rc=-1, log_path=log_path, qemu_start_wall=start_wall)
        for raw in proc.stdout:
            now = time.monotonic() - start
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            m = LINE_RE.match(text)
            if m:
                result.lines.append(Line(now, int(m.group(1)) + int(m.group(2)) / 1e6, m.group(3)))
            else:
                result.lines.append(Line(now, None, text))
            while steps and any(steps[0][0].search(l.text) for l in result.lines):
                try:
                    proc.stdin.write(steps.pop(0)[1])
                    proc.stdin.flush()
                except BrokenPipeError:
                    steps.clear()
        if proc.stdin:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass
        result.rc = proc.wait()
        return result

    return run


def debian_linux(tmp_path_factory, flavour):
    """Debian's @flavour kernel (tests/linux/linuxkit.py: downloaded once into cache/linux/) with
    the busybox test initramfs written under pytest's temporary directory: linuxkit's paths plus
    "initramfs". Skips the test when the packages cannot be had."""
    try:
        paths = linuxkit.fetch(flavour)
    except linuxkit.Unavailable as e:
        pytest.skip(f"Debian packages cannot be downloaded: {e}")
    initrd = str(tmp_path_factory.mktemp("linux") / "initramfs.cpio")
    try:
        data = linuxkit.test_initramfs(paths["busybox"])
    except linuxkit.Unavailable as e:
        pytest.skip(f"the initramfs cannot be built: {e}")
    with open(initrd, "wb") as f:
        f.write(data)
    paths["initramfs"] = initrd
    return paths
