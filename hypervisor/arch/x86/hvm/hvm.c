/*
 * The generic HVM layer: vendor selection, the vCPU run loop, and the exits every vendor reports
 * the same way (CPUID and MSR policy, HLT, triple fault). Guest-triggered problems crash the
 * domain, never the hypervisor; guest-triggered messages are rate-limited per vCPU.
 */
#include <argon/arch.h>
#include <argon/console.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/schedule.h>
#include <argon/shutdown.h>
#include <argon/time.h>
#include <argon/vtime.h>
#include <asm/cpu.h>
#include <asm/fpu.h>
#include <asm/hvm/hvm.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <public/sched.h>

const struct hvm_vendor_ops *hvm_ops;

/* The vendors Argon knows, probed in order; the first that fits is used for good. */
static const struct hvm_vendor_ops *(*const vendors[])(void) = { svm_probe };

/* The cost of a CPUID that does not exit, to compare with a guest's (an exit round trip). */
static uint64_t native_cpuid_cycles(void)
{
	uint64_t start = rdtsc();
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		cpuid(0);
	}
	return (rdtsc() - start) / 1000;
}

int hvm_init(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(vendors) && !hvm_ops; i++) {
		hvm_ops = vendors[i]();
	}
	if (!hvm_ops) {
		log_info("HVM: no hardware virtualization with nested paging; HVM guests unavailable\n");
		return -ENODEV;
	}
	rc = hvm_ops->cpu_up();
	if (rc) {
		log_err("HVM: cannot enable %s on CPU %u (error %d)\n", hvm_ops->name, arch_cpu_id(), rc);
		hvm_ops = NULL;
		return rc;
	}
	log_info("HVM: %s enabled; native CPUID: %llu TSC cycles\n", hvm_ops->name,
		 (unsigned long long)native_cpuid_cycles());
	return 0;
}

bool hvm_available(void)
{
	return hvm_ops != NULL;
}

#define HVM_LOG_BUDGET 50

static void vlog_vcpu(struct vcpu *v, enum log_level level, const char *fmt, va_list ap)
{
	char buf[200];

	if (!v->arch.hvm->log_budget) {
		return;
	}
	if (!--v->arch.hvm->log_budget) {
		log_warn("d%uv%u: further guest-triggered messages suppressed\n", v->domain->domain_id,
			 v->vcpu_id);
		return;
	}
	vsnprintf(buf, sizeof(buf), fmt, ap);
	log_msg(level, "d%uv%u: %s", v->domain->domain_id, v->vcpu_id, buf);
}

void hvm_log(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_vcpu(v, LOG_INFO, fmt, ap);
	va_end(ap);
}

void hvm_crash(struct vcpu *v, const char *fmt, ...)
{
	struct domain *d = v->domain;
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (d->state == DOMAIN_SHUTDOWN) {
		return;
	}
	log_err("d%u: domain crash: d%uv%u: %s (rip %#llx)\n", d->domain_id, d->domain_id,
		v->vcpu_id, buf, (unsigned long long)v->arch.hvm->regs.rip);
	domain_shutdown(d, SHUTDOWN_crash);
}

unsigned int hvm_code_bytes(const struct vcpu *v)
{
	struct hvm_segment cs;

	hvm_ops->get_segment(v, HVM_SEG_CS, &cs);
	if ((hvm_ops->get_efer(v) & (1UL << 10)) && (cs.attr & HVM_SEG_ATTR_L)) {
		return 8;
	}
	if (!(hvm_ops->get_cr(v, 0) & X86_CR0_PE)) {
		return 2;
	}
	return cs.attr & HVM_SEG_ATTR_DB ? 4 : 2;
}

/* The linear address of the instruction pointer. */
static uint64_t rip_linear(const struct vcpu *v)
{
	struct hvm_segment cs;

	if (hvm_code_bytes(v) == 8) {
		return v->arch.hvm->regs.rip;
	}
	hvm_ops->get_segment(v, HVM_SEG_CS, &cs);
	return (cs.base + v->arch.hvm->regs.rip) & 0xffffffffUL;
}

bool hvm_skip_insn(struct vcpu *v, const uint8_t *insn, size_t len)
{
	uint8_t buf[16];

	memset(buf, 0, sizeof(buf));
	if (len > sizeof(buf) || hvm_copy_from_guest_linear(v, buf, rip_linear(v), len) ||
	    memcmp(buf, insn, len)) {
		hvm_crash(v, "the instruction at rip is not the one that exited (%02x %02x %02x, "
			  "expected %02x %02x)", buf[0], buf[1], buf[2], insn[0], len > 1 ? insn[1] : 0);
		return false;
	}
	v->arch.hvm->regs.rip += len;
	if (hvm_code_bytes(v) != 8) {
		v->arch.hvm->regs.rip &= 0xffffffffUL;
	}
	return true;
}

