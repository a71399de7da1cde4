/*
 * The Multiboot2 boot-information parser (hypervisor/common/boot/multiboot2.c). Blocks are built
 * here tag by tag and handed to the parser in buffers of exactly their declared size, so ASan
 * catches any read past the end. Every malformed case must be rejected with the documented error
 * and a report; random and mutated blocks must never crash it.
 */
#include <stdlib.h>
#include "unit.h"
#include <argon/multiboot2.h>

/* ---- A builder for information blocks ---- */

struct mbb {
	uint8_t data[MB2_MAX_INFO_SIZE + 64];
	uint32_t len;
};

static struct mbb b;

static void put32(uint32_t off, uint32_t v)
{
	memcpy(b.data + off, &v, 4);
}

/* Start a block: total_size (filled in by mbb_finish) and the reserved word. */
static void mbb_begin(void)
{
	memset(b.data, 0, 4096);
	b.len = 8;
}

/* Append a tag whose size field is @size_field, with @n payload bytes; pad to 8. */
static void mbb_raw(uint32_t type, uint32_t size_field, const void *payload, uint32_t n)
{
	put32(b.len, type);
	put32(b.len + 4, size_field);
	memset(b.data + b.len + 8, 0, ALIGN_UP(n, 8u) + 8);
	if (n) {
		memcpy(b.data + b.len + 8, payload, n);
	}
	b.len += 8 + ALIGN_UP(n, 8u);
}

static void mbb_tag(uint32_t type, const void *payload, uint32_t n)
{
	mbb_raw(type, 8 + n, payload, n);
}

static void mbb_string(uint32_t type, const char *s)
{
	mbb_tag(type, s, (uint32_t)strlen(s) + 1);
}

static void mbb_end(void)
{
	mbb_tag(MB2_TAG_END, NULL, 0);
}

struct mmap_ent {
	uint64_t addr, len;
	uint32_t type, zero;
};

/* A memory-map tag with @n entries of @entry_size bytes (>= 24) and entry version @version. */
static void mbb_mmap_ex(const struct mmap_ent *e, uint32_t n, uint32_t entry_size,
			uint32_t version)
{
	uint8_t payload[8 + 200 * 40];
	uint32_t i;

	memset(payload, 0, sizeof(payload));
	memcpy(payload, &entry_size, 4);
	memcpy(payload + 4, &version, 4);
	for (i = 0; i < n; i++) {
		memcpy(payload + 8 + i * entry_size, &e[i], 20);
	}
	mbb_tag(MB2_TAG_MMAP, payload, 8 + n * entry_size);
}

static void mbb_mmap(const struct mmap_ent *e, uint32_t n)
{
	mbb_mmap_ex(e, n, 24, 0);
}

static void mbb_module(uint32_t start, uint32_t end, const char *cmdline)
{
	uint8_t payload[256];
	uint32_t n = (uint32_t)strlen(cmdline) + 1;

	memcpy(payload, &start, 4);
	memcpy(payload + 4, &end, 4);
	memcpy(payload + 8, cmdline, n);
	mbb_tag(MB2_TAG_MODULE, payload, 8 + n);
}

static void mbb_meminfo(uint32_t lower, uint32_t upper)
{
	uint32_t p[2] = { lower, upper };

	mbb_tag(MB2_TAG_BASIC_MEMINFO, p, 8);
}

/* An RSDP of @n bytes (20 for ACPI 1.0, 36 for 2.0) with @oem as its OEM ID. */
static void mbb_rsdp(uint32_t type, uint32_t n, const char *oem)
{
	uint8_t r[64];

	memset(r, 0, sizeof(r));
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, oem, 6);
	mbb_tag(type, r, n);
}

/* Write the total size (@total, or the real length when 0). */
static void mbb_finish(uint32_t total)
{
	put32(0, total ? total : b.len);
}

/* ---- Running the parser on a block in an exactly sized heap buffer ---- */

static unsigned int nr_reports;
static const char *last_report;

static void report(const char *problem)
{
	assert_non_null(problem);
	nr_reports++;
	last_report = problem;
}

static struct mb2_info info;
static uint8_t *copy;

