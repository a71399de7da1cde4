/* SPDX-License-Identifier: MIT */
/*
 * libargonstore: a client of the xenstore protocol (Argon's replacement for libxenstore).
 *
 * One handle is one connection to the daemon. Calls are synchronous and not thread-safe: a handle
 * belongs to one thread. Watch events that arrive while a call waits for its reply are queued and
 * handed out by store_read_watch(). Every fallible call returns 0 or a negative errno, where the
 * errno is the daemon's (EACCES, ENOENT, EAGAIN, ...) or a local one (ECONNRESET, EPROTO, ENOMEM).
 * Strings and arrays handed out are malloc()ed and owned by the caller.
 */
#ifndef ARGON_STORE_H
#define ARGON_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "argon/xs_wire.h"

/** A connection to the store daemon. */
struct store;

/** A transaction id; STORE_TX_NONE means "outside any transaction". */
typedef uint32_t store_tx_t;
#define STORE_TX_NONE ((store_tx_t)0)

/** Default daemon socket when neither the caller nor $XENSTORED_PATH names one. */
#define STORE_DEFAULT_SOCKET "/run/xenstored/socket"

/** Access one domain has to a node: a bit set of STORE_PERM_READ and STORE_PERM_WRITE. */
enum store_perm_bits {
	STORE_PERM_NONE = 0,
	STORE_PERM_READ = 1,
	STORE_PERM_WRITE = 2,
	STORE_PERM_BOTH = 3,
};

/**
 * struct store_perm - One entry of a node's permission list. The first entry names the owner and
 * the access of every domain not listed after it; later entries grant one domain its access.
 */
struct store_perm {
	uint32_t domid;
	unsigned int access; /* enum store_perm_bits */
};

/**
 * struct store_event - A watch event: the path that changed and the token given to store_watch().
 * Free it with store_event_free().
 */
struct store_event {
	char *path;
	char *token;
	struct store_event *next; /* private: the handle's queue */
};

/**
 * store_open() - Connect to the daemon's Unix socket at @path (NULL: $XENSTORED_PATH, else
 * STORE_DEFAULT_SOCKET) and set *@out. Returns 0 or a negative errno from socket/connect.
 */
int store_open(const char *path, struct store **out);

/** store_close() - Close the connection and free the handle and every queued event. */
void store_close(struct store *s);

/** store_fd() - The connection's file descriptor, to poll for readability (watch events). */
int store_fd(const struct store *s);

/**
 * store_request() - Send one raw request and wait for its reply. On success *@reply_type is the
 * reply's type (the request's type, or XS_ERROR), *@reply a NUL-terminated malloc()ed copy of the
 * payload and *@reply_len its length (without the added NUL). The building block of the calls
 * below, public for protocol tests.
 */
int store_request(struct store *s, uint32_t type, store_tx_t tx, const void *payload, size_t len,
		  uint32_t *reply_type, char **reply, size_t *reply_len);

/** store_read() - Read the value at @path into *@val (NUL-terminated; *@len bytes, may be NULL). */
int store_read(struct store *s, store_tx_t tx, const char *path, char **val, size_t *len);

/** store_write() - Set the value at @path, creating it and its missing parents. */
int store_write(struct store *s, store_tx_t tx, const char *path, const void *val, size_t len);

/** store_write_str() - store_write() of a NUL-terminated string (without its NUL). */
int store_write_str(struct store *s, store_tx_t tx, const char *path, const char *val);

/** store_mkdir() - Make @path exist (with an empty value if it is new). */
int store_mkdir(struct store *s, store_tx_t tx, const char *path);

/** store_rm() - Remove @path and everything below it. */
int store_rm(struct store *s, store_tx_t tx, const char *path);

/**
 * store_directory() - List the children of @path: *@names is an array of *@count strings. Lists
 * longer than one message are fetched with DIRECTORY_PART and retried if the node changes
 * meanwhile. Free with store_free_names().
 */
int store_directory(struct store *s, store_tx_t tx, const char *path, char ***names,
		    unsigned int *count);

/** store_free_names() - Free an array from store_directory(). */
void store_free_names(char **names, unsigned int count);

/** store_get_perms() - The permission list of @path (*@perms has *@count entries; free()). */
int store_get_perms(struct store *s, store_tx_t tx, const char *path, struct store_perm **perms,
		    unsigned int *count);

/** store_set_perms() - Replace the permission list of @path (@count >= 1). */
int store_set_perms(struct store *s, store_tx_t tx, const char *path,
		    const struct store_perm *perms, unsigned int count);

/** store_perm_format() - Write "<letter><domid>" for @p into @buf; returns 0 or -EINVAL. */
int store_perm_format(const struct store_perm *p, char *buf, size_t size);

/** store_perm_parse() - Parse "<letter><domid>" (letters n, r, w, b); returns 0 or -EINVAL. */
int store_perm_parse(const char *str, struct store_perm *p);

/** store_tx_start() - Start a transaction and set *@tx. */
int store_tx_start(struct store *s, store_tx_t *tx);

/**
 * store_tx_end() - Commit (@commit true) or abort a transaction. A commit that conflicts with a
 * change made since the transaction read or wrote a node fails with -EAGAIN: start again.
 */
int store_tx_end(struct store *s, store_tx_t tx, bool commit);

/**
 * store_watch() - Watch @path (or a special path such as "@introduceDomain") and everything below
 * it; events carry @token. The daemon fires one event at once; it is queued for store_read_watch().
 */
int store_watch(struct store *s, const char *path, const char *token);

/** store_unwatch() - Remove the watch registered with the same @path and @token. */
int store_unwatch(struct store *s, const char *path, const char *token);

/**
 * store_read_watch() - Hand out the next watch event in *@ev, waiting at most @timeout_ms
 * milliseconds for one (-1: forever, 0: only what has already arrived). Returns -ETIMEDOUT when
 * none came.
 */
int store_read_watch(struct store *s, struct store_event **ev, int timeout_ms);

/** store_event_free() - Free an event from store_read_watch(). */
void store_event_free(struct store_event *ev);

/** store_reset_watches() - Drop every watch and transaction of this connection. */
int store_reset_watches(struct store *s);

/** store_introduce() - Tell the daemon about domain @domid's store ring (dom0 only). */
int store_introduce(struct store *s, uint32_t domid, uint64_t gfn, uint32_t evtchn);

/** store_release() - Tell the daemon to forget domain @domid (dom0 only). */
int store_release(struct store *s, uint32_t domid);

/** store_resume() - Re-arm @releaseDomain for a domain that was shut down (dom0 only). */
int store_resume(struct store *s, uint32_t domid);

/** store_set_target() - Let domain @domid act for domain @target (a device model; dom0 only). */
int store_set_target(struct store *s, uint32_t domid, uint32_t target);

/** store_is_introduced() - Whether the daemon talks to domain @domid. */
int store_is_introduced(struct store *s, uint32_t domid, bool *introduced);

/** store_get_domain_path() - The home path of domain @domid ("/local/domain/<id>"). */
int store_get_domain_path(struct store *s, uint32_t domid, char **path);

/**
 * store_control() - Send a CONTROL command: @argv[0] is the command, the rest its parameters.
 * *@out receives the daemon's text answer (may be NULL to ignore it).
 */
int store_control(struct store *s, const char *const *argv, unsigned int argc, char **out);

#endif /* ARGON_STORE_H */
