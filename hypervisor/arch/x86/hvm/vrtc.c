/*
 * The MC146818 CMOS real-time clock and its NVRAM (Motorola MC146818A data sheet), ports 0x70
 * (index; bit 7 is the NMI mask and is ignored) and 0x71 (data). The clock is the host's wall
 * clock plus an offset: reading registers 0-9 converts the current time into the format register
 * B asks for (BCD or binary, 12 or 24 hours), and setting them (at once, or all together while
 * B.SET is on) moves the offset. Register A reports Update In Progress for the last 244 us of each
 * second, as the chip does, so guests that wait for it get a consistent read. Register 0x32 is the
 * century (the ACPI FADT says so). Periodic, alarm and update interrupts (IRQ 8) are not generated
 * yet: register C always reads 0. Portable: the wall clock comes in as an argument.
 */
#include <argon/lib.h>
#include <asm/hvm/vplatform.h>

#define RTC_SEC 0x00
#define RTC_MIN 0x02
#define RTC_HOUR 0x04
#define RTC_WDAY 0x06
#define RTC_MDAY 0x07
#define RTC_MON 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32

#define REG_A_UIP 0x80
#define REG_B_SET 0x80
#define REG_B_BINARY 0x04
#define REG_B_24H 0x02
#define REG_D_VRT 0x80
#define UIP_NS 244000
#define NS_PER_SEC 1000000000LL

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void vrtc_epoch_to_tm(int64_t secs, struct vrtc_tm *tm)
{
	int64_t z = secs / 86400, rem = secs % 86400, era, doe, yoe, doy, mp;

	tm->hour = (unsigned int)(rem / 3600);
	tm->min = (unsigned int)(rem / 60 % 60);
	tm->sec = (unsigned int)(rem % 60);
	tm->wday = (unsigned int)((z + 4) % 7);		/* 1970-01-01 was a Thursday */
	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->mday = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	tm->mon = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = (unsigned int)(yoe + era * 400 + (tm->mon <= 2));
}

void vrtc_init(struct vrtc *r, uint32_t base_kib, uint32_t ext_kib)
{
	uint32_t ext = MIN(ext_kib, 0xffffu);
	uint32_t above16 = ext_kib > 15 * 1024 ? MIN((ext_kib - 15 * 1024) / 64, 0xffffu) : 0;

	memset(r, 0, sizeof(*r));
	r->ram[RTC_REG_A] = 0x26;		/* 32.768 kHz time base, 1024 Hz periodic rate */
	r->ram[RTC_REG_B] = REG_B_24H;		/* BCD, 24-hour: what a PC BIOS leaves */
	r->ram[RTC_REG_D] = REG_D_VRT;		/* the battery is good */
	r->ram[0x15] = (uint8_t)base_kib;
	r->ram[0x16] = (uint8_t)(base_kib >> 8);
	r->ram[0x17] = r->ram[0x30] = (uint8_t)ext;
	r->ram[0x18] = r->ram[0x31] = (uint8_t)(ext >> 8);
	r->ram[0x34] = (uint8_t)above16;
	r->ram[0x35] = (uint8_t)(above16 >> 8);
}

