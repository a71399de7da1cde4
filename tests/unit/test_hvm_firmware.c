/*
 * The firmware an HVM domain is built with (hypervisor/arch/x86/hvm/firmware.c): the ACPI tables
 * are read back by Argon's own ACPI parser (common/acpi/tables.c, what Argon trusts on real
 * machines) and checked field by field; the E820 map's shape; the PM1 registers and PM timer.
 */
#include "unit.h"
#include <argon/acpi.h>
#include <asm/hvm/firmware.h>

static uint8_t phys[HVM_ACPI_SIZE];

static const void *map(paddr_t pa, uint64_t len)
{
	if (pa < HVM_ACPI_GPA || len > HVM_ACPI_SIZE || pa - HVM_ACPI_GPA > HVM_ACPI_SIZE - len) {
		return NULL;
	}
	return phys + (pa - HVM_ACPI_GPA);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--) {
		s = (uint8_t)(s + *p++);
	}
	return s;
}

static const uint8_t *table(paddr_t pa)
{
	const uint8_t *t = map(pa, 36);

	assert_non_null(t);
	assert_non_null(map(pa, get32(t + 4)));
	assert_int_equal(sum(t, get32(t + 4)), 0);
	return t;
}

static void build(uint32_t nr_vcpus)
{
	struct hvm_acpi_config c = {
		.base_gpa = HVM_ACPI_GPA, .nr_vcpus = nr_vcpus, .lapic_addr = 0xfee00000,
		.ioapic_addr = 0xfec00000, .ioapic_id = 0,
	};

	memset(phys, 0xa5, sizeof(phys));
	assert_int_equal(hvm_acpi_build(&c, phys, sizeof(phys)), 0);
}

static void test_acpi_tables_parse(void **state)
{
	struct acpi_info info;
	const uint8_t *fadt, *dsdt, *facs;
	unsigned int i;

	build(2);
	assert_int_equal(sum(phys, 20), 0);
	assert_int_equal(sum(phys, 36), 0);
	assert_int_equal(acpi_parse(phys, 36, map, &info, NULL), 0);
	assert_int_equal(info.revision, 2);
	assert_string_equal(info.oem_id, "ARGON ");
	assert_int_equal(info.nr_tables, 2);
	assert_string_equal(info.signatures[0], "FACP");
	assert_string_equal(info.signatures[1], "APIC");
	assert_true(info.has_madt);
	assert_int_equal(info.madt.lapic_addr, 0xfee00000);
	assert_true(info.madt.pcat_compat);
	assert_int_equal(info.madt.nr_cpus, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(info.madt.cpus[i].apic_id, i);
		assert_true(info.madt.cpus[i].enabled);
	}
	assert_int_equal(info.madt.nr_ioapics, 1);
	assert_int_equal(info.madt.ioapics[0].addr, 0xfec00000);
	assert_int_equal(info.madt.ioapics[0].gsi_base, 0);
	assert_int_equal(info.madt.nr_overrides, 2);
	assert_int_equal(info.madt.overrides[0].source_irq, 0);
	assert_int_equal(info.madt.overrides[0].gsi, 2);
	assert_int_equal(info.madt.overrides[1].source_irq, 9);
	assert_int_equal(info.madt.overrides[1].flags, 0xd);
	/* The RSDT lists the same tables for ACPI 1.0 readers. */
	phys[15] = 0;
	phys[8] = 0;
	phys[8] = (uint8_t)-sum(phys, 20);
	assert_int_equal(acpi_parse(phys, 20, map, &info, NULL), 0);
	assert_int_equal(info.nr_tables, 2);
	/* FADT: DSDT and FACS in both widths, PM blocks, SCI, century. */
	fadt = table(info.table_addr[0]);
	assert_int_equal(get32(fadt + 4), 244);
	assert_int_equal(fadt[46], HVM_SCI_IRQ);
	assert_int_equal(get32(fadt + 56), HVM_PM1A_EVT);
	assert_int_equal(get32(fadt + 64), HVM_PM1A_CNT);
	assert_int_equal(get32(fadt + 76), HVM_PM_TMR);
	assert_int_equal(fadt[88], 4);
	assert_int_equal(fadt[89], 2);
	assert_int_equal(fadt[91], 4);
	assert_int_equal(fadt[108], 0x32);
	assert_int_equal(get64(fadt + 140), get32(fadt + 40));
	assert_int_equal(get64(fadt + 132), get32(fadt + 36));
	assert_int_equal(get64(fadt + 148 + 4), HVM_PM1A_EVT);
	assert_int_equal(get64(fadt + 208 + 4), HVM_PM_TMR);
	dsdt = table(get32(fadt + 40));
	assert_memory_equal(dsdt, "DSDT", 4);
	assert_memory_equal(dsdt + 36, "\x08\x5c_S5_\x12\x08\x04\x0a\x05\x0a\x05\x00\x00", 15);
	facs = map(get32(fadt + 36), 64);
	assert_non_null(facs);
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(get32(facs + 4), 64);
	assert_int_equal(get32(fadt + 36) % 64, 0);
}

