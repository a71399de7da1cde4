/*
 * The firmware tables of an HVM domain, built once when the domain is (ACPI 6.4 chapter 5; the
 * E820 map of the ACPI "System Address Map Interfaces", chapter 15), and the ACPI fixed-hardware
 * PM registers they point to. The machine they describe is docs/abi/hvm-platform.md's: one Local
 * APIC per vCPU, the IO-APIC with IRQ 0 on pin 2 and the SCI on IRQ 9 (level, active high), dual
 * 8259s, no 8042, no VGA, and a DSDT whose only content is \_S5 so that a guest can power off
 * through PM1a_CNT. The tables are ACPI 2.0+ (RSDP revision 2 with an XSDT, and an RSDT for
 * readers that want one). Portable: tables are written into a caller's buffer.
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <asm/hvm/firmware.h>

#define OFF_RSDP 0x000
#define OFF_RSDT 0x040
#define OFF_XSDT 0x080
#define OFF_FACS 0x0c0			/* 64-byte aligned, as the FACS must be */
#define OFF_FADT 0x100
#define OFF_DSDT 0x200
#define OFF_MADT 0x400
#define HDR_LEN 36
#define FADT_LEN 244			/* the ACPI 2.0-4.0 FADT layout */
#define FACS_LEN 64

static void put8(uint8_t *p, size_t off, uint8_t v)
{
	p[off] = v;
}

static void put16(uint8_t *p, size_t off, uint16_t v)
{
	memcpy(p + off, &v, 2);
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static void put64(uint8_t *p, size_t off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

/* The byte that makes @len bytes at @p sum to zero, stored at @p[@at]. */
static void set_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;
	size_t i;

	p[at] = 0;
	for (i = 0; i < len; i++) {
		sum = (uint8_t)(sum + p[i]);
	}
	p[at] = (uint8_t)-sum;
}

/* The standard description header (ACPI 6.4, 5.2.6); the checksum is set by finish(). */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t, 4, len);
	put8(t, 8, rev);
	memcpy(t + 10, "ARGON ", 6);
	memcpy(t + 16, "ARGONHVM", 8);
	put32(t, 24, 1);
	memcpy(t + 28, "ARGN", 4);
	put32(t, 32, 1);
}

static void finish(uint8_t *t)
{
	uint32_t len;

	memcpy(&len, t + 4, 4);
	set_checksum(t, len, 9);
}

/* A Generic Address Structure for @width bits of system I/O at @port (ACPI 6.4, 5.2.3.2). */
static void gas_io(uint8_t *p, size_t off, uint16_t port, uint8_t width, uint8_t access)
{
	put8(p, off, 1);		/* system I/O space */
	put8(p, off + 1, width);
	put8(p, off + 2, 0);
	put8(p, off + 3, access);	/* 1 byte, 2 word, 3 dword */
	put64(p, off + 4, port);
}

/* Name (\_S5, Package (4) { 5, 5, 0, 0 }): the sleep type of S5 for PM1a_CNT and PM1b_CNT. */
static const uint8_t dsdt_aml[] = {
	0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
	0x0a, HVM_S5_SLP_TYP, 0x0a, HVM_S5_SLP_TYP, 0x00, 0x00,
};

