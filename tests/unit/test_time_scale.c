/*
 * Fixed-point time scales (hypervisor/common/time/scale.c): TSC ticks to ns and ns to APIC timer
 * ticks over the whole range of real frequencies, checked against exact 128-bit arithmetic.
 */
#include "unit.h"
#include <argon/time.h>

typedef unsigned __int128 u128;

/* floor(ticks * to / from), exactly. */
static uint64_t exact(uint64_t ticks, uint64_t from, uint64_t to)
{
	return (uint64_t)((u128)ticks * to / from);
}

/*
 * The conversion may only round down, and by no more than the scale's precision allows: the
 * 31-32 significant bits of mul_frac (relative 2^-30 leaves room for the final floor), plus the
 * ticks a right shift drops, each worth to/from output units.
 */
static void check_conversion(const struct time_scale *ts, uint64_t ticks, uint64_t from,
			     uint64_t to)
{
	uint64_t want = exact(ticks, from, to), got = time_scale_apply(ts, ticks);
	u128 slack = want / (1u << 30) + 1;

	if (ts->shift < 0) {
		slack += ((u128)to << -ts->shift) / from + 1;
	}
	if (got > want || want - got > slack) {
		fail_msg("%llu ticks at %llu Hz -> %llu Hz: got %llu, exact %llu "
			 "(shift %d, mul %u)",
			 (unsigned long long)ticks, (unsigned long long)from,
			 (unsigned long long)to, (unsigned long long)got,
			 (unsigned long long)want, ts->shift, ts->mul_frac);
	}
}

static void set_ok(struct time_scale *ts, uint64_t from, uint64_t to)
{
	int rc = time_scale_set(ts, from, to);

	if (rc) {
		fail_msg("time_scale_set(%llu, %llu) returned %d", (unsigned long long)from,
			 (unsigned long long)to, rc);
	}
	assert_true(ts->mul_frac >= (1u << 31));
}

static const uint64_t tsc_hz[] = {
	1000000ULL,	 1193182ULL,	3579545ULL,    10000000ULL,   14318180ULL,
	19200000ULL,	 24000000ULL,	25000000ULL,   100000000ULL,  999999999ULL,
	1000000000ULL,	 1000000001ULL, 1500000000ULL, 2099999999ULL, 2400000000ULL,
	2899999000ULL,	 3000000000ULL, 3600000000ULL, 4194304000ULL, 4200000000ULL,
	5000000000ULL,	 7777777777ULL, 9999999999ULL, 10000000000ULL,
};

/* TSC ticks to ns: one tick, a second, an hour, a year of uptime. */
static void test_tsc_to_ns(void **state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tsc_hz); i++) {
		uint64_t f = tsc_hz[i];
		struct time_scale ts;
		uint64_t ticks;

		set_ok(&ts, f, NSEC_PER_SEC);
		check_conversion(&ts, 0, f, NSEC_PER_SEC);
		check_conversion(&ts, f, f, NSEC_PER_SEC);
		check_conversion(&ts, f * 3600, f, NSEC_PER_SEC);
		check_conversion(&ts, f * 3600 * 24 * 365, f, NSEC_PER_SEC);
		for (ticks = 1; ticks < (1ULL << 50); ticks = ticks * 3 + 1) {
			check_conversion(&ts, ticks, f, NSEC_PER_SEC);
		}
		/* A second of ticks is a second, within a nanosecond or two. */
		assert_true(time_scale_apply(&ts, f) >= NSEC_PER_SEC - 2);
		assert_true(time_scale_apply(&ts, f) <= NSEC_PER_SEC);
	}
}

/* ns to APIC timer ticks for the bus clocks seen in practice. */
static void test_ns_to_apic(void **state)
{
	static const uint64_t apic_hz[] = {
		1000000000ULL, 200000000ULL, 133333333ULL, 100000000ULL, 66666666ULL,
		25000000ULL,   24000000ULL,	19200000ULL,	1000000ULL,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(apic_hz); i++) {
		struct time_scale ts;
		uint64_t ns;

		set_ok(&ts, NSEC_PER_SEC, apic_hz[i]);
		for (ns = 1; ns < (1ULL << 50); ns = ns * 5 + 3) {
			check_conversion(&ts, ns, NSEC_PER_SEC, apic_hz[i]);
		}
		/* A 1 ms timer period in ticks. */
		check_conversion(&ts, 1000000, NSEC_PER_SEC, apic_hz[i]);
		assert_true(time_scale_apply(&ts, NSEC_PER_SEC) <= apic_hz[i]);
		assert_true(time_scale_apply(&ts, NSEC_PER_SEC) >= apic_hz[i] - 1);
	}
}

/* Equal frequencies convert exactly. */
static void test_identity(void **state)
{
	struct time_scale ts;
	uint64_t t;

	set_ok(&ts, 12345678, 12345678);
	for (t = 0; t < (1ULL << 60); t = t * 7 + 1) {
		assert_int_equal(time_scale_apply(&ts, t), t);
	}
}

static void test_zero_frequency(void **state)
{
	struct time_scale ts = { 5, 0x87654321u };

	assert_int_equal(time_scale_set(&ts, 0, NSEC_PER_SEC), -EINVAL);
	assert_int_equal(time_scale_set(&ts, NSEC_PER_SEC, 0), -EINVAL);
	assert_int_equal(time_scale_set(&ts, 0, 0), -EINVAL);
	/* Left untouched. */
	assert_int_equal(ts.shift, 5);
	assert_int_equal(ts.mul_frac, 0x87654321u);
}

/* The extremes: ratios just representable and just not. */
static void test_extreme_ratios(void **state)
{
	struct time_scale ts;

	set_ok(&ts, UINT64_MAX, 1);		/* shift -63 */
	assert_int_equal(ts.shift, -63);
	assert_int_equal(time_scale_apply(&ts, UINT64_MAX), 0);
	set_ok(&ts, 1, 1ULL << 31);		/* shift 32 */
	assert_int_equal(time_scale_apply(&ts, 3), 3ULL << 31);
	set_ok(&ts, 1, 1ULL << 62);		/* shift 63 */
	assert_int_equal(ts.shift, 63);
	assert_int_equal(time_scale_set(&ts, 1, 1ULL << 63), -ERANGE);
	assert_int_equal(time_scale_set(&ts, 1, UINT64_MAX), -ERANGE);
}

/* Random frequency pairs over 1 Hz .. 2^40 Hz each. */
static void test_random_pairs(void **state)
{
	uint64_t seed = 777;
	unsigned int i;

	for (i = 0; i < 20000; i++) {
		uint64_t from = 1 + test_rand_below(&seed, 2ULL << test_rand_below(&seed, 40));
		uint64_t to = 1 + test_rand_below(&seed, 2ULL << test_rand_below(&seed, 40));
		uint64_t ticks;
		struct time_scale ts;

		set_ok(&ts, from, to);
		/* Keep ticks << shift and the result inside 64 bits. */
		ticks = test_rand(&seed) >> (ts.shift > 0 ? ts.shift + 1 : 1);
		if ((u128)ticks * to / from >= (1ULL << 63)) {
			ticks = from;
		}
		check_conversion(&ts, ticks, from, to);
		check_conversion(&ts, from, from, to);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tsc_to_ns),
		cmocka_unit_test(test_ns_to_apic),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_zero_frequency),
		cmocka_unit_test(test_extreme_ratios),
		cmocka_unit_test(test_random_pairs),
	};

	return cmocka_run_group_tests_name("time_scale", tests, NULL, NULL);
}
