/* x86-64 page-table entries and the hypervisor's own mappings. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <argon/types.h>
#include <asm/layout.h>

#define _PAGE_PRESENT (1UL << 0)
#define _PAGE_RW (1UL << 1)
#define _PAGE_USER (1UL << 2)
#define _PAGE_PWT (1UL << 3)
#define _PAGE_PCD (1UL << 4)
#define _PAGE_ACCESSED (1UL << 5)
#define _PAGE_DIRTY (1UL << 6)
#define _PAGE_PSE (1UL << 7)
#define _PAGE_GLOBAL (1UL << 8)
#define _PAGE_NX (1UL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000UL

/* Mapping types for the hypervisor's own page tables. */
#define PAGE_HYPERVISOR_RX (_PAGE_PRESENT | _PAGE_ACCESSED)
#define PAGE_HYPERVISOR_RO (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_HYPERVISOR_RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX)
#define PAGE_HYPERVISOR_UC (PAGE_HYPERVISOR_RW | _PAGE_PCD | _PAGE_PWT)

#define PT_ENTRIES 512

static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(DIRECTMAP_VIRT_START + pa);
}

static inline paddr_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;

	return v >= DIRECTMAP_VIRT_START ? v - DIRECTMAP_VIRT_START : v - ARGON_VIRT_START;
}

/** The hypervisor's root page table (an L4), as a direct-map pointer. */
extern uint64_t *idle_l4;

/**
 * Map [@va, @va + @size) to machine addresses from @pa in the tables under @l4 with @flags,
 * using pages up to 2^(12 + 9 * (@max_level - 1)) bytes (max_level 1: 4 KiB, 2: 2 MiB, 3: 1 GiB).
 * Existing larger mappings in the way are split. Returns 0 or -ENOMEM.
 */
int map_pages(uint64_t *l4, vaddr_t va, paddr_t pa, uint64_t size, uint64_t flags,
	      unsigned int max_level);

/** The machine address @va maps to in the tables under @l4: 0, or -ENOENT when unmapped. */
int lookup_mapping(const uint64_t *l4, vaddr_t va, paddr_t *out);

/** Remove the 4 KiB mappings of [@va, @va + @size) from @l4 (splitting larger pages). */
int unmap_pages(uint64_t *l4, vaddr_t va, uint64_t size);

/** Map @size bytes of device registers at @pa uncached; returns the virtual address or NULL. */
void *ioremap(paddr_t pa, size_t size);

/** True if [@pa, @pa + @len) is covered by the direct map. */
bool directmap_covers(paddr_t pa, uint64_t len);

#endif
