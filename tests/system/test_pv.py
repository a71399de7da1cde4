"""PV guests run on Argon: our test kernels boot as domain 0 and report one line per test."""
import os
import re

import pytest

from conftest import BUILD, EXIT_SUCCESS

GUESTS = os.path.join(BUILD, "guests")
RESULT_RE = r"^\(d0\) TEST (\S+): (PASS|FAIL)\b(.*)$"


def run_guest(boot, name, cmdline="", hv="", mem="32M"):
    kernel = os.path.join(GUESTS, f"{name}.elf")
    assert os.path.exists(kernel), f"{kernel} missing: run make guests"
    return boot(f"test-exit dom0_mem={mem} {hv}".strip(), modules=[f"{kernel} {cmdline}".strip()])


def assert_all_pass(b):
    results = b.findall(RESULT_RE)
    assert results, f"no test results in {b.log_path}"
    failed = [r.group(0) for r in results if r.group(2) != "PASS"]
    assert not failed, failed
    (_, s) = b.must_find(r"^\(d0\) SUMMARY: (\d+)/(\d+) passed$")
    assert int(s.group(1)) == int(s.group(2)) == len(results)
    return {r.group(1): r.group(3) for r in results}


def test_hello_kernel_passes_every_test(boot):
    b = run_guest(boot, "hello", cmdline="argon-test-cmdline=1")
    assert b.rc == EXIT_SUCCESS, b.text
    results = assert_all_pass(b)
    assert '"argon-test-cmdline=1"' in results["start_info_cmdline"]
    b.must_find(r"^d0: shut down: poweroff \(0\)$")


def test_io_port_policy(boot):
    """Port I/O: #GP without IOPL, real ports with it, Argon's own ports masked."""
    b = run_guest(boot, "io")
    assert b.rc == EXIT_SUCCESS, b.text
    results = assert_all_pass(b)
    assert "test_exit_port_is_blocked" in results


def test_domain_memory_is_returned_on_shutdown(boot):
    b = run_guest(boot, "hello", mem="48M")
    assert b.rc == EXIT_SUCCESS, b.text
    (_, before) = b.must_find(r"^Memory: (\d+) KiB free before building domain 0$")
    (_, after) = b.must_find(r"^last domain \(d0\) has shut down; Memory: (\d+) KiB free$")
    assert int(after.group(1)) == int(before.group(1))
    (_, built) = b.must_find(r"^\*\*\* Building domain 0 \(.*, (\d+) MiB\) \*\*\*$")
    assert int(built.group(1)) == 48


@pytest.mark.parametrize("mem, why", [("2M", "not enough memory for the kernel")])
def test_builder_refuses_a_domain_too_small(boot, mem, why):
    b = run_guest(boot, "hello", mem=mem)
    assert b.rc == 2
    b.must_find(re.escape(why))


def test_memory_op_moves_frames_in_and_out(boot):
    """Balloon-style decrease/increase_reservation and populate_physmap; memory returns exactly."""
    b = run_guest(boot, "memory")
    assert b.rc == EXIT_SUCCESS, b.text
    assert_all_pass(b)
    (_, before) = b.must_find(r"^Memory: (\d+) KiB free before building domain 0$")
    (_, after) = b.must_find(r"^last domain \(d0\) has shut down; Memory: (\d+) KiB free$")
    assert int(after.group(1)) == int(before.group(1))


def test_ldt_is_installed_checked_and_cleared(boot):
    b = run_guest(boot, "ldt")
    assert b.rc == EXIT_SUCCESS, b.text
    assert_all_pass(b)


def test_unprivileged_port_io_reads_all_ones(boot):
    """An unprivileged kernel with IOPL 1: reads of ungranted ports give all ones, writes vanish
    (no console for it: its shutdown reason carries the verdict)."""
    kernel = os.path.join(GUESTS, "iodomu.elf")
    b = boot("test-exit", modules=[f"{kernel} argon:dom=1,mem=16M"])
    assert b.rc == EXIT_SUCCESS, b.text
    b.must_find(r"^d1: shut down: poweroff \(0\)$")
