/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libxl domain_config JSON -> domain configuration, the inverse of
 * json_out.c: the same key table says where each field lives and how it
 * reads. Fields Argon does not model are warned about and ignored; values of
 * the wrong type or out of range are errors naming the field's path. Values
 * that xl.cfg could not express (memory that is not whole MiB, vCPU sets other
 * than 0..n-1, disk or vif values containing ',') are errors too, so every
 * accepted JSON document converts to a configuration file.
 */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jctx {
	struct xlcfg_ctx *ctx;
	struct xlcfg_domain *d;
	char path[256];
};

static int jerr(struct jctx *j, const char *field, const char *what)
{
	xlcfg_error(j->ctx, NULL, "JSON field %s%s%s: %s", j->path, *j->path ? "." : "", field, what);
	return -EINVAL;
}

static int get_str(struct jctx *j, const char *field, yajl_val v, char **out)
{
	const char *s = YAJL_GET_STRING(v);

	if (!YAJL_IS_STRING(v) || !s) {
		return jerr(j, field, "expected a string");
	}
	if (strlen(s) > XLCFG_MAX_STRING || !xlcfg_utf8_ok(s, strlen(s))) {
		return jerr(j, field, "string too long or not valid UTF-8");
	}
	free(*out);
	*out = xlcfg_strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int get_int(struct jctx *j, const char *field, yajl_val v, long long min, long long max,
		   long long *out)
{
	char msg[96];

	if (!YAJL_IS_INTEGER(v)) {
		return jerr(j, field, "expected an integer");
	}
	if (YAJL_GET_INTEGER(v) < min || YAJL_GET_INTEGER(v) > max) {
		snprintf(msg, sizeof(msg), "must be between %lld and %lld", min, max);
		return jerr(j, field, msg);
	}
	*out = YAJL_GET_INTEGER(v);
	return 0;
}

static int get_defbool(struct jctx *j, const char *field, yajl_val v, int *out)
{
	const char *s = YAJL_GET_STRING(v);

	if (YAJL_IS_STRING(v) && s && !strcmp(s, "True")) {
		*out = 1;
	} else if (YAJL_IS_STRING(v) && s && !strcmp(s, "False")) {
		*out = 0;
	} else if (YAJL_IS_STRING(v) && s && !strcmp(s, "<default>")) {
		*out = -1;
	} else {
		return jerr(j, field, "expected \"True\" or \"False\"");
	}
	return 0;
}

static int get_name(struct jctx *j, const char *field, yajl_val v, const char *const *names,
		    size_t n, int *out)
{
	const char *s = YAJL_GET_STRING(v);
	size_t i;

	if (!YAJL_IS_STRING(v) || !s) {
		return jerr(j, field, "expected a string");
	}
	for (i = 1; i < n; i++) {
		if (names[i] && !strcmp(names[i], s)) {
			*out = (int)i;
			return 0;
		}
	}
	return jerr(j, field, "unknown value");
}

static int get_strlist(struct jctx *j, const char *field, yajl_val v, char ***list, size_t *n)
{
	size_t i, len;

	if (!YAJL_IS_ARRAY(v)) {
		return jerr(j, field, "expected an array of strings");
	}
	len = YAJL_GET_ARRAY(v)->len;
	if (len > XLCFG_MAX_LIST) {
		return jerr(j, field, "too many items");
	}
	*list = calloc(len ? len : 1, sizeof(**list));
	if (!*list) {
		return -ENOMEM;
	}
	*n = len;
	for (i = 0; i < len; i++) {
		int rc = get_str(j, field, YAJL_GET_ARRAY(v)->values[i], &(*list)[i]);

		if (rc) {
			return rc;
		}
	}
	return 0;
}

static int get_bits64(struct jctx *j, const char *field, yajl_val v, uint64_t *bits)
{
	size_t i;
	long long b;

	if (!YAJL_IS_ARRAY(v)) {
		return jerr(j, field, "expected an array of bit numbers");
	}
	*bits = 0;
	for (i = 0; i < YAJL_GET_ARRAY(v)->len; i++) {
		if (get_int(j, field, YAJL_GET_ARRAY(v)->values[i], 0, 63, &b)) {
			return -EINVAL;
		}
		*bits |= 1ull << b;
	}
	return 0;
}

static int get_affinity(struct jctx *j, const char *field, yajl_val v, struct xk_cpuset **out,
			size_t *n)
{
	size_t i, k, len;
	long long c;

	if (!YAJL_IS_ARRAY(v) || YAJL_GET_ARRAY(v)->len > XLCFG_MAX_VCPUS) {
		return jerr(j, field, "expected an array (one CPU set per vCPU)");
	}
	len = YAJL_GET_ARRAY(v)->len;
	*out = calloc(len ? len : 1, sizeof(**out));
	if (!*out) {
		return -ENOMEM;
	}
	*n = len;
	for (i = 0; i < len; i++) {
		yajl_val set = YAJL_GET_ARRAY(v)->values[i];

		if (!YAJL_IS_ARRAY(set) || !YAJL_GET_ARRAY(set)->len) {
			return jerr(j, field, "expected non-empty arrays of CPU numbers");
		}
		for (k = 0; k < YAJL_GET_ARRAY(set)->len; k++) {
			if (get_int(j, field, YAJL_GET_ARRAY(set)->values[k], 0, XLCFG_MAX_VCPUS - 1, &c)) {
				return -EINVAL;
			}
			xk_cpuset_set(&(*out)[i], (unsigned int)c);
		}
	}
	return 0;
}

static int get_memkb(struct jctx *j, const char *field, yajl_val v, long long min_mb,
		     long long max_mb, long long *out)
{
	if (get_int(j, field, v, min_mb * 1024, max_mb * 1024, out)) {
		return -EINVAL;
	}
	if (*out % 1024) {
		return jerr(j, field, "not a whole number of MiB, which xl.cfg cannot express");
	}
	return 0;
}

/* Strings that go inside a disk or vif specification must not contain ','. */
static int spec_safe(struct jctx *j, const char *field, const char *s)
{
	if (s && strchr(s, ',')) {
		return jerr(j, field, "contains ',', which a disk or vif specification cannot express");
	}
	return 0;
}

#define FIELD(name) (!strcmp(k, name))

static int parse_disk(struct jctx *j, yajl_val o, struct xlcfg_disk *d)
{
	static const char *const specs[3] = { NULL, "xen", "virtio" };
	size_t i;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	d->discard_enable = d->colo_enable = d->trusted = -1;
	if (!YAJL_IS_OBJECT(o)) {
		return jerr(j, "", "expected an object");
	}
	for (i = 0; !rc && i < YAJL_GET_OBJECT(o)->len; i++) {
		const char *k = YAJL_GET_OBJECT(o)->keys[i];
		yajl_val v = YAJL_GET_OBJECT(o)->values[i];
		long long n;
		int b;

		if (FIELD("pdev_path")) {
			rc = get_str(j, k, v, &d->pdev_path);
			if (!rc && *d->pdev_path && d->pdev_path[strlen(d->pdev_path) - 1] == ',') {
				rc = jerr(j, k, "ends in ',', which a disk specification cannot express");
			}
		} else if (FIELD("vdev")) {
			rc = get_str(j, k, v, &d->vdev) ?: spec_safe(j, k, d->vdev);
		} else if (FIELD("backend_domname")) {
			rc = get_str(j, k, v, &d->backend_domname) ?: spec_safe(j, k, d->backend_domname);
		} else if (FIELD("script")) {
			rc = get_str(j, k, v, &d->script) ?: spec_safe(j, k, d->script);
		} else if (FIELD("colo_host")) {
			rc = get_str(j, k, v, &d->colo_host) ?: spec_safe(j, k, d->colo_host);
		} else if (FIELD("colo_export")) {
			rc = get_str(j, k, v, &d->colo_export) ?: spec_safe(j, k, d->colo_export);
		} else if (FIELD("active_disk")) {
			rc = get_str(j, k, v, &d->active_disk) ?: spec_safe(j, k, d->active_disk);
		} else if (FIELD("hidden_disk")) {
			rc = get_str(j, k, v, &d->hidden_disk) ?: spec_safe(j, k, d->hidden_disk);
		} else if (FIELD("backend")) {
			rc = get_name(j, k, v, xlcfg_disk_backends, 5, &d->backend);
		} else if (FIELD("format")) {
			rc = get_name(j, k, v, xlcfg_disk_formats, 7, &d->format);
		} else if (FIELD("specification")) {
			rc = get_name(j, k, v, specs, 3, &d->specification);
		} else if (FIELD("removable") || FIELD("readwrite") || FIELD("is_cdrom")) {
			rc = get_int(j, k, v, 0, 1, &n);
			if (FIELD("readwrite")) {
				d->readwrite = (int)n;
			} else if (FIELD("is_cdrom")) {
				d->is_cdrom = (int)n;
			}
		} else if (FIELD("colo_port")) {
			rc = get_int(j, k, v, 0, 65535, &n);
			d->colo_port = (int)n;
		} else if (FIELD("direct_io_safe")) {
			if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) {
				rc = jerr(j, k, "expected true or false");
			}
			d->direct_io_safe = YAJL_IS_TRUE(v);
		} else if (FIELD("discard_enable") || FIELD("colo_enable") || FIELD("trusted")) {
			rc = get_defbool(j, k, v, &b);
			*(FIELD("trusted") ? &d->trusted : FIELD("colo_enable") ? &d->colo_enable
									    : &d->discard_enable) = b;
		} else {
			xlcfg_warn(j->ctx, NULL, "JSON field %s.%s is not supported; ignored", j->path, k);
		}
	}
	if (rc) {
		return rc;
	}
	if (!d->vdev || !*d->vdev) {
		return jerr(j, "vdev", "a disk needs a vdev");
	}
	if (!d->format) {
		d->format = 4; /* raw, as xl's disk parser defaults */
	}
	if (d->is_cdrom) {
		d->removable = 1;
		d->readwrite = 0;
	} else if (!d->pdev_path) {
		return jerr(j, "pdev_path", "a disk that is not a CD-ROM needs a pdev_path");
	}
	return 0;
}

