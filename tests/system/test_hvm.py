"""HVM guests on AMD SVM with nested paging: our HVM test guests (tests/hvm/) boot as the
boot-time HVM domain (hvm=<module-index>) and prove each intercept from inside; deliberate guest
failures crash only the domain, and Argon reports them and stops with the domain's status."""
import os
import re

from conftest import BUILD, EXIT_PANIC, EXIT_SUCCESS

GUESTS = os.path.join(BUILD, "hvm-guests")
RESULT_RE = r"^\(d1\) TEST (\S+): (PASS|FAIL)\b(.*)$"
EXIT_DOMAIN_CRASHED = 16 + 3  # EXIT_STATUS_DOMAIN_BASE + SHUTDOWN_crash


def run_hvm(boot, name="basic", cmdline="hvm-test-cmdline=1", hv="", mem=None):
    guest = os.path.join(GUESTS, f"{name}.elf")
    assert os.path.exists(guest), f"{guest} missing: run make hvm-guests"
    opts = f"test-exit hvm=0 {hv}" + (f" hvm_mem={mem}" if mem else "")
    return boot(opts.strip(), modules=[f"{guest} {cmdline}".strip()])


def assert_memory_returned(b):
    (_, before) = b.must_find(r"^Memory: (\d+) KiB free before building the HVM domain$")
    b.must_find(r"^d1v0: \d+ VM exits$")
    (_, after) = b.must_find(r"^last domain \(d1\) has shut down; Memory: (\d+) KiB free$")
    assert int(after.group(1)) == int(before.group(1))


def test_svm_detected_with_nested_paging(boot):
    b = run_hvm(boot)
    (_, m) = b.must_find(r"^HVM: SVM revision \d+, (\d+) ASIDs, features (0x[0-9a-f]+):(.*)$")
    assert int(m.group(2), 16) & 1, "NPT must be reported"
    assert "npt" in m.group(3).split()
    b.must_find(r"^HVM: AMD SVM enabled; native CPUID: \d+ TSC cycles$")


def test_hvm_guest_passes_every_test(boot):
    b = run_hvm(boot)
    assert b.rc == EXIT_SUCCESS, b.text
    results = b.findall(RESULT_RE)
    assert results, f"no test results in {b.log_path}"
    failed = [r.group(0) for r in results if r.group(2) != "PASS"]
    assert not failed, failed
    names = {r.group(1): r.group(3) for r in results}
    for needed in ("boot_state", "uart_registers", "cpuid_xen_leaves", "cpuid_policy",
                   "mmio_local_apic", "msr_policy", "svm_instructions_raise_ud",
                   "hypercall_xen_version", "hypercall_page", "hypercall_policy", "hvm_params",
                   "hypercall_buffer_through_guest_paging", "apic_timer_wakes_hlt",
                   "cpuid_exit_cost", "string_port_io"):
        assert needed in names, f"test {needed} did not run"
    assert '"XenVMMXenVMM"' in names["cpuid_xen_leaves"]
    # A VM exit round trip costs more than a CPUID that stays in Argon (docs/design/hvm.md).
    (_, native) = b.must_find(r"^HVM: AMD SVM enabled; native CPUID: (\d+) TSC cycles$")
    exit_cost = int(re.search(r"(\d+) TSC cycles per CPUID", names["cpuid_exit_cost"]).group(1))
    assert exit_cost > int(native.group(1)) > 0
    (_, s) = b.must_find(r"^\(d1\) SUMMARY: (\d+)/(\d+) passed$")
    assert int(s.group(1)) == int(s.group(2)) == len(results)
    # The UART is wired to Argon's console with the domain prefix.
    b.must_find(r'^\(d1\) HVM test guest "basic" \(command line "hvm-test-cmdline=1"\)$')
    b.must_find(r"^\(d1\) rep outsb reached COM1$")
    # Every refused SVM instruction and MSR is reported, tagged with the vCPU.
    b.must_find(r"^d1v0: VMRUN refused: #UD injected$")
    b.must_find(r"^d1v0: rdmsr of MSR 0xc0010117 refused: #GP$")
    b.must_find(r"^d1: shut down: poweroff \(0\)$")
    assert_memory_returned(b)


def test_hvm_triple_fault_crashes_only_the_domain(boot):
    b = run_hvm(boot, cmdline="crash=triple-fault")
    assert b.rc == EXIT_DOMAIN_CRASHED, b.text
    b.must_find(r"^\(d1\) about to triple-fault$")
    b.must_find(r"^d1: domain crash: d1v0: triple fault")
    b.must_find(r"^d1: shut down: crash \(3\)$")
    assert not b.find(r"still alive after the triple fault")
    assert not b.find(r"PANIC|FATAL TRAP")
    assert_memory_returned(b)


def test_hvm_unmapped_mmio_crashes_the_domain(boot):
    b = run_hvm(boot, cmdline="crash=unmapped-mmio")
    assert b.rc == EXIT_DOMAIN_CRASHED, b.text
    b.must_find(r"^d1: domain crash: d1v0: read of unmapped guest-physical address 0xd0000000")
    assert not b.find(r"the read of unmapped memory returned")
    assert_memory_returned(b)


def test_hvm_memory_size_option(boot):
    b = run_hvm(boot, mem="8M", cmdline="hvm-test-cmdline=1")
    b.must_find(r"^\*\*\* Building HVM domain 1 \(AMD SVM, 8 MiB\) \*\*\*$")
    # The guest checks its own reservation against 32 MiB, so with 8 MiB that test must fail.
    (_, m) = b.must_find(r"^\(d1\) TEST hypercall_policy: (PASS|FAIL)")
    assert m.group(1) == "FAIL"
    assert b.rc == EXIT_DOMAIN_CRASHED


def test_hvm_needs_a_module(boot):
    b = boot("test-exit hvm=3", modules=[os.path.join(GUESTS, "basic.elf")])
    assert b.rc == EXIT_PANIC
    b.must_find(re.escape("hvm=3: there are only 1 boot modules"))


def test_hvm_refused_without_svm(boot, monkeypatch):
    monkeypatch.setenv("ARGON_QEMU_CPU", "qemu64")
    b = run_hvm(boot)
    assert b.rc == EXIT_PANIC
    b.must_find(r"^HVM: no hardware virtualization with nested paging")
    b.must_find(r"cannot build the HVM domain \(error -19\)")
