/*
 * The guest-physical to machine map of an HVM domain: guest RAM is GFNs [0, nr_gfns), each a frame
 * from domain_alloc_page() (owned by the domain, zeroed, scrubbed when the domain dies, as for PV).
 * The nested page tables are built from that map in the vendor's entry format (4 KiB leaves,
 * four levels); their frames come from the hypervisor heap, never from the guest's allowance, so
 * the guest can neither see nor exhaust them. Everything else in the guest-physical space is
 * unmapped: an access exits as a nested page fault and is emulated or crashes the domain.
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <asm/hvm/hvm.h>
#include <asm/page.h>

static uint64_t *new_table(struct hvm_domain *h, paddr_t *pa)
{
	mfn_t m;

	if (heap_alloc(&sys_heap, 0, DOMID_XEN, &m)) {
		return NULL;
	}
	clear_page(phys_to_virt(mfn_to_paddr(m)));
	h->p2m_table_pages++;
	*pa = mfn_to_paddr(m);
	return phys_to_virt(*pa);
}

/* Map @gfn to @mfn in the tables under h->p2m_root, creating tables on the way. */
static int p2m_map(struct hvm_domain *h, uint64_t gfn, mfn_t mfn)
{
	const struct hvm_p2m_format *f = &hvm_ops->p2m_format;
	uint64_t *t = phys_to_virt(h->p2m_root);
	int level;

	for (level = 3; level > 0; level--) {
		unsigned int i = (gfn >> (9 * level)) & 511;

		if (!(t[i] & f->table_flags)) {
			paddr_t pa;

			if (!new_table(h, &pa)) {
				return -ENOMEM;
			}
			t[i] = pa | f->table_flags;
		}
		t = phys_to_virt(t[i] & PTE_ADDR_MASK);
	}
	t[gfn & 511] = mfn_to_paddr(mfn) | f->ram_flags;
	return 0;
}

/* Clear the leaf of @gfn, if its tables exist (a GFN outside RAM that stops mapping a page). */
static void p2m_unmap(struct hvm_domain *h, uint64_t gfn)
{
	const struct hvm_p2m_format *f = &hvm_ops->p2m_format;
	uint64_t *t = phys_to_virt(h->p2m_root);
	int level;

	for (level = 3; level > 0; level--) {
		unsigned int i = (gfn >> (9 * level)) & 511;

		if (!(t[i] & f->table_flags)) {
			return;
		}
		t = phys_to_virt(t[i] & PTE_ADDR_MASK);
	}
	t[gfn & 511] = 0;
}

int hvm_p2m_set(struct domain *d, uint64_t gfn, mfn_t mfn)
{
	struct hvm_domain *h = d->arch.hvm;
	int rc = p2m_map(h, gfn, mfn);

	if (!rc && gfn < h->nr_gfns) {
		h->p2m[gfn] = mfn;
	}
	return rc;
}

void hvm_p2m_clear(struct domain *d, uint64_t gfn)
{
	p2m_unmap(d->arch.hvm, gfn);
}

static void free_tables(struct hvm_domain *h, paddr_t table, int level)
{
	uint64_t *t = phys_to_virt(table);
	unsigned int i;

	if (level > 0) {
		for (i = 0; i < PT_ENTRIES; i++) {
			if (t[i] & hvm_ops->p2m_format.table_flags) {
				free_tables(h, t[i] & PTE_ADDR_MASK, level - 1);
			}
		}
	}
	clear_page(t);
	heap_free(&sys_heap, paddr_to_mfn(table), 0);
	h->p2m_table_pages--;
}

int hvm_p2m_create(struct domain *d, uint64_t nr_gfns)
{
	struct hvm_domain *h = d->arch.hvm;
	uint64_t gfn;
	int rc;

	if (!nr_gfns || nr_gfns > HVM_MAX_RAM_FRAMES) {
		return -EINVAL;
	}
	h->p2m_bytes = nr_gfns * sizeof(mfn_t);
	h->p2m = alloc_xenheap(h->p2m_bytes);
	if (!h->p2m) {
		return -ENOMEM;
	}
	if (!new_table(h, &h->p2m_root)) {
		return -ENOMEM;
	}
	for (gfn = 0; gfn < nr_gfns; gfn++) {
		rc = domain_alloc_page(d, &h->p2m[gfn]);
		if (rc) {
			return rc;
		}
		h->nr_gfns = gfn + 1;
		rc = p2m_map(h, gfn, h->p2m[gfn]);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

void hvm_p2m_destroy(struct domain *d)
{
	struct hvm_domain *h = d->arch.hvm;

	if (h->p2m_root) {
		free_tables(h, h->p2m_root, 3);
		h->p2m_root = 0;
	}
	if (h->p2m) {
		free_xenheap(h->p2m, h->p2m_bytes);
		h->p2m = NULL;
	}
	h->nr_gfns = 0;
}

bool hvm_gfn_to_mfn(const struct domain *d, uint64_t gfn, mfn_t *out)
{
	const struct hvm_domain *h = d->arch.hvm;

	if (gfn >= h->nr_gfns) {
		/* Hypervisor pages the guest placed above its RAM (hvm/physmap.c). */
		return hvm_xen_page_at(d, gfn, out);
	}
	*out = h->p2m[gfn];
	return true;
}

int hvm_copy_from_gpa(const struct domain *d, void *dst, uint64_t gpa, size_t len)
{
	uint8_t *p = dst;

	while (len) {
		size_t n = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		mfn_t m;

		if (!hvm_gfn_to_mfn(d, gpa >> PAGE_SHIFT, &m)) {
			return -EFAULT;
		}
		memcpy(p, (uint8_t *)phys_to_virt(mfn_to_paddr(m)) + (gpa & (PAGE_SIZE - 1)), n);
		p += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int hvm_copy_to_gpa(const struct domain *d, uint64_t gpa, const void *src, size_t len)
{
	const uint8_t *p = src;

	while (len) {
		size_t n = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		mfn_t m;

		if (!hvm_gfn_to_mfn(d, gpa >> PAGE_SHIFT, &m)) {
			return -EFAULT;
		}
		if (src) {
			memcpy((uint8_t *)phys_to_virt(mfn_to_paddr(m)) + (gpa & (PAGE_SIZE - 1)), p, n);
			p += n;
		} else {
			memset((uint8_t *)phys_to_virt(mfn_to_paddr(m)) + (gpa & (PAGE_SIZE - 1)), 0, n);
		}
		gpa += n;
		len -= n;
	}
	return 0;
}
