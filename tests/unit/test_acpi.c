/*
 * The ACPI table walk (hypervisor/common/acpi/tables.c) over fake physical memory. Every map()
 * returns a fresh heap copy of exactly the bytes asked for, so ASan reports any read past what
 * the parser mapped, and a range outside the fake memory maps to NULL.
 */
#include "unit.h"
#include <argon/acpi.h>
#include <stdlib.h>

#define PHYS_BASE 0xe0000ULL
#define PHYS_SIZE 0x20000ULL

static uint8_t phys[PHYS_SIZE];

/* Addresses of the tables in the fake memory. */
#define RSDT_PA (PHYS_BASE + 0x1000)
#define XSDT_PA (PHYS_BASE + 0x2000)
#define MADT_PA (PHYS_BASE + 0x3000)
#define FACP_PA (PHYS_BASE + 0x5000)
#define HPET_PA (PHYS_BASE + 0x6000)
#define MCFG_PA (PHYS_BASE + 0x7000)

static void *mappings[4096];
static unsigned int nr_mappings, nr_map_calls;
static bool map_refuses;

static const void *fake_map(paddr_t pa, uint64_t len)
{
	void *copy;

	nr_map_calls++;
	if (map_refuses || pa < PHYS_BASE || len > PHYS_SIZE || pa - PHYS_BASE > PHYS_SIZE - len) {
		return NULL;
	}
	assert_true(nr_mappings < ARRAY_SIZE(mappings));
	copy = malloc(len ? len : 1);
	memcpy(copy, phys + (pa - PHYS_BASE), len);
	mappings[nr_mappings++] = copy;
	return copy;
}

static void unmap_all(void)
{
	while (nr_mappings) {
		free(mappings[--nr_mappings]);
	}
}

static unsigned int nr_reports;
static const char *last_report;

static void report(const char *what)
{
	assert_non_null(what);
	nr_reports++;
	last_report = what;
}

static uint8_t *at(paddr_t pa)
{
	return phys + (pa - PHYS_BASE);
}

static void w16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void w32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void w64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint8_t sum(const uint8_t *p, uint32_t len)
{
	uint8_t s = 0;

	while (len--) {
		s += *p++;
	}
	return s;
}

/* Set the checksum byte (offset 9) of the table at @pa so that it sums to zero. */
static void fix_checksum(paddr_t pa)
{
	uint8_t *t = at(pa);
	uint32_t len;

	memcpy(&len, t + 4, 4);
	t[9] = 0;
	t[9] = (uint8_t)(0 - sum(t, len));
}

/* A system description table header; the body is filled in by the caller. */
static uint8_t *sdt(paddr_t pa, const char *sig, uint32_t len)
{
	uint8_t *t = at(pa);

	memset(t, 0, len);
	memcpy(t, sig, 4);
	w32(t + 4, len);
	t[8] = 1;
	memcpy(t + 10, "ARGON ", 6);
	memcpy(t + 16, "TESTTABL", 8);
	return t;
}

/* The RSDP, built in a local buffer as the boot loader would hand over its copy. */
static uint8_t rsdp[36];

static void build_rsdp(uint8_t revision, uint32_t rsdt, uint64_t xsdt)
{
	memset(rsdp, 0, sizeof(rsdp));
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "BOCHS ", 6);
	rsdp[15] = revision;
	w32(rsdp + 16, rsdt);
	rsdp[8] = (uint8_t)(0 - sum(rsdp, 20));
	if (revision >= 2) {
		w32(rsdp + 20, 36);
		w64(rsdp + 24, xsdt);
		rsdp[32] = (uint8_t)(0 - sum(rsdp, 36));
	}
}

static void build_root(bool x, const paddr_t *tables, unsigned int n)
{
	unsigned int es = x ? 8 : 4, i;
	paddr_t pa = x ? XSDT_PA : RSDT_PA;
	uint8_t *t = sdt(pa, x ? "XSDT" : "RSDT", 36 + n * es);

	for (i = 0; i < n; i++) {
		if (x) {
			w64(t + 36 + i * 8, tables[i]);
		} else {
			w32(t + 36 + i * 4, (uint32_t)tables[i]);
		}
	}
	fix_checksum(pa);
}

/* MADT entries appended one after another. */
static uint32_t madt_len;

static void madt_begin(uint32_t lapic, uint32_t flags)
{
	uint8_t *t = sdt(MADT_PA, "APIC", 44);

	w32(t + 36, lapic);
	w32(t + 40, flags);
	madt_len = 44;
}