/* Parse the first @bytes of the block from a fresh buffer of exactly that size. */
static int parse_bytes(uint32_t bytes)
{
	int rc;

	free(copy);
	copy = malloc(bytes);
	assert_non_null(copy);
	memcpy(copy, b.data, bytes);
	nr_reports = 0;
	last_report = NULL;
	rc = mb2_parse(copy, &info, report);
	assert_int_equal(nr_reports, rc ? 1 : 0);
	return rc;
}

/* Parse the block as built: the buffer is as long as the real content. */
static int parse(void)
{
	return parse_bytes(b.len);
}

static int teardown(void **state)
{
	free(copy);
	copy = NULL;
	return 0;
}

/* ---- A good block ---- */

static const struct mmap_ent good_mmap[] = {
	{ 0, 0x9fc00, MB2_MEMORY_AVAILABLE, 0 },
	{ 0x9fc00, 0x400, MB2_MEMORY_RESERVED, 0 },
	{ 0x100000, 0, MB2_MEMORY_AVAILABLE, 0 },	/* empty: skipped */
	{ 0x100000, 0x7ee0000, MB2_MEMORY_AVAILABLE, 0 },
	{ 0xfffc0000, 0x40000, MB2_MEMORY_RESERVED, 0 },
};

static void build_good(void)
{
	mbb_begin();
	mbb_string(MB2_TAG_CMDLINE, "argon console=com1 loglvl=all");
	mbb_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
	mbb_meminfo(639, 523264);
	mbb_rsdp(MB2_TAG_ACPI_OLD, 20, "OLDOEM");
	mbb_mmap(good_mmap, ARRAY_SIZE(good_mmap));
	mbb_tag(21, "unknown tag payload", 19);		/* skipped, as the spec requires */
	mbb_module(0x200000, 0x300000, "dom0 root=/dev/xvda1");
	mbb_module(0x300000, 0x300000, "");		/* empty module, empty command line */
	mbb_rsdp(MB2_TAG_ACPI_NEW, 36, "NEWOEM");
	mbb_end();
	mbb_finish(0);
}

static void test_good_block(void **state)
{
	build_good();
	assert_int_equal(parse(), 0);
	assert_int_equal(info.total_size, b.len);
	assert_string_equal(info.cmdline, "argon console=com1 loglvl=all");
	assert_string_equal(info.loader_name, "GRUB 2.06");
	/* Strings point into the block itself. */
	assert_true((const uint8_t *)info.cmdline > copy);
	assert_true((const uint8_t *)info.cmdline < copy + b.len);
	assert_true(info.has_meminfo);
	assert_int_equal(info.mem_lower_kb, 639);
	assert_int_equal(info.mem_upper_kb, 523264);
	assert_int_equal(info.nr_mmap, 4);
	assert_int_equal(info.mmap[0].addr, 0);
	assert_int_equal(info.mmap[0].len, 0x9fc00);
	assert_int_equal(info.mmap[0].type, MB2_MEMORY_AVAILABLE);
	assert_int_equal(info.mmap[1].type, MB2_MEMORY_RESERVED);
	assert_int_equal(info.mmap[2].addr, 0x100000);
	assert_int_equal(info.mmap[2].len, 0x7ee0000);
	assert_int_equal(info.mmap[3].addr, 0xfffc0000);
	assert_int_equal(info.nr_modules, 2);
	assert_int_equal(info.modules[0].start, 0x200000);
	assert_int_equal(info.modules[0].end, 0x300000);
	assert_string_equal(info.modules[0].cmdline, "dom0 root=/dev/xvda1");
	assert_int_equal(info.modules[1].start, 0x300000);
	assert_string_equal(info.modules[1].cmdline, "");
	/* The ACPI 2.0 RSDP wins over the 1.0 one, whatever their order. */
	assert_non_null(info.rsdp);
	assert_true(info.rsdp_is_v2);
	assert_int_equal(info.rsdp_len, 36);
	assert_memory_equal((const uint8_t *)info.rsdp + 9, "NEWOEM", 6);
}

