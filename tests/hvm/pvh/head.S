/*
 * The PVH test guest's entry: a XEN_ELFNOTE_PHYS32_ENTRY note naming pvh_entry (the image is
 * built as ELF-32 with the x86-64 machine type, see ../Makefile), and pvh_entry recording the
 * start state the PVH ABI defines before lib/head.S changes it. It enters lib/head.S with
 * EAX = PVH_START_MAGIC so lib.c reads the command line from struct hvm_start_info.
 */
	.pushsection .note.Xen, "a", @note
	.balign 4
	.long	4			/* namesz */
	.long	4			/* descsz */
	.long	18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz	"Xen"
	.long	pvh_entry
	.popsection

	.text
	.code32
	.globl	pvh_entry
pvh_entry:
	mov	%ebx, entry_ebx
	mov	%esp, entry_esp
	mov	$entry_stack_top, %esp	/* the ABI promises no stack */
	pushf
	popl	entry_eflags
	mov	%cr0, %ecx
	mov	%ecx, entry_cr0
	mov	%cr4, %ecx
	mov	%ecx, entry_cr4
	movw	%cs, entry_cs
	movw	%ds, entry_ds
	movw	%es, entry_es
	movw	%ss, entry_ss
	str	entry_tr		/* TR's limit and type are not readable without a GDT entry */
	mov	$0x336ec578, %eax
	jmp	_start

	.data
	.balign 4
	.globl	entry_ebx, entry_esp, entry_eflags, entry_cr0, entry_cr4
	.globl	entry_cs, entry_ds, entry_es, entry_ss, entry_tr
entry_ebx:	.long 0
entry_esp:	.long 0
entry_eflags:	.long 0
entry_cr0:	.long 0
entry_cr4:	.long 0
entry_cs:	.word 0
entry_ds:	.word 0
entry_es:	.word 0
entry_ss:	.word 0
entry_tr:	.word 0

	.bss
	.balign 16
	.space	256
entry_stack_top:
