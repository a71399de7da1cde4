/*
 * What a PV kernel running in ring 3 cannot do itself: the CPUID view it gets (through the forced-
 * emulation prefix) and the privileged instructions Argon emulates for it (MSRs by policy).
 */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/guest_access.h>
#include <argon/lib.h>
#include <asm/cpu.h>
#include <asm/fpu.h>
#include <asm/pv.h>

/* Xen's hypervisor CPUID leaves: signature "XenVMMXenVMM", interface version 4.17. */
#define XEN_CPUID_BASE 0x40000000u
#define XEN_CPUID_MAX_LEAF (XEN_CPUID_BASE + 2)
#define XEN_CPUID_VERSION ((4u << 16) | 17u)

/* Leaf 1: features a PV guest must not see (it cannot use them from ring 3 or Argon owns them). */
#define HIDE_1_ECX ((1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | \
		    (1u << 8) | (1u << 15) | (1u << 21) | (1u << 24))	/* DTES64 MONITOR DS-CPL VMX
									 * SMX EST TM2 PDCM x2APIC
									 * TSC-deadline */
#define HIDE_1_EDX ((1u << 1) | (1u << 2) | (1u << 3) | (1u << 9) | (1u << 12) | (1u << 21) | \
		    (1u << 22) | (1u << 29) | (1u << 31))	/* VME DE PSE APIC MTRR DS ACPI TM PBE */
#define HIDE_7_EBX ((1u << 7) | (1u << 10) | (1u << 20))	/* SMEP INVPCID SMAP */
#define HIDE_X1_ECX ((1u << 2))					/* SVM */
#define HIDE_X1_EDX ((1u << 26))				/* 1 GiB pages */

struct cpuid_regs pv_cpuid_policy(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x10000) {
		switch (leaf) {
		case XEN_CPUID_BASE:
			r.a = XEN_CPUID_MAX_LEAF;
			memcpy(&r.b, "XenV", 4);
			memcpy(&r.c, "MMXe", 4);
			memcpy(&r.d, "nVMM", 4);
			break;
		case XEN_CPUID_BASE + 1:
			r.a = XEN_CPUID_VERSION;
			break;
		case XEN_CPUID_BASE + 2:
			/* One hypercall page; no MSR to install it (PV guests get it from the builder). */
			r.a = 1;
			break;
		default:
			break;
		}
		return r;
	}
	r = cpuid_count(leaf, subleaf);
	switch (leaf) {
	case 1:
		r.c = (r.c & ~HIDE_1_ECX) | CPUID1_ECX_HYPERVISOR;
		r.d &= ~HIDE_1_EDX;
		/* APIC ID and logical count belong to the physical CPU; a vCPU gets 0/1. */
		r.b &= 0x0000ffffu;
		break;
	case 7:
		if (subleaf == 0) {
			r.b &= ~HIDE_7_EBX;
		}
		break;
	case 0x80000001:
		r.c &= ~HIDE_X1_ECX;
		r.d &= ~HIDE_X1_EDX;
		break;
	default:
		break;
	}
	return r;
}

static int read_msr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case MSR_FS_BASE:
		*val = v->arch.fs_base;
		return 0;
	case MSR_GS_BASE:
		*val = v->arch.kernel_mode ? v->arch.gs_base_kernel : v->arch.gs_base_user;
		return 0;
	case MSR_KERNEL_GS_BASE:
		*val = v->arch.kernel_mode ? v->arch.gs_base_user : v->arch.gs_base_kernel;
		return 0;
	case MSR_EFER:
		*val = EFER_LME | EFER_NXE | EFER_SCE | (1UL << 10); /* LMA */
		return 0;
	default:
		return -1;
	}
}

static int write_msr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	if ((msr == MSR_FS_BASE || msr == MSR_GS_BASE || msr == MSR_KERNEL_GS_BASE) &&
	    (uint64_t)((int64_t)(val << 16) >> 16) != val) {
		return -1;
	}
	switch (msr) {
	case MSR_FS_BASE:
		v->arch.fs_base = val;
		wrmsr(MSR_FS_BASE, val);
		return 0;
	case MSR_GS_BASE:
		if (v->arch.kernel_mode) {
			v->arch.gs_base_kernel = val;
		} else {
			v->arch.gs_base_user = val;
		}
		wrmsr(MSR_GS_BASE, val);
		return 0;
	case MSR_KERNEL_GS_BASE:
		if (v->arch.kernel_mode) {
			v->arch.gs_base_user = val;
		} else {
			v->arch.gs_base_kernel = val;
		}
		return 0;
	default:
		return -1;
	}
}

/*
 * XSETBV: the hardware keeps the XCR0 Argon switches guest state for; a guest may write that
 * value or a valid subset of it (x87 always, SSE with AVX), which changes nothing here — the
 * components beyond what it asked for simply stay in their initial state for it.
 */
static bool emulate_xsetbv(struct cpu_regs *regs)
{
	uint64_t val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;

	if (!fpu_xcr0 || (uint32_t)regs->rcx != 0 || !(val & 1) || (val & ~fpu_xcr0) ||
	    ((val & 4) && !(val & 2))) {
		return false;
	}
	regs->rip += 3;
	return true;
}

bool pv_emulate_privileged(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	uint8_t insn[2];
	uint32_t msr = (uint32_t)regs->rcx;
	uint64_t val;
	bool no_handler = !v->arch.traps[X86_EXC_GP].address;

	if (!v->arch.kernel_mode || copy_from_guest(insn, regs->rip, 2) || insn[0] != 0x0f) {
		return false;
	}
	if (insn[1] == 0x01) {
		uint8_t modrm;

		/* xsetbv (0f 01 d1): Linux writes XCR0 once at boot. */
		if (copy_from_guest(&modrm, regs->rip + 2, 1) || modrm != 0xd1) {
			return false;
		}
		return emulate_xsetbv(regs);
	}
	if (insn[1] == 0x32) { /* rdmsr */
		if (read_msr(v, msr, &val)) {
			/* Before the guest has a #GP handler, unknown MSRs read as 0, as on Xen. */
			if (!no_handler) {
				return false;
			}
			val = 0;
		}
		regs->rax = (uint32_t)val;
		regs->rdx = val >> 32;
		regs->rip += 2;
		return true;
	}
	if (insn[1] == 0x30) { /* wrmsr */
		val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;
		if (write_msr(v, msr, val)) {
			if (!no_handler) {
				return false;
			}
			log_debug("d%uv%u: ignored wrmsr %#x\n", v->domain->domain_id, v->vcpu_id, msr);
		}
		regs->rip += 2;
		return true;
	}
	return false;
}
