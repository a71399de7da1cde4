/*
 * AMD SVM (AMD64 APM vol. 2, chapter 15): detection, the per-CPU host save areas, one VMCB per
 * vCPU with Argon's intercepts, ASIDs, the entry path around VMRUN and the exit dispatch into the
 * generic HVM layer. Everything vendor-specific lives here and in entry.S; the generic layer sees
 * only svm_ops.
 */
#include <argon/console.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <asm/cpu.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/regs.h>

/* The VMCB layout is the hardware's: pin the offsets the code relies on (APM vol. 2, app. B). */
_Static_assert(__builtin_offsetof(struct vmcb, iopm_base_pa) == 0x040, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, asid) == 0x058, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, vintr) == 0x060, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, exitcode) == 0x070, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, eventinj) == 0x0a8, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, n_cr3) == 0x0b0, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, nrip) == 0x0c8, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, es) == 0x400, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, tr) == 0x490, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, cpl) == 0x4cb, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, efer) == 0x4d0, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, cr4) == 0x548, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, rip) == 0x578, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, rsp) == 0x5d8, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, rax) == 0x5f8, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, star) == 0x600, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, cr2) == 0x640, "vmcb");
_Static_assert(__builtin_offsetof(struct vmcb, g_pat) == 0x668, "vmcb");
_Static_assert(sizeof(struct vmcb) == PAGE_SIZE, "vmcb");

/* What CPUID 0x8000000A reported, read once. */
static struct {
	uint32_t revision, nr_asids, features;
} svm_caps;

/* The I/O and MSR permission maps (APM vol. 2, 15.10.1 and 15.11): shared by every vCPU. */
static uint8_t *iopm, *msrpm;
static paddr_t iopm_pa, msrpm_pa;
#define IOPM_SIZE (3 * PAGE_SIZE)
#define MSRPM_SIZE (2 * PAGE_SIZE)

/** Per physical CPU: the VMRUN host save area, the VMSAVE area for the host and the ASIDs. */
struct svm_cpu {
	void *hsave, *host_vmcb;
	paddr_t host_vmcb_pa;
	uint32_t next_asid;
	uint64_t asid_generation;
};
static struct svm_cpu svm_cpus[NR_CPUS];

/** Per vCPU. */
struct svm_vcpu {
	struct vmcb *vmcb;
	paddr_t vmcb_pa;
	uint32_t asid;
	uint64_t asid_generation;	/* 0: no ASID yet */
};

static inline struct svm_vcpu *svm(const struct vcpu *v)
{
	return v->arch.hvm->vendor;
}

static inline struct vmcb *vmcb_of(const struct vcpu *v)
{
	return svm(v)->vmcb;
}

static inline void clgi(void)
{
	__asm__ __volatile__("clgi" ::: "memory");
}

static inline void stgi(void)
{
	__asm__ __volatile__("stgi" ::: "memory");
}

/* MSR permission map: two bits per MSR (read, write) in three 2 KiB ranges. */
static void msrpm_allow(uint32_t msr)
{
	uint32_t base;
	unsigned int bit;

	if (msr < 0x2000) {
		base = 0;
	} else if (msr >= 0xc0000000 && msr < 0xc0002000) {
		base = 0x800;
		msr -= 0xc0000000;
	} else if (msr >= 0xc0010000 && msr < 0xc0012000) {
		base = 0x1000;
		msr -= 0xc0010000;
	} else {
		return;
	}
	bit = msr * 2;
	msrpm[base + bit / 8] &= (uint8_t)~(3u << (bit % 8));
}

static int svm_cpu_up(void)
{
	struct svm_cpu *c = &svm_cpus[this_cpu()->cpu_id];

	if (!c->hsave) {
		c->hsave = alloc_xenheap(PAGE_SIZE);
		c->host_vmcb = alloc_xenheap(PAGE_SIZE);
		if (!c->hsave || !c->host_vmcb) {
			return -ENOMEM;
		}
		c->host_vmcb_pa = virt_to_phys(c->host_vmcb);
		c->next_asid = 1;
		c->asid_generation = 1;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, virt_to_phys(c->hsave));
	return 0;
}

