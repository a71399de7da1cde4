/*
 * The data segment registers of PV vCPUs across context switches. The hypervisor never uses
 * %ds, %es, %fs or %gs itself (64-bit mode; its per-CPU data is reached through the shadow GS
 * base), so a guest's selectors simply stay in the CPU while it runs and traps, and must be saved
 * when its vCPU leaves the CPU and reloaded when it comes back: otherwise the next vCPU inherits
 * them. Linux reads its selectors back on every task switch and takes a non-null %fs for a
 * descriptor-based TLS (zeroing the task's FS base), so an inherited selector is a corrupted
 * task.
 *
 * The rules are Xen's PV ones: a selector is reloaded unless it is null both on the CPU and in
 * the vCPU (the same selector may name another descriptor in this vCPU's GDT or LDT); a selector
 * that no longer loads (the guest changed its descriptor meanwhile) becomes null and the guest
 * learns it through its failsafe callback, whose frame carries the selectors it should have had.
 * The FS and GS bases are saved and restored as the CPU held them, a selector load first, since
 * the guest may have set a 64-bit base after loading one; a base of 0 with a non-null selector
 * stands for the descriptor's (a context from VCPUOP_initialise), as in Xen a non-null selector
 * overrides the base. %gs has one selector for both guest modes; its base is per mode, the
 * inactive one kept in the vCPU (swapgs is the toggle between kernel and user mode).
 */
#include <argon/domain.h>
#include <asm/cpu.h>
#include <asm/pv.h>

static uint16_t read_sel(enum pv_data_seg seg)
{
	uint16_t sel;

	switch (seg) {
	case PV_SEG_DS:
		__asm__ __volatile__("mov %%ds, %0" : "=r"(sel));
		break;
	case PV_SEG_ES:
		__asm__ __volatile__("mov %%es, %0" : "=r"(sel));
		break;
	case PV_SEG_FS:
		__asm__ __volatile__("mov %%fs, %0" : "=r"(sel));
		break;
	default:
		__asm__ __volatile__("mov %%gs, %0" : "=r"(sel));
		break;
	}
	return sel;
}

static long (*const load_sel[PV_NR_DATA_SEGS])(unsigned int sel) = {
	[PV_SEG_DS] = raw_load_ds_sel,
	[PV_SEG_ES] = raw_load_es_sel,
	[PV_SEG_FS] = raw_load_fs_sel,
	[PV_SEG_GS] = raw_load_gs_sel,
};

void pv_save_segments(struct vcpu *v)
{
	unsigned int s;

	for (s = 0; s < PV_NR_DATA_SEGS; s++) {
		v->arch.sel[s] = read_sel(s);
	}
	/*
	 * The guest changes its bases without asking: a selector load (Linux loads a null %fs on
	 * exec and when switching to a task without TLS) replaces the base.
	 */
	v->arch.fs_base = rdmsr(MSR_FS_BASE);
	if (v->arch.kernel_mode) {
		v->arch.gs_base_kernel = rdmsr(MSR_GS_BASE);
	} else {
		v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
	}
}

/* A selector that names a descriptor (not one of the four null selectors). */
static bool real_sel(uint16_t sel)
{
	return sel & ~3U;
}

void pv_load_segments(struct vcpu *v, struct cpu_regs *regs)
{
	uint16_t want[PV_NR_DATA_SEGS];
	bool failed = false;
	unsigned int s;

	for (s = 0; s < PV_NR_DATA_SEGS; s++) {
		want[s] = v->arch.sel[s];
		if (!(read_sel(s) | want[s])) {
			continue;
		}
		if (load_sel[s](want[s])) {
			v->arch.sel[s] = 0;
			failed = true;
		}
		/* Only the load just done shows a descriptor's base in the MSR. */
		if (s == PV_SEG_FS && real_sel(v->arch.sel[s]) && !v->arch.fs_base) {
			v->arch.fs_base = rdmsr(MSR_FS_BASE);
		}
		if (s == PV_SEG_GS && real_sel(v->arch.sel[s]) && !v->arch.gs_base_user) {
			v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
		}
	}
	wrmsr(MSR_FS_BASE, v->arch.fs_base);
	wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel : v->arch.gs_base_user);
	if (failed && v->arch.failsafe_callback.address) {
		pv_inject_failsafe(regs, want);
	}
}
