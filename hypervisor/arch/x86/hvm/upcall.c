/*
 * Event-channel upcalls for HVM guests. The common event code marks vcpu_info's
 * evtchn_upcall_pending exactly as for PV; an HVM guest learns of it through the vector it named
 * in HVM_PARAM_CALLBACK_IRQ (type 2). As in Xen, that vector is level-like and bypasses the
 * local APIC: it is injected whenever the flag is set and the guest can take an interrupt, with
 * no IRR/ISR state and no EOI, and the guest clears the flag in its handler. The vcpu_info's
 * evtchn_upcall_mask is PV's; an HVM guest masks with EFLAGS.IF.
 */
#include <argon/arch.h>
#include <argon/lib.h>
#include <argon/vtime.h>
#include <asm/domain.h>
#include <asm/hvm/hvm.h>
#include <public/hvm/params.h>
#include <public/xen.h>

int hvm_callback_vector(const struct vcpu *v)
{
	uint64_t via = v->domain->arch.hvm->params[HVM_PARAM_CALLBACK_IRQ];

	if ((via >> 56) != HVM_PARAM_CALLBACK_TYPE_VECTOR || !v->arch.vcpu_info ||
	    !__atomic_load_n(&v->arch.vcpu_info->evtchn_upcall_pending, __ATOMIC_SEQ_CST)) {
		return -1;
	}
	return (int)(via & 0xff);
}

void hvm_pvclock_sync(struct vcpu *v)
{
	uint64_t offset = hvm_ops->get_tsc_offset(v);

	/*
	 * The pvclock's TSC stamp includes the offset: whatever moved it (keeping the guest's TSC
	 * steady across a deschedule) would otherwise leave the guest's Xen clock off by as much.
	 */
	if (offset != v->arch.hvm->pvclock_tsc_offset) {
		v->arch.hvm->pvclock_tsc_offset = offset;
		vcpu_update_time(v);
	}
}

uint64_t arch_vcpu_tsc_offset(const struct vcpu *v)
{
	/* The guest's pvclock must be in the TSC it reads: the host's plus the VMCB offset. */
	return is_hvm_vcpu(v) ? hvm_ops->get_tsc_offset(v) : 0;
}
