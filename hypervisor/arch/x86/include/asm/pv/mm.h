/*
 * The PV memory model: frame ownership, page types and reference counts, validation of guest page
 * tables, and the machine-to-phys table (docs/design/pv-mm.md explains the rules).
 *
 * Every machine frame has a general reference count (page_info.count_info, any use) and a type
 * with a type count (page_info.type_info): none, L1-L4 page table, segment descriptor page or
 * writable. The type changes only while the type count is 0. A page-table type is validated when
 * its first type reference is taken: every present entry is checked and takes references on what
 * it points to (an L2-L4 entry a general and a next-level type reference, an L1 entry a general
 * reference and, if writable, a writable type reference). The last type reference devalidates
 * the table and drops them again. So a frame that is part of a page table is never mapped
 * writable, and a guest maps only frames it owns.
 *
 * Locking: type_info of a domain's frames changes only under d->arch.mm_lock; count_info is
 * updated atomically and may be touched without it. Lock order: mm_lock before page_lock. No
 * guest memory is touched while mm_lock is held.
 *
 * Preemption: validation and devalidation stop between table entries when a hypercall should
 * yield, leaving the page "partial" (PGT_PARTIAL): entries [0, done) hold their references, and
 * the page holds one general reference on itself. Whoever takes or drops that type next carries
 * on from there, in either direction, so a partial page never needs its original caller.
 */
#ifndef ASM_PV_MM_H
#define ASM_PV_MM_H

#include <argon/domain.h>
#include <argon/mm.h>
#include <argon/types.h>
#include <asm/page.h>
#include <asm/regs.h>

/* type_info flags, between the type (bits 60-63) and the type count (bits 0-31). */
#define PGT_VALIDATED (1ULL << 59)	/* a page table whose present entries all hold references */
#define PGT_PARTIAL (1ULL << 58)	/* (de)validation stopped part-way; type count is 0 */
#define PGT_PARTIAL_CHILD (1ULL << 57)	/* entry `done` holds nothing; its child may be partial */
#define PGT_PINNED (1ULL << 56)		/* one type and one general reference belong to a pin */
#define PGT_DONE_SHIFT 32		/* partial pages: entries [0, done) hold their references */
#define PGT_DONE_MASK (0x3ffULL << PGT_DONE_SHIFT)

/* Flags a guest may set in a present entry (SDM vol. 3, 4.5, tables 4-15 to 4-20). */
#define PTE_AVAIL (7UL << 9)
#define PV_L1_ALLOWED (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY | \
		       _PAGE_GLOBAL | PTE_AVAIL | _PAGE_NX | PV_CACHE_ATTRS)
#define PV_LN_ALLOWED (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY | \
		       PTE_AVAIL | _PAGE_NX)
/* Cache attributes in L1 entries (PWT, PCD, PAT): only the privileged domain may set them. */
#define PV_CACHE_ATTRS (_PAGE_PWT | _PAGE_PCD | _PAGE_PAT_4K)
#define _PAGE_PAT_4K (1UL << 7)

/* The L4 slots of the hypervisor window (HYPERVISOR_VIRT_START..END), shared by every guest L4. */
#define HV_L4_FIRST_SLOT 256
#define HV_L4_LAST_SLOT 271

/** True if L4 slot @i belongs to the guest (not to the hypervisor window). */
static inline bool pv_is_guest_l4_slot(unsigned int i)
{
	return i < HV_L4_FIRST_SLOT || i > HV_L4_LAST_SLOT;
}

/** The type_info type of a page table of @level (1-4). */
static inline uint64_t pgt_of_level(unsigned int level)
{
	return (uint64_t)level << PGT_TYPE_SHIFT;
}

/** The page-table level (1-4) of type @type, or 0 if it is not a page-table type. */
static inline unsigned int pgt_level(uint64_t type)
{
	type &= PGT_TYPE_MASK;
	return type >= PGT_L1 && type <= PGT_L4 ? (unsigned int)(type >> PGT_TYPE_SHIFT) : 0;
}

/** The frame-table entry of @mfn, or NULL if @mfn is beyond the frame table. */
struct page_info *pv_mfn_to_page(mfn_t mfn);

/** The MFN of frame-table entry @pg. */
mfn_t pv_page_to_mfn(const struct page_info *pg);

/**
 * Take a general reference on @pg for domain @d. Returns 0; -EINVAL if @pg is not an allocated
 * frame; -EPERM if @d does not own it; -EOVERFLOW if the count is saturated.
 */
int get_page(struct page_info *pg, const struct domain *d);

/** Drop a general reference taken by get_page(). */
void put_page(struct page_info *pg);

/**
 * Take a type reference of @type (PGT_L1..PGT_L4, PGT_SEG_DESC, PGT_WRITABLE) on @pg, owned by
 * @d, validating a page table on its first reference. The caller holds d->arch.mm_lock and a
 * general reference on @pg. Returns 0; -EINVAL if @pg has another type in use or its content is
 * invalid; -EPERM if an entry maps a frame @d does not own; -ERESTART (only when @preemptible)
 * if validation stopped part-way (call again to continue). On any error no reference is held.
 * Segment-descriptor content is not checked here: set_gdt checks it once it holds the type.
 */
int get_page_type(struct domain *d, struct page_info *pg, uint64_t type, bool preemptible);

/**
 * Drop a type reference; the last one of a page table devalidates it. The caller holds
 * d->arch.mm_lock. Returns 0, or -ERESTART (only when @preemptible) if devalidation stopped
 * part-way: the reference is gone and @pg is left partial (see pv_mm_finish_pending()).
 */
int put_page_type(struct domain *d, struct page_info *pg, bool preemptible);

/**
 * Pin the page table at @mfn as @pgt_type (PGT_L1..PGT_L4): validate it and keep it validated
 * until unpinned, without preemption (the domain builder pins the boot L4 with this). Returns 0;
 * -EINVAL (not a page-table type, invalid content, other type in use, already pinned); -EPERM.
 */
int pv_pin_table(struct domain *d, mfn_t mfn, uint64_t pgt_type);

/**
 * MMUEXT_PIN_Ln_TABLE for vCPU @v of the calling domain; may return -ERESTART (re-issue the same
 * pin to continue). Errors as pv_pin_table().
 */
int pv_pin_table_preemptible(struct vcpu *v, mfn_t mfn, uint64_t pgt_type);

/**
 * MMUEXT_UNPIN_TABLE for vCPU @v. Returns 0, -EINVAL (not pinned), -EPERM. A devalidation that
 * must yield is left for pv_mm_finish_pending() and still returns 0; the caller then issues a
 * continuation. Unpinning a partial page that nobody pinned finishes its devalidation.
 */
int pv_unpin_table(struct vcpu *v, mfn_t mfn);

/**
 * Make @l4 the kernel (@user false) or user (@user true) root page table of @v: take a general
 * and an L4 type reference on it (validating it), then drop those of the old root. An MFN of 0
 * means "none" (user root only). When @v runs on this CPU and the root in use changes, CR3 is
 * reloaded. Not preemptible. Returns 0, -EINVAL or -EPERM (old root kept then).
 */
int pv_set_guest_table(struct vcpu *v, mfn_t l4, bool user);

/** As pv_set_guest_table(), preemptible: may return -ERESTART (re-issue to continue). */
int pv_set_guest_table_preemptible(struct vcpu *v, mfn_t l4, bool user);

/**
 * Finish a devalidation @v left part-way (recorded when a dropped reference started a long
 * devalidation that had to yield). Every MMU hypercall calls it first. Returns 0 or -ERESTART.
 */
int pv_mm_finish_pending(struct vcpu *v);

/** True if @v has a devalidation pending (the hypercall must continue before returning). */
bool pv_mm_has_pending(const struct vcpu *v);

/**
 * Write @val into entry @idx of the page at @table owned by @v's domain, as MMU_NORMAL_PT_UPDATE:
 * a page table in use gets the entry validated against the old one (references moved), any other
 * page of the domain a plain write (it takes the writable type meanwhile). @preserve_ad keeps the
 * accessed/dirty bits of the old entry. Returns 0, -EINVAL, -EPERM, or -ERESTART (nothing changed;
 * re-issue). A devalidation of the old entry's target that must yield is left pending (returns 0).
 */
int pv_mod_entry(struct vcpu *v, mfn_t table, unsigned int idx, uint64_t val, bool preserve_ad,
		 bool preemptible);

/**
 * Find the L1 entry that maps guest virtual address @va through the L4 at @l4 (validated, owned
 * by @d). The caller holds d->arch.mm_lock. Returns 0 with the L1 frame and index, or -EINVAL if
 * @va is outside the guest's range or not mapped down to an L1 (absent entry, superpage).
 */
int pv_find_l1e(struct domain *d, mfn_t l4, uint64_t va, mfn_t *l1, unsigned int *idx);

/** update_va_mapping's work for vCPU @v: validate and write the L1 entry mapping @va. */
int pv_update_va(struct vcpu *v, uint64_t va, uint64_t val, bool preemptible);

/**
 * Drop every reference @d's page tables, pins and vCPU roots hold, so that domain_destroy can
 * free its frames (not preemptible; the lead's destroy path calls it before freeing).
 */
void pv_relinquish_memory(struct domain *d);

/* ---- Writable page tables (mm_ptwr.c) ---- */

/**
 * Emulate the guest write that faulted at @addr if it targets one of the guest's own L1 tables in
 * use, mapped read-only: decode it, check the new entry as mmu_update does, write it and advance
 * RIP. Returns false (bounce the #PF to the guest) for anything else or an invalid entry.
 */
bool pv_ptwr_fault(struct cpu_regs *regs, uint64_t addr);

enum ptwr_kind {
	PTWR_MOV, PTWR_XCHG, PTWR_CMPXCHG, PTWR_OR, PTWR_AND, PTWR_BTS, PTWR_BTR, PTWR_BTC
};

/** A decoded write to memory (exposed for the unit tests). */
struct ptwr_op {
	enum ptwr_kind kind;
	unsigned int size;	/* operand bytes: 1, 2, 4 or 8 */
	unsigned int len;	/* instruction bytes */
	unsigned int reg;	/* source register (ModRM order, REX.R applied) if src_is_reg */
	bool src_is_reg;
	bool byte_reg_high;	/* AH/CH/DH/BH */
	uint64_t imm;		/* the immediate, sign-extended */
};

/** Decode the instruction in @insn (@avail bytes). Returns 0 or -EINVAL (not a supported write). */
int ptwr_decode(const uint8_t *insn, unsigned int avail, struct ptwr_op *op);

/* ---- The arch contract of the rules above (mm_arch.c; faked by tests/unit) ---- */

/** Fill the hypervisor slots (256-271) of the L4 table @l4 from the hypervisor's own L4. */
void pv_init_l4_hv_slots(uint64_t *l4);

/** Flush the TLBs of every vCPU of @d (page-type changes; before a type is used again). */
void pv_flush_tlb_domain(struct domain *d);

/** Count a CR3 load or full flush on this CPU (pv_stats: each costs a full TLB refill). */
void pv_note_full_flush(void);

/** Flush the TLB entry of @va, or the whole TLB if @va is PV_FLUSH_ALL, on this CPU. */
void pv_flush_tlb_local(uint64_t va);
#define PV_FLUSH_ALL (~0ULL)

/**
 * Flush @va (or everything, PV_FLUSH_ALL) for the vCPUs of @d in @mask (@nr_words 64-bit words,
 * bit N = vCPU N), or for all of them if @mask is NULL.
 */
void pv_flush_tlb_vcpus(struct domain *d, const uint64_t *mask, unsigned int nr_words,
			uint64_t va);

/** Reload CR3 from @v's root in use, if @v runs on this CPU. */
void pv_reload_cr3(struct vcpu *v);

/**
 * Whether the privileged domain may map I/O frame @mfn (@writable: with write access): 0, or
 * -EPERM for the devices the hypervisor drives itself (the local APIC; IO-APICs and the HPET
 * are readable only).
 */
int pv_io_frame_access(mfn_t mfn, bool writable);

/** Keep machine page @pa from the privileged domain's I/O mappings (@readable: read-only ones allowed). */
void pv_io_frame_protect(paddr_t pa, bool readable);

/* ---- The machine-to-phys table ---- */

#define M2P_INVALID_ENTRY (~0ULL)

/** Build the M2P (every entry invalid) and map it at RO_MPT_VIRT_START for guests. */
void m2p_init(void);

/** Set the M2P entry of @mfn to @pfn (M2P_INVALID_ENTRY to clear it). */
void m2p_set_entry(mfn_t mfn, uint64_t pfn);

/** The M2P entry of @mfn (M2P_INVALID_ENTRY when beyond the table). */
uint64_t m2p_get_entry(mfn_t mfn);

#endif