static void test_acpi_new_then_old(void **state)
{
	mbb_begin();
	mbb_rsdp(MB2_TAG_ACPI_NEW, 36, "NEWOEM");
	mbb_rsdp(MB2_TAG_ACPI_OLD, 20, "OLDOEM");
	mbb_end();
	mbb_finish(0);
	assert_int_equal(parse(), 0);
	assert_true(info.rsdp_is_v2);
	assert_memory_equal((const uint8_t *)info.rsdp + 9, "NEWOEM", 6);

	/* Only the old one: used, as version 1. */
	mbb_begin();
	mbb_rsdp(MB2_TAG_ACPI_OLD, 20, "OLDOEM");
	mbb_end();
	mbb_finish(0);
	assert_int_equal(parse(), 0);
	assert_false(info.rsdp_is_v2);
	assert_int_equal(info.rsdp_len, 20);
	assert_memory_equal((const uint8_t *)info.rsdp + 9, "OLDOEM", 6);
}

/* The smallest block: just the end tag. Nothing optional is present. */
static void test_minimal_block(void **state)
{
	mbb_begin();
	mbb_end();
	mbb_finish(0);
	assert_int_equal(b.len, 16);
	assert_int_equal(parse(), 0);
	assert_null(info.cmdline);
	assert_null(info.loader_name);
	assert_false(info.has_meminfo);
	assert_int_equal(info.nr_mmap, 0);
	assert_int_equal(info.nr_modules, 0);
	assert_null(info.rsdp);
}

/* Tags after the end tag are never looked at; the size may extend past it. */
static void test_stops_at_end_tag(void **state)
{
	mbb_begin();
	mbb_end();
	mbb_raw(MB2_TAG_CMDLINE, 4000, NULL, 0);	/* garbage after the end */
	mbb_finish(0);
	assert_int_equal(parse(), 0);
	assert_null(info.cmdline);
}

/* Exactly full tables are fine; one more is -E2BIG (see the malformed table). */
static void test_full_tables_accepted(void **state)
{
	struct mmap_ent e[MB2_MAX_MMAP];
	unsigned int i;

	for (i = 0; i < MB2_MAX_MMAP; i++) {
		e[i] = (struct mmap_ent){ (uint64_t)i << 20, 4096, MB2_MEMORY_AVAILABLE, 0 };
	}
	mbb_begin();
	mbb_mmap(e, MB2_MAX_MMAP);
	for (i = 0; i < MB2_MAX_MODULES; i++) {
		mbb_module(i * 0x1000, i * 0x1000 + 0x800, "m");
	}
	mbb_end();
	mbb_finish(0);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_mmap, MB2_MAX_MMAP);
	assert_int_equal(info.mmap[MB2_MAX_MMAP - 1].addr, (uint64_t)(MB2_MAX_MMAP - 1) << 20);
	assert_int_equal(info.nr_modules, MB2_MAX_MODULES);
}

/* The largest total size allowed, with a big unknown tag filling it. */
static void test_max_total_size(void **state)
{
	mbb_begin();
	memset(b.data, 0, sizeof(b.data));
	mbb_raw(99, MB2_MAX_INFO_SIZE - 8 - 8, NULL, 0);
	b.len = MB2_MAX_INFO_SIZE - 8;
	mbb_end();
	mbb_finish(0);
	assert_int_equal(b.len, MB2_MAX_INFO_SIZE);
	assert_int_equal(parse(), 0);
}

/* A larger entry size (the spec allows growth) and entries with unknown types are accepted. */
static void test_mmap_larger_entries(void **state)
{
	static const struct mmap_ent e[] = {
		{ 0x1000, 0x2000, 7, 0 },
		{ 0x100000, 0x100000, MB2_MEMORY_AVAILABLE, 0 },
	};

	mbb_begin();
	mbb_mmap_ex(e, 2, 40, 0);
	mbb_end();
	mbb_finish(0);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_mmap, 2);
	assert_int_equal(info.mmap[0].type, 7);
	assert_int_equal(info.mmap[1].addr, 0x100000);
}

/* A NULL report function is allowed. */
static void test_null_report(void **state)
{
	mbb_begin();
	mbb_finish(0);
	memcpy(copy = malloc(16), b.data, 16);
	assert_int_equal(mb2_parse(copy, &info, NULL), -EINVAL);
}

/* ---- Malformed blocks: each builder makes one, parse must refuse it ---- */

static uint32_t parse_len;	/* how many bytes the buffer holds; 0 means the built length */

static void bad_total_zero(void)
{
	mbb_begin();
	mbb_end();
	mbb_finish(0);
	put32(0, 0);
}

