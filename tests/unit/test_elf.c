/*
 * ELF kernels with Xen notes (hypervisor/common/boot/elf.c), ELF-64 PV kernels and ELF-32-class
 * x86-64 PVH kernels: a builder makes images in memory,
 * then every malformed variant must be refused with -ENOEXEC and a reason, never read out of
 * bounds (the image sits in a heap block of exactly its size, so ASan sees any over-read).
 */
#include "unit.h"
#include <argon/elf.h>
#include <public/elfnote.h>
#include <public/features.h>
#include <stdlib.h>

#define PH_OFF 64
#define MAX_IMG 8192

struct img {
	uint8_t b[MAX_IMG];
	uint32_t len;		/* bytes used */
	uint32_t nphdr;
	uint32_t notes_off, notes_len;
};

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void add_note(struct img *m, uint32_t type, const void *desc, uint32_t len)
{
	uint8_t *p = m->b + m->notes_off + m->notes_len;

	put32(p, 4);
	put32(p + 4, len);
	put32(p + 8, type);
	memcpy(p + 12, "Xen", 4);
	memcpy(p + 16, desc, len);
	m->notes_len += 16 + ((len + 3) & ~3u);
}

static void add_note_str(struct img *m, uint32_t type, const char *s)
{
	add_note(m, type, s, (uint32_t)strlen(s) + 1);
}

static void add_note_u64(struct img *m, uint32_t type, uint64_t v)
{
	add_note(m, type, &v, 8);
}

static uint8_t *phdr(struct img *m, unsigned int i)
{
	return m->b + PH_OFF + i * 56;
}

