/*
 * The HVM loaders' parsers and builders: Multiboot2 kernel headers (common/boot/mb2_header.c)
 * with every truncation and random mutations in exactly sized heap copies (ASan sees any
 * over-read), and the start-of-day blocks of hvm/boot_info.c: the Multiboot2 information read
 * back with Argon's own boot-information parser (common/boot/multiboot2.c), PVH's start info
 * checked field by field against the public header.
 */
#include "unit.h"
#include <argon/mb2_header.h>
#include <argon/multiboot2.h>
#include <asm/hvm/boot_info.h>
#include <public/arch-x86/hvm/start_info.h>
#include <stdlib.h>

#define IMG_LEN 0x3000
#define HDR_OFF 0x1000		/* 8-aligned, like a kernel whose header opens its text */

/* Where build()'s tags are, from the first: request (20 bytes, padded to 24), address, entry
 * (12, padded to 16), module alignment, framebuffer. */
#define T_ADDR 24
#define T_ENTRY 48
#define T_ALIGN 64
#define T_FB 72

struct hdr {
	uint8_t b[IMG_LEN];
	uint32_t len;		/* image bytes */
	uint32_t tags;		/* bytes of tags written after the 16-byte header */
};

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint8_t *tag(struct hdr *h, uint16_t type, uint16_t flags, uint32_t size)
{
	uint8_t *t = h->b + HDR_OFF + 16 + h->tags;

	put16(t, type);
	put16(t + 2, flags);
	put32(t + 4, size);
	h->tags += (size + 7) & ~7u;
	return t;
}

/* Close the header: end tag, length and checksum. */
static void finish(struct hdr *h)
{
	uint8_t *p = h->b + HDR_OFF;
	uint32_t length;

	tag(h, MB2_HTAG_END, 0, 8);
	length = 16 + h->tags;
	put32(p, MB2_HEADER_MAGIC);
	put32(p + 4, MB2_ARCH_I386);
	put32(p + 8, length);
	put32(p + 12, -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + length));
}

/* A kernel with an information request, the address tag and an entry: loaded at 1 MiB. */
static void build(struct hdr *h, bool with_address)
{
	uint8_t *t;

	memset(h, 0, sizeof(*h));
	h->len = IMG_LEN;
	t = tag(h, MB2_HTAG_INFO_REQUEST, 0, 8 + 4 * 3);
	put32(t + 8, MB2_TAG_CMDLINE);
	put32(t + 12, MB2_TAG_MMAP);
	put32(t + 16, MB2_TAG_ACPI_NEW);
	if (with_address) {
		/* The header sits 0x1000 into the file and at 0x101000: the file loads at 1 MiB. */
		t = tag(h, MB2_HTAG_ADDRESS, 0, 24);
		put32(t + 8, 0x101000);
		put32(t + 12, 0x100000);
		put32(t + 16, 0x102800);
		put32(t + 20, 0x104000);
	}
	t = tag(h, MB2_HTAG_ENTRY, 0, 12);
	put32(t + 8, 0x101040);
	tag(h, MB2_HTAG_MODULE_ALIGN, 0, 8);
	t = tag(h, MB2_HTAG_FRAMEBUFFER, MB2_HTAG_OPTIONAL, 20);
	finish(h);
}

static int parse(const struct hdr *h, struct mb2_header *out, const char **why)
{
	void *copy = malloc(h->len ? h->len : 1);
	int rc;

	memcpy(copy, h->b, h->len);
	rc = mb2_header_parse(copy, h->len, HVM_MB2_PROVIDED, out, why);
	free(copy);
	return rc;
}

static void test_header_good(void **state)
{
	static struct hdr h;
	struct mb2_header m;
	const char *why = NULL;

	build(&h, true);
	assert_int_equal(parse(&h, &m, &why), 0);
	assert_int_equal(m.offset, HDR_OFF);
	assert_true(m.has_address);
	assert_true(m.has_entry);
	assert_int_equal(m.entry_addr, 0x101040);
	assert_int_equal(m.file_offset, 0);
	assert_int_equal(m.file_len, 0x2800);
	assert_int_equal(m.mem_len, 0x4000);
	assert_int_equal(m.required_info,
			 (1u << MB2_TAG_CMDLINE) | (1u << MB2_TAG_MMAP) | (1u << MB2_TAG_ACPI_NEW));

	/* Without the address tag the loader goes by ELF. */
	build(&h, false);
	assert_int_equal(parse(&h, &m, &why), 0);
	assert_false(m.has_address);
	assert_true(m.has_entry);

	/* load_end_addr 0: the rest of the file; bss_end_addr 0: no bss. */
	build(&h, true);
	put32(h.b + HDR_OFF + 16 + T_ADDR + 16, 0);
	put32(h.b + HDR_OFF + 16 + T_ADDR + 20, 0);
	assert_int_equal(parse(&h, &m, &why), 0);
	assert_int_equal(m.file_len, IMG_LEN);
	assert_int_equal(m.mem_len, IMG_LEN);

	/* No header: -ENOENT, which hands the image to the next loader. */
	memset(&h, 0, sizeof(h));
	h.len = IMG_LEN;
	assert_int_equal(parse(&h, &m, &why), -ENOENT);
	/* The magic with a bad checksum is no header either. */
	build(&h, true);
	h.b[HDR_OFF + 12] ^= 1;
	assert_int_equal(parse(&h, &m, &why), -ENOENT);
	/* Nor is one off the 8-byte grid. */
	build(&h, true);
	memmove(h.b + HDR_OFF + 4, h.b + HDR_OFF, 0x100);
	assert_int_equal(parse(&h, &m, &why), -ENOENT);
}

/* A header past the first 32 KiB is not looked for. */
static void test_header_window(void **state)
{
	static uint8_t big[MB2_HEADER_SEARCH + 0x100];
	static struct hdr h;
	struct mb2_header m;
	const char *why;

	build(&h, false);
	memset(big, 0, sizeof(big));
	memcpy(big + MB2_HEADER_SEARCH - 16, h.b + HDR_OFF, 16 + h.tags);
	assert_int_equal(mb2_header_parse(big, sizeof(big), HVM_MB2_PROVIDED, &m, &why), -ENOEXEC);
	memset(big, 0, sizeof(big));
	memcpy(big + MB2_HEADER_SEARCH, h.b + HDR_OFF, 16 + h.tags);
	assert_int_equal(mb2_header_parse(big, sizeof(big), HVM_MB2_PROVIDED, &m, &why), -ENOENT);
	memset(big, 0, sizeof(big));
	memcpy(big + MB2_HEADER_SEARCH - 16 - h.tags, h.b + HDR_OFF, 16 + h.tags);
	assert_int_equal(mb2_header_parse(big, sizeof(big), HVM_MB2_PROVIDED, &m, &why), 0);
}

typedef void (*mutate_fn)(struct hdr *h);

static uint8_t *first_tag(struct hdr *h)
{
	return h->b + HDR_OFF + 16;
}

