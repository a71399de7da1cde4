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

/** Copy the boot loader's memory map as the machine memory map shown to the hardware domain. */
void machine_map_init(const struct mb2_info *mbi);

/** Show the RAM in machine addresses [@start, @end) as reserved in the machine memory map. */
void machine_map_reserve(uint64_t start, uint64_t end);

/**
 * XENMEM_machine_memory_map for the calling domain: @arg points to a struct xen_memory_map.
 * Returns 0, -EPERM for an unprivileged caller, -EINVAL for a buffer with too little room or
 * -EFAULT.
 */
long machine_memory_map(uint64_t arg);

/** Memory totals at boot, in pages. */
struct memory_report {
	uint64_t ram, free, reserved, image, boot_alloc, modules, firmware;
};
extern struct memory_report boot_memory;

#endif
