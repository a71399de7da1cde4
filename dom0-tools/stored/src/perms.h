/* SPDX-License-Identifier: MIT */
/*
 * Node permissions and who asks. The first entry of a node's list names the owner and the access
 * of every domain not listed; each further entry grants one domain its own access. The owner,
 * privileged connections (dom0 over the socket) and a domain targeting the owner (SET_TARGET) have
 * full access; a read-only connection never gets write access.
 */
#ifndef STORED_PERMS_H
#define STORED_PERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PERM_READ  1u
#define PERM_WRITE 2u
#define PERM_OWNER 4u /* may change permissions; never stored, only computed */

/** struct perm_entry - One "<letter><domid>" entry: @access is PERM_READ|PERM_WRITE bits. */
struct perm_entry {
	uint32_t domid;
	uint32_t access;
};

/** struct node_perms - A permission list of @num (>= 1) entries. */
struct node_perms {
	uint32_t num;
	struct perm_entry *p;
};

/**
 * struct actor - The identity a request is checked with: the connection's domain, whether it is
 * privileged (dom0, tools), read-only, and the domain it targets (SET_TARGET), if any.
 */
struct actor {
	uint32_t domid;
	bool priv;
	bool readonly;
	bool has_target;
	uint32_t target;
};

/** perm_for() - The PERM_* bits @a has on a node with permissions @perms. */
unsigned int perm_for(const struct actor *a, const struct node_perms *perms);

/** perms_copy() - Deep-copy @src into @dst; returns 0 or -ENOMEM. */
int perms_copy(struct node_perms *dst, const struct node_perms *src);
/** perms_free() - Free the entries of @p. */
void perms_free(struct node_perms *p);
/**
 * perms_parse() - Parse @num NUL-terminated strings starting at @str into @out (allocated).
 * Returns 0 or -EINVAL (bad letter or domid) / -ENOMEM.
 */
int perms_parse(const char *str, uint32_t num, struct node_perms *out);
/**
 * perms_format() - Write the list as NUL-terminated strings ("n0\0r5\0") into @buf; returns the
 * length written or -E2BIG if @size is too small.
 */
int perms_format(const struct node_perms *p, char *buf, size_t size);

#endif
