/*
 * Entry from and exit to PV guests. Guest kernel and guest user both run in ring 3; the guest's
 * register frame always sits at the top of the CPU's main stack (struct cpu_regs just below
 * struct cpu_info), where exceptions from ring 3 put it and where the syscall entry builds it.
 */
#include <asm/layout.h>

#define SYSCALL_VECTOR 0x100		/* pseudo-vector: a syscall from ring 3 (see asm/regs.h) */
#define SYSCALL32_VECTOR 0x101		/* pseudo-vector: a syscall from compatibility mode */

	.text
/*
 * LSTAR target. The CPU left the guest's stack pointer in place, so find this CPU's stack through
 * the shadow GS base (always this CPU's cpu_info) and swap the guest's GS base straight back.
 * Interrupts are off (SFMASK clears IF), and NMI handlers do not use GS, so the window is safe.
 */
	.globl pv_syscall_entry
pv_syscall_entry:
	swapgs
	movq	%rsp, %gs:CPU_INFO_SCRATCH
	movq	%gs:CPU_INFO_STACK_TOP, %rsp
	pushq	$FLAT_RING3_DS32		/* ss */
	pushq	%gs:CPU_INFO_SCRATCH		/* rsp */
	swapgs
	pushq	%r11				/* rflags */
	pushq	$FLAT_RING3_CS64		/* cs */
	pushq	%rcx				/* rip */
	pushq	$0				/* error code */
	pushq	$SYSCALL_VECTOR
	jmp	common_entry

/* CSTAR target: 32-bit compatibility-mode syscall; same frame, its own pseudo-vector. */
	.globl pv_syscall32_entry
pv_syscall32_entry:
	swapgs
	movq	%rsp, %gs:CPU_INFO_SCRATCH
	movq	%gs:CPU_INFO_STACK_TOP, %rsp
	pushq	$FLAT_RING3_DS32
	pushq	%gs:CPU_INFO_SCRATCH
	swapgs
	pushq	%r11
	pushq	$FLAT_RING3_CS32
	pushq	%rcx
	pushq	$0
	pushq	$SYSCALL32_VECTOR
	jmp	common_entry

/*
 * pv_enter_guest(struct cpu_regs *regs): leave for the guest with the frame at @regs, which must
 * be the frame at the top of this CPU's stack. Never returns.
 */
	.globl pv_enter_guest
pv_enter_guest:
	movq	%rdi, %rsp
	jmp	restore_all
