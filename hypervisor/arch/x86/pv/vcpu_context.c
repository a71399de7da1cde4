/*
 * Decoding VCPUOP_initialise's vcpu_guest_context (kept apart from the acting code so host unit
 * tests compile it): every check that needs no hypervisor state. Xen's arch_set_info_guest is the
 * reference; where Xen accepts a field Argon does not implement (debug registers, LDT selectors
 * for cs/ss), Argon refuses values other than the neutral ones instead of ignoring them.
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <asm/cpu.h>
#include <asm/pv/vcpu.h>
#include <public/arch-x86/xen.h>

/* Descriptor bits (SDM vol. 3, 3.4.5): present, DPL, S, type (code, writable), L and D/B. */
#define DESC_P	      (1ULL << 47)
#define DESC_DPL(d)   (((d) >> 45) & 3)
#define DESC_S	      (1ULL << 44)
#define DESC_CODE     (1ULL << 43)
#define DESC_WRITABLE (1ULL << 41)
#define DESC_L	      (1ULL << 53)
#define DESC_DB	      (1ULL << 54)

/* RFLAGS bits a guest context may carry (SDM vol. 1, 3.4.3); VM, VIF, VIP and reserved go. */
#define RFLAGS_GUEST                                                                               \
	(X86_EFLAGS_CF | (1UL << 2) | (1UL << 4) | (1UL << 6) | (1UL << 7) | X86_EFLAGS_TF |       \
	 X86_EFLAGS_IF | X86_EFLAGS_DF | (1UL << 11) | X86_EFLAGS_IOPL | X86_EFLAGS_NT |           \
	 X86_EFLAGS_RF | X86_EFLAGS_AC | (1UL << 21))

/* Debug register reset values (SDM vol. 3, 17.2.3 and 17.2.4); 0 also accepted for both. */
#define DR6_RESET 0xffff0ff0ULL
#define DR7_RESET 0x400ULL

#define LDT_MAX_ENTS 8192
#define MXCSR_OFFSET 24

static bool canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* A guest address: canonical and outside the hypervisor window. */
static bool guest_addr(uint64_t a)
{
	return canonical(a) && !(a >= HYPERVISOR_VIRT_START && a < HYPERVISOR_VIRT_END);
}

/* [@va, @va + @len) lies in guest address space. */
static bool guest_range(uint64_t va, uint64_t len)
{
	uint64_t last = va + len - 1;

	return len == 0 || (last >= va && guest_addr(va) && guest_addr(last) &&
			    (va >= HYPERVISOR_VIRT_END) == (last >= HYPERVISOR_VIRT_END) &&
			    (va < 0x0000800000000000ULL) == (last < 0x0000800000000000ULL));
}

/* A selector with RPL 3 (Xen's fixup_guest_*_selector for 64-bit PV); 0 if null. */
static uint64_t ring3_selector(uint64_t sel)
{
	sel &= 0xffff;
	return (sel & ~3ULL) ? sel | 3 : 0;
}

/* A CR3-form root from ctrlreg: frame-aligned; out gets its MFN. */
static bool decode_cr3(uint64_t cr3, uint64_t *out)
{
	if (cr3 & 0xfff) {
		return false;
	}
	*out = cr3 >> 12;
	return true;
}

bool pv_code_desc_ok(uint64_t desc)
{
	return (desc & DESC_P) && (desc & DESC_S) && (desc & DESC_CODE) && (desc & DESC_L) &&
	       !(desc & DESC_DB) && DESC_DPL(desc) == 3;
}

bool pv_stack_desc_ok(uint64_t desc)
{
	return (desc & DESC_P) && (desc & DESC_S) && !(desc & DESC_CODE) &&
	       (desc & DESC_WRITABLE) && DESC_DPL(desc) == 3;
}

