/*
 * mmu: the PV MMU from the guest's side. Pinning and unpinning L1-L4 and the rules behind them
 * (no writable mapping of a page table, no table mapping itself writable, no frames the domain
 * does not own, no entries in the hypervisor's L4 slots, no reserved bits); update_va_mapping and
 * its flushes; mmu_update batches with per-request progress; MMU_MACHPHYS_UPDATE; writable page
 * tables (a direct PTE write emulated, a bad one refused); NEW_BASEPTR to a copied L4; TLB flush
 * operations; CLEAR_PAGE and COPY_PAGE; the read-only M2P; a 1M-entry batch; -EFAULT for bad
 * guest pointers; multicall with per-entry results.
 */
#include <argon/lib.h>

#include <guest/fault.h>
#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/mm.h>
#include <guest/test.h>

#include <public/memory.h>
#include <public/version.h>

#define EFAULT 14
#define EINVAL 22
#define ENOSYS 38

#define M2P ((volatile uint64_t *)MACH2PHYS_VIRT_START)

/* ---- helpers ---- */

static bool probe_read(uint64_t va, uint64_t *val)
{
	uint64_t v = 0, n = trap_count;

	__asm__ __volatile__("1: movq (%1), %0\n2:\n" EXTABLE(1b, 2b) : "+r"(v) : "r"(va) : "memory");
	*val = v;
	return trap_count == n;
}

static bool probe_write(uint64_t va, uint64_t val)
{
	uint64_t n = trap_count;

	__asm__ __volatile__("1: movq %1, (%0)\n2:\n" EXTABLE(1b, 2b) : : "r"(va), "r"(val) : "memory");
	return trap_count == n;
}

static uint64_t va_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* The kernel's virtual address of a machine frame of the initial mapping (through the M2P). */
static void *mfn_to_virt(uint64_t mfn)
{
	return pfn_to_virt(M2P[mfn]);
}

static uint64_t *kernel_l4(void)
{
	return (uint64_t *)(uintptr_t)start_info->pt_base;
}

/* The L1 table (kernel VA) and index that map @va in the kernel's page tables. */
static uint64_t *l1_of(uint64_t va, unsigned int *idx)
{
	uint64_t *t = kernel_l4();

	for (int level = 4; level > 1; level--) {
		uint64_t e = t[(va >> (12 + 9 * (level - 1))) & 511];

		if (!(e & PTE_P)) {
			return NULL;
		}
		t = mfn_to_virt((e & PTE_ADDR) >> 12);
	}
	*idx = (va >> 12) & 511;
	return t;
}

/* The machine address of the L1 entry mapping @va. */
static uint64_t pte_maddr(uint64_t va)
{
	unsigned int idx;
	uint64_t *l1 = l1_of(va, &idx);

	return l1 ? (virt_to_mfn(l1) << 12) + idx * 8 : 0;
}

static long mmu_update1(uint64_t ptr, uint64_t val)
{
	struct mmu_update u = { .ptr = ptr, .val = val };

	return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

static long mmuext1(unsigned int cmd, uint64_t arg1, uint64_t arg2)
{
	struct mmuext_op op = { .cmd = cmd };

	op.arg1.mfn = arg1;
	op.arg2.src_mfn = arg2;
	return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long pin(unsigned int level, const void *table)
{
	return mmuext1(MMUEXT_PIN_L1_TABLE + level - 1, virt_to_mfn(table), 0);
}

static long unpin(const void *table)
{
	return mmuext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(table), 0);
}

/* A zeroed page of the pool, mapped read-only so it can become a page table. */
static uint64_t *table_page(void)
{
	uint64_t *p = page_alloc();

	if (p && set_page_rw(p, false)) {
		return NULL;
	}
	return p;
}

/* A machine frame the domain does not own: the highest frame of the machine. */
static uint64_t foreign_mfn(void)
{
	return (uint64_t)HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
}

/* ---- pinning ---- */

GUEST_TEST(pin_unpin_each_level)
{
	uint64_t *l1 = table_page(), *l2 = table_page(), *l3 = table_page(), *l4 = table_page();

	EXPECT(l1 && l2 && l3 && l4);
	EXPECT_EQ(pin(1, l1), 0);
	EXPECT_EQ(pin(2, l2), 0);
	EXPECT_EQ(pin(3, l3), 0);
	EXPECT_EQ(pin(4, l4), 0);
	/* Pinned twice, or as another type while pinned: refused. */
	EXPECT(pin(1, l1) < 0);
	EXPECT(pin(2, l1) < 0);
	EXPECT_EQ(unpin(l1), 0);
	EXPECT_EQ(unpin(l2), 0);
	EXPECT_EQ(unpin(l3), 0);
	EXPECT_EQ(unpin(l4), 0);
	/* Unpinning what is not pinned fails. */
	EXPECT(unpin(l1) < 0);
	/* Once free of its type, the frame can become another type. */
	EXPECT_EQ(pin(2, l1), 0);
	EXPECT_EQ(unpin(l1), 0);
}

GUEST_TEST(pin_hierarchy)
{
	uint64_t *l1 = table_page(), *l2 = table_page(), *l3 = table_page(), *l4 = table_page();
	uint64_t *data = page_alloc();

	EXPECT(l1 && l2 && l3 && l4 && data);
	/* l4 -> l3 -> l2 -> l1 -> data, all built while read-only: write through mmu_update. */
	EXPECT_EQ(mmu_update1(virt_to_mfn(l1) << 12, (virt_to_mfn(data) << 12) | PTE_DATA), 0);
	EXPECT_EQ(mmu_update1(virt_to_mfn(l2) << 12, (virt_to_mfn(l1) << 12) | PTE_TABLE), 0);
	EXPECT_EQ(mmu_update1(virt_to_mfn(l3) << 12, (virt_to_mfn(l2) << 12) | PTE_TABLE), 0);
	EXPECT_EQ(mmu_update1(virt_to_mfn(l4) << 12, (virt_to_mfn(l3) << 12) | PTE_TABLE), 0);
	EXPECT_EQ(pin(4, l4), 0);
	/* The L4 got the hypervisor's slots (256-271). */
	EXPECT(l4[256] & PTE_P);
	/* l1 is in use under the pinned l4 but not pinned itself: unpinning it fails. */
	EXPECT(unpin(l1) < 0);
	/* An in-use table cannot be pinned as another type. */
	EXPECT(pin(3, l2) < 0);
	EXPECT_EQ(unpin(l4), 0);
}

GUEST_TEST(pin_writable_mapped_fails)
{
	uint64_t *p = page_alloc();

	EXPECT(p != NULL);
	/* Still mapped writable in our own mapping: it cannot become a page table. */
	EXPECT(pin(1, p) < 0);
	EXPECT(pin(4, p) < 0);
	EXPECT(probe_write(va_of(p), 1));
}

GUEST_TEST(pin_self_writable_fails)
{
	uint64_t *l1 = table_page(), *l4 = table_page();
	long rc1, rc4;

	EXPECT(l1 && l4);
	/* An L1 that maps itself writable (written while it is plain memory). */
	EXPECT_EQ(mmu_update1(virt_to_mfn(l1) << 12, (virt_to_mfn(l1) << 12) | PTE_DATA), 0);
	rc1 = pin(1, l1);
	EXPECT(rc1 < 0);
	/* An L4 whose entry maps itself (a linear L4 -> L4 entry needs the target to be an L3). */
	EXPECT_EQ(mmu_update1(virt_to_mfn(l4) << 12, (virt_to_mfn(l4) << 12) | PTE_TABLE), 0);
	rc4 = pin(4, l4);
	EXPECT(rc4 < 0);
	test_note("self-writable L1: %ld, self-referencing L4: %ld", rc1, rc4);
}

/* ---- entry rules ---- */

GUEST_TEST(map_pinned_table_writable_fails)
{
	uint64_t *l1 = table_page(), *scratch = page_alloc();
	uint64_t ptr;
	long rc_mmu, rc_uva;

	EXPECT(l1 && scratch);
	EXPECT_EQ(pin(1, l1), 0);
	ptr = pte_maddr(va_of(scratch));
	EXPECT(ptr != 0);
	rc_mmu = mmu_update1(ptr, (virt_to_mfn(l1) << 12) | PTE_DATA);
	rc_uva = HYPERVISOR_update_va_mapping(va_of(scratch), (virt_to_mfn(l1) << 12) | PTE_DATA,
					      UVMF_INVLPG);
	EXPECT(rc_mmu < 0);
	EXPECT(rc_uva < 0);
	/* The kernel's own L4 (pinned by the builder) cannot be mapped writable either. */
	EXPECT(HYPERVISOR_update_va_mapping(va_of(scratch),
					    (virt_to_mfn(kernel_l4()) << 12) | PTE_DATA,
					    UVMF_INVLPG) < 0);
	/* Read-only is fine. */
	EXPECT_EQ(HYPERVISOR_update_va_mapping(va_of(scratch), (virt_to_mfn(l1) << 12) | PTE_P,
					       UVMF_INVLPG), 0);
	EXPECT_EQ(set_page_rw(scratch, true), 0);
	EXPECT_EQ(unpin(l1), 0);
	test_note("mmu_update %ld, update_va_mapping %ld", rc_mmu, rc_uva);
}

GUEST_TEST(map_unowned_frame_fails)
{
	uint64_t *scratch = page_alloc(), max = foreign_mfn();
	uint64_t ptr = pte_maddr(va_of(scratch)), v;
	long rc[4];

	EXPECT(scratch && ptr && max > 0);
	rc[0] = HYPERVISOR_update_va_mapping(va_of(scratch), (max << 12) | PTE_DATA, UVMF_INVLPG);
	rc[1] = HYPERVISOR_update_va_mapping(va_of(scratch), (max << 12) | PTE_P, UVMF_INVLPG);
	/*
	 * Argon's own image (loaded at 2 MiB), and the local APIC page: this kernel is domain 0,
	 * which may map I/O memory (beyond RAM, holes, the first MiB) but neither of these.
	 */
	rc[2] = mmu_update1(ptr, (0x200UL << 12) | PTE_P);
	rc[3] = mmu_update1(ptr, (0xfee00UL << 12) | PTE_P);
	for (int i = 0; i < 4; i++) {
		EXPECT(rc[i] < 0);
	}
	/* Nothing changed: the page still reads and writes as our own. */
	EXPECT(probe_write(va_of(scratch), 42));
	EXPECT(probe_read(va_of(scratch), &v) && v == 42);
	/* An L1 with such an entry cannot be pinned. */
	{
		uint64_t *l1 = table_page();

		EXPECT(l1 != NULL);
		EXPECT_EQ(mmu_update1(virt_to_mfn(l1) << 12, (max << 12) | PTE_P), 0);
		EXPECT(pin(1, l1) < 0);
	}
	test_note("mfn %#lx: %ld %ld; mfn 0x200: %ld; mfn 0xfee00: %ld", max, rc[0], rc[1], rc[2],
		  rc[3]);
}

/*
 * I/O memory (Xen's DOMID_IO) for domain 0: the BIOS area in the first MiB and a frame beyond
 * all RAM map and read, and unmapping them leaves nothing behind; an IO-APIC page maps read-only
 * but not writable.
 */
GUEST_TEST(dom0_maps_io_memory)
{
	uint64_t *scratch = page_alloc(), own, v = 0;
	volatile const uint8_t *p = (volatile const uint8_t *)scratch;
	uint64_t va = va_of(scratch);

	EXPECT(scratch != NULL);
	own = virt_to_mfn(scratch);
	/* The BIOS ROM at 0xf0000 reads as something other than our zeroed page. */
	EXPECT_EQ(HYPERVISOR_update_va_mapping(va, (0xf0UL << 12) | PTE_P, UVMF_INVLPG), 0);
	for (unsigned int i = 0; i < 4096; i++) {
		v |= p[i];
	}
	EXPECT(v != 0);
	EXPECT_EQ(HYPERVISOR_update_va_mapping(va, (0xfffffffUL << 12) | PTE_DATA, UVMF_INVLPG), 0);
	/* An IO-APIC page: Argon's to write, so read-only only. */
	EXPECT(HYPERVISOR_update_va_mapping(va, (0xfec00UL << 12) | PTE_DATA, UVMF_INVLPG) < 0);
	EXPECT_EQ(HYPERVISOR_update_va_mapping(va, (0xfec00UL << 12) | PTE_P, UVMF_INVLPG), 0);
	/* Back to our own page, which kept its contents. */
	EXPECT_EQ(HYPERVISOR_update_va_mapping(va, (own << 12) | PTE_DATA, UVMF_INVLPG), 0);
	EXPECT(probe_write(va, 7));
	EXPECT(probe_read(va, &v) && v == 7);
}

GUEST_TEST(hypervisor_slots_refused)
{
	uint64_t l4m = virt_to_mfn(kernel_l4()) << 12;
	uint64_t *l3 = table_page();
	long rc256, rc271;

	EXPECT(l3 != NULL);
	rc256 = mmu_update1(l4m + 256 * 8, (virt_to_mfn(l3) << 12) | PTE_TABLE);
	rc271 = mmu_update1(l4m + 271 * 8, 0);
	EXPECT(rc256 < 0);
	EXPECT(rc271 < 0);
	/* Slot 272 is the guest's: an entry there works (and is removed again). */
	EXPECT_EQ(mmu_update1(l4m + 272 * 8, (virt_to_mfn(l3) << 12) | PTE_TABLE), 0);
	EXPECT_EQ(mmu_update1(l4m + 272 * 8, 0), 0);
	/* The hypervisor window is not reachable through update_va_mapping either. */
	EXPECT(HYPERVISOR_update_va_mapping(HYPERVISOR_VIRT_START + 0x1000000,
					    (virt_to_mfn(l3) << 12) | PTE_P, 0) < 0);
	test_note("slot 256: %ld, slot 271: %ld", rc256, rc271);
}

GUEST_TEST(reserved_bits_refused)
{
	uint64_t *scratch = page_alloc(), mfn;
	uint64_t *l2 = table_page(), *l1 = table_page();

	EXPECT(scratch && l2 && l1);
	mfn = virt_to_mfn(scratch);
	/* Software/protection-key bits 52-62 in an L1 entry. */
	EXPECT(HYPERVISOR_update_va_mapping(va_of(scratch), (mfn << 12) | PTE_DATA | (1UL << 52),
					    UVMF_INVLPG) < 0);
	EXPECT(HYPERVISOR_update_va_mapping(va_of(scratch), (mfn << 12) | PTE_DATA | (1UL << 59),
					    UVMF_INVLPG) < 0);
	/* PSE (a superpage) in an L2 entry. */
	EXPECT_EQ(pin(2, l2), 0);
	EXPECT(mmu_update1(virt_to_mfn(l2) << 12, (virt_to_mfn(l1) << 12) | PTE_TABLE | PTE_PSE) < 0);
	/* The same entry without PSE is accepted. */
	EXPECT_EQ(mmu_update1(virt_to_mfn(l2) << 12, (virt_to_mfn(l1) << 12) | PTE_TABLE), 0);
	EXPECT_EQ(mmu_update1(virt_to_mfn(l2) << 12, 0), 0);
	EXPECT_EQ(unpin(l2), 0);
	EXPECT(probe_write(va_of(scratch), 1));
}

/* ---- update_va_mapping, mmu_update ---- */

GUEST_TEST(update_va_mapping_flushes)
{
	uint64_t *scratch = page_alloc(), *a = page_alloc(), *b = page_alloc();
	volatile uint64_t *s;

	EXPECT(scratch && a && b);
	s = (volatile uint64_t *)scratch;
	(void)s[0]; /* the old translation is in the TLB now */
	EXPECT_EQ(remap_page(scratch, virt_to_mfn(a), PTE_DATA), 0); /* UVMF_INVLPG */
	s[0] = 0xa1;
	EXPECT_EQ(a[0], 0xa1);
	EXPECT_EQ(HYPERVISOR_update_va_mapping(va_of(scratch), (virt_to_mfn(b) << 12) | PTE_DATA,
					       UVMF_TLB_FLUSH | UVMF_LOCAL), 0);
	s[1] = 0xb2;
	EXPECT_EQ(b[1], 0xb2);
	EXPECT_EQ(a[1], 0);
	EXPECT_EQ(HYPERVISOR_update_va_mapping(va_of(scratch), (virt_to_mfn(a) << 12) | PTE_DATA,
					       UVMF_INVLPG | UVMF_ALL), 0);
	EXPECT_EQ(s[0], 0xa1);
	/* Not present: the page faults. */
	EXPECT_EQ(HYPERVISOR_update_va_mapping(va_of(scratch), 0, UVMF_INVLPG), 0);
	{
		uint64_t v;

		EXPECT(!probe_read(va_of(scratch), &v));
		EXPECT_EQ(trap_nth(trap_count - 1)->vector, 14);
	}
	EXPECT_EQ(set_page_rw(scratch, true), 0);
	scratch[0] = 7;
	EXPECT_EQ(scratch[0], 7);
}

GUEST_TEST(mmu_update_batch_progress)
{
	uint64_t *scratch = page_alloc(), *a = page_alloc(), *b = page_alloc();
	uint64_t ptr = pte_maddr(va_of(scratch));
	struct mmu_update req[4] = {
		{ ptr, (virt_to_mfn(a) << 12) | PTE_DATA },
		{ ptr, (virt_to_mfn(b) << 12) | PTE_DATA },
		{ ptr, (foreign_mfn() << 12) | PTE_DATA },	/* refused */
		{ ptr, (virt_to_mfn(a) << 12) | PTE_DATA },
	};
	unsigned int done = 99;
	long rc;

	EXPECT(scratch && a && b && ptr);
	rc = HYPERVISOR_mmu_update(req, 4, &done, DOMID_SELF);
	EXPECT(rc < 0);
	EXPECT_EQ(done, 2);
	EXPECT_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, va_of(scratch), 0), 0);
	/* The first two took effect: scratch maps b. */
	((volatile uint64_t *)scratch)[3] = 0x33;
	EXPECT_EQ(b[3], 0x33);
	done = 99;
	EXPECT_EQ(HYPERVISOR_mmu_update(&req[3], 1, &done, DOMID_SELF), 0);
	EXPECT_EQ(done, 1);
	/* A foreign domain that does not exist. */
	EXPECT(HYPERVISOR_mmu_update(req, 1, NULL, 7) < 0);
	EXPECT_EQ(set_page_rw(scratch, true), 0);
	test_note("error %ld after %u requests", rc, 2);
}

