/*
 * platform_op (7), for the privileged domain only: the time of day (as on Xen, domain 0 keeps
 * it and every domain's shared_info follows) and the physical CPUs Argon runs on. Every other
 * command is -ENOSYS, which Linux dom0 tolerates (docs/abi/platform_op.md says what it does).
 */
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/vtime.h>
#include <asm/apic.h>
#include <public/platform.h>

#define NSEC_PER_SEC_U 1000000000u

/* Argon runs on the boot CPU alone, CPU 0: it is the one present physical CPU. */
static void pcpu_info(struct xenpf_pcpuinfo *p)
{
	p->max_present = 0;
	if (p->xen_cpuid != 0) {
		p->flags = XEN_PCPU_FLAGS_INVALID;
		p->apic_id = p->acpi_id = 0;
		return;
	}
	p->flags = XEN_PCPU_FLAGS_ONLINE;
	p->apic_id = apic_read(APIC_ID) >> 24;
	p->acpi_id = acpi_id_of_apic(p->apic_id);
}

long do_platform_op(uint64_t arg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct xen_platform_op op;

	if (copy_from_guest(&op, arg, sizeof(op))) {
		return -EFAULT;
	}
	if (op.interface_version != XENPF_INTERFACE_VERSION) {
		return -EACCES;
	}
	switch (op.cmd) {
	case XENPF_settime32:
		if (op.u.settime32.nsecs >= NSEC_PER_SEC_U) {
			return -EINVAL;
		}
		wallclock_set(op.u.settime32.secs, op.u.settime32.nsecs,
			      (s_time_t)op.u.settime32.system_time);
		return 0;
	case XENPF_settime64:
		if (op.u.settime64.mbz || op.u.settime64.nsecs >= NSEC_PER_SEC_U ||
		    op.u.settime64.secs > (uint64_t)INT64_MAX / NSEC_PER_SEC_U - 1) {
			return -EINVAL;
		}
		wallclock_set(op.u.settime64.secs, op.u.settime64.nsecs,
			      (s_time_t)op.u.settime64.system_time);
		return 0;
	case XENPF_get_cpuinfo:
		pcpu_info(&op.u.pcpu_info);
		return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
	default:
		return -ENOSYS;
	}
}
