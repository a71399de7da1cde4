/*
 * memory_op: the queries about a domain's memory. Sub-ops that move frames in or out of a domain
 * are the architecture's (arch_memory_op).
 */
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <asm/layout.h>
#include <public/memory.h>

/* The domain a domid_t argument at @arg names (see domain_lookup_target). */
static struct domain *target_domain(struct domain *self, uint64_t arg, long *err)
{
	struct domain *d = NULL;
	domid_t id;

	if (copy_from_guest(&id, arg, sizeof(id))) {
		*err = -EFAULT;
		return NULL;
	}
	*err = domain_lookup_target(self, id, &d);
	return *err ? NULL : d;
}

long do_memory_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct domain *self = current_vcpu()->domain, *d;
	long err = 0;

	/* Bits above the sub-op carry a continuation's progress (MEMOP_EXTENT_SHIFT). */
	switch (cmd & MEMOP_CMD_MASK) {
	case XENMEM_maximum_ram_page:
		return (long)(sys_heap.nr_frames - 1);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		d = target_domain(self, arg, &err);
		if (!d) {
			return err;
		}
		return (long)(cmd == XENMEM_current_reservation ? d->tot_pages : d->max_pages);
	case XENMEM_machphys_mapping: {
		struct xen_machphys_mapping m = {
			.v_start = RO_MPT_VIRT_START,
			.v_end = RO_MPT_VIRT_END,
			.max_mfn = sys_heap.nr_frames - 1,
		};

		return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
	}
	case XENMEM_memory_map: {
		struct xen_memory_map map;
		struct xen_e820_entry e = { 0 };

		if (copy_from_guest(&map, arg, sizeof(map))) {
			return -EFAULT;
		}
		if (map.nr_entries < 1) {
			return -EINVAL;
		}
		/* A PV guest's pseudo-physical space is one run of RAM from pfn 0. */
		e.addr = 0;
		e.size = self->tot_pages << PAGE_SHIFT;
		e.type = 1;
		map.nr_entries = 1;
		if (copy_to_guest(map.buffer.addr, &e, sizeof(e)) ||
		    copy_to_guest(arg, &map, sizeof(map))) {
			return -EFAULT;
		}
		return 0;
	}
	default:
		return arch_memory_op(cmd, arg);
	}
}
