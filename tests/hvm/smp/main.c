/*
 * SMP HVM test guest: the BSP starts the application processors with INIT-SIPI-SIPI through its
 * local APIC's ICR, then checks what each vCPU sees of its own local APIC (ID, CPUID initial APIC
 * ID, its own timer) and exchanges fixed IPIs by physical and logical destination and with each
 * shorthand. The number of vCPUs comes from the command line ("cpus=N", 2-8; the domain must
 * have exactly that many, so a SIPI to APIC ID N starts nothing).
 */
#include "guest.h"

#define LAPIC 0xfee00000u
#define APIC_ID 0x20
#define APIC_EOI 0xb0
#define APIC_LDR 0xd0
#define APIC_DFR 0xe0
#define APIC_SVR 0xf0
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVTT 0x320
#define APIC_TMICT 0x380
#define APIC_TDCR 0x3e0
#define IPI_VECTOR 0x31
#define TIMER_VECTOR 0x32
#define REPLY_VECTOR 0x38	/* + the AP's APIC ID */
#define MAX_CPUS 8
#define TRAMPOLINE 0x7000u

#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_LOGICAL (1u << 11)
#define ICR_ASSERT (1u << 14)
#define ICR_LEVEL (1u << 15)
#define ICR_SELF (1u << 18)
#define ICR_ALL (2u << 18)
#define ICR_ALL_BUT_SELF (3u << 18)

extern char ap_trampoline[], ap_trampoline_end[];
uint32_t ap_stack_top;
static uint8_t ap_stacks[MAX_CPUS][4096] __attribute__((aligned(16)));

static unsigned int nr_cpus = 2;
static volatile unsigned int started[MAX_CPUS];	/* index: APIC ID */
static volatile uint32_t cpuid_apic_id[MAX_CPUS];
static volatile unsigned int ipis[MAX_CPUS];
static volatile unsigned int ticks[MAX_CPUS];
static volatile unsigned int replies[MAX_CPUS];	/* BSP: reply IPIs by sender */
static volatile uint32_t tmict_seen[MAX_CPUS];
static volatile unsigned int command, done[MAX_CPUS];
enum { CMD_NONE, CMD_REPLY_IPI, CMD_TIMER };

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static unsigned int my_id(void)
{
	return mmio_read32(LAPIC + APIC_ID) >> 24;
}

static void ipi_irq(struct trap_frame *f)
{
	ipis[my_id()]++;
	mmio_write32(LAPIC + APIC_EOI, 0);
}

static void reply_irq(struct trap_frame *f)
{
	replies[f->vector - REPLY_VECTOR]++;
	mmio_write32(LAPIC + APIC_EOI, 0);
}

static void timer_irq(struct trap_frame *f)
{
	ticks[my_id()]++;
	mmio_write32(LAPIC + APIC_EOI, 0);
}

static void send_ipi(uint32_t icr, unsigned int dest)
{
	mmio_write32(LAPIC + APIC_ICR2, dest << 24);
	mmio_write32(LAPIC + APIC_ICR, icr);
}

/* Wait (spinning: the other vCPUs get the CPU when the slice ends) until @cond or ~5 s pass. */
#define WAIT_FOR(cond)                                                              \
	({                                                                          \
		uint64_t _t0 = rdtsc();                                            \
		while (!(cond) && rdtsc() - _t0 < 10000000000ULL) {                \
			__asm__ __volatile__("pause" ::: "memory");                \
		}                                                                   \
		(cond);                                                             \
	})

static void apic_on(unsigned int id)
{
	mmio_write32(LAPIC + APIC_SVR, 0x1ff);
	mmio_write32(LAPIC + APIC_DFR, 0xffffffff);	/* flat model */
	mmio_write32(LAPIC + APIC_LDR, 1u << (24 + id));
}

