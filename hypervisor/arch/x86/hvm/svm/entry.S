/*
 * The VMRUN path (AMD64 APM vol. 2, 15.5 and 15.9): VMRUN switches RAX, RSP, RIP, RFLAGS, the
 * control registers and the segment registers through the VMCB; the other general registers are
 * loaded from and saved to a struct hvm_regs here, and the state VMRUN leaves alone (FS, GS, TR,
 * LDTR, KernelGSBase, the syscall and sysenter MSRs) is switched with VMSAVE/VMLOAD.
 *
 * void svm_vmrun(paddr_t vmcb_pa, struct hvm_regs *regs, paddr_t host_pa)
 * Called with GIF clear and IF set: the host's interrupts wait until the caller's STGI.
 */
#include <asm/hvm/regs.h>

	.text
	.balign 16
	.globl svm_vmrun
svm_vmrun:
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdx			/* 16(%rsp): host VMSAVE area */
	push	%rsi			/*  8(%rsp): guest registers */
	push	%rdi			/*  0(%rsp): VMCB */

	mov	%rdx, %rax
	vmsave				/* the host's FS/GS/TR/LDTR and syscall MSRs */
	mov	%rdi, %rax
	vmload				/* the guest's */

	mov	HVM_REGS_RBX(%rsi), %rbx
	mov	HVM_REGS_RCX(%rsi), %rcx
	mov	HVM_REGS_RDX(%rsi), %rdx
	mov	HVM_REGS_RDI(%rsi), %rdi
	mov	HVM_REGS_RBP(%rsi), %rbp
	mov	HVM_REGS_R8(%rsi), %r8
	mov	HVM_REGS_R9(%rsi), %r9
	mov	HVM_REGS_R10(%rsi), %r10
	mov	HVM_REGS_R11(%rsi), %r11
	mov	HVM_REGS_R12(%rsi), %r12
	mov	HVM_REGS_R13(%rsi), %r13
	mov	HVM_REGS_R14(%rsi), %r14
	mov	HVM_REGS_R15(%rsi), %r15
	mov	HVM_REGS_RSI(%rsi), %rsi

	vmrun				/* RAX = VMCB; returns here on #VMEXIT with host RSP, RAX */

	push	%rsi			/* the guest's RSI; the saved pointers move up by 8 */
	mov	16(%rsp), %rsi
	mov	%rbx, HVM_REGS_RBX(%rsi)
	mov	%rcx, HVM_REGS_RCX(%rsi)
	mov	%rdx, HVM_REGS_RDX(%rsi)
	mov	%rdi, HVM_REGS_RDI(%rsi)
	mov	%rbp, HVM_REGS_RBP(%rsi)
	mov	%r8, HVM_REGS_R8(%rsi)
	mov	%r9, HVM_REGS_R9(%rsi)
	mov	%r10, HVM_REGS_R10(%rsi)
	mov	%r11, HVM_REGS_R11(%rsi)
	mov	%r12, HVM_REGS_R12(%rsi)
	mov	%r13, HVM_REGS_R13(%rsi)
	mov	%r14, HVM_REGS_R14(%rsi)
	mov	%r15, HVM_REGS_R15(%rsi)
	popq	HVM_REGS_RSI(%rsi)

	mov	0(%rsp), %rax
	vmsave				/* the guest's FS/GS/TR/LDTR and syscall MSRs */
	mov	16(%rsp), %rax
	vmload				/* the host's back */

	add	$24, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
