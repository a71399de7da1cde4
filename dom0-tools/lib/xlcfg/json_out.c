/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domain configuration -> libxl domain_config JSON, as `xl create -n` prints
 * it: the fields of each object in libxl_types.idl order; a field is printed
 * only when it differs from libxl's default, except nested objects, which
 * are always printed (so "sched_params": {} and friends appear as in xl's
 * output). Booleans with a default ("defbool") print as "True"/"False",
 * enumerations as their lower-case libxl names, bitmaps as arrays of the set
 * bit numbers, and memory sizes in KiB.
 */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                     \
	do {                                         \
		if ((x) != yajl_gen_status_ok) {     \
			return -EINVAL;              \
		}                                    \
	} while (0)

static int str(yajl_gen g, const char *s)
{
	CHECK(yajl_gen_string(g, (const unsigned char *)s, strlen(s)));
	return 0;
}

static int key(yajl_gen g, const char *k)
{
	return str(g, k);
}

static int kv_str(yajl_gen g, const char *k, const char *v)
{
	if (!v) {
		return 0;
	}
	return key(g, k) ?: str(g, v);
}

static int kv_int(yajl_gen g, const char *k, long long v)
{
	if (key(g, k)) {
		return -EINVAL;
	}
	CHECK(yajl_gen_integer(g, v));
	return 0;
}

static int kv_defbool(yajl_gen g, const char *k, int v)
{
	if (v < 0) {
		return 0;
	}
	return kv_str(g, k, v ? "True" : "False");
}

static int bits64(yajl_gen g, const char *k, uint64_t bits)
{
	unsigned int i;

	if (!bits) {
		return 0;
	}
	if (key(g, k)) {
		return -EINVAL;
	}
	CHECK(yajl_gen_array_open(g));
	for (i = 0; i < 64; i++) {
		if (bits >> i & 1) {
			CHECK(yajl_gen_integer(g, i));
		}
	}
	CHECK(yajl_gen_array_close(g));
	return 0;
}

static int cpuset(yajl_gen g, const struct xk_cpuset *s)
{
	unsigned int c;

	CHECK(yajl_gen_array_open(g));
	for (c = 0; c < XLCFG_MAX_VCPUS; c++) {
		if (xk_cpuset_test(s, c)) {
			CHECK(yajl_gen_integer(g, c));
		}
	}
	CHECK(yajl_gen_array_close(g));
	return 0;
}

static int affinity(yajl_gen g, const char *k, const struct xk_cpuset *maps, size_t n)
{
	size_t i;

	if (!n) {
		return 0;
	}
	if (key(g, k)) {
		return -EINVAL;
	}
	CHECK(yajl_gen_array_open(g));
	for (i = 0; i < n; i++) {
		if (cpuset(g, &maps[i])) {
			return -EINVAL;
		}
	}
	CHECK(yajl_gen_array_close(g));
	return 0;
}

static int strlist(yajl_gen g, const char *k, char **list, size_t n)
{
	size_t i;

	if (!n) {
		return 0;
	}
	if (key(g, k)) {
		return -EINVAL;
	}
	CHECK(yajl_gen_array_open(g));
	for (i = 0; i < n; i++) {
		if (str(g, list[i])) {
			return -EINVAL;
		}
	}
	CHECK(yajl_gen_array_close(g));
	return 0;
}

static int disk_json(yajl_gen g, const struct xlcfg_disk *d)
{
	static const char *const specs[3] = { NULL, "xen", "virtio" };
	int rc = 0;

	CHECK(yajl_gen_map_open(g));
	rc = rc ?: kv_str(g, "backend_domname", d->backend_domname);
	rc = rc ?: kv_str(g, "pdev_path", d->pdev_path);
	rc = rc ?: kv_str(g, "vdev", d->vdev);
	rc = rc ?: kv_str(g, "backend", xlcfg_disk_backends[d->backend]);
	rc = rc ?: kv_str(g, "format", xlcfg_disk_formats[d->format]);
	rc = rc ?: kv_str(g, "script", d->script);
	if (!rc && d->removable) {
		rc = kv_int(g, "removable", d->removable);
	}
	if (!rc && d->readwrite) {
		rc = kv_int(g, "readwrite", d->readwrite);
	}
	if (!rc && d->is_cdrom) {
		rc = kv_int(g, "is_cdrom", d->is_cdrom);
	}
	if (!rc && d->direct_io_safe) {
		rc = key(g, "direct_io_safe");
		if (!rc && yajl_gen_bool(g, 1) != yajl_gen_status_ok) {
			rc = -EINVAL;
		}
	}
	rc = rc ?: kv_defbool(g, "discard_enable", d->discard_enable);
	rc = rc ?: kv_str(g, "specification", specs[d->specification]);
	rc = rc ?: kv_defbool(g, "colo_enable", d->colo_enable);
	rc = rc ?: kv_str(g, "colo_host", d->colo_host);
	if (!rc && d->colo_port) {
		rc = kv_int(g, "colo_port", d->colo_port);
	}
	rc = rc ?: kv_str(g, "colo_export", d->colo_export);
	rc = rc ?: kv_str(g, "active_disk", d->active_disk);
	rc = rc ?: kv_str(g, "hidden_disk", d->hidden_disk);
	rc = rc ?: kv_defbool(g, "trusted", d->trusted);
	if (rc) {
		return rc;
	}
	CHECK(yajl_gen_map_close(g));
	return 0;
}

