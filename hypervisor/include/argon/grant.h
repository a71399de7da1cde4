/*
 * Grant tables, version 1 (common/grant/): a domain's shared table of grant entries, the
 * bookkeeping of who uses which grant (active entries on the granter's side, the maptrack of
 * mappings on the mapper's side), and grant_table_op.
 *
 * What other parts of the hypervisor call:
 *  - grant_table_init(d): domain creation (no table frames yet; setup_table adds them).
 *  - grant_table_release(d): the first step of teardown, before the domain's page tables are
 *    released. Refuses new mappings to and by @d, removes every mapping other domains hold of
 *    @d's grants (their PTEs are cleared and flushed), and drops the references @d's own
 *    mappings hold (its PTEs go with its page tables).
 *  - grant_table_destroy(d): the last step, after the page tables are gone: frees the table
 *    frames and the bookkeeping.
 *
 * Reference rules (docs/abi/grant_table_op.md): a mapping holds a general reference on the
 * granted frame, and a writable type reference when it is writable, twice: once for the maptrack
 * entry (dropped at unmap) and once for the PTE itself, which holds exactly what an ordinary L1
 * entry would hold. So the PV MMU's rules stay true whatever the guest does to that PTE.
 */
#ifndef ARGON_GRANT_H
#define ARGON_GRANT_H

#include <argon/spinlock.h>
#include <argon/types.h>
#include <public/grant_table.h>
#include <public/xen.h>

struct domain;
struct vcpu;

#define GNTTAB_ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(struct grant_entry_v1))
/* Table frames a domain may have: gnttab_max_frames= (default 32), at most this many. */
#define GNTTAB_MAX_FRAMES_LIMIT 64
#define GNTTAB_DEFAULT_MAX_FRAMES 32
/* Grant mappings a domain may hold at once (maptrack handles). */
#define GNTTAB_MAPTRACK_SIZE 1024

/** The use of one grant entry of the granter's table. Guarded by the granter's table lock. */
struct grant_active {
	uint32_t pin_ro;	/* read-only mappings of the grant */
	uint32_t pin_rw;	/* writable mappings of the grant */
	domid_t domid;		/* the grantee while pinned */
	uint16_t _pad;
	uint32_t _pad1;
	mfn_t frame;		/* the granted frame while pinned */
};

/** One grant mapping a domain holds (a maptrack entry). Guarded by the mapper's table lock. */
struct grant_mapping {
	bool in_use;
	bool readonly;
	domid_t granter;
	grant_ref_t ref;
	uint32_t flags;		/* GNTMAP_* as mapped */
	uint64_t host_addr;	/* as the guest named it (VA, or PTE address with contains_pte) */
	uint64_t pte_maddr;	/* machine address of the PTE holding the mapping */
	mfn_t frame;
};

/** The grant state of a domain (d->grant_table). */
struct grant_table {
	spinlock_t lock;	/* guards everything below; see docs/design/locking.md */
	bool dying;		/* teardown started: no new mappings to or by the domain */
	unsigned int nr_frames;	/* table frames set up so far */
	unsigned int max_frames;
	mfn_t frames[GNTTAB_MAX_FRAMES_LIMIT];
	struct grant_entry_v1 *shared[GNTTAB_MAX_FRAMES_LIMIT];	/* the frames, hypervisor view */
	struct grant_active *active[GNTTAB_MAX_FRAMES_LIMIT];	/* one per entry of each frame */
	struct grant_mapping *maptrack;				/* GNTTAB_MAPTRACK_SIZE entries */
};

/** Table frames new domains may set up (the gnttab_max_frames= option). */
extern uint64_t gnttab_max_frames;

/** Set up @d's (empty) grant state. Returns 0 or -ENOMEM. */
int grant_table_init(struct domain *d);

/** Teardown, first step (before the page tables go): see the top of this file. Idempotent. */
void grant_table_release(struct domain *d);

/** Teardown, last step: free the table frames and the state; d->grant_table becomes NULL. */
void grant_table_destroy(struct domain *d);

/**
 * Grow @d's table to @nr frames (as setup_table). Returns 0, -EINVAL beyond the maximum,
 * -ENOMEM.
 */
int grant_table_grow(struct domain *d, unsigned int nr);

/* ---- The architecture's part (arch/x86/pv/grant.c; tests/unit fakes or links it) ---- */

/**
 * Give table frame @mfn (just allocated, owned by DOMID_XEN) to @d as a shared frame: @d owns it
 * and may map it, and it keeps a writable type for good (never a page table). Returns 0 or -errno.
 */
int arch_grant_share_frame(struct domain *d, mfn_t mfn);

/**
 * Take back table frame @mfn from @d before it is freed. Returns 0, or -EBUSY if something
 * still references it (the caller must not free it then).
 */
int arch_grant_unshare_frame(struct domain *d, mfn_t mfn);

/**
 * Take a general reference, and a writable type reference if @writable, on frame @mfn for its
 * owner @owner. Returns 0; -EPERM if @owner does not own it (or it is not a RAM frame in use);
 * -EINVAL if it cannot be writable now (a page table or descriptor page).
 */
int arch_grant_get_frame(struct domain *owner, mfn_t mfn, bool writable);

/** Drop what arch_grant_get_frame() took. */
void arch_grant_put_frame(struct domain *owner, mfn_t mfn, bool writable);

/**
 * Map @mfn (owned by @owner) for vCPU @v's domain: at virtual address @host_addr of its page
 * tables, or, with GNTMAP_contains_pte in @flags, in the PTE at machine address @host_addr.
 * Read-only if @readonly; GNTMAP_guest_avail bits go into the PTE's available bits. Any old entry
 * there is removed first. The PTE takes its own references (as an ordinary L1 entry would).
 * Returns 0 and the PTE's machine address in *@pte_maddr; -EINVAL (no L1 there, not the
 * caller's L1), -EPERM/-EINVAL from taking the references.
 */
int arch_grant_map(struct vcpu *v, uint64_t host_addr, uint32_t flags, struct domain *owner,
		   mfn_t mfn, bool readonly, uint64_t *pte_maddr);

/**
 * Remove the mapping of @mfn that @mapper holds in the PTE at machine address @pte_maddr,
 * putting in its place the entry that maps virtual address @new_addr (which is cleared), or
 * nothing when @new_addr is 0; then flush @mapper's TLBs. Returns 0; -ENOENT if that PTE no
 * longer maps @mfn (nothing to remove: the guest replaced it or dropped the table); -EINVAL if
 * @new_addr is not mapped.
 */
int arch_grant_unmap(struct domain *mapper, uint64_t pte_maddr, mfn_t mfn, uint64_t new_addr);

#endif
