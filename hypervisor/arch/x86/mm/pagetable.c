/*
 * Building and changing the hypervisor's own page tables: one table-driven walker for all four
 * levels. Tables are reached through the direct map; new ones come from the page-table allocator,
 * which is the boot allocator until the heap exists.
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <asm/page.h>
#include <asm/cpu.h>
#include <asm/mm.h>

uint64_t *idle_l4;

static unsigned int level_shift(unsigned int level)
{
	return 12 + 9 * (level - 1);
}

static unsigned int table_index(vaddr_t va, unsigned int level)
{
	return (va >> level_shift(level)) & (PT_ENTRIES - 1);
}

/* Intermediate entries grant everything; the leaf entries carry the real permissions. */
#define TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

static uint64_t *new_table(void)
{
	paddr_t pa;

	if (pt_alloc_page(&pa)) {
		return NULL;
	}
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return phys_to_virt(pa);
}

/* Replace the large page in *@pte (at @level > 1) with a table of the next level mapping the same. */
static int split_large(uint64_t *pte, unsigned int level)
{
	uint64_t *t = new_table();
	uint64_t base = *pte & PTE_ADDR_MASK & ~((1UL << level_shift(level)) - 1);
	uint64_t flags = *pte & ~PTE_ADDR_MASK;
	unsigned int i;

	if (!t) {
		return -ENOMEM;
	}
	if (level - 1 == 1) {
		flags &= ~_PAGE_PSE;	/* 4 KiB entries have no page-size bit */
	}
	for (i = 0; i < PT_ENTRIES; i++) {
		t[i] = (base + ((uint64_t)i << level_shift(level - 1))) | flags;
	}
	*pte = virt_to_phys(t) | TABLE_FLAGS;
	return 0;
}

int map_pages(uint64_t *l4, vaddr_t va, paddr_t pa, uint64_t size, uint64_t flags,
	      unsigned int max_level)
{
	uint64_t done = 0;

	while (done < size) {
		uint64_t *table = l4;
		unsigned int level;
		vaddr_t v = va + done;
		paddr_t p = pa + done;

		for (level = 4; level >= 1; level--) {
			uint64_t *pte = &table[table_index(v, level)];
			uint64_t step = 1UL << level_shift(level);

			/* A large leaf never replaces a table: that would orphan the mappings below it. */
			if (level <= max_level &&
			    (level == 1 || (!(v & (step - 1)) && !(p & (step - 1)) && size - done >= step &&
					    (!(*pte & _PAGE_PRESENT) || (*pte & _PAGE_PSE))))) {
				*pte = p | flags | (level > 1 ? _PAGE_PSE : 0);
				done += step;
				break;
			}
			if (!(*pte & _PAGE_PRESENT)) {
				uint64_t *t = new_table();

				if (!t) {
					return -ENOMEM;
				}
				*pte = virt_to_phys(t) | TABLE_FLAGS;
			} else if (*pte & _PAGE_PSE) {
				int rc = split_large(pte, level);

				if (rc) {
					return rc;
				}
			}
			table = phys_to_virt(*pte & PTE_ADDR_MASK);
		}
		invlpg((void *)v);
	}
	return 0;
}

int unmap_pages(uint64_t *l4, vaddr_t va, uint64_t size)
{
	uint64_t off;

	for (off = 0; off < size; off += PAGE_SIZE) {
		uint64_t *table = l4;
		unsigned int level;

		for (level = 4; level > 1; level--) {
			uint64_t *pte = &table[table_index(va + off, level)];

			if (!(*pte & _PAGE_PRESENT)) {
				break;
			}
			if ((*pte & _PAGE_PSE) && split_large(pte, level)) {
				return -ENOMEM;
			}
			table = phys_to_virt(*pte & PTE_ADDR_MASK);
		}
		if (level == 1) {
			table[table_index(va + off, 1)] = 0;
		}
		invlpg((void *)(va + off));
	}
	return 0;
}

int lookup_mapping(const uint64_t *l4, vaddr_t va, paddr_t *out)
{
	const uint64_t *table = l4;
	unsigned int level;

	for (level = 4; level >= 1; level--) {
		uint64_t e = table[table_index(va, level)];

		if (!(e & _PAGE_PRESENT)) {
			return -ENOENT;
		}
		if (level == 1 || (e & _PAGE_PSE)) {
			uint64_t size = 1UL << level_shift(level);

			*out = (e & PTE_ADDR_MASK & ~(size - 1)) | (va & (size - 1));
			return 0;
		}
		table = phys_to_virt(e & PTE_ADDR_MASK);
	}
	return -ENOENT;
}