static uint8_t *madt_entry(uint8_t type, uint8_t len)
{
	uint8_t *e = at(MADT_PA) + madt_len;

	memset(e, 0, len > 2 ? len : 2);
	e[0] = type;
	e[1] = len;
	madt_len += len;
	return e;
}

static void madt_lapic(uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	uint8_t *e = madt_entry(0, 8);

	e[2] = uid;
	e[3] = apic_id;
	w32(e + 4, flags);
}

static void madt_x2apic(uint32_t x2apic_id, uint32_t flags, uint32_t uid)
{
	uint8_t *e = madt_entry(9, 16);

	w32(e + 4, x2apic_id);
	w32(e + 8, flags);
	w32(e + 12, uid);
}

static void madt_ioapic(uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	uint8_t *e = madt_entry(1, 12);

	e[2] = id;
	w32(e + 4, addr);
	w32(e + 8, gsi_base);
}

static void madt_override(uint8_t source, uint32_t gsi, uint16_t flags)
{
	uint8_t *e = madt_entry(2, 10);

	e[3] = source;
	w32(e + 4, gsi);
	w16(e + 8, flags);
}

static void madt_finish(void)
{
	w32(at(MADT_PA) + 4, madt_len);
	fix_checksum(MADT_PA);
}

static void build_madt(void)
{
	madt_begin(0xfee00000, 1);
	madt_lapic(0, 0, 1);
	madt_lapic(1, 2, 1);
	madt_lapic(2, 4, 0); /* neither enabled nor online-capable: not a CPU */
	madt_lapic(3, 6, 2); /* online-capable */
	madt_ioapic(8, 0xfec00000, 0);
	madt_override(0, 2, 0);
	madt_override(9, 9, 0x000d);
	madt_entry(4, 6); /* local APIC NMI: not used */
	madt_x2apic(300, 1, 4);
	madt_x2apic(301, 0, 5); /* not a CPU */
	madt_ioapic(9, 0xfec01000, 24);
	madt_finish();
}

static void build_others(void)
{
	sdt(FACP_PA, "FACP", 116);
	fix_checksum(FACP_PA);
	sdt(HPET_PA, "HPET", 56);
	fix_checksum(HPET_PA);
	sdt(MCFG_PA, "MCFG", 60);
	fix_checksum(MCFG_PA);
}

static const paddr_t std_tables[] = { FACP_PA, MADT_PA, HPET_PA, MCFG_PA };

/* A v2 machine: RSDP -> XSDT (and an RSDT that must not be used). */
static void build_v2(void)
{
	memset(phys, 0, sizeof(phys));
	build_madt();
	build_others();
	build_root(true, std_tables, ARRAY_SIZE(std_tables));
	build_root(false, std_tables, 1); /* a stale RSDT listing only the FACP */
	build_rsdp(2, (uint32_t)RSDT_PA, XSDT_PA);
}

static struct acpi_info info;

static int parse_len(uint32_t len)
{
	int rc;

	nr_reports = 0;
	last_report = NULL;
	nr_map_calls = 0;
	rc = acpi_parse(rsdp, len, fake_map, &info, report);
	unmap_all();
	return rc;
}

static int parse(void)
{
	return parse_len(rsdp[15] >= 2 ? 36 : 20);
}

static int teardown(void **state)
{
	unmap_all();
	map_refuses = false;
	return 0;
}

static void check_std_madt(void)
{
	const struct acpi_madt_info *m = &info.madt;

	assert_true(info.has_madt);
	assert_int_equal(m->lapic_addr, 0xfee00000);
	assert_true(m->pcat_compat);
	assert_int_equal(m->nr_cpus, 4);
	assert_int_equal(m->cpus[0].apic_id, 0);
	assert_int_equal(m->cpus[0].uid, 0);
	assert_true(m->cpus[0].enabled);
	assert_int_equal(m->cpus[1].apic_id, 2);
	assert_int_equal(m->cpus[1].uid, 1);
	assert_int_equal(m->cpus[2].apic_id, 6);
	assert_false(m->cpus[2].enabled);
	assert_int_equal(m->cpus[3].apic_id, 300);
	assert_int_equal(m->cpus[3].uid, 4);
	assert_true(m->cpus[3].enabled);
	assert_int_equal(m->nr_ioapics, 2);
	assert_int_equal(m->ioapics[0].id, 8);
	assert_int_equal(m->ioapics[0].addr, 0xfec00000);
	assert_int_equal(m->ioapics[0].gsi_base, 0);
	assert_int_equal(m->ioapics[1].id, 9);
	assert_int_equal(m->ioapics[1].gsi_base, 24);
	assert_int_equal(m->nr_overrides, 2);
	assert_int_equal(m->overrides[0].source_irq, 0);
	assert_int_equal(m->overrides[0].gsi, 2);
	assert_int_equal(m->overrides[1].source_irq, 9);
	assert_int_equal(m->overrides[1].gsi, 9);
	assert_int_equal(m->overrides[1].flags, 0x000d);
}

static void test_v2_xsdt(void **state)
{
	build_v2();
	assert_int_equal(parse(), 0);
	assert_int_equal(nr_reports, 0);
	assert_int_equal(info.revision, 2);
	assert_string_equal(info.oem_id, "BOCHS ");
	assert_int_equal(info.nr_tables, 4);
	assert_string_equal(info.signatures[0], "FACP");
	assert_string_equal(info.signatures[1], "APIC");
	assert_string_equal(info.signatures[2], "HPET");
	assert_string_equal(info.signatures[3], "MCFG");
	assert_int_equal(info.table_addr[1], MADT_PA);
	check_std_madt();
}

static void test_v1_rsdt(void **state)
{
	build_v2();
	build_root(false, std_tables, ARRAY_SIZE(std_tables));
	build_rsdp(0, (uint32_t)RSDT_PA, 0);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.revision, 0);
	assert_int_equal(info.nr_tables, 4);
	check_std_madt();
	/* A v1 RSDP handed over with 36 bytes is still read as v1. */
	assert_int_equal(parse_len(36), 0);
	assert_int_equal(info.nr_tables, 4);
}

/* v2 RSDPs whose XSDT pointer cannot be used fall back to the RSDT. */
static void test_v2_falls_back_to_rsdt(void **state)
{
	build_v2();
	/* Only the 20-byte v1 part was handed over. */
	assert_int_equal(parse_len(20), 0);
	assert_int_equal(info.nr_tables, 1);
	assert_string_equal(info.signatures[0], "FACP");
	/* No XSDT address. */
	build_rsdp(2, (uint32_t)RSDT_PA, 0);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_tables, 1);
	/* The extended checksum is wrong. */
	build_rsdp(2, (uint32_t)RSDT_PA, XSDT_PA);
	rsdp[32]++;
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_tables, 1);
}

static void test_bad_rsdp(void **state)
{
	build_v2();
	rsdp[8]++;
	assert_int_equal(parse(), -EINVAL);
	assert_int_equal(nr_reports, 1);
	assert_non_null(strstr(last_report, "RSDP"));
	assert_int_equal(nr_map_calls, 0);

	build_v2();
	rsdp[0] = 'r';
	rsdp[8]--; /* checksum still right, signature wrong */
	assert_int_equal(parse(), -EINVAL);
	assert_int_equal(nr_reports, 1);

	build_v2();
	assert_int_equal(parse_len(19), -EINVAL);
	assert_int_equal(parse_len(0), -EINVAL);
}

static void test_bad_root(void **state)
{
	/* Corrupt XSDT checksum: the whole walk fails (no silent fallback to the RSDT). */
	build_v2();
	at(XSDT_PA)[40] ^= 0x10;
	assert_int_equal(parse(), -EINVAL);
	assert_int_equal(nr_reports, 1);
	assert_non_null(strstr(last_report, "root"));

	/* Wrong signature where the XSDT should be. */
	build_v2();
	memcpy(at(XSDT_PA), "RSDT", 4);
	fix_checksum(XSDT_PA);
	assert_int_equal(parse(), -EINVAL);

	/* Length shorter than a header, or absurdly long, or past mapped memory. */
	build_v2();
	w32(at(XSDT_PA) + 4, 35);
	fix_checksum(XSDT_PA);
	assert_int_equal(parse(), -EINVAL);
	build_v2();
	w32(at(XSDT_PA) + 4, 0xffffffff);
	assert_int_equal(parse(), -EINVAL);
	build_v2();
	w32(at(XSDT_PA) + 4, (uint32_t)(PHYS_SIZE));
	assert_int_equal(parse(), -EINVAL);

	/* The XSDT address is outside memory, or at its very end. */
	build_rsdp(2, (uint32_t)RSDT_PA, 0x123456789000ULL);
	assert_int_equal(parse(), -EINVAL);
	build_rsdp(2, (uint32_t)RSDT_PA, PHYS_BASE + PHYS_SIZE - 8);
	assert_int_equal(parse(), -EINVAL);

	/* map() refuses everything. */
	build_v2();
	map_refuses = true;
	assert_int_equal(parse(), -EINVAL);
	assert_int_equal(nr_reports, 1);
	map_refuses = false;
}

