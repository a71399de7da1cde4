/*
 * The contract between generic code and an architecture: generic code (common/) calls only these
 * and the headers under include/argon/; each architecture implements them once.
 */
#ifndef ARGON_ARCH_H
#define ARGON_ARCH_H

#include <argon/compiler.h>
#include <argon/timer.h>
#include <argon/types.h>

/** Write @n bytes to the hypervisor's serial console (polled, usable from any context). */
void arch_console_write(const char *s, size_t n);

/**
 * The next byte received on the serial console, or -1 when none is waiting (polled, never
 * blocks; usable from any context).
 */
int arch_console_getc(void);

/** Nanoseconds since boot; 0 until the clock is calibrated. */
s_time_t arch_now(void);

/** The hypervisor's address of machine frame @m (through the direct map). */
void *arch_mfn_to_virt(mfn_t m);

/** Fill the 4 KiB page at @p with zeroes (as fast as the architecture allows). */
void clear_page(void *p);

struct domain;
/** Architecture state of a new domain (after the generic fields are set). */
void arch_domain_create(struct domain *d);
/** Release architecture state and every page reference @d holds, before its frames are freed. */
void arch_domain_destroy(struct domain *d);

/** The machine frame of hypervisor address @p (a direct-map address). */
mfn_t arch_virt_to_mfn(const void *p);

struct vcpu;
/**
 * Make @v notice the events just marked pending for it: wake it if it is blocked, interrupt the
 * CPU it runs on. Callable from interrupt context.
 */
void vcpu_kick(struct vcpu *v);

/** memory_op sub-ops that change a domain's frames (architecture specific); -ENOSYS if unknown. */
long arch_memory_op(uint64_t cmd, uint64_t arg);

/**
 * VCPUOP_initialise's architecture part for never-initialised, offline vCPU @v: copy the guest
 * context at guest address @arg in once, check it and install it. Returns 0 (with *@online set
 * if the context asks for the vCPU to come up at once), -EFAULT, -EINVAL, -EPERM, -ENOMEM, or
 * -ERESTART (nothing changed; issue the call again). On any error @v is unchanged.
 */
long arch_initialise_vcpu(struct vcpu *v, uint64_t arg, bool *online);

/** The index of the CPU this runs on (0 for the boot CPU). */
unsigned int arch_cpu_id(void);

/**
 * A consistent sample of the clock for guests: the cycle counter @tsc, the system time @now it
 * corresponds to, and the scale converting counter ticks to ns (pvclock's parameters).
 */
void arch_time_sample(uint64_t *tsc, s_time_t *now, int8_t *shift, uint32_t *mul_frac);

/**
 * The machine frame behind frame number @frame as guest @d names frames: an MFN for PV, a GFN
 * for auto-translated (HVM) guests. 0, or -EINVAL when @d has no such frame.
 */
int arch_guest_frame_to_mfn(const struct domain *d, uint64_t frame, mfn_t *out);

/** What @v's time stamp counter adds to the host's (0 for PV; HVM's VMCB/VMCS offset). */
uint64_t arch_vcpu_tsc_offset(const struct vcpu *v);

/** Stop this CPU for good with interrupts off. */
__noreturn void arch_halt_forever(void);

/** Report @status to the test harness (QEMU's debug-exit device); returns only if that fails. */
void arch_test_exit(unsigned int status);

/** Print the frame-pointer call chain of the caller. */
void arch_backtrace_here(void);

/** The timer queue of the CPU this runs on. */
struct timer_queue *arch_this_timer_queue(void);

/** Program this CPU's timer interrupt for @deadline (system time), or stop it for STIME_MAX. */
void arch_timer_program(s_time_t deadline);

/** Disable interrupts on this CPU and return the previous state for arch_irq_restore(). */
unsigned long arch_irq_save(void);
/** Restore the interrupt state saved by arch_irq_save(). */
void arch_irq_restore(unsigned long flags);

#endif
