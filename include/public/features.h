/* SPDX-License-Identifier: MIT */
/*
 * Feature bits reported by XENVER_get_features (submap 0) and named in a kernel's FEATURES and
 * SUPPORTED_FEATURES ELF notes.
 *
 * Numbers of Xen's public ABI (interface of Xen 4.17), restated for Argon. Constants only.
 */
#ifndef ARGON_PUBLIC_FEATURES_H
#define ARGON_PUBLIC_FEATURES_H

#define XENFEAT_writable_page_tables 0	    /* never granted to PV guests */
#define XENFEAT_writable_descriptor_tables 1 /* never granted to PV guests */
#define XENFEAT_auto_translated_physmap 2    /* HVM/PVH: the guest sees pfns, not mfns */
#define XENFEAT_supervisor_mode_kernel 3     /* obsolete */
#define XENFEAT_pae_pgdir_above_4gb 4	    /* the L3/L4 may live above 4 GiB */
#define XENFEAT_mmu_pt_update_preserve_ad 5  /* MMU_PT_UPDATE_PRESERVE_AD works */
#define XENFEAT_highmem_assist 6	    /* MMUEXT_CLEAR_PAGE / MMUEXT_COPY_PAGE work */
#define XENFEAT_gnttab_map_avail_bits 7	    /* GNTMAP_guest_avail bits reach the PTE */
#define XENFEAT_hvm_callback_vector 8	    /* HVM only */
#define XENFEAT_hvm_safe_pvclock 9	    /* HVM only */
#define XENFEAT_hvm_pirqs 10		    /* HVM only */
#define XENFEAT_dom0 11			    /* the domain may be (and is) the initial domain */
/* 12 is unused */
#define XENFEAT_memory_op_vnode_supported 13 /* XENMEM_* take vNUMA node hints */
#define XENFEAT_ARM_SMCCC_supported 14	     /* Arm only */
#define XENFEAT_linux_rsdp_unrestricted 15   /* dom0 may place the RSDP anywhere */
#define XENFEAT_not_direct_mapped 16	     /* guest memory is not 1:1 with machine memory */
#define XENFEAT_direct_mapped 17	     /* guest memory is 1:1 with machine memory */

/* Submaps of 32 bits each that XENVER_get_features can return. */
#define XENFEAT_NR_SUBMAPS 1

#endif /* ARGON_PUBLIC_FEATURES_H */
