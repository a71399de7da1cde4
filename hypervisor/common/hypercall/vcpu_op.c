/*
 * vcpu_op: per-vCPU operations. Timers, vcpu_info placement and runstate reporting are here;
 * bringing secondary vCPUs up and down comes with the scheduler.
 */
#include <argon/arch.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/time.h>
#include <argon/vtime.h>
#include <asm/pv/mm.h>
#include <public/vcpu.h>
#include <public/xen.h>

static void runstate_fill(const struct vcpu *v, struct vcpu_runstate_info *r, s_time_t now)
{
	memset(r, 0, sizeof(*r));
	r->state = v->runstate;
	r->state_entry_time = (uint64_t)v->runstate_entry;
	memcpy(r->time, v->runstate_time, sizeof(r->time));
	/* The time in the current state counts up to now. */
	r->time[v->runstate] += (uint64_t)(now - v->runstate_entry);
}

/* Publish the runstate at the registered address, bracketed by XEN_RUNSTATE_UPDATE. */
static void runstate_publish(struct vcpu *v)
{
	struct vcpu_runstate_info r;
	uint64_t flagged;

	if (!v->runstate_guest_va || v != current_vcpu()) {
		return;
	}
	runstate_fill(v, &r, v->runstate_entry);
	flagged = r.state_entry_time | XEN_RUNSTATE_UPDATE;
	/* A fault here is the guest's problem (it unmapped the area): nothing to report to it. */
	if (copy_to_guest(v->runstate_guest_va + __builtin_offsetof(struct vcpu_runstate_info,
								     state_entry_time),
			  &flagged, sizeof(flagged))) {
		return;
	}
	barrier();
	copy_to_guest(v->runstate_guest_va, &r, sizeof(r));
}

void vcpu_runstate_change(struct vcpu *v, int state)
{
	s_time_t now = NOW();

	v->runstate_time[v->runstate] += (uint64_t)(now - v->runstate_entry);
	v->runstate = state;
	v->runstate_entry = now;
	runstate_publish(v);
}

/* Move @v's vcpu_info into a frame of the guest's own (Linux does this for every vCPU). */
static long register_vcpu_info(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct vcpu_register_vcpu_info r;
	struct page_info *pg;
	struct vcpu_info *new;
	long rc;

	if (copy_from_guest(&r, arg, sizeof(r))) {
		return -EFAULT;
	}
	if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info) || (r.offset & 7) || r.rsvd) {
		return -EINVAL;
	}
	if (mfn_x(v->vcpu_info_mfn)) {
		return -EINVAL;	/* once per vCPU, as on Xen */
	}
	if (r.mfn >= sys_heap.nr_frames) {
		return -EINVAL;
	}
	pg = pv_mfn_to_page(_mfn(r.mfn));
	spin_lock(&d->arch.mm_lock);
	rc = get_page(pg, d);
	if (!rc) {
		/* The frame stays writable-typed while Argon writes into it. */
		rc = get_page_type(d, pg, PGT_WRITABLE, false);
		if (rc) {
			put_page(pg);
		}
	}
	spin_unlock(&d->arch.mm_lock);
	if (rc) {
		return rc;
	}
	new = (struct vcpu_info *)((uint8_t *)arch_mfn_to_virt(_mfn(r.mfn)) + r.offset);
	*new = *v->arch.vcpu_info;
	v->arch.vcpu_info = new;
	v->vcpu_info_mfn = _mfn(r.mfn);
	vcpu_update_time(v);
	return 0;
}

void vcpu_release_vcpu_info(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct page_info *pg;

	if (!mfn_x(v->vcpu_info_mfn)) {
		return;
	}
	pg = pv_mfn_to_page(v->vcpu_info_mfn);
	spin_lock(&d->arch.mm_lock);
	put_page_type(d, pg, false);
	put_page(pg);
	spin_unlock(&d->arch.mm_lock);
	v->vcpu_info_mfn = _mfn(0);
}

long do_vcpu_op(uint64_t cmd, uint64_t vcpuid, uint64_t arg, uint64_t a4, uint64_t a5)
{
	struct domain *d = current_vcpu()->domain;
	struct vcpu *v;

	if (vcpuid >= d->max_vcpus || !d->vcpus[vcpuid]) {
		return -ENOENT;
	}
	v = d->vcpus[vcpuid];
	switch (cmd) {
	case VCPUOP_is_up:
		return v->runstate != RUNSTATE_offline;
	case VCPUOP_get_runstate_info: {
		struct vcpu_runstate_info r;

		runstate_fill(v, &r, NOW());
		return copy_to_guest(arg, &r, sizeof(r)) ? -EFAULT : 0;
	}
	case VCPUOP_register_runstate_memory_area: {
		struct vcpu_register_runstate_memory_area r;

		if (copy_from_guest(&r, arg, sizeof(r))) {
			return -EFAULT;
		}
		v->runstate_guest_va = r.addr.p;
		runstate_publish(v);
		return 0;
	}
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(v, arg);
	case VCPUOP_set_singleshot_timer:
	case VCPUOP_stop_singleshot_timer:
		/* One-shot timers belong to the calling vCPU only. */
		if (v != current_vcpu()) {
			return -EINVAL;
		}
		return vcpu_op_timer((unsigned int)cmd, v, arg);
	case VCPUOP_set_periodic_timer:
	case VCPUOP_stop_periodic_timer:
		return vcpu_op_timer((unsigned int)cmd, v, arg);
	default:
		/* initialise/up/down (secondary vCPUs), send_nmi, get_physid: not yet. */
		return -ENOSYS;
	}
}
