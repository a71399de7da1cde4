// SPDX-License-Identifier: MIT
/*
 * libargonstore: requests, replies and the watch event queue over one Unix socket connection.
 * Replies are matched by req_id; watch events that arrive in between are queued in order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "argon/store.h"

struct store {
	int fd;
	uint32_t next_req_id;
	struct store_event *ev_head; /* queued watch events, oldest first */
	struct store_event *ev_tail;
};

int store_open(const char *path, struct store **out)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct store *s;
	int ret;

	if (!path) {
		path = getenv("XENSTORED_PATH");
	}
	if (!path) {
		path = STORE_DEFAULT_SOCKET;
	}
	if (strlen(path) >= sizeof(addr.sun_path)) {
		return -ENAMETOOLONG;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);

	s = calloc(1, sizeof(*s));
	if (!s) {
		return -ENOMEM;
	}
	s->next_req_id = 1;
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		ret = -errno;
		goto free_handle;
	}
	if (connect(s->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		ret = -errno;
		goto close_fd;
	}
	*out = s;
	return 0;

close_fd:
	close(s->fd);
free_handle:
	free(s);
	return ret;
}

void store_event_free(struct store_event *ev)
{
	if (!ev) {
		return;
	}
	free(ev->path);
	free(ev->token);
	free(ev);
}

void store_close(struct store *s)
{
	struct store_event *ev, *next;

	if (!s) {
		return;
	}
	for (ev = s->ev_head; ev; ev = next) {
		next = ev->next;
		store_event_free(ev);
	}
	close(s->fd);
	free(s);
}

int store_fd(const struct store *s)
{
	return s->fd;
}

