"""Argon's HVM loaders beyond the bzImage and Multiboot v1: a Multiboot2 kernel (loaded by its
header's address tag, and by ELF program headers) and a PVH kernel (an ELF-32-class x86-64 image
with a PHYS32_ENTRY note), each a test guest in tests/hvm/ that checks its entry state and start
of day information from inside (docs/abi/pvh.md, docs/abi/hvm-platform.md "Loaders"). A module
given with hvm_initrd= reaches the guest intact: the guest prints its FNV-1a, compared here."""
import os

import pytest

from conftest import EXIT_SUCCESS
from test_hvm import GUESTS, RESULT_RE, assert_memory_returned

MEM_MIB = 64
RAM_KIB = 639 + (MEM_MIB - 1) * 1024


def fnv1a(data):
    h = 2166136261
    for byte in data:
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


@pytest.fixture(scope="module")
def module_file(tmp_path_factory):
    """A module whose bytes differ everywhere, with a length that is not a page multiple."""
    data = bytes((i * 7 + (i >> 8)) & 0xFF for i in range(3 * 4096 + 123))
    path = tmp_path_factory.mktemp("mod") / "module.bin"
    path.write_bytes(data)
    return str(path), data


def run_guest(boot, name, cmdline, module=None):
    guest = os.path.join(GUESTS, f"{name}.elf")
    assert os.path.exists(guest), f"{guest} missing: run make hvm-guests"
    opts = f"test-exit hvm=0 hvm_mem={MEM_MIB}M" + (" hvm_initrd=1" if module else "")
    modules = [f"{guest} {cmdline}"] + ([module] if module else [])
    b = boot(opts, modules=modules)
    results = b.findall(RESULT_RE)
    assert results, f"no test results in {b.log_path}"
    failed = [r.group(0) for r in results if r.group(2) != "PASS"]
    assert not failed, failed
    (_, s) = b.must_find(r"^\(d1\) SUMMARY: (\d+)/(\d+) passed$")
    assert int(s.group(1)) == int(s.group(2)) == len(results)
    assert b.rc == EXIT_SUCCESS, b.log_path
    b.must_find(r"^d1: shut down: poweroff \(0\)$")
    assert_memory_returned(b)
    return b, {r.group(1): r.group(3).strip() for r in results}


@pytest.mark.parametrize("name,how", [("mb2", "address tag"), ("mb2elf", "ELF")])
def test_multiboot2_guest(boot, module_file, name, how):
    path, data = module_file
    b, names = run_guest(boot, name, "mb2-cmdline=yes expect-module", module=path)
    b.must_find(rf"^HVM: Multiboot2 kernel \({how}\), entry 0x[0-9a-f]+, loaded up to "
                rf"0x[0-9a-f]+, information at 0x10000, module {len(data) // 1024} KiB at "
                rf"0x[0-9a-f]+$")
    for needed in ("entry_state", "mbi_structure", "cmdline", "memory_map", "acpi_rsdp", "module"):
        assert needed in names, f"test {needed} did not run"
    assert names["cmdline"] == '"mb2-cmdline=yes expect-module"'
    assert names["memory_map"].endswith(f" {RAM_KIB} KiB RAM"), names["memory_map"]
    assert names["acpi_rsdp"].startswith("revision 2, XSDT at 0x"), names["acpi_rsdp"]
    assert names["module"].startswith(f"{len(data)} bytes at 0x"), names["module"]
    assert names["module"].endswith(f"fnv1a {fnv1a(data):#x}"), names["module"]


def test_multiboot2_guest_without_module(boot):
    _, names = run_guest(boot, "mb2", "plain")
    assert names["module"] == "none"
    assert names["cmdline"] == '"plain"'


def test_pvh_guest(boot, module_file):
    path, data = module_file
    b, names = run_guest(boot, "pvh", "pvh-cmdline=yes expect-module", module=path)
    b.must_find(r"^HVM: PVH kernel \(ELF32\), entry 0x[0-9a-f]+, \d+ KiB from 0x100000, start "
                rf"info at 0x10000, initrd {len(data) // 1024} KiB at 0x[0-9a-f]+$")
    for needed in ("entry_state", "start_info", "cmdline", "memory_map", "rsdp", "module"):
        assert needed in names, f"test {needed} did not run"
    assert names["entry_state"].startswith("eflags 0x2 "), names["entry_state"]
    assert names["start_info"].startswith("at 0x10000, 1 modules, "), names["start_info"]
    assert names["cmdline"] == '"pvh-cmdline=yes expect-module"'
    assert names["memory_map"].endswith(f" {RAM_KIB} KiB RAM"), names["memory_map"]
    assert names["rsdp"].startswith("at 0xe0000, XSDT at 0x"), names["rsdp"]
    assert names["module"].startswith(f"{len(data)} bytes at 0x"), names["module"]
    assert names["module"].endswith(f"fnv1a {fnv1a(data):#x}"), names["module"]


def test_pvh_guest_without_module(boot):
    _, names = run_guest(boot, "pvh", "")
    assert names["module"] == "none"
    assert names["start_info"].startswith("at 0x10000, 0 modules, ")
