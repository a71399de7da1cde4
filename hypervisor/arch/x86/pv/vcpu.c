/*
 * VCPUOP_initialise for PV vCPUs: take the references a decoded vcpu_guest_context needs, check
 * the selectors it will be entered with, then install the state (asm/pv/vcpu.h). The vCPU is
 * offline and never initialised, so nothing runs on it meanwhile and it holds no references yet.
 */
#include <argon/arch.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/vtime.h>
#include <asm/page.h>
#include <asm/pv/descriptor.h>
#include <asm/pv/mm.h>
#include <asm/pv/vcpu.h>
#include <public/arch-x86/xen.h>

/*
 * True if selector @sel is @flat (Argon's flat selector for it) or names a descriptor in the
 * GDT frames of @in that passes @desc_ok. LDT selectors and selectors beyond gdt_ents fail.
 */
static bool selector_ok(const struct pv_vcpu_init *in, uint64_t sel, uint64_t flat,
			bool (*desc_ok)(uint64_t))
{
	unsigned int idx = (unsigned int)(sel >> 3);
	const uint64_t *frame;

	if (sel == flat) {
		return true;
	}
	if ((sel & 4) || idx >= in->gdt_ents) {
		return false;
	}
	/* The frames hold a descriptor-page type reference: the guest cannot change them now. */
	frame = arch_mfn_to_virt(_mfn(in->gdt_frames[idx / 512]));
	return desc_ok(frame[idx % 512]);
}

/* Undo taking @v's kernel root: its references go, the vCPU has none again. */
static void drop_kernel_table(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct page_info *pg = pv_mfn_to_page(v->arch.guest_table);

	spin_lock(&d->arch.mm_lock);
	v->arch.guest_table = _mfn(0);
	put_page_type(d, pg, false);
	spin_unlock(&d->arch.mm_lock);
	put_page(pg);
}

int pv_vcpu_initialise(struct vcpu *v, const struct pv_vcpu_init *in)
{
	struct domain *d = v->domain;
	int rc;

	rc = pv_gdt_get_frames(d, in->gdt_frames, in->nr_gdt_frames);
	if (rc) {
		return rc == -EPERM ? -EINVAL : rc;
	}
	/* iretq into the guest must not fault in Argon: cs and ss must load from this GDT. */
	if (!selector_ok(in, in->regs.cs, FLAT_KERNEL_CS, pv_code_desc_ok) ||
	    !selector_ok(in, in->regs.ss, FLAT_KERNEL_SS, pv_stack_desc_ok)) {
		rc = -EINVAL;
		goto out_gdt;
	}
	/* The vCPU is not running: the roots are recorded, no CR3 is loaded. */
	if (in->user_l4) {
		rc = pv_set_guest_table_preemptible(v, _mfn(in->user_l4), true);
		if (rc) {
			goto out_gdt;
		}
	}
	rc = pv_set_guest_table_preemptible(v, _mfn(in->kernel_l4), false);
	if (rc) {
		goto out_user;
	}
	/* The LDT's pages are found through the kernel page tables just taken (MMUEXT_SET_LDT). */
	if (in->ldt_ents) {
		rc = pv_set_ldt(v, in->ldt_base, in->ldt_ents);
		if (rc) {
			goto out_kernel;
		}
	}

	/* Nothing fails from here on. */
	pv_gdt_install(v, in->gdt_frames, in->nr_gdt_frames, in->gdt_ents);
	v->arch.saved_regs = in->regs;
	memcpy(v->arch.traps, in->traps, sizeof(v->arch.traps));
	v->arch.event_callback = in->event_callback;
	v->arch.failsafe_callback = in->failsafe_callback;
	v->arch.syscall_callback = in->syscall_callback;
	memset(&v->arch.nmi_callback, 0, sizeof(v->arch.nmi_callback));
	v->arch.kernel_ss = in->kernel_ss;
	v->arch.kernel_sp = in->kernel_sp;
	v->arch.fs_base = in->fs_base;
	v->arch.gs_base_kernel = in->gs_base_kernel;
	v->arch.gs_base_user = in->gs_base_user;
	memcpy(v->arch.sel, in->sel, sizeof(v->arch.sel));
	v->arch.iopl = in->iopl;
	v->arch.kernel_mode = in->kernel_mode;
	v->arch.fpu_ts = in->fpu_ts;
	pv_vcpu_set_fpu(v, in->fpu_valid ? in->fpu : NULL);
	return 0;

out_kernel:
	drop_kernel_table(v);
out_user:
	if (in->user_l4) {
		pv_set_guest_table(v, _mfn(0), true);
	}
out_gdt:
	pv_gdt_put_frames(d, in->gdt_frames, in->nr_gdt_frames);
	/* A frame of another domain is as invalid as a bad one here (Xen's get_page_from_mfn). */
	return rc == -EPERM ? -EINVAL : rc;
}

long arch_initialise_vcpu(struct vcpu *v, uint64_t arg, bool *online)
{
	struct vcpu_guest_context *c;
	struct pv_vcpu_init *in;
	long rc;

	/* Both are several KiB: too big for the hypervisor stack. */
	c = alloc_xenheap(sizeof(*c));
	in = alloc_xenheap(sizeof(*in));
	if (!c || !in) {
		rc = -ENOMEM;
		goto out;
	}
	/* One copy: what is checked is what is used. */
	if (copy_from_guest(c, arg, sizeof(*c))) {
		rc = -EFAULT;
		goto out;
	}
	rc = pv_vcpu_context_decode(c, PV_VM_ASSIST_VALID, pv_mxcsr_mask(), in);
	if (!rc) {
		rc = pv_vcpu_initialise(v, in);
	}
	if (!rc) {
		*online = in->online;
	}
out:
	if (in) {
		free_xenheap(in, sizeof(*in));
	}
	if (c) {
		free_xenheap(c, sizeof(*c));
	}
	return rc;
}
