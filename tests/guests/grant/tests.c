/*
 * grant: grant tables v1 from the guest's side, granting to ourselves (DOMID_SELF) while only one
 * domain runs: setup_table and the table frame under the PV MMU's rules, versions, map_grant_ref
 * at another virtual address (data seen both ways, read-only enforced by the CPU, the
 * reading/writing status bits, revocation refused while mapped), GNTMAP_contains_pte,
 * unmap_and_replace, the maptrack limit, batched copy with offsets and lengths checked, and the
 * error cases (bad reference, domain, frame, address, handle); a 1M-entry copy batch, alone and
 * in a multicall, that a guest timer interrupts part-way (so the batch was preempted).
 */
#include <argon/lib.h>

#include <guest/fault.h>
#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/mm.h>
#include <guest/pvclock.h>
#include <guest/test.h>
#include <guest/traps.h>

#include <public/event_channel.h>
#include <public/grant_table.h>

#define EINVAL 22
#define EOPNOTSUPP 95

#define M2P ((volatile uint64_t *)MACH2PHYS_VIRT_START)
#define UNMAPPED_VA 0x123000UL
#define MAPTRACK_SIZE 1024

static struct grant_entry_v1 *gt;	/* our table frame 0, mapped */
static uint64_t gt_mfn;
static domid_t self;

/* ---- helpers ---- */

static bool probe_read(uint64_t va, uint64_t *val)
{
	uint64_t v = 0, n = trap_count;

	__asm__ __volatile__("1: movq (%1), %0\n2:\n" EXTABLE(1b, 2b) : "+r"(v) : "r"(va) : "memory");
	*val = v;
	return trap_count == n;
}

static bool probe_write(uint64_t va, uint64_t val)
{
	uint64_t n = trap_count;

	__asm__ __volatile__("1: movq %1, (%0)\n2:\n" EXTABLE(1b, 2b) : : "r"(va), "r"(val) : "memory");
	return trap_count == n;
}

static domid_t self_id(void)
{
	struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_status st = { .dom = DOMID_SELF };
	struct evtchn_close cl;

	if (HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op)) {
		return DOMID_INVALID;
	}
	st.port = op.port;
	HYPERVISOR_event_channel_op(EVTCHNOP_status, &st);
	cl.port = op.port;
	HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
	return st.u.unbound.dom;
}

static long setup_table(domid_t dom, uint32_t nr, uint64_t *frames, int16_t *status)
{
	struct gnttab_setup_table op = { .dom = dom, .nr_frames = nr };
	long rc;

	set_xen_guest_handle(op.frame_list, frames);
	rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &op, 1);
	*status = op.status;
	return rc;
}

/* Set up one table frame and map it, once; every test calls it first. */
static bool setup(void)
{
	static bool done;
	uint64_t frame = 0;
	int16_t st;
	void *va;

	if (done) {
		return true;
	}
	self = self_id();
	va = page_alloc();
	if (setup_table(DOMID_SELF, 1, &frame, &st) || st || !frame || !va ||
	    remap_page(va, frame, PTE_DATA)) {
		test_fail(__FILE__, __LINE__, "cannot set up the grant table");
		return false;
	}
	gt = va;
	gt_mfn = frame;
	done = true;
	return true;
}

#define SETUP()                  \
	do {                     \
		if (!setup()) {  \
			return;  \
		}                \
	} while (0)

/* Grant frame @mfn to @to as reference @ref: frame and domid first, then the flags. */
static void grant(grant_ref_t ref, uint64_t mfn, domid_t to, uint16_t flags)
{
	gt[ref].frame = (uint32_t)mfn;
	gt[ref].domid = to;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&gt[ref].flags, flags, __ATOMIC_SEQ_CST);
}

