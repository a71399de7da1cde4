/* Boot-time memory setup of the x86 hypervisor. */
#ifndef ASM_MM_H
#define ASM_MM_H

#include <argon/multiboot2.h>
#include <argon/types.h>

/** A page for a new page table: from the boot allocator until the heap is up. Returns 0 or -ENOMEM. */
int pt_alloc_page(paddr_t *out);

/**
 * Take over memory: build Argon's final page tables (image with W^X, direct map, frame table),
 * switch to them, set up the frame table and hand every free RAM frame to the page allocator.
 */
void memory_init(const struct mb2_info *mbi, paddr_t mbi_pa);

/** Memory totals at boot, in pages. */
struct memory_report {
	uint64_t ram, free, reserved, image, boot_alloc, modules, firmware;
};
extern struct memory_report boot_memory;

#endif
