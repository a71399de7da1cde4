/*
 * The PV memory model (hypervisor/arch/x86/pv/mm.c, mm_hypercall.c, mm_ptwr.c) over a fake frame
 * table and fake machine memory: validation accepts good trees and refuses bad ones, reference
 * counts return exactly to zero, a failed validation leaves nothing behind, type changes are
 * refused while in use, and preempted (de)validations continue correctly from any point.
 */
#include <stdlib.h>
#include "unit.h"
#include "fake_pv_mm.h"
#include <argon/hypercall.h>
#include <public/xen.h>

#define NR_FRAMES 4096
#ifndef STRESS
#define STRESS 1
#endif
#ifndef SEED
#define SEED 0
#endif
#define DOM 1
#define OTHER 2
#define P _PAGE_PRESENT
#define RW _PAGE_RW
#define U _PAGE_USER
#define A _PAGE_ACCESSED
#define D _PAGE_DIRTY

static struct domain dom, other;
static struct vcpu vcpu0, ovcpu;

/* A small tree: L4[0] -> L3[0] -> L2[0..2] -> three L1s; L1[i][j] maps data[i * 2 + j] (RW). */
struct tree {
	mfn_t l4, l3, l2, l1[3], data[6];
};

static uint64_t *mem(mfn_t m)
{
	return arch_mfn_to_virt(m);
}

static uint64_t pte(mfn_t m, uint64_t flags)
{
	return (mfn_x(m) << PAGE_SHIFT) | flags;
}

static struct page_info *pg(mfn_t m)
{
	return &sys_heap.frames[mfn_x(m)];
}

static uint64_t gcount(mfn_t m)
{
	return pg(m)->count_info & PGC_COUNT_MASK;
}

static uint64_t tcount(mfn_t m)
{
	return pg(m)->type_info & PGT_COUNT_MASK;
}

static uint64_t ttype(mfn_t m)
{
	return pg(m)->type_info & PGT_TYPE_MASK;
}

static mfn_t alloc_frame(domid_t owner)
{
	mfn_t m;

	assert_int_equal(heap_alloc(&sys_heap, 0, owner, &m), 0);
	memset(mem(m), 0, PAGE_SIZE);
	return m;
}

static void build_tree(struct tree *t)
{
	unsigned int i;

	t->l4 = alloc_frame(DOM);
	t->l3 = alloc_frame(DOM);
	t->l2 = alloc_frame(DOM);
	for (i = 0; i < 3; i++) {
		t->l1[i] = alloc_frame(DOM);
	}
	for (i = 0; i < 6; i++) {
		t->data[i] = alloc_frame(DOM);
	}
	mem(t->l4)[0] = pte(t->l3, P | RW | A);
	mem(t->l3)[0] = pte(t->l2, P | RW | A);
	for (i = 0; i < 3; i++) {
		mem(t->l2)[i] = pte(t->l1[i], P | RW | A);
		mem(t->l1[i])[0] = pte(t->data[i * 2], P | RW | A | D);
		mem(t->l1[i])[1] = pte(t->data[i * 2 + 1], P | A);
	}
	/* L1 number 1 also maps L1 number 0 read-only, at guest address 0x200000 + 2 pages. */
	mem(t->l1[1])[2] = pte(t->l1[0], P | A);
}

/* Virtual addresses of the tree (L4 0, L3 0, L2 i, L1 j). */
static uint64_t tree_va(unsigned int l2i, unsigned int l1i)
{
	return ((uint64_t)l2i << 21) | ((uint64_t)l1i << 12);
}

/* Give every frame of the domain back to the heap, as domain_destroy does. */
static void free_domain_frames(void)
{
	uint64_t m;

	for (m = 0; m < NR_FRAMES; m++) {
		if (page_state(&sys_heap.frames[m]) == PGC_STATE_INUSE &&
		    sys_heap.frames[m].owner == DOM) {
			assert_int_equal(heap_free(&sys_heap, _mfn(m), 0), 0);
		}
	}
}

/* Nothing holds a reference to any frame and no page is pinned, partial or validated. */
static void assert_no_refs(void)
{
	uint64_t m;

	for (m = 0; m < NR_FRAMES; m++) {
		const struct page_info *p = &sys_heap.frames[m];

		if ((p->count_info & PGC_COUNT_MASK) ||
		    (p->type_info & (PGT_COUNT_MASK | PGT_PINNED | PGT_PARTIAL | PGT_VALIDATED |
				     PGT_PARTIAL_CHILD | PGT_DONE_MASK))) {
			fail_msg("frame %#llx still referenced: count_info %#llx type_info %#llx",
				 (unsigned long long)m, (unsigned long long)p->count_info,
				 (unsigned long long)p->type_info);
		}
	}
}

/* The reference state of every frame, for "nothing changed" checks. */
static uint64_t *snapshot(void)
{
	uint64_t *s = calloc(NR_FRAMES * 2, sizeof(*s)), m;

	assert_non_null(s);
	for (m = 0; m < NR_FRAMES; m++) {
		s[2 * m] = sys_heap.frames[m].count_info;
		s[2 * m + 1] = sys_heap.frames[m].type_info & ~PGT_TYPE_MASK;
	}
	return s;
}

static void assert_snapshot(uint64_t *s)
{
	uint64_t m;

	for (m = 0; m < NR_FRAMES; m++) {
		if (s[2 * m] != sys_heap.frames[m].count_info ||
		    s[2 * m + 1] != (sys_heap.frames[m].type_info & ~PGT_TYPE_MASK)) {
			fail_msg("frame %#llx changed: count %#llx -> %#llx, type %#llx -> %#llx",
				 (unsigned long long)m, (unsigned long long)s[2 * m],
				 (unsigned long long)sys_heap.frames[m].count_info,
				 (unsigned long long)s[2 * m + 1],
				 (unsigned long long)sys_heap.frames[m].type_info);
		}
	}
	free(s);
}

static int setup(void **state)
{
	memset(&fake, 0, sizeof(fake));
	fake.nr_frames = NR_FRAMES;
	fake.mem = calloc(NR_FRAMES, PAGE_SIZE);
	assert_non_null(fake.mem);
	assert_int_equal(heap_init(&sys_heap, calloc(NR_FRAMES, sizeof(struct page_info)), NR_FRAMES),
			 0);
	assert_int_equal(heap_add_free_range(&sys_heap, _mfn(16), NR_FRAMES - 16), 0);
	heap_reserve_range(&sys_heap, _mfn(0), 16, DOMID_XEN);
	memset(&dom, 0, sizeof(dom));
	memset(&other, 0, sizeof(other));
	memset(&vcpu0, 0, sizeof(vcpu0));
	memset(&ovcpu, 0, sizeof(ovcpu));
	dom.domain_id = DOM;
	dom.max_vcpus = 1;
	dom.vcpus[0] = &vcpu0;
	vcpu0.domain = &dom;
	vcpu0.arch.kernel_mode = true;
	other.domain_id = OTHER;
	other.max_vcpus = 1;
	other.vcpus[0] = &ovcpu;
	ovcpu.domain = &other;
	fake.domains[0] = &dom;
	fake.domains[1] = &other;
	fake.current = &vcpu0;
	return 0;
}

