/*
 * Scheduling glue: each CPU has a credit run queue (sched/credit.c) and a timer that ends time
 * slices; wake-ups and slice ends only raise a request, and the architecture acts on it on the
 * way back to a guest (the only point where the running vCPU's frame may be switched).
 */
#include <argon/arch.h>
#include <argon/domain.h>
#include <argon/schedule.h>
#include <argon/time.h>
#include <argon/timer.h>
#include <public/vcpu.h>

static struct sched_cpu sched_cpus[SCHED_MAX_CPUS];
static struct timer slice_timers[SCHED_MAX_CPUS];
static bool sched_ready[SCHED_MAX_CPUS];
static volatile bool resched_requested[SCHED_MAX_CPUS];

struct sched_cpu *sched_this_cpu(void)
{
	return &sched_cpus[arch_cpu_id()];
}

void sched_raise(void)
{
	resched_requested[arch_cpu_id()] = true;
}

bool sched_take_request(void)
{
	unsigned int cpu = arch_cpu_id();
	bool r = resched_requested[cpu];

	resched_requested[cpu] = false;
	return r;
}

static void slice_end(struct timer *t, void *data)
{
	sched_raise();
}

static void ensure_cpu(void)
{
	unsigned int cpu = arch_cpu_id();

	if (!sched_ready[cpu]) {
		sched_cpu_init(&sched_cpus[cpu], SCHED_TSLICE, NOW());
		timer_init(&slice_timers[cpu], slice_end, NULL);
		sched_ready[cpu] = true;
	}
}

int sched_init_vcpu(struct vcpu *v)
{
	struct sched_vcpu *sv = &v->sched;

	ensure_cpu();
	sv->vcpu = v;
	sv->weight = v->domain->sched_weight;
	sv->cap = v->domain->sched_cap;
	sv->domain_key = v->domain->domain_id;
	return sched_add(sched_this_cpu(), sv);
}

void sched_set_domain_params(struct domain *d, unsigned int weight, unsigned int cap)
{
	unsigned long flags = arch_irq_save();
	unsigned int i;

	d->sched_weight = weight;
	d->sched_cap = cap;
	for (i = 0; i < d->max_vcpus; i++) {
		d->vcpus[i]->sched.weight = weight;
		d->vcpus[i]->sched.cap = cap;
	}
	arch_irq_restore(flags);
}

void sched_destroy_vcpu(struct vcpu *v)
{
	unsigned long flags = arch_irq_save();

	if (v->sched.vcpu) {
		sched_remove(sched_this_cpu(), &v->sched);
		v->sched.vcpu = NULL;
	}
	arch_irq_restore(flags);
}

static void runstate_for(struct vcpu *v, enum sched_state s)
{
	static const int map[] = {
		[SCHED_OFFLINE] = RUNSTATE_offline,
		[SCHED_RUNNABLE] = RUNSTATE_runnable,
		[SCHED_RUNNING] = RUNSTATE_running,
		[SCHED_BLOCKED] = RUNSTATE_blocked,
	};

	if (v->runstate != map[s]) {
		vcpu_runstate_change(v, map[s]);
	}
}

/* Make @v runnable if it is in state @from. */
static void wake_from(struct vcpu *v, enum sched_state from)
{
	unsigned long flags = arch_irq_save();
	struct sched_cpu *c = sched_this_cpu();

	if (v->sched.vcpu && v->sched.state == from) {
		sched_wake(c, &v->sched, NOW());
		runstate_for(v, SCHED_RUNNABLE);
		/* Nobody running, or a boosted wake-up beats the running vCPU: decide now. */
		if (!c->curr || sched_should_preempt(c)) {
			sched_raise();
		}
	}
	arch_irq_restore(flags);
}

void vcpu_wake(struct vcpu *v)
{
	wake_from(v, SCHED_BLOCKED);
}

void vcpu_online(struct vcpu *v)
{
	if (v->domain->state == DOMAIN_RUNNING) {
		wake_from(v, SCHED_OFFLINE);
	}
}

void vcpu_block(struct vcpu *v)
{
	unsigned long flags = arch_irq_save();

	sched_sleep(sched_this_cpu(), &v->sched, SCHED_BLOCKED, NOW());
	runstate_for(v, SCHED_BLOCKED);
	sched_raise();
	arch_irq_restore(flags);
}

void vcpu_sleep_offline(struct vcpu *v)
{
	unsigned long flags = arch_irq_save();

	if (v->sched.vcpu && v->sched.state != SCHED_OFFLINE) {
		/* A poll it was blocked in ends with it; coming back up returns from the poll. */
		if (v->poll_blocked) {
			struct timer_queue *q = arch_this_timer_queue();

			v->poll_blocked = false;
			timer_stop(q, &v->poll_timer);
			arch_timer_program(timer_queue_next(q));
		}
		sched_sleep(sched_this_cpu(), &v->sched, SCHED_OFFLINE, NOW());
		runstate_for(v, SCHED_OFFLINE);
		sched_raise();
	}
	arch_irq_restore(flags);
}

struct vcpu *sched_next(s_time_t now)
{
	unsigned int cpu = arch_cpu_id();
	struct sched_cpu *c = &sched_cpus[cpu];
	struct sched_vcpu *prev = c->curr, *next;
	struct timer_queue *q = arch_this_timer_queue();
	s_time_t end;

	ensure_cpu();
	next = sched_pick(c, now, &end);
	if (prev && prev != next) {
		runstate_for(prev->vcpu, prev->state);
	}
	if (next) {
		runstate_for(next->vcpu, SCHED_RUNNING);
	}
	timer_set(q, &slice_timers[cpu], end);
	arch_timer_program(timer_queue_next(q));
	return next ? next->vcpu : NULL;
}

void sched_poll_block(struct vcpu *v, s_time_t timeout)
{
	unsigned long flags = arch_irq_save();

	v->poll_blocked = true;
	if (timeout) {
		struct timer_queue *q = arch_this_timer_queue();

		timer_set(q, &v->poll_timer, timeout);
		arch_timer_program(timer_queue_next(q));
	}
	arch_irq_restore(flags);
	vcpu_block(v);
}

void sched_wake_pollers(struct domain *d)
{
	unsigned int i;

	for (i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		if (v && v->poll_blocked) {
			v->poll_blocked = false;
			vcpu_wake(v);
		}
	}
}
