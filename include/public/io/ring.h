/* SPDX-License-Identifier: MIT */
/*
 * Shared request/response rings: the layout split drivers (block, net, ...) put in a granted page,
 * and the index arithmetic both ends use.
 *
 * The wire layout is Xen's (interface of Xen 4.17): a 64-byte header of four free-running 32-bit
 * indices and padding, then a power-of-two array of entries, each the union of one request and
 * one response. Producers publish an index after a write barrier; a consumer sets the matching
 * *_event index to the value at which it wants a notification, and a producer notifies when its
 * update moves past that value. The operation names follow Xen's so that driver code reads the
 * same; the implementation is Argon's.
 *
 * Each end keeps private indices (the front/back ring structures) and never trusts the shared
 * indices beyond what the *_OVERFLOW checks allow: a consumer copies each request once
 * (RING_COPY_REQUEST) before looking at it.
 */
#ifndef ARGON_PUBLIC_IO_RING_H
#define ARGON_PUBLIC_IO_RING_H

#include <stdint.h>

typedef uint32_t RING_IDX;

/* Bytes before the first entry of a shared ring. */
#define XEN_RING_HDR_SIZE 64

/*
 * Memory ordering between the two ends (which may run on different CPUs). x86 keeps stores in
 * order and loads in order, so only the full barrier emits an instruction. An includer may supply
 * its own versions first.
 */
#ifndef xen_mb
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef xen_rmb
#define xen_rmb() __asm__ __volatile__("" ::: "memory")
#endif
#ifndef xen_wmb
#define xen_wmb() __asm__ __volatile__("" ::: "memory")
#endif

/* The largest power of two not above n (n > 0); a constant expression for constant n. */
#define XEN_RING_POW2_FLOOR(n) (1U << (31 - __builtin_clz((uint32_t)(n))))

/*
 * Declare the ring types of a protocol: union name_sring_entry, struct name_sring (the shared
 * page), and the private struct name_front_ring / struct name_back_ring of each end.
 */
#define DEFINE_RING_TYPES(name, req_t, rsp_t)          \
	union name##_sring_entry {                     \
		req_t req;                             \
		rsp_t rsp;                             \
	};                                             \
	struct name##_sring {                          \
		RING_IDX req_prod, req_event;          \
		RING_IDX rsp_prod, rsp_event;          \
		uint8_t pad[48];                       \
		union name##_sring_entry ring[];       \
	};                                             \
	struct name##_front_ring {                     \
		RING_IDX req_prod_pvt;                 \
		RING_IDX rsp_cons;                     \
		uint32_t nr_ents;                      \
		uint32_t _pad0;                        \
		struct name##_sring *sring;            \
	};                                             \
	struct name##_back_ring {                      \
		RING_IDX rsp_prod_pvt;                 \
		RING_IDX req_cons;                     \
		uint32_t nr_ents;                      \
		uint32_t _pad0;                        \
		struct name##_sring *sring;            \
	}

/* Entries of a name ring occupying bytes bytes (a constant expression). */
#define XEN_CONST_RING_SIZE(name, bytes)                                                  \
	XEN_RING_POW2_FLOOR(((bytes) - XEN_RING_HDR_SIZE) /                              \
			    sizeof(((struct name##_sring *)0)->ring[0]))
/* Entries of the ring at sring s occupying bytes bytes. */
#define __RING_SIZE(s, bytes) \
	XEN_RING_POW2_FLOOR(((bytes) - XEN_RING_HDR_SIZE) / sizeof((s)->ring[0]))

/* Initialise a shared ring page (the front end does this before granting it). */
#define SHARED_RING_INIT(s)                                   \
	do {                                                  \
		(s)->req_prod = (s)->rsp_prod = 0;            \
		(s)->req_event = (s)->rsp_event = 1;          \
		for (unsigned int i_ = 0; i_ < 48; i_++) {    \
			(s)->pad[i_] = 0;                     \
		}                                             \
	} while (0)

/* Attach an end to a shared ring, starting at index i. */
#define FRONT_RING_ATTACH(r, s, i, bytes)                    \
	do {                                                 \
		(r)->req_prod_pvt = (i);                     \
		(r)->rsp_cons = (i);                         \
		(r)->nr_ents = __RING_SIZE(s, bytes);        \
		(r)->sring = (s);                            \
	} while (0)
#define FRONT_RING_INIT(r, s, bytes) FRONT_RING_ATTACH(r, s, 0, bytes)

#define BACK_RING_ATTACH(r, s, i, bytes)                     \
	do {                                                 \
		(r)->rsp_prod_pvt = (i);                     \
		(r)->req_cons = (i);                         \
		(r)->nr_ents = __RING_SIZE(s, bytes);        \
		(r)->sring = (s);                            \
	} while (0)
#define BACK_RING_INIT(r, s, bytes) BACK_RING_ATTACH(r, s, 0, bytes)

#define RING_SIZE(r) ((r)->nr_ents)

/* Front end: requests it may still queue. */
#define RING_FREE_REQUESTS(r) (RING_SIZE(r) - ((r)->req_prod_pvt - (r)->rsp_cons))
#define RING_FULL(r) (RING_FREE_REQUESTS(r) == 0)

/* Front end: responses published and not yet consumed. */
#define RING_HAS_UNCONSUMED_RESPONSES(r) ((r)->sring->rsp_prod - (r)->rsp_cons)

/*
 * Back end: requests it may consume: those published, bounded by the free response slots so
 * that a front end publishing a bogus req_prod cannot make it overrun.
 */
static inline RING_IDX xen_ring_unconsumed_requests(RING_IDX req_prod, RING_IDX req_cons,
						    RING_IDX rsp_prod_pvt, uint32_t size)
{
	RING_IDX reqs = req_prod - req_cons;
	RING_IDX room = size - (req_cons - rsp_prod_pvt);

	return reqs < room ? reqs : room;
}

#define RING_HAS_UNCONSUMED_REQUESTS(r)                                                   \
	xen_ring_unconsumed_requests((r)->sring->req_prod, (r)->req_cons, (r)->rsp_prod_pvt, \
				     RING_SIZE(r))

/* The entry slot of a free-running index. */
#define RING_GET_REQUEST(r, idx) (&((r)->sring->ring[(idx) & (RING_SIZE(r) - 1)].req))
#define RING_GET_RESPONSE(r, idx) (&((r)->sring->ring[(idx) & (RING_SIZE(r) - 1)].rsp))

/*
 * Copy a request (or response) out of the shared page exactly once, so the other end cannot
 * change it between checks and use.
 */
#define RING_COPY_REQUEST(r, idx, dst)                                               \
	do {                                                                         \
		__builtin_memcpy((dst), RING_GET_REQUEST(r, idx), sizeof(*(dst)));   \
		__asm__ __volatile__("" ::: "memory");                               \
	} while (0)
#define RING_COPY_RESPONSE(r, idx, dst)                                              \
	do {                                                                         \
		__builtin_memcpy((dst), RING_GET_RESPONSE(r, idx), sizeof(*(dst)));  \
		__asm__ __volatile__("" ::: "memory");                               \
	} while (0)

/* Sanity checks for indices read from the other end. */
#define RING_REQUEST_CONS_OVERFLOW(r, cons) (((cons) - (r)->rsp_prod_pvt) >= RING_SIZE(r))
#define RING_REQUEST_PROD_OVERFLOW(r, prod) (((prod) - (r)->rsp_prod_pvt) > RING_SIZE(r))
#define RING_RESPONSE_PROD_OVERFLOW(r, prod) (((prod) - (r)->rsp_cons) > RING_SIZE(r))

/* Publish privately queued entries. */
#define RING_PUSH_REQUESTS(r)                                \
	do {                                                 \
		xen_wmb();                                   \
		(r)->sring->req_prod = (r)->req_prod_pvt;    \
	} while (0)
#define RING_PUSH_RESPONSES(r)                               \
	do {                                                 \
		xen_wmb();                                   \
		(r)->sring->rsp_prod = (r)->rsp_prod_pvt;    \
	} while (0)

/* Whether moving a producer index from old_ to new_ crosses the consumer's event index. */
static inline int xen_ring_need_notify(RING_IDX old_, RING_IDX new_, RING_IDX event)
{
	return (RING_IDX)(new_ - event) < (RING_IDX)(new_ - old_);
}

/* Publish, then set notify when the other end asked to be told. */
#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(r, notify)                                    \
	do {                                                                              \
		RING_IDX old_ = (r)->sring->req_prod;                                     \
		RING_IDX new_ = (r)->req_prod_pvt;                                        \
		xen_wmb();                                                                \
		(r)->sring->req_prod = new_;                                              \
		xen_mb();                                                                 \
		(notify) = xen_ring_need_notify(old_, new_, (r)->sring->req_event);       \
	} while (0)
#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify)                                   \
	do {                                                                              \
		RING_IDX old_ = (r)->sring->rsp_prod;                                     \
		RING_IDX new_ = (r)->rsp_prod_pvt;                                        \
		xen_wmb();                                                                \
		(r)->sring->rsp_prod = new_;                                              \
		xen_mb();                                                                 \
		(notify) = xen_ring_need_notify(old_, new_, (r)->sring->rsp_event);       \
	} while (0)

/*
 * Before going idle: if nothing is left, ask for a notification on the next entry and look
 * once more, closing the race with a producer that published just before the event index moved.
 */
#define RING_FINAL_CHECK_FOR_REQUESTS(r, work)                          \
	do {                                                            \
		(work) = RING_HAS_UNCONSUMED_REQUESTS(r);               \
		if (work) {                                             \
			break;                                          \
		}                                                       \
		(r)->sring->req_event = (r)->req_cons + 1;              \
		xen_mb();                                               \
		(work) = RING_HAS_UNCONSUMED_REQUESTS(r);               \
	} while (0)
#define RING_FINAL_CHECK_FOR_RESPONSES(r, work)                         \
	do {                                                            \
		(work) = RING_HAS_UNCONSUMED_RESPONSES(r);              \
		if (work) {                                             \
			break;                                          \
		}                                                       \
		(r)->sring->rsp_event = (r)->rsp_cons + 1;              \
		xen_mb();                                               \
		(work) = RING_HAS_UNCONSUMED_RESPONSES(r);              \
	} while (0)

#endif /* ARGON_PUBLIC_IO_RING_H */
