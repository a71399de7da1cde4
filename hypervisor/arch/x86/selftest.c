/*
 * x86 self-tests: each fault test provokes one exception in hypervisor context, which must end in
 * a full register dump and a panic; the others check the NMI path and the APIC timer's rate.
 */
#include <argon/arch.h>
#include <argon/console.h>
#include <argon/selftest.h>
#include <argon/time.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <asm/traps.h>

static void __attribute__((noinline)) selftest_pf(void)
{
	/* An address in the hypervisor window that nothing maps. */
	volatile uint64_t *p = (volatile uint64_t *)(LINEAR_PT_VIRT_START + 0x1230);

	*p = 0xdead;
}
SELFTEST("pf", "write to an unmapped hypervisor address: #PF, dump, panic", selftest_pf);

static void __attribute__((noinline)) selftest_ud(void)
{
	__asm__ __volatile__("ud2");
}
SELFTEST("ud", "execute ud2: #UD, dump, panic", selftest_ud);

static void __attribute__((noinline)) selftest_de(void)
{
	__asm__ __volatile__("xor %%ecx, %%ecx; div %%ecx" : : "a"(1), "d"(0) : "rcx");
}
SELFTEST("de", "divide by zero: #DE, dump, panic", selftest_de);

static void __attribute__((noinline)) selftest_gp(void)
{
	/* A non-canonical address faults with #GP, not #PF. */
	volatile uint64_t *p = (volatile uint64_t *)0x8000000000000000ULL;

	(void)*p;
}
SELFTEST("gp", "read a non-canonical address: #GP, dump, panic", selftest_gp);

static void __attribute__((noinline)) selftest_wx(void)
{
	/* Text is mapped read-only (W^X): writing to it must fault. */
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)selftest_wx;

	*p = 0xc3;
}
SELFTEST("wx", "write to hypervisor text: #PF (protection), dump, panic", selftest_wx);

static uint8_t data_ret[16] = { 0xc3 };

static void __attribute__((noinline)) selftest_nx(void)
{
	/* Data is mapped no-execute: jumping into it must fault on the instruction fetch. */
	void (*fn)(void) = (void (*)(void))(uintptr_t)data_ret;

	fn();
}
SELFTEST("nx", "execute hypervisor data: #PF (instruction fetch), dump, panic", selftest_nx);

static volatile unsigned int recurse_limit = ~0U;

static unsigned int __attribute__((noinline)) recurse(unsigned int n)
{
	volatile uint8_t pad[512];

	pad[0] = (uint8_t)n;
	if (n == recurse_limit) {
		return 0;
	}
	return recurse(n + 1) + pad[0];
}

static void __attribute__((noinline)) selftest_df(void)
{
	/*
	 * Overflow the stack into its unmapped guard page: the #PF cannot be delivered on the dead
	 * stack, so the CPU raises #DF, which runs on its own IST stack.
	 */
	recurse(0);
}
SELFTEST("df", "stack overflow into the guard page: #DF on the IST stack, dump, panic", selftest_df);

static volatile uint64_t nmi_seen_rsp;

static void nmi_hook(struct cpu_regs *regs)
{
	uint64_t here = (uint64_t)__builtin_frame_address(0);

	nmi_seen_rsp = here;
}

static void selftest_nmi(void)
{
	struct percpu *pc = this_cpu();
	uint64_t before = pc->nmi_count, ist = ist_stack_base(pc->stack_block, IST_NMI);
	s_time_t until = NOW() + MILLISECS(100);

	set_nmi_hook(nmi_hook);
	apic_send_self(APIC_DM_NMI | APIC_DEST_SELF);
	while (pc->nmi_count == before && NOW() < until) {
		cpu_relax();
	}
	set_nmi_hook(NULL);
	selftest_result("nmi", pc->nmi_count == before + 1, "%llu NMI(s) handled",
			(unsigned long long)(pc->nmi_count - before));
	selftest_result("nmi", nmi_seen_rsp >= ist && nmi_seen_rsp < ist + IST_STACK_SIZE,
			"handler ran on the NMI IST stack (frame at %#llx)",
			(unsigned long long)nmi_seen_rsp);
}
SELFTEST("nmi", "self-NMI through the APIC is handled on its IST stack and returns", selftest_nmi);

