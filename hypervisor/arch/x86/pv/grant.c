/*
 * The PV side of grant tables (the arch part of argon/grant.h): table frames shared with their
 * domain, references on granted frames, and grant mappings written into the mapper's L1 tables.
 *
 * A grant PTE holds exactly the references an ordinary L1 entry of the frame's owner would: a
 * general reference and, when writable, a writable type reference, taken on behalf of the
 * granter. So whatever later removes the PTE (unmap here, an mmu_update by the guest, the
 * devalidation of its L1) drops them through the PV MMU's usual path, and the counts stay exact.
 * The guest cannot create such an entry itself (it does not own the frame), nor widen a
 * read-only one (pv_mod_entry re-takes references when RW changes, and that fails).
 *
 * Lock order: the caller may hold grant-table locks; this file takes mm_locks one at a time,
 * never two together.
 */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/grant.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <asm/page.h>
#include <asm/pv/mm.h>

int arch_grant_share_frame(struct domain *d, mfn_t mfn)
{
	struct page_info *pg = pv_mfn_to_page(mfn);
	int rc;

	/* As shared_info: owned by the domain, writable for good (Xen's share_xen_page_with_guest). */
	pg->owner = d->domain_id;
	rc = get_page(pg, d);
	if (rc) {
		pg->owner = DOMID_XEN;
		return rc;
	}
	spin_lock(&d->arch.mm_lock);
	rc = get_page_type(d, pg, PGT_WRITABLE, false);
	spin_unlock(&d->arch.mm_lock);
	if (rc) {
		put_page(pg);
		pg->owner = DOMID_XEN;
	}
	return rc;
}

int arch_grant_unshare_frame(struct domain *d, mfn_t mfn)
{
	struct page_info *pg = pv_mfn_to_page(mfn);

	if ((pg->count_info & PGC_COUNT_MASK) != 1 || (pg->type_info & PGT_COUNT_MASK) != 1) {
		return -EBUSY;
	}
	spin_lock(&d->arch.mm_lock);
	put_page_type(d, pg, false);
	spin_unlock(&d->arch.mm_lock);
	put_page(pg);
	pg->owner = DOMID_XEN;
	return 0;
}

int arch_grant_get_frame(struct domain *owner, mfn_t mfn, bool writable)
{
	struct page_info *pg = pv_mfn_to_page(mfn);
	int rc;

	if (!pg) {
		return -EPERM;
	}
	rc = get_page(pg, owner);
	if (rc || !writable) {
		return rc;
	}
	spin_lock(&owner->arch.mm_lock);
	rc = get_page_type(owner, pg, PGT_WRITABLE, false);
	spin_unlock(&owner->arch.mm_lock);
	if (rc) {
		put_page(pg);
	}
	return rc;
}

void arch_grant_put_frame(struct domain *owner, mfn_t mfn, bool writable)
{
	struct page_info *pg = pv_mfn_to_page(mfn);

	if (writable) {
		spin_lock(&owner->arch.mm_lock);
		put_page_type(owner, pg, false);
		spin_unlock(&owner->arch.mm_lock);
	}
	put_page(pg);
}

/* The L1 frame and index of the PTE that maps @va in @v's kernel page tables. */
static int find_pte(struct vcpu *v, uint64_t va, mfn_t *l1, unsigned int *idx)
{
	struct domain *d = v->domain;
	int rc;

	spin_lock(&d->arch.mm_lock);
	rc = pv_find_l1e(d, v->arch.guest_table, va, l1, idx);
	spin_unlock(&d->arch.mm_lock);
	return rc;
}

/* True if @l1 is an L1 table in use by @d (the only tables a grant PTE may go into). */
static bool is_live_l1(const struct domain *d, mfn_t l1)
{
	const struct page_info *pg = pv_mfn_to_page(l1);

	return pg && page_state(pg) == PGC_STATE_INUSE && pg->owner == d->domain_id &&
	       (pg->type_info & PGT_TYPE_MASK) == PGT_L1 && (pg->type_info & PGT_VALIDATED) &&
	       (pg->type_info & PGT_COUNT_MASK);
}

