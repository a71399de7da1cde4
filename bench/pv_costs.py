#!/usr/bin/python3
"""PV cost benchmark: boots the bench PV test kernel as domain 0 under QEMU (TCG) and prints what
a null hypercall, a 512-entry mmu_update batch, a bounced page fault and forced-emulation CPUID
cost in the guest, in TSC cycles (median of many, measured by the guest with rdtsc), next to
guest-only baselines (an empty measurement, a function call, a short loop)."""
import os
import re
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.path.join(TOP, "build", "bench")
BENCH_RE = re.compile(r"\(d0\) BENCH (.+): (\d+) cycles \(median of (\d+)\)")


def sh(*cmd, **kw):
    return subprocess.run(cmd, cwd=TOP, check=True, **kw)


def main():
    os.makedirs(BUILD, exist_ok=True)
    sh("make", "-s", "hypervisor", "guests", stdout=subprocess.DEVNULL)
    iso = os.path.join(BUILD, "pv-costs.iso")
    sh("scripts/mkiso", "--out", iso, "--hv-cmdline", "test-exit dom0_mem=32M",
       "--module", os.path.join(TOP, "build", "guests", "bench.elf"))
    out = subprocess.run([os.path.join(TOP, "scripts", "run-qemu"), iso, "--timeout", "120"],
                         cwd=TOP, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT).stdout.decode("utf-8", "replace")
    rows = [(m.group(1), int(m.group(2)), int(m.group(3))) for m in BENCH_RE.finditer(out)]
    if not rows or "SUMMARY: " not in out:
        print("pv_costs: the bench kernel did not report", file=sys.stderr)
        print(out[-2000:], file=sys.stderr)
        sys.exit(1)
    by_name = dict((n, c) for n, c, _ in rows)
    empty = by_name.get("empty (rdtsc overhead)", 0)
    loop = max(by_name.get("loop of 100 additions", 1) - empty, 1)
    print("PV costs in the guest, TSC cycles under QEMU TCG (rdtsc around one operation; "
          "includes the rdtsc overhead of the first row)")
    print(f"{'operation':<44} {'cycles':>10} {'net':>10} {'x loop100':>10}")
    for name, cycles, n in rows:
        net = max(cycles - empty, 0)
        print(f"{name:<44} {cycles:>10} {net:>10} {net / loop:>10.2f}")
    print("net = cycles - the empty measurement; x loop100 = net / net of the 100-addition loop")
    print(f"(median of {rows[0][2]} samples each)")


if __name__ == "__main__":
    main()
