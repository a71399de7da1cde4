/*
 * PVH kernels: an ELF image (ELF-64, or ELF-32 with the x86-64 machine type) with the
 * XEN_ELFNOTE_PHYS32_ENTRY note, loaded by physical address and entered at that note's address
 * the way Xen starts a PVH guest (docs/abi/pvh.md): 32-bit protected mode with paging off, flat
 * 4 GiB CS (execute/read) and data segments, a 32-bit TSS of limit 0x67 in TR, CR4 and EFER
 * clear, EFLAGS = 2, EBX = the guest-physical address of a version-1 struct hvm_start_info with
 * the command line, the initrd as module 0, the ACPI RSDP and the memory map.
 */
#include <argon/console.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <asm/hvm/boot_info.h>
#include <asm/hvm/load.h>
#include <asm/page.h>

/* The selectors Xen's PVH start state uses; the ABI leaves their values to the loader. */
#define PVH_CS 0x08
#define PVH_DS 0x10
#define PVH_TR 0x18
#define PVH_TSS_LIMIT 0x67

bool hvm_is_pvh(const struct elf_image *img)
{
	return img->notes.has_phys32_entry;
}

static bool entry_loaded(const struct elf_image *img, uint64_t entry)
{
	unsigned int i;

	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (entry >= s->paddr && entry < s->paddr + s->filesz) {
			return true;
		}
	}
	return false;
}

int hvm_load_pvh(const struct hvm_load_ctx *c, const struct elf_image *img,
		 struct hvm_boot_state *s)
{
	uint64_t entry = img->notes.phys32_entry, initrd = 0;
	int rc;

	if (!entry_loaded(img, entry)) {
		log_err("HVM: PVH entry point %#llx is not in a loaded segment\n",
			(unsigned long long)entry);
		return -ENOEXEC;
	}
	rc = hvm_load_elf_segments(c, img);
	if (!rc) {
		rc = hvm_write_boot_info(c, img->pend, hvm_pvh_info_build, "the PVH start info",
					 &initrd);
	}
	if (rc) {
		return rc;
	}
	hvm_flat32_state(s, entry, PVH_CS, PVH_DS, PVH_TR, PVH_TSS_LIMIT);
	s->regs.rbx = HVM_BOOT_INFO_GPA;
	log_info("HVM: PVH kernel (ELF%s), entry %#llx, %llu KiB from %#llx, start info at %#lx, "
		 "initrd %llu KiB at %#llx\n", img->is_elf32 ? "32" : "64",
		 (unsigned long long)entry, (unsigned long long)((img->pend - img->pstart) >> 10),
		 (unsigned long long)img->pstart, HVM_BOOT_INFO_GPA,
		 (unsigned long long)(c->k->initrd_len >> 10), (unsigned long long)initrd);
	return 0;
}