static void seg_to_vmcb(struct vmcb_seg *d, const struct hvm_segment *s)
{
	d->sel = s->sel;
	d->attr = s->attr;
	d->limit = s->limit;
	d->base = s->base;
}

static struct vmcb_seg *vmcb_seg(struct vmcb *vmcb, enum hvm_seg seg)
{
	switch (seg) {
	case HVM_SEG_ES: return &vmcb->es;
	case HVM_SEG_CS: return &vmcb->cs;
	case HVM_SEG_SS: return &vmcb->ss;
	case HVM_SEG_DS: return &vmcb->ds;
	case HVM_SEG_FS: return &vmcb->fs;
	case HVM_SEG_GS: return &vmcb->gs;
	case HVM_SEG_GDTR: return &vmcb->gdtr;
	case HVM_SEG_IDTR: return &vmcb->idtr;
	case HVM_SEG_LDTR: return &vmcb->ldtr;
	default: return &vmcb->tr;
	}
}

static void svm_request_irq_window(struct vcpu *v, bool on);

/* The architectural state from @s; pending events and interrupt windows are dropped. */
static void svm_vcpu_reset(struct vcpu *v, const struct hvm_boot_state *s)
{
	struct vmcb *vmcb = vmcb_of(v);
	unsigned int i;

	for (i = 0; i < HVM_NR_SEGS; i++) {
		seg_to_vmcb(vmcb_seg(vmcb, i), &s->segs[i]);
	}
	vmcb->cpl = (s->segs[HVM_SEG_SS].attr >> 5) & 3;
	vmcb->efer = s->efer | EFER_SVME;	/* VMRUN requires SVME in the guest's EFER */
	vmcb->cr0 = s->cr0;
	vmcb->cr2 = 0;
	vmcb->cr3 = s->cr3;
	vmcb->cr4 = s->cr4;
	vmcb->dr6 = 0xffff0ff0;
	vmcb->dr7 = 0x400;
	vmcb->g_pat = 0x0007040600070406ULL;	/* the power-on PAT */
	vmcb->rflags = s->regs.rflags;
	vmcb->rip = s->regs.rip;
	vmcb->rsp = s->regs.rsp;
	vmcb->rax = s->regs.rax;
	vmcb->eventinj = 0;
	vmcb->interrupt_shadow = 0;
	svm_request_irq_window(v, false);
	v->arch.hvm->regs = s->regs;
	/* A fresh ASID (flushed on first use): nothing the vCPU cached before INIT survives. */
	svm(v)->asid_generation = 0;
}