/* End access as Linux does: only when the hypervisor is not using the grant. */
static bool end_access(grant_ref_t ref)
{
	uint16_t f = __atomic_load_n(&gt[ref].flags, __ATOMIC_SEQ_CST);

	do {
		if (f & (GTF_reading | GTF_writing)) {
			return false;
		}
	} while (!__atomic_compare_exchange_n(&gt[ref].flags, &f, 0, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	return true;
}

static struct gnttab_map_grant_ref map(uint64_t addr, uint32_t flags, grant_ref_t ref,
				       domid_t dom)
{
	struct gnttab_map_grant_ref op = { .host_addr = addr, .flags = flags, .ref = ref,
					   .dom = dom };

	if (HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1)) {
		op.status = 99;
	}
	return op;
}

static int16_t unmap(uint64_t addr, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = addr, .handle = h };

	if (HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1)) {
		return 99;
	}
	return op.status;
}

static uint64_t va_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Machine address of the PTE mapping @va, found by walking our tables through the M2P. */
static uint64_t pte_maddr(uint64_t va)
{
	const uint64_t *t = (const uint64_t *)(uintptr_t)start_info->pt_base;

	for (int level = 4; level > 1; level--) {
		uint64_t e = t[(va >> (12 + 9 * (level - 1))) & 511];

		t = pfn_to_virt(M2P[(e & PTE_ADDR) >> 12]);
	}
	return (virt_to_mfn(t) << 12) + ((va >> 12) & 511) * 8;
}

/* ---- Tests ---- */

GUEST_TEST(setup_query_and_versions)
{
	struct gnttab_query_size qs = { .dom = DOMID_SELF };
	struct gnttab_set_version sv = { .version = 1 };
	struct gnttab_get_version gv = { .dom = DOMID_SELF };
	struct mmuext_op pin = { .cmd = MMUEXT_PIN_L1_TABLE };
	uint64_t frames[2];
	int16_t st;

	SETUP();
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &qs, 1), 0);
	EXPECT_EQ(qs.status, GNTST_okay);
	EXPECT_EQ(qs.nr_frames, 1);
	EXPECT(qs.max_nr_frames >= 1);
	/* Asking again for one frame returns the same frame. */
	EXPECT_EQ(setup_table(DOMID_SELF, 1, frames, &st), 0);
	EXPECT_EQ(st, GNTST_okay);
	EXPECT_EQ(frames[0], gt_mfn);
	EXPECT_EQ(setup_table(DOMID_SELF, qs.max_nr_frames + 1, frames, &st), 0);
	EXPECT_EQ(st, GNTST_general_error);
	EXPECT_EQ(setup_table(42, 1, frames, &st), 0);
	EXPECT_EQ(st, GNTST_bad_domain);
	/* The table frame is ours but always writable: it can never become a page table. */
	pin.arg1.mfn = gt_mfn;
	EXPECT(HYPERVISOR_mmuext_op(&pin, 1, NULL, DOMID_SELF) < 0);
	/* Version 1 only; v2 refused cleanly. */
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
	EXPECT_EQ(sv.version, 1);
	sv.version = 2;
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1), -EOPNOTSUPP);
	EXPECT_EQ(sv.version, 1);
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_get_version, &gv, 1), 0);
	EXPECT_EQ(gv.version, 1);
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &qs, 2), -EINVAL);
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_transfer, &qs, 1), -38);
	test_note("table frame %#lx, %u frames max", gt_mfn, qs.max_nr_frames);
}

