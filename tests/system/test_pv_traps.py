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
