#!/usr/bin/python3
"""HVM Linux benchmark (issue 7): Debian 12's cloud kernel, unmodified, with the test initramfs
(tests/linux), booted on Argon as an HVM domain (1 vCPU, 512 MiB) three ways — the bzImage on the
emulated platform alone (xen_nopv, ttyS0), the bzImage on Linux's Xen-HVM path (hvc0 through the
console ring), and the vmlinux as PVH (hvc0) — and natively by the same QEMU (-kernel/-initrd,
1 CPU), one run after the other. Reports QEMU start to /init, Linux's own clock at /init, and the
guest-clock times of the load checks (2,000 fork+exec of /bin/true, 200 MiB page touch). Under
TCG every nested page walk and VM exit is emulated, so the ratios say what SVM+NPT costs in this
QEMU, not on hardware. Skipped when the Debian packages cannot be downloaded."""
import os
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(TOP, "bench"))
sys.path.insert(0, os.path.join(TOP, "tests", "linux"))
import linuxkit  # noqa: E402
from linux import ARGS, BUILD, run, span  # noqa: E402

MODES = [
    ("HVM, emulated platform", "bzimage", "console=ttyS0 xen_nopv"),
    ("HVM, Xen-HVM path", "bzimage", "console=hvc0"),
    ("PVH", "vmlinux", "console=hvc0"),
]


def report(name, c):
    if "poweroff" not in c or "forkexec" not in c:
        print(f"{name:>24}: the run did not finish its checks", file=sys.stderr)
        return None
    r = (c["init-started"][1], span(c["forkexec"][0]), span(c["pagetouch"][0]))
    print(f"{name:>24}: /init {r[0]:5.1f} s after QEMU start, 2,000 fork+exec {r[1]:5.1f} s, "
          f"200 MiB touched {r[2]:4.1f} s")
    return r


def main():
    subprocess.run(["make", "-s", "-C", TOP, "hypervisor"], check=True, stdout=subprocess.DEVNULL)
    try:
        paths = linuxkit.fetch("cloud")
        initrd_data = linuxkit.test_initramfs(paths["busybox"])
    except linuxkit.Unavailable as e:
        print(f"HVM Linux benchmark skipped: {e}")
        return
    os.makedirs(BUILD, exist_ok=True)
    initrd = os.path.join(BUILD, "hvm-linux-initramfs.cpio")
    with open(initrd, "wb") as f:
        f.write(initrd_data)
    print(f"Debian {paths['release']} as an HVM guest, QEMU TCG, 1 CPU, guest-clock times of the "
          "load checks")
    cpu = os.environ.get("ARGON_QEMU_CPU", "max,-smap")
    native = report("native", run(["timeout", "900", "qemu-system-x86_64", "-accel", "tcg",
                                   "-machine", "q35", "-cpu", cpu, "-smp", "1", "-m", "1024",
                                   "-display", "none", "-vga", "none", "-no-reboot", "-nodefaults",
                                   "-serial", "stdio", "-kernel", paths["vmlinuz"], "-initrd", initrd,
                                   "-append", f"console=ttyS0 {ARGS}"]))
    for name, image, args in MODES:
        iso = os.path.join(BUILD, "hvm-linux.iso")
        kernel = paths["vmlinuz"] if image == "bzimage" else paths["vmlinux"]
        subprocess.run(["scripts/mkiso", "--out", iso, "--hv-cmdline",
                        "test-exit hvm=0 hvm_initrd=1 hvm_mem=512M",
                        "--module", f"{kernel} {args} {ARGS}", "--module", initrd],
                       cwd=TOP, check=True)
        r = report(f"Argon {name}", run(["scripts/run-qemu", iso, "--timeout", "900", "--smp", "1",
                                         "--mem", "1024"]))
        if r and native:
            print(f"{'ratio Argon/native':>24}: /init {r[0] / native[0]:5.2f}, fork+exec "
                  f"{r[1] / native[1]:5.2f}, page touch {r[2] / native[2]:4.2f}")


if __name__ == "__main__":
    main()
