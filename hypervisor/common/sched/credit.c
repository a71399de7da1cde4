/* The credit scheduler's policy (see sched.h). No locking: each CPU's state is its own. */
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/sched.h>

static void enqueue(struct sched_cpu *c, struct sched_vcpu *sv)
{
	enum sched_prio p = sv->prio;

	sv->next = NULL;
	if (c->tail[p]) {
		c->tail[p]->next = sv;
	} else {
		c->head[p] = sv;
	}
	c->tail[p] = sv;
}

static void dequeue(struct sched_cpu *c, struct sched_vcpu *sv)
{
	enum sched_prio p;

	for (p = 0; p < NR_PRIOS; p++) {
		struct sched_vcpu **pp = &c->head[p], *prev = NULL;

		for (; *pp; prev = *pp, pp = &(*pp)->next) {
			if (*pp == sv) {
				*pp = sv->next;
				if (c->tail[p] == sv) {
					c->tail[p] = prev;
				}
				sv->next = NULL;
				return;
			}
		}
	}
}

static enum sched_prio credit_prio(const struct sched_vcpu *sv)
{
	return sv->credit > 0 ? PRIO_UNDER : PRIO_OVER;
}

void sched_cpu_init(struct sched_cpu *c, s_time_t tslice, s_time_t now)
{
	memset(c, 0, sizeof(*c));
	c->tslice = tslice;
	c->period_start = now;
}

int sched_add(struct sched_cpu *c, struct sched_vcpu *sv)
{
	if (c->nr_members == ARRAY_SIZE(c->members)) {
		return -ENOSPC;
	}
	sv->state = SCHED_OFFLINE;
	sv->credit = 0;
	sv->prio = PRIO_UNDER;
	sv->next = NULL;
	c->members[c->nr_members++] = sv;
	return 0;
}

void sched_remove(struct sched_cpu *c, struct sched_vcpu *sv)
{
	unsigned int i;

	dequeue(c, sv);
	if (c->curr == sv) {
		c->curr = NULL;
	}
	for (i = 0; i < c->nr_members; i++) {
		if (c->members[i] == sv) {
			c->members[i] = c->members[--c->nr_members];
			break;
		}
	}
	sv->state = SCHED_OFFLINE;
}

void sched_wake(struct sched_cpu *c, struct sched_vcpu *sv, s_time_t now)
{
	if (sv->state != SCHED_BLOCKED && sv->state != SCHED_OFFLINE) {
		return;
	}
	/* Xen's boost: a vCPU that slept and still has credit gets the CPU soon after waking. */
	sv->prio = sv->state == SCHED_BLOCKED && sv->credit >= 0 ? PRIO_BOOST : credit_prio(sv);
	sv->state = SCHED_RUNNABLE;
	sv->active = true;
	enqueue(c, sv);
}

static void charge(struct sched_cpu *c, struct sched_vcpu *sv, s_time_t now)
{
	s_time_t ran = now - sv->run_start;

	if (ran > 0) {
		sv->credit -= ran;
		sv->used_in_period += (uint64_t)ran;
	}
	sv->run_start = now;
	/* Over its cap for this period: park it until the next accounting. */
	if (sv->cap && sv->used_in_period * 100 >= (uint64_t)SCHED_PERIOD * sv->cap) {
		sv->parked = true;
	}
}

void sched_sleep(struct sched_cpu *c, struct sched_vcpu *sv, enum sched_state state, s_time_t now)
{
	if (c->curr == sv) {
		charge(c, sv, now);
		c->curr = NULL;
	} else {
		dequeue(c, sv);
	}
	sv->state = state;
}

bool sched_should_preempt(const struct sched_cpu *c)
{
	return c->curr && c->head[PRIO_BOOST] && c->curr->prio != PRIO_BOOST;
}

struct sched_vcpu *sched_pick(struct sched_cpu *c, s_time_t now, s_time_t *slice_end)
{
	struct sched_vcpu *prev = c->curr, *next = NULL;
	enum sched_prio p;

