// SPDX-License-Identifier: MIT
/* Request decoding and dispatch: one handler per message type, from a const table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "domain.h"
#include "ops.h"
#include "proto.h"
#include "txn.h"
#include "watch.h"

#define F_PRIV	1u /* dom0 only: EACCES for others */
#define F_NOTID 2u /* the header's tx_id is ignored */
#define F_WRITE 4u /* changes state: EROFS on the read-only socket */

/* Permissions of the special watch paths; dom0 only by default. */
static struct perm_entry special_default[2] = {{0, 0}, {0, 0}};
static struct node_perms special_perms[2] = {
    {1, &special_default[0]},
    {1, &special_default[1]},
};
static const char *const special_names[2] = {XS_SPECIAL_INTRODUCE, XS_SPECIAL_RELEASE};
static bool special_owned[2];

static struct node_perms *special_find(const char *path)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (strcmp(path, special_names[i]) == 0) {
			return &special_perms[i];
		}
	}
	return NULL;
}

void proto_teardown(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (special_owned[i]) {
			perms_free(&special_perms[i]);
			special_perms[i] = (struct node_perms){1, &special_default[i]};
			special_owned[i] = false;
		}
	}
}

void proto_reply(struct conn *c, const struct req *r, const void *data, size_t len)
{
	conn_send(c, r->h->type, r->h->req_id, r->h->tx_id, data, len);
}

void proto_ack(struct conn *c, const struct req *r)
{
	proto_reply(c, r, "OK", 3);
}

static void send_error(struct conn *c, const struct req *r, int err)
{
	const char *name = xs_errno_name(err);

	conn_send(c, XS_ERROR, r->h->req_id, r->h->tx_id, name, strlen(name) + 1);
}

/* The payload as exactly one NUL-terminated string, or NULL. */
static const char *onearg(struct req *r)
{
	if (r->len == 0 || r->buf[r->len - 1] != '\0' || strlen(r->buf) != r->len - 1) {
		r->why = "expected exactly one NUL-terminated argument";
		return NULL;
	}
	return r->buf;
}

/*
 * The NUL-terminated strings of the payload: fills @vec with the first @max and returns how many
 * there are in all (an unterminated tail is not counted).
 */
static unsigned int get_strings(const struct req *r, const char **vec, unsigned int max)
{
	uint32_t off = 0;
	unsigned int n = 0;

	while (off < r->len) {
		size_t l = strnlen(r->buf + off, r->len - off);

		if (off + l == r->len) {
			break; /* not terminated */
		}
		if (n < max) {
			vec[n] = r->buf + off;
		}
		n++;
		off += (uint32_t)l + 1;
	}
	return n;
}

static unsigned int count_nuls(const struct req *r)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < r->len; i++) {
		n += r->buf[i] == '\0';
	}
	return n;
}

static uint32_t parse_domid(const char *s)
{
	return (uint32_t)atoi(s);
}

static bool domid_is_guest(uint32_t domid)
{
	return domid != 0 && domid < DOMID_FIRST_RESERVED;
}

