/*
 * Boot-time HVM domains: from an "argon:dom=N,hvm,..." module spec (setup.c) or, as a
 * shorthand, "hvm=<module-index>" on Argon's command line, which starts that module alone as HVM
 * domain 1 with "hvm_mem=<size>" of RAM (default 32 MiB, also the default of specs) and
 * "hvm_initrd=<module-index>" as its initrd or Multiboot2/PVH module. The loader is chosen from
 * the image (asm/hvm/load.h): a Linux bzImage (hvm/bzimage.c), a PVH kernel (hvm/pvh.c), a
 * Multiboot2 kernel (hvm/multiboot2.c), and otherwise an ELF file whose PT_LOAD segments are
 * loaded at their physical addresses, from 1 MiB up, and started as a Multiboot v1 loader starts
 * a kernel: 32-bit protected mode, paging off, flat 4 GiB segments, EAX = 0x2badb002, EBX = the
 * guest-physical address of a Multiboot information block with the memory sizes and the module's
 * command line. vCPU 0 starts there; the others wait for INIT/SIPI. The domain then runs on the
 * common scheduler beside the others.
 */
#include <argon/bootdom.h>
#include <argon/cmdline.h>
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/elf.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/multiboot2.h>
#include <argon/sched.h>
#include <argon/schedule.h>
#include <asm/cpu.h>
#include <asm/hvm/firmware.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/load.h>
#include <asm/page.h>

#define HVM_DOMID 1
#define MB1_INFO_GPA 0x9000UL
#define MB1_CMDLINE_GPA 0x9100UL
#define MB1_LOADER_MAGIC 0x2badb002U
#define MB1_INFO_MEMORY (1U << 0)
#define MB1_INFO_CMDLINE (1U << 2)
#define MB1_INFO_MMAP (1U << 6)
#define MB1_MMAP_GPA 0x8000UL
#define LOAD_MIN MB(1)

/** The Multiboot v1 information block up to the memory map (Multiboot specification 0.6.96, 3.3). */
struct mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4];
	uint32_t mmap_length, mmap_addr;
};

/** A Multiboot memory map entry: the E820 entry with the size of the rest in front. */
struct mb1_mmap_entry {
	uint32_t size;
	struct e820_entry e;
} __packed;

static char opt_hvm[16];
string_param("hvm", opt_hvm);
static char opt_hvm_initrd[16];
string_param("hvm_initrd", opt_hvm_initrd);
static uint64_t opt_hvm_mem = MB(32);
size_param("hvm_mem", opt_hvm_mem);

void hvm_domain_destroy(struct domain *d)
{
	mfn_t ring = d->arch.hvm ? d->arch.hvm->console_ring : _mfn(0);
	unsigned int i;

	if (d->arch.hvm) {
		for (i = 0; i < d->max_vcpus; i++) {
			struct vcpu *v = d->vcpus[i];

			if (!v->arch.hvm) {
				continue;
			}
			log_info("d%uv%u: %llu VM exits\n", d->domain_id, v->vcpu_id,
				 (unsigned long long)v->arch.hvm->nr_exits);
			vlapic_destroy(v);
			hvm_ops->vcpu_destroy(v);
			free_xenheap(v->arch.hvm, sizeof(struct hvm_vcpu));
			v->arch.hvm = NULL;
		}
		hvm_platform_destroy(d);
		hvm_p2m_destroy(d);
		free_xenheap(d->arch.hvm, sizeof(struct hvm_domain));
		d->arch.hvm = NULL;
	}
	domain_destroy(d);
	/* Argon stopped serving the ring in domain_destroy(). */
	hvm_console_free(ring);
}

static void multiboot_state(struct hvm_boot_state *s, uint64_t entry)
{
	hvm_flat32_state(s, entry, 0x08, 0x10, 0, 0xffff);
	s->regs.rax = MB1_LOADER_MAGIC;
	s->regs.rbx = MB1_INFO_GPA;
}