static int svm_vcpu_create(struct vcpu *v, const struct hvm_boot_state *s, paddr_t p2m_root)
{
	struct svm_vcpu *sv = alloc_xenheap(sizeof(*sv));
	struct vmcb *vmcb;

	if (!sv) {
		return -ENOMEM;
	}
	sv->vmcb = alloc_xenheap(PAGE_SIZE);
	if (!sv->vmcb) {
		free_xenheap(sv, sizeof(*sv));
		return -ENOMEM;
	}
	sv->vmcb_pa = virt_to_phys(sv->vmcb);
	v->arch.hvm->vendor = sv;
	vmcb = sv->vmcb;

	/*
	 * Intercepts: everything that could reach the real machine or reveal the host. VMRUN must be
	 * intercepted or VMRUN fails its consistency checks (APM vol. 2, 15.5.1).
	 */
	vmcb->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_SMI |
				SVM_INTERCEPT_INIT | SVM_INTERCEPT_CPUID | SVM_INTERCEPT_INVD |
				SVM_INTERCEPT_HLT | SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO |
				SVM_INTERCEPT_MSR | SVM_INTERCEPT_TASK_SWITCH | SVM_INTERCEPT_SHUTDOWN;
	vmcb->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
				SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
				SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_MONITOR | SVM_INTERCEPT_MWAIT |
				SVM_INTERCEPT_MWAIT_COND | SVM_INTERCEPT_XSETBV;
	vmcb->iopm_base_pa = iopm_pa;
	vmcb->msrpm_base_pa = msrpm_pa;
	/* Physical interrupts stay the host's (exit on INTR); the guest's IF masks only virtual ones. */
	vmcb->vintr = SVM_VINTR_MASKING;
	vmcb->np_enable = 1;
	vmcb->n_cr3 = p2m_root;
	vmcb->tsc_offset = v->domain->arch.hvm->tsc_offset;

	svm_vcpu_reset(v, s);
	return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
	struct svm_vcpu *sv = v->arch.hvm ? v->arch.hvm->vendor : NULL;

	if (!sv) {
		return;
	}
	if (sv->vmcb) {
		free_xenheap(sv->vmcb, PAGE_SIZE);
	}
	free_xenheap(sv, sizeof(*sv));
	v->arch.hvm->vendor = NULL;
}

/*
 * ASIDs (APM vol. 2, 15.16): a vCPU keeps its ASID while the CPU's generation stays; when the
 * CPU runs out, a new generation starts and the first entry of it flushes the whole TLB.
 */
static void svm_assign_asid(struct vcpu *v)
{
	struct svm_cpu *c = &svm_cpus[this_cpu()->cpu_id];
	struct svm_vcpu *sv = svm(v);

	sv->vmcb->tlb_control = SVM_TLB_FLUSH_NOTHING;
	if (sv->asid_generation == c->asid_generation) {
		return;
	}
	if (c->next_asid >= svm_caps.nr_asids) {
		c->asid_generation++;
		c->next_asid = 1;
		sv->vmcb->tlb_control = SVM_TLB_FLUSH_ALL;
	} else {
		sv->vmcb->tlb_control = svm_caps.features & SVM_FEAT_FLUSH_BY_ASID ? SVM_TLB_FLUSH_ASID
										   : SVM_TLB_FLUSH_ALL;
	}
	sv->asid = c->next_asid++;
	sv->asid_generation = c->asid_generation;
	sv->vmcb->asid = sv->asid;
}

/* A stale generation makes the next entry take a fresh ASID, flushed (svm_assign_asid). */
static void svm_flush_guest_tlb(struct vcpu *v)
{
	svm(v)->asid_generation = 0;
}

static uint64_t svm_get_tsc_offset(const struct vcpu *v)
{
	return vmcb_of(v)->tsc_offset;
}

static void inject_ud(struct vcpu *v, const char *insn)
{
	hvm_log(v, "%s refused: #UD injected\n", insn);
	hvm_ops->inject_exception(v, X86_EXC_UD, false, 0);
}