static int teardown(void **state)
{
	free(sys_heap.frames);
	free(fake.mem);
	return 0;
}

/* ---- Validation of whole trees ---- */

static void test_pin_tree_and_unpin_restores_counts(void **state)
{
	struct tree t;
	unsigned int i;

	build_tree(&t);
	assert_int_equal(pv_pin_table(&dom, t.l4, PGT_L4), 0);
	assert_int_equal(ttype(t.l4), PGT_L4);
	assert_true(pg(t.l4)->type_info & PGT_PINNED);
	assert_true(pg(t.l4)->type_info & PGT_VALIDATED);
	assert_int_equal(tcount(t.l4), 1);
	assert_int_equal(gcount(t.l4), 1);
	assert_int_equal(ttype(t.l3), PGT_L3);
	assert_int_equal(tcount(t.l3), 1);
	assert_int_equal(ttype(t.l2), PGT_L2);
	for (i = 0; i < 3; i++) {
		assert_int_equal(ttype(t.l1[i]), PGT_L1);
		assert_int_equal(tcount(t.l1[i]), 1);
		/* Writable data: a writable type reference; read-only data: a general one only. */
		assert_int_equal(ttype(t.data[i * 2]), PGT_WRITABLE);
		assert_int_equal(tcount(t.data[i * 2]), 1);
		assert_int_equal(gcount(t.data[i * 2]), 1);
		assert_int_equal(tcount(t.data[i * 2 + 1]), 0);
		assert_int_equal(gcount(t.data[i * 2 + 1]), 1);
		/* Every present entry got the user bit (PV kernels run in ring 3). */
		assert_true(mem(t.l1[i])[0] & U);
	}
	/* L1 number 0 is mapped read-only once and referenced by the L2: two general references. */
	assert_int_equal(gcount(t.l1[0]), 2);
	/* The hypervisor's slots were filled in. */
	for (i = HV_L4_FIRST_SLOT; i <= HV_L4_LAST_SLOT; i++) {
		assert_int_equal(mem(t.l4)[i], FAKE_HV_SLOT(i));
	}
	assert_int_equal(pv_pin_table(&dom, t.l4, PGT_L4), -EINVAL);	/* not nestable */
	assert_int_equal(pv_unpin_table(&vcpu0, t.l4), 0);
	assert_int_equal(pv_unpin_table(&vcpu0, t.l4), -EINVAL);
	assert_no_refs();
}

static void test_guest_values_in_hypervisor_slots_are_replaced(void **state)
{
	struct tree t;

	build_tree(&t);
	mem(t.l4)[256] = pte(t.l3, P | RW);	/* would otherwise take a second L3 reference */
	mem(t.l4)[271] = 0xdeadbeef000ULL | P;
	assert_int_equal(pv_pin_table(&dom, t.l4, PGT_L4), 0);
	assert_int_equal(mem(t.l4)[256], FAKE_HV_SLOT(256));
	assert_int_equal(mem(t.l4)[271], FAKE_HV_SLOT(271));
	assert_int_equal(tcount(t.l3), 1);
	/* Updates of those slots are refused; other slots are fine. */
	assert_int_equal(pv_mod_entry(&vcpu0, t.l4, 260, 0, false, true), -EINVAL);
	assert_int_equal(mem(t.l4)[260], FAKE_HV_SLOT(260));
	assert_int_equal(pv_mod_entry(&vcpu0, t.l4, 300, 0, false, true), 0);
	assert_int_equal(pv_unpin_table(&vcpu0, t.l4), 0);
	assert_no_refs();
}

enum corrupt {
	C_L1_MAPS_TABLE_RW,	/* a page-table frame mapped writable */
	C_L1_MAPS_OTHER_DOMAIN,
	C_L1_MAPS_HYPERVISOR,
	C_L1_MAPS_FREE_FRAME,
	C_L1_BEYOND_MEMORY,
	C_L1_RESERVED_BIT,
	C_L1_CACHE_ATTRS,	/* PCD in a domU's L1 */
	C_L2_PSE,
	C_L2_GLOBAL,
	C_L3_LINKS_L1,		/* wrong level */
	C_L4_LINEAR,		/* the L4 linked to itself */
	C_L2_LINKS_WRITABLE,	/* a table that is mapped writable elsewhere */
	C_L3_LINKS_OTHER_DOMAIN,
	C_LAST_L1_BAD,		/* a failure at the very end of the walk */
};

static const struct {
	enum corrupt what;
	int rc;
} corrupt_cases[] = {
	{ C_L1_MAPS_TABLE_RW, -EINVAL },	{ C_L1_MAPS_OTHER_DOMAIN, -EPERM },
	{ C_L1_MAPS_HYPERVISOR, -EPERM },	{ C_L1_MAPS_FREE_FRAME, -EPERM },
	{ C_L1_BEYOND_MEMORY, -EPERM },	{ C_L1_RESERVED_BIT, -EINVAL },
	{ C_L1_CACHE_ATTRS, -EINVAL },		{ C_L2_PSE, -EINVAL },
	{ C_L2_GLOBAL, -EINVAL },		{ C_L3_LINKS_L1, -EINVAL },
	{ C_L4_LINEAR, -EINVAL },		{ C_L2_LINKS_WRITABLE, -EINVAL },
	{ C_L3_LINKS_OTHER_DOMAIN, -EPERM },	{ C_LAST_L1_BAD, -EINVAL },
};