GUEST_TEST(machphys_update)
{
	uint64_t *p = page_alloc();
	uint64_t mfn, pfn;

	EXPECT(p != NULL);
	mfn = virt_to_mfn(p);
	pfn = virt_to_pfn(p);
	EXPECT_EQ(M2P[mfn], pfn);
	EXPECT_EQ(mmu_update1((mfn << 12) | MMU_MACHPHYS_UPDATE, 0x12345), 0);
	EXPECT_EQ(M2P[mfn], 0x12345);
	EXPECT_EQ(mmu_update1((mfn << 12) | MMU_MACHPHYS_UPDATE, pfn), 0);
	EXPECT_EQ(M2P[mfn], pfn);
	/* Not for a frame we do not own. */
	EXPECT(mmu_update1((foreign_mfn() << 12) | MMU_MACHPHYS_UPDATE, 1) < 0);
}

GUEST_TEST(m2p_read_only_view)
{
	uint64_t n = start_info->nr_pages, mismatches = 0, v;

	for (uint64_t pfn = 0; pfn < n; pfn++) {
		if (M2P[pfn_to_mfn(pfn)] != pfn) {
			mismatches++;
		}
	}
	EXPECT_EQ(mismatches, 0);
	EXPECT(probe_read(MACH2PHYS_VIRT_START, &v));
	EXPECT(!probe_write(MACH2PHYS_VIRT_START + pfn_to_mfn(0) * 8, 0x999));
	EXPECT_EQ(trap_nth(trap_count - 1)->vector, 14);
	EXPECT_EQ(trap_nth(trap_count - 1)->error_code & 3, 3); /* present, write */
	EXPECT_EQ(M2P[pfn_to_mfn(0)], 0);
	test_note("%lu pfns map back; a write faults", n);
}

