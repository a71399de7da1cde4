/* SPDX-License-Identifier: MIT */
/* A small chained hash map keyed by NUL-terminated strings; entries are embedded in their owner. */
#ifndef STORED_HMAP_H
#define STORED_HMAP_H

#include <stddef.h>
#include <stdint.h>

/** struct hentry - Embed in a structure to put it in an hmap; @key must outlive the entry. */
struct hentry {
	struct hentry *next;
	uint32_t hash;
	const char *key;
};

/** struct hmap - The map: a power-of-two bucket array that doubles past one entry per bucket. */
struct hmap {
	struct hentry **buckets;
	size_t nbuckets;
	size_t count;
};

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/** hmap_init() - Set up an empty map; returns 0 or -ENOMEM. */
int hmap_init(struct hmap *m);
/** hmap_free() - Free the bucket array (not the entries). */
void hmap_free(struct hmap *m);
/** hmap_find() - The entry with @key, or NULL. */
struct hentry *hmap_find(const struct hmap *m, const char *key);
/** hmap_insert() - Add @e (whose key must not be present yet); returns 0 or -ENOMEM. */
int hmap_insert(struct hmap *m, struct hentry *e);
/** hmap_remove() - Unlink @e from the map. */
void hmap_remove(struct hmap *m, struct hentry *e);
/** hmap_pop() - Unlink and return any entry, or NULL if empty (for teardown). */
struct hentry *hmap_pop(struct hmap *m);

#endif
