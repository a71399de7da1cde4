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
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/memory.h>
#include <public/xen.h>

static long hvm_memory_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5);
static long hvm_op(uint64_t op, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5);

#define NR_HVM_HYPERCALLS 64

static const hypercall_fn hvm_hypercalls[NR_HVM_HYPERCALLS] = {
	[__HYPERVISOR_memory_op] = hvm_memory_op,
	[__HYPERVISOR_xen_version] = do_xen_version,
	[__HYPERVISOR_console_io] = do_console_io,
	[__HYPERVISOR_sched_op] = do_sched_op,
	[__HYPERVISOR_hvm_op] = hvm_op,
};

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
	/*
	 * Stored only: event-channel upcalls through the callback come with event channels for HVM
	 * guests (docs/design/hvm.md).
	 */
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
