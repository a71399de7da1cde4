/*
 * Grant tables, version 1: the shared table frames, the grant entry state machine (the granter's
 * flags/domid word checked and GTF_reading/GTF_writing set with compare-and-swap, as the granter
 * may change its entry at any time), mappings with their maptrack handles, copies, and
 * grant_table_op, whose batched commands share one preemptible loop. Xen's
 * xen/common/grant_table.c is the model; the code is our own.
 *
 * Locking (docs/design/locking.md): each domain's grant_table.lock guards its active entries,
 * its maptrack and its table size. Operations between a mapper and a granter take both through
 * lock_pair(), lower domain ID first. The architecture's mapping work (PV MMU, mm_lock) runs
 * under them: grant locks come before mm_lock. The shared entries are guest memory reached
 * through the direct map and changed only with atomics; guest arguments are copied in before
 * and out after the locked part.
 *
 * Portable: no arch headers; tests/unit runs this file on the host.
 */
#include <argon/arch.h>
#include <argon/cmdline.h>
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/grant.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <argon/mm.h>

uint64_t gnttab_max_frames = GNTTAB_DEFAULT_MAX_FRAMES;
integer_param("gnttab_max_frames", gnttab_max_frames);

/* Attempts at updating a shared entry that the guest keeps changing under us. */
#define GNTTAB_CAS_RETRIES 16

/* ---- Locks ---- */

/* Lock the grant state of @a and @b (possibly the same), the lower domain ID first. */
static void lock_pair(struct domain *a, struct domain *b)
{
	if (a == b) {
		spin_lock(&a->grant_table->lock);
	} else if (a->domain_id < b->domain_id) {
		spin_lock(&a->grant_table->lock);
		spin_lock(&b->grant_table->lock);
	} else {
		spin_lock(&b->grant_table->lock);
		spin_lock(&a->grant_table->lock);
	}
}

static void unlock_pair(struct domain *a, struct domain *b)
{
	spin_unlock(&a->grant_table->lock);
	if (a != b) {
		spin_unlock(&b->grant_table->lock);
	}
}

/* ---- Table state ---- */

static unsigned int nr_entries(const struct grant_table *gt)
{
	return gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME;
}

