/*
 * What the HVM kernel loaders share (asm/hvm/load.h): ELF segments into guest RAM, the initrd at
 * the top of RAM with the start-of-day block that describes it, and the flat 32-bit entry state
 * every loader starts from.
 */
#include <argon/console.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <asm/hvm/boot_info.h>
#include <asm/cpu.h>
#include <asm/hvm/load.h>
#include <asm/page.h>

int hvm_load_elf_segments(const struct hvm_load_ctx *c, const struct elf_image *img)
{
	unsigned int i;

	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (s->paddr < HVM_LOAD_MIN || s->paddr + s->memsz > c->mem ||
		    s->paddr + s->memsz < s->paddr) {
			log_err("HVM: segment at %#llx-%#llx is outside guest RAM above 1 MiB\n",
				(unsigned long long)s->paddr,
				(unsigned long long)(s->paddr + s->memsz));
			return -ENOEXEC;
		}
		/* The rest up to memsz is bss: guest RAM is zeroed when it is allocated. */
		if (hvm_copy_to_gpa(c->d, s->paddr, img->data + s->offset, s->filesz)) {
			return -EFAULT;
		}
	}
	return 0;
}

/*
 * Copy the initrd (if any) page-aligned to the top of RAM, above @kernel_end; *@gpa is where
 * (0 when there is none). -ENOMEM if it does not fit.
 */
static int load_initrd(const struct hvm_load_ctx *c, uint64_t kernel_end, uint64_t *gpa)
{
	uint64_t at;

	*gpa = 0;
	if (!c->k->initrd_len) {
		return 0;
	}
	/* Below 4 GiB: Multiboot2 module tags hold 32-bit addresses. */
	at = MIN(c->mem, (uint64_t)GB(4));
	if (c->k->initrd_len > at || ALIGN_DOWN(at - c->k->initrd_len, PAGE_SIZE) < kernel_end) {
		log_err("HVM: the initrd (%llu KiB) does not fit above the kernel\n",
			(unsigned long long)(c->k->initrd_len >> 10));
		return -ENOMEM;
	}
	at = ALIGN_DOWN(at - c->k->initrd_len, PAGE_SIZE);
	if (hvm_copy_to_gpa(c->d, at, c->k->initrd, c->k->initrd_len)) {
		return -EFAULT;
	}
	*gpa = at;
	return 0;
}

int hvm_write_boot_info(const struct hvm_load_ctx *c, uint64_t kernel_end, hvm_info_builder build,
			const char *what, uint64_t *initrd)
{
	uint8_t rsdp[36];
	struct hvm_boot_info b = {
		.mem = c->mem, .e820 = c->e820, .nr_e820 = c->nr_e820, .cmdline = c->k->cmdline,
		.rsdp = rsdp, .rsdp_gpa = HVM_ACPI_GPA,
	};
	uint8_t *buf;
	int rc;

	rc = load_initrd(c, ALIGN_UP(kernel_end, PAGE_SIZE), initrd);
	if (!rc) {
		/* The RSDP the firmware builder wrote, read back for the blocks that carry a copy. */
		rc = hvm_copy_from_gpa(c->d, rsdp, HVM_ACPI_GPA, sizeof(rsdp));
	}
	if (rc) {
		return rc;
	}
	b.has_module = c->k->initrd_len != 0;
	b.module_gpa = *initrd;
	b.module_len = c->k->initrd_len;
	buf = alloc_xenheap(HVM_BOOT_INFO_SIZE);
	if (!buf) {
		return -ENOMEM;
	}
	rc = build(&b, HVM_BOOT_INFO_GPA, buf, HVM_BOOT_INFO_SIZE);
	if (rc >= 0) {
		rc = hvm_copy_to_gpa(c->d, HVM_BOOT_INFO_GPA, buf, (size_t)rc);
	}
	free_xenheap(buf, HVM_BOOT_INFO_SIZE);
	if (rc) {
		log_err("HVM: %s does not fit (command line too long?)\n", what);
	}
	return rc;
}

static struct hvm_segment flat(uint16_t sel, uint16_t type)
{
	/* Present, DPL 0, code/data, 32-bit, 4 KiB granularity, base 0, limit 4 GiB. */
	return (struct hvm_segment){ .sel = sel, .attr = type | 0x90 | 0xc00, .limit = 0xffffffff };
}

void hvm_flat32_state(struct hvm_boot_state *s, uint64_t entry, uint16_t cs, uint16_t ds,
		      uint16_t tr, uint32_t tr_limit)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->regs.rip = entry;
	s->regs.rflags = X86_EFLAGS_MBS;
	s->cr0 = X86_CR0_PE | (1UL << 4);	/* ET: hardwired on every CPU since the 486 */
	for (i = HVM_SEG_ES; i <= HVM_SEG_GS; i++) {
		s->segs[i] = flat(ds, 0x3);	/* read/write data, accessed */
	}
	s->segs[HVM_SEG_CS] = flat(cs, 0xb);	/* execute/read code, accessed */
	s->segs[HVM_SEG_GDTR] = (struct hvm_segment){ .limit = 0xffff };
	s->segs[HVM_SEG_IDTR] = (struct hvm_segment){ .limit = 0xffff };
	s->segs[HVM_SEG_LDTR] = (struct hvm_segment){ .attr = 0x82, .limit = 0xffff };
	/* Present, busy 32-bit TSS: VMRUN requires a usable TR even with paging and tasks unused. */
	s->segs[HVM_SEG_TR] = (struct hvm_segment){ .sel = tr, .attr = 0x8b, .limit = tr_limit };
}
