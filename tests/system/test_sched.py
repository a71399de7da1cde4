"""The credit scheduler shares one CPU among boot-time domains by weight and cap."""
import os
import re

from conftest import BUILD, EXIT_SUCCESS

SPIN = os.path.join(BUILD, "guests", "spin.elf")


def spin_results(b):
    out = {}
    for m in b.findall(r"^\(d(\d+)\) SPIN (\S+) running (\d+) runnable (\d+)$"):
        out[m.group(2)] = (int(m.group(3)) / 1e9, int(m.group(4)) / 1e9)
    return out


def test_weights_share_the_cpu(boot):
    """Weights 512:256 give CPU time 2:1. The policy gives exactly 2:1 on a quiet CPU
    (tests/unit/test_sched.c; quiet QEMU runs measure 1.9-2.0:1). Time the host steals from the
    emulated CPU is charged to whichever domain runs, which on a busy host lowers the heavier
    domain's share: this test allows 15% and repeats a run out of range once before failing."""
    for attempt in (1, 2):
        b = boot("test-exit", modules=[f"{SPIN} argon:dom=1,mem=16M,weight=512,priv heavy",
                                       f"{SPIN} argon:dom=2,mem=16M,weight=256,priv light"], timeout=90)
        assert b.rc == EXIT_SUCCESS, b.text
        r = spin_results(b)
        assert set(r) == {"heavy", "light"}, b.text
        ratio = r["heavy"][0] / r["light"][0]
        if 1.7 <= ratio <= 2.3:
            break
    assert 1.7 <= ratio <= 2.3, f"512:256 weights gave {ratio:.2f}:1 ({r}), twice"
    assert r["light"][1] > 0.5, "the lighter domain should have waited for the CPU"
    b.must_find(r"^d1: 1 vCPU\(s\), weight 512, cap 0%")
    b.must_find(r"^last domain \(d\d\) has shut down")


def test_cap_limits_a_domain(boot):
    b = boot("test-exit", modules=[f"{SPIN} argon:dom=1,mem=16M,cap=25,priv capped"], timeout=90)
    assert b.rc == EXIT_SUCCESS, b.text
    r = spin_results(b)
    running, runnable = r["capped"]
    # Alone on the CPU yet capped at 25%: it runs about a quarter of the 3 s (0.75 s; a loaded
    # host stretches slices, never shortens them), where uncapped it would run all 3 s.
    assert 0.6 <= running <= 1.2, r
    assert runnable >= 1.6, r


def test_bad_domain_spec_is_refused(boot):
    b = boot("test-exit", modules=[f"{SPIN} argon:dom=1,weight=0 x"])
    assert b.rc == 2
    b.must_find(r"weight= must be 1 to 65535")


FPU = os.path.join(BUILD, "guests", "fpu.elf")


def fpu_pair(boot, cpu=None):
    b = boot("test-exit", modules=[f"{FPU} argon:dom=1,mem=16M,priv A",
                                   f"{FPU} argon:dom=2,mem=16M,priv B"], timeout=90, cpu=cpu)
    assert b.rc == EXIT_SUCCESS, b.text
    results = b.findall(r"^\(d(\d)\) TEST registers_survive_switches: (PASS|FAIL)(.*)$")
    assert sorted(m.group(1) for m in results) == ["1", "2"], b.text
    assert all(m.group(2) == "PASS" for m in results), [m.group(0) for m in results]
    return b, results


def test_fpu_state_survives_switches_xsave(boot):
    """Two domains keep different ymm0-15 contents while they time-share the CPU (XSAVE)."""
    b, results = fpu_pair(boot)
    b.must_find(r"^FPU: XSAVE, guest state of \d+ bytes \(x87, SSE, AVX\)$")
    assert all("ymm0-15" in m.group(3) for m in results)


def test_fpu_state_survives_switches_fxsave(boot):
    """The same on a CPU without XSAVE: xmm0-15 through FXSAVE."""
    b, results = fpu_pair(boot, cpu="qemu64,+svm,+npt,+pdpe1gb")
    b.must_find(r"^FPU: FXSAVE, guest state of 512 bytes \(x87, SSE\)$")
    assert all("xmm0-15" in m.group(3) for m in results)


def test_many_domains_come_and_go(boot):
    """Six boot-time domains built, run side by side and destroyed; memory returns exactly."""
    hello = os.path.join(BUILD, "guests", "hello.elf")
    mods = [f"{hello} argon:dom={i},mem=16M,priv" for i in range(1, 7)]
    b = boot("test-exit", modules=mods, timeout=90)
    assert b.rc == EXIT_SUCCESS, b.text
    for i in range(1, 7):
        b.must_find(r"^\(d%d\) SUMMARY: (\d+)/\1 passed$" % i)
        b.must_find(r"^d%d: destroyed; Memory: \d+ KiB free$" % i)
    (_, before) = b.must_find(r"^Memory: (\d+) KiB free before building domain 0$")
    (_, after) = b.must_find(r"^last domain \(d\d\) has shut down; Memory: (\d+) KiB free$")
    assert int(after.group(1)) == int(before.group(1))
