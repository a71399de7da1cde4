"""Debian 12's stock cloud kernel as an unmodified HVM guest: the bzImage (not the extracted ELF)
is started through the Linux x86 boot protocol (hypervisor/arch/x86/hvm/bzimage.c) with the
busybox initramfs, twice: with console=ttyS0 and xen_nopv on the emulated platform alone
(docs/abi/hvm-platform.md), and without xen_nopv on Linux's Xen-HVM path (docs/abi/hvm-hypercalls.md:
shared_info through XENMEM_add_to_physmap, events through the callback vector, the Xen clocksource
and vcpu_op timers) with its console on hvc0, the PV console ring Argon serves. The kernel and
busybox are downloaded at test time (tests/linux/linuxkit.py, cache/linux/), never committed;
without apt or network access the tests are skipped. The initramfs's /init reports each check as
"ARGON-CHECK <name> <value>"."""
import os
import re
import time

import pytest

from conftest import EXIT_SUCCESS, TOP, debian_linux


HVM_MEM_MIB = 256
CHECK_RE = r"^\(d1\) \[\s*[\d.]+\] ARGON-CHECK (\S+) ?(.*)$"


@pytest.fixture(scope="module")
def cloud_bzimage(tmp_path_factory):
    return debian_linux(tmp_path_factory, "cloud")


SPIN = os.path.join(TOP, "build", "guests", "spin.elf")


def boot_cloud_kernel(boot, k, args, vcpus=None):
    """Boot the cloud kernel with @args; the ARGON-CHECK values by name and the Boot. With
    @vcpus it is HVM domain 1 from an argon: spec with that many vCPUs, beside a CPU-bound PV
    domain 0 (the spin kernel for 6 s); otherwise alone through hvm=."""
    start = time.time()
    if vcpus:
        b = boot("test-exit",
                 modules=[f"{SPIN} secs=6",
                          f"{k['vmlinuz']} argon:dom=1,hvm,mem={HVM_MEM_MIB}M,vcpus={vcpus} {args}",
                          f"{k['initramfs']} argon:initrd"], mem=1024, timeout=300)
    else:
        b = boot(f"test-exit hvm=0 hvm_initrd=1 hvm_mem={HVM_MEM_MIB}M",
                 modules=[f"{k['vmlinuz']} {args}", k["initramfs"]], mem=1024, timeout=240)
    checks = {}
    for line in b.lines:
        m = re.search(CHECK_RE, line.text)
        if m and m.group(1) not in checks:
            checks[m.group(1)] = (m.group(2), line)
    return b, checks, start


def assert_linux_checks(b, checks, start, k, nproc=1):
    """What every boot must show: /init's checks, a clean dmesg, poweroff through ACPI S5."""
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] Run /init as init process$")
    assert "init-started" in checks, f"/init never reported ({b.log_path})"
    assert checks["uname-r"][0] == k["release"]
    assert checks["nproc"][0] == str(nproc)
    memtotal = int(checks["memtotal-kib"][0])
    assert 0.75 * HVM_MEM_MIB * 1024 < memtotal <= HVM_MEM_MIB * 1024, memtotal
    # The wall clock comes from the CMOS RTC or shared_info's wallclock (the host's time).
    value, line = checks["date-s"]
    assert abs(int(value) - (start + line.host_time)) < 5
    # sleep 2 on the kernel's timer: 2 s of guest uptime and of host wall time (±10%).
    (t0, l0), (t1, l1) = checks["sleep-start"], checks["sleep-end"]
    assert 1.8 <= float(t1) - float(t0) <= 2.2, (t0, t1)
    assert 1.8 <= l1.host_time - l0.host_time <= 2.2, (l0.host_time, l1.host_time)
    assert checks["dmesg-bad"][0] == "0", [v for key, (v, _) in checks.items() if key == "dmesg-line"]
    assert not b.findall(r"^\(d1\) .*(WARNING:|BUG:|Oops|Call Trace)"), b.log_path
    # poweroff goes through ACPI S5 and ends the domain cleanly.
    b.must_find(r"^d1: ACPI S5 requested: powering off$")
    b.must_find(r"^d1: shut down: poweroff \(0\)$")
    assert b.rc == EXIT_SUCCESS, b.log_path


