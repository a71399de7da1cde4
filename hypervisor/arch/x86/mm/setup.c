/*
 * Taking over memory at boot. The loader's memory map says where RAM is; the image, the boot
 * information, the modules and the first MiB (firmware data, real-mode trampolines later) are
 * kept out of the allocator. A boot allocator carves the frame table and the first page tables
 * from one free chunk below 4 GiB (the only memory the early page tables reach); whatever it does
 * not use goes to the heap with the rest.
 */
#include <argon/console.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <asm/cpu.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv/mm.h>

struct range {
	uint64_t start, end;	/* bytes, [start, end) */
	uint16_t owner;
	uint8_t kind;
};

enum { R_FIRMWARE, R_IMAGE, R_BOOTINFO, R_MODULE, R_BOOTALLOC };

#define MAX_RESERVED (4 + MB2_MAX_MODULES)

static struct range ram[MB2_MAX_MMAP], listed[MB2_MAX_MMAP], reserved[MAX_RESERVED];
static unsigned int nr_ram, nr_listed, nr_reserved;
static paddr_t balloc_start, balloc_next, balloc_end;
static bool heap_ready;
struct memory_report boot_memory;

extern char __image_start[], __text_end[], __rodata_end[], __image_end[];
extern char boot_stack_block[];

static paddr_t image_pa(const void *p)
{
	return (uint64_t)p - ARGON_VIRT_START;
}

int pt_alloc_page(paddr_t *out)
{
	if (heap_ready) {
		mfn_t m;
		int rc = heap_alloc(&sys_heap, 0, DOMID_XEN, &m);

		*out = mfn_to_paddr(m);
		return rc;
	}
	if (balloc_next + PAGE_SIZE > balloc_end) {
		return -ENOMEM;
	}
	*out = balloc_next;
	balloc_next += PAGE_SIZE;
	return 0;
}

/* Insert [start, end) into a sorted range list, merging overlaps and neighbours. */
static void add_range(struct range *list, unsigned int *nr, uint64_t start, uint64_t end)
{
	unsigned int i, j;

	if (start >= end) {
		return;
	}
	for (i = 0; i < *nr && list[i].end < start; i++) {
	}
	if (i < *nr && list[i].start <= end) {
		list[i].start = MIN(list[i].start, start);
		list[i].end = MAX(list[i].end, end);
		/* The grown range may now reach the ones after it. */
		while (i + 1 < *nr && list[i + 1].start <= list[i].end) {
			list[i].end = MAX(list[i].end, list[i + 1].end);
			for (j = i + 1; j + 1 < *nr; j++) {
				list[j] = list[j + 1];
			}
			(*nr)--;
		}
		return;
	}
	if (*nr == MB2_MAX_MMAP) {
		log_warn("memory: too many ranges, ignoring %#llx-%#llx\n", (unsigned long long)start,
			 (unsigned long long)end);
		return;
	}
	for (j = *nr; j > i; j--) {
		list[j] = list[j - 1];
	}
	list[i] = (struct range){ start, end, 0, 0 };
	(*nr)++;
}

static void reserve(uint64_t start, uint64_t end, uint8_t kind)
{
	if (nr_reserved < MAX_RESERVED && start < end) {
		/*
		 * The first MiB is I/O memory as on Xen (BIOS data, VGA, option ROMs, firmware
		 * tables): the hardware domain may map it, nobody may allocate it.
		 */
		reserved[nr_reserved++] = (struct range){ ALIGN_DOWN(start, PAGE_SIZE),
							  ALIGN_UP(end, PAGE_SIZE),
							  kind == R_FIRMWARE ? DOMID_IO : DOMID_XEN, kind };
	}
}

/* The lowest reserved range overlapping [start, end), or NULL. */
static const struct range *overlap(uint64_t start, uint64_t end)
{
	const struct range *best = NULL;
	unsigned int i;

	for (i = 0; i < nr_reserved; i++) {
		if (reserved[i].start < end && start < reserved[i].end &&
		    (!best || reserved[i].start < best->start)) {
			best = &reserved[i];
		}
	}
	return best;
}

/* Find @need bytes of RAM below 4 GiB touching no reserved range, as high as possible. */
static int find_boot_chunk(uint64_t need, paddr_t *out)
{
	int i;

	for (i = (int)nr_ram - 1; i >= 0; i--) {
		uint64_t end = MIN(ram[i].end, GB(4));

		while (end >= ram[i].start + need) {
			uint64_t start = ALIGN_DOWN(end - need, MB(2));
			const struct range *r;

			if (start < ram[i].start) {
				start = ALIGN_DOWN(end - need, PAGE_SIZE);
			}
			r = overlap(start, end);
			if (!r) {
				*out = start;
				return 0;
			}
			end = r->start;
		}
	}
	return -ENOMEM;
}

