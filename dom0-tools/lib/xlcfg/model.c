/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * From the generic tree to the typed domain configuration: look every
 * setting up in the key table, read it according to its kind, check its
 * bounds, then check the configuration as a whole. Semantics follow xl's
 * parse_config_data() (Xen 4.17) unless docs/design/xl-cfg.md says otherwise.
 */
#include "model.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xlcfg_domain *xk_domain_new(void)
{
	struct xlcfg_domain *d = calloc(1, sizeof(*d));

	if (!d) {
		return NULL;
	}
	d->slots = calloc(xk_table_len, sizeof(*d->slots));
	if (!d->slots) {
		free(d);
		return NULL;
	}
	d->type = XT_PV;
	d->numa_placement = -1;
	d->max_memkb = -1;
	d->target_memkb = -1;
	d->viridian = -1;
	d->gfx_passthru = -1;
	return d;
}

static void free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i]);
	}
	free(list);
}

void xlcfg_domain_free(struct xlcfg_domain *d)
{
	size_t i;

	if (!d) {
		return;
	}
	for (i = 0; i < xk_table_len; i++) {
		free(d->slots[i].s);
		free_list(d->slots[i].list, d->slots[i].n);
	}
	free(d->slots);
	free(d->hard);
	free(d->soft);
	free(d->cmdline);
	for (i = 0; i < d->ndisks; i++) {
		xlcfg_disk_fini(&d->disks[i]);
	}
	free(d->disks);
	for (i = 0; i < d->nnics; i++) {
		xlcfg_nic_fini(&d->nics[i]);
	}
	free(d->nics);
	free(d);
}

const char *xlcfg_domain_name(const struct xlcfg_domain *d)
{
	const struct xk_slot *s = xk_slot(d, "name");

	return s->s ? s->s : "";
}

struct xk_slot *xk_slot(const struct xlcfg_domain *d, const char *key)
{
	int i = xk_find_key(key);

	/* every key passed here is in the table; index 0 is a harmless fallback */
	return &d->slots[i < 0 ? 0 : i];
}

/* ---- typed getters: report and return -EINVAL on a bad value ---- */

static int get_atom(struct xlcfg_ctx *ctx, const struct xlcfg_setting *set, const char **out)
{
	if (set->value->kind == XLCFG_LIST) {
		xlcfg_error(ctx, &set->value->pos, "\"%s\" must be a single value, not a list", set->key);
		return -EINVAL;
	}
	*out = set->value->str;
	return 0;
}

