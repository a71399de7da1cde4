/*
 * Hypercalls from HVM guests (VMMCALL, or a call into the hypercall page): number in RAX; the
 * arguments in RDI, RSI, RDX, R10, R8 for 64-bit code and in EBX, ECX, EDX, ESI, EDI for 32-bit
 * code (Xen's HVM convention); the result in RAX. Default deny: only the hypercalls in the table
 * below exist for HVM guests, the PV-only ones (page tables, traps, descriptors) are -ENOSYS.
 * The handlers are the common ones; their copy_from_guest() reaches guest memory through the
 * guest's page tables and the p2m (hvm/guest_access.c) because the caller is an HVM vCPU.
 */
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <asm/hvm/hvm.h>
#include <argon/grant.h>
#include <public/features.h>
#include <public/grant_table.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/xen.h>

static long hvm_memory_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5);
static long hvm_xen_version(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5);
static long hvm_grant_table_op(uint64_t cmd, uint64_t arg, uint64_t count, uint64_t a4,
			       uint64_t a5);
static long hvm_vcpu_op(uint64_t cmd, uint64_t vcpuid, uint64_t arg, uint64_t a4, uint64_t a5);
static long hvm_sched_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5);
static long hvm_op(uint64_t op, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5);

#define NR_HVM_HYPERCALLS 64

static const hypercall_fn hvm_hypercalls[NR_HVM_HYPERCALLS] = {
	[__HYPERVISOR_memory_op] = hvm_memory_op,
	[__HYPERVISOR_xen_version] = hvm_xen_version,
	[__HYPERVISOR_console_io] = do_console_io,
	[__HYPERVISOR_grant_table_op] = hvm_grant_table_op,
	[__HYPERVISOR_vcpu_op] = hvm_vcpu_op,
	[__HYPERVISOR_sched_op] = hvm_sched_op,
	[__HYPERVISOR_event_channel_op] = do_event_channel_op,
	[__HYPERVISOR_hvm_op] = hvm_op,
};

/*
 * The features an HVM guest has (Xen's set for HVM): it sees guest frames (auto-translated) and
 * writes its own page tables; events arrive through the callback vector; the pvclock in
 * vcpu_info is in the guest's TSC, offset included, so it is safe to use. No PIRQs: interrupts
 * come from the emulated IO-APIC and PIC.
 */
#define HVM_FEATURES ((1u << XENFEAT_writable_page_tables) | \
		      (1u << XENFEAT_auto_translated_physmap) | \
		      (1u << XENFEAT_hvm_callback_vector) | (1u << XENFEAT_hvm_safe_pvclock))

/*
 * Argon translates no 32-bit ("compat") layouts: the calls whose structures hold a pointer, a
 * xen_ulong_t or a 64-bit field at a 4-byte-aligned offset in 32-bit code are for 64-bit callers
 * only, rather than read or written at the wrong offsets.
 */
static bool wide_caller(void)
{
	return hvm_code_bytes(current_vcpu()) == 8;
}

static long hvm_sched_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	if (cmd == SCHEDOP_poll && !wide_caller()) {
		return -ENOSYS;		/* struct sched_poll holds a handle */
	}
	return do_sched_op(cmd, arg, a3, a4, a5);
}

static long hvm_xen_version(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct xen_feature_info fi;

	if (cmd == XENVER_platform_parameters && !wide_caller()) {
		return -ENOSYS;		/* virt_start is a xen_ulong_t */
	}
	if (cmd != XENVER_get_features) {
		return do_xen_version(cmd, arg, a3, a4, a5);
	}
	if (copy_from_guest(&fi, arg, sizeof(fi))) {
		return -EFAULT;
	}
	if (fi.submap_idx >= XENFEAT_NR_SUBMAPS) {
		return -EINVAL;
	}
	fi.submap = HVM_FEATURES;
	return copy_to_guest(arg, &fi, sizeof(fi)) ? -EFAULT : 0;
}

/*
 * GNTTABOP_setup_table for an auto-translated caller: the table grows as for PV, and each frame
 * is reported by the GFN the guest mapped it at (XENMAPSPACE_grant_table), ~0 where it has not.
 */
static long setup_table_translated(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct gnttab_setup_table op;
	unsigned int i;

	if (copy_from_guest(&op, arg, sizeof(op))) {
		return -EFAULT;
	}
	op.status = GNTST_okay;
	if (op.dom != DOMID_SELF && op.dom != d->domain_id) {
		op.status = GNTST_permission_denied;
	} else if (op.nr_frames > d->grant_table->max_frames ||
		   grant_table_grow(d, op.nr_frames)) {
		op.status = GNTST_general_error;
	} else {
		for (i = 0; i < op.nr_frames; i++) {
			xen_pfn_t f = hvm_grant_frame_gfn(d, i);

			if (copy_to_guest(op.frame_list.addr + i * sizeof(f), &f, sizeof(f))) {
				return -EFAULT;
			}
		}
	}
	return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
}

/*
 * grant_table_op for HVM callers: the table's own management. Mapping and copying grants name
 * frames and page-table entries the PV way and are -ENOSYS (docs/abi/grant_table_op.md).
 * setup_table's handle is pointer-sized, so it needs 64-bit code.
 */
static long hvm_grant_table_op(uint64_t cmd, uint64_t arg, uint64_t count, uint64_t a4,
			       uint64_t a5)
{
	switch (cmd) {
	case GNTTABOP_setup_table:
		if (!wide_caller()) {
			return -ENOSYS;
		}
		if (count != 1) {
			return -EINVAL;
		}
		return setup_table_translated(current_vcpu(), arg);
	case GNTTABOP_query_size:
	case GNTTABOP_set_version:
	case GNTTABOP_get_version:
		return do_grant_table_op(cmd, arg, count, a4, a5);
	default:
		return -ENOSYS;
	}
}