GUEST_TEST(map_sees_the_data_and_unmap_removes_it)
{
	uint64_t *data = page_alloc(), *win = page_alloc(), v;
	struct gnttab_map_grant_ref m;

	SETUP();
	data[0] = 0x1234567887654321UL;
	data[511] = 42;
	grant(8, virt_to_mfn(data), self, GTF_permit_access);
	m = map(va_of(win), GNTMAP_host_map, 8, DOMID_SELF);
	EXPECT_EQ(m.status, GNTST_okay);
	EXPECT_EQ(m.dev_bus_addr, 0);
	/* The window shows the granted frame, both ways. */
	EXPECT_EQ(win[0], 0x1234567887654321UL);
	EXPECT_EQ(win[511], 42);
	win[1] = 0xfeed;
	EXPECT_EQ(data[1], 0xfeed);
	/* Status bits while mapped writable; the granter cannot end access. */
	EXPECT_EQ(gt[8].flags, GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT(!end_access(8));
	EXPECT_EQ(unmap(va_of(win), m.handle), GNTST_okay);
	EXPECT_EQ(gt[8].flags, GTF_permit_access);
	/* The window is gone (not present), and the handle with it. */
	EXPECT(!probe_read(va_of(win), &v));
	EXPECT_EQ(unmap(va_of(win), m.handle), GNTST_bad_handle);
	/* Now access can end; a revoked grant cannot be mapped. */
	EXPECT(end_access(8));
	EXPECT_EQ(map(va_of(win), GNTMAP_host_map, 8, DOMID_SELF).status, GNTST_permission_denied);
	/* With device_map too, the bus address is the machine address (no IOMMU). */
	grant(8, virt_to_mfn(data), self, GTF_permit_access);
	m = map(va_of(win), GNTMAP_host_map | GNTMAP_device_map, 8, DOMID_SELF);
	EXPECT_EQ(m.status, GNTST_okay);
	EXPECT_EQ(m.dev_bus_addr, virt_to_mfn(data) << 12);
	EXPECT_EQ(unmap(va_of(win), m.handle), GNTST_okay);
	EXPECT(end_access(8));
	test_note("handle %u", m.handle);
}

GUEST_TEST(readonly_is_enforced)
{
	uint64_t *data = page_alloc(), *win = page_alloc(), v;
	struct gnttab_map_grant_ref m;

	SETUP();
	data[0] = 7;
	/* A read-only mapping of a writable grant: reads work, writes fault. */
	grant(9, virt_to_mfn(data), self, GTF_permit_access);
	m = map(va_of(win), GNTMAP_host_map | GNTMAP_readonly, 9, DOMID_SELF);
	EXPECT_EQ(m.status, GNTST_okay);
	EXPECT_EQ(gt[9].flags, GTF_permit_access | GTF_reading);
	EXPECT(probe_read(va_of(win), &v));
	EXPECT_EQ(v, 7);
	EXPECT(!probe_write(va_of(win), 8));
	EXPECT_EQ(trap_nth(trap_count - 1)->vector, 14);
	EXPECT_EQ(data[0], 7);
	EXPECT_EQ(unmap(va_of(win), m.handle), GNTST_okay);
	EXPECT(end_access(9));
	/* A read-only grant refuses writable mappings and accepts read-only ones. */
	grant(9, virt_to_mfn(data), self, GTF_permit_access | GTF_readonly);
	EXPECT_EQ(map(va_of(win), GNTMAP_host_map, 9, DOMID_SELF).status,
		  GNTST_permission_denied);
	m = map(va_of(win), GNTMAP_host_map | GNTMAP_readonly, 9, DOMID_SELF);
	EXPECT_EQ(m.status, GNTST_okay);
	EXPECT(!probe_write(va_of(win), 8));
	EXPECT_EQ(unmap(va_of(win), m.handle), GNTST_okay);
	EXPECT(end_access(9));
}

GUEST_TEST(map_errors)
{
	uint64_t *data = page_alloc(), *win = page_alloc();
	uint64_t l4_mfn = virt_to_mfn((const void *)(uintptr_t)start_info->pt_base);
	struct gnttab_map_grant_ref m;

	SETUP();
	grant(10, virt_to_mfn(data), self, GTF_permit_access);
	/* Bad reference, bad domain, no host mapping asked for. */
	EXPECT_EQ(map(va_of(win), GNTMAP_host_map, 512, DOMID_SELF).status, GNTST_bad_gntref);
	EXPECT_EQ(map(va_of(win), GNTMAP_host_map, 10, 42).status, GNTST_bad_domain);
	EXPECT_EQ(map(va_of(win), GNTMAP_device_map, 10, DOMID_SELF).status, GNTST_general_error);
	/* Nowhere to put it: no L1 there, or the hypervisor's area. */
	EXPECT_EQ(map(UNMAPPED_VA, GNTMAP_host_map, 10, DOMID_SELF).status, GNTST_bad_virt_addr);
	EXPECT_EQ(map(0xffff830000000000UL, GNTMAP_host_map, 10, DOMID_SELF).status,
		  GNTST_bad_virt_addr);
	/* Nothing was left behind by the failures. */
	EXPECT_EQ(gt[10].flags, GTF_permit_access);
	EXPECT(end_access(10));
	/* A grant to another domain, a grant of nothing, an invalid grant type. */
	grant(11, virt_to_mfn(data), 42, GTF_permit_access);
	EXPECT_EQ(map(va_of(win), GNTMAP_host_map, 11, DOMID_SELF).status,
		  GNTST_permission_denied);
	grant(11, virt_to_mfn(data), self, GTF_accept_transfer);
	EXPECT_EQ(map(va_of(win), GNTMAP_host_map, 11, DOMID_SELF).status,
		  GNTST_permission_denied);
	/* A frame that is not ours (the hypervisor's), and our L4 writable. */
	grant(11, 1, self, GTF_permit_access);
	EXPECT_EQ(map(va_of(win), GNTMAP_host_map, 11, DOMID_SELF).status, GNTST_general_error);
	EXPECT_EQ(gt[11].flags, GTF_permit_access);
	grant(11, l4_mfn, self, GTF_permit_access);
	EXPECT_EQ(map(va_of(win), GNTMAP_host_map, 11, DOMID_SELF).status, GNTST_general_error);
	/* ... but read-only is fine. */
	m = map(va_of(win), GNTMAP_host_map | GNTMAP_readonly, 11, DOMID_SELF);
	EXPECT_EQ(m.status, GNTST_okay);
	EXPECT_EQ(unmap(va_of(win), m.handle), GNTST_okay);
	EXPECT(end_access(11));
	/* Bad handles; a handle unmapped at another address. */
	EXPECT_EQ(unmap(va_of(win), 5000), GNTST_bad_handle);
	EXPECT_EQ(unmap(va_of(win), 3), GNTST_bad_handle);
	grant(11, virt_to_mfn(data), self, GTF_permit_access);
	m = map(va_of(win), GNTMAP_host_map, 11, DOMID_SELF);
	EXPECT_EQ(m.status, GNTST_okay);
	EXPECT_EQ(unmap(va_of(data), m.handle), GNTST_general_error);
	EXPECT_EQ(unmap(va_of(win), m.handle), GNTST_okay);
	EXPECT(end_access(11));
}

GUEST_TEST(contains_pte_and_unmap_and_replace)
{
	uint64_t *data = page_alloc(), *win = page_alloc(), *spare = page_alloc(), v;
	struct gnttab_map_grant_ref m;
	struct gnttab_unmap_and_replace r;

	SETUP();
	data[0] = 0xda7a;
	spare[0] = 0x5ba7e;
	grant(12, virt_to_mfn(data), self, GTF_permit_access);
	/* The PTE named by its machine address (how Linux's gntdev maps on PV). */
	m = map(pte_maddr(va_of(win)), GNTMAP_host_map | GNTMAP_contains_pte, 12, DOMID_SELF);
	EXPECT_EQ(m.status, GNTST_okay);
	EXPECT_EQ(win[0], 0xda7a);
	/* A misaligned PTE address is refused. */
	EXPECT_EQ(map(pte_maddr(va_of(win)) + 3, GNTMAP_host_map | GNTMAP_contains_pte, 12,
		      DOMID_SELF).status, GNTST_general_error);
	/* Replace: win takes spare's entry and spare's goes. */
	r = (struct gnttab_unmap_and_replace){ .host_addr = pte_maddr(va_of(win)),
					       .new_addr = va_of(spare), .handle = m.handle };
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_unmap_and_replace, &r, 1), 0);
	EXPECT_EQ(r.status, GNTST_okay);
	EXPECT_EQ(win[0], 0x5ba7e);
	EXPECT(!probe_read(va_of(spare), &v));
	EXPECT_EQ(gt[12].flags, GTF_permit_access);
	EXPECT(end_access(12));
}

