/*
 * Multiboot2 kernels as HVM guests (Multiboot2 specification 2.0): the header in the first 32 KiB
 * says where the kernel goes, either by its address tag (the file from the header's position
 * back to load_addr, up to load_end_addr, bss zeroed up to bss_end_addr, entered at the entry
 * address tag) or by the ELF program headers (entered at the entry tag if present, else the ELF
 * entry). The machine state is section 3.3's: 32-bit protected mode, paging off, flat 4 GiB CS
 * (execute/read) and data segments, EFLAGS.IF and VM clear, EAX = 0x36d76289, EBX = the
 * guest-physical address of the boot information (cmdline, loader name, basic memory information,
 * the memory map, both ACPI RSDP copies, the module given by hvm_initrd=, the end tag).
 */
#include <argon/console.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mb2_header.h>
#include <argon/mm.h>
#include <argon/multiboot2.h>
#include <asm/hvm/boot_info.h>
#include <asm/hvm/load.h>
#include <asm/page.h>

#define MB2_CS 0x08
#define MB2_DS 0x10

/* The address tag's layout: file bytes, then bss, all inside RAM above 1 MiB. */
static int load_by_address(const struct hvm_load_ctx *c, const struct mb2_header *h,
			   uint64_t *end)
{
	const uint8_t *img = c->k->image;

	if (h->load_addr < HVM_LOAD_MIN || h->load_addr + h->mem_len > c->mem) {
		log_err("HVM: Multiboot2 image at %#x-%#llx is outside guest RAM above 1 MiB\n",
			h->load_addr, (unsigned long long)(h->load_addr + h->mem_len));
		return -ENOEXEC;
	}
	if (hvm_copy_to_gpa(c->d, h->load_addr, img + h->file_offset, h->file_len)) {
		return -EFAULT;
	}
	*end = h->load_addr + h->mem_len;
	return 0;
}

static int load_by_elf(const struct hvm_load_ctx *c, const struct mb2_header *h, uint64_t *entry,
		       uint64_t *end)
{
	struct elf_image img;
	const char *why = NULL;
	int rc;

	if (elf_parse(c->k->image, c->k->len, &img, &why)) {
		log_err("HVM: a Multiboot2 kernel without an address tag must be ELF: %s\n", why);
		return -ENOEXEC;
	}
	rc = hvm_load_elf_segments(c, &img);
	if (rc) {
		return rc;
	}
	*entry = h->has_entry ? h->entry_addr : img.entry;
	*end = img.pend;
	return 0;
}

/* The MBI holds no address of its own, so the builder ignores where it goes. */
static int mb2_info_build(const struct hvm_boot_info *b, uint64_t gpa, uint8_t *buf, size_t size)
{
	return hvm_mb2_info_build(b, buf, size);
}

int hvm_load_multiboot2(const struct hvm_load_ctx *c, struct hvm_boot_state *s)
{
	struct mb2_header h;
	const char *why = NULL;
	uint64_t entry = 0, end = 0, initrd = 0;
	int rc;

	rc = mb2_header_parse(c->k->image, c->k->len, HVM_MB2_PROVIDED, &h, &why);
	if (rc == -ENOENT) {
		return rc;
	}
	if (rc) {
		log_err("HVM: Multiboot2 header at %#x refused: %s\n", h.offset, why);
		return rc;
	}
	if (h.has_address) {
		entry = h.entry_addr;
		rc = load_by_address(c, &h, &end);
	} else {
		rc = load_by_elf(c, &h, &entry, &end);
	}
	if (rc) {
		return rc;
	}
	if (entry < HVM_LOAD_MIN || entry >= end) {
		log_err("HVM: Multiboot2 entry point %#llx is outside the loaded image\n",
			(unsigned long long)entry);
		return -ENOEXEC;
	}
	rc = hvm_write_boot_info(c, end, mb2_info_build, "the Multiboot2 information", &initrd);
	if (rc) {
		return rc;
	}
	hvm_flat32_state(s, entry, MB2_CS, MB2_DS, 0, 0xffff);
	s->regs.rax = MB2_BOOTLOADER_MAGIC;
	s->regs.rbx = HVM_BOOT_INFO_GPA;
	log_info("HVM: Multiboot2 kernel (%s), entry %#llx, loaded up to %#llx, information at "
		 "%#lx, module %llu KiB at %#llx\n", h.has_address ? "address tag" : "ELF",
		 (unsigned long long)entry, (unsigned long long)end, HVM_BOOT_INFO_GPA,
		 (unsigned long long)(c->k->initrd_len >> 10), (unsigned long long)initrd);
	return 0;
}