static void test_bad_trees_are_refused_and_leave_no_refs(void **state)
{
	unsigned int c, preempt;

	for (preempt = 0; preempt < 2; preempt++) {
		for (c = 0; c < ARRAY_SIZE(corrupt_cases); c++) {
			struct tree t;
			mfn_t extra = alloc_frame(DOM), foreign = alloc_frame(OTHER);
			uint64_t *before;
			int rc;

			build_tree(&t);
			switch (corrupt_cases[c].what) {
			case C_L1_MAPS_TABLE_RW:
				mem(t.l1[2])[5] = pte(t.l2, P | RW);
				break;
			case C_L1_MAPS_OTHER_DOMAIN:
				mem(t.l1[0])[5] = pte(foreign, P);
				break;
			case C_L1_MAPS_HYPERVISOR:
				mem(t.l1[0])[5] = pte(_mfn(3), P);
				break;
			case C_L1_MAPS_FREE_FRAME: {
				mfn_t freed = alloc_frame(DOM);

				assert_int_equal(heap_free(&sys_heap, freed, 0), 0);
				mem(t.l1[0])[5] = pte(freed, P);
				break;
			}
			case C_L1_BEYOND_MEMORY:
				mem(t.l1[0])[5] = pte(_mfn(NR_FRAMES + 5), P);
				break;
			case C_L1_RESERVED_BIT:
				mem(t.l1[1])[5] = pte(extra, P) | (1ULL << 52);
				break;
			case C_L1_CACHE_ATTRS:
				mem(t.l1[1])[5] = pte(extra, P | _PAGE_PCD);
				break;
			case C_L2_PSE:
				mem(t.l2)[7] = pte(extra, P | _PAGE_PSE);
				break;
			case C_L2_GLOBAL:
				mem(t.l2)[1] = pte(t.l1[1], P | _PAGE_GLOBAL);
				break;
			case C_L3_LINKS_L1:
				assert_int_equal(pv_pin_table(&dom, extra, PGT_L1), 0);
				mem(t.l3)[3] = pte(extra, P);
				break;
			case C_L4_LINEAR:
				mem(t.l4)[5] = pte(t.l4, P);
				break;
			case C_L2_LINKS_WRITABLE:
				mem(t.l1[0])[9] = pte(extra, P | RW);
				mem(t.l2)[8] = pte(extra, P);
				break;
			case C_L3_LINKS_OTHER_DOMAIN:
				mem(t.l3)[1] = pte(foreign, P);
				break;
			case C_LAST_L1_BAD:
				mem(t.l1[2])[511] = pte(t.l1[2], P | RW);
				break;
			}
			before = snapshot();
			fake.preempt_every = preempt;
			do {
				rc = preempt ? pv_pin_table_preemptible(&vcpu0, t.l4, PGT_L4) :
					       pv_pin_table(&dom, t.l4, PGT_L4);
			} while (rc == -ERESTART);
			fake.preempt_every = 0;
			if (rc != corrupt_cases[c].rc) {
				fail_msg("case %u (preempt %u): %d, expected %d", c, preempt, rc,
					 corrupt_cases[c].rc);
			}
			assert_snapshot(before);
			assert_false(pg(t.l4)->type_info & (PGT_PINNED | PGT_VALIDATED | PGT_PARTIAL));
			if (corrupt_cases[c].what == C_L3_LINKS_L1) {
				assert_int_equal(pv_unpin_table(&vcpu0, extra), 0);
			}
			assert_no_refs();
		}
	}
}

static void test_cache_attributes_allowed_for_the_privileged_domain(void **state)
{
	struct tree t;

	build_tree(&t);
	mem(t.l1[0])[5] = pte(t.data[5], P | _PAGE_PCD | _PAGE_PWT);
	dom.is_privileged = true;
	assert_int_equal(pv_pin_table(&dom, t.l4, PGT_L4), 0);
	assert_int_equal(pv_unpin_table(&vcpu0, t.l4), 0);
	dom.is_privileged = false;
	assert_no_refs();
}

/*
 * I/O memory (Xen's DOMID_IO): frames beyond RAM, holes in it and RAM reserved for DOMID_IO may
 * be mapped by the privileged domain only, never hold references, and never serve as page
 * tables; device pages the hypervisor keeps are refused (or mapped read-only only).
 */
static void test_io_memory_for_the_privileged_domain_only(void **state)
{
	mfn_t l1 = alloc_frame(DOM), l2 = alloc_frame(DOM), data = alloc_frame(DOM);
	mfn_t beyond = _mfn(NR_FRAMES + 5), io_ram = _mfn(4), hole = _mfn(6);
	mfn_t device = _mfn(NR_FRAMES + 7);

	heap_reserve_range(&sys_heap, io_ram, 1, DOMID_IO);
	pg(hole)->count_info &= ~PGC_STATE_MASK;
	mem(l1)[0] = pte(beyond, P | RW);
	assert_int_equal(pv_pin_table(&dom, l1, PGT_L1), -EPERM);
	mem(l1)[0] = pte(io_ram, P);
	assert_int_equal(pv_pin_table(&dom, l1, PGT_L1), -EPERM);
	dom.is_privileged = true;
	mem(l1)[0] = pte(beyond, P | RW);
	mem(l1)[1] = pte(io_ram, P | RW);
	mem(l1)[2] = pte(hole, P);
	assert_int_equal(pv_pin_table(&dom, l1, PGT_L1), 0);
	assert_int_equal(gcount(io_ram), 0);
	assert_int_equal(gcount(hole), 0);
	/* Entries move between I/O memory and RAM with exact counts. */
	assert_int_equal(pv_mod_entry(&vcpu0, l1, 1, pte(data, P | RW), false, true), 0);
	assert_int_equal(gcount(data), 1);
	assert_int_equal(pv_mod_entry(&vcpu0, l1, 1, pte(io_ram, P), false, true), 0);
	assert_int_equal(gcount(data), 0);
	assert_int_equal(pv_mod_entry(&vcpu0, l1, 1, pte(io_ram, P | RW), false, true), 0);
	/* The hypervisor's own RAM is not I/O memory. */
	assert_int_equal(pv_mod_entry(&vcpu0, l1, 3, pte(_mfn(3), P), false, true), -EPERM);
	/* A device page the hypervisor drives: read-only at most. */
	fake.io_readonly_mfn = mfn_x(device);
	assert_int_equal(pv_mod_entry(&vcpu0, l1, 3, pte(device, P | RW), false, true), -EPERM);
	assert_int_equal(pv_mod_entry(&vcpu0, l1, 3, pte(device, P), false, true), 0);
	assert_int_equal(pv_mod_entry(&vcpu0, l1, 3, pte(device, P | RW), false, true), -EPERM);
	/* I/O memory is no page table. */
	mem(l2)[0] = pte(beyond, P);
	assert_int_equal(pv_pin_table(&dom, l2, PGT_L2), -EINVAL);
	mem(l2)[0] = pte(hole, P);
	assert_int_equal(pv_pin_table(&dom, l2, PGT_L2), -EPERM);
	assert_int_equal(pv_unpin_table(&vcpu0, l1), 0);
	dom.is_privileged = false;
	assert_no_refs();
}

