/*
 * The PV memory model's rules: general and type reference counts, validation and devalidation of
 * guest page tables (bounded and preemptible), pins, root page tables and entry updates. The
 * model is Xen's (xen/arch/x86/mm.c), the code our own; asm/pv/mm.h states the contracts.
 *
 * This file is portable: tests/unit compiles it for the host against a fake frame table and fake
 * machine memory. Hardware effects go through the arch contract at the end of asm/pv/mm.h.
 *
 * How preemption works (the choice, documented in docs/design/pv-mm.md): a page table whose
 * (de)validation must yield is left PGT_PARTIAL with its progress `done` in type_info. Its
 * entries [0, done) hold their references and the page holds one general reference on itself;
 * nobody else holds a type reference on it. If the yield happened inside the child of entry
 * `done`, PGT_PARTIAL_CHILD says so: that entry holds no reference, but the child may be partial.
 * A later get_page_type() of the same type continues validating from `done` (an L4 under an L3
 * under an L2 all resume through the same recursion), a later devalidation continues dropping
 * downwards from `done`. Since a partial page owns its own references, any caller may drive it
 * in either direction and the counts stay exact. A dropped reference whose devalidation yields
 * after its entry was already replaced is parked in the vCPU (arch.mm_pending) and finished at
 * the start of the next MMU hypercall, before anything else (Xen's old_guest_table idea).
 * Failed validations unwind without preemption: the unwinding is bounded by what validation did.
 */
#include <argon/arch.h>
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <asm/pv/mm.h>

BUILD_BUG_ON(sizeof(struct page_info) != 32);
BUILD_BUG_ON(PGT_PINNED <= PGT_DONE_MASK || (PGT_DONE_MASK & PGT_COUNT_MASK));

/* One operation on a domain's page types, under its mm_lock. */
struct pt_ctx {
	struct domain *d;
	bool preemptible;
	bool need_flush;	/* a page changed type: flush the domain's TLBs before returning */
};

static void ctx_lock(struct pt_ctx *c, struct domain *d, bool preemptible)
{
	c->d = d;
	c->preemptible = preemptible;
	c->need_flush = false;
	spin_lock(&d->arch.mm_lock);
}

/*
 * Flush before the guest runs again: a frame that was writable (or a page table) may still sit
 * in a TLB or paging-structure cache with its old meaning (SDM vol. 3, 4.10.4).
 */
static void ctx_unlock(struct pt_ctx *c)
{
	if (c->need_flush) {
		c->d->arch.stats.tlb_flushes++;
		pv_flush_tlb_domain(c->d);
	}
	spin_unlock(&c->d->arch.mm_lock);
}

struct page_info *pv_mfn_to_page(mfn_t mfn)
{
	return mfn_x(mfn) < sys_heap.nr_frames ? &sys_heap.frames[mfn_x(mfn)] : NULL;
}

mfn_t pv_page_to_mfn(const struct page_info *pg)
{
	return _mfn((uint64_t)(pg - sys_heap.frames));
}

static uint64_t *map_table(const struct page_info *pg)
{
	return arch_mfn_to_virt(pv_page_to_mfn(pg));
}

