/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Disk specification strings (Xen's docs/misc/xl-disk-configuration.txt):
 *
 *   [<key>=<value>|<flag>,]* [<target>,[<format>,[<vdev>,[<access>]]]] ... [target=<target>]
 *
 * Parameters are separated by commas and may be preceded by blanks. Named
 * parameters: format, vdev, access, devtype, backend, backendtype,
 * specification, script, colo-host, colo-port, colo-export, active-disk,
 * hidden-disk and target (which takes the whole rest of the string). Flags:
 * cdrom, direct-io-safe, discard, no-discard, colo, no-colo, trusted,
 * untrusted. Anything else without '=' fills the next unset positional
 * parameter (target, format, vdev, access); "vdev:cdrom" also sets devtype.
 * Deprecated prefixes ("raw:", "qcow2:", "vhd:", "phy:", "file:", "tap:",
 * "aio:", "iscsi:", "drbd:", ...) are understood as xl does. Each parameter
 * may be given once. Errors point at the parameter inside the string.
 */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const xlcfg_disk_formats[7] = { NULL, "qcow", "qcow2", "vhd", "raw", "empty", "qed" };
const char *const xlcfg_disk_backends[5] = { NULL, "phy", "tap", "qdisk", "standalone" };
static const char *const specifications[3] = { NULL, "xen", "virtio" };

enum { FMT_RAW = 4, FMT_EMPTY = 5 };

struct dpc {
	struct xlcfg_ctx *ctx;
	const struct xlcfg_value *v;
	struct xlcfg_disk *disk;
	bool had_depr_prefix;
	bool access_set;
	int err;
};

static void derr(struct dpc *p, size_t off, const char *what, const char *text)
{
	struct xlcfg_pos pos = xlcfg_value_pos_at(p->v, off);
	char shown[80];

	if (p->err) {
		return;
	}
	if (text) {
		xlcfg_quote_for_msg(shown, sizeof(shown), text);
		xlcfg_error(p->ctx, &pos, "disk spec: %s \"%s\"", what, shown);
	} else {
		xlcfg_error(p->ctx, &pos, "disk spec: %s", what);
	}
	p->err = -EINVAL;
}

static void save(struct dpc *p, size_t off, char **field, const char *name, const char *val)
{
	char msg[64];

	if (*field && **field) {
		snprintf(msg, sizeof(msg), "%s given twice, again as", name);
		derr(p, off, msg, val);
		return;
	}
	free(*field);
	*field = xlcfg_strdup(val);
	if (!*field) {
		p->err = -ENOMEM;
	}
}

static int lookup_name(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 1; i < n; i++) {
		if (!strcmp(names[i], s)) {
			return (int)i;
		}
	}
	return -1;
}

static void set_enum(struct dpc *p, size_t off, int *field, int val, const char *name)
{
	char msg[64];

	if (*field && *field != val) {
		snprintf(msg, sizeof(msg), "%s given twice with different values", name);
		derr(p, off, msg, NULL);
		return;
	}
	*field = val;
}

static void set_format(struct dpc *p, size_t off, const char *s)
{
	int f = *s ? lookup_name(xlcfg_disk_formats, ARRAY_SIZE(xlcfg_disk_formats), s) : FMT_RAW;

	if (f < 0) {
		derr(p, off, "unknown format (expected raw, qcow, qcow2, vhd, qed or empty):", s);
		return;
	}
	set_enum(p, off, &p->disk->format, f, "format");
}

static void set_access(struct dpc *p, size_t off, const char *s)
{
	if (!strcmp(s, "r") || !strcmp(s, "ro")) {
		p->disk->readwrite = 0;
	} else if (!strcmp(s, "w") || !strcmp(s, "rw") || !*s) {
		p->disk->readwrite = 1;
	} else {
		derr(p, off, "unknown access (expected ro, r, rw or w):", s);
	}
}

