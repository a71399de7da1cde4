/*
 * Exception and interrupt entry: one small stub per vector pushes a uniform frame (a zero where the
 * CPU pushes no error code, then the vector), saves the general registers as struct cpu_regs and
 * calls do_trap(). Only hypervisor context exists so far, so there is no GS swap.
 */
#include <asm/layout.h>

/* Vectors for which the CPU pushes an error code (SDM vol. 3, table 6-1). */
#define HAS_ERROR_CODE(v) ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || (v) == 13 || \
			   (v) == 14 || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

/* Push the general registers in struct cpu_regs order (r15 ends up at the lowest address). */
.macro SAVE_ALL
	push	%rdi
	push	%rsi
	push	%rdx
	push	%rcx
	push	%rax
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
.endm

	.text
	.balign 16
	.globl common_entry
common_entry:
	SAVE_ALL
	cld
	mov	%rsp, %rdi
	call	do_trap
	.globl restore_all
restore_all:
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rax
	pop	%rcx
	pop	%rdx
	pop	%rsi
	pop	%rdi
	add	$16, %rsp			/* vector and error code */
1:	iretq

/*
 * iretq into a guest faulted (a bad selector or return address the guest left in its frame): the
 * fault's fixup lands here with the guest's registers back in place and %rsp at the hardware
 * frame. Rebuild the full frame and let the guest's domain crash; the CPU goes on with another
 * vCPU (or stops) through the same exit path.
 */
2:	sub	$16, %rsp
	SAVE_ALL
	cld
	mov	%rsp, %rdi
	call	pv_iret_failed
	jmp	restore_all
	.section .ex_table, "a"
	.quad 1b, 2b
	.previous

	/* The table of stub addresses is filled as the stubs are emitted below. */
	.section .rodata.idt_stubs, "a"
	.balign 8
	.globl idt_stub_table
idt_stub_table:

	.text
	.balign 16
	.globl idt_stubs_start
idt_stubs_start:
	.set vec, 0
	.rept 256
	.balign 16
1:
	.if !HAS_ERROR_CODE(vec)
	pushq	$0
	.endif
	pushq	$vec
	jmp	common_entry
	.pushsection .rodata.idt_stubs, "a"
	.quad	1b
	.popsection
	.set vec, vec + 1
	.endr

