/*
 * HVM test guest for Argon's Multiboot2 loader (hypervisor/arch/x86/hvm/multiboot2.c): the machine
 * state at entry (mb2/header.S records it), then the boot information: its tag structure, the
 * command line, the basic memory information against the memory map, the ACPI RSDP tags against
 * the tables in memory, and the module. Built twice: mb2 (loaded by the header's address tag) and
 * mb2elf (loaded by the ELF program headers). With "expect-module" on the command line exactly
 * one module must be there (its FNV-1a is printed for the system test), otherwise none.
 */
#include "guest.h"

extern uint32_t entry_eax, entry_ebx, entry_eflags, entry_cr0, entry_cr4, entered_by_tag;
extern uint16_t entry_cs, entry_ds, entry_ss;
extern char _end[];

#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_LOADER 2
#define TAG_MODULE 3
#define TAG_MEMINFO 4
#define TAG_MMAP 6
#define TAG_ACPI_OLD 14
#define TAG_ACPI_NEW 15
#define EFLAGS_IF (1u << 9)
#define EFLAGS_VM (1u << 17)

struct tag {
	uint32_t type, size;
};

struct mmap_entry {
	uint64_t addr, len;
	uint32_t type, reserved;
};

static const uint8_t *mbi(void)
{
	return boot_info;
}

/* The first tag of @type, or NULL; *@count (if not NULL) gets how many there are. */
static const struct tag *find(uint32_t type, unsigned int *count)
{
	uint32_t total = *(const uint32_t *)mbi(), off = 8;
	const struct tag *first = NULL;
	unsigned int n = 0;

	while (off + 8 <= total) {
		const struct tag *t = (const struct tag *)(mbi() + off);

		if (t->type == TAG_END) {
			break;
		}
		if (t->type == type) {
			first = first ? first : t;
			n++;
		}
		off += (t->size + 7) & ~7u;
	}
	if (count) {
		*count = n;
	}
	return first;
}

GUEST_TEST(entry_state)
{
	EXPECT_EQ(entry_eax, MB2_LOADER_MAGIC);
	EXPECT(entered_by_tag);
	EXPECT_EQ(entry_ebx, (uint32_t)boot_info);
	EXPECT_EQ(entry_ebx & 7, 0);
	EXPECT_EQ(entry_eflags & (EFLAGS_IF | EFLAGS_VM), 0);
	EXPECT_EQ(entry_cr0 & 0x80000001u, 1);		/* PE on, PG off */
	EXPECT_EQ(entry_cr4, 0);
	EXPECT(entry_cs != 0 && entry_ds != 0 && entry_ds == entry_ss);
	test_note("eflags %#x cr0 %#x cs %#x ds %#x", entry_eflags, entry_cr0, entry_cs, entry_ds);
}

/* Every tag inside total_size, 8-byte aligned, a well-formed end tag last. */
GUEST_TEST(mbi_structure)
{
	uint32_t total = *(const uint32_t *)mbi(), off = 8, n = 0;
	const struct tag *loader = find(TAG_LOADER, NULL);

	EXPECT(total >= 16 && total % 8 == 0 && total < 0x4000);
	EXPECT_EQ(*(const uint32_t *)(mbi() + 4), 0);
	for (;;) {
		const struct tag *t = (const struct tag *)(mbi() + off);

		EXPECT(off + 8 <= total);
		EXPECT(t->size >= 8 && t->size <= total - off);
		n++;
		if (t->type == TAG_END) {
			EXPECT_EQ(t->size, 8);
			EXPECT_EQ(off + 8, total);
			break;
		}
		off += (t->size + 7) & ~7u;
	}
	EXPECT(loader && !memcmp((const char *)(loader + 1), "Argon", 6));
	test_note("%u tags, %u bytes", n, total);
}

GUEST_TEST(cmdline)
{
	unsigned int n;
	const struct tag *t = find(TAG_CMDLINE, &n);

	EXPECT(t && n == 1);
	test_note("\"%s\"", (const char *)(t + 1));
}

/* mem_lower/mem_upper match the map; the map is sorted, disjoint and has the BIOS area. */
GUEST_TEST(memory_map)
{
	const struct tag *mi = find(TAG_MEMINFO, NULL), *mm = find(TAG_MMAP, NULL);
	const uint32_t *m = (const uint32_t *)(mi + 1);
	const struct mmap_entry *e;
	uint32_t entry_size, n, i;
	uint64_t low = 0, high = 0, prev_end = 0;
	bool bios_reserved = false;

	EXPECT(mi && mm && mi->size >= 16);
	entry_size = ((const uint32_t *)(mm + 1))[0];
	EXPECT_EQ(entry_size, 24);
	EXPECT_EQ(((const uint32_t *)(mm + 1))[1], 0);
	n = (mm->size - 16) / entry_size;
	e = (const struct mmap_entry *)((const uint8_t *)mm + 16);
	EXPECT(n >= 3);
	for (i = 0; i < n; i++) {
		EXPECT(e[i].addr >= prev_end && e[i].len > 0);
		prev_end = e[i].addr + e[i].len;
		if (e[i].type == 1 && e[i].addr < 0xa0000) {
			low += e[i].len;
		} else if (e[i].type == 1 && e[i].addr >= 0x100000) {
			high += e[i].len;
		}
		if (e[i].type == 2 && e[i].addr <= 0xe0000 && prev_end >= 0x100000) {
			bios_reserved = true;
		}
	}
	EXPECT(bios_reserved);
	EXPECT_EQ(m[0], 639);
	EXPECT_EQ(low >> 10, m[0]);
	EXPECT_EQ(high >> 10, m[1]);
	test_note("%u entries, %u KiB RAM", n, (uint32_t)((low + high) >> 10));
}

/* Both RSDP copies equal the RSDP at 0xe0000 byte for byte, and it leads to the tables. */
GUEST_TEST(acpi_rsdp)
{
	unsigned int n_old, n_new;
	const struct tag *o = find(TAG_ACPI_OLD, &n_old), *nw = find(TAG_ACPI_NEW, &n_new);
	const uint8_t *mem = (const uint8_t *)0xe0000, *copy;
	uint32_t xsdt;

	EXPECT(o && nw && n_old == 1 && n_new == 1);
	EXPECT_EQ(o->size, 8 + 20);
	EXPECT_EQ(nw->size, 8 + 36);
	copy = (const uint8_t *)(nw + 1);
	EXPECT(!memcmp(copy, mem, 36));
	EXPECT(!memcmp((const uint8_t *)(o + 1), mem, 20));
	EXPECT(!memcmp(copy, "RSD PTR ", 8));
	EXPECT_EQ(byte_sum(copy, 20), 0);
	EXPECT_EQ(byte_sum(copy, 36), 0);
	EXPECT(copy[15] >= 2);
	__builtin_memcpy(&xsdt, copy + 24, 4);
	EXPECT(!memcmp((const char *)xsdt, "XSDT", 4));
	test_note("revision %u, XSDT at %#x", copy[15], xsdt);
}

GUEST_TEST(module)
{
	unsigned int n;
	const struct tag *t = find(TAG_MODULE, &n);
	const uint32_t *m;

	if (!cmdline_has("expect-module")) {
		EXPECT_EQ(n, 0);
		test_note("none");
		return;
	}
	EXPECT(t && n == 1);
	m = (const uint32_t *)(t + 1);
	EXPECT(m[1] > m[0]);
	EXPECT_EQ(m[0] & 0xfff, 0);
	EXPECT(m[0] >= (uint32_t)_end);
	EXPECT_EQ(*(const char *)(m + 2), '\0');	/* its command line: empty */
	test_note("%u bytes at %#x, fnv1a %#x", m[1] - m[0], m[0],
		  fnv1a((const void *)m[0], m[1] - m[0]));
}

void guest_setup(const char *cmdline)
{
	printk("HVM test guest \"mb2\" (command line \"%s\")\n", cmdline);
}
