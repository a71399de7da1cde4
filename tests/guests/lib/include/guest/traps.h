/*
 * Exceptions and event callbacks in an Argon PV test kernel.
 *
 * The hypervisor bounces an exception to the handler named in the trap table with this frame on
 * the guest kernel stack (lowest address first): RCX, R11, [error code], RIP, CS, RFLAGS, RSP,
 * SS. The saved CS word carries the interrupted vCPU's evtchn_upcall_mask in bits 32-39, and
 * RFLAGS.IF is the inverse of that mask. The entry stubs (entry.S) restore RCX and R11, push a
 * zero error code where the CPU has none, save every register and call trap_dispatch() with a
 * struct trap_frame; returning goes through the iret hypercall with the (possibly edited) frame.
 */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Pseudo-vectors for the callbacks, beyond the 256 exception vectors. The failsafe callback's
 * error code holds the selectors the hypervisor could not load back: DS in bits 0-15, ES 16-31,
 * FS 32-47, GS 48-63.
 */
#define TRAP_EVENT_CALLBACK 256
#define TRAP_FAILSAFE_CALLBACK 257

/* Registers as the entry stubs save them (lowest address first). */
struct trap_frame {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint64_t vector;
	uint64_t error_code;
	/* The hardware-like part of the bounce frame. */
	uint64_t rip;
	uint64_t cs; /* bits 32-39: saved upcall mask */
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
};

/*
 * A handler for one vector: return true when it dealt with the trap (it may change frame->rip,
 * e.g. to skip the faulting instruction); false lets the default (report and crash) run.
 */
typedef bool (*trap_handler_t)(struct trap_frame *frame);

/* Install the trap table (vectors 0-19) with set_trap_table. */
long traps_init(void);
/* Route vector (0-255, or TRAP_EVENT_CALLBACK) to handler, or back to the default with NULL. */
void trap_set_handler(unsigned int vector, trap_handler_t handler);
/*
 * Register the event and failsafe callbacks with callback_op (events masked on entry). Events are
 * delivered to the TRAP_EVENT_CALLBACK handler.
 */
long callbacks_register(void);
/* Called by the entry stubs. */
void trap_dispatch(struct trap_frame *frame);

/* Entry points in entry.S. */
extern char hypervisor_callback[], failsafe_callback[];

#endif /* GUEST_TRAPS_H */
