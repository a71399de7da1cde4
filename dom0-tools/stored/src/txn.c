// SPDX-License-Identifier: MIT
/* Views and transactions: the overlay, access records, conflict check, commit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "log.h"
#include "txn.h"
#include "watch.h"

/* A node the transaction touched. */
struct txentry {
	struct hentry h; /* key: path */
	char *path;
	bool base_exists; /* existed in the main tree when first touched */
	uint64_t base_gen;
	bool modified;
	struct node *node; /* modified: the transaction's version, NULL if removed */
	struct txentry *next;
};

/* A watch event waiting for commit. */
struct txevent {
	char *path;
	bool exact;
	struct node_perms perms;
	struct node_perms old; /* num 0 when none */
	struct txevent *next;
};

struct owner_delta {
	uint32_t domid;
	long delta;
};

struct txn {
	uint32_t id;
	unsigned long max_nodes;
	struct hmap entries;
	struct txentry *first, *last;
	struct txevent *ev_first, *ev_last;
	struct owner_delta *deltas;
	unsigned int ndeltas;
	struct txn *next;
};

struct txn *txn_new(uint32_t id, unsigned long max_nodes)
{
	struct txn *tx = calloc(1, sizeof(*tx));

	if (!tx) {
		return NULL;
	}
	if (hmap_init(&tx->entries)) {
		free(tx);
		return NULL;
	}
	tx->id = id;
	tx->max_nodes = max_nodes;
	return tx;
}

uint32_t txn_id(const struct txn *tx)
{
	return tx->id;
}

struct txn *txn_next(const struct txn *tx)
{
	return tx->next;
}

void txn_set_next(struct txn *tx, struct txn *next)
{
	tx->next = next;
}

static void free_event(struct txevent *ev)
{
	free(ev->path);
	perms_free(&ev->perms);
	perms_free(&ev->old);
	free(ev);
}

void txn_free(struct txn *tx)
{
	struct txentry *e, *en;
	struct txevent *ev, *evn;

	if (!tx) {
		return;
	}
	for (e = tx->first; e; e = en) {
		en = e->next;
		node_free(e->node);
		free(e->path);
		free(e);
	}
	for (ev = tx->ev_first; ev; ev = evn) {
		evn = ev->next;
		free_event(ev);
	}
	hmap_free(&tx->entries);
	free(tx->deltas);
	free(tx);
}

static struct txentry *entry_find(struct txn *tx, const char *path)
{
	struct hentry *h = hmap_find(&tx->entries, path);

	return h ? container_of(h, struct txentry, h) : NULL;
}

/* The entry for @path, created with the main tree's state on first touch. */
static int entry_get(struct txn *tx, const char *path, struct txentry **out)
{
	struct txentry *e = entry_find(tx, path);
	struct node *base;

	if (e) {
		*out = e;
		return 0;
	}
	if (tx->max_nodes && tx->entries.count >= tx->max_nodes) {
		return -ENOSPC;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		return -ENOMEM;
	}
	e->path = strdup(path);
	if (!e->path) {
		free(e);
		return -ENOMEM;
	}
	base = tree_lookup(path);
	e->base_exists = base != NULL;
	e->base_gen = base ? base->gen : 0;
	e->h.key = e->path;
	hmap_insert(&tx->entries, &e->h);
	if (tx->last) {
		tx->last->next = e;
	} else {
		tx->first = e;
	}
	tx->last = e;
	*out = e;
	return 0;
}

static const struct node *entry_view(const struct txentry *e)
{
	return e->modified ? e->node : tree_lookup(e->path);
}

static int delta_add(struct txn *tx, uint32_t domid, long d)
{
	struct owner_delta *v;
	unsigned int i;

	for (i = 0; i < tx->ndeltas; i++) {
		if (tx->deltas[i].domid == domid) {
			tx->deltas[i].delta += d;
			return 0;
		}
	}
	v = realloc(tx->deltas, (tx->ndeltas + 1) * sizeof(*v));
	if (!v) {
		return -ENOMEM;
	}
	tx->deltas = v;
	tx->deltas[tx->ndeltas++] = (struct owner_delta){.domid = domid, .delta = d};
	return 0;
}

int db_get(struct txn *tx, const char *path, const struct node **out)
{
	struct txentry *e;
	int ret;

	if (!tx) {
		*out = tree_lookup(path);
		return 0;
	}
	ret = entry_get(tx, path, &e);
	if (ret) {
		return ret;
	}
	*out = entry_view(e);
	return 0;
}

/* Replace the transaction's version of @path by @n (NULL: removed). */
static int tx_set(struct txn *tx, const char *path, struct node *n)
{
	const struct node *old;
	struct txentry *e;
	int ret;

	ret = entry_get(tx, path, &e);
	if (ret) {
		node_free(n);
		return ret;
	}
	old = entry_view(e);
	if ((old && delta_add(tx, node_owner(old), -1)) || (n && delta_add(tx, node_owner(n), 1))) {
		node_free(n);
		return -ENOMEM;
	}
	if (n) {
		n->gen = old ? old->gen : 0;
	}
	if (e->modified) {
		node_free(e->node);
	}
	e->node = n;
	e->modified = true;
	return 0;
}

int db_put(struct txn *tx, struct node *n)
{
	if (!tx) {
		tree_put(n);
		return 0;
	}
	return tx_set(tx, n->name, n);
}

int db_del(struct txn *tx, const char *path)
{
	if (!tx) {
		tree_del(path);
		return 0;
	}
	return tx_set(tx, path, NULL);
}

unsigned long db_owner_nodes(struct txn *tx, uint32_t domid)
{
	long n = (long)domain_nodes(domid);
	unsigned int i;

	for (i = 0; tx && i < tx->ndeltas; i++) {
		if (tx->deltas[i].domid == domid) {
			n += tx->deltas[i].delta;
		}
	}
	return n < 0 ? 0 : (unsigned long)n;
}

int db_event(struct txn *tx, const char *path, bool exact, const struct node_perms *perms,
	     const struct node_perms *old)
{
	struct txevent *ev;

	if (!tx) {
		watch_fire(path, exact, perms, old);
		return 0;
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev) {
		return -ENOMEM;
	}
	ev->path = strdup(path);
	ev->exact = exact;
	if (!ev->path || perms_copy(&ev->perms, perms) || (old && perms_copy(&ev->old, old))) {
		free_event(ev);
		return -ENOMEM;
	}
	if (tx->ev_last) {
		tx->ev_last->next = ev;
	} else {
		tx->ev_first = ev;
	}
	tx->ev_last = ev;
	return 0;
}

static bool entry_current(const struct txentry *e)
{
	const struct node *cur = tree_lookup(e->path);

	return e->base_exists ? (cur && cur->gen == e->base_gen) : !cur;
}

int txn_commit(struct txn *tx)
{
	struct txentry *e;
	struct txevent *ev;

	for (e = tx->first; e; e = e->next) {
		if (!entry_current(e)) {
			log_msg(LOG_DEBUG, "transaction %u conflicts on %s", tx->id, e->path);
			txn_free(tx);
			return -EAGAIN;
		}
	}
	for (e = tx->first; e; e = e->next) {
		if (!e->modified) {
			continue;
		}
		if (e->node) {
			tree_put(e->node);
			e->node = NULL;
		} else {
			tree_del(e->path);
		}
	}
	for (ev = tx->ev_first; ev; ev = ev->next) {
		watch_fire(ev->path, ev->exact, &ev->perms, ev->old.num ? &ev->old : NULL);
	}
	txn_free(tx);
	return 0;
}
