/*
 * The buddy allocator (hypervisor/common/mm/page_alloc.c) over a frame table allocated here.
 * After every step the heap is checked against its invariants: the free lists are consistent,
 * each free frame is in exactly one chunk, the accounting is exact, and the chunk layout is the
 * fully coalesced one (computed independently from the set of free frames).
 */
#include <stdlib.h>
#include "unit.h"
#include <argon/mm.h>

#define OWNER 7
#define NR 16347	/* deliberately not a power of two */

static struct heap h;
static struct page_info *frames;
static uint64_t nr_frames;

/* What the test believes: 0 not RAM, 1 reserved, 2 free, 3 allocated (as PGC_STATE_*). */
static uint8_t *shadow;

static int setup_frames(uint64_t n)
{
	nr_frames = n;
	frames = calloc(n, sizeof(*frames));
	shadow = calloc(n, 1);
	assert_non_null(frames);
	assert_non_null(shadow);
	assert_int_equal(heap_init(&h, frames, n), 0);
	return 0;
}

static int setup(void **state)
{
	return setup_frames(NR);
}

static int teardown(void **state)
{
	free(frames);
	free(shadow);
	frames = NULL;
	shadow = NULL;
	return 0;
}

static void shadow_set(uint64_t first, uint64_t count, uint8_t st)
{
	memset(shadow + first, st, count);
}

/* The chunk counts of a fully coalesced buddy heap holding exactly the shadow's free frames. */
static void expected_layout(uint64_t counts[HEAP_MAX_ORDER + 1])
{
	uint64_t m = 0;

	memset(counts, 0, sizeof(uint64_t) * (HEAP_MAX_ORDER + 1));
	while (m < nr_frames) {
		unsigned int o = 0;

		if (shadow[m] != 2) {
			m++;
			continue;
		}
		/* The largest aligned block at m that is entirely free. */
		for (;;) {
			uint64_t size = 2ULL << o, i;
			bool all = o < HEAP_MAX_ORDER && !(m & (size - 1)) && m + size <= nr_frames;

			for (i = 0; all && i < size; i++) {
				all = shadow[m + i] == 2;
			}
			if (!all) {
				break;
			}
			o++;
		}
		counts[o]++;
		m += 1ULL << o;
	}
}

/* Check every invariant of the heap against the shadow. */
static void check_heap(void)
{
	uint8_t *seen = calloc(nr_frames, 1);
	uint64_t counts[HEAP_MAX_ORDER + 1], free_frames = 0, m;
	unsigned int o;

	assert_non_null(seen);
	for (o = 0; o <= HEAP_MAX_ORDER; o++) {
		uint32_t cur = h.free_head[o], prev = PAGE_LIST_NULL;
		uint64_t n = 0;

		while (cur != PAGE_LIST_NULL) {
			const struct page_info *p;
			uint64_t i;

			assert_true(cur < nr_frames);
			p = &frames[cur];
			assert_int_equal(p->prev, prev);
			assert_true(p->count_info & PGC_FREE_HEAD);
			assert_int_equal(p->order, o);
			assert_int_equal(cur & ((1ULL << o) - 1), 0);
			assert_true(cur + (1ULL << o) <= nr_frames);
			for (i = 0; i < (1ULL << o); i++) {
				assert_int_equal(seen[cur + i], 0);
				seen[cur + i] = 1;
				assert_int_equal(page_state(&frames[cur + i]), PGC_STATE_FREE);
			}
			n++;
			free_frames += 1ULL << o;
			prev = cur;
			cur = p->next;
			assert_true(n <= nr_frames);
		}
		assert_int_equal(n, h.nr_free_chunks[o]);
	}
	assert_int_equal(free_frames, h.free_pages);
	for (m = 0; m < nr_frames; m++) {
		uint64_t st = page_state(&frames[m]) >> PGC_STATE_SHIFT;

		if (st != shadow[m]) {
			fail_msg("frame %llu is in state %llu, expected %u", (unsigned long long)m,
				 (unsigned long long)st, shadow[m]);
		}
		/* Free frames are all in chunks; FREE_HEAD only on chunk heads. */
		assert_int_equal(seen[m], st == 2);
		if ((frames[m].count_info & PGC_FREE_HEAD) && h.free_head[frames[m].order] != m) {
			assert_int_not_equal(frames[m].prev, PAGE_LIST_NULL);
		}
		if (st == 3) {
			assert_int_equal(frames[m].owner, OWNER);
		}
	}
	expected_layout(counts);
	for (o = 0; o <= HEAP_MAX_ORDER; o++) {
		if (counts[o] != h.nr_free_chunks[o]) {
			fail_msg("order %u: %llu free chunks, fully coalesced would be %llu", o,
				 (unsigned long long)h.nr_free_chunks[o],
				 (unsigned long long)counts[o]);
		}
	}
	free(seen);
}

