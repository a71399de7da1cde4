/*
 * Multiboot2 boot information, as checked and summarised by the parser. The raw layout (tag types,
 * field offsets) follows the Multiboot2 specification, version 2.0.
 */
#ifndef ARGON_MULTIBOOT2_H
#define ARGON_MULTIBOOT2_H

#include <argon/types.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u
#define MB2_HEADER_MAGIC 0xe85250d6u

/* Tag types of the boot information (specification section 3.6). */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_BOOTDEV 5
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

/* Memory map entry types. */
#define MB2_MEMORY_AVAILABLE 1
#define MB2_MEMORY_RESERVED 2
#define MB2_MEMORY_ACPI_RECLAIMABLE 3
#define MB2_MEMORY_NVS 4
#define MB2_MEMORY_BADRAM 5

#define MB2_MAX_INFO_SIZE (1u << 20)
#define MB2_MAX_MMAP 128
#define MB2_MAX_MODULES 32

/** One memory map range. */
struct mb2_mmap_entry {
	uint64_t addr;
	uint64_t len;
	uint32_t type;
};

/** One boot module: machine addresses [start, end) and its command line (inside the info). */
struct mb2_module {
	uint64_t start;
	uint64_t end;
	const char *cmdline;
};

/** What Argon takes from the boot information; string pointers point into the info block. */
struct mb2_info {
	uint32_t total_size;
	const char *cmdline;		/* NULL if the loader gave none */
	const char *loader_name;	/* NULL if the loader gave none */
	bool has_meminfo;
	uint32_t mem_lower_kb, mem_upper_kb;
	uint32_t nr_mmap;
	struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
	uint32_t nr_modules;
	struct mb2_module modules[MB2_MAX_MODULES];
	const void *rsdp;		/* copy of the RSDP inside the info, or NULL */
	uint32_t rsdp_len;
	bool rsdp_is_v2;
};

/** Called with a sentence describing why the information was rejected. */
typedef void (*mb2_report_fn)(const char *problem);

/**
 * Check the boot information at @mbi and summarise it into @out. Every size, offset and string is
 * checked before use: a malformed block (bad total size, a tag past the end, a missing end tag, an
 * unterminated string, a bad memory map or module, too many entries) is rejected with -EINVAL
 * (-E2BIG when a table is full) and @report (if not NULL) is told why.
 */
int mb2_parse(const void *mbi, struct mb2_info *out, mb2_report_fn report);

#endif
