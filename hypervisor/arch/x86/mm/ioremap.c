/* Uncached mappings of device registers, handed out from the I/O window and never reused. */
#include <argon/console.h>
#include <argon/lib.h>
#include <asm/page.h>

static vaddr_t ioremap_next = IOREMAP_VIRT_START;

void *ioremap(paddr_t pa, size_t size)
{
	paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	uint64_t len = ALIGN_UP(pa + size, PAGE_SIZE) - base;
	vaddr_t va = ioremap_next;

	if (!size || len > IOREMAP_VIRT_END - va - PAGE_SIZE) {
		return NULL;
	}
	if (map_pages(idle_l4, va, base, len, PAGE_HYPERVISOR_UC, 1)) {
		return NULL;
	}
	/* An unmapped page after each mapping catches overruns. */
	ioremap_next = va + len + PAGE_SIZE;
	return (void *)(va + (pa - base));
}
