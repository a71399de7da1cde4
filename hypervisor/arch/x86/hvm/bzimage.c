/*
 * Linux bzImages as HVM kernels, started the way QEMU's -kernel and other boot loaders do through
 * the Linux x86 boot protocol (Documentation/arch/x86/boot.rst), at its 32-bit entry: the
 * protected-mode kernel at 1 MiB, a zero page (struct boot_params) with the setup header copied
 * from the image and completed by the loader (type_of_loader 0xff, command line, initrd, E820
 * table, ACPI RSDP address), and the vCPU in flat 32-bit protected mode with paging off, CS
 * __BOOT_CS (0x10), data segments __BOOT_DS (0x18), ESI = the zero page, interrupts off.
 */
#include <argon/console.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/unaligned.h>
#include <asm/cpu.h>
#include <asm/hvm/firmware.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/load.h>

#define BP_GPA 0x7000UL			/* the zero page */
#define CMDLINE_GPA 0x20000UL
#define KERNEL_GPA 0x100000UL		/* where the protected-mode kernel is loaded */

/* Offsets in struct boot_params (Documentation/arch/x86/zero-page.rst, boot.rst). */
#define BP_ACPI_RSDP 0x070
#define BP_E820_ENTRIES 0x1e8
#define BP_HDR 0x1f1
#define BP_SETUP_SECTS 0x1f1
#define BP_BOOT_FLAG 0x1fe
#define BP_JUMP 0x200
#define BP_HEADER 0x202
#define BP_VERSION 0x206
#define BP_TYPE_OF_LOADER 0x210
#define BP_LOADFLAGS 0x211
#define BP_CODE32_START 0x214
#define BP_RAMDISK_IMAGE 0x218
#define BP_RAMDISK_SIZE 0x21c
#define BP_CMD_LINE_PTR 0x228
#define BP_INITRD_ADDR_MAX 0x22c
#define BP_CMDLINE_SIZE 0x238
#define BP_INIT_SIZE 0x260
#define BP_E820_TABLE 0x2d0
#define BP_E820_MAX 128
#define LOADED_HIGH 0x01

bool hvm_is_bzimage(const void *image, uint64_t len)
{
	const uint8_t *p = image;

	return len > 0x264 && get_le16(p + BP_BOOT_FLAG) == 0xaa55 &&
	       !memcmp(p + BP_HEADER, "HdrS", 4);
}

int hvm_load_bzimage(struct domain *d, const struct hvm_kernel *k, uint64_t mem,
		     const struct e820_entry *e820, unsigned int nr_e820, struct hvm_boot_state *s)
{
	const uint8_t *img = k->image;
	uint8_t *bp = NULL;
	uint32_t setup_sects = img[BP_SETUP_SECTS] ? img[BP_SETUP_SECTS] : 4;
	uint32_t hdr_end = BP_HEADER + img[BP_JUMP + 1], version = get_le16(img + BP_VERSION);
	uint64_t kernel_off = (setup_sects + 1) * 512ULL, kernel_len, initrd_gpa = 0;
	uint32_t cmdline_max, initrd_max, init_size;
	size_t n;
	unsigned int i;
	int rc = -ENOEXEC;

	if (version < 0x20c || hdr_end > PAGE_SIZE || hdr_end > k->len || kernel_off >= k->len ||
	    !(img[BP_LOADFLAGS] & LOADED_HIGH)) {
		log_err("HVM: bzImage boot protocol %#x (needs 2.12, a kernel loaded at 1 MiB)\n",
			version);
		return -ENOEXEC;
	}
	kernel_len = k->len - kernel_off;
	init_size = get_le32(img + BP_INIT_SIZE);
	if (KERNEL_GPA + MAX(kernel_len, (uint64_t)init_size) > mem) {
		log_err("HVM: the kernel needs %u KiB from 1 MiB: give the domain more memory\n",
			(unsigned int)(MAX(kernel_len, (uint64_t)init_size) >> 10));
		return -ENOMEM;
	}
	bp = alloc_xenheap(PAGE_SIZE);
	if (!bp) {
		return -ENOMEM;
	}
	memcpy(bp + BP_HDR, img + BP_HDR, hdr_end - BP_HDR);
	bp[BP_TYPE_OF_LOADER] = 0xff;			/* undefined loader */
	/* The command line, NUL-terminated within cmdline_size. */
	cmdline_max = get_le32(img + BP_CMDLINE_SIZE);
	n = MIN(strlen(k->cmdline), (size_t)MIN(cmdline_max, 4095u));
	if (hvm_copy_to_gpa(d, CMDLINE_GPA, k->cmdline, n) ||
	    hvm_copy_to_gpa(d, CMDLINE_GPA + n, NULL, 1)) {
		rc = -EFAULT;
		goto out;
	}
	memcpy(bp + BP_CMD_LINE_PTR, &(uint32_t){ CMDLINE_GPA }, 4);
	/* The initrd page-aligned at the top of RAM, below initrd_addr_max. */
	if (k->initrd_len) {
		initrd_max = get_le32(img + BP_INITRD_ADDR_MAX);
		initrd_gpa = MIN(mem, (uint64_t)initrd_max + 1);
		if (k->initrd_len > initrd_gpa) {
			rc = -ENOMEM;
			goto out;
		}
		initrd_gpa = ALIGN_DOWN(initrd_gpa - k->initrd_len, PAGE_SIZE);
		if (initrd_gpa < KERNEL_GPA + MAX(kernel_len, (uint64_t)init_size) ||
		    hvm_copy_to_gpa(d, initrd_gpa, k->initrd, k->initrd_len)) {
			log_err("HVM: the initrd (%llu KiB) does not fit above the kernel\n",
				(unsigned long long)(k->initrd_len >> 10));
			rc = -ENOMEM;
			goto out;
		}
		memcpy(bp + BP_RAMDISK_IMAGE, &(uint32_t){ (uint32_t)initrd_gpa }, 4);
		memcpy(bp + BP_RAMDISK_SIZE, &(uint32_t){ (uint32_t)k->initrd_len }, 4);
	}
	for (i = 0; i < nr_e820 && i < BP_E820_MAX; i++) {
		memcpy(bp + BP_E820_TABLE + 20 * i, &e820[i], 20);
	}
	bp[BP_E820_ENTRIES] = (uint8_t)i;
	memcpy(bp + BP_ACPI_RSDP, &(uint64_t){ HVM_ACPI_GPA }, 8);
	if (hvm_copy_to_gpa(d, KERNEL_GPA, img + kernel_off, kernel_len) ||
	    hvm_copy_to_gpa(d, BP_GPA, bp, PAGE_SIZE)) {
		rc = -EFAULT;
		goto out;
	}
	/* The 32-bit boot protocol's entry state: __BOOT_CS, __BOOT_DS, ESI = the zero page. */
	hvm_flat32_state(s, KERNEL_GPA, 0x10, 0x18, 0, 0xffff);	/* code32_start as loaded */
	s->regs.rsi = BP_GPA;
	log_info("HVM: bzImage, boot protocol %u.%02u, %llu KiB kernel at 1 MiB (init_size %u KiB), "
		 "initrd %llu KiB at %#llx\n", version >> 8, version & 0xff,
		 (unsigned long long)(kernel_len >> 10), init_size >> 10,
		 (unsigned long long)(k->initrd_len >> 10), (unsigned long long)initrd_gpa);
	rc = 0;
out:
	free_xenheap(bp, PAGE_SIZE);
	return rc;
}