/* A timer of (id + 1) ms on vCPU @id, until it has ticked 10 times. */
static void run_timer(unsigned int id)
{
	mmio_write32(LAPIC + APIC_TDCR, 0xb);		/* divide by 1: 100 MHz */
	mmio_write32(LAPIC + APIC_LVTT, TIMER_VECTOR | (1u << 17));
	mmio_write32(LAPIC + APIC_TMICT, 100000 * (id + 1));
	tmict_seen[id] = mmio_read32(LAPIC + APIC_TMICT);
	while (ticks[id] < 10) {
		__asm__ __volatile__("sti; hlt; cli" ::: "memory");
	}
	mmio_write32(LAPIC + APIC_TMICT, 0);
}

void ap_main(void);
void ap_main(void)
{
	unsigned int id = my_id(), seen = CMD_NONE;

	cpuid_apic_id[id] = cpuid(1).b >> 24;
	apic_on(id);
	started[id] = 1;
	for (;;) {
		/* Woken by IPIs; a command is announced by one. */
		__asm__ __volatile__("sti; hlt; cli" ::: "memory");
		if (command == seen) {
			continue;
		}
		seen = command;
		if (seen == CMD_REPLY_IPI) {
			send_ipi(REPLY_VECTOR + id, 0);	/* to the BSP, physical */
		} else if (seen == CMD_TIMER) {
			run_timer(id);
		}
		done[id] = seen;
	}
}

/* Before the tests (which run in no fixed order): INIT-SIPI-SIPI to each AP in turn. */
static void start_aps(void)
{
	unsigned int i, n = (unsigned int)(ap_trampoline_end - ap_trampoline);

	for (i = 0; i < n; i++) {
		((volatile char *)TRAMPOLINE)[i] = ap_trampoline[i];
	}
	for (i = 1; i < nr_cpus; i++) {
		ap_stack_top = (uint32_t)&ap_stacks[i][sizeof(ap_stacks[i])];
		send_ipi(ICR_INIT | ICR_ASSERT | ICR_LEVEL, i);
		send_ipi(ICR_INIT | ICR_LEVEL, i);		/* de-assert: no effect */
		send_ipi(ICR_STARTUP | (TRAMPOLINE >> 12), i);
		send_ipi(ICR_STARTUP | (TRAMPOLINE >> 12), i);	/* the second is ignored */
		if (!WAIT_FOR(started[i])) {
			printk("AP %u did not start\n", i);
		}
	}
	ap_stack_top = (uint32_t)&ap_stacks[0][sizeof(ap_stacks[0])];
	send_ipi(ICR_INIT | ICR_ASSERT | ICR_LEVEL, nr_cpus);
	send_ipi(ICR_STARTUP | (TRAMPOLINE >> 12), nr_cpus);
	for (i = 0; i < 1000000; i++) {
		__asm__ __volatile__("pause");
	}
}

void guest_setup(const char *cmdline)
{
	const char *p;
	unsigned int i;

	for (p = cmdline; *p; p++) {
		if (!memcmp(p, "cpus=", 5) && p[5] >= '2' && p[5] <= '8') {
			nr_cpus = (unsigned int)(p[5] - '0');
		}
	}
	printk("HVM test guest \"smp\": %u vCPUs\n", nr_cpus);
	set_irq_handler(IPI_VECTOR, ipi_irq);
	set_irq_handler(TIMER_VECTOR, timer_irq);
	for (i = 0; i < MAX_CPUS; i++) {
		set_irq_handler(REPLY_VECTOR + i, reply_irq);
	}
	apic_on(0);
	start_aps();
}

GUEST_TEST(init_sipi_starts_aps)
{
	unsigned int i;

	for (i = 1; i < nr_cpus; i++) {
		EXPECT(started[i]);
	}
	/* A SIPI to an APIC ID nobody has starts nothing. */
	for (i = nr_cpus; i < MAX_CPUS; i++) {
		EXPECT_EQ(started[i], 0);
	}
	test_note("%u APs started", nr_cpus - 1);
}

