/*
 * Buddy allocator over the frame table. Free chunks are 2^order frames aligned to their size; the
 * head frame of each free chunk carries its order and the list links, so the allocator needs no
 * memory of its own and never reads or writes the frames it manages.
 */
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mm.h>

struct heap sys_heap;

static struct page_info *pg(struct heap *h, uint64_t mfn)
{
	return &h->frames[mfn];
}

static void set_state(struct page_info *p, uint64_t state)
{
	p->count_info = (p->count_info & ~PGC_STATE_MASK) | state;
}

static void list_add(struct heap *h, uint64_t mfn, unsigned int order)
{
	struct page_info *p = pg(h, mfn);
	uint32_t head = h->free_head[order];

	p->prev = PAGE_LIST_NULL;
	p->next = head;
	if (head != PAGE_LIST_NULL) {
		pg(h, head)->prev = (uint32_t)mfn;
	}
	h->free_head[order] = (uint32_t)mfn;
	p->order = (uint8_t)order;
	p->count_info |= PGC_FREE_HEAD;
	h->nr_free_chunks[order]++;
}

static void list_del(struct heap *h, uint64_t mfn, unsigned int order)
{
	struct page_info *p = pg(h, mfn);

	if (p->prev != PAGE_LIST_NULL) {
		pg(h, p->prev)->next = p->next;
	} else {
		h->free_head[order] = p->next;
	}
	if (p->next != PAGE_LIST_NULL) {
		pg(h, p->next)->prev = p->prev;
	}
	p->next = p->prev = PAGE_LIST_NULL;
	p->count_info &= ~PGC_FREE_HEAD;
	h->nr_free_chunks[order]--;
}

int heap_init(struct heap *h, struct page_info *frames, uint64_t nr_frames)
{
	unsigned int i;

	/* Free-list links are 32-bit MFNs. */
	if (nr_frames >= PAGE_LIST_NULL) {
		return -EINVAL;
	}
	h->frames = frames;
	h->nr_frames = nr_frames;
	h->free_pages = 0;
	for (i = 0; i <= HEAP_MAX_ORDER; i++) {
		h->free_head[i] = PAGE_LIST_NULL;
		h->nr_free_chunks[i] = 0;
	}
	memset(frames, 0, nr_frames * sizeof(*frames));
	for (i = 0; i < nr_frames; i++) {
		frames[i].owner = DOMID_INVALID;
		frames[i].next = frames[i].prev = PAGE_LIST_NULL;
	}
	return 0;
}

void heap_reserve_range(struct heap *h, mfn_t start, uint64_t count, uint16_t owner)
{
	uint64_t m, end;

	/* Clip to the table without computing start + count, which may wrap. */
	if (mfn_x(start) >= h->nr_frames) {
		return;
	}
	end = count < h->nr_frames - mfn_x(start) ? mfn_x(start) + count : h->nr_frames;
	for (m = mfn_x(start); m < end; m++) {
		if (page_state(pg(h, m)) == PGC_STATE_FREE || page_state(pg(h, m)) == PGC_STATE_INUSE) {
			continue;
		}
		set_state(pg(h, m), PGC_STATE_RESERVED);
		pg(h, m)->owner = owner;
	}
}

/* Insert the free chunk at @mfn of @order, merging with free buddies as far as possible. */
static void free_chunk(struct heap *h, uint64_t mfn, unsigned int order)
{
	uint64_t i;

	for (i = 0; i < (1ULL << order); i++) {
		set_state(pg(h, mfn + i), PGC_STATE_FREE);
		pg(h, mfn + i)->owner = DOMID_INVALID;
		pg(h, mfn + i)->count_info &= ~PGC_COUNT_MASK;
		pg(h, mfn + i)->type_info = PGT_NONE;
	}
	h->free_pages += 1ULL << order;
	while (order < HEAP_MAX_ORDER) {
		uint64_t buddy = mfn ^ (1ULL << order);
		struct page_info *b;

		if (buddy + (1ULL << order) > h->nr_frames) {
			break;
		}
		b = pg(h, buddy);
		if (!(b->count_info & PGC_FREE_HEAD) || b->order != order) {
			break;
		}
		list_del(h, buddy, order);
		mfn &= ~(1ULL << order);
		order++;
	}
	list_add(h, mfn, order);
}

int heap_add_free_range(struct heap *h, mfn_t start, uint64_t count)
{
	uint64_t m = mfn_x(start), end = m + count;

	if (end < m || end > h->nr_frames) {
		return -EINVAL;
	}
	for (; m < end; m++) {
		uint64_t st = page_state(pg(h, m));

		if (st != PGC_STATE_NONE && st != PGC_STATE_RESERVED) {
			return -EINVAL;
		}
	}
	/* Hand over the largest aligned chunks that fit, so the buddy lists start out merged. */
	for (m = mfn_x(start); m < end;) {
		unsigned int order = 0;

		while (order < HEAP_MAX_ORDER && !(m & ((2ULL << order) - 1)) &&
		       m + (2ULL << order) <= end) {
			order++;
		}
		free_chunk(h, m, order);
		m += 1ULL << order;
	}
	return 0;
}

int heap_alloc(struct heap *h, unsigned int order, uint16_t owner, mfn_t *out)
{
	unsigned int o = order;
	uint64_t mfn, i;

	if (order > HEAP_MAX_ORDER) {
		return -EINVAL;
	}
	while (o <= HEAP_MAX_ORDER && h->free_head[o] == PAGE_LIST_NULL) {
		o++;
	}
	if (o > HEAP_MAX_ORDER) {
		return -ENOMEM;
	}
	mfn = h->free_head[o];
	list_del(h, mfn, o);
	/* Split: give the upper halves back until the chunk has the requested order. */
	while (o > order) {
		o--;
		set_state(pg(h, mfn + (1ULL << o)), PGC_STATE_FREE);
		list_add(h, mfn + (1ULL << o), o);
	}
	for (i = 0; i < (1ULL << order); i++) {
		struct page_info *p = pg(h, mfn + i);

		set_state(p, PGC_STATE_INUSE);
		p->owner = owner;
		p->order = (uint8_t)order;
		p->count_info &= ~PGC_COUNT_MASK;
		p->type_info = PGT_NONE;
	}
	h->free_pages -= 1ULL << order;
	*out = _mfn(mfn);
	return 0;
}

int heap_free(struct heap *h, mfn_t first, unsigned int order)
{
	uint64_t mfn = mfn_x(first), i;

	if (order > HEAP_MAX_ORDER || (mfn & ((1ULL << order) - 1)) || mfn >= h->nr_frames ||
	    (1ULL << order) > h->nr_frames - mfn) {
		return -EINVAL;
	}
	for (i = 0; i < (1ULL << order); i++) {
		const struct page_info *p = pg(h, mfn + i);

		if (page_state(p) != PGC_STATE_INUSE || p->order != order) {
			return -EINVAL;
		}
	}
	free_chunk(h, mfn, order);
	return 0;
}

void heap_split_allocation(struct heap *h, mfn_t first, unsigned int order)
{
	uint64_t i;

	for (i = 0; i < (1ULL << order) && mfn_x(first) + i < h->nr_frames; i++) {
		pg(h, mfn_x(first) + i)->order = 0;
	}
}
