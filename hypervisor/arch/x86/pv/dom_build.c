/*
 * The PV domain builder for boot-time domains: loads an ELF kernel with Xen notes and lays out
 * the x86-64 PV start of day (Xen's public xen.h "start-of-day memory layout"): from pfn 0, mapped
 * at VIRT_BASE, come the kernel, the initrd (unless MOD_START_PFN asks for it unmapped), the p2m
 * list, start_info, for unprivileged domains the xenstore page (a zeroed placeholder until a
 * toolstack brings xenstore) and the console ring page (served by Argon: guest_console.c), the
 * boot page tables [L4][L3][L2][L1...] and a boot stack page; the mapping
 * ends on a 4 MiB boundary at least 512 KiB past the last of them and fits one L2 (1 GiB).
 */
#include <argon/bootdom.h>
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/elf.h>
#include <argon/errno.h>
#include <argon/guest_console.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/schedule.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv/mm.h>
#include <public/features.h>
#include <public/xen.h>

/* Entry flags of the boot page tables: user-accessible, since the guest kernel runs in ring 3. */
#define BOOT_TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_USER)
#define BOOT_LEAF_FLAGS (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_USER)

/* Features a kernel may require of Argon (FEATURES "!name"). */
#define SUPPORTED_FEATURES ((1u << XENFEAT_pae_pgdir_above_4gb) | (1u << XENFEAT_dom0))

struct layout {
	uint64_t virt_base, nr_pages;
	uint64_t kernel_pfn, kernel_end_pfn;	/* [kernel_pfn, kernel_end_pfn) */
	uint64_t initrd_pfn, initrd_pages;	/* initrd_pages 0: none */
	bool initrd_unmapped;
	uint64_t p2m_pfn, p2m_pages;
	uint64_t start_info_pfn;
	bool domu;				/* unprivileged: gets store and console pages */
	uint64_t store_pfn, console_pfn;	/* valid when domu */
	uint64_t pt_pfn, nr_pt;			/* L4, L3, L2, then the L1s */
	uint64_t stack_pfn;
	uint64_t mapped_pages;			/* pfns [0, mapped_pages) are mapped at virt_base */
};