static int write_all(int fd, struct iovec *iov, int iovcnt)
{
	while (iovcnt > 0) {
		ssize_t n = writev(fd, iov, iovcnt);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			iovcnt--;
		}
		if (iovcnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		if (n == 0) {
			return -ECONNRESET;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read one whole message; the payload gets a NUL appended. */
static int read_msg(struct store *s, struct xs_hdr *hdr, char **payload)
{
	char *buf;
	int ret;

	ret = read_all(s->fd, hdr, sizeof(*hdr));
	if (ret) {
		return ret;
	}
	if (hdr->len > XS_PAYLOAD_MAX) {
		return -EPROTO;
	}
	buf = malloc(hdr->len + 1);
	if (!buf) {
		return -ENOMEM;
	}
	ret = read_all(s->fd, buf, hdr->len);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[hdr->len] = '\0';
	*payload = buf;
	return 0;
}

/* Queue a watch event "<path>\0<token>\0". Malformed events are dropped. */
static int queue_event(struct store *s, char *payload, uint32_t len)
{
	struct store_event *ev;
	size_t plen = strnlen(payload, len);

	if (plen >= len) {
		return 0;
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev) {
		return -ENOMEM;
	}
	ev->path = strdup(payload);
	ev->token = strndup(payload + plen + 1, len - plen - 1);
	if (!ev->path || !ev->token) {
		store_event_free(ev);
		return -ENOMEM;
	}
	if (s->ev_tail) {
		s->ev_tail->next = ev;
	} else {
		s->ev_head = ev;
	}
	s->ev_tail = ev;
	return 0;
}

int store_request(struct store *s, uint32_t type, store_tx_t tx, const void *payload, size_t len,
		  uint32_t *reply_type, char **reply, size_t *reply_len)
{
	struct xs_hdr hdr = {.type = type, .tx_id = tx, .len = (uint32_t)len};
	struct iovec iov[2];
	int ret;

	if (len > XS_PAYLOAD_MAX) {
		return -E2BIG;
	}
	hdr.req_id = s->next_req_id++;
	iov[0] = (struct iovec){.iov_base = &hdr, .iov_len = sizeof(hdr)};
	iov[1] = (struct iovec){.iov_base = (void *)payload, .iov_len = len};
	ret = write_all(s->fd, iov, len ? 2 : 1);
	if (ret) {
		return ret;
	}
	for (;;) {
		struct xs_hdr rh;
		char *data;

		ret = read_msg(s, &rh, &data);
		if (ret) {
			return ret;
		}
		if (rh.type == XS_WATCH_EVENT) {
			ret = queue_event(s, data, rh.len);
			free(data);
			if (ret) {
				return ret;
			}
			continue;
		}
		if (rh.req_id != hdr.req_id) {
			free(data);
			return -EPROTO;
		}
		*reply_type = rh.type;
		*reply = data;
		if (reply_len) {
			*reply_len = rh.len;
		}
		return 0;
	}
}

/*
 * Send a request and turn an ERROR reply into a negative errno. On success the reply payload is
 * handed out in *@out (if non-NULL) or freed.
 */
static int xfer(struct store *s, uint32_t type, store_tx_t tx, const void *payload, size_t len,
		char **out, size_t *out_len)
{
	uint32_t rtype;
	char *reply;
	size_t rlen;
	int ret;

	ret = store_request(s, type, tx, payload, len, &rtype, &reply, &rlen);
	if (ret) {
		return ret;
	}
	if (rtype == XS_ERROR) {
		ret = -xs_errno_from_name(reply);
		free(reply);
		return ret;
	}
	if (rtype != type) {
		free(reply);
		return -EPROTO;
	}
	if (out) {
		*out = reply;
		if (out_len) {
			*out_len = rlen;
		}
	} else {
		free(reply);
	}
	return 0;
}

/* Concatenate NUL-terminated strings into one payload ("a\0b\0"). */
static int build_args(char *buf, size_t size, size_t *len, const char *const *args, unsigned n)
{
	size_t off = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		size_t l = strlen(args[i]) + 1;

		if (off + l > size) {
			return -E2BIG;
		}
		memcpy(buf + off, args[i], l);
		off += l;
	}
	*len = off;
	return 0;
}

static int xfer_args(struct store *s, uint32_t type, store_tx_t tx, const char *const *args,
		     unsigned n, char **out, size_t *out_len)
{
	char buf[XS_PAYLOAD_MAX];
	size_t len;
	int ret;

	ret = build_args(buf, sizeof(buf), &len, args, n);
	if (ret) {
		return ret;
	}
	return xfer(s, type, tx, buf, len, out, out_len);
}

int store_read(struct store *s, store_tx_t tx, const char *path, char **val, size_t *len)
{
	return xfer_args(s, XS_READ, tx, &path, 1, val, len);
}

int store_write(struct store *s, store_tx_t tx, const char *path, const void *val, size_t len)
{
	char buf[XS_PAYLOAD_MAX];
	size_t plen = strlen(path) + 1;

	if (plen + len > sizeof(buf)) {
		return -E2BIG;
	}
	memcpy(buf, path, plen);
	if (len) {
		memcpy(buf + plen, val, len);
	}
	return xfer(s, XS_WRITE, tx, buf, plen + len, NULL, NULL);
}

int store_write_str(struct store *s, store_tx_t tx, const char *path, const char *val)
{
	return store_write(s, tx, path, val, strlen(val));
}

int store_mkdir(struct store *s, store_tx_t tx, const char *path)
{
	return xfer_args(s, XS_MKDIR, tx, &path, 1, NULL, NULL);
}

int store_rm(struct store *s, store_tx_t tx, const char *path)
{
	return xfer_args(s, XS_RM, tx, &path, 1, NULL, NULL);
}

void store_free_names(char **names, unsigned int count)
{
	unsigned i;

	if (!names) {
		return;
	}
	for (i = 0; i < count; i++) {
		free(names[i]);
	}
	free(names);
}

/* Split "a\0b\0" (@len bytes) into an array of strings. */
static int split_names(const char *buf, size_t len, char ***names, unsigned int *count)
{
	unsigned n = 0, i = 0;
	size_t off;
	char **v;

	for (off = 0; off < len; off++) {
		n += buf[off] == '\0';
	}
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		return -ENOMEM;
	}
	for (off = 0; off < len && i < n; i++) {
		size_t l = strnlen(buf + off, len - off);

		v[i] = strndup(buf + off, l);
		if (!v[i]) {
			store_free_names(v, i);
			return -ENOMEM;
		}
		off += l + 1;
	}
	*names = v;
	*count = n;
	return 0;
}

/*
 * DIRECTORY_PART loop: each reply is "<gen>\0" followed by names from the offset; the list ends
 * with an empty name. A changed generation means the node changed: start over.
 */
static int directory_part(struct store *s, store_tx_t tx, const char *path, char **all,
			  size_t *all_len)
{
	char *acc = NULL, *reply = NULL, *gen0 = NULL;
	size_t acc_len = 0;
	int ret, tries;

	for (tries = 0; tries < 16; tries++) {
		bool done = false;

		acc_len = 0;
		free(gen0);
		gen0 = NULL;
		while (!done) {
			char off[24];
			const char *args[2] = {path, off};
			size_t rlen, glen;
			char *grown;

			snprintf(off, sizeof(off), "%zu", acc_len);
			ret = xfer_args(s, XS_DIRECTORY_PART, tx, args, 2, &reply, &rlen);
			if (ret) {
				goto out;
			}
			glen = strnlen(reply, rlen);
			if (glen == rlen) {
				ret = -EPROTO;
				goto out;
			}
			if (!gen0) {
				gen0 = strdup(reply);
				if (!gen0) {
					ret = -ENOMEM;
					goto out;
				}
			} else if (strcmp(gen0, reply) != 0) {
				free(reply);
				reply = NULL;
				break;
			}
			rlen -= glen + 1;
			/* A trailing empty name (double NUL, or a lone NUL) marks the end. */
			if (rlen == 1 || (rlen >= 2 && reply[glen + rlen] == '\0' &&
					  reply[glen + rlen - 1] == '\0')) {
				done = true;
				rlen--;
			}
			if (rlen == 0 && !done) {
				ret = -EPROTO;
				goto out;
			}
			grown = realloc(acc, acc_len + rlen + 1);
			if (!grown) {
				ret = -ENOMEM;
				goto out;
			}
			acc = grown;
			memcpy(acc + acc_len, reply + glen + 1, rlen);
			acc_len += rlen;
			free(reply);
			reply = NULL;
		}
		if (done) {
			*all = acc;
			*all_len = acc_len;
			acc = NULL;
			ret = 0;
			goto out;
		}
	}
	ret = -EAGAIN;
out:
	free(reply);
	free(gen0);
	free(acc);
	return ret;
}

int store_directory(struct store *s, store_tx_t tx, const char *path, char ***names,
		    unsigned int *count)
{
	char *reply = NULL;
	size_t len = 0;
	int ret;

	ret = xfer_args(s, XS_DIRECTORY, tx, &path, 1, &reply, &len);
	if (ret == -E2BIG) {
		ret = directory_part(s, tx, path, &reply, &len);
	}
	if (ret) {
		return ret;
	}
	ret = split_names(reply ? reply : "", len, names, count);
	free(reply);
	return ret;
}

int store_perm_format(const struct store_perm *p, char *buf, size_t size)
{
	static const char letters[] = {XS_PERM_CHAR_NONE, XS_PERM_CHAR_READ, XS_PERM_CHAR_WRITE,
				       XS_PERM_CHAR_BOTH};
	int n;

	if (p->access > STORE_PERM_BOTH) {
		return -EINVAL;
	}
	n = snprintf(buf, size, "%c%u", letters[p->access], p->domid);
	return (n < 0 || (size_t)n >= size) ? -EINVAL : 0;
}

int store_perm_parse(const char *str, struct store_perm *p)
{
	unsigned long id;
	char *end;

	switch (str[0]) {
	case XS_PERM_CHAR_NONE:
		p->access = STORE_PERM_NONE;
		break;
	case XS_PERM_CHAR_READ:
		p->access = STORE_PERM_READ;
		break;
	case XS_PERM_CHAR_WRITE:
		p->access = STORE_PERM_WRITE;
		break;
	case XS_PERM_CHAR_BOTH:
		p->access = STORE_PERM_BOTH;
		break;
	default:
		return -EINVAL;
	}
	if (str[1] < '0' || str[1] > '9') {
		return -EINVAL;
	}
	errno = 0;
	id = strtoul(str + 1, &end, 10);
	if (errno || *end || id > UINT32_MAX) {
		return -EINVAL;
	}
	p->domid = (uint32_t)id;
	return 0;
}

int store_get_perms(struct store *s, store_tx_t tx, const char *path, struct store_perm **perms,
		    unsigned int *count)
{
	char **names = NULL;
	struct store_perm *v;
	unsigned n = 0, i;
	char *reply;
	size_t len;
	int ret;

	ret = xfer_args(s, XS_GET_PERMS, tx, &path, 1, &reply, &len);
	if (ret) {
		return ret;
	}
	ret = split_names(reply, len, &names, &n);
	free(reply);
	if (ret) {
		return ret;
	}
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		ret = -ENOMEM;
		goto free_names;
	}
	for (i = 0; i < n; i++) {
		ret = store_perm_parse(names[i], &v[i]);
		if (ret) {
			free(v);
			ret = -EPROTO;
			goto free_names;
		}
	}
	*perms = v;
	*count = n;
free_names:
	store_free_names(names, n);
	return ret;
}

