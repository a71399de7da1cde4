/*
 * The log ring (hypervisor/common/console/logring.c): wrap-around, dropping whole lines only,
 * readers that fall behind, writes larger than the ring.
 */
#include "unit.h"
#include <argon/logring.h>

/* The ring sits in the middle of a guard area so ASan-free overruns are seen too. */
#define GUARD 64

struct fixture {
	struct logring r;
	char mem[GUARD + 4096 + GUARD];
};

static struct fixture fx;

static void ring_setup(size_t size)
{
	memset(fx.mem, 0x5a, sizeof(fx.mem));
	assert_int_equal(logring_init(&fx.r, fx.mem + GUARD, size), 0);
}

static void check_guards(void)
{
	size_t i;

	for (i = 0; i < GUARD; i++) {
		assert_int_equal((unsigned char)fx.mem[i], 0x5a);
		assert_int_equal((unsigned char)fx.mem[GUARD + fx.r.size + i], 0x5a);
	}
}

static void put(const char *s)
{
	logring_write(&fx.r, s, strlen(s));
	check_guards();
}

/* Everything from the tail to the head, as a string. */
static const char *contents(void)
{
	static char out[8192];
	uint64_t pos = 0, lost;
	size_t n = logring_read(&fx.r, &pos, out, sizeof(out) - 1, &lost);

	out[n] = '\0';
	assert_int_equal(lost, fx.r.tail);
	assert_int_equal(pos, fx.r.head);
	return out;
}

static void test_init_rejects_bad_sizes(void **state)
{
	static const size_t bad[] = { 0, 3, 5, 6, 7, 100, 4095, 4097, 65535 };
	static const size_t good[] = { 1, 2, 4, 64, 4096 };
	struct logring r;
	char buf[4096];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(logring_init(&r, buf, bad[i]), -EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		assert_int_equal(logring_init(&r, buf, good[i]), 0);
		assert_int_equal(r.size, good[i]);
		assert_int_equal(r.head, 0);
		assert_int_equal(r.tail, 0);
	}
}

static void test_simple_write_read(void **state)
{
	uint64_t pos = 0, lost = 99;
	char out[64];
	size_t n;

	ring_setup(64);
	n = logring_read(&fx.r, &pos, out, sizeof(out), &lost);
	assert_int_equal(n, 0);
	assert_int_equal(lost, 0);
	put("one\n");
	put("two\n");
	assert_string_equal(contents(), "one\ntwo\n");
	/* Reading in small pieces advances the cursor; lost may be NULL. */
	n = logring_read(&fx.r, &pos, out, 3, NULL);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "one", 3);
	assert_int_equal(pos, 3);
	n = logring_read(&fx.r, &pos, out, sizeof(out), &lost);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "\ntwo\n", 5);
	assert_int_equal(lost, 0);
	assert_int_equal(logring_read(&fx.r, &pos, out, sizeof(out), &lost), 0);
	/* A cursor past the head (a confused reader) is pulled back, reads nothing. */
	pos = 1000;
	assert_int_equal(logring_read(&fx.r, &pos, out, sizeof(out), &lost), 0);
	assert_int_equal(pos, fx.r.head);
}

/* Fill past the end many times: positions keep growing, the content is the newest whole lines. */
static void test_wrap_keeps_whole_lines(void **state)
{
	char line[32], expect[8192];
	unsigned int i;

	ring_setup(64);
	for (i = 0; i < 200; i++) {
		snprintf(line, sizeof(line), "line %u\n", i);
		put(line);
		assert_true(fx.r.head - fx.r.tail <= fx.r.size);
		/* The tail is always at a line start: the byte before it is a newline. */
		if (fx.r.tail) {
			assert_int_equal(fx.r.buf[(fx.r.tail - 1) & (fx.r.size - 1)], '\n');
		}
	}
	/* Rebuild what should remain: the newest lines that fit into 64 bytes. */
	expect[0] = '\0';
	{
		size_t used = 0;
		int j;
		char tmp[8192];

		for (j = 199; j >= 0; j--) {
			int n = snprintf(line, sizeof(line), "line %d\n", j);

			if (used + (size_t)n > 64) {
				break;
			}
			strcpy(tmp, line);
			strcat(tmp, expect);
			strcpy(expect, tmp);
			used += (size_t)n;
		}
	}
	assert_string_equal(contents(), expect);
	/* "line N\n" is 7 bytes for N < 10, 8 below 100, 9 below 200. */
	assert_int_equal(fx.r.head, 10 * 7 + 90 * 8 + 100 * 9);
}