/* ---- CPUID ---- */

/* Feature bits of leaf 1 and 0x80000001 a guest must not see (no emulation behind them). */
#define CPUID1_ECX_HIDE ((1U << 3) | (1U << 5) | (1U << 6) | (1U << 15) | (1U << 18) | \
			 (1U << 21) | (1U << 24) | (1U << 26) | (1U << 27))	/* monitor vmx smx pdcm dca x2apic tsc-deadline xsave osxsave */
#define CPUID1_EDX_HIDE ((1U << 7) | (1U << 12) | (1U << 14) | (1U << 21) | (1U << 22) | \
			 (1U << 29))	/* mce mtrr mca ds acpi tm */
#define CPUIDX1_ECX_HIDE ((1U << 2) | (1U << 9) | (1U << 12) | (1U << 13) | (1U << 15))	/* svm osvw skinit wdt lwp */

#define XEN_CPUID_BASE 0x40000000
#define XEN_CPUID_MAX (XEN_CPUID_BASE + 5)
#define XEN_HYPERCALL_MSR 0x40000000
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1U << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT (1U << 4)

/**
 * The CPUID values an HVM guest sees: the host's, minus what Argon does not virtualize, plus the
 * hypervisor bit and Xen's leaves at 0x40000000 (Xen's public arch-x86/cpuid.h): signature
 * "XenVMMXenVMM", version 4.17, one hypercall page through MSR 0x40000000.
 */
static struct cpuid_regs hvm_cpuid_policy(const struct vcpu *v, uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };
	uint32_t max_ext = boot_cpu.max_ext_leaf;

	if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x10000) {
		switch (leaf) {
		case XEN_CPUID_BASE:
			r.a = XEN_CPUID_MAX;
			memcpy(&r.b, "XenV", 4);
			memcpy(&r.c, "MMXe", 4);
			memcpy(&r.d, "nVMM", 4);
			break;
		case XEN_CPUID_BASE + 1:
			r.a = (4 << 16) | 17;
			break;
		case XEN_CPUID_BASE + 2:
			r.a = 1;			/* hypercall pages */
			r.b = XEN_HYPERCALL_MSR;
			break;
		case XEN_CPUID_BASE + 4:
			/* HVM leaf: the vCPU ID (Linux's xen_vcpu_id) and domain ID are given. */
			r.a = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
			r.b = v->vcpu_id;
			r.c = v->domain->domain_id;
			break;
		default:
			break;			/* time and PV leaves: nothing advertised */
		}
		return r;
	}
	if (leaf >= 0x80000000 ? leaf > max_ext : leaf > boot_cpu.max_leaf) {
		return r;
	}
	r = cpuid_count(leaf, sub);
	switch (leaf) {
	case 1:
		r.c &= ~CPUID1_ECX_HIDE;
		r.c |= CPUID1_ECX_HYPERVISOR;
		r.d &= ~CPUID1_EDX_HIDE;
		/* Initial APIC ID in 31:24; one logical processor per package. */
		r.b = (r.b & 0xffff) | (1u << 16) | (v->vcpu_id << 24);
		break;
	case 5: case 6:
		r = (struct cpuid_regs){ 0, 0, 0, 0 };	/* monitor/mwait, power management */
		break;
	case 7:
		if (sub == 0) {
			r.b &= ~((1U << 2) | (1U << 12) | (1U << 15));	/* sgx, pqm, pqe */
			/* waitpkg, pconfig-like; LA57: Argon's walks of guest tables are 4-level;
			 * RDPID: TSC_AUX is not virtualized. */
			r.c &= ~((1U << 5) | (1U << 14) | (1U << 16) | (1U << 22));
		}
		break;
	case 0xb: case 0x1f:
		/* Extended topology: the x2APIC ID is the vCPU's, as in leaf 1 and the MADT. */
		r.d = v->vcpu_id;
		break;
	case 0xd:
		r = (struct cpuid_regs){ 0, 0, 0, 0 };	/* no xsave */
		break;
	case 0x8000001e:
		r.a = v->vcpu_id;	/* extended APIC ID */
		break;
	case 0x80000001:
		r.c &= ~CPUIDX1_ECX_HIDE;
		r.d &= ~(1U << 27);	/* rdtscp: TSC_AUX is not virtualized */
		break;
	case 0x8000000a:
		r = (struct cpuid_regs){ 0, 0, 0, 0 };	/* no nested virtualization */
		break;
	default:
		break;
	}
	return r;
}

