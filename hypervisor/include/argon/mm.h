/*
 * The frame table and the page allocator. Every machine frame of RAM has a struct page_info,
 * indexed by MFN; the PV memory model (owner, type, reference counts) is built on these fields.
 */
#ifndef ARGON_MM_H
#define ARGON_MM_H

#include <argon/types.h>

/* Owners that are not guest domains use the ABI's DOMID_XEN, DOMID_IO and DOMID_INVALID. */
#include <public/xen.h>

/* count_info: the frame's allocation state in the top bits, a general reference count below. */
#define PGC_STATE_SHIFT 61
#define PGC_STATE_MASK (7ULL << PGC_STATE_SHIFT)
#define PGC_STATE_NONE (0ULL << PGC_STATE_SHIFT)	/* not RAM (hole or I/O) */
#define PGC_STATE_RESERVED (1ULL << PGC_STATE_SHIFT)	/* RAM the allocator must never hand out */
#define PGC_STATE_FREE (2ULL << PGC_STATE_SHIFT)	/* in the buddy allocator */
#define PGC_STATE_INUSE (3ULL << PGC_STATE_SHIFT)	/* allocated */
#define PGC_FREE_HEAD (1ULL << 60)		/* heads a free chunk of order page_info.order */
#define PGC_COUNT_MASK ((1ULL << 32) - 1)

/* type_info: the frame's PV type in the top bits, a type reference count below. */
#define PGT_TYPE_SHIFT 60
#define PGT_TYPE_MASK (0xfULL << PGT_TYPE_SHIFT)
#define PGT_NONE (0ULL << PGT_TYPE_SHIFT)
#define PGT_L1 (1ULL << PGT_TYPE_SHIFT)
#define PGT_L2 (2ULL << PGT_TYPE_SHIFT)
#define PGT_L3 (3ULL << PGT_TYPE_SHIFT)
#define PGT_L4 (4ULL << PGT_TYPE_SHIFT)
#define PGT_SEG_DESC (5ULL << PGT_TYPE_SHIFT)
#define PGT_WRITABLE (6ULL << PGT_TYPE_SHIFT)
#define PGT_COUNT_MASK ((1ULL << 32) - 1)

#define PAGE_LIST_NULL UINT32_MAX

/** The frame-table entry of one machine frame (32 bytes, like Xen's). */
struct page_info {
	uint32_t next, prev;	/* free-list links (MFNs) while free */
	uint64_t count_info;	/* PGC_* */
	uint64_t type_info;	/* PGT_* */
	uint16_t owner;		/* domain ID or DOMID_* */
	uint8_t order;		/* order of the free chunk this frame heads */
	uint8_t pad[5];
};

static inline uint64_t page_state(const struct page_info *pg)
{
	return pg->count_info & PGC_STATE_MASK;
}

#define HEAP_MAX_ORDER 20

/** A buddy allocator over a frame table; frames are indexed by MFN. */
struct heap {
	struct page_info *frames;
	uint64_t nr_frames;
	uint32_t free_head[HEAP_MAX_ORDER + 1];
	uint64_t free_pages;
	uint64_t nr_free_chunks[HEAP_MAX_ORDER + 1];
};

/** Prepare @h over @frames[0..@nr_frames); every frame starts as not-RAM until described. */
int heap_init(struct heap *h, struct page_info *frames, uint64_t nr_frames);

/** Mark [@start, @start + @count) as RAM reserved for its current user (never allocated). */
void heap_reserve_range(struct heap *h, mfn_t start, uint64_t count, uint16_t owner);

/**
 * Give the RAM frames [@start, @start + @count) to the allocator. Returns -EINVAL if any frame is
 * outside the table or is not RAM currently reserved or undescribed.
 */
int heap_add_free_range(struct heap *h, mfn_t start, uint64_t count);

/**
 * Allocate 2^@order contiguous frames aligned to their size, owned by @owner. Returns 0 and the
 * first MFN in *@out, -EINVAL for a bad order, or -ENOMEM.
 */
int heap_alloc(struct heap *h, unsigned int order, uint16_t owner, mfn_t *out);

/**
 * Return the 2^@order frames at @first (allocated together by heap_alloc) to the allocator,
 * merging with free buddies. Returns -EINVAL when the range is not an allocated chunk (double
 * free, wrong order, misaligned MFN) and changes nothing then.
 */
int heap_free(struct heap *h, mfn_t first, unsigned int order);

/** Make the 2^@order-frame chunk at @first (from heap_alloc) 2^@order single frames to free one by one. */
void heap_split_allocation(struct heap *h, mfn_t first, unsigned int order);

/**
 * Allocate @size bytes of zeroed hypervisor memory (whole pages, physically contiguous), reached
 * through the direct map; NULL when out of memory. Free with free_xenheap() and the same @size.
 */
void *alloc_xenheap(size_t size);
/** Free memory from alloc_xenheap(). */
void free_xenheap(void *p, size_t size);

/** The system's frame allocator, set up at boot. */
extern struct heap sys_heap;

#endif