/* "hdc:cdrom" as a positional vdev: returns true if it had a devtype. */
static bool vdev_and_devtype(struct dpc *p, size_t off, char *s)
{
	char *colon = strrchr(s, ':');

	if (!colon) {
		return false;
	}
	*colon++ = '\0';
	save(p, off, &p->disk->vdev, "vdev", s);
	if (!strcmp(colon, "cdrom")) {
		p->disk->is_cdrom = 1;
	} else if (!strcmp(colon, "disk")) {
		p->disk->is_cdrom = 0;
	} else {
		derr(p, off + (size_t)(colon - s), "unknown device type (expected cdrom or disk):", colon);
	}
	return true;
}

static void positional(struct dpc *p, size_t off, char *tok)
{
	struct xlcfg_disk *d = p->disk;

	if (!d->pdev_path) {
		save(p, off, &d->pdev_path, "target", tok);
	} else if (!p->had_depr_prefix && !d->format) {
		if (!*d->pdev_path && vdev_and_devtype(p, off, tok)) {
			d->format = FMT_EMPTY;
		} else {
			set_format(p, off, tok);
		}
	} else if (!d->vdev) {
		if (!vdev_and_devtype(p, off, tok)) {
			save(p, off, &d->vdev, "vdev", tok);
		}
	} else if (!p->access_set) {
		p->access_set = true;
		set_access(p, off, tok);
	} else {
		derr(p, off, "too many positional parameters, at", tok);
	}
}

/* Handles a "key=value" parameter; val points after the '='. */
static void keyword(struct dpc *p, size_t off, const char *key, size_t voff, const char *val)
{
	struct xlcfg_disk *d = p->disk;
	int e;

	if (!strcmp(key, "format")) {
		set_format(p, voff, val);
	} else if (!strcmp(key, "devtype")) {
		if (!strcmp(val, "cdrom")) {
			d->is_cdrom = 1;
		} else if (!strcmp(val, "disk")) {
			d->is_cdrom = 0;
		} else {
			derr(p, voff, "unknown devtype (expected cdrom or disk):", val);
		}
	} else if (!strcmp(key, "access")) {
		set_access(p, voff, val);
	} else if (!strcmp(key, "backend")) {
		save(p, voff, &d->backend_domname, "backend", val);
	} else if (!strcmp(key, "backendtype")) {
		e = lookup_name(xlcfg_disk_backends, ARRAY_SIZE(xlcfg_disk_backends), val);
		if (e < 0) {
			derr(p, voff, "unknown backendtype (expected phy, tap, qdisk or standalone):", val);
		} else {
			set_enum(p, off, &d->backend, e, "backendtype");
		}
	} else if (!strcmp(key, "specification")) {
		e = lookup_name(specifications, ARRAY_SIZE(specifications), val);
		if (e < 0) {
			derr(p, voff, "unknown specification (expected xen or virtio):", val);
		} else {
			set_enum(p, off, &d->specification, e, "specification");
		}
	} else if (!strcmp(key, "vdev")) {
		save(p, voff, &d->vdev, "vdev", val);
	} else if (!strcmp(key, "script")) {
		save(p, voff, &d->script, "script", val);
	} else if (!strcmp(key, "colo-host")) {
		save(p, voff, &d->colo_host, "colo-host", val);
	} else if (!strcmp(key, "colo-port")) {
		long long port;

		if (!xlcfg_parse_int(val, &port) || port < 1 || port > 65535) {
			derr(p, voff, "colo-port must be a port number, found", val);
		} else {
			d->colo_port = (int)port;
		}
	} else if (!strcmp(key, "colo-export")) {
		save(p, voff, &d->colo_export, "colo-export", val);
	} else if (!strcmp(key, "active-disk")) {
		save(p, voff, &d->active_disk, "active-disk", val);
	} else if (!strcmp(key, "hidden-disk")) {
		save(p, voff, &d->hidden_disk, "hidden-disk", val);
	} else {
		derr(p, off, "unknown parameter", key);
	}
}

