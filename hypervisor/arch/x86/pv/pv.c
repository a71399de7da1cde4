/*
 * Running PV vCPUs: the syscall MSRs, the first entry into a guest, guest kernel/user mode
 * switches, and what happens when a domain stops.
 */
#include <argon/arch.h>
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/shutdown.h>
#include <argon/schedule.h>
#include <argon/vtime.h>
#include <public/vcpu.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv/descriptor.h>
#include <asm/pv/mm.h>
#include <public/sched.h>
#include <public/xen.h>

void pv_syscall_entry(void);
void pv_syscall32_entry(void);

void clear_page(void *p)
{
	uint64_t n = PAGE_SIZE / 8;

	__asm__ __volatile__("rep stosq" : "+D"(p), "+c"(n) : "a"(0UL) : "memory");
}

void pv_cpu_init(void)
{
	/*
	 * STAR: syscall enters on HYPERVISOR_CS (SS = +8); sysret's base 0xe023 makes its 64-bit
	 * CS 0xe033 and SS 0xe02b, the flat ring-3 selectors of the ABI (SDM vol. 3, 5.8.8).
	 */
	wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) | ((uint64_t)HYPERVISOR_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)pv_syscall_entry);
	wrmsr(MSR_CSTAR, (uint64_t)pv_syscall32_entry);
	/* Enter with interrupts off and no single-step, direction, nested-task or alignment flags. */
	wrmsr(MSR_SFMASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_NT |
				  X86_EFLAGS_AC | X86_EFLAGS_IOPL | X86_EFLAGS_RF);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

struct vcpu *current_vcpu(void)
{
	return this_cpu()->curr_vcpu;
}

void arch_domain_create(struct domain *d)
{
	struct page_info *si = pv_mfn_to_page(d->shared_info_mfn);
	unsigned int i;

	/*
	 * The guest maps shared_info by its machine address (Linux with update_va_mapping), so the
	 * frame belongs to the domain; a permanent writable type reference keeps it from ever
	 * becoming a page table or descriptor page (Xen's share_xen_page_with_guest).
	 */
	si->owner = d->domain_id;
	if (get_page(si, d) || get_page_type(d, si, PGT_WRITABLE, false)) {
		panic("d%u: cannot share shared_info", d->domain_id);
	}
	for (i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		v->arch.kernel_mode = true;
		v->arch.vcpu_info = (struct vcpu_info *)((struct shared_info *)d->shared_info)->vcpu_info +
				    (i < XEN_LEGACY_MAX_VCPUS ? i : 0);
		/* Events start masked, as the builder of every Xen PV guest leaves them. */
		((struct shared_info *)d->shared_info)->vcpu_info[i < XEN_LEGACY_MAX_VCPUS ? i : 0]
			.evtchn_upcall_mask = 1;
	}
}

/* The PV MMU overrides this to drop every page-table reference the domain holds. */
void __attribute__((weak)) pv_relinquish_memory(struct domain *d)
{
}

void arch_domain_destroy(struct domain *d)
{
	struct vcpu *cur = current_vcpu();
	unsigned int i;

	for (i = 0; i < d->max_vcpus; i++) {
		pv_release_descriptor_tables(d->vcpus[i]);
	}
	/* The console stopped serving the ring in domain_destroy(): its frame may go now. */
	if (mfn_x(d->arch.console_ring)) {
		struct page_info *pg = pv_mfn_to_page(d->arch.console_ring);

		spin_lock(&d->arch.mm_lock);
		put_page_type(d, pg, false);
		put_page(pg);
		spin_unlock(&d->arch.mm_lock);
		d->arch.console_ring = _mfn(0);
	}
	/*
	 * This CPU's GDT window must not keep mapping frames that are about to be freed. It must
	 * map the GDT of the vCPU this CPU is about to enter, though: domains are reaped after the
	 * next vCPU is loaded, and a window left empty then faults that vCPU's next selector load.
	 */
	percpu_gdt_load_guest(cur && cur->domain != d ? cur : NULL);
	pv_relinquish_memory(d);
}

static void load_guest_table(struct vcpu *v)
{
	mfn_t root = v->arch.kernel_mode ? v->arch.guest_table : v->arch.guest_table_user;

	write_cr3(mfn_to_paddr(root));
	pv_note_full_flush();
}

void pv_toggle_guest_mode(struct vcpu *v)
{
	v->arch.kernel_mode = !v->arch.kernel_mode;
	load_guest_table(v);
	/* The inactive GS base lives in the vCPU; the hypervisor's shadow GS base stays its own. */
	wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel : v->arch.gs_base_user);
}

static const char *const shutdown_names[] = {
	[SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
	[SHUTDOWN_suspend] = "suspend",   [SHUTDOWN_crash] = "crash",
	[SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

void domain_shutdown(struct domain *d, unsigned int reason)
{
	unsigned int i;

	if (d->state == DOMAIN_SHUTDOWN || d->state == DOMAIN_DYING) {
		return;
	}
	d->shutdown_reason = reason;
	d->state = DOMAIN_SHUTDOWN;
	/* Its vCPUs leave the run queues now; the domain is destroyed at the next decision. */
	for (i = 0; i < d->max_vcpus; i++) {
		vcpu_sleep_offline(d->vcpus[i]);
	}
	log_info("d%u: shut down: %s (%u)\n", d->domain_id,
		 reason < ARRAY_SIZE(shutdown_names) && shutdown_names[reason] ? shutdown_names[reason]
									       : "unknown",
		 reason);
}

void domain_crash(struct domain *d, const char *why)
{
	log_err("d%u: domain crash: %s\n", d->domain_id, why);
	domain_shutdown(d, SHUTDOWN_crash);
}

void vcpu_kick(struct vcpu *v)
{
	/* An event for a blocked vCPU wakes it; a running one sees it on its way back to the guest. */
	if (v->sched.state == SCHED_BLOCKED) {
		vcpu_wake(v);
	}
}

void pv_return_to_guest_work(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();

	if (!v) {
		return;
	}
	if (v->domain->state != DOMAIN_RUNNING || sched_take_request()) {
		pv_schedule(regs);
	}
	/* Events that became pending (and unmasked) during this exit go up now. */
	pv_deliver_events(regs);
}

void pv_iret_failed(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();

	/* Only a guest frame can fault here: Argon's own returns never do. */
	if (!v) {
		panic("iretq to the hypervisor faulted");
	}
	regs->vector = 0;
	regs->error_code = 0;
	domain_crash(v->domain, "the CPU refused its return frame (bad selector or address)");
	pv_return_to_guest_work(regs);
}