/* A good PV kernel: 2 PT_LOAD segments and a PT_NOTE with the usual Xen notes. */
static void build(struct img *m, const char *features)
{
	const uint64_t vb = 0xffffffff80000000ULL;

	memset(m, 0, sizeof(*m));
	memcpy(m->b, "\177ELF", 4);
	m->b[4] = 2;	/* 64-bit */
	m->b[5] = 1;	/* little endian */
	m->b[6] = 1;
	put16(m->b + 16, 2);	/* ET_EXEC */
	put16(m->b + 18, 62);	/* EM_X86_64 */
	put32(m->b + 20, 1);
	put64(m->b + 24, vb + 0x10);
	put64(m->b + 32, PH_OFF);
	put16(m->b + 52, 64);
	put16(m->b + 54, 56);
	m->nphdr = 3;
	put16(m->b + 56, (uint16_t)m->nphdr);
	/* text: file 0x1000-0x1800 at paddr 0; data: file 0x1800-0x1900 at paddr 0x2000, 0x800 bss */
	put32(phdr(m, 0), 1);
	put32(phdr(m, 0) + 4, 5);
	put64(phdr(m, 0) + 8, 0x1000);
	put64(phdr(m, 0) + 16, vb);
	put64(phdr(m, 0) + 24, 0);
	put64(phdr(m, 0) + 32, 0x800);
	put64(phdr(m, 0) + 40, 0x800);
	put32(phdr(m, 1), 1);
	put32(phdr(m, 1) + 4, 6);
	put64(phdr(m, 1) + 8, 0x1800);
	put64(phdr(m, 1) + 16, vb + 0x2000);
	put64(phdr(m, 1) + 24, 0x2000);
	put64(phdr(m, 1) + 32, 0x100);
	put64(phdr(m, 1) + 40, 0x900);
	m->notes_off = 0x400;
	add_note_str(m, XEN_ELFNOTE_GUEST_OS, "Argon-test");
	add_note_str(m, XEN_ELFNOTE_GUEST_VERSION, "1");
	add_note_str(m, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	add_note_str(m, XEN_ELFNOTE_LOADER, "generic");
	add_note_u64(m, XEN_ELFNOTE_VIRT_BASE, vb);
	add_note_u64(m, XEN_ELFNOTE_PADDR_OFFSET, 0);
	add_note_u64(m, XEN_ELFNOTE_ENTRY, vb + 0x10);
	add_note_u64(m, XEN_ELFNOTE_HYPERCALL_PAGE, vb + 0x1000);
	add_note_u64(m, XEN_ELFNOTE_INIT_P2M, 0x8000000000ULL);
	add_note_u64(m, XEN_ELFNOTE_MOD_START_PFN, 1);
	add_note_str(m, XEN_ELFNOTE_FEATURES, features);
	put32(phdr(m, 2), 4);	/* PT_NOTE */
	put64(phdr(m, 2) + 8, m->notes_off);
	put64(phdr(m, 2) + 32, m->notes_len);
	m->len = 0x1900;
}

/* Parse a heap copy of exactly @m->len bytes. */
static int parse(const struct img *m, struct elf_image *out, const char **why, void **keep)
{
	void *copy = malloc(m->len ? m->len : 1);

	memcpy(copy, m->b, m->len);
	*keep = copy;
	return elf_parse(copy, m->len, out, why);
}

static void test_good_image(void **state)
{
	static struct img m;
	struct elf_image e;
	const char *why = NULL;
	void *keep;

	build(&m, "!writable_page_tables|pae_pgdir_above_4gb");
	assert_int_equal(parse(&m, &e, &why, &keep), 0);
	assert_int_equal(e.nr_segments, 2);
	assert_int_equal(e.pstart, 0);
	assert_int_equal(e.pend, 0x2900);
	assert_true(e.has_xen_notes);
	assert_int_equal(e.notes.entry, 0xffffffff80000010ULL);
	assert_int_equal(e.notes.hypercall_page, 0xffffffff80001000ULL);
	assert_int_equal(e.notes.virt_base, 0xffffffff80000000ULL);
	assert_true(e.notes.has_init_p2m);
	assert_int_equal(e.notes.init_p2m, 0x8000000000ULL);
	assert_true(e.notes.mod_start_pfn);
	assert_string_equal(e.notes.guest_os, "Argon-test");
	assert_string_equal(e.notes.loader, "generic");
	assert_int_equal(e.notes.required_features, 1u << XENFEAT_writable_page_tables);
	/* Required but not offered by Argon and not declared in SUPPORTED_FEATURES: refused. */
	assert_int_equal(xen_notes_check(&e, 1u << XENFEAT_dom0, &why), -EOPNOTSUPP);
	free(keep);

	/* Linux declares what it requires as supported: then the requirement counts as met. */
	build(&m, "!writable_page_tables|pae_pgdir_above_4gb");
	{
		uint32_t bits = 1u << XENFEAT_writable_page_tables;

		add_note(&m, XEN_ELFNOTE_SUPPORTED_FEATURES, &bits, 4);
		put64(phdr(&m, 2) + 32, m.notes_len);
	}
	assert_int_equal(parse(&m, &e, &why, &keep), 0);
	assert_int_equal(xen_notes_check(&e, 0, &why), 0);
	free(keep);
}

/* Linux's FEATURES note is .ascii: no NUL, the note size bounds it (and the names after it). */
static void test_features_without_nul(void **state)
{
	static struct img m;
	static const char f[] = "!writable_page_tables|pae_pgdir_above_4gb|!dom0";
	struct elf_image e;
	const char *why = NULL;
	void *keep;

	build(&m, "");
	m.notes_len -= 16 + 4; /* drop the empty FEATURES note build() added last */
	add_note(&m, XEN_ELFNOTE_FEATURES, f, (uint32_t)strlen(f) - 6); /* "...above_4gb" */
	put64(phdr(&m, 2) + 32, m.notes_len);
	assert_int_equal(parse(&m, &e, &why, &keep), 0);
	assert_int_equal(e.notes.required_features, 1u << XENFEAT_writable_page_tables);
	free(keep);
}

typedef void (*mutate_fn)(struct img *m);

static void bad_magic(struct img *m) { m->b[1] = 'X'; }
static void bad_class(struct img *m) { m->b[4] = 3; }
static void bad_endian(struct img *m) { m->b[5] = 2; }
static void bad_type(struct img *m) { put16(m->b + 16, 3); }
static void bad_machine(struct img *m) { put16(m->b + 18, 3); }
static void bad_phentsize(struct img *m) { put16(m->b + 54, 32); }
static void no_phdrs(struct img *m) { put16(m->b + 56, 0); }
static void many_phdrs(struct img *m) { put16(m->b + 56, 65); }
static void phdrs_outside(struct img *m) { put64(m->b + 32, m->len - 8); }
static void phoff_huge(struct img *m) { put64(m->b + 32, UINT64_MAX - 10); }
static void truncated_header(struct img *m) { m->len = 40; }
static void notes_outside(struct img *m) { put64(phdr(m, 2) + 8, m->len - 4); }
static void notes_size_huge(struct img *m) { put64(phdr(m, 2) + 32, UINT64_MAX); }
static void note_name_past_end(struct img *m) { put32(m->b + m->notes_off, 0x7fffffff); }
static void note_desc_past_end(struct img *m) { put32(m->b + m->notes_off + 4, 0xfffffff0); }
static void string_unterminated(struct img *m)
{
	/* The first note is GUEST_OS "Argon-test\0" (11 bytes): drop its NUL. */
	m->b[m->notes_off + 16 + 10] = 'x';
}
static void int_note_odd_size(struct img *m)
{
	/* Turn GUEST_VERSION ("1\0", 2 bytes) into an ENTRY note of 2 bytes. */
	put32(m->b + m->notes_off + 16 + 12 + 8, XEN_ELFNOTE_ENTRY);
}
static void filesz_over_memsz(struct img *m) { put64(phdr(m, 1) + 32, 0x1000); }
static void segment_outside(struct img *m) { put64(phdr(m, 1) + 8, m->len - 0x10); }
static void segment_offset_huge(struct img *m) { put64(phdr(m, 0) + 8, UINT64_MAX - 0x100); }
static void paddr_wraps(struct img *m) { put64(phdr(m, 1) + 24, UINT64_MAX - 0x10); }
static void no_load(struct img *m)
{
	put32(phdr(m, 0), 6);
	put32(phdr(m, 1), 6);
}

static void test_malformed_images(void **state)
{
	static const struct {
		mutate_fn fn;
		const char *name;
	} cases[] = {
		{ bad_magic, "bad magic" },		{ bad_class, "class 3" },   
		{ bad_endian, "big endian" },		{ bad_type, "not ET_EXEC" },
		{ bad_machine, "not x86-64" },		{ bad_phentsize, "phentsize" },
		{ no_phdrs, "no phdrs" },		{ many_phdrs, "65 phdrs" },
		{ phdrs_outside, "phdrs outside" },	{ phoff_huge, "phoff wraps" },
		{ truncated_header, "truncated" },	{ notes_outside, "notes outside" },
		{ notes_size_huge, "notes size" },	{ note_name_past_end, "note name" },
		{ note_desc_past_end, "note desc" },	{ string_unterminated, "string note" },
		{ int_note_odd_size, "int note size" }, { filesz_over_memsz, "filesz > memsz" },
		{ segment_outside, "segment outside" }, { segment_offset_huge, "offset wraps" },
		{ paddr_wraps, "paddr wraps" },		{ no_load, "no PT_LOAD" },
	};
	static struct img m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct elf_image e;
		const char *why = NULL;
		void *keep;
		int rc;

		build(&m, "pae_pgdir_above_4gb");
		cases[i].fn(&m);
		rc = parse(&m, &e, &why, &keep);
		free(keep);
		if (rc != -ENOEXEC || !why || !*why) {
			fail_msg("%s: rc %d, reason %s", cases[i].name, rc, why ? why : "(none)");
		}
	}
}

