/*
 * Guest time: the pvclock each vCPU reads from its vcpu_info, the wallclock in shared_info, and
 * the guest timers (set_timer_op, VCPUOP_*_timer) that raise VIRQ_TIMER.
 */
#include <argon/arch.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/event.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/schedule.h>
#include <argon/vtime.h>
#include <public/vcpu.h>
#include <public/xen.h>

/*
 * Writers bump the version to odd, update, then bump to even; readers retry while it is odd or
 * changed (the protocol of vcpu_time_info and wc_version).
 */
static void version_begin(uint32_t *version)
{
	WRITE_ONCE(*version, *version + 1);
	barrier();
}

static void version_end(uint32_t *version)
{
	barrier();
	WRITE_ONCE(*version, *version + 1);
}

void vcpu_update_time(struct vcpu *v)
{
	struct vcpu_time_info *t = &v->arch.vcpu_info->time;
	uint64_t tsc;
	s_time_t now;
	int8_t shift;
	uint32_t mul;

	arch_time_sample(&tsc, &now, &shift, &mul);
	version_begin(&t->version);
	t->tsc_timestamp = tsc + arch_vcpu_tsc_offset(v);
	t->system_time = (uint64_t)now;
	t->tsc_to_system_mul = mul;
	t->tsc_shift = shift;
	version_end(&t->version);
}

void domain_update_wallclock(struct domain *d)
{
	struct shared_info *si = d->shared_info;
	uint64_t sec = (uint64_t)(boot_wallclock_ns / NSEC_PER_SEC);

	version_begin(&si->wc_version);
	si->wc_sec = (uint32_t)sec;
	si->wc_sec_hi = (uint32_t)(sec >> 32);
	si->wc_nsec = (uint32_t)(boot_wallclock_ns % NSEC_PER_SEC);
	version_end(&si->wc_version);
}

void wallclock_set(uint64_t secs, uint32_t nsecs, s_time_t system_time)
{
	struct domain *d = NULL;

	boot_wallclock_ns = (int64_t)secs * NSEC_PER_SEC + nsecs - system_time;
	while ((d = domain_next(d))) {
		if (d->shared_info) {
			domain_update_wallclock(d);
		}
	}
}

void send_timer_virq(struct vcpu *v)
{
	send_guest_virq(v, VIRQ_TIMER);
}

static void timer_fired(struct timer *t, void *data)
{
	send_timer_virq(data);
}

static void poll_timeout(struct timer *t, void *data)
{
	struct vcpu *v = data;

	v->poll_blocked = false;
	vcpu_wake(v);
}

void vcpu_timers_init(struct vcpu *v)
{
	timer_init(&v->singleshot_timer, timer_fired, v);
	timer_init(&v->periodic_timer, timer_fired, v);
	timer_init(&v->poll_timer, poll_timeout, v);
}

void vcpu_timers_kill(struct vcpu *v)
{
	unsigned long flags = arch_irq_save();
	struct timer_queue *q = arch_this_timer_queue();

	timer_stop(q, &v->singleshot_timer);
	timer_stop(q, &v->periodic_timer);
	timer_stop(q, &v->poll_timer);
	arch_timer_program(timer_queue_next(q));
	arch_irq_restore(flags);
}

/* Arm @t at @expires (periodic with @period > 0); an expiry in the past fires at once. */
static long arm(struct timer *t, s_time_t expires, s_time_t period)
{
	unsigned long flags = arch_irq_save();
	struct timer_queue *q = arch_this_timer_queue();
	long rc;

	rc = period ? timer_set_periodic(q, t, expires, period) : timer_set(q, t, expires);
	arch_timer_program(timer_queue_next(q));
	arch_irq_restore(flags);
	return rc;
}

static void disarm(struct timer *t)
{
	unsigned long flags = arch_irq_save();
	struct timer_queue *q = arch_this_timer_queue();

	timer_stop(q, t);
	arch_timer_program(timer_queue_next(q));
	arch_irq_restore(flags);
}

long do_set_timer_op(uint64_t timeout, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current_vcpu();

	/* 0 cancels; otherwise an absolute system time, and one in the past fires at once. */
	if (!timeout) {
		disarm(&v->singleshot_timer);
		return 0;
	}
	return arm(&v->singleshot_timer, (s_time_t)MIN(timeout, (uint64_t)STIME_MAX), 0);
}

/* Shortest periodic timer a guest may ask for (Xen's limit). */
#define MIN_PERIOD MICROSECS(1000)

long vcpu_op_timer(unsigned int cmd, struct vcpu *v, uint64_t arg)
{
	switch (cmd) {
	case VCPUOP_set_periodic_timer: {
		struct vcpu_set_periodic_timer p;

		if (copy_from_guest(&p, arg, sizeof(p))) {
			return -EFAULT;
		}
		if (p.period_ns < MIN_PERIOD || p.period_ns > (uint64_t)STIME_MAX / 2) {
			return -EINVAL;
		}
		return arm(&v->periodic_timer, NOW() + (s_time_t)p.period_ns, (s_time_t)p.period_ns);
	}
	case VCPUOP_stop_periodic_timer:
		disarm(&v->periodic_timer);
		return 0;
	case VCPUOP_set_singleshot_timer: {
		struct vcpu_set_singleshot_timer s;

		if (copy_from_guest(&s, arg, sizeof(s))) {
			return -EFAULT;
		}
		if ((s.flags & VCPU_SSHOTTMR_future) && (s_time_t)s.timeout_abs_ns < NOW()) {
			return -ETIME;
		}
		return arm(&v->singleshot_timer, (s_time_t)MIN(s.timeout_abs_ns, (uint64_t)STIME_MAX), 0);
	}
	case VCPUOP_stop_singleshot_timer:
		disarm(&v->singleshot_timer);
		return 0;
	default:
		return -ENOSYS;
	}
}
