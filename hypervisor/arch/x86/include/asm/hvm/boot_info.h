/*
 * The start-of-day information blocks Argon's HVM loaders hand a kernel: the Multiboot2
 * information (hvm/multiboot2.c) and PVH's struct hvm_start_info (hvm/pvh.c). The builders are
 * portable (they fill a buffer that the loader copies into guest RAM at a known address), so the
 * host unit test tests/unit/test_hvm_boot_info.c reads them back, the MBI with Argon's own
 * Multiboot2 parser.
 */
#ifndef ASM_HVM_BOOT_INFO_H
#define ASM_HVM_BOOT_INFO_H

#include <argon/types.h>
#include <asm/hvm/firmware.h>

/* Tags of the MBI the HVM Multiboot2 loader provides: bits for mb2_header_parse(). */
#define HVM_MB2_PROVIDED                                                                      \
	((1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 6) | (1u << 14) | \
	 (1u << 15))

/** What the kernel is told about its domain; addresses are guest-physical. */
struct hvm_boot_info {
	uint64_t mem;				/* RAM from 0 */
	const struct e820_entry *e820;
	unsigned int nr_e820;
	const char *cmdline;			/* the kernel's */
	const uint8_t *rsdp;			/* the ACPI 2.0 RSDP (36 bytes) as written */
	uint64_t rsdp_gpa;
	bool has_module;			/* one module (the initrd) */
	uint64_t module_gpa, module_len;
};

/**
 * Write the Multiboot2 information for @b into @buf (@size bytes; zeroed first): command line,
 * boot loader name, basic memory information, the memory map, the ACPI 1.0 and 2.0 RSDP copies,
 * the module, the end tag. Returns the total size (8-byte multiple) or -E2BIG.
 */
int hvm_mb2_info_build(const struct hvm_boot_info *b, uint8_t *buf, size_t size);

/**
 * Write a version-1 struct hvm_start_info for @b into @buf (@size bytes; zeroed first), which the
 * guest will see at @gpa: the start info, then the module list, the memory map and the command
 * line, each 8-byte aligned. Returns the bytes used or -E2BIG.
 */
int hvm_pvh_info_build(const struct hvm_boot_info *b, uint64_t gpa, uint8_t *buf, size_t size);

#endif