/* ---- writable page tables ---- */

GUEST_TEST(writable_page_tables)
{
	uint64_t *scratch = page_alloc(), *a = page_alloc();
	unsigned int idx;
	volatile uint64_t *l1;
	uint64_t before, n;

	EXPECT(scratch && a);
	EXPECT_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
	l1 = l1_of(va_of(scratch), &idx);
	EXPECT(l1 != NULL);
	before = l1[idx];
	/* A direct store into the read-only L1: trapped, checked, performed. */
	n = trap_count;
	l1[idx] = (virt_to_mfn(a) << 12) | PTE_DATA;
	EXPECT_EQ(trap_count, n);
	EXPECT_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, va_of(scratch), 0), 0);
	((volatile uint64_t *)scratch)[5] = 0x55;
	EXPECT_EQ(a[5], 0x55);
	EXPECT_EQ(l1[idx] & PTE_ADDR, virt_to_mfn(a) << 12);
	/* A bad entry (a frame we do not own) written the same way: bounced as #PF, no effect. */
	EXPECT(!probe_write((uint64_t)(uintptr_t)&l1[idx], (foreign_mfn() << 12) | PTE_DATA));
	EXPECT_EQ(trap_nth(trap_count - 1)->vector, 14);
	EXPECT_EQ(l1[idx] & PTE_ADDR, virt_to_mfn(a) << 12);
	/* Mapping our own L1 writable through it is refused the same way. */
	EXPECT(!probe_write((uint64_t)(uintptr_t)&l1[idx],
			    (virt_to_mfn((void *)(uintptr_t)l1) << 12) | PTE_DATA));
	/* Put it back. */
	l1[idx] = before;
	EXPECT_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, va_of(scratch), 0), 0);
	scratch[0] = 1;
	EXPECT_EQ(a[0], 0);
}

