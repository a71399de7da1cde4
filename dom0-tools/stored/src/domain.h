/* SPDX-License-Identifier: MIT */
/*
 * Per-domain state: what the store knows of each domain (introduced or not, its ring, its target)
 * and what it uses (nodes owned, watches); and the quotas that bound unprivileged domains.
 */
#ifndef STORED_DOMAIN_H
#define STORED_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* First reserved domain id (DOMID_FIRST_RESERVED); DOMID_SELF is 0x7ff0. */
#define DOMID_FIRST_RESERVED 0x7ff0u
#define DOMID_SELF	     0x7ff0u

/**
 * struct quota - Limits for unprivileged domains (dom0 is exempt). The defaults are Xen 4.17's:
 * errors are ENOSPC for nodes, value size, permissions, transactions and transaction size, E2BIG
 * for watches; outstanding requests are throttled (the daemon stops reading), not refused.
 */
struct quota {
	unsigned long nodes;	   /* nodes owned per domain */
	unsigned long watches;	   /* watches per domain */
	unsigned long txns;	   /* open transactions per connection */
	unsigned long outstanding; /* requests whose reply is not yet sent, per connection */
	unsigned long value_size;  /* bytes of one node's value */
	unsigned long perms;	   /* entries in one permission list */
	unsigned long tx_nodes;	   /* nodes touched by one transaction */
	unsigned long path_len;	   /* path bytes below /local/domain/<id>/ (or of the whole path) */
};

/** The quotas in force. */
extern struct quota quota;

/** struct domain - What the daemon tracks for one domain id. */
struct domain {
	uint32_t domid;
	unsigned long nodes;   /* nodes whose owner is this domain */
	unsigned long watches; /* watches registered by this domain's connections */
	bool introduced;       /* INTRODUCE seen, no RELEASE since */
	bool shutdown;	       /* @releaseDomain already fired for a shutdown */
	uint64_t gfn;	       /* ring page given by INTRODUCE */
	uint32_t port;	       /* event channel given by INTRODUCE */
	bool has_target;
	uint32_t target; /* SET_TARGET: this domain acts for @target */
	struct domain *next;
};

/** domain_find() - The domain with @domid, or NULL if the daemon never saw it. */
struct domain *domain_find(uint32_t domid);
/** domain_get() - The domain with @domid, created on first use; NULL on no memory. */
struct domain *domain_get(uint32_t domid);
/** domain_nodes_adjust() - Count @delta nodes for owner @domid. */
void domain_nodes_adjust(uint32_t domid, long delta);
/** domain_nodes() - Nodes owned by @domid. */
unsigned long domain_nodes(uint32_t domid);
/** domain_is_introduced() - Whether the daemon talks to @domid (dom0 always). */
bool domain_is_introduced(uint32_t domid);
/** domain_teardown() - Free all domain records. */
void domain_teardown(void);
/** domain_foreach() - Call @fn for every known domain. */
void domain_foreach(void (*fn)(const struct domain *d, void *arg), void *arg);

/** quota_set() - Set quota @name (nodes, watches, ...) to @val; returns 0 or -EINVAL. */
int quota_set(const char *name, unsigned long val);
/** quota_format() - Describe every quota, one per line, into @buf; returns the length. */
size_t quota_format(char *buf, size_t size);

#endif
