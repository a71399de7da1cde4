"""The grant PV test kernel: grant tables v1 granting to itself — setup, versions, map/unmap
with the data seen both ways, read-only enforced, status bits and revocation, contains_pte,
unmap_and_replace, the maptrack limit, batched copy and the error cases, a 1M-entry copy batch
(alone and in a multicall) that the guest's timer interrupts part-way — and teardown with a
mapping still in place returns every frame."""
import re

from conftest import EXIT_SUCCESS
from test_pv import assert_all_pass, run_guest


def test_grant_kernel_passes_every_test(boot):
    b = run_guest(boot, "grant", mem="48M")
    results = assert_all_pass(b)
    assert b.rc == EXIT_SUCCESS, b.text
    b.must_find(r"^d0: shut down: poweroff \(0\)$")
    assert "1024 handles" in results["maptrack_limit"]
    m = re.search(r"^1048576 entries in \d+ Mcycles; (\d+) timer ticks, (\d+) mid-batch .* "
                  r"in a multicall (\d+) mid-batch$", results["preempted_copy_batch"].strip())
    assert m, results["preempted_copy_batch"]
    assert int(m.group(2)) >= 2 and int(m.group(3)) >= 1
    # The last test leaves a grant mapped: teardown releases it and the table frame.
    (_, before) = b.must_find(r"^Memory: (\d+) KiB free before building domain 0$")
    (_, after) = b.must_find(r"^last domain \(d0\) has shut down; Memory: (\d+) KiB free$")
    assert int(after.group(1)) == int(before.group(1))
    assert not b.findall(r"leaked|still referenced")
