/* SPDX-License-Identifier: MIT */
/*
 * The xenstore ring page shared between a domain and the xenstore server
 * (start_info.store_mfn, notified through start_info.store_evtchn).
 *
 * Only the page layout lives here. The message header, message types and error names are in
 * dom0-tools/lib/store/include/argon/xs_wire.h (struct xs_hdr, enum xs_msg_type), which the
 * daemon and client library use; this header defines none of those names, so both can be
 * included together.
 *
 * Layout of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_IO_XS_WIRE_H
#define ARGON_PUBLIC_IO_XS_WIRE_H

#include <stdint.h>

typedef uint32_t XENSTORE_RING_IDX;

#define XENSTORE_RING_SIZE 1024
#define XENSTORE_PAYLOAD_MAX 4096
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* server_features bits. */
#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR 2

/* connection values. */
#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

/* error values. */
#define XENSTORE_ERROR_NONE 0
#define XENSTORE_ERROR_COMM 1
#define XENSTORE_ERROR_RINGIDX 2
#define XENSTORE_ERROR_PROTO 3

static inline XENSTORE_RING_IDX mask_xenstore_idx(XENSTORE_RING_IDX idx)
{
	return idx & (XENSTORE_RING_SIZE - 1);
}

/* Requests flow guest -> server in req, replies and watch events server -> guest in rsp. */
struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE];
	char rsp[XENSTORE_RING_SIZE];
	XENSTORE_RING_IDX req_cons, req_prod;
	XENSTORE_RING_IDX rsp_cons, rsp_prod;
	uint32_t server_features; /* XENSTORE_SERVER_FEATURE_* */
	uint32_t connection;	  /* XENSTORE_CONNECTED / XENSTORE_RECONNECT */
	uint32_t error;		  /* XENSTORE_ERROR_* */
};

#endif /* ARGON_PUBLIC_IO_XS_WIRE_H */