def test_cloud_kernel_boots_as_hvm_guest(boot, cloud_bzimage):
    k = cloud_bzimage
    args = "console=ttyS0 earlyprintk=serial,ttyS0 loglevel=7 printk.devkmsg=on xen_nopv"
    b, checks, start = boot_cloud_kernel(boot, k, args)
    # The milestones, so a failure says how far Linux got.
    b.must_find(r"^HVM: bzImage, boot protocol 2\.\d+, \d+ KiB kernel at 1 MiB")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] Linux version " + re.escape(k["release"]))
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] BIOS-e820: \[mem 0x0000000000100000-0x000000000fffffff\] usable$")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] ACPI: RSDP 0x00000000000E0000 000024 \(v02 ARGON \)$")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] IOAPIC\[0\]: apic_id 0, version 17, address 0xfec00000, GSI 0-23$")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] ACPI: PM-Timer IO Port: 0xb008$")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] \.\.TIMER: vector=0x30 apic1=0 pin1=2")
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] rtc_cmos rtc_cmos: registered as rtc0$")
    # xen_nopv: no Xen interface is used (Linux still names the CPUID signature it saw).
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] Booting paravirtualized kernel on bare hardware$")
    assert not b.find(r"xen:events|clocksource: Switched to clocksource xen")
    assert checks["clocksource"][0] != "xen"
    assert_linux_checks(b, checks, start, k)
    print(f"\nHVM cloud kernel: first line at {b.find('Linux version')[0].host_time:.1f} s, "
          f"/init at {checks['init-started'][1].host_time:.1f} s after QEMU start")


def test_cloud_kernel_on_the_xen_hvm_path(boot, cloud_bzimage):
    """Without xen_nopv Linux finds Xen's CPUID leaves and takes its PVHVM path; its only console
    is hvc0, so every line (the boot log replayed at registration, /init's checks) comes through
    the PV console ring."""
    k = cloud_bzimage
    b, checks, start = boot_cloud_kernel(boot, k, "console=hvc0 loglevel=7 printk.devkmsg=on")
    line = r"^\(d1\) \[\s*[\d.]+\] "
    b.must_find(line + r"Hypervisor detected: Xen HVM$")
    b.must_find(line + r"Xen version 4\.17\.$")
    b.must_find(line + r"Booting paravirtualized kernel on Xen HVM$")
    b.must_find(line + r"xen:events: Using 2-level ABI$")
    b.must_find(line + r"xen:events: Xen HVM callback vector for event delivery is enabled$")
    b.must_find(line + r"installing Xen timer for CPU 0$")
    b.must_find(line + r"clocksource: Switched to clocksource xen$")
    b.must_find(line + r"printk: console \[hvc0\] enabled$")
    # No Xen platform PCI device: the unplug protocol's port 0x10 reads all ones
    # (docs/abi/hvm-hypercalls.md); Linux says so and goes on.
    b.must_find(line + r"platform_pci_unplug: Xen Platform PCI: unrecognised magic value$")
    assert not b.find(r"Request for Xen HVM callback vector failed|register_vcpu_info failed")
    # At /init's end: still on the Xen clock, and events keep arriving through the callback
    # vector (the HYP row of /proc/interrupts), the timer VIRQ among them.
    assert checks["clocksource"][0] == "xen", checks["clocksource"]
    assert int(checks["hyp-irqs"][0] or 0) > 100, checks["hyp-irqs"]
    assert int(checks["xen-timer-irqs"][0] or 0) > 100, checks["xen-timer-irqs"]
    assert_linux_checks(b, checks, start, k)
    print(f"\nXen-HVM cloud kernel: /init at {checks['init-started'][1].host_time:.1f} s "
          "after QEMU start")