int store_set_perms(struct store *s, store_tx_t tx, const char *path,
		    const struct store_perm *perms, unsigned int count)
{
	char buf[XS_PAYLOAD_MAX];
	size_t off = strlen(path) + 1;
	unsigned i;

	if (count == 0) {
		return -EINVAL;
	}
	if (off > sizeof(buf)) {
		return -E2BIG;
	}
	memcpy(buf, path, off);
	for (i = 0; i < count; i++) {
		char one[16];
		size_t l;

		if (store_perm_format(&perms[i], one, sizeof(one))) {
			return -EINVAL;
		}
		l = strlen(one) + 1;
		if (off + l > sizeof(buf)) {
			return -E2BIG;
		}
		memcpy(buf + off, one, l);
		off += l;
	}
	return xfer(s, XS_SET_PERMS, tx, buf, off, NULL, NULL);
}

int store_tx_start(struct store *s, store_tx_t *tx)
{
	unsigned long id;
	char *reply, *end;
	int ret;

	ret = xfer(s, XS_TRANSACTION_START, STORE_TX_NONE, "", 1, &reply, NULL);
	if (ret) {
		return ret;
	}
	errno = 0;
	id = strtoul(reply, &end, 10);
	ret = (errno || *end || id == 0 || id > UINT32_MAX) ? -EPROTO : 0;
	free(reply);
	if (!ret) {
		*tx = (store_tx_t)id;
	}
	return ret;
}

