/*
 * Page-table helpers of an Argon PV test kernel: PTE bits, machine frames of our own pages,
 * remapping a page of the initial mapping (read-only, writable, or onto another frame) and the
 * shared_info mapping.
 */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include <stdbool.h>
#include <stdint.h>

#define PTE_P (1UL << 0)
#define PTE_RW (1UL << 1)
#define PTE_US (1UL << 2)
#define PTE_PWT (1UL << 3)
#define PTE_PCD (1UL << 4)
#define PTE_A (1UL << 5)
#define PTE_D (1UL << 6)
#define PTE_PSE (1UL << 7)
#define PTE_G (1UL << 8)
#define PTE_NX (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

/* Flags of an ordinary data mapping and of an upper-level entry. */
#define PTE_DATA (PTE_P | PTE_RW | PTE_A | PTE_D)
#define PTE_TABLE (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)

/* The machine frame behind a virtual address of the initial mapping. */
uint64_t virt_to_mfn(const void *va);

/* Map @va (page-aligned, in the initial mapping) to machine frame @mfn with @flags. */
long remap_page(const void *va, uint64_t mfn, uint64_t flags);
/* Map @va back onto its own frame, read-only or writable. */
long set_page_rw(const void *va, bool writable);

/*
 * Map shared_info (start_info->shared_info, a machine address) at a page of our .bss, as Linux
 * does with update_va_mapping, and set the global shared_info. Returns 0 or the hypercall error.
 */
long map_shared_info(void);

/*
 * A pool of zeroed, page-aligned, writable pages in .bss for page tables and test data: returns
 * the next one, or NULL when the pool is used up.
 */
void *page_alloc(void);

#endif /* GUEST_MM_H */
