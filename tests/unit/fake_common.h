/* Fakes of the hypervisor's generic services for host unit tests: see fake_common.c. */
#ifndef FAKE_COMMON_H
#define FAKE_COMMON_H

#include <argon/types.h>

struct vcpu;

struct fake_common {
	unsigned int kicks;		/* vcpu_kick() calls */
	int poll_blocks, poll_wakes;	/* sched_poll_block() and sched_wake_pollers() calls */
	struct vcpu *last_kicked;
	int irq_depth;			/* arch_irq_save() nesting: 0 whenever no lock is held */
	s_time_t now;			/* what NOW() returns */
	long xenheap_bytes;		/* alloc_xenheap() bytes not yet freed */
};

extern struct fake_common fake_common;

#endif
