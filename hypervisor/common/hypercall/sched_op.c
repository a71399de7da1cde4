/* sched_op: yielding, shutting down and polling (blocking comes with the scheduler). */
#include <argon/domain.h>
#include <argon/schedule.h>
#include <argon/errno.h>
#include <argon/event.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <public/sched.h>

long do_sched_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct domain *d = current_vcpu()->domain;

	switch (cmd) {
	case SCHEDOP_yield:
		sched_raise();
		return 0;
	case SCHEDOP_block: {
		struct vcpu *v = current_vcpu();

		/* Blocking enables event delivery; with an event already pending there is no sleep. */
		v->arch.vcpu_info->evtchn_upcall_mask = 0;
		barrier();
		if (!v->arch.vcpu_info->evtchn_upcall_pending) {
			vcpu_block(v);
		}
		return 0;
	}
	case SCHEDOP_shutdown:
	case SCHEDOP_shutdown_code: {
		struct sched_shutdown s;

		if (copy_from_guest(&s, arg, sizeof(s))) {
			return -EFAULT;
		}
		if (s.reason > SHUTDOWN_MAX) {
			return -EINVAL;
		}
		if (cmd == SCHEDOP_shutdown_code) {
			d->shutdown_reason = s.reason;
			return 0;
		}
		domain_shutdown(d, s.reason);
		return 0;
	}
	case SCHEDOP_remote_shutdown: {
		struct sched_remote_shutdown s;
		struct domain *target;

		if (!d->is_privileged) {
			return -EPERM;
		}
		if (copy_from_guest(&s, arg, sizeof(s))) {
			return -EFAULT;
		}
		target = domain_by_id(s.domain_id);
		if (!target) {
			return -ESRCH;
		}
		if (s.reason > SHUTDOWN_MAX) {
			return -EINVAL;
		}
		domain_shutdown(target, s.reason);
		return 0;
	}
	case SCHEDOP_poll:
		/* Returns at once when a port is pending; blocking comes with the scheduler. */
		return evtchn_sched_poll(current_vcpu(), arg);
	default:
		/* watchdog, pin_override: not implemented. */
		return -ENOSYS;
	}
}
