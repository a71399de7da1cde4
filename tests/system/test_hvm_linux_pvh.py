"""Debian 12's stock cloud kernel as a PVH guest: the ELF vmlinux (extracted from the package's
bzImage by tests/linux/linuxkit.py) is started at its XEN_ELFNOTE_PHYS32_ENTRY point with
struct hvm_start_info (hypervisor/arch/x86/hvm/pvh.c, docs/abi/pvh.md): the memory map, command
line, RSDP and the busybox initramfs as module 0 all come from the start info, not from a zero
page. Linux runs its Xen PVH path on Argon's PV interfaces for HVM domains (shared info, event
channels through the callback vector, the xen clocksource and timer), reaches /init, passes the
checks of test_hvm_linux.py and powers off through ACPI S5; once with its console on hvc0 (the
PV console ring, the only console), once on the emulated COM1 (console=ttyS0, earlyprintk);
and with 2 vCPUs from a boot-time domain spec beside a PV domain 0.
Downloaded at test time; skipped without apt or network access."""
import os
import re
import time

import pytest

from conftest import TOP
from test_hvm_linux import CHECK_RE, HVM_MEM_MIB, assert_linux_checks, cloud_bzimage  # noqa: F401

CONSOLES = {
    "hvc0": "console=hvc0 loglevel=7 printk.devkmsg=on",
    "ttyS0": "console=ttyS0 earlyprintk=serial,ttyS0 loglevel=7 printk.devkmsg=on",
}


@pytest.mark.parametrize("console", sorted(CONSOLES))
def test_cloud_kernel_boots_as_pvh_guest(boot, cloud_bzimage, console):  # noqa: F811
    k, args = cloud_bzimage, CONSOLES[console]
    start = time.time()
    b = boot(f"test-exit hvm=0 hvm_initrd=1 hvm_mem={HVM_MEM_MIB}M",
             modules=[f"{k['vmlinux']} {args}", k["initramfs"]], mem=1024, timeout=240)
    checks = {}
    for line in b.lines:
        m = re.search(CHECK_RE, line.text)
        if m and m.group(1) not in checks:
            checks[m.group(1)] = (m.group(2), line)
    # The milestones, so a failure says how far Linux got.
    (_, m) = b.must_find(r"^HVM: PVH kernel \(ELF64\), entry 0x[0-9a-f]+, \d+ KiB from "
                         r"0x1000000, start info at 0x10000, initrd \d+ KiB at (0x[0-9a-f]+)$")
    initrd_at = int(m.group(1), 16)
    line = r"^\(d1\) \[\s*[\d.]+\] "
    b.must_find(line + r"Linux version " + re.escape(k["release"]))
    b.must_find(line + r"Command line: " + re.escape(args) + "$")
    # The memory map, the RSDP and the initrd as the start info gave them.
    b.must_find(line + r"BIOS-e820: \[mem 0x0000000000100000-0x000000000fffffff\] usable$")
    b.must_find(line + r"ACPI: RSDP 0x00000000000E0000 000024 \(v02 ARGON \)$")
    b.must_find(line + r"RAMDISK: \[mem 0x%08x-0x0fffffff\]$" % initrd_at)
    b.must_find(line + r"Hypervisor detected: Xen HVM$")
    b.must_find(line + r"Booting kernel on Xen PVH$")
    b.must_find(line + r"xen:events: Xen HVM callback vector for event delivery is enabled$")
    b.must_find(line + r"clocksource: Switched to clocksource xen$")
    b.must_find(line + r"printk: console \[%s\] enabled$" % console)
    # At /init's end: still on the Xen clock, events arriving through the callback vector (the
    # HYP row of /proc/interrupts), the timer VIRQ among them.
    assert checks["clocksource"][0] == "xen", checks["clocksource"]
    assert int(checks["hyp-irqs"][0] or 0) > 100, checks["hyp-irqs"]
    assert int(checks["xen-timer-irqs"][0] or 0) > 100, checks["xen-timer-irqs"]
    assert_linux_checks(b, checks, start, k)
    built = b.find(r"^HVM: PVH kernel")[0].host_time
    init = checks["init-started"][1].host_time
    print(f"\nPVH cloud kernel ({console}): domain built at {built:.1f} s, /init at {init:.1f} s "
          f"after QEMU start ({init - built:.1f} s)")


SPIN = os.path.join(TOP, "build", "guests", "spin.elf")


def test_cloud_kernel_as_pvh_with_2_vcpus_beside_pv_dom0(boot, cloud_bzimage):  # noqa: F811
    """PVH through a boot-time domain spec (argon:dom=1,hvm,vcpus=2 with an argon:initrd module)
    next to a CPU-bound PV domain 0: the start info carries the initrd the spec names, Linux
    starts its second vCPU by INIT-SIPI-SIPI (PVH keeps the native AP bring-up) and nproc is 2."""
    k, args = cloud_bzimage, CONSOLES["hvc0"]
    start = time.time()
    b = boot("test-exit",
             modules=[f"{SPIN} secs=6",
                      f"{k['vmlinux']} argon:dom=1,hvm,mem={HVM_MEM_MIB}M,vcpus=2 {args}",
                      f"{k['initramfs']} argon:initrd"], mem=1024, timeout=300)
    checks = {}
    for line in b.lines:
        m = re.search(CHECK_RE, line.text)
        if m and m.group(1) not in checks:
            checks[m.group(1)] = (m.group(2), line)
    b.must_find(r"^HVM: PVH kernel \(ELF64\), entry 0x[0-9a-f]+, \d+ KiB from 0x1000000, start "
                r"info at 0x10000, initrd [1-9]\d* KiB at 0x[0-9a-f]+$")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] Booting kernel on Xen PVH$")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] smp: Brought up 1 node, 2 CPUs$")
    b.must_find(r"^d1v1: started by SIPI at 0x[0-9a-f]+$")
    assert checks["clocksource"][0] == "xen", checks["clocksource"]
    assert int(checks["hyp-irqs"][0] or 0) > 100, checks["hyp-irqs"]
    assert int(checks["xen-timer-irqs"][0] or 0) > 100, checks["xen-timer-irqs"]
    assert_linux_checks(b, checks, start, k, nproc=2)
    (_, m) = b.must_find(r"^\(d0\) SPIN secs=6 running (\d+) runnable (\d+)$")
    assert int(m.group(2)) > 1e9, m.group(0)
    b.must_find(r"^\(d0\) TEST spin: PASS")
    print(f"\n2-vCPU PVH cloud kernel beside PV dom0: /init at "
          f"{checks['init-started'][1].host_time:.1f} s after QEMU start")