static int load_multiboot1(const struct hvm_load_ctx *c, const struct elf_image *img,
			   uint64_t *entry)
{
	struct mb1_info mbi = { 0 };
	unsigned int i;
	size_t n;
	int rc;

	rc = hvm_load_elf_segments(c, img);
	if (rc) {
		return rc;
	}
	if (img->entry < LOAD_MIN || img->entry >= c->mem) {
		log_err("HVM: entry point %#llx is outside the loaded image\n",
			(unsigned long long)img->entry);
		return -ENOEXEC;
	}
	mbi.flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MMAP;
	mbi.mem_lower = HVM_EBDA_GPA >> 10;
	mbi.mem_upper = (uint32_t)((c->mem - MB(1)) >> 10);
	mbi.cmdline = MB1_CMDLINE_GPA;
	mbi.mmap_addr = MB1_MMAP_GPA;
	mbi.mmap_length = (uint32_t)(c->nr_e820 * sizeof(struct mb1_mmap_entry));
	for (i = 0; i < c->nr_e820; i++) {
		struct mb1_mmap_entry m = { .size = sizeof(struct e820_entry), .e = c->e820[i] };

		if (hvm_copy_to_gpa(c->d, MB1_MMAP_GPA + i * sizeof(m), &m, sizeof(m))) {
			return -EFAULT;
		}
	}
	n = MIN(strlen(c->k->cmdline), (size_t)(PAGE_SIZE - 0x100 - 1));
	if (hvm_copy_to_gpa(c->d, MB1_INFO_GPA, &mbi, sizeof(mbi)) ||
	    hvm_copy_to_gpa(c->d, MB1_CMDLINE_GPA, c->k->cmdline, n)) {
		return -EFAULT;
	}
	*entry = img->entry;
	return 0;
}

/*
 * Load @k by the first loader whose format it has: bzImage, PVH (ELF with PHYS32_ENTRY),
 * Multiboot2 header, Multiboot v1 (any other ELF). The order puts the most specific marks first;
 * an image with both a PVH note and a Multiboot2 header (Xen's own, say) starts as PVH.
 */
static int load_image(struct domain *d, const struct hvm_kernel *k, uint64_t mem,
		      const struct e820_entry *e820, unsigned int nr_e820, struct hvm_boot_state *s)
{
	const struct hvm_load_ctx c = { .d = d, .k = k, .mem = mem, .e820 = e820, .nr_e820 = nr_e820 };
	struct elf_image img;
	const char *why = NULL;
	uint64_t entry = 0;
	bool is_elf;
	int rc;

	if (hvm_is_bzimage(k->image, k->len)) {
		return hvm_load_bzimage(d, k, mem, e820, nr_e820, s);
	}
	is_elf = !elf_parse(k->image, k->len, &img, &why);
	if (is_elf && hvm_is_pvh(&img)) {
		return hvm_load_pvh(&c, &img, s);
	}
	rc = hvm_load_multiboot2(&c, s);
	if (rc != -ENOENT) {
		return rc;
	}
	if (!is_elf) {
		log_err("HVM: the module is neither a bzImage nor a Multiboot2 kernel nor a usable "
			"ELF image: %s\n", why);
		return -ENOEXEC;
	}
	rc = load_multiboot1(&c, &img, &entry);
	if (!rc) {
		multiboot_state(s, entry);
	}
	return rc;
}

/* The ACPI tables in the BIOS area below 1 MiB, where guests look for the RSDP. */
static int build_firmware(struct domain *d)
{
	struct hvm_acpi_config c = {
		.base_gpa = HVM_ACPI_GPA, .nr_vcpus = d->max_vcpus, .lapic_addr = VLAPIC_BASE,
		.ioapic_addr = VIOAPIC_BASE, .ioapic_id = 0,
	};
	uint8_t *buf = alloc_xenheap(HVM_ACPI_SIZE);
	int rc;

	if (!buf) {
		return -ENOMEM;
	}
	rc = hvm_acpi_build(&c, buf, HVM_ACPI_SIZE);
	if (!rc) {
		rc = hvm_copy_to_gpa(d, HVM_ACPI_GPA, buf, HVM_ACPI_SIZE);
	}
	free_xenheap(buf, HVM_ACPI_SIZE);
	return rc;
}

/* The HVM state of @v: its vendor block, local APIC (ID = vCPU ID) and registers. */
static int vcpu_setup(struct vcpu *v, const struct hvm_boot_state *boot)
{
	v->arch.hvm = alloc_xenheap(sizeof(struct hvm_vcpu));
	if (!v->arch.hvm) {
		return -ENOMEM;
	}
	memset(v->arch.hvm, 0, sizeof(struct hvm_vcpu));
	v->arch.hvm->log_budget = 50;
	vlapic_init(v, v->vcpu_id);
	return hvm_ops->vcpu_create(v, boot, v->domain->arch.hvm->p2m_root);
}

int hvm_build_domain(const struct boot_domain_spec *spec, const struct hvm_kernel *k,
		     struct domain **out)
{
	struct e820_entry e820[HVM_E820_MAX];
	unsigned int nr_e820, i, id = spec->domid;
	uint64_t mem_bytes = spec->mem ? spec->mem : opt_hvm_mem;
	struct hvm_boot_state boot;
	struct domain *d;
	uint64_t entry = 0;
	int rc;

