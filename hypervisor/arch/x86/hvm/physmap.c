/*
 * XENMEM_add_to_physmap and XENMEM_remove_from_physmap for HVM guests: a guest that sees guest
 * frames rather than machine frames (auto-translated) reaches the pages Argon shares with it —
 * shared_info and the grant-table frames — by asking for them at a GFN of its choice. The nested
 * tables then map that GFN to the hypervisor-owned frame.
 *
 * Where the GFN is RAM, the RAM frame stays the domain's (still counted, freed with the domain)
 * and is mapped back when the page moves elsewhere or is removed; Xen frees it instead and
 * leaves a hole. Keeping it costs the guest a frame it gave up anyway and means no GFN below the
 * RAM size ever becomes a hole that crashes the domain on access.
 */
#include <argon/errno.h>
#include <argon/grant.h>
#include <argon/guest_access.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/vtime.h>
#include <asm/hvm/hvm.h>
#include <public/memory.h>
#include <public/xen.h>

/* The nested tables have four levels: 48-bit guest-physical addresses. */
#define HVM_GFN_LIMIT (1ULL << 36)

/*
 * Nested-table frames a domain may have created for pages placed above its RAM. They come from
 * the hypervisor's heap and stay until the domain dies, so without a bound a guest moving a page
 * from one far GFN to the next could drain the heap. Each new place costs at most three tables;
 * this lets every hypervisor page sit in its own region.
 */
#define HVM_PHYSMAP_MAX_TABLES (3 * HVM_NR_XEN_PAGES)

/* The layouts 32-bit callers pass (xen_ulong_t and xen_pfn_t are 32 bits there). */
struct compat_add_to_physmap {
	domid_t domid;
	uint16_t size;
	uint32_t space, idx, gpfn;
};

struct compat_remove_from_physmap {
	domid_t domid;
	uint16_t pad;
	uint32_t gpfn;
};

void hvm_physmap_init(struct domain *d)
{
	struct hvm_domain *h = d->arch.hvm;
	unsigned int i;

	h->physmap_lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
	for (i = 0; i < HVM_NR_XEN_PAGES; i++) {
		h->xen_pages[i].gfn = HVM_GFN_NONE;
		h->xen_pages[i].ram = _mfn(0);
	}
}

void hvm_flush_guest_tlbs(struct domain *d)
{
	unsigned int i;

	for (i = 0; i < d->max_vcpus; i++) {
		if (d->vcpus[i] && d->vcpus[i]->arch.hvm) {
			hvm_ops->flush_guest_tlb(d->vcpus[i]);
		}
	}
}

bool hvm_xen_page_at(const struct domain *d, uint64_t gfn, mfn_t *out)
{
	const struct hvm_domain *h = d->arch.hvm;
	unsigned int i;

	for (i = 0; i < HVM_NR_XEN_PAGES; i++) {
		if (h->xen_pages[i].gfn == gfn) {
			*out = i == HVM_XEN_PAGE_SHARED_INFO ? d->shared_info_mfn
							     : d->grant_table->frames[i - 1];
			return true;
		}
	}
	return false;
}

uint64_t hvm_grant_frame_gfn(const struct domain *d, unsigned int idx)
{
	return idx < GNTTAB_MAX_FRAMES_LIMIT ? d->arch.hvm->xen_pages[HVM_XEN_PAGE_GRANT(idx)].gfn
					     : HVM_GFN_NONE;
}

/* Take slot @id out of the guest-physical space: RAM comes back, above RAM a hole. */
static void unmap_slot(struct domain *d, unsigned int id)
{
	struct hvm_xen_page *x = &d->arch.hvm->xen_pages[id];

	if (x->gfn == HVM_GFN_NONE) {
		return;
	}
	if (x->gfn < d->arch.hvm->nr_gfns) {
		/* The tables to it exist already (it was mapped): this cannot fail. */
		hvm_p2m_set(d, x->gfn, x->ram);
	} else {
		hvm_p2m_clear(d, x->gfn);
	}
	x->gfn = HVM_GFN_NONE;
	x->ram = _mfn(0);
}

static int slot_at(const struct domain *d, uint64_t gfn)
{
	unsigned int i;

	for (i = 0; i < HVM_NR_XEN_PAGES; i++) {
		if (d->arch.hvm->xen_pages[i].gfn == gfn) {
			return (int)i;
		}
	}
	return -1;
}

/* Put slot @id (hypervisor frame @mfn) at @gfn, moving it from where it was. */
static int map_slot(struct domain *d, unsigned int id, mfn_t mfn, uint64_t gfn)
{
	struct hvm_domain *h = d->arch.hvm;
	uint64_t tables;
	int other, rc;

	spin_lock(&h->physmap_lock);
	if (gfn >= h->nr_gfns && h->physmap_tables + 3 > HVM_PHYSMAP_MAX_TABLES) {
		spin_unlock(&h->physmap_lock);
		return -ENOMEM;	/* the budget is spent: only this guest notices */
	}
	unmap_slot(d, id);
	other = slot_at(d, gfn);
	if (other >= 0) {
		unmap_slot(d, (unsigned int)other);	/* Xen replaces what was there, too */
	}
	h->xen_pages[id].ram = gfn < h->nr_gfns ? h->p2m[gfn] : _mfn(0);
	tables = h->p2m_table_pages;
	rc = hvm_p2m_set(d, gfn, mfn);
	h->physmap_tables += h->p2m_table_pages - tables;
	if (rc) {
		h->xen_pages[id].ram = _mfn(0);
	} else {
		h->xen_pages[id].gfn = gfn;
	}
	hvm_flush_guest_tlbs(d);
	spin_unlock(&h->physmap_lock);
	return rc;
}

