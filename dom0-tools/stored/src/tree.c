// SPDX-License-Identifier: MIT
/* The store tree: nodes by path in one hash map, generations, and per-owner node counts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "log.h"
#include "tree.h"

static struct hmap nodes;
static uint64_t generation;

void path_parent(const char *path, char *out)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;

	if (len == 0) {
		strcpy(out, "/");
		return;
	}
	memcpy(out, path, len);
	out[len] = '\0';
}

const char *path_leaf(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool path_is_child(const char *child, const char *parent)
{
	size_t len;

	if (strcmp(parent, "/") == 0) {
		return true;
	}
	len = strlen(parent);
	return strncmp(child, parent, len) == 0 && (child[len] == '/' || child[len] == '\0');
}

void node_free(struct node *n)
{
	if (!n) {
		return;
	}
	free(n->name);
	free(n->value);
	free(n->children);
	perms_free(&n->perms);
	free(n);
}

struct node *node_new(const char *name, const void *val, uint32_t vlen,
		      const struct node_perms *perms)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n) {
		return NULL;
	}
	n->name = strdup(name);
	n->value = malloc(vlen + 1);
	if (!n->name || !n->value || perms_copy(&n->perms, perms)) {
		node_free(n);
		return NULL;
	}
	if (vlen) {
		memcpy(n->value, val, vlen);
	}
	n->value[vlen] = '\0';
	n->vlen = vlen;
	n->h.key = n->name;
	return n;
}

struct node *node_dup(const struct node *src)
{
	struct node *n = node_new(src->name, src->value, src->vlen, &src->perms);

	if (!n) {
		return NULL;
	}
	if (src->childlen) {
		n->children = malloc(src->childlen);
		if (!n->children) {
			node_free(n);
			return NULL;
		}
		memcpy(n->children, src->children, src->childlen);
		n->childlen = src->childlen;
	}
	n->gen = src->gen;
	return n;
}

int node_set_value(struct node *n, const void *val, uint32_t vlen)
{
	char *v = malloc(vlen + 1);

	if (!v) {
		return -ENOMEM;
	}
	if (vlen) {
		memcpy(v, val, vlen);
	}
	v[vlen] = '\0';
	free(n->value);
	n->value = v;
	n->vlen = vlen;
	return 0;
}

int node_add_child(struct node *n, const char *leaf)
{
	size_t l = strlen(leaf) + 1;
	char *c = realloc(n->children, n->childlen + l);

	if (!c) {
		return -ENOMEM;
	}
	memcpy(c + n->childlen, leaf, l);
	n->children = c;
	n->childlen += (uint32_t)l;
	return 0;
}

void node_remove_child(struct node *n, const char *leaf)
{
	uint32_t off = 0;

	while (off < n->childlen) {
		size_t l = strlen(n->children + off) + 1;

		if (strcmp(n->children + off, leaf) == 0) {
			memmove(n->children + off, n->children + off + l, n->childlen - off - l);
			n->childlen -= (uint32_t)l;
			return;
		}
		off += (uint32_t)l;
	}
}

struct node *tree_lookup(const char *path)
{
	struct hentry *e = hmap_find(&nodes, path);

	return e ? container_of(e, struct node, h) : NULL;
}

void tree_put(struct node *n)
{
	struct node *old = tree_lookup(n->name);

	n->h.key = n->name;
	n->gen = ++generation;
	if (old) {
		domain_nodes_adjust(node_owner(old), -1);
		hmap_remove(&nodes, &old->h);
		node_free(old);
	}
	hmap_insert(&nodes, &n->h);
	domain_nodes_adjust(node_owner(n), 1);
}

void tree_del(const char *path)
{
	struct node *old = tree_lookup(path);

	if (!old) {
		return;
	}
	domain_nodes_adjust(node_owner(old), -1);
	hmap_remove(&nodes, &old->h);
	node_free(old);
}

unsigned long tree_count(void)
{
	return nodes.count;
}

int tree_init(void)
{
	static const char *const initial[] = {"/", "/tool", "/tool/xenstored"};
	struct perm_entry dom0 = {.domid = 0, .access = 0};
	struct node_perms perms = {.num = 1, .p = &dom0};
	size_t i;
	int ret;

	ret = hmap_init(&nodes);
	if (ret) {
		return ret;
	}
	for (i = 0; i < sizeof(initial) / sizeof(initial[0]); i++) {
		struct node *n = node_new(initial[i], "", 0, &perms);

		if (!n) {
			return -ENOMEM;
		}
		if (i > 0) {
			char parent[64];
			struct node *p;

			path_parent(initial[i], parent);
			p = node_dup(tree_lookup(parent));
			if (!p || node_add_child(p, path_leaf(initial[i]))) {
				node_free(p);
				node_free(n);
				return -ENOMEM;
			}
			tree_put(p);
		}
		tree_put(n);
	}
	return 0;
}

void tree_teardown(void)
{
	struct hentry *e;

	if (!nodes.buckets) {
		return;
	}
	while ((e = hmap_pop(&nodes))) {
		node_free(container_of(e, struct node, h));
	}
	hmap_free(&nodes);
}

int tree_check(char *why, unsigned long size)
{
	unsigned long listed = 0;
	size_t b;

	if (!tree_lookup("/")) {
		snprintf(why, size, "root node missing");
		return -EIO;
	}
	for (b = 0; b < nodes.nbuckets; b++) {
		struct hentry *e;

		for (e = nodes.buckets[b]; e; e = e->next) {
			struct node *n = container_of(e, struct node, h);
			uint32_t off = 0;

			if (n->perms.num == 0) {
				snprintf(why, size, "%s has no permissions", n->name);
				return -EIO;
			}
			while (off < n->childlen) {
				char child[XS_PATH_BUF];
				const char *leaf = n->children + off;

				snprintf(child, sizeof(child), "%s/%s",
					 strcmp(n->name, "/") ? n->name : "", leaf);
				if (!tree_lookup(child)) {
					snprintf(why, size, "%s lists missing child %s", n->name,
						 leaf);
					return -EIO;
				}
				listed++;
				off += (uint32_t)strlen(leaf) + 1;
			}
		}
	}
	if (listed + 1 != nodes.count) {
		snprintf(why, size, "%lu nodes but %lu are listed as children", nodes.count - 1,
			 listed);
		return -EIO;
	}
	return 0;
}
