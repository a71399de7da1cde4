// SPDX-License-Identifier: MIT
/* Connections: message assembly, the output queue and flow control, shared by all transports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "domain.h"
#include "proto.h"
#include "txn.h"
#include "watch.h"

static struct conn *conn_head, *conn_tail;
static unsigned int conn_serial;

struct conn *conn_first(void)
{
	return conn_head;
}

struct conn *conn_new(const struct conn_ops *ops, void *tp, uint32_t domid, bool priv,
		      bool readonly)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c) {
		return NULL;
	}
	c->ops = ops;
	c->tp = tp;
	c->serial = ++conn_serial;
	c->domid = domid;
	c->priv = priv;
	c->readonly = readonly;
	c->next_tx_id = 1;
	c->prev = conn_tail;
	if (conn_tail) {
		conn_tail->next = c;
	} else {
		conn_head = c;
	}
	conn_tail = c;
	log_msg(LOG_DEBUG, "%s: connected", conn_name(c));
	return c;
}

const char *conn_name(const struct conn *c)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "c%u d%u %s", c->serial, c->domid, c->ops->kind);
	return buf;
}

void conn_actor(const struct conn *c, struct actor *a)
{
	const struct domain *d = c->priv ? NULL : domain_find(c->domid);

	*a = (struct actor){.domid = c->domid, .priv = c->priv, .readonly = c->readonly};
	if (d && d->has_target) {
		a->has_target = true;
		a->target = d->target;
	}
}

struct txn *conn_txn_find(struct conn *c, uint32_t id)
{
	struct txn *tx;

	for (tx = c->txns; tx; tx = txn_next(tx)) {
		if (txn_id(tx) == id) {
			return tx;
		}
	}
	return NULL;
}

void conn_txn_unlink(struct conn *c, struct txn *tx)
{
	struct txn *prev = NULL, *t;

	for (t = c->txns; t; prev = t, t = txn_next(t)) {
		if (t == tx) {
			if (prev) {
				txn_set_next(prev, txn_next(t));
			} else {
				c->txns = txn_next(t);
			}
			txn_set_next(t, NULL);
			c->ntxns--;
			return;
		}
	}
}

void conn_destroy(struct conn *c)
{
	struct outmsg *m;

	log_msg(LOG_DEBUG, "%s: closed", conn_name(c));
	watch_remove_all(c);
	while (c->txns) {
		struct txn *tx = c->txns;

		conn_txn_unlink(c, tx);
		txn_free(tx);
	}
	while ((m = c->out_head)) {
		c->out_head = m->next;
		free(m);
	}
	if (c->prev) {
		c->prev->next = c->next;
	} else {
		conn_head = c->next;
	}
	if (c->next) {
		c->next->prev = c->prev;
	} else {
		conn_tail = c->prev;
	}
	c->ops->destroy(c);
	free(c);
}

void conn_kill(struct conn *c, const char *why)
{
	if (!c->dead) {
		log_msg(LOG_WARN, "%s: closing connection: %s", conn_name(c), why);
	}
	c->dead = true;
}

void conn_reap(void)
{
	struct conn *c = conn_head, *next;

	for (; c; c = next) {
		next = c->next;
		if (c->dead) {
			conn_destroy(c);
		}
	}
}

void conn_destroy_all(void)
{
	while (conn_head) {
		conn_destroy(conn_head);
	}
}

void conn_send(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *data,
	       size_t len)
{
	bool reply = type != XS_WATCH_EVENT;
	struct xs_hdr hdr;
	struct outmsg *m;

	if (c->dead) {
		return;
	}
	if (len > XS_PAYLOAD_MAX) {
		if (!reply) {
			return;
		}
		type = XS_ERROR;
		data = "E2BIG";
		len = sizeof("E2BIG");
	}
	if (!reply && c->out_bytes > (c->priv ? CONN_OUT_LIMIT_PRIV : CONN_OUT_LIMIT_GUEST)) {
		if (c->events_dropped++ == 0 || log_limited(&c->rl)) {
			log_msg(LOG_WARN,
				"%s: not reading its events, dropping watch event (%lu so far)",
				conn_name(c), c->events_dropped);
		}
		return;
	}
	m = malloc(sizeof(*m) + sizeof(hdr) + len);
	if (!m) {
		conn_kill(c, "out of memory queueing a message");
		return;
	}
	hdr = (struct xs_hdr){.type = type, .req_id = req_id, .tx_id = tx_id, .len = (uint32_t)len};
	memcpy(m->data, &hdr, sizeof(hdr));
	if (len) {
		memcpy(m->data + sizeof(hdr), data, len);
	}
	m->len = sizeof(hdr) + len;
	m->off = 0;
	m->reply = reply;
	m->next = NULL;
	if (c->out_tail) {
		c->out_tail->next = m;
	} else {
		c->out_head = m;
	}
	c->out_tail = m;
	c->out_bytes += m->len;
	if (reply) {
		c->out_replies++;
	}
}

bool conn_wants_output(const struct conn *c)
{
	return c->out_head != NULL;
}

bool conn_wants_input(struct conn *c)
{
	bool hold = !c->priv && c->out_replies >= quota.outstanding;

	if (hold && !c->throttled && log_limited(&c->rl)) {
		log_msg(LOG_WARN,
			"%s: %lu outstanding requests (quota %lu), not reading until it "
			"takes its replies",
			conn_name(c), c->out_replies, quota.outstanding);
	}
	c->throttled = hold;
	return !hold && !c->dead;
}

void conn_output(struct conn *c)
{
	struct outmsg *m;

	while (!c->dead && (m = c->out_head)) {
		ssize_t n = c->ops->write(c, m->data + m->off, m->len - m->off);

		if (n < 0) {
			conn_kill(c, "write failed");
			return;
		}
		if (n == 0) {
			return;
		}
		m->off += (size_t)n;
		if (m->off < m->len) {
			return;
		}
		c->out_head = m->next;
		if (!c->out_head) {
			c->out_tail = NULL;
		}
		c->out_bytes -= m->len;
		if (m->reply) {
			c->out_replies--;
		}
		free(m);
	}
}

void conn_input(struct conn *c)
{
	while (!c->dead && conn_wants_input(c)) {
		ssize_t n;

		if (c->in_hdr_got < sizeof(c->in_hdr)) {
			n = c->ops->read(c, (char *)&c->in_hdr + c->in_hdr_got,
					 sizeof(c->in_hdr) - c->in_hdr_got);
			if (n < 0) {
				if (n != -ECONNRESET || c->in_hdr_got) {
					conn_kill(c, "read failed or stream ended mid-message");
				} else {
					c->dead = true; /* orderly close */
				}
				return;
			}
			if (n == 0) {
				return;
			}
			c->in_hdr_got += (size_t)n;
			if (c->in_hdr_got < sizeof(c->in_hdr)) {
				continue;
			}
			if (c->in_hdr.len > XS_PAYLOAD_MAX) {
				char why[96];

				snprintf(why, sizeof(why), "payload length %u exceeds %u",
					 c->in_hdr.len, XS_PAYLOAD_MAX);
				conn_kill(c, why);
				return;
			}
			c->in_got = 0;
		}
		if (c->in_got < c->in_hdr.len) {
			n = c->ops->read(c, c->in_buf + c->in_got, c->in_hdr.len - c->in_got);
			if (n < 0) {
				conn_kill(c, "read failed or stream ended mid-message");
				return;
			}
			if (n == 0) {
				return;
			}
			c->in_got += (size_t)n;
			if (c->in_got < c->in_hdr.len) {
				continue;
			}
		}
		c->in_buf[c->in_hdr.len] = '\0';
		c->in_hdr_got = 0;
		proto_handle(c, &c->in_hdr, c->in_buf);
	}
}
