/* ACPI tables Argon reads at boot: RSDP, RSDT/XSDT and the MADT (ACPI 6.4, chapter 5). */
#ifndef ARGON_ACPI_H
#define ARGON_ACPI_H

#include <argon/types.h>

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_TABLES 32

/** What the MADT says about processors and interrupt controllers. */
struct acpi_madt_info {
	uint32_t lapic_addr;
	bool pcat_compat;	/* dual 8259s present */
	uint32_t nr_cpus;	/* enabled or online-capable processors */
	struct {
		uint32_t apic_id;
		uint32_t uid;
		bool enabled;
	} cpus[ACPI_MAX_CPUS];
	uint32_t nr_ioapics;
	struct {
		uint32_t id;
		uint32_t addr;
		uint32_t gsi_base;
	} ioapics[ACPI_MAX_IOAPICS];
	uint32_t nr_overrides;
	struct {
		uint8_t source_irq;
		uint32_t gsi;
		uint16_t flags;
	} overrides[ACPI_MAX_OVERRIDES];
};

/** The tables found and the MADT summary. */
struct acpi_info {
	uint8_t revision;
	char oem_id[7];
	uint32_t nr_tables;
	char signatures[ACPI_MAX_TABLES][5];
	paddr_t table_addr[ACPI_MAX_TABLES];
	bool has_madt;
	struct acpi_madt_info madt;
};

/**
 * Returns a readable pointer to @len bytes of physical memory at @pa, or NULL when that range
 * cannot be read (outside what is mapped).
 */
typedef const void *(*acpi_map_fn)(paddr_t pa, uint64_t len);

/**
 * Walk the tables from the RSDP copy at @rsdp (@len bytes) and fill @out. Checksums, lengths and
 * entry sizes are checked; a bad table is skipped and noted via @report (which may be NULL); a
 * bad RSDP or root table fails the whole walk with -EINVAL.
 */
int acpi_parse(const void *rsdp, uint32_t len, acpi_map_fn map, struct acpi_info *out,
	       void (*report)(const char *what));

#endif
