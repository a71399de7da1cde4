/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domain configuration -> xl.cfg text, one "key = value" line per set key,
 * in key-table order. The text parses back to the same configuration, so
 * config -> JSON -> config -> JSON gives the same JSON.
 */
#include "model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void list(struct xlcfg_buf *b, char **items, size_t n)
{
	size_t i;

	xlcfg_buf_printf(b, "[ ");
	for (i = 0; i < n; i++) {
		xlcfg_buf_printf(b, "%s", i ? ", " : "");
		xlcfg_buf_quote(b, items[i]);
	}
	xlcfg_buf_printf(b, " ]");
}

static bool same_sets(const struct xk_cpuset *maps, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++) {
		if (memcmp(&maps[0], &maps[i], sizeof(maps[0]))) {
			return false;
		}
	}
	return true;
}

static void cpuset_str(struct xlcfg_buf *b, const struct xk_cpuset *s)
{
	xlcfg_buf_printf(b, "\"");
	xk_cpuset_format(s, b);
	xlcfg_buf_printf(b, "\"");
}

static void affinity(struct xlcfg_buf *b, const struct xlcfg_domain *d, const char *key,
		     const struct xk_cpuset *maps, size_t n, bool hard)
{
	long long nv = d->max_vcpus ? d->max_vcpus : d->avail_vcpus;
	size_t i;
	/* the string form keeps NUMA placement on; a list turns it off (for hard affinity) */
	bool as_string = same_sets(maps, n) && (long long)n == nv &&
			 !(hard && d->numa_placement == 0 && !d->nsoft);

	if (!n) {
		return;
	}
	xlcfg_buf_printf(b, "%s = ", key);
	if (as_string) {
		cpuset_str(b, &maps[0]);
	} else {
		xlcfg_buf_printf(b, "[ ");
		for (i = 0; i < n; i++) {
			xlcfg_buf_printf(b, "%s", i ? ", " : "");
			cpuset_str(b, &maps[i]);
		}
		xlcfg_buf_printf(b, " ]");
	}
	xlcfg_buf_printf(b, "\n");
}

static void viridian(struct xlcfg_buf *b, const struct xlcfg_domain *d)
{
	const uint64_t named = (1ull << ARRAY_SIZE(xk_viridian_names)) - 1;
	const char *sep = "";
	bool all;
	size_t i;

	if (!d->viridian_enable && !d->viridian_disable) {
		if (d->viridian >= 0) {
			xlcfg_buf_printf(b, "viridian = %d\n", d->viridian);
		}
		return;
	}
	xlcfg_buf_printf(b, "viridian = [ ");
	if (d->viridian == 1) {
		xlcfg_buf_printf(b, "\"defaults\"");
		sep = ", ";
	}
	/* "all" sets every bit, including the 51 that have no name yet */
	all = (d->viridian_enable | named) == ~0ull;
	if (all) {
		xlcfg_buf_printf(b, "%s\"all\"", sep);
		sep = ", ";
	}
	for (i = 0; i < 64; i++) {
		bool en = !all && (d->viridian_enable >> i & 1);
		bool dis = d->viridian_disable >> i & 1;

		if (!en && !dis) {
			continue;
		}
		if (i < ARRAY_SIZE(xk_viridian_names)) {
			xlcfg_buf_printf(b, "%s\"%s%s\"", sep, dis ? "!" : "", xk_viridian_names[i]);
			sep = ", ";
		}
	}
	xlcfg_buf_printf(b, " ]\n");
}

static int custom(struct xlcfg_buf *b, const struct xlcfg_domain *d, const struct xk_desc *k)
{
	static const char *const type_names[] = { [XT_PV] = "pv", [XT_PVH] = "pvh", [XT_HVM] = "hvm" };
	size_t i;

	switch (k->custom) {
	case C_TYPE:
		xlcfg_buf_printf(b, "type = \"%s\"\n", type_names[d->type]);
		break;
	case C_MAX_VCPUS:
		if (d->max_vcpus && d->max_vcpus != d->avail_vcpus) {
			xlcfg_buf_printf(b, "maxvcpus = %lld\n", d->max_vcpus);
		}
		break;
	case C_AVAIL_VCPUS:
		if (d->avail_vcpus) {
			xlcfg_buf_printf(b, "vcpus = %lld\n", d->avail_vcpus);
		}
		break;
	case C_HARD_AFFINITY:
		affinity(b, d, "cpus", d->hard, d->nhard, true);
		break;
	case C_SOFT_AFFINITY:
		affinity(b, d, "cpus_soft", d->soft, d->nsoft, false);
		break;
	case C_MAX_MEMKB:
		if (d->max_memkb >= 0 && d->max_memkb != d->target_memkb) {
			xlcfg_buf_printf(b, "maxmem = %lld\n", d->max_memkb / 1024);
		}
		break;
	case C_TARGET_MEMKB:
		if (d->target_memkb >= 0) {
			xlcfg_buf_printf(b, "memory = %lld\n", d->target_memkb / 1024);
		}
		break;
	case C_CMDLINE:
		if (d->cmdline) {
			xlcfg_buf_printf(b, "cmdline = ");
			xlcfg_buf_quote(b, d->cmdline);
			xlcfg_buf_printf(b, "\n");
		}
		break;
	case C_VIRIDIAN:
		viridian(b, d);
		break;
	case C_VGA:
		if (d->vga_kind) {
			xlcfg_buf_printf(b, "vga = \"%s\"\n", xk_vga_cfg[d->vga_kind]);
		}
		break;
	case C_GFX_PASSTHRU:
		if (d->gfx_kind) {
			xlcfg_buf_printf(b, "gfx_passthru = \"igd\"\n");
		} else if (d->gfx_passthru >= 0) {
			xlcfg_buf_printf(b, "gfx_passthru = %d\n", d->gfx_passthru);
		}
		break;
	case C_DISKS:
		if (!d->ndisks) {
			break;
		}
		xlcfg_buf_printf(b, "disk = [\n");
		for (i = 0; i < d->ndisks; i++) {
			struct xlcfg_buf spec = { 0 };

			xlcfg_disk_to_spec(&d->disks[i], &spec);
			if (spec.err) {
				free(spec.s);
				return -ENOMEM;
			}
			xlcfg_buf_printf(b, "    ");
			xlcfg_buf_quote(b, spec.s);
			xlcfg_buf_printf(b, ",\n");
			free(spec.s);
		}
		xlcfg_buf_printf(b, "]\n");
		break;
	case C_NICS:
		if (!d->nnics) {
			break;
		}
		xlcfg_buf_printf(b, "vif = [\n");
		for (i = 0; i < d->nnics; i++) {
			struct xlcfg_buf spec = { 0 };

			if (xlcfg_vif_to_spec(&d->nics[i], (int)i, &spec) || spec.err) {
				free(spec.s);
				return -EINVAL;
			}
			xlcfg_buf_printf(b, "    ");
			xlcfg_buf_quote(b, spec.s ? spec.s : "");
			xlcfg_buf_printf(b, ",\n");
			free(spec.s);
		}
		xlcfg_buf_printf(b, "]\n");
		break;
	default:
		break;
	}
	return 0;
}

int xlcfg_domain_to_cfg(const struct xlcfg_domain *d, char **out)
{
	struct xlcfg_buf b = { 0 };
	size_t i;
	int rc = 0;

	*out = NULL;
	/* two passes: the domain's own keys first, then devices and actions */
	for (i = 0; !rc && i < 2 * xk_table_len; i++) {
		const struct xk_desc *k = &xk_table[i % xk_table_len];
		const struct xk_slot *s = &d->slots[i % xk_table_len];

		if (!k->key || k->obj == O_NONE || (k->obj == O_TOP) != (i >= xk_table_len)) {
			continue;
		}
		if (k->kind == K_CUSTOM) {
			rc = custom(&b, d, k);
			continue;
		}
		if (!s->set) {
			continue;
		}
		switch (k->kind) {
		case K_STRING:
			xlcfg_buf_printf(&b, "%s = ", k->key);
			xlcfg_buf_quote(&b, s->s);
			break;
		case K_DEFBOOL:
		case K_INT:
			xlcfg_buf_printf(&b, "%s = %lld", k->key, s->i);
			break;
		case K_MEMKB:
			xlcfg_buf_printf(&b, "%s = %lld", k->key, s->i / 1024);
			break;
		case K_ENUM:
			xlcfg_buf_printf(&b, "%s = \"%s\"", k->key, k->en->vals[s->i].cfg);
			break;
		case K_ACTION:
			if (!strcmp(k->en->vals[s->i].cfg, k->en->cfg_default)) {
				continue;
			}
			xlcfg_buf_printf(&b, "%s = \"%s\"", k->key, k->en->vals[s->i].cfg);
			break;
		case K_STRLIST:
			xlcfg_buf_printf(&b, "%s = ", k->key);
			list(&b, s->list, s->n);
			break;
		case K_STR_OR_LIST:
			xlcfg_buf_printf(&b, "%s = ", k->key);
			if (s->list) {
				list(&b, s->list, s->n);
			} else {
				xlcfg_buf_quote(&b, s->s);
			}
			break;
		default:
			continue;
		}
		xlcfg_buf_printf(&b, "\n");
	}
	if (!rc && b.err) {
		rc = -ENOMEM;
	}
	if (rc) {
		free(b.s);
		return rc;
	}
	*out = b.s ? b.s : xlcfg_strdup("");
	return *out ? 0 : -ENOMEM;
}
