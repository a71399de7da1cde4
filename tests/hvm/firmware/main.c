/*
 * HVM test guest for what the domain is built with: the memory map (Multiboot mmap, E820 layout)
 * and the ACPI tables, found and walked the way Linux does (RSDP scan of 0xe0000-0xfffff, XSDT
 * and RSDT, every checksum), then checked against the devices they describe: the MADT's IO-APIC
 * answers at its address, the FADT's PM timer runs at 3.579545 MHz against the local APIC timer,
 * the DSDT carries \_S5. With "acpi-poweroff" on the command line the guest instead powers off
 * the way Linux's acpi_power_off() does: SLP_TYP from \_S5, SLP_EN, into PM1a_CNT.
 */
#include "guest.h"

#include <public/sched.h>

#define LAPIC 0xfee00000u
#define APIC_SVR 0xf0
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw_pm1_cnt(uint32_t port)
{
	uint16_t v;

	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"((uint16_t)port));
	return v;
}

static uint8_t sum(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--) {
		s = (uint8_t)(s + *b++);
	}
	return s;
}

static uint32_t get32(const void *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const void *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

/* acpi_find_root_pointer(): 16-byte boundaries of the BIOS area, signature and checksum. */
static const uint8_t *find_rsdp(void)
{
	uint32_t a;

	for (a = 0xe0000; a < 0x100000; a += 16) {
		const uint8_t *p = (const uint8_t *)a;

		if (!memcmp(p, "RSD PTR ", 8) && sum(p, 20) == 0) {
			return p;
		}
	}
	return NULL;
}

/* The table the root table lists with @sig, or NULL; every listed table must check out. */
static const uint8_t *find_table(const uint8_t *root, unsigned int entry_size, const char *sig,
				 unsigned int *bad)
{
	uint32_t n = (get32(root + 4) - 36) / entry_size, i;
	const uint8_t *found = NULL;

	for (i = 0; i < n; i++) {
		const uint8_t *e = root + 36 + i * entry_size;
		uint64_t pa = entry_size == 8 ? get64(e) : get32(e);
		const uint8_t *t = (const uint8_t *)(uint32_t)pa;

		if (pa >> 32 || sum(t, get32(t + 4))) {
			(*bad)++;
			continue;
		}
		if (!memcmp(t, sig, 4)) {
			found = t;
		}
	}
	return found;
}

static const uint8_t *fadt(void)
{
	const uint8_t *rsdp = find_rsdp();
	unsigned int bad = 0;

	return rsdp ? find_table((const uint8_t *)(uint32_t)get64(rsdp + 24), 8, "FACP", &bad) : NULL;
}

void guest_setup(const char *cmdline)
{
	const uint8_t *f, *dsdt;
	uint32_t i;

	printk("HVM test guest \"firmware\" (command line \"%s\")\n", cmdline);
	if (memcmp(cmdline, "acpi-poweroff", 13)) {
		return;
	}
	f = fadt();
	if (!f) {
		printk("guest panic: no FADT\n");
		shutdown(SHUTDOWN_crash);
	}
	dsdt = (const uint8_t *)get32(f + 40);
	for (i = 36; i + 10 < get32(dsdt + 4); i++) {
		/* Name (\_S5, Package (n) { BytePrefix typ, ... }) */
		if (!memcmp(dsdt + i, "_S5_\x12", 5) && dsdt[i + 7] == 0x0a) {
			printk("powering off through ACPI: SLP_TYP %u into PM1a_CNT %#x\n", dsdt[i + 8],
			       get32(f + 64));
			outw((uint16_t)get32(f + 64), (uint16_t)(dsdt[i + 8] << 10 | 1u << 13));
			break;
		}
	}
	printk("guest panic: still alive after the ACPI power-off\n");
	shutdown(SHUTDOWN_crash);
}

GUEST_TEST(memory_map)
{
	const struct mb1_info *mbi = boot_mbi;
	uint32_t off, n = 0;
	uint64_t ram = 0, end = 0, ram_top = 0;
	bool acpi_reserved = false, low_ok = false;

	EXPECT(mbi->flags & (1u << 6));
	EXPECT(mbi->mmap_length > 0 && mbi->mmap_length % 24 == 0);
	for (off = 0; off < mbi->mmap_length; n++) {
		const struct mb1_mmap_entry *e = (const void *)(mbi->mmap_addr + off);

		EXPECT_EQ(e->size, 20);
		EXPECT(e->addr >= end);				/* sorted, disjoint */
		end = e->addr + e->len;
		printk("e820: [0x%08x%08x-0x%08x%08x] type %u\n", (uint32_t)(e->addr >> 32),
		       (uint32_t)e->addr, (uint32_t)((end - 1) >> 32), (uint32_t)(end - 1), e->type);
		if (e->type == 1) {
			ram += e->len;
			ram_top = end;
		}
		if (e->addr == 0 && e->type == 1 && e->len == (uint64_t)mbi->mem_lower << 10) {
			low_ok = true;
		}
		if (e->type == 2 && e->addr <= 0xe0000 && end >= 0x100000) {
			acpi_reserved = true;
		}
		off += e->size + 4;
	}
	EXPECT(low_ok);
	EXPECT(acpi_reserved);
	EXPECT_EQ(ram_top, 0x100000 + ((uint64_t)mbi->mem_upper << 10));
	EXPECT_EQ(ram >> 10, mbi->mem_lower + mbi->mem_upper);
	test_note("%u entries, %u KiB RAM", n, (uint32_t)(ram >> 10));
}

GUEST_TEST(acpi_tables)
{
	const uint8_t *rsdp = find_rsdp(), *xsdt, *rsdt, *madt, *f, *f2, *dsdt, *facs, *e;
	uint32_t nr_lapic = 0, nr_ioapic = 0, ioapic_addr = 0, irq0_gsi = 0xff;
	unsigned int bad = 0;
	char oem[7] = { 0 };

	EXPECT(rsdp != NULL);
	EXPECT_EQ(rsdp[15], 2);
	EXPECT_EQ(get32(rsdp + 20), 36);
	EXPECT_EQ(sum(rsdp, 36), 0);
	xsdt = (const uint8_t *)(uint32_t)get64(rsdp + 24);
	rsdt = (const uint8_t *)get32(rsdp + 16);
	EXPECT(!memcmp(xsdt, "XSDT", 4) && sum(xsdt, get32(xsdt + 4)) == 0);
	EXPECT(!memcmp(rsdt, "RSDT", 4) && sum(rsdt, get32(rsdt + 4)) == 0);
	madt = find_table(xsdt, 8, "APIC", &bad);
	f = find_table(xsdt, 8, "FACP", &bad);
	f2 = find_table(rsdt, 4, "FACP", &bad);
	EXPECT_EQ(bad, 0);
	EXPECT(madt && f && f == f2);
	/* MADT: one enabled Local APIC with ID 0, the IO-APIC, IRQ 0 on GSI 2, dual 8259s. */
	EXPECT_EQ(get32(madt + 36), LAPIC);
	EXPECT_EQ(get32(madt + 40) & 1, 1);
	for (e = madt + 44; e < madt + get32(madt + 4); e += e[1]) {
		EXPECT(e[1] >= 2);
		if (e[0] == 0) {
			EXPECT_EQ(e[3], 0);
			EXPECT_EQ(get32(e + 4) & 1, 1);
			nr_lapic++;
		} else if (e[0] == 1) {
			ioapic_addr = get32(e + 4);
			nr_ioapic++;
		} else if (e[0] == 2 && e[3] == 0) {
			irq0_gsi = get32(e + 4);
		}
	}
	EXPECT_EQ(nr_lapic, 1);
	EXPECT_EQ(nr_ioapic, 1);
	EXPECT_EQ(irq0_gsi, 2);
	/* The IO-APIC is where the MADT says: its version register answers. */
	mmio_write32(ioapic_addr, 1);
	EXPECT_EQ(mmio_read32(ioapic_addr + 0x10), 0x00170011);
	/* FADT: DSDT and FACS checked, 32- and 64-bit pointers agree, SCI 9, century 0x32. */
	dsdt = (const uint8_t *)get32(f + 40);
	facs = (const uint8_t *)get32(f + 36);
	EXPECT_EQ(get64(f + 140), get32(f + 40));
	EXPECT(!memcmp(dsdt, "DSDT", 4) && sum(dsdt, get32(dsdt + 4)) == 0);
	EXPECT(!memcmp(facs, "FACS", 4) && get32(facs + 4) == 64 && ((uint32_t)facs & 63) == 0);
	EXPECT_EQ(f[46], 9);
	EXPECT_EQ(f[108], 0x32);
	EXPECT_EQ(inw_pm1_cnt(get32(f + 64)) & 1, 1);	/* SCI_EN: already in ACPI mode */
	__builtin_memcpy(oem, rsdp + 9, 6);
	test_note("RSDP at %#x, OEM \"%s\", MADT %u bytes, DSDT %u bytes", (uint32_t)rsdp, oem,
		  get32(madt + 4), get32(dsdt + 4));
}

/* The PM timer at the FADT's port against the local APIC timer (100 MHz): 3.579545 MHz. */
GUEST_TEST(acpi_pm_timer)
{
	const uint8_t *f = fadt();
	uint16_t port;
	uint32_t t0, t1, a0, a1, khz;

	EXPECT(f != NULL);
	port = (uint16_t)get32(f + 76);
	EXPECT_EQ(f[91], 4);
	mmio_write32(LAPIC + APIC_SVR, 0x1ff);
	mmio_write32(LAPIC + APIC_TDCR, 0xb);
	mmio_write32(LAPIC + APIC_TMICT, 0xffffffff);
	a0 = mmio_read32(LAPIC + APIC_TMCCT);
	t0 = inl(port);
	do {
		t1 = inl(port);
		EXPECT(t1 < (1u << 24));
	} while (((t1 - t0) & 0xffffff) < 179000);	/* 50 ms */
	a1 = mmio_read32(LAPIC + APIC_TMCCT);
	mmio_write32(LAPIC + APIC_TMICT, 0);
	/* PM clocks per APIC clock, scaled: 100 MHz * (pm / apic) in kHz. */
	khz = ((t1 - t0) & 0xffffff) * 1000u / ((a0 - a1) / 100u);
	test_note("PM timer at %u kHz against the local APIC timer", khz);
	EXPECT(khz > 3000 && khz < 3700);
}