static uint8_t to_reg(const struct vrtc *r, unsigned int v)
{
	return r->ram[RTC_REG_B] & REG_B_BINARY ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static unsigned int from_reg(const struct vrtc *r, uint8_t v)
{
	return r->ram[RTC_REG_B] & REG_B_BINARY ? v : (v >> 4) * 10u + (v & 0xf);
}

static uint8_t hour_to_reg(const struct vrtc *r, unsigned int h)
{
	if (r->ram[RTC_REG_B] & REG_B_24H) {
		return to_reg(r, h);
	}
	/* 12-hour: 12 AM, 1-11 AM, 12 PM, 1-11 PM; bit 7 is PM. */
	return (uint8_t)(to_reg(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
}

static unsigned int hour_from_reg(const struct vrtc *r, uint8_t v)
{
	unsigned int h;

	if (r->ram[RTC_REG_B] & REG_B_24H) {
		return from_reg(r, v);
	}
	h = from_reg(r, v & 0x7f) % 12;
	return v & 0x80 ? h + 12 : h;
}

/* The guest's current time in registers 0-9 and the century, in register B's format. */
static void current_regs(const struct vrtc *r, int64_t wall_ns, uint8_t regs[10], uint8_t *century)
{
	int64_t ns = wall_ns + r->offset_ns;
	struct vrtc_tm tm;

	vrtc_epoch_to_tm(ns > 0 ? ns / NS_PER_SEC : 0, &tm);
	memset(regs, 0, 10);
	regs[RTC_SEC] = to_reg(r, tm.sec);
	regs[RTC_MIN] = to_reg(r, tm.min);
	regs[RTC_HOUR] = hour_to_reg(r, tm.hour);
	regs[RTC_WDAY] = to_reg(r, tm.wday + 1);	/* 1 = Sunday */
	regs[RTC_MDAY] = to_reg(r, tm.mday);
	regs[RTC_MON] = to_reg(r, tm.mon);
	regs[RTC_YEAR] = to_reg(r, tm.year % 100);
	regs[1] = r->ram[1];				/* alarm registers: stored */
	regs[3] = r->ram[3];
	regs[5] = r->ram[5];
	*century = to_reg(r, tm.year / 100);
}

/* Make the time in set_time[] and the century register the guest's time from now on. */
static void commit_time(struct vrtc *r, int64_t wall_ns)
{
	const uint8_t *t = r->set_time;
	unsigned int year = from_reg(r, r->ram[RTC_CENTURY]) * 100 + from_reg(r, t[RTC_YEAR]);
	unsigned int mon = from_reg(r, t[RTC_MON]), mday = from_reg(r, t[RTC_MDAY]);
	int64_t secs;

	if (mon < 1 || mon > 12 || mday < 1 || mday > 31) {
		return;				/* a nonsense date leaves the clock alone */
	}
	secs = days_from_civil(year, mon, mday) * 86400 + hour_from_reg(r, t[RTC_HOUR]) * 3600LL +
	       from_reg(r, t[RTC_MIN]) * 60LL + from_reg(r, t[RTC_SEC]);
	/* Keep the sub-second phase of the host clock: the guest's second starts now. */
	r->offset_ns = secs * NS_PER_SEC - wall_ns + wall_ns % NS_PER_SEC;
}

void vrtc_io(struct vrtc *r, uint16_t port, bool in, uint8_t *val, int64_t wall_ns)
{
	uint8_t regs[10], century, idx = r->index;

	if (port == 0x70) {
		if (in) {
			*val = 0xff;		/* the index register is write-only */
		} else {
			r->index = *val & 0x7f;
		}
		return;
	}
	if (in) {
		if (idx < 10 || idx == RTC_CENTURY) {
			if (r->ram[RTC_REG_B] & REG_B_SET) {
				*val = idx < 10 ? r->set_time[idx] : r->ram[RTC_CENTURY];
				return;
			}
			current_regs(r, wall_ns, regs, &century);
			*val = idx < 10 ? regs[idx] : century;
			return;
		}
		switch (idx) {
		case RTC_REG_A:
			*val = r->ram[RTC_REG_A] & 0x7f;
			if (!(r->ram[RTC_REG_B] & REG_B_SET) &&
			    (wall_ns + r->offset_ns) % NS_PER_SEC >= NS_PER_SEC - UIP_NS) {
				*val |= REG_A_UIP;
			}
			return;
		case RTC_REG_C:
			*val = 0;		/* no interrupt flags: none are generated */
			return;
		default:
			*val = r->ram[idx];
			return;
		}
	}
	if (idx < 10 || idx == RTC_CENTURY) {
		bool set = r->ram[RTC_REG_B] & REG_B_SET;

		if (!set) {
			current_regs(r, wall_ns, r->set_time, &r->ram[RTC_CENTURY]);
		}
		if (idx < 10) {
			r->set_time[idx] = *val;
		} else {
			r->ram[RTC_CENTURY] = *val;
		}
		if (idx == 1 || idx == 3 || idx == 5) {
			r->ram[idx] = *val;
		}
		if (!set) {
			commit_time(r, wall_ns);
		}
		return;
	}
	switch (idx) {
	case RTC_REG_A:
		r->ram[RTC_REG_A] = *val & 0x7f;	/* UIP is read-only */
		return;
	case RTC_REG_B:
		/* SET on: the time freezes in the format being set; SET off: it runs from what was
		 * written, read in the format it was written in. */
		if (!(*val & REG_B_SET) && (r->ram[RTC_REG_B] & REG_B_SET)) {
			commit_time(r, wall_ns);
		}
		if ((*val & REG_B_SET) && !(r->ram[RTC_REG_B] & REG_B_SET)) {
			r->ram[RTC_REG_B] = *val;
			current_regs(r, wall_ns, r->set_time, &r->ram[RTC_CENTURY]);
		}
		r->ram[RTC_REG_B] = *val;
		return;
	case RTC_REG_C: case RTC_REG_D:
		return;				/* read-only */
	default:
		r->ram[idx] = *val;
		return;
	}
}