GUEST_TEST(maptrack_limit)
{
	static uint32_t handles[MAPTRACK_SIZE];
	uint64_t *data = page_alloc(), *win = page_alloc();
	struct gnttab_map_grant_ref m;
	unsigned int n = 0;

	SETUP();
	grant(13, virt_to_mfn(data), self, GTF_permit_access);
	/* Mapping again at the same place replaces the PTE; each map still takes a handle. */
	for (;;) {
		m = map(va_of(win), GNTMAP_host_map | GNTMAP_readonly, 13, DOMID_SELF);
		if (m.status != GNTST_okay || n == MAPTRACK_SIZE) {
			break;
		}
		handles[n++] = m.handle;
	}
	EXPECT_EQ(m.status, GNTST_no_space);
	/* Tests before this one left nothing mapped. */
	EXPECT_EQ(n, MAPTRACK_SIZE);
	/* Every handle unmaps (those whose PTE was replaced have nothing left to clear). */
	for (unsigned int i = 0; i < n; i++) {
		EXPECT_EQ(unmap(va_of(win), handles[i]), GNTST_okay);
	}
	EXPECT_EQ(gt[13].flags, GTF_permit_access);
	EXPECT(end_access(13));
	test_note("%u handles", n);
}

GUEST_TEST(copy_checks_offsets_and_rights)
{
	uint8_t *a = page_alloc(), *b = page_alloc();
	uint64_t l4_mfn = virt_to_mfn((const void *)(uintptr_t)start_info->pt_base);
	struct gnttab_copy c[3];

	SETUP();
	for (unsigned int i = 0; i < 4096; i++) {
		a[i] = (uint8_t)(i * 7);
	}
	grant(14, virt_to_mfn(a), self, GTF_permit_access | GTF_readonly);
	grant(15, virt_to_mfn(b), self, GTF_permit_access);
	/* A batch: gref -> gref, gmfn -> gref, gref -> gmfn, at offsets. */
	memset(c, 0, sizeof(c));
	c[0].source.u.ref = 14;
	c[0].source.domid = DOMID_SELF;
	c[0].source.offset = 100;
	c[0].dest.u.ref = 15;
	c[0].dest.domid = DOMID_SELF;
	c[0].dest.offset = 0;
	c[0].len = 200;
	c[0].flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
	c[1].source.u.gmfn = virt_to_mfn(a);
	c[1].source.domid = DOMID_SELF;
	c[1].source.offset = 4000;
	c[1].dest.u.ref = 15;
	c[1].dest.domid = DOMID_SELF;
	c[1].dest.offset = 3000;
	c[1].len = 96;
	c[1].flags = GNTCOPY_dest_gref;
	c[2].source.u.ref = 14;
	c[2].source.domid = DOMID_SELF;
	c[2].dest.u.gmfn = virt_to_mfn(b);
	c[2].dest.domid = DOMID_SELF;
	c[2].dest.offset = 4095;
	c[2].source.offset = 9;
	c[2].len = 1;
	c[2].flags = GNTCOPY_source_gref;
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, c, 3), 0);
	EXPECT_EQ(c[0].status, GNTST_okay);
	EXPECT_EQ(c[1].status, GNTST_okay);
	EXPECT_EQ(c[2].status, GNTST_okay);
	EXPECT(memcmp(b, a + 100, 200) == 0);
	EXPECT(memcmp(b + 3000, a + 4000, 96) == 0);
	EXPECT_EQ(b[4095], a[9]);
	EXPECT_EQ(b[200], 0);
	/* Nothing stays marked in use after a copy. */
	EXPECT_EQ(gt[14].flags, GTF_permit_access | GTF_readonly);
	EXPECT_EQ(gt[15].flags, GTF_permit_access);
	/* Past a page end on either side. */
	c[0].len = 3997;
	c[0].source.offset = 100;
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, c, 1), 0);
	EXPECT_EQ(c[0].status, GNTST_bad_copy_arg);
	c[0].len = 1;
	c[0].dest.offset = 4096;
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, c, 1), 0);
	EXPECT_EQ(c[0].status, GNTST_bad_copy_arg);
	/* Into a read-only grant; from a bad reference; from a frame not ours; into our L4. */
	c[0].dest.offset = 0;
	c[0].dest.u.ref = 14;
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, c, 1), 0);
	EXPECT_EQ(c[0].status, GNTST_permission_denied);
	c[0].dest.u.ref = 15;
	c[0].source.u.ref = 600;
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, c, 1), 0);
	EXPECT_EQ(c[0].status, GNTST_bad_gntref);
	c[1].source.u.gmfn = 1;
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, &c[1], 1), 0);
	EXPECT_EQ(c[1].status, GNTST_bad_page);
	c[2].dest.u.gmfn = l4_mfn;
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, &c[2], 1), 0);
	EXPECT_EQ(c[2].status, GNTST_bad_page);
	/* A frame named by number must be our own domain's. */
	c[2].dest.u.gmfn = virt_to_mfn(b);
	c[2].dest.domid = 42;
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, &c[2], 1), 0);
	EXPECT_EQ(c[2].status, GNTST_permission_denied);
	EXPECT_EQ(gt[14].flags, GTF_permit_access | GTF_readonly);
	EXPECT_EQ(gt[15].flags, GTF_permit_access);
	EXPECT(end_access(14));
	EXPECT(end_access(15));
	/* A grant revoked meanwhile cannot be copied from. */
	c[0].source.u.ref = 14;
	EXPECT_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, c, 1), 0);
	EXPECT_EQ(c[0].status, GNTST_permission_denied);
}