static mfn_t pte_mfn(uint64_t e)
{
	return _mfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

/* ---- General references ---- */

int get_page(struct page_info *pg, const struct domain *d)
{
	uint64_t c = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);

	do {
		if ((c & PGC_STATE_MASK) != PGC_STATE_INUSE || pg->owner != d->domain_id) {
			return -EPERM;
		}
		if ((c & PGC_COUNT_MASK) == PGC_COUNT_MASK) {
			return -EOVERFLOW;
		}
	} while (!__atomic_compare_exchange_n(&pg->count_info, &c, c + 1, false, __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return 0;
}

void put_page(struct page_info *pg)
{
	uint64_t old = __atomic_fetch_sub(&pg->count_info, 1, __ATOMIC_RELEASE);

	if (!(old & PGC_COUNT_MASK)) {
		/* Going on would corrupt the allocation state above the count. */
		panic("pv mm: general reference underflow on frame %#llx",
		      (unsigned long long)mfn_x(pv_page_to_mfn(pg)));
	}
}

/* ---- Type words ---- */

static uint64_t t_count(uint64_t t)
{
	return t & PGT_COUNT_MASK;
}

static unsigned int t_done(uint64_t t)
{
	return (unsigned int)((t & PGT_DONE_MASK) >> PGT_DONE_SHIFT);
}

static uint64_t t_set_done(uint64_t t, unsigned int done)
{
	return (t & ~PGT_DONE_MASK) | ((uint64_t)done << PGT_DONE_SHIFT);
}

static void set_type(struct page_info *pg, uint64_t t)
{
	WRITE_ONCE(pg->type_info, t);
}

/* Leave the partial state: the page's own general reference goes with it. */
static void end_partial(struct page_info *pg, uint64_t t)
{
	set_type(pg, t & ~(PGT_PARTIAL | PGT_PARTIAL_CHILD | PGT_DONE_MASK));
	put_page(pg);
}

static int get_type_ctx(struct pt_ctx *c, struct page_info *pg, uint64_t type);
static int put_type_ctx(struct pt_ctx *c, struct page_info *pg);

/* ---- Entries ---- */

/* Check the flags of present entry @e of a level-@level table. */
static int check_entry_flags(const struct pt_ctx *c, unsigned int level, uint64_t e)
{
	uint64_t allowed = level == 1 ? PV_L1_ALLOWED : PV_LN_ALLOWED;

	if (level == 1 && !c->d->is_privileged) {
		allowed &= ~PV_CACHE_ATTRS;
	}
	/* Bits 52-62 (software/protection-key bits) and PSE above L1 are refused with the rest. */
	return (e & ~PTE_ADDR_MASK & ~allowed) ? -EINVAL : 0;
}

/*
 * I/O memory, Xen's DOMID_IO: machine frames that are not RAM Argon hands out. Those beyond the
 * frame table, the holes and firmware ranges inside it (PGC_STATE_NONE), and the RAM Argon leaves
 * to the firmware (the first MiB, reserved for DOMID_IO). Such a frame never changes state, so
 * whether an L1 entry holds references can be told from the entry alone: I/O mappings hold none.
 */
static bool is_io_frame(mfn_t m)
{
	const struct page_info *pg = pv_mfn_to_page(m);

	return !pg || page_state(pg) == PGC_STATE_NONE ||
	       (page_state(pg) == PGC_STATE_RESERVED && pg->owner == DOMID_IO);
}

/* Whether L1 entry @e maps I/O memory (and so took no references). */
static bool is_io_entry(unsigned int level, uint64_t e)
{
	return level == 1 && is_io_frame(pte_mfn(e));
}

/*
 * An L1 entry mapping I/O memory: only the privileged domain may (it drives the hardware; Linux
 * dom0 ioremap()s firmware tables and devices through identity p2m entries), and only where the
 * architecture does not keep the frame for itself (its local APIC, IO-APICs, timers).
 */
static int check_io_entry(const struct pt_ctx *c, uint64_t e)
{
	if (!c->d->is_privileged) {
		return -EPERM;
	}
	return pv_io_frame_access(pte_mfn(e), e & _PAGE_RW);
}

/*
 * Take the references present entry @e of a level-@level table needs: a general reference on
 * its target and, above L1, a next-level type reference; in L1, a writable type reference when
 * the mapping is writable. May return -ERESTART from a child's validation (nothing held then).
 */
static int get_entry_refs(struct pt_ctx *c, unsigned int level, uint64_t e)
{
	struct page_info *pg = pv_mfn_to_page(pte_mfn(e));
	int rc;

	rc = check_entry_flags(c, level, e);
	if (rc) {
		return rc;
	}
	if (is_io_entry(level, e)) {
		return check_io_entry(c, e);
	}
	if (!pg) {
		return -EINVAL;
	}
	rc = get_page(pg, c->d);
	if (rc) {
		return rc;
	}
	if (level == 1) {
		rc = (e & _PAGE_RW) ? get_type_ctx(c, pg, PGT_WRITABLE) : 0;
	} else {
		/* A "linear" entry (same level) fails here: the target has the wrong type. */
		rc = get_type_ctx(c, pg, pgt_of_level(level - 1));
	}
	if (rc) {
		put_page(pg);
	}
	return rc;
}

/* Drop what get_entry_refs() took for @e; -ERESTART if the target's devalidation yielded. */
static int put_entry_refs(struct pt_ctx *c, unsigned int level, uint64_t e)
{
	struct page_info *pg = pv_mfn_to_page(pte_mfn(e));
	int rc = 0;

	if (is_io_entry(level, e)) {
		return 0;
	}
	if (level > 1 || (e & _PAGE_RW)) {
		rc = put_type_ctx(c, pg);
	}
	put_page(pg);
	return rc;
}

/*
 * The entry as stored: a PV kernel runs in ring 3, so every present entry gets the user bit
 * (kernel memory stays out of user mode's reach because the user root lacks the kernel half).
 * The global bit is dropped: a global translation would survive the CR3 switch to another
 * domain (SDM vol. 3, 4.10.2.4).
 */
static uint64_t adjust_entry(uint64_t e)
{
	return (e & _PAGE_PRESENT) ? (e | _PAGE_USER) & ~_PAGE_GLOBAL : e;
}

/* Whether entry @i of a level-@level table is the guest's to fill. */
static bool guest_entry(unsigned int level, unsigned int i)
{
	return level != 4 || pv_is_guest_l4_slot(i);
}

static bool yield_now(const struct pt_ctx *c)
{
	return c->preemptible && hypercall_preempt_check();
}

/* ---- Devalidation ---- */

/*
 * Continue dropping the references of partial page @pg (type count 0) from entry `done`
 * downwards. Returns 0 when none is left (the page is no longer partial) or -ERESTART.
 */
static int devalidate(struct pt_ctx *c, struct page_info *pg)
{
	uint64_t t = pg->type_info;
	unsigned int level = pgt_level(t), i = t_done(t);
	const uint64_t *table = map_table(pg);
	int rc;

	if (t & PGT_PARTIAL_CHILD) {
		/* Entry i holds nothing, but its child may still hold a partial state: finish it. */
		struct page_info *child = pv_mfn_to_page(pte_mfn(table[i]));

		if (child && (child->type_info & PGT_PARTIAL) && !t_count(child->type_info) &&
		    (child->type_info & PGT_TYPE_MASK) == pgt_of_level(level - 1)) {
			rc = devalidate(c, child);
			if (rc) {
				return rc;
			}
		}
		t &= ~PGT_PARTIAL_CHILD;
		set_type(pg, t);
	}
	while (i > 0) {
		uint64_t e = table[--i];

		if (!(e & _PAGE_PRESENT) || !guest_entry(level, i)) {
			continue;
		}
		rc = put_entry_refs(c, level, e);
		if (rc) {
			/* The child of entry i went partial: entry i holds nothing now. */
			set_type(pg, t_set_done(t, i) | PGT_PARTIAL_CHILD);
			return rc;
		}
		if (level > 1 && i > 0 && yield_now(c)) {
			set_type(pg, t_set_done(t, i));
			return -ERESTART;
		}
	}
	c->d->arch.stats.devalidated[level]++;
	end_partial(pg, t);
	return 0;
}

/* ---- Validation ---- */

/*
 * Continue validating partial page @pg from entry `done`. Returns 0 when every present entry
 * holds its references, -ERESTART, or an error after dropping every reference the page held.
 */
static int validate(struct pt_ctx *c, struct page_info *pg)
{
	uint64_t t = pg->type_info;
	unsigned int level = pgt_level(t), i = t_done(t);
	uint64_t *table = map_table(pg);
	int rc = 0;

	if (level == 4) {
		/* The guest's values in the hypervisor's slots are ignored and replaced (as Xen). */
		pv_init_l4_hv_slots(table);
	}
	for (; i < PT_ENTRIES; i++) {
		uint64_t e = table[i];

		if (!(e & _PAGE_PRESENT) || !guest_entry(level, i)) {
			continue;
		}
		c->d->arch.stats.validated_entries++;
		rc = get_entry_refs(c, level, e);
		if (rc == -ERESTART) {
			set_type(pg, t_set_done(t, i) | PGT_PARTIAL_CHILD);
			return rc;
		}
		if (rc) {
			break;
		}
		if (adjust_entry(e) != e) {
			WRITE_ONCE(table[i], adjust_entry(e));
		}
		if (level > 1 && i + 1 < PT_ENTRIES && yield_now(c)) {
			set_type(pg, t_set_done(t, i + 1) & ~PGT_PARTIAL_CHILD);
			return -ERESTART;
		}
	}
	if (!rc) {
		c->d->arch.stats.validated[level]++;
		return 0;
	}
	/* Unwind entries [0, i) without yielding: the error must reach the caller now. */
	{
		bool was = c->preemptible;

		c->preemptible = false;
		set_type(pg, t_set_done(t, i) & ~PGT_PARTIAL_CHILD);
		devalidate(c, pg);
		c->preemptible = was;
	}
	return rc;
}

/* ---- Type references ---- */

static int get_type_ctx(struct pt_ctx *c, struct page_info *pg, uint64_t type)
{
	uint64_t t = pg->type_info;
	int rc;

	if (t_count(t)) {
		if ((t & PGT_TYPE_MASK) != type) {
			return -EINVAL;
		}
		if (t_count(t) == PGT_COUNT_MASK) {
			return -EOVERFLOW;
		}
		set_type(pg, t + 1);
		return 0;
	}
	if (t & PGT_PARTIAL) {
		/* Another (de)validation of this page stopped part-way: continue it as this type. */
		if ((t & PGT_TYPE_MASK) != type) {
			return -EINVAL;
		}
	} else {
		if ((t & PGT_TYPE_MASK) != type && (t & PGT_TYPE_MASK) != PGT_NONE) {
			c->need_flush = true;
		}
		t = type;	/* no flags: a pin does not survive its type count */
		if (!pgt_level(type)) {
			set_type(pg, t | 1);
			return 0;
		}
		/* A new validation: the page holds a general reference on itself while partial. */
		rc = get_page(pg, c->d);
		if (rc) {
			return rc;
		}
		set_type(pg, t | PGT_PARTIAL);
	}
	/* On an error, validate() has already dropped every reference and left the partial state. */
	rc = validate(c, pg);
	if (rc) {
		return rc;
	}
	end_partial(pg, pg->type_info);
	set_type(pg, type | PGT_VALIDATED | 1);
	return 0;
}

static int put_type_ctx(struct pt_ctx *c, struct page_info *pg)
{
	uint64_t t = pg->type_info;

	if (!t_count(t)) {
		panic("pv mm: type reference underflow on frame %#llx",
		      (unsigned long long)mfn_x(pv_page_to_mfn(pg)));
	}
	if (t_count(t) > 1 || !pgt_level(t)) {
		set_type(pg, t - 1);
		return 0;
	}
	/* The last reference of a page table: drop what its entries hold, from the top down. */
	if (get_page(pg, c->d)) {
		/* Cannot happen: a validated table holds references, so its count is not saturated. */
		panic("pv mm: cannot devalidate frame %#llx",
		      (unsigned long long)mfn_x(pv_page_to_mfn(pg)));
	}
	set_type(pg, t_set_done((t & PGT_TYPE_MASK) | PGT_PARTIAL, PT_ENTRIES));
	return devalidate(c, pg);
}

int get_page_type(struct domain *d, struct page_info *pg, uint64_t type, bool preemptible)
{
	struct pt_ctx c = { d, preemptible, false };
	int rc = get_type_ctx(&c, pg, type);

	if (c.need_flush) {
		d->arch.stats.tlb_flushes++;
		pv_flush_tlb_domain(d);
	}
	return rc;
}

int put_page_type(struct domain *d, struct page_info *pg, bool preemptible)
{
	struct pt_ctx c = { d, preemptible, false };

	return put_type_ctx(&c, pg);
}

/* Drop a type reference at the top of an operation; a yielded devalidation is parked in @v. */
static void put_type_deferred(struct pt_ctx *c, struct vcpu *v, struct page_info *pg)
{
	if (put_type_ctx(c, pg) == -ERESTART) {
		if (!v || v->arch.mm_pending) {
			panic("pv mm: nowhere to park a devalidation");
		}
		v->arch.mm_pending = mfn_x(pv_page_to_mfn(pg)) + 1;
	}
}

/* Continue a partial page with no type references towards no references at all. */
static int drive_down(struct pt_ctx *c, struct page_info *pg)
{
	if (!(pg->type_info & PGT_PARTIAL) || t_count(pg->type_info)) {
		return 0;
	}
	return devalidate(c, pg);
}

int pv_mm_finish_pending(struct vcpu *v)
{
	struct pt_ctx c;
	int rc;

	if (!v->arch.mm_pending) {
		return 0;
	}
	ctx_lock(&c, v->domain, true);
	rc = drive_down(&c, pv_mfn_to_page(_mfn(v->arch.mm_pending - 1)));
	if (!rc) {
		v->arch.mm_pending = 0;
	}
	ctx_unlock(&c);
	return rc;
}

bool pv_mm_has_pending(const struct vcpu *v)
{
	return v->arch.mm_pending != 0;
}

/* ---- Pins ---- */

static int pin(struct pt_ctx *c, mfn_t mfn, uint64_t type)
{
	struct page_info *pg = pv_mfn_to_page(mfn);
	int rc;

	if (!pgt_level(type) || (type & ~PGT_TYPE_MASK)) {
		return -EINVAL;
	}
	if (!pg) {
		return -EINVAL;
	}
	rc = get_page(pg, c->d);
	if (rc) {
		return rc;
	}
	if (pg->type_info & PGT_PINNED) {
		put_page(pg);
		return -EINVAL;
	}
	rc = get_type_ctx(c, pg, type);
	if (rc) {
		put_page(pg);
		return rc;
	}
	set_type(pg, pg->type_info | PGT_PINNED);
	return 0;
}

int pv_pin_table(struct domain *d, mfn_t mfn, uint64_t pgt_type)
{
	struct pt_ctx c;
	int rc;

	ctx_lock(&c, d, false);
	rc = pin(&c, mfn, pgt_type);
	ctx_unlock(&c);
	return rc;
}

int pv_pin_table_preemptible(struct vcpu *v, mfn_t mfn, uint64_t pgt_type)
{
	struct pt_ctx c;
	int rc;

	ctx_lock(&c, v->domain, true);
	rc = pin(&c, mfn, pgt_type);
	ctx_unlock(&c);
	return rc;
}

int pv_unpin_table(struct vcpu *v, mfn_t mfn)
{
	struct page_info *pg = pv_mfn_to_page(mfn);
	struct pt_ctx c;
	int rc;

	if (!pg) {
		return -EINVAL;
	}
	ctx_lock(&c, v->domain, true);
	rc = get_page(pg, c.d);
	if (rc) {
		goto out;
	}
	if (!(pg->type_info & PGT_PINNED)) {
		/* A partial page (a pin that never finished) is taken down instead. */
		rc = (pg->type_info & PGT_PARTIAL) && !t_count(pg->type_info) ? 0 : -EINVAL;
		put_page(pg);
		if (!rc) {
			rc = drive_down(&c, pg);
			if (rc == -ERESTART) {
				v->arch.mm_pending = mfn_x(mfn) + 1;
				rc = 0;
			}
		}
		goto out;
	}
	set_type(pg, pg->type_info & ~PGT_PINNED);
	put_type_deferred(&c, v, pg);
	put_page(pg);	/* the pin's */
	put_page(pg);	/* ours */
out:
	ctx_unlock(&c);
	return rc;
}

/* ---- Root page tables ---- */

static int set_guest_table(struct vcpu *v, mfn_t l4, bool user, bool preemptible)
{
	mfn_t *slot = user ? &v->arch.guest_table_user : &v->arch.guest_table;
	mfn_t old = *slot;
	struct page_info *pg = NULL;
	struct pt_ctx c;
	int rc = 0;

	if (!mfn_x(l4) && !user) {
		return -EINVAL;
	}
	ctx_lock(&c, v->domain, preemptible);
	if (mfn_x(l4)) {
		pg = pv_mfn_to_page(l4);
		rc = pg ? get_page(pg, c.d) : -EINVAL;
		if (rc) {
			goto out;
		}
		rc = get_type_ctx(&c, pg, PGT_L4);
		if (rc) {
			put_page(pg);
			goto out;
		}
	}
	*slot = l4;
	/* Leave the old root before dropping it: its devalidation must not run under our CR3. */
	if (mfn_x(old) != mfn_x(l4) && v->arch.kernel_mode != user) {
		pv_reload_cr3(v);
	}
	if (mfn_x(old)) {
		struct page_info *opg = pv_mfn_to_page(old);

		put_type_deferred(&c, preemptible ? v : NULL, opg);
		put_page(opg);
	}
out:
	ctx_unlock(&c);
	return rc;
}

int pv_set_guest_table(struct vcpu *v, mfn_t l4, bool user)
{
	return set_guest_table(v, l4, user, false);
}

int pv_set_guest_table_preemptible(struct vcpu *v, mfn_t l4, bool user)
{
	return set_guest_table(v, l4, user, true);
}

/* ---- Entry updates ---- */

/* Entry @idx of validated table @pg (level @level) becomes @val; references move. */
static int mod_pt_entry(struct pt_ctx *c, struct vcpu *v, struct page_info *pg, unsigned int level,
			unsigned int idx, uint64_t val, bool preserve_ad)
{
	uint64_t *table = map_table(pg);
	uint64_t old = table[idx];
	uint64_t keep = level == 1 ? PTE_ADDR_MASK | _PAGE_PRESENT | _PAGE_RW :
				     PTE_ADDR_MASK | _PAGE_PRESENT;
	int rc;

	if (!guest_entry(level, idx)) {
		return -EINVAL;
	}
	if (preserve_ad) {
		val |= old & (_PAGE_ACCESSED | _PAGE_DIRTY);
	}
	if (val & _PAGE_PRESENT) {
		if ((old & _PAGE_PRESENT) && !((old ^ val) & keep)) {
			/* Same target, same reference-taking flags: only the flags need checking. */
			rc = check_entry_flags(c, level, val);
			if (!rc && is_io_entry(level, val)) {
				rc = check_io_entry(c, val);
			}
			if (rc) {
				return rc;
			}
			WRITE_ONCE(table[idx], adjust_entry(val));
			return 0;
		}
		rc = get_entry_refs(c, level, val);
		if (rc) {
			return rc;
		}
	}
	WRITE_ONCE(table[idx], adjust_entry(val));
	if ((old & _PAGE_PRESENT) && !is_io_entry(level, old)) {
		struct page_info *target = pv_mfn_to_page(pte_mfn(old));

		if (level > 1 || (old & _PAGE_RW)) {
			put_type_deferred(c, v, target);
		}
		put_page(target);
	}
	return 0;
}

int pv_mod_entry(struct vcpu *v, mfn_t table, unsigned int idx, uint64_t val, bool preserve_ad,
		 bool preemptible)
{
	struct page_info *pg = pv_mfn_to_page(table);
	struct pt_ctx c;
	uint64_t t, type;
	int rc;

	if (!pg || idx >= PT_ENTRIES) {
		return -EINVAL;
	}
	ctx_lock(&c, v->domain, preemptible);
	rc = get_page(pg, c.d);
	if (rc) {
		goto out;
	}
	t = pg->type_info;
	if (pgt_level(t) && !t_count(t) && (t & PGT_PARTIAL)) {
		/* A table whose pin or unpin was interrupted: that operation must be finished first. */
		rc = -EBUSY;
		goto out_put;
	}
	/*
	 * A page table in use is updated with validation (our type reference cannot be its last);
	 * any other page of the domain is plain memory and takes the writable type meanwhile.
	 */
	type = pgt_level(t) && t_count(t) ? t & PGT_TYPE_MASK : PGT_WRITABLE;
	rc = get_type_ctx(&c, pg, type);
	if (rc) {
		goto out_put;
	}
	if (type == PGT_WRITABLE) {
		WRITE_ONCE(((uint64_t *)map_table(pg))[idx], val);
	} else {
		rc = mod_pt_entry(&c, preemptible ? v : NULL, pg, pgt_level(type), idx, val,
				  preserve_ad);
	}
	put_type_deferred(&c, preemptible ? v : NULL, pg);
out_put:
	put_page(pg);
out:
	ctx_unlock(&c);
	return rc;
}

int pv_find_l1e(struct domain *d, mfn_t l4, uint64_t va, mfn_t *l1, unsigned int *idx)
{
	mfn_t table = l4;
	unsigned int level;

	/* Canonical and outside the hypervisor window (SDM vol. 1, 3.3.7.1). */
	if ((va >= 0x0000800000000000ULL && va < HYPERVISOR_VIRT_END) ||
	    !pv_is_guest_l4_slot((va >> 39) & 511) || !mfn_x(l4)) {
		return -EINVAL;
	}
	for (level = 4; level > 1; level--) {
		struct page_info *pg = pv_mfn_to_page(table);
		uint64_t e;

		if (!pg || pg->owner != d->domain_id ||
		    (pg->type_info & PGT_TYPE_MASK) != pgt_of_level(level) ||
		    !(pg->type_info & PGT_VALIDATED)) {
			return -EINVAL;
		}
		e = map_table(pg)[(va >> (12 + 9 * (level - 1))) & 511];
		if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE)) {
			return -EINVAL;
		}
		table = pte_mfn(e);
	}
	*l1 = table;
	*idx = (va >> 12) & 511;
	return 0;
}

int pv_update_va(struct vcpu *v, uint64_t va, uint64_t val, bool preemptible)
{
	struct domain *d = v->domain;
	unsigned int idx;
	mfn_t l1;
	int rc;

	spin_lock(&d->arch.mm_lock);
	rc = pv_find_l1e(d, v->arch.kernel_mode ? v->arch.guest_table : v->arch.guest_table_user,
			 va, &l1, &idx);
	spin_unlock(&d->arch.mm_lock);
	if (rc) {
		return rc;
	}
	/*
	 * Between the walk and the update the L1 may have been unlinked by another vCPU; the update
	 * then still validates against the frame's own state, so it cannot break the rules.
	 */
	return pv_mod_entry(v, l1, idx, val, false, preemptible);
}

/* ---- Teardown ---- */

void pv_relinquish_memory(struct domain *d)
{
	unsigned int i;
	uint64_t m, left = 0;
	struct pt_ctx c;

	for (i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		if (!v) {
			continue;
		}
		if (mfn_x(v->arch.guest_table_user)) {
			pv_set_guest_table(v, _mfn(0), true);
		}
		ctx_lock(&c, d, false);
		if (mfn_x(v->arch.guest_table)) {
			struct page_info *pg = pv_mfn_to_page(v->arch.guest_table);

			v->arch.guest_table = _mfn(0);
			put_type_ctx(&c, pg);
			put_page(pg);
		}
		if (v->arch.mm_pending) {
			drive_down(&c, pv_mfn_to_page(_mfn(v->arch.mm_pending - 1)));
			v->arch.mm_pending = 0;
		}
		ctx_unlock(&c);
	}
	ctx_lock(&c, d, false);
	/* Every frame of the domain: pins first, then pages a yielded (de)validation left partial. */
	for (m = 0; m < sys_heap.nr_frames; m++) {
		struct page_info *pg = &sys_heap.frames[m];

		if (page_state(pg) == PGC_STATE_INUSE && pg->owner == d->domain_id &&
		    (pg->type_info & PGT_PINNED)) {
			set_type(pg, pg->type_info & ~PGT_PINNED);
			put_type_ctx(&c, pg);
			put_page(pg);
		}
	}
	for (m = 0; m < sys_heap.nr_frames; m++) {
		struct page_info *pg = &sys_heap.frames[m];

		if (page_state(pg) == PGC_STATE_INUSE && pg->owner == d->domain_id) {
			drive_down(&c, pg);
		}
	}
	/* What is left is held by something else (a GDT, a grant): the caller must drop it. */
	for (m = 0; m < sys_heap.nr_frames; m++) {
		struct page_info *pg = &sys_heap.frames[m];

		if (page_state(pg) == PGC_STATE_INUSE && pg->owner == d->domain_id &&
		    pgt_level(pg->type_info) && t_count(pg->type_info)) {
			left++;
		}
	}
	ctx_unlock(&c);
	if (left) {
		log_warn("d%u: %llu page tables still referenced after relinquish\n", d->domain_id,
			 (unsigned long long)left);
	}
}
