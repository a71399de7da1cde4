// SPDX-License-Identifier: MIT
/* Domain records and quota settings. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"

struct quota quota = {
    .nodes = 1000,
    .watches = 128,
    .txns = 10,
    .outstanding = 20,
    .value_size = 2048,
    .perms = 5,
    .tx_nodes = 1024,
    .path_len = 2048,
};

static const struct {
	const char *name;
	size_t off;
	const char *what;
} quota_names[] = {
    {"nodes", offsetof(struct quota, nodes), "Nodes owned per domain"},
    {"watches", offsetof(struct quota, watches), "Watches per domain"},
    {"transactions", offsetof(struct quota, txns), "Open transactions per connection"},
    {"outstanding", offsetof(struct quota, outstanding), "Outstanding requests per connection"},
    {"value-size", offsetof(struct quota, value_size), "Bytes of one node value"},
    {"permissions", offsetof(struct quota, perms), "Entries of one permission list"},
    {"transaction-nodes", offsetof(struct quota, tx_nodes), "Nodes touched by one transaction"},
    {"path-length", offsetof(struct quota, path_len), "Path bytes below a domain home"},
};

static struct domain *domains;

struct domain *domain_find(uint32_t domid)
{
	struct domain *d;

	for (d = domains; d; d = d->next) {
		if (d->domid == domid) {
			return d;
		}
	}
	return NULL;
}

struct domain *domain_get(uint32_t domid)
{
	struct domain *d = domain_find(domid);

	if (d) {
		return d;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		return NULL;
	}
	d->domid = domid;
	d->next = domains;
	domains = d;
	return d;
}

void domain_nodes_adjust(uint32_t domid, long delta)
{
	struct domain *d = domain_get(domid);

	if (d) {
		d->nodes = (unsigned long)((long)d->nodes + delta);
	}
}

unsigned long domain_nodes(uint32_t domid)
{
	struct domain *d = domain_find(domid);

	return d ? d->nodes : 0;
}

bool domain_is_introduced(uint32_t domid)
{
	struct domain *d;

	if (domid == 0) {
		return true;
	}
	d = domain_find(domid);
	return d && d->introduced;
}

void domain_teardown(void)
{
	while (domains) {
		struct domain *d = domains;

		domains = d->next;
		free(d);
	}
}

void domain_foreach(void (*fn)(const struct domain *d, void *arg), void *arg)
{
	struct domain *d;

	for (d = domains; d; d = d->next) {
		fn(d, arg);
	}
}

int quota_set(const char *name, unsigned long val)
{
	size_t i;

	for (i = 0; i < sizeof(quota_names) / sizeof(quota_names[0]); i++) {
		if (strcmp(quota_names[i].name, name) == 0) {
			*(unsigned long *)((char *)&quota + quota_names[i].off) = val;
			return 0;
		}
	}
	return -EINVAL;
}

size_t quota_format(char *buf, size_t size)
{
	size_t off = 0, i;

	for (i = 0; i < sizeof(quota_names) / sizeof(quota_names[0]) && off < size; i++) {
		int n =
		    snprintf(buf + off, size - off, "%-18s %8lu  %s\n", quota_names[i].name,
			     *(const unsigned long *)((const char *)&quota + quota_names[i].off),
			     quota_names[i].what);

		if (n < 0) {
			break;
		}
		off += (size_t)n;
	}
	return off < size ? off : size - 1;
}
