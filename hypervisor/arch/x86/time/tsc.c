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

void time_init(void)
{
	uint64_t best = 0;
	int i;

	/* Three measurements; the middle one discards a run disturbed by the host. */
	uint64_t m[3];

	for (i = 0; i < 3; i++) {
		m[i] = pit_calibrate_tsc();
	}
	best = m[0] > m[1] ? (m[1] > m[2] ? m[1] : (m[0] > m[2] ? m[2] : m[0]))
			   : (m[0] > m[2] ? m[0] : (m[1] > m[2] ? m[2] : m[1]));
	if (!best) {
		panic("time: the PIT does not count; cannot calibrate the TSC");
	}
	tsc_hz = best;
	if (time_scale_set(&tsc_scale, tsc_hz, NSEC_PER_SEC)) {
		panic("time: TSC frequency %llu Hz out of range", (unsigned long long)tsc_hz);
	}
	/* System time counts from reset, when the TSC started at 0, so boot latency is visible. */
	boot_tsc = 0;
	time_running = true;
	log_info("TSC: %llu.%03llu MHz (calibrated against the PIT)%s\n",
		 (unsigned long long)(tsc_hz / 1000000), (unsigned long long)(tsc_hz / 1000 % 1000),
		 boot_cpu.invtsc ? ", invariant" : "");
}
