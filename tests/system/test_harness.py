"""The scripts other issues build on: mkiso's GRUB entry and run-qemu's exit statuses."""
import os
import subprocess

from conftest import EXIT_TIMEOUT, TOP


def test_mkiso_writes_multiboot2_entry(hypervisor_elf, tmp_path):
    mod = tmp_path / "mod.bin"
    mod.write_bytes(b"m")
    iso = tmp_path / "x.iso"
    subprocess.run(["scripts/mkiso", "--out", str(iso), "--hv-cmdline", "loglvl=all",
                    "--module", f"{mod} a b c"], cwd=TOP, check=True)
    cfg = subprocess.run(["xorriso", "-osirrox", "on", "-indev", str(iso), "-extract",
                          "/boot/grub/grub.cfg", str(tmp_path / "grub.cfg")],
                         capture_output=True, check=True)
    text = (tmp_path / "grub.cfg").read_text()
    assert "set timeout=0" in text
    assert "multiboot2 /boot/argon.elf loglvl=all" in text
    assert "module2 /boot/modules/0-mod.bin a b c" in text


def test_mkiso_rejects_missing_module(hypervisor_elf, tmp_path):
    r = subprocess.run(["scripts/mkiso", "--out", str(tmp_path / "x.iso"), "--module", "/nonexistent"],
                       cwd=TOP, capture_output=True, text=True)
    assert r.returncode != 0
    assert "module file not found" in r.stderr


def test_run_qemu_times_out_when_argon_keeps_running(boot):
    # Without test-exit Argon idles after "ready" (as `make run` does), so only the timeout ends it.
    b = boot("loglvl=info", timeout=8)
    assert b.rc == EXIT_TIMEOUT
    b.must_find(r"^Argon ready")
