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