/* ---- A preempted 1M-entry copy batch ---- */

#define BIG_BATCH (1U << 20)
#define BIG_VA 0x0000008000000000UL /* L4 slot 1: nothing else there */
#define BIG_PAGES ((BIG_BATCH * sizeof(struct gnttab_copy) + 4095) / 4096)
#define BIG_L1S ((BIG_PAGES + 511) / 512)
#define UNWRITTEN 0x5a5a /* no GNTST_* value */
#define TICK_NS 1000000ULL

static struct gnttab_copy *const big = (struct gnttab_copy *)BIG_VA;
static volatile uint32_t batch_len;	/* entries of the batch running (0: none) */
static volatile uint32_t ticks, ticks_mid_batch, first_mid_progress;
static uint32_t timer_port;

/* Entries of the running batch whose status is written (they are written in order). */
static uint32_t batch_progress(void)
{
	uint32_t lo = 0, hi = batch_len;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (big[mid].status == UNWRITTEN) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return lo;
}

/*
 * The timer's event callback. Hypercalls run with interrupts off, so it can only run inside a
 * batch if the batch stopped and returned to us: count the ticks that found it part done, and
 * re-arm while it runs.
 */
static bool on_tick(struct trap_frame *f)
{
	struct vcpu_info *vi = &shared_info->vcpu_info[0];

	vi->evtchn_upcall_pending = 0;
	__atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	__atomic_fetch_and(&shared_info->evtchn_pending[timer_port / 64], ~(1UL << (timer_port % 64)),
			   __ATOMIC_SEQ_CST);
	ticks++;
	if (batch_len) {
		uint32_t p = batch_progress();

		if (p > 0 && p < batch_len) {
			if (!ticks_mid_batch++) {
				first_mid_progress = p;
			}
		}
		HYPERVISOR_set_timer_op(pvclock_now_ns() + TICK_NS);
	}
	return true;
}

