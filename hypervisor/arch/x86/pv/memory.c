/*
 * memory_op sub-ops that move frames in and out of a PV domain: increase_reservation,
 * decrease_reservation, populate_physmap (a PV guest manages its own p2m, so frames are handed
 * over by machine frame number), exchange (single frames for machine-contiguous extents), and
 * machphys_mfn_list; machine_memory_map for the privileged domain. Extents of the reservation
 * sub-ops are single frames (order 0).
 */
#include <argon/arch.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/mm.h>
#include <asm/layout.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv/mm.h>
#include <public/memory.h>
#include <public/xen.h>

/* One extent of @op for @d: the frame to hand over or take back is in/out *@frame. */
static long do_extent(unsigned int op, struct domain *d, uint64_t *frame)
{
	mfn_t m;
	long rc;

	switch (op) {
	case XENMEM_increase_reservation:
	case XENMEM_populate_physmap:
		rc = domain_alloc_page(d, &m);
		if (rc) {
			return rc;
		}
		/* populate_physmap names the pfn the frame backs; increase leaves the M2P to the guest. */
		m2p_set_entry(m, op == XENMEM_populate_physmap ? *frame : M2P_INVALID_ENTRY);
		*frame = mfn_x(m);
		return 0;
	case XENMEM_decrease_reservation:
		rc = domain_free_page(d, _mfn(*frame));
		if (!rc) {
			m2p_set_entry(_mfn(*frame), M2P_INVALID_ENTRY);
		}
		return rc;
	default:
		return -ENOSYS;
	}
}

static long reservation_op(uint64_t cmd, uint64_t arg)
{
	unsigned int op = cmd & MEMOP_CMD_MASK;
	uint64_t start = cmd >> MEMOP_EXTENT_SHIFT, i;
	struct domain *self = current_vcpu()->domain, *d = NULL;
	struct xen_memory_reservation r;
	bool freed = false;
	long err = 0;

	if (copy_from_guest(&r, arg, sizeof(r))) {
		return -EFAULT;
	}
	err = domain_lookup_target(self, r.domid, &d);
	if (err) {
		return err;
	}
	/* Machine-contiguous extents are not offered: every extent is one frame. */
	if (r.extent_order != 0 || start > r.nr_extents) {
		return -EINVAL;
	}
	for (i = start; i < r.nr_extents; i++) {
		uint64_t slot = r.extent_start.addr + i * sizeof(uint64_t), frame;

		if (i > start && hypercall_preempt_check()) {
			/* The frames freed so far may be handed out before the continuation runs. */
			if (freed) {
				pv_flush_tlb_domain(d);
			}
			return hypercall_create_continuation(__HYPERVISOR_memory_op,
							     op | (i << MEMOP_EXTENT_SHIFT), arg, 0, 0, 0);
		}
		if (op != XENMEM_increase_reservation && copy_from_guest(&frame, slot, sizeof(frame))) {
			break;
		}
		if (do_extent(op, d, &frame)) {
			break;
		}
		freed |= op == XENMEM_decrease_reservation;
		if (op != XENMEM_decrease_reservation && copy_to_guest(slot, &frame, sizeof(frame))) {
			/* The guest cannot learn the frame: take it back rather than leak it. */
			domain_free_page(d, _mfn(frame));
			break;
		}
	}
	/* A freed frame may still sit in a TLB of the domain that owned it. */
	if (freed) {
		pv_flush_tlb_domain(d);
	}
	/* The result is how many extents were done, as on Xen (a short count means the rest failed). */
	return (long)i;
}

/*
 * Largest output extent of XENMEM_exchange: 256 KiB, what swiotlb-xen asks for (its 128 slabs of
 * 2 KiB); the input frames of one extent are read onto the stack.
 */
#define EXCHANGE_MAX_ORDER 6

/*
 * XENMEM_exchange for the caller: single frames in, machine-contiguous extents out (Linux's
 * xen_create_contiguous_region). Each output extent is done as a whole or not at all; the
 * progress is nr_exchanged (input extents), written back, and the call continues from it.
 */
