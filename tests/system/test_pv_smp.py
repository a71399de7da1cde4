"""Several vCPUs in one PV domain: the smp test kernel brings vCPU 1 up with VCPUOP_initialise."""
import os

from conftest import BUILD, EXIT_SUCCESS
from test_pv import assert_all_pass

SMP = os.path.join(BUILD, "guests", "smp.elf")


def test_second_vcpu_runs_and_goes_down_and_up(boot):
    assert os.path.exists(SMP), f"{SMP} missing: run make guests"
    b = boot("test-exit", modules=[f"{SMP} argon:dom=0,mem=32M,vcpus=2,priv"], timeout=120)
    assert b.rc == EXIT_SUCCESS, b.text
    results = assert_all_pass(b)
    for name in ("a04_initialise_bad_fields", "b00_initialise", "b01_up_and_run",
                 "b02_both_run", "c00_ipi_wakes_blocked_vcpu", "c02_timer_virq_per_vcpu",
                 "d00_down_up_cycles", "d01_down_from_outside"):
        assert name in results, name
    b.must_find(r"^d0: 2 vCPU\(s\)")
    b.must_find(r"^d0: shut down: poweroff \(0\)$")
    # The domain went with vCPU 1 still running: every frame and reference came back.
    assert "still in use at destruction" not in b.text
    assert "still referenced after relinquish" not in b.text
    (_, before) = b.must_find(r"^Memory: (\d+) KiB free before building domain 0$")
    (_, after) = b.must_find(r"^last domain \(d0\) has shut down; Memory: (\d+) KiB free$")
    assert int(after.group(1)) == int(before.group(1))


def test_one_vcpu_domain_has_no_second(boot):
    """With vcpus=1 the kernel's vCPU 1 does not exist: the first refusal is -ENOENT."""
    b = boot("test-exit", modules=[f"{SMP} argon:dom=0,mem=32M,priv"], timeout=60)
    assert b.rc != EXIT_SUCCESS
    b.must_find(r"^\(d0\) TEST a01_is_up: FAIL .*-2")