static int nic_json(yajl_gen g, const struct xlcfg_nic *n)
{
	char mac[18];
	size_t i;
	int rc = 0;

	CHECK(yajl_gen_map_open(g));
	rc = rc ?: kv_str(g, xlcfg_nic_strings[0].json, n->str[0]); /* backend_domname */
	if (!rc && n->devid >= 0) {
		rc = kv_int(g, "devid", n->devid);
	}
	if (!rc && n->mtu) {
		rc = kv_int(g, "mtu", n->mtu);
	}
	rc = rc ?: kv_str(g, xlcfg_nic_strings[1].json, n->str[1]); /* model */
	if (!rc && n->mac_set) {
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0], n->mac[1],
			 n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
		rc = kv_str(g, "mac", mac);
	}
	for (i = 2; i <= 5; i++) { /* ip, bridge, ifname, script */
		rc = rc ?: kv_str(g, xlcfg_nic_strings[i].json, n->str[i]);
	}
	rc = rc ?: kv_str(g, "nictype", xlcfg_nic_types[n->nictype]);
	if (!rc && n->rate_bytes_per_interval) {
		rc = kv_int(g, "rate_bytes_per_interval", (long long)n->rate_bytes_per_interval);
	}
	if (!rc && n->rate_interval_usecs) {
		rc = kv_int(g, "rate_interval_usecs", n->rate_interval_usecs);
	}
	for (i = 6; i < XLCFG_NIC_NSTR; i++) {
		rc = rc ?: kv_str(g, xlcfg_nic_strings[i].json, n->str[i]);
	}
	rc = rc ?: kv_defbool(g, "trusted", n->trusted);
	if (rc) {
		return rc;
	}
	CHECK(yajl_gen_map_close(g));
	return 0;
}

static int gen_obj(yajl_gen g, const struct xlcfg_domain *d, enum xk_obj obj);

static int custom(yajl_gen g, const struct xlcfg_domain *d, const struct xk_desc *k)
{
	static const char *const type_names[] = { [XT_PV] = "pv", [XT_PVH] = "pvh", [XT_HVM] = "hvm" };
	long long i;
	size_t j;

	switch (k->custom) {
	case C_TYPE:
		return kv_str(g, k->json, type_names[d->type]);
	case C_MAX_VCPUS:
		return d->max_vcpus ? kv_int(g, k->json, d->max_vcpus) : 0;
	case C_AVAIL_VCPUS:
		if (!d->avail_vcpus) {
			return 0;
		}
		if (key(g, k->json)) {
			return -EINVAL;
		}
		CHECK(yajl_gen_array_open(g));
		for (i = 0; i < d->avail_vcpus; i++) {
			CHECK(yajl_gen_integer(g, i));
		}
		CHECK(yajl_gen_array_close(g));
		return 0;
	case C_HARD_AFFINITY:
		return affinity(g, k->json, d->hard, d->nhard);
	case C_SOFT_AFFINITY:
		return affinity(g, k->json, d->soft, d->nsoft);
	case C_NUMA_PLACEMENT:
		return kv_defbool(g, k->json, d->numa_placement);
	case C_MAX_MEMKB:
		return d->max_memkb >= 0 ? kv_int(g, k->json, d->max_memkb) : 0;
	case C_TARGET_MEMKB:
		return d->target_memkb >= 0 ? kv_int(g, k->json, d->target_memkb) : 0;
	case C_CMDLINE:
		return kv_str(g, k->json, d->cmdline);
	case C_VIRIDIAN:
		return kv_defbool(g, k->json, d->viridian);
	case C_VIRIDIAN_ENABLE:
		return bits64(g, k->json, d->viridian_enable);
	case C_VIRIDIAN_DISABLE:
		return bits64(g, k->json, d->viridian_disable);
	case C_VGA:
		return kv_str(g, k->json, xk_vga_json[d->vga_kind]);
	case C_GFX_PASSTHRU:
		return kv_defbool(g, k->json, d->gfx_passthru);
	case C_GFX_KIND:
		return d->gfx_kind ? kv_str(g, k->json, "igd") : 0;
	case C_DISKS:
	case C_NICS:
		if (k->custom == C_DISKS ? !d->ndisks : !d->nnics) {
			return 0;
		}
		if (key(g, k->json)) {
			return -EINVAL;
		}
		CHECK(yajl_gen_array_open(g));
		for (j = 0; j < (k->custom == C_DISKS ? d->ndisks : d->nnics); j++) {
			if (k->custom == C_DISKS ? disk_json(g, &d->disks[j]) : nic_json(g, &d->nics[j])) {
				return -EINVAL;
			}
		}
		CHECK(yajl_gen_array_close(g));
		return 0;
	default:
		return 0;
	}
}

