/*
 * Entry points of the smp test kernel's second vCPU: where VCPUOP_initialise starts it, and its
 * own int3 handler (its trap table differs from vCPU 0's in that one vector).
 */
#include <public/xen.h>

	.text
/*
 * vCPU 1 starts here with the stack, selectors and registers of its vcpu_guest_context: record
 * the code and stack selectors it was entered with, then run v1_main(rdi).
 */
	.globl v1_start
v1_start:
	mov	%cs, %rax
	mov	%rax, v1_entry_cs(%rip)
	mov	%ss, %rax
	mov	%rax, v1_entry_ss(%rip)
	mov	%ds, %rax
	mov	%rax, v1_entry_ds(%rip)
	mov	%es, %rax
	mov	%rax, v1_entry_es(%rip)
	stmxcsr	v1_entry_mxcsr(%rip)
	xor	%ebp, %ebp
	call	v1_main
1:	ud2
	jmp	1b

/* vCPU 1's int3: the frame of trap_noerr with pseudo-vector 200 (handled in tests.c). */
	.globl v1_int3_entry
v1_int3_entry:
	pop	%rcx
	pop	%r11
	pushq	$0
	pushq	$200
	jmp	trap_common