GUEST_TEST(apic_ids_per_vcpu)
{
	unsigned int i;

	EXPECT_EQ(cpuid(1).b >> 24, 0);
	for (i = 1; i < nr_cpus; i++) {
		EXPECT(started[i]);
		EXPECT_EQ(cpuid_apic_id[i], i);
	}
}

GUEST_TEST(fixed_ipi_physical)
{
	unsigned int i;

	for (i = 1; i < nr_cpus; i++) {
		unsigned int before = ipis[i];

		send_ipi(IPI_VECTOR, i);
		EXPECT(WAIT_FOR(ipis[i] == before + 1));
	}
	/* Each AP answers with an IPI of its own vector (one vector's requests merge) to APIC ID 0. */
	ipis[0] = 0;
	command = CMD_REPLY_IPI;
	send_ipi(IPI_VECTOR | ICR_ALL_BUT_SELF, 0);
	__asm__ __volatile__("sti" ::: "memory");
	for (i = 1; i < nr_cpus; i++) {
		EXPECT(WAIT_FOR(replies[i] == 1));
		EXPECT(WAIT_FOR(done[i] == CMD_REPLY_IPI));
	}
	__asm__ __volatile__("cli" ::: "memory");
	EXPECT_EQ(ipis[0], 0);
	command = CMD_NONE;
}

GUEST_TEST(fixed_ipi_logical)
{
	unsigned int i, before[MAX_CPUS];

	for (i = 0; i < nr_cpus; i++) {
		before[i] = ipis[i];
	}
	/* Flat logical destination: every AP but the last (and not the BSP). */
	send_ipi(IPI_VECTOR | ICR_LOGICAL, ((1u << (nr_cpus - 1)) - 1) & ~1u);
	for (i = 1; i + 1 < nr_cpus; i++) {
		EXPECT(WAIT_FOR(ipis[i] == before[i] + 1));
	}
	for (i = 0; i < 1000000; i++) {
		__asm__ __volatile__("pause");
	}
	EXPECT_EQ(ipis[nr_cpus - 1], before[nr_cpus - 1]);
	EXPECT_EQ(ipis[0], before[0]);
}

GUEST_TEST(ipi_shorthands)
{
	unsigned int i, before[MAX_CPUS];

	for (i = 0; i < nr_cpus; i++) {
		before[i] = ipis[i];
	}
	__asm__ __volatile__("sti" ::: "memory");
	send_ipi(IPI_VECTOR | ICR_SELF, 0x55);		/* the destination field is ignored */
	EXPECT(WAIT_FOR(ipis[0] == before[0] + 1));
	for (i = 1; i < nr_cpus; i++) {
		EXPECT_EQ(ipis[i], before[i]);
	}
	send_ipi(IPI_VECTOR | ICR_ALL, 0);
	for (i = 0; i < nr_cpus; i++) {
		EXPECT(WAIT_FOR(ipis[i] == before[i] + 1 + (i == 0)));
	}
	send_ipi(IPI_VECTOR | ICR_ALL_BUT_SELF, 0);
	for (i = 1; i < nr_cpus; i++) {
		EXPECT(WAIT_FOR(ipis[i] == before[i] + 2));
	}
	__asm__ __volatile__("cli" ::: "memory");
	EXPECT_EQ(ipis[0], before[0] + 2);
}

GUEST_TEST(apic_timer_per_vcpu)
{
	unsigned int i;

	command = CMD_TIMER;
	send_ipi(IPI_VECTOR | ICR_ALL_BUT_SELF, 0);
	run_timer(0);
	for (i = 1; i < nr_cpus; i++) {
		EXPECT(WAIT_FOR(done[i] == CMD_TIMER));
	}
	for (i = 0; i < nr_cpus; i++) {
		EXPECT_EQ(tmict_seen[i], 100000 * (i + 1));
		EXPECT(ticks[i] >= 10);
	}
	test_note("%u vCPUs, 10 ticks each", nr_cpus);
}
