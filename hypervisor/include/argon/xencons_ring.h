/*
 * The backend side of a PV console ring (public/io/console.h), portable and free of locks: the
 * caller serializes calls on one ring. The guest can rewrite every byte of the shared page at any
 * moment, so the indexes Argon owns (out_cons, in_prod) live here and are only *published* to the
 * page; the guest's indexes (out_prod, in_cons) are read once per call and checked against the
 * ring size before any slot is touched. Every access to out[] and in[] is masked: nothing outside
 * the ring is ever read or written, whatever the page holds.
 */
#ifndef ARGON_XENCONS_RING_H
#define ARGON_XENCONS_RING_H

#include <argon/types.h>
#include <public/io/console.h>

/** Argon's private state of one console ring. */
struct xencons_back {
	struct xencons_interface *intf;	/* the shared page (guest-writable) */
	XENCONS_RING_IDX out_cons;	/* authoritative; published to intf->out_cons */
	XENCONS_RING_IDX in_prod;	/* authoritative; published to intf->in_prod */
};

/** Start serving the ring page @intf (as the builder left it: zeroed, indexes 0). */
void xencons_back_init(struct xencons_back *b, struct xencons_interface *intf);

/**
 * Consume what the guest produced into out[]: copy at most @size bytes into @buf, advance and
 * publish out_cons (after the copy, with a full barrier: the guest may reuse the slots as soon as
 * it sees the new index). Returns the number of bytes copied, or -EIO when out_prod is more than
 * a ring ahead of out_cons (guest garbage): then nothing is read and the ring is resynchronised
 * (out_cons = out_prod), so the next call works again.
 */
int xencons_back_read(struct xencons_back *b, char *buf, size_t size);

/** Whether the guest produced output not yet consumed (a cheap check for the safety net). */
bool xencons_back_has_output(const struct xencons_back *b);

/**
 * Produce up to @n bytes of @buf into in[], then publish in_prod (after a write barrier).
 * Returns how many fit (0 when the ring is full), or -EIO when in_cons is not within one ring
 * behind in_prod (guest garbage): nothing is written until the guest's index is sane again.
 */
int xencons_back_write(struct xencons_back *b, const char *buf, size_t n);

#endif
