/*
 * What a PV kernel running in ring 3 cannot do itself: the CPUID view it gets (through the forced-
 * emulation prefix) and the privileged instructions Argon emulates for it (MSRs by policy,
 * control registers, clts, wbinvd).
 */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <asm/cpu.h>
#include <asm/fpu.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <public/xen.h>

/* Xen's hypervisor CPUID leaves: signature "XenVMMXenVMM", interface version 4.17. */
#define XEN_CPUID_BASE 0x40000000u
#define XEN_CPUID_MAX_LEAF (XEN_CPUID_BASE + 2)
#define XEN_CPUID_VERSION ((4u << 16) | 17u)

/* Leaf 1: features a PV guest must not see (it cannot use them from ring 3 or Argon owns them). */
#define HIDE_1_ECX ((1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | \
		    (1u << 8) | (1u << 15) | (1u << 21) | (1u << 24))	/* DTES64 MONITOR DS-CPL VMX
									 * SMX EST TM2 PDCM x2APIC
									 * TSC-deadline */
/*
 * MCE and MCA too: Argon offers no virtual machine-check MSRs, and a kernel that sees MCA reads
 * MCG_STATUS and panics ("MCA architectural violation") when the read faults.
 */
#define HIDE_1_EDX ((1u << 1) | (1u << 2) | (1u << 3) | (1u << 7) | (1u << 9) | (1u << 12) | \
		    (1u << 14) | (1u << 21) | (1u << 22) | (1u << 29) | (1u << 31))
		    /* VME DE PSE MCE APIC MTRR MCA DS ACPI TM PBE */
/* FSGSBASE SMEP INVPCID SMAP */
#define HIDE_7_EBX  ((1u << 0) | (1u << 7) | (1u << 10) | (1u << 20))
/* UMIP PKU OSPKE CET-SS LA57 RDPID: ring-3 kernels cannot enable them (Xen: HVM only) */
#define HIDE_7_ECX ((1u << 2) | (1u << 3) | (1u << 4) | (1u << 7) | (1u << 16) | (1u << 22))
#define HIDE_7_EDX ((1u << 20))					/* CET-IBT */
#define HIDE_D1_EAX ((1u << 3))					/* XSAVES (privileged) */
#define HIDE_X1_ECX ((1u << 2))					/* SVM */
#define HIDE_X1_EDX ((1u << 26) | (1u << 27))			/* 1 GiB pages, RDTSCP */

/*
 * MSR values fixed for PV guests. XEN_MSR_PAT is part of the ABI (Xen's asm/processor.h): PV
 * guests write PTE cache bits against this PAT (WB, WT, UC-, UC, WC, WP, UC, UC).
 */
#define XEN_MSR_PAT 0x0000050100070406ULL
#define GUEST_EFER  (EFER_LME | EFER_NXE | EFER_SCE | (1UL << 10)) /* LMA */

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
			r.c &= ~HIDE_7_ECX;
			r.d &= ~HIDE_7_EDX;
		}
		break;
	case 0xd:
		/*
		 * XSAVE components: only those Argon keeps in XCR0 for guests (fpu_xcr0), so the
		 * XCR0 Linux derives from subleaf 0 passes xsetbv; the sizes are for that set (the
		 * hardware XCR0 while a guest runs).
		 */
		if (subleaf == 0) {
			r.a &= (uint32_t)fpu_xcr0;
			r.d &= (uint32_t)(fpu_xcr0 >> 32);
			r.c = r.b;
		} else if (subleaf == 1) {
			r.a &= ~HIDE_D1_EAX;
		} else if (subleaf < 64 && !(fpu_xcr0 & (1ULL << subleaf))) {
			r.a = r.b = r.c = r.d = 0;
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
	case MSR_GS_BASE:
		/* The running vCPU's active bases are in the CPU (selector loads change them). */
		*val = rdmsr(msr);
		return 0;
	case MSR_KERNEL_GS_BASE:
		*val = v->arch.kernel_mode ? v->arch.gs_base_user : v->arch.gs_base_kernel;
		return 0;
	case MSR_EFER:
		*val = GUEST_EFER;
		return 0;
	case MSR_PAT:
		*val = XEN_MSR_PAT;
		return 0;
	case MSR_APIC_BASE:
		/* Not the guest's APIC: enabled at its default address (Linux reads it). */
		*val = 0xfee00000UL | APIC_BASE_ENABLE | (v->vcpu_id ? 0 : APIC_BASE_BSP);
		return 0;
	case MSR_TSC:
		/* PV guests see the raw TSC (rdtsc is not intercepted either). */
		*val = rdtsc();
		return 0;
	default:
		return -1;
	}
}

