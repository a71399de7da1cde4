"""The evtchn PV test kernel: event channels (2-level ABI) from the guest's side — loopback
interdomain channels, VIRQs, IPIs, masking, status, close, reset, limits and the error cases —
with events delivered through the event callback on the way back from hypercalls."""
from conftest import EXIT_SUCCESS
from test_pv import assert_all_pass, run_guest


def test_evtchn_kernel_passes_every_test(boot):
    b = run_guest(boot, "evtchn")
    results = assert_all_pass(b)
    assert b.rc == EXIT_SUCCESS, b.text
    b.must_find(r"^d0: shut down: poweroff \(0\)$")
    assert "1023 ports" in results["port_limit"]
    # set_timer_op exists now: the timer VIRQ must really arrive (not the binding-only fallback).
    assert "VIRQ_TIMER on port" in results["virq_timer_fires"], results["virq_timer_fires"]


def test_evtchn_port_limit_is_configurable(boot):
    """evtchn_max_ports= changes the per-domain limit: the limit test then fails as expected."""
    b = run_guest(boot, "evtchn", hv="evtchn_max_ports=64")
    results = b.findall(r"^\(d0\) TEST (\S+): (PASS|FAIL)\b(.*)$")
    by_name = {r.group(1): (r.group(2), r.group(3)) for r in results}
    assert by_name["port_limit"][0] == "FAIL"
    assert "63 != 1023" in by_name["port_limit"][1], by_name["port_limit"]
