/* SPDX-License-Identifier: MIT */
/*
 * The store tree: nodes (value, permissions, children) kept in one hash map by full path.
 * Every change stores a new copy of the node with a fresh generation number; a transaction
 * (txn.c) compares generations to detect conflicts. Node counts per owner are kept here.
 */
#ifndef STORED_TREE_H
#define STORED_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "argon/xs_wire.h"
#include "hmap.h"
#include "perms.h"

/* Room for any canonical path: a payload plus the longest relative-path prefix. */
#define XS_PATH_BUF (XS_PAYLOAD_MAX + 32)

/**
 * struct node - One path of the store. @children holds the children's leaf names, each followed
 * by a NUL, in the order they were created (this is exactly the DIRECTORY reply payload).
 */
struct node {
	struct hentry h; /* key: name */
	char *name;
	char *value;
	uint32_t vlen;
	struct node_perms perms;
	char *children;
	uint32_t childlen;
	uint64_t gen; /* generation of the last change */
};

/** tree_init() - Create the initial tree: "/", "/tool" and "/tool/xenstored", owned by dom0. */
int tree_init(void);
/** tree_teardown() - Free every node. */
void tree_teardown(void);
/** tree_lookup() - The node at @path, or NULL. */
struct node *tree_lookup(const char *path);
/** tree_put() - Insert or replace the node with @n's name (taking @n); assigns a generation. */
void tree_put(struct node *n);
/** tree_del() - Remove and free the node at @path (not its children), if present. */
void tree_del(const char *path);
/** tree_count() - Number of nodes. */
unsigned long tree_count(void);
/** tree_check() - Verify the tree's invariants; returns 0 or -EIO and describes the first fault. */
int tree_check(char *why, unsigned long size);

/** node_new() - A new node named @name with a copy of @val and @perms; NULL on no memory. */
struct node *node_new(const char *name, const void *val, uint32_t vlen,
		      const struct node_perms *perms);
/** node_dup() - A deep copy of @n (not in any map). */
struct node *node_dup(const struct node *n);
/** node_free() - Free a node that is in no map. */
void node_free(struct node *n);
/** node_set_value() - Replace the value; returns 0 or -ENOMEM. */
int node_set_value(struct node *n, const void *val, uint32_t vlen);
/** node_add_child() - Append leaf name @leaf to the children; returns 0 or -ENOMEM. */
int node_add_child(struct node *n, const char *leaf);
/** node_remove_child() - Remove leaf name @leaf from the children if listed. */
void node_remove_child(struct node *n, const char *leaf);
/** node_owner() - The owning domain (first permission entry). */
static inline uint32_t node_owner(const struct node *n)
{
	return n->perms.p[0].domid;
}

/** path_parent() - Write @path's parent into @out ("/" for top-level paths). */
void path_parent(const char *path, char *out);
/** path_leaf() - The last component of @path. */
const char *path_leaf(const char *path);
/** path_is_child() - Whether @child is @parent or below it (every path is below "/"). */
bool path_is_child(const char *child, const char *parent);

#endif