/* ---- base pointers, flushes, page ops ---- */

GUEST_TEST(new_baseptr_copied_l4)
{
	uint64_t *copy = page_alloc(), *kl4 = kernel_l4();
	uint64_t kmfn = virt_to_mfn(kl4);

	EXPECT(copy != NULL);
	for (int i = 0; i < 512; i++) {
		copy[i] = (i >= 256 && i < 272) ? 0 : kl4[i];
	}
	EXPECT_EQ(set_page_rw(copy, false), 0);
	EXPECT_EQ(pin(4, copy), 0);
	EXPECT_EQ(mmuext1(MMUEXT_NEW_BASEPTR, virt_to_mfn(copy), 0), 0);
	/* Still running on the copy: hypercalls, data and the M2P all work. */
	EXPECT(HYPERVISOR_xen_version(XENVER_version, NULL) > 0);
	EXPECT_EQ(M2P[kmfn], virt_to_pfn(kl4));
	EXPECT(copy[256] & PTE_P);
	/* While it is the base, unpinning leaves it in use; switch back, then it can go. */
	EXPECT_EQ(mmuext1(MMUEXT_NEW_BASEPTR, kmfn, 0), 0);
	EXPECT_EQ(unpin(copy), 0);
	/* A base pointer that is not an L4 is refused. */
	EXPECT(mmuext1(MMUEXT_NEW_BASEPTR, virt_to_mfn(page_alloc()), 0) < 0);
	EXPECT(mmuext1(MMUEXT_NEW_BASEPTR, foreign_mfn(), 0) < 0);
}

