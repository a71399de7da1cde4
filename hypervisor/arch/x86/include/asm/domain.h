/* The x86 parts of domains and vCPUs: PV guest state. */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <argon/spinlock.h>
#include <argon/types.h>
#include <asm/regs.h>

struct hvm_vcpu;
struct hvm_domain;

/** One guest exception handler registered with set_trap_table. */
struct pv_trap {
	uint64_t address;	/* 0: not registered */
	uint16_t cs;
	uint8_t dpl;		/* lowest privilege that may raise it with int $n */
	bool mask_events;	/* entering the handler masks event delivery */
};

/** The data segment registers a PV vCPU keeps, in the failsafe frame's order. */
enum pv_data_seg { PV_SEG_DS, PV_SEG_ES, PV_SEG_FS, PV_SEG_GS, PV_NR_DATA_SEGS };

/** A guest callback entry point (event, failsafe, syscall, NMI). */
struct pv_callback {
	uint64_t address;
	bool mask_events;
};

/** The PV state of a vCPU, as the guest configured it through hypercalls. */
struct arch_vcpu {
	/* Whether the guest runs its kernel (true) or its user space (false); both are ring 3. */
	bool kernel_mode;
	mfn_t guest_table;		/* kernel-mode root page table (an L4) */
	mfn_t guest_table_user;		/* user-mode root page table, or 0 */
	uint64_t kernel_ss, kernel_sp;	/* stack_switch: the kernel stack for bounces from user mode */
	uint64_t fs_base, gs_base_kernel, gs_base_user;
	/*
	 * %ds, %es, %fs and %gs as the CPU held them when the vCPU last left it (pv/segments.c); one
	 * %gs selector serves both guest modes, whose GS bases are kept apart above.
	 */
	uint16_t sel[PV_NR_DATA_SEGS];
	struct pv_callback event_callback, failsafe_callback, syscall_callback, nmi_callback;
	struct pv_trap traps[256];
	mfn_t gdt_frames[14];		/* set_gdt: the guest's GDT frames (selectors below 0xe000) */
	unsigned int nr_gdt_frames, gdt_ents;
	uint64_t ldt_base;
	uint32_t ldt_ents;
	mfn_t ldt_frames[16];		/* the LDT's frames, typed as descriptor pages while installed */
	unsigned int nr_ldt_frames;
	uint32_t iopl;			/* virtual IOPL for port-access policy */
	bool fpu_ts;			/* the guest's virtual CR0.TS (fpu_taskswitch) */
	struct vcpu_info *vcpu_info;	/* this vCPU's slot in shared_info */
	/* Guest register state while the vCPU is not on a CPU. */
	struct cpu_regs saved_regs;
	/* Guest x87/SSE/AVX state while the vCPU is not on a CPU (XSAVE or FXSAVE image). */
	uint8_t fpu[1024] __attribute__((__aligned__(64)));
	/* PV MMU (pv/mm.c): MFN + 1 of a page table whose devalidation yielded, 0 if none. */
	uint64_t mm_pending;
	/* HVM vCPUs only (asm/hvm/hvm.h): NULL for PV. */
	struct hvm_vcpu *hvm;
};

/**
 * What a PV domain had the hypervisor do, for profiling: counted always (plain increments by the
 * CPU running the domain's vCPU; racy between vCPUs on different CPUs, which only blurs counts),
 * the cycles only with `pv_stats` on the command line, which also prints them all when the domain
 * is destroyed (pv/stats.c).
 */
struct pv_stats {
	uint64_t hypercalls[64];	/* by number, multicall entries included */
	uint64_t mmuext[32];		/* mmuext_op requests by command */
	uint64_t mmu_updates;		/* mmu_update requests */
	uint64_t traps[32];		/* guest exceptions by vector */
	uint64_t syscalls;		/* guest user-mode syscalls bounced to the kernel */
	uint64_t ptwr;			/* page-table writes emulated (writable page tables) */
	uint64_t validated[5], devalidated[5]; /* page tables (de)validated, by level */
	uint64_t validated_entries;	/* present entries checked by validation */
	uint64_t switches;		/* times one of its vCPUs was loaded onto a CPU */
	uint64_t tlb_flushes;		/* domain-wide TLB flushes for page type changes */
	uint64_t gp_user, gp_swint, gp_emulated, gp_io; /* #GPs: from guest user mode; by outcome */
	uint64_t hypercall_cycles[64];	/* TSC cycles in each hypercall's handler */
	uint64_t trap_cycles[32];	/* TSC cycles handling each exception vector */
};

/** The PV state of a domain. */
struct arch_domain {
	uint64_t vm_assist;		/* VMASST_TYPE_* bits enabled */
	uint64_t p2m_pages;		/* size of the initial P2M list the builder made */
	spinlock_t mm_lock;		/* PV MMU: guards the type_info of the domain's frames */
	/*
	 * PV: the console ring frame Argon serves, held (a general and a writable type reference)
	 * so the guest can neither give it back nor make it a page table while Argon writes it.
	 */
	mfn_t console_ring;
	struct pv_stats stats;
	/* HVM domains only (asm/hvm/hvm.h): NULL for PV. */
	struct hvm_domain *hvm;
};

#endif