static bool flag(struct dpc *p, const char *tok)
{
	struct xlcfg_disk *d = p->disk;

	if (!strcmp(tok, "cdrom")) {
		d->is_cdrom = 1;
	} else if (!strcmp(tok, "direct-io-safe")) {
		d->direct_io_safe = true;
	} else if (!strcmp(tok, "discard")) {
		d->discard_enable = 1;
	} else if (!strcmp(tok, "no-discard")) {
		d->discard_enable = 0;
	} else if (!strcmp(tok, "colo")) {
		d->colo_enable = 1;
	} else if (!strcmp(tok, "no-colo")) {
		d->colo_enable = 0;
	} else if (!strcmp(tok, "trusted")) {
		d->trusted = 1;
	} else if (!strcmp(tok, "untrusted")) {
		d->trusted = 0;
	} else {
		return false;
	}
	return true;
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A deprecated "<prefix>:" at s; returns its length including the colon, 0 if none. */
static size_t prefix(struct dpc *p, size_t off, const char *s)
{
	static const char *const ignored[] = { "tapdisk", "tap", "tap2", "aio", "ioemu", "file", "phy" };
	static const char *const scripts[] = { "iscsi", "nbd", "enbd", "drbd" };
	char name[32], *script;
	size_t n, i;

	if (!(s[0] >= 'a' && s[0] <= 'z')) {
		return 0;
	}
	for (n = 1; is_lower_alnum(s[n]); n++) {
	}
	if (s[n] != ':' || n >= sizeof(name)) {
		return 0;
	}
	memcpy(name, s, n);
	name[n] = '\0';
	if (!strcmp(name, "raw") || !strcmp(name, "qcow") || !strcmp(name, "qcow2") ||
	    !strcmp(name, "vhd")) {
		p->had_depr_prefix = true;
		set_format(p, off, name);
		return n + 1;
	}
	for (i = 0; i < ARRAY_SIZE(scripts); i++) {
		if (!strcmp(name, scripts[i])) {
			p->had_depr_prefix = true;
			script = xlcfg_asprintf("block-%s", name);
			if (!script) {
				p->err = -ENOMEM;
				return n + 1;
			}
			save(p, off, &p->disk->script, "script", script);
			free(script);
			return n + 1;
		}
	}
	for (i = 0; i < ARRAY_SIZE(ignored); i++) {
		if (!strcmp(name, ignored[i])) {
			p->had_depr_prefix = true;
			return n + 1;
		}
	}
	if (!is_lower_alnum(s[n + 1])) {
		derr(p, off, "unknown deprecated prefix", name);
		return n + 1;
	}
	return 0; /* "vdev:devtype" and the like: a positional parameter */
}

static bool is_keyword_name(const char *s, size_t n)
{
	size_t i;

	if (!n || !(s[0] >= 'a' && s[0] <= 'z')) {
		return false;
	}
	for (i = 1; i < n; i++) {
		if (!is_lower_alnum(s[i]) && s[i] != '-') {
			return false;
		}
	}
	return true;
}

int xlcfg_disk_parse(struct xlcfg_ctx *ctx, const struct xlcfg_value *v, struct xlcfg_disk *disk)
{
	struct dpc p = { .ctx = ctx, .v = v, .disk = disk };
	const char *s = v->str;
	size_t i = 0, n;
	char *tok;

	memset(disk, 0, sizeof(*disk));
	disk->readwrite = 1;
	disk->discard_enable = -1;
	disk->colo_enable = -1;
	disk->trusted = -1;
	while (!p.err && s[i]) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
			i++;
			continue;
		}
		if (!strncmp(s + i, "target=", 7)) {
			/* takes the rest of the string, less one trailing comma */
			n = strlen(s + i + 7);
			tok = strndup(s + i + 7, n && s[i + 7 + n - 1] == ',' ? n - 1 : n);
			if (!tok) {
				return -ENOMEM;
			}
			save(&p, i + 7, &disk->pdev_path, "target", tok);
			free(tok);
			break;
		}
		n = prefix(&p, i, s + i);
		if (n) {
			i += n;
			continue;
		}
		n = strcspn(s + i, ",");
		tok = strndup(s + i, n);
		if (!tok) {
			return -ENOMEM;
		}
		if (strchr(tok, '=')) {
			size_t k = (size_t)(strchr(tok, '=') - tok);

			if (is_keyword_name(tok, k)) {
				tok[k] = '\0';
				keyword(&p, i, tok, i + k + 1, tok + k + 1);
			} else {
				derr(&p, i, "bad parameter", tok);
			}
		} else if (!flag(&p, tok)) {
			positional(&p, i, tok);
		}
		free(tok);
		i += n;
		if (s[i] == ',') {
			i++;
		}
	}
	if (p.err) {
		return p.err;
	}
	if (!disk->format) {
		disk->format = FMT_RAW;
	}
	if (disk->is_cdrom) {
		disk->removable = 1;
		disk->readwrite = 0;
		if (!disk->pdev_path || !*disk->pdev_path) {
			disk->format = FMT_EMPTY;
		}
	}
	if (!disk->vdev || !*disk->vdev) {
		derr(&p, 0, "no vdev given (the guest's device name, e.g. xvda)", NULL);
		return p.err;
	}
	if (!disk->pdev_path && !disk->removable) {
		derr(&p, 0, "no target given (and the device is not a removable CD-ROM)", NULL);
		return p.err;
	}
	return 0;
}