static void build_fadt(const struct hvm_acpi_config *c, uint8_t *t)
{
	header(t, "FACP", FADT_LEN, 4);
	put32(t, 36, (uint32_t)(c->base_gpa + OFF_FACS));
	put32(t, 40, (uint32_t)(c->base_gpa + OFF_DSDT));
	put8(t, 45, 0);				/* preferred PM profile: unspecified */
	put16(t, 46, HVM_SCI_IRQ);
	put32(t, 48, 0);			/* no SMI_CMD: always in ACPI mode (SCI_EN reads 1) */
	put32(t, 56, HVM_PM1A_EVT);
	put32(t, 64, HVM_PM1A_CNT);
	put32(t, 76, HVM_PM_TMR);
	put8(t, 88, 4);				/* PM1_EVT_LEN */
	put8(t, 89, 2);				/* PM1_CNT_LEN */
	put8(t, 91, 4);				/* PM_TMR_LEN */
	put16(t, 96, 101);			/* C2 latency > 100: no C2 */
	put16(t, 98, 1001);			/* C3 latency > 1000: no C3 */
	put8(t, 108, 0x32);			/* RTC century register */
	put16(t, 109, 1);			/* IAPC_BOOT_ARCH: legacy devices; no 8042 */
	/* WBINVD works, C1 supported, power and sleep buttons are not fixed features. */
	put32(t, 112, (1u << 0) | (1u << 2) | (1u << 4) | (1u << 5));
	put64(t, 132, c->base_gpa + OFF_FACS);
	put64(t, 140, c->base_gpa + OFF_DSDT);
	gas_io(t, 148, HVM_PM1A_EVT, 32, 2);
	gas_io(t, 172, HVM_PM1A_CNT, 16, 2);
	gas_io(t, 208, HVM_PM_TMR, 32, 3);
	finish(t);
}

static size_t build_madt(const struct hvm_acpi_config *c, uint8_t *t)
{
	size_t off = 44;
	uint32_t i;

	for (i = 0; i < c->nr_vcpus; i++, off += 8) {
		put8(t, off, 0);			/* Processor Local APIC */
		put8(t, off + 1, 8);
		put8(t, off + 2, (uint8_t)i);		/* ACPI processor UID */
		put8(t, off + 3, (uint8_t)i);		/* APIC ID = vCPU ID */
		put32(t, off + 4, 1);			/* enabled */
	}
	put8(t, off, 1);				/* I/O APIC */
	put8(t, off + 1, 12);
	put8(t, off + 2, c->ioapic_id);
	put32(t, off + 4, c->ioapic_addr);
	put32(t, off + 8, 0);				/* GSI base */
	off += 12;
	put8(t, off, 2);				/* Interrupt Source Override: IRQ 0 -> GSI 2 */
	put8(t, off + 1, 10);
	put8(t, off + 3, 0);
	put32(t, off + 4, 2);
	put16(t, off + 8, 0);				/* conforms to the bus: edge, high */
	off += 10;
	put8(t, off, 2);				/* the SCI: IRQ 9 level, active high */
	put8(t, off + 1, 10);
	put8(t, off + 3, HVM_SCI_IRQ);
	put32(t, off + 4, HVM_SCI_IRQ);
	put16(t, off + 8, 0x000d);
	off += 10;
	header(t, "APIC", (uint32_t)off, 3);
	put32(t, 36, c->lapic_addr);
	put32(t, 40, 1);				/* PCAT_COMPAT: dual 8259s */
	finish(t);
	return off;
}

int hvm_acpi_build(const struct hvm_acpi_config *c, uint8_t *buf, size_t size)
{
	uint8_t *rsdp = buf + OFF_RSDP, *rsdt = buf + OFF_RSDT, *xsdt = buf + OFF_XSDT;
	uint8_t *facs = buf + OFF_FACS, *dsdt = buf + OFF_DSDT;

	if (size < HVM_ACPI_SIZE || !c->nr_vcpus || c->nr_vcpus > 255 ||	/* 8-bit APIC IDs */
	    OFF_MADT + 44 + 8 * (size_t)c->nr_vcpus + 32 > HVM_ACPI_SIZE ||
	    c->base_gpa + HVM_ACPI_SIZE > 0x100000000ULL) {
		return -EINVAL;
	}
	memset(buf, 0, size);
	build_madt(c, buf + OFF_MADT);
	build_fadt(c, buf + OFF_FADT);
	header(dsdt, "DSDT", HDR_LEN + sizeof(dsdt_aml), 2);
	memcpy(dsdt + HDR_LEN, dsdt_aml, sizeof(dsdt_aml));
	finish(dsdt);
	memcpy(facs, "FACS", 4);
	put32(facs, 4, FACS_LEN);
	put8(facs, 32, 1);				/* version */
	header(xsdt, "XSDT", HDR_LEN + 16, 1);
	put64(xsdt, HDR_LEN, c->base_gpa + OFF_FADT);
	put64(xsdt, HDR_LEN + 8, c->base_gpa + OFF_MADT);
	finish(xsdt);
	header(rsdt, "RSDT", HDR_LEN + 8, 1);
	put32(rsdt, HDR_LEN, (uint32_t)(c->base_gpa + OFF_FADT));
	put32(rsdt, HDR_LEN + 4, (uint32_t)(c->base_gpa + OFF_MADT));
	finish(rsdt);
	/* RSDP (ACPI 6.4, 5.2.5.3): the first 20 bytes and all 36 each sum to zero. */
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "ARGON ", 6);
	put8(rsdp, 15, 2);
	put32(rsdp, 16, (uint32_t)(c->base_gpa + OFF_RSDT));
	put32(rsdp, 20, 36);
	put64(rsdp, 24, c->base_gpa + OFF_XSDT);
	set_checksum(rsdp, 20, 8);
	set_checksum(rsdp, 36, 32);
	return 0;
}

