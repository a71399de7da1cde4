/*
 * Guest descriptor tables: set_gdt and update_descriptor. 64-bit PV kernels run in ring 3, so a
 * guest may only install descriptors that keep it there: ring-3 code and data segments (or
 * non-present entries). System descriptors (call gates, TSS, LDT) are Argon's alone.
 */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv/descriptor.h>
#include <asm/pv/mm.h>
#include <public/arch-x86/xen.h>

/*
 * Check (and fix up, see pv_descriptor_fixup) every descriptor of the frame at @mfn: all of it is
 * reachable through the table's limit. The caller holds the frame's descriptor type, so the guest
 * cannot change it meanwhile.
 */
static bool frame_ok(mfn_t mfn)
{
	uint64_t *desc = arch_mfn_to_virt(mfn);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(*desc); i++) {
		if (!pv_descriptor_fixup(&desc[i])) {
			return false;
		}
	}
	return true;
}

/* Drop @v's GDT frames: type and general references, and their window mappings. */
static void release_gdt(struct vcpu *v)
{
	struct domain *d = v->domain;
	unsigned int i;

	for (i = 0; i < v->arch.nr_gdt_frames; i++) {
		struct page_info *pg = pv_mfn_to_page(v->arch.gdt_frames[i]);

		put_page_type(d, pg, false);
		put_page(pg);
	}
	v->arch.nr_gdt_frames = 0;
	v->arch.gdt_ents = 0;
}

/* Drop @v's LDT frames' references. Caller holds mm_lock. */
static void release_ldt(struct vcpu *v)
{
	struct domain *d = v->domain;
	unsigned int i;

	for (i = 0; i < v->arch.nr_ldt_frames; i++) {
		struct page_info *pg = pv_mfn_to_page(v->arch.ldt_frames[i]);

		put_page_type(d, pg, false);
		put_page(pg);
	}
	v->arch.nr_ldt_frames = 0;
}

void pv_release_descriptor_tables(struct vcpu *v)
{
	spin_lock(&v->domain->arch.mm_lock);
	release_gdt(v);
	release_ldt(v);
	spin_unlock(&v->domain->arch.mm_lock);
}