static int write_msr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	uint64_t cur;

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
	case MSR_EFER:
	case MSR_PAT:
	case MSR_APIC_BASE:
		/* Fixed for PV guests: writing back the value read succeeds, others #GP. */
		return read_msr(v, msr, &cur) || cur != val ? -1 : 0;
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

/* The general-purpose register @n (0-15, in the encoding order of SDM vol. 2, table 2-2). */
static uint64_t *gpr(struct cpu_regs *regs, unsigned int n)
{
	static const uint8_t off[16] = {
	    offsetof(struct cpu_regs, rax), offsetof(struct cpu_regs, rcx),
	    offsetof(struct cpu_regs, rdx), offsetof(struct cpu_regs, rbx),
	    offsetof(struct cpu_regs, rsp), offsetof(struct cpu_regs, rbp),
	    offsetof(struct cpu_regs, rsi), offsetof(struct cpu_regs, rdi),
	    offsetof(struct cpu_regs, r8),  offsetof(struct cpu_regs, r9),
	    offsetof(struct cpu_regs, r10), offsetof(struct cpu_regs, r11),
	    offsetof(struct cpu_regs, r12), offsetof(struct cpu_regs, r13),
	    offsetof(struct cpu_regs, r14), offsetof(struct cpu_regs, r15),
	};

	return (uint64_t *)((uint8_t *)regs + off[n & 15]);
}

/*
 * The guest's view of CR4: the hardware bits a PV guest may see (Xen's
 * PV_CR4_GUEST_VISIBLE_MASK), plus OSXSAVE where Argon enabled XSAVE for guest state (the
 * guest then uses xsetbv, emulated). Of the other bits Xen lets a PV guest own, DE and FSGSBASE
 * are hidden by the CPUID policy and TSD is not offered.
 */
static uint64_t guest_cr4(void)
{
	return read_cr4() & (X86_CR4_PAE | X86_CR4_MCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT |
			     X86_CR4_OSXSAVE);
}

static bool read_cr(struct vcpu *v, unsigned int cr, uint64_t *val)
{
	switch (cr) {
	case 0:
		*val = (read_cr0() & ~X86_CR0_TS) | (v->arch.fpu_ts ? X86_CR0_TS : 0);
		return true;
	case 2:
		*val = v->arch.vcpu_info->arch.cr2;
		return true;
	case 3:
		*val = mfn_x(v->arch.kernel_mode ? v->arch.guest_table : v->arch.guest_table_user)
		       << PAGE_SHIFT;
		return true;
	case 4:
		*val = guest_cr4();
		return true;
	default:
		return false;
	}
}

static bool write_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
	switch (cr) {
	case 0:
		/* Only TS is the guest's (as fpu_taskswitch); any other change is refused (#GP). */
		if ((val ^ read_cr0()) & ~X86_CR0_TS) {
			return false;
		}
		do_fpu_taskswitch(!!(val & X86_CR0_TS), 0, 0, 0, 0);
		return true;
	case 4:
		/*
		 * As Xen (pv_fixup_guest_cr4), bits the guest may not own are discarded, not
		 * refused: Linux writes back what it read with VME/PVI/TSD/DE cleared or PGE
		 * toggled. Since it owns none, nothing changes.
		 */
		return true;
	default:
		/* CR3 changes go through MMUEXT_NEW_BASEPTR; CR8 and others do not exist for PV. */
		return false;
	}
}

