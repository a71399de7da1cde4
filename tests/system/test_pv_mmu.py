"""The mmu PV test kernel: page types, pins, mmu_update/mmuext_op/update_va_mapping rules, writable
page tables, the M2P, a 1M-entry batch and multicall all pass; Argon survives every refused
request and gets every frame back when the domain ends."""
import re

from conftest import EXIT_SUCCESS
from test_pv import assert_all_pass, run_guest


def test_mmu_kernel_passes_every_test(boot):
    b = run_guest(boot, "mmu", mem="48M")
    results = assert_all_pass(b)
    assert b.rc == EXIT_SUCCESS, b.text
    b.must_find(r"^d0: shut down: poweroff \(0\)$")
    assert re.search(r"^1048576 requests in \d+ Mcycles", results["zz_mmu_update_1m_batch"].strip())
    (_, before) = b.must_find(r"^Memory: (\d+) KiB free before building domain 0$")
    (_, after) = b.must_find(r"^last domain \(d0\) has shut down; Memory: (\d+) KiB free$")
    assert int(after.group(1)) == int(before.group(1))
    assert not b.find(r"still referenced|leaked")


def test_pv_stats_count_what_the_guest_did(boot):
    """pv_stats prints a domain's counters when it is destroyed: the mmu kernel's 1M-entry batch
    shows in its mmu_update requests, its pins in the validations, its hypercalls by name."""
    b = run_guest(boot, "mmu", mem="48M", hv="pv_stats")
    assert b.rc == EXIT_SUCCESS, b.text
    (_, m) = b.must_find(r"^d0: stats: (\d+) mmu_update requests, (\d+) ptwr emulations, "
                         r"(\d+) syscalls, (\d+) entries validated, (\d+) vCPU loads$")
    assert int(m.group(1)) >= 1048576
    assert int(m.group(2)) >= 1  # writable_page_tables
    assert int(m.group(4)) >= 1
    (_, h) = b.must_find(r"^d0: stats hypercalls: (.*)$")
    calls = dict(kv.split("=") for kv in h.group(1).split())
    assert int(calls["mmu_update"]) >= 2 and int(calls["mmuext_op"]) >= 1
    assert int(calls["console_io"]) >= 1
    (_, v) = b.must_find(r"^d0: stats validated by level: (.*)$")
    levels = dict(kv.split("=") for kv in v.group(1).split())
    assert all(int(levels.get(str(lvl), 0)) >= 1 for lvl in (1, 2, 3, 4))
    b.must_find(r"^d0: stats hypercall kcycles: .*mmu_update=\d+")
    b.must_find(r"^d0: stats: \d+ CR3 loads or full flushes so far")
    # Without the option nothing is printed.
    quiet = run_guest(boot, "hello")
    assert not quiet.find(r"stats")