int store_tx_end(struct store *s, store_tx_t tx, bool commit)
{
	return xfer(s, XS_TRANSACTION_END, tx, commit ? "T" : "F", 2, NULL, NULL);
}

int store_watch(struct store *s, const char *path, const char *token)
{
	const char *args[2] = {path, token};

	return xfer_args(s, XS_WATCH, STORE_TX_NONE, args, 2, NULL, NULL);
}

int store_unwatch(struct store *s, const char *path, const char *token)
{
	const char *args[2] = {path, token};

	return xfer_args(s, XS_UNWATCH, STORE_TX_NONE, args, 2, NULL, NULL);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int store_read_watch(struct store *s, struct store_event **ev, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
		struct xs_hdr hdr;
		char *data;
		int wait, ret;

		if (s->ev_head) {
			*ev = s->ev_head;
			s->ev_head = s->ev_head->next;
			if (!s->ev_head) {
				s->ev_tail = NULL;
			}
			(*ev)->next = NULL;
			return 0;
		}
		wait = timeout_ms < 0 ? -1 : (int)(deadline - now_ms());
		if (timeout_ms >= 0 && wait < 0) {
			wait = 0;
		}
		ret = poll(&pfd, 1, wait);
		if (ret < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		if (ret == 0) {
			return -ETIMEDOUT;
		}
		ret = read_msg(s, &hdr, &data);
		if (ret) {
			return ret;
		}
		if (hdr.type != XS_WATCH_EVENT) {
			free(data);
			return -EPROTO;
		}
		ret = queue_event(s, data, hdr.len);
		free(data);
		if (ret) {
			return ret;
		}
	}
}

int store_reset_watches(struct store *s)
{
	struct store_event *ev, *next;
	int ret;

	ret = xfer(s, XS_RESET_WATCHES, STORE_TX_NONE, "", 1, NULL, NULL);
	if (ret) {
		return ret;
	}
	for (ev = s->ev_head; ev; ev = next) {
		next = ev->next;
		store_event_free(ev);
	}
	s->ev_head = s->ev_tail = NULL;
	return 0;
}

static int domid_request(struct store *s, uint32_t type, uint32_t domid, char **out)
{
	char id[16];
	const char *arg = id;

	snprintf(id, sizeof(id), "%u", domid);
	return xfer_args(s, type, STORE_TX_NONE, &arg, 1, out, NULL);
}

int store_introduce(struct store *s, uint32_t domid, uint64_t gfn, uint32_t evtchn)
{
	char a[16], b[24], c[16];
	const char *args[3] = {a, b, c};

	snprintf(a, sizeof(a), "%u", domid);
	snprintf(b, sizeof(b), "%lld", (long long)gfn);
	snprintf(c, sizeof(c), "%u", evtchn);
	return xfer_args(s, XS_INTRODUCE, STORE_TX_NONE, args, 3, NULL, NULL);
}

int store_release(struct store *s, uint32_t domid)
{
	return domid_request(s, XS_RELEASE, domid, NULL);
}

int store_resume(struct store *s, uint32_t domid)
{
	return domid_request(s, XS_RESUME, domid, NULL);
}

int store_set_target(struct store *s, uint32_t domid, uint32_t target)
{
	char a[16], b[16];
	const char *args[2] = {a, b};

	snprintf(a, sizeof(a), "%u", domid);
	snprintf(b, sizeof(b), "%u", target);
	return xfer_args(s, XS_SET_TARGET, STORE_TX_NONE, args, 2, NULL, NULL);
}

int store_is_introduced(struct store *s, uint32_t domid, bool *introduced)
{
	char *reply;
	int ret;

	ret = domid_request(s, XS_IS_DOMAIN_INTRODUCED, domid, &reply);
	if (ret) {
		return ret;
	}
	*introduced = reply[0] == 'T';
	free(reply);
	return 0;
}

int store_get_domain_path(struct store *s, uint32_t domid, char **path)
{
	return domid_request(s, XS_GET_DOMAIN_PATH, domid, path);
}

int store_control(struct store *s, const char *const *argv, unsigned int argc, char **out)
{
	if (argc == 0) {
		return -EINVAL;
	}
	return xfer_args(s, XS_CONTROL, STORE_TX_NONE, argv, argc, out, NULL);
}