/* A listed table failing its checksum, or unreadable, is skipped and reported; the rest is used. */
static void test_bad_table_skipped(void **state)
{
	paddr_t list[] = { FACP_PA, HPET_PA, MADT_PA, 0xdead0000, 0, MCFG_PA };

	build_v2();
	at(HPET_PA)[40] ^= 1;
	build_root(true, list, ARRAY_SIZE(list));
	assert_int_equal(parse(), 0);
	assert_int_equal(nr_reports, 3); /* HPET, the bogus address, address 0 */
	assert_int_equal(info.nr_tables, 3);
	assert_string_equal(info.signatures[0], "FACP");
	assert_string_equal(info.signatures[1], "APIC");
	assert_string_equal(info.signatures[2], "MCFG");
	check_std_madt();
}

/* An XSDT whose length is not a whole number of entries: the partial entry is ignored. */
static void test_root_partial_entry(void **state)
{
	build_v2();
	w32(at(XSDT_PA) + 4, 36 + 8 * 2 + 4);
	fix_checksum(XSDT_PA);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_tables, 2);
}

/* Broken MADT entry lengths stop the entry walk without reading past the table. */
static void test_madt_bad_entry_lengths(void **state)
{
	static const uint8_t bad_lengths[] = { 0, 1, 200, 255 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_lengths); i++) {
		build_v2();
		madt_begin(0xfee00000, 0);
		madt_lapic(0, 0, 1);
		madt_ioapic(1, 0xfec00000, 0);
		{
			uint8_t *e = madt_entry(0, 8);

			e[1] = bad_lengths[i]; /* claims a different length */
			e[3] = 7;
			w32(e + 4, 1);
		}
		madt_lapic(1, 1, 1); /* after the broken entry: never reached */
		madt_finish();
		assert_int_equal(parse(), 0);
		assert_true(info.has_madt);
		assert_false(info.madt.pcat_compat);
		if (info.madt.nr_cpus != 1 || info.madt.nr_ioapics != 1) {
			fail_msg("entry length %u: %u CPUs, %u IOAPICs (expected 1, 1)",
				 bad_lengths[i], info.madt.nr_cpus, info.madt.nr_ioapics);
		}
	}
	/* The last entry running one byte past the end of the table. */
	build_v2();
	madt_begin(0xfee00000, 0);
	madt_lapic(0, 0, 1);
	madt_lapic(1, 1, 1);
	madt_len -= 1;
	madt_finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(info.madt.nr_cpus, 1);
}

/* Entries too short for their type are skipped; the walk goes on. */
static void test_madt_short_entries(void **state)
{
	build_v2();
	madt_begin(0xfee00000, 0);
	madt_entry(0, 4);    /* local APIC needs 8 */
	madt_entry(1, 8);    /* IO-APIC needs 12 */
	madt_entry(2, 9);    /* override needs 10 */
	madt_entry(9, 12);   /* x2APIC needs 16 */
	madt_entry(0x7f, 2); /* unknown type, minimal length */
	madt_lapic(5, 5, 1);
	madt_finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(info.madt.nr_cpus, 1);
	assert_int_equal(info.madt.cpus[0].apic_id, 5);
	assert_int_equal(info.madt.nr_ioapics, 0);
	assert_int_equal(info.madt.nr_overrides, 0);
}

/* A MADT too short for its fixed fields is noted but yields nothing. */
static void test_madt_too_short(void **state)
{
	build_v2();
	sdt(MADT_PA, "APIC", 40);
	fix_checksum(MADT_PA);
	assert_int_equal(parse(), 0);
	assert_true(info.has_madt);
	assert_int_equal(info.madt.nr_cpus, 0);
	assert_int_equal(info.madt.lapic_addr, 0);
}

