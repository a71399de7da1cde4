/* SPDX-License-Identifier: MIT */
/*
 * Store operations with permission checks, quotas and watch events, on a view (main tree or
 * transaction). Paths are canonical (validated by the caller). Each returns 0 or a negative errno.
 *
 * Permission rules: reading needs read access on the node, changing it write access; creating a
 * node needs write access on its nearest existing ancestor (new nodes inherit their parent's
 * permissions, and an unprivileged creator becomes the owner); changing permissions needs
 * ownership, and an unprivileged owner may not give the node away (EPERM). For a missing node the
 * answer is ENOENT if the caller may access the nearest existing ancestor, else EACCES.
 * Removing a subtree fires the removed node's event, and one for each node inside it (exact).
 */
#ifndef STORED_OPS_H
#define STORED_OPS_H

#include "perms.h"
#include "tree.h"

struct txn;

/** op_get() - The node at @path if @a has @need (PERM_*) on it. */
int op_get(const struct actor *a, struct txn *tx, const char *path, unsigned int need,
	   const struct node **out);
/** op_write() - Set the value, creating the node and missing parents. */
int op_write(const struct actor *a, struct txn *tx, const char *path, const void *val,
	     uint32_t len);
/** op_mkdir() - Create the node (empty) unless it exists. */
int op_mkdir(const struct actor *a, struct txn *tx, const char *path);
/** op_rm() - Remove the node and its subtree; a missing node whose parent exists is fine. */
int op_rm(const struct actor *a, struct txn *tx, const char *path);
/** op_set_perms() - Replace the node's permissions with @perms (copied). */
int op_set_perms(const struct actor *a, struct txn *tx, const char *path,
		 const struct node_perms *perms);

#endif
