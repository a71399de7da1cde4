/* SPDX-License-Identifier: MIT */
/*
 * xen_version (hypercall 17): xen_version(cmd, arg). XENVER_version returns
 * (major << 16) | minor and takes no argument; the others fill the buffer at arg.
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_VERSION_H
#define ARGON_PUBLIC_VERSION_H

#include "xen.h"
#include "features.h"

#define XENVER_version 0
#define XENVER_extraversion 1	     /* char[16], e.g. ".0" */
#define XENVER_compile_info 2	     /* struct xen_compile_info */
#define XENVER_capabilities 3	     /* char[1024], e.g. "xen-3.0-x86_64 " */
#define XENVER_changeset 4	     /* char[64] */
#define XENVER_platform_parameters 5 /* struct xen_platform_parameters */
#define XENVER_get_features 6	     /* struct xen_feature_info */
#define XENVER_pagesize 7	     /* returns the page size; no argument */
#define XENVER_guest_handle 8	     /* xen_domain_handle_t */
#define XENVER_commandline 9	     /* char[1024]; privileged */
#define XENVER_build_id 10	     /* struct xen_build_id; privileged */

#ifndef __ASSEMBLER__

typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

struct xen_compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};

typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

/* The lowest virtual address the hypervisor reserves (HYPERVISOR_VIRT_START on x86-64). */
struct xen_platform_parameters {
	xen_ulong_t virt_start;
};

/* In: which 32-bit submap; out: its bits (XENFEAT_* for submap 0). */
struct xen_feature_info {
	uint32_t submap_idx;
	uint32_t submap;
};

typedef char xen_commandline_t[1024];

/* The hypervisor's build ID: len is the buffer size in, the ID's length out. */
struct xen_build_id {
	uint32_t len;
	unsigned char buf[];
};

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_VERSION_H */
