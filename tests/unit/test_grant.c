/*
 * Grant tables v1 (hypervisor/common/grant/grant_table.c) with the real PV side
 * (arch/x86/pv/grant.c) and the real PV MMU (arch/x86/pv/mm.c) over a fake frame table: table
 * frames shared under the page-type rules, the entry state machine (status bits, revocation,
 * permissions), exact reference counts on both sides through map, unmap, the guest replacing a
 * grant PTE, copy, and the teardown of either side. A domain never reaches a frame it was not
 * granted.
 */
#include <stdlib.h>
#include "unit.h"
#include "fake_common.h"
#include "fake_pv_mm.h"
#include <argon/grant.h>
#include <argon/hypercall.h>
#include <public/xen.h>

#define NR_FRAMES 2048
#define A_ID 1 /* the granter */
#define B_ID 2 /* the mapper */
#define P _PAGE_PRESENT
#define RW _PAGE_RW
#define AD (_PAGE_ACCESSED | _PAGE_DIRTY)
#define VA 0x1000UL /* L4[0] L3[0] L2[0] L1[1]: an empty slot in each domain's tree */

static struct domain a, b;
static struct vcpu va0, vb0;
static mfn_t a_l1, b_l1, a_data, b_data;

static uint64_t *mem(mfn_t m)
{
	return arch_mfn_to_virt(m);
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

static mfn_t alloc_frame(domid_t owner)
{
	mfn_t m;

	assert_int_equal(heap_alloc(&sys_heap, 0, owner, &m), 0);
	memset(mem(m), 0, PAGE_SIZE);
	return m;
}

/* A tree L4 -> L3 -> L2 -> L1 with L1[0] mapping a data frame, made the vCPU's root. */
static void build(struct domain *d, struct vcpu *v, mfn_t *l1, mfn_t *data)
{
	mfn_t l4 = alloc_frame(d->domain_id), l3 = alloc_frame(d->domain_id);
	mfn_t l2 = alloc_frame(d->domain_id);

	*l1 = alloc_frame(d->domain_id);
	*data = alloc_frame(d->domain_id);
	mem(l4)[0] = (mfn_x(l3) << PAGE_SHIFT) | P | RW;
	mem(l3)[0] = (mfn_x(l2) << PAGE_SHIFT) | P | RW;
	mem(l2)[0] = (mfn_x(*l1) << PAGE_SHIFT) | P | RW;
	mem(*l1)[0] = (mfn_x(*data) << PAGE_SHIFT) | P | RW | AD;
	assert_int_equal(pv_set_guest_table(v, l4, false), 0);
}

static void make(struct domain *d, struct vcpu *v, domid_t id)
{
	memset(d, 0, sizeof(*d));
	memset(v, 0, sizeof(*v));
	d->domain_id = id;
	d->max_vcpus = 1;
	d->vcpus[0] = v;
	v->domain = d;
	v->arch.kernel_mode = true;
	assert_int_equal(grant_table_init(d), 0);
}

static int setup(void **state)
{
	memset(&fake, 0, sizeof(fake));
	memset(&fake_common, 0, sizeof(fake_common));
	fake.nr_frames = NR_FRAMES;
	fake.mem = calloc(NR_FRAMES, PAGE_SIZE);
	assert_non_null(fake.mem);
	assert_int_equal(heap_init(&sys_heap, calloc(NR_FRAMES, sizeof(struct page_info)), NR_FRAMES),
			 0);
	heap_reserve_range(&sys_heap, _mfn(0), 16, DOMID_XEN);
	assert_int_equal(heap_add_free_range(&sys_heap, _mfn(16), NR_FRAMES - 16), 0);
	make(&a, &va0, A_ID);
	make(&b, &vb0, B_ID);
	fake.domains[0] = &a;
	fake.domains[1] = &b;
	build(&a, &va0, &a_l1, &a_data);
	build(&b, &vb0, &b_l1, &b_data);
	fake.current = &va0;
	assert_int_equal(grant_table_grow(&a, 1), 0);
	assert_int_equal(grant_table_grow(&b, 1), 0);
	return 0;
}

static int teardown(void **state)
{
	grant_table_destroy(&a);
	grant_table_destroy(&b);
	pv_relinquish_memory(&a);
	pv_relinquish_memory(&b);
	assert_int_equal(fake_common.xenheap_bytes, 0);
	/* Nothing may still hold a reference to any frame. */
	for (uint64_t m = 0; m < NR_FRAMES; m++) {
		const struct page_info *p = &sys_heap.frames[m];

		if ((p->count_info & PGC_COUNT_MASK) || (p->type_info & PGT_COUNT_MASK)) {
			fail_msg("frame %#llx still referenced: %#llx %#llx", (unsigned long long)m,
				 (unsigned long long)p->count_info, (unsigned long long)p->type_info);
		}
	}
	free(sys_heap.frames);
	free(fake.mem);
	return 0;
}

static struct grant_entry_v1 *entry(struct domain *d, grant_ref_t ref)
{
	return &d->grant_table->shared[0][ref];
}

static void grant(grant_ref_t ref, mfn_t frame, domid_t to, uint16_t flags)
{
	entry(&a, ref)->frame = (uint32_t)mfn_x(frame);
	entry(&a, ref)->domid = to;
	entry(&a, ref)->flags = flags;
}

static struct gnttab_map_grant_ref map_as(struct vcpu *v, uint32_t flags, grant_ref_t ref,
					  domid_t dom)
{
	struct gnttab_map_grant_ref op = { .host_addr = VA, .flags = flags, .ref = ref,
					   .dom = dom };

	fake.current = v;
	assert_int_equal(do_grant_table_op(GNTTABOP_map_grant_ref, (uint64_t)(uintptr_t)&op, 1, 0,
					   0),
			 0);
	return op;
}

static int16_t unmap_as(struct vcpu *v, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = VA, .handle = h };

	fake.current = v;
	assert_int_equal(do_grant_table_op(GNTTABOP_unmap_grant_ref, (uint64_t)(uintptr_t)&op, 1, 0,
					   0),
			 0);
	return op.status;
}