static void bad_total_8(void)
{
	mbb_begin();
	mbb_finish(8);
}

static void bad_total_not_multiple_of_8(void)
{
	mbb_begin();
	mbb_end();
	mbb_finish(20);
	parse_len = 24;
}

static void bad_total_too_big(void)
{
	mbb_begin();
	mbb_end();
	mbb_finish(MB2_MAX_INFO_SIZE + 8);
	parse_len = 16;		/* nothing past the header may be read */
}

static void bad_total_huge(void)
{
	mbb_begin();
	mbb_end();
	mbb_finish(0xfffffff8u);
	parse_len = 16;
}

static void bad_tag_past_end(void)
{
	mbb_begin();
	mbb_raw(MB2_TAG_CMDLINE, 100, "abc", 4);
	mbb_end();
	mbb_finish(0);
}

static void bad_tag_size_huge(void)
{
	mbb_begin();
	mbb_raw(MB2_TAG_CMDLINE, 0xfffffff0u, "abc", 4);
	mbb_end();
	mbb_finish(0);
}

static void bad_tag_too_small(void)
{
	mbb_begin();
	mbb_raw(77, 4, NULL, 0);
	mbb_end();
	mbb_finish(0);
}

static void bad_tag_size_zero(void)
{
	mbb_begin();
	mbb_raw(77, 0, NULL, 0);
	mbb_end();
	mbb_finish(0);
}

static void bad_no_end_tag(void)
{
	mbb_begin();
	mbb_string(MB2_TAG_CMDLINE, "no end");
	mbb_finish(0);
}

static void bad_end_tag_cut(void)
{
	/* The end tag would start at 24 but the total says 24: no room for it. */
	mbb_begin();
	mbb_string(MB2_TAG_CMDLINE, "abc");
	mbb_finish(0);
}

static void bad_end_tag_size(void)
{
	mbb_begin();
	mbb_raw(MB2_TAG_END, 16, "\0\0\0\0\0\0\0\0", 8);
	mbb_finish(0);
}

static void bad_cmdline_unterminated(void)
{
	mbb_begin();
	mbb_raw(MB2_TAG_CMDLINE, 8 + 3, "abc", 3);	/* padding zeros lie outside the tag */
	mbb_end();
	mbb_finish(0);
}

static void bad_cmdline_empty_tag(void)
{
	mbb_begin();
	mbb_raw(MB2_TAG_CMDLINE, 8, NULL, 0);		/* no room even for the NUL */
	mbb_end();
	mbb_finish(0);
}

static void bad_loader_name_unterminated(void)
{
	mbb_begin();
	mbb_raw(MB2_TAG_LOADER_NAME, 8 + 4, "GRUB", 4);
	mbb_end();
	mbb_finish(0);
}

static void bad_module_cmdline_unterminated(void)
{
	uint32_t p[3] = { 0x1000, 0x2000, 0x61616161 };

	mbb_begin();
	mbb_raw(MB2_TAG_MODULE, 8 + 12, p, 12);
	mbb_end();
	mbb_finish(0);
}

static void bad_duplicate_cmdline(void)
{
	mbb_begin();
	mbb_string(MB2_TAG_CMDLINE, "one");
	mbb_string(MB2_TAG_CMDLINE, "two");
	mbb_end();
	mbb_finish(0);
}

static void bad_duplicate_mmap(void)
{
	mbb_begin();
	mbb_mmap(good_mmap, 2);
	mbb_mmap(good_mmap, 2);
	mbb_end();
	mbb_finish(0);
}

static void bad_mmap_short_tag(void)
{
	uint32_t p = 24;

	mbb_begin();
	mbb_raw(MB2_TAG_MMAP, 12, &p, 4);
	mbb_end();
	mbb_finish(0);
}

static void bad_mmap_entry_size_small(void)
{
	mbb_begin();
	mbb_mmap_ex(good_mmap, 2, 16, 0);
	mbb_end();
	mbb_finish(0);
}

static void bad_mmap_entry_size_zero(void)
{
	mbb_begin();
	mbb_mmap_ex(good_mmap, 0, 0, 0);
	mbb_end();
	mbb_finish(0);
}

static void bad_mmap_entry_size_unaligned(void)
{
	mbb_begin();
	mbb_mmap_ex(good_mmap, 2, 28, 0);
	mbb_end();
	mbb_finish(0);
}

