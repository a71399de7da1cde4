/* SPDX-License-Identifier: MIT */
/*
 * The Unix socket transport. A listener accepts connections of one kind: the main socket (dom0,
 * privileged), the read-only socket (dom0, no changes), or a test-only domain socket whose
 * connections act as an unprivileged domain (a stand-in for a guest's ring until that exists).
 */
#ifndef STORED_SOCK_H
#define STORED_SOCK_H

#include <stdbool.h>
#include <stdint.h>

/** struct listener - A listening socket and the identity its connections get. */
struct listener {
	int fd;
	char *path;
	bool priv;
	bool readonly;
	uint32_t domid;
};

/** sock_listen() - Bind and listen on @path (replacing a stale socket file). 0 or -errno. */
int sock_listen(struct listener *l, const char *path, bool priv, bool readonly, uint32_t domid);
/** sock_accept() - Accept pending connections on @l. */
void sock_accept(struct listener *l);
/** sock_close() - Close the listener and remove its socket file. */
void sock_close(struct listener *l);

#endif