static void bad_arch(struct hdr *h)
{
	put32(h->b + HDR_OFF + 4, 4);	/* MIPS */
	put32(h->b + HDR_OFF + 12, -(MB2_HEADER_MAGIC + 4 + 16 + h->tags));
}
static void length_huge(struct hdr *h)
{
	put32(h->b + HDR_OFF + 8, 0x100000);
	put32(h->b + HDR_OFF + 12, -(MB2_HEADER_MAGIC + 0x100000));
}
static void length_odd(struct hdr *h)
{
	uint32_t l = 16 + h->tags - 4;

	put32(h->b + HDR_OFF + 8, l);
	put32(h->b + HDR_OFF + 12, -(MB2_HEADER_MAGIC + l));
}
static void no_end(struct hdr *h)
{
	uint32_t l = 16 + h->tags - 8;	/* the end tag falls outside header_length */

	put32(h->b + HDR_OFF + 8, l);
	put32(h->b + HDR_OFF + 12, -(MB2_HEADER_MAGIC + l));
}
static void tag_too_big(struct hdr *h) { put32(first_tag(h) + 4, 0x10000); }
static void tag_too_small(struct hdr *h) { put32(first_tag(h) + 4, 4); }
static void request_unknown(struct hdr *h) { put32(first_tag(h) + 8, 21); }
static void request_huge(struct hdr *h) { put32(first_tag(h) + 8, 0xffffffff); }
static void framebuffer_required(struct hdr *h) { put16(first_tag(h) + T_FB + 2, 0); }
static void efi_entry_required(struct hdr *h) { put16(first_tag(h) + T_ALIGN, 9); }
static void load_above_header(struct hdr *h) { put32(first_tag(h) + T_ADDR + 12, 0x101008); }
static void load_before_file(struct hdr *h) { put32(first_tag(h) + T_ADDR + 12, 0xff000); }
static void load_end_past_file(struct hdr *h) { put32(first_tag(h) + T_ADDR + 16, 0x103001); }
static void load_end_below_load(struct hdr *h) { put32(first_tag(h) + T_ADDR + 16, 0x100000); }
static void bss_below_load_end(struct hdr *h) { put32(first_tag(h) + T_ADDR + 20, 0x102000); }
static void address_short(struct hdr *h) { put32(first_tag(h) + T_ADDR + 4, 20); }
static void entry_short(struct hdr *h) { put32(first_tag(h) + T_ENTRY + 4, 8); }
static void address_without_entry(struct hdr *h) { put16(first_tag(h) + T_ENTRY, 6); }

/* Every mutation keeps the checksum valid where it must: the header is found, then refused. */
static void test_header_malformed(void **state)
{
	static const struct {
		mutate_fn fn;
		const char *name;
		int rc;
	} cases[] = {
		{ bad_arch, "architecture", -EOPNOTSUPP },
		{ length_huge, "header_length past 32 KiB", -ENOEXEC },
		{ length_odd, "header_length not 8-aligned", -ENOEXEC },
		{ no_end, "no end tag", -ENOEXEC },
		{ tag_too_big, "tag past the header", -ENOEXEC },
		{ tag_too_small, "tag under 8 bytes", -ENOEXEC },
		{ request_unknown, "mandatory request for tag 21", -EOPNOTSUPP },
		{ request_huge, "mandatory request for tag 2^32-1", -EOPNOTSUPP },
		{ framebuffer_required, "mandatory framebuffer", -EOPNOTSUPP },
		{ efi_entry_required, "mandatory EFI64 entry", -EOPNOTSUPP },
		{ load_above_header, "load_addr above the header", -ENOEXEC },
		{ load_before_file, "load_addr before the file", -ENOEXEC },
		{ load_end_past_file, "load_end past the file", -ENOEXEC },
		{ load_end_below_load, "load_end at load_addr", -ENOEXEC },
		{ bss_below_load_end, "bss_end below load_end", -ENOEXEC },
		{ address_short, "address tag too short", -ENOEXEC },
		{ entry_short, "entry tag too short", -ENOEXEC },
		{ address_without_entry, "address tag without entry", -ENOEXEC },
	};
	static struct hdr h;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mb2_header m;
		const char *why = NULL;
		int rc;

		build(&h, true);
		cases[i].fn(&h);
		rc = parse(&h, &m, &why);
		if (rc != cases[i].rc || !why || !*why) {
			fail_msg("%s: rc %d (want %d), reason %s", cases[i].name, rc, cases[i].rc,
				 why ? why : "(none)");
		}
	}
}

/* Every truncation of the image: refused or not found, never an over-read. */
static void test_header_truncations(void **state)
{
	static struct hdr h;
	uint32_t len;

	for (len = 0; len < IMG_LEN; len++) {
		struct mb2_header m;
		const char *why;
		int rc;

		build(&h, true);
		h.len = len;
		rc = parse(&h, &m, &why);
		/* Whole header and the load range (to load_end 0x102800 = file 0x2800) needed. */
		if (len < 0x2800) {
			assert_true(rc == -ENOENT || rc == -ENOEXEC);
		} else {
			assert_int_equal(rc, 0);
		}
	}
}