/*
 * Entry @i: every 256th a real 1-byte copy (byte k = i / 256 of page @a to byte k of page @b,
 * through grant 20 of @a or grant 21 of @b by turns), the others fail (past the page end, or a
 * reference beyond the table). Returns the status it must end with.
 */
static int16_t big_entry(uint32_t i, struct gnttab_copy *c, uint64_t a, uint64_t b)
{
	uint32_t k = i / 256;

	memset(c, 0, sizeof(*c));
	c->source.domid = DOMID_SELF;
	c->dest.domid = DOMID_SELF;
	c->len = 1;
	c->status = UNWRITTEN;
	if (i % 256 == 0) {
		c->source.offset = (uint16_t)k;
		c->dest.offset = (uint16_t)k;
		if (k % 2) {
			c->source.u.gmfn = a;
			c->dest.u.ref = 21;
			c->flags = GNTCOPY_dest_gref;
		} else {
			c->source.u.ref = 20;
			c->dest.u.gmfn = b;
			c->flags = GNTCOPY_source_gref;
		}
		return GNTST_okay;
	}
	c->source.u.ref = 60000;
	c->dest.u.gmfn = b;
	c->flags = GNTCOPY_source_gref;
	if (i % 2) {
		c->len = 4097;
		return GNTST_bad_copy_arg;
	}
	return GNTST_bad_gntref;
}

