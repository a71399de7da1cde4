/*
 * Entry from a Multiboot2 loader: 32-bit protected mode, paging off, EAX = loader magic,
 * EBX = physical address of the boot information. Checks the CPU can run Argon, builds just
 * enough page tables to reach long mode (the first 4 GiB at 0, at ARGON_VIRT_START and at
 * DIRECTMAP_VIRT_START), then enters C at its linked (high) address.
 */
#include <asm/layout.h>

#define PHYS(x) ((x) - ARGON_VIRT_START)

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define COM1 0x3f8

	.section .mb2hdr, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0					/* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
	/* Module alignment tag: modules on page boundaries, so they can be handed to domains. */
	.balign 8
	.short 6, 0
	.long 8
	.balign 8
	.short 0, 0				/* end tag */
	.long 8
mb2_header_end:

	.section .text.boot, "ax"
	.code32
	.globl start32
start32:
	cli
	cld
	mov	%eax, %ebp			/* loader magic */
	mov	%ebx, %esi			/* boot information */
	mov	$PHYS(boot_stack_top), %esp	/* boot_stack_top is virtual-linked; PHYS() makes it usable here */

	cmp	$MB2_BOOTLOADER_MAGIC, %ebp
	mov	$PHYS(msg_not_mb2), %edx
	jne	early_fail

	/* Long mode and NX are required (Argon's page tables always use NX). */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	mov	$PHYS(msg_no_lm), %edx
	jb	early_fail
	mov	$0x80000001, %eax
	cpuid
	bt	$29, %edx
	mov	$PHYS(msg_no_lm), %edx
	jnc	early_fail
	mov	$0x80000001, %eax
	cpuid
	bt	$20, %edx
	mov	$PHYS(msg_no_nx), %edx
	jnc	early_fail

	/* Zero .bss: the loader is not required to. */
	mov	$PHYS(__bss_start), %edi
	mov	$PHYS(__bss_end), %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb

	/* L2: 2048 entries of 2 MiB pages covering 0-4 GiB. */
	mov	$PHYS(boot_l2), %edi
	mov	$0x83, %eax			/* present, writable, page size */
	xor	%edx, %edx
	mov	$2048, %ecx
1:	mov	%eax, (%edi)
	mov	%edx, 4(%edi)
	add	$0x200000, %eax
	adc	$0, %edx
	add	$8, %edi
	loop	1b

	/* L3: four entries, one per L2 page. */
	mov	$PHYS(boot_l3), %edi
	mov	$PHYS(boot_l2) + 3, %eax
	mov	$4, %ecx
1:	mov	%eax, (%edi)
	add	$0x1000, %eax
	add	$8, %edi
	loop	1b

	/* L4: the same L3 serves the identity map, the image window and the direct map. */
	mov	$PHYS(boot_l3) + 3, %eax
	mov	%eax, PHYS(boot_l4)
	mov	%eax, PHYS(boot_l4) + ((ARGON_VIRT_START >> 39) & 511) * 8
	mov	%eax, PHYS(boot_l4) + ((DIRECTMAP_VIRT_START >> 39) & 511) * 8

	mov	%cr4, %eax
	or	$0x20, %eax			/* PAE */
	mov	%eax, %cr4
	mov	$PHYS(boot_l4), %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx		/* EFER: long mode, NX */
	rdmsr
	or	$((1 << 8) | (1 << 11)), %eax
	wrmsr
	mov	%cr0, %eax
	or	$0x80010001, %eax		/* PG, WP, PE */
	mov	%eax, %cr0

	lgdt	PHYS(boot_gdt_desc)
	ljmp	$0x08, $PHYS(start64_low)

/* Print the message at EDX on COM1 and stop. */
early_fail:
	mov	%edx, %esi
	mov	$PHYS(msg_prefix), %ebx
	call	early_puts
	mov	%esi, %ebx
	call	early_puts
1:	hlt
	jmp	1b

early_puts:
	movb	(%ebx), %al
	test	%al, %al
	jz	2f
	mov	$COM1 + 5, %dx
1:	inb	%dx, %al
	test	$0x20, %al
	jz	1b
	movb	(%ebx), %al
	mov	$COM1, %dx
	outb	%al, %dx
	inc	%ebx
	jmp	early_puts
2:	ret

	.code64
start64_low:
	movabs	$start64, %rax
	jmp	*%rax

	.text
start64:
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	movabs	$boot_stack_top, %rsp
	xor	%ebp, %ebp			/* ends the frame-pointer chain for backtraces */
	mov	%esi, %edi			/* boot information (physical) */
	call	start_argon
1:	hlt
	jmp	1b

	.section .rodata
msg_prefix:	.asciz "Argon: cannot boot: "
msg_not_mb2:	.asciz "not started by a Multiboot2 loader\r\n"
msg_no_lm:	.asciz "this CPU has no long mode (x86-64)\r\n"
msg_no_nx:	.asciz "this CPU has no NX (no-execute) support\r\n"

	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff		/* 0x08: 64-bit code, ring 0 */
	.quad 0x00cf92000000ffff		/* 0x10: data, ring 0 */
boot_gdt_end:
boot_gdt_desc:
	.short boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)

	.section .bss.page_aligned, "aw", @nobits
	.balign 4096
	.globl boot_l4
boot_l4:	.skip 4096
boot_l3:	.skip 4096
boot_l2:	.skip 4 * 4096

/* The boot CPU's stack block (layout in asm/layout.h); its guard pages are left unmapped. */
	.section .bss.stack, "aw", @nobits
	.balign STACK_BLOCK_SIZE
	.globl boot_stack_block, boot_stack_top
boot_stack_block:	.skip STACK_BLOCK_SIZE - CPU_INFO_SIZE
boot_stack_top:		.skip CPU_INFO_SIZE
