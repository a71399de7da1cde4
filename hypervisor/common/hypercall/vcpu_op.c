/*
 * vcpu_op: per-vCPU operations: bringing secondary vCPUs up (initialise, up) and down, timers,
 * vcpu_info placement and runstate reporting (docs/abi/vcpu_op.md).
 */
#include <argon/arch.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/schedule.h>
#include <argon/time.h>
#include <argon/vtime.h>
#include <asm/pv/mm.h>
#include <public/sched.h>
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

/*
 * Publish the runstate at the registered address, bracketed by XEN_RUNSTATE_UPDATE. The address
 * is in the guest's kernel address space, reachable only while @v's page tables are loaded.
 */
void vcpu_runstate_publish(struct vcpu *v)
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
	vcpu_runstate_publish(v);
}

/* Move @v's vcpu_info into a frame of the guest's own (Linux does this for every vCPU). */
static long register_vcpu_info(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct vcpu_register_vcpu_info r;
	struct page_info *pg;
	struct vcpu_info *new;
	mfn_t mfn;
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
	if (arch_guest_frame_to_mfn(d, r.mfn, &mfn)) {
		return -EINVAL;
	}
	pg = pv_mfn_to_page(mfn);
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
	new = (struct vcpu_info *)((uint8_t *)arch_mfn_to_virt(mfn) + r.offset);
	*new = *v->arch.vcpu_info;
	v->arch.vcpu_info = new;
	v->vcpu_info_mfn = mfn;
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

/* VCPUOP_initialise: give never-initialised @v its first context. */
static long initialise(struct vcpu *v, uint64_t vcpuid, uint64_t arg)
{
	bool online = false;
	long rc;

	/* As Xen: once per vCPU; a vCPU that was taken down keeps its context for VCPUOP_up. */
	if (v->is_initialised) {
		return -EEXIST;
	}
	rc = arch_initialise_vcpu(v, arg, &online);
	if (rc == -ERESTART) {
		return hypercall_create_continuation(__HYPERVISOR_vcpu_op, VCPUOP_initialise,
						     vcpuid, arg, 0, 0);
	}
	if (rc) {
		return rc;
	}
	v->is_initialised = true;
	vcpu_update_time(v);
	if (online) {
		vcpu_online(v);
	}
	return 0;
}

/* VCPUOP_down: take @v offline; the last vCPU of the domain going down powers it off (Xen's). */
static long down(struct vcpu *v)
{
	struct domain *d = v->domain;
	unsigned int i;

	for (i = 0; i < d->max_vcpus; i++) {
		struct vcpu *o = d->vcpus[i];

		if (o && o != v && o->sched.state != SCHED_OFFLINE) {
			vcpu_sleep_offline(v);
			return 0;
		}
	}
	domain_shutdown(d, SHUTDOWN_poweroff);
	return 0;
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
	case VCPUOP_initialise:
		return initialise(v, vcpuid, arg);
	case VCPUOP_up:
		if (!v->is_initialised) {
			return -EINVAL;
		}
		/* Up already (running, runnable or blocked): nothing to do. */
		vcpu_online(v);
		return 0;
	case VCPUOP_down:
		return down(v);
	case VCPUOP_is_up:
		return v->sched.state != SCHED_OFFLINE;
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
		vcpu_runstate_publish(v);
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
		/* send_nmi, get_physid, register_vcpu_time_memory_area: not implemented. */
		return -ENOSYS;
	}
}