static void test_type_changes_refused_while_in_use(void **state)
{
	mfn_t l1 = alloc_frame(DOM), data = alloc_frame(DOM), l1b = alloc_frame(DOM);

	mem(l1)[0] = pte(data, P | RW);
	assert_int_equal(pv_pin_table(&dom, l1, PGT_L1), 0);
	/* data is writable-typed while mapped writable: it cannot become a page table. */
	assert_int_equal(pv_pin_table(&dom, data, PGT_L1), -EINVAL);
	assert_int_equal(get_page(pg(l1), &dom), 0);
	spin_lock(&dom.arch.mm_lock);
	assert_int_equal(get_page_type(&dom, pg(l1), PGT_WRITABLE, false), -EINVAL);
	assert_int_equal(get_page_type(&dom, pg(l1), PGT_L2, false), -EINVAL);
	spin_unlock(&dom.arch.mm_lock);
	put_page(pg(l1));
	/* Mapping the pinned table writable from another table fails; read-only is fine. */
	assert_int_equal(pv_pin_table(&dom, l1b, PGT_L1), 0);
	assert_int_equal(pv_mod_entry(&vcpu0, l1b, 3, pte(l1, P | RW), false, true), -EINVAL);
	assert_int_equal(mem(l1b)[3], 0);
	assert_int_equal(pv_mod_entry(&vcpu0, l1b, 3, pte(l1, P), false, true), 0);
	assert_int_equal(gcount(l1), 2);
	/* Once unmapped and unpinned, the former data frame may become a table (with a flush). */
	assert_int_equal(pv_unpin_table(&vcpu0, l1), 0);
	fake.flush_domain = 0;
	assert_int_equal(pv_pin_table(&dom, data, PGT_L1), 0);
	assert_int_equal(fake.flush_domain, 1);
	assert_int_equal(pv_unpin_table(&vcpu0, data), 0);
	assert_int_equal(pv_mod_entry(&vcpu0, l1b, 3, 0, false, true), 0);
	assert_int_equal(pv_unpin_table(&vcpu0, l1b), 0);
	assert_no_refs();
}

static void test_entry_updates_move_references(void **state)
{
	struct tree t;
	mfn_t spare = alloc_frame(DOM), newl1 = alloc_frame(DOM);

	build_tree(&t);
	assert_int_equal(pv_pin_table(&dom, t.l4, PGT_L4), 0);
	/* Replace a writable mapping with one of another frame. */
	assert_int_equal(pv_mod_entry(&vcpu0, t.l1[0], 0, pte(spare, P | RW), false, true), 0);
	assert_int_equal(tcount(t.data[0]), 0);
	assert_int_equal(gcount(t.data[0]), 0);
	assert_int_equal(tcount(spare), 1);
	/* Downgrade to read-only: the writable reference goes, the general one stays. */
	assert_int_equal(pv_mod_entry(&vcpu0, t.l1[0], 0, pte(spare, P | A), false, true), 0);
	assert_int_equal(tcount(spare), 0);
	assert_int_equal(gcount(spare), 1);
	/* The global bit is accepted in L1 entries but not kept. */
	assert_int_equal(pv_mod_entry(&vcpu0, t.l1[0], 0, pte(spare, P | A | _PAGE_GLOBAL), false,
				      true), 0);
	assert_int_equal(mem(t.l1[0])[0], pte(spare, P | A | U));
	/* PRESERVE_AD keeps the accessed/dirty bits already there. */
	mem(t.l1[0])[0] |= D;
	assert_int_equal(pv_mod_entry(&vcpu0, t.l1[0], 0, pte(spare, P), true, true), 0);
	assert_int_equal(mem(t.l1[0])[0] & (A | D | U), A | D | U);
	/* Link a new L1 into the L2: it is validated on the spot (implicit typing). */
	mem(newl1)[4] = pte(t.l3, P | RW);
	assert_int_equal(pv_mod_entry(&vcpu0, t.l2, 9, pte(newl1, P | RW), false, true), -EINVAL);
	mem(newl1)[4] = pte(t.data[1], P | RW);
	assert_int_equal(pv_mod_entry(&vcpu0, t.l2, 9, pte(newl1, P | RW), false, true), 0);
	assert_int_equal(ttype(newl1), PGT_L1);
	assert_int_equal(tcount(newl1), 1);
	/* Unlinking an L2 entry devalidates the L1 behind it. */
	assert_int_equal(pv_mod_entry(&vcpu0, t.l2, 9, 0, false, true), 0);
	assert_int_equal(tcount(newl1), 0);
	assert_false(pg(newl1)->type_info & PGT_VALIDATED);
	/* A page that is not a table in use is written as plain memory. */
	assert_int_equal(pv_mod_entry(&vcpu0, spare, 1, 0x1234, false, true), 0);
	assert_int_equal(mem(spare)[1], 0x1234);
	assert_int_equal(pv_mod_entry(&vcpu0, t.l1[0], 0, 0, false, true), 0);
	assert_int_equal(pv_unpin_table(&vcpu0, t.l4), 0);
	assert_no_refs();
}

/* ---- Preemption ---- */

static void test_preempted_validation_and_devalidation_finish(void **state)
{
	unsigned int every;

	for (every = 1; every <= 4; every++) {
		struct tree t;
		unsigned int rounds = 0;
		int rc;

		build_tree(&t);
		fake.preempt_every = every;
		do {
			rc = pv_pin_table_preemptible(&vcpu0, t.l4, PGT_L4);
			rounds++;
		} while (rc == -ERESTART);
		assert_int_equal(rc, 0);
		assert_true(rounds > 1);
		assert_int_equal(tcount(t.l1[2]), 1);
		assert_int_equal(tcount(t.data[4]), 1);
		/* Unpinning yields too: the rest is parked in the vCPU and finished later. */
		assert_int_equal(pv_unpin_table(&vcpu0, t.l4), 0);
		rounds = 0;
		while (pv_mm_has_pending(&vcpu0)) {
			rc = pv_mm_finish_pending(&vcpu0);
			assert_true(rc == 0 || rc == -ERESTART);
			assert_true(++rounds < 100);
		}
		fake.preempt_every = 0;
		assert_no_refs();
	}
}

static void test_abandoned_partial_pages_are_recovered(void **state)
{
	struct tree t;

	/* A pin that yielded and was never continued: unpin takes the partial page down. */
	build_tree(&t);
	fake.preempt_every = 1;
	assert_int_equal(pv_pin_table_preemptible(&vcpu0, t.l4, PGT_L4), -ERESTART);
	assert_true(pg(t.l4)->type_info & PGT_PARTIAL);
	assert_int_equal(pv_mod_entry(&vcpu0, t.l4, 0, 0, false, true), -EBUSY);
	assert_int_equal(pv_unpin_table(&vcpu0, t.l4), 0);
	while (pv_mm_has_pending(&vcpu0)) {
		pv_mm_finish_pending(&vcpu0);
	}
	fake.preempt_every = 0;
	assert_no_refs();

	/* Another abandoned pin, reclaimed by relinquish. */
	fake.preempt_every = 2;
	assert_int_equal(pv_pin_table_preemptible(&vcpu0, t.l4, PGT_L4), -ERESTART);
	fake.preempt_every = 0;
	pv_relinquish_memory(&dom);
	assert_no_refs();

	/* A partial page finished by someone else: a later pin of the same type completes it. */
	fake.preempt_every = 1;
	assert_int_equal(pv_pin_table_preemptible(&vcpu0, t.l4, PGT_L4), -ERESTART);
	fake.preempt_every = 0;
	assert_int_equal(pv_pin_table(&dom, t.l3, PGT_L3), 0);
	assert_int_equal(pv_pin_table(&dom, t.l4, PGT_L4), 0);
	assert_int_equal(tcount(t.l3), 2);
	assert_int_equal(pv_unpin_table(&vcpu0, t.l3), 0);
	assert_int_equal(pv_unpin_table(&vcpu0, t.l4), 0);
	assert_no_refs();
}

