"""Debian 12's stock Linux boots on Argon as a PV guest and runs a busybox shell.

The kernel and busybox are downloaded at test time (tests/linux/linuxkit.py, cached in cache/linux/)
and never committed; without apt or network access the tests are skipped. The initramfs's /init
reports each check as an "ARGON-CHECK <name> <value>" kernel message (see linuxkit.INIT_SCRIPT).
"""
import os
import re
import sys
import time

import pytest

from conftest import EXIT_SUCCESS, TOP

sys.path.insert(0, os.path.join(TOP, "tests", "linux"))
import linuxkit  # noqa: E402

CHECK_RE = r"^\(d0\) \[\s*[\d.]+\] ARGON-CHECK (\S+) ?(.*)$"
DOM_MEM_MIB = 256


@pytest.fixture(scope="module")
def cloud_kernel(tmp_path_factory):
    try:
        paths = linuxkit.fetch("cloud")
    except linuxkit.Unavailable as e:
        pytest.skip(f"Debian packages cannot be downloaded: {e}")
    initrd = str(tmp_path_factory.mktemp("linux") / "initramfs.cpio")
    with open(paths["busybox"], "rb") as f:
        data = linuxkit.build_initramfs(f.read(), linuxkit.INIT_SCRIPT)
    with open(initrd, "wb") as f:
        f.write(data)
    paths["initramfs"] = initrd
    return paths


def boot_linux(boot, kernel, cmdline=""):
    """Boot @kernel as domain 0 with the busybox initramfs; return (Boot, {check: (value, line)})."""
    # The cloud kernel has no dom0 console (CONFIG_XEN_DOM0 off) and Argon serves no console
    # ring yet: earlyprintk=xen,keep keeps the console_io boot console for the whole run, and
    # /init writes its results to /dev/kmsg (printk.devkmsg=on: not rate-limited).
    args = f"earlyprintk=xen,keep loglevel=7 printk.devkmsg=on nr_cpus=1 {cmdline}".strip()
    start = time.time()
    b = boot(f"test-exit dom0_mem={DOM_MEM_MIB}M", modules=[f"{kernel['vmlinux']} {args}",
                                                             kernel["initramfs"]],
             mem=1024, timeout=300)
    checks = {}
    for line in b.lines:
        m = re.search(CHECK_RE, line.text)
        if m and m.group(1) not in checks:
            checks[m.group(1)] = (m.group(2), line)
    b.start_wall = start
    return b, checks


def test_cloud_kernel_boots_to_busybox_as_domain_0(boot, cloud_kernel):
    b, checks = boot_linux(boot, cloud_kernel)
    # The milestones on the way, so a failure says how far Linux got.
    b.must_find(r"^\(d0\) \[\s*[\d.]+\] Linux version " + re.escape(cloud_kernel["release"]))
    b.must_find(r"^\(d0\) \[\s*[\d.]+\] Hypervisor detected: Xen PV$")
    b.must_find(r"^\(d0\) \[\s*[\d.]+\] clocksource: Switched to clocksource xen$")
    b.must_find(r"^\(d0\) \[\s*[\d.]+\] Run /init as init process$")
    assert "init-started" in checks, f"/init never reported ({b.log_path})"
    assert b.rc == EXIT_SUCCESS, b.log_path
    b.must_find(r"^d0: shut down: poweroff \(0\)$")

    assert checks["uname-r"][0] == cloud_kernel["release"]
    assert checks["nproc"][0] == "1"
    # MemTotal is what the kernel has left after its own image and reservations.
    memtotal = int(checks["memtotal-kib"][0])
    assert 0.75 * DOM_MEM_MIB * 1024 < memtotal <= DOM_MEM_MIB * 1024, memtotal
    # The guest's wall clock (pvclock + shared_info wallclock) against the host's, at the time
    # the host received the line.
    value, line = checks["date-s"]
    assert abs(int(value) - (b.start_wall + line.host_time)) < 5
    # sleep 2 takes 2 s of guest uptime and of host wall time (±10%; the host side also sees
    # the serial console's jitter).
    (t0, l0), (t1, l1) = checks["sleep-start"], checks["sleep-end"]
    assert 1.8 <= float(t1) - float(t0) <= 2.2, (t0, t1)
    assert 1.8 <= l1.host_time - l0.host_time <= 2.2, (l0.host_time, l1.host_time)
    # No oops, BUG or WARNING in the kernel log (as /init saw it, and on the serial console).
    assert checks["dmesg-bad"][0] == "0", [v for k, (v, _) in checks.items() if k == "dmesg-line"]
    assert not b.findall(r"^\(d0\) .*(WARNING:|BUG:|Oops|Call Trace)"), b.log_path
    print(f"\ncloud kernel: first line at {b.find('Linux version')[0].host_time:.1f} s, "
          f"/init at {checks['init-started'][1].host_time:.1f} s after QEMU start")
