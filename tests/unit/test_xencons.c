/*
 * The console ring backend (hypervisor/common/console/xencons_ring.c) on the host: draining out[]
 * with wrap-around and partial reads, feeding in[] until full, and guest garbage in every index
 * (a producer more than a ring ahead, a producer behind the consumer, a rewritten consumer index).
 * The page is a heap object of exactly the ABI size, so ASan catches any access outside it.
 */
#include <stdlib.h>
#include "unit.h"
#include <argon/xencons_ring.h>

static struct xencons_interface *intf;
static struct xencons_back back;

static int setup(void **state)
{
	intf = calloc(1, sizeof(*intf));
	assert_non_null(intf);
	xencons_back_init(&back, intf);
	return 0;
}

static int teardown(void **state)
{
	free(intf);
	return 0;
}

/* The guest's side: produce @s at out_prod as a correct guest does. */
static void guest_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		intf->out[MASK_XENCONS_IDX(intf->out_prod + i, intf->out)] = s[i];
	}
	intf->out_prod += (XENCONS_RING_IDX)n;
}

/* Start both ends of out[] at index @idx (as if that much had already passed). */
static void start_out_at(XENCONS_RING_IDX idx)
{
	back.out_cons = idx;
	intf->out_cons = idx;
	intf->out_prod = idx;
}

struct read_case {
	const char *name;
	XENCONS_RING_IDX start;	/* both indexes start here */
	size_t produce;		/* bytes a correct guest produces */
	size_t bufsize;		/* the reader's buffer */
	int expect;		/* return of the first read */
};

static const struct read_case read_cases[] = {
	{ "empty", 0, 0, 4096, 0 },
	{ "short", 0, 5, 4096, 5 },
	{ "exactly full", 0, XENCONS_OUT_SIZE, 4096, XENCONS_OUT_SIZE },
	{ "wraps the array", 2000, 100, 4096, 100 },
	{ "wraps the 32-bit index", 0xfffffff0u, 40, 4096, 40 },
	{ "small buffer", 0, 100, 10, 10 },
	{ "full, index wraps", 0xfffffc00u, XENCONS_OUT_SIZE, 4096, XENCONS_OUT_SIZE },
};

static void test_read_table(void **state)
{
	char src[XENCONS_OUT_SIZE], buf[4096];

	for (size_t c = 0; c < ARRAY_SIZE(read_cases); c++) {
		const struct read_case *rc = &read_cases[c];
		size_t total = 0;
		int n;

		memset(intf, 0, sizeof(*intf));
		start_out_at(rc->start);
		for (size_t i = 0; i < rc->produce; i++) {
			src[i] = (char)('a' + (i * 7 + c) % 26);
		}
		guest_put(src, rc->produce);
		n = xencons_back_read(&back, buf, rc->bufsize);
		if (n != rc->expect) {
			fail_msg("%s: read %d, expected %d", rc->name, n, rc->expect);
		}
		/* Keep reading until drained: every byte arrives once, in order. */
		while (n > 0) {
			assert_memory_equal(buf, src + total, (size_t)n);
			total += (size_t)n;
			n = xencons_back_read(&back, buf, rc->bufsize);
		}
		assert_int_equal(n, 0);
		assert_int_equal(total, rc->produce);
		assert_int_equal(intf->out_cons, intf->out_prod);
		assert_false(xencons_back_has_output(&back));
	}
}

