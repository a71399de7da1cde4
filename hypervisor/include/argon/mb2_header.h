/*
 * The Multiboot2 header of a kernel image (Multiboot2 specification 2.0, section 3.1): how a
 * loader finds it, checks it and learns where the kernel wants to be loaded and entered. Argon
 * loads such kernels as HVM guests (hvm/multiboot2.c). The image is a boot module: untrusted.
 */
#ifndef ARGON_MB2_HEADER_H
#define ARGON_MB2_HEADER_H

#include <argon/types.h>

#define MB2_HEADER_SEARCH 32768u	/* the header lies entirely within the first 32 KiB */
#define MB2_ARCH_I386 0u		/* 32-bit protected mode */

/* Header tag types (specification 3.1.3-3.1.13). */
#define MB2_HTAG_END 0
#define MB2_HTAG_INFO_REQUEST 1
#define MB2_HTAG_ADDRESS 2
#define MB2_HTAG_ENTRY 3
#define MB2_HTAG_CONSOLE 4
#define MB2_HTAG_FRAMEBUFFER 5
#define MB2_HTAG_MODULE_ALIGN 6
#define MB2_HTAG_EFI_BS 7
#define MB2_HTAG_ENTRY_EFI32 8
#define MB2_HTAG_ENTRY_EFI64 9
#define MB2_HTAG_RELOCATABLE 10
#define MB2_HTAG_OPTIONAL 1u		/* tag flags bit 0 */

/** What a checked Multiboot2 header asks of the loader. */
struct mb2_header {
	uint32_t offset;		/* of the header in the image (8-byte aligned) */
	uint32_t length;		/* header_length */
	bool has_address;		/* the address tag: load from the file, not by ELF */
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	/* With the address tag: the bytes [file_offset, file_offset + file_len) go to load_addr,
	 * then zeroes up to load_addr + mem_len (bss_end_addr). Checked against the image. */
	uint64_t file_offset, file_len, mem_len;
	bool has_entry;
	uint32_t entry_addr;
	uint32_t required_info;		/* MBI tag types a mandatory information request names */
};

/**
 * Find the Multiboot2 header of @image (@len bytes) and check it: magic on an 8-byte boundary in
 * the first 32 KiB, i386 architecture, checksum, header_length inside the image and the search
 * window, every tag inside the header and 8-byte aligned, an end tag, the address tag's ranges
 * inside the image. A mandatory tag Argon cannot honour (a framebuffer, EFI entry points or boot
 * services) or a mandatory request for information tags outside @provided (a bitmap of MBI tag
 * types) is refused. Returns 0, -ENOENT when there is no header (no magic with a good checksum),
 * or -ENOEXEC/-EOPNOTSUPP with a sentence in *@why.
 */
int mb2_header_parse(const void *image, uint64_t len, uint32_t provided, struct mb2_header *h,
		     const char **why);

#endif