GUEST_TEST(tlb_flush_ops)
{
	uint64_t mask = 1, *scratch = page_alloc();
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_MULTI };

	EXPECT(scratch != NULL);
	EXPECT_EQ(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
	EXPECT_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, va_of(scratch), 0), 0);
	EXPECT_EQ(mmuext1(MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
	EXPECT_EQ(mmuext1(MMUEXT_INVLPG_ALL, va_of(scratch), 0), 0);
	EXPECT_EQ(mmuext1(MMUEXT_TLB_FLUSH_MULTI, 0, va_of(&mask)), 0);
	EXPECT_EQ(mmuext1(MMUEXT_INVLPG_MULTI, va_of(scratch), va_of(&mask)), 0);
	op.arg2.vcpumask.addr = 0x1000;
	EXPECT_EQ(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), -EFAULT);
	EXPECT(mmuext1(99, 0, 0) < 0);
}

GUEST_TEST(clear_and_copy_page)
{
	uint8_t *a = page_alloc(), *b = page_alloc();
	uint64_t *l1 = table_page();
	bool same = true;

	EXPECT(a && b && l1);
	for (int i = 0; i < 4096; i++) {
		a[i] = (uint8_t)(i * 7 + 1);
	}
	EXPECT_EQ(mmuext1(MMUEXT_COPY_PAGE, virt_to_mfn(b), virt_to_mfn(a)), 0);
	for (int i = 0; i < 4096; i++) {
		same &= b[i] == (uint8_t)(i * 7 + 1);
	}
	EXPECT(same);
	EXPECT_EQ(mmuext1(MMUEXT_CLEAR_PAGE, virt_to_mfn(a), 0), 0);
	for (int i = 0; i < 4096; i++) {
		same &= a[i] == 0;
	}
	EXPECT(same);
	/* Not into a page table, not from or to a frame we do not own. */
	EXPECT_EQ(pin(1, l1), 0);
	EXPECT(mmuext1(MMUEXT_CLEAR_PAGE, virt_to_mfn(l1), 0) < 0);
	EXPECT(mmuext1(MMUEXT_COPY_PAGE, virt_to_mfn(l1), virt_to_mfn(b)) < 0);
	EXPECT(mmuext1(MMUEXT_CLEAR_PAGE, foreign_mfn(), 0) < 0);
	EXPECT(mmuext1(MMUEXT_COPY_PAGE, virt_to_mfn(a), foreign_mfn()) < 0);
	EXPECT_EQ(unpin(l1), 0);
}

