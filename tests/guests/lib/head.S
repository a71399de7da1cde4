/*
 * Start of day of an Argon PV test kernel (x86-64 PV protocol): the ELF notes the domain builder
 * reads, the hypercall page it fills, and the entry point it starts the first vCPU at with
 * RSI = virtual address of start_info, RSP on the builder's boot stack, events masked, the flat
 * kernel selectors loaded and the builder's page tables (already pinned) in CR3.
 */
#include <public/xen.h>
#include <public/elfnote.h>

/* One "Xen" ELF note: type, then the assembler directive and data of its descriptor. */
.macro xen_note type:req, desctype:req, descdata:vararg
	.pushsection .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f		/* namesz */
	.long 4f - 3f		/* descsz */
	.long \type
1:	.asciz "Xen"
2:	.balign 4
3:	\desctype \descdata
4:	.balign 4
	.popsection
.endm

	xen_note XEN_ELFNOTE_GUEST_OS,		.asciz, "Argon-test"
	xen_note XEN_ELFNOTE_GUEST_VERSION,	.asciz, "1"
	xen_note XEN_ELFNOTE_XEN_VERSION,	.asciz, "xen-3.0"
	xen_note XEN_ELFNOTE_LOADER,		.asciz, "generic"
	xen_note XEN_ELFNOTE_VIRT_BASE,		.quad, GUEST_VIRT_BASE
	xen_note XEN_ELFNOTE_PADDR_OFFSET,	.quad, 0
	xen_note XEN_ELFNOTE_ENTRY,		.quad, _start
	xen_note XEN_ELFNOTE_HYPERCALL_PAGE,	.quad, hypercall_page
	xen_note XEN_ELFNOTE_FEATURES,		.asciz, "pae_pgdir_above_4gb"

	.section .text.head, "ax"
	.globl _start
_start:
	cld
	/* Keep start_info; the builder zeroed .bss (p_memsz beyond p_filesz), but do it again. */
	mov	%rsi, %r12
	lea	_bss_start(%rip), %rdi
	lea	_bss_end(%rip), %rcx
	sub	%rdi, %rcx
	shr	$3, %rcx
	xor	%eax, %eax
	rep stosq
	lea	boot_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	mov	%r12, %rdi
	call	guest_main
	/* guest_main never returns; if it does, stop here. */
1:	ud2
	jmp	1b

/*
 * The hypercall page: the hypervisor overwrites it with one 32-byte stub per hypercall number.
 * Until then every stub is int3s, so a call through an unfilled page traps instead of sliding.
 */
	.section .text.hypercall_page, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc
	.size hypercall_page, 4096

	.section .bss
	.balign 16
boot_stack:
	.skip 16384
boot_stack_top:
