/*
 * Guest memory copies. A fault inside the marked instructions is fixed up (see search_extable):
 * the copy returns -EFAULT instead of taking the hypervisor down.
 */
#define EFAULT 14
#define EINVAL 22

	.text
/* long raw_copy_guest(void *dst, const void *src, size_t len): 0 or -EFAULT. */
	.globl raw_copy_guest
raw_copy_guest:
	mov	%rdx, %rcx
1:	rep movsb
	xor	%eax, %eax
	ret
2:	mov	$-EFAULT, %rax
	ret
	.section .ex_table, "a"
	.quad 1b, 2b
	.previous

/* long raw_clear_guest(void *dst, size_t len): 0 or -EFAULT. */
	.globl raw_clear_guest
raw_clear_guest:
	mov	%rsi, %rcx
	xor	%eax, %eax
3:	rep stosb
	ret
4:	mov	$-EFAULT, %rax
	ret
	.section .ex_table, "a"
	.quad 3b, 4b
	.previous

/*
 * long raw_load_<seg>_sel(unsigned int sel): load %ds, %es, %fs or %gs with a guest selector; 0,
 * or -EINVAL with the null selector loaded when the descriptor faults (#GP, #NP or #SS).
 */
.macro RAW_LOAD_SEL seg
	.globl raw_load_\seg\()_sel
raw_load_\seg\()_sel:
1:	mov	%edi, %\seg
	xor	%eax, %eax
	ret
2:	xor	%eax, %eax
	mov	%eax, %\seg
	mov	$-EINVAL, %rax
	ret
	.section .ex_table, "a"
	.quad 1b, 2b
	.previous
.endm
	RAW_LOAD_SEL ds
	RAW_LOAD_SEL es
	RAW_LOAD_SEL fs
	RAW_LOAD_SEL gs