static int field(yajl_gen g, const struct xlcfg_domain *d, size_t idx)
{
	const struct xk_desc *k = &xk_table[idx];
	const struct xk_slot *s = &d->slots[idx];
	const char *name;
	int p;

	switch (k->kind) {
	case K_STRING:
		return s->set ? kv_str(g, k->json, s->s) : 0;
	case K_DEFBOOL:
		return s->set ? kv_defbool(g, k->json, (int)s->i) : 0;
	case K_INT:
	case K_MEMKB:
		return s->set && (s->i || k->keep0 || k->kind == K_MEMKB) ? kv_int(g, k->json, s->i) : 0;
	case K_ENUM:
	case K_ACTION:
		if (!s->set) {
			return 0;
		}
		name = k->en->vals[s->i].json;
		if (k->en->json_omit && !strcmp(name, k->en->json_omit)) {
			return 0;
		}
		return kv_str(g, k->json, name);
	case K_STRLIST:
		return s->set ? strlist(g, k->json, s->list, s->n) : 0;
	case K_STR_OR_LIST:
		return s->set && s->s ? kv_str(g, k->json, s->s) : 0;
	case K_LISTPART:
		p = xk_find_key(k->partner);
		return p >= 0 && d->slots[p].list ? strlist(g, k->json, d->slots[p].list, d->slots[p].n) : 0;
	case K_SUB:
		return key(g, k->json) ?: gen_obj(g, d, k->sub);
	case K_TYPEUNION:
		if (d->type == XT_PV) {
			return key(g, "type.pv") ?: gen_obj(g, d, O_PV);
		} else if (d->type == XT_PVH) {
			return key(g, "type.pvh") ?: gen_obj(g, d, O_PVH);
		}
		return key(g, "type.hvm") ?: gen_obj(g, d, O_HVM);
	case K_CONST_TRUE:
		return kv_str(g, k->json, "True");
	case K_CUSTOM:
		return custom(g, d, k);
	default:
		return 0;
	}
}

static int gen_obj(yajl_gen g, const struct xlcfg_domain *d, enum xk_obj obj)
{
	size_t i;

	CHECK(yajl_gen_map_open(g));
	for (i = 0; i < xk_table_len; i++) {
		if (xk_table[i].obj == obj && field(g, d, i)) {
			return -EINVAL;
		}
	}
	CHECK(yajl_gen_map_close(g));
	return 0;
}

int xlcfg_domain_to_json(const struct xlcfg_domain *d, char **out)
{
	const unsigned char *buf;
	size_t len;
	yajl_gen g;
	int rc;

	*out = NULL;
	g = yajl_gen_alloc(NULL);
	if (!g) {
		return -ENOMEM;
	}
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	rc = gen_obj(g, d, O_TOP);
	if (!rc && yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
		*out = malloc(len + 2);
		if (*out) {
			memcpy(*out, buf, len);
			(*out)[len] = '\n';
			(*out)[len + 1] = '\0';
		} else {
			rc = -ENOMEM;
		}
	} else if (!rc) {
		rc = -EINVAL;
	}
	yajl_gen_free(g);
	return rc;
}
