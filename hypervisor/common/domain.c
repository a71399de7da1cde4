/* Domain lifetime: creation, memory ownership, shutdown and destruction. */
#include <argon/arch.h>
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/event.h>
#include <argon/grant.h>
#include <argon/guest_console.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/schedule.h>
#include <argon/vtime.h>
#include <public/vcpu.h>
#include <argon/arch.h>

static struct domain domain_store[MAX_DOMAINS];
static bool domain_used[MAX_DOMAINS];

struct domain *domain_by_id(domid_t id)
{
	unsigned int i;

	for (i = 0; i < MAX_DOMAINS; i++) {
		if (domain_used[i] && domain_store[i].domain_id == id) {
			return &domain_store[i];
		}
	}
	return NULL;
}

struct domain *domain_next(struct domain *d)
{
	struct domain *best = NULL;
	unsigned int i;

	for (i = 0; i < MAX_DOMAINS; i++) {
		struct domain *c = &domain_store[i];

		if (domain_used[i] && (!d || c->domain_id > d->domain_id) &&
		    (!best || c->domain_id < best->domain_id)) {
			best = c;
		}
	}
	return best;
}

int domain_lookup_target(struct domain *self, domid_t id, struct domain **out)
{
	struct domain *d;

	if (id == DOMID_SELF || id == self->domain_id) {
		*out = self;
		return 0;
	}
	if (!self->is_privileged) {
		return -EPERM;
	}
	d = domain_by_id(id);
	if (!d) {
		return -ESRCH;
	}
	*out = d;
	return 0;
}

/* Link @mfn into @d's page list and count it; caller holds d->page_lock. */
static void assign_page(struct domain *d, mfn_t mfn)
{
	struct page_info *pg = &sys_heap.frames[mfn_x(mfn)];

	pg->owner = d->domain_id;
	pg->prev = PAGE_LIST_NULL;
	pg->next = d->page_list_head;
	if (d->page_list_head != PAGE_LIST_NULL) {
		sys_heap.frames[d->page_list_head].prev = (uint32_t)mfn_x(mfn);
	}
	d->page_list_head = (uint32_t)mfn_x(mfn);
	d->tot_pages++;
}

int domain_alloc_page(struct domain *d, mfn_t *out)
{
	unsigned long flags;
	mfn_t m;
	int rc;

	flags = spin_lock_irqsave(&d->page_lock);
	if (d->tot_pages >= d->max_pages) {
		spin_unlock_irqrestore(&d->page_lock, flags);
		return -ENOSPC;
	}
	rc = heap_alloc(&sys_heap, 0, d->domain_id, &m);
	if (!rc) {
		assign_page(d, m);
	}
	spin_unlock_irqrestore(&d->page_lock, flags);
	if (rc) {
		return rc;
	}
	/* Frames are scrubbed when freed, but boot memory may hold anything: clear on the way in. */
	clear_page(arch_mfn_to_virt(m));
	*out = m;
	return 0;
}

/* Whether frame @m may leave @d now: its own, in use, referenced by nothing. Page lock held. */
static int frame_releasable(const struct domain *d, mfn_t m)
{
	const struct page_info *pg;

	if (mfn_x(m) >= sys_heap.nr_frames) {
		return -EINVAL;
	}
	pg = &sys_heap.frames[mfn_x(m)];
	if (page_state(pg) != PGC_STATE_INUSE || pg->owner != d->domain_id) {
		return -EINVAL;
	}
	if ((pg->count_info & PGC_COUNT_MASK) || (pg->type_info & PGT_COUNT_MASK) ||
	    (pg->type_info & ~PGT_TYPE_MASK & ~PGT_COUNT_MASK)) {
		return -EBUSY;
	}
	return 0;
}

/* Unlink frame @m from @d's page list and account it gone. Page lock held. */
static void unassign_page(struct domain *d, mfn_t m)
{
	struct page_info *pg = &sys_heap.frames[mfn_x(m)];

	if (pg->prev != PAGE_LIST_NULL) {
		sys_heap.frames[pg->prev].next = pg->next;
	} else {
		d->page_list_head = pg->next;
	}
	if (pg->next != PAGE_LIST_NULL) {
		sys_heap.frames[pg->next].prev = pg->prev;
	}
	pg->next = pg->prev = PAGE_LIST_NULL;
	d->tot_pages--;
}

int domain_free_page(struct domain *d, mfn_t m)
{
	unsigned long flags;
	int rc;

	flags = spin_lock_irqsave(&d->page_lock);
	rc = frame_releasable(d, m);
	if (!rc) {
		unassign_page(d, m);
	}
	spin_unlock_irqrestore(&d->page_lock, flags);
	if (rc) {
		return rc;
	}
	clear_page(arch_mfn_to_virt(m));
	heap_free(&sys_heap, m, 0);
	return 0;
}

