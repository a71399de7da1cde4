// SPDX-License-Identifier: MIT
/* Watch registration and event delivery. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "domain.h"
#include "tree.h"
#include "watch.h"

static void watch_free(struct watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

static void send_event(struct conn *c, const char *path, const char *token)
{
	char buf[XS_PAYLOAD_MAX + 1];
	size_t pl = strlen(path) + 1, tl = strlen(token) + 1;

	if (pl + tl > sizeof(buf)) {
		return; /* cannot happen: both fit in the request that registered the watch */
	}
	memcpy(buf, path, pl);
	memcpy(buf + pl, token, tl);
	conn_send(c, XS_WATCH_EVENT, 0, 0, buf, pl + tl);
}

static void send_for(struct conn *c, const struct watch *w, const char *path)
{
	send_event(c, path + w->strip, w->token);
}

void watch_send_initial(struct conn *c, const char *path, const char *token)
{
	send_event(c, path, token);
}

int watch_add(struct conn *c, const char *path, const char *token, size_t strip)
{
	struct watch *w, **tail;
	struct domain *d;

	for (tail = &c->watches; *tail; tail = &(*tail)->next) {
		if (strcmp((*tail)->path, path) == 0 && strcmp((*tail)->token, token) == 0) {
			return -EEXIST;
		}
	}
	d = domain_get(c->domid);
	if (!d) {
		return -ENOMEM;
	}
	if (!c->priv && d->watches >= quota.watches) {
		return -E2BIG;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		return -ENOMEM;
	}
	w->path = strdup(path);
	w->token = strdup(token);
	if (!w->path || !w->token) {
		watch_free(w);
		return -ENOMEM;
	}
	w->strip = strip;
	*tail = w;
	d->watches++;
	return 0;
}

int watch_remove(struct conn *c, const char *path, const char *token)
{
	struct watch **pp;

	for (pp = &c->watches; *pp; pp = &(*pp)->next) {
		struct watch *w = *pp;

		if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0) {
			struct domain *d = domain_find(c->domid);

			*pp = w->next;
			watch_free(w);
			if (d && d->watches) {
				d->watches--;
			}
			return 0;
		}
	}
	return -ENOENT;
}

void watch_remove_all(struct conn *c)
{
	struct domain *d = domain_find(c->domid);

	while (c->watches) {
		struct watch *w = c->watches;

		c->watches = w->next;
		watch_free(w);
		if (d && d->watches) {
			d->watches--;
		}
	}
}

static bool may_see(const struct conn *c, const struct node_perms *perms,
		    const struct node_perms *old)
{
	struct actor a;

	conn_actor(c, &a);
	if (perm_for(&a, perms) & PERM_READ) {
		return true;
	}
	return old && (perm_for(&a, old) & PERM_READ);
}

void watch_fire(const char *path, bool exact, const struct node_perms *perms,
		const struct node_perms *old)
{
	bool special = path[0] == '@';
	struct conn *c;

	for (c = conn_first(); c; c = c->next) {
		struct watch *w;

		if (c->dead || !may_see(c, perms, old)) {
			continue;
		}
		for (w = c->watches; w; w = w->next) {
			bool wspecial = w->path[0] == '@';

			if (special != wspecial && !(special && strcmp(w->path, "/") == 0)) {
				continue;
			}
			if (exact ? strcmp(path, w->path) == 0 : path_is_child(path, w->path)) {
				send_for(c, w, path);
			}
		}
	}
}
