#!/usr/bin/python3
"""Linux benchmark (issue 5): Debian 12's kernels with the test initramfs (tests/linux), each booted
on Argon as domain 0 (2 vCPUs, 512 MiB) and natively by the same QEMU (-kernel/-initrd, 2 CPUs),
one run after the other: the cloud kernel (domU-only build, console through earlyprintk=xen) and
the generic kernel (CONFIG_XEN_DOM0: the initial-domain paths, hvc0 on console_io; acpi=off on
both sides, as `make run` boots it). Reports QEMU start to /init, the guest-clock time of the
issue's load checks: 2,000 fork+exec runs of /bin/true and the 200 MiB page-touch program, and
Argon's per-domain counters (pv_stats) for the whole run. Skipped when the Debian packages cannot
be downloaded."""
import os
import re
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.path.join(TOP, "build", "bench")
sys.path.insert(0, os.path.join(TOP, "tests", "linux"))
import linuxkit  # noqa: E402

ARGS = "loglevel=7 printk.devkmsg=on argon_heavy=1"
CHECK_RE = re.compile(r"\] ARGON-CHECK (\S+) ?(.*)$")
STATS_RE = re.compile(r"\] (d\d+: stats.*)$")


def run(cmd, env=None):
    """Run a QEMU command line; return {check: (value, host seconds)} and the /init time."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=TOP, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env)
    checks = {}
    for raw in proc.stdout:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        m = CHECK_RE.search(line)
        if m and m.group(1) not in checks:
            checks[m.group(1)] = (m.group(2), time.monotonic() - t0)
        m = STATS_RE.search(line)
        if m:
            # Argon's per-domain counters (pv_stats), printed when domain 0 is destroyed.
            print(f"{'':>20}  {m.group(1)}")
    proc.wait()
    return checks


def span(value):
    f = dict(kv.split("=", 1) for kv in value.split() if "=" in kv)
    return float(f["end"]) - float(f["start"])


def report(name, c):
    if "poweroff" not in c:
        print(f"{name}: the run did not finish its checks", file=sys.stderr)
        return None
    r = (c["init-started"][1], span(c["forkexec"][0]), span(c["pagetouch"][0]))
    print(f"{name:>20}: /init {r[0]:5.1f} s after QEMU start, 2,000 fork+exec {r[1]:5.1f} s, "
          f"200 MiB touched {r[2]:4.1f} s")
    return r


# Per flavour: the kernel arguments on Argon (domain 0) and natively.
FLAVOURS = {
    "cloud": ("earlyprintk=xen,keep", "console=ttyS0"),
    "generic": ("console=hvc0 acpi=off initcall_blacklist=add_rtc_cmos", "console=ttyS0 acpi=off"),
}


def bench(flavour):
    try:
        paths = linuxkit.fetch(flavour)
        initrd_data = linuxkit.test_initramfs(paths["busybox"])
    except linuxkit.Unavailable as e:
        print(f"Linux benchmark ({flavour}) skipped: {e}")
        return
    pv_args, native_args = FLAVOURS[flavour]
    os.makedirs(BUILD, exist_ok=True)
    initrd = os.path.join(BUILD, "linux-initramfs.cpio")
    with open(initrd, "wb") as f:
        f.write(initrd_data)
    iso = os.path.join(BUILD, "linux.iso")
    subprocess.run(["scripts/mkiso", "--out", iso, "--hv-cmdline", "test-exit dom0_mem=512M pv_stats",
                    "--module", f"{paths['vmlinux']} argon:dom=0,vcpus=2,priv {pv_args} {ARGS}",
                    "--module", f"{initrd} argon:initrd"], cwd=TOP, check=True)
    print(f"Debian {paths['release']} ({flavour}), QEMU TCG, 2 CPUs, guest-clock times of the load "
          "checks")
    pv = report("Argon PV domain 0", run(["scripts/run-qemu", iso, "--timeout", "600", "--smp", "2",
                                          "--mem", "1024"]))
    cpu = os.environ.get("ARGON_QEMU_CPU", "max,-smap")
    native = report("native", run(["timeout", "600", "qemu-system-x86_64", "-accel", "tcg",
                                   "-machine", "q35", "-cpu", cpu, "-smp", "2", "-m", "1024",
                                   "-display", "none", "-vga", "none", "-no-reboot", "-nodefaults",
                                   "-serial", "stdio", "-kernel", paths["vmlinuz"], "-initrd", initrd,
                                   "-append", f"{native_args} {ARGS}"]))
    if pv and native:
        print(f"{'ratio Argon/native':>20}: /init {pv[0] / native[0]:5.2f}, fork+exec "
              f"{pv[1] / native[1]:5.2f}, page touch {pv[2] / native[2]:4.2f}")


def main():
    subprocess.run(["make", "-s", "-C", TOP, "hypervisor"], check=True, stdout=subprocess.DEVNULL)
    for flavour in sys.argv[1:] or FLAVOURS:
        bench(flavour)


if __name__ == "__main__":
    main()