static void bad_mmap_entry_size_not_dividing(void)
{
	uint8_t payload[8 + 48];
	uint32_t es = 32, ver = 0;

	memset(payload, 0, sizeof(payload));
	memcpy(payload, &es, 4);
	memcpy(payload + 4, &ver, 4);
	mbb_begin();
	mbb_tag(MB2_TAG_MMAP, payload, sizeof(payload));	/* 48 bytes of 32-byte entries */
	mbb_end();
	mbb_finish(0);
}

static void bad_mmap_version(void)
{
	mbb_begin();
	mbb_mmap_ex(good_mmap, 2, 24, 1);
	mbb_end();
	mbb_finish(0);
}

static void bad_mmap_wraps(void)
{
	static const struct mmap_ent e[] = {
		{ 0, 0x1000, MB2_MEMORY_AVAILABLE, 0 },
		{ 0xfffffffffffff000ULL, 0x2000, MB2_MEMORY_RESERVED, 0 },
	};

	mbb_begin();
	mbb_mmap(e, 2);
	mbb_end();
	mbb_finish(0);
}

static void bad_mmap_too_many(void)
{
	struct mmap_ent e[MB2_MAX_MMAP + 1];
	unsigned int i;

	for (i = 0; i <= MB2_MAX_MMAP; i++) {
		e[i] = (struct mmap_ent){ (uint64_t)i << 20, 4096, MB2_MEMORY_AVAILABLE, 0 };
	}
	mbb_begin();
	mbb_mmap(e, MB2_MAX_MMAP + 1);
	mbb_end();
	mbb_finish(0);
}

static void bad_module_end_before_start(void)
{
	mbb_begin();
	mbb_module(0x3000, 0x2fff, "backwards");
	mbb_end();
	mbb_finish(0);
}

static void bad_module_short(void)
{
	uint32_t p[2] = { 0x1000, 0x2000 };

	mbb_begin();
	mbb_raw(MB2_TAG_MODULE, 16, p, 8);
	mbb_end();
	mbb_finish(0);
}

static void bad_module_too_many(void)
{
	unsigned int i;

	mbb_begin();
	for (i = 0; i <= MB2_MAX_MODULES; i++) {
		mbb_module(0x1000, 0x2000, "m");
	}
	mbb_end();
	mbb_finish(0);
}

static void bad_meminfo_short(void)
{
	uint32_t lower = 639;

	mbb_begin();
	mbb_raw(MB2_TAG_BASIC_MEMINFO, 12, &lower, 4);
	mbb_end();
	mbb_finish(0);
}

static void bad_acpi_old_short(void)
{
	mbb_begin();
	mbb_rsdp(MB2_TAG_ACPI_OLD, 19, "OEMOEM");
	mbb_end();
	mbb_finish(0);
}

static void bad_acpi_new_short(void)
{
	mbb_begin();
	mbb_rsdp(MB2_TAG_ACPI_NEW, 35, "OEMOEM");
	mbb_end();
	mbb_finish(0);
}

static void bad_acpi_empty(void)
{
	mbb_begin();
	mbb_raw(MB2_TAG_ACPI_NEW, 8, NULL, 0);
	mbb_end();
	mbb_finish(0);
}

static void bad_acpi_signature(void)
{
	mbb_begin();
	mbb_rsdp(MB2_TAG_ACPI_OLD, 20, "OEMOEM");
	b.data[8 + 8 + 3] = 'X';	/* "RSD XTR " */
	mbb_end();
	mbb_finish(0);
}