/* ---- bad pointers ---- */

GUEST_TEST(bad_pointers_efault)
{
	const void *bad = (const void *)0x1000, *hv = (const void *)(uintptr_t)HYPERVISOR_VIRT_START;
	domid_t self = DOMID_SELF;

	EXPECT_EQ(HYPERVISOR_mmu_update(bad, 1, NULL, DOMID_SELF), -EFAULT);
	EXPECT_EQ(HYPERVISOR_mmu_update(hv, 1, NULL, DOMID_SELF), -EFAULT);
	EXPECT_EQ(HYPERVISOR_mmuext_op(bad, 1, NULL, DOMID_SELF), -EFAULT);
	EXPECT_EQ(HYPERVISOR_mmuext_op(hv, 1, NULL, DOMID_SELF), -EFAULT);
	EXPECT_EQ(HYPERVISOR_update_va_mapping(0xffffffff80000000UL + 0x5000,
					       (pfn_to_mfn(5) << 12) | PTE_DATA, 0x1000 | UVMF_INVLPG),
		  -EFAULT);
	EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, (void *)bad), -EFAULT);
	EXPECT(HYPERVISOR_memory_op(XENMEM_current_reservation, &self) > 0);
	EXPECT_EQ(HYPERVISOR_multicall((struct multicall_entry *)(uintptr_t)bad, 1), -EFAULT);
	EXPECT_EQ(HYPERVISOR_set_trap_table(hv), -EFAULT);
	EXPECT_EQ(HYPERVISOR_xen_version(XENVER_extraversion, (void *)(uintptr_t)hv), -EFAULT);
	EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 8, (const char *)hv), -EFAULT);
}

/* ---- multicall ---- */

