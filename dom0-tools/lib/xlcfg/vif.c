/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vif specification strings (Xen's docs/misc/xl-network-configuration):
 * comma-separated "key=value" parameters, each optionally preceded by
 * spaces; empty parameters are skipped, so '' is a vif with defaults.
 * Keys: mac, bridge, ip, script, model, type (vif|ioemu), vifname, backend,
 * gatewaydev (netdev is its deprecated name), rate, devid, mtu, forwarddev
 * and the COLO parameters; flags: trusted, untrusted. Unknown parameters
 * are warnings, as xl ignores them; bad values are errors that point at the
 * value inside the string.
 */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* String fields in libxl_device_nic order; indices are fixed (see nic_json in json_out.c). */
const struct xlcfg_nic_str xlcfg_nic_strings[XLCFG_NIC_NSTR] = {
	{ "backend", "backend_domname" },
	{ "model", "model" },
	{ "ip", "ip" },
	{ "bridge", "bridge" },
	{ "vifname", "ifname" },
	{ "script", "script" },
	{ "gatewaydev", "gatewaydev" },
	{ "forwarddev", "coloft_forwarddev" },
	{ "colo_sock_mirror_id", "colo_sock_mirror_id" },
	{ "colo_sock_mirror_ip", "colo_sock_mirror_ip" },
	{ "colo_sock_mirror_port", "colo_sock_mirror_port" },
	{ "colo_sock_compare_pri_in_id", "colo_sock_compare_pri_in_id" },
	{ "colo_sock_compare_pri_in_ip", "colo_sock_compare_pri_in_ip" },
	{ "colo_sock_compare_pri_in_port", "colo_sock_compare_pri_in_port" },
	{ "colo_sock_compare_sec_in_id", "colo_sock_compare_sec_in_id" },
	{ "colo_sock_compare_sec_in_ip", "colo_sock_compare_sec_in_ip" },
	{ "colo_sock_compare_sec_in_port", "colo_sock_compare_sec_in_port" },
	{ "colo_sock_compare_notify_id", "colo_sock_compare_notify_id" },
	{ "colo_sock_compare_notify_ip", "colo_sock_compare_notify_ip" },
	{ "colo_sock_compare_notify_port", "colo_sock_compare_notify_port" },
	{ "colo_sock_redirector0_id", "colo_sock_redirector0_id" },
	{ "colo_sock_redirector0_ip", "colo_sock_redirector0_ip" },
	{ "colo_sock_redirector0_port", "colo_sock_redirector0_port" },
	{ "colo_sock_redirector1_id", "colo_sock_redirector1_id" },
	{ "colo_sock_redirector1_ip", "colo_sock_redirector1_ip" },
	{ "colo_sock_redirector1_port", "colo_sock_redirector1_port" },
	{ "colo_sock_redirector2_id", "colo_sock_redirector2_id" },
	{ "colo_sock_redirector2_ip", "colo_sock_redirector2_ip" },
	{ "colo_sock_redirector2_port", "colo_sock_redirector2_port" },
	{ "colo_filter_mirror_queue", "colo_filter_mirror_queue" },
	{ "colo_filter_mirror_outdev", "colo_filter_mirror_outdev" },
	{ "colo_filter_redirector0_queue", "colo_filter_redirector0_queue" },
	{ "colo_filter_redirector0_indev", "colo_filter_redirector0_indev" },
	{ "colo_filter_redirector0_outdev", "colo_filter_redirector0_outdev" },
	{ "colo_filter_redirector1_queue", "colo_filter_redirector1_queue" },
	{ "colo_filter_redirector1_indev", "colo_filter_redirector1_indev" },
	{ "colo_filter_redirector1_outdev", "colo_filter_redirector1_outdev" },
	{ "colo_compare_pri_in", "colo_compare_pri_in" },
	{ "colo_compare_sec_in", "colo_compare_sec_in" },
	{ "colo_compare_out", "colo_compare_out" },
	{ "colo_compare_notify_dev", "colo_compare_notify_dev" },
	{ "colo_sock_sec_redirector0_id", "colo_sock_sec_redirector0_id" },
	{ "colo_sock_sec_redirector0_ip", "colo_sock_sec_redirector0_ip" },
	{ "colo_sock_sec_redirector0_port", "colo_sock_sec_redirector0_port" },
	{ "colo_sock_sec_redirector1_id", "colo_sock_sec_redirector1_id" },
	{ "colo_sock_sec_redirector1_ip", "colo_sock_sec_redirector1_ip" },
	{ "colo_sock_sec_redirector1_port", "colo_sock_sec_redirector1_port" },
	{ "colo_filter_sec_redirector0_queue", "colo_filter_sec_redirector0_queue" },
	{ "colo_filter_sec_redirector0_indev", "colo_filter_sec_redirector0_indev" },
	{ "colo_filter_sec_redirector0_outdev", "colo_filter_sec_redirector0_outdev" },
	{ "colo_filter_sec_redirector1_queue", "colo_filter_sec_redirector1_queue" },
	{ "colo_filter_sec_redirector1_indev", "colo_filter_sec_redirector1_indev" },
	{ "colo_filter_sec_redirector1_outdev", "colo_filter_sec_redirector1_outdev" },
	{ "colo_filter_sec_rewriter0_queue", "colo_filter_sec_rewriter0_queue" },
	{ "colo_checkpoint_host", "colo_checkpoint_host" },
	{ "colo_checkpoint_port", "colo_checkpoint_port" },
};

const char *const xlcfg_nic_types[3] = { NULL, "vif_ioemu", "vif" };

void xlcfg_nic_init(struct xlcfg_nic *nic, int devid)
{
	memset(nic, 0, sizeof(*nic));
	nic->devid = devid;
	nic->trusted = -1;
}

void xlcfg_nic_fini(struct xlcfg_nic *nic)
{
	size_t i;

	for (i = 0; i < XLCFG_NIC_NSTR; i++) {
		free(nic->str[i]);
	}
	memset(nic, 0, sizeof(*nic));
}

struct vpc {
	struct xlcfg_ctx *ctx;
	const struct xlcfg_value *v;
	struct xlcfg_nic *nic;
};

static int verr(struct vpc *p, size_t off, const char *fmt, const char *text)
{
	struct xlcfg_pos pos = xlcfg_value_pos_at(p->v, off);
	char shown[80];

	xlcfg_quote_for_msg(shown, sizeof(shown), text);
	xlcfg_error(p->ctx, &pos, fmt, shown);
	return -EINVAL;
}

static int hexdig(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

static int parse_mac(struct vpc *p, size_t off, const char *s)
{
	size_t i = 0, k;

	for (k = 0; k < 6; k++) {
		int hi = hexdig(s[i]), lo;

		if (hi < 0) {
			return verr(p, off + i, "vif spec: bad mac address \"%s\" (expected six hex bytes like 00:16:3e:01:02:03)", s);
		}
		lo = hexdig(s[i + 1]);
		if (lo >= 0) {
			p->nic->mac[k] = (uint8_t)(hi * 16 + lo);
			i += 2;
		} else {
			p->nic->mac[k] = (uint8_t)hi;
			i += 1;
		}
		if (k < 5) {
			if (s[i] != ':' && s[i] != '-') {
				return verr(p, off + i, "vif spec: bad mac address \"%s\" (expected six hex bytes like 00:16:3e:01:02:03)", s);
			}
			i++;
		}
	}
	if (s[i]) {
		return verr(p, off + i, "vif spec: junk after mac address \"%s\"", s);
	}
	p->nic->mac_set = true;
	return 0;
}

/* Reads a decimal number (xl's strtoull base 0 also takes 0x and octal) into *v. */
static bool read_u64(const char **s, uint64_t *v)
{
	const char *q = *s;
	uint64_t x = 0;

	if (!(*q >= '0' && *q <= '9')) {
		return false;
	}
	while (*q >= '0' && *q <= '9') {
		if (x > (UINT64_MAX - 9) / 10) {
			return false;
		}
		x = x * 10 + (uint64_t)(*q - '0');
		q++;
	}
	*s = q;
	*v = x;
	return true;
}

/* rate=<N>[GMK]{B|b}/s[@<interval>[us|ms|s]], as xlu_vif_parse_rate reads it. */
static int parse_rate(struct vpc *p, size_t off, const char *rate)
{
	const char *s = rate, *at;
	uint64_t bps, us = 50000, bpi;
	char unit;

	if (!read_u64(&s, &bps) || bps == 0 || bps > UINT32_MAX) {
		return verr(p, off, "vif spec: bad rate \"%s\" (expected e.g. 10MB/s or 100Mb/s@20ms, at most 4294967295 units)", rate);
	}
	unit = *s;
	if (unit == 'G') {
		bps *= 1000000000ull;
		s++;
	} else if (unit == 'M') {
		bps *= 1000000ull;
		s++;
	} else if (unit == 'K') {
		bps *= 1000ull;
		s++;
	}
	if ((*s != 'B' && *s != 'b') || strncmp(s + 1, "/s", 2)) {
		return verr(p, off + (size_t)(s - rate), "vif spec: bad rate unit in \"%s\" (expected B/s or b/s, optionally with K, M or G)", rate);
	}
	if (*s == 'b') {
		bps /= 8;
	}
	s += 3;
	if (*s == '@') {
		at = ++s;
		if (!read_u64(&s, &us) || us == 0 || us > UINT32_MAX) {
			return verr(p, off + (size_t)(at - rate), "vif spec: bad replenishment interval in \"%s\"", rate);
		}
		if (!strcmp(s, "s") || !*s) {
			us *= 1000000ull;
		} else if (!strcmp(s, "ms") || !strcmp(s, "m")) {
			us *= 1000ull;
		} else if (strcmp(s, "us") && strcmp(s, "u")) {
			return verr(p, off + (size_t)(s - rate), "vif spec: bad interval unit in \"%s\" (expected s, ms or us)", rate);
		}
		if (us > UINT32_MAX) {
			return verr(p, off + (size_t)(at - rate), "vif spec: replenishment interval too long in \"%s\"", rate);
		}
	} else if (*s) {
		return verr(p, off + (size_t)(s - rate), "vif spec: junk after rate in \"%s\"", rate);
	}
	if (bps > UINT64_MAX / us) {
		return verr(p, off, "vif spec: rate overflow in \"%s\"", rate);
	}
	bpi = bps * us / 1000000ull;
	if (bpi == 0 || bpi > UINT32_MAX) {
		return verr(p, off, "vif spec: rate \"%s\" gives a credit per interval out of range", rate);
	}
	p->nic->rate_bytes_per_interval = bpi;
	p->nic->rate_interval_usecs = (uint32_t)us;
	return 0;
}

static int parse_param(struct vpc *p, size_t off, char *tok)
{
	struct xlcfg_nic *nic = p->nic;
	char *eq = strchr(tok, '='), *val;
	size_t voff, i;
	long long n;

	if (!strcmp(tok, "trusted") || !strcmp(tok, "untrusted")) {
		nic->trusted = !strcmp(tok, "trusted");
		return 0;
	}
	if (!eq) {
		struct xlcfg_pos pos = xlcfg_value_pos_at(p->v, off);
		char shown[80];

		xlcfg_quote_for_msg(shown, sizeof(shown), tok);
		xlcfg_warn(p->ctx, &pos, "vif spec: unknown parameter \"%s\" (ignored)", shown);
		return 0;
	}
	*eq = '\0';
	val = eq + 1;
	voff = off + (size_t)(val - tok);
	if (!strcmp(tok, "mac")) {
		return parse_mac(p, voff, val);
	}
	if (!strcmp(tok, "type")) {
		if (!strcmp(val, "vif")) {
			nic->nictype = 2;
		} else if (!strcmp(val, "ioemu")) {
			nic->nictype = 1;
		} else {
			return verr(p, voff, "vif spec: type must be vif or ioemu, found \"%s\"", val);
		}
		return 0;
	}
	if (!strcmp(tok, "rate")) {
		return parse_rate(p, voff, val);
	}
	if (!strcmp(tok, "devid") || !strcmp(tok, "mtu")) {
		bool devid = !strcmp(tok, "devid");

		if (!xlcfg_parse_int(val, &n) || n < (devid ? 0 : 68) || n > 65535) {
			return verr(p, voff, devid ? "vif spec: devid must be a number from 0 to 65535, found \"%s\""
						   : "vif spec: mtu must be a number from 68 to 65535, found \"%s\"",
				    val);
		}
		if (devid) {
			nic->devid = (int)n;
		} else {
			nic->mtu = (int)n;
		}
		return 0;
	}
	if (!strcmp(tok, "accel")) {
		struct xlcfg_pos pos = xlcfg_value_pos_at(p->v, off);

		xlcfg_warn(p->ctx, &pos, "vif spec: accel is not supported (ignored)");
		return 0;
	}
	if (!strcmp(tok, "netdev")) {
		struct xlcfg_pos pos = xlcfg_value_pos_at(p->v, off);

		xlcfg_warn(p->ctx, &pos, "vif spec: netdev is deprecated; use gatewaydev");
		tok = "gatewaydev";
	}
	for (i = 0; i < XLCFG_NIC_NSTR; i++) {
		if (!strcmp(tok, xlcfg_nic_strings[i].param)) {
			free(nic->str[i]);
			nic->str[i] = xlcfg_strdup(val);
			return nic->str[i] ? 0 : -ENOMEM;
		}
	}
	{
		struct xlcfg_pos pos = xlcfg_value_pos_at(p->v, off);
		char shown[80];

		xlcfg_quote_for_msg(shown, sizeof(shown), tok);
		xlcfg_warn(p->ctx, &pos, "vif spec: unknown parameter \"%s\" (ignored)", shown);
	}
	return 0;
}

int xlcfg_vif_parse(struct xlcfg_ctx *ctx, const struct xlcfg_value *v, int devid,
		    struct xlcfg_nic *nic)
{
	struct vpc p = { .ctx = ctx, .v = v, .nic = nic };
	const char *s = v->str;
	size_t i = 0, n;
	char *tok;
	int rc;

	xlcfg_nic_init(nic, devid);
	while (s[i]) {
		if (s[i] == ',') {
			i++;
			continue;
		}
		while (s[i] == ' ') {
			i++;
		}
		n = strcspn(s + i, ",");
		if (!n) {
			continue;
		}
		tok = strndup(s + i, n);
		if (!tok) {
			return -ENOMEM;
		}
		rc = parse_param(&p, i, tok);
		free(tok);
		if (rc) {
			return rc;
		}
		i += n;
	}
	return 0;
}

/* Finds a rate spelling that reads back to exactly (bpi, us). */
static bool rate_spec(uint64_t bpi, uint32_t us, struct xlcfg_buf *b)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} units[] = { { "", 1 }, { "K", 1000 }, { "M", 1000000 }, { "G", 1000000000 } };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(units) && us; i++) {
		uint64_t den = units[i].mult * us;
		uint64_t t = (bpi * 1000000ull + den - 1) / den; /* ceil */

		if (t && t <= UINT32_MAX && t * units[i].mult * us / 1000000ull == bpi) {
			xlcfg_buf_printf(b, "rate=%llu%sB/s@%uus", (unsigned long long)t, units[i].unit, us);
			return true;
		}
	}
	return false;
}

