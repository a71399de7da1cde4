/* SPDX-License-Identifier: MIT */
/*
 * Grant tables: grant_table_op (hypercall 20) as grant_table_op(cmd, args, count), args an array
 * of count structures of the command's type. A domain grants another access to one of its frames
 * by filling an entry of its shared grant table; the grantee names the grant by (domain, ref).
 * Argon implements version 1 entries; version 2 is refused.
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_GRANT_TABLE_H
#define ARGON_PUBLIC_GRANT_TABLE_H

#include "xen.h"

#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version 10
#define GNTTABOP_swap_grant_ref 11
#define GNTTABOP_cache_flush 12

/* Entries the toolstack reserves at the start of every table. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE 0
#define GNTTAB_RESERVED_XENSTORE 1

/*
 * grant_entry_v1.flags. Bits 0-1: the grant type. The granter sets readonly and the cache
 * attributes; the hypervisor sets reading/writing while the frame is mapped or being copied, and
 * the granter may only revoke (clear the type) when both are clear.
 */
#define GTF_invalid (0U << 0)
#define GTF_permit_access (1U << 0)
#define GTF_accept_transfer (2U << 0)
#define GTF_transitive (3U << 0) /* v2 only */
#define GTF_type_mask (3U << 0)
#define _GTF_readonly 2
#define GTF_readonly (1U << _GTF_readonly)
#define _GTF_reading 3
#define GTF_reading (1U << _GTF_reading)
#define _GTF_writing 4
#define GTF_writing (1U << _GTF_writing)
#define _GTF_PWT 5
#define GTF_PWT (1U << _GTF_PWT)
#define _GTF_PCD 6
#define GTF_PCD (1U << _GTF_PCD)
#define _GTF_PAT 7
#define GTF_PAT (1U << _GTF_PAT)
#define _GTF_sub_page 8
#define GTF_sub_page (1U << _GTF_sub_page)
/* For accept_transfer grants. */
#define _GTF_transfer_committed 2
#define GTF_transfer_committed (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed 3
#define GTF_transfer_completed (1U << _GTF_transfer_completed)

/* gnttab_map_grant_ref.flags. */
#define _GNTMAP_device_map 0
#define GNTMAP_device_map (1 << _GNTMAP_device_map) /* map for device DMA */
#define _GNTMAP_host_map 1
#define GNTMAP_host_map (1 << _GNTMAP_host_map) /* map into the caller's page tables */
#define _GNTMAP_readonly 2
#define GNTMAP_readonly (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map 3
#define GNTMAP_application_map (1 << _GNTMAP_application_map) /* user-accessible mapping */
#define _GNTMAP_contains_pte 4
#define GNTMAP_contains_pte (1 << _GNTMAP_contains_pte) /* host_addr is a PTE's address */
#define _GNTMAP_guest_avail0 16
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* gnttab_copy.flags: which side is named by a grant reference. */
#define _GNTCOPY_source_gref 0
#define GNTCOPY_source_gref (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref 1
#define GNTCOPY_dest_gref (1 << _GNTCOPY_dest_gref)

/* gnttab_cache_flush.op. */
#define GNTTAB_CACHE_CLEAN (1U << 0)
#define GNTTAB_CACHE_INVAL (1U << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1U << 31)

/* Per-operation status codes (the status fields); the hypercall itself returns 0 or -errno. */
#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GNTST_address_too_big (-11)
#define GNTST_eagain (-12)
#define GNTST_no_space (-13)

#ifndef __ASSEMBLER__

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;
typedef uint16_t grant_status_t;

/* A version-1 grant entry: 8 bytes, 512 per 4 KiB table frame. */
struct grant_entry_v1 {
	uint16_t flags; /* GTF_* */
	domid_t domid;	/* the domain granted access */
	uint32_t frame; /* the granted frame (pfn of the granter) */
};

/*
 * Map grant (dom, ref) at host_addr (a virtual address, or with GNTMAP_contains_pte the machine
 * address of the PTE to fill). OUT: status, handle for the unmap, dev_bus_addr.
 */