/*
 * Recompute every frame's reference counts from the tables themselves (validated tables hold all
 * their present entries, partial ones entries [0, done), plus pins, roots and partial pages' own
 * reference) and compare them with the counts the rules keep.
 */
static void check_counts_against_tables(void)
{
	static uint64_t eg[NR_FRAMES], et[NR_FRAMES];
	const mfn_t roots[2] = { vcpu0.arch.guest_table, vcpu0.arch.guest_table_user };
	uint64_t m;
	unsigned int i;

	memset(eg, 0, sizeof(eg));
	memset(et, 0, sizeof(et));
	for (i = 0; i < 2; i++) {
		if (mfn_x(roots[i])) {
			eg[mfn_x(roots[i])]++;
			et[mfn_x(roots[i])]++;
		}
	}
	for (m = 0; m < NR_FRAMES; m++) {
		const struct page_info *p = &sys_heap.frames[m];
		unsigned int level = pgt_level(p->type_info), held = 0;

		if (page_state(p) != PGC_STATE_INUSE || p->owner != DOM) {
			continue;
		}
		if (p->type_info & PGT_PINNED) {
			eg[m]++;
			et[m]++;
		}
		if (p->type_info & PGT_PARTIAL) {
			eg[m]++;
			held = (unsigned int)((p->type_info & PGT_DONE_MASK) >> PGT_DONE_SHIFT);
		} else if (level && (p->type_info & PGT_VALIDATED)) {
			held = PT_ENTRIES;
		}
		for (i = 0; i < held; i++) {
			uint64_t e = mem(_mfn(m))[i], q = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

			if (!(e & P) || (level == 4 && !pv_is_guest_l4_slot(i))) {
				continue;
			}
			eg[q]++;
			if (level > 1 || (e & RW)) {
				et[q]++;
			}
		}
	}
	for (m = 0; m < NR_FRAMES; m++) {
		if (sys_heap.frames[m].owner == DOM &&
		    (gcount(_mfn(m)) != eg[m] || tcount(_mfn(m)) != et[m])) {
			fail_msg("frame %#llx: general %llu (tables say %llu), type %llu (tables say %llu)",
				 (unsigned long long)m, (unsigned long long)gcount(_mfn(m)),
				 (unsigned long long)eg[m], (unsigned long long)tcount(_mfn(m)),
				 (unsigned long long)et[m]);
		}
	}
}

/* Random pins, unpins, roots and updates with random preemption; relinquish leaves nothing. */
static void test_random_operations_keep_counts_exact(void **state)
{
	uint64_t seed = 0x5eed + SEED;
	unsigned int round;

	for (round = 0; round < 40 * STRESS; round++) {
		struct tree t[3];
		unsigned int step, i;

		for (i = 0; i < 3; i++) {
			build_tree(&t[i]);
		}
		/* Trees share one L2 and one data frame, so pages have several users. */
		mem(t[1].l3)[5] = pte(t[0].l2, P | RW);
		mem(t[2].l1[0])[7] = pte(t[0].data[3], P | A);
		for (step = 0; step < 60; step++) {
			struct tree *x = &t[test_rand_below(&seed, 3)];
			unsigned int op = (unsigned int)test_rand_below(&seed, 7);
			int rc;

			fake.preempt_every = (unsigned int)test_rand_below(&seed, 4);
			while (pv_mm_has_pending(&vcpu0)) {
				pv_mm_finish_pending(&vcpu0);
			}
			switch (op) {
			case 0:
				rc = pv_pin_table_preemptible(&vcpu0, x->l4, PGT_L4);
				break;
			case 1:
				rc = pv_pin_table_preemptible(&vcpu0, x->l2, PGT_L2);
				break;
			case 2:
				rc = pv_unpin_table(&vcpu0, test_rand_below(&seed, 2) ? x->l4 : x->l2);
				break;
			case 3:
				rc = pv_set_guest_table_preemptible(&vcpu0, x->l4, false);
				break;
			case 4:
				rc = pv_mod_entry(&vcpu0, x->l2, 1, test_rand_below(&seed, 2) ?
						  0 : pte(x->l1[1], P | RW), false, true);
				break;
			case 5:
				rc = pv_mod_entry(&vcpu0, x->l1[0], 3, pte(x->data[test_rand_below(&seed, 6)],
						  test_rand_below(&seed, 2) ? P | RW : P), false, true);
				break;
			default:
				rc = pv_mod_entry(&vcpu0, x->l3, 0, test_rand_below(&seed, 3) ?
						  pte(x->l2, P | RW) : 0, false, true);
				break;
			}
			assert_true(rc == 0 || rc == -ERESTART || rc == -EINVAL || rc == -EBUSY);
			check_counts_against_tables();
		}
		fake.preempt_every = 0;
		pv_relinquish_memory(&dom);
		assert_int_equal(mfn_x(vcpu0.arch.guest_table), 0);
		assert_no_refs();
		free_domain_frames();
	}
}

/* ---- Roots ---- */

static void test_guest_tables_hold_references(void **state)
{
	struct tree a, b;

	build_tree(&a);
	build_tree(&b);
	assert_int_equal(pv_set_guest_table(&vcpu0, a.l4, false), 0);
	assert_int_equal(tcount(a.l4), 1);
	assert_int_equal(pv_set_guest_table(&vcpu0, b.l4, false), 0);
	assert_int_equal(tcount(a.l4), 0);
	assert_int_equal(tcount(a.l1[0]), 0);
	assert_int_equal(tcount(b.l4), 1);
	assert_int_equal(pv_set_guest_table(&vcpu0, a.l4, true), 0);
	assert_int_equal(pv_set_guest_table(&vcpu0, _mfn(0), false), -EINVAL);
	/* A failed switch keeps the old root. */
	assert_int_equal(pv_set_guest_table(&vcpu0, _mfn(0), true), 0);
	mem(a.l1[0])[8] = pte(b.l4, P | RW);
	assert_int_equal(pv_set_guest_table(&vcpu0, a.l4, false), -EINVAL);
	assert_int_equal(mfn_x(vcpu0.arch.guest_table), mfn_x(b.l4));
	pv_relinquish_memory(&dom);
	assert_no_refs();
}

/* ---- Hypercalls ---- */