/* Map BIG_PAGES of our frames past the boot stack at BIG_VA (writable), or unmap them. */
static bool map_big(bool on)
{
	uint64_t l4m = virt_to_mfn((const void *)(uintptr_t)start_info->pt_base) << 12;
	uint64_t pfn = virt_to_pfn((const void *)(uintptr_t)start_info->pt_base) +
		       start_info->nr_pt_frames + 1;
	uint64_t *l3, *l2;
	struct mmu_update u = { .ptr = l4m + 8, .val = 0 };

	if (!on) {
		return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF) == 0;
	}
	if (pfn + BIG_PAGES > start_info->nr_pages) {
		test_fail(__FILE__, __LINE__, "%lu pages: too few for the batch", start_info->nr_pages);
		return false;
	}
	l3 = page_alloc();
	l2 = page_alloc();
	if (!l3 || !l2) {
		return false;
	}
	for (unsigned int t = 0; t < BIG_L1S; t++) {
		uint64_t *l1 = page_alloc();

		if (!l1) {
			return false;
		}
		for (unsigned int j = 0; j < 512 && t * 512 + j < BIG_PAGES; j++) {
			l1[j] = (pfn_to_mfn(pfn + t * 512 + j) << 12) | PTE_DATA;
		}
		l2[t] = (virt_to_mfn(l1) << 12) | PTE_TABLE;
		if (set_page_rw(l1, false)) {
			return false;
		}
	}
	l3[0] = (virt_to_mfn(l2) << 12) | PTE_TABLE;
	if (set_page_rw(l2, false) || set_page_rw(l3, false)) {
		return false;
	}
	u.val = (virt_to_mfn(l3) << 12) | PTE_TABLE;
	return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF) == 0;
}