static void svm_handle_exit(struct vcpu *v)
{
	struct vmcb *vmcb = vmcb_of(v);
	uint64_t code = vmcb->exitcode;
	static const uint8_t vmmcall[3] = { 0x0f, 0x01, 0xd9 }, invd[2] = { 0x0f, 0x08 };

	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
		/* Already taken by the host's handlers when GIF was set again. */
		break;
	case SVM_EXIT_VINTR:
		hvm_ops->request_irq_window(v, false);
		break;
	case SVM_EXIT_CPUID:
		hvm_handle_cpuid(v);
		break;
	case SVM_EXIT_HLT:
		hvm_handle_hlt(v);
		break;
	case SVM_EXIT_INVD:
		hvm_skip_insn(v, invd, sizeof(invd));	/* nothing cached needs discarding */
		break;
	case SVM_EXIT_IOIO: {
		uint32_t info = (uint32_t)vmcb->exitinfo1;
		uint16_t port = (uint16_t)(info >> SVM_IOIO_PORT_SHIFT);
		unsigned int size = (info >> SVM_IOIO_SIZE_SHIFT) & 7;	/* one-hot 1, 2, 4 bytes */
		bool in = info & SVM_IOIO_IN;

		/* EXITINFO2 is the next RIP on every IOIO exit, NRIP save or not (APM 15.10.2). */
		if (info & SVM_IOIO_STR) {
			hvm_handle_string_io(v, port, size, in, info & SVM_IOIO_REP, vmcb->exitinfo2);
		} else {
			hvm_handle_io(v, port, size, in, vmcb->exitinfo2);
		}
		break;
	}
	case SVM_EXIT_MSR:
		hvm_handle_msr(v, vmcb->exitinfo1 == 1);
		break;
	case SVM_EXIT_SHUTDOWN:
		hvm_handle_triple_fault(v, "triple fault");
		break;
	case SVM_EXIT_INIT:
		hvm_handle_triple_fault(v, "INIT");
		break;
	case SVM_EXIT_VMMCALL:
		hvm_handle_hypercall(v, vmmcall);
		break;
	case SVM_EXIT_VMRUN:
		inject_ud(v, "VMRUN");
		break;
	case SVM_EXIT_VMLOAD:
		inject_ud(v, "VMLOAD");
		break;
	case SVM_EXIT_VMSAVE:
		inject_ud(v, "VMSAVE");
		break;
	case SVM_EXIT_STGI:
		inject_ud(v, "STGI");
		break;
	case SVM_EXIT_CLGI:
		inject_ud(v, "CLGI");
		break;
	case SVM_EXIT_SKINIT:
		inject_ud(v, "SKINIT");
		break;
	case SVM_EXIT_INVLPGA:
		inject_ud(v, "INVLPGA");
		break;
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_COND:
		inject_ud(v, "MONITOR/MWAIT");
		break;
	case SVM_EXIT_XSETBV:
		inject_ud(v, "XSETBV");
		break;
	case SVM_EXIT_NPF:
		/* EXITINFO1 is a #PF-style error code (bit 1: write), EXITINFO2 the guest-physical address. */
		hvm_handle_npf(v, vmcb->exitinfo2, vmcb->exitinfo1 & 2);
		break;
	case SVM_EXIT_TASK_SWITCH:
		hvm_crash(v, "hardware task switch (not emulated)");
		break;
	case SVM_EXIT_INVALID:
		hvm_crash(v, "VMRUN refused the guest state (cr0 %#llx cr4 %#llx efer %#llx cs %#x/%#x)",
			  (unsigned long long)vmcb->cr0, (unsigned long long)vmcb->cr4,
			  (unsigned long long)vmcb->efer, vmcb->cs.sel, vmcb->cs.attr);
		break;
	default:
		hvm_crash(v, "unexpected exit %#llx (info %#llx %#llx)", (unsigned long long)code,
			  (unsigned long long)vmcb->exitinfo1, (unsigned long long)vmcb->exitinfo2);
		break;
	}
}

static void svm_run(struct vcpu *v)
{
	struct hvm_vcpu *h = v->arch.hvm;
	struct svm_vcpu *sv = svm(v);
	struct vmcb *vmcb = sv->vmcb;

	vmcb->rax = h->regs.rax;
	vmcb->rsp = h->regs.rsp;
	vmcb->rip = h->regs.rip;
	vmcb->rflags = h->regs.rflags;
	/* Argon does not track which fields changed: every entry reloads the whole VMCB. */
	vmcb->clean_bits = 0;

	/*
	 * GIF clear from here to after the exit: host interrupts (IF set again right away) stay
	 * pending during the switch and are taken by the host's handlers at STGI (APM 15.17).
	 */
	local_irq_disable();
	svm_assign_asid(v);
	clgi();
	local_irq_enable();
	svm_vmrun(sv->vmcb_pa, &h->regs, svm_cpus[this_cpu()->cpu_id].host_vmcb_pa);
	stgi();

	h->nr_exits++;
	h->regs.rax = vmcb->rax;
	h->regs.rsp = vmcb->rsp;
	h->regs.rip = vmcb->rip;
	h->regs.rflags = vmcb->rflags;
	vmcb->eventinj = 0;
	/* An event whose delivery the exit interrupted is delivered again on the next entry. */
	if (vmcb->exitintinfo & SVM_EVTINJ_VALID) {
		vmcb->eventinj = vmcb->exitintinfo;
	}
	svm_handle_exit(v);
}

