#!/usr/bin/python3
"""HVM scheduling costs under QEMU (TCG): the median guest-TSC cost of an HVM guest's
SCHEDOP_yield (tests/hvm/side/ with yield=N) alone on the CPU (an exit and a scheduler decision
that picks the same vCPU), beside a second HVM domain that yields too (a switch HVM -> HVM and
back per call) and beside a PV domain that yields (HVM -> PV and back: both context-switch
paths, FPU and all), each against a null hypercall (xen_version) measured by the same guest in
the same run."""
import os
import re
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.path.join(TOP, "build", "bench")
BENCH_RE = re.compile(r"\(d(\d)\) BENCH (.+): (\d+) cycles \(n=(\d+)\)")
N = int(os.environ.get("BENCH_HVM_YIELDS", "2000"))
SIDE = os.path.join(TOP, "build", "hvm-guests", "side.elf")
SPIN = os.path.join(TOP, "build", "guests", "spin.elf")


def sh(*cmd, **kw):
    return subprocess.run(cmd, cwd=TOP, check=True, **kw)


def run(name, modules):
    iso = os.path.join(BUILD, f"hvm-sched-{name}.iso")
    args = ["scripts/mkiso", "--out", iso, "--hv-cmdline", "test-exit"]
    for m in modules:
        args += ["--module", m]
    sh(*args, stdout=subprocess.DEVNULL)
    out = subprocess.run([os.path.join(TOP, "scripts", "run-qemu"), iso, "--timeout", "180"],
                         cwd=TOP, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT).stdout.decode("utf-8", "replace")
    vals = {(m.group(1), m.group(2)): int(m.group(3)) for m in BENCH_RE.finditer(out)}
    if ("1", "sched_op yield") not in vals or ("1", "null hypercall") not in vals:
        print(f"hvm_sched: {name}: the HVM guest did not report", file=sys.stderr)
        print(out[-3000:], file=sys.stderr)
        sys.exit(1)
    return vals[("1", "sched_op yield")], vals[("1", "null hypercall")]


def main():
    os.makedirs(BUILD, exist_ok=True)
    sh("make", "-s", "hypervisor", "guests", "hvm-guests", stdout=subprocess.DEVNULL)
    hvm = f"{SIDE} argon:dom=1,hvm,mem=32M yield={N}"
    rows = [
        ("HVM yield, alone (no switch)", run("alone", [hvm])),
        ("HVM yield beside a yielding HVM domain", run("hvm", [
            hvm, f"{SIDE} argon:dom=2,hvm,mem=32M yield={N * 4}"])),
        ("HVM yield beside a yielding PV domain", run("pv", [
            hvm, f"{SPIN} argon:dom=2,mem=16M,priv secs=3 yield"])),
    ]
    print(f"HVM vCPU switches, guest TSC cycles under QEMU TCG (medians of {N} calls)")
    print(f"{'operation':<42} {'cycles':>10} {'null hc':>9} {'x null hc':>10}")
    for label, (c, r) in rows:
        print(f"{label:<42} {c:>10} {r:>9} {c / r:>10.1f}")
    print("A yield beside another domain is two switches (there and back) plus the other "
          "domain's own yield; null hc = xen_version through VMMCALL in the same guest.")


if __name__ == "__main__":
    main()
