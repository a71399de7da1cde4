/* The local APIC HVM vCPUs see at 0xfee00000 (xAPIC MMIO mode only). */
#ifndef ASM_HVM_VLAPIC_H
#define ASM_HVM_VLAPIC_H

#include <argon/timer.h>
#include <argon/types.h>

#define VLAPIC_BASE 0xfee00000UL
#define VLAPIC_SIZE 0x1000UL

/** One vCPU's local APIC: the registers a guest programs and the interrupt state. */
struct vlapic {
	uint32_t id, tpr, svr, ldr, dfr, lvt_timer, lvt_lint0, lvt_lint1, lvt_error, lvt_thermal,
		lvt_pmc, icr_lo, icr_hi, esr;
	uint32_t timer_initial, timer_divide;
	s_time_t timer_start;		/* system time the current count started from */
	uint64_t timer_period_ns;	/* the whole count in ns (0: stopped) */
	uint32_t irr[8], isr[8];	/* requested and in-service vectors (bit per vector) */
	struct timer timer;
	uint64_t timer_fires;
};

struct vcpu;

/** Reset @v's local APIC to its power-on state with APIC ID @id. */
void vlapic_init(struct vcpu *v, uint32_t id);
/** Stop @v's APIC timer (before the vCPU is freed). */
void vlapic_destroy(struct vcpu *v);
/** A 4-byte read (@write false) or write of register offset @off; false if not emulated. */
bool vlapic_access(struct vcpu *v, uint32_t off, bool write, uint32_t *val);
/** Highest vector requested and deliverable above the in-service priority, or -1. */
int vlapic_pending(const struct vcpu *v);
/** Move @vec from requested to in service (the guest is taking it). */
void vlapic_ack(struct vcpu *v, int vec);
/** Request @vec (an edge-triggered fixed interrupt). */
void vlapic_set_irq(struct vcpu *v, unsigned int vec);

/** True when LINT0 takes the PIC's interrupts: APIC enabled, LVT0 unmasked, ExtINT delivery. */
bool vlapic_accepts_extint(const struct vcpu *v);
/** True when an interrupt message for @dest (@logical: flat logical mode) addresses @v's APIC. */
bool vlapic_match_dest(const struct vcpu *v, uint8_t dest, bool logical);

#endif
