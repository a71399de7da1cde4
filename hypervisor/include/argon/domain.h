/* Domains and virtual CPUs. */
#ifndef ARGON_DOMAIN_H
#define ARGON_DOMAIN_H

#include <argon/spinlock.h>
#include <argon/sched.h>
#include <argon/timer.h>
#include <argon/types.h>
#include <asm/domain.h>

typedef uint16_t domid_t;

#define MAX_DOMAINS 64
#define MAX_VCPUS_PER_DOMAIN 32

enum domain_state {
	DOMAIN_CREATED,		/* being built, not yet run */
	DOMAIN_RUNNING,
	DOMAIN_PAUSED,
	DOMAIN_SHUTDOWN,	/* the guest asked to stop; shutdown_reason says why */
	DOMAIN_DYING,		/* being torn down */
};

struct domain;

/** A virtual CPU. */
struct vcpu {
	unsigned int vcpu_id;
	struct domain *domain;
	struct timer singleshot_timer;	/* set_timer_op / VCPUOP_set_singleshot_timer */
	struct timer periodic_timer;	/* VCPUOP_set_periodic_timer */
	/* Runstate accounting (vcpu_runstate_info): the state, since when, and time per state. */
	int runstate;
	s_time_t runstate_entry;
	uint64_t runstate_time[4];
	uint64_t runstate_guest_va;	/* register_runstate_memory_area, 0 if none */
	mfn_t vcpu_info_mfn;		/* register_vcpu_info frame (held), 0 if still in shared_info */
	struct sched_vcpu sched;	/* the credit scheduler's view of this vCPU */
	struct timer poll_timer;	/* SCHEDOP_poll timeout */
	bool poll_blocked;		/* blocked in SCHEDOP_poll: any newly pending port wakes it */
	bool is_initialised;		/* has a guest context: vCPU 0 from the builder, others
					   from VCPUOP_initialise (then up and down as asked) */
	struct arch_vcpu arch;
};

/** A domain: an address space, its memory and its vCPUs. */
struct domain {
	domid_t domain_id;
	enum domain_state state;
	bool is_privileged;
	unsigned int shutdown_reason;	/* SHUTDOWN_* of the public ABI, valid in DOMAIN_SHUTDOWN */

	spinlock_t page_lock;		/* guards the page list and the counts below */
	uint32_t page_list_head;	/* MFN of the first owned frame, linked through page_info */
	uint64_t tot_pages;		/* frames owned */
	uint64_t max_pages;		/* frames it may own */

	unsigned int sched_weight;	/* credit scheduler weight (default 256) */
	unsigned int sched_cap;		/* percent of one CPU, 0 = uncapped */

	unsigned int max_vcpus;
	struct vcpu *vcpus[MAX_VCPUS_PER_DOMAIN];

	/* The shared_info page (one frame of Xen-ABI shared data, owned by the domain). */
	mfn_t shared_info_mfn;
	void *shared_info;

	struct evtchn_domain *evtchn;	/* event channels (common/event/), NULL once torn down */
	struct grant_table *grant_table; /* grant tables (common/grant/), NULL once torn down */

	char cmdline[1024];
	char console_line[160];		/* guest console output not yet ended by a newline */
	unsigned int console_len;
	bool console_open;		/* part of the current line is on the serial line already */
	bool console_stale;		/* console_line unchanged since the last console poll tick */
	struct arch_domain arch;
};

/** The domain with ID @id, or NULL. */
struct domain *domain_by_id(domid_t id);

/**
 * The domain a hypercall argument names on behalf of @self: @self for DOMID_SELF or its own ID,
 * any existing domain for a privileged caller. Returns 0 and *@out, -EPERM or -ESRCH.
 */
int domain_lookup_target(struct domain *self, domid_t id, struct domain **out);

/**
 * Create domain @id (running nothing yet) with room for @max_pages frames and @max_vcpus vCPUs;
 * the shared_info page is allocated and zeroed. Returns 0 and the domain in *@out, -EEXIST,
 * -EINVAL or -ENOMEM.
 */
int domain_create(domid_t id, bool privileged, uint64_t max_pages, unsigned int max_vcpus,
		  struct domain **out);

/**
 * Allocate one zeroed frame for @d, owned by it and linked into its page list. Returns 0 and the
 * MFN in *@out, -ENOSPC when the domain is at max_pages, or -ENOMEM.
 */
int domain_alloc_page(struct domain *d, mfn_t *out);

/**
 * Give back frame @m of @d to the allocator (scrubbed). Returns -EINVAL if @d does not own it and
 * -EBUSY while anything still references it (a mapping, a page-table type, a pin).
 */
int domain_free_page(struct domain *d, mfn_t m);

/**
 * XENMEM_exchange's step, all or nothing: give back the 2^@order frames @in of @d (its own,
 * distinct, unreferenced) and give it one machine-contiguous chunk of as many zeroed frames,
 * ending at or below 2^@address_bits bytes when @address_bits is not 0, first MFN in *@out.
 * Returns -EINVAL for a frame @d does not own or one listed twice, -EBUSY for one still
 * referenced, -ENOMEM when no such chunk is free; nothing changes then.
 */
int domain_exchange_frames(struct domain *d, const mfn_t *in, unsigned int order,
			   unsigned int address_bits, mfn_t *out);

/** Scrub and free every frame @d owns, free its vCPUs and the domain; the ID becomes free. */
void domain_destroy(struct domain *d);

/** Record that @d shut down for @reason and stop running it. */
void domain_shutdown(struct domain *d, unsigned int reason);

/** Move @v to runstate @state (RUNSTATE_*) now, accounting the time spent in the old one. */
void vcpu_runstate_change(struct vcpu *v, int state);

/** Write @v's runstate to its registered area, if any and if @v runs on this CPU. */
void vcpu_runstate_publish(struct vcpu *v);

/** The next domain after @d in ID order (the first for NULL), or NULL: for walking all domains. */
struct domain *domain_next(struct domain *d);

/** The vCPU running on this CPU (NULL when idle). */
struct vcpu *current_vcpu(void);

#endif