	if (now - c->period_start >= SCHED_PERIOD) {
		sched_account(c, now);
	}
	if (prev) {
		charge(c, prev, now);
		prev->state = SCHED_RUNNABLE;
		/* A boost lasts one run; afterwards the vCPU competes on credit. */
		prev->prio = credit_prio(prev);
		enqueue(c, prev);
		c->curr = NULL;
	}
	for (p = 0; p < NR_PRIOS && !next; p++) {
		struct sched_vcpu *sv;

		for (sv = c->head[p]; sv; sv = sv->next) {
			if (!sv->parked) {
				next = sv;
				break;
			}
		}
	}
	*slice_end = c->period_start + SCHED_PERIOD;
	if (!next) {
		return NULL;
	}
	dequeue(c, next);
	next->state = SCHED_RUNNING;
	next->run_start = now;
	next->active = true;
	c->curr = next;
	if (now + c->tslice < *slice_end) {
		*slice_end = now + c->tslice;
	}
	/* A capped vCPU runs at most what is left of its share of this period. */
	if (next->cap) {
		uint64_t budget = (uint64_t)SCHED_PERIOD * next->cap / 100;
		s_time_t left = budget > next->used_in_period ? (s_time_t)(budget - next->used_in_period) : 1;

		if (now + left < *slice_end) {
			*slice_end = now + left;
		}
	}
	return next;
}

void sched_account(struct sched_cpu *c, s_time_t now)
{
	uint64_t total_weight = 0;
	unsigned int i, j;

	if (c->curr) {
		charge(c, c->curr, now);
	}
	/*
	 * A domain's weight is shared by its active vCPUs; sum each domain's weight once over the
	 * domains with an active vCPU.
	 */
	for (i = 0; i < c->nr_members; i++) {
		struct sched_vcpu *sv = c->members[i];
		bool first = true;

		if (!sv->active && sv->state != SCHED_RUNNABLE && sv->state != SCHED_RUNNING) {
			continue;
		}
		for (j = 0; j < i; j++) {
			const struct sched_vcpu *o = c->members[j];

			if (o->domain_key == sv->domain_key &&
			    (o->active || o->state == SCHED_RUNNABLE || o->state == SCHED_RUNNING)) {
				first = false;
			}
		}
		if (first) {
			total_weight += sv->weight;
		}
	}
	for (i = 0; i < c->nr_members; i++) {
		struct sched_vcpu *sv = c->members[i];
		unsigned int peers = 0;

		sv->parked = false;
		sv->used_in_period = 0;
		if (!total_weight ||
		    (!sv->active && sv->state != SCHED_RUNNABLE && sv->state != SCHED_RUNNING)) {
			sv->active = false;
			continue;
		}
		for (j = 0; j < c->nr_members; j++) {
			const struct sched_vcpu *o = c->members[j];

			if (o->domain_key == sv->domain_key &&
			    (o->active || o->state == SCHED_RUNNABLE || o->state == SCHED_RUNNING)) {
				peers++;
			}
		}
		sv->credit += (int64_t)((uint64_t)SCHED_PERIOD * sv->weight / total_weight / peers);
		/* Credit does not pile up: at most one period's worth either way. */
		if (sv->credit > SCHED_PERIOD) {
			sv->credit = SCHED_PERIOD;
		} else if (sv->credit < -SCHED_PERIOD) {
			sv->credit = -SCHED_PERIOD;
		}
		/* Only vCPUs that keep wanting the CPU stay active into the next period. */
		sv->active = sv->state == SCHED_RUNNABLE || sv->state == SCHED_RUNNING;
		if (sv->state == SCHED_RUNNABLE && sv->prio != PRIO_BOOST) {
			dequeue(c, sv);
			sv->prio = credit_prio(sv);
			enqueue(c, sv);
		}
	}
	c->period_start = now;
}