def test_cloud_kernel_with_2_vcpus_beside_pv_dom0(boot, cloud_bzimage):
    """The same kernel (emulated platform, xen_nopv) as HVM domain 1 with 2 vCPUs (the MADT with
    two local APICs, the AP started by INIT-SIPI-SIPI through the virtual APIC, IPIs between
    them) next to a CPU-bound PV domain 0 on the one physical CPU."""
    k = cloud_bzimage
    args = "console=ttyS0 earlyprintk=serial,ttyS0 loglevel=7 printk.devkmsg=on xen_nopv"
    b, checks, start = boot_cloud_kernel(boot, k, args, vcpus=2)
    b.must_find(r"^\(d1\) \[\s*[\d.]+\] smp: Brought up 1 node, 2 CPUs$")
    b.must_find(r"^d1v1: started by SIPI at 0x[0-9a-f]+$")
    assert_linux_checks(b, checks, start, k, nproc=2)
    (_, m) = b.must_find(r"^d1v1: (\d+) VM exits$")
    assert int(m.group(1)) > 1000
    # Domain 0 spun the whole time, sharing the CPU with both of Linux's vCPUs, and ended.
    (_, m) = b.must_find(r"^\(d0\) SPIN secs=6 running (\d+) runnable (\d+)$")
    assert int(m.group(2)) > 1e9, m.group(0)
    b.must_find(r"^\(d0\) TEST spin: PASS")
    print(f"\n2-vCPU HVM cloud kernel beside PV dom0: /init at "
          f"{checks['init-started'][1].host_time:.1f} s after QEMU start")


def test_cloud_kernel_on_the_xen_hvm_path_with_2_vcpus(boot, cloud_bzimage):
    """The Xen-HVM path with 2 vCPUs beside a CPU-bound PV domain 0: each vCPU registers its
    vcpu_info and gets its own Xen timer, IPIs and PV spinlock kicks are event channels
    (SCHEDOP_poll), all through the callback vector; console on hvc0 (the ring)."""
    k = cloud_bzimage
    b, checks, start = boot_cloud_kernel(boot, k, "console=hvc0 loglevel=7 printk.devkmsg=on",
                                         vcpus=2)
    line = r"^\(d1\) \[\s*[\d.]+\] "
    b.must_find(line + r"Hypervisor detected: Xen HVM$")
    b.must_find(line + r"xen:events: Xen HVM callback vector for event delivery is enabled$")
    b.must_find(line + r"installing Xen timer for CPU 1$")
    b.must_find(line + r"cpu 1 spinlock event irq \d+$")
    b.must_find(line + r"smp: Brought up 1 node, 2 CPUs$")
    b.must_find(r"^d1v1: started by SIPI at 0x[0-9a-f]+$")
    assert not b.find(r"register_vcpu_info failed|xen_smp_intr_init\(\) for CPU")
    assert_linux_checks(b, checks, start, k, nproc=2)
    assert checks["clocksource"][0] == "xen", checks["clocksource"]
    assert int(checks["hyp-irqs"][0] or 0) > 100, checks["hyp-irqs"]
    b.must_find(r"^\(d0\) TEST spin: PASS")
    print(f"\n2-vCPU Xen-HVM cloud kernel beside PV dom0: /init at "
          f"{checks['init-started'][1].host_time:.1f} s after QEMU start")


# Linux's panic notifier on Xen HVM asks for SHUTDOWN_crash itself only with xen_legacy_crash;
# otherwise it ends in the native restart path (the 8042 reset line), which Xen, too, sees as a
# reboot of the domain.
@pytest.mark.parametrize("end, extra, reason", [("reboot", "", "reboot (1)"),
                                                ("crash", "", "reboot (1)"),
                                                ("crash", "xen_legacy_crash", "crash (3)")])
def test_cloud_kernel_reboot_and_crash_are_contained(boot, cloud_bzimage, end, extra, reason):
    """Linux's reboot and a forced crash in the HVM guest (Xen-HVM path, hvc0) end only that
    domain, reported as such, while PV domain 0 keeps running and finishes afterwards."""
    k = cloud_bzimage
    args = f"console=hvc0 loglevel=7 printk.devkmsg=on argon_end={end} {extra}".strip()
    b = boot("test-exit",
             modules=[f"{SPIN} secs=12",
                      f"{k['vmlinuz']} argon:dom=1,hvm,mem={HVM_MEM_MIB}M {args}",
                      f"{k['initramfs']} argon:initrd"], mem=1024, timeout=240)
    assert b.rc == EXIT_SUCCESS, b.log_path
    if end == "crash":
        b.must_find(r"^\(d1\) .*Kernel panic - not syncing: sysrq triggered crash")
    (down, _) = b.must_find(r"^d1: shut down: %s$" % re.escape(reason))
    b.must_find(r"^d1: destroyed")
    (spin, _) = b.must_find(r"^\(d0\) SPIN secs=12 running")
    assert spin.host_time > down.host_time
    b.must_find(r"^\(d0\) TEST spin: PASS")