static uint64_t pages_for(uint64_t bytes)
{
	return (bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

static int plan(struct layout *l, const struct elf_image *img, uint64_t initrd_len, const char **why)
{
	const struct xen_notes *n = &img->notes;
	uint64_t next, nr_l1 = 1, prev = 0;

	l->virt_base = n->virt_base;
	if (l->virt_base & (MB(4) - 1)) {
		*why = "VIRT_BASE is not 4 MiB aligned";
		return -EINVAL;
	}
	if (img->pstart < n->paddr_offset) {
		*why = "a segment lies below PADDR_OFFSET";
		return -EINVAL;
	}
	l->kernel_pfn = (img->pstart - n->paddr_offset) >> PAGE_SHIFT;
	l->kernel_end_pfn = pages_for(img->pend - n->paddr_offset);
	l->initrd_pages = pages_for(initrd_len);
	l->initrd_unmapped = n->mod_start_pfn && initrd_len;
	l->p2m_pages = pages_for(l->nr_pages * sizeof(uint64_t));
	/* The page-table count depends on the size of what they map: iterate until it settles. */
	while (nr_l1 != prev) {
		prev = nr_l1;
		next = l->kernel_end_pfn;
		if (!l->initrd_unmapped) {
			l->initrd_pfn = next;
			next += l->initrd_pages;
		}
		l->p2m_pfn = next;
		next += l->p2m_pages;
		l->start_info_pfn = next++;
		if (l->domu) {
			l->store_pfn = next++;
			l->console_pfn = next++;
		}
		l->pt_pfn = next;
		next += 3 + nr_l1;
		l->stack_pfn = next++;
		l->mapped_pages = ALIGN_UP(next + pages_for(KB(512)), pages_for(MB(4)));
		nr_l1 = l->mapped_pages / PT_ENTRIES;
	}
	l->nr_pt = 3 + nr_l1;
	if (l->initrd_unmapped) {
		l->initrd_pfn = l->mapped_pages;
	}
	if (((l->virt_base >> 21) & (PT_ENTRIES - 1)) + nr_l1 > PT_ENTRIES) {
		*why = "the initial mapping does not fit one L2 (1 GiB)";
		return -E2BIG;
	}
	if (l->mapped_pages + (l->initrd_unmapped ? l->initrd_pages : 0) > l->nr_pages) {
		*why = "not enough memory for the kernel and its start-of-day data";
		return -ENOMEM;
	}
	return 0;
}

static void *pfn_va(const uint64_t *p2m, uint64_t pfn)
{
	return arch_mfn_to_virt(_mfn(p2m[pfn]));
}

/* Copy @len bytes to guest pseudo-physical address @gpa, a page at a time. */
static void copy_to_pseudo_phys(const uint64_t *p2m, uint64_t gpa, const uint8_t *src, uint64_t len)
{
	while (len) {
		uint64_t off = gpa & (PAGE_SIZE - 1), n = MIN(len, PAGE_SIZE - off);

		memcpy((uint8_t *)pfn_va(p2m, gpa >> PAGE_SHIFT) + off, src, n);
		gpa += n;
		src += n;
		len -= n;
	}
}

/* 64-bit hypercall stubs (32 bytes each): they keep rcx and r11, which syscall clobbers. */
static void fill_hypercall_page(uint8_t *page)
{
	unsigned int i;

	memset(page, 0xcc, PAGE_SIZE);
	for (i = 0; i < PAGE_SIZE / 32; i++) {
		uint8_t *p = page + i * 32;

		if (i == __HYPERVISOR_iret) {
			/* push %rcx; push %r11; push %rax; mov $23,%eax; syscall (does not return) */
			static const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05 };

			memcpy(p, iret, sizeof(iret));
			continue;
		}
		/* push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret */
		p[0] = 0x51;
		p[1] = 0x41;
		p[2] = 0x53;
		p[3] = 0xb8;
		p[4] = (uint8_t)i;
		p[5] = p[6] = p[7] = 0;
		p[8] = 0x0f;
		p[9] = 0x05;
		p[10] = 0x41;
		p[11] = 0x5b;
		p[12] = 0x59;
		p[13] = 0xc3;
	}
}

static void build_page_tables(const struct layout *l, const uint64_t *p2m)
{
	uint64_t *l4 = pfn_va(p2m, l->pt_pfn), *l3 = pfn_va(p2m, l->pt_pfn + 1);
	uint64_t *l2 = pfn_va(p2m, l->pt_pfn + 2);
	uint64_t va = l->virt_base, pfn, i;

	l4[(va >> 39) & 511] = (p2m[l->pt_pfn + 1] << PAGE_SHIFT) | BOOT_TABLE_FLAGS;
	l3[(va >> 30) & 511] = (p2m[l->pt_pfn + 2] << PAGE_SHIFT) | BOOT_TABLE_FLAGS;
	for (i = 0; i < l->nr_pt - 3; i++) {
		l2[((va >> 21) & 511) + i] = (p2m[l->pt_pfn + 3 + i] << PAGE_SHIFT) | BOOT_TABLE_FLAGS;
	}
	for (pfn = 0; pfn < l->mapped_pages; pfn++) {
		uint64_t *l1 = pfn_va(p2m, l->pt_pfn + 3 + pfn / PT_ENTRIES);
		bool is_table = pfn >= l->pt_pfn && pfn < l->pt_pfn + l->nr_pt;

		/* Page-table frames are mapped read-only: a guest never writes them directly. */
		l1[pfn % PT_ENTRIES] = (p2m[pfn] << PAGE_SHIFT) | BOOT_LEAF_FLAGS | (is_table ? 0 : _PAGE_RW);
	}
	/* The hypervisor's slots, shared by every address space. */
	for (i = 256; i < 272; i++) {
		l4[i] = idle_l4[i];
	}
}

static void fill_start_info(const struct layout *l, const uint64_t *p2m, struct domain *d,
			    const char *cmdline, uint64_t initrd_len, evtchn_port_t console_port)
{
	struct start_info *si = pfn_va(p2m, l->start_info_pfn);
	uint64_t vb = l->virt_base;

	memset(si, 0, sizeof(*si));
	strlcpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic));
	si->nr_pages = l->nr_pages;
	si->shared_info = mfn_to_paddr(d->shared_info_mfn);
	si->flags = (d->is_privileged ? SIF_PRIVILEGED : 0) |
		    (d->is_privileged && d->domain_id == 0 ? SIF_INITDOMAIN : 0) |
		    (l->initrd_unmapped ? SIF_MOD_START_PFN : 0);
	si->pt_base = vb + (l->pt_pfn << PAGE_SHIFT);
	si->nr_pt_frames = l->nr_pt;
	si->mfn_list = vb + (l->p2m_pfn << PAGE_SHIFT);
	if (initrd_len) {
		si->mod_start = l->initrd_unmapped ? l->initrd_pfn : vb + (l->initrd_pfn << PAGE_SHIFT);
		si->mod_len = initrd_len;
	}
	if (l->domu) {
		/* store_mfn/store_evtchn stay 0 (no xenstore yet: Linux takes its local path). */
		si->console.domU.mfn = p2m[l->console_pfn];
		si->console.domU.evtchn = console_port;
	}
	strlcpy(si->cmd_line, cmdline, sizeof(si->cmd_line));
}

