/*
 * Expected faults in an Argon PV test kernel. An instruction that is meant to trap is given a
 * fixup address with EXTABLE(from, to) in its inline assembly (as Linux's exception tables): when
 * a trap arrives at rip == from and no handler set with trap_set_handler() claims it, the default
 * trap handling records the frame in trap_log and resumes at `to`. Works for guest user mode too
 * (the frame then carries the user CS with RPL 3).
 */
#ifndef GUEST_FAULT_H
#define GUEST_FAULT_H

#include <stdint.h>

/* One exception table entry: the faulting instruction and where to resume. */
struct extable_entry {
	uint64_t from, to;
};

#define EXTABLE(from, to)                                  \
	".pushsection .extable, \"a\"\n\t"                 \
	".balign 8\n\t"                                    \
	".quad " #from ", " #to "\n\t"                     \
	".popsection\n\t"

/* A trap fixed up through the exception table. */
struct trap_record {
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip;
	uint64_t cs; /* as in the frame: bits 32-39 the saved upcall mask */
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
	uint64_t cr2; /* vcpu_info.arch.cr2 for #PF when shared_info is mapped, else 0 */
};

/* The last TRAP_LOG_SIZE fixed-up traps; trap n (counting from 0) is trap_nth(n). */
#define TRAP_LOG_SIZE 16
extern volatile struct trap_record trap_log[TRAP_LOG_SIZE];
extern volatile uint64_t trap_count;

static inline const volatile struct trap_record *trap_nth(uint64_t n)
{
	return &trap_log[n % TRAP_LOG_SIZE];
}

#endif /* GUEST_FAULT_H */
