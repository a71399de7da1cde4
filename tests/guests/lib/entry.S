/*
 * Exception and callback entry stubs, and the return path through the iret hypercall.
 * See include/guest/traps.h for the frames the hypervisor builds.
 */
#include <public/xen.h>

/* Vector without a CPU error code: restore RCX/R11, push a zero error code and the vector. */
.macro trap_noerr vec:req
	.globl trap_entry_\vec
trap_entry_\vec:
	pop	%rcx
	pop	%r11
	pushq	$0
	pushq	$\vec
	jmp	trap_common
.endm

/* Vector with a CPU error code (already on the frame above RIP). */
.macro trap_err vec:req
	.globl trap_entry_\vec
trap_entry_\vec:
	pop	%rcx
	pop	%r11
	pushq	$\vec
	jmp	trap_common
.endm

	.text
	trap_noerr 0	/* #DE */
	trap_noerr 1	/* #DB */
	trap_noerr 2	/* NMI */
	trap_noerr 3	/* #BP */
	trap_noerr 4	/* #OF */
	trap_noerr 5	/* #BR */
	trap_noerr 6	/* #UD */
	trap_noerr 7	/* #NM */
	trap_err 8	/* #DF */
	trap_noerr 9	/* coprocessor segment overrun */
	trap_err 10	/* #TS */
	trap_err 11	/* #NP */
	trap_err 12	/* #SS */
	trap_err 13	/* #GP */
	trap_err 14	/* #PF */
	trap_noerr 15	/* reserved */
	trap_noerr 16	/* #MF */
	trap_err 17	/* #AC */
	trap_noerr 18	/* #MC */
	trap_noerr 19	/* #XM */

/* Event upcall: same frame as an exception without error code. */
	.globl hypervisor_callback
hypervisor_callback:
	pop	%rcx
	pop	%r11
	pushq	$0
	pushq	$256		/* TRAP_EVENT_CALLBACK */
	jmp	trap_common

/*
 * Failsafe callback: the hypervisor could not return to the guest as it was (a selector that no
 * longer loads). The frame has DS, ES, FS, GS between R11 and RIP: they become the error code,
 * 16 bits each (DS lowest), and the rest is trap_noerr's frame.
 */
	.globl failsafe_callback
failsafe_callback:
	pop	%rcx
	pop	%r11
	push	%rax
	movzwq	32(%rsp), %rax	/* gs */
	shl	$16, %rax
	movw	24(%rsp), %ax	/* fs */
	shl	$16, %rax
	movw	16(%rsp), %ax	/* es */
	shl	$16, %rax
	movw	8(%rsp), %ax	/* ds */
	mov	%rax, 32(%rsp)	/* over gs: the error code's slot, just below RIP */
	pop	%rax
	add	$24, %rsp
	pushq	$257		/* TRAP_FAILSAFE_CALLBACK */
	jmp	trap_common

/*
 * Save the registers as struct trap_frame, call trap_dispatch(frame), restore and iret. Test
 * kernels with stubs of their own (vectors beyond 19) jump here with the frame of trap_noerr.
 */
	.globl trap_common
trap_common:
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
	mov	%rsp, %rdi
	mov	%rsp, %rbx
	and	$-16, %rsp
	call	trap_dispatch
	mov	%rbx, %rsp
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
	add	$16, %rsp	/* vector, error code */
	/* fall through */

/*
 * Return with the iret hypercall. On entry the stack holds RIP, CS, RFLAGS, RSP, SS; the iret
 * frame (struct iret_context) adds flags, RCX, R11 and RAX below them. The hypercall page's iret
 * stub pushes RCX, R11 and RAX itself, so only flags (0: not returning from a syscall) is pushed
 * here before jumping to it.
 */
	.globl xen_iret
xen_iret:
	pushq	$0
	cmpb	$0, hypercall_direct(%rip)
	jne	1f
	jmp	hypercall_page + __HYPERVISOR_iret * XEN_HYPERCALL_STUB_SIZE
1:	push	%rcx
	push	%r11
	push	%rax
	mov	$__HYPERVISOR_iret, %eax
	syscall
	ud2		/* iret does not return here */
