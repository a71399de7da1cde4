/*
 * The backend side of the PV console ring (see argon/xencons_ring.h). Barriers follow the ring
 * protocol of Xen's public io/ring.h and console.txt: read the producer index, then (acquire)
 * the slots; finish with the slots, then (full barrier) publish the consumer index; write the
 * slots, then (release) publish the producer index. The C11 fences are the portable spelling
 * (on x86 they compile to a compiler barrier, and mfence for the full one).
 *
 * Portable: no arch headers; tests/unit runs this file on the host.
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/xencons_ring.h>

void xencons_back_init(struct xencons_back *b, struct xencons_interface *intf)
{
	b->intf = intf;
	b->out_cons = 0;
	b->in_prod = 0;
}

bool xencons_back_has_output(const struct xencons_back *b)
{
	return __atomic_load_n(&b->intf->out_prod, __ATOMIC_RELAXED) != b->out_cons;
}

int xencons_back_read(struct xencons_back *b, char *buf, size_t size)
{
	struct xencons_interface *intf = b->intf;
	XENCONS_RING_IDX prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);
	XENCONS_RING_IDX cons = b->out_cons, avail = prod - cons;
	size_t i, n;

	if (avail > XENCONS_OUT_SIZE) {
		/* Not a state a correct guest can reach: drop it all and start over from out_prod. */
		b->out_cons = prod;
		__atomic_store_n(&intf->out_cons, prod, __ATOMIC_SEQ_CST);
		return -EIO;
	}
	n = MIN((size_t)avail, size);
	for (i = 0; i < n; i++) {
		/* Each byte read exactly once: what is printed is what was checked. */
		buf[i] = __atomic_load_n(&intf->out[MASK_XENCONS_IDX(cons + i, intf->out)],
					 __ATOMIC_RELAXED);
	}
	b->out_cons = cons + (XENCONS_RING_IDX)n;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&intf->out_cons, b->out_cons, __ATOMIC_RELAXED);
	return (int)n;
}

int xencons_back_write(struct xencons_back *b, const char *buf, size_t n)
{
	struct xencons_interface *intf = b->intf;
	XENCONS_RING_IDX cons = __atomic_load_n(&intf->in_cons, __ATOMIC_ACQUIRE);
	XENCONS_RING_IDX prod = b->in_prod, used = prod - cons;
	size_t i;

	if (used > XENCONS_IN_SIZE) {
		return -EIO;
	}
	n = MIN(n, (size_t)(XENCONS_IN_SIZE - used));
	for (i = 0; i < n; i++) {
		__atomic_store_n(&intf->in[MASK_XENCONS_IDX(prod + i, intf->in)], buf[i],
				 __ATOMIC_RELAXED);
	}
	b->in_prod = prod + (XENCONS_RING_IDX)n;
	__atomic_store_n(&intf->in_prod, b->in_prod, __ATOMIC_RELEASE);
	return (int)n;
}
