/*
 * Hypercall handlers. Every handler has the same shape, takes the guest's argument registers
 * (RDI, RSI, RDX, R10, R8 on x86-64) as untrusted integers and returns the value the guest sees in
 * RAX: 0 or positive on success, a negative errno on failure. The table of hypercalls is declared
 * once in hypercall-defs.h.
 */
#ifndef ARGON_HYPERCALL_H
#define ARGON_HYPERCALL_H

#include <argon/types.h>

typedef long (*hypercall_fn)(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

#define HYPERCALL(nr, name, who) \
	long do_##name(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
#include <argon/hypercall-defs.h>
#undef HYPERCALL

/**
 * Arrange for hypercall @nr to be re-issued by the guest with the given arguments (a long
 * operation that stopped to let other work run). Returns the value the handler must return.
 */
long hypercall_create_continuation(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
				   uint64_t a4, uint64_t a5);

/** True if a long-running hypercall should stop now and continue later. */
bool hypercall_preempt_check(void);

#endif
