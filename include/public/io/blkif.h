/* SPDX-License-Identifier: MIT */
/*
 * The block device protocol: requests and responses of the blkif shared ring (one page by
 * default: 32 entries of 112 bytes). Each request segment names a granted page and the 512-byte
 * sectors in it to transfer.
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_IO_BLKIF_H
#define ARGON_PUBLIC_IO_BLKIF_H

#include "ring.h"
#include "../grant_table.h"

typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t;

#define BLKIF_OP_READ 0
#define BLKIF_OP_WRITE 1
#define BLKIF_OP_WRITE_BARRIER 2
#define BLKIF_OP_FLUSH_DISKCACHE 3
#define BLKIF_OP_RESERVED_1 4
#define BLKIF_OP_DISCARD 5
#define BLKIF_OP_INDIRECT 6

#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8

/* blkif_response.status. */
#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR (-1)
#define BLKIF_RSP_OKAY 0

/* blkif_request_discard.flag. */
#define BLKIF_DISCARD_SECURE (1 << 0)

/* The "info" bits a backend publishes for a virtual disk. */
#define VDISK_CDROM 0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY 0x4

/* One segment: sectors first_sect..last_sect (inclusive) of granted page gref. */
struct blkif_request_segment {
	grant_ref_t gref;
	uint8_t first_sect, last_sect;
	uint16_t _pad0;
};

/* A read or write (and the common head of every request). */
struct blkif_request {
	uint8_t operation;   /* BLKIF_OP_* */
	uint8_t nr_segments; /* 1..BLKIF_MAX_SEGMENTS_PER_REQUEST */
	blkif_vdev_t handle;
	uint32_t _pad0;
	uint64_t id; /* echoed in the response */
	blkif_sector_t sector_number;
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

/* BLKIF_OP_DISCARD, laid over struct blkif_request. */
struct blkif_request_discard {
	uint8_t operation;
	uint8_t flag; /* BLKIF_DISCARD_* */
	blkif_vdev_t handle;
	uint32_t _pad0;
	uint64_t id;
	blkif_sector_t sector_number;
	uint64_t nr_sectors;
};

/* BLKIF_OP_INDIRECT: the segments are in granted pages of blkif_request_segment. */
struct blkif_request_indirect {
	uint8_t operation;
	uint8_t indirect_op;
	uint16_t nr_segments;
	uint32_t _pad0;
	uint64_t id;
	blkif_sector_t sector_number;
	blkif_vdev_t handle;
	uint16_t _pad1;
	grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	uint32_t _pad2;
};

struct blkif_response {
	uint64_t id;
	uint8_t operation;
	uint8_t _pad0;
	int16_t status; /* BLKIF_RSP_* */
	uint32_t _pad1;
};

DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);

#endif /* ARGON_PUBLIC_IO_BLKIF_H */