GUEST_TEST(multicall_results)
{
	static struct multicall_entry mc[5];
	uint64_t *scratch = page_alloc(), *a = page_alloc();

	EXPECT(scratch && a);
	memset(mc, 0xff, sizeof(mc));
	mc[0].op = __HYPERVISOR_xen_version;
	mc[0].args[0] = XENVER_version;
	mc[0].args[1] = 0;
	mc[1].op = 60;	/* no such hypercall */
	mc[2].op = __HYPERVISOR_mmu_update;
	mc[2].args[0] = 0x1000;	/* bad pointer */
	mc[2].args[1] = 1;
	mc[2].args[2] = 0;
	mc[2].args[3] = DOMID_SELF;
	mc[3].op = __HYPERVISOR_update_va_mapping;
	mc[3].args[0] = va_of(scratch);
	mc[3].args[1] = (virt_to_mfn(a) << 12) | PTE_DATA;
	mc[3].args[2] = UVMF_INVLPG;
	mc[4].op = __HYPERVISOR_multicall;	/* nested: refused */
	mc[4].args[0] = va_of(mc);
	mc[4].args[1] = 1;
	EXPECT_EQ(HYPERVISOR_multicall(mc, 5), 0);
	EXPECT_EQ((int64_t)mc[0].result, HYPERVISOR_xen_version(XENVER_version, NULL));
	EXPECT_EQ((int64_t)mc[1].result, -ENOSYS);
	EXPECT_EQ((int64_t)mc[2].result, -EFAULT);
	EXPECT_EQ((int64_t)mc[3].result, 0);
	EXPECT_EQ((int64_t)mc[4].result, -EINVAL);
	((volatile uint64_t *)scratch)[0] = 0x4d;
	EXPECT_EQ(a[0], 0x4d);
	EXPECT_EQ(HYPERVISOR_multicall(mc, 0), 0);
	EXPECT_EQ(set_page_rw(scratch, true), 0);
}

/* ---- a 1M-entry batch ---- */

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define BIG_BATCH (1U << 20)
#define BIG_VA 0x0000008000000000UL /* L4 slot 1 */

GUEST_TEST(zz_mmu_update_1m_batch)
{
	/* 1M requests = 16 MiB of array: 4096 virtual pages all mapping one page of requests. */
	struct mmu_update *reqpage = page_alloc();
	uint64_t *l3 = page_alloc(), *l2 = page_alloc(), *l1[8], *target = page_alloc();
	uint64_t l4m = virt_to_mfn(kernel_l4()) << 12, t0, t1, tm;
	unsigned int done = 0;
	long rc;

	EXPECT(reqpage && l3 && l2 && target);
	for (int i = 0; i < 4096 / 16; i++) {
		reqpage[i].ptr = (virt_to_mfn(target) << 12) | MMU_MACHPHYS_UPDATE;
		reqpage[i].val = virt_to_pfn(target);
	}
	for (int i = 0; i < 8; i++) {
		l1[i] = page_alloc();
		EXPECT(l1[i] != NULL);
		for (int j = 0; j < 512; j++) {
			l1[i][j] = (virt_to_mfn(reqpage) << 12) | PTE_P | PTE_A;
		}
		l2[i] = (virt_to_mfn(l1[i]) << 12) | PTE_TABLE;
		EXPECT_EQ(set_page_rw(l1[i], false), 0);
	}
	l3[0] = (virt_to_mfn(l2) << 12) | PTE_TABLE;
	EXPECT_EQ(set_page_rw(l2, false), 0);
	EXPECT_EQ(set_page_rw(l3, false), 0);
	EXPECT_EQ(set_page_rw(reqpage, false), 0);
	EXPECT_EQ(mmu_update1(l4m + 8, (virt_to_mfn(l3) << 12) | PTE_TABLE), 0);
	EXPECT_EQ(((volatile struct mmu_update *)BIG_VA)[BIG_BATCH - 1].val, virt_to_pfn(target));
	t0 = rdtsc();
	rc = HYPERVISOR_mmu_update((const struct mmu_update *)BIG_VA, BIG_BATCH, &done, DOMID_SELF);
	t1 = rdtsc();
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(done, BIG_BATCH);
	EXPECT_EQ(M2P[virt_to_mfn(target)], virt_to_pfn(target));
	/* Take the region down again. */
	EXPECT_EQ(mmu_update1(l4m + 8, 0), 0);
	tm = (t1 - t0) / 1000000;
	test_note("%u requests in %lu Mcycles (%lu cycles each)", BIG_BATCH, tm,
		  (t1 - t0) / BIG_BATCH);
}
