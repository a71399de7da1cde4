/*
 * Exceptions and system calls of PV guests: bouncing them to the handlers the guest registered,
 * the instructions Argon emulates for a ring-3 kernel, and the trap-related hypercalls
 * (set_trap_table, set_callbacks, callback_op, stack_switch, set_segment_base, iret).
 */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <asm/cpu.h>
#include <asm/pv.h>
#include <public/callback.h>
#include <public/xen.h>

/* Page-fault error code: the access came from user mode (SDM vol. 3, 4.7). */
#define PFEC_USER (1ULL << 2)

static bool is_canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static bool in_hypervisor_window(uint64_t a)
{
	return a >= HYPERVISOR_VIRT_START && a < HYPERVISOR_VIRT_END;
}

/*
 * Build the exception frame the PV ABI gives a guest kernel handler on its stack (lowest address
 * first): rcx, r11, @extra (an error code, or the failsafe callback's ds, es, fs, gs), rip, cs
 * (saved upcall mask in bits 32-39), rflags, rsp, ss.
 * From guest user mode the frame goes on the kernel stack named by stack_switch and the vCPU
 * switches to kernel mode; from kernel mode it goes below the interrupted stack pointer, and the
 * cs in the frame has RPL 0 so the guest can tell the two apart.
 */
static int bounce(struct cpu_regs *regs, uint64_t handler, bool mask_events, const uint64_t *extra,
		  unsigned int nr_extra)
{
	struct vcpu *v = current_vcpu();
	struct vcpu_info *vi = v->arch.vcpu_info;
	uint64_t frame[2 + PV_NR_DATA_SEGS + 5], sp, cs = regs->cs, rflags = regs->rflags;
	unsigned int n = 0, i;
	uint8_t saved_mask = vi->evtchn_upcall_mask;

	if (!handler) {
		return -ENOENT;
	}
	if (v->arch.kernel_mode) {
		sp = regs->rsp;
		cs &= ~3ULL;
	} else {
		sp = v->arch.kernel_sp;
	}
	sp &= ~15ULL;
	/* The guest's virtual interrupt flag is the inverse of its event mask. */
	rflags &= ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL);
	rflags |= (saved_mask ? 0 : X86_EFLAGS_IF) | ((uint64_t)v->arch.iopl << 12);
	frame[n++] = regs->rcx;
	frame[n++] = regs->r11;
	for (i = 0; i < nr_extra && i < PV_NR_DATA_SEGS; i++) {
		frame[n++] = extra[i];
	}
	frame[n++] = regs->rip;
	frame[n++] = (cs & 0xffff) | ((uint64_t)saved_mask << 32);
	frame[n++] = rflags;
	frame[n++] = regs->rsp;
	frame[n++] = regs->ss;
	sp -= n * 8;
	if (!is_canonical(sp) || in_hypervisor_window(sp) || in_hypervisor_window(sp + n * 8 - 1)) {
		return -EFAULT;
	}
	if (!v->arch.kernel_mode) {
		pv_toggle_guest_mode(v);
	}
	if (copy_to_guest(sp, frame, n * 8)) {
		return -EFAULT;
	}
	regs->rsp = sp;
	regs->ss = FLAT_KERNEL_SS;
	regs->rip = handler;
	regs->cs = FLAT_KERNEL_CS;
	regs->rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF | X86_EFLAGS_VM);
	if (mask_events) {
		vi->evtchn_upcall_mask = 1;
	}
	return 0;
}

void pv_inject_exception(struct cpu_regs *regs, unsigned int vector, bool has_error,
			 uint64_t error_code)
{
	struct vcpu *v = current_vcpu();
	const struct pv_trap *t = &v->arch.traps[vector & 0xff];
	char why[96];

	if (!bounce(regs, t->address, t->mask_events, &error_code, has_error ? 1 : 0)) {
		return;
	}
	snprintf(why, sizeof(why), "%s for exception %u at rip %#llx",
		 t->address ? "unusable guest stack" : "no handler registered", vector,
		 (unsigned long long)regs->rip);
	domain_crash(v->domain, why);
}

void pv_deliver_events(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	struct vcpu_info *vi = v->arch.vcpu_info;

	if (!vi || !READ_ONCE(vi->evtchn_upcall_pending) || READ_ONCE(vi->evtchn_upcall_mask) ||
	    !v->arch.event_callback.address) {
		return;
	}
	/*
	 * The upcall stays pending: the guest clears it. The callback always runs with events
	 * masked (as Xen's), so this does not bounce again before the guest re-enables them.
	 */
	if (bounce(regs, v->arch.event_callback.address, true, NULL, 0)) {
		domain_crash(v->domain, "unusable guest stack for the event callback");
	}
}