/* Fill the first @n entries, run @run with the timer ticking, and check every status. */
static void timed_batch(uint32_t n, uint8_t *a, uint8_t *b, long (*run)(uint32_t n), long *rc,
			uint32_t *bad)
{
	struct vcpu_info *vi = &shared_info->vcpu_info[0];
	struct gnttab_copy c;
	int16_t want;

	for (uint32_t i = 0; i < n; i++) {
		big_entry(i, &big[i], virt_to_mfn(a), virt_to_mfn(b));
	}
	memset(b, 0, 4096);
	ticks = ticks_mid_batch = first_mid_progress = 0;
	batch_len = n;
	HYPERVISOR_set_timer_op(pvclock_now_ns() + TICK_NS);
	__atomic_store_n(&vi->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
	*rc = run(n);
	__atomic_store_n(&vi->evtchn_upcall_mask, 1, __ATOMIC_SEQ_CST);
	batch_len = 0;
	HYPERVISOR_set_timer_op(0);
	*bad = 0;
	for (uint32_t i = 0; i < n; i++) {
		want = big_entry(i, &c, virt_to_mfn(a), virt_to_mfn(b));
		if (big[i].status != want) {
			if (!(*bad)++) {
				test_fail(__FILE__, __LINE__, "entry %u: status %d, expected %d", i,
					  big[i].status, want);
			}
		}
	}
}

static long run_direct(uint32_t n)
{
	return HYPERVISOR_grant_table_op(GNTTABOP_copy, big, n);
}

static long run_in_multicall(uint32_t n)
{
	struct multicall_entry mc[2] = {
		{ .op = __HYPERVISOR_grant_table_op,
		  .args = { GNTTABOP_copy, (uint64_t)(uintptr_t)big, n } },
		{ .op = __HYPERVISOR_xen_version, .args = { 0 } },
	};
	long rc = HYPERVISOR_multicall(mc, 2);

	if (rc) {
		return rc;
	}
	if (mc[1].result != (uint64_t)HYPERVISOR_xen_version(0, NULL)) {
		return -1000;
	}
	return (long)mc[0].result;
}

GUEST_TEST(preempted_copy_batch)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct evtchn_close cl;
	uint8_t *a = page_alloc(), *b = page_alloc();
	uint32_t bad, direct_ticks, direct_mid, direct_first;
	uint64_t t0, t1;
	long rc;

	SETUP();
	EXPECT(a && b);
	if (map_shared_info() || callbacks_register() ||
	    HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv) || !map_big(true)) {
		test_fail(__FILE__, __LINE__, "cannot set up the timer and the batch's memory");
		return;
	}
	timer_port = bv.port;
	trap_set_handler(TRAP_EVENT_CALLBACK, on_tick);
	__atomic_fetch_and(&shared_info->evtchn_mask[timer_port / 64], ~(1UL << (timer_port % 64)),
			   __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < 4096; i++) {
		a[i] = (uint8_t)(i * 31 + 7);
	}
	grant(20, virt_to_mfn(a), self, GTF_permit_access | GTF_readonly);
	grant(21, virt_to_mfn(b), self, GTF_permit_access);

	/* 1M entries in one hypercall. */
	t0 = rdtsc();
	timed_batch(BIG_BATCH, a, b, run_direct, &rc, &bad);
	t1 = rdtsc();
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(bad, 0);
	EXPECT(memcmp(a, b, 4096) == 0);
	/* The timer got through while the batch was part done: it was preempted. */
	EXPECT(ticks_mid_batch >= 2);
	direct_ticks = ticks;
	direct_mid = ticks_mid_batch;
	direct_first = first_mid_progress;

	/* 256K of them as one entry of a multicall, followed by another call. */
	timed_batch(BIG_BATCH / 4, a, b, run_in_multicall, &rc, &bad);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(bad, 0);
	EXPECT(memcmp(a, b, 1024) == 0);
	EXPECT_EQ(b[1024], 0);
	EXPECT(ticks_mid_batch >= 1);

	EXPECT(end_access(20));
	EXPECT(end_access(21));
	trap_set_handler(TRAP_EVENT_CALLBACK, NULL);
	cl.port = timer_port;
	EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl), 0);
	EXPECT(map_big(false));
	test_note("%u entries in %lu Mcycles; %u timer ticks, %u mid-batch (first at entry %u); "
		  "in a multicall %u mid-batch",
		  BIG_BATCH, (t1 - t0) / 1000000, direct_ticks, direct_mid, direct_first,
		  ticks_mid_batch);
}

GUEST_TEST(teardown_with_a_mapping_left)
{
	uint64_t *data = page_alloc(), *win = page_alloc();

	SETUP();
	/* Left mapped on purpose: domain teardown must release it (system test checks memory). */
	grant(16, virt_to_mfn(data), self, GTF_permit_access);
	EXPECT_EQ(map(va_of(win), GNTMAP_host_map, 16, DOMID_SELF).status, GNTST_okay);
	win[0] = 1;
	EXPECT_EQ(data[0], 1);
}
