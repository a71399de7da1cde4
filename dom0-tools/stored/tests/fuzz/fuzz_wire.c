// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the daemon's message path (assembly, decoding, every handler, the tree,
 * transactions and watches) fed from byte streams through an in-memory transport.
 *
 * Input format: a sequence of chunks, each "<selector byte><length byte><length bytes>"; the
 * selector picks one of three connections (dom0, read-only dom0, unprivileged domain 5) and
 * whether to deliver the chunk or close the connection. After each input the tree is checked and
 * all state is freed, so runs are independent and leaks show up.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "domain.h"
#include "proto.h"
#include "tree.h"

struct memtp {
	const uint8_t *data;
	size_t len;
};

static ssize_t mem_read(struct conn *c, void *buf, size_t len)
{
	struct memtp *m = c->tp;

	if (m->len == 0) {
		return 0;
	}
	if (len > m->len) {
		len = m->len;
	}
	memcpy(buf, m->data, len);
	m->data += len;
	m->len -= len;
	return (ssize_t)len;
}

/* Every message the daemon sends must be well-formed. */
static ssize_t mem_write(struct conn *c, const void *buf, size_t len)
{
	struct xs_hdr h;

	(void)c;
	if (len < sizeof(h)) {
		__builtin_trap();
	}
	memcpy(&h, buf, sizeof(h));
	if (h.len > XS_PAYLOAD_MAX || h.len != len - sizeof(h) || h.type >= XS_TYPE_COUNT) {
		__builtin_trap();
	}
	return (ssize_t)len;
}

static int mem_fd(const struct conn *c)
{
	(void)c;
	return -1;
}

static void mem_destroy(struct conn *c)
{
	free(c->tp);
}

static const struct conn_ops mem_ops = {
    .kind = "fuzz",
    .read = mem_read,
    .write = mem_write,
    .fd = mem_fd,
    .destroy = mem_destroy,
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_ERROR);
	log_enable(false);
	/* Small quotas so the fuzzer reaches the limits. */
	quota_set("nodes", 20);
	quota_set("watches", 4);
	quota_set("transactions", 3);
	quota_set("outstanding", 3);
	quota_set("transaction-nodes", 16);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn *conns[3] = {NULL, NULL, NULL};
	char why[256];
	size_t off = 0;

	if (tree_init()) {
		return 0;
	}
	while (off + 2 <= size) {
		unsigned int sel = data[off], which = sel % 3;
		size_t len = data[off + 1];
		struct memtp *m;

		off += 2;
		if (len > size - off) {
			len = size - off;
		}
		if (!conns[which] || conns[which]->dead) {
			m = calloc(1, sizeof(*m));
			if (!m) {
				break;
			}
			conns[which] =
			    conn_new(&mem_ops, m, which == 2 ? 5 : 0, which != 2, which == 1);
			if (!conns[which]) {
				free(m);
				break;
			}
		}
		if ((sel & 0xf0) == 0xf0) {
			conn_kill(conns[which], "fuzz close");
		} else {
			m = conns[which]->tp;
			m->data = data + off;
			m->len = len;
			conn_input(conns[which]);
			conn_output(conns[which]);
			m->len = 0;
		}
		off += len;
		conn_reap();
		for (which = 0; which < 3; which++) {
			struct conn *c;

			for (c = conn_first(); c && c != conns[which]; c = c->next) {
			}
			if (!c) {
				conns[which] = NULL;
			}
		}
	}
	if (tree_check(why, sizeof(why))) {
		__builtin_trap();
	}
	conn_destroy_all();
	tree_teardown();
	proto_teardown();
	domain_teardown();
	return 0;
}
