/*
 * The credit scheduler: time-sharing vCPUs on per-CPU run queues, in the spirit of Xen's credit1.
 *
 * Every accounting period each active vCPU earns credit in proportion to its domain's weight
 * (shared among the domain's active vCPUs) and pays for the time it runs. Runnable vCPUs are
 * picked BOOST (just woken, not yet overdrawn) first, then UNDER (credit left), then OVER, round
 * robin within a class; a running vCPU is preempted when its time slice ends. A domain cap
 * (percent of one CPU) parks its vCPUs for the rest of the period once they used that share.
 *
 * The policy (this header's functions) is portable and takes the time as a parameter, so host
 * unit tests drive it with a fake clock; the architecture does the switching.
 */
#ifndef ARGON_SCHED_H
#define ARGON_SCHED_H

#include <argon/time.h>
#include <argon/types.h>

struct vcpu;

enum sched_state {
	SCHED_OFFLINE,	/* not brought up, or down */
	SCHED_RUNNABLE,	/* on a run queue */
	SCHED_RUNNING,	/* on a CPU */
	SCHED_BLOCKED,	/* waiting for an event */
};

enum sched_prio {
	PRIO_BOOST = 0,
	PRIO_UNDER = 1,
	PRIO_OVER = 2,
	NR_PRIOS = 3,
};

#define SCHED_DEFAULT_WEIGHT 256
#define SCHED_PERIOD MILLISECS(30)
#define SCHED_TSLICE MILLISECS(30)

/** Scheduler state of one vCPU (embedded in struct vcpu). */
struct sched_vcpu {
	struct vcpu *vcpu;
	enum sched_state state;
	enum sched_prio prio;
	int64_t credit;			/* ns of CPU time it may still use this period */
	s_time_t run_start;		/* when it last started running */
	uint64_t used_in_period;	/* ns run in the current accounting period */
	bool parked;			/* over its cap: not picked until the next period */
	bool active;			/* ran or wanted to run in this period */
	struct sched_vcpu *next;	/* run-queue link */
	unsigned int weight;		/* its domain's weight */
	unsigned int cap;		/* its domain's cap, percent of one CPU; 0 = none */
	uint32_t domain_key;		/* vCPUs with the same key share the domain's weight */
};

/** One CPU's run queues and the vCPUs it owns. */
struct sched_cpu {
	struct sched_vcpu *head[NR_PRIOS], *tail[NR_PRIOS];
	struct sched_vcpu *curr;		/* running vCPU, NULL when idle */
	struct sched_vcpu *members[64];		/* every vCPU assigned to this CPU */
	unsigned int nr_members;
	s_time_t period_start;
	s_time_t tslice;
};

/** Prepare @c; @tslice is the time slice. */
void sched_cpu_init(struct sched_cpu *c, s_time_t tslice, s_time_t now);

/** Assign @sv (offline) to @c. Returns 0 or -ENOSPC. */
int sched_add(struct sched_cpu *c, struct sched_vcpu *sv);

/** Remove @sv from @c entirely (vCPU teardown). */
void sched_remove(struct sched_cpu *c, struct sched_vcpu *sv);

/** Make @sv runnable (from offline or blocked); a vCPU woken from blocking is boosted. */
void sched_wake(struct sched_cpu *c, struct sched_vcpu *sv, s_time_t now);

/** @sv (the running one, or a queued one) stops: blocked or offline. */
void sched_sleep(struct sched_cpu *c, struct sched_vcpu *sv, enum sched_state state, s_time_t now);

/**
 * Pick what runs next on @c at @now: charges the running vCPU for its time and, if it is still
 * runnable, queues it behind its class (so a yield or a finished slice lets others run). Returns
 * the chosen vCPU (now SCHED_RUNNING), or NULL to idle. @slice_end gets when to decide again.
 */
struct sched_vcpu *sched_pick(struct sched_cpu *c, s_time_t now, s_time_t *slice_end);

/** Start a new accounting period at @now: hand out credit by weight, apply caps. */
void sched_account(struct sched_cpu *c, s_time_t now);

/** True if a queued vCPU should preempt the running one right away (a boosted wake-up). */
bool sched_should_preempt(const struct sched_cpu *c);

#endif
