// SPDX-License-Identifier: MIT
/* Unix socket transport: listeners and the conn_ops of a socket connection. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"
#include "sock.h"

static int sock_fd(const struct conn *c)
{
	return (int)(intptr_t)c->tp;
}

static ssize_t sock_read(struct conn *c, void *buf, size_t len)
{
	ssize_t n = recv(sock_fd(c), buf, len, MSG_DONTWAIT);

	if (n > 0) {
		return n;
	}
	if (n == 0) {
		return -ECONNRESET;
	}
	return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -errno;
}

static ssize_t sock_write(struct conn *c, const void *buf, size_t len)
{
	ssize_t n = send(sock_fd(c), buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n >= 0) {
		return n;
	}
	return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -errno;
}

static void sock_destroy(struct conn *c)
{
	close(sock_fd(c));
}

static const struct conn_ops sock_ops = {
    .kind = "socket",
    .read = sock_read,
    .write = sock_write,
    .fd = sock_fd,
    .destroy = sock_destroy,
};

static const struct conn_ops ro_sock_ops = {
    .kind = "ro-socket",
    .read = sock_read,
    .write = sock_write,
    .fd = sock_fd,
    .destroy = sock_destroy,
};

static const struct conn_ops dom_sock_ops = {
    .kind = "domain-socket",
    .read = sock_read,
    .write = sock_write,
    .fd = sock_fd,
    .destroy = sock_destroy,
};

int sock_listen(struct listener *l, const char *path, bool priv, bool readonly, uint32_t domid)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd, ret;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		return -ENAMETOOLONG;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		return -errno;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    chmod(path, readonly ? 0666 : 0600) < 0 || listen(fd, 64) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	l->path = strdup(path);
	if (!l->path) {
		close(fd);
		unlink(path);
		return -ENOMEM;
	}
	l->fd = fd;
	l->priv = priv;
	l->readonly = readonly;
	l->domid = domid;
	return 0;
}

void sock_accept(struct listener *l)
{
	for (;;) {
		const struct conn_ops *ops = l->readonly ? &ro_sock_ops
					     : l->priv	 ? &sock_ops
							 : &dom_sock_ops;
		int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				log_msg(LOG_WARN, "accept on %s: %s", l->path, strerror(errno));
			}
			return;
		}
		if (!conn_new(ops, (void *)(intptr_t)fd, l->domid, l->priv, l->readonly)) {
			log_msg(LOG_ERROR, "out of memory accepting a connection");
			close(fd);
		}
	}
}

void sock_close(struct listener *l)
{
	if (l->fd >= 0) {
		close(l->fd);
		l->fd = -1;
	}
	if (l->path) {
		unlink(l->path);
		free(l->path);
		l->path = NULL;
	}
}
