/*
 * The hardware side of the PV memory model: the hypervisor's L4 slots shared into guest L4s, TLB
 * flushes and CR3 reloads, and the machine-to-phys table (writable at RW_MPT_VIRT_START for the
 * hypervisor, read-only and user-readable at RO_MPT_VIRT_START for PV guests, whose kernels run
 * in ring 3). tests/unit replaces this file with fakes.
 */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <asm/cpu.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv/mm.h>

static uint64_t m2p_entries;

/* The device pages Argon drives itself, kept out of the privileged domain's I/O mappings. */
#define MAX_PROTECTED_IO 16
static struct {
	mfn_t mfn;
	bool readable;
} protected_io[MAX_PROTECTED_IO];
static unsigned int nr_protected_io;

void pv_io_frame_protect(paddr_t pa, bool readable)
{
	if (nr_protected_io < MAX_PROTECTED_IO) {
		protected_io[nr_protected_io].mfn = paddr_to_mfn(pa);
		protected_io[nr_protected_io++].readable = readable;
	}
}

int pv_io_frame_access(mfn_t mfn, bool writable)
{
	unsigned int i;

	for (i = 0; i < nr_protected_io; i++) {
		if (mfn_x(protected_io[i].mfn) == mfn_x(mfn)) {
			return protected_io[i].readable && !writable ? 0 : -EPERM;
		}
	}
	return 0;
}	/* entries mapped (a multiple of 512), 0 before m2p_init() */

void pv_init_l4_hv_slots(uint64_t *l4)
{
	unsigned int i;

	for (i = HV_L4_FIRST_SLOT; i <= HV_L4_LAST_SLOT; i++) {
		l4[i] = idle_l4[i];
	}
}

/*
 * CR3 loads and full flushes done for PV guests (pv_stats): under QEMU TCG each one empties the
 * whole software TLB, so every access after it takes a slow-path page walk.
 */
uint64_t pv_full_flushes;

void pv_note_full_flush(void)
{
	pv_full_flushes++;
}

void pv_flush_tlb_local(uint64_t va)
{
	uint64_t cr4;

	if (va != PV_FLUSH_ALL) {
		invlpg((const void *)va);
		return;
	}
	/* Toggling CR4.PGE flushes global entries too (SDM vol. 3, 4.10.4.1). */
	cr4 = read_cr4();
	if (cr4 & X86_CR4_PGE) {
		write_cr4(cr4 & ~X86_CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
	pv_note_full_flush();
}

/*
 * One physical CPU for now: every vCPU's translations live in this CPU's TLB, so a local flush
 * covers all of them. SMP needs IPIs to the CPUs in the domain's dirty mask here.
 */
void pv_flush_tlb_vcpus(struct domain *d, const uint64_t *mask, unsigned int nr_words,
			uint64_t va)
{
	pv_flush_tlb_local(va);
}

void pv_flush_tlb_domain(struct domain *d)
{
	pv_flush_tlb_vcpus(d, NULL, 0, PV_FLUSH_ALL);
}

void pv_reload_cr3(struct vcpu *v)
{
	mfn_t root;

	if (v != current_vcpu()) {
		return;
	}
	root = v->arch.kernel_mode ? v->arch.guest_table : v->arch.guest_table_user;
	write_cr3(mfn_x(root) ? mfn_to_paddr(root) : virt_to_phys(idle_l4));
	pv_note_full_flush();
}

void m2p_set_entry(mfn_t mfn, uint64_t pfn)
{
	if (mfn_x(mfn) < m2p_entries) {
		((uint64_t *)RW_MPT_VIRT_START)[mfn_x(mfn)] = pfn;
	}
}

uint64_t m2p_get_entry(mfn_t mfn)
{
	return mfn_x(mfn) < m2p_entries ? ((const uint64_t *)RW_MPT_VIRT_START)[mfn_x(mfn)] :
					  M2P_INVALID_ENTRY;
}

/* Give every entry of table @t present below @level the user bit (intermediate levels only). */
static void make_user_path(uint64_t *t, unsigned int level)
{
	unsigned int i;

	for (i = 0; i < PT_ENTRIES; i++) {
		if (!(t[i] & _PAGE_PRESENT)) {
			continue;
		}
		t[i] |= _PAGE_USER;
		if (level > 2 && !(t[i] & _PAGE_PSE)) {
			make_user_path(phys_to_virt(t[i] & PTE_ADDR_MASK), level - 1);
		}
	}
}

static void must(int rc, const char *what)
{
	if (rc) {
		panic("m2p: cannot %s (error %d)", what, rc);
	}
}

void m2p_init(void)
{
	uint64_t nr = ALIGN_UP(sys_heap.nr_frames, 512), off;
	unsigned int i;

	/*
	 * Every hypervisor slot gets its L3 now, so the L4 entries copied into guest L4s never
	 * change afterwards (a slot filled later would be missing from existing guest tables).
	 */
	for (i = HV_L4_FIRST_SLOT; i <= HV_L4_LAST_SLOT; i++) {
		paddr_t pa;

		if (!(idle_l4[i] & _PAGE_PRESENT)) {
			must(pt_alloc_page(&pa), "allocate an L3");
			memset(phys_to_virt(pa), 0, PAGE_SIZE);
			idle_l4[i] = pa | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
		}
	}
	/* 2 MiB at a time (one L2 entry per 262144 frames' worth), 4 KiB pages when memory is tight. */
	for (off = 0; off < nr * 8; off += MB(2)) {
		uint64_t size = MIN(MB(2), nr * 8 - off), step = size == MB(2) ? MB(2) : PAGE_SIZE;
		uint64_t done;
		mfn_t m;

		for (done = 0; done < size; done += step) {
			if (step == MB(2) && heap_alloc(&sys_heap, 9, DOMID_XEN, &m)) {
				step = PAGE_SIZE;
			}
			if (step == PAGE_SIZE) {
				must(heap_alloc(&sys_heap, 0, DOMID_XEN, &m), "allocate the table");
			}
			memset(phys_to_virt(mfn_to_paddr(m)), 0xff, step);
			must(map_pages(idle_l4, RW_MPT_VIRT_START + off + done, mfn_to_paddr(m), step,
				       PAGE_HYPERVISOR_RW, 2), "map the table");
			must(map_pages(idle_l4, RO_MPT_VIRT_START + off + done, mfn_to_paddr(m), step,
				       PAGE_HYPERVISOR_RO | _PAGE_USER, 2), "map the guest view");
		}
	}
	/* PV kernels run in ring 3: the guest view needs the user bit at every level (slot 256 only). */
	idle_l4[HV_L4_FIRST_SLOT] |= _PAGE_USER;
	make_user_path(phys_to_virt(idle_l4[HV_L4_FIRST_SLOT] & PTE_ADDR_MASK), 3);
	write_cr3(read_cr3());
	m2p_entries = nr;
	log_info("Memory: machine-to-phys table of %llu entries (%llu KiB) at %#llx, guest view"
		 " at %#llx\n",
		 (unsigned long long)nr, (unsigned long long)(nr * 8) >> 10,
		 (unsigned long long)RW_MPT_VIRT_START, (unsigned long long)RO_MPT_VIRT_START);
}