static int get_int(struct xlcfg_ctx *ctx, const struct xlcfg_setting *set, long long min,
		   long long max, long long *out)
{
	char shown[80];
	const char *s;
	long long v;

	if (get_atom(ctx, set, &s)) {
		return -EINVAL;
	}
	if (set->appended) {
		xlcfg_error(ctx, &set->pos, "\"%s\" is a number; += cannot be used with numbers", set->key);
		return -EINVAL;
	}
	if (!xlcfg_parse_int(s, &v)) {
		xlcfg_quote_for_msg(shown, sizeof(shown), s);
		xlcfg_error(ctx, &set->value->pos, "\"%s\" must be a whole number, found \"%s\"", set->key,
			    shown);
		return -EINVAL;
	}
	if (v < min || v > max) {
		xlcfg_error(ctx, &set->value->pos, "\"%s\" must be between %lld and %lld, found %lld",
			    set->key, min, max, v);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int get_bool(struct xlcfg_ctx *ctx, const struct xlcfg_setting *set, long long *out)
{
	long long v;

	/* xl reads booleans as numbers and takes any non-zero value as true */
	if (get_int(ctx, set, LLONG_MIN, LLONG_MAX, &v)) {
		return -EINVAL;
	}
	*out = v != 0;
	return 0;
}

static int get_strlist(struct xlcfg_ctx *ctx, const struct xlcfg_setting *set, char ***out,
		       size_t *n)
{
	const struct xlcfg_value *v = set->value;
	char **list;
	size_t i;

	if (v->kind != XLCFG_LIST) {
		xlcfg_error(ctx, &v->pos, "\"%s\" must be a list of strings", set->key);
		return -EINVAL;
	}
	for (i = 0; i < v->nitems; i++) {
		if (v->items[i]->kind == XLCFG_LIST) {
			xlcfg_error(ctx, &v->items[i]->pos, "\"%s\" must be a list of strings, not of lists",
				    set->key);
			return -EINVAL;
		}
	}
	list = calloc(v->nitems ? v->nitems : 1, sizeof(*list));
	if (!list) {
		return -ENOMEM;
	}
	for (i = 0; i < v->nitems; i++) {
		list[i] = xlcfg_strdup(v->items[i]->str);
		if (!list[i]) {
			free_list(list, i);
			return -ENOMEM;
		}
	}
	*out = list;
	*n = v->nitems;
	return 0;
}

/* Splits s at blanks, as xl does for the deprecated string form of bootloader_args. */
static int split_words(const char *s, char ***out, size_t *n)
{
	char **list = calloc(strlen(s) / 2 + 2, sizeof(*list));
	size_t k = 0;

	if (!list) {
		return -ENOMEM;
	}
	while (*s) {
		size_t w;

		s += strspn(s, " \t\n");
		w = strcspn(s, " \t\n");
		if (!w) {
			break;
		}
		list[k] = strndup(s, w);
		if (!list[k]) {
			free_list(list, k);
			return -ENOMEM;
		}
		k++;
		s += w;
	}
	*out = list;
	*n = k;
	return 0;
}

static int find_enum(const struct xk_enum *en, const char *s)
{
	size_t i;
	long long v;

	for (i = 0; i < en->n; i++) {
		if (!strcmp(en->vals[i].cfg, s)) {
			return (int)i;
		}
	}
	if (xlcfg_parse_int(s, &v)) {
		for (i = 0; i < en->n; i++) {
			if (en->vals[i].num >= 0 && en->vals[i].num == v) {
				return (int)i;
			}
		}
	}
	return -1;
}

static void enum_choices(const struct xk_enum *en, char *buf, size_t size)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < en->n && o < size; i++) {
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? (i + 1 == en->n ? " or " : ", ") : "",
				      en->vals[i].cfg);
	}
}

static bool uuid_ok(const char *s)
{
	size_t i;

	if (strlen(s) != 36) {
		return false;
	}
	for (i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i])) {
			return false;
		}
	}
	return true;
}

