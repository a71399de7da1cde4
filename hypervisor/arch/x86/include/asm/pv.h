/* PV guest support on x86-64: running vCPUs in ring 3 and moving between guest and hypervisor. */
#ifndef ASM_PV_H
#define ASM_PV_H

#include <argon/domain.h>
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/regs.h>

/* Pseudo-vectors the syscall entries put in cpu_regs.vector (real vectors stop at 255). */
#define SYSCALL_VECTOR 0x100
#define SYSCALL32_VECTOR 0x101

/** The guest register frame at the top of this CPU's stack. */
static inline struct cpu_regs *guest_cpu_regs(void)
{
	return (struct cpu_regs *)this_cpu_info() - 1;
}

/** True if @regs is a frame interrupted in guest context (guests run only in ring 3). */
static inline bool regs_from_guest(const struct cpu_regs *regs)
{
	return (regs->cs & 3) == 3;
}

/** Set up this CPU's syscall MSRs for PV guests. */
void pv_cpu_init(void);


/** Enter the frame at @regs (the top of this CPU's stack) in the guest. */
__noreturn void pv_enter_guest(struct cpu_regs *regs);

/** Handle an exception, interrupt or syscall that arrived from the guest. */
void pv_do_guest_trap(struct cpu_regs *regs);

/** Switch @v between guest kernel and guest user mode (page tables, GS base). */
void pv_toggle_guest_mode(struct vcpu *v);

/**
 * Deliver exception @vector to the guest's registered handler, with @error_code when @has_error.
 * Crashes the domain when there is no handler or the guest stack is unusable.
 */
void pv_inject_exception(struct cpu_regs *regs, unsigned int vector, bool has_error,
			 uint64_t error_code);

/**
 * On the way back to the guest: if the vCPU has an event upcall pending and events unmasked,
 * bounce to its event callback (the exception frame without error code; events masked while the
 * callback runs). Crashes the domain when the callback's stack is unusable.
 */
void pv_deliver_events(struct cpu_regs *regs);

/** Crash @d: report @why, shut it down with SHUTDOWN_crash. */
void domain_crash(struct domain *d, const char *why);

/**
 * Called on every return to the guest: if the running domain stopped, leave it for good (and stop
 * the machine when no domain is left).
 */
void pv_return_to_guest_work(struct cpu_regs *regs);

/** Dispatch the hypercall the guest kernel issued with syscall (number in rax). */
void pv_hypercall(struct cpu_regs *regs);

/** The CPUID leaf @leaf/@subleaf a PV guest sees (forced-emulation CPUID). */
struct cpuid_regs pv_cpuid_policy(uint32_t leaf, uint32_t subleaf);

/** Emulate the privileged instruction at the guest's rip (rdmsr/wrmsr by policy); true if done. */
bool pv_emulate_privileged(struct cpu_regs *regs);

/** Emulate the port I/O instruction at the guest's rip by the I/O policy; true if done. */
bool pv_emulate_io(struct cpu_regs *regs);

/**
 * True if @v's virtual IOPL admits its current mode to I/O-privileged instructions (in/out,
 * cli/sti): guest kernel mode counts as CPL 1, guest user mode as 3.
 */
bool pv_iopl_admits(const struct vcpu *v);

/**
 * Writable page tables: emulate a guest write that faulted on its own read-only-mapped L1 table
 * at @addr; true if the write was validated and performed (the PV MMU provides it).
 */
bool pv_ptwr_fault(struct cpu_regs *regs, uint64_t addr);

/** Drop every page reference @d's page tables hold (the PV MMU), before its frames are freed. */
void pv_relinquish_memory(struct domain *d);

/*
 * From the PV MMU (arch/x86/pv/mm*.c): pin @mfn as a validated page table of @pgt_type (PGT_L4...);
 * make @l4 the vCPU's kernel (or @user) root table, moving the type references; record that
 * machine frame @mfn holds guest pseudo-physical frame @pfn in the machine-to-phys table.
 */
int pv_pin_table(struct domain *d, mfn_t mfn, uint64_t pgt_type);
int pv_set_guest_table(struct vcpu *v, mfn_t l4, bool user);
void m2p_set_entry(mfn_t mfn, uint64_t pfn);

/** The return to the guest faulted in iretq: crash its domain and go on with another vCPU. */
void pv_iret_failed(struct cpu_regs *regs);

/**
 * Load %ds, %es, %fs or %gs with the guest selector @sel: 0, or -EINVAL (and the null selector
 * loaded) when its descriptor faults. %fs and %gs loads change the active base: the caller
 * restores it.
 */
long raw_load_ds_sel(unsigned int sel);
long raw_load_es_sel(unsigned int sel);
long raw_load_fs_sel(unsigned int sel);
long raw_load_gs_sel(unsigned int sel);

/**
 * Deschedule: record @v's %ds/%es/%fs/%gs selectors and FS/GS bases as the CPU holds them (the
 * guest changes them without asking).
 */
void pv_save_segments(struct vcpu *v);

/**
 * Schedule: give the CPU @v's selectors and bases (its GDT and LDT already loaded, its page tables
 * active). A selector that no longer loads becomes null and, if @v has a failsafe callback, the
 * frame at @regs is bounced there with the selectors it should have had (Xen's rule).
 */
void pv_load_segments(struct vcpu *v, struct cpu_regs *regs);

/**
 * Bounce the frame at @regs to the current vCPU's failsafe callback with @sel (ds, es, fs, gs)
 * between R11 and RIP, as Xen's failsafe frame has them. Crashes the domain when its kernel
 * stack is unusable.
 */
void pv_inject_failsafe(struct cpu_regs *regs, const uint16_t sel[PV_NR_DATA_SEGS]);

/** `pv_stats` on the command line: time hypercalls and exceptions, report at destruction. */
extern bool pv_stats_on;

/** CR3 loads and full TLB flushes done for PV guests since boot (pv/mm_arch.c). */
extern uint64_t pv_full_flushes;

/** With `pv_stats` on the command line: print @d's struct pv_stats (before it is destroyed). */
void pv_stats_report(const struct domain *d);

/** Find the exception fixup for a fault at @rip in hypervisor code; 0 if there is none. */
uint64_t search_extable(uint64_t rip);

struct boot_domain_spec;

/**
 * Build a boot-time PV domain from a kernel (and optional initrd) as @spec says, with @mem_bytes
 * of memory; its vCPU 0 is ready to run from the start-of-day state. Returns 0 and the domain in
 * *@out, or a negative errno after reporting why.
 */
int pv_build_domain(const struct boot_domain_spec *spec, const void *kernel, uint64_t kernel_len,
		    const void *initrd, uint64_t initrd_len, uint64_t mem_bytes, struct domain **out);

/** Start running the boot-time domains (the scheduler picks the first vCPU). */
__noreturn void pv_sched_start(void);

/**
 * Called on the way back to a guest when the scheduler wants a decision: switch the frame at
 * @regs to the next vCPU's, idling (and destroying finished domains) until there is one.
 */
void pv_schedule(struct cpu_regs *regs);

#endif
