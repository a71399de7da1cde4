/* SPDX-License-Identifier: MIT */
/*
 * Views of the store and transactions.
 *
 * Every request works on a view: the main tree (tx == NULL) or a transaction. A transaction keeps
 * an overlay of the nodes it changed and records, for every node it read or wrote, the generation
 * that node had in the main tree when the transaction first touched it (or that it was absent).
 * Commit succeeds only if all those nodes are unchanged in the main tree; otherwise it fails with
 * EAGAIN and changes nothing. Adding or removing a child changes the parent node, so creations and
 * removals below a node the transaction listed also conflict. Watch events of a transaction are
 * queued and fire only when it commits.
 */
#ifndef STORED_TXN_H
#define STORED_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include "tree.h"

struct txn;

/**
 * db_get() - Look up @path in the view: *@out is the node or NULL if absent. In a transaction the
 * access is recorded; that can fail with -ENOMEM or -ENOSPC (transaction-nodes quota).
 */
int db_get(struct txn *tx, const char *path, const struct node **out);
/** db_put() - Store @n (taking it, also on failure) in the view; returns 0 or a negative errno. */
int db_put(struct txn *tx, struct node *n);
/** db_del() - Remove the node at @path (not its children) from the view. */
int db_del(struct txn *tx, const char *path);
/** db_owner_nodes() - Nodes owned by @domid as the view sees them (main count + tx changes). */
unsigned long db_owner_nodes(struct txn *tx, uint32_t domid);
/**
 * db_event() - A change at @path happened in the view: fire watches now, or queue them in the
 * transaction. @exact fires only the watches set on @path itself. @perms (and @old,
 * if non-NULL) decide who may see the event.
 */
int db_event(struct txn *tx, const char *path, bool exact, const struct node_perms *perms,
	     const struct node_perms *old);

/** txn_new() - A new empty transaction with id @id; @max_nodes bounds its size (0: none). */
struct txn *txn_new(uint32_t id, unsigned long max_nodes);
/** txn_id() - The transaction's id. */
uint32_t txn_id(const struct txn *tx);
/** txn_next()/txn_set_next() - The per-connection list link. */
struct txn *txn_next(const struct txn *tx);
void txn_set_next(struct txn *tx, struct txn *next);
/** txn_commit() - Check and apply, then fire queued watches; frees @tx. 0, -EAGAIN or -ENOMEM. */
int txn_commit(struct txn *tx);
/** txn_free() - Discard the transaction. */
void txn_free(struct txn *tx);

#endif