static const struct {
	const char *name;
	void (*build)(void);
	int rc;
	const char *report;
} malformed[] = {
#define BAD(fn, rc, text) { #fn, fn, rc, text }
	BAD(bad_total_zero, -EINVAL, "invalid total size"),
	BAD(bad_total_8, -EINVAL, "invalid total size"),
	BAD(bad_total_not_multiple_of_8, -EINVAL, "invalid total size"),
	BAD(bad_total_too_big, -EINVAL, "invalid total size"),
	BAD(bad_total_huge, -EINVAL, "invalid total size"),
	BAD(bad_tag_past_end, -EINVAL, "runs past"),
	BAD(bad_tag_size_huge, -EINVAL, "runs past"),
	BAD(bad_tag_too_small, -EINVAL, "tag size"),
	BAD(bad_tag_size_zero, -EINVAL, "tag size"),
	BAD(bad_no_end_tag, -EINVAL, "end tag missing"),
	BAD(bad_end_tag_cut, -EINVAL, "end tag missing"),
	BAD(bad_end_tag_size, -EINVAL, "end tag has the wrong size"),
	BAD(bad_cmdline_unterminated, -EINVAL, "command line is not terminated"),
	BAD(bad_cmdline_empty_tag, -EINVAL, "command line is not terminated"),
	BAD(bad_loader_name_unterminated, -EINVAL, "name is not terminated"),
	BAD(bad_module_cmdline_unterminated, -EINVAL, "module command line is not terminated"),
	BAD(bad_duplicate_cmdline, -EINVAL, "command line given twice"),
	BAD(bad_duplicate_mmap, -EINVAL, "memory map given twice"),
	BAD(bad_mmap_short_tag, -EINVAL, "memory map tag too short"),
	BAD(bad_mmap_entry_size_small, -EINVAL, "entry size"),
	BAD(bad_mmap_entry_size_zero, -EINVAL, "entry size"),
	BAD(bad_mmap_entry_size_unaligned, -EINVAL, "entry size"),
	BAD(bad_mmap_entry_size_not_dividing, -EINVAL, "entry size"),
	BAD(bad_mmap_version, -EINVAL, "version"),
	BAD(bad_mmap_wraps, -EINVAL, "wraps"),
	BAD(bad_mmap_too_many, -E2BIG, "too many entries"),
	BAD(bad_module_end_before_start, -EINVAL, "ends before it starts"),
	BAD(bad_module_short, -EINVAL, "module tag too short"),
	BAD(bad_module_too_many, -E2BIG, "too many modules"),
	BAD(bad_meminfo_short, -EINVAL, "basic memory information tag too short"),
	BAD(bad_acpi_old_short, -EINVAL, "RSDP"),
	BAD(bad_acpi_new_short, -EINVAL, "RSDP"),
	BAD(bad_acpi_empty, -EINVAL, "RSDP"),
	BAD(bad_acpi_signature, -EINVAL, "RSDP"),
#undef BAD
};

