/*
 * Loading a kernel image into a new HVM domain. hvm/build.c picks the loader from the image itself,
 * in this order: a Linux bzImage (boot flag and "HdrS", hvm/bzimage.c), an ELF kernel with the
 * XEN_ELFNOTE_PHYS32_ENTRY note (PVH, hvm/pvh.c), a Multiboot2 header in the first 32 KiB
 * (hvm/multiboot2.c), and otherwise an ELF kernel started as a Multiboot v1 loader starts one
 * (hvm/build.c). Each loader copies the image and its start-of-day information into guest RAM and
 * fills the vCPU's entry state. Helpers shared by the loaders are in hvm/load.c.
 */
#ifndef ASM_HVM_LOAD_H
#define ASM_HVM_LOAD_H

#include <argon/elf.h>
#include <argon/types.h>
#include <asm/hvm/firmware.h>
#include <asm/hvm/hvm.h>

/* Guest-physical scratch area below 1 MiB for start-of-day blocks (Multiboot2 MBI, PVH info). */
#define HVM_BOOT_INFO_GPA 0x10000UL
#define HVM_BOOT_INFO_SIZE 0x4000UL
#define HVM_LOAD_MIN 0x100000UL		/* kernels load at or above 1 MiB */

/** What every loader gets: the domain, its image and the machine it is built as. */
struct hvm_load_ctx {
	struct domain *d;
	const struct hvm_kernel *k;
	uint64_t mem;
	const struct e820_entry *e820;
	unsigned int nr_e820;
};

/** Load @img's PT_LOAD segments at their physical addresses, all inside [1 MiB, mem). */
int hvm_load_elf_segments(const struct hvm_load_ctx *c, const struct elf_image *img);

struct hvm_boot_info;

/** Writes a start-of-day block for a kernel loaded at @gpa into @buf; its size or -errno. */
typedef int (*hvm_info_builder)(const struct hvm_boot_info *b, uint64_t gpa, uint8_t *buf,
				size_t size);

/**
 * What the loaders with a start-of-day block share: the initrd (if any) page-aligned at the top
 * of RAM above @kernel_end (*@initrd = where, 0 for none; -ENOMEM if it does not fit), then
 * @build's block (@what names it in the error) with the memory map, command line, RSDP and the
 * initrd as the module, copied to HVM_BOOT_INFO_GPA.
 */
int hvm_write_boot_info(const struct hvm_load_ctx *c, uint64_t kernel_end, hvm_info_builder build,
			const char *what, uint64_t *initrd);

/**
 * The flat 32-bit protected-mode entry state with paging off: CS @cs (execute/read), every data
 * segment @ds (read/write), base 0, limit 4 GiB, empty GDTR/IDTR, a busy 32-bit TSS in TR with
 * selector @tr and limit @tr_limit, EFLAGS with only the reserved bit 1, EIP @entry.
 */
void hvm_flat32_state(struct hvm_boot_state *s, uint64_t entry, uint16_t cs, uint16_t ds,
		      uint16_t tr, uint32_t tr_limit);

/** True if @img has a PHYS32_ENTRY note: a PVH kernel. */
bool hvm_is_pvh(const struct elf_image *img);

/** Load the PVH kernel @img with its struct hvm_start_info (hvm/pvh.c). */
int hvm_load_pvh(const struct hvm_load_ctx *c, const struct elf_image *img,
		 struct hvm_boot_state *s);

/**
 * Load a Multiboot2 kernel (hvm/multiboot2.c). Returns -ENOENT when the image has no Multiboot2
 * header (another loader's turn), otherwise 0 or a negative errno.
 */
int hvm_load_multiboot2(const struct hvm_load_ctx *c, struct hvm_boot_state *s);

#endif
