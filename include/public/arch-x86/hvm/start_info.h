/* SPDX-License-Identifier: MIT */
/*
 * The PVH start of day: what a loader hands a kernel it starts at its XEN_ELFNOTE_PHYS32_ENTRY
 * point. The vCPU is in 32-bit protected mode with paging off and EBX holds the guest-physical
 * address of struct hvm_start_info; every address inside it is guest-physical as well, and every
 * structure is 8-byte aligned in memory. docs/abi/pvh.md has the full start state.
 *
 * Numbers of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_ARCH_X86_HVM_START_INFO_H
#define ARGON_PUBLIC_ARCH_X86_HVM_START_INFO_H

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578

/* Memory map entry types (the E820 numbering). */
#define XEN_HVM_MEMMAP_TYPE_RAM 1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
#define XEN_HVM_MEMMAP_TYPE_ACPI 3
#define XEN_HVM_MEMMAP_TYPE_NVS 4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE 5
#define XEN_HVM_MEMMAP_TYPE_DISABLED 6
#define XEN_HVM_MEMMAP_TYPE_PMEM 7

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * Version 0 ends at rsdp_paddr (48 bytes); version 1 adds the memory map (56 bytes). flags holds
 * the SIF_* bits of start_info (SIF_PRIVILEGED, SIF_INITDOMAIN).
 */
struct hvm_start_info {
	uint32_t magic;		 /* XEN_HVM_START_MAGIC_VALUE */
	uint32_t version;	 /* 0 or 1 */
	uint32_t flags;
	uint32_t nr_modules;	 /* entries at modlist_paddr; the first is the initrd */
	uint64_t modlist_paddr;	 /* struct hvm_modlist_entry[nr_modules] */
	uint64_t cmdline_paddr;	 /* NUL-terminated command line, 0 if none */
	uint64_t rsdp_paddr;	 /* the ACPI RSDP, 0 if none */
	uint64_t memmap_paddr;	 /* version 1: struct hvm_memmap_table_entry[memmap_entries] */
	uint32_t memmap_entries; /* version 1: 0 means "ask XENMEM_memory_map" */
	uint32_t reserved;	 /* must be 0 */
};

/* One module: @size bytes at @paddr, with its own command line. */
struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;	 /* 0 if none */
	uint64_t reserved;
};

/* One memory map range: @size bytes from @addr of a XEN_HVM_MEMMAP_TYPE_*. */
struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};
#endif

#endif
