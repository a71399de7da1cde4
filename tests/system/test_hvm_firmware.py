"""What an HVM domain is built with (docs/abi/hvm-platform.md, "Firmware"): the firmware test
guest (tests/hvm/firmware/) reads the memory map and walks the ACPI tables as Linux does, checks
them against the devices, and powers the domain off through ACPI S5."""
from conftest import EXIT_SUCCESS
from test_hvm import RESULT_RE, assert_memory_returned, run_hvm


def test_hvm_firmware_tables(boot):
    b = run_hvm(boot, name="firmware", cmdline="", mem="64M")
    results = b.findall(RESULT_RE)
    failed = [r.group(0) for r in results if r.group(2) != "PASS"]
    assert not failed, failed
    assert b.rc == EXIT_SUCCESS, b.text
    names = {r.group(1): r.group(3) for r in results}
    for needed in ("memory_map", "acpi_tables", "acpi_pm_timer"):
        assert needed in names, f"test {needed} did not run"
    # 639 KiB below the EBDA and 63 MiB above 1 MiB.
    assert names["memory_map"].endswith(f" {639 + 63 * 1024} KiB RAM"), names["memory_map"]
    assert 'OEM "ARGON ", MADT 84 bytes, DSDT 51 bytes' in names["acpi_tables"]
    b.must_find(r"^\(d1\) e820: \[0x0000000000000000-0x000000000009fbff\] type 1$")
    b.must_find(r"^\(d1\) e820: \[0x00000000000e0000-0x00000000000fffff\] type 2$")
    b.must_find(r"^\(d1\) e820: \[0x0000000000100000-0x0000000003ffffff\] type 1$")
    b.must_find(r"^\(d1\) e820: \[0x00000000fec00000-0x00000000fec00fff\] type 2$")
    (_, s) = b.must_find(r"^\(d1\) SUMMARY: (\d+)/(\d+) passed$")
    assert int(s.group(1)) == int(s.group(2)) == len(results)
    assert_memory_returned(b)


def test_hvm_acpi_poweroff(boot):
    b = run_hvm(boot, name="firmware", cmdline="acpi-poweroff")
    assert b.rc == EXIT_SUCCESS, b.text
    b.must_find(r"^\(d1\) powering off through ACPI: SLP_TYP 5 into PM1a_CNT 0xb004$")
    b.must_find(r"^d1: ACPI S5 requested: powering off$")
    b.must_find(r"^d1: shut down: poweroff \(0\)$")
    assert not b.find(r"still alive after the ACPI power-off")
    assert_memory_returned(b)
