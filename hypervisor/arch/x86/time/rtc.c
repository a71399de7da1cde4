/* The CMOS real-time clock, read once at boot to anchor the wallclock. */
#include <argon/console.h>
#include <argon/vtime.h>
#include <asm/apic.h>
#include <asm/io.h>

#define RTC_INDEX 0x70
#define RTC_DATA 0x71
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_UIP 0x80	/* status A: an update is in progress */
#define RTC_BINARY 0x04	/* status B: values are binary, not BCD */
#define RTC_24H 0x02	/* status B: 24-hour mode */

static uint8_t cmos(uint8_t reg)
{
	/* Bit 7 of the index keeps NMIs enabled. */
	outb(RTC_INDEX, reg & 0x7f);
	return inb(RTC_DATA);
}

static unsigned int decode(uint8_t v, bool binary)
{
	return binary ? v : (v & 0x0f) + (v >> 4) * 10;
}

struct rtc_time {
	uint8_t sec, min, hour, day, mon, year, century;
};

static void read_raw(struct rtc_time *t)
{
	unsigned long spins = 0;

	while ((cmos(RTC_STATUS_A) & RTC_UIP) && ++spins < 10000000UL) {
	}
	t->sec = cmos(0x00);
	t->min = cmos(0x02);
	t->hour = cmos(0x04);
	t->day = cmos(0x07);
	t->mon = cmos(0x08);
	t->year = cmos(0x09);
	t->century = cmos(0x32);
}

void rtc_init(void);

void rtc_init(void)
{
	struct rtc_time a, b;
	uint8_t status_b;
	bool binary;
	unsigned int hour, year;
	int64_t epoch;
	int tries = 0;

	/* Read until two consecutive reads agree: the RTC may tick between the fields. */
	read_raw(&a);
	do {
		b = a;
		read_raw(&a);
	} while (__builtin_memcmp(&a, &b, sizeof(a)) && ++tries < 10);
	status_b = cmos(RTC_STATUS_B);
	binary = status_b & RTC_BINARY;
	hour = decode(a.hour & 0x7f, binary);
	if (!(status_b & RTC_24H) && (a.hour & 0x80)) {
		hour = (hour % 12) + 12;	/* 12-hour mode, PM */
	} else if (!(status_b & RTC_24H) && hour == 12) {
		hour = 0;
	}
	year = decode(a.year, binary) + (a.century ? decode(a.century, binary) * 100 : 2000);
	epoch = calendar_to_epoch(year, decode(a.mon, binary), decode(a.day, binary), hour,
				  decode(a.min, binary), decode(a.sec, binary));
	if (epoch < 0) {
		log_warn("RTC: unreadable date; the wallclock starts at the epoch\n");
		epoch = 0;
	}
	boot_wallclock_ns = epoch * NSEC_PER_SEC - NOW();
	log_info("RTC: %04u-%02u-%02u %02u:%02u:%02u UTC\n", year, decode(a.mon, binary),
		 decode(a.day, binary), hour, decode(a.min, binary), decode(a.sec, binary));
}
