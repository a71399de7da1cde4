/* Per-CPU data, reached through the GS base. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <argon/timer.h>
#include <argon/types.h>
#include <asm/layout.h>

struct vcpu;

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

/** The top of each stack block: how code on any of a CPU's stacks finds that CPU. */
struct cpu_info {
	struct percpu *percpu;
	uint64_t stack_top;	/* the main stack's initial pointer (TSS.rsp0) */
	uint64_t scratch;	/* the syscall entry parks the guest stack pointer here */
	uint64_t pad;
};

/** Everything one physical CPU owns. */
struct percpu {
	unsigned int cpu_id;
	uint32_t apic_id;
	uint64_t stack_block;	/* the CPU's STACK_BLOCK_SIZE-aligned stack block */
	struct cpu_info *info;
	struct tss64 tss __attribute__((__aligned__(16)));
	struct timer_queue timers;
	struct timer *timer_heap[NR_TIMERS_PER_CPU];
	uint64_t nmi_count;
	struct vcpu *curr_vcpu;		/* the vCPU running here, NULL when idle */
	uint64_t gdt_base;		/* virtual base of this CPU's GDT window */
	/* The GDT page at selector 0xe000 that holds Argon's descriptors. */
	uint64_t gdt_page[512] __attribute__((__aligned__(4096)));
};

extern struct percpu percpu_areas[NR_CPUS];

static inline struct cpu_info *this_cpu_info(void)
{
	uint64_t sp;

	__asm__("mov %%rsp, %0" : "=r"(sp));
	return (struct cpu_info *)((sp | (STACK_BLOCK_SIZE - 1)) + 1 - CPU_INFO_SIZE);
}

static inline struct percpu *this_cpu(void)
{
	return this_cpu_info()->percpu;
}

/** Bottom of IST stack @n (1-based) of the block at @block. */
static inline uint64_t ist_stack_base(uint64_t block, unsigned int n)
{
	return block + STACK_IST_OFFSET(n);
}

/**
 * Set up CPU @cpu's per-CPU area, GDT and TSS on the running CPU, whose stacks are the block at
 * @stack_block; the caller must already run on that block's main stack.
 */
void percpu_init(unsigned int cpu, uint64_t stack_block);

/** Switch CPU @cpu's GDT to its window in the hypervisor map (after the page tables exist). */
void percpu_gdt_window(unsigned int cpu, mfn_t zero_page);

/** Load the shared IDT on the running CPU (built on first call). */
void idt_init(void);

#endif
