/* SPDX-License-Identifier: MIT */
/*
 * Connections: one client of the store, whatever carries its bytes.
 *
 * A transport supplies struct conn_ops (read, write, the fd to poll, destroy); everything above it
 * (message assembly, the output queue, flow control, watches, transactions) is shared. The Unix
 * socket transport is sock.c; the shared-ring transport for guests will supply the same four
 * operations over the xenstore_domain_interface page and its event channel.
 */
#ifndef STORED_CONN_H
#define STORED_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "argon/xs_wire.h"
#include "log.h"
#include "perms.h"

struct conn;
struct txn;
struct watch;

/**
 * struct conn_ops - A transport. read/write move up to @len bytes and return the count, 0 when
 * they would block, or a negative errno (-ECONNRESET at end of stream) that closes the connection.
 */
struct conn_ops {
	const char *kind;
	ssize_t (*read)(struct conn *c, void *buf, size_t len);
	ssize_t (*write)(struct conn *c, const void *buf, size_t len);
	int (*fd)(const struct conn *c);
	void (*destroy)(struct conn *c);
};

/* One queued outgoing message (header and payload). */
struct outmsg {
	struct outmsg *next;
	size_t len, off;
	bool reply; /* a reply (counts as outstanding) rather than a watch event */
	char data[];
};

/** struct conn - A client connection. */
struct conn {
	const struct conn_ops *ops;
	void *tp;	     /* transport's private data */
	unsigned int serial; /* for log messages */
	uint32_t domid;
	bool priv;     /* dom0 / tools: full access, no quotas */
	bool readonly; /* the read-only socket: every change is EROFS */
	bool dead;     /* to be destroyed by conn_reap() */

	/* input assembly */
	struct xs_hdr in_hdr;
	size_t in_hdr_got;
	char in_buf[XS_PAYLOAD_MAX + 1];
	size_t in_got;

	/* output queue */
	struct outmsg *out_head, *out_tail;
	size_t out_bytes;
	unsigned long out_replies; /* outstanding requests */
	unsigned long events_dropped;
	bool throttled; /* stopped reading: outstanding-request quota reached */

	struct watch *watches;
	struct txn *txns;
	unsigned long ntxns;
	uint32_t next_tx_id;

	struct ratelimit rl;
	struct conn *next, *prev;
};

/** conn_new() - Create a connection over @ops/@tp for domain @domid and add it to the list. */
struct conn *conn_new(const struct conn_ops *ops, void *tp, uint32_t domid, bool priv,
		      bool readonly);
/** conn_destroy() - Unlink and free @c with its watches, transactions and queue. */
void conn_destroy(struct conn *c);
/** conn_kill() - Mark @c for destruction, logging @why. */
void conn_kill(struct conn *c, const char *why);
/** conn_reap() - Destroy every connection marked dead. */
void conn_reap(void);
/** conn_destroy_all() - Destroy every connection (shutdown). */
void conn_destroy_all(void);
/** conn_first() - Head of the connection list (oldest first). */
struct conn *conn_first(void);

/** conn_input() - Read what the transport has and handle each complete message. */
void conn_input(struct conn *c);
/** conn_output() - Write as much queued output as the transport takes. */
void conn_output(struct conn *c);
/** conn_wants_input() - False while flow control holds the connection back. */
bool conn_wants_input(struct conn *c);
/** conn_wants_output() - Whether output is queued. */
bool conn_wants_output(const struct conn *c);

/**
 * conn_send() - Queue a message. Replies larger than XS_PAYLOAD_MAX become E2BIG errors; watch
 * events beyond the connection's output limit are dropped (and logged).
 */
void conn_send(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *data,
	       size_t len);
/** conn_actor() - The identity requests on @c are checked with. */
void conn_actor(const struct conn *c, struct actor *a);
/** conn_name() - "c<serial> d<domid> <kind>" for log messages (static buffer). */
const char *conn_name(const struct conn *c);

/** conn_txn_find() - The transaction @id of @c, or NULL. */
struct txn *conn_txn_find(struct conn *c, uint32_t id);
/** conn_txn_unlink() - Remove @tx from @c's list (not freed). */
void conn_txn_unlink(struct conn *c, struct txn *tx);

/** The per-connection output limit for watch events (bytes queued). */
#define CONN_OUT_LIMIT_PRIV  (16u << 20)
#define CONN_OUT_LIMIT_GUEST (256u << 10)

#endif