#define MAX_TICKS 256
static volatile unsigned int apic_ticks;
static uint64_t tick_tsc[MAX_TICKS];

static void count_tick(struct cpu_regs *regs)
{
	if (apic_ticks < MAX_TICKS) {
		tick_tsc[apic_ticks] = rdtsc();
	}
	apic_ticks++;
	apic_eoi();
}

/* Median of the intervals between recorded ticks, in TSC cycles (sorts @n - 1 intervals). */
static uint64_t median_interval(unsigned int n)
{
	static uint64_t d[MAX_TICKS];
	unsigned int i, j, m = n - 1;

	for (i = 0; i < m; i++) {
		d[i] = tick_tsc[i + 1] - tick_tsc[i];
	}
	for (i = 1; i < m; i++) {
		uint64_t x = d[i];

		for (j = i; j > 0 && d[j - 1] > x; j--) {
			d[j] = d[j - 1];
		}
		d[j] = x;
	}
	return d[m / 2];
}

static void selftest_apic(void)
{
	/*
	 * 50 Hz for 2 s. The median interval between ticks measures the rate: a TCG vCPU stalled by
	 * a loaded host merges ticks (one long interval), which must not pass for a slow timer.
	 */
	const unsigned int hz = 50, seconds = 2, expect = hz * seconds;
	uint64_t t0, t1, elapsed_us, median_us;
	unsigned int n;

	/* Take the timer vector over: the APIC timer in periodic mode, counted against the TSC. */
	set_irq_handler(APIC_TIMER_VECTOR, count_tick);
	apic_ticks = 0;
	apic_write(APIC_LVT_TIMER, APIC_TIMER_PERIODIC | APIC_TIMER_VECTOR);
	apic_write(APIC_TIMER_INITIAL, (uint32_t)(apic_timer_hz / hz));
	t0 = rdtsc();
	local_irq_enable();
	while (rdtsc() - t0 < tsc_hz * seconds) {
		cpu_relax();
	}
	local_irq_disable();
	n = apic_ticks;
	t1 = rdtsc();
	apic_write(APIC_TIMER_INITIAL, 0);
	apic_init_timer_oneshot();
	elapsed_us = (t1 - t0) * 1000000 / tsc_hz;
	median_us = n >= 3 ? median_interval(MIN(n, MAX_TICKS)) * 1000000 / tsc_hz : 0;
	log_info("selftest: apic: %u ticks in %llu us of TSC time, median interval %llu us\n", n,
		 (unsigned long long)elapsed_us, (unsigned long long)median_us);
	selftest_result("apic",
			median_us >= 1000000 / hz * 95 / 100 && median_us <= 1000000 / hz * 105 / 100 &&
				n >= expect * 8 / 10 && n <= expect + expect / 20,
			"APIC timer periodic at %u Hz: median interval %llu us (expected %u +-5%%), "
			"%u ticks in %u s", hz, (unsigned long long)median_us, 1000000 / hz, n, seconds);
	local_irq_enable();
}
SELFTEST("apic", "APIC timer in periodic mode ticks at the calibrated rate", selftest_apic);

static void selftest_triple(void)
{
	/* With an empty IDT no exception can be delivered: the CPU shuts down (a triple fault). */
	static const struct __attribute__((__packed__)) {
		uint16_t limit;
		uint64_t base;
	} no_idt = { 0, 0 };

	__asm__ __volatile__("lidt %0; int3" : : "m"(no_idt));
}
SELFTEST("triple", "triple fault: the machine resets (the harness sees no status)", selftest_triple);