int xlcfg_vif_to_spec(const struct xlcfg_nic *nic, int index, struct xlcfg_buf *b)
{
	const char *sep = "";
	size_t i;

	if (nic->nictype) {
		xlcfg_buf_printf(b, "%stype=%s", sep, nic->nictype == 2 ? "vif" : "ioemu");
		sep = ",";
	}
	if (nic->mac_set) {
		xlcfg_buf_printf(b, "%smac=%02x:%02x:%02x:%02x:%02x:%02x", sep, nic->mac[0], nic->mac[1],
				 nic->mac[2], nic->mac[3], nic->mac[4], nic->mac[5]);
		sep = ",";
	}
	for (i = 0; i < XLCFG_NIC_NSTR; i++) {
		if (nic->str[i]) {
			xlcfg_buf_printf(b, "%s%s=%s", sep, xlcfg_nic_strings[i].param, nic->str[i]);
			sep = ",";
		}
	}
	if (nic->rate_interval_usecs) {
		xlcfg_buf_printf(b, "%s", sep);
		if (!rate_spec(nic->rate_bytes_per_interval, nic->rate_interval_usecs, b)) {
			return -EINVAL;
		}
		sep = ",";
	}
	if (nic->devid != index) {
		xlcfg_buf_printf(b, "%sdevid=%d", sep, nic->devid);
		sep = ",";
	}
	if (nic->mtu) {
		xlcfg_buf_printf(b, "%smtu=%d", sep, nic->mtu);
		sep = ",";
	}
	if (nic->trusted >= 0) {
		xlcfg_buf_printf(b, "%s%s", sep, nic->trusted ? "trusted" : "untrusted");
	}
	return 0;
}
