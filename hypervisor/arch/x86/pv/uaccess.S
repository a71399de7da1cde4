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
 * long raw_load_gs_sel(unsigned int sel): load %gs with a guest selector; 0, or -EINVAL with
 * the null selector loaded when the descriptor faults (#GP or #NP).
 */
	.globl raw_load_gs_sel
raw_load_gs_sel:
5:	mov	%edi, %gs
	xor	%eax, %eax
	ret
6:	xor	%eax, %eax
	mov	%eax, %gs
	mov	$-EINVAL, %rax
	ret
	.section .ex_table, "a"
	.quad 5b, 6b
	.previous
