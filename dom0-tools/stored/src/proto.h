/* SPDX-License-Identifier: MIT */
/*
 * The request layer: decode one complete message (check every field and argument), then act and
 * reply. Requests are answered in the order received; an error reply has type ERROR and the
 * request's req_id and tx_id, and every refusal is logged with its reason.
 */
#ifndef STORED_PROTO_H
#define STORED_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "argon/xs_wire.h"

struct conn;

/** proto_handle() - Handle one request of @c; @payload has @hdr->len bytes plus a NUL. */
void proto_handle(struct conn *c, const struct xs_hdr *hdr, const char *payload);

/** proto_teardown() - Free what the request layer holds (special path permissions). */
void proto_teardown(void);

/**
 * struct req - A request being handled: the header, payload, the transaction it runs in, and a
 * short reason for a refusal (logged).
 */
struct req {
	const struct xs_hdr *h;
	const char *buf;
	uint32_t len;
	struct txn *tx;
	const char *why;
};

/** proto_reply() - Reply to @r with @len bytes of @data. */
void proto_reply(struct conn *c, const struct req *r, const void *data, size_t len);
/** proto_ack() - Reply "OK". */
void proto_ack(struct conn *c, const struct req *r);

/**
 * control_handle() - CONTROL: @argv[0] is the command, @argc >= 1. Replies itself on success;
 * returns 0 or a negative errno.
 */
int control_handle(struct conn *c, struct req *r, const char *const *argv, unsigned int argc);

#endif