static void test_too_many_segments(void **state)
{
	static struct img m;
	struct elf_image e;
	const char *why;
	void *keep;
	unsigned int i;

	build(&m, "");
	m.nphdr = 17;
	put16(m.b + 56, 17);
	for (i = 0; i < 17; i++) {
		put32(phdr(&m, i), 1);
		put64(phdr(&m, i) + 8, 0x1000);
		put64(phdr(&m, i) + 24, 0x1000ULL * i);
		put64(phdr(&m, i) + 32, 0x10);
		put64(phdr(&m, i) + 40, 0x10);
	}
	assert_int_equal(parse(&m, &e, &why, &keep), -ENOEXEC);
	free(keep);
}

static void test_note_checks(void **state)
{
	static struct img m;
	struct elf_image e;
	const char *why;
	void *keep;

	/* No Xen notes at all: not a PV kernel. */
	build(&m, "");
	put32(phdr(&m, 2), 0);
	assert_int_equal(parse(&m, &e, &why, &keep), 0);
	assert_int_equal(xen_notes_check(&e, 0, &why), -ENOEXEC);
	free(keep);

	/* Wrong XEN_VERSION. */
	build(&m, "");
	memcpy(m.b + m.notes_off + 16 + 12 + 8 + 16 + 4, "xen-2.0", 7);
	assert_int_equal(parse(&m, &e, &why, &keep), 0);
	assert_int_equal(xen_notes_check(&e, 0, &why), -ENOEXEC);
	assert_non_null(strstr(why, "XEN_VERSION"));
	free(keep);

	/* LOADER other than "generic" and GUEST_OS other than "linux". */
	build(&m, "");
	{
		/* Find the LOADER note's text and change it. */
		uint32_t at;

		for (at = 0; at + 7 <= m.len && memcmp(m.b + at, "generic", 7); at++) {
		}
		assert_true(at + 7 <= m.len);
		memcpy(m.b + at, "special", 7);
	}
	assert_int_equal(parse(&m, &e, &why, &keep), 0);
	assert_int_equal(xen_notes_check(&e, 0, &why), -ENOEXEC);
	free(keep);

	/* PADDR_OFFSET above VIRT_BASE. */
	build(&m, "");
	add_note_u64(&m, XEN_ELFNOTE_PADDR_OFFSET, 0xffffffff90000000ULL);
	put64(phdr(&m, 2) + 32, m.notes_len);
	assert_int_equal(parse(&m, &e, &why, &keep), 0);
	assert_int_equal(xen_notes_check(&e, 0, &why), -ENOEXEC);
	free(keep);
}

