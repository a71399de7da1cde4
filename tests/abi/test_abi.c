/*
 * Pins the guest ABI: every structure size, field offset and field size, and every constant of
 * Argon's public headers that Xen's headers also define, against the numbers layout.h records
 * from Xen 4.17's own headers (see gen-layout.py). The build fails on the first mismatch
 * (static assertions); the program then reports how much it checked.
 */
#include <stddef.h>
#include <stdio.h>

#include "all-headers.h"

#define S(tag, size) _Static_assert(sizeof(struct tag) == (size), "sizeof(struct " #tag ")");
#define F(tag, field, off, size)                                                   \
	_Static_assert(offsetof(struct tag, field) == (off), "offsetof " #tag "." #field); \
	_Static_assert(sizeof(((struct tag *)0)->field) == (size), "sizeof " #tag "." #field);
#define FX(tag, field, off) \
	_Static_assert(offsetof(struct tag, field) == (off), "offsetof " #tag "." #field);
#define C(name, value) _Static_assert((unsigned long long)(name) == (value), "value of " #name);
#include "layout.h"
#undef S
#undef F
#undef FX
#undef C

/* Argon's own names for ABI facts Xen states only in prose or under other names. */
_Static_assert(XEN_HYPERCALL_STUB_SIZE == 32, "one 32-byte stub per hypercall");
_Static_assert(XEN_HYPERCALL_PAGE_STUBS * XEN_HYPERCALL_STUB_SIZE == 4096, "stubs fill a page");
_Static_assert(MAX_VIRT_CPUS == 32, "vcpu_info slots in shared_info");
_Static_assert(TI_DPL_MASK == 3 && TI_IF_FLAG == 4, "trap_info.flags bits");
_Static_assert(sizeof(union blkif_sring_entry) == 112, "blkif ring entry");
_Static_assert(XEN_CONST_RING_SIZE(blkif, 4096) == 32, "blkif ring: 32 entries per page");
_Static_assert(XEN_CONST_RING_SIZE(netif_tx, 4096) == 256, "netif tx ring: 256 entries");
_Static_assert(XEN_CONST_RING_SIZE(netif_rx, 4096) == 256, "netif rx ring: 256 entries");
_Static_assert(sizeof(struct blkif_sring) == XEN_RING_HDR_SIZE, "ring header is 64 bytes");
_Static_assert(XenbusStateUnknown == 0 && XenbusStateConnected == 4 &&
		       XenbusStateReconfigured == 8,
	       "xenbus states");
_Static_assert(sizeof(struct xen_e820_entry) == 20, "e820 entries are packed");
_Static_assert(sizeof(XEN_GUEST_HANDLE(void)) == 8 && _Alignof(XEN_GUEST_HANDLE(void)) == 8,
	       "a guest handle is one 64-bit word");

/* Exercise the ring macros: wrap-around, the unconsumed-request bound and notification. */
static int ring_selftest(void)
{
	static _Alignas(4096) unsigned char page[4096];
	struct blkif_sring *s = (struct blkif_sring *)(void *)page;
	struct blkif_front_ring f;
	struct blkif_back_ring b;
	int notify, work, failures = 0;
	unsigned int round;

	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&f, s, sizeof(page));
	BACK_RING_INIT(&b, s, sizeof(page));
	failures += RING_SIZE(&f) != 32 || RING_SIZE(&b) != 32;

	for (round = 0; round < 100; round++) {
		unsigned int i, n = 1 + round % 32;

		for (i = 0; i < n; i++) {
			RING_GET_REQUEST(&f, f.req_prod_pvt)->id = round * 100 + i;
			f.req_prod_pvt++;
		}
		failures += (unsigned int)RING_FREE_REQUESTS(&f) != 32 - n;
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f, notify);
		/* The back end asked for a notification at the next request after it went idle. */
		failures += !notify;

		RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
		failures += (unsigned int)work != n;
		for (i = 0; i < n; i++) {
			struct blkif_request req;

			RING_COPY_REQUEST(&b, b.req_cons, &req);
			b.req_cons++;
			failures += req.id != round * 100 + i;
			RING_GET_RESPONSE(&b, b.rsp_prod_pvt)->id = req.id;
			b.rsp_prod_pvt++;
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
		failures += work != 0;
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b, notify);
		failures += !notify;

		RING_FINAL_CHECK_FOR_RESPONSES(&f, work);
		failures += (unsigned int)work != n;
		for (i = 0; i < n; i++) {
			failures += RING_GET_RESPONSE(&f, f.rsp_cons)->id != round * 100 + i;
			f.rsp_cons++;
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&f, work);
		failures += work != 0;
	}
	/* A front end claiming more requests than the ring holds cannot overrun the back end. */
	s->req_prod = b.req_cons + 1000;
	failures += RING_HAS_UNCONSUMED_REQUESTS(&b) != 32;
	failures += !RING_REQUEST_PROD_OVERFLOW(&b, s->req_prod);
	return failures;
}

int main(void)
{
	unsigned int structs = 0, fields = 0, consts = 0;
	int ring_failures = ring_selftest();

#define S(tag, size) structs++;
#define F(tag, field, off, size) fields++;
#define FX(tag, field, off) fields++;
#define C(name, value) consts++;
#include "layout.h"

	printf("abi: %u structures, %u fields, %u constants match Xen 4.17\n", structs, fields,
	       consts);
	printf("abi: ring macros %s\n", ring_failures ? "FAILED" : "behave");
	printf("abi: %u passed, %d failed\n", structs + fields + consts + !ring_failures,
	       !!ring_failures);
	return ring_failures ? 1 : 0;
}
