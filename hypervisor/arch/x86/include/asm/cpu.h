/* CPU registers, CPUID and MSR access. */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <argon/types.h>

#define X86_CR0_PE (1UL << 0)
#define X86_CR0_MP (1UL << 1)
#define X86_CR0_EM (1UL << 2)
#define X86_CR0_TS (1UL << 3)
#define X86_CR0_NE (1UL << 5)
#define X86_CR0_WP (1UL << 16)
#define X86_CR0_PG (1UL << 31)

#define X86_CR4_PAE (1UL << 5)
#define X86_CR4_MCE (1UL << 6)
#define X86_CR4_PGE (1UL << 7)
#define X86_CR4_OSFXSR (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_OSXSAVE (1UL << 18)
#define X86_CR4_SMEP (1UL << 20)
#define X86_CR4_SMAP (1UL << 21)

#define MSR_EFER 0xc0000080
#define EFER_SCE (1UL << 0)
#define EFER_LME (1UL << 8)
#define EFER_NXE (1UL << 11)
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE 0x1b
#define APIC_BASE_BSP (1UL << 8)
#define APIC_BASE_EXTD (1UL << 10)
#define APIC_BASE_ENABLE (1UL << 11)
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_TSC 0x10
#define MSR_PAT 0x277

#define X86_EFLAGS_CF (1UL << 0)
#define X86_EFLAGS_MBS (1UL << 1)	/* must be set */
#define X86_EFLAGS_TF (1UL << 8)
#define X86_EFLAGS_IF (1UL << 9)
#define X86_EFLAGS_DF (1UL << 10)
#define X86_EFLAGS_IOPL (3UL << 12)
#define X86_EFLAGS_NT (1UL << 14)
#define X86_EFLAGS_RF (1UL << 16)
#define X86_EFLAGS_VM (1UL << 17)
#define X86_EFLAGS_AC (1UL << 18)

/* CPUID bits Argon checks (leaf.register.bit). */
#define CPUID1_ECX_X2APIC (1U << 21)
#define CPUID1_ECX_TSC_DEADLINE (1U << 24)
#define CPUID1_ECX_XSAVE (1U << 26)
#define CPUID1_ECX_HYPERVISOR (1U << 31)
#define CPUID1_EDX_APIC (1U << 9)
#define CPUID7_EBX_SMEP (1U << 7)
#define CPUID7_EBX_SMAP (1U << 20)
#define CPUIDX1_EDX_NX (1U << 20)
#define CPUIDX1_EDX_PAGE1GB (1U << 26)
#define CPUIDX1_EDX_LM (1U << 29)
#define CPUIDX7_EDX_INVTSC (1U << 8)

struct cpuid_regs {
	uint32_t a, b, c, d;
};

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;

	__asm__ __volatile__("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
	return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
	return cpuid_count(leaf, 0);
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR(n)                                                          \
	static inline uint64_t read_cr##n(void)                               \
	{                                                                     \
		uint64_t v;                                                   \
		__asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v));         \
		return v;                                                     \
	}                                                                     \
	static inline void write_cr##n(uint64_t v)                            \
	{                                                                     \
		__asm__ __volatile__("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void local_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static inline void local_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline uint64_t local_save_flags(void)
{
	uint64_t f;

	__asm__ __volatile__("pushf; pop %0" : "=r"(f) : : "memory");
	return f;
}

static inline void local_irq_restore(uint64_t flags)
{
	__asm__ __volatile__("push %0; popf" : : "r"(flags) : "memory", "cc");
}

static inline uint64_t local_irq_save(void)
{
	uint64_t f = local_save_flags();

	local_irq_disable();
	return f;
}

/* Wait for an interrupt with interrupts enabled; sti's one-instruction shadow closes the race. */
static inline void safe_halt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

static inline void invlpg(const void *va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

/** Features of the boot CPU that Argon's own code depends on, read once at boot. */
struct cpu_features {
	bool x2apic, tsc_deadline, invtsc, page1gb, smep, smap, hypervisor, xsave;
	uint32_t max_leaf, max_ext_leaf;
	char vendor[13];
	char brand[49];
};

extern struct cpu_features boot_cpu;

/** Read the boot CPU's identity and features into boot_cpu. */
void cpu_identify(void);

#endif