void pv_inject_failsafe(struct cpu_regs *regs, const uint16_t sel[PV_NR_DATA_SEGS])
{
	struct vcpu *v = current_vcpu();
	uint64_t frame[PV_NR_DATA_SEGS];
	unsigned int i;

	for (i = 0; i < PV_NR_DATA_SEGS; i++) {
		frame[i] = sel[i];
	}
	if (bounce(regs, v->arch.failsafe_callback.address, v->arch.failsafe_callback.mask_events,
		   frame, PV_NR_DATA_SEGS)) {
		domain_crash(v->domain, "unusable guest stack for the failsafe callback");
	}
}

/* Vectors whose exceptions carry an error code. */
static bool has_error_code(unsigned int v)
{
	return v == 8 || v == 10 || v == 11 || v == 12 || v == 13 || v == 14 || v == 17 || v == 21;
}

/* "ud2; .ascii "xen"" in front of an instruction asks the hypervisor to emulate it (CPUID). */
static const uint8_t forced_emulation_prefix[5] = { 0x0f, 0x0b, 'x', 'e', 'n' };

static bool emulate_forced_cpuid(struct cpu_regs *regs)
{
	uint8_t insn[7];
	struct cpuid_regs r;

	if (copy_from_guest(insn, regs->rip, sizeof(insn)) ||
	    memcmp(insn, forced_emulation_prefix, sizeof(forced_emulation_prefix)) ||
	    insn[5] != 0x0f || insn[6] != 0xa2) {
		return false;
	}
	r = pv_cpuid_policy((uint32_t)regs->rax, (uint32_t)regs->rcx);
	regs->rax = r.a;
	regs->rbx = r.b;
	regs->rcx = r.c;
	regs->rdx = r.d;
	regs->rip += sizeof(insn);
	return true;
}

/*
 * A #GP from guest context may be an "int $n" the IDT's DPL refused (every gate is DPL 0), which the
 * guest may be allowed to raise by its trap table. The error code is not trusted (QEMU before 8.0
 * reports a wrong one for blocked int $n); the instruction at rip is decoded instead.
 */
static bool bounce_software_interrupt(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	uint8_t insn[2];
	unsigned int vec, len;

	if (copy_from_guest(insn, regs->rip, 2)) {
		return false;
	}
	if (insn[0] == 0xcd) {
		vec = insn[1];
		len = 2;
	} else if (insn[0] == 0xcc) {
		vec = 3;
		len = 1;
	} else {
		return false;
	}
	/* The guest's user mode runs at its virtual CPL 3, its kernel at virtual CPL 0. */
	if (!v->arch.traps[vec].address || (!v->arch.kernel_mode && v->arch.traps[vec].dpl < 3)) {
		/* The #GP the CPU raises for a refused gate: IDT index with the IDT bit (SDM 6.13). */
		pv_inject_exception(regs, X86_EXC_GP, true, (vec << 3) | 2);
		return true;
	}
	regs->rip += len;
	pv_inject_exception(regs, vec, false, 0);
	return true;
}

static void guest_syscall(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();

	if (v->arch.kernel_mode) {
		pv_hypercall(regs);
		return;
	}
	/* A system call from guest user space goes to the guest kernel's syscall callback. */
	v->domain->arch.stats.syscalls++;
	regs->rip = regs->rcx;
	regs->rflags = regs->r11;
	if (bounce(regs, v->arch.syscall_callback.address, v->arch.syscall_callback.mask_events, NULL,
		   0)) {
		/* Without a callback, syscall from user mode behaves as an invalid opcode. */
		regs->rip -= 2;
		pv_inject_exception(regs, X86_EXC_UD, false, 0);
		return;
	}
	/*
	 * The PV stand-in for SFMASK: the callback runs with DF clear (the frame keeps the user's),
	 * as Xen's syscall entry does.
	 */
	regs->rflags &= ~X86_EFLAGS_DF;
}