void hvm_handle_cpuid(struct vcpu *v)
{
	static const uint8_t insn[2] = { 0x0f, 0xa2 };
	struct hvm_regs *r = &v->arch.hvm->regs;
	struct cpuid_regs c = hvm_cpuid_policy(v, (uint32_t)r->rax, (uint32_t)r->rcx);

	if (!hvm_skip_insn(v, insn, sizeof(insn))) {
		return;
	}
	r->rax = c.a;
	r->rbx = c.b;
	r->rcx = c.c;
	r->rdx = c.d;
}

/* ---- MSRs ---- */

#define MSR_TSC 0x10
#define MSR_K8_INT_PENDING_MSG 0xc0010055

/* Fill the hypercall page at @gpa: 32 bytes per hypercall, "mov $nr, %eax; vmmcall; ret". */
static int write_hypercall_page(struct vcpu *v, uint64_t gpa)
{
	uint8_t page[PAGE_SIZE];
	unsigned int i;

	memset(page, 0xcc, sizeof(page));	/* int3 between the stubs */
	for (i = 0; i < PAGE_SIZE / 32; i++) {
		uint8_t *p = page + i * 32;

		p[0] = 0xb8;	/* mov $imm32, %eax */
		memcpy(p + 1, &i, 4);
		memcpy(p + 5, hvm_ops->hypercall_insn, 3);
		p[8] = 0xc3;	/* ret */
	}
	return hvm_copy_to_gpa(v->domain, gpa, page, sizeof(page));
}

static int msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	int rc = hvm_ops->msr_read(v, msr, val);

	if (rc != -ENOENT) {
		return rc;
	}
	switch (msr) {
	case MSR_EFER:
		*val = hvm_ops->get_efer(v);
		return 0;
	case MSR_APIC_BASE:
		*val = VLAPIC_BASE | APIC_BASE_ENABLE | (v->vcpu_id == 0 ? 1UL << 8 : 0);
		return 0;
	case MSR_TSC:
		*val = rdtsc() + v->domain->arch.hvm->tsc_offset;
		return 0;
	case MSR_K8_INT_PENDING_MSG:
		/* Linux reads it on AMD CPUs with erratum 400 (C1E): no SMI/C1E message, as KVM. */
		*val = 0;
		return 0;
	default:
		return -EINVAL;
	}
}

#define EFER_GUEST_BITS (EFER_SCE | EFER_LME | (1UL << 10) | EFER_NXE)

