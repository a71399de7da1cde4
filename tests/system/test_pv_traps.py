"""The traps PV test kernel: exceptions, emulation, segment and callback hypercalls, and guest
user mode (syscall in, iret out, user-mode faults) all pass, and Argon survives them."""
from conftest import EXIT_SUCCESS
from test_pv import assert_all_pass, run_guest


def test_traps_kernel_passes_every_test(boot):
    b = run_guest(boot, "traps")
    results = assert_all_pass(b)
    assert b.rc == EXIT_SUCCESS, b.text
    b.must_find(r"^d0: shut down: poweroff \(0\)$")
    assert "XenVMMXenVMM" in results["cpuid_hypervisor_leaves"]
    assert "exit 0x600d" in results["user_1_enter_and_leave"]


def test_faulting_return_frame_crashes_only_its_domain(boot):
    """An iret frame the CPU refuses makes Argon's own iretq fault: the domain crashes, Argon and
    the other domain carry on."""
    import os
    from conftest import BUILD
    bad = os.path.join(BUILD, "guests", "badiret.elf")
    hello = os.path.join(BUILD, "guests", "hello.elf")
    b = boot("test-exit", modules=[f"{bad} argon:dom=1,mem=16M,priv",
                                   f"{hello} argon:dom=2,mem=16M,priv"])
    assert b.rc == 0, b.text
    b.must_find(r"^\(d1\) BADIRET about to return")
    b.must_find(r"^d1: domain crash: the CPU refused its return frame")
    b.must_find(r"^\(d2\) SUMMARY: (\d+)/\1 passed$")
    assert not b.find(r"PANIC|Panic on CPU")