static long memory_exchange(uint64_t arg)
{
	struct domain *d = current_vcpu()->domain;
	struct xen_memory_exchange x;
	uint64_t frames[1u << EXCHANGE_MAX_ORDER], per, i;
	mfn_t in[1u << EXCHANGE_MAX_ORDER], out;
	long rc = 0;

	if (copy_from_guest(&x, arg, sizeof(x))) {
		return -EFAULT;
	}
	if ((x.in.domid != DOMID_SELF && x.in.domid != d->domain_id) ||
	    (x.out.domid != DOMID_SELF && x.out.domid != d->domain_id)) {
		return -EPERM;
	}
	if (x.in.extent_order != 0 || x.out.extent_order > EXCHANGE_MAX_ORDER) {
		return -EINVAL;
	}
	per = 1ULL << x.out.extent_order;
	if (x.out.nr_extents > (UINT64_MAX >> EXCHANGE_MAX_ORDER) ||
	    x.in.nr_extents != x.out.nr_extents * per || x.nr_exchanged > x.in.nr_extents ||
	    x.nr_exchanged % per) {
		return -EINVAL;
	}
	for (i = x.nr_exchanged / per; i < x.out.nr_extents; i++) {
		uint64_t pfn, k;

		if (i > x.nr_exchanged / per && hypercall_preempt_check()) {
			rc = hypercall_create_continuation(__HYPERVISOR_memory_op, XENMEM_exchange, arg,
							   0, 0, 0);
			break;
		}
		if (copy_from_guest(frames, x.in.extent_start.addr + i * per * sizeof(uint64_t),
				    per * sizeof(uint64_t)) ||
		    copy_from_guest(&pfn, x.out.extent_start.addr + i * sizeof(uint64_t), sizeof(pfn))) {
			rc = -EFAULT;
			break;
		}
		for (k = 0; k < per; k++) {
			in[k] = _mfn(frames[k]);
		}
		rc = domain_exchange_frames(d, in, x.out.extent_order, x.out.mem_flags & 0xff, &out);
		if (rc) {
			break;
		}
		for (k = 0; k < per; k++) {
			m2p_set_entry(in[k], M2P_INVALID_ENTRY);
			m2p_set_entry(_mfn(mfn_x(out) + k), pfn + k);
		}
		x.nr_exchanged += per;
		frames[0] = mfn_x(out);
		if (copy_to_guest(x.out.extent_start.addr + i * sizeof(uint64_t), frames, sizeof(frames[0]))) {
			rc = -EFAULT;
			break;
		}
	}
	/* The guest unmapped the frames it gave back without a flush: they may still be in a TLB. */
	if (x.nr_exchanged) {
		pv_flush_tlb_domain(d);
	}
	if (copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged), &x.nr_exchanged,
			  sizeof(x.nr_exchanged))) {
		return -EFAULT;
	}
	return rc;
}

/* The machine frames of the M2P table, one per 2 MiB of it (for save/restore tools). */
static long machphys_mfn_list(uint64_t arg)
{
	struct xen_machphys_mfn_list l;
	uint64_t n = 0, va, entries = sys_heap.nr_frames * sizeof(uint64_t);

	if (copy_from_guest(&l, arg, sizeof(l))) {
		return -EFAULT;
	}
	for (va = 0; va < entries && n < l.max_extents; va += MB(2), n++) {
		paddr_t pa = 0;
		uint64_t m;

		if (lookup_mapping(idle_l4, RW_MPT_VIRT_START + va, &pa)) {
			break;
		}
		m = pa >> PAGE_SHIFT;
		if (copy_to_guest(l.extent_start.addr + n * sizeof(uint64_t), &m, sizeof(m))) {
			return -EFAULT;
		}
	}
	l.nr_extents = (uint32_t)n;
	return copy_to_guest(arg, &l, sizeof(l)) ? -EFAULT : 0;
}

long arch_memory_op(uint64_t cmd, uint64_t arg)
{
	switch (cmd & MEMOP_CMD_MASK) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return reservation_op(cmd, arg);
	case XENMEM_machphys_mfn_list:
		return machphys_mfn_list(arg);
	case XENMEM_machine_memory_map:
		return machine_memory_map(arg);
	case XENMEM_exchange:
		return memory_exchange(arg);
	default:
		return -ENOSYS;
	}
}
