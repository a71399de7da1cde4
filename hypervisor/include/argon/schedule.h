/* Scheduling vCPUs: the glue between domains, the credit policy and the architecture. */
#ifndef ARGON_SCHEDULE_H
#define ARGON_SCHEDULE_H

#include <argon/sched.h>

struct vcpu;
struct domain;

#define SCHED_MAX_CPUS 64

/** Put @v under the scheduler of this CPU (offline until woken). Returns 0 or -ENOSPC. */
int sched_init_vcpu(struct vcpu *v);

/** Set @d's weight and cap (percent of one CPU, 0 = none) for all its vCPUs. */
void sched_set_domain_params(struct domain *d, unsigned int weight, unsigned int cap);

/** Take @v out of the scheduler (teardown). */
void sched_destroy_vcpu(struct vcpu *v);

/**
 * Make @v runnable if it is blocked (an event, a timer, the end of a poll); asks for a new
 * decision if it should run now. An offline vCPU stays offline.
 */
void vcpu_wake(struct vcpu *v);

/** Bring offline @v up (domain start, VCPUOP_up): runnable, if its domain is running. */
void vcpu_online(struct vcpu *v);

/** Block the running vCPU @v until an event or timer wakes it (after its next decision). */
void vcpu_block(struct vcpu *v);

/** Block the running vCPU @v in SCHEDOP_poll until a port of its domain is raised or @timeout (0: none). */
void sched_poll_block(struct vcpu *v, s_time_t timeout);

/** Wake @d's vCPUs blocked in SCHEDOP_poll (a port of @d became pending). */
void sched_wake_pollers(struct domain *d);

/**
 * Take @v offline (VCPUOP_down, domain shutdown), ending a poll it is blocked in. If @v is the
 * running vCPU, the CPU switches away on the way back to the guest.
 */
void vcpu_sleep_offline(struct vcpu *v);

/** Ask for a scheduling decision on the way back to the guest (yield, wake-ups, slice end). */
void sched_raise(void);

/** Whether a decision is due on this CPU; clears the request. */
bool sched_take_request(void);

/**
 * Decide what runs next on this CPU at @now: NULL to idle. Arms the decision timer for the end of
 * the slice.
 */
struct vcpu *sched_next(s_time_t now);

/** The decision data of this CPU (for reports). */
struct sched_cpu *sched_this_cpu(void);

#endif