static void test_header_random(void **state)
{
	static struct hdr h;
	uint64_t seed = 0xabcdef12345ULL;
	unsigned int round, accepted = 0;

	for (round = 0; round < 100000; round++) {
		struct mb2_header m;
		const char *why;
		unsigned int flips = 1 + (unsigned int)test_rand_below(&seed, 6), f;
		uint32_t sum;
		uint8_t *p = h.b + HDR_OFF;

		build(&h, round & 1);
		for (f = 0; f < flips; f++) {
			uint32_t at = 16 + (uint32_t)test_rand_below(&seed, h.tags);

			p[at] = (uint8_t)test_rand(&seed);
		}
		if (test_rand_below(&seed, 4) == 0) {
			uint32_t l = (uint32_t)test_rand(&seed);

			put32(p + 8, l);
		}
		/* Keep the checksum right so the mutations reach the tag walk. */
		memcpy(&sum, p + 8, 4);
		put32(p + 12, -(MB2_HEADER_MAGIC + sum));
		if (test_rand_below(&seed, 8) == 0) {
			h.len = (uint32_t)test_rand_below(&seed, h.len + 1);
		}
		accepted += parse(&h, &m, &why) == 0;
	}
	assert_true(accepted > 0);
}

static const struct e820_entry e820[] = {
	{ 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0xe0000, 0x20000, 2 },
	{ 0x100000, 0x3f00000, 1 }, { 0xfec00000, 0x1000, 2 }, { 0xfee00000, 0x1000, 2 },
};

static uint8_t rsdp[36] = "RSD PTR ";

static struct hvm_boot_info info(bool module, const char *cmdline)
{
	return (struct hvm_boot_info){
		.mem = 0x4000000, .e820 = e820, .nr_e820 = ARRAY_SIZE(e820), .cmdline = cmdline,
		.rsdp = rsdp, .rsdp_gpa = 0xe0000, .has_module = module, .module_gpa = 0x3f00000,
		.module_len = 0x1234,
	};
}

static void test_mb2_info_roundtrip(void **state)
{
	static uint8_t buf[4096] __attribute__((aligned(8)));
	struct hvm_boot_info b = info(true, "console=ttyS0 check=mbi");
	static struct mb2_info out;
	unsigned int i;
	int size;

	for (i = 8; i < 36; i++) {
		rsdp[i] = (uint8_t)(i * 7);
	}
	size = hvm_mb2_info_build(&b, buf, sizeof(buf));
	assert_true(size > 0 && size % 8 == 0);
	assert_int_equal(mb2_parse(buf, &out, NULL), 0);
	assert_int_equal(out.total_size, size);
	assert_string_equal(out.cmdline, "console=ttyS0 check=mbi");
	assert_string_equal(out.loader_name, "Argon");
	assert_true(out.has_meminfo);
	assert_int_equal(out.mem_lower_kb, 639);
	assert_int_equal(out.mem_upper_kb, 63 * 1024);
	assert_int_equal(out.nr_mmap, ARRAY_SIZE(e820));
	for (i = 0; i < ARRAY_SIZE(e820); i++) {
		assert_int_equal(out.mmap[i].addr, e820[i].addr);
		assert_int_equal(out.mmap[i].len, e820[i].size);
		assert_int_equal(out.mmap[i].type, e820[i].type);
	}
	assert_int_equal(out.nr_modules, 1);
	assert_int_equal(out.modules[0].start, 0x3f00000);
	assert_int_equal(out.modules[0].end, 0x3f01234);
	assert_string_equal(out.modules[0].cmdline, "");
	assert_true(out.rsdp_is_v2);
	assert_int_equal(out.rsdp_len, 36);
	assert_memory_equal(out.rsdp, rsdp, 36);

	/* Without a module or an RSDP the tags are simply absent. */
	b = info(false, NULL);
	b.rsdp = NULL;
	size = hvm_mb2_info_build(&b, buf, sizeof(buf));
	assert_int_equal(mb2_parse(buf, &out, NULL), 0);
	assert_int_equal(out.nr_modules, 0);
	assert_null(out.rsdp);
	assert_string_equal(out.cmdline, "");

	/* Too small a buffer at every size: -E2BIG, never a write past it (ASan). */
	b = info(true, "x");
	size = hvm_mb2_info_build(&b, buf, sizeof(buf));
	for (i = 0; i < (unsigned int)size; i++) {
		uint8_t *small = malloc(i ? i : 1);

		assert_int_equal(hvm_mb2_info_build(&b, small, i), -E2BIG);
		free(small);
	}
}

