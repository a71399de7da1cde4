/* The rule for descriptors a 64-bit PV guest may install (kept apart so host tests compile it). */
#include <asm/pv/descriptor.h>

/* Descriptor bits (SDM vol. 3, 3.4.5): present, DPL, S (code/data rather than system). */
#define DESC_P (1ULL << 47)
#define DESC_DPL_MASK (3ULL << 45)
#define DESC_S (1ULL << 44)

bool pv_descriptor_fixup(uint64_t *d)
{
	if (!(*d & DESC_P)) {
		return true;	/* not present: any load of it faults */
	}
	if (!(*d & DESC_S)) {
		return false;	/* system descriptors (gates, TSS, LDT) are the hypervisor's */
	}
	/*
	 * Guest kernel and user both run in ring 3, so a lower DPL could never be used as written:
	 * like Xen, raise it to 3 (Linux's GDT carries DPL-0 kernel segments).
	 */
	*d |= DESC_DPL_MASK;
	return true;
}

bool pv_descriptor_ok(uint64_t d)
{
	return pv_descriptor_fixup(&d);
}