/* Full tables: more CPUs, IO-APICs, overrides and tables than fit are dropped, not overflowed. */
static void test_limits(void **state)
{
	paddr_t list[ACPI_MAX_TABLES + 8];
	unsigned int i;

	build_v2();
	madt_begin(0xfee00000, 0);
	for (i = 0; i < ACPI_MAX_CPUS + 10; i++) {
		madt_x2apic(i, 1, i);
	}
	for (i = 0; i < ACPI_MAX_IOAPICS + 3; i++) {
		madt_ioapic((uint8_t)i, 0xfec00000 + i * 0x1000, i * 24);
	}
	for (i = 0; i < ACPI_MAX_OVERRIDES + 3; i++) {
		madt_override((uint8_t)i, i, 0);
	}
	madt_finish();
	for (i = 0; i < ARRAY_SIZE(list); i++) {
		list[i] = i == 3 ? MADT_PA : FACP_PA;
	}
	build_root(true, list, ARRAY_SIZE(list));
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_tables, ACPI_MAX_TABLES);
	assert_int_equal(info.madt.nr_cpus, ACPI_MAX_CPUS);
	assert_int_equal(info.madt.cpus[ACPI_MAX_CPUS - 1].apic_id, ACPI_MAX_CPUS - 1);
	assert_int_equal(info.madt.nr_ioapics, ACPI_MAX_IOAPICS);
	assert_int_equal(info.madt.nr_overrides, ACPI_MAX_OVERRIDES);
}

/* Two MADTs: the first one counts. */
static void test_first_madt_wins(void **state)
{
	paddr_t list[] = { MADT_PA, HPET_PA };

	build_v2();
	sdt(HPET_PA, "APIC", 44 + 8);
	at(HPET_PA)[44] = 0;
	at(HPET_PA)[45] = 8;
	w32(at(HPET_PA) + 48, 1);
	fix_checksum(HPET_PA);
	build_root(true, list, ARRAY_SIZE(list));
	assert_int_equal(parse(), 0);
	check_std_madt();
}

/* A NULL report function is allowed. */
static void test_null_report(void **state)
{
	build_v2();
	rsdp[8]++;
	assert_int_equal(acpi_parse(rsdp, 36, fake_map, &info, NULL), -EINVAL);
	build_v2();
	at(HPET_PA)[40] ^= 1;
	assert_int_equal(acpi_parse(rsdp, 36, fake_map, &info, NULL), 0);
	unmap_all();
}

/* Random corruption of the tables (checksums fixed up half the time) never crashes the walk. */
static void test_random_corruption(void **state)
{
	static const paddr_t targets[] = { XSDT_PA, MADT_PA, MADT_PA, MADT_PA, FACP_PA };
	uint64_t seed = 31337;
	unsigned int i, ok = 0;

	for (i = 0; i < 20000; i++) {
		unsigned int n = 1 + (unsigned int)test_rand_below(&seed, 4), j;
		paddr_t pa = targets[test_rand_below(&seed, ARRAY_SIZE(targets))];
		int rc;

		build_v2();
		for (j = 0; j < n; j++) {
			uint32_t off = (uint32_t)test_rand_below(&seed, 160);

			at(pa)[off] = (uint8_t)test_rand(&seed);
		}
		if (test_rand_below(&seed, 2)) {
			uint32_t len;

			memcpy(&len, at(pa) + 4, 4);
			if (len >= 10 && len <= PHYS_SIZE - (pa - PHYS_BASE)) {
				fix_checksum(pa);
			}
		}
		rc = parse();
		assert_true(rc == 0 || rc == -EINVAL);
		assert_true(info.nr_tables <= ACPI_MAX_TABLES);
		assert_true(info.madt.nr_cpus <= ACPI_MAX_CPUS);
		assert_true(info.madt.nr_ioapics <= ACPI_MAX_IOAPICS);
		assert_true(info.madt.nr_overrides <= ACPI_MAX_OVERRIDES);
		ok += rc == 0;
	}
	print_message("%u of 20000 corrupted table sets parsed\n", ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_v2_xsdt, teardown),
		cmocka_unit_test_teardown(test_v1_rsdt, teardown),
		cmocka_unit_test_teardown(test_v2_falls_back_to_rsdt, teardown),
		cmocka_unit_test_teardown(test_bad_rsdp, teardown),
		cmocka_unit_test_teardown(test_bad_root, teardown),
		cmocka_unit_test_teardown(test_bad_table_skipped, teardown),
		cmocka_unit_test_teardown(test_root_partial_entry, teardown),
		cmocka_unit_test_teardown(test_madt_bad_entry_lengths, teardown),
		cmocka_unit_test_teardown(test_madt_short_entries, teardown),
		cmocka_unit_test_teardown(test_madt_too_short, teardown),
		cmocka_unit_test_teardown(test_limits, teardown),
		cmocka_unit_test_teardown(test_first_madt_wins, teardown),
		cmocka_unit_test_teardown(test_null_report, teardown),
		cmocka_unit_test_teardown(test_random_corruption, teardown),
	};

	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