static void add_free(uint64_t first, uint64_t count)
{
	assert_int_equal(heap_add_free_range(&h, _mfn(first), count), 0);
	shadow_set(first, count, 2);
}

static void reserve(uint64_t first, uint64_t count, uint16_t owner)
{
	heap_reserve_range(&h, _mfn(first), count, owner);
	shadow_set(first, count, 1);
}

/* The standard layout: holes, reserved islands, unaligned starts and ends. */
static void standard_layout(void)
{
	reserve(0, 1, DOMID_XEN);
	add_free(1, 4999);
	reserve(5000, 3, DOMID_IO);
	add_free(5003, 3997);
	/* 9000..9099 stays a hole (not RAM). */
	add_free(9100, NR - 9100 - 10);
	reserve(NR - 10, 10, DOMID_XEN);
}

static uint64_t alloc_ok(unsigned int order)
{
	mfn_t m;
	uint64_t i;

	assert_int_equal(heap_alloc(&h, order, OWNER, &m), 0);
	assert_int_equal(mfn_x(m) & ((1ULL << order) - 1), 0);
	assert_true(mfn_x(m) + (1ULL << order) <= nr_frames);
	for (i = 0; i < (1ULL << order); i++) {
		/* Only frames the test gave as free may be handed out, and only once. */
		assert_int_equal(shadow[mfn_x(m) + i], 2);
		assert_int_equal(frames[mfn_x(m) + i].owner, OWNER);
	}
	shadow_set(mfn_x(m), 1ULL << order, 3);
	return mfn_x(m);
}

static void free_ok(uint64_t first, unsigned int order)
{
	assert_int_equal(heap_free(&h, _mfn(first), order), 0);
	shadow_set(first, 1ULL << order, 2);
}

static void test_init(void **state)
{
	uint64_t m;
	unsigned int o;
	mfn_t out;

	assert_int_equal(heap_init(&h, NULL, PAGE_LIST_NULL), -EINVAL);
	assert_int_equal(heap_init(&h, NULL, UINT64_MAX), -EINVAL);
	assert_int_equal(heap_init(&h, frames, NR), 0);
	assert_int_equal(h.free_pages, 0);
	for (o = 0; o <= HEAP_MAX_ORDER; o++) {
		assert_int_equal(h.free_head[o], PAGE_LIST_NULL);
		assert_int_equal(h.nr_free_chunks[o], 0);
	}
	for (m = 0; m < NR; m++) {
		assert_int_equal(page_state(&frames[m]), PGC_STATE_NONE);
		assert_int_equal(frames[m].owner, DOMID_INVALID);
	}
	assert_int_equal(heap_alloc(&h, 0, OWNER, &out), -ENOMEM);
	check_heap();
}

/* Ranges with unaligned ends are split into the largest aligned chunks, and merge when adjacent. */
static void test_add_free_ranges(void **state)
{
	add_free(3, 997);		/* [3, 1000) */
	check_heap();
	assert_int_equal(h.free_pages, 997);
	/* Order 0 at 3, 2 at 4, 3 at 8, ..., 8 at 256 and 512, 7 at 768, ..., 3 at 992. */
	assert_int_equal(h.nr_free_chunks[0], 1);
	assert_int_equal(h.nr_free_chunks[8], 2);
	assert_int_equal(h.nr_free_chunks[3], 2);
	/* Filling the gap below merges everything up to the 1024 boundary... */
	add_free(0, 3);
	add_free(1000, 24);
	check_heap();
	assert_int_equal(h.nr_free_chunks[10], 1);
	assert_int_equal(h.free_pages, 1024);
	/* ...and the rest of the table joins in. */
	add_free(1024, NR - 1024);
	check_heap();
	assert_int_equal(h.free_pages, NR);
}