int domain_exchange_frames(struct domain *d, const mfn_t *in, unsigned int order,
			   unsigned int address_bits, mfn_t *out)
{
	uint64_t n = 1ULL << order, i, j;
	unsigned long flags;
	mfn_t m;
	int rc = 0;

	flags = spin_lock_irqsave(&d->page_lock);
	for (i = 0; i < n && !rc; i++) {
		rc = frame_releasable(d, in[i]);
		/* A frame listed twice would be given back twice. */
		for (j = 0; j < i && !rc; j++) {
			rc = mfn_x(in[j]) == mfn_x(in[i]) ? -EINVAL : 0;
		}
	}
	if (!rc) {
		rc = heap_alloc(&sys_heap, order, d->domain_id, &m);
	}
	if (!rc && address_bits && address_bits < 64 &&
	    mfn_x(m) + n > (1ULL << address_bits) >> PAGE_SHIFT) {
		/* The buddy allocator hands out what it has; a chunk too high is no use here. */
		heap_free(&sys_heap, m, order);
		rc = -ENOMEM;
	}
	if (rc) {
		spin_unlock_irqrestore(&d->page_lock, flags);
		return rc;
	}
	heap_split_allocation(&sys_heap, m, order);
	for (i = 0; i < n; i++) {
		unassign_page(d, in[i]);
		assign_page(d, _mfn(mfn_x(m) + i));
	}
	spin_unlock_irqrestore(&d->page_lock, flags);
	for (i = 0; i < n; i++) {
		clear_page(arch_mfn_to_virt(in[i]));
		heap_free(&sys_heap, in[i], 0);
		clear_page(arch_mfn_to_virt(_mfn(mfn_x(m) + i)));
	}
	*out = m;
	return 0;
}

int domain_create(domid_t id, bool privileged, uint64_t max_pages, unsigned int max_vcpus,
		  struct domain **out)
{
	struct domain *d = NULL;
	unsigned int i, slot = MAX_DOMAINS;
	mfn_t si;
	int rc;

	if (max_vcpus == 0 || max_vcpus > MAX_VCPUS_PER_DOMAIN || id >= DOMID_FIRST_RESERVED) {
		return -EINVAL;
	}
	if (domain_by_id(id)) {
		return -EEXIST;
	}
	for (i = 0; i < MAX_DOMAINS; i++) {
		if (!domain_used[i]) {
			slot = i;
			break;
		}
	}
	if (slot == MAX_DOMAINS) {
		return -ENOMEM;
	}
	d = &domain_store[slot];
	memset(d, 0, sizeof(*d));
	d->domain_id = id;
	d->state = DOMAIN_CREATED;
	d->is_privileged = privileged;
	d->page_lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
	d->page_list_head = PAGE_LIST_NULL;
	d->max_pages = max_pages;
	d->max_vcpus = max_vcpus;
	d->sched_weight = SCHED_DEFAULT_WEIGHT;
	domain_used[slot] = true;

	/* shared_info belongs to the domain but is not part of its memory allowance. */
	rc = heap_alloc(&sys_heap, 0, DOMID_XEN, &si);
	if (rc) {
		domain_used[slot] = false;
		return rc;
	}
	d->shared_info_mfn = si;
	d->shared_info = arch_mfn_to_virt(si);
	clear_page(d->shared_info);
	for (i = 0; i < max_vcpus; i++) {
		struct vcpu *v = alloc_xenheap(sizeof(*v));

		if (!v) {
			while (i--) {
				free_xenheap(d->vcpus[i], sizeof(struct vcpu));
			}
			heap_free(&sys_heap, si, 0);
			domain_used[slot] = false;
			return -ENOMEM;
		}
		v->vcpu_id = i;
		v->domain = d;
		vcpu_timers_init(v);
		/* vCPU 0 comes up with the domain; the others wait for VCPUOP_up. */
		v->runstate = i ? RUNSTATE_offline : RUNSTATE_runnable;
		/* vCPU 0's context is the builder's; the others get theirs from VCPUOP_initialise. */
		v->is_initialised = i == 0;
		v->runstate_entry = NOW();
		d->vcpus[i] = v;
		sched_init_vcpu(v);
	}
	rc = evtchn_domain_init(d);
	if (!rc) {
		rc = grant_table_init(d);
		if (rc) {
			evtchn_domain_destroy(d);
		}
	}
	if (rc) {
		for (i = 0; i < max_vcpus; i++) {
			sched_destroy_vcpu(d->vcpus[i]);
			free_xenheap(d->vcpus[i], sizeof(struct vcpu));
		}
		heap_free(&sys_heap, si, 0);
		domain_used[slot] = false;
		return rc;
	}
	arch_domain_create(d);
	*out = d;
	return 0;
}

void domain_destroy(struct domain *d)
{
	unsigned int slot = (unsigned int)(d - domain_store);
	uint32_t m;

	d->state = DOMAIN_DYING;
	/* Its console ring page is about to be freed: Argon stops serving it first. */
	console_domain_destroy(d);
	for (m = 0; m < d->max_vcpus; m++) {
		vcpu_timers_kill(d->vcpus[m]);
	}
	/* Peers see our ports close; nothing can bind to us from here on. */
	evtchn_domain_destroy(d);
	/* Mappings of our grants go and nobody maps them any more; ours drop their references. */
	grant_table_release(d);
	for (m = 0; m < d->max_vcpus; m++) {
		vcpu_release_vcpu_info(d->vcpus[m]);
	}
	arch_domain_destroy(d);
	/* After the page tables: they may map the table frames. */
	grant_table_destroy(d);
	m = d->page_list_head;
	while (m != PAGE_LIST_NULL) {
		uint32_t next = sys_heap.frames[m].next;

		clear_page(arch_mfn_to_virt(_mfn(m)));
		if (heap_free(&sys_heap, _mfn(m), 0)) {
			/* Still referenced (a bug in reference counting): keep it out of circulation. */
			log_err("d%u: frame %#x still in use at destruction; leaked\n", d->domain_id, m);
		}
		m = next;
	}
	clear_page(d->shared_info);
	heap_free(&sys_heap, d->shared_info_mfn, 0);
	for (m = 0; m < d->max_vcpus; m++) {
		sched_destroy_vcpu(d->vcpus[m]);
		free_xenheap(d->vcpus[m], sizeof(struct vcpu));
		d->vcpus[m] = NULL;
	}
	domain_used[slot] = false;
}
