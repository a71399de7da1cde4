/*
 * The Multiboot2 header of the mb2 test guest, at the very start of its text (lib/hvm.lds), and
 * its entry stub. With MB2_ELF defined (tests/hvm/mb2elf/) the header has no address tag, so the
 * loader goes by the ELF program headers; otherwise the address tag describes the same layout
 * (the file from the header on lands at 1 MiB, up to _edata, bss to _end). Either way the entry
 * address tag names mb2_entry, not the ELF entry _start, so the guest can tell that the loader
 * honoured the tag. mb2_entry records the state a Multiboot2 loader leaves before lib/head.S
 * changes it.
 */
#define MB2_MAGIC 0xe85250d6
#define MB2_LEN (mb2_header_end - mb2_header)

	.section .mb2_header, "a"
	.balign 8
mb2_header:
	.long	MB2_MAGIC
	.long	0			/* i386 protected mode */
	.long	MB2_LEN
	.long	-(MB2_MAGIC + MB2_LEN)
	/* Information request, mandatory: cmdline, modules, basic meminfo, mmap, both RSDPs. */
	.balign 8
1:	.word	1, 0
	.long	2f - 1b
	.long	1, 3, 4, 6, 14, 15
2:
#ifndef MB2_ELF
	.balign 8
	.word	2, 0			/* address */
	.long	24
	.long	mb2_header		/* header_addr */
	.long	mb2_header		/* load_addr: the header opens the image */
	.long	_edata			/* load_end_addr */
	.long	_end			/* bss_end_addr */
#endif
	.balign 8
	.word	3, 0			/* entry address */
	.long	12
	.long	mb2_entry
	.balign 8
	.word	5, 1			/* framebuffer, optional: a loader without one goes on */
	.long	20
	.long	1024, 768, 32
	.balign 8
	.word	0, 0			/* end */
	.long	8
mb2_header_end:

	.text
	.code32
	.globl	mb2_entry
mb2_entry:
	mov	%eax, entry_eax
	mov	%ebx, entry_ebx
	mov	$entry_stack_top, %esp	/* no stack is promised at entry */
	pushf
	popl	entry_eflags
	mov	%cr0, %ecx
	mov	%ecx, entry_cr0
	mov	%cr4, %ecx
	mov	%ecx, entry_cr4
	movw	%cs, entry_cs
	movw	%ds, entry_ds
	movw	%ss, entry_ss
	movl	$1, entered_by_tag
	jmp	_start

	.data
	.balign 4
	.globl	entry_eax, entry_ebx, entry_eflags, entry_cr0, entry_cr4, entry_cs, entry_ds
	.globl	entry_ss, entered_by_tag
entry_eax:	.long 0
entry_ebx:	.long 0
entry_eflags:	.long 0
entry_cr0:	.long 0
entry_cr4:	.long 0
entry_cs:	.word 0
entry_ds:	.word 0
entry_ss:	.word 0
	.balign 4
entered_by_tag:	.long 0

	.bss
	.balign 16
	.space	256
entry_stack_top:
