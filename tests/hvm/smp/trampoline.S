/*
 * The application processors' start: a SIPI with vector 0x07 starts a vCPU in real mode at
 * 0x7000 (CS 0x0700, IP 0), where main.c copies [ap_trampoline, ap_trampoline_end). It loads a
 * flat GDT, enters 32-bit protected mode and jumps to ap_entry32 in the image, which takes the
 * stack the BSP left in ap_stack_top and calls ap_main().
 */
	.section .rodata
	.code16
	.globl ap_trampoline, ap_trampoline_end
ap_trampoline:
	cli
	mov	%cs, %ax
	mov	%ax, %ds
	lgdtl	ap_gdt_desc - ap_trampoline
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$0x08, $ap_entry32
	.balign 4
ap_gdt_desc:
	.word	ap_gdt_end - ap_gdt - 1
	.long	ap_gdt
ap_trampoline_end:

	.text
	.code32
ap_entry32:
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	ap_stack_top, %esp
	call	idt_setup
	call	ap_main
1:	cli
	hlt
	jmp	1b

	.data
	.balign 8
ap_gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: flat 32-bit code */
	.quad	0x00cf93000000ffff	/* 0x10: flat data */
ap_gdt_end:
