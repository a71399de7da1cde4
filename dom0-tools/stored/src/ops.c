// SPDX-License-Identifier: MIT
/* Store operations: permission checks, node creation and removal, quotas, watch events. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "ops.h"
#include "txn.h"

/* The error for a missing node: ENOENT if the nearest existing ancestor grants @need. */
static int missing_node_error(const struct actor *a, struct txn *tx, const char *path,
			      unsigned int need)
{
	char parent[XS_PATH_BUF];
	const struct node *n = NULL;
	int ret;

	strcpy(parent, path);
	while (strcmp(parent, "/") != 0) {
		char up[XS_PATH_BUF];

		path_parent(parent, up);
		strcpy(parent, up);
		ret = db_get(tx, parent, &n);
		if (ret) {
			return ret;
		}
		if (n) {
			return (perm_for(a, &n->perms) & need) ? -ENOENT : -EACCES;
		}
	}
	return -ENOENT;
}

int op_get(const struct actor *a, struct txn *tx, const char *path, unsigned int need,
	   const struct node **out)
{
	const struct node *n;
	int ret;

	ret = db_get(tx, path, &n);
	if (ret) {
		return ret;
	}
	if (!n) {
		return missing_node_error(a, tx, path, need);
	}
	if ((perm_for(a, &n->perms) & need) != need) {
		return -EACCES;
	}
	*out = n;
	return 0;
}

/*
 * Create @path with value @val and any missing ancestors, top down. Each new node inherits its
 * parent's permissions; an unprivileged creator owns it.
 */
static int create_node(const struct actor *a, struct txn *tx, const char *path, const void *val,
		       uint32_t len)
{
	char missing[XS_PATH_BUF], cur[XS_PATH_BUF];
	const struct node *anc = NULL;
	unsigned long count = 0;
	int ret;

	/* Find the nearest existing ancestor and count the nodes to create. */
	strcpy(cur, path);
	for (;;) {
		char up[XS_PATH_BUF];

		count++;
		path_parent(cur, up);
		ret = db_get(tx, up, &anc);
		if (ret) {
			return ret;
		}
		if (anc) {
			break;
		}
		strcpy(cur, up);
	}
	if (!a->priv && db_owner_nodes(tx, a->domid) + count > quota.nodes) {
		return -ENOSPC;
	}
	/* Create top down: cur is the topmost missing path, anc its existing parent. */
	for (;;) {
		struct node *parent = node_dup(anc);
		struct node *n;
		bool last = strcmp(cur, path) == 0;

		if (!parent) {
			return -ENOMEM;
		}
		n = node_new(cur, last ? val : "", last ? len : 0, &parent->perms);
		if (!n || node_add_child(parent, path_leaf(cur))) {
			node_free(n);
			node_free(parent);
			return -ENOMEM;
		}
		if (!a->priv) {
			n->perms.p[0].domid = a->domid;
		}
		ret = db_put(tx, parent);
		if (ret) {
			node_free(n);
			return ret;
		}
		ret = db_put(tx, n);
		if (ret) {
			return ret;
		}
		if (last) {
			return 0;
		}
		ret = db_get(tx, cur, &anc);
		if (ret) {
			return ret;
		}
		/* Next missing path: one more component of @path below cur. */
		{
			size_t l = strlen(cur);
			const char *slash = strchr(path + l + 1, '/');
			size_t nl = slash ? (size_t)(slash - path) : strlen(path);

			memcpy(missing, path, nl);
			missing[nl] = '\0';
			strcpy(cur, missing);
		}
	}
}

int op_write(const struct actor *a, struct txn *tx, const char *path, const void *val, uint32_t len)
{
	const struct node *n;
	struct node *copy;
	int ret;

	if (!a->priv && len > quota.value_size) {
		return -ENOSPC;
	}
	ret = op_get(a, tx, path, PERM_WRITE, &n);
	if (ret == -ENOENT) {
		ret = create_node(a, tx, path, val, len);
		if (ret) {
			return ret;
		}
		ret = db_get(tx, path, &n);
		if (ret || !n) {
			return ret ? ret : -EIO;
		}
		return db_event(tx, path, false, &n->perms, NULL);
	}
	if (ret) {
		return ret;
	}
	copy = node_dup(n);
	if (!copy || node_set_value(copy, val, len)) {
		node_free(copy);
		return -ENOMEM;
	}
	ret = db_put(tx, copy);
	if (ret) {
		return ret;
	}
	ret = db_get(tx, path, &n);
	if (ret || !n) {
		return ret ? ret : -EIO;
	}
	return db_event(tx, path, false, &n->perms, NULL);
}

