/*
 * Switching the CPU between PV vCPUs. The running vCPU's registers live in the frame at the top
 * of the CPU's stack; a switch saves that frame (and the FPU, page tables, data segments with
 * their bases, and GDT) into the old vCPU and loads the new one's, so returning from the trap
 * enters the new vCPU.
 * With nothing to run the CPU idles here, on the way back to a guest, until a vCPU is woken.
 */
#include <argon/arch.h>
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/schedule.h>
#include <argon/shutdown.h>
#include <argon/vtime.h>
#include <asm/cpu.h>
#include <asm/fpu.h>
#include <asm/hvm/hvm.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv/descriptor.h>
#include <asm/pv/mm.h>
#include <asm/pv/vcpu.h>
#include <public/sched.h>

uint32_t pv_mxcsr_mask(void)
{
	return fpu_mxcsr_mask();
}

void pv_vcpu_set_fpu(struct vcpu *v, const uint8_t *image)
{
	fpu_init_area(v->arch.fpu);
	if (image) {
		fpu_load_legacy_image(v->arch.fpu, image);
	}
}

/* The status to report when the last domain is gone: success for power-off, 16 + reason else. */
static unsigned int last_status = EXIT_STATUS_SUCCESS;
static unsigned int last_domid;

static void load_vcpu(struct vcpu *v, struct cpu_regs *regs)
{
	this_cpu()->curr_vcpu = v;
	v->domain->arch.stats.switches++;
	*regs = v->arch.saved_regs;
	write_cr3(mfn_to_paddr(v->arch.kernel_mode ? v->arch.guest_table : v->arch.guest_table_user));
	pv_note_full_flush();
	percpu_gdt_load_guest(v);
	percpu_ldt_load(v);
	/* After its GDT and LDT (the selectors' descriptors) and page tables (a failsafe frame). */
	pv_load_segments(v, regs);
	/* The guest's FPU comes back with TS clear; then its own virtual TS decides. */
	write_cr0(read_cr0() & ~X86_CR0_TS);
	fpu_restore(v->arch.fpu);
	if (v->arch.fpu_ts) {
		write_cr0(read_cr0() | X86_CR0_TS);
	}
}

static void save_vcpu(struct vcpu *v, const struct cpu_regs *regs)
{
	v->arch.saved_regs = *regs;
	pv_save_segments(v);
	write_cr0(read_cr0() & ~X86_CR0_TS);
	fpu_save(v->arch.fpu);
}

/* Destroy every domain that has shut down and is not on this CPU; true if any domain is left. */
static bool reap_domains(void)
{
	struct domain *d = domain_next(NULL), *n;
	bool left = false;

	for (; d; d = n) {
		n = domain_next(d);
		if (d->state == DOMAIN_SHUTDOWN) {
			unsigned int i;

			last_domid = d->domain_id;
			last_status = d->shutdown_reason == SHUTDOWN_poweroff
					      ? EXIT_STATUS_SUCCESS
					      : EXIT_STATUS_DOMAIN_BASE + d->shutdown_reason;
			for (i = 0; i < d->max_vcpus; i++) {
				sched_destroy_vcpu(d->vcpus[i]);
			}
			if (is_hvm_domain(d)) {
				hvm_domain_destroy(d);
			} else {
				pv_stats_report(d);
				domain_destroy(d);
			}
			log_info("d%u: destroyed; Memory: %llu KiB free\n", d->domain_id,
				 (unsigned long long)sys_heap.free_pages * 4);
			continue;
		}
		left = true;
	}
	return left;
}

static __noreturn void last_domain_gone(void)
{
	log_info("last domain (d%u) has shut down; Memory: %llu KiB free\n", last_domid,
		 (unsigned long long)sys_heap.free_pages * 4);
	machine_halt(last_status);
}

/*
 * The scheduler's decision, taken on the way back to a PV guest (its frame at the top of the
 * stack) or at start. An HVM vCPU that is picked runs right here, below the frame, until the
 * scheduler has to decide again (hvm_vcpu_run); the frame is untouched meanwhile and only a PV
 * vCPU is ever loaded into it, so the stack stays bounded however PV and HVM vCPUs alternate.
 */
void pv_schedule(struct cpu_regs *regs)
{
	struct vcpu *prev = current_vcpu(), *next;
	bool switched = false;

	if (prev && prev->domain->state == DOMAIN_RUNNING) {
		save_vcpu(prev, regs);
	}
	for (;;) {
		next = sched_next(NOW());
		if (next && next->domain->state == DOMAIN_RUNNING) {
			if (!is_hvm_vcpu(next)) {
				break;
			}
			switched = true;
			hvm_vcpu_run(next);
			/* Finished domains go while the CPU is on Argon's own page tables. */
			if (!reap_domains()) {
				last_domain_gone();
			}
			continue;
		}
		/* Idle: leave any guest address space, reap finished domains, wait for a wake-up. */
		switched = true;
		this_cpu()->curr_vcpu = NULL;
		write_cr3(virt_to_phys(idle_l4));
		if (!reap_domains()) {
			last_domain_gone();
		}
		if (!next) {
			safe_halt();
			local_irq_disable();
		}
	}
	if (next != prev || switched) {
		load_vcpu(next, regs);
		/*
		 * Now on its page tables: its pvclock is refreshed and its runstate area shows it
		 * running (Xen does both on every switch to a vCPU).
		 */
		vcpu_update_time(next);
		vcpu_runstate_publish(next);
	} else {
		/* The same vCPU goes on: its registers are still in the frame; only the FPU was saved. */
		fpu_restore(next->arch.fpu);
		if (next->arch.fpu_ts) {
			write_cr0(read_cr0() | X86_CR0_TS);
		}
	}
	/* Finished domains go once the CPU runs on somebody else's page tables. */
	reap_domains();
}

void pv_sched_start(void)
{
	struct domain *d;
	struct cpu_regs *regs = guest_cpu_regs();

	for (d = domain_next(NULL); d; d = domain_next(d)) {
		unsigned int i;

		d->state = DOMAIN_RUNNING;
		vcpu_update_time(d->vcpus[0]);
		domain_update_wallclock(d);
		for (i = 0; i < d->max_vcpus; i++) {
			fpu_init_area(d->vcpus[i]->arch.fpu);
		}
		/* vCPU 0 starts; the others wait for VCPUOP_initialise and VCPUOP_up. */
		vcpu_online(d->vcpus[0]);
	}
	memset(regs, 0, sizeof(*regs));
	local_irq_disable();
	pv_schedule(regs);
	pv_enter_guest(regs);
}