/* Device pages Argon emulates: a mapping over them would hide the device from the guest. */
static bool gfn_usable(uint64_t gfn)
{
	return gfn < HVM_GFN_LIMIT && gfn != (VLAPIC_BASE >> PAGE_SHIFT) &&
	       gfn != (VIOAPIC_BASE >> PAGE_SHIFT);
}

static bool is_self(const struct vcpu *v, domid_t domid)
{
	return domid == DOMID_SELF || domid == v->domain->domain_id;
}

long hvm_add_to_physmap(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct xen_add_to_physmap a;
	unsigned int id;
	mfn_t mfn;
	int rc;

	if (hvm_code_bytes(v) == 8) {
		if (copy_from_guest(&a, arg, sizeof(a))) {
			return -EFAULT;
		}
	} else {
		struct compat_add_to_physmap c;

		if (copy_from_guest(&c, arg, sizeof(c))) {
			return -EFAULT;
		}
		a = (struct xen_add_to_physmap){ .domid = c.domid, .size = c.size, .space = c.space,
						 .idx = c.idx, .gpfn = c.gpfn };
	}
	if (!is_self(v, a.domid)) {
		return -EPERM;	/* no toolstack builds HVM domains yet */
	}
	switch (a.space) {
	case XENMAPSPACE_shared_info:
		if (a.idx != 0) {
			return -EINVAL;
		}
		id = HVM_XEN_PAGE_SHARED_INFO;
		mfn = d->shared_info_mfn;
		break;
	case XENMAPSPACE_grant_table:
		/* Version 1 tables have no status frames (Xen answers the same). */
		if (a.idx & XENMAPIDX_grant_table_status) {
			return -EINVAL;
		}
		if (a.idx >= d->grant_table->max_frames) {
			return -EINVAL;
		}
		/* As in Xen, naming a frame beyond the table grows it. */
		rc = grant_table_grow(d, (unsigned int)a.idx + 1);
		if (rc) {
			return rc;
		}
		id = HVM_XEN_PAGE_GRANT((unsigned int)a.idx);
		mfn = d->grant_table->frames[a.idx];
		break;
	default:
		/* gmfn, gmfn_range, gmfn_foreign, dev_mmio: docs/abi/memory_op.md. */
		return -ENOSYS;
	}
	if (!gfn_usable(a.gpfn)) {
		return -EINVAL;
	}
	rc = map_slot(d, id, mfn, a.gpfn);
	if (!rc && id == HVM_XEN_PAGE_SHARED_INFO) {
		unsigned int i;

		/* The guest reads the clocks as soon as it has the page (Linux: xen_tsc_khz). */
		domain_update_wallclock(d);
		for (i = 0; i < d->max_vcpus; i++) {
			if (d->vcpus[i] && d->vcpus[i]->arch.vcpu_info) {
				vcpu_update_time(d->vcpus[i]);
			}
		}
	}
	return rc;
}

long hvm_remove_from_physmap(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct xen_remove_from_physmap r;
	int id;

	if (hvm_code_bytes(v) == 8) {
		if (copy_from_guest(&r, arg, sizeof(r))) {
			return -EFAULT;
		}
	} else {
		struct compat_remove_from_physmap c;

		if (copy_from_guest(&c, arg, sizeof(c))) {
			return -EFAULT;
		}
		r = (struct xen_remove_from_physmap){ .domid = c.domid, .gpfn = c.gpfn };
	}
	if (!is_self(v, r.domid)) {
		return -EPERM;
	}
	if (!gfn_usable(r.gpfn)) {
		return -EINVAL;
	}
	spin_lock(&d->arch.hvm->physmap_lock);
	id = slot_at(d, r.gpfn);
	if (id >= 0) {
		unmap_slot(d, (unsigned int)id);
		hvm_flush_guest_tlbs(d);
	}
	spin_unlock(&d->arch.hvm->physmap_lock);
	/* RAM itself cannot be given back this way (no ballooning for HVM yet). */
	return id >= 0 ? 0 : -EINVAL;
}

int arch_guest_frame_to_mfn(const struct domain *d, uint64_t frame, mfn_t *out)
{
	if (!is_hvm_domain(d)) {
		*out = _mfn(frame);
		return frame < sys_heap.nr_frames ? 0 : -EINVAL;
	}
	return hvm_gfn_to_mfn(d, frame, out) ? 0 : -EINVAL;
}
