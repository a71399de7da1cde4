/*
 * side: an HVM guest that runs beside other domains for a while and checks that it keeps its
 * state and its time while the scheduler switches the CPU away: xmm0-7 hold a pattern (from
 * "pattern=C") checked in a busy loop, its local APIC timer ticks every 10 ms (a line every 50
 * ticks), its TSC never goes backwards and the ticks never come faster than the ACPI PM timer
 * allows. It runs for "secs=N" seconds of ticks (default 2); "crash-after=N" triple-faults
 * after N ticks instead, for the test that a crash takes only this domain.
 */
#include "guest.h"

#include <public/sched.h>
#include <public/xen.h>

#define LAPIC 0xfee00000u
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_LVTT 0x320
#define APIC_TMICT 0x380
#define APIC_TDCR 0x3e0
#define TIMER_VECTOR 0x30
#define PM_TMR 0xb008
#define PM_HZ 3579545u

static unsigned int secs = 2, crash_after;
static uint8_t pattern = 'H';
static volatile unsigned int ticks;
static uint8_t buf[16 * 8] __attribute__((aligned(16)));
static uint8_t out[16 * 8] __attribute__((aligned(16)));

static unsigned int number_after(const char *cmdline, const char *key, unsigned int dflt)
{
	size_t n = strlen(key);
	const char *p;

	for (p = cmdline; *p; p++) {
		if (!memcmp(p, key, n)) {
			unsigned int v = 0;

			for (p += n; *p >= '0' && *p <= '9'; p++) {
				v = v * 10 + (unsigned int)(*p - '0');
			}
			return v;
		}
	}
	return dflt;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void timer_irq(struct trap_frame *f)
{
	ticks++;
	mmio_write32(LAPIC + APIC_EOI, 0);
}

#define LOAD(n) __asm__ __volatile__("movdqa %0, %%xmm" #n : : "m"(buf[16 * n]))
#define STORE(n) __asm__ __volatile__("movdqa %%xmm" #n ", %0" : "=m"(out[16 * n]))

static void load_all(void)
{
	LOAD(0); LOAD(1); LOAD(2); LOAD(3); LOAD(4); LOAD(5); LOAD(6); LOAD(7);
}

static void store_all(void)
{
	STORE(0); STORE(1); STORE(2); STORE(3); STORE(4); STORE(5); STORE(6); STORE(7);
}

static void triple_fault(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty = { 0, 0 };

	printk("about to triple-fault after %u ticks\n", ticks);
	__asm__ __volatile__("lidt %0; int3" : : "m"(empty));
	printk("guest panic: still alive after the triple fault\n");
}

#define BENCH_MAX 4096
static uint32_t samples[BENCH_MAX];

static uint32_t median(uint32_t *v, unsigned int n)
{
	unsigned int gap, i, j;

	for (gap = n / 2; gap; gap /= 2) {
		for (i = gap; i < n; i++) {
			uint32_t x = v[i];

			for (j = i; j >= gap && v[j - gap] > x; j -= gap) {
				v[j] = v[j - gap];
			}
			v[j] = x;
		}
	}
	return v[n / 2];
}

static void bench_yield(unsigned int n)
{
	unsigned int i;

	n = n > BENCH_MAX ? BENCH_MAX : n;
	for (i = 0; i < n; i++) {
		uint64_t t0 = rdtsc();

		hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
		samples[i] = (uint32_t)(rdtsc() - t0);
	}
	printk("BENCH sched_op yield: %u cycles (n=%u)\n", median(samples, n), n);
	/* The same call and exit without a switch: xen_version through VMMCALL. */
	for (i = 0; i < n; i++) {
		uint64_t t0 = rdtsc();

		hypercall(__HYPERVISOR_xen_version, 0, 0, 0);
		samples[i] = (uint32_t)(rdtsc() - t0);
	}
	printk("BENCH null hypercall: %u cycles (n=%u)\n", median(samples, n), n);
	shutdown(SHUTDOWN_poweroff);
}

void guest_setup(const char *cmdline)
{
	const char *p;
	uint32_t cr0, cr4;

	secs = number_after(cmdline, "secs=", 2);
	crash_after = number_after(cmdline, "crash-after=", 0);
	for (p = cmdline; *p; p++) {
		if (!memcmp(p, "pattern=", 8) && p[8]) {
			pattern = (uint8_t)p[8];
		}
	}
	if (number_after(cmdline, "yield=", 0)) {
		bench_yield(number_after(cmdline, "yield=", 0));
	}
	printk("HVM test guest \"side\": %u s, pattern %#x\n", secs, pattern);
	/* SSE on: CR4.OSFXSR and OSXMMEXCPT, CR0.EM and TS clear, MP set. */
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 | (1u << 9) | (1u << 10)));
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
	__asm__ __volatile__("mov %0, %%cr0" : : "r"((cr0 & ~((1u << 2) | (1u << 3))) | (1u << 1)));
}

GUEST_TEST(runs_beside_others)
{
	unsigned int i, checks = 0, bad = 0, backwards = 0, next_line = 50, goal = secs * 100;
	uint32_t pm_last = inl(PM_TMR) & 0xffffff;
	uint64_t pm_total = 0, tsc_last = rdtsc(), elapsed_ms;

	for (i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(pattern ^ i);
	}
	load_all();
	set_irq_handler(TIMER_VECTOR, timer_irq);
	mmio_write32(LAPIC + APIC_SVR, 0x1ff);
	mmio_write32(LAPIC + APIC_TDCR, 0xb);				/* divide by 1: 100 MHz */
	mmio_write32(LAPIC + APIC_LVTT, TIMER_VECTOR | (1u << 17));	/* periodic */
	mmio_write32(LAPIC + APIC_TMICT, 1000000);			/* 10 ms */
	__asm__ __volatile__("sti" ::: "memory");
	while (ticks < goal) {
		uint32_t pm = inl(PM_TMR) & 0xffffff;
		uint64_t tsc = rdtsc();

		store_all();
		if (memcmp(out, buf, sizeof(buf))) {
			bad++;
			load_all();
		}
		checks++;
		backwards += tsc < tsc_last;
		tsc_last = tsc;
		pm_total += (pm - pm_last) & 0xffffff;
		pm_last = pm;
		if (ticks >= next_line) {
			printk("tick %u\n", next_line);
			next_line += 50;
		}
		if (crash_after && ticks >= crash_after) {
			triple_fault();
			break;
		}
	}
	__asm__ __volatile__("cli" ::: "memory");
	mmio_write32(LAPIC + APIC_TMICT, 0);
	elapsed_ms = (uint32_t)pm_total / (PM_HZ / 1000);
	EXPECT(bad == 0);
	EXPECT(backwards == 0);
	/* A periodic timer never ticks early: ticks - 1 periods fit in the elapsed time. */
	EXPECT(elapsed_ms + 1 >= (uint64_t)(ticks - 1) * 10);
	test_note("%u ticks in %u ms, %u checks of xmm0-7, pattern %#x", ticks,
		  (unsigned int)elapsed_ms, checks, pattern);
}
