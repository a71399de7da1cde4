"""Guest time: pvclock in a relocated vcpu_info, runstate accounting, timer hypercall checks."""
from conftest import EXIT_SUCCESS
from test_pv import assert_all_pass, run_guest


def test_time_kernel(boot):
    """Includes the guest's clock against QEMU's RTC (the host clock): 1 s per RTC second, +-1 ms."""
    b = run_guest(boot, "time")
    assert b.rc == EXIT_SUCCESS, b.text
    results = assert_all_pass(b)
    assert "median" in results["c_pvclock_rate_against_rtc"]


def test_rtc_gives_the_wallclock(boot):
    import datetime
    b = run_guest(boot, "time")
    (_, m) = b.must_find(r"^RTC: (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC$")
    rtc = datetime.datetime(*(int(m.group(i)) for i in range(1, 7)), tzinfo=datetime.timezone.utc)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - rtc).total_seconds()) < 10