static struct grant_entry_v1 *shared_entry(struct grant_table *gt, grant_ref_t ref)
{
	return &gt->shared[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

static struct grant_active *active_entry(struct grant_table *gt, grant_ref_t ref)
{
	return &gt->active[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

/* The flags and domid of a v1 entry as one 32-bit word (flags in the low half, little endian). */
static uint32_t *entry_word(struct grant_entry_v1 *e)
{
	return (uint32_t *)(void *)e;
}

int grant_table_init(struct domain *d)
{
	struct grant_table *gt = alloc_xenheap(sizeof(*gt));
	uint64_t max = gnttab_max_frames;

	if (!gt) {
		return -ENOMEM;
	}
	gt->maptrack = alloc_xenheap(GNTTAB_MAPTRACK_SIZE * sizeof(struct grant_mapping));
	if (!gt->maptrack) {
		free_xenheap(gt, sizeof(*gt));
		return -ENOMEM;
	}
	gt->lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
	gt->max_frames = (unsigned int)(max < 1 ? 1 : max > GNTTAB_MAX_FRAMES_LIMIT ?
					       GNTTAB_MAX_FRAMES_LIMIT : max);
	d->grant_table = gt;
	return 0;
}

int grant_table_grow(struct domain *d, unsigned int nr)
{
	struct grant_table *gt = d->grant_table;
	size_t active_size = GNTTAB_ENTRIES_PER_FRAME * sizeof(struct grant_active);
	int rc = 0;

	if (nr > gt->max_frames) {
		return -EINVAL;
	}
	spin_lock(&gt->lock);
	while (gt->nr_frames < nr) {
		unsigned int i = gt->nr_frames;
		mfn_t m;

		gt->active[i] = alloc_xenheap(active_size);
		if (!gt->active[i]) {
			rc = -ENOMEM;
			break;
		}
		rc = heap_alloc(&sys_heap, 0, DOMID_XEN, &m);
		if (!rc) {
			clear_page(arch_mfn_to_virt(m));
			rc = arch_grant_share_frame(d, m);
			if (rc) {
				heap_free(&sys_heap, m, 0);
			}
		}
		if (rc) {
			free_xenheap(gt->active[i], active_size);
			gt->active[i] = NULL;
			break;
		}
		gt->frames[i] = m;
		gt->shared[i] = arch_mfn_to_virt(m);
		gt->nr_frames++;
	}
	spin_unlock(&gt->lock);
	return rc;
}

/* ---- The grant entry state machine ---- */

/*
 * Start a use of grant @ref of @rd's table by domain @mapper, read-only or not: the entry must
 * permit access to @mapper (and allow writing unless @readonly); GTF_reading, and GTF_writing
 * for a writable use, are set in the same compare-and-swap that checks it. The active entry
 * counts the use. Returns GNTST_okay and the frame in *@frame, or a GNTST_* error with nothing
 * changed. Caller holds @rd's lock.
 */
static int16_t acquire(struct domain *rd, grant_ref_t ref, domid_t mapper, bool readonly,
		       mfn_t *frame)
{
	struct grant_table *gt = rd->grant_table;
	struct grant_entry_v1 *e;
	struct grant_active *act;
	uint32_t *word, old, new;
	unsigned int tries;

	if (ref >= nr_entries(gt)) {
		return GNTST_bad_gntref;
	}
	e = shared_entry(gt, ref);
	act = active_entry(gt, ref);
	word = entry_word(e);
	if ((act->pin_ro || act->pin_rw) && act->domid != mapper) {
		return GNTST_permission_denied;
	}
	old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
	for (tries = 0;; tries++) {
		uint16_t flags = (uint16_t)old;
		domid_t domid = (domid_t)(old >> 16);

		if (tries == GNTTAB_CAS_RETRIES) {
			return GNTST_general_error;
		}
		if ((flags & GTF_type_mask) != GTF_permit_access || domid != mapper ||
		    (!readonly && (flags & GTF_readonly))) {
			return GNTST_permission_denied;
		}
		new = old | GTF_reading | (readonly ? 0 : GTF_writing);
		if (new == old || __atomic_compare_exchange_n(word, &old, new, false,
							      __ATOMIC_SEQ_CST,
							      __ATOMIC_SEQ_CST)) {
			break;
		}
	}
	if (!act->pin_ro && !act->pin_rw) {
		/* The frame is read once, after the entry is locked by the status bits. */
		act->domid = mapper;
		act->frame = _mfn(READ_ONCE(e->frame));
	}
	if (readonly) {
		act->pin_ro++;
	} else {
		act->pin_rw++;
	}
	*frame = act->frame;
	return GNTST_okay;
}

/* End a use acquire() started: the status bits go when the last (writable) use does. */
static void release(struct domain *rd, grant_ref_t ref, bool readonly)
{
	struct grant_table *gt = rd->grant_table;
	struct grant_active *act = active_entry(gt, ref);
	uint32_t *word = entry_word(shared_entry(gt, ref));

	if (readonly) {
		act->pin_ro--;
	} else {
		act->pin_rw--;
	}
	if (!act->pin_rw) {
		__atomic_fetch_and(word, ~(uint32_t)GTF_writing, __ATOMIC_SEQ_CST);
	}
	if (!act->pin_rw && !act->pin_ro) {
		__atomic_fetch_and(word, ~(uint32_t)GTF_reading, __ATOMIC_SEQ_CST);
		act->domid = 0;
		act->frame = _mfn(0);
	}
}

/* ---- Which domain ---- */

static domid_t resolve(struct domain *d, domid_t id)
{
	return id == DOMID_SELF ? d->domain_id : id;
}

/* A domain whose grants may be used now (exists, has a table, not being torn down). */
static struct domain *live_domain(struct domain *caller, domid_t id)
{
	struct domain *d = domain_by_id(resolve(caller, id));

	return d && d->grant_table && !d->grant_table->dying ? d : NULL;
}

/* The domain @caller may manage as @id (setup_table, query_size...): itself or, privileged, any. */
static struct domain *managed_domain(struct domain *caller, domid_t id, int16_t *status)
{
	struct domain *d;

	id = resolve(caller, id);
	if (id != caller->domain_id && !caller->is_privileged) {
		*status = GNTST_permission_denied;
		return NULL;
	}
	d = domain_by_id(id);
	if (!d || !d->grant_table) {
		*status = GNTST_bad_domain;
		return NULL;
	}
	return d;
}

/* ---- Mapping ---- */

static int get_maptrack_handle(struct grant_table *gt)
{
	int h;

	for (h = 0; h < GNTTAB_MAPTRACK_SIZE; h++) {
		if (!gt->maptrack[h].in_use) {
			return h;
		}
	}
	return -ENOSPC;
}

/* GNTTABOP_map_grant_ref's work for one entry, as vCPU @v. */
static void map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
	struct domain *ld = v->domain, *rd;
	bool ro = op->flags & GNTMAP_readonly;
	struct grant_mapping *m;
	uint64_t pte_maddr;
	mfn_t frame;
	int h;

	op->handle = ~0U;
	op->dev_bus_addr = 0;
	/* Device-only mappings (no CPU mapping) would need an IOMMU: not offered. */
	if (!(op->flags & GNTMAP_host_map)) {
		op->status = GNTST_general_error;
		return;
	}
	rd = live_domain(ld, op->dom);
	if (!rd || ld->grant_table->dying) {
		op->status = GNTST_bad_domain;
		return;
	}
	lock_pair(ld, rd);
	h = get_maptrack_handle(ld->grant_table);
	if (h < 0) {
		op->status = GNTST_no_space;
		goto out;
	}
	op->status = acquire(rd, op->ref, ld->domain_id, ro, &frame);
	if (op->status != GNTST_okay) {
		goto out;
	}
	/* The maptrack entry's own references: the frame stays the granter's while mapped. */
	if (arch_grant_get_frame(rd, frame, !ro)) {
		op->status = GNTST_general_error;
		goto out_release;
	}
	if (arch_grant_map(v, op->host_addr, op->flags, rd, frame, ro, &pte_maddr)) {
		op->status = (op->flags & GNTMAP_contains_pte) ? GNTST_general_error :
								 GNTST_bad_virt_addr;
		goto out_put;
	}
	m = &ld->grant_table->maptrack[h];
	m->in_use = true;
	m->readonly = ro;
	m->granter = rd->domain_id;
	m->ref = op->ref;
	m->flags = op->flags;
	m->host_addr = op->host_addr;
	m->pte_maddr = pte_maddr;
	m->frame = frame;
	op->handle = (grant_handle_t)h;
	if (op->flags & GNTMAP_device_map) {
		/* PV: no IOMMU, so the bus address is the machine address. */
		op->dev_bus_addr = mfn_to_paddr(frame);
	}
	goto out;
out_put:
	arch_grant_put_frame(rd, frame, !ro);
out_release:
	release(rd, op->ref, ro);
out:
	unlock_pair(ld, rd);
}

/*
 * Remove mapping @h of @ld (its PTE replaced by @new_addr's entry, or cleared) and drop what it
 * holds. Caller holds both grant locks. Returns GNTST_okay or GNTST_general_error (@new_addr not
 * mapped; nothing changed). A PTE that no longer maps the frame (the guest replaced it) leaves
 * nothing to clear: the mapping is released all the same.
 */
static int16_t unmap_handle(struct domain *ld, struct domain *rd, grant_handle_t h,
			    uint64_t new_addr)
{
	struct grant_mapping *m = &ld->grant_table->maptrack[h];
	int rc;

	rc = arch_grant_unmap(ld, m->pte_maddr, m->frame, new_addr);
	if (rc && rc != -ENOENT) {
		return GNTST_general_error;
	}
	arch_grant_put_frame(rd, m->frame, !m->readonly);
	release(rd, m->ref, m->readonly);
	memset(m, 0, sizeof(*m));
	return GNTST_okay;
}

/* GNTTABOP_unmap_grant_ref / unmap_and_replace for one entry. */
static int16_t unmap_one(struct domain *ld, grant_handle_t h, uint64_t host_addr,
			 uint64_t new_addr)
{
	struct grant_mapping *m;
	struct domain *rd;
	int16_t status;

	if (h >= GNTTAB_MAPTRACK_SIZE) {
		return GNTST_bad_handle;
	}
	m = &ld->grant_table->maptrack[h];
	spin_lock(&ld->grant_table->lock);
	rd = m->in_use ? domain_by_id(m->granter) : NULL;
	spin_unlock(&ld->grant_table->lock);
	if (!rd || !rd->grant_table) {
		return GNTST_bad_handle;
	}
	lock_pair(ld, rd);
	if (!m->in_use || m->granter != rd->domain_id) {
		status = GNTST_bad_handle;
	} else if (host_addr != m->host_addr) {
		status = GNTST_general_error;
	} else {
		status = unmap_handle(ld, rd, h, new_addr);
	}
	unlock_pair(ld, rd);
	return status;
}

/* ---- Copy ---- */

/* One side of a copy, resolved: the frame and who owns it, and the grant it came through. */
struct copy_side {
	struct domain *owner;
	mfn_t frame;
	bool by_ref, held, acquired;
	grant_ref_t ref;
};

/* Resolve and reference one side of a copy for @ld; @dest sides must be writable. */
static int16_t copy_claim(struct domain *ld, const struct gnttab_copy_ptr *p, bool by_ref,
			  bool dest, struct copy_side *s)
{
	int16_t st;

	memset(s, 0, sizeof(*s));
	s->by_ref = by_ref;
	if (!by_ref) {
		/* The caller's own frame (a PV guest names it by machine frame number). */
		if (resolve(ld, p->domid) != ld->domain_id) {
			return GNTST_permission_denied;
		}
		s->owner = ld;
		s->frame = _mfn(p->u.gmfn);
		if (arch_grant_get_frame(ld, s->frame, dest)) {
			return GNTST_bad_page;
		}
		s->held = true;
		return GNTST_okay;
	}
	s->owner = live_domain(ld, p->domid);
	if (!s->owner) {
		return GNTST_bad_domain;
	}
	s->ref = p->u.ref;
	lock_pair(ld, s->owner);
	st = acquire(s->owner, s->ref, ld->domain_id, !dest, &s->frame);
	unlock_pair(ld, s->owner);
	if (st != GNTST_okay) {
		return st;
	}
	s->acquired = true;
	if (arch_grant_get_frame(s->owner, s->frame, dest)) {
		return GNTST_bad_page;
	}
	s->held = true;
	return GNTST_okay;
}

static void copy_release(struct domain *ld, struct copy_side *s, bool dest)
{
	if (s->held) {
		arch_grant_put_frame(s->owner, s->frame, dest);
	}
	if (s->acquired) {
		lock_pair(ld, s->owner);
		release(s->owner, s->ref, !dest);
		unlock_pair(ld, s->owner);
	}
}

static int16_t copy_one(struct domain *ld, const struct gnttab_copy *op)
{
	struct copy_side src, dst;
	int16_t st;

	if ((uint32_t)op->source.offset + op->len > PAGE_SIZE ||
	    (uint32_t)op->dest.offset + op->len > PAGE_SIZE) {
		return GNTST_bad_copy_arg;
	}
	if (ld->grant_table->dying) {
		return GNTST_bad_domain;
	}
	st = copy_claim(ld, &op->source, op->flags & GNTCOPY_source_gref, false, &src);
	if (st == GNTST_okay) {
		st = copy_claim(ld, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
		if (st == GNTST_okay) {
			memmove((uint8_t *)arch_mfn_to_virt(dst.frame) + op->dest.offset,
				(const uint8_t *)arch_mfn_to_virt(src.frame) + op->source.offset,
				op->len);
		}
		copy_release(ld, &dst, true);
	}
	copy_release(ld, &src, false);
	return st;
}

/* ---- Teardown ---- */

/*
 * Remove every mapping another domain holds of @d's grants. A grant names one grantee, so the
 * mappers are the domains the active entries name.
 */
static void revoke_foreign_mappings(struct domain *d)
{
	struct grant_table *gt = d->grant_table;
	grant_ref_t ref;

	for (ref = 0; ref < nr_entries(gt); ref++) {
		struct grant_active *act = active_entry(gt, ref);
		struct domain *md;
		unsigned int h;

		if ((!act->pin_ro && !act->pin_rw) || act->domid == d->domain_id) {
			continue;
		}
		md = domain_by_id(act->domid);
		if (!md || !md->grant_table) {
			continue;
		}
		lock_pair(d, md);
		for (h = 0; h < GNTTAB_MAPTRACK_SIZE; h++) {
			struct grant_mapping *m = &md->grant_table->maptrack[h];

			if (m->in_use && m->granter == d->domain_id && m->ref == ref) {
				unmap_handle(md, d, (grant_handle_t)h, 0);
			}
		}
		unlock_pair(d, md);
	}
}

void grant_table_release(struct domain *d)
{
	struct grant_table *gt = d->grant_table;
	unsigned int h;

	if (!gt) {
		return;
	}
	spin_lock(&gt->lock);
	gt->dying = true;
	spin_unlock(&gt->lock);
	revoke_foreign_mappings(d);
	/*
	 * Our own mappings: their PTEs go with our page tables (which hold their own references);
	 * here only the maptrack's references and the granters' pins are dropped.
	 */
	for (h = 0; h < GNTTAB_MAPTRACK_SIZE; h++) {
		struct grant_mapping *m = &gt->maptrack[h];
		struct domain *rd;

		if (!m->in_use) {
			continue;
		}
		rd = domain_by_id(m->granter);
		if (rd && rd->grant_table) {
			lock_pair(d, rd);
			arch_grant_put_frame(rd, m->frame, !m->readonly);
			release(rd, m->ref, m->readonly);
			unlock_pair(d, rd);
		}
		memset(m, 0, sizeof(*m));
	}
}

void grant_table_destroy(struct domain *d)
{
	struct grant_table *gt = d->grant_table;
	unsigned int i;

	if (!gt) {
		return;
	}
	grant_table_release(d);
	for (i = 0; i < gt->nr_frames; i++) {
		clear_page(gt->shared[i]);
		if (arch_grant_unshare_frame(d, gt->frames[i])) {
			log_err("d%u: grant table frame %#llx still referenced; leaked\n", d->domain_id,
				(unsigned long long)mfn_x(gt->frames[i]));
		} else {
			heap_free(&sys_heap, gt->frames[i], 0);
		}
		free_xenheap(gt->active[i], GNTTAB_ENTRIES_PER_FRAME * sizeof(struct grant_active));
	}
	free_xenheap(gt->maptrack, GNTTAB_MAPTRACK_SIZE * sizeof(struct grant_mapping));
	d->grant_table = NULL;
	free_xenheap(gt, sizeof(*gt));
}

/* ---- The hypercall ---- */

static int op_setup_table(struct vcpu *v, uint64_t arg)
{
	struct gnttab_setup_table op;
	struct domain *d;
	unsigned int i;

	if (copy_from_guest(&op, arg, sizeof(op))) {
		return -EFAULT;
	}
	op.status = GNTST_okay;
	d = managed_domain(v->domain, op.dom, &op.status);
	if (d && op.nr_frames > d->grant_table->max_frames) {
		op.status = GNTST_general_error;
	} else if (d) {
		int rc = grant_table_grow(d, op.nr_frames);

		if (rc) {
			op.status = GNTST_general_error;
		}
		for (i = 0; !rc && i < op.nr_frames; i++) {
			xen_pfn_t f = mfn_x(d->grant_table->frames[i]);

			if (copy_to_guest(op.frame_list.addr + i * sizeof(f), &f, sizeof(f))) {
				return -EFAULT;
			}
		}
	}
	return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
}

static int op_query_size(struct vcpu *v, uint64_t arg)
{
	struct gnttab_query_size op;
	struct domain *d;

	if (copy_from_guest(&op, arg, sizeof(op))) {
		return -EFAULT;
	}
	op.status = GNTST_okay;
	d = managed_domain(v->domain, op.dom, &op.status);
	if (d) {
		op.nr_frames = d->grant_table->nr_frames;
		op.max_nr_frames = d->grant_table->max_frames;
	}
	return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
}

static int op_set_version(struct vcpu *v, uint64_t arg)
{
	struct gnttab_set_version op;
	int rc = 0;

	if (copy_from_guest(&op, arg, sizeof(op))) {
		return -EFAULT;
	}
	/* Version 1 only: asking for 2 is refused as Xen refuses it where v2 is disabled. */
	if (op.version == 2) {
		rc = -EOPNOTSUPP;
	} else if (op.version != 1) {
		rc = -EINVAL;
	}
	op.version = 1;
	return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : rc;
}

static int op_get_version(struct vcpu *v, uint64_t arg)
{
	struct gnttab_get_version op;
	int16_t status = GNTST_okay;

	if (copy_from_guest(&op, arg, sizeof(op))) {
		return -EFAULT;
	}
	if (!managed_domain(v->domain, op.dom, &status)) {
		return status == GNTST_bad_domain ? -ESRCH : -EPERM;
	}
	op.version = 1;
	return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
}

/* ---- Batched commands ---- */

/* One entry of any batched command, as copied in from the guest. */
union batch_entry {
	struct gnttab_map_grant_ref map;
	struct gnttab_unmap_grant_ref unmap;
	struct gnttab_unmap_and_replace replace;
	struct gnttab_copy copy;
};

static void batch_map(struct vcpu *v, union batch_entry *e)
{
	map_one(v, &e->map);
}

static void batch_unmap(struct vcpu *v, union batch_entry *e)
{
	e->unmap.status = unmap_one(v->domain, e->unmap.handle, e->unmap.host_addr, 0);
}

static void batch_unmap_and_replace(struct vcpu *v, union batch_entry *e)
{
	e->replace.status = unmap_one(v->domain, e->replace.handle, e->replace.host_addr,
				      e->replace.new_addr);
}

static void batch_copy(struct vcpu *v, union batch_entry *e)
{
	e->copy.status = copy_one(v->domain, &e->copy);
}

/* A batched command: the size of its entries and the work for one (which sets its status). */
struct batch_cmd {
	size_t size;
	void (*one)(struct vcpu *v, union batch_entry *e);
};

static const struct batch_cmd batch_cmds[] = {
	[GNTTABOP_map_grant_ref] = { sizeof(struct gnttab_map_grant_ref), batch_map },
	[GNTTABOP_unmap_grant_ref] = { sizeof(struct gnttab_unmap_grant_ref), batch_unmap },
	[GNTTABOP_copy] = { sizeof(struct gnttab_copy), batch_copy },
	[GNTTABOP_unmap_and_replace] = { sizeof(struct gnttab_unmap_and_replace),
					 batch_unmap_and_replace },
};

/*
 * The loop every batched command shares: @count entries at guest address @arg, each copied in,
 * done and copied back with its status; -EFAULT stops the batch (entries before it are done).
 * A batch can be 2^32-1 entries long, so between entries it stops when the CPU is wanted
 * elsewhere and continues through a continuation of command @cmd that starts at the next entry
 * with the count reduced (Xen's shape: the guest sees only the arguments move on). At least one
 * entry is done per call, so a re-issued batch always makes progress. No state is carried across
 * the stop: every entry is complete when its status is copied out.
 */
static long run_batch(struct vcpu *v, unsigned int cmd, uint64_t arg, uint32_t count)
{
	const struct batch_cmd *bc = &batch_cmds[cmd];
	union batch_entry e;
	uint32_t i;

	for (i = 0; i < count; i++) {
		uint64_t a = arg + (uint64_t)i * bc->size;

		if (i && hypercall_preempt_check()) {
			return hypercall_create_continuation(__HYPERVISOR_grant_table_op, cmd, a,
							     count - i, 0, 0);
		}
		if (copy_from_guest(&e, a, bc->size)) {
			return -EFAULT;
		}
		bc->one(v, &e);
		if (copy_to_guest(a, &e, bc->size)) {
			return -EFAULT;
		}
	}
	return 0;
}

long do_grant_table_op(uint64_t cmd, uint64_t arg, uint64_t count, uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current_vcpu();

	if (count > UINT32_MAX) {
		return -EINVAL;
	}
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
	case GNTTABOP_unmap_grant_ref:
	case GNTTABOP_unmap_and_replace:
	case GNTTABOP_copy:
		return run_batch(v, (unsigned int)cmd, arg, (uint32_t)count);
	case GNTTABOP_setup_table:
	case GNTTABOP_query_size:
	case GNTTABOP_set_version:
	case GNTTABOP_get_version:
		/* One structure per call, as in Xen. */
		if (count != 1) {
			return -EINVAL;
		}
		return cmd == GNTTABOP_setup_table ? op_setup_table(v, arg) :
		       cmd == GNTTABOP_query_size  ? op_query_size(v, arg) :
		       cmd == GNTTABOP_set_version ? op_set_version(v, arg) :
						     op_get_version(v, arg);
	default:
		/*
		 * transfer, dump_table, swap_grant_ref, cache_flush, and the v2-only
		 * get_status_frames: not implemented.
		 */
		return -ENOSYS;
	}
}