	if (!hvm_available()) {
		log_err("HVM: no hardware support: cannot start an HVM domain\n");
		return -ENODEV;
	}
	mem_bytes = ALIGN_DOWN(mem_bytes, PAGE_SIZE);
	if (mem_bytes < MB(2) || mem_bytes > GB(3)) {
		log_err("HVM: an HVM domain's memory must be between 2 MiB and 3 GiB\n");
		return -EINVAL;
	}
	rc = domain_create((domid_t)id, spec->privileged, mem_bytes >> PAGE_SHIFT, spec->vcpus, &d);
	if (rc) {
		return rc;
	}
	d->arch.hvm = alloc_xenheap(sizeof(struct hvm_domain));
	if (!d->arch.hvm) {
		rc = -ENOMEM;
		goto fail;
	}
	memset(d->arch.hvm, 0, sizeof(struct hvm_domain));
	d->arch.hvm->tsc_offset = -rdtsc();
	hvm_physmap_init(d);
	strlcpy(d->cmdline, k->cmdline, sizeof(d->cmdline));
	log_info("*** Building HVM domain %u (%s, %llu MiB) ***\n", id, hvm_ops->name,
		 (unsigned long long)(mem_bytes >> 20));
	rc = hvm_p2m_create(d, mem_bytes >> PAGE_SHIFT);
	if (rc) {
		goto fail;
	}
	rc = hvm_console_init(d);
	if (rc) {
		goto fail;
	}
	nr_e820 = hvm_e820_build(mem_bytes, e820);
	rc = build_firmware(d);
	if (rc) {
		goto fail;
	}
	rc = load_image(d, k, mem_bytes, e820, nr_e820, &boot);
	entry = boot.regs.rip;
	if (rc) {
		goto fail;
	}
	hvm_platform_init(d, mem_bytes);
	/* vCPU 0 starts at the entry; the others wait for INIT and SIPI from it (vlapic.c). */
	for (i = 0; i < d->max_vcpus && !rc; i++) {
		rc = vcpu_setup(d->vcpus[i], &boot);
		if (i && !rc) {
			d->vcpus[i]->arch.hvm->down = true;
			d->vcpus[i]->arch.hvm->wait_sipi = true;
		}
	}
	if (rc) {
		goto fail;
	}
	sched_set_domain_params(d, spec->weight, spec->cap);
	log_info("HVM: d%u: %llu MiB RAM, %u vCPU(s), nested tables in %llu frames, entry %#llx\n",
		 id, (unsigned long long)(mem_bytes >> 20), d->max_vcpus,
		 (unsigned long long)d->arch.hvm->p2m_table_pages, (unsigned long long)entry);
	*out = d;
	return 0;

fail:
	hvm_domain_destroy(d);
	return rc;
}

bool hvm_boot_requested(void)
{
	return opt_hvm[0] != '\0';
}

void hvm_boot_domain(const struct mb2_module *mods, unsigned int nr)
{
	struct hvm_kernel k = { .initrd = NULL, .initrd_len = 0 };
	struct boot_domain_spec spec = {
		.domid = HVM_DOMID, .mem = opt_hvm_mem, .vcpus = 1, .weight = SCHED_DEFAULT_WEIGHT,
	};
	const struct mb2_module *m;
	struct domain *d;
	const char *end;
	uint64_t index;
	int rc;

	if (parse_u64(opt_hvm, &end, &index) || *end) {
		panic("hvm=%s: not a module index", opt_hvm);
	}
	if (index >= nr) {
		panic("hvm=%llu: there are only %u boot modules", (unsigned long long)index, nr);
	}
	m = &mods[index];
	k.image = phys_to_virt(m->start);
	k.len = m->end - m->start;
	k.cmdline = m->cmdline ? m->cmdline : "";
	if (opt_hvm_initrd[0]) {
		if (parse_u64(opt_hvm_initrd, &end, &index) || *end || index >= nr) {
			panic("hvm_initrd=%s: not a module index", opt_hvm_initrd);
		}
		k.initrd = phys_to_virt(mods[index].start);
		k.initrd_len = mods[index].end - mods[index].start;
	}
	log_info("Memory: %llu KiB free before building the HVM domain\n",
		 (unsigned long long)sys_heap.free_pages * 4);
	rc = hvm_build_domain(&spec, &k, &d);
	if (rc) {
		panic("cannot build the HVM domain (error %d)", rc);
	}
}