static void test_add_free_range_errors(void **state)
{
	struct heap before = h;

	add_free(100, 10);
	before = h;
	/* Outside the table, wrapping, already free: refused, nothing changes. */
	assert_int_equal(heap_add_free_range(&h, _mfn(NR - 5), 6), -EINVAL);
	assert_int_equal(heap_add_free_range(&h, _mfn(NR), 1), -EINVAL);
	assert_int_equal(heap_add_free_range(&h, _mfn(5), UINT64_MAX), -EINVAL);
	assert_int_equal(heap_add_free_range(&h, _mfn(UINT64_MAX), 2), -EINVAL);
	assert_int_equal(heap_add_free_range(&h, _mfn(90), 11), -EINVAL);	/* overlaps 100 */
	assert_int_equal(heap_add_free_range(&h, _mfn(105), 1), -EINVAL);
	assert_memory_equal(&before, &h, sizeof(h));
	check_heap();
	/* Allocated frames cannot be added either. */
	{
		uint64_t m = alloc_ok(0);

		assert_int_equal(heap_add_free_range(&h, _mfn(m), 1), -EINVAL);
	}
	/* A zero-length range is fine and does nothing. */
	assert_int_equal(heap_add_free_range(&h, _mfn(500), 0), 0);
	check_heap();
}

/* Reserved frames keep their owner and are never handed out, even when the heap runs dry. */
static void test_reserved_never_allocated(void **state)
{
	uint64_t n = 0;
	mfn_t m;

	standard_layout();
	check_heap();
	assert_int_equal(frames[0].owner, DOMID_XEN);
	assert_int_equal(frames[5001].owner, DOMID_IO);
	while (heap_alloc(&h, 0, OWNER, &m) == 0) {
		assert_int_equal(shadow[mfn_x(m)], 2);
		shadow[mfn_x(m)] = 3;
		n++;
	}
	assert_int_equal(n, 4999 + 3997 + (NR - 9100 - 10));
	assert_int_equal(h.free_pages, 0);
	check_heap();
	assert_int_equal(page_state(&frames[5000]), PGC_STATE_RESERVED);
	assert_int_equal(page_state(&frames[9050]), PGC_STATE_NONE);
	/* Reserved frames given to the allocator later (boot memory released) become free. */
	assert_int_equal(heap_add_free_range(&h, _mfn(5000), 3), 0);
	shadow_set(5000, 3, 2);
	check_heap();
}

/* Reserving over frames the allocator owns (free or allocated) leaves those frames alone. */
static void test_reserve_over_heap_frames(void **state)
{
	uint64_t a;

	add_free(64, 64);
	a = alloc_ok(3);
	heap_reserve_range(&h, _mfn(32), 128, DOMID_XEN);
	shadow_set(32, 32, 1);		/* only the undescribed frames before 64 ... */
	shadow_set(128, 32, 1);		/* ... and after 128 become reserved */
	check_heap();
	assert_int_equal(frames[a].owner, OWNER);
	free_ok(a, 3);
	check_heap();
	assert_int_equal(h.free_pages, 64);
}

/* A reservation running past the table (or wrapping) stops at the table's end. */
static void test_reserve_to_end(void **state)
{
	reserve(NR - 20, 20, DOMID_XEN);
	heap_reserve_range(&h, _mfn(NR - 40), UINT64_MAX, DOMID_IO);
	shadow_set(NR - 40, 20, 1);
	check_heap();
	assert_int_equal(frames[NR - 40].owner, DOMID_IO);
	assert_int_equal(frames[NR - 1].owner, DOMID_IO);
	heap_reserve_range(&h, _mfn(UINT64_MAX - 1), 10, DOMID_IO);
	check_heap();
}

/* Every order: aligned, inside free RAM, owned, and exhaustion at each order is -ENOMEM. */
static void test_alloc_each_order(void **state)
{
	unsigned int o;
	mfn_t m;

	standard_layout();
	for (o = 0; o <= 12; o++) {
		uint64_t got = 0;

		while (heap_alloc(&h, o, OWNER, &m) == 0) {
			uint64_t i;

			assert_int_equal(mfn_x(m) & ((1ULL << o) - 1), 0);
			for (i = 0; i < (1ULL << o); i++) {
				assert_int_equal(shadow[mfn_x(m) + i], 2);
			}
			shadow_set(mfn_x(m), 1ULL << o, 3);
			got++;
		}
		assert_int_equal(heap_alloc(&h, o, OWNER, &m), -ENOMEM);
		/* Nothing of this order or larger is left; smaller chunks may be. */
		{
			unsigned int k;

			for (k = o; k <= HEAP_MAX_ORDER; k++) {
				assert_int_equal(h.nr_free_chunks[k], 0);
			}
		}
		check_heap();
		/* Give it all back for the next order. */
		{
			uint64_t f;

			for (f = 0; f < NR; f += 1ULL << o) {
				if (shadow[f] == 3) {
					free_ok(f, o);
				}
			}
		}
		check_heap();
	}
	assert_int_equal(heap_alloc(&h, HEAP_MAX_ORDER + 1, OWNER, &m), -EINVAL);
	assert_int_equal(heap_alloc(&h, 64, OWNER, &m), -EINVAL);
	assert_int_equal(heap_alloc(&h, UINT32_MAX, OWNER, &m), -EINVAL);
}