static bool valid_chars(const char *p)
{
	static const char ok[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-/_@";

	return strspn(p, ok) == strlen(p);
}

/*
 * Canonicalise and validate @in into @out: relative paths are below the connection's home
 * (/local/domain/<domid>). *@strip (if non-NULL) gets the length to strip for relative paths.
 * Special "@..." paths are not node paths (EINVAL); '@' inside a path is allowed.
 */
static int canon(struct conn *c, struct req *r, const char *in, char *out, size_t *strip)
{
	size_t home_len, len;
	unsigned int id;
	int n, off = 0;

	if (in[0] == '@') {
		r->why = "special path where a node path is expected";
		return -EINVAL;
	}
	if (in[0] != '/') {
		n = snprintf(out, XS_PATH_BUF, "%s%u/", XS_DOMAIN_PATH_BASE, c->domid);
		if (strlen(in) + (size_t)n >= XS_PATH_BUF) {
			r->why = "path too long";
			return -EINVAL;
		}
		strcpy(out + n, in);
		if (strip) {
			*strip = (size_t)n;
		}
	} else {
		if (strlen(in) >= XS_PATH_BUF) {
			r->why = "path too long";
			return -EINVAL;
		}
		strcpy(out, in);
		if (strip) {
			*strip = 0;
		}
	}
	len = strlen(out);
	if (len > 1 && out[len - 1] == '/') {
		r->why = "path ends in /";
		return -EINVAL;
	}
	if (strstr(out, "//")) {
		r->why = "path contains //";
		return -EINVAL;
	}
	if (!valid_chars(out)) {
		r->why = "path has characters outside [A-Za-z0-9-/_@]";
		return -EINVAL;
	}
	if (len > XS_ABS_PATH_MAX) {
		r->why = "path longer than 3072";
		return -EINVAL;
	}
	home_len = 0;
	if (sscanf(out, XS_DOMAIN_PATH_BASE "%5u/%n", &id, &off) == 1 && off > 0) {
		home_len = (size_t)off;
	}
	/* Applies to dom0 too, as in Xen 4.17: the part below a domain's home is what counts. */
	if (len - home_len > quota.path_len) {
		r->why = "path longer than the path-length limit";
		return -EINVAL;
	}
	return 0;
}

/* ---- node requests ---- */

/* The node a read-only request names: canonical path, then the caller's read permission. */
static int read_node(struct conn *c, struct req *r, const struct actor *a, const char *arg,
		     const struct node **n)
{
	char path[XS_PATH_BUF];
	int ret;

	if (!arg) {
		return -EINVAL;
	}
	ret = canon(c, r, arg, path, NULL);
	return ret ? ret : op_get(a, r->tx, path, PERM_READ, n);
}

static int do_read(struct conn *c, struct req *r, const struct actor *a)
{
	const struct node *n;
	int ret = read_node(c, r, a, onearg(r), &n);

	if (ret) {
		return ret;
	}
	proto_reply(c, r, n->value, n->vlen);
	return 0;
}

static int do_write(struct conn *c, struct req *r, const struct actor *a)
{
	char path[XS_PATH_BUF];
	const char *vec[1];
	size_t off;
	int ret;

	if (get_strings(r, vec, 1) < 1) {
		r->why = "path not NUL-terminated";
		return -EINVAL;
	}
	off = strlen(vec[0]) + 1;
	ret = canon(c, r, vec[0], path, NULL);
	if (!ret) {
		ret = op_write(a, r->tx, path, r->buf + off, (uint32_t)(r->len - off));
	}
	if (ret == -ENOSPC) {
		r->why = "node or value-size quota";
	}
	if (!ret) {
		proto_ack(c, r);
	}
	return ret;
}

static int do_mkdir_rm(struct conn *c, struct req *r, const struct actor *a)
{
	const char *arg = onearg(r);
	char path[XS_PATH_BUF];
	int ret;

	if (!arg) {
		return -EINVAL;
	}
	ret = canon(c, r, arg, path, NULL);
	if (!ret) {
		ret = r->h->type == XS_MKDIR ? op_mkdir(a, r->tx, path) : op_rm(a, r->tx, path);
	}
	if (ret == -EINVAL && !r->why) {
		r->why = "cannot remove the root";
	}
	if (ret == -ENOSPC) {
		r->why = "node quota";
	}
	if (!ret) {
		proto_ack(c, r);
	}
	return ret;
}

static int do_directory(struct conn *c, struct req *r, const struct actor *a)
{
	const struct node *n;
	int ret = read_node(c, r, a, onearg(r), &n);

	if (ret) {
		return ret;
	}
	if (n->childlen > XS_PAYLOAD_MAX) {
		return -E2BIG; /* the client falls back to DIRECTORY_PART */
	}
	proto_reply(c, r, n->children, n->childlen);
	return 0;
}

static int do_directory_part(struct conn *c, struct req *r, const struct actor *a)
{
	char out[XS_PAYLOAD_MAX + 1];
	const struct node *n;
	const char *vec[2];
	uint32_t off, len = 0, maxlen;
	int glen, ret;

	if (get_strings(r, vec, 2) != 2) {
		r->why = "expected path and offset";
		return -EINVAL;
	}
	off = (uint32_t)atoi(vec[1]);
	ret = read_node(c, r, a, vec[0], &n);
	if (ret) {
		return ret;
	}
	glen = snprintf(out, sizeof(out), "%llu", (unsigned long long)n->gen) + 1;
	if (off >= n->childlen) {
		out[glen] = '\0';
		proto_reply(c, r, out, (size_t)glen + 1);
		return 0;
	}
	maxlen = XS_PAYLOAD_MAX - (uint32_t)glen - 1;
	while (off + len < n->childlen) {
		uint32_t l =
		    (uint32_t)strnlen(n->children + off + len, n->childlen - off - len) + 1;

		if (len + l > maxlen) {
			break;
		}
		len += l;
	}
	memcpy(out + glen, n->children + off, len);
	if (off + len == n->childlen) {
		out[glen + (int)len] = '\0';
		len++;
	}
	proto_reply(c, r, out, (size_t)glen + len);
	return 0;
}

static int do_get_perms(struct conn *c, struct req *r, const struct actor *a)
{
	char out[XS_PAYLOAD_MAX];
	const struct node_perms *perms;
	const struct node *n;
	/* Like Xen 4.17, special paths have no readable permissions: EINVAL as a bad path. */
	int ret = read_node(c, r, a, onearg(r), &n);

	if (ret) {
		return ret;
	}
	perms = &n->perms;
	ret = perms_format(perms, out, sizeof(out));
	if (ret < 0) {
		return ret;
	}
	proto_reply(c, r, out, (size_t)ret);
	return 0;
}

static int do_set_perms(struct conn *c, struct req *r, const struct actor *a)
{
	char path[XS_PATH_BUF];
	struct node_perms perms;
	unsigned int num = count_nuls(r);
	int ret;

	if (num < 2) {
		r->why = "expected a path and at least one permission";
		return -EINVAL;
	}
	if (!a->priv && num - 1 > quota.perms) {
		r->why = "permissions quota";
		return -ENOSPC;
	}
	ret = perms_parse(r->buf + strlen(r->buf) + 1, num - 1, &perms);
	if (ret) {
		r->why = "malformed permission (expected [nrwb]<domid>)";
		return ret;
	}
	if (r->buf[0] == '@') {
		struct node_perms *sp = special_find(r->buf);
		int i = sp == &special_perms[0] ? 0 : 1;

		if (!sp) {
			r->why = "unknown special path";
			ret = -EINVAL;
		} else if ((perm_for(a, sp) & (PERM_WRITE | PERM_OWNER)) !=
			   (PERM_WRITE | PERM_OWNER)) {
			ret = -EACCES;
		} else {
			if (special_owned[i]) {
				perms_free(sp);
			}
			*sp = perms;
			special_owned[i] = true;
			proto_ack(c, r);
			return 0;
		}
		perms_free(&perms);
		return ret;
	}
	ret = canon(c, r, r->buf, path, NULL);
	if (!ret) {
		ret = op_set_perms(a, r->tx, path, &perms);
	}
	if (ret == -EPERM) {
		r->why = "an unprivileged owner may not change the owner";
	}
	perms_free(&perms);
	if (!ret) {
		proto_ack(c, r);
	}
	return ret;
}

/* ---- watches ---- */

static int do_watch(struct conn *c, struct req *r, const struct actor *a)
{
	char path[XS_PATH_BUF];
	const char *vec[2];
	size_t strip = 0;
	int ret;

	(void)a;
	if (get_strings(r, vec, 2) != 2) {
		r->why = "expected exactly a path and a token";
		return -EINVAL;
	}
	if (vec[0][0] == '@') {
		if (strlen(vec[0]) > XS_REL_PATH_MAX) {
			r->why = "special path too long";
			return -EINVAL;
		}
		strcpy(path, vec[0]);
	} else {
		ret = canon(c, r, vec[0], path, &strip);
		if (ret) {
			return ret;
		}
	}
	if (r->h->type == XS_UNWATCH) {
		ret = watch_remove(c, path, vec[1]);
		if (!ret) {
			proto_ack(c, r);
		}
		return ret;
	}
	ret = watch_add(c, path, vec[1], strip);
	if (ret == -E2BIG) {
		r->why = "watch quota";
	}
	if (ret) {
		return ret;
	}
	proto_ack(c, r);
	watch_send_initial(c, path + strip, vec[1]);
	return 0;
}

static int do_reset_watches(struct conn *c, struct req *r, const struct actor *a)
{
	(void)a;
	watch_remove_all(c);
	while (c->txns) {
		struct txn *tx = c->txns;

		conn_txn_unlink(c, tx);
		txn_free(tx);
	}
	proto_ack(c, r);
	return 0;
}

/* ---- transactions ---- */

static int do_tx_start(struct conn *c, struct req *r, const struct actor *a)
{
	char id[16];
	struct txn *tx;
	uint32_t tid;

	if (r->tx) {
		r->why = "TRANSACTION_START inside a transaction";
		return -EBUSY;
	}
	if (!a->priv && c->ntxns >= quota.txns) {
		r->why = "transaction quota";
		return -ENOSPC;
	}
	do {
		tid = c->next_tx_id++;
	} while (tid == 0 || conn_txn_find(c, tid));
	tx = txn_new(tid, a->priv ? 0 : quota.tx_nodes);
	if (!tx) {
		return -ENOMEM;
	}
	txn_set_next(tx, c->txns);
	c->txns = tx;
	c->ntxns++;
	snprintf(id, sizeof(id), "%u", tid);
	proto_reply(c, r, id, strlen(id) + 1);
	return 0;
}

static int do_tx_end(struct conn *c, struct req *r, const struct actor *a)
{
	const char *arg = onearg(r);
	struct txn *tx = r->tx;
	int ret = 0;

	(void)a;
	if (!tx) {
		r->why = "no transaction";
		return -ENOENT;
	}
	if (!arg || (strcmp(arg, "T") != 0 && strcmp(arg, "F") != 0)) {
		r->why = "expected T or F";
		return -EINVAL;
	}
	conn_txn_unlink(c, tx);
	if (arg[0] == 'T') {
		ret = txn_commit(tx);
	} else {
		txn_free(tx);
	}
	if (!ret) {
		proto_ack(c, r);
	}
	return ret;
}

/* ---- domains ---- */

static void fire_special(int which)
{
	watch_fire(special_names[which], true, &special_perms[which], NULL);
}

static int do_introduce(struct conn *c, struct req *r, const struct actor *a)
{
	const char *vec[3];
	struct domain *d;
	uint32_t domid;
	int port;

	(void)a;
	if (get_strings(r, vec, 3) < 3) {
		r->why = "expected domid, gfn and event channel";
		return -EINVAL;
	}
	domid = parse_domid(vec[0]);
	port = atoi(vec[2]);
	if (port <= 0 || !domid_is_guest(domid)) {
		r->why = "bad domid or event channel";
		return -EINVAL;
	}
	d = domain_get(domid);
	if (!d) {
		return -ENOMEM;
	}
	if (!d->introduced) {
		/* The shared-ring transport (with dom0) will map the ring and bind the port here.
		 */
		d->introduced = true;
		d->shutdown = false;
		d->gfn = (uint64_t)strtoll(vec[1], NULL, 10);
		d->port = (uint32_t)port;
		log_msg(LOG_INFO, "domain %u introduced (gfn %s, port %d)", domid, vec[1], port);
		fire_special(0);
	}
	proto_ack(c, r);
	return 0;
}

/* A domain argument that must name an introduced guest. */
static int connected_domain(struct req *r, const char *arg, struct domain **out)
{
	uint32_t domid = parse_domid(arg);
	struct domain *d;

	if (!domid_is_guest(domid)) {
		r->why = "not a guest domain id";
		return -EINVAL;
	}
	d = domain_find(domid);
	if (!d || !d->introduced) {
		r->why = "domain not introduced";
		return -ENOENT;
	}
	*out = d;
	return 0;
}

static int do_release_resume(struct conn *c, struct req *r, const struct actor *a)
{
	const char *arg = onearg(r);
	struct domain *d;
	int ret;

	(void)a;
	if (!arg) {
		return -EINVAL;
	}
	ret = connected_domain(r, arg, &d);
	if (ret) {
		return ret;
	}
	if (r->h->type == XS_RESUME) {
		d->shutdown = false;
	} else {
		d->introduced = false;
		d->has_target = false;
		log_msg(LOG_INFO, "domain %u released", d->domid);
		fire_special(1);
	}
	proto_ack(c, r);
	return 0;
}

static int do_is_introduced(struct conn *c, struct req *r, const struct actor *a)
{
	const char *arg = onearg(r);
	uint32_t domid;
	bool yes;

	(void)a;
	if (!arg) {
		return -EINVAL;
	}
	domid = parse_domid(arg);
	yes = domid == DOMID_SELF || domain_is_introduced(domid);
	proto_reply(c, r, yes ? "T" : "F", 2);
	return 0;
}

static int do_get_domain_path(struct conn *c, struct req *r, const struct actor *a)
{
	const char *arg = onearg(r);
	char path[40];

	(void)a;
	if (!arg) {
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s%u", XS_DOMAIN_PATH_BASE, parse_domid(arg));
	proto_reply(c, r, path, strlen(path) + 1);
	return 0;
}

static int do_set_target(struct conn *c, struct req *r, const struct actor *a)
{
	struct domain *d, *t;
	const char *vec[2];
	int ret;

	(void)a;
	if (get_strings(r, vec, 2) < 2) {
		r->why = "expected domid and target domid";
		return -EINVAL;
	}
	ret = connected_domain(r, vec[0], &d);
	if (!ret) {
		ret = connected_domain(r, vec[1], &t);
	}
	if (ret) {
		return ret;
	}
	d->has_target = true;
	d->target = t->domid;
	proto_ack(c, r);
	return 0;
}

static int do_control(struct conn *c, struct req *r, const struct actor *a)
{
	const char *vec[16];
	unsigned int n;

	(void)a;
	n = get_strings(r, vec, 16);
	if (n < 1) {
		r->why = "expected a command";
		return -EINVAL;
	}
	return control_handle(c, r, vec, n);
}

struct handler {
	int (*fn)(struct conn *c, struct req *r, const struct actor *a);
	unsigned int flags;
};

/* Default deny: a type without a handler is answered ENOSYS. */
static const struct handler handlers[XS_TYPE_COUNT] = {
    [XS_CONTROL] = {do_control, F_PRIV | F_NOTID | F_WRITE},
    [XS_DIRECTORY] = {do_directory, 0},
    [XS_READ] = {do_read, 0},
    [XS_GET_PERMS] = {do_get_perms, 0},
    [XS_WATCH] = {do_watch, F_NOTID},
    [XS_UNWATCH] = {do_watch, F_NOTID},
    [XS_TRANSACTION_START] = {do_tx_start, 0},
    [XS_TRANSACTION_END] = {do_tx_end, 0},
    [XS_INTRODUCE] = {do_introduce, F_PRIV | F_NOTID | F_WRITE},
    [XS_RELEASE] = {do_release_resume, F_PRIV | F_NOTID | F_WRITE},
    [XS_GET_DOMAIN_PATH] = {do_get_domain_path, F_NOTID},
    [XS_WRITE] = {do_write, F_WRITE},
    [XS_MKDIR] = {do_mkdir_rm, F_WRITE},
    [XS_RM] = {do_mkdir_rm, F_WRITE},
    [XS_SET_PERMS] = {do_set_perms, F_WRITE},
    [XS_IS_DOMAIN_INTRODUCED] = {do_is_introduced, F_PRIV | F_NOTID},
    [XS_RESUME] = {do_release_resume, F_PRIV | F_NOTID | F_WRITE},
    [XS_SET_TARGET] = {do_set_target, F_PRIV | F_NOTID | F_WRITE},
    [XS_RESET_WATCHES] = {do_reset_watches, F_NOTID},
    [XS_DIRECTORY_PART] = {do_directory_part, 0},
};

static void log_refusal(struct conn *c, const struct req *r, int err)
{
	bool routine = err == -ENOENT || err == -EAGAIN || err == -EEXIST;
	const char *tname = xs_type_name(r->h->type);
	char arg[81];
	size_t i;

	if (!c->priv && !log_limited(&c->rl)) {
		return;
	}
	/* The first argument, printable, truncated: enough to see what was refused. */
	for (i = 0; i + 1 < sizeof(arg) && i < r->len && r->buf[i]; i++) {
		arg[i] = (r->buf[i] >= 0x20 && r->buf[i] < 0x7f) ? r->buf[i] : '?';
	}
	arg[i] = '\0';
	log_msg(routine ? LOG_DEBUG : LOG_INFO, "%s: %s %s \"%s\" (tx %u): %s%s%s", conn_name(c),
		routine ? "answered" : "refused", tname ? tname : "unknown-type", arg, r->h->tx_id,
		xs_errno_name(-err), r->why ? ": " : "", r->why ? r->why : "");
}

void proto_handle(struct conn *c, const struct xs_hdr *hdr, const char *payload)
{
	struct req r = {.h = hdr, .buf = payload, .len = hdr->len};
	const struct handler *h = NULL;
	struct actor a;
	int ret;

	conn_actor(c, &a);
	if (hdr->type < XS_TYPE_COUNT) {
		h = &handlers[hdr->type];
	}
	if (!h || !h->fn) {
		r.why = "unknown or reply-only message type";
		ret = -ENOSYS;
		goto refuse;
	}
	if ((h->flags & F_PRIV) && !c->priv) {
		r.why = "privileged operation";
		ret = -EACCES;
		goto refuse;
	}
	if ((h->flags & F_WRITE) && c->readonly) {
		r.why = "read-only connection";
		ret = -EROFS;
		goto refuse;
	}
	if (!(h->flags & F_NOTID) && hdr->tx_id) {
		r.tx = conn_txn_find(c, hdr->tx_id);
		if (!r.tx) {
			r.why = "unknown transaction id";
			ret = -ENOENT;
			goto refuse;
		}
	}
	ret = h->fn(c, &r, &a);
	if (!ret) {
		return;
	}
refuse:
	log_refusal(c, &r, ret);
	send_error(c, &r, -ret);
}
