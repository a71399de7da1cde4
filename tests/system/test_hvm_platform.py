"""The legacy platform of HVM guests (docs/design/hvm.md, "Emulated devices"): the platform test
guest (tests/hvm/platform/) drives the 8259 PIC pair, the 8254 PIT, the CMOS RTC, the IO-APIC and
the PCI host bridge from inside and checks what it sees; here its results are checked and its RTC
compared with the host's clock."""
import datetime
import re

from conftest import EXIT_SUCCESS
from test_hvm import RESULT_RE, assert_memory_returned, run_hvm


def test_hvm_platform_devices(boot):
    b = run_hvm(boot, name="platform", cmdline="")
    results = b.findall(RESULT_RE)
    failed = [r.group(0) for r in results if r.group(2) != "PASS"]
    assert not failed, failed
    assert b.rc == EXIT_SUCCESS, b.text
    names = {r.group(1): r.group(3) for r in results}
    for needed in ("pic_delivers_pit_irq0", "pit_channel2_calibration", "pit_readback",
                   "rtc_time", "ioapic_routes_irq0", "pci_host_bridge_alone"):
        assert needed in names, f"test {needed} did not run"
    (_, s) = b.must_find(r"^\(d1\) SUMMARY: (\d+)/(\d+) passed$")
    assert int(s.group(1)) == int(s.group(2)) == len(results)
    # The RTC is the host's wall clock (QEMU's RTC is the host's UTC time, and Argon's wallclock
    # comes from it): the guest's reading is within a minute of ours.
    (_, m) = b.must_find(r"^\(d1\) RTC: (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$")
    guest = datetime.datetime(*map(int, m.groups()), tzinfo=datetime.timezone.utc)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - guest).total_seconds()) < 60, (guest, now)
    # 31 MiB above the first one with 32 MiB of RAM.
    assert re.search(r", 31744 KiB extended$", names["rtc_time"]), names["rtc_time"]
    assert_memory_returned(b)