/* Allocate everything as single frames, free in a shuffled order: back to the initial layout. */
static void test_free_coalesces(void **state)
{
	uint64_t initial[HEAP_MAX_ORDER + 1], initial_free, *got, n = 0, i;
	uint64_t seed = 99;
	mfn_t m;

	standard_layout();
	memcpy(initial, h.nr_free_chunks, sizeof(initial));
	initial_free = h.free_pages;
	got = calloc(NR, sizeof(*got));
	while (heap_alloc(&h, 0, OWNER, &m) == 0) {
		got[n++] = mfn_x(m);
		shadow[mfn_x(m)] = 3;
	}
	assert_int_equal(n, initial_free);
	for (i = n - 1; i > 0; i--) {
		uint64_t j = test_rand_below(&seed, i + 1), t = got[i];

		got[i] = got[j];
		got[j] = t;
	}
	for (i = 0; i < n; i++) {
		free_ok(got[i], 0);
		if (i % 1000 == 0) {
			check_heap();
		}
	}
	check_heap();
	assert_int_equal(h.free_pages, initial_free);
	assert_memory_equal(h.nr_free_chunks, initial, sizeof(initial));
	free(got);
}

/* Bad frees are refused with -EINVAL and leave the heap and frame table exactly as they were. */
static void test_bad_free_changes_nothing(void **state)
{
	struct page_info *snap = malloc(NR * sizeof(*frames));
	struct heap hsnap;
	uint64_t a0, a2, a3;
	static const struct {
		uint64_t mfn_off;	/* relative to the order-3 chunk unless absolute */
		bool absolute;
		unsigned int order;
		const char *why;
	} bad[] = {
		{ 0, false, 2, "wrong (smaller) order" },
		{ 0, false, 4, "wrong (larger) order" },
		{ 4, false, 2, "inside the chunk, plausible order" },
		{ 1, false, 0, "inside the chunk" },
		{ 1, false, 3, "misaligned" },
		{ 0, true, 0, "a reserved frame" },
		{ 9050, true, 0, "a hole" },
		{ 9048, true, 3, "a hole" },
		{ NR, true, 0, "just past the table" },
		{ NR - 2, true, 2, "running past the table" },
		{ UINT64_MAX, true, 0, "the largest MFN" },
		{ UINT64_MAX - 7, true, 3, "an aligned MFN whose end wraps" },
		{ 1ULL << 63, true, 20, "far out" },
		{ 0, false, HEAP_MAX_ORDER + 1, "order too large" },
		{ 0, false, 64, "order as large as the shift" },
		{ 0, false, UINT32_MAX, "order UINT32_MAX" },
	};
	unsigned int i;

	standard_layout();
	a0 = alloc_ok(0);
	a3 = alloc_ok(3);
	a2 = alloc_ok(2);
	/* A free chunk: double free of a0. */
	free_ok(a0, 0);
	memcpy(snap, frames, NR * sizeof(*frames));
	hsnap = h;
	assert_int_equal(heap_free(&h, _mfn(a0), 0), -EINVAL);	/* double free */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t mfn = bad[i].absolute ? bad[i].mfn_off : a3 + bad[i].mfn_off;
		int rc = heap_free(&h, _mfn(mfn), bad[i].order);

		if (rc != -EINVAL) {
			fail_msg("heap_free(%#llx, %u) (%s) returned %d", (unsigned long long)mfn,
				 bad[i].order, bad[i].why, rc);
		}
		assert_memory_equal(&hsnap, &h, sizeof(h));
		assert_memory_equal(snap, frames, NR * sizeof(*frames));
	}
	/* The right frees still work afterwards. */
	free_ok(a3, 3);
	free_ok(a2, 2);
	check_heap();
	free(snap);
}