void xlcfg_disk_fini(struct xlcfg_disk *d)
{
	free(d->pdev_path);
	free(d->vdev);
	free(d->backend_domname);
	free(d->script);
	free(d->colo_host);
	free(d->colo_export);
	free(d->active_disk);
	free(d->hidden_disk);
	memset(d, 0, sizeof(*d));
}

void xlcfg_disk_to_spec(const struct xlcfg_disk *d, struct xlcfg_buf *b)
{
	xlcfg_buf_printf(b, "format=%s, vdev=%s, access=%s", xlcfg_disk_formats[d->format], d->vdev,
			 d->readwrite ? "rw" : "ro");
	if (d->is_cdrom) {
		xlcfg_buf_printf(b, ", devtype=cdrom");
	}
	if (d->backend) {
		xlcfg_buf_printf(b, ", backendtype=%s", xlcfg_disk_backends[d->backend]);
	}
	if (d->specification) {
		xlcfg_buf_printf(b, ", specification=%s", specifications[d->specification]);
	}
	if (d->backend_domname) {
		xlcfg_buf_printf(b, ", backend=%s", d->backend_domname);
	}
	if (d->script) {
		xlcfg_buf_printf(b, ", script=%s", d->script);
	}
	if (d->direct_io_safe) {
		xlcfg_buf_printf(b, ", direct-io-safe");
	}
	if (d->discard_enable >= 0) {
		xlcfg_buf_printf(b, ", %s", d->discard_enable ? "discard" : "no-discard");
	}
	if (d->colo_enable >= 0) {
		xlcfg_buf_printf(b, ", %s", d->colo_enable ? "colo" : "no-colo");
	}
	if (d->colo_host) {
		xlcfg_buf_printf(b, ", colo-host=%s", d->colo_host);
	}
	if (d->colo_port) {
		xlcfg_buf_printf(b, ", colo-port=%d", d->colo_port);
	}
	if (d->colo_export) {
		xlcfg_buf_printf(b, ", colo-export=%s", d->colo_export);
	}
	if (d->active_disk) {
		xlcfg_buf_printf(b, ", active-disk=%s", d->active_disk);
	}
	if (d->hidden_disk) {
		xlcfg_buf_printf(b, ", hidden-disk=%s", d->hidden_disk);
	}
	if (d->trusted >= 0) {
		xlcfg_buf_printf(b, ", %s", d->trusted ? "trusted" : "untrusted");
	}
	if (d->pdev_path) {
		xlcfg_buf_printf(b, ", target=%s", d->pdev_path);
	}
}
