"""HVM vCPUs on the common scheduler (docs/design/hvm.md, "Scheduling"): HVM and PV domains side
by side, each making progress and keeping its FPU/SSE registers and its time while the CPU
switches between them; a crash of one domain leaves the others running; an HVM domain with
several vCPUs started through INIT-SIPI-SIPI exchanging IPIs (tests/hvm/smp/)."""
import os
import re

from conftest import BUILD, EXIT_SUCCESS
from test_hvm import GUESTS, RESULT_RE

SPIN = os.path.join(BUILD, "guests", "spin.elf")
FPU = os.path.join(BUILD, "guests", "fpu.elf")
SIDE = os.path.join(GUESTS, "side.elf")
SMP = os.path.join(GUESTS, "smp.elf")


def results(b, dom):
    return {m.group(1): (m.group(2), m.group(3))
            for m in b.findall(r"^\(d%d\) TEST (\S+): (PASS|FAIL)\b(.*)$" % dom)}


def assert_all_memory_returned(b):
    (_, before) = b.must_find(r"^Memory: (\d+) KiB free before building domain 0$")
    (_, after) = b.must_find(r"^last domain \(d\d+\) has shut down; Memory: (\d+) KiB free$")
    assert int(after.group(1)) == int(before.group(1))


def test_hvm_smp_guest_starts_aps_and_exchanges_ipis(boot):
    b = boot("test-exit", modules=[f"{SMP} argon:dom=1,hvm,mem=32M,vcpus=3 cpus=3"])
    assert b.rc == EXIT_SUCCESS, b.text
    r = results(b, 1)
    for needed in ("init_sipi_starts_aps", "apic_ids_per_vcpu", "fixed_ipi_physical",
                   "fixed_ipi_logical", "ipi_shorthands", "apic_timer_per_vcpu"):
        assert r.get(needed, ("missing",))[0] == "PASS", (needed, r)
    assert "2 APs started" in r["init_sipi_starts_aps"][1]
    b.must_find(r"^HVM: d1: 32 MiB RAM, 3 vCPU\(s\)")
    b.must_find(r"^d1v1: started by SIPI at 0x7000$")
    b.must_find(r"^d1v2: started by SIPI at 0x7000$")
    # Each vCPU ran guest code of its own.
    for v in range(3):
        (_, m) = b.must_find(r"^d1v%d: (\d+) VM exits$" % v)
        assert int(m.group(1)) > 10
    b.must_find(r"^\(d1\) SUMMARY: 6/6 passed$")
    assert_all_memory_returned(b)


def test_pv_and_hvm_domains_run_side_by_side(boot):
    """A CPU-bound PV domain 0 and an HVM domain 1 share the CPU: both make progress, both end."""
    b = boot("test-exit", modules=[f"{SPIN} secs=4",
                                   f"{SIDE} argon:dom=1,hvm,mem=32M secs=2 pattern=H"], timeout=90)
    assert b.rc == EXIT_SUCCESS, b.text
    (spin, m) = b.must_find(r"^\(d0\) SPIN secs=4 running (\d+) runnable (\d+)$")
    # The PV domain waited while the HVM one ran: the credit scheduler shares the CPU between
    # them (about half each while both are busy), so a good part of its 4 s went to the other.
    assert int(m.group(2)) > 0.5e9, m.group(0)
    r = results(b, 1)
    assert r["runs_beside_others"][0] == "PASS", r
    ticks = b.findall(r"^\(d1\) tick (\d+)$")
    assert [int(t.group(1)) for t in ticks] == [50, 100, 150, 200]
    # The HVM domain made progress while the PV domain was still spinning.
    (first_tick, _) = b.must_find(r"^\(d1\) tick 50$")
    assert first_tick.hv_time < spin.hv_time
    b.must_find(r"^d1: shut down: poweroff \(0\)$")
    b.must_find(r"^d0: shut down: poweroff \(0\)$")
    assert_all_memory_returned(b)


def test_hvm_triple_fault_leaves_pv_domain_running(boot):
    b = boot("test-exit", modules=[f"{SPIN} secs=3",
                                   f"{SIDE} argon:dom=1,hvm,mem=32M secs=2 crash-after=60"],
             timeout=90)
    b.must_find(r"^\(d1\) about to triple-fault after \d+ ticks$")
    (crash, _) = b.must_find(r"^d1: domain crash: d1v0: triple fault")
    b.must_find(r"^d1: shut down: crash \(3\)$")
    assert not b.find(r"still alive after the triple fault")
    assert not b.find(r"PANIC|FATAL TRAP")
    # The PV domain goes on and completes after the crash; the last domain's power-off is the
    # machine's status.
    (done, _) = b.must_find(r"^\(d0\) TEST spin: PASS")
    assert done.hv_time > crash.hv_time
    assert b.rc == EXIT_SUCCESS, b.text
    assert_all_memory_returned(b)


def test_fpu_state_isolated_between_pv_and_hvm(boot):
    """The PV fpu kernel (ymm0-15 or xmm0-15) and two HVM guests (xmm0-7) with different
    patterns time-share the CPU; each keeps checking its registers (PV-HVM and HVM-HVM switches)."""
    b = boot("test-exit", modules=[f"{FPU} argon:dom=1,mem=16M,priv A",
                                   f"{SIDE} argon:dom=2,hvm,mem=32M secs=2 pattern=B",
                                   f"{SIDE} argon:dom=3,hvm,mem=32M secs=2 pattern=C"],
             timeout=90)
    assert b.rc == EXIT_SUCCESS, b.text
    (_, m) = b.must_find(r"^\(d1\) TEST registers_survive_switches: (PASS|FAIL)(.*)$")
    assert m.group(1) == "PASS", m.group(0)
    for dom, pat in ((2, "0x42"), (3, "0x43")):
        (status, note) = results(b, dom)["runs_beside_others"]
        assert status == "PASS", note
        assert f"pattern {pat}" in note
        checks = int(re.search(r"(\d+) checks of xmm0-7", note).group(1))
        assert checks > 1000, note


def test_hvm_spec_with_too_little_memory_is_refused(boot):
    b = boot("test-exit", modules=[f"{SIDE} argon:dom=1,hvm,mem=1M"])
    assert b.rc == 2  # Argon panics: a boot-time domain it cannot build is a configuration error
    b.must_find(r"^HVM: an HVM domain's memory must be between 2 MiB and 3 GiB$")
    b.must_find(r"cannot build domain 1 \(error -22\)")
