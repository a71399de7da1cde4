/*
 * Guest memory for HVM vCPUs: linear addresses go through the guest's own paging mode and page
 * tables (read from guest RAM through the p2m), then through the p2m to machine frames. Used by
 * the hypercall handlers (copy_from_guest and friends choose this path for HVM vCPUs) and by the
 * instruction fetch of the MMIO emulator. Accessed and dirty bits are not set by these walks.
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <asm/cpu.h>
#include <asm/hvm/hvm.h>
#include <asm/page.h>

#define X86_CR4_PSE (1UL << 4)
#define PF_WRITE (1U << 1)

static int read_pte(const struct domain *d, uint64_t gpa, unsigned int size, uint64_t *pte)
{
	*pte = 0;
	return hvm_copy_from_gpa(d, pte, gpa, size);
}

/*
 * Walk the guest's tables (SDM vol. 3, 4.3 for 32-bit paging, 4.4 for PAE, 4.5 for 4-level).
 * Only presence is checked, not U/S or R/W: the hypervisor acts for the guest kernel.
 */
int hvm_translate(struct vcpu *v, uint64_t la, bool write, uint64_t *gpa, uint32_t *pf_ec)
{
	const struct domain *d = v->domain;
	uint64_t cr0 = hvm_ops->get_cr(v, 0), cr3 = hvm_ops->get_cr(v, 3);
	uint64_t cr4 = hvm_ops->get_cr(v, 4), efer = hvm_ops->get_efer(v);
	uint64_t pte, table;
	int level;

	*pf_ec = write ? PF_WRITE : 0;
	if (!(cr0 & X86_CR0_PG)) {
		*gpa = efer & (1UL << 10) ? la : la & 0xffffffffUL;
		return 0;
	}
	if (!(cr4 & X86_CR4_PAE)) {
		/* 32-bit paging: two levels of 4-byte entries, 4 MiB pages with CR4.PSE. */
		la &= 0xffffffffUL;
		if (read_pte(d, (cr3 & 0xfffff000UL) + ((la >> 22) & 1023) * 4, 4, &pte) ||
		    !(pte & _PAGE_PRESENT)) {
			return -EFAULT;
		}
		if ((pte & _PAGE_PSE) && (cr4 & X86_CR4_PSE)) {
			*gpa = (pte & 0xffc00000UL) | ((pte & 0x1fe000UL) << 19) | (la & 0x3fffff);
			return 0;
		}
		if (read_pte(d, (pte & 0xfffff000UL) + ((la >> 12) & 1023) * 4, 4, &pte) ||
		    !(pte & _PAGE_PRESENT)) {
			return -EFAULT;
		}
		*gpa = (pte & 0xfffff000UL) | (la & 0xfff);
		return 0;
	}
	if (efer & (1UL << 10)) {
		level = 4;		/* long mode: 4-level paging */
		table = cr3 & PTE_ADDR_MASK;
	} else {
		la &= 0xffffffffUL;	/* PAE: the PDPT holds 4 entries at CR3[31:5] */
		if (read_pte(d, (cr3 & 0xffffffe0UL) + ((la >> 30) & 3) * 8, 8, &pte) ||
		    !(pte & _PAGE_PRESENT)) {
			return -EFAULT;
		}
		level = 2;
		table = pte & PTE_ADDR_MASK;
	}
	for (; level > 0; level--) {
		unsigned int shift = 12 + 9 * (level - 1);

		if (read_pte(d, table + ((la >> shift) & 511) * 8, 8, &pte) || !(pte & _PAGE_PRESENT)) {
			return -EFAULT;
		}
		if (level > 1 && (pte & _PAGE_PSE)) {
			uint64_t mask = (1ULL << shift) - 1;

			*gpa = (pte & PTE_ADDR_MASK & ~mask) | (la & mask);
			return 0;
		}
		table = pte & PTE_ADDR_MASK;
	}
	*gpa = table | (la & 0xfff);
	return 0;
}

/* Copy in page-sized steps; @dst or @src is the guest side; @src NULL with @to zeroes. */
static int copy_linear(struct vcpu *v, void *hv, uint64_t la, size_t len, bool to)
{
	uint8_t *p = hv;

	while (len) {
		size_t n = MIN(len, PAGE_SIZE - (la & (PAGE_SIZE - 1)));
		uint64_t gpa;
		uint32_t ec;
		int rc;

		if (hvm_translate(v, la, to, &gpa, &ec)) {
			return -EFAULT;
		}
		rc = to ? hvm_copy_to_gpa(v->domain, gpa, p, n) : hvm_copy_from_gpa(v->domain, p, gpa, n);
		if (rc) {
			return rc;
		}
		if (p) {
			p += n;
		}
		la += n;
		len -= n;
	}
	return 0;
}

int hvm_copy_from_guest_linear(struct vcpu *v, void *dst, uint64_t src, size_t len)
{
	return copy_linear(v, dst, src, len, false);
}

int hvm_copy_to_guest_linear(struct vcpu *v, uint64_t dst, const void *src, size_t len)
{
	return copy_linear(v, (void *)src, dst, len, true);
}

int hvm_clear_guest_linear(struct vcpu *v, uint64_t dst, size_t len)
{
	return copy_linear(v, NULL, dst, len, true);
}
