/*
 * memory: frames in and out of a PV domain with memory_op, the way a balloon driver does it:
 * unmap a page and give its frame back (decrease_reservation), take a new frame
 * (increase_reservation, populate_physmap) and map it; plus the refusals.
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/mm.h>
#include <guest/test.h>

#include <public/memory.h>
#include <public/xen.h>

#define EINVAL 22
#define EBUSY 16
#define ENOMEM 12
#define M2P ((const uint64_t *)0xffff800000000000UL)

static long memory_op(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_memory_op, cmd, (uint64_t)(uintptr_t)arg);
}

static long reservation(unsigned int cmd, uint64_t *frames, uint64_t n, uint32_t order)
{
	struct xen_memory_reservation r;

	memset(&r, 0, sizeof(r));
	set_xen_guest_handle(r.extent_start, frames);
	r.nr_extents = n;
	r.extent_order = order;
	r.domid = DOMID_SELF;
	return memory_op(cmd, &r);
}

static long current_pages(void)
{
	domid_t self = DOMID_SELF;

	return memory_op(XENMEM_current_reservation, &self);
}

/* Unmap a pool page and give its frame back; returns the frame. */
static uint64_t give_back(void *va)
{
	uint64_t mfn = virt_to_mfn(va);

	if (remap_page(va, 0, 0) || reservation(XENMEM_decrease_reservation, &mfn, 1, 0) != 1) {
		return 0;
	}
	return mfn;
}

GUEST_TEST(balloon_out_and_in)
{
	uint8_t *page = page_alloc();
	long before = current_pages();
	uint64_t old, fresh;

	EXPECT(page && before > 0);
	/* Leave data behind: whoever gets the frame next must find it scrubbed. */
	page[0] = 0xaa;
	page[4095] = 0xbb;
	old = give_back(page);
	EXPECT(old != 0);
	EXPECT(current_pages() == before - 1);
	/* The frame is gone: giving it back twice, or mapping it, is refused. */
	EXPECT(reservation(XENMEM_decrease_reservation, &old, 1, 0) == 0);
	EXPECT(remap_page(page, old, PTE_DATA) < 0);
	/* A new frame comes back scrubbed, with no M2P entry until the guest sets one. */
	EXPECT(reservation(XENMEM_increase_reservation, &fresh, 1, 0) == 1);
	EXPECT(current_pages() == before);
	EXPECT(M2P[fresh] == ~0ULL);
	EXPECT(remap_page(page, fresh, PTE_DATA) == 0);
	EXPECT(page[0] == 0 && page[4095] == 0);
	page[100] = 0x5a;
	EXPECT(page[100] == 0x5a);
	test_note("frame %#llx out, %#llx in", (unsigned long long)old, (unsigned long long)fresh);
}

GUEST_TEST(populate_physmap_sets_m2p)
{
	uint8_t *page = page_alloc();
	uint64_t pfn = virt_to_pfn(page), frame;

	EXPECT(give_back(page) != 0);
	frame = pfn;
	EXPECT(reservation(XENMEM_populate_physmap, &frame, 1, 0) == 1);
	EXPECT(frame != pfn || M2P[frame] == pfn);
	EXPECT(M2P[frame] == pfn);
	EXPECT(remap_page(page, frame, PTE_DATA) == 0);
}

GUEST_TEST(refusals)
{
	uint8_t *page = page_alloc();
	uint64_t mapped = virt_to_mfn(page), foreign = 0x10, extra[2];
	long before = current_pages();

	/* A frame still mapped cannot go; nor one the domain does not own. */
	EXPECT(reservation(XENMEM_decrease_reservation, &mapped, 1, 0) == 0);
	EXPECT(reservation(XENMEM_decrease_reservation, &foreign, 1, 0) == 0);
	/* At its limit the domain gets nothing more; multi-frame extents are not offered. */
	EXPECT(reservation(XENMEM_increase_reservation, extra, 1, 0) == 0);
	EXPECT(reservation(XENMEM_increase_reservation, extra, 1, 1) == -EINVAL);
	EXPECT(reservation(XENMEM_increase_reservation, (uint64_t *)0x1000, 1, 0) == 0);
	EXPECT(current_pages() == before);
}

