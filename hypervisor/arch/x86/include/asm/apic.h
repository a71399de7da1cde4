/* The local APIC (x2APIC when the CPU has it) and the legacy PIC. */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <argon/types.h>

/* Register offsets in xAPIC MMIO space; x2APIC MSR = 0x800 + (offset >> 4) (SDM vol. 3, 11.12). */
#define APIC_ID 0x20
#define APIC_VERSION 0x30
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3e0

#define APIC_SVR_ENABLE (1U << 8)
#define APIC_LVT_MASKED (1U << 16)
#define APIC_TIMER_ONESHOT (0U << 17)
#define APIC_TIMER_PERIODIC (1U << 17)
#define APIC_DM_NMI (4U << 8)
#define APIC_DEST_SELF (1U << 18)
#define APIC_DIVIDE_BY_1 0xb

void apic_write(unsigned int reg, uint32_t v);
uint32_t apic_read(unsigned int reg);
void apic_eoi(void);

/** Send an interrupt command to this CPU (@low holds vector, delivery mode, shorthand). */
void apic_send_self(uint32_t low);

/** Enable this CPU's local APIC, mask the PIC and calibrate the APIC timer against the TSC. */
void apic_init(void);

/** The ACPI processor UID of the CPU whose local APIC ID is @apic_id (MADT), else @apic_id. */
uint32_t acpi_id_of_apic(uint32_t apic_id);

/** (Re)install the timer-queue handler and one-shot mode on the APIC timer. */
void apic_init_timer_oneshot(void);

/** APIC timer input frequency (Hz), after apic_init(). */
extern uint64_t apic_timer_hz;
/** True when the local APIC runs in x2APIC mode. */
extern bool apic_x2apic_mode;

/** Remap the legacy 8259 PIC pair off the exception vectors and mask every line. */
void pic_disable(void);

/** Measure the TSC frequency against the PIT; returns Hz. */
uint64_t pit_calibrate_tsc(void);

/** Map the HPET at @base and start its counter; false if unusable. */
bool hpet_init(paddr_t base);

/** Measure the TSC frequency against the HPET (100 ms); 0 when there is no HPET. */
uint64_t hpet_calibrate_tsc(void);

/** Calibrate the TSC (HPET if @hpet_base is not 0, else PIT) and start system time. */
void time_init(paddr_t hpet_base);

/** TSC frequency in Hz (after time_init()). */
extern uint64_t tsc_hz;

#endif