static void test_mmu_update_batch_progress_and_errors(void **state)
{
	struct tree t;
	mfn_t spare = alloc_frame(DOM), foreign = alloc_frame(OTHER);
	struct mmu_update req[4];
	uint32_t done = 99;

	build_tree(&t);
	assert_int_equal(pv_pin_table(&dom, t.l4, PGT_L4), 0);
	req[0] = (struct mmu_update){ mfn_to_paddr(t.l1[0]) + 8 * 20, pte(spare, P | RW) };
	req[1] = (struct mmu_update){ mfn_to_paddr(spare) | MMU_MACHPHYS_UPDATE, 0x42 };
	req[2] = (struct mmu_update){ mfn_to_paddr(t.l1[0]) + 8 * 21, pte(t.l3, P | RW) };
	req[3] = (struct mmu_update){ mfn_to_paddr(t.l1[0]) + 8 * 22, pte(spare, P) };
	assert_int_equal(do_mmu_update((uint64_t)req, 4, (uint64_t)&done, DOMID_SELF, 0), -EINVAL);
	assert_int_equal(done, 2);
	assert_int_equal(fake.m2p[mfn_x(spare)], 0x42);
	assert_int_equal(tcount(spare), 1);
	assert_int_equal(mem(t.l1[0])[21], 0);
	/* Bad commands, bad pointers, foreign frames. */
	req[0] = (struct mmu_update){ mfn_to_paddr(foreign) | MMU_MACHPHYS_UPDATE, 1 };
	assert_int_equal(do_mmu_update((uint64_t)req, 1, 0, DOMID_SELF, 0), -EPERM);
	req[0] = (struct mmu_update){ mfn_to_paddr(t.l1[0]) + 4, 0 };
	assert_int_equal(do_mmu_update((uint64_t)req, 1, 0, DOMID_SELF, 0), -EINVAL);
	req[0] = (struct mmu_update){ mfn_to_paddr(foreign), 0 };
	assert_int_equal(do_mmu_update((uint64_t)req, 1, 0, DOMID_SELF, 0), -EPERM);
	assert_int_equal(do_mmu_update(0x100, 1, 0, DOMID_SELF, 0), -EFAULT);
	/* foreigndom: only DOMID_SELF works. */
	assert_int_equal(do_mmu_update((uint64_t)req, 1, 0, DOM, 0), -ESRCH);
	assert_int_equal(do_mmu_update((uint64_t)req, 1, 0, OTHER, 0), -EPERM);
	assert_int_equal(do_mmu_update((uint64_t)req, 1, 0, 77, 0), -ESRCH);
	assert_int_equal(do_mmu_update((uint64_t)req, 1, 0, DOMID_IO, 0), -EPERM);
	assert_int_equal(do_mmu_update((uint64_t)req, 1, 0, ((uint64_t)OTHER + 1) << 16 | DOMID_SELF,
				       0), -EPERM);
	assert_int_equal(do_mmu_update((uint64_t)req, 0, 0, ((uint64_t)DOM + 1) << 16 | DOMID_SELF,
				       0), 0);
	req[0] = (struct mmu_update){ mfn_to_paddr(t.l1[0]) + 8 * 20, 0 };
	assert_int_equal(do_mmu_update((uint64_t)req, 1, 0, DOMID_SELF, 0), 0);
	assert_int_equal(pv_unpin_table(&vcpu0, t.l4), 0);
	assert_no_refs();
}

static void test_mmu_update_continues_when_preempted(void **state)
{
	struct tree t;
	struct mmu_update req[64];
	uint32_t done = 0;
	unsigned int i, calls = 0;
	uint64_t a1, a2;
	long rc;

	build_tree(&t);
	assert_int_equal(pv_pin_table(&dom, t.l4, PGT_L4), 0);
	for (i = 0; i < 64; i++) {
		req[i] = (struct mmu_update){ mfn_to_paddr(t.l1[2]) + 8 * (100 + i),
					      pte(t.data[i % 2 ? 1 : 3], P) };
	}
	fake.preempt_every = 5;
	a1 = (uint64_t)req;
	a2 = 64;
	for (;;) {
		fake.continuations = 0;
		rc = do_mmu_update(a1, a2, (uint64_t)&done, DOMID_SELF, 0);
		calls++;
		if (rc != FAKE_CONTINUATION) {
			break;
		}
		assert_int_equal(fake.cont_nr, __HYPERVISOR_mmu_update);
		assert_true(fake.cont_args[1] & (1U << 31));
		assert_int_equal(fake.cont_args[0], (uint64_t)req + done * sizeof(req[0]));
		a1 = fake.cont_args[0];
		a2 = fake.cont_args[1];
	}
	fake.preempt_every = 0;
	assert_int_equal(rc, 0);
	assert_true(calls > 5);
	assert_int_equal(done, 64);
	assert_int_equal(gcount(t.data[1]), 1 + 32);
	pv_relinquish_memory(&dom);
	assert_no_refs();
}

static void test_mmuext_ops(void **state)
{
	struct tree t;
	mfn_t page = alloc_frame(DOM), src = alloc_frame(DOM);
	struct mmuext_op op[3];
	uint32_t done;
	uint64_t mask = 1;

	build_tree(&t);
	memset(op, 0, sizeof(op));
	op[0].cmd = MMUEXT_PIN_L4_TABLE;
	op[0].arg1.mfn = mfn_x(t.l4);
	op[1].cmd = MMUEXT_NEW_BASEPTR;
	op[1].arg1.mfn = mfn_x(t.l4);
	op[2].cmd = MMUEXT_PIN_L1_TABLE;	/* already an L1 in use: fine to pin */
	op[2].arg1.mfn = mfn_x(t.l1[1]);
	fake.reload_cr3 = 0;
	assert_int_equal(do_mmuext_op((uint64_t)op, 3, (uint64_t)&done, DOMID_SELF, 0), 0);
	assert_int_equal(done, 3);
	assert_int_equal(mfn_x(vcpu0.arch.guest_table), mfn_x(t.l4));
	assert_int_equal(tcount(t.l4), 2);
	assert_true(fake.reload_cr3 >= 1);
	/* Unpinning a table in use works; its validation stays (the root still holds it). */
	op[0].cmd = MMUEXT_UNPIN_TABLE;
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), 0);
	assert_int_equal(tcount(t.l4), 1);
	/* CLEAR_PAGE / COPY_PAGE only on pages that may be writable. */
	mem(src)[7] = 0x77;
	op[0].cmd = MMUEXT_COPY_PAGE;
	op[0].arg1.mfn = mfn_x(page);
	op[0].arg2.src_mfn = mfn_x(src);
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), 0);
	assert_int_equal(mem(page)[7], 0x77);
	op[0].cmd = MMUEXT_CLEAR_PAGE;
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), 0);
	assert_int_equal(mem(page)[7], 0);
	op[0].arg1.mfn = mfn_x(t.l1[0]);
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), -EINVAL);
	/* SET_LDT: checked for alignment and range, then handed to pv_set_ldt (faked here). */
	op[0].cmd = MMUEXT_SET_LDT;
	op[0].arg1.linear_addr = 0x7000;
	op[0].arg2.nr_ents = 16;
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), 0);
	assert_int_equal(vcpu0.arch.ldt_base, 0x7000);
	assert_int_equal(vcpu0.arch.ldt_ents, 16);
	op[0].arg1.linear_addr = 0x7008;
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), -EINVAL);
	op[0].arg1.linear_addr = HYPERVISOR_VIRT_START;
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), -EINVAL);
	op[0].arg1.linear_addr = 0x7000;
	op[0].arg2.nr_ents = 8193;
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), -EINVAL);
	/* Flushes. */
	op[0].cmd = MMUEXT_INVLPG_MULTI;
	op[0].arg1.linear_addr = 0x5000;
	op[0].arg2.vcpumask.addr = (uint64_t)&mask;
	fake.flush_vcpus = 0;
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), 0);
	assert_int_equal(fake.flush_vcpus, 1);
	assert_int_equal(fake.last_flush_va, 0x5000);
	assert_int_equal(fake.last_flush_mask, 1);
	op[0].arg2.vcpumask.addr = 8;
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), -EFAULT);
	op[0].cmd = MMUEXT_TLB_FLUSH_LOCAL;
	fake.flush_local = 0;
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), 0);
	assert_int_equal(fake.flush_local, 1);
	op[0].cmd = MMUEXT_MARK_SUPER;
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), -ENOSYS);
	op[0].cmd = 99;
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), -ENOSYS);
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, OTHER, 0), -EPERM);
	/* Pins by other domains' frames are refused. */
	op[0].cmd = MMUEXT_PIN_L1_TABLE;
	op[0].arg1.mfn = mfn_x(alloc_frame(OTHER));
	assert_int_equal(do_mmuext_op((uint64_t)op, 1, 0, DOMID_SELF, 0), -EPERM);
	pv_relinquish_memory(&dom);
	assert_no_refs();
}