/* Random allocations and frees against the shadow: nothing handed out twice, exact accounting. */
static void test_random_stress(void **state)
{
	struct live {
		uint64_t mfn;
		unsigned int order;
	} *live = calloc(NR, sizeof(*live));
	uint64_t nr_live = 0, seed = 0xabcdef, initial[HEAP_MAX_ORDER + 1], initial_free;
	uint64_t allocated = 0;
	unsigned int i;

	standard_layout();
	memcpy(initial, h.nr_free_chunks, sizeof(initial));
	initial_free = h.free_pages;
	for (i = 0; i < 200000; i++) {
		bool do_alloc = nr_live == 0 || test_rand_below(&seed, 100) < 52;

		if (do_alloc) {
			/* Mostly small orders, sometimes large ones. */
			unsigned int order = (unsigned int)test_rand_below(
				&seed, test_rand_below(&seed, 10) ? 4 : 12);
			uint64_t before = h.free_pages;
			mfn_t m;
			int rc = heap_alloc(&h, order, OWNER, &m);

			if (rc == 0) {
				uint64_t k;

				assert_int_equal(mfn_x(m) & ((1ULL << order) - 1), 0);
				for (k = 0; k < (1ULL << order); k++) {
					if (shadow[mfn_x(m) + k] != 2) {
						fail_msg("frame %llu handed out but shadow says %u",
							 (unsigned long long)(mfn_x(m) + k),
							 shadow[mfn_x(m) + k]);
					}
				}
				shadow_set(mfn_x(m), 1ULL << order, 3);
				live[nr_live++] = (struct live){ mfn_x(m), order };
				allocated += 1ULL << order;
				assert_int_equal(h.free_pages, before - (1ULL << order));
			} else {
				unsigned int k;

				assert_int_equal(rc, -ENOMEM);
				for (k = order; k <= HEAP_MAX_ORDER; k++) {
					assert_int_equal(h.nr_free_chunks[k], 0);
				}
			}
		} else {
			uint64_t j = test_rand_below(&seed, nr_live);
			struct live l = live[j];

			live[j] = live[--nr_live];
			free_ok(l.mfn, l.order);
			allocated -= 1ULL << l.order;
		}
		assert_int_equal(h.free_pages + allocated, initial_free);
		if (i % 5000 == 0) {
			check_heap();
		}
	}
	check_heap();
	while (nr_live) {
		nr_live--;
		free_ok(live[nr_live].mfn, live[nr_live].order);
	}
	check_heap();
	assert_int_equal(h.free_pages, initial_free);
	assert_memory_equal(h.nr_free_chunks, initial, sizeof(initial));
	free(live);
}

/* More than 2^HEAP_MAX_ORDER frames: chunks stop growing at the largest order. */
static int setup_big(void **state)
{
	return setup_frames((2ULL << HEAP_MAX_ORDER) + 5);
}

static void test_max_order_cap(void **state)
{
	uint64_t a, b2;

	add_free(0, nr_frames);
	check_heap();
	assert_int_equal(h.nr_free_chunks[HEAP_MAX_ORDER], 2);
	assert_int_equal(h.nr_free_chunks[2], 1);
	assert_int_equal(h.nr_free_chunks[0], 1);
	a = alloc_ok(HEAP_MAX_ORDER);
	b2 = alloc_ok(HEAP_MAX_ORDER);
	assert_int_equal(h.nr_free_chunks[HEAP_MAX_ORDER], 0);
	free_ok(a, HEAP_MAX_ORDER);
	free_ok(b2, HEAP_MAX_ORDER);
	check_heap();
	assert_int_equal(h.nr_free_chunks[HEAP_MAX_ORDER], 2);
	/* Halves freed separately merge up to the largest order, and no further. */
	{
		uint64_t half[4];
		unsigned int i;

		for (i = 0; i < 4; i++) {
			half[i] = alloc_ok(HEAP_MAX_ORDER - 1);
		}
		assert_int_equal(h.nr_free_chunks[HEAP_MAX_ORDER], 0);
		for (i = 0; i < 4; i++) {
			free_ok(half[i], HEAP_MAX_ORDER - 1);
		}
		check_heap();
		assert_int_equal(h.nr_free_chunks[HEAP_MAX_ORDER], 2);
		assert_int_equal(h.nr_free_chunks[HEAP_MAX_ORDER - 1], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_free_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_free_range_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_never_allocated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_over_heap_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_to_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_each_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_coalesces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_free_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_stress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_order_cap, setup_big, teardown),
	};

	return cmocka_run_group_tests_name("page_alloc", tests, NULL, NULL);
}
