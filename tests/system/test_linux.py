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
    try:
        data = linuxkit.test_initramfs(paths["busybox"])
    except linuxkit.Unavailable as e:
        pytest.skip(f"the initramfs cannot be built: {e}")
    with open(initrd, "wb") as f:
        f.write(data)
    paths["initramfs"] = initrd
    return paths


def boot_linux(boot, kernel, cmdline="", vcpus=1, mem_mib=DOM_MEM_MIB, timeout=300):
    """Boot @kernel as domain 0 with the busybox initramfs; return (Boot, {check: (value, line)}).
    With @vcpus > 1 the modules carry argon: specs (domain 0 without one has 1 vCPU) and QEMU
    gets as many CPUs."""
    # The cloud kernel has no dom0 console (CONFIG_XEN_DOM0 off) and Argon serves no console
    # ring yet: earlyprintk=xen,keep keeps the console_io boot console for the whole run, and
    # /init writes its results to /dev/kmsg (printk.devkmsg=on: not rate-limited).
    args = f"earlyprintk=xen,keep loglevel=7 printk.devkmsg=on {cmdline}".strip()
    if vcpus == 1:
        modules = [f"{kernel['vmlinux']} {args}", kernel["initramfs"]]
    else:
        modules = [f"{kernel['vmlinux']} argon:dom=0,vcpus={vcpus},priv {args}",
                   f"{kernel['initramfs']} argon:initrd"]
    start = time.time()
    b = boot(f"test-exit dom0_mem={mem_mib}M", modules=modules, smp=vcpus, mem=1024,
             timeout=timeout)
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


def test_cloud_kernel_with_2_vcpus_forks_and_faults(boot, cloud_kernel):
    """Two vCPUs (VCPUOP_initialise/up, IPIs and PV spinlocks over event channels, SCHEDOP_poll,
    multi-vCPU TLB flushes) and the issue's load checks: 2,000 fork+exec runs of /bin/true and
    200 MiB of demand-zero page faults (tests/linux/pagetouch.c) in a 512 MiB domain 0."""
    mem_mib = 512
    b, checks = boot_linux(boot, cloud_kernel, "argon_heavy=1", vcpus=2, mem_mib=mem_mib)
    b.must_find(r"^d0: 2 vCPU\(s\)")
    b.must_find(r"^\(d0\) \[\s*[\d.]+\] smp: Brought up 1 node, 2 CPUs$")
    b.must_find(r"^\(d0\) \[\s*[\d.]+\] cpu 1 spinlock event irq \d+$")
    assert "init-started" in checks, f"/init never reported ({b.log_path})"
    assert b.rc == EXIT_SUCCESS, b.log_path
    b.must_find(r"^d0: shut down: poweroff \(0\)$")

    assert checks["nproc"][0] == "2"
    memtotal = int(checks["memtotal-kib"][0])
    assert 0.85 * mem_mib * 1024 < memtotal <= mem_mib * 1024, memtotal
    # Every run of /bin/true was a fork and an exec (the kernel's fork count says so).
    fe = dict(kv.split("=") for kv in checks["forkexec"][0].split())
    assert fe["runs"] == "2000" and int(fe["forks"]) >= 2000, fe
    pt = re.fullmatch(r"rc=0 start=([\d.]+) end=([\d.]+) pagetouch 200 MiB 51200 pages \d+ ms ok",
                      checks["pagetouch"][0])
    assert pt, checks["pagetouch"][0]
    assert checks["dmesg-bad"][0] == "0", [v for k, (v, _) in checks.items() if k == "dmesg-line"]
    assert not b.findall(r"^\(d0\) .*(WARNING:|BUG:|Oops|Call Trace)"), b.log_path
    print(f"\n2 vCPUs: 2,000 fork+exec in {float(fe['end']) - float(fe['start']):.1f} s, "
          f"200 MiB touched in {float(pt.group(2)) - float(pt.group(1)):.1f} s (guest uptime)")


SPIN = os.path.join(TOP, "build", "guests", "spin.elf")


@pytest.mark.parametrize("end, reason", [("poweroff", "poweroff (0)"), ("reboot", "reboot (1)"),
                                         ("crash", "crash (3)")])
def test_cloud_kernel_as_a_domu(boot, cloud_kernel, end, reason):
    """The cloud kernel as an unprivileged domain 1 next to a domain 0 that keeps running: its
    console is hvc0 on the ring Argon serves, its checks pass, and poweroff, reboot and a forced
    crash are each reported as such while domain 0 carries on."""
    args = f"console=hvc0 loglevel=7 printk.devkmsg=on argon_end={end}"
    b = boot("test-exit", modules=[f"{SPIN} secs=12 dom0",
                                   f"{cloud_kernel['vmlinux']} argon:dom=1,mem=256M {args}",
                                   f"{cloud_kernel['initramfs']} argon:initrd"],
             mem=1024, timeout=240)
    assert b.rc == EXIT_SUCCESS, b.text
    checks = {m.group(1): m.group(2) for m in b.findall(CHECK_RE.replace("d0", "d1"))}
    assert checks.get("uname-r", "").endswith("-cloud-amd64"), checks
    assert checks.get("nproc") == "1"
    assert checks.get("dmesg-bad") == "0"
    (down, _) = b.must_find(r"^d1: shut down: %s$" % re.escape(reason))
    if end == "crash":
        b.must_find(r"^\(d1\) .*Kernel panic - not syncing: sysrq triggered crash")
    # Domain 0 outlives it and finishes its own work afterwards.
    (spin, _) = b.must_find(r"^\(d0\) SPIN secs=12 dom0 running")
    assert spin.host_time > down.host_time
    b.must_find(r"^d0: shut down: poweroff \(0\)$")