static uint64_t svm_get_cr(const struct vcpu *v, unsigned int n)
{
	const struct vmcb *vmcb = vmcb_of(v);

	switch (n) {
	case 0: return vmcb->cr0;
	case 2: return vmcb->cr2;
	case 3: return vmcb->cr3;
	case 4: return vmcb->cr4;
	default: return 0;
	}
}

static uint64_t svm_get_efer(const struct vcpu *v)
{
	return vmcb_of(v)->efer & ~EFER_SVME;
}

static void svm_set_efer(struct vcpu *v, uint64_t efer)
{
	vmcb_of(v)->efer = efer | EFER_SVME;
}

static void svm_get_segment(const struct vcpu *v, enum hvm_seg seg, struct hvm_segment *out)
{
	const struct vmcb_seg *s = vmcb_seg(vmcb_of(v), seg);

	out->sel = s->sel;
	out->attr = s->attr;
	out->limit = s->limit;
	out->base = s->base;
}

static unsigned int svm_get_cpl(const struct vcpu *v)
{
	return vmcb_of(v)->cpl;
}

static void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_ec, uint32_t ec)
{
	uint64_t e = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXCEPTION | (vector & 0xff);

	if (has_ec) {
		e |= SVM_EVTINJ_VALID_ERR | ((uint64_t)ec << 32);
	}
	vmcb_of(v)->eventinj = e;
}

static bool svm_inject_interrupt(struct vcpu *v, unsigned int vector)
{
	struct vmcb *vmcb = vmcb_of(v);

	if (vmcb->eventinj & SVM_EVTINJ_VALID) {
		return false;
	}
	vmcb->eventinj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | (vector & 0xff);
	return true;
}

static bool svm_interrupts_enabled(const struct vcpu *v)
{
	const struct vmcb *vmcb = vmcb_of(v);

	return (v->arch.hvm->regs.rflags & X86_EFLAGS_IF) && !(vmcb->interrupt_shadow & 1) &&
	       !(vmcb->eventinj & SVM_EVTINJ_VALID);
}

/* A virtual interrupt request with no vector of its own: the VINTR exit says the window is open. */
static void svm_request_irq_window(struct vcpu *v, bool on)
{
	struct vmcb *vmcb = vmcb_of(v);

	if (on) {
		vmcb->vintr |= SVM_VINTR_V_IRQ | SVM_VINTR_V_IGN_TPR;
		vmcb->intercept_misc1 |= SVM_INTERCEPT_VINTR;
	} else {
		vmcb->vintr &= ~(SVM_VINTR_V_IRQ | SVM_VINTR_V_IGN_TPR);
		vmcb->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	}
}

#define MSR_PAT 0x277

/* Each PAT entry must be a defined memory type: 0, 1, 4, 5, 6 or 7 (SDM vol. 3, 11.12.2). */
static bool pat_valid(uint64_t pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (i * 8));

		if (t > 7 || t == 2 || t == 3) {
			return false;
		}
	}
	return true;
}

static int svm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	if (msr == MSR_PAT) {
		*val = vmcb_of(v)->g_pat;
		return 0;
	}
	return -ENOENT;
}

static int svm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	if (msr == MSR_PAT) {
		if (!pat_valid(val)) {
			return -EINVAL;
		}
		vmcb_of(v)->g_pat = val;
		return 0;
	}
	return -ENOENT;
}