struct gnttab_map_grant_ref {
	uint64_t host_addr;
	uint32_t flags; /* GNTMAP_* */
	grant_ref_t ref;
	domid_t dom;
	int16_t status; /* OUT: GNTST_* */
	grant_handle_t handle; /* OUT */
	uint64_t dev_bus_addr; /* OUT */
};
XEN_GUEST_HANDLE_DEFINE(gnttab_map_grant_ref, struct gnttab_map_grant_ref);

/* Undo a map_grant_ref: by handle, at host_addr and/or dev_bus_addr. */
struct gnttab_unmap_grant_ref {
	uint64_t host_addr;
	uint64_t dev_bus_addr;
	grant_handle_t handle;
	int16_t status; /* OUT */
	uint16_t _pad0;
};
XEN_GUEST_HANDLE_DEFINE(gnttab_unmap_grant_ref, struct gnttab_unmap_grant_ref);

/* Size dom's table to nr_frames and return their machine frames in frame_list. */
struct gnttab_setup_table {
	domid_t dom;
	uint16_t _pad0;
	uint32_t nr_frames;
	int16_t status; /* OUT */
	uint16_t _pad1[3];
	XEN_GUEST_HANDLE(xen_pfn_t) frame_list; /* OUT */
};

struct gnttab_dump_table {
	domid_t dom;
	int16_t status; /* OUT */
};

/* Give frame mfn to domid through its accept_transfer grant ref. */
struct gnttab_transfer {
	xen_pfn_t mfn;
	domid_t domid;
	uint16_t _pad0;
	grant_ref_t ref;
	int16_t status; /* OUT */
	uint16_t _pad1[3];
};

/*
 * Copy len bytes between two frames, each named by a grant ref (flag set) or by the caller's
 * own gmfn, at the given offsets; neither side may cross its page end.
 */
struct gnttab_copy_ptr {
	union {
		grant_ref_t ref;
		xen_pfn_t gmfn;
	} u;
	domid_t domid;
	uint16_t offset;
	uint32_t _pad0;
};

struct gnttab_copy {
	struct gnttab_copy_ptr source, dest;
	uint16_t len;
	uint16_t flags; /* GNTCOPY_* */
	int16_t status; /* OUT */
	uint16_t _pad0;
};
XEN_GUEST_HANDLE_DEFINE(gnttab_copy, struct gnttab_copy);

/* Current and maximum table size of dom, in frames. */
struct gnttab_query_size {
	domid_t dom;
	uint16_t _pad0;
	uint32_t nr_frames;	/* OUT */
	uint32_t max_nr_frames; /* OUT */
	int16_t status;		/* OUT */
	uint16_t _pad1;
};

/* Unmap handle at host_addr and put the PTE at new_addr there instead. */
struct gnttab_unmap_and_replace {
	uint64_t host_addr;
	uint64_t new_addr;
	grant_handle_t handle;
	int16_t status; /* OUT */
	uint16_t _pad0;
};

/* Select the table version (IN), returns the version in force (OUT). */
struct gnttab_set_version {
	uint32_t version;
};

/* v2 only: the status frames of dom. */
struct gnttab_get_status_frames {
	uint32_t nr_frames;
	domid_t dom;
	int16_t status; /* OUT */
	XEN_GUEST_HANDLE(uint64) frame_list;
};

struct gnttab_get_version {
	domid_t dom;
	uint16_t pad;
	uint32_t version; /* OUT */
};

struct gnttab_swap_grant_ref {
	grant_ref_t ref_a;
	grant_ref_t ref_b;
	int16_t status; /* OUT */
	uint16_t _pad0;
};

struct gnttab_cache_flush {
	union {
		uint64_t dev_bus_addr;
		grant_ref_t ref;
	} a;
	uint16_t offset;
	uint16_t length;
	uint32_t op; /* GNTTAB_CACHE_* */
};

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_GRANT_TABLE_H */
