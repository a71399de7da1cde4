"""Two PV domains talking: the pair test kernel booted twice side by side, domain 1 as the
producer (role a), domain 2 as the consumer (role b). Event channel ping-pong between the domains
(poll and upcall), a yield ping-pong (switches between their vCPUs), a shared ring of checksummed
requests over granted pages (map/unmap and copy), copies both ways, the negative cases between
real domains, and teardown while the consumer still maps the producer's grant. Both domains must
pass every test, shut down cleanly, and give back every frame."""
import os
import re

from conftest import BUILD, EXIT_SUCCESS

PAIR = os.path.join(BUILD, "guests", "pair.elf")

# Every test the kernel has, in the order it runs them; both domains report each.
TESTS = ["a0_setup", "a1_bind_interdomain", "a2_control_page", "b0_pingpong_poll",
         "b1_pingpong_upcall", "b2_yield_pingpong", "c0_ring", "c1_copy_both_ways",
         "c2_grant_costs", "d0_revoked_grant", "d1_frame_not_owned", "d2_copy_past_page_end",
         "d3_foreign_port", "d4_over_the_limit", "e0_peer_goes_away"]

ROUNDS = 300


def boot_pair(boot, a="", b=""):
    assert os.path.exists(PAIR), f"{PAIR} missing: run make guests"
    return boot("test-exit", modules=[
        f"{PAIR} argon:dom=1,mem=16M,priv role=a peer=2 rounds={ROUNDS} {a}".strip(),
        f"{PAIR} argon:dom=2,mem=16M,priv role=b peer=1 rounds={ROUNDS} {b}".strip()],
        timeout=120)


def results_of(b, dom):
    got = b.findall(rf"^\(d{dom}\) TEST (\S+): (PASS|FAIL)\b ?(.*)$")
    return [(m.group(1), m.group(2), m.group(3)) for m in got]


def test_two_domains_talk_through_events_and_grants(boot):
    b = boot_pair(boot)
    for dom in (1, 2):
        res = results_of(b, dom)
        assert [r[0] for r in res] == TESTS, (dom, res, b.log_path)
        failed = [r for r in res if r[1] != "PASS"]
        assert not failed, (dom, failed)
        (_, s) = b.must_find(rf"^\(d{dom}\) SUMMARY: (\d+)/(\d+) passed$")
        assert int(s.group(1)) == int(s.group(2)) == len(TESTS)
        b.must_find(rf"^d{dom}: shut down: poweroff \(0\)$")
    notes = {(dom, n): d for dom in (1, 2) for n, _, d in results_of(b, dom)}
    # The convention: A's first port, bound by B as its own first port.
    assert re.search(r"^port 1 bound by d2 port 1\b", notes[(1, "a1_bind_interdomain")])
    assert re.search(r"^bound d1 port 1 as port 1\b", notes[(2, "a1_bind_interdomain")])
    assert notes[(1, "b0_pingpong_poll")].startswith(f"{ROUNDS} round trips")
    assert notes[(2, "b0_pingpong_poll")].startswith(f"{ROUNDS} pings in order")
    assert notes[(1, "c0_ring")].startswith("600 requests answered, ring of 128")
    assert re.match(r"600 requests checked \(450 mapped, 150 copied\)", notes[(2, "c0_ring")])
    assert notes[(2, "d4_over_the_limit")] == "1022 mappings, then GNTST_no_space"
    assert notes[(2, "e0_peer_goes_away")] == "d1 gone, its mappings revoked"
    # The costs were measured (bench/pv_pair.py reads the same lines).
    for name in ("evtchn round trip, poll", "evtchn round trip, upcall", "null hypercall (d1)",
                 "vCPU switch (yield ping-pong, per switch)"):
        b.must_find(rf"^\(d1\) BENCH {re.escape(name)}: \d+ cycles")
    for name in ("grant map\\+unmap", "grant copy 4 KiB", "null hypercall \\(d2\\)"):
        b.must_find(rf"^\(d2\) BENCH {name}: \d+ cycles")
    b.must_find(r"^\(d2\) BENCH grant copy throughput, batches of 16 pages: \d+ MB/s")
    # Both went, d1 first with d2 still mapping its grant: every frame came back.
    assert b.rc == EXIT_SUCCESS, b.log_path
    assert not b.findall(r"leaked|still referenced|still in use at destruction")
    (_, before) = b.must_find(r"^Memory: (\d+) KiB free before building domain \d+$")
    (_, after) = b.must_find(r"^last domain \(d2\) has shut down; Memory: (\d+) KiB free$")
    assert int(after.group(1)) == int(before.group(1))
