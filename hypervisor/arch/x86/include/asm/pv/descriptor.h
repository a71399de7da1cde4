/* Guest segment descriptors (set_gdt, update_descriptor). */
#ifndef ASM_PV_DESCRIPTOR_H
#define ASM_PV_DESCRIPTOR_H

#include <argon/types.h>

struct vcpu;

/**
 * Check descriptor *@d for a 64-bit PV guest and adjust it to what must be stored: not-present
 * entries pass unchanged, code/data segments get DPL 3 (the only ring a PV guest runs in), and
 * system descriptors (gates, TSS, LDT) are refused (false).
 */
bool pv_descriptor_fixup(uint64_t *d);

/** True if pv_descriptor_fixup() accepts @d. */
bool pv_descriptor_ok(uint64_t d);

struct domain;

/**
 * Take a general and a descriptor-page type reference on each of the @nr frames @frames of @d
 * and check every descriptor in them (set_gdt's rule). Returns 0 with all references held, or
 * -EINVAL/-EPERM with none.
 */
int pv_gdt_get_frames(struct domain *d, const uint64_t *frames, unsigned int nr);

/** Drop the references pv_gdt_get_frames() took. */
void pv_gdt_put_frames(struct domain *d, const uint64_t *frames, unsigned int nr);

/**
 * Make the @nr frames @frames (references held, as pv_gdt_get_frames() takes them; they pass to
 * @v) @v's GDT of @ents entries, dropping its old frames; reloads this CPU's window if @v runs.
 */
void pv_gdt_install(struct vcpu *v, const uint64_t *frames, unsigned int nr, unsigned int ents);

/** Drop the references @v's GDT frames hold (domain teardown). */
void pv_release_descriptor_tables(struct vcpu *v);

/**
 * Install the LDT of @ents descriptors at guest virtual @base for @v (MMUEXT_SET_LDT; 0 entries
 * for none): its pages must be mapped read-only by the guest and hold only allowed descriptors.
 * Returns 0, -EINVAL (unmapped, writable or bad descriptors) or -EPERM; the old LDT stays on error.
 */
int pv_set_ldt(struct vcpu *v, uint64_t base, uint32_t ents);

/** Map @v's LDT frames into this CPU's LDT window and load the LDT register (or a null LDT). */
void percpu_ldt_load(struct vcpu *v);

/** Map @v's GDT frames (the zero page past them, or everywhere for a NULL @v) into this CPU's GDT window. */
void percpu_gdt_load_guest(struct vcpu *v);

#endif