static int parse_mac(struct jctx *j, const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6) {
		return jerr(j, "mac", "expected xx:xx:xx:xx:xx:xx");
	}
	for (i = 0; i < 6; i++) {
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static int parse_nic(struct jctx *j, yajl_val o, int index, struct xlcfg_nic *n)
{
	size_t i, s;
	int rc = 0;

	xlcfg_nic_init(n, index);
	if (!YAJL_IS_OBJECT(o)) {
		return jerr(j, "", "expected an object");
	}
	for (i = 0; !rc && i < YAJL_GET_OBJECT(o)->len; i++) {
		const char *k = YAJL_GET_OBJECT(o)->keys[i];
		yajl_val v = YAJL_GET_OBJECT(o)->values[i];
		long long x;
		char *mac = NULL;

		for (s = 0; s < XLCFG_NIC_NSTR; s++) {
			if (!strcmp(k, xlcfg_nic_strings[s].json)) {
				break;
			}
		}
		if (s < XLCFG_NIC_NSTR) {
			rc = get_str(j, k, v, &n->str[s]) ?: spec_safe(j, k, n->str[s]);
		} else if (FIELD("devid")) {
			rc = get_int(j, k, v, 0, 65535, &x);
			n->devid = (int)x;
		} else if (FIELD("mtu")) {
			rc = get_int(j, k, v, 68, 65535, &x);
			n->mtu = (int)x;
		} else if (FIELD("mac")) {
			rc = get_str(j, k, v, &mac) ?: parse_mac(j, mac, n->mac);
			n->mac_set = !rc;
			free(mac);
		} else if (FIELD("nictype")) {
			rc = get_name(j, k, v, xlcfg_nic_types, 3, &n->nictype);
		} else if (FIELD("rate_bytes_per_interval")) {
			rc = get_int(j, k, v, 1, UINT32_MAX, &x);
			n->rate_bytes_per_interval = (uint64_t)x;
		} else if (FIELD("rate_interval_usecs")) {
			rc = get_int(j, k, v, 1, UINT32_MAX, &x);
			n->rate_interval_usecs = (uint32_t)x;
		} else if (FIELD("trusted")) {
			rc = get_defbool(j, k, v, &n->trusted);
		} else {
			xlcfg_warn(j->ctx, NULL, "JSON field %s.%s is not supported; ignored", j->path, k);
		}
	}
	if (!rc && !n->rate_bytes_per_interval != !n->rate_interval_usecs) {
		rc = jerr(j, "rate_interval_usecs", "rate_bytes_per_interval and rate_interval_usecs go together");
	}
	return rc;
}

static int parse_devices(struct jctx *j, const char *k, yajl_val v, bool disks)
{
	struct xlcfg_domain *d = j->d;
	size_t i, len;
	int rc;

	if (!YAJL_IS_ARRAY(v) || YAJL_GET_ARRAY(v)->len > XLCFG_MAX_LIST) {
		return jerr(j, k, "expected an array");
	}
	len = YAJL_GET_ARRAY(v)->len;
	if (disks) {
		d->disks = calloc(len ? len : 1, sizeof(*d->disks));
	} else {
		d->nics = calloc(len ? len : 1, sizeof(*d->nics));
	}
	if (disks ? !d->disks : !d->nics) {
		return -ENOMEM;
	}
	for (i = 0; i < len; i++) {
		size_t plen = strlen(j->path);

		snprintf(j->path + plen, sizeof(j->path) - plen, "%s%s[%zu]", plen ? "." : "", k, i);
		if (disks) {
			d->ndisks = i + 1;
			rc = parse_disk(j, YAJL_GET_ARRAY(v)->values[i], &d->disks[i]);
		} else {
			d->nnics = i + 1;
			rc = parse_nic(j, YAJL_GET_ARRAY(v)->values[i], (int)i, &d->nics[i]);
		}
		j->path[plen] = '\0';
		if (rc) {
			return rc;
		}
	}
	return 0;
}

static int parse_obj(struct jctx *j, yajl_val o, enum xk_obj obj);

static int custom(struct jctx *j, const struct xk_desc *k, yajl_val v)
{
	struct xlcfg_domain *d = j->d;
	const char *s;
	long long n;
	size_t i;
	int rc;

	switch (k->custom) {
	case C_TYPE:
		s = YAJL_GET_STRING(v);
		if (s && !strcmp(s, "pv")) {
			d->type = XT_PV;
		} else if (s && !strcmp(s, "pvh")) {
			d->type = XT_PVH;
		} else if (s && !strcmp(s, "hvm")) {
			d->type = XT_HVM;
		} else {
			return jerr(j, k->json, "expected \"pv\", \"pvh\" or \"hvm\"");
		}
		return 0;
	case C_MAX_VCPUS:
		return get_int(j, k->json, v, 1, XLCFG_MAX_VCPUS, &d->max_vcpus);
	case C_AVAIL_VCPUS:
		if (!YAJL_IS_ARRAY(v) || !YAJL_GET_ARRAY(v)->len || YAJL_GET_ARRAY(v)->len > XLCFG_MAX_VCPUS) {
			return jerr(j, k->json, "expected an array of vCPU numbers");
		}
		for (i = 0; i < YAJL_GET_ARRAY(v)->len; i++) {
			if (get_int(j, k->json, YAJL_GET_ARRAY(v)->values[i], 0, XLCFG_MAX_VCPUS, &n)) {
				return -EINVAL;
			}
			if (n != (long long)i) {
				return jerr(j, k->json, "only the vCPU set 0..n-1 can be written as \"vcpus\"");
			}
		}
		d->avail_vcpus = (long long)YAJL_GET_ARRAY(v)->len;
		return 0;
	case C_HARD_AFFINITY:
		return get_affinity(j, k->json, v, &d->hard, &d->nhard);
	case C_SOFT_AFFINITY:
		return get_affinity(j, k->json, v, &d->soft, &d->nsoft);
	case C_NUMA_PLACEMENT:
		return get_defbool(j, k->json, v, &d->numa_placement);
	case C_MAX_MEMKB:
		return get_memkb(j, k->json, v, 1, (long long)XLCFG_MAX_MEMORY_MB, &d->max_memkb);
	case C_TARGET_MEMKB:
		return get_memkb(j, k->json, v, 1, (long long)XLCFG_MAX_MEMORY_MB, &d->target_memkb);
	case C_CMDLINE:
		return get_str(j, k->json, v, &d->cmdline);
	case C_VIRIDIAN:
		return get_defbool(j, k->json, v, &d->viridian);
	case C_VIRIDIAN_ENABLE:
		rc = get_bits64(j, k->json, v, &d->viridian_enable);
		d->viridian_enable_set = !rc;
		return rc;
	case C_VIRIDIAN_DISABLE:
		rc = get_bits64(j, k->json, v, &d->viridian_disable);
		d->viridian_disable_set = !rc;
		return rc;
	case C_VGA:
		return get_name(j, k->json, v, xk_vga_json, 5, &d->vga_kind);
	case C_GFX_PASSTHRU:
		return get_defbool(j, k->json, v, &d->gfx_passthru);
	case C_GFX_KIND:
		s = YAJL_GET_STRING(v);
		if (!s || (strcmp(s, "default") && strcmp(s, "igd"))) {
			return jerr(j, k->json, "expected \"default\" or \"igd\"");
		}
		d->gfx_kind = !strcmp(s, "igd");
		return 0;
	case C_DISKS:
		return parse_devices(j, k->json, v, true);
	case C_NICS:
		return parse_devices(j, k->json, v, false);
	default:
		return 0;
	}
}

static int field(struct jctx *j, size_t idx, yajl_val v)
{
	const struct xk_desc *k = &xk_table[idx];
	struct xk_slot *s = &j->d->slots[idx];
	const char *sv = YAJL_GET_STRING(v);
	struct xk_slot *partner;
	size_t i;
	int p, rc;

	switch (k->kind) {
	case K_STRING:
	case K_STR_OR_LIST:
		rc = get_str(j, k->json, v, &s->s);
		if (!rc && k->check && !strcmp(k->check, "uuid") && strlen(s->s) != 36) {
			rc = jerr(j, k->json, "expected a UUID");
		}
		s->set = !rc;
		return rc;
	case K_DEFBOOL:
		rc = get_defbool(j, k->json, v, &p);
		s->set = !rc && p >= 0;
		s->i = p;
		return rc;
	case K_INT:
		rc = get_int(j, k->json, v, k->min, k->max, &s->i);
		s->set = !rc;
		return rc;
	case K_MEMKB:
		rc = get_memkb(j, k->json, v, k->min, k->max, &s->i);
		s->set = !rc;
		return rc;
	case K_ENUM:
	case K_ACTION:
		for (i = 0; sv && i < k->en->n; i++) {
			if (!strcmp(sv, k->en->vals[i].json)) {
				s->i = (long long)i;
				s->set = true;
				return 0;
			}
		}
		return jerr(j, k->json, "unknown value");
	case K_STRLIST:
		rc = get_strlist(j, k->json, v, &s->list, &s->n);
		s->set = !rc;
		return rc;
	case K_LISTPART:
		p = xk_find_key(k->partner);
		partner = &j->d->slots[p];
		if (partner->list) {
			return jerr(j, k->json, "given twice");
		}
		rc = get_strlist(j, k->json, v, &partner->list, &partner->n);
		partner->set = !rc;
		return rc;
	case K_SUB: {
		size_t plen = strlen(j->path);

		snprintf(j->path + plen, sizeof(j->path) - plen, "%s%s", plen ? "." : "", k->json);
		rc = parse_obj(j, v, k->sub);
		j->path[plen] = '\0';
		return rc;
	}
	case K_CUSTOM:
		return custom(j, k, v);
	default:
		return 0;
	}
}

static int parse_obj(struct jctx *j, yajl_val o, enum xk_obj obj)
{
	size_t plen = strlen(j->path), i, t;
	int rc = 0;

	if (!YAJL_IS_OBJECT(o)) {
		return jerr(j, "", "expected an object");
	}
	for (i = 0; !rc && i < YAJL_GET_OBJECT(o)->len; i++) {
		const char *k = YAJL_GET_OBJECT(o)->keys[i];
		yajl_val v = YAJL_GET_OBJECT(o)->values[i];
		bool found = false;

		snprintf(j->path + plen, sizeof(j->path) - plen, "%s%s", plen ? "." : "", k);
		if (obj == O_BINFO && !strncmp(k, "type.", 5)) {
			static const char *const names[] = { [XT_PV] = "type.pv", [XT_PVH] = "type.pvh",
							     [XT_HVM] = "type.hvm" };
			if (strcmp(k, names[j->d->type])) {
				j->path[plen] = '\0';
				rc = jerr(j, k, "does not match c_info.type");
				break;
			}
			rc = parse_obj(j, v, j->d->type == XT_PV ? O_PV : j->d->type == XT_PVH ? O_PVH : O_HVM);
			found = true;
		}
		for (t = 0; !found && t < xk_table_len; t++) {
			if (xk_table[t].obj == obj && xk_table[t].json && !strcmp(xk_table[t].json, k)) {
				j->path[plen] = '\0';
				rc = field(j, t, v);
				found = true;
			}
		}
		if (!found) {
			xlcfg_warn(j->ctx, NULL, "JSON field %s is not supported by Argon; ignored", j->path);
		}
		j->path[plen] = '\0';
	}
	return rc;
}

int xlcfg_domain_from_json(struct xlcfg_ctx *ctx, const char *json, size_t len,
			   struct xlcfg_domain **out)
{
	struct jctx j = { .ctx = ctx };
	char err[256], *copy;
	yajl_val root;
	size_t i;
	int rc;

	*out = NULL;
	if (len > XLCFG_MAX_FILE) {
		xlcfg_error(ctx, NULL, "JSON larger than %u bytes", XLCFG_MAX_FILE);
		return -EFBIG;
	}
	copy = strndup(json, len);
	if (!copy) {
		return -ENOMEM;
	}
	root = yajl_tree_parse(copy, err, sizeof(err));
	free(copy);
	if (!root) {
		for (i = 0; err[i]; i++) {
			if (err[i] == '\n') {
				err[i] = ' ';
			}
		}
		xlcfg_error(ctx, NULL, "invalid JSON: %s", err);
		return -EINVAL;
	}
	j.d = xk_domain_new();
	if (!j.d) {
		yajl_tree_free(root);
		return -ENOMEM;
	}
	/* c_info.type decides how b_info reads, so take it first */
	{
		const char *tp[] = { "c_info", "type", NULL };
		yajl_val t = yajl_tree_get(root, tp, yajl_t_any);

		strcpy(j.path, "c_info");
		rc = t ? custom(&j, &xk_table[xk_find_custom(C_TYPE)], t) : 0;
		j.path[0] = '\0';
	}
	if (!rc) {
		rc = parse_obj(&j, root, O_TOP);
	}
	yajl_tree_free(root);
	for (i = 0; !rc && i < xk_table_len; i++) {
		const struct xk_desc *k = &xk_table[i];

		if (k->kind == K_ACTION && !j.d->slots[i].set) {
			size_t e;

			for (e = 0; e < k->en->n; e++) {
				if (!strcmp(k->en->vals[e].json, k->en->json_omit)) {
					j.d->slots[i].i = (long long)e;
				}
			}
			j.d->slots[i].set = true;
		}
	}
	if (!rc && (!xk_slot(j.d, "name")->s || !*xk_slot(j.d, "name")->s)) {
		xlcfg_error(ctx, NULL, "JSON field c_info.name: the domain needs a name");
		rc = -EINVAL;
	}
	if (rc) {
		if (rc == -ENOMEM) {
			xlcfg_error(ctx, NULL, "out of memory");
		}
		xlcfg_domain_free(j.d);
		return rc;
	}
	*out = j.d;
	return 0;
}