/*
 * A PVH kernel as a 32-bit toolchain relabelled for x86-64 makes it: ELFCLASS32, EM_X86_64, one
 * PT_LOAD at 1 MiB and a PT_NOTE holding PHYS32_ENTRY (a 4-byte integer, as Linux emits it).
 */
static void build32(struct img *m, uint32_t phys32)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->b, "\177ELF", 4);
	m->b[4] = 1;	/* 32-bit */
	m->b[5] = 1;
	m->b[6] = 1;
	put16(m->b + 16, 2);
	put16(m->b + 18, 62);
	put32(m->b + 20, 1);
	put32(m->b + 24, 0x100000);	/* e_entry */
	put32(m->b + 28, 52);		/* e_phoff */
	put16(m->b + 40, 52);
	put16(m->b + 42, 32);
	m->nphdr = 2;
	put16(m->b + 44, (uint16_t)m->nphdr);
	put32(m->b + 52, 1);		/* PT_LOAD: file 0x1000-0x1800 at 1 MiB, 0x1000 in memory */
	put32(m->b + 52 + 4, 0x1000);
	put32(m->b + 52 + 8, 0x100000);
	put32(m->b + 52 + 12, 0x100000);
	put32(m->b + 52 + 16, 0x800);
	put32(m->b + 52 + 20, 0x1000);
	put32(m->b + 52 + 24, 5);
	m->notes_off = 0x200;
	add_note_str(m, XEN_ELFNOTE_GUEST_OS, "Argon-pvh");
	add_note(m, XEN_ELFNOTE_PHYS32_ENTRY, &phys32, 4);
	put32(m->b + 84, 4);		/* PT_NOTE */
	put32(m->b + 84 + 4, m->notes_off);
	put32(m->b + 84 + 16, m->notes_len);
	m->len = 0x1800;
}