static void must(int rc, const char *what)
{
	if (rc) {
		panic("memory: cannot %s (error %d)", what, rc);
	}
}

bool directmap_covers(paddr_t pa, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < nr_listed; i++) {
		if (pa >= listed[i].start && pa + len <= listed[i].end && pa + len >= pa) {
			return true;
		}
	}
	return false;
}

static void build_page_tables(paddr_t ft_pa, uint64_t ft_bytes)
{
	uint64_t *l4;
	paddr_t pa;
	unsigned int i, max_level = boot_cpu.page1gb ? 3 : 2;

	must(pt_alloc_page(&pa), "allocate the root page table");
	l4 = phys_to_virt(pa);
	memset(l4, 0, PAGE_SIZE);

	/* The image: text executable, read-only data read-only, data and stacks never executable. */
	must(map_pages(l4, (vaddr_t)__image_start, image_pa(__image_start),
		       (uint64_t)(__text_end - __image_start), PAGE_HYPERVISOR_RX, 1), "map text");
	must(map_pages(l4, (vaddr_t)__text_end, image_pa(__text_end),
		       (uint64_t)(__rodata_end - __text_end), PAGE_HYPERVISOR_RO, 1), "map rodata");
	must(map_pages(l4, (vaddr_t)__rodata_end, image_pa(__rodata_end),
		       (uint64_t)(__image_end - __rodata_end), PAGE_HYPERVISOR_RW, 1), "map data");
	/* The boot stack block's guard pages stay unmapped: an overflow faults, not corrupts. */
	must(unmap_pages(l4, (vaddr_t)boot_stack_block + STACK_GUARD1_OFFSET, PAGE_SIZE), "guard");
	must(unmap_pages(l4, (vaddr_t)boot_stack_block + STACK_GUARD2_OFFSET, PAGE_SIZE), "guard");

	/* The direct map: every range the firmware lists, never executable. */
	for (i = 0; i < nr_listed; i++) {
		must(map_pages(l4, DIRECTMAP_VIRT_START + listed[i].start, listed[i].start,
			       listed[i].end - listed[i].start, PAGE_HYPERVISOR_RW, max_level),
		     "build the direct map");
	}
	/* Its alias of the image's text and read-only data is read-only too (W^X holds there). */
	must(map_pages(l4, DIRECTMAP_VIRT_START + image_pa(__image_start), image_pa(__image_start),
		       (uint64_t)(__rodata_end - __image_start), PAGE_HYPERVISOR_RO, 1),
	     "protect the image alias");

	must(map_pages(l4, FRAMETABLE_VIRT_START, ft_pa, ft_bytes, PAGE_HYPERVISOR_RW, 2),
	     "map the frame table");

	write_cr3(virt_to_phys(l4));
	idle_l4 = l4;
}

static uint64_t pages(uint64_t bytes)
{
	return bytes >> PAGE_SHIFT;
}

/* Give every RAM frame outside the reserved ranges to the heap; account for the rest. */
static void populate_heap(void)
{
	unsigned int i, j;

	for (i = 0; i < nr_ram; i++) {
		uint64_t start = ram[i].start;

		boot_memory.ram += pages(ram[i].end - ram[i].start);
		while (start < ram[i].end) {
			const struct range *r = overlap(start, ram[i].end);
			uint64_t end = r ? MAX(r->start, start) : ram[i].end;

			if (end > start) {
				must(heap_add_free_range(&sys_heap, paddr_to_mfn(start), pages(end - start)),
				     "add free memory");
			}
			if (!r) {
				break;
			}
			start = MAX(start, MIN(r->end, ram[i].end));
		}
	}
	for (j = 0; j < nr_reserved; j++) {
		for (i = 0; i < nr_ram; i++) {
			uint64_t s = MAX(reserved[j].start, ram[i].start);
			uint64_t e = MIN(reserved[j].end, ram[i].end);

			if (s >= e) {
				continue;
			}
			heap_reserve_range(&sys_heap, paddr_to_mfn(s), pages(e - s), reserved[j].owner);
			switch (reserved[j].kind) {
			case R_FIRMWARE:
				boot_memory.firmware += pages(e - s);
				break;
			case R_IMAGE:
				boot_memory.image += pages(e - s);
				break;
			case R_MODULE:
				boot_memory.modules += pages(e - s);
				break;
			case R_BOOTALLOC:
				boot_memory.boot_alloc += pages(e - s);
				break;
			default:
				break;
			}
		}
	}
	boot_memory.free = sys_heap.free_pages;
	boot_memory.reserved = boot_memory.ram - boot_memory.free;
}

void memory_init(const struct mb2_info *mbi, paddr_t mbi_pa)
{
	uint64_t max_ram = 0, ft_bytes, need, max_addr = 0;
	paddr_t ft_pa;
	unsigned int i;

	for (i = 0; i < mbi->nr_mmap; i++) {
		const struct mb2_mmap_entry *e = &mbi->mmap[i];

		log_info("  %016llx - %016llx  %s\n", (unsigned long long)e->addr,
			 (unsigned long long)(e->addr + e->len),
			 e->type == MB2_MEMORY_AVAILABLE ? "RAM" :
			 e->type == MB2_MEMORY_ACPI_RECLAIMABLE ? "ACPI data" :
			 e->type == MB2_MEMORY_NVS ? "ACPI NVS" :
			 e->type == MB2_MEMORY_BADRAM ? "bad RAM" : "reserved");
		add_range(listed, &nr_listed, ALIGN_DOWN(e->addr, PAGE_SIZE),
			  ALIGN_UP(e->addr + e->len, PAGE_SIZE));
		if (e->type == MB2_MEMORY_AVAILABLE) {
			add_range(ram, &nr_ram, ALIGN_UP(e->addr, PAGE_SIZE),
				  ALIGN_DOWN(e->addr + e->len, PAGE_SIZE));
		}
	}
	if (!nr_ram) {
		panic("memory: the boot loader's memory map lists no RAM");
	}
	max_ram = ram[nr_ram - 1].end;
	max_addr = listed[nr_listed - 1].end;

	reserve(0, MB(1), R_FIRMWARE);
	reserve(image_pa(__image_start), image_pa(__image_end), R_IMAGE);
	reserve(mbi_pa, mbi_pa + mbi->total_size, R_BOOTINFO);
	for (i = 0; i < mbi->nr_modules; i++) {
		reserve(mbi->modules[i].start, mbi->modules[i].end, R_MODULE);
	}

	ft_bytes = ALIGN_UP(pages(max_ram) * sizeof(struct page_info), PAGE_SIZE);
	/* Page tables: an L2 per GiB mapped, L1s at the edges of each range, and some slack. */
	need = ALIGN_UP(ft_bytes, MB(2)) +
	       (max_addr / GB(1) + 2 * nr_listed + 2 * nr_reserved + 64) * PAGE_SIZE;
	if (find_boot_chunk(need, &balloc_start)) {
		panic("memory: no %llu KiB of free RAM below 4 GiB for the frame table",
		      (unsigned long long)(need >> 10));
	}
	balloc_next = balloc_start;
	balloc_end = balloc_start + need;
	ft_pa = balloc_start;
	balloc_next += ALIGN_UP(ft_bytes, MB(2));

	build_page_tables(ft_pa, ft_bytes);

	must(heap_init(&sys_heap, (struct page_info *)FRAMETABLE_VIRT_START, pages(max_ram)),
	     "set up the frame table");
	/* From here on page tables come from the heap; the boot chunk keeps only what it handed out. */
	reserve(balloc_start, balloc_next, R_BOOTALLOC);
	machine_map_init(mbi);
	machine_map_reserve(image_pa(__image_start), image_pa(__image_end));
	machine_map_reserve(balloc_start, balloc_next);
	populate_heap();
	heap_ready = true;
	m2p_init();

	log_info("Memory: %llu KiB RAM, %llu KiB free, %llu KiB reserved\n",
		 (unsigned long long)boot_memory.ram * 4, (unsigned long long)boot_memory.free * 4,
		 (unsigned long long)boot_memory.reserved * 4);
	log_info("Memory: reserved = %llu KiB hypervisor image + %llu KiB frame table and page tables"
		 " + %llu KiB modules + %llu KiB firmware and low memory + %llu KiB boot information\n",
		 (unsigned long long)boot_memory.image * 4, (unsigned long long)boot_memory.boot_alloc * 4,
		 (unsigned long long)boot_memory.modules * 4, (unsigned long long)boot_memory.firmware * 4,
		 (unsigned long long)(boot_memory.reserved - boot_memory.image - boot_memory.boot_alloc -
				      boot_memory.modules - boot_memory.firmware) * 4);
	log_info("Memory: frame table of %llu frames (%llu KiB) at %#llx\n",
		 (unsigned long long)pages(max_ram), (unsigned long long)ft_bytes >> 10,
		 (unsigned long long)FRAMETABLE_VIRT_START);
}
