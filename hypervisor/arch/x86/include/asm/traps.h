/* Exception reporting and interrupt vector dispatch. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/regs.h>

typedef void (*irq_handler_t)(struct cpu_regs *regs);

/** Route interrupt @vector (>= 32) to @fn; the handler must acknowledge the interrupt itself. */
void set_irq_handler(unsigned int vector, irq_handler_t fn);

/** Set a hook run on every NMI (one hook; NULL to remove). */
void set_nmi_hook(void (*fn)(struct cpu_regs *regs));

/** Print @regs, control registers and the call chain; used by fatal traps. */
void show_registers(const struct cpu_regs *regs);

#endif