static int msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	int rc = hvm_ops->msr_write(v, msr, val);
	uint64_t old;

	if (rc != -ENOENT) {
		return rc;
	}
	switch (msr) {
	case MSR_EFER:
		old = hvm_ops->get_efer(v);
		if (val & ~EFER_GUEST_BITS) {
			return -EINVAL;
		}
		/* LME cannot change while paging is on (SDM vol. 3, 9.8.5); LMA is the CPU's. */
		if (((val ^ old) & EFER_LME) && (hvm_ops->get_cr(v, 0) & X86_CR0_PG)) {
			return -EINVAL;
		}
		hvm_ops->set_efer(v, (val & ~(1UL << 10)) | (old & (1UL << 10)));
		return 0;
	case MSR_APIC_BASE:
		/* The APIC stays enabled at its reset address in xAPIC mode. */
		if ((val & ~(1UL << 8)) != (VLAPIC_BASE | APIC_BASE_ENABLE)) {
			return -EINVAL;
		}
		return 0;
	case XEN_HYPERCALL_MSR:
		/* Bits 11:0 select the hypercall page; Argon offers one (CPUID 0x40000002). */
		if (val & (PAGE_SIZE - 1)) {
			return -EINVAL;
		}
		return write_hypercall_page(v, val) ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

void hvm_handle_msr(struct vcpu *v, bool write)
{
	static const uint8_t rd[2] = { 0x0f, 0x32 }, wr[2] = { 0x0f, 0x30 };
	struct hvm_regs *r = &v->arch.hvm->regs;
	uint32_t msr = (uint32_t)r->rcx;
	uint64_t val = 0;
	int rc;

	if (write) {
		val = (r->rdx << 32) | (uint32_t)r->rax;
		rc = msr_write(v, msr, val);
	} else {
		rc = msr_read(v, msr, &val);
	}
	if (rc) {
		hvm_log(v, "%s of MSR %#x refused: #GP\n", write ? "wrmsr" : "rdmsr", msr);
		hvm_ops->inject_exception(v, X86_EXC_GP, true, 0);
		return;
	}
	if (!hvm_skip_insn(v, write ? wr : rd, 2)) {
		return;
	}
	if (!write) {
		r->rax = (uint32_t)val;
		r->rdx = val >> 32;
	}
}

/* ---- HLT, shutdown, the run loop ---- */

static bool all_vcpus_down(const struct domain *d)
{
	unsigned int i;

	for (i = 0; i < d->max_vcpus; i++) {
		if (!d->vcpus[i]->arch.hvm->down) {
			return false;
		}
	}
	return true;
}

void hvm_handle_hlt(struct vcpu *v)
{
	static const uint8_t hlt = 0xf4;
	struct hvm_vcpu *h = v->arch.hvm;

	if (!hvm_skip_insn(v, &hlt, 1)) {
		return;
	}
	if (!(h->regs.rflags & X86_EFLAGS_IF)) {
		/* Only INIT can wake it: the vCPU is down, and with all of them the domain. */
		hvm_log(v, "HLT with interrupts disabled: vCPU down\n");
		hvm_vcpu_down(v);
		return;
	}
	h->halted = true;
}

void hvm_vcpu_down(struct vcpu *v)
{
	v->arch.hvm->down = true;
	vcpu_sleep_offline(v);
	/* Xen's rule: a domain whose every vCPU is down has powered itself off. */
	if (all_vcpus_down(v->domain)) {
		log_info("d%u: all vCPUs down: powering off\n", v->domain->domain_id);
		domain_shutdown(v->domain, SHUTDOWN_poweroff);
	}
}

void hvm_vcpu_init_signal(struct vcpu *v)
{
	struct hvm_vcpu *h = v->arch.hvm;

	h->wait_sipi = true;
	h->down = true;
	h->halted = false;
	vcpu_sleep_offline(v);
	vlapic_destroy(v);
	vlapic_init(v, v->vcpu_id);
	if (all_vcpus_down(v->domain)) {
		log_info("d%u: INIT left no vCPU up: powering off\n", v->domain->domain_id);
		domain_shutdown(v->domain, SHUTDOWN_poweroff);
	}
}

/* The state after INIT and a SIPI with @vector (SDM vol. 3, 9.4.4; APM vol. 2, 16.5). */
static void sipi_state(struct hvm_boot_state *s, unsigned int vector)
{
	struct hvm_segment data = { .sel = 0, .attr = 0x93, .limit = 0xffff, .base = 0 };
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->regs.rflags = X86_EFLAGS_MBS;
	s->cr0 = 1UL << 4;	/* ET; real mode, paging off */
	for (i = HVM_SEG_ES; i <= HVM_SEG_GS; i++) {
		s->segs[i] = data;
	}
	s->segs[HVM_SEG_CS] = (struct hvm_segment){ .sel = (uint16_t)(vector << 8), .attr = 0x9b,
						    .limit = 0xffff, .base = (uint64_t)vector << 12 };
	s->segs[HVM_SEG_GDTR] = (struct hvm_segment){ .limit = 0xffff };
	s->segs[HVM_SEG_IDTR] = (struct hvm_segment){ .limit = 0xffff };
	s->segs[HVM_SEG_LDTR] = (struct hvm_segment){ .attr = 0x82, .limit = 0xffff };
	s->segs[HVM_SEG_TR] = (struct hvm_segment){ .attr = 0x8b, .limit = 0xffff };
}

void hvm_vcpu_sipi(struct vcpu *v, unsigned int vector)
{
	struct hvm_vcpu *h = v->arch.hvm;
	struct hvm_boot_state s;

	/* Only a vCPU waiting after INIT takes it; the second SIPI of the usual pair is ignored. */
	if (!h->wait_sipi) {
		return;
	}
	sipi_state(&s, vector & 0xff);
	hvm_ops->vcpu_reset(v, &s);
	memset(h->dr, 0, sizeof(h->dr));
	fpu_init_area(v->arch.fpu);
	h->wait_sipi = false;
	h->down = false;
	h->halted = false;
	/* Rate-limited: a guest can send INIT and SIPI in a loop. */
	hvm_log(v, "started by SIPI at %#x\n", (vector & 0xff) << 12);
	vcpu_online(v);
}

void hvm_handle_triple_fault(struct vcpu *v, const char *what)
{
	hvm_crash(v, "%s", what);
}

void hvm_deliver_interrupts(struct vcpu *v)
{
	int cb, vec = vlapic_pending(v);
	bool pic;

	hvm_pvclock_sync(v);
	cb = hvm_callback_vector(v);
	if (cb >= 0) {
		/* The event upcall first, as Xen: it has no APIC state to keep, only the flag. */
		if (hvm_ops->interrupts_enabled(v)) {
			hvm_ops->inject_interrupt(v, (unsigned int)cb);
			hvm_ops->request_irq_window(v, false);
		} else {
			hvm_ops->request_irq_window(v, true);
		}
		return;
	}
	/*
	 * The PIC's own condition, not hvm_irq_pending(): the APIC timer may raise an IRR bit from
	 * the timer interrupt in between, and acking an idle PIC would inject its spurious IRQ 7.
	 */
	pic = vec < 0 && vlapic_accepts_extint(v) && vpic_int_output(&v->domain->arch.hvm->pic);
	if (vec < 0 && !pic) {
		return;
	}
	if (hvm_ops->interrupts_enabled(v)) {
		/* interrupts_enabled() means nothing is queued, so the injection cannot fail. */
		if (pic) {
			hvm_ops->inject_interrupt(v, vpic_ack(&v->domain->arch.hvm->pic));
		} else if (hvm_ops->inject_interrupt(v, (unsigned int)vec)) {
			vlapic_ack(v, vec);
		}
		hvm_ops->request_irq_window(v, false);
	} else {
		hvm_ops->request_irq_window(v, true);
	}
}

/*
 * A halted vCPU with nothing to take gives the CPU up: it blocks, and whatever raises one of its
 * interrupts (its APIC timer, the PIT's timer, an IPI, an event) kicks it awake. Checked with
 * host interrupts off, so a timer that fires in between either shows here or finds it blocked.
 * True when the vCPU may go on running.
 */
static bool halt_or_block(struct vcpu *v)
{
	bool go_on = true;

	local_irq_disable();
	if (hvm_irq_pending(v)) {
		v->arch.hvm->halted = false;
	} else if (!hvm_platform_due(v)) {
		vcpu_block(v);
		go_on = false;
	}
	local_irq_enable();
	return go_on;
}

/* DR0-3 are the guest's own while it runs (MOV DR does not exit; DR6/DR7 are in the VMCB). */
static void load_debug_regs(const uint64_t *dr)
{
	__asm__ __volatile__("mov %0, %%db0" : : "r"(dr[0]));
	__asm__ __volatile__("mov %0, %%db1" : : "r"(dr[1]));
	__asm__ __volatile__("mov %0, %%db2" : : "r"(dr[2]));
	__asm__ __volatile__("mov %0, %%db3" : : "r"(dr[3]));
}

static void save_debug_regs(uint64_t *dr)
{
	__asm__ __volatile__("mov %%db0, %0" : "=r"(dr[0]));
	__asm__ __volatile__("mov %%db1, %0" : "=r"(dr[1]));
	__asm__ __volatile__("mov %%db2, %0" : "=r"(dr[2]));
	__asm__ __volatile__("mov %%db3, %0" : "=r"(dr[3]));
}

void hvm_vcpu_run(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct hvm_vcpu *h = v->arch.hvm;

	/*
	 * Off the previous PV vCPU's page tables (its domain may be reaped while this one runs):
	 * Argon's own tables serve the exits. VMRUN switches control registers, segments and the
	 * syscall MSRs (with VMLOAD/VMSAVE); what it leaves alone and a guest uses directly is
	 * switched here: the FPU/SSE/AVX registers (a PV vCPU's were saved by the scheduler) and
	 * DR0-3.
	 */
	this_cpu()->curr_vcpu = v;
	write_cr3(virt_to_phys(idle_l4));
	write_cr0(read_cr0() & ~X86_CR0_TS);
	fpu_restore(v->arch.fpu);
	load_debug_regs(h->dr);
	/* As for PV (and Xen): a fresh pvclock and a runstate area showing it running. */
	vcpu_update_time(v);
	vcpu_runstate_publish(v);
	local_irq_enable();
	for (;;) {
		/* Shut down, gone offline (HLT with IF clear, INIT) or blocked in a hypercall. */
		if (d->state != DOMAIN_RUNNING || v->sched.state != SCHED_RUNNING) {
			break;
		}
		hvm_platform_poll(v);
		if (h->halted && !halt_or_block(v)) {
			break;
		}
		/* Preemption: the slice ended or a wake-up beats this vCPU. */
		if (sched_take_request()) {
			break;
		}
		hvm_deliver_interrupts(v);
		hvm_ops->run(v);
	}
	local_irq_disable();
	save_debug_regs(h->dr);
	fpu_save(v->arch.fpu);
	this_cpu()->curr_vcpu = NULL;
}