static long exchange(uint64_t *in, uint64_t n_in, uint64_t *out, uint32_t out_order,
		     uint32_t address_bits, uint64_t *done)
{
	struct xen_memory_exchange x;
	long rc;

	memset(&x, 0, sizeof(x));
	set_xen_guest_handle(x.in.extent_start, in);
	x.in.nr_extents = n_in;
	x.in.domid = DOMID_SELF;
	set_xen_guest_handle(x.out.extent_start, out);
	x.out.nr_extents = n_in >> out_order;
	x.out.extent_order = out_order;
	x.out.mem_flags = xenmemf_address_bits(address_bits);
	x.out.domid = DOMID_SELF;
	rc = memory_op(XENMEM_exchange, &x);
	*done = x.nr_exchanged;
	return rc;
}

/*
 * XENMEM_exchange as swiotlb-xen uses it: four unmapped frames for one machine-contiguous
 * extent of four, whose M2P entries name the pfns asked for; then the refusals, which change
 * nothing.
 */
GUEST_TEST(exchange_for_contiguous_frames)
{
	uint8_t *pages[4];
	uint64_t in[4], out, done, twice[4], pfn = 0x12340;
	long before = current_pages();

	for (int i = 0; i < 4; i++) {
		pages[i] = page_alloc();
		EXPECT(pages[i] != NULL);
		pages[i][0] = 0xcc;
		in[i] = virt_to_mfn(pages[i]);
		EXPECT(remap_page(pages[i], 0, 0) == 0);
	}
	/* Refusals first: a frame listed twice, a frame still mapped, too big an extent, no room. */
	twice[0] = twice[1] = in[0];
	twice[2] = in[2];
	twice[3] = in[3];
	out = pfn;
	EXPECT(exchange(twice, 4, &out, 2, 0, &done) == -EINVAL && done == 0);
	EXPECT(exchange(in, 2, &out, 2, 0, &done) == -EINVAL && done == 0);	/* 2 in, 4 out */
	twice[1] = virt_to_mfn(page_alloc());
	EXPECT(exchange(twice, 4, &out, 2, 0, &done) == -EBUSY && done == 0);
	EXPECT(exchange(in, 4, &out, 2, 13, &done) == -ENOMEM && done == 0);	/* below 8 KiB */
	EXPECT(current_pages() == before);
	/* The exchange itself. */
	EXPECT(exchange(in, 4, &out, 2, 0, &done) == 0);
	EXPECT(done == 4);
	EXPECT((out & 3) == 0);
	EXPECT(current_pages() == before);
	for (int i = 0; i < 4; i++) {
		EXPECT(M2P[out + i] == pfn + i);
		/* The old frames are gone, the new ones map and come scrubbed. */
		EXPECT(remap_page(pages[i], in[i], PTE_DATA) < 0);
		EXPECT(remap_page(pages[i], out + i, PTE_DATA) == 0);
		EXPECT(pages[i][0] == 0);
	}
	test_note("4 frames -> extent at mfn %#llx", (unsigned long long)out);
}

/* 48 frames out and back in one call each (the hypercall may continue itself in between). */
GUEST_TEST(batch)
{
	static uint64_t frames[48];
	static uint8_t *pages[48];
	long before = current_pages();
	unsigned int i;

	for (i = 0; i < 48; i++) {
		pages[i] = page_alloc();
		EXPECT(pages[i] != NULL);
		frames[i] = virt_to_mfn(pages[i]);
		EXPECT(remap_page(pages[i], 0, 0) == 0);
	}
	EXPECT(reservation(XENMEM_decrease_reservation, frames, 48, 0) == 48);
	EXPECT(current_pages() == before - 48);
	EXPECT(reservation(XENMEM_increase_reservation, frames, 48, 0) == 48);
	EXPECT(current_pages() == before);
	for (i = 0; i < 48; i++) {
		EXPECT(remap_page(pages[i], frames[i], PTE_DATA) == 0);
	}
}

GUEST_TEST(machphys_mfn_list)
{
	uint64_t mfns[4] = { 0 };
	struct xen_machphys_mfn_list l;

	memset(&l, 0, sizeof(l));
	l.max_extents = 4;
	set_xen_guest_handle(l.extent_start, mfns);
	EXPECT(memory_op(XENMEM_machphys_mfn_list, &l) == 0);
	EXPECT(l.nr_extents >= 1 && l.nr_extents <= 4);
	EXPECT(mfns[0] != 0);
	test_note("%u extent(s), first at mfn %#llx", l.nr_extents, (unsigned long long)mfns[0]);
}