static int populate(struct domain *d, struct layout *l, uint64_t **p2m_out)
{
	uint64_t order = 0, pfn;
	mfn_t buf;
	uint64_t *p2m;
	int rc;

	/* A scratch p2m in hypervisor memory: the guest's own copy lives in frames not yet known. */
	while ((PAGE_SIZE << order) < l->nr_pages * sizeof(uint64_t)) {
		order++;
	}
	rc = heap_alloc(&sys_heap, (unsigned int)order, DOMID_XEN, &buf);
	if (rc) {
		return rc;
	}
	p2m = arch_mfn_to_virt(buf);
	for (pfn = 0; pfn < l->nr_pages; pfn++) {
		mfn_t m;

		rc = domain_alloc_page(d, &m);
		if (rc) {
			heap_free(&sys_heap, buf, (unsigned int)order);
			return rc;
		}
		p2m[pfn] = mfn_x(m);
		m2p_set_entry(m, pfn);
	}
	*p2m_out = p2m;
	l->p2m_pages = pages_for(l->nr_pages * sizeof(uint64_t));
	return (int)order;
}

static int load_kernel(const struct elf_image *img, const uint64_t *p2m)
{
	unsigned int i;

	for (i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->segments[i];

		/* Frames start zeroed, so only the file part of each segment is copied. */
		copy_to_pseudo_phys(p2m, s->paddr - img->notes.paddr_offset, img->data + s->offset,
				    s->filesz);
	}
	return 0;
}

/*
 * Hold the console ring frame for as long as Argon serves it: without the references the guest
 * could unmap it and give it back (decrease_reservation, exchange), and Argon would go on writing
 * the ring into a frame that is now another domain's, or pin it as a page table and have Argon
 * write its entries. Released in arch_domain_destroy(), after the console stops serving it.
 */
static int hold_console_ring(struct domain *d, mfn_t m)
{
	struct page_info *pg = pv_mfn_to_page(m);
	int rc;

	spin_lock(&d->arch.mm_lock);
	rc = pg ? get_page(pg, d) : -EINVAL;
	if (!rc) {
		rc = get_page_type(d, pg, PGT_WRITABLE, false);
		if (rc) {
			put_page(pg);
		}
	}
	spin_unlock(&d->arch.mm_lock);
	if (!rc) {
		d->arch.console_ring = m;
	}
	return rc;
}

