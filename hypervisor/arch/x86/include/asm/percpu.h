/* Per-CPU data, reached through the GS base. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <argon/timer.h>
#include <argon/types.h>
#include <asm/layout.h>

#define NR_CPUS 64
#define NR_TIMERS_PER_CPU 256

/** The 64-bit task-state segment (SDM vol. 3, section 8.7). */
struct tss64 {
	uint32_t rsvd0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t rsvd1;
	uint64_t ist[7];
	uint64_t rsvd2;
	uint16_t rsvd3;
	uint16_t iomap_base;
} __attribute__((__packed__));

/* IST slots (1-based, as the IDT encodes them). */
#define IST_NMI 1
#define IST_DF 2
#define IST_MC 3
#define NR_IST_STACKS 3

/** Everything one physical CPU owns. The first field must stay first: this_cpu() reads it. */
struct percpu {
	struct percpu *self;
	unsigned int cpu_id;
	uint32_t apic_id;
	uint64_t stack_bottom, stack_top;	/* the CPU's main hypervisor stack */
	struct tss64 tss __attribute__((__aligned__(16)));
	struct timer_queue timers;
	struct timer *timer_heap[NR_TIMERS_PER_CPU];
	uint64_t nmi_count;
	/* The GDT page at selector 0xe000 that holds Argon's descriptors. */
	uint64_t gdt_page[512] __attribute__((__aligned__(4096)));
	uint8_t ist_stacks[NR_IST_STACKS][IST_STACK_SIZE] __attribute__((__aligned__(4096)));
};

extern struct percpu percpu_areas[NR_CPUS];

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/** Set up CPU @cpu's per-CPU area, GDT, TSS and GS base on the running CPU. */
void percpu_init(unsigned int cpu, uint64_t stack_bottom, uint64_t stack_top);

/** Load the shared IDT on the running CPU (built on first call). */
void idt_init(void);

#endif
