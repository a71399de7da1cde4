/*
 * The local APIC: x2APIC (MSR access) when the CPU offers it, xAPIC (uncached MMIO) otherwise.
 * Its timer, in one-shot mode, drives each CPU's timer queue.
 */
#include <argon/arch.h>
#include <argon/console.h>
#include <argon/time.h>
#include <argon/timer.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/traps.h>

uint64_t apic_timer_hz;
bool apic_x2apic_mode;
static volatile uint32_t *apic_mmio;
static struct time_scale ns_to_apic;

void apic_write(unsigned int reg, uint32_t v)
{
	if (apic_x2apic_mode) {
		wrmsr(0x800 + (reg >> 4), v);
	} else {
		apic_mmio[reg / 4] = v;
	}
}

uint32_t apic_read(unsigned int reg)
{
	return apic_x2apic_mode ? (uint32_t)rdmsr(0x800 + (reg >> 4)) : apic_mmio[reg / 4];
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

void apic_send_self(uint32_t low)
{
	if (apic_x2apic_mode) {
		/* x2APIC has one 64-bit ICR MSR (SDM vol. 3, 11.12.9). */
		wrmsr(0x830, low);
	} else {
		apic_write(APIC_ICR2, 0);
		apic_write(APIC_ICR, low);
		while (apic_read(APIC_ICR) & (1U << 12)) {
			cpu_relax();
		}
	}
}

struct timer_queue *arch_this_timer_queue(void)
{
	return &this_cpu()->timers;
}

void arch_timer_program(s_time_t deadline)
{
	s_time_t delta;
	uint64_t count;

	if (deadline == STIME_MAX) {
		apic_write(APIC_TIMER_INITIAL, 0);
		return;
	}
	delta = deadline - NOW();
	if (delta < 1000) {
		delta = 1000;	/* at least 1 us: an interrupt now, not a lost one */
	}
	count = time_scale_apply(&ns_to_apic, (uint64_t)delta);
	/* Too far for the 32-bit counter: fire early; the handler finds nothing due and re-arms. */
	if (count > UINT32_MAX) {
		count = UINT32_MAX;
	}
	apic_write(APIC_TIMER_INITIAL, count ? (uint32_t)count : 1);
}

static void timer_interrupt(struct cpu_regs *regs)
{
	struct timer_queue *q = arch_this_timer_queue();

	apic_eoi();
	arch_timer_program(timer_queue_run(q, NOW()));
}

static void error_interrupt(struct cpu_regs *regs)
{
	uint32_t esr;

	apic_write(APIC_ESR, 0);
	esr = apic_read(APIC_ESR);
	apic_eoi();
	log_warn("APIC error interrupt, ESR %#x\n", esr);
}

/* A (tsc, APIC count) pair read as close together as the machine allows (see hpet.c). */
static void timer_sample(uint64_t *tsc, uint32_t *count)
{
	uint64_t best = UINT64_MAX;
	int i;

	for (i = 0; i < 8; i++) {
		uint64_t a = rdtsc();
		uint32_t c = apic_read(APIC_TIMER_CURRENT);
		uint64_t b = rdtsc();

		if (b - a < best) {
			best = b - a;
			*tsc = a + (b - a) / 2;
			*count = c;
		}
	}
}

static void calibrate_timer(void)
{
	uint64_t t0 = 0, t1 = 0;
	uint32_t c0 = 0, c1 = 0;

	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_VECTOR);
	apic_write(APIC_TIMER_INITIAL, UINT32_MAX);
	timer_sample(&t0, &c0);
	/* 20 ms of TSC time. */
	while (rdtsc() - t0 < tsc_hz / 50) {
		cpu_relax();
	}
	timer_sample(&t1, &c1);
	apic_write(APIC_TIMER_INITIAL, 0);
	apic_timer_hz = c0 > c1 ? (uint64_t)(c0 - c1) * tsc_hz / (t1 - t0) : 0;
	if (!apic_timer_hz || time_scale_set(&ns_to_apic, NSEC_PER_SEC, apic_timer_hz)) {
		panic("APIC: the timer does not count at a usable rate");
	}
}

void apic_init_timer_oneshot(void)
{
	apic_write(APIC_TIMER_INITIAL, 0);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_ONESHOT | APIC_TIMER_VECTOR);
	set_irq_handler(APIC_TIMER_VECTOR, timer_interrupt);
}

void apic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	pic_disable();
	if (boot_cpu.x2apic) {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_EXTD);
		apic_x2apic_mode = true;
	} else {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
		apic_mmio = ioremap(base & ~0xfffULL & ((1ULL << 52) - 1), PAGE_SIZE);
		if (!apic_mmio) {
			panic("APIC: cannot map the local APIC registers");
		}
	}
	this_cpu()->apic_id = apic_x2apic_mode ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
	apic_write(APIC_TPR, 0);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
	apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	apic_write(APIC_LVT_ERROR, APIC_ERROR_VECTOR);
	apic_write(APIC_ESR, 0);
	set_irq_handler(APIC_ERROR_VECTOR, error_interrupt);

	calibrate_timer();
	apic_init_timer_oneshot();
	log_info("APIC: %s mode, ID %u, timer %llu.%03llu MHz\n", apic_x2apic_mode ? "x2APIC" : "xAPIC",
		 this_cpu()->apic_id, (unsigned long long)(apic_timer_hz / 1000000),
		 (unsigned long long)(apic_timer_hz / 1000 % 1000));
}