static int check_string(struct xlcfg_ctx *ctx, const struct xk_desc *k, const struct xlcfg_setting *set)
{
	const char *s = set->value->str;
	size_t i;

	if (!k->check) {
		return 0;
	}
	if (!strcmp(k->check, "uuid") && !uuid_ok(s)) {
		xlcfg_error(ctx, &set->value->pos,
			    "\"uuid\" must look like xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits)");
		return -EINVAL;
	}
	if (!strcmp(k->check, "boot")) {
		for (i = 0; s[i]; i++) {
			if (!strchr("acdn", s[i])) {
				struct xlcfg_pos p = xlcfg_value_pos_at(set->value, i);

				xlcfg_error(ctx, &p, "\"boot\" devices are a (floppy), c (disk), d (CD-ROM) or n (network), found '%c'",
					    s[i]);
				return -EINVAL;
			}
		}
		if (!i) {
			xlcfg_error(ctx, &set->value->pos, "\"boot\" must not be empty");
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- custom keys ---- */

static const struct xlcfg_setting *lookup(const struct xlcfg_file *f, const char *key)
{
	return xlcfg_lookup(f, key);
}

static int parse_type(struct xlcfg_ctx *ctx, const struct xlcfg_file *f, struct xlcfg_domain *d)
{
	const struct xlcfg_setting *t = lookup(f, "type"), *b = lookup(f, "builder");
	const char *s;
	int type = 0, btype = 0;

	if (t) {
		if (get_atom(ctx, t, &s)) {
			return -EINVAL;
		}
		if (!strcmp(s, "pv")) {
			type = XT_PV;
		} else if (!strcmp(s, "pvh")) {
			type = XT_PVH;
		} else if (!strcmp(s, "hvm")) {
			type = XT_HVM;
		} else {
			xlcfg_error(ctx, &t->value->pos, "\"type\" must be pv, pvh or hvm");
			return -EINVAL;
		}
	}
	if (b) {
		if (get_atom(ctx, b, &s)) {
			return -EINVAL;
		}
		if (!strcmp(s, "hvm")) {
			btype = XT_HVM;
		} else if (!strcmp(s, "generic")) {
			btype = XT_PV;
		} else {
			xlcfg_error(ctx, &b->value->pos, "\"builder\" must be hvm or generic (it is deprecated: use type)");
			return -EINVAL;
		}
		xlcfg_warn(ctx, &b->pos, "\"builder\" is deprecated; use \"type\"");
		if (type && type != btype) {
			xlcfg_error(ctx, &b->pos, "\"builder\" contradicts \"type\"");
			return -EINVAL;
		}
		type = btype;
	}
	d->type = type ? type : XT_PV;
	return 0;
}

static int parse_cmdline(struct xlcfg_ctx *ctx, const struct xlcfg_file *f, struct xlcfg_domain *d)
{
	const struct xlcfg_setting *c = lookup(f, "cmdline"), *r = lookup(f, "root"),
				   *e = lookup(f, "extra");
	const char *cs = NULL, *rs = NULL, *es = NULL;

	if ((c && get_atom(ctx, c, &cs)) || (r && get_atom(ctx, r, &rs)) ||
	    (e && get_atom(ctx, e, &es))) {
		return -EINVAL;
	}
	if (cs) {
		if (rs || es) {
			xlcfg_warn(ctx, &c->pos, "ignoring \"root\" and \"extra\" in favour of \"cmdline\"");
		}
		d->cmdline = xlcfg_strdup(cs);
	} else if (rs && es) {
		d->cmdline = xlcfg_asprintf("root=%s %s", rs, es);
	} else if (rs) {
		d->cmdline = xlcfg_asprintf("root=%s", rs);
	} else if (es) {
		d->cmdline = xlcfg_strdup(es);
	} else {
		return 0;
	}
	if (!d->cmdline) {
		return -ENOMEM;
	}
	if (strlen(d->cmdline) > XLCFG_MAX_STRING) {
		xlcfg_error(ctx, &(c ? c : r ? r : e)->pos, "kernel command line too long");
		return -EINVAL;
	}
	return 0;
}

static int parse_affinity(struct xlcfg_ctx *ctx, const struct xlcfg_setting *set,
			  struct xlcfg_domain *d, bool hard)
{
	long long nv = d->max_vcpus ? d->max_vcpus : d->avail_vcpus;
	const struct xlcfg_value *v = set->value;
	struct xk_cpuset *maps, one;
	size_t i, n;
	int rc;

	if (!nv) {
		xlcfg_warn(ctx, &set->pos, "\"%s\" without \"vcpus\" has no effect", set->key);
		return 0;
	}
	if (v->kind != XLCFG_LIST) {
		memset(&one, 0, sizeof(one));
		rc = xk_cpuset_parse(ctx, v, &one);
		if (rc == 1) {
			return 0; /* "all": no restriction */
		}
		if (rc) {
			return rc;
		}
		n = (size_t)nv;
	} else {
		n = v->nitems < (size_t)nv ? v->nitems : (size_t)nv;
		if (v->nitems > (size_t)nv) {
			xlcfg_warn(ctx, &v->items[nv]->pos, "\"%s\" lists more CPU sets than there are vCPUs; the rest are ignored",
				   set->key);
		}
	}
	maps = calloc(n ? n : 1, sizeof(*maps));
	if (!maps) {
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (v->kind != XLCFG_LIST) {
			maps[i] = one;
			continue;
		}
		if (v->items[i]->kind == XLCFG_LIST) {
			xlcfg_error(ctx, &v->items[i]->pos, "\"%s\" must list CPU sets as strings", set->key);
			free(maps);
			return -EINVAL;
		}
		rc = xk_cpuset_parse(ctx, v->items[i], &maps[i]);
		if (rc == 1) {
			xlcfg_error(ctx, &v->items[i]->pos, "\"all\" is only allowed as the whole value of \"%s\"",
				    set->key);
			rc = -EINVAL;
		}
		if (rc) {
			free(maps);
			return rc;
		}
	}
	if (hard) {
		d->hard = maps;
		d->nhard = n;
		if (v->kind == XLCFG_LIST) {
			d->numa_placement = 0;
		}
	} else {
		d->soft = maps;
		d->nsoft = n;
		d->numa_placement = 0;
	}
	return 0;
}

const char *const xk_viridian_names[13] = {
	"base", "freq", "time_ref_count", "reference_tsc", "hcall_remote_tlb_flush",
	"apic_assist", "crash_ctl", "synic", "stimer", "hcall_ipi", "ex_processor_masks",
	"no_vp_limit", "cpu_hotplug",
};

static int parse_viridian(struct xlcfg_ctx *ctx, const struct xlcfg_setting *set,
			  struct xlcfg_domain *d)
{
	const struct xlcfg_value *v = set->value;
	long long b;
	size_t i, j;

	if (v->kind != XLCFG_LIST) {
		if (get_bool(ctx, set, &b)) {
			return -EINVAL;
		}
		d->viridian = (int)b;
		return 0;
	}
	if (v->nitems) {
		d->viridian_enable_set = d->viridian_disable_set = true;
	}
	for (i = 0; i < v->nitems; i++) {
		const char *s = v->items[i]->str;
		bool neg = false;

		if (v->items[i]->kind == XLCFG_LIST) {
			xlcfg_error(ctx, &v->items[i]->pos, "\"viridian\" must list enlightenment names");
			return -EINVAL;
		}
		if (!strcmp(s, "all")) {
			d->viridian_enable = ~0ull;
			continue;
		}
		if (!strcmp(s, "defaults")) {
			d->viridian = 1;
			continue;
		}
		if (*s == '!') {
			neg = true;
			s++;
		}
		for (j = 0; j < ARRAY_SIZE(xk_viridian_names); j++) {
			if (!strcmp(s, xk_viridian_names[j])) {
				break;
			}
		}
		if (j == ARRAY_SIZE(xk_viridian_names)) {
			char shown[80];

			xlcfg_quote_for_msg(shown, sizeof(shown), s);
			xlcfg_error(ctx, &v->items[i]->pos, "unknown viridian enlightenment \"%s\"", shown);
			return -EINVAL;
		}
		if (neg) {
			d->viridian_disable |= 1ull << j;
			d->viridian_enable &= ~(1ull << j);
		} else {
			d->viridian_enable |= 1ull << j;
			d->viridian_disable &= ~(1ull << j);
		}
	}
	return 0;
}

const char *const xk_vga_cfg[5] = { NULL, "cirrus", "stdvga", "none", "qxl" };
const char *const xk_vga_json[5] = { NULL, "cirrus", "std", "none", "qxl" };

static int parse_vga(struct xlcfg_ctx *ctx, const struct xlcfg_file *f, struct xlcfg_domain *d)
{
	const struct xlcfg_setting *v = lookup(f, "vga"), *s = lookup(f, "stdvga");
	const char *str;
	long long b;
	int i;

	if (v) {
		if (get_atom(ctx, v, &str)) {
			return -EINVAL;
		}
		for (i = 1; i < 5; i++) {
			if (!strcmp(str, xk_vga_cfg[i])) {
				d->vga_kind = i;
				return 0;
			}
		}
		xlcfg_error(ctx, &v->value->pos, "\"vga\" must be stdvga, cirrus, none or qxl");
		return -EINVAL;
	}
	if (s) {
		if (get_bool(ctx, s, &b)) {
			return -EINVAL;
		}
		d->vga_kind = b ? 2 : 1;
	}
	return 0;
}

static int parse_gfx(struct xlcfg_ctx *ctx, const struct xlcfg_setting *set, struct xlcfg_domain *d)
{
	long long v;
	const char *s;

	if (get_atom(ctx, set, &s)) {
		return -EINVAL;
	}
	if (xlcfg_parse_int(s, &v)) {
		d->gfx_passthru = v != 0;
		return 0;
	}
	if (!strcmp(s, "default")) {
		d->gfx_kind = 0;
	} else if (!strcmp(s, "igd")) {
		d->gfx_kind = 1;
	} else {
		xlcfg_error(ctx, &set->value->pos, "\"gfx_passthru\" must be 0, 1, \"default\" or \"igd\"");
		return -EINVAL;
	}
	d->gfx_passthru = 1;
	return 0;
}

#define XEN_FIRMWARE_DIR "/usr/lib/xen/boot"

static int parse_firmware(struct xlcfg_ctx *ctx, const struct xlcfg_setting *set,
			  struct xlcfg_domain *d)
{
	struct xk_slot *slot;
	const char *s;

	if (get_atom(ctx, set, &s)) {
		return -EINVAL;
	}
	if (d->type == XT_HVM) {
		if (!strcmp(s, "rombios") || !strcmp(s, "seabios") || !strcmp(s, "ovmf") ||
		    !strcmp(s, "uefi")) {
			slot = xk_slot(d, "bios");
			slot->set = true;
			slot->i = !strcmp(s, "rombios") ? 0 : !strcmp(s, "seabios") ? 1 : 2;
			slot->pos = set->pos;
			return 0;
		}
		if (!strcmp(s, "bios")) {
			return 0; /* the default, chosen later by the device model */
		}
		slot = xk_slot(d, "firmware_override"); /* a path to custom firmware */
	} else {
		if (strcmp(s, "pvgrub32") && strcmp(s, "pvgrub64")) {
			xlcfg_error(ctx, &set->value->pos, "\"firmware\" for PV and PVH guests must be pvgrub32 or pvgrub64");
			return -EINVAL;
		}
		slot = xk_slot(d, "kernel");
		if (slot->set) {
			xlcfg_error(ctx, &set->pos, "both \"kernel\" and \"firmware\" are given");
			return -EINVAL;
		}
		free(slot->s);
		slot->s = xlcfg_asprintf(XEN_FIRMWARE_DIR "/%s.bin", s);
		slot->set = true;
		slot->pos = set->pos;
		return slot->s ? 0 : -ENOMEM;
	}
	free(slot->s);
	slot->s = xlcfg_strdup(s);
	slot->set = true;
	slot->pos = set->pos;
	return slot->s ? 0 : -ENOMEM;
}

static int parse_devices(struct xlcfg_ctx *ctx, const struct xlcfg_setting *set,
			 struct xlcfg_domain *d, bool disks)
{
	const struct xlcfg_value *v = set->value;
	size_t i;
	int rc;

	if (v->kind != XLCFG_LIST) {
		xlcfg_error(ctx, &v->pos, "\"%s\" must be a list of %s specification strings", set->key,
			    disks ? "disk" : "vif");
		return -EINVAL;
	}
	if (disks) {
		d->disks = calloc(v->nitems ? v->nitems : 1, sizeof(*d->disks));
	} else {
		d->nics = calloc(v->nitems ? v->nitems : 1, sizeof(*d->nics));
	}
	if (disks ? !d->disks : !d->nics) {
		return -ENOMEM;
	}
	for (i = 0; i < v->nitems; i++) {
		if (v->items[i]->kind == XLCFG_LIST) {
			xlcfg_error(ctx, &v->items[i]->pos, "\"%s\" items must be strings", set->key);
			return -EINVAL;
		}
		if (disks) {
			d->ndisks = i + 1;
			rc = xlcfg_disk_parse(ctx, v->items[i], &d->disks[i]);
		} else {
			d->nnics = i + 1;
			rc = xlcfg_vif_parse(ctx, v->items[i], (int)i, &d->nics[i]);
		}
		if (rc) {
			return rc;
		}
	}
	return 0;
}

static int parse_custom(struct xlcfg_ctx *ctx, const struct xlcfg_file *f, const struct xk_desc *k,
			const struct xlcfg_setting *set, struct xlcfg_domain *d)
{
	long long v;

	switch (k->custom) {
	case C_MAX_VCPUS:
		return get_int(ctx, set, 1, XLCFG_MAX_VCPUS, &d->max_vcpus);
	case C_AVAIL_VCPUS:
		return get_int(ctx, set, 1, XLCFG_MAX_VCPUS, &d->avail_vcpus);
	case C_HARD_AFFINITY:
		return parse_affinity(ctx, set, d, true);
	case C_SOFT_AFFINITY:
		return parse_affinity(ctx, set, d, false);
	case C_MAX_MEMKB:
		if (get_int(ctx, set, 1, (long long)XLCFG_MAX_MEMORY_MB, &v)) {
			return -EINVAL;
		}
		d->max_memkb = v * 1024;
		return 0;
	case C_TARGET_MEMKB:
		if (get_int(ctx, set, 1, (long long)XLCFG_MAX_MEMORY_MB, &v)) {
			return -EINVAL;
		}
		d->target_memkb = v * 1024;
		return 0;
	case C_FIRMWARE:
		return parse_firmware(ctx, set, d);
	case C_VIRIDIAN:
		return parse_viridian(ctx, set, d);
	case C_VGA:
		return parse_vga(ctx, f, d);
	case C_GFX_PASSTHRU:
		return parse_gfx(ctx, set, d);
	case C_DISKS:
		return parse_devices(ctx, set, d, true);
	case C_NICS:
		return parse_devices(ctx, set, d, false);
	case C_COMPAT:
		if (!strcmp(k->key, "stdvga") && !lookup(f, "vga")) {
			return parse_vga(ctx, f, d);
		}
		return 0;
	default:
		/* type and cmdline are read as a whole before the table walk */
		return 0;
	}
}

static int parse_row(struct xlcfg_ctx *ctx, const struct xlcfg_file *f, const struct xk_desc *k,
		     const struct xlcfg_setting *set, struct xlcfg_domain *d, struct xk_slot *slot)
{
	const char *s;
	char shown[80], choices[300];
	int e;

	slot->pos = set->pos;
	switch (k->kind) {
	case K_STRING:
		if (get_atom(ctx, set, &s) || check_string(ctx, k, set)) {
			return -EINVAL;
		}
		slot->s = xlcfg_strdup(s);
		slot->set = true;
		return slot->s ? 0 : -ENOMEM;
	case K_DEFBOOL:
		if (get_bool(ctx, set, &slot->i)) {
			return -EINVAL;
		}
		slot->set = true;
		return 0;
	case K_INT:
		if (get_int(ctx, set, k->min, k->max, &slot->i)) {
			return -EINVAL;
		}
		slot->set = true;
		return 0;
	case K_MEMKB:
		if (get_int(ctx, set, k->min, k->max, &slot->i)) {
			return -EINVAL;
		}
		slot->i *= 1024;
		slot->set = true;
		return 0;
	case K_ENUM:
	case K_ACTION:
		if (get_atom(ctx, set, &s)) {
			return -EINVAL;
		}
		e = find_enum(k->en, s);
		if (e < 0) {
			xlcfg_quote_for_msg(shown, sizeof(shown), s);
			enum_choices(k->en, choices, sizeof(choices));
			xlcfg_error(ctx, &set->value->pos, "\"%s\" must be %s, found \"%s\"", k->key, choices,
				    shown);
			return -EINVAL;
		}
		slot->i = e;
		slot->set = true;
		return 0;
	case K_STRLIST:
		if (set->value->kind != XLCFG_LIST && !strcmp(k->key, "bootloader_args")) {
			xlcfg_warn(ctx, &set->pos, "a string \"bootloader_args\" is deprecated; use a list");
			e = split_words(set->value->str, &slot->list, &slot->n);
		} else {
			e = get_strlist(ctx, set, &slot->list, &slot->n);
		}
		slot->set = !e;
		return e;
	case K_STR_OR_LIST:
		if (set->value->kind == XLCFG_LIST) {
			e = get_strlist(ctx, set, &slot->list, &slot->n);
		} else {
			slot->s = xlcfg_strdup(set->value->str);
			e = slot->s ? 0 : -ENOMEM;
		}
		slot->set = !e;
		return e;
	case K_CUSTOM:
		return parse_custom(ctx, f, k, set, d);
	default:
		return 0;
	}
}

static const char *types_name(uint8_t types)
{
	switch (types) {
	case XT_PV:
		return "PV";
	case XT_PVH:
		return "PVH";
	case XT_HVM:
		return "HVM";
	case XT_HVM | XT_PVH:
		return "HVM and PVH";
	default:
		return "other";
	}
}

/* Checks the configuration as a whole, after every key was read. */
static int check_domain(struct xlcfg_ctx *ctx, const struct xlcfg_file *f, struct xlcfg_domain *d)
{
	const struct xlcfg_setting *set;
	size_t i;

	if (!xk_slot(d, "name")->set || !*xk_slot(d, "name")->s) {
		xlcfg_error(ctx, NULL, "the domain needs a \"name\"");
		return -EINVAL;
	}
	if (!d->max_vcpus) {
		d->max_vcpus = d->avail_vcpus;
	} else if (d->max_vcpus < d->avail_vcpus) {
		set = lookup(f, "maxvcpus");
		xlcfg_error(ctx, &set->value->pos, "\"maxvcpus\" (%lld) is less than \"vcpus\" (%lld)",
			    d->max_vcpus, d->avail_vcpus);
		return -EINVAL;
	}
	if (d->max_memkb < 0) {
		d->max_memkb = d->target_memkb;
	} else if (d->target_memkb > d->max_memkb) {
		set = lookup(f, "maxmem");
		xlcfg_error(ctx, &set->value->pos, "\"maxmem\" (%lld MiB) is less than \"memory\" (%lld MiB)",
			    d->max_memkb / 1024, d->target_memkb / 1024);
		return -EINVAL;
	}
	if (d->type != XT_HVM && !xk_slot(d, "kernel")->set && !xk_slot(d, "bootloader")->set) {
		xlcfg_error(ctx, NULL, "a %s guest needs \"kernel\" (or \"bootloader\")",
			    d->type == XT_PV ? "PV" : "PVH");
		return -EINVAL;
	}
	for (i = 0; i < xk_table_len; i++) {
		const struct xk_desc *k = &xk_table[i];

		if (k->kind == K_ACTION && !d->slots[i].set) {
			d->slots[i].i = find_enum(k->en, k->en->cfg_default);
			d->slots[i].set = true;
		}
	}
	return 0;
}

int xlcfg_domain_from_file(struct xlcfg_ctx *ctx, const struct xlcfg_file *f,
			   struct xlcfg_domain **out)
{
	struct xlcfg_domain *d;
	const struct xlcfg_setting *set;
	size_t i;
	int rc = 0;

	*out = NULL;
	d = xk_domain_new();
	if (!d) {
		return -ENOMEM;
	}
	/* unknown and unsupported keys: warn once each, at the setting in force */
	for (set = f->head; set; set = set->next) {
		int k = xk_find_key(set->key);

		if (xlcfg_lookup(f, set->key) != set) {
			continue;
		}
		if (k < 0) {
			xlcfg_warn(ctx, &set->pos, "unknown key \"%s\" (ignored)", set->key);
		} else if (xk_table[k].kind == K_IGNORED) {
			xlcfg_warn(ctx, &set->pos, "\"%s\" is not supported by Argon yet (%s); ignored",
				   set->key, xk_table[k].note);
		}
	}
	rc = parse_type(ctx, f, d);
	if (!rc) {
		rc = parse_cmdline(ctx, f, d);
	}
	for (i = 0; !rc && i < xk_table_len; i++) {
		const struct xk_desc *k = &xk_table[i];

		if (!k->key || k->kind == K_IGNORED) {
			continue;
		}
		set = lookup(f, k->key);
		if (!set) {
			continue;
		}
		if (!(k->types & d->type)) {
			xlcfg_warn(ctx, &set->pos, "\"%s\" applies only to %s guests; ignored", k->key,
				   types_name(k->types));
			continue;
		}
		rc = parse_row(ctx, f, k, set, d, &d->slots[i]);
	}
	if (!rc) {
		rc = check_domain(ctx, f, d);
	}
	if (rc) {
		if (rc == -ENOMEM) {
			xlcfg_error(ctx, NULL, "out of memory");
		}
		xlcfg_domain_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int xlcfg_domain_from_text(struct xlcfg_ctx *ctx, const char *data, size_t len,
			   struct xlcfg_domain **out)
{
	struct xlcfg_file *f;
	int rc;

	*out = NULL;
	rc = xlcfg_parse(ctx, data, len, &f);
	if (rc) {
		return rc;
	}
	rc = xlcfg_domain_from_file(ctx, f, out);
	xlcfg_file_free(f);
	return rc;
}

int xlcfg_read_file(struct xlcfg_ctx *ctx, const char *path, char **data, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	size_t n;

	*data = NULL;
	*len = 0;
	if (!fp) {
		int e = errno;

		xlcfg_error(ctx, NULL, "cannot open: %s", strerror(e));
		return -e;
	}
	buf = malloc(XLCFG_MAX_FILE + 2);
	if (!buf) {
		fclose(fp);
		return -ENOMEM;
	}
	n = fread(buf, 1, XLCFG_MAX_FILE + 1, fp);
	if (ferror(fp)) {
		xlcfg_error(ctx, NULL, "cannot read");
		fclose(fp);
		free(buf);
		return -EIO;
	}
	fclose(fp);
	if (n > XLCFG_MAX_FILE) {
		xlcfg_error(ctx, NULL, "file larger than %u bytes", XLCFG_MAX_FILE);
		free(buf);
		return -EFBIG;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}
