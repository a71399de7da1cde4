"""PV interfaces for HVM guests (docs/design/hvm.md, "PV interfaces"): the pvif HVM test guest
(tests/hvm/pvif/) places shared_info and grant frames with XENMEM_add_to_physmap, reads the
pvclock and wallclock there, and takes event channels (VIRQ_TIMER, a loopback pair) through the
HVM_PARAM_CALLBACK_IRQ vector."""
import re
import time

from conftest import EXIT_SUCCESS
from test_hvm import RESULT_RE, assert_memory_returned, run_hvm


def test_hvm_pv_interfaces(boot):
    b = run_hvm(boot, name="pvif", cmdline="")
    assert b.rc == EXIT_SUCCESS, b.text
    results = b.findall(RESULT_RE)
    failed = [r.group(0) for r in results if r.group(2) != "PASS"]
    assert not failed, failed
    names = {r.group(1): r.group(3) for r in results}
    for needed in ("hvm_features", "shared_info_add_to_physmap", "pvclock_rate",
                   "shared_info_moves_and_ram_returns", "add_to_physmap_refusals",
                   "grant_frames_mapped", "callback_param", "virq_timer_through_callback_vector",
                   "loopback_event_through_callback_vector", "register_vcpu_info",
                   "hvm_vcpu_op_policy", "console_ring_params", "physmap_table_budget"):
        assert needed in names, f"test {needed} did not run"
    (_, s) = b.must_find(r"^\(d1\) SUMMARY: (\d+)/(\d+) passed$")
    assert int(s.group(1)) == int(s.group(2)) == len(results)
    # The wallclock in shared_info is the host's time (the QEMU RTC follows the host clock).
    wc = int(re.search(r"wc_sec (\d+)", names["shared_info_add_to_physmap"]).group(1))
    assert abs(wc - time.time()) < 3600, (wc, time.time())
    # Argon served the console ring: the line arrived with the domain's prefix.
    b.must_find(r"^\(d1\) hello through the HVM console ring$")
    # Every hypervisor page went back: the RAM under the mappings and the pages themselves.
    assert_memory_returned(b)