static void test_malformed(void **state)
{
	unsigned int i, failures = 0;

	for (i = 0; i < ARRAY_SIZE(malformed); i++) {
		int rc;

		parse_len = 0;
		malformed[i].build();
		rc = parse_bytes(parse_len ? parse_len : b.len);
		if (rc != malformed[i].rc || !last_report ||
		    !strstr(last_report, malformed[i].report)) {
			print_error("%s: returned %d (expected %d), reported \"%s\" "
				    "(expected \"...%s...\")\n", malformed[i].name, rc,
				    malformed[i].rc,
				    last_report ? last_report : "(nothing)", malformed[i].report);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void test_null_and_misaligned(void **state)
{
	unsigned int off;

	nr_reports = 0;
	assert_int_equal(mb2_parse(NULL, &info, report), -EINVAL);
	assert_int_equal(nr_reports, 1);
	assert_non_null(strstr(last_report, "missing or misaligned"));

	build_good();
	free(copy);
	copy = malloc(b.len + 8);
	for (off = 1; off < 8; off++) {
		memcpy(copy + off, b.data, b.len);
		nr_reports = 0;
		assert_int_equal(mb2_parse(copy + off, &info, report), -EINVAL);
		assert_int_equal(nr_reports, 1);
		assert_non_null(strstr(last_report, "missing or misaligned"));
	}
	/* A rejected parse leaves nothing half-filled behind. */
	assert_null(info.cmdline);
	assert_int_equal(info.nr_mmap, 0);
}

/* ---- Robustness: random and mutated blocks never crash the parser ---- */

static void check_result(int rc, uint32_t len)
{
	uint32_t i;

	assert_true(rc == 0 || rc == -EINVAL || rc == -E2BIG);
	assert_int_equal(nr_reports, rc ? 1 : 0);
	if (rc) {
		return;
	}
	/* The total may exceed the buffer when the end tag comes first: reading stops there. */
	assert_true(info.total_size >= 16 && info.total_size <= MB2_MAX_INFO_SIZE);
	assert_true(info.nr_mmap <= MB2_MAX_MMAP);
	assert_true(info.nr_modules <= MB2_MAX_MODULES);
	if (info.cmdline) {
		assert_true((const uint8_t *)info.cmdline >= copy + 16);
		assert_true((const uint8_t *)info.cmdline + strlen(info.cmdline) < copy + len);
	}
	for (i = 0; i < info.nr_modules; i++) {
		assert_true(info.modules[i].end >= info.modules[i].start);
		const char *c = info.modules[i].cmdline;

		assert_true((const uint8_t *)c + strlen(c) < copy + len);
	}
	for (i = 0; i < info.nr_mmap; i++) {
		assert_true(info.mmap[i].len != 0);
		assert_true(info.mmap[i].addr + info.mmap[i].len > info.mmap[i].addr);
	}
	if (info.rsdp) {
		assert_true((const uint8_t *)info.rsdp + info.rsdp_len <= copy + len);
	}
}

static void test_random_and_mutated(void **state)
{
	uint8_t good[4096];
	uint32_t good_len;
	uint64_t seed = 0x5eed;
	unsigned int i, accepted = 0;

	build_good();
	good_len = b.len;
	memcpy(good, b.data, good_len);
	for (i = 0; i < 200000; i++) {
		uint32_t len, j, nmut, total;
		int rc;

		if (i % 8 == 0) {
			/* Pure noise with a plausible total size. */
			len = (uint32_t)ALIGN_UP(16 + test_rand_below(&seed, 400), 8u);
			for (j = 0; j < len; j++) {
				b.data[j] = (uint8_t)test_rand(&seed);
			}
			put32(0, (uint32_t)(test_rand_below(&seed, 3) ? len : test_rand(&seed)));
		} else {
			/* The good block with a few words or bytes changed. */
			len = good_len;
			memcpy(b.data, good, good_len);
			nmut = 1 + (uint32_t)test_rand_below(&seed, 4);
			for (j = 0; j < nmut; j++) {
				uint32_t at = (uint32_t)test_rand_below(&seed, good_len);

				switch (test_rand_below(&seed, 4)) {
				case 0:
					b.data[at] = (uint8_t)test_rand(&seed);
					break;
				case 1:
					b.data[at] ^= (uint8_t)(1u << test_rand_below(&seed, 8));
					break;
				case 2:	/* a small size-like value on a word boundary */
					put32(at & ~3u, (uint32_t)test_rand_below(&seed, 64));
					break;
				default:	/* a big one */
					put32(at & ~3u, (uint32_t)test_rand(&seed));
					break;
				}
			}
			if (test_rand_below(&seed, 16) == 0) {
				/* Truncate the buffer and claim the shorter size. */
				len = (uint32_t)ALIGN_DOWN(test_rand_below(&seed, good_len), 8u);
				if (len < 8) {
					len = 8;
				}
				put32(0, len);
			}
		}
		/*
		 * The parser may read all of a total size it accepts (the loader vouches for it),
		 * so the buffer covers a mutated total too; past it ASan is watching.
		 */
		memcpy(&total, b.data, 4);
		if (total <= MB2_MAX_INFO_SIZE && total > len) {
			len = total;
		}
		rc = parse_bytes(len);
		check_result(rc, len);
		accepted += rc == 0;
	}
	print_message("%u of 200000 random or mutated blocks were accepted\n", accepted);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_good_block, teardown),
		cmocka_unit_test_teardown(test_acpi_new_then_old, teardown),
		cmocka_unit_test_teardown(test_minimal_block, teardown),
		cmocka_unit_test_teardown(test_stops_at_end_tag, teardown),
		cmocka_unit_test_teardown(test_full_tables_accepted, teardown),
		cmocka_unit_test_teardown(test_max_total_size, teardown),
		cmocka_unit_test_teardown(test_mmap_larger_entries, teardown),
		cmocka_unit_test_teardown(test_null_report, teardown),
		cmocka_unit_test_teardown(test_malformed, teardown),
		cmocka_unit_test_teardown(test_null_and_misaligned, teardown),
		cmocka_unit_test_teardown(test_random_and_mutated, teardown),
	};

	return cmocka_run_group_tests_name("multiboot2", tests, NULL, NULL);
}