static void guest_trap(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	struct pv_stats *s = &v->domain->arch.stats;
	unsigned int vec = (unsigned int)regs->vector;

	switch (vec) {
	case SYSCALL_VECTOR:
		guest_syscall(regs);
		break;
	case SYSCALL32_VECTOR:
		/* No 32-bit syscall path for PV guests: the instruction is invalid there. */
		regs->rip -= 2;
		pv_inject_exception(regs, X86_EXC_UD, false, 0);
		break;
	case X86_EXC_PF: {
		uint64_t cr2 = read_cr2();

		if ((regs->error_code & 3) == 3 && pv_ptwr_fault(regs, cr2)) {
			break;
		}
		v->arch.vcpu_info->arch.cr2 = cr2;
		/*
		 * Both guest modes run in ring 3: the U/S bit tells the guest which of them faulted,
		 * not the hardware CPL (as Xen's pv_inject_event; Linux tells kernel faults by it).
		 */
		pv_inject_exception(regs, vec, true,
				    v->arch.kernel_mode ? regs->error_code & ~PFEC_USER :
							  regs->error_code | PFEC_USER);
		break;
	}
	case X86_EXC_NM:
		/* The guest's lazy FPU switch: TS was set for it; clear it and let its handler run. */
		if (v->arch.fpu_ts) {
			v->arch.fpu_ts = false;
			write_cr0(read_cr0() & ~X86_CR0_TS);
		}
		pv_inject_exception(regs, vec, false, 0);
		break;
	case X86_EXC_UD:
		if (!emulate_forced_cpuid(regs)) {
			pv_inject_exception(regs, vec, false, 0);
		}
		break;
	case X86_EXC_GP:
		s->gp_user += !v->arch.kernel_mode;
		if (bounce_software_interrupt(regs)) {
			s->gp_swint++;
			break;
		}
		if (pv_emulate_privileged(regs)) {
			s->gp_emulated++;
			break;
		}
		if (pv_emulate_io(regs)) {
			s->gp_io++;
			break;
		}
		pv_inject_exception(regs, vec, true, regs->error_code);
		break;
	default:
		pv_inject_exception(regs, vec, has_error_code(vec), regs->error_code);
		break;
	}
}

void pv_do_guest_trap(struct cpu_regs *regs)
{
	struct pv_stats *s = &current_vcpu()->domain->arch.stats;
	unsigned int vec = (unsigned int)regs->vector;
	uint64_t t0 = pv_stats_on ? rdtsc() : 0;

	guest_trap(regs);
	if (vec < ARRAY_SIZE(s->traps)) {
		s->traps[vec]++;
		if (pv_stats_on) {
			s->trap_cycles[vec] += rdtsc() - t0;
		}
	}
}

/* --- hypercalls --- */

long do_set_trap_table(uint64_t traps, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current_vcpu();
	struct trap_info ti;
	unsigned int n;

	/* A null list clears the whole table. */
	if (!traps) {
		memset(v->arch.traps, 0, sizeof(v->arch.traps));
		return 0;
	}
	for (n = 0; n < 256; n++) {
		if (copy_from_guest(&ti, traps + n * sizeof(ti), sizeof(ti))) {
			return -EFAULT;
		}
		/* An entry with a zero address ends the list. */
		if (!ti.address) {
			return 0;
		}
		if (!is_canonical(ti.address) || in_hypervisor_window(ti.address)) {
			return -EINVAL;
		}
		v->arch.traps[ti.vector].address = ti.address;
		v->arch.traps[ti.vector].cs = FLAT_KERNEL_CS;
		v->arch.traps[ti.vector].dpl = ti.flags & TI_DPL_MASK;
		v->arch.traps[ti.vector].mask_events = ti.flags & TI_IF_FLAG;
		if (n % 32 == 31 && hypercall_preempt_check()) {
			return hypercall_create_continuation(__HYPERVISOR_set_trap_table,
							     traps + (n + 1) * sizeof(ti), 0, 0, 0, 0);
		}
	}
	return 0;
}

static int set_callback(struct pv_callback *cb, uint64_t address, bool mask)
{
	if (address && (!is_canonical(address) || in_hypervisor_window(address))) {
		return -EINVAL;
	}
	cb->address = address;
	cb->mask_events = mask;
	return 0;
}

long do_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall, uint64_t a4,
		      uint64_t a5)
{
	struct vcpu *v = current_vcpu();

	if ((event && (!is_canonical(event) || in_hypervisor_window(event))) ||
	    (failsafe && (!is_canonical(failsafe) || in_hypervisor_window(failsafe))) ||
	    (syscall && (!is_canonical(syscall) || in_hypervisor_window(syscall)))) {
		return -EINVAL;
	}
	set_callback(&v->arch.event_callback, event, true);
	set_callback(&v->arch.failsafe_callback, failsafe, true);
	set_callback(&v->arch.syscall_callback, syscall, false);
	return 0;
}

long do_callback_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current_vcpu();
	struct callback_register reg;
	struct callback_unregister unreg;
	struct pv_callback *cb;
	uint16_t type;

	switch (cmd) {
	case CALLBACKOP_register:
		if (copy_from_guest(&reg, arg, sizeof(reg))) {
			return -EFAULT;
		}
		type = reg.type;
		break;
	case CALLBACKOP_unregister:
		if (copy_from_guest(&unreg, arg, sizeof(unreg))) {
			return -EFAULT;
		}
		type = unreg.type;
		reg.address = 0;
		reg.flags = 0;
		break;
	default:
		return -ENOSYS;
	}
	switch (type) {
	case CALLBACKTYPE_event:
		cb = &v->arch.event_callback;
		break;
	case CALLBACKTYPE_failsafe:
		cb = &v->arch.failsafe_callback;
		break;
	case CALLBACKTYPE_syscall:
		cb = &v->arch.syscall_callback;
		break;
	case CALLBACKTYPE_nmi:
		cb = &v->arch.nmi_callback;
		break;
	default:
		/* syscall32 and sysenter: no 32-bit guest user space on Argon's PV path. */
		return -EINVAL;
	}
	return set_callback(cb, reg.address, reg.flags & CALLBACKF_mask_events);
}

