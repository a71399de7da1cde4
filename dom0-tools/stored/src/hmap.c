// SPDX-License-Identifier: MIT
/* Chained string hash map (FNV-1a). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s) {
		h ^= (uint8_t)*s++;
		h *= 16777619u;
	}
	return h;
}

int hmap_init(struct hmap *m)
{
	m->nbuckets = 64;
	m->count = 0;
	m->buckets = calloc(m->nbuckets, sizeof(*m->buckets));
	return m->buckets ? 0 : -ENOMEM;
}

void hmap_free(struct hmap *m)
{
	free(m->buckets);
	m->buckets = NULL;
	m->nbuckets = m->count = 0;
}

struct hentry *hmap_find(const struct hmap *m, const char *key)
{
	uint32_t h = hash_str(key);
	struct hentry *e;

	for (e = m->buckets[h & (m->nbuckets - 1)]; e; e = e->next) {
		if (e->hash == h && strcmp(e->key, key) == 0) {
			return e;
		}
	}
	return NULL;
}

static void grow(struct hmap *m)
{
	size_t n = m->nbuckets * 2, i;
	struct hentry **b = calloc(n, sizeof(*b));

	if (!b) {
		return; /* keep working with longer chains */
	}
	for (i = 0; i < m->nbuckets; i++) {
		struct hentry *e = m->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = n;
}

int hmap_insert(struct hmap *m, struct hentry *e)
{
	size_t i;

	if (m->count >= m->nbuckets) {
		grow(m);
	}
	e->hash = hash_str(e->key);
	i = e->hash & (m->nbuckets - 1);
	e->next = m->buckets[i];
	m->buckets[i] = e;
	m->count++;
	return 0;
}

void hmap_remove(struct hmap *m, struct hentry *e)
{
	struct hentry **pp = &m->buckets[e->hash & (m->nbuckets - 1)];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			m->count--;
			return;
		}
	}
}

struct hentry *hmap_pop(struct hmap *m)
{
	size_t i;

	for (i = 0; i < m->nbuckets; i++) {
		if (m->buckets[i]) {
			struct hentry *e = m->buckets[i];

			m->buckets[i] = e->next;
			m->count--;
			return e;
		}
	}
	return NULL;
}
