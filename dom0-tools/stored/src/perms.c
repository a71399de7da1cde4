// SPDX-License-Identifier: MIT
/* Permission lists: evaluation for an actor, parsing and formatting of "<letter><domid>" strings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perms.h"

unsigned int perm_for(const struct actor *a, const struct node_perms *perms)
{
	unsigned int mask = a->readonly ? PERM_READ : (PERM_READ | PERM_WRITE | PERM_OWNER);
	uint32_t owner = perms->p[0].domid;
	uint32_t i;

	if (a->priv || owner == a->domid || (a->has_target && owner == a->target)) {
		return (PERM_READ | PERM_WRITE | PERM_OWNER) & mask;
	}
	for (i = 1; i < perms->num; i++) {
		if (perms->p[i].domid == a->domid ||
		    (a->has_target && perms->p[i].domid == a->target)) {
			return perms->p[i].access & mask;
		}
	}
	return perms->p[0].access & mask;
}

int perms_copy(struct node_perms *dst, const struct node_perms *src)
{
	dst->p = malloc(src->num * sizeof(*dst->p));
	if (!dst->p) {
		dst->num = 0;
		return -ENOMEM;
	}
	memcpy(dst->p, src->p, src->num * sizeof(*dst->p));
	dst->num = src->num;
	return 0;
}

void perms_free(struct node_perms *p)
{
	free(p->p);
	p->p = NULL;
	p->num = 0;
}

static int parse_one(const char *s, struct perm_entry *e)
{
	unsigned long id;
	char *end;

	switch (s[0]) {
	case 'n':
		e->access = 0;
		break;
	case 'r':
		e->access = PERM_READ;
		break;
	case 'w':
		e->access = PERM_WRITE;
		break;
	case 'b':
		e->access = PERM_READ | PERM_WRITE;
		break;
	default:
		return -EINVAL;
	}
	if (s[1] < '0' || s[1] > '9') {
		return -EINVAL;
	}
	errno = 0;
	id = strtoul(s + 1, &end, 10);
	if (errno || *end || id > 0xffff) {
		return -EINVAL;
	}
	e->domid = (uint32_t)id;
	return 0;
}

int perms_parse(const char *str, uint32_t num, struct node_perms *out)
{
	uint32_t i;

	if (num == 0) {
		return -EINVAL;
	}
	out->p = calloc(num, sizeof(*out->p));
	if (!out->p) {
		return -ENOMEM;
	}
	out->num = num;
	for (i = 0; i < num; i++) {
		if (parse_one(str, &out->p[i])) {
			perms_free(out);
			return -EINVAL;
		}
		str += strlen(str) + 1;
	}
	return 0;
}

int perms_format(const struct node_perms *p, char *buf, size_t size)
{
	static const char letters[4] = {'n', 'r', 'w', 'b'};
	size_t off = 0;
	uint32_t i;

	for (i = 0; i < p->num; i++) {
		int n = snprintf(buf + off, size - off, "%c%u", letters[p->p[i].access & 3],
				 p->p[i].domid);

		if (n < 0 || off + (size_t)n + 1 > size) {
			return -E2BIG;
		}
		off += (size_t)n + 1; /* keep the NUL */
	}
	return (int)off;
}
