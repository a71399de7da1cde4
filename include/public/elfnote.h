/* SPDX-License-Identifier: MIT */
/*
 * ELF note types a PV kernel carries to describe itself to the domain builder. The notes have the
 * owner name "Xen" and live in a PT_NOTE segment (or a SHT_NOTE section).
 *
 * Numbers of Xen's public ABI (interface of Xen 4.17), restated for Argon. Constants only; usable
 * from assembly.
 */
#ifndef ARGON_PUBLIC_ELFNOTE_H
#define ARGON_PUBLIC_ELFNOTE_H

/* The note owner ("name") field of every PV note. */
#define XEN_ELFNOTE_NAME "Xen"

#define XEN_ELFNOTE_INFO 0		 /* obsolete: the old __xen_guest string section */
#define XEN_ELFNOTE_ENTRY 1		 /* integer: virtual address of the entry point */
#define XEN_ELFNOTE_HYPERCALL_PAGE 2	 /* integer: virtual address to fill with stubs */
#define XEN_ELFNOTE_VIRT_BASE 3		 /* integer: virtual address of pfn 0 (default 0) */
#define XEN_ELFNOTE_PADDR_OFFSET 4	 /* integer: vaddr = paddr + VIRT_BASE - PADDR_OFFSET */
#define XEN_ELFNOTE_XEN_VERSION 5	 /* string: must be "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS 6		 /* string: e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION 7	 /* string: informational */
#define XEN_ELFNOTE_LOADER 8		 /* string: "generic" */
#define XEN_ELFNOTE_PAE_MODE 9		 /* string: 32-bit only */
#define XEN_ELFNOTE_FEATURES 10		 /* string: "feat|!required_feat|..." (XENFEAT names) */
#define XEN_ELFNOTE_BSD_SYMTAB 11	 /* string "yes": load the symbol table too */
#define XEN_ELFNOTE_HV_START_LOW 12	 /* integer: 32-bit PAE guests only */
#define XEN_ELFNOTE_L1_MFN_VALID 13	 /* integers: mask and value of a valid L1 entry */
#define XEN_ELFNOTE_SUSPEND_CANCEL 14	 /* integer: guest handles a cancelled suspend */
#define XEN_ELFNOTE_INIT_P2M 15		 /* integer: virtual address to map the p2m at */
#define XEN_ELFNOTE_MOD_START_PFN 16	 /* integer 1: give the initrd as an unmapped pfn */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* 32-bit bitmap of XENFEAT_* the kernel can use */
#define XEN_ELFNOTE_PHYS32_ENTRY 18	 /* integer: 32-bit PVH entry point */
#define XEN_ELFNOTE_MAX XEN_ELFNOTE_PHYS32_ENTRY

/* Notes found in crash dumps, never in kernels. */
#define XEN_ELFNOTE_CRASH_INFO 0x1000001
#define XEN_ELFNOTE_CRASH_REGS 0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE 0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER 0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION 0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif /* ARGON_PUBLIC_ELFNOTE_H */