int pv_build_domain(const struct boot_domain_spec *spec, const void *kernel, uint64_t kernel_len,
		    const void *initrd, uint64_t initrd_len, uint64_t mem_bytes, struct domain **out)
{
	const char *cmdline = spec->guest_cmdline;
	unsigned int id = spec->domid;
	static struct elf_image img;
	struct layout l = { 0 };
	struct cpu_regs regs;
	struct domain *d;
	struct vcpu *v;
	const char *why = "";
	uint64_t *p2m = NULL, hpage;
	evtchn_port_t console_port = 0;
	int rc, order;

	log_info("*** Building domain %u (%llu KiB kernel, %llu KiB initrd, %llu MiB) ***\n", id,
		 (unsigned long long)kernel_len >> 10, (unsigned long long)initrd_len >> 10,
		 (unsigned long long)mem_bytes >> 20);
	rc = elf_parse(kernel, kernel_len, &img, &why);
	if (!rc) {
		rc = xen_notes_check(&img, SUPPORTED_FEATURES, &why);
	}
	if (rc) {
		log_err("d%u: kernel rejected: %s\n", id, why);
		return rc;
	}
	l.nr_pages = mem_bytes >> PAGE_SHIFT;
	l.domu = !spec->privileged;
	rc = plan(&l, &img, initrd_len, &why);
	if (rc) {
		log_err("d%u: cannot lay out the domain: %s\n", id, why);
		return rc;
	}
	if (img.notes.has_hypercall_page &&
	    (img.notes.hypercall_page < l.virt_base + (l.kernel_pfn << PAGE_SHIFT) ||
	     img.notes.hypercall_page >= l.virt_base + (l.kernel_end_pfn << PAGE_SHIFT) ||
	     (img.notes.hypercall_page & (PAGE_SIZE - 1)))) {
		log_err("d%u: kernel rejected: HYPERCALL_PAGE is not a page of the kernel image\n", id);
		return -EINVAL;
	}
	if (img.notes.entry < l.virt_base + (l.kernel_pfn << PAGE_SHIFT) ||
	    img.notes.entry >= l.virt_base + (l.kernel_end_pfn << PAGE_SHIFT)) {
		log_err("d%u: kernel rejected: ENTRY lies outside the kernel image\n", id);
		return -EINVAL;
	}
	rc = domain_create((domid_t)id, spec->privileged, l.nr_pages, spec->vcpus, &d);
	if (rc) {
		return rc;
	}
	strlcpy(d->cmdline, cmdline, sizeof(d->cmdline));
	order = populate(d, &l, &p2m);
	if (order < 0) {
		log_err("d%u: cannot allocate %llu pages (error %d)\n", id, (unsigned long long)l.nr_pages,
			order);
		domain_destroy(d);
		return order;
	}
	load_kernel(&img, p2m);
	if (initrd_len) {
		copy_to_pseudo_phys(p2m, l.initrd_pfn << PAGE_SHIFT, initrd, initrd_len);
	}
	copy_to_pseudo_phys(p2m, l.p2m_pfn << PAGE_SHIFT, (const uint8_t *)p2m,
			    l.nr_pages * sizeof(uint64_t));
	build_page_tables(&l, p2m);
	if (l.domu) {
		/* The ring page is zeroed like every new frame; Argon is the other end of its port. */
		rc = hold_console_ring(d, _mfn(p2m[l.console_pfn]));
		if (!rc) {
			rc = console_ring_attach(d, _mfn(p2m[l.console_pfn]), &console_port);
		}
		if (rc) {
			log_err("d%u: cannot set up the console ring (error %d)\n", id, rc);
			heap_free(&sys_heap, paddr_to_mfn(virt_to_phys(p2m)), (unsigned int)order);
			domain_destroy(d);
			return rc;
		}
	}
	fill_start_info(&l, p2m, d, cmdline, initrd_len, console_port);
	if (img.notes.has_hypercall_page) {
		hpage = (img.notes.hypercall_page - l.virt_base) >> PAGE_SHIFT;
		fill_hypercall_page(pfn_va(p2m, hpage));
	}
	log_info("d%u: virt base %#llx, kernel pfns %#llx-%#llx, p2m at %#llx, start_info at %#llx,"
		 " %llu page tables at %#llx, stack at %#llx, %llu pages mapped\n", id,
		 (unsigned long long)l.virt_base, (unsigned long long)l.kernel_pfn,
		 (unsigned long long)l.kernel_end_pfn, (unsigned long long)(l.virt_base + (l.p2m_pfn << 12)),
		 (unsigned long long)(l.virt_base + (l.start_info_pfn << 12)), (unsigned long long)l.nr_pt,
		 (unsigned long long)(l.virt_base + (l.pt_pfn << 12)),
		 (unsigned long long)(l.virt_base + (l.stack_pfn << 12)),
		 (unsigned long long)l.mapped_pages);

	v = d->vcpus[0];
	rc = pv_pin_table(d, _mfn(p2m[l.pt_pfn]), PGT_L4);
	if (!rc) {
		rc = pv_set_guest_table(v, _mfn(p2m[l.pt_pfn]), false);
	}
	heap_free(&sys_heap, paddr_to_mfn(virt_to_phys(p2m)), (unsigned int)order);
	if (rc) {
		log_err("d%u: boot page tables refused by validation (error %d)\n", id, rc);
		domain_destroy(d);
		return rc;
	}

	memset(&regs, 0, sizeof(regs));
	regs.rip = img.notes.entry;
	regs.rsp = l.virt_base + ((l.stack_pfn + 1) << PAGE_SHIFT);
	regs.rsi = l.virt_base + (l.start_info_pfn << PAGE_SHIFT);
	regs.rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;
	regs.cs = FLAT_KERNEL_CS;
	regs.ss = FLAT_KERNEL_SS;
	v->arch.kernel_ss = FLAT_KERNEL_SS;
	v->arch.kernel_sp = regs.rsp;
	v->arch.saved_regs = regs;
	sched_set_domain_params(d, spec->weight, spec->cap);
	log_info("d%u: %u vCPU(s), weight %u, cap %u%%, entry %#llx\n", id, spec->vcpus, spec->weight,
		 spec->cap, (unsigned long long)regs.rip);
	*out = d;
	return 0;
}
