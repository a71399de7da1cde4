#!/usr/bin/python3
"""Two-domain PV costs: boots the pair test kernel in domains 1 and 2 side by side under QEMU
(TCG) and prints, beside a null hypercall measured in the same run by the same domain, what an
event channel round trip between the two domains costs (poll and upcall), a switch between their
vCPUs (a SCHEDOP_yield ping-pong), a grant map+unmap and a 4 KiB grant copy, and grant copy
throughput. Cycles are the guest's TSC (medians); MB/s is bytes over pvclock time."""
import os
import re
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.path.join(TOP, "build", "bench")
BENCH_RE = re.compile(r"\(d(\d)\) BENCH (.+): (\d+) (cycles|MB/s) \(n=(\d+)\)")
ROUNDS = int(os.environ.get("BENCH_PAIR_ROUNDS", "2000"))

# (label, domain, bench name, reference name in the same domain)
ROWS = [
    ("event channel round trip d1<->d2, poll", "1", "evtchn round trip, poll", "null hypercall (d1)"),
    ("event channel round trip d1<->d2, upcall", "1", "evtchn round trip, upcall", "null hypercall (d1)"),
    ("vCPU switch d1<->d2 (yield ping-pong)", "1", "vCPU switch (yield ping-pong, per switch)",
     "null hypercall (d1, again)"),
    ("grant map+unmap (d2 maps d1's grant)", "2", "grant map+unmap", "null hypercall (d2)"),
    ("grant copy 4 KiB, one per hypercall", "2", "grant copy 4 KiB", "null hypercall (d2)"),
    ("grant copy 4 KiB, batches of 16", "2", "grant copy per page in batches", "null hypercall (d2)"),
]


def sh(*cmd, **kw):
    return subprocess.run(cmd, cwd=TOP, check=True, **kw)


def main():
    os.makedirs(BUILD, exist_ok=True)
    sh("make", "-s", "hypervisor", "guests", stdout=subprocess.DEVNULL)
    pair = os.path.join(TOP, "build", "guests", "pair.elf")
    iso = os.path.join(BUILD, "pv-pair.iso")
    sh("scripts/mkiso", "--out", iso, "--hv-cmdline", "test-exit",
       "--module", f"{pair} argon:dom=1,mem=16M,priv role=a peer=2 rounds={ROUNDS}",
       "--module", f"{pair} argon:dom=2,mem=16M,priv role=b peer=1 rounds={ROUNDS}")
    out = subprocess.run([os.path.join(TOP, "scripts", "run-qemu"), iso, "--timeout", "180"],
                         cwd=TOP, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT).stdout.decode("utf-8", "replace")
    vals = {(m.group(1), m.group(2)): int(m.group(3)) for m in BENCH_RE.finditer(out)}
    passed = all(f"(d{d}) SUMMARY: 15/15 passed" in out for d in (1, 2))
    missing = [r for r in ROWS if (r[1], r[2]) not in vals or (r[1], r[3]) not in vals]
    if not passed or missing:
        print("pv_pair: the pair kernels did not pass or did not report", file=sys.stderr)
        print(out[-3000:], file=sys.stderr)
        sys.exit(1)
    print(f"Two PV domains, guest TSC cycles under QEMU TCG (medians; {ROUNDS} round trips)")
    print(f"{'operation':<44} {'cycles':>10} {'null hc':>9} {'x null hc':>10}")
    for label, dom, name, ref in ROWS:
        c, r = vals[(dom, name)], vals[(dom, ref)]
        print(f"{label:<44} {c:>10} {r:>9} {c / r:>10.1f}")
    mbs = vals[("2", "grant copy throughput, batches of 16 pages")]
    print(f"grant copy throughput d1 -> d2 (batches of 16 pages): {mbs} MB/s")
    print("null hc = xen_version through the hypercall page, measured by the same domain in the "
          "same run; x null hc = cycles / null hc")


if __name__ == "__main__":
    main()