/*
 * Privileged instructions a PV kernel executes natively and Argon emulates from the #GP they
 * raise in ring 3 (Xen's emul-priv-op.c does the same set): rdmsr, wrmsr, mov to and from
 * control registers, xsetbv, clts and wbinvd from guest kernel mode, and cli/sti by virtual IOPL;
 * anything else is the guest's #GP.
 */
bool pv_emulate_privileged(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	uint8_t insn[4];
	unsigned int len = 0, rex = 0, n;
	uint32_t msr = (uint32_t)regs->rcx;
	uint64_t val;
	bool no_handler = !v->arch.traps[X86_EXC_GP].address;

	if (copy_from_guest(insn, regs->rip, 1)) {
		return false;
	}
	/*
	 * cli/sti with an admitting virtual IOPL act on the virtual interrupt flag, the event mask
	 * (as Xen does; Linux's cmpxchg16b emulation uses pushf; cli; ...; popf on CPUs without
	 * CX16). A later popf cannot restore it: ring 3 popf leaves IF alone, as on Xen.
	 */
	if ((insn[0] == 0xfa || insn[0] == 0xfb) && pv_iopl_admits(v)) {
		v->arch.vcpu_info->evtchn_upcall_mask = insn[0] == 0xfa;
		regs->rip += 1;
		return true;
	}
	if (!v->arch.kernel_mode) {
		return false;
	}
	/* Up to 4 bytes; an instruction near the end of a mapping is shorter: fetch less. */
	for (n = sizeof(insn); n >= 2; n--) {
		memset(insn, 0, sizeof(insn));
		if (!copy_from_guest(insn, regs->rip, n)) {
			break;
		}
	}
	if (n < 2) {
		return false;
	}
	/* One REX prefix (mov to/from CRn with r8-r15 or CR8); other prefixes are not expected. */
	if ((insn[0] & 0xf0) == 0x40) {
		rex = insn[0];
		len = 1;
	}
	if (insn[len] != 0x0f) {
		return false;
	}
	switch (insn[len + 1]) {
	case 0x32: /* rdmsr */
		if (read_msr(v, msr, &val)) {
			/* Before the guest has a #GP handler, unknown MSRs read as 0, as on Xen. */
			if (!no_handler) {
				return false;
			}
			val = 0;
		}
		regs->rax = (uint32_t)val;
		regs->rdx = val >> 32;
		break;
	case 0x30: /* wrmsr */
		val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;
		if (write_msr(v, msr, val)) {
			if (!no_handler) {
				return false;
			}
			log_debug("d%uv%u: ignored wrmsr %#x\n", v->domain->domain_id, v->vcpu_id, msr);
		}
		break;
	case 0x20:   /* mov %crN, reg (ModRM: reg = CR, r/m = GPR whatever mod says; SDM MOV-CR) */
	case 0x22: { /* mov reg, %crN */
		uint8_t modrm = insn[len + 2];
		unsigned int cr = ((modrm >> 3) & 7) | ((rex & 4) << 1);
		uint64_t *reg = gpr(regs, (modrm & 7) | ((rex & 1) << 3));

		if (len + 3 > sizeof(insn)) {
			return false;
		}
		if (insn[len + 1] == 0x20) {
			if (!read_cr(v, cr, &val)) {
				return false;
			}
			*reg = val;
		} else if (!write_cr(v, cr, *reg)) {
			return false;
		}
		len++; /* the ModRM byte */
		break;
	}
	case 0x01: /* xsetbv (0f 01 d1): Linux writes XCR0 once at boot */
		if (len || insn[2] != 0xd1) {
			return false;
		}
		return emulate_xsetbv(regs);
	case 0x06: /* clts: the guest's virtual CR0.TS */
		do_fpu_taskswitch(0, 0, 0, 0, 0);
		break;
	case 0x09: /* wbinvd: no cache-flush permission for guests yet, so nothing to do (Xen) */
		break;
	default:
		return false;
	}
	regs->rip += len + 2;
	return true;
}