static void test_read_garbage_resyncs(void **state)
{
	char buf[4096];

	/* A producer more than a ring ahead: nothing is read, the ring restarts at out_prod. */
	intf->out_prod = XENCONS_OUT_SIZE + 1;
	assert_true(xencons_back_has_output(&back));
	assert_int_equal(xencons_back_read(&back, buf, sizeof(buf)), -EIO);
	assert_int_equal(intf->out_cons, XENCONS_OUT_SIZE + 1);
	assert_false(xencons_back_has_output(&back));
	guest_put("ok\n", 3);
	assert_int_equal(xencons_back_read(&back, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "ok\n", 3);
	/* A producer behind the consumer is the same garbage (a huge unsigned distance). */
	intf->out_prod = back.out_cons - 1;
	assert_int_equal(xencons_back_read(&back, buf, sizeof(buf)), -EIO);
	/* The guest rewriting out_cons changes nothing: Argon's own index is authoritative. */
	guest_put("abc", 3);
	intf->out_cons = 0x12345678;
	assert_int_equal(xencons_back_read(&back, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(intf->out_cons, intf->out_prod);
}

static void test_write_until_full(void **state)
{
	char data[XENCONS_IN_SIZE + 10];

	for (size_t i = 0; i < sizeof(data); i++) {
		data[i] = (char)i;
	}
	assert_int_equal(xencons_back_write(&back, data, 3), 3);
	assert_int_equal(intf->in_prod, 3);
	assert_memory_equal(intf->in, data, 3);
	/* Only the free space is filled; a full ring takes nothing. */
	assert_int_equal(xencons_back_write(&back, data, sizeof(data)), XENCONS_IN_SIZE - 3);
	assert_int_equal(xencons_back_write(&back, data, 1), 0);
	/* The guest consumes 100: 100 more fit, wrapping the array. */
	intf->in_cons = 100;
	assert_int_equal(xencons_back_write(&back, "XYZ", 3), 3);
	assert_int_equal(intf->in[MASK_XENCONS_IDX(XENCONS_IN_SIZE, intf->in)], 'X');
	assert_int_equal(intf->in[2], 'Z');
}

static void test_write_garbage_refused(void **state)
{
	intf->in_cons = 5000; /* ahead of in_prod: used is a huge unsigned number */
	assert_int_equal(xencons_back_write(&back, "a", 1), -EIO);
	assert_int_equal(intf->in_prod, 0);
	intf->in_cons = 0;
	back.in_prod = 0xfffffffeu;
	intf->in_cons = 0xfffffffeu;
	assert_int_equal(xencons_back_write(&back, "wrap", 4), 4);
	assert_int_equal(intf->in_prod, 2);
	assert_int_equal(intf->in[MASK_XENCONS_IDX(0xffffffffu, intf->in)], 'r');
	assert_int_equal(intf->in[0], 'a');
	/* The guest rewriting in_prod changes nothing either. */
	intf->in_prod = 777;
	assert_int_equal(xencons_back_write(&back, "b", 1), 1);
	assert_int_equal(intf->in_prod, 3);
}

/* Random indexes and contents: never out of bounds (ASan), never more than a ring per read. */
static void test_random_garbage(void **state)
{
	uint64_t seed = 0x5eed1234;
	char buf[4096];

	for (unsigned int i = 0; i < 100000; i++) {
		int n;

		switch (test_rand_below(&seed, 4)) {
		case 0:
			intf->out_prod = (XENCONS_RING_IDX)test_rand(&seed);
			break;
		case 1:
			intf->out_prod = back.out_cons + (XENCONS_RING_IDX)test_rand_below(&seed, 3000);
			break;
		case 2:
			intf->in_cons = (XENCONS_RING_IDX)test_rand(&seed);
			break;
		default:
			intf->in_cons = back.in_prod - (XENCONS_RING_IDX)test_rand_below(&seed, 1100);
			break;
		}
		n = xencons_back_read(&back, buf, test_rand_below(&seed, sizeof(buf)));
		assert_true(n == -EIO || (n >= 0 && n <= XENCONS_OUT_SIZE));
		n = xencons_back_write(&back, buf, test_rand_below(&seed, 2000));
		assert_true(n == -EIO || (n >= 0 && n <= XENCONS_IN_SIZE));
		assert_true(back.in_prod - intf->in_cons <= XENCONS_IN_SIZE || n == -EIO);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_garbage_resyncs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_until_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_garbage_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_garbage, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
