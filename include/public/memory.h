/* SPDX-License-Identifier: MIT */
/*
 * memory_op (hypercall 12): memory_op(cmd, arg). Reservation commands return the number of
 * extents done (which may be fewer than asked); the others 0 or -errno, except
 * maximum_ram_page and current/maximum_reservation, whose arg is a domid_t and which return a
 * page count or frame number.
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_MEMORY_H
#define ARGON_PUBLIC_MEMORY_H

#include "xen.h"

#define XENMEM_increase_reservation 0	     /* struct xen_memory_reservation */
#define XENMEM_decrease_reservation 1	     /* struct xen_memory_reservation */
#define XENMEM_maximum_ram_page 2	     /* no argument: highest machine frame */
#define XENMEM_current_reservation 3	     /* domid_t: pages held */
#define XENMEM_maximum_reservation 4	     /* domid_t: page limit */
#define XENMEM_machphys_mfn_list 5	     /* struct xen_machphys_mfn_list */
#define XENMEM_populate_physmap 6	     /* struct xen_memory_reservation */
#define XENMEM_add_to_physmap 7		     /* struct xen_add_to_physmap */
#define XENMEM_memory_map 9		     /* struct xen_memory_map: the guest's e820 */
#define XENMEM_machine_memory_map 10	     /* struct xen_memory_map: the host's; dom0 */
#define XENMEM_exchange 11		     /* struct xen_memory_exchange */
#define XENMEM_machphys_mapping 12	     /* struct xen_machphys_mapping */
#define XENMEM_set_memory_map 13	     /* struct xen_foreign_memory_map; tools */
#define XENMEM_maximum_gpfn 14		     /* domid_t: highest gpfn */
#define XENMEM_remove_from_physmap 15	     /* struct xen_remove_from_physmap */
#define XENMEM_set_pod_target 16	     /* struct xen_pod_target */
#define XENMEM_get_pod_target 17	     /* struct xen_pod_target */
#define XENMEM_get_sharing_freed_pages 18
#define XENMEM_get_sharing_shared_pages 19
#define XENMEM_paging_op 20
#define XENMEM_access_op 21
#define XENMEM_sharing_op 22
#define XENMEM_add_to_physmap_batch 23	     /* struct xen_add_to_physmap_batch */
#define XENMEM_claim_pages 24		     /* struct xen_memory_reservation */
#define XENMEM_machphys_compat_mfn_list 25
#define XENMEM_get_vnumainfo 26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource 28	     /* struct xen_mem_acquire_resource */

/* A memory_op command's low bits are the sub-op; the rest carry a continuation's start extent. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1 << MEMOP_EXTENT_SHIFT) - 1)

/* xen_memory_reservation.mem_flags: bits 0-7 the highest address bit allowed (0: any). */
#define XENMEMF_populate_on_demand (1 << 16)
#define XENMEMF_exact_node_request (1 << 17)
#define XENMEMF_vnode (1 << 18)

/* xen_add_to_physmap.space. */
#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPSPACE_gmfn 2
#define XENMAPSPACE_gmfn_range 3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio 5
#define XENMAPIDX_grant_table_status 0x80000000

/* xen_mem_acquire_resource.type and id. */
#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table 1
#define XENMEM_resource_vmtrace_buf 2
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
#define XENMEM_resource_ioreq_server_frame_bufioreq 0

/* e820 entry types in the memory maps. */
#define XEN_E820_RAM 1
#define XEN_E820_RESERVED 2
#define XEN_E820_ACPI 3
#define XEN_E820_NVS 4
#define XEN_E820_UNUSABLE 5

#ifndef __ASSEMBLER__

static inline uint32_t xenmemf_address_bits(uint32_t bits)
{
	return bits;
}

static inline uint32_t xenmemf_node(uint32_t node)
{
	return (node + 1) << 8;
}

/*
 * increase/decrease_reservation and populate_physmap: nr_extents extents of 2^extent_order
 * pages each for domid. extent_start lists the frames: pfns to populate or release (IN), the
 * machine frames allocated (OUT, for increase_reservation).
 */
struct xen_memory_reservation {
	XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
	xen_ulong_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags; /* XENMEMF_* */
	domid_t domid;
	uint16_t _pad0[3];
};

/* Trade the extents of in for freshly allocated extents described by out. */
struct xen_memory_exchange {
	struct xen_memory_reservation in;
	struct xen_memory_reservation out;
	xen_ulong_t nr_exchanged; /* OUT: input extents done */
};

struct xen_memory_domain {
	domid_t domid;
};

/* The machine frames holding the M2P table, one per 2 MiB of it. */
struct xen_machphys_mfn_list {
	uint32_t max_extents;
	uint32_t _pad0;
	XEN_GUEST_HANDLE(xen_pfn_t) extent_start; /* OUT */
	uint32_t nr_extents;			   /* OUT */
	uint32_t _pad1;
};

/* Where the read-only M2P sits in the guest's address space, and its last valid mfn. */
struct xen_machphys_mapping {
	xen_ulong_t v_start, v_end;
	xen_ulong_t max_mfn;
};

struct xen_add_to_physmap {
	domid_t domid;
	uint16_t size; /* gmfn_range: pages */
	uint32_t space; /* XENMAPSPACE_* */
	xen_ulong_t idx;
	xen_pfn_t gpfn;
};

struct xen_add_to_physmap_batch {
	domid_t domid;
	uint16_t space;
	uint16_t size;
	union {
		domid_t foreign_domid;
		uint16_t res0;
	} u;
	XEN_GUEST_HANDLE(xen_ulong_t) idxs;
	XEN_GUEST_HANDLE(xen_pfn_t) gpfns;
	XEN_GUEST_HANDLE(int) errs; /* OUT: 0 or -errno per entry */
};

struct xen_remove_from_physmap {
	domid_t domid;
	uint16_t _pad0[3];
	xen_pfn_t gpfn;
};

/*
 * A memory map: buffer holds up to nr_entries struct xen_e820_entry (IN); nr_entries is the
 * count written (OUT).
 */
struct xen_memory_map {
	uint32_t nr_entries;
	uint32_t _pad0;
	XEN_GUEST_HANDLE(void) buffer;
};

struct xen_foreign_memory_map {
	domid_t domid;
	uint16_t _pad0[3];
	struct xen_memory_map map;
};

/* One BIOS-style e820 entry: 20 bytes, packed, as in the memory-map buffers. */
struct xen_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* XEN_E820_* */
} __attribute__((packed));

struct xen_pod_target {
	uint64_t target_pages;
	uint64_t tot_pages;	  /* OUT */
	uint64_t pod_cache_pages; /* OUT */
	uint64_t pod_entries;	  /* OUT */
	domid_t domid;
	uint16_t _pad0[3];
};

/* Map frames of a domain's resource (e.g. its grant table) into the caller. */
struct xen_mem_acquire_resource {
	domid_t domid;
	uint16_t type; /* XENMEM_resource_* */
	uint32_t id;
	uint32_t nr_frames; /* IN: frames wanted (0: query); OUT: frames available */
	uint32_t pad;
	uint64_t frame; /* first frame index in the resource */
	XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_MEMORY_H */
