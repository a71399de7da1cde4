/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU sets as xl.cfg writes them for "cpus" and "cpus_soft": a
 * comma-separated list of CPU numbers and ranges ("0-3,6"), each optionally
 * preceded by '^' to remove it ("0-7,^2"), or "all". NUMA node forms
 * ("nodes:0") need the host topology and are rejected for now.
 */
#include "model.h"

#include <errno.h>
#include <string.h>

static bool read_num(const char *s, size_t *i, unsigned long *out)
{
	unsigned long v = 0;
	size_t start = *i;

	while (s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (unsigned long)(s[*i] - '0');
		if (v >= XLCFG_MAX_VCPUS) {
			return false;
		}
		(*i)++;
	}
	*out = v;
	return *i > start;
}

int xk_cpuset_parse(struct xlcfg_ctx *ctx, const struct xlcfg_value *v, struct xk_cpuset *set)
{
	const char *s = v->str;
	size_t i = 0;
	bool any = false;

	memset(set, 0, sizeof(*set));
	if (!strcmp(s, "all")) {
		return 1;
	}
	while (s[i]) {
		size_t start;
		unsigned long a, b, c;
		bool neg = false;
		struct xlcfg_pos p;

		if (s[i] == ',') {
			i++;
			continue;
		}
		start = i;
		if (s[i] == '^') {
			neg = true;
			i++;
		}
		if (!strncmp(s + i, "node:", 5) || !strncmp(s + i, "nodes:", 6)) {
			p = xlcfg_value_pos_at(v, start);
			xlcfg_error(ctx, &p, "NUMA node sets need the host topology and are not supported yet");
			return -EINVAL;
		}
		if (!strncmp(s + i, "all", 3)) {
			p = xlcfg_value_pos_at(v, start);
			xlcfg_error(ctx, &p, "\"all\" must be the whole CPU list");
			return -EINVAL;
		}
		if (!read_num(s, &i, &a)) {
			p = xlcfg_value_pos_at(v, start + neg);
			xlcfg_error(ctx, &p, "expected a CPU number below %u", XLCFG_MAX_VCPUS);
			return -EINVAL;
		}
		b = a;
		if (s[i] == '-') {
			size_t bstart = ++i;

			if (!read_num(s, &i, &b) || b < a) {
				p = xlcfg_value_pos_at(v, bstart);
				xlcfg_error(ctx, &p, "expected the end of a CPU range (not below its start, below %u)",
					    XLCFG_MAX_VCPUS);
				return -EINVAL;
			}
		}
		if (s[i] && s[i] != ',') {
			p = xlcfg_value_pos_at(v, i);
			xlcfg_error(ctx, &p, "expected ',' between CPU ranges");
			return -EINVAL;
		}
		for (c = a; c <= b; c++) {
			if (neg) {
				set->bits[c / 64] &= ~(1ull << (c % 64));
			} else {
				xk_cpuset_set(set, (unsigned int)c);
			}
		}
		any = true;
	}
	for (i = 0; any && i < ARRAY_SIZE(set->bits) && !set->bits[i]; i++) {
	}
	if (!any || i == ARRAY_SIZE(set->bits)) {
		xlcfg_error(ctx, &v->pos, "the CPU list selects no CPU");
		return -EINVAL;
	}
	return 0;
}

void xk_cpuset_format(const struct xk_cpuset *set, struct xlcfg_buf *b)
{
	unsigned int c = 0, start;
	bool first = true;

	while (c < XLCFG_MAX_VCPUS) {
		if (!xk_cpuset_test(set, c)) {
			c++;
			continue;
		}
		start = c;
		while (c + 1 < XLCFG_MAX_VCPUS && xk_cpuset_test(set, c + 1)) {
			c++;
		}
		if (start == c) {
			xlcfg_buf_printf(b, "%s%u", first ? "" : ",", start);
		} else {
			xlcfg_buf_printf(b, "%s%u-%u", first ? "" : ",", start, c);
		}
		first = false;
		c++;
	}
}
