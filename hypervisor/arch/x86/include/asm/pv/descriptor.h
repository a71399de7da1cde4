/* Guest segment descriptors (set_gdt, update_descriptor). */
#ifndef ASM_PV_DESCRIPTOR_H
#define ASM_PV_DESCRIPTOR_H

#include <argon/types.h>

struct vcpu;

/**
 * True if a 64-bit PV guest may install descriptor @d: not present, or a code/data segment
 * with DPL 3. System descriptors (gates, TSS, LDT) are refused.
 */
bool pv_descriptor_ok(uint64_t d);

/** Drop the references @v's GDT frames hold (domain teardown). */
void pv_release_descriptor_tables(struct vcpu *v);

/** Map @v's GDT frames (or the zero page) into this CPU's GDT window and reload the GDT. */
void percpu_gdt_load_guest(struct vcpu *v);

#endif
