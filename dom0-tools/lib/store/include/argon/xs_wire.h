/* SPDX-License-Identifier: MIT */
/*
 * The xenstore wire protocol: message header, message types, error names and limits.
 *
 * The numbers and strings are Xen's (public/io/xs_wire.h, Xen 4.17); this header restates them as
 * facts for Argon's daemon and client library. Types and constants only, plus a few lookup helpers
 * implemented in lib/store/src/wire.c.
 */
#ifndef ARGON_XS_WIRE_H
#define ARGON_XS_WIRE_H

#include <stdint.h>

/* Message types. 20 was RESTRICT and is gone; it must be answered as unknown. */
enum xs_msg_type {
	XS_CONTROL = 0, /* formerly DEBUG */
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_TYPE_COUNT = 23,
	XS_INVALID = 0xffff,
};

/*
 * The header before every message in both directions. All fields are little-endian on the wire;
 * Argon is x86-64 only, so the host layout is the wire layout.
 */
struct xs_hdr {
	uint32_t type;	 /* enum xs_msg_type */
	uint32_t req_id; /* chosen by the client, echoed in the reply; 0 in watch events */
	uint32_t tx_id;	 /* transaction id, 0 outside a transaction and in watch events */
	uint32_t len;	 /* payload bytes after the header, at most XS_PAYLOAD_MAX */
};

_Static_assert(sizeof(struct xs_hdr) == 16, "xenstore header is four uint32");

/* Largest payload in either direction; a request beyond it gets its connection closed. */
#define XS_PAYLOAD_MAX 4096u
/* Longest absolute path, and longest path below a domain's home (/local/domain/<id>/). */
#define XS_ABS_PATH_MAX 3072u
#define XS_REL_PATH_MAX 2048u

/* Permission letters of GET_PERMS/SET_PERMS strings ("<letter><domid>"). */
#define XS_PERM_CHAR_NONE  'n'
#define XS_PERM_CHAR_READ  'r'
#define XS_PERM_CHAR_WRITE 'w'
#define XS_PERM_CHAR_BOTH  'b'

/* Special watch paths fired by the daemon itself. */
#define XS_SPECIAL_INTRODUCE "@introduceDomain"
#define XS_SPECIAL_RELEASE   "@releaseDomain"

/* Base of a domain's home path, as answered by GET_DOMAIN_PATH. */
#define XS_DOMAIN_PATH_BASE "/local/domain/"

/**
 * xs_errno_name() - The wire name of an errno value ("EACCES"), as sent in ERROR replies.
 * Errno values the protocol cannot carry map to "EINVAL", as Xen's daemon does.
 */
const char *xs_errno_name(int errnum);

/**
 * xs_errno_from_name() - The errno value for a wire error name, or EINVAL for a name the protocol
 * does not define (the client's view of an unknown error).
 */
int xs_errno_from_name(const char *name);

/** xs_errno_known() - Whether @errnum is one of the protocol's error values. */
int xs_errno_known(int errnum);

/** xs_type_name() - A message type's name ("WRITE"), or NULL for an unknown type. */
const char *xs_type_name(uint32_t type);

#endif /* ARGON_XS_WIRE_H */
