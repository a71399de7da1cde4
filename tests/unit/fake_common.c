/*
 * Fakes of the hypervisor's generic services for host unit tests: the xenheap is the C heap
 * (ASan finds leaks and misuse; the byte count shows what a test left allocated), interrupt
 * masking counts its nesting, vcpu_kick() and the clock are observable.
 */
#include <stdlib.h>
#include "unit.h"
#include "fake_common.h"
#include <argon/arch.h>
#include <argon/mm.h>
#include <argon/schedule.h>
#include <argon/time.h>

struct fake_common fake_common;

void *alloc_xenheap(size_t size)
{
	void *p = calloc(1, size);

	if (p) {
		fake_common.xenheap_bytes += (long)size;
	}
	return p;
}

void free_xenheap(void *p, size_t size)
{
	if (p) {
		fake_common.xenheap_bytes -= (long)size;
	}
	free(p);
}

unsigned long arch_irq_save(void)
{
	return (unsigned long)fake_common.irq_depth++;
}

void arch_irq_restore(unsigned long flags)
{
	fake_common.irq_depth--;
	if ((unsigned long)fake_common.irq_depth != flags) {
		fail_msg("arch_irq_restore(%lu) at depth %d", flags, fake_common.irq_depth);
	}
}

void vcpu_kick(struct vcpu *v)
{
	fake_common.kicks++;
	fake_common.last_kicked = v;
}

s_time_t NOW(void)
{
	return fake_common.now;
}

void clear_page(void *p)
{
	memset(p, 0, PAGE_SIZE);
}

/* The scheduler's side of SCHEDOP_poll: observable, not acted on. */
void sched_poll_block(struct vcpu *v, s_time_t timeout)
{
	fake_common.poll_blocks++;
}

void sched_wake_pollers(struct domain *d)
{
	fake_common.poll_wakes++;
}