/* Only whole lines are dropped: a long line evicts as many old lines as it needs, no more. */
static void test_only_whole_lines_dropped(void **state)
{
	ring_setup(32);
	put("aaaa\n");			/* 5 */
	put("bbbbbbbbbb\n");		/* 11 -> 16 */
	put("cccccccccc\n");		/* 11 -> 27 */
	assert_string_equal(contents(), "aaaa\nbbbbbbbbbb\ncccccccccc\n");
	put("dddddd\n");		/* 7 -> 34 > 32: drop "aaaa\n" only */
	assert_string_equal(contents(), "bbbbbbbbbb\ncccccccccc\ndddddd\n");
	assert_int_equal(fx.r.tail, 5);
	put("eeeeeeeeeeeeeeeeeeee\n");	/* 21: drop b and c */
	assert_string_equal(contents(), "dddddd\neeeeeeeeeeeeeeeeeeee\n");
	/* A partial line (no newline yet) is kept and completed by the next write. */
	put("ff");
	put("f\n");
	assert_string_equal(contents(), "dddddd\neeeeeeeeeeeeeeeeeeee\nfff\n");
}

/* A reader whose cursor the tail has passed learns how many bytes it missed. */
static void test_reader_behind_tail_reports_lost(void **state)
{
	uint64_t pos = 0, lost = 0;
	char out[64];
	size_t n;

	ring_setup(16);
	put("12345\n");
	put("abcde\n");
	n = logring_read(&fx.r, &pos, out, 2, &lost);	/* reader at 2 */
	assert_int_equal(n, 2);
	put("ABCDEFGH\n");	/* 21 > 16: drops "12345\n" (6 bytes) */
	assert_int_equal(fx.r.tail, 6);
	n = logring_read(&fx.r, &pos, out, sizeof(out), &lost);
	assert_int_equal(lost, 4);	/* bytes 2..5 were never read */
	assert_int_equal(n, 15);
	assert_memory_equal(out, "abcde\nABCDEFGH\n", 15);
	assert_int_equal(pos, fx.r.head);
}

/*
 * A write larger than the ring keeps only its last whole lines, and a reader that was up to date
 * learns that it lost everything before them.
 */
static void test_write_larger_than_ring(void **state)
{
	const char *big = "first line\nsecond line\nthird line\nfourth\n";	/* 41 bytes */
	uint64_t pos, lost;
	char out[64];
	size_t n;

	ring_setup(16);
	put("old\n");
	pos = fx.r.head;
	put(big);
	/* The last 16 bytes are "ird line\nfourth\n"; the whole lines among them: "fourth\n". */
	assert_string_equal(contents(), "fourth\n");
	assert_int_equal(fx.r.head, 4 + strlen(big));
	n = logring_read(&fx.r, &pos, out, sizeof(out), &lost);
	assert_int_equal(lost, strlen(big) - 7);
	assert_int_equal(n, 7);

	/* Exactly the ring size, ending in a newline: kept whole. */
	ring_setup(16);
	put("xx\n");
	put("0123456789abcde\n");
	assert_string_equal(contents(), "0123456789abcde\n");

	/* Larger, with no newline at all in the last 16 bytes: nothing of it survives. */
	ring_setup(16);
	put("keep?\n");
	put("\nabcdefghijklmnopqrstuvwxyz");
	assert_string_equal(contents(), "");
	assert_int_equal(fx.r.tail, fx.r.head);
	assert_int_equal(fx.r.head, 6 + 27);

	/* Larger, where the kept part starts right on a line boundary. */
	ring_setup(16);
	put("0123456789abcdef0123\n0123456789abcd\n");	/* the last 16 start at the '\n' */
	assert_string_equal(contents(), "0123456789abcd\n");
}

/* Random writes of random lines; the ring's invariants hold and the content is a suffix. */
static void test_random_writes(void **state)
{
	static char all[1 << 20];
	size_t all_len = 0;
	uint64_t seed = 0x1234567;
	unsigned int i;

	ring_setup(256);
	for (i = 0; i < 20000; i++) {
		char chunk[600];
		size_t n = test_rand_below(&seed, 40) + 1, j;

		if (test_rand_below(&seed, 100) == 0) {
			/* Occasionally bigger than the ring. */
			n = 300 + test_rand_below(&seed, 300);
		}
		for (j = 0; j < n; j++) {
			chunk[j] = test_rand_below(&seed, 8) ? (char)('a' + j % 26) : '\n';
		}
		if (all_len + n > sizeof(all)) {
			break;
		}
		memcpy(all + all_len, chunk, n);
		all_len += n;
		logring_write(&fx.r, chunk, n);
		assert_int_equal(fx.r.head, all_len);
		assert_true(fx.r.tail <= fx.r.head);
		assert_true(fx.r.head - fx.r.tail <= fx.r.size);
		if (fx.r.tail) {
			assert_int_equal(all[fx.r.tail - 1], '\n');
		}
		{
			const char *c = contents();

			assert_memory_equal(c, all + fx.r.tail, fx.r.head - fx.r.tail);
		}
	}
	check_guards();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_sizes),
		cmocka_unit_test(test_simple_write_read),
		cmocka_unit_test(test_wrap_keeps_whole_lines),
		cmocka_unit_test(test_only_whole_lines_dropped),
		cmocka_unit_test(test_reader_behind_tail_reports_lost),
		cmocka_unit_test(test_write_larger_than_ring),
		cmocka_unit_test(test_random_writes),
	};

	return cmocka_run_group_tests_name("logring", tests, NULL, NULL);
}
