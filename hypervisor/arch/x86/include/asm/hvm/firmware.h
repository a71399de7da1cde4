/*
 * What an HVM domain's "firmware" leaves in guest memory when the domain is built: ACPI tables
 * (RSDP, XSDT, FADT with FACS, MADT, a minimal DSDT) and the E820 memory map. The builders are
 * portable (they fill a buffer the caller copies into guest RAM), so the host unit test
 * tests/unit/test_hvm_firmware.c checks them with Argon's own ACPI parser. The guest's view is
 * docs/abi/hvm-platform.md.
 */
#ifndef ASM_HVM_FIRMWARE_H
#define ASM_HVM_FIRMWARE_H

#include <argon/types.h>

/* Guest-physical layout below 1 MiB. */
#define HVM_ACPI_GPA 0xe0000UL		/* RSDP first: Linux scans 0xe0000-0xfffff for it */
#define HVM_ACPI_SIZE 0x1000UL
#define HVM_BIOS_AREA_GPA 0xe0000UL	/* reserved up to 1 MiB, as a PC BIOS's area */
#define HVM_EBDA_GPA 0x9fc00UL		/* base memory ends here (639 KiB) */

/* The ACPI fixed-hardware register blocks (PM1a event, PM1a control, PM timer) and the SCI. */
#define HVM_PM1A_EVT 0xb000
#define HVM_PM1A_CNT 0xb004
#define HVM_PM_TMR 0xb008
#define HVM_PM_PORTS 12
#define HVM_SCI_IRQ 9
#define HVM_S5_SLP_TYP 5		/* \_S5 in the DSDT: the value PM1_CNT.SLP_TYP takes */

/** What the tables describe. */
struct hvm_acpi_config {
	uint64_t base_gpa;		/* where the buffer will sit in the guest */
	uint32_t nr_vcpus;		/* one Local APIC entry each, APIC ID = vCPU ID */
	uint32_t lapic_addr, ioapic_addr;
	uint8_t ioapic_id;
};

/**
 * Write the tables for @c into @buf (@size bytes, at least HVM_ACPI_SIZE; zeroed first): the RSDP
 * at offset 0, the rest after it, every checksum set. 0, or -EINVAL when they do not fit.
 */
int hvm_acpi_build(const struct hvm_acpi_config *c, uint8_t *buf, size_t size);

#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3

/** One E820 entry as BIOS INT 15h/E820 and Linux's boot_params hold it (20 bytes, packed). */
struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __packed;

#define HVM_E820_MAX 8

/**
 * The memory map of a guest with @mem bytes of RAM from 0 (@mem > 1 MiB): base memory, the EBDA
 * and BIOS area reserved, RAM above 1 MiB, the IO-APIC and local APIC pages reserved. Returns the
 * number of entries written to @out (at most HVM_E820_MAX).
 */
unsigned int hvm_e820_build(uint64_t mem, struct e820_entry *out);

/** The ACPI PM1a event/control registers and the PM timer (ACPI 6.4, 4.8). */
struct vpm {
	uint16_t sts, en, cnt;
};

#define VPM_TIMER_HZ 3579545ULL

/**
 * A guest access of @size bytes at offset @off of the PM ports (0-3 PM1a_EVT, 4-5 PM1a_CNT, 8-11
 * PM_TMR) at system time @now. Returns true when the write sets SLP_EN; *@slp_typ is the sleep
 * type asked for.
 */
bool vpm_io(struct vpm *pm, unsigned int off, unsigned int size, bool in, uint32_t *val,
	    s_time_t now, unsigned int *slp_typ);

#endif