static void test_acpi_limits(void **state)
{
	struct hvm_acpi_config c = {
		.base_gpa = HVM_ACPI_GPA, .nr_vcpus = 0, .lapic_addr = 0xfee00000,
		.ioapic_addr = 0xfec00000,
	};
	struct acpi_info info;

	assert_int_equal(hvm_acpi_build(&c, phys, sizeof(phys)), -EINVAL);
	c.nr_vcpus = 1;
	assert_int_equal(hvm_acpi_build(&c, phys, sizeof(phys) - 1), -EINVAL);
	c.nr_vcpus = 300;
	assert_int_equal(hvm_acpi_build(&c, phys, sizeof(phys)), -EINVAL);
	c.nr_vcpus = 128;
	assert_int_equal(hvm_acpi_build(&c, phys, sizeof(phys)), 0);
	assert_int_equal(acpi_parse(phys, 36, map, &info, NULL), 0);
	assert_int_equal(info.madt.nr_cpus, 128);
	assert_int_equal(info.madt.cpus[127].apic_id, 127);
}

static void test_e820(void **state)
{
	struct e820_entry e[HVM_E820_MAX];
	unsigned int n = hvm_e820_build(32ULL << 20, e), i;
	uint64_t ram = 0;

	assert_true(n > 0 && n <= HVM_E820_MAX);
	assert_int_equal(sizeof(e[0]), 20);
	for (i = 0; i < n; i++) {
		assert_true(e[i].size > 0);
		if (i) {
			assert_true(e[i].addr >= e[i - 1].addr + e[i - 1].size);	/* sorted, disjoint */
		}
		if (e[i].type == E820_RAM) {
			ram += e[i].size;
		}
		/* The ACPI tables are inside a reserved range. */
		if (e[i].addr <= HVM_ACPI_GPA && e[i].addr + e[i].size >= HVM_ACPI_GPA + HVM_ACPI_SIZE) {
			assert_int_equal(e[i].type, E820_RESERVED);
		}
	}
	assert_int_equal(e[0].addr, 0);
	assert_int_equal(ram, (32ULL << 20) - (0x100000 - HVM_EBDA_GPA));
}

static void test_pm_registers(void **state)
{
	struct vpm pm = { 0, 0, 0 };
	unsigned int typ = 99;
	uint32_t v = 0, t0, t1;

	/* SCI_EN always reads 1: ACPI mode without an SMI_CMD handshake. */
	assert_false(vpm_io(&pm, 4, 2, true, &v, 0, &typ));
	assert_int_equal(v, 1);
	/* PM timer: 3.579545 MHz, 24 bits. */
	vpm_io(&pm, 8, 4, true, &v, 1000000000LL, &typ);
	t0 = v;
	vpm_io(&pm, 8, 4, true, &v, 1001000000LL, &typ);
	t1 = v;
	assert_true(t1 - t0 == 3579 || t1 - t0 == 3580);	/* 3579.545 clocks per ms */
	assert_true(t0 < (1u << 24));
	vpm_io(&pm, 8, 4, true, &v, 10000000000LL, &typ);
	assert_int_equal(v, (35795450ULL) & 0xffffff);
	/* PM1_EN keeps what is written; PM1_STS bits are write-1-to-clear. */
	v = 0x0120;
	vpm_io(&pm, 2, 2, false, &v, 0, &typ);
	vpm_io(&pm, 0, 4, true, &v, 0, &typ);
	assert_int_equal(v, 0x01200000);
	pm.sts = 0x8001;
	v = 0x0001;
	vpm_io(&pm, 0, 2, false, &v, 0, &typ);
	assert_int_equal(pm.sts, 0x8000);
	/* SLP_TYP then SLP_EN: the sleep request is reported once; SLP_EN reads 0. */
	v = HVM_S5_SLP_TYP << 10;
	assert_false(vpm_io(&pm, 4, 2, false, &v, 0, &typ));
	v = (HVM_S5_SLP_TYP << 10) | (1u << 13);
	assert_true(vpm_io(&pm, 4, 2, false, &v, 0, &typ));
	assert_int_equal(typ, HVM_S5_SLP_TYP);
	vpm_io(&pm, 4, 2, true, &v, 0, &typ);
	assert_int_equal(v, (HVM_S5_SLP_TYP << 10) | 1);
	/* Past the block: all ones. */
	vpm_io(&pm, 10, 4, true, &v, 0, &typ);
	assert_int_equal(v, 0xffffffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acpi_tables_parse),
		cmocka_unit_test(test_acpi_limits),
		cmocka_unit_test(test_e820),
		cmocka_unit_test(test_pm_registers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
