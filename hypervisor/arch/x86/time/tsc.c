/* System time from the TSC. */
#include <argon/arch.h>
#include <argon/console.h>
#include <argon/time.h>
#include <asm/apic.h>
#include <asm/cpu.h>

uint64_t tsc_hz;
static uint64_t boot_tsc;
static struct time_scale tsc_scale;
static bool time_running;

s_time_t NOW(void)
{
	return (s_time_t)time_scale_apply(&tsc_scale, rdtsc() - boot_tsc);
}

s_time_t arch_now(void)
{
	return time_running ? NOW() : 0;
}

void time_init(paddr_t hpet_base)
{
	uint64_t best = 0;
	const char *source = "HPET";
	int i;

	if (hpet_base && hpet_init(hpet_base)) {
		best = hpet_calibrate_tsc();
	}
	if (!best) {
		/* Three PIT measurements; the median discards a run disturbed by the host. */
		uint64_t m[3];

		source = "PIT";
		for (i = 0; i < 3; i++) {
			m[i] = pit_calibrate_tsc();
		}
		best = m[0] > m[1] ? (m[1] > m[2] ? m[1] : (m[0] > m[2] ? m[2] : m[0]))
				   : (m[0] > m[2] ? m[0] : (m[1] > m[2] ? m[2] : m[1]));
	}
	if (!best) {
		panic("time: neither the HPET nor the PIT counts; cannot calibrate the TSC");
	}
	tsc_hz = best;
	if (time_scale_set(&tsc_scale, tsc_hz, NSEC_PER_SEC)) {
		panic("time: TSC frequency %llu Hz out of range", (unsigned long long)tsc_hz);
	}
	/* System time counts from reset, when the TSC started at 0, so boot latency is visible. */
	boot_tsc = 0;
	time_running = true;
	log_info("TSC: %llu.%03llu MHz (calibrated against the %s)%s\n",
		 (unsigned long long)(tsc_hz / 1000000), (unsigned long long)(tsc_hz / 1000 % 1000),
		 source, boot_cpu.invtsc ? ", invariant" : "");
}

void arch_time_sample(uint64_t *tsc, s_time_t *now, int8_t *shift, uint32_t *mul_frac)
{
	uint64_t t = rdtsc();

	*tsc = t;
	*now = (s_time_t)time_scale_apply(&tsc_scale, t - boot_tsc);
	*shift = tsc_scale.shift;
	*mul_frac = tsc_scale.mul_frac;
}