int pv_set_ldt(struct vcpu *v, uint64_t base, uint32_t ents)
{
	struct domain *d = v->domain;
	mfn_t frames[16];
	unsigned int nr = (unsigned int)(((uint64_t)ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE), i, taken;
	int rc = 0;

	if (nr > ARRAY_SIZE(frames)) {
		return -EINVAL;
	}
	spin_lock(&d->arch.mm_lock);
	/*
	 * Find each page through the guest's kernel page tables and make it a descriptor page: the
	 * guest's own mappings of it must be read-only, so its contents stay as checked here.
	 */
	for (taken = 0; taken < nr; taken++) {
		struct page_info *pg;
		mfn_t l1;
		unsigned int idx;
		uint64_t pte;

		rc = pv_find_l1e(d, v->arch.guest_table, base + taken * PAGE_SIZE, &l1, &idx);
		if (rc) {
			break;
		}
		pte = ((const uint64_t *)arch_mfn_to_virt(l1))[idx];
		if (!(pte & _PAGE_PRESENT) || ((pte & PTE_ADDR_MASK) >> PAGE_SHIFT) >= sys_heap.nr_frames) {
			rc = -EINVAL;
			break;
		}
		frames[taken] = _mfn((pte & PTE_ADDR_MASK) >> PAGE_SHIFT);
		pg = pv_mfn_to_page(frames[taken]);
		rc = get_page(pg, d);
		if (rc) {
			break;
		}
		rc = get_page_type(d, pg, PGT_SEG_DESC, false);
		if (!rc && !frame_ok(frames[taken])) {
			put_page_type(d, pg, false);
			rc = -EINVAL;
		}
		if (rc) {
			put_page(pg);
			break;
		}
	}
	if (rc) {
		for (i = 0; i < taken; i++) {
			struct page_info *pg = pv_mfn_to_page(frames[i]);

			put_page_type(d, pg, false);
			put_page(pg);
		}
		spin_unlock(&d->arch.mm_lock);
		return rc;
	}
	release_ldt(v);
	for (i = 0; i < nr; i++) {
		v->arch.ldt_frames[i] = frames[i];
	}
	v->arch.nr_ldt_frames = nr;
	v->arch.ldt_base = ents ? base : 0;
	v->arch.ldt_ents = ents;
	spin_unlock(&d->arch.mm_lock);
	if (v == current_vcpu()) {
		percpu_ldt_load(v);
	}
	return 0;
}

int pv_gdt_get_frames(struct domain *d, const uint64_t *frames, unsigned int nr)
{
	unsigned int i, taken = 0;
	int rc = 0;

	spin_lock(&d->arch.mm_lock);
	for (i = 0; i < nr; i++) {
		struct page_info *pg;

		if (frames[i] >= sys_heap.nr_frames) {
			rc = -EINVAL;
			break;
		}
		pg = pv_mfn_to_page(_mfn(frames[i]));
		rc = get_page(pg, d);
		if (rc) {
			break;
		}
		rc = get_page_type(d, pg, PGT_SEG_DESC, false);
		if (rc) {
			put_page(pg);
			break;
		}
		/* Holding the type, the frame can no longer be written by the guest: check it now. */
		if (!frame_ok(_mfn(frames[i]))) {
			put_page_type(d, pg, false);
			put_page(pg);
			rc = -EINVAL;
			break;
		}
		taken++;
	}
	spin_unlock(&d->arch.mm_lock);
	if (rc) {
		pv_gdt_put_frames(d, frames, taken);
	}
	return rc;
}

void pv_gdt_put_frames(struct domain *d, const uint64_t *frames, unsigned int nr)
{
	unsigned int i;

	spin_lock(&d->arch.mm_lock);
	for (i = 0; i < nr; i++) {
		struct page_info *pg = pv_mfn_to_page(_mfn(frames[i]));

		put_page_type(d, pg, false);
		put_page(pg);
	}
	spin_unlock(&d->arch.mm_lock);
}

void pv_gdt_install(struct vcpu *v, const uint64_t *frames, unsigned int nr, unsigned int ents)
{
	unsigned int i;

	spin_lock(&v->domain->arch.mm_lock);
	release_gdt(v);
	for (i = 0; i < nr; i++) {
		v->arch.gdt_frames[i] = _mfn(frames[i]);
	}
	v->arch.nr_gdt_frames = nr;
	v->arch.gdt_ents = ents;
	spin_unlock(&v->domain->arch.mm_lock);
	if (v == current_vcpu()) {
		percpu_gdt_load_guest(v);
	}
}

long do_set_gdt(uint64_t frame_list, uint64_t entries, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current_vcpu();
	uint64_t frames[FIRST_RESERVED_GDT_PAGE];
	unsigned int nr;
	long rc;

	if (entries > FIRST_RESERVED_GDT_ENTRY) {
		return -EINVAL;
	}
	nr = (unsigned int)((entries + 511) / 512);
	if (nr && copy_from_guest(frames, frame_list, nr * sizeof(frames[0]))) {
		return -EFAULT;
	}
	rc = pv_gdt_get_frames(v->domain, frames, nr);
	if (rc) {
		return rc;
	}
	pv_gdt_install(v, frames, nr, (unsigned int)entries);
	return 0;
}

long do_update_descriptor(uint64_t maddr, uint64_t desc, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct domain *d = current_vcpu()->domain;
	struct page_info *pg;
	mfn_t mfn = paddr_to_mfn(maddr);
	uint64_t *slot;
	long rc;

	if ((maddr & 7) || mfn_x(mfn) >= sys_heap.nr_frames || !pv_descriptor_fixup(&desc)) {
		return -EINVAL;
	}
	pg = pv_mfn_to_page(mfn);
	spin_lock(&d->arch.mm_lock);
	rc = get_page(pg, d);
	if (rc) {
		goto out;
	}
	/* A descriptor page in use stays one; any other page must be one the guest may write. */
	if ((pg->type_info & PGT_TYPE_MASK) == PGT_SEG_DESC && (pg->type_info & PGT_COUNT_MASK)) {
		rc = get_page_type(d, pg, PGT_SEG_DESC, false);
	} else {
		rc = get_page_type(d, pg, PGT_WRITABLE, false);
	}
	if (!rc) {
		slot = (uint64_t *)((uint8_t *)arch_mfn_to_virt(mfn) + (maddr & (PAGE_SIZE - 1)));
		*slot = desc;
		put_page_type(d, pg, false);
	}
	put_page(pg);
out:
	spin_unlock(&d->arch.mm_lock);
	return rc;
}