int op_mkdir(const struct actor *a, struct txn *tx, const char *path)
{
	const struct node *n;
	int ret;

	ret = op_get(a, tx, path, PERM_WRITE, &n);
	if (ret != -ENOENT) {
		return ret; /* exists (0) or refused */
	}
	ret = create_node(a, tx, path, "", 0);
	if (ret) {
		return ret;
	}
	ret = db_get(tx, path, &n);
	if (ret || !n) {
		return ret ? ret : -EIO;
	}
	return db_event(tx, path, false, &n->perms, NULL);
}

/*
 * Remove @path's subtree from the view, children first; every node inside fires the watches set
 * exactly on it.
 */
static int remove_subtree(struct txn *tx, const char *path, bool root)
{
	struct node_perms perms;
	const struct node *n;
	char *children;
	uint32_t len, off = 0;
	int ret;

	ret = db_get(tx, path, &n);
	if (ret || !n) {
		return ret;
	}
	len = n->childlen;
	children = malloc(len ? len : 1);
	if (!children) {
		return -ENOMEM;
	}
	if (len) {
		memcpy(children, n->children, len);
	}
	while (off < len) {
		char child[XS_PATH_BUF];
		const char *leaf = children + off;

		if (strlen(path) + strlen(leaf) + 2 > sizeof(child)) {
			free(children);
			return -EIO;
		}
		strcpy(child, strcmp(path, "/") ? path : "");
		strcat(child, "/");
		strcat(child, leaf);
		ret = remove_subtree(tx, child, false);
		if (ret) {
			free(children);
			return ret;
		}
		off += (uint32_t)strlen(leaf) + 1;
	}
	free(children);
	if (root) {
		return db_del(tx, path);
	}
	ret = db_get(tx, path, &n);
	if (ret || !n) {
		return ret;
	}
	if (perms_copy(&perms, &n->perms)) {
		return -ENOMEM;
	}
	ret = db_event(tx, path, true, &perms, NULL);
	if (!ret) {
		ret = db_del(tx, path);
	}
	perms_free(&perms);
	return ret;
}

int op_rm(const struct actor *a, struct txn *tx, const char *path)
{
	char parent_path[XS_PATH_BUF];
	const struct node *n, *parent;
	struct node_perms perms;
	struct node *copy;
	int ret;

	ret = op_get(a, tx, path, PERM_WRITE, &n);
	path_parent(path, parent_path);
	if (ret == -ENOENT) {
		ret = db_get(tx, parent_path, &parent);
		if (ret) {
			return ret;
		}
		return parent ? 0 : -ENOENT;
	}
	if (ret) {
		return ret;
	}
	if (strcmp(path, "/") == 0) {
		return -EINVAL;
	}
	ret = db_get(tx, parent_path, &parent);
	if (ret) {
		return ret;
	}
	if (!parent) {
		return -EINVAL;
	}
	copy = node_dup(parent);
	if (!copy) {
		return -ENOMEM;
	}
	node_remove_child(copy, path_leaf(path));
	ret = db_put(tx, copy);
	if (ret) {
		return ret;
	}
	/* The removed node's own event reaches the watches on it and above it. */
	ret = db_get(tx, path, &n);
	if (ret || !n) {
		return ret ? ret : -EIO;
	}
	if (perms_copy(&perms, &n->perms)) {
		return -ENOMEM;
	}
	ret = remove_subtree(tx, path, true);
	if (!ret) {
		ret = db_event(tx, path, false, &perms, NULL);
	}
	perms_free(&perms);
	return ret;
}

int op_set_perms(const struct actor *a, struct txn *tx, const char *path,
		 const struct node_perms *perms)
{
	struct node_perms old;
	const struct node *n;
	struct node *copy;
	int ret;

	if (!a->priv && perms->num > quota.perms) {
		return -ENOSPC;
	}
	ret = op_get(a, tx, path, PERM_WRITE | PERM_OWNER, &n);
	if (ret) {
		return ret;
	}
	if (!a->priv && perms->p[0].domid != node_owner(n)) {
		return -EPERM;
	}
	if (!a->priv && node_owner(n) != perms->p[0].domid &&
	    db_owner_nodes(tx, perms->p[0].domid) + 1 > quota.nodes) {
		return -ENOSPC;
	}
	copy = node_dup(n);
	if (!copy) {
		return -ENOMEM;
	}
	old = copy->perms;
	if (perms_copy(&copy->perms, perms)) {
		copy->perms = old;
		node_free(copy);
		return -ENOMEM;
	}
	ret = db_put(tx, copy);
	if (ret) {
		perms_free(&old);
		return ret;
	}
	ret = db_get(tx, path, &n);
	if (!ret && n) {
		ret = db_event(tx, path, false, &n->perms, &old);
	}
	perms_free(&old);
	return ret;
}