static void test_pvh_info(void **state)
{
	static uint8_t buf[4096] __attribute__((aligned(8)));
	const uint64_t gpa = 0x10000;
	struct hvm_boot_info b = info(true, "console=ttyS0 pvh");
	struct hvm_start_info si;
	struct hvm_modlist_entry m;
	struct hvm_memmap_table_entry e;
	unsigned int i;
	int size;

	size = hvm_pvh_info_build(&b, gpa, buf, sizeof(buf));
	assert_true(size > 0);
	memcpy(&si, buf, sizeof(si));
	assert_int_equal(si.magic, XEN_HVM_START_MAGIC_VALUE);
	assert_int_equal(si.version, 1);
	assert_int_equal(si.flags, 0);
	assert_int_equal(si.rsdp_paddr, 0xe0000);
	assert_int_equal(si.nr_modules, 1);
	assert_int_equal(si.reserved, 0);
	/* Every pointer lands inside the block, 8-byte aligned. */
	assert_true(si.modlist_paddr >= gpa + sizeof(si) && si.modlist_paddr % 8 == 0);
	assert_true(si.memmap_paddr % 8 == 0 && si.cmdline_paddr % 8 == 0);
	assert_true(si.cmdline_paddr < gpa + (uint64_t)size);
	memcpy(&m, buf + (si.modlist_paddr - gpa), sizeof(m));
	assert_int_equal(m.paddr, 0x3f00000);
	assert_int_equal(m.size, 0x1234);
	assert_int_equal(m.cmdline_paddr, 0);
	assert_int_equal(si.memmap_entries, ARRAY_SIZE(e820));
	for (i = 0; i < ARRAY_SIZE(e820); i++) {
		memcpy(&e, buf + (si.memmap_paddr - gpa) + i * sizeof(e), sizeof(e));
		assert_int_equal(e.addr, e820[i].addr);
		assert_int_equal(e.size, e820[i].size);
		assert_int_equal(e.type, e820[i].type);
		assert_int_equal(e.reserved, 0);
	}
	assert_string_equal((const char *)buf + (si.cmdline_paddr - gpa), "console=ttyS0 pvh");
	assert_true(si.memmap_paddr + ARRAY_SIZE(e820) * sizeof(e) <= si.cmdline_paddr);
	assert_true(si.modlist_paddr + sizeof(m) <= si.memmap_paddr);

	/* No module: nr_modules 0 and no list. */
	b = info(false, "");
	size = hvm_pvh_info_build(&b, gpa, buf, sizeof(buf));
	memcpy(&si, buf, sizeof(si));
	assert_int_equal(si.nr_modules, 0);
	assert_int_equal(si.modlist_paddr, 0);

	b = info(true, "a longer command line");
	size = hvm_pvh_info_build(&b, gpa, buf, sizeof(buf));
	for (i = 0; i < (unsigned int)size; i++) {
		uint8_t *small = malloc(i ? i : 1);

		assert_int_equal(hvm_pvh_info_build(&b, gpa, small, i), -E2BIG);
		free(small);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_good),	   cmocka_unit_test(test_header_window),
		cmocka_unit_test(test_header_malformed),   cmocka_unit_test(test_header_truncations),
		cmocka_unit_test(test_header_random),	   cmocka_unit_test(test_mb2_info_roundtrip),
		cmocka_unit_test(test_pvh_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