static void test_update_va_mapping(void **state)
{
	struct tree t;
	mfn_t spare = alloc_frame(DOM);
	uint64_t va = tree_va(1, 9);

	build_tree(&t);
	assert_int_equal(pv_set_guest_table(&vcpu0, t.l4, false), 0);
	fake.flush_local = 0;
	assert_int_equal(do_update_va_mapping(va, pte(spare, P | RW), UVMF_INVLPG, 0, 0), 0);
	assert_int_equal(mem(t.l1[1])[9] & PTE_ADDR_MASK, mfn_to_paddr(spare));
	assert_int_equal(fake.flush_local, 1);
	assert_int_equal(fake.last_flush_va, va);
	assert_int_equal(do_update_va_mapping(va, pte(spare, P), UVMF_TLB_FLUSH | UVMF_ALL, 0, 0), 0);
	assert_int_equal(fake.last_flush_va, PV_FLUSH_ALL);
	/* Errors: no flush, nothing changed. */
	fake.flush_local = 0;
	assert_int_equal(do_update_va_mapping(va, pte(t.l2, P | RW), UVMF_INVLPG, 0, 0), -EINVAL);
	assert_int_equal(fake.flush_local, 0);
	assert_int_equal(do_update_va_mapping(HYPERVISOR_VIRT_START, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(do_update_va_mapping(0x0000800000000000ULL, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(do_update_va_mapping(tree_va(5, 0), 0, 0, 0, 0), -EINVAL);
	assert_int_equal(do_update_va_mapping(1ULL << 39, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(do_update_va_mapping(va, 0, UVMF_INVLPG | 0x8, 0, 0), -EFAULT);
	pv_relinquish_memory(&dom);
	assert_no_refs();
}

static void test_vm_assist(void **state)
{
	assert_int_equal(do_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables, 0, 0, 0),
			 0);
	assert_int_equal(dom.arch.vm_assist, 1ULL << VMASST_TYPE_writable_pagetables);
	assert_int_equal(do_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables, 0, 0, 0),
			 0);
	assert_int_equal(dom.arch.vm_assist, 0);
	assert_int_equal(do_vm_assist(VMASST_CMD_enable, 9, 0, 0, 0), -EINVAL);
	assert_int_equal(do_vm_assist(VMASST_CMD_enable, 64, 0, 0, 0), -EINVAL);
	assert_int_equal(do_vm_assist(7, VMASST_TYPE_writable_pagetables, 0, 0, 0), -ENOSYS);
}

/* ---- Writable page tables ---- */

static const struct {
	uint8_t bytes[15];
	unsigned int n;
	int rc;
	enum ptwr_kind kind;
	unsigned int size, len, reg;
	bool src_is_reg;
	uint64_t imm;
} decode_cases[] = {
	{ { 0x48, 0x89, 0x07 }, 3, 0, PTWR_MOV, 8, 3, 0, true, 0 },	       /* mov %rax,(%rdi) */
	{ { 0x4c, 0x89, 0x44, 0x24, 0x08 }, 5, 0, PTWR_MOV, 8, 5, 8, true, 0 }, /* mov %r8,8(%rsp) */
	{ { 0x89, 0x37 }, 2, 0, PTWR_MOV, 4, 2, 6, true, 0 },		       /* mov %esi,(%rdi) */
	{ { 0x66, 0x89, 0x37 }, 3, 0, PTWR_MOV, 2, 3, 6, true, 0 },
	{ { 0x88, 0x27 }, 2, 0, PTWR_MOV, 1, 2, 4, true, 0 },		       /* mov %ah,(%rdi) */
	{ { 0x48, 0xc7, 0x07, 0, 0, 0, 0 }, 7, 0, PTWR_MOV, 8, 7, 0, false, 0 }, /* movq $0,(%rdi) */
	{ { 0x48, 0xc7, 0x80, 0x10, 0, 0, 0, 0xff, 0xff, 0xff, 0xff }, 11, 0, PTWR_MOV, 8, 11, 0,
	  false, ~0ULL },						       /* movq $-1,16(%rax) */
	{ { 0x48, 0x89, 0x05, 1, 2, 3, 4 }, 7, 0, PTWR_MOV, 8, 7, 0, true, 0 },  /* rip-relative */
	{ { 0x48, 0x87, 0x17 }, 3, 0, PTWR_XCHG, 8, 3, 2, true, 0 },	       /* xchg %rdx,(%rdi) */
	{ { 0xf0, 0x48, 0x0f, 0xb1, 0x0e }, 5, 0, PTWR_CMPXCHG, 8, 5, 1, true, 0 },
	{ { 0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05 }, 6, 0, PTWR_BTR, 8, 6, 6, false, 5 },
	{ { 0xf0, 0x80, 0x27, 0xdf }, 4, 0, PTWR_AND, 1, 4, 4, false, ~0ULL << 8 | 0xdf },
	{ { 0xf0, 0x48, 0x09, 0x07 }, 4, 0, PTWR_OR, 8, 4, 0, true, 0 },
	/* register destination */
	{ { 0x48, 0x89, 0xc7 }, 3, -EINVAL, PTWR_MOV, 0, 0, 0, false, 0 },
	/* a load */
	{ { 0x48, 0x8b, 0x07 }, 3, -EINVAL, PTWR_MOV, 0, 0, 0, false, 0 },
	/* truncated */
	{ { 0x48, 0x89 }, 2, -EINVAL, PTWR_MOV, 0, 0, 0, false, 0 },
	/* truncated immediate */
	{ { 0x48, 0xc7, 0x07, 0, 0 }, 5, -EINVAL, PTWR_MOV, 0, 0, 0, false, 0 },
	/* bt: no write */
	{ { 0x48, 0x0f, 0xba, 0x27, 0x05 }, 5, -EINVAL, PTWR_MOV, 0, 0, 0, false, 0 },
	{ { 0x66 }, 1, -EINVAL, PTWR_MOV, 0, 0, 0, false, 0 },
};

static void test_ptwr_decode(void **state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(decode_cases); i++) {
		struct ptwr_op op;
		int rc = ptwr_decode(decode_cases[i].bytes, decode_cases[i].n, &op);

		if (rc != decode_cases[i].rc) {
			fail_msg("decode case %u: %d, expected %d", i, rc, decode_cases[i].rc);
		}
		if (rc) {
			continue;
		}
		if (op.kind != decode_cases[i].kind || op.size != decode_cases[i].size ||
		    op.len != decode_cases[i].len ||
		    op.src_is_reg != decode_cases[i].src_is_reg ||
		    (op.src_is_reg && op.reg != decode_cases[i].reg) ||
		    (!op.src_is_reg && op.imm != decode_cases[i].imm)) {
			fail_msg("decode case %u: kind %d size %u len %u reg %u imm %#llx", i, op.kind,
				 op.size, op.len, op.reg, (unsigned long long)op.imm);
		}
	}
}

static void test_ptwr_emulates_validated_writes(void **state)
{
	struct tree t;
	mfn_t spare = alloc_frame(DOM);
	/* L1 number 0 is mapped read-only at tree_va(1, 2); its entry 6 sits 48 bytes in. */
	uint64_t entry_va = tree_va(1, 2) + 6 * 8;
	/* Instruction buffers of 15 bytes: the emulator fetches a whole maximal instruction. */
	uint8_t mov[15] = { 0x48, 0x89, 0x07 }, cmpxchg[15] = { 0xf0, 0x48, 0x0f, 0xb1, 0x0e };
	uint8_t xchg[15] = { 0x48, 0x87, 0x17 }, btr[15] = { 0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05 };
	uint8_t movl[15] = { 0x89, 0x37 };
	struct cpu_regs regs;

	build_tree(&t);
	assert_int_equal(pv_set_guest_table(&vcpu0, t.l4, false), 0);
	memset(&regs, 0, sizeof(regs));
	regs.error_code = 3;	/* present, write */

	/* mov %rax,(%rdi): a valid entry is written and RIP moves past the instruction. */
	regs.rip = (uint64_t)mov;
	regs.rax = pte(spare, P | RW);
	assert_true(pv_ptwr_fault(&regs, entry_va));
	assert_int_equal(regs.rip, (uint64_t)mov + 3);
	assert_int_equal(mem(t.l1[0])[6], pte(spare, P | RW | U));
	assert_int_equal(tcount(spare), 1);
	/* An invalid entry (a page table mapped writable) is not emulated: #PF to the guest. */
	regs.rip = (uint64_t)mov;
	regs.rax = pte(t.l2, P | RW);
	assert_false(pv_ptwr_fault(&regs, entry_va));
	assert_int_equal(regs.rip, (uint64_t)mov);
	assert_int_equal(mem(t.l1[0])[6], pte(spare, P | RW | U));
	/* cmpxchg: match writes and sets ZF; mismatch loads RAX and clears ZF. */
	regs.rip = (uint64_t)cmpxchg;
	regs.rax = pte(spare, P | RW | U);
	regs.rcx = pte(spare, P | U);
	assert_true(pv_ptwr_fault(&regs, entry_va));
	assert_int_equal(mem(t.l1[0])[6], pte(spare, P | U));
	assert_true(regs.rflags & (1 << 6));
	assert_int_equal(tcount(spare), 0);
	regs.rip = (uint64_t)cmpxchg;
	regs.rax = 0x1234;
	assert_true(pv_ptwr_fault(&regs, entry_va));
	assert_int_equal(regs.rax, pte(spare, P | U));
	assert_false(regs.rflags & (1 << 6));
	/* xchg returns the old entry. */
	regs.rip = (uint64_t)xchg;
	regs.rdx = pte(spare, P | A | U);
	assert_true(pv_ptwr_fault(&regs, entry_va));
	assert_int_equal(regs.rdx, pte(spare, P | U));
	/* lock btr $5: clears the accessed bit, CF = its old value. */
	regs.rip = (uint64_t)btr;
	assert_true(pv_ptwr_fault(&regs, entry_va));
	assert_int_equal(mem(t.l1[0])[6], pte(spare, P | U));
	assert_true(regs.rflags & 1);
	/* A 4-byte store into the high half is widened to the whole entry (NX here). */
	regs.rip = (uint64_t)movl;
	regs.rsi = 0x80000000;
	assert_true(pv_ptwr_fault(&regs, entry_va + 4));
	assert_int_equal(mem(t.l1[0])[6], pte(spare, P | U) | _PAGE_NX);
	/* Misaligned, reads, non-L1 targets and unmapped addresses are not emulated. */
	regs.rip = (uint64_t)mov;
	assert_false(pv_ptwr_fault(&regs, entry_va + 1));
	regs.error_code = 1;
	assert_false(pv_ptwr_fault(&regs, entry_va));
	regs.error_code = 3;
	assert_false(pv_ptwr_fault(&regs, tree_va(0, 0)));	/* a data page mapped writable */
	assert_false(pv_ptwr_fault(&regs, tree_va(0, 1)));	/* read-only data, not a table */
	assert_false(pv_ptwr_fault(&regs, tree_va(7, 0)));
	regs.rip = 0x100;	/* the instruction cannot be fetched */
	assert_false(pv_ptwr_fault(&regs, entry_va));
	vcpu0.arch.kernel_mode = false;
	regs.rip = (uint64_t)mov;
	assert_false(pv_ptwr_fault(&regs, entry_va));
	vcpu0.arch.kernel_mode = true;
	pv_relinquish_memory(&dom);
	assert_no_refs();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pin_tree_and_unpin_restores_counts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_guest_values_in_hypervisor_slots_are_replaced,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_trees_are_refused_and_leave_no_refs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cache_attributes_allowed_for_the_privileged_domain,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_memory_for_the_privileged_domain_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_type_changes_refused_while_in_use, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_entry_updates_move_references, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preempted_validation_and_devalidation_finish,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_abandoned_partial_pages_are_recovered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_random_operations_keep_counts_exact, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_guest_tables_hold_references, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmu_update_batch_progress_and_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mmu_update_continues_when_preempted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mmuext_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_va_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_assist, setup, teardown),
		cmocka_unit_test(test_ptwr_decode),
		cmocka_unit_test_setup_teardown(test_ptwr_emulates_validated_writes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