int arch_grant_map(struct vcpu *v, uint64_t host_addr, uint32_t flags, struct domain *owner,
		   mfn_t mfn, bool readonly, uint64_t *pte_maddr)
{
	struct domain *d = v->domain;
	uint64_t pte, *e;
	unsigned int idx;
	mfn_t l1;
	int rc;

	if (flags & GNTMAP_contains_pte) {
		if (host_addr & 7) {
			return -EINVAL;
		}
		l1 = paddr_to_mfn(host_addr);
		idx = (unsigned int)((host_addr & ~PAGE_MASK) / sizeof(uint64_t));
	} else {
		rc = find_pte(v, host_addr, &l1, &idx);
		if (rc) {
			return rc;
		}
	}
	/* Whatever the entry mapped goes first, through the usual path. */
	if (!is_live_l1(d, l1)) {
		return -EINVAL;
	}
	e = (uint64_t *)arch_mfn_to_virt(l1) + idx;
	if (READ_ONCE(*e) & _PAGE_PRESENT) {
		rc = pv_mod_entry(v, l1, idx, 0, false, false);
		if (rc) {
			return rc;
		}
	}
	/* The PTE's own references, as an L1 entry of the owner holds them. */
	rc = arch_grant_get_frame(owner, mfn, !readonly);
	if (rc) {
		return rc;
	}
	/* Present, user (both guest modes run in ring 3), accessed; the guest's available bits. */
	pte = mfn_to_paddr(mfn) | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED |
	      ((uint64_t)((flags >> _GNTMAP_guest_avail0) & 7) << 9);
	if (!readonly) {
		pte |= _PAGE_RW | _PAGE_DIRTY;
	}
	spin_lock(&d->arch.mm_lock);
	/* Checked again under the lock: the table must still be a live L1 with the entry empty. */
	if (!is_live_l1(d, l1) || (READ_ONCE(*e) & _PAGE_PRESENT)) {
		rc = -EINVAL;
	} else {
		WRITE_ONCE(*e, pte);
	}
	spin_unlock(&d->arch.mm_lock);
	if (rc) {
		arch_grant_put_frame(owner, mfn, !readonly);
		return rc;
	}
	/* The entry may have mapped something else a moment ago (removed above): flush it. */
	pv_flush_tlb_vcpus(d, NULL, 0, (flags & GNTMAP_contains_pte) ? PV_FLUSH_ALL : host_addr);
	*pte_maddr = mfn_to_paddr(l1) + idx * sizeof(uint64_t);
	return 0;
}

int arch_grant_unmap(struct domain *mapper, uint64_t pte_maddr, mfn_t mfn, uint64_t new_addr)
{
	struct vcpu *v = mapper->vcpus[0];
	mfn_t l1 = paddr_to_mfn(pte_maddr), nl1;
	unsigned int idx = (unsigned int)((pte_maddr & ~PAGE_MASK) / sizeof(uint64_t)), nidx;
	uint64_t e, ne = 0;
	int rc;

	spin_lock(&mapper->arch.mm_lock);
	e = is_live_l1(mapper, l1) ? READ_ONCE(((uint64_t *)arch_mfn_to_virt(l1))[idx]) : 0;
	spin_unlock(&mapper->arch.mm_lock);
	if (!(e & _PAGE_PRESENT) || ((e & PTE_ADDR_MASK) >> PAGE_SHIFT) != mfn_x(mfn)) {
		/* Already gone (the guest replaced the entry or dropped its table). */
		pv_flush_tlb_domain(mapper);
		return -ENOENT;
	}
	if (new_addr) {
		rc = find_pte(v, new_addr, &nl1, &nidx);
		if (!rc) {
			ne = READ_ONCE(((uint64_t *)arch_mfn_to_virt(nl1))[nidx]);
		}
		if (rc || !(ne & _PAGE_PRESENT)) {
			return -EINVAL;
		}
	}
	/*
	 * Replace the grant PTE by the entry at new_addr (validated, taking its own references), or
	 * clear it; then clear new_addr's entry. The grant PTE's references go in the first step.
	 */
	rc = pv_mod_entry(v, l1, idx, ne, false, false);
	if (!rc && new_addr) {
		rc = pv_mod_entry(v, nl1, nidx, 0, false, false);
	}
	/* No CPU may keep using the frame once the granter can take it back (SDM vol. 3, 4.10.4). */
	pv_flush_tlb_domain(mapper);
	return rc;
}
