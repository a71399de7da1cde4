/*
 * Entry of an HVM test guest, started as by a Multiboot v1 loader: 32-bit protected mode, paging
 * off, EAX = 0x2badb002, EBX = the Multiboot information. Loads a flat GDT, a stack and an IDT
 * whose stubs call guest_trap(), then calls guest_main(magic, mbi).
 */
	.section .text.head, "ax"
	.code32
	.globl _start
_start:
	lgdt	gdt_desc
	ljmp	$0x08, $1f
1:	mov	$0x10, %ecx
	mov	%ecx, %ds
	mov	%ecx, %es
	mov	%ecx, %ss
	mov	%ecx, %fs
	mov	%ecx, %gs
	mov	$stack_top, %esp
	push	%eax
	call	idt_setup
	pop	%eax
	push	%ebx
	push	%eax
	call	guest_main
	/* guest_main shuts the domain down; if that returned, stop for good. */
2:	cli
	hlt
	jmp	2b

/* Exception and interrupt stubs: a uniform frame (error code or 0, vector), then guest_trap(). */
#define HAS_EC(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17)
	.globl trap_stubs
	.balign 16
trap_stubs:
	.set vec, 0
	.rept 64
	.balign 16
	.if !HAS_EC(vec)
	push	$0
	.endif
	push	$vec
	jmp	trap_common
	.set vec, vec + 1
	.endr

trap_common:
	pusha
	push	%esp			/* struct trap_frame * */
	call	guest_trap
	add	$4, %esp
	popa
	add	$8, %esp		/* vector, error code */
	iret

	.data
	.balign 8
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: flat 32-bit code */
	.quad	0x00cf93000000ffff	/* 0x10: flat data */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt

	.bss
	.balign 16
	.space	16384
stack_top:
