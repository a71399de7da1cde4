/*
 * HVM test guest for Argon's PVH loader (hypervisor/arch/x86/hvm/pvh.c), itself an ELF-32-class
 * x86-64 image with a PHYS32_ENTRY note: the register state at entry (pvh/head.S records it)
 * against the PVH ABI (docs/abi/pvh.md), then struct hvm_start_info: magic, version 1, flags,
 * the memory map, the command line, the RSDP, and the initrd module. With "expect-module" on the
 * command line exactly one module must be there (its FNV-1a is printed), otherwise none.
 */
#include "guest.h"

#include <public/arch-x86/hvm/start_info.h>

extern uint32_t entry_ebx, entry_esp, entry_eflags, entry_cr0, entry_cr4;
extern uint16_t entry_cs, entry_ds, entry_es, entry_ss, entry_tr;
extern char _end[];

#define MSR_EFER 0xc0000080u
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)

static const struct hvm_start_info *si(void)
{
	return boot_info;
}

GUEST_TEST(entry_state)
{
	uint64_t efer = ~0ull;

	EXPECT_EQ(entry_ebx, (uint32_t)boot_info);
	EXPECT_EQ(entry_ebx & 7, 0);
	EXPECT_EQ(entry_eflags, 0x2);			/* IF and everything else clear */
	EXPECT_EQ(entry_cr0 & 0x80000001u, 1);		/* PE on, PG off */
	EXPECT_EQ(entry_cr4, 0);
	EXPECT(entry_cs != 0 && entry_ds != 0);
	EXPECT(entry_ds == entry_es && entry_ds == entry_ss);
	EXPECT(entry_tr != 0);
	EXPECT_EQ(rdmsr_safe(MSR_EFER, &efer), 0);
	EXPECT_EQ(efer & (EFER_LME | EFER_LMA), 0);
	test_note("eflags %#x cr0 %#x cs %#x ds %#x tr %#x", entry_eflags, entry_cr0, entry_cs,
		  entry_ds, entry_tr);
}

GUEST_TEST(start_info)
{
	EXPECT_EQ(si()->magic, XEN_HVM_START_MAGIC_VALUE);
	EXPECT_EQ(si()->version, 1);
	EXPECT_EQ(si()->flags, 0);
	EXPECT_EQ(si()->reserved, 0);
	EXPECT(si()->memmap_entries > 0);
	EXPECT(si()->modlist_paddr % 8 == 0 && si()->memmap_paddr % 8 == 0);
	EXPECT(si()->memmap_paddr >> 32 == 0 && si()->cmdline_paddr >> 32 == 0);
	test_note("at %#x, %u modules, %u memmap entries", (uint32_t)boot_info, si()->nr_modules,
		  si()->memmap_entries);
}

GUEST_TEST(cmdline)
{
	EXPECT(si()->cmdline_paddr != 0);
	test_note("\"%s\"", (const char *)(uint32_t)si()->cmdline_paddr);
}

/* Sorted and disjoint, the BIOS area reserved, RAM below 640 KiB and above 1 MiB. */
GUEST_TEST(memory_map)
{
	const struct hvm_memmap_table_entry *e =
		(const struct hvm_memmap_table_entry *)(uint32_t)si()->memmap_paddr;
	uint64_t ram = 0, prev_end = 0, low = 0;
	bool bios_reserved = false;
	uint32_t i;

	for (i = 0; i < si()->memmap_entries; i++) {
		EXPECT(e[i].addr >= prev_end && e[i].size > 0 && e[i].reserved == 0);
		prev_end = e[i].addr + e[i].size;
		if (e[i].type == XEN_HVM_MEMMAP_TYPE_RAM) {
			ram += e[i].size;
			low += e[i].addr < 0xa0000 ? e[i].size : 0;
		}
		if (e[i].type == XEN_HVM_MEMMAP_TYPE_RESERVED && e[i].addr <= 0xe0000 &&
		    prev_end >= 0x100000) {
			bios_reserved = true;
		}
	}
	EXPECT(bios_reserved);
	EXPECT_EQ(low, 639 * 1024);
	EXPECT(ram > low);
	test_note("%u entries, %u KiB RAM", si()->memmap_entries, (uint32_t)(ram >> 10));
}

GUEST_TEST(rsdp)
{
	const uint8_t *r = (const uint8_t *)(uint32_t)si()->rsdp_paddr;
	uint32_t xsdt;

	EXPECT(si()->rsdp_paddr != 0 && si()->rsdp_paddr >> 32 == 0);
	EXPECT(!memcmp(r, "RSD PTR ", 8));
	EXPECT_EQ(byte_sum(r, 20), 0);
	EXPECT(r[15] >= 2);
	EXPECT_EQ(byte_sum(r, 36), 0);
	__builtin_memcpy(&xsdt, r + 24, 4);
	EXPECT(!memcmp((const char *)xsdt, "XSDT", 4));
	test_note("at %#x, XSDT at %#x", (uint32_t)si()->rsdp_paddr, xsdt);
}

GUEST_TEST(module)
{
	const struct hvm_modlist_entry *m =
		(const struct hvm_modlist_entry *)(uint32_t)si()->modlist_paddr;

	if (!cmdline_has("expect-module")) {
		EXPECT_EQ(si()->nr_modules, 0);
		test_note("none");
		return;
	}
	EXPECT_EQ(si()->nr_modules, 1);
	EXPECT(m->size > 0 && m->paddr >> 32 == 0 && (m->paddr + m->size) >> 32 == 0);
	EXPECT_EQ(m->paddr & 0xfff, 0);
	EXPECT(m->paddr >= (uint32_t)_end);
	EXPECT_EQ(m->reserved, 0);
	test_note("%u bytes at %#x, fnv1a %#x", (uint32_t)m->size, (uint32_t)m->paddr,
		  fnv1a((const void *)(uint32_t)m->paddr, (size_t)m->size));
}

void guest_setup(const char *cmdline)
{
	printk("HVM test guest \"pvh\" (command line \"%s\")\n", cmdline);
}