unsigned int hvm_e820_build(uint64_t mem, struct e820_entry *out)
{
	const struct e820_entry map[] = {
		{ 0, HVM_EBDA_GPA, E820_RAM },
		{ HVM_EBDA_GPA, 0xa0000 - HVM_EBDA_GPA, E820_RESERVED },
		{ HVM_BIOS_AREA_GPA, 0x100000 - HVM_BIOS_AREA_GPA, E820_RESERVED },
		{ 0x100000, mem - 0x100000, E820_RAM },
		{ 0xfec00000, 0x1000, E820_RESERVED },	/* IO-APIC */
		{ 0xfee00000, 0x1000, E820_RESERVED },	/* local APIC */
	};

	memcpy(out, map, sizeof(map));
	return ARRAY_SIZE(map);
}

bool vpm_io(struct vpm *pm, unsigned int off, unsigned int size, bool in, uint32_t *val,
	    s_time_t now, unsigned int *slp_typ)
{
	uint64_t ns = now > 0 ? (uint64_t)now : 0;
	uint32_t tmr = (uint32_t)((ns / 1000000000ULL * VPM_TIMER_HZ +
				   ns % 1000000000ULL * VPM_TIMER_HZ / 1000000000ULL) & 0xffffff);
	uint8_t regs[HVM_PM_PORTS];
	unsigned int i;

	if (off + size > HVM_PM_PORTS) {
		if (in) {
			*val = 0xffffffff;
		}
		return false;
	}
	if (in) {
		/* PM1_STS, PM1_EN, PM1_CNT with SCI_EN (always in ACPI mode), a hole, PM_TMR. */
		uint16_t cnt = pm->cnt | 1;

		memcpy(regs, &pm->sts, 2);
		memcpy(regs + 2, &pm->en, 2);
		memcpy(regs + 4, &cnt, 2);
		memset(regs + 6, 0xff, 2);
		memcpy(regs + 8, &tmr, 4);
		*val = 0;
		for (i = 0; i < size; i++) {
			*val |= (uint32_t)regs[off + i] << (8 * i);
		}
		return false;
	}
	for (i = 0; i < size; i++) {
		uint16_t b = (uint16_t)((*val >> (8 * i)) & 0xff);
		unsigned int o = off + i, shift = (o & 1) * 8;

		if (o < 2) {
			pm->sts &= (uint16_t)~(b << shift);	/* write 1 to clear */
		} else if (o < 4) {
			pm->en = (uint16_t)((pm->en & ~(0xff << shift)) | (b << shift));
		} else if (o < 6) {
			pm->cnt = (uint16_t)((pm->cnt & ~(0xff << shift)) | (b << shift));
		}
	}
	if (pm->cnt & (1u << 13)) {
		pm->cnt &= (uint16_t)~(1u << 13);		/* SLP_EN is write-only */
		*slp_typ = (pm->cnt >> 10) & 7;
		return true;
	}
	return false;
}