/* NPT entries are ordinary long-mode entries; nested walks are user accesses (APM 15.25.5). */
static const struct hvm_vendor_ops svm_ops = {
	.name = "AMD SVM",
	.hypercall_insn = { 0x0f, 0x01, 0xd9 },
	.p2m_format = {
		.table_flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED,
		.ram_flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY,
	},
	.cpu_up = svm_cpu_up,
	.vcpu_create = svm_vcpu_create,
	.vcpu_destroy = svm_vcpu_destroy,
	.vcpu_reset = svm_vcpu_reset,
	.run = svm_run,
	.get_cr = svm_get_cr,
	.get_efer = svm_get_efer,
	.set_efer = svm_set_efer,
	.get_segment = svm_get_segment,
	.get_cpl = svm_get_cpl,
	.inject_exception = svm_inject_exception,
	.inject_interrupt = svm_inject_interrupt,
	.interrupts_enabled = svm_interrupts_enabled,
	.request_irq_window = svm_request_irq_window,
	.flush_guest_tlb = svm_flush_guest_tlb,
	.get_tsc_offset = svm_get_tsc_offset,
	.msr_read = svm_msr_read,
	.msr_write = svm_msr_write,
};

const struct hvm_vendor_ops *svm_probe(void)
{
	static const uint32_t passthrough[] = {
		/* Held in the VMCB and switched by VMLOAD/VMSAVE: the guest may own them. */
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
		MSR_SFMASK, 0x174, 0x175, 0x176,	/* SYSENTER_CS/ESP/EIP */
	};
	struct cpuid_regs r;
	unsigned int i;

	if (boot_cpu.max_ext_leaf < 0x8000000a || !(cpuid(0x80000001).c & CPUIDX1_ECX_SVM)) {
		return NULL;
	}
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		log_warn("HVM: SVM is disabled by the firmware (VM_CR.SVMDIS)\n");
		return NULL;
	}
	r = cpuid(0x8000000a);
	svm_caps.revision = r.a & 0xff;
	svm_caps.nr_asids = r.b;
	svm_caps.features = r.d;
	log_info("HVM: SVM revision %u, %u ASIDs, features %#x:%s%s%s%s%s%s\n", svm_caps.revision,
		 svm_caps.nr_asids, svm_caps.features, r.d & SVM_FEAT_NPT ? " npt" : "",
		 r.d & SVM_FEAT_NRIPS ? " nrip-save" : "", r.d & SVM_FEAT_VMCB_CLEAN ? " vmcb-clean" : "",
		 r.d & SVM_FEAT_FLUSH_BY_ASID ? " flush-by-asid" : "",
		 r.d & SVM_FEAT_DECODE_ASSISTS ? " decode-assists" : "", r.d & SVM_FEAT_VGIF ? " vgif" : "");
	if (!(r.d & SVM_FEAT_NPT)) {
		log_warn("HVM: SVM without nested paging is not supported\n");
		return NULL;
	}
	if (svm_caps.nr_asids < 2) {
		log_warn("HVM: SVM reports no guest ASIDs\n");
		return NULL;
	}
	iopm = alloc_xenheap(IOPM_SIZE);
	msrpm = alloc_xenheap(MSRPM_SIZE);
	if (!iopm || !msrpm) {
		return NULL;
	}
	/* Default deny: every port and every MSR exits, except the VMCB-held MSRs above. */
	memset(iopm, 0xff, IOPM_SIZE);
	memset(msrpm, 0xff, MSRPM_SIZE);
	for (i = 0; i < ARRAY_SIZE(passthrough); i++) {
		msrpm_allow(passthrough[i]);
	}
	iopm_pa = virt_to_phys(iopm);
	msrpm_pa = virt_to_phys(msrpm);
	return &svm_ops;
}
