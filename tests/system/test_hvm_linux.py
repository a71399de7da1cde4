"""Debian 12's stock cloud kernel as an unmodified HVM guest: the bzImage (not the extracted ELF)
is started through the Linux x86 boot protocol (hypervisor/arch/x86/hvm/bzimage.c) with the
busybox initramfs and console=ttyS0, and runs on the emulated platform alone
(docs/abi/hvm-platform.md): xen_nopv keeps it off the Xen HVM interfaces Argon does not offer yet
(XENMEM_add_to_physmap for shared_info). The kernel and busybox are downloaded at test time
(tests/linux/linuxkit.py, cache/linux/), never committed; without apt or network access the test
is skipped. The initramfs's /init reports each check as "ARGON-CHECK <name> <value>"."""
import os
import re
import sys
import time

import pytest

from conftest import EXIT_SUCCESS, TOP

sys.path.insert(0, os.path.join(TOP, "tests", "linux"))
import linuxkit  # noqa: E402

HVM_MEM_MIB = 256
CHECK_RE = r"^\(d1\) \[\s*[\d.]+\] ARGON-CHECK (\S+) ?(.*)$"


@pytest.fixture(scope="module")
def cloud_bzimage(tmp_path_factory):
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


def test_cloud_kernel_boots_as_hvm_guest(boot, cloud_bzimage):
    k = cloud_bzimage
    args = "console=ttyS0 earlyprintk=serial,ttyS0 loglevel=7 printk.devkmsg=on xen_nopv"
    start = time.time()
    b = boot(f"test-exit hvm=0 hvm_initrd=1 hvm_mem={HVM_MEM_MIB}M",
             modules=[f"{k['vmlinuz']} {args}", k["initramfs"]], mem=1024, timeout=240)
    checks = {}
    for line in b.lines:
        m = re.search(CHECK_RE, line.text)
        if m and m.group(1) not in checks:
            checks[m.group(1)] = (m.group(2), line)
    # The milestones, so a failure says how far Linux got.
    b.must_find(r"^HVM: bzImage, boot protocol 2\.\d+, \d+ KiB kernel at 1 MiB")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] Linux version " + re.escape(k["release"]))
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] BIOS-e820: \[mem 0x0000000000100000-0x000000000fffffff\] usable$")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] ACPI: RSDP 0x00000000000E0000 000024 \(v02 ARGON \)$")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] IOAPIC\[0\]: apic_id 0, version 17, address 0xfec00000, GSI 0-23$")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] ACPI: PM-Timer IO Port: 0xb008$")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] \.\.TIMER: vector=0x30 apic1=0 pin1=2")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] rtc_cmos rtc_cmos: registered as rtc0$")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] Run /init as init process$")
    assert "init-started" in checks, f"/init never reported ({b.log_path})"
    assert checks["uname-r"][0] == k["release"]
    assert checks["nproc"][0] == "1"
    memtotal = int(checks["memtotal-kib"][0])
    assert 0.75 * HVM_MEM_MIB * 1024 < memtotal <= HVM_MEM_MIB * 1024, memtotal
    # The wall clock comes from the CMOS RTC (the host's time).
    value, line = checks["date-s"]
    assert abs(int(value) - (start + line.host_time)) < 5
    # sleep 2 on the local APIC timer: 2 s of guest uptime and of host wall time (±10%).
    (t0, l0), (t1, l1) = checks["sleep-start"], checks["sleep-end"]
    assert 1.8 <= float(t1) - float(t0) <= 2.2, (t0, t1)
    assert 1.8 <= l1.host_time - l0.host_time <= 2.2, (l0.host_time, l1.host_time)
    assert checks["dmesg-bad"][0] == "0", [v for key, (v, _) in checks.items() if key == "dmesg-line"]
    assert not b.findall(r"^\(d1\) .*(WARNING:|BUG:|Oops|Call Trace)"), b.log_path
    # poweroff goes through ACPI S5 and ends the domain cleanly.
    b.must_find(r"^d1: ACPI S5 requested: powering off$")
    b.must_find(r"^d1: shut down: poweroff \(0\)$")
    assert b.rc == EXIT_SUCCESS, b.log_path
    print(f"\nHVM cloud kernel: first line at {b.find('Linux version')[0].host_time:.1f} s, "
          f"/init at {checks['init-started'][1].host_time:.1f} s after QEMU start")