long do_stack_switch(uint64_t ss, uint64_t sp, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current_vcpu();

	if (!is_canonical(sp) || in_hypervisor_window(sp)) {
		return -EINVAL;
	}
	/* The guest kernel runs in ring 3: like Xen, give its stack selector RPL 3 (Linux passes 0x18). */
	v->arch.kernel_ss = (ss & 0xffff) | 3;
	v->arch.kernel_sp = sp;
	return 0;
}

long do_set_segment_base(uint64_t which, uint64_t base, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current_vcpu();

	if (which != SEGBASE_GS_USER_SEL && !is_canonical(base)) {
		return -EINVAL;
	}
	switch (which) {
	case SEGBASE_FS:
		v->arch.fs_base = base;
		wrmsr(MSR_FS_BASE, base);
		return 0;
	case SEGBASE_GS_USER:
		v->arch.gs_base_user = base;
		if (!v->arch.kernel_mode) {
			wrmsr(MSR_GS_BASE, base);
		}
		return 0;
	case SEGBASE_GS_KERNEL:
		v->arch.gs_base_kernel = base;
		if (v->arch.kernel_mode) {
			wrmsr(MSR_GS_BASE, base);
		}
		return 0;
	case SEGBASE_GS_USER_SEL: {
		/*
		 * Load a user %gs selector from the guest's GDT/LDT (RPL forced to 3) and take the
		 * base it gives as the user GS base, as Xen does. The guest kernel runs with the
		 * same %gs selector but its own base, restored here. A selector that faults loads
		 * the null one, with base 0: Xen returns success then too, since Linux BUGs on an
		 * error (callers check by reading %gs back).
		 */
		unsigned int sel = (unsigned int)(base & 0xffff);

		if (sel > 3) {
			sel |= 3;
		}
		if (sel <= 3 || raw_load_gs_sel(sel)) {
			/* Null: the base is 0 (AMD keeps the old base on a null load; we don't use
			 * it). */
			raw_load_gs_sel(0);
			sel = 0;
			v->arch.gs_base_user = 0;
		} else {
			v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
		}
		wrmsr(MSR_GS_BASE,
		      v->arch.kernel_mode ? v->arch.gs_base_kernel : v->arch.gs_base_user);
		return 0;
	}
	default:
		return -EINVAL;
	}
}

long do_iret(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct cpu_regs *regs = guest_cpu_regs();
	struct vcpu *v = current_vcpu();
	struct iret_context ctx;

	if (copy_from_guest(&ctx, regs->rsp, sizeof(ctx))) {
		domain_crash(v->domain, "iret: unreadable iret frame");
		return -EFAULT;
	}
	if (!is_canonical(ctx.rip) || in_hypervisor_window(ctx.rip)) {
		domain_crash(v->domain, "iret: bad return address");
		return -EINVAL;
	}
	if ((ctx.cs & 3) == 3 && v->arch.kernel_mode) {
		if (!mfn_x(v->arch.guest_table_user)) {
			domain_crash(v->domain, "iret to user mode without user page tables");
			return -EINVAL;
		}
		pv_toggle_guest_mode(v);
	}
	regs->rip = ctx.rip;
	regs->cs = ctx.cs | 3;
	regs->rflags = (ctx.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
	regs->rsp = ctx.rsp;
	regs->ss = ctx.ss | 3;
	if (!(ctx.flags & VGCF_in_syscall)) {
		regs->r11 = ctx.r11;
		regs->rcx = ctx.rcx;
	} else {
		/* As sysret leaves them (Xen returns this way): no kernel values reach user space. */
		regs->rcx = regs->rip;
		regs->r11 = regs->rflags;
	}
	v->arch.vcpu_info->evtchn_upcall_mask = !(ctx.rflags & X86_EFLAGS_IF);
	/* The dispatcher writes the return value to rax: give back the guest's own. */
	return (long)ctx.rax;
}

long do_fpu_taskswitch(uint64_t set, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current_vcpu();

	/* One vCPU per CPU so far: the real CR0.TS is the guest's. */
	v->arch.fpu_ts = set != 0;
	write_cr0(set ? read_cr0() | X86_CR0_TS : read_cr0() & ~X86_CR0_TS);
	return 0;
}
