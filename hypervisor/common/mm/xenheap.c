/* Hypervisor-internal allocations in whole pages, on top of the buddy allocator. */
#include <argon/arch.h>
#include <argon/lib.h>
#include <argon/mm.h>

static unsigned int order_for(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size) {
		order++;
	}
	return order;
}

void *alloc_xenheap(size_t size)
{
	unsigned int order = order_for(size), i;
	mfn_t m;
	uint8_t *p;

	if (heap_alloc(&sys_heap, order, DOMID_XEN, &m)) {
		return NULL;
	}
	p = arch_mfn_to_virt(m);
	for (i = 0; i < (1u << order); i++) {
		clear_page(p + i * PAGE_SIZE);
	}
	return p;
}

void free_xenheap(void *p, size_t size)
{
	if (p) {
		heap_free(&sys_heap, arch_virt_to_mfn(p), order_for(size));
	}
}
