/* SPDX-License-Identifier: MIT */
/*
 * The network device protocol: the transmit and receive rings (one page each: 256 entries) and
 * the optional control ring. Packets travel in granted pages; a packet may span several slots
 * (NETTXF_more_data / NETRXF_more_data) and carry extra-info slots (GSO, multicast, hash).
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_IO_NETIF_H
#define ARGON_PUBLIC_IO_NETIF_H

#include "ring.h"
#include "../grant_table.h"

/* A backend must accept packets of at least this many slots. */
#define XEN_NETIF_NR_SLOTS_MIN 18
#define XEN_NETIF_MAX_TX_SIZE 0xFFFF

/* netif_tx_request.flags. */
#define _NETTXF_csum_blank 0
#define NETTXF_csum_blank (1U << _NETTXF_csum_blank)
#define _NETTXF_data_validated 1
#define NETTXF_data_validated (1U << _NETTXF_data_validated)
#define _NETTXF_more_data 2
#define NETTXF_more_data (1U << _NETTXF_more_data)
#define _NETTXF_extra_info 3
#define NETTXF_extra_info (1U << _NETTXF_extra_info)

/* netif_rx_response.flags. */
#define _NETRXF_data_validated 0
#define NETRXF_data_validated (1U << _NETRXF_data_validated)
#define _NETRXF_csum_blank 1
#define NETRXF_csum_blank (1U << _NETRXF_csum_blank)
#define _NETRXF_more_data 2
#define NETRXF_more_data (1U << _NETRXF_more_data)
#define _NETRXF_extra_info 3
#define NETRXF_extra_info (1U << _NETRXF_extra_info)
#define _NETRXF_gso_prefix 4
#define NETRXF_gso_prefix (1U << _NETRXF_gso_prefix)

/* netif_extra_info.type and flags; GSO types. */
#define XEN_NETIF_EXTRA_TYPE_NONE 0
#define XEN_NETIF_EXTRA_TYPE_GSO 1
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD 2
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL 3
#define XEN_NETIF_EXTRA_TYPE_HASH 4
#define XEN_NETIF_EXTRA_TYPE_MAX 5
#define _XEN_NETIF_EXTRA_FLAG_MORE 0
#define XEN_NETIF_EXTRA_FLAG_MORE (1U << _XEN_NETIF_EXTRA_FLAG_MORE)
#define XEN_NETIF_GSO_TYPE_NONE 0
#define XEN_NETIF_GSO_TYPE_TCPV4 1
#define XEN_NETIF_GSO_TYPE_TCPV6 2

/* Response status. */
#define NETIF_RSP_DROPPED (-2)
#define NETIF_RSP_ERROR (-1)
#define NETIF_RSP_OKAY 0
#define NETIF_RSP_NULL 1 /* a slot used for extra info only */

/* Control ring request types and statuses. */
#define XEN_NETIF_CTRL_TYPE_INVALID 0
#define XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS 1
#define XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS 2
#define XEN_NETIF_CTRL_TYPE_SET_HASH_KEY 3
#define XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE 4
#define XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE 5
#define XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING 6
#define XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM 7
#define XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE 8
#define XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING 9
#define XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING 10
#define XEN_NETIF_CTRL_STATUS_SUCCESS 0
#define XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED 1
#define XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER 2
#define XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW 3
#define XEN_NETIF_CTRL_HASH_ALGORITHM_NONE 0
#define XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ 1
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV4 0
#define XEN_NETIF_CTRL_HASH_TYPE_IPV4 (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV4)
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP 1
#define XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP)
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV6 2
#define XEN_NETIF_CTRL_HASH_TYPE_IPV6 (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV6)
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP 3
#define XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP)
#define _XEN_NETIF_CTRLF_GREF_readonly 0
#define XEN_NETIF_CTRLF_GREF_readonly (1U << _XEN_NETIF_CTRLF_GREF_readonly)

/* Transmit: size bytes at offset in granted page gref (size of the whole packet in slot 1). */
struct netif_tx_request {
	grant_ref_t gref;
	uint16_t offset;
	uint16_t flags; /* NETTXF_* */
	uint16_t id;	/* echoed in the response */
	uint16_t size;
};

struct netif_tx_response {
	uint16_t id;
	int16_t status; /* NETIF_RSP_* */
};

/* An extra-info slot following a request with the extra_info flag. */
struct netif_extra_info {
	uint8_t type;  /* XEN_NETIF_EXTRA_TYPE_* */
	uint8_t flags; /* XEN_NETIF_EXTRA_FLAG_* */
	union {
		struct {
			uint16_t size; /* segment size */
			uint8_t type;  /* XEN_NETIF_GSO_TYPE_* */
			uint8_t pad;
			uint16_t features;
		} gso;
		struct {
			uint8_t addr[6];
		} mcast;
		struct {
			uint8_t type;
			uint8_t algorithm;
			uint8_t value[4];
		} hash;
		uint16_t pad[3];
	} u;
};

/* Receive: a granted page the backend may fill. */
struct netif_rx_request {
	uint16_t id;
	uint16_t pad;
	grant_ref_t gref;
};

struct netif_rx_response {
	uint16_t id;
	uint16_t offset;
	uint16_t flags;	/* NETRXF_* */
	int16_t status; /* bytes received, or NETIF_RSP_* when negative */
};

struct xen_netif_ctrl_request {
	uint16_t id;
	uint16_t type; /* XEN_NETIF_CTRL_TYPE_* */
	uint32_t data[3];
};

struct xen_netif_ctrl_response {
	uint16_t id;
	uint16_t type;
	uint32_t status; /* XEN_NETIF_CTRL_STATUS_* */
	uint32_t data;
};

struct xen_netif_gref {
	grant_ref_t ref;
	uint16_t flags; /* XEN_NETIF_CTRLF_GREF_* */
	uint16_t status;
};

DEFINE_RING_TYPES(xen_netif_ctrl, struct xen_netif_ctrl_request, struct xen_netif_ctrl_response);
DEFINE_RING_TYPES(netif_tx, struct netif_tx_request, struct netif_tx_response);
DEFINE_RING_TYPES(netif_rx, struct netif_rx_request, struct netif_rx_response);

#endif /* ARGON_PUBLIC_IO_NETIF_H */
