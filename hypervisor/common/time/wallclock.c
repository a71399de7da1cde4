/* Calendar arithmetic for the wallclock (proleptic Gregorian, UTC, no leap seconds). */
#include <argon/vtime.h>

int64_t boot_wallclock_ns;

static bool leap(unsigned int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int64_t calendar_to_epoch(unsigned int year, unsigned int mon, unsigned int day, unsigned int hour,
			  unsigned int min, unsigned int sec)
{
	static const unsigned short before_month[12] = { 0,   31,  59,  90,  120, 151,
							 181, 212, 243, 273, 304, 334 };
	static const unsigned char month_days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t days;
	unsigned int y;

	if (year < 1970 || year > 9999 || mon < 1 || mon > 12 || day < 1 || hour > 23 || min > 59 ||
	    sec > 59) {
		return -1;
	}
	if (day > (unsigned int)month_days[mon - 1] + (mon == 2 && leap(year))) {
		return -1;
	}
	days = (int64_t)(year - 1970) * 365;
	/* Leap days in the years before @year: those divisible by 4, minus centuries, plus 400s. */
	for (y = 1970; y < year; y++) {
		days += leap(y);
	}
	days += before_month[mon - 1] + (mon > 2 && leap(year)) + (day - 1);
	return ((days * 24 + hour) * 60 + min) * 60 + sec;
}
