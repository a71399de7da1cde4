/* Page-table helpers: remapping pages of the initial mapping and mapping shared_info. */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/mm.h>

#define POOL_PAGES 96

static uint8_t shared_info_page[4096] __attribute__((aligned(4096)));
static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned int pool_used;

uint64_t virt_to_mfn(const void *va)
{
	return pfn_to_mfn(virt_to_pfn(va));
}

long remap_page(const void *va, uint64_t mfn, uint64_t flags)
{
	return HYPERVISOR_update_va_mapping((uint64_t)(uintptr_t)va, (mfn << 12) | flags,
					    UVMF_INVLPG | UVMF_LOCAL);
}

long set_page_rw(const void *va, bool writable)
{
	return remap_page(va, virt_to_mfn(va), writable ? PTE_DATA : PTE_P | PTE_A);
}

long map_shared_info(void)
{
	long rc;

	if (shared_info) {
		return 0;
	}
	rc = remap_page(shared_info_page, start_info->shared_info >> 12, PTE_DATA);
	if (!rc) {
		shared_info = (struct shared_info *)(void *)shared_info_page;
	}
	return rc;
}

void *page_alloc(void)
{
	void *p;

	if (pool_used >= POOL_PAGES) {
		return NULL;
	}
	p = pool[pool_used++];
	memset(p, 0, 4096);
	return p;
}