/*
 * vcpu_op for HVM callers: timers, vcpu_info placement, runstate. Bringing vCPUs up and down is
 * the emulated local APIC's (INIT/SIPI) and VCPUOP_initialise takes a PV context: -ENOSYS.
 */
static long hvm_vcpu_op(uint64_t cmd, uint64_t vcpuid, uint64_t arg, uint64_t a4, uint64_t a5)
{
	switch (cmd) {
	case VCPUOP_get_runstate_info:
	case VCPUOP_register_runstate_memory_area:
		/* vcpu_runstate_info's 64-bit fields sit 4 bytes earlier in 32-bit code. */
		if (!wide_caller()) {
			return -ENOSYS;
		}
		return do_vcpu_op(cmd, vcpuid, arg, a4, a5);
	case VCPUOP_is_up:
	case VCPUOP_register_vcpu_info:
	case VCPUOP_set_periodic_timer:
	case VCPUOP_stop_periodic_timer:
	case VCPUOP_set_singleshot_timer:
	case VCPUOP_stop_singleshot_timer:
		return do_vcpu_op(cmd, vcpuid, arg, a4, a5);
	default:
		return -ENOSYS;
	}
}

/*
 * memory_op for HVM callers: the queries whose argument layout is the same for 32- and 64-bit
 * code; the machine-to-phys mapping is PV-only. XENMEM_memory_map needs the 64-bit layout.
 */
static long hvm_memory_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	switch (cmd) {
	case XENMEM_maximum_ram_page:
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		return do_memory_op(cmd, arg, a3, a4, a5);
	case XENMEM_add_to_physmap:
		return hvm_add_to_physmap(current_vcpu(), arg);
	case XENMEM_remove_from_physmap:
		return hvm_remove_from_physmap(current_vcpu(), arg);
	case XENMEM_memory_map:
		/* Guest RAM is one run from 0, which is what the common handler reports. */
		if (hvm_code_bytes(current_vcpu()) != 8) {
			return -ENOSYS;
		}
		return do_memory_op(cmd, arg, a3, a4, a5);
	default:
		return -ENOSYS;
	}
}

/* Parameters a guest may set on itself; the rest belong to the toolstack. */
static bool guest_may_set(uint32_t index)
{
	return index == HVM_PARAM_CALLBACK_IRQ;
}

/*
 * HVM_PARAM_CALLBACK_IRQ: bits 63:56 the type, the rest its argument. Argon delivers events
 * through a vector (type 2, vector in bits 7:0) and nothing else: no GSI or PCI INTx line is
 * wired to the event machinery (there is no Xen platform PCI device). 0 turns delivery off.
 */
static int check_callback(uint64_t value)
{
	uint64_t type = value >> 56;

	if (!value) {
		return 0;
	}
	if (type != HVM_PARAM_CALLBACK_TYPE_VECTOR) {
		return -EINVAL;
	}
	if ((value & ~(0xffULL | (0xffULL << 56))) || (value & 0xff) < 0x10) {
		return -EINVAL;
	}
	return 0;
}

static long hvm_op(uint64_t op, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current_vcpu();
	struct domain *d;
	struct xen_hvm_param p;

	if (op != HVMOP_set_param && op != HVMOP_get_param) {
		return -ENOSYS;
	}
	if (copy_from_guest(&p, arg, sizeof(p))) {
		return -EFAULT;
	}
	if (p.pad) {
		return -EINVAL;
	}
	if (p.domid == DOMID_SELF || p.domid == v->domain->domain_id) {
		d = v->domain;
	} else if (v->domain->is_privileged) {
		d = domain_by_id(p.domid);
		if (!d) {
			return -ESRCH;
		}
	} else {
		return -EPERM;
	}
	if (!is_hvm_domain(d)) {
		return -EINVAL;
	}
	if (p.index >= HVM_NR_PARAMS) {
		return -EINVAL;
	}
	if (op == HVMOP_get_param) {
		p.value = d->arch.hvm->params[p.index];
		return copy_to_guest(arg, &p, sizeof(p)) ? -EFAULT : 0;
	}
	if (d == v->domain && !d->is_privileged && !guest_may_set(p.index)) {
		return -EPERM;
	}
	if (p.index == HVM_PARAM_CALLBACK_IRQ && check_callback(p.value)) {
		return -EINVAL;
	}
	d->arch.hvm->params[p.index] = p.value;
	return 0;
}

void hvm_handle_hypercall(struct vcpu *v, const uint8_t insn[3])
{
	struct hvm_regs *r = &v->arch.hvm->regs;
	bool wide = hvm_code_bytes(v) == 8;
	uint64_t nr = wide ? r->rax : (uint32_t)r->rax;
	long ret;

	if (!hvm_skip_insn(v, insn, 3)) {
		return;
	}
	if (hvm_ops->get_cpl(v) != 0) {
		ret = -EPERM;	/* hypercalls are for the guest kernel (Xen does the same) */
	} else if (nr >= NR_HVM_HYPERCALLS || !hvm_hypercalls[nr]) {
		ret = -ENOSYS;
	} else if (wide) {
		ret = hvm_hypercalls[nr](r->rdi, r->rsi, r->rdx, r->r10, r->r8);
	} else {
		ret = hvm_hypercalls[nr]((uint32_t)r->rbx, (uint32_t)r->rcx, (uint32_t)r->rdx,
					 (uint32_t)r->rsi, (uint32_t)r->rdi);
	}
	r->rax = wide ? (uint64_t)ret : (uint32_t)ret;
}
