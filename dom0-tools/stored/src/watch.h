/* SPDX-License-Identifier: MIT */
/*
 * Watches. A watch (path, token) of a connection matches every change at its path or below it.
 * Removing a subtree fires the removed node's event like any change, and each node inside the
 * subtree fires the watches set exactly on it (as Xen 4.17 does). Special
 * paths ("@introduceDomain", "@releaseDomain") match only the daemon's events of that name. An
 * event reaches a connection only if it may read the changed node (before or after the change).
 * Events are sent in connection order, then registration order within a connection.
 */
#ifndef STORED_WATCH_H
#define STORED_WATCH_H

#include <stdbool.h>

#include "perms.h"

struct conn;

/** struct watch - One registered watch of a connection. */
struct watch {
	char *path; /* canonical (absolute or @special) */
	char *token;
	size_t strip; /* bytes to strip from event paths for a relative watch (0: absolute) */
	struct watch *next;
};

/**
 * watch_add() - Register (@path, @token) for @c and send the initial event. @strip is the length
 * of the relative-path prefix to remove in events (0 for absolute). Returns 0, -EEXIST (same
 * path and token), -E2BIG (watch quota) or -ENOMEM.
 */
int watch_add(struct conn *c, const char *path, const char *token, size_t strip);
/** watch_send_initial() - Queue the event every new watch fires once at registration. */
void watch_send_initial(struct conn *c, const char *path, const char *token);
/** watch_remove() - Drop the watch (@path, @token) of @c; returns 0 or -ENOENT. */
int watch_remove(struct conn *c, const char *path, const char *token);
/** watch_remove_all() - Drop every watch of @c. */
void watch_remove_all(struct conn *c);
/**
 * watch_fire() - Deliver a change at @path to every watch on @path or above it, or with @exact
 * only to watches on @path itself (see file comment).
 */
void watch_fire(const char *path, bool exact, const struct node_perms *perms,
		const struct node_perms *old);

#endif