int pv_vcpu_context_decode(const struct vcpu_guest_context *c, uint64_t vm_assist_valid,
			   uint32_t mxcsr_mask, struct pv_vcpu_init *out)
{
	const struct cpu_user_regs *u = &c->user_regs;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (c->flags & ~(uint64_t)PV_VGCF_KNOWN) {
		return -EINVAL;
	}
	if (!guest_addr(u->rip) || !canonical(u->rsp) || !canonical(c->kernel_sp) ||
	    !canonical(c->fs_base) || !canonical(c->gs_base_kernel) ||
	    !canonical(c->gs_base_user)) {
		return -EINVAL;
	}
	if ((c->event_callback_eip && !guest_addr(c->event_callback_eip)) ||
	    (c->failsafe_callback_eip && !guest_addr(c->failsafe_callback_eip)) ||
	    (c->syscall_callback_eip && !guest_addr(c->syscall_callback_eip))) {
		return -EINVAL;
	}
	/* Selectors: RPL forced to 3; null code/stack selectors cannot be returned to. */
	out->regs.cs = ring3_selector(u->cs);
	out->regs.ss = ring3_selector(u->ss);
	out->kernel_ss = ring3_selector(c->kernel_ss);
	if (!out->regs.cs || !out->regs.ss || !out->kernel_ss) {
		return -EINVAL;
	}
	/* Trap table: entry i is vector i (as Xen copies it); address 0 means no handler. */
	for (i = 0; i < 256; i++) {
		const struct trap_info *t = &c->trap_ctxt[i];

		if (!t->address) {
			continue;
		}
		if (!guest_addr(t->address)) {
			return -EINVAL;
		}
		out->traps[i].address = t->address;
		out->traps[i].cs = FLAT_KERNEL_CS;
		out->traps[i].dpl = t->flags & TI_DPL_MASK;
		out->traps[i].mask_events = t->flags & TI_IF_FLAG;
	}
	/* LDT: page aligned, at most 8192 entries, all in guest space. */
	if ((c->ldt_base & 0xfff) || c->ldt_ents > LDT_MAX_ENTS ||
	    !guest_range(c->ldt_base, c->ldt_ents * 8)) {
		return -EINVAL;
	}
	/* GDT: as set_gdt. The frames themselves are checked when they are taken. */
	if (c->gdt_ents > FIRST_RESERVED_GDT_ENTRY) {
		return -EINVAL;
	}
	out->gdt_ents = (unsigned int)c->gdt_ents;
	out->nr_gdt_frames = (out->gdt_ents + 511) / 512;
	for (i = 0; i < out->nr_gdt_frames; i++) {
		out->gdt_frames[i] = c->gdt_frames[i];
	}
	/* Root page tables: the kernel one is required, a user one outside kernel mode. */
	if (!decode_cr3(c->ctrlreg[3], &out->kernel_l4) || !out->kernel_l4 ||
	    !decode_cr3(c->ctrlreg[1], &out->user_l4) ||
	    (!(c->flags & VGCF_in_kernel) && !out->user_l4)) {
		return -EINVAL;
	}
	/* No debug register support for PV guests: only the reset values. */
	for (i = 0; i < 8; i++) {
		uint64_t dr = c->debugreg[i];

		if (dr && !(i == 6 && dr == DR6_RESET) && !(i == 7 && dr == DR7_RESET)) {
			return -EINVAL;
		}
	}
	if (c->vm_assist & ~vm_assist_valid) {
		return -EINVAL;
	}
	if (c->flags & VGCF_i387_valid) {
		uint32_t mxcsr;

		memcpy(&mxcsr, c->fpu_ctxt.x + MXCSR_OFFSET, sizeof(mxcsr));
		/* FXRSTOR faults on reserved MXCSR bits (SDM vol. 1, 10.5.1.1). */
		if (mxcsr & ~mxcsr_mask) {
			return -EINVAL;
		}
		memcpy(out->fpu, c->fpu_ctxt.x, sizeof(out->fpu));
		out->fpu_valid = true;
	}

	out->regs.r15 = u->r15;
	out->regs.r14 = u->r14;
	out->regs.r13 = u->r13;
	out->regs.r12 = u->r12;
	out->regs.rbp = u->rbp;
	out->regs.rbx = u->rbx;
	out->regs.r11 = u->r11;
	out->regs.r10 = u->r10;
	out->regs.r9 = u->r9;
	out->regs.r8 = u->r8;
	out->regs.rax = u->rax;
	out->regs.rcx = u->rcx;
	out->regs.rdx = u->rdx;
	out->regs.rsi = u->rsi;
	out->regs.rdi = u->rdi;
	out->regs.rip = u->rip;
	out->regs.rsp = u->rsp;
	/* The IOPL is virtual; real interrupts stay enabled in the guest (Xen's rule). */
	out->iopl = (uint32_t)((u->rflags & X86_EFLAGS_IOPL) >> 12);
	out->regs.rflags =
	    (u->rflags & RFLAGS_GUEST & ~X86_EFLAGS_IOPL) | X86_EFLAGS_IF | X86_EFLAGS_MBS;

	out->event_callback.address = c->event_callback_eip;
	out->event_callback.mask_events = true;
	out->failsafe_callback.address = c->failsafe_callback_eip;
	out->failsafe_callback.mask_events = c->flags & VGCF_failsafe_disables_events;
	out->syscall_callback.address = c->syscall_callback_eip;
	out->syscall_callback.mask_events = c->flags & VGCF_syscall_disables_events;
	out->kernel_sp = c->kernel_sp;
	/* A non-null selector would have replaced the base (Xen drops the base then, too). */
	out->fs_base = (u->fs & ~3) ? 0 : c->fs_base;
	out->gs_base_kernel = c->gs_base_kernel;
	out->gs_base_user = (u->gs & ~3) ? 0 : c->gs_base_user;
	out->sel[PV_SEG_DS] = u->ds;
	out->sel[PV_SEG_ES] = u->es;
	out->sel[PV_SEG_FS] = u->fs;
	out->sel[PV_SEG_GS] = u->gs;
	out->ldt_base = c->ldt_base;
	out->ldt_ents = (uint32_t)c->ldt_ents;
	out->kernel_mode = c->flags & VGCF_in_kernel;
	out->online = c->flags & VGCF_online;
	/* Of the control registers only CR0.TS is the guest's (Xen's rule). */
	out->fpu_ts = c->ctrlreg[0] & X86_CR0_TS;
	return 0;
}
