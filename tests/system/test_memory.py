"""Argon's memory accounting matches the machine QEMU emulates."""
import pytest

from conftest import EXIT_SUCCESS


@pytest.mark.parametrize("mem", [256, 1024])
def test_memory_figures_match_qemu(boot, mem):
    b = boot("test-exit", mem=mem)
    assert b.rc == EXIT_SUCCESS, b.text
    (_, m) = b.must_find(r"^Memory: (\d+) KiB RAM, (\d+) KiB free, (\d+) KiB reserved$")
    ram, free, reserved = (int(m.group(i)) for i in (1, 2, 3))
    # QEMU's firmware keeps the legacy hole below 1 MiB and a little at the top of low RAM.
    assert mem * 1024 - 2048 <= ram <= mem * 1024
    assert free + reserved == ram
    (_, r) = b.must_find(r"^Memory: reserved = (\d+) KiB hypervisor image \+ (\d+) KiB frame table")
    image, tables = int(r.group(1)), int(r.group(2))
    assert 0 < image < 8 * 1024
    # 32 bytes of frame table per 4 KiB frame, rounded to a page, plus a few page tables.
    assert ram // 128 <= tables <= ram // 128 + 512
    assert free > ram - 12 * 1024


def test_heap_allocates_and_frees_all_memory(boot):
    b = boot("test-exit selftest=heap", mem=256)
    assert b.rc == EXIT_SUCCESS, b.text
    results = b.findall(r"^selftest: heap: (PASS|FAIL): (.*)$")
    assert len(results) == 3, b.text
    assert all(r.group(1) == "PASS" for r in results), [r.group(0) for r in results]
