/*
 * The HPET as the reference clock for TSC calibration (IA-PC HPET specification 1.0a). Each
 * sample brackets one counter read between two TSC reads and keeps the tightest of several
 * tries, so a host that deschedules the (emulated) CPU mid-sample does not skew the result.
 */
#include <argon/console.h>
#include <argon/lib.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/page.h>

#define HPET_CAP 0x00		/* bits 63:32: counter period in femtoseconds */
#define HPET_CONFIG 0x10
#define HPET_ENABLE 1
#define HPET_COUNTER 0xf0
#define FS_PER_SEC 1000000000000000ULL

static volatile uint64_t *hpet;
static uint64_t hpet_hz;

bool hpet_init(paddr_t base)
{
	uint64_t period;

	hpet = ioremap(base, 0x400);
	if (!hpet) {
		return false;
	}
	period = hpet[HPET_CAP / 8] >> 32;
	/* The specification bounds the period to (0, 100 ns]. */
	if (period == 0 || period > 100000000ULL) {
		hpet = NULL;
		return false;
	}
	hpet_hz = FS_PER_SEC / period;
	hpet[HPET_CONFIG / 8] |= HPET_ENABLE;
	return true;
}

/* A (tsc, counter) pair read as close together as the machine allows. */
static void sample(uint64_t *tsc, uint64_t *count)
{
	uint64_t best = UINT64_MAX;
	int i;

	for (i = 0; i < 16; i++) {
		uint64_t a = rdtsc(), c = hpet[HPET_COUNTER / 8], b = rdtsc();

		if (b - a < best) {
			best = b - a;
			*tsc = a + (b - a) / 2;
			*count = c;
		}
	}
}

uint64_t hpet_calibrate_tsc(void)
{
	uint64_t t0 = 0, c0 = 0, t1 = 0, c1 = 0;

	if (!hpet) {
		return 0;
	}
	sample(&t0, &c0);
	/* 100 ms of HPET time. */
	while (hpet[HPET_COUNTER / 8] - c0 < hpet_hz / 10) {
		cpu_relax();
	}
	sample(&t1, &c1);
	if (c1 <= c0) {
		return 0;
	}
	return (t1 - t0) * hpet_hz / (c1 - c0);
}