static uint64_t b_pte(void)
{
	return mem(b_l1)[1];
}

/* ---- Tests ---- */

static void test_table_frames_are_shared_writable(void **state)
{
	mfn_t f = a.grant_table->frames[0];

	assert_int_equal(pg(f)->owner, A_ID);
	assert_int_equal(gcount(f), 1);
	assert_int_equal(tcount(f), 1);
	assert_int_equal(pg(f)->type_info & PGT_TYPE_MASK, PGT_WRITABLE);
	/* The guest may map it writable, never use it as a page table. */
	assert_int_equal(pv_mod_entry(&va0, a_l1, 2, (mfn_x(f) << PAGE_SHIFT) | P | RW, false,
				      false),
			 0);
	assert_int_equal(pv_pin_table(&a, f, PGT_L1), -EINVAL);
	assert_int_equal(pv_mod_entry(&va0, a_l1, 2, 0, false, false), 0);
	/* Growing past the maximum fails; growing to a smaller size is a no-op. */
	assert_int_equal(grant_table_grow(&a, a.grant_table->max_frames + 1), -EINVAL);
	assert_int_equal(grant_table_grow(&a, 1), 0);
	assert_int_equal(a.grant_table->nr_frames, 1);
}

static void test_map_and_unmap_keep_exact_counts(void **state)
{
	struct gnttab_map_grant_ref m;

	grant(8, a_data, B_ID, GTF_permit_access);
	assert_int_equal(gcount(a_data), 1); /* A's own L1 entry */
	assert_int_equal(tcount(a_data), 1);
	m = map_as(&vb0, GNTMAP_host_map | (5U << _GNTMAP_guest_avail0), 8, A_ID);
	assert_int_equal(m.status, GNTST_okay);
	/* B's PTE maps A's frame writable, with the guest's available bits. */
	assert_int_equal(b_pte() & PTE_ADDR_MASK, mfn_x(a_data) << PAGE_SHIFT);
	assert_true(b_pte() & RW);
	assert_int_equal((b_pte() >> 9) & 7, 5);
	/* Maptrack and PTE each hold a general and a writable type reference. */
	assert_int_equal(gcount(a_data), 3);
	assert_int_equal(tcount(a_data), 3);
	assert_int_equal(entry(&a, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(unmap_as(&vb0, m.handle), GNTST_okay);
	assert_int_equal(b_pte(), 0);
	assert_int_equal(gcount(a_data), 1);
	assert_int_equal(tcount(a_data), 1);
	assert_int_equal(entry(&a, 8)->flags, GTF_permit_access);
	assert_int_equal(unmap_as(&vb0, m.handle), GNTST_bad_handle);
	assert_true(fake.flush_vcpus + fake.flush_domain > 0);
}

static void test_readonly_takes_no_type(void **state)
{
	struct gnttab_map_grant_ref m;

	grant(9, a_data, B_ID, GTF_permit_access | GTF_readonly);
	assert_int_equal(map_as(&vb0, GNTMAP_host_map, 9, A_ID).status, GNTST_permission_denied);
	m = map_as(&vb0, GNTMAP_host_map | GNTMAP_readonly, 9, A_ID);
	assert_int_equal(m.status, GNTST_okay);
	assert_false(b_pte() & RW);
	assert_int_equal(gcount(a_data), 3);
	assert_int_equal(tcount(a_data), 1);
	assert_int_equal(entry(&a, 9)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	/* B cannot widen it: the frame is not B's. */
	assert_int_equal(pv_mod_entry(&vb0, b_l1, 1, b_pte() | RW, false, false), -EPERM);
	assert_int_equal(unmap_as(&vb0, m.handle), GNTST_okay);
	assert_int_equal(gcount(a_data), 1);
	assert_int_equal(entry(&a, 9)->flags, GTF_permit_access | GTF_readonly);
}

static void test_never_an_ungranted_frame(void **state)
{
	/* B maps A's frame by itself: refused by ownership. */
	assert_int_equal(pv_mod_entry(&vb0, b_l1, 1, (mfn_x(a_data) << PAGE_SHIFT) | P, false,
				      false),
			 -EPERM);
	/* Grants naming someone else, of the wrong type, revoked, out of range. */
	grant(10, a_data, 3, GTF_permit_access);
	assert_int_equal(map_as(&vb0, GNTMAP_host_map, 10, A_ID).status, GNTST_permission_denied);
	grant(10, a_data, B_ID, GTF_accept_transfer);
	assert_int_equal(map_as(&vb0, GNTMAP_host_map, 10, A_ID).status, GNTST_permission_denied);
	grant(10, a_data, B_ID, GTF_invalid);
	assert_int_equal(map_as(&vb0, GNTMAP_host_map, 10, A_ID).status, GNTST_permission_denied);
	assert_int_equal(map_as(&vb0, GNTMAP_host_map, 512, A_ID).status, GNTST_bad_gntref);
	assert_int_equal(map_as(&vb0, GNTMAP_host_map, 1, 9).status, GNTST_bad_domain);
	/* A grant of a frame the granter does not own (B's) maps nothing. */
	grant(10, b_data, B_ID, GTF_permit_access);
	assert_int_equal(map_as(&vb0, GNTMAP_host_map, 10, A_ID).status, GNTST_general_error);
	assert_int_equal(entry(&a, 10)->flags, GTF_permit_access);
	/* A page table of the granter cannot be mapped writable. */
	grant(10, a_l1, B_ID, GTF_permit_access);
	assert_int_equal(map_as(&vb0, GNTMAP_host_map, 10, A_ID).status, GNTST_general_error);
	assert_int_equal(b_pte(), 0);
	assert_int_equal(gcount(a_data), 1);
}

static void test_revocation_while_mapped(void **state)
{
	struct gnttab_map_grant_ref m;

	grant(11, a_data, B_ID, GTF_permit_access);
	m = map_as(&vb0, GNTMAP_host_map, 11, A_ID);
	assert_int_equal(m.status, GNTST_okay);
	/* A misbehaving granter clears the entry anyway: the mapping stays valid, new ones fail. */
	entry(&a, 11)->flags = 0;
	assert_int_equal(map_as(&vb0, GNTMAP_host_map, 11, A_ID).status, GNTST_permission_denied);
	assert_int_equal(gcount(a_data), 3);
	assert_int_equal(unmap_as(&vb0, m.handle), GNTST_okay);
	assert_int_equal(gcount(a_data), 1);
	assert_int_equal(tcount(a_data), 1);
}

static void test_guest_replacing_the_grant_pte(void **state)
{
	struct gnttab_map_grant_ref m;

	grant(12, a_data, B_ID, GTF_permit_access);
	m = map_as(&vb0, GNTMAP_host_map, 12, A_ID);
	/* B overwrites the grant PTE with its own frame: the PTE's references go with it. */
	assert_int_equal(pv_mod_entry(&vb0, b_l1, 1, (mfn_x(b_data) << PAGE_SHIFT) | P, false,
				      false),
			 0);
	assert_int_equal(gcount(a_data), 2);
	assert_int_equal(tcount(a_data), 2);
	/* Unmap finds nothing to clear there (B's own mapping stays) and releases the grant. */
	assert_int_equal(unmap_as(&vb0, m.handle), GNTST_okay);
	assert_int_equal(b_pte() & PTE_ADDR_MASK, mfn_x(b_data) << PAGE_SHIFT);
	assert_int_equal(gcount(a_data), 1);
	assert_int_equal(entry(&a, 12)->flags, GTF_permit_access);
	assert_int_equal(pv_mod_entry(&vb0, b_l1, 1, 0, false, false), 0);
}

static void test_copy_between_domains(void **state)
{
	struct gnttab_copy c = { .len = 16, .flags = GNTCOPY_source_gref };

	memset(mem(a_data), 0xab, 64);
	grant(13, a_data, B_ID, GTF_permit_access | GTF_readonly);
	c.source.u.ref = 13;
	c.source.domid = A_ID;
	c.source.offset = 8;
	c.dest.u.gmfn = mfn_x(b_data);
	c.dest.domid = DOMID_SELF;
	c.dest.offset = 4080;
	fake.current = &vb0;
	assert_int_equal(do_grant_table_op(GNTTABOP_copy, (uint64_t)(uintptr_t)&c, 1, 0, 0), 0);
	assert_int_equal(c.status, GNTST_okay);
	assert_int_equal(((uint8_t *)mem(b_data))[4095], 0xab);
	assert_int_equal(entry(&a, 13)->flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(gcount(a_data), 1);
	/* A's frame by number is not B's to name; past the end; into the read-only grant. */
	c.flags = 0;
	c.source.u.gmfn = mfn_x(a_data);
	c.source.domid = DOMID_SELF;
	assert_int_equal(do_grant_table_op(GNTTABOP_copy, (uint64_t)(uintptr_t)&c, 1, 0, 0), 0);
	assert_int_equal(c.status, GNTST_bad_page);
	c.flags = GNTCOPY_source_gref;
	c.source.u.ref = 13;
	c.source.domid = A_ID;
	c.len = 17;
	assert_int_equal(do_grant_table_op(GNTTABOP_copy, (uint64_t)(uintptr_t)&c, 1, 0, 0), 0);
	assert_int_equal(c.status, GNTST_bad_copy_arg);
	c.len = 1;
	c.flags = GNTCOPY_dest_gref;
	c.source.u.gmfn = mfn_x(b_data);
	c.source.domid = DOMID_SELF;
	c.dest.u.ref = 13;
	c.dest.domid = A_ID;
	c.dest.offset = 0;
	assert_int_equal(do_grant_table_op(GNTTABOP_copy, (uint64_t)(uintptr_t)&c, 1, 0, 0), 0);
	assert_int_equal(c.status, GNTST_permission_denied);
	assert_int_equal(entry(&a, 13)->flags, GTF_permit_access | GTF_readonly);
}

static void test_granter_teardown_revokes_mappings(void **state)
{
	struct gnttab_map_grant_ref m;

	grant(14, a_data, B_ID, GTF_permit_access);
	m = map_as(&vb0, GNTMAP_host_map, 14, A_ID);
	assert_int_equal(m.status, GNTST_okay);
	grant_table_release(&a);
	/* B's PTE is gone, every reference with it; B's handle is free; A refuses new maps. */
	assert_int_equal(b_pte(), 0);
	assert_int_equal(gcount(a_data), 1);
	assert_int_equal(tcount(a_data), 1);
	assert_int_equal(unmap_as(&vb0, m.handle), GNTST_bad_handle);
	assert_int_equal(map_as(&vb0, GNTMAP_host_map, 14, A_ID).status, GNTST_bad_domain);
}

static void test_mapper_teardown_releases_its_mappings(void **state)
{
	struct gnttab_map_grant_ref m;

	grant(15, a_data, B_ID, GTF_permit_access);
	m = map_as(&vb0, GNTMAP_host_map, 15, A_ID);
	assert_int_equal(m.status, GNTST_okay);
	grant_table_release(&b);
	/* The grant is free again; the PTE keeps its own references until B's tables go. */
	assert_int_equal(entry(&a, 15)->flags, GTF_permit_access);
	assert_int_equal(gcount(a_data), 2);
	assert_int_equal(map_as(&vb0, GNTMAP_host_map, 15, A_ID).status, GNTST_bad_domain);
	pv_relinquish_memory(&b);
	assert_int_equal(gcount(a_data), 1);
	assert_int_equal(tcount(a_data), 1);
}

static void test_versions_and_sizes(void **state)
{
	struct gnttab_set_version sv = { .version = 2 };
	struct gnttab_query_size qs = { .dom = A_ID };
	uint64_t frames[2];
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 2 };

	fake.current = &vb0;
	assert_int_equal(do_grant_table_op(GNTTABOP_set_version, (uint64_t)(uintptr_t)&sv, 1, 0, 0),
			 -EOPNOTSUPP);
	assert_int_equal(sv.version, 1);
	/* Another domain's size: privileged only. */
	assert_int_equal(do_grant_table_op(GNTTABOP_query_size, (uint64_t)(uintptr_t)&qs, 1, 0, 0),
			 0);
	assert_int_equal(qs.status, GNTST_permission_denied);
	set_xen_guest_handle(st.frame_list, frames);
	assert_int_equal(do_grant_table_op(GNTTABOP_setup_table, (uint64_t)(uintptr_t)&st, 1, 0, 0),
			 0);
	assert_int_equal(st.status, GNTST_okay);
	assert_int_equal(frames[0], mfn_x(b.grant_table->frames[0]));
	assert_int_equal(frames[1], mfn_x(b.grant_table->frames[1]));
	assert_int_equal(do_grant_table_op(GNTTABOP_setup_table, (uint64_t)(uintptr_t)&st, 2, 0, 0),
			 -EINVAL);
	assert_int_equal(do_grant_table_op(GNTTABOP_swap_grant_ref, (uint64_t)(uintptr_t)&st, 1, 0,
					   0),
			 -ENOSYS);
}

/*
 * Issue grant_table_op @cmd over @count entries at @arg as the guest would: re-issue every
 * continuation with the arguments it carries until the batch ends. Each continuation must name
 * grant_table_op and the same command, start at an entry boundary further on, and carry the
 * count that is left. Returns the final result; *@stops counts the continuations.
 */
static long run_to_end(unsigned int cmd, void *arg, uint32_t count, size_t size, unsigned int *stops)
{
	uint64_t a = (uint64_t)(uintptr_t)arg, end = a + (uint64_t)count * size;
	long rc;

	*stops = 0;
	for (;;) {
		uint64_t before = fake.continuations;

		rc = do_grant_table_op(cmd, a, count, 0, 0);
		if (fake.continuations == before) {
			return rc;
		}
		assert_int_equal(rc, FAKE_CONTINUATION);
		assert_int_equal(fake.cont_nr, __HYPERVISOR_grant_table_op);
		assert_int_equal(fake.cont_args[0], cmd);
		assert_true(fake.cont_args[1] > a && fake.cont_args[1] < end);
		assert_int_equal((fake.cont_args[1] - a) % size, 0);
		assert_int_equal(fake.cont_args[2], (end - fake.cont_args[1]) / size);
		a = fake.cont_args[1];
		count = (uint32_t)fake.cont_args[2];
		(*stops)++;
	}
}

#define BATCH 64

static void test_preempted_batches_continue(void **state)
{
	static struct gnttab_map_grant_ref m[BATCH / 8];
	static struct gnttab_unmap_grant_ref u[BATCH / 8 + 1];
	static struct gnttab_copy c[BATCH];
	uint8_t *src = (uint8_t *)mem(a_data), *dst = (uint8_t *)mem(b_data);
	unsigned int i, stops;

	for (i = 0; i < PAGE_SIZE; i++) {
		src[i] = (uint8_t)(i * 13 + 1);
	}
	memset(dst, 0, PAGE_SIZE);
	grant(13, a_data, B_ID, GTF_permit_access | GTF_readonly);
	fake.current = &vb0;
	/* Copies, every fourth past the page end: each entry's own status, in order, whatever stops. */
	for (i = 0; i < BATCH; i++) {
		c[i].source.u.ref = 13;
		c[i].source.domid = A_ID;
		c[i].source.offset = (uint16_t)(i * 7);
		c[i].dest.u.gmfn = mfn_x(b_data);
		c[i].dest.domid = DOMID_SELF;
		c[i].dest.offset = (uint16_t)(i * 7);
		c[i].len = i % 4 == 3 ? PAGE_SIZE : 7;
		c[i].flags = GNTCOPY_source_gref;
		c[i].status = 0x5a5a;
	}
	fake.preempt_every = 3;
	assert_int_equal(run_to_end(GNTTABOP_copy, c, BATCH, sizeof(c[0]), &stops), 0);
	assert_true(stops >= BATCH / 3 - 1);
	for (i = 0; i < BATCH; i++) {
		assert_int_equal(c[i].status, i % 4 == 3 ? GNTST_bad_copy_arg : GNTST_okay);
		if (i % 4 == 3) {
			assert_int_equal(dst[i * 7] | dst[i * 7 + 6], 0);
		} else {
			assert_memory_equal(dst + i * 7, src + i * 7, 7);
		}
	}
	assert_int_equal(entry(&a, 13)->flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(gcount(a_data), 1);
	/* Maps at consecutive empty L1 slots, stopped after every entry. */
	grant(14, a_data, B_ID, GTF_permit_access);
	for (i = 0; i < BATCH / 8; i++) {
		m[i] = (struct gnttab_map_grant_ref){ .host_addr = VA + i * PAGE_SIZE,
						      .flags = GNTMAP_host_map, .ref = 14,
						      .dom = A_ID, .status = 0x5a5a };
	}
	fake.preempt_every = 1;
	assert_int_equal(run_to_end(GNTTABOP_map_grant_ref, m, BATCH / 8, sizeof(m[0]), &stops), 0);
	assert_int_equal(stops, BATCH / 8 - 1);
	for (i = 0; i < BATCH / 8; i++) {
		assert_int_equal(m[i].status, GNTST_okay);
		assert_int_equal(mem(b_l1)[1 + i] & PTE_ADDR_MASK, mfn_x(a_data) << PAGE_SHIFT);
	}
	assert_int_equal(gcount(a_data), 1 + 2 * BATCH / 8);
	/* Unmaps of them all plus a bad handle, stopped every other entry. */
	for (i = 0; i < BATCH / 8; i++) {
		u[i] = (struct gnttab_unmap_grant_ref){ .host_addr = VA + i * PAGE_SIZE,
							.handle = m[i].handle, .status = 0x5a5a };
	}
	u[BATCH / 8] = (struct gnttab_unmap_grant_ref){ .handle = 1000, .status = 0x5a5a };
	fake.preempt_every = 2;
	assert_int_equal(run_to_end(GNTTABOP_unmap_grant_ref, u, BATCH / 8 + 1, sizeof(u[0]),
				    &stops),
			 0);
	assert_true(stops > 0);
	for (i = 0; i < BATCH / 8; i++) {
		assert_int_equal(u[i].status, GNTST_okay);
		assert_int_equal(mem(b_l1)[1 + i], 0);
	}
	assert_int_equal(u[BATCH / 8].status, GNTST_bad_handle);
	assert_int_equal(gcount(a_data), 1);
	assert_int_equal(entry(&a, 14)->flags, GTF_permit_access);
	fake.preempt_every = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table_frames_are_shared_writable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_map_and_unmap_keep_exact_counts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_readonly_takes_no_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_never_an_ungranted_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revocation_while_mapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_replacing_the_grant_pte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_between_domains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_granter_teardown_revokes_mappings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mapper_teardown_releases_its_mappings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_versions_and_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preempted_batches_continue, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
