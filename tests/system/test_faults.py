"""Exceptions in the hypervisor give a full register dump and a panic, on the right stack."""
import re
import subprocess

import pytest

from conftest import ELF, EXIT_NO_STATUS, EXIT_PANIC, EXIT_SUCCESS

REGS = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11",
        "r12", "r13", "r14", "r15", "cr0", "cr2", "cr3", "cr4"]


def symbol(addr):
    out = subprocess.run(["addr2line", "-f", "-e", ELF, hex(addr)], check=True,
                         capture_output=True, text=True).stdout.split("\n")
    return out[0]


CASES = {
    # test: (vector, name, the function the faulting RIP must be in, extra lines to expect)
    "pf": (14, "page fault", "selftest_pf",
           [r"^Faulting linear address: ffff808000001230$", r"^Page fault: not present, write, supervisor$"]),
    "ud": (6, "invalid opcode", "selftest_ud", []),
    "de": (0, "divide error", "selftest_de", []),
    "gp": (13, "general protection fault", "selftest_gp", []),
    "wx": (14, "page fault", "selftest_wx", [r"^Page fault: protection violation, write, supervisor$"]),
    "nx": (14, "page fault", None, [r"^Page fault: protection violation, read, supervisor, instruction fetch$"]),
    "df": (8, "double fault", None, [r"^   \.\.\. previous frame repeated \d+ more times$"]),
}


@pytest.mark.parametrize("test", sorted(CASES))
def test_fault_dumps_registers_and_panics(boot, test):
    vector, name, func, extra = CASES[test]
    b = boot(f"test-exit selftest={test}")
    assert b.rc == EXIT_PANIC, b.text
    for reg in REGS:
        b.must_find(r"\b%s: +[0-9a-f]{16}\b" % reg)
    (_, rip) = b.must_find(r"^RIP:    e008:\[<([0-9a-f]{16})>\]$")
    b.must_find(r"^Call trace:$")
    b.must_find(r"^FATAL TRAP: vector = %d \(%s\), error code = 0x[0-9a-f]{4}$" % (vector, re.escape(name)))
    b.must_find(r"^Panic on CPU 0:$")
    for pattern in extra:
        b.must_find(pattern)
    if func:
        assert symbol(int(rip.group(1), 16)) == func
    # The call chain leads back to the self-test runner and the boot path.
    callers = [symbol(int(m.group(1), 16)) for m in b.findall(r"^   \[<([0-9a-f]{16})>\]( \? .*)?$")]
    assert "selftests_run" in callers and "start_argon" in callers, callers


def test_double_fault_runs_on_its_ist_stack(boot):
    b = boot("test-exit selftest=df")
    assert b.rc == EXIT_PANIC
    (_, rsp) = b.must_find(r"rsp: ([0-9a-f]{16})")
    # The overflowing stack pointer sits at the bottom of the main stack, by the guard page.
    syms = dict(reversed(l.split()[::2]) for l in subprocess.run(
        ["nm", ELF], capture_output=True, text=True, check=True).stdout.splitlines() if len(l.split()) == 3)
    block = int(syms["boot_stack_block"], 16)
    assert block + 0x7000 <= int(rsp.group(1), 16) < block + 0x8000 + 1024


def test_nmi_is_handled_and_returns(boot):
    b = boot("test-exit selftest=nmi")
    assert b.rc == EXIT_SUCCESS, b.text
    results = b.findall(r"^selftest: nmi: (PASS|FAIL): (.*)$")
    assert [r.group(1) for r in results] == ["PASS", "PASS"], [r.group(0) for r in results]


def test_panic_reports_and_exits_with_panic_status(boot):
    b = boot("test-exit selftest=panic")
    assert b.rc == EXIT_PANIC
    b.must_find(r"^selftest: deliberate panic$")
    b.must_find(r"^machine halted, status 2$")


def test_triple_fault_is_not_reported_as_success(boot):
    b = boot("test-exit selftest=triple")
    assert b.rc == EXIT_NO_STATUS, b.text
