/*
 * Guest user mode for the traps kernel: entering user mode through the iret hypercall, the
 * syscall callback and the return to user mode with VGCF_in_syscall, and the user-mode program
 * that exercises system calls and faults from ring 3 with the user page tables.
 */
#include <public/xen.h>

#define SYS_ECHO 1
#define SYS_EXIT 2
#define USER_ONLY_VA 0x200000

/* Extable entry, as EXTABLE() in guest/fault.h. */
.macro extable from:req, to:req
	.pushsection .extable, "a"
	.balign 8
	.quad \from, \to
	.popsection
.endm

	.text
/*
 * long user_run(void (*fn)(void), void *user_sp): run fn in guest user mode on user_sp until it
 * makes the SYS_EXIT system call; returns that call's argument.
 */
	.globl user_run
user_run:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, user_kernel_sp(%rip)
	pushq	$FLAT_USER_SS		/* ss */
	push	%rsi			/* rsp */
	pushq	$0x202			/* rflags: IF */
	pushq	$FLAT_USER_CS		/* cs, RPL 3: return to user mode */
	push	%rdi			/* rip */
	pushq	$0			/* flags */
	push	%rcx
	push	%r11
	push	%rax
	mov	$__HYPERVISOR_iret, %eax
	syscall
	ud2

/*
 * The syscall callback: the frame is rcx, r11, rip, cs, rflags, rsp, ss on the stack named by
 * stack_switch. Calls syscall_handler(frame, nr, live rflags, arg), then returns to user mode
 * with the iret hypercall and VGCF_in_syscall, or for SYS_EXIT back to user_run's caller.
 */
	.globl syscall_entry
syscall_entry:
	mov	%rdi, %rcx		/* arg */
	mov	%rax, %rsi		/* nr */
	pushfq
	pop	%rdx			/* live rflags (DF must be clear) */
	mov	%rsp, %rdi		/* frame */
	mov	%rsp, %rbx
	and	$-16, %rsp
	call	syscall_handler
	mov	%rbx, %rsp
	cmpb	$0, user_exit_now(%rip)
	jne	1f
	pop	%rcx
	pop	%r11
	pushq	$VGCF_in_syscall
	push	%rcx
	push	%r11
	push	%rax
	mov	$__HYPERVISOR_iret, %eax
	syscall
	ud2
1:	movb	$0, user_exit_now(%rip)
	mov	user_kernel_sp(%rip), %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret

/* Trap-table entries for the software-interrupt vectors the tests add. */
.macro soft_vector vec:req
	.globl trap_entry_\vec
trap_entry_\vec:
	pop	%rcx
	pop	%r11
	pushq	$0
	pushq	$\vec
	jmp	trap_common
.endm
	soft_vector 128
	soft_vector 129

/*
 * The user-mode program (ring 3, user page tables). It keeps nothing in registers across
 * system calls and traps, and records what it sees in memory the kernel reads afterwards.
 */
	.globl user_prog
user_prog:
	/* 1. A system call, with DF set (the callback must run with DF clear). */
	std
	mov	%rsp, user_rsp_at_syscall(%rip)
	mov	$0x1234abcd, %rdi
	mov	$SYS_ECHO, %eax
	syscall
	.globl user_syscall_ret
user_syscall_ret:
	pushfq
	pop	user_rflags_after(%rip)
	cld
	mov	%rax, user_echo_result(%rip)
	mov	%rcx, user_rcx_after(%rip)
	mov	%r11, user_r11_after(%rip)
	/* 2. The page only the user page tables map. */
	movq	$0x5a5a5a5a, USER_ONLY_VA
	/* 3. #PF: a read of an unmapped address. */
	.globl user_pf
user_pf:
	mov	0x1000, %rax
1:	extable user_pf, 1b
	/* 4. #GP: a privileged instruction. */
	.globl user_gp
user_gp:
	hlt
1:	extable user_gp, 1b
	/* 5. int $0x80, DPL 3 in the trap table: reaches vector 0x80 (a trap: rip after it). */
	int	$0x80
	.globl user_int80_ret
user_int80_ret:
	nop			/* keep the next instruction's address distinct */
	extable user_int80_ret, user_int80_ret
	/* 6. int $0x81, DPL 0: #GP at the instruction. */
	.globl user_int81
user_int81:
	int	$0x81
1:	extable user_int81, 1b
	/* 7. int3 (DPL 3 in the framework's table). */
	int3
	.globl user_int3_ret
user_int3_ret:
	nop
	extable user_int3_ret, user_int3_ret
	/* 8. A GDT selector below 0xe000 (entry 1) into DS. */
	mov	$0x8, %eax
	.globl user_seg
user_seg:
	mov	%eax, %ds
1:	extable user_seg, 1b
	/* 9. A second system call after all that, then leave. */
	mov	$0x77, %rdi
	mov	$SYS_ECHO, %eax
	syscall
	mov	%rax, user_echo_result2(%rip)
	mov	$0x600d, %rdi
	mov	$SYS_EXIT, %eax
	syscall
	ud2

	.bss
	.balign 8
user_kernel_sp:		.quad 0
	.globl user_exit_now, user_rsp_at_syscall, user_echo_result, user_echo_result2
	.globl user_rcx_after, user_r11_after, user_rflags_after
user_exit_now:		.quad 0
user_rsp_at_syscall:	.quad 0
user_echo_result:	.quad 0
user_echo_result2:	.quad 0
user_rcx_after:		.quad 0
user_r11_after:		.quad 0
user_rflags_after:	.quad 0
