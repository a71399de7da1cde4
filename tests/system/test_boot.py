"""Argon boots from GRUB via Multiboot2 and reports what it found."""
import os
import re

from conftest import EXIT_PANIC, EXIT_SUCCESS, TOP


def version():
    with open(os.path.join(TOP, "VERSION")) as f:
        return f.read().strip()


def test_banner_cmdline_and_ready(boot):
    cmdline = "test-exit loglvl=all com1=115200 no-such-option=1"
    b = boot(cmdline)
    assert b.rc == EXIT_SUCCESS, b.text
    b.must_find(r"^Argon %s \(x86_64\)" % re.escape(version()))
    b.must_find(r"^Command line: %s$" % re.escape(cmdline))
    b.must_find(r'^command line: "no-such-option=1": unknown option, ignored$')
    b.must_find(r"^Boot loader: GRUB")
    b.must_find(r"^Argon ready \(\d+ ms after reset\)$")
    b.must_find(r"^machine halted, status 0$")


def test_every_line_is_tagged_and_time_moves_forward(boot):
    b = boot("test-exit")
    assert b.rc == EXIT_SUCCESS
    tagged = [l for l in b.lines if l.hv_time is not None]
    assert len(tagged) > 10
    times = [l.hv_time for l in tagged]
    assert times == sorted(times), "hypervisor time stamps went backwards"
    assert times[-1] > 0


def test_bad_option_values_are_reported_not_fatal(boot):
    b = boot("test-exit loglvl=bogus com1=fast console=com1,vga selftest=nonesuch")
    assert b.rc == EXIT_SUCCESS, b.text
    b.must_find(r'"com1=fast": expected a number')
    b.must_find(r"unknown loglvl=bogus")
    b.must_find(r'unknown console "vga"')
    b.must_find(r'selftest: unknown test "nonesuch"')


def test_console_none_silences_serial(boot):
    b = boot("test-exit console=none")
    assert b.rc == EXIT_SUCCESS
    assert not b.find(r"Argon ready"), "console=none still printed"


def test_loglvl_err_hides_info(boot):
    b = boot("test-exit loglvl=err selftest=panic")
    assert b.rc == 2
    assert not b.find(r"^Argon ready"), "info messages shown at loglvl=err"
    b.must_find(r"^Panic on CPU 0:$")


def test_multiboot2_modules_and_cmdlines(boot, tmp_path):
    m1 = tmp_path / "first.bin"
    m2 = tmp_path / "second.bin"
    m1.write_bytes(os.urandom(200 * 1024 + 5))
    m2.write_bytes(b"x" * 4096)
    b = boot("test-exit", modules=[f"{m1} console=hvc0 root=/dev/xvda", f"{m2}"])
    # The first module becomes domain 0's kernel: random bytes are refused, cleanly.
    assert b.rc == EXIT_PANIC, b.text
    b.must_find(r"^d0: kernel rejected: not an ELF image$")
    b.must_find(r"^Boot loader: .*, 2 module\(s\)$")
    (_, a) = b.must_find(r'^  module 0: (0x[0-9a-f]+)-(0x[0-9a-f]+) "(.*)"$')
    (_, c) = b.must_find(r'^  module 1: (0x[0-9a-f]+)-(0x[0-9a-f]+) "(.*)"$')
    assert int(a.group(2), 16) - int(a.group(1), 16) == 200 * 1024 + 5
    assert int(c.group(2), 16) - int(c.group(1), 16) == 4096
    assert a.group(3).endswith("console=hvc0 root=/dev/xvda")
    # Page-aligned, as the header's module-alignment tag asks, and kept out of the allocator.
    assert int(a.group(1), 16) % 4096 == 0 and int(c.group(1), 16) % 4096 == 0
    (_, r) = b.must_find(r"\+ (\d+) KiB modules \+")
    assert int(r.group(1)) == (200 * 1024 + 5 + 4095) // 4096 * 4 + 4


def test_acpi_madt_lists_every_cpu(boot):
    b = boot("test-exit", smp=2)
    assert b.rc == EXIT_SUCCESS
    b.must_find(r"^ACPI: revision \d+, OEM .*tables:.* APIC")
    b.must_find(r"^ACPI: MADT: 2 CPU\(s\), local APIC at 0xfee00000")
    b.must_find(r"^ACPI:   CPU 1: APIC ID 1$")
    b.must_find(r"^ACPI:   IO-APIC ID \d+ at 0xfec00000, GSI base 0$")