static void test_elf32_pvh(void **state)
{
	static struct img m;
	struct elf_image e;
	const char *why = NULL;
	void *keep;
	uint32_t len;

	build32(&m, 0x100040);
	assert_int_equal(parse(&m, &e, &why, &keep), 0);
	assert_true(e.is_elf32);
	assert_int_equal(e.entry, 0x100000);
	assert_int_equal(e.nr_segments, 1);
	assert_int_equal(e.segments[0].offset, 0x1000);
	assert_int_equal(e.segments[0].paddr, 0x100000);
	assert_int_equal(e.segments[0].filesz, 0x800);
	assert_int_equal(e.segments[0].memsz, 0x1000);
	assert_int_equal(e.pend, 0x101000);
	assert_true(e.notes.has_phys32_entry);
	assert_int_equal(e.notes.phys32_entry, 0x100040);
	/* Argon's PV guests are 64-bit: an ELF-32 image is no PV kernel whatever its notes. */
	assert_int_equal(xen_notes_check(&e, ~0u, &why), -ENOEXEC);
	assert_non_null(strstr(why, "ELF-32"));
	free(keep);

	/* An 8-byte PHYS32_ENTRY above 4 GiB is refused; 8 bytes below it are fine. */
	build32(&m, 0);
	m.notes_len -= 16 + 4;
	add_note_u64(&m, XEN_ELFNOTE_PHYS32_ENTRY, 0x100000000ULL);
	put32(m.b + 84 + 16, m.notes_len);
	assert_int_equal(parse(&m, &e, &why, &keep), -ENOEXEC);
	assert_non_null(strstr(why, "PHYS32_ENTRY"));
	free(keep);
	build32(&m, 0);
	m.notes_len -= 16 + 4;
	add_note_u64(&m, XEN_ELFNOTE_PHYS32_ENTRY, 0x100010);
	put32(m.b + 84 + 16, m.notes_len);
	assert_int_equal(parse(&m, &e, &why, &keep), 0);
	assert_int_equal(e.notes.phys32_entry, 0x100010);
	free(keep);

	/* A 2-byte PHYS32_ENTRY is malformed. */
	build32(&m, 0x100040);
	put32(m.b + m.notes_off + 16 + 12 + 4, 2);
	assert_int_equal(parse(&m, &e, &why, &keep), -ENOEXEC);
	free(keep);

	/* ELF-32 program headers of the ELF-64 size, and the other way round, are refused. */
	build32(&m, 0x100040);
	put16(m.b + 42, 56);
	assert_int_equal(parse(&m, &e, &why, &keep), -ENOEXEC);
	free(keep);

	/* Every truncation: refused (or, past the notes and segment, accepted), never over-read. */
	for (len = 0; len < 0x1800; len++) {
		int rc;

		build32(&m, 0x100040);
		m.len = len;
		rc = parse(&m, &e, &why, &keep);
		free(keep);
		assert_int_equal(rc, -ENOEXEC);
	}
}

/* The ELF-64 image truncated at every length up to its end: always refused cleanly. */
static void test_elf64_truncations(void **state)
{
	static struct img m;
	struct elf_image e;
	const char *why;
	void *keep;
	uint32_t len;

	for (len = 0; len < 0x1900; len++) {
		build(&m, "");
		m.len = len;
		assert_int_equal(parse(&m, &e, &why, &keep), -ENOEXEC);
		free(keep);
	}
}

/* Random byte flips in headers and notes never make the parser read outside the image. */
static void test_random_mutations(void **state)
{
	static struct img m;
	uint64_t seed = 0x1234567;
	unsigned int round, accepted = 0;

	for (round = 0; round < 100000; round++) {
		struct elf_image e;
		const char *why;
		void *keep;
		unsigned int flips = 1 + (unsigned int)test_rand_below(&seed, 8), f;

		if (round & 1) {
			build32(&m, 0x100040);
		} else {
			build(&m, "!pae_pgdir_above_4gb|dom0");
		}
		for (f = 0; f < flips; f++) {
			/* Mostly the header, program headers and notes, where the structure lives. */
			uint32_t at = (uint32_t)test_rand_below(&seed, m.notes_off + m.notes_len);

			m.b[at] = (uint8_t)test_rand(&seed);
		}
		if (test_rand_below(&seed, 16) == 0) {
			m.len = (uint32_t)test_rand_below(&seed, m.len + 1);
		}
		if (parse(&m, &e, &why, &keep) == 0) {
			accepted++;
			(void)xen_notes_check(&e, ~0u, &why);
		}
		free(keep);
	}
	/* Some mutations hit bytes that do not matter, so some images still parse. */
	assert_true(accepted > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_image),	     cmocka_unit_test(test_features_without_nul),
	    cmocka_unit_test(test_malformed_images), cmocka_unit_test(test_too_many_segments),
	    cmocka_unit_test(test_note_checks),	     cmocka_unit_test(test_random_mutations),
	    cmocka_unit_test(test_elf32_pvh),	     cmocka_unit_test(test_elf64_truncations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
