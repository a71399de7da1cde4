/*
 * vsnprintf()/snprintf() from hypervisor/common/lib/vsnprintf.c against glibc's as the oracle,
 * over every combination of flags, width, precision, length modifier and conversion, plus
 * truncation at every buffer size and the documented hypervisor-specific behaviour.
 */
#include "unit.h"

int oracle_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

static int oracle(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = oracle_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* snprintf() through a non-literal format, so -Wformat cannot object to the generated ones. */
static int argon(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#define OUT_MAX 512
#define MAX_REPORTS 20

static unsigned int mismatches;

/* Compare two results; log the first few mismatches so one run shows the whole picture. */
static void compare(const char *fmt, const char *what, const char *got, int got_n,
		    const char *want, int want_n)
{
	if (got_n == want_n && !memcmp(got, want, (size_t)want_n + 1)) {
		return;
	}
	if (mismatches++ < MAX_REPORTS) {
		print_error("format \"%s\" with %s: argon \"%s\" (%d), glibc \"%s\" (%d)\n", fmt,
			    what, got, got_n, want, want_n);
	}
}

static const int64_t int_values[] = {
	0,
	1,
	-1,
	7,
	8,
	42,
	-42,
	127,
	128,
	-128,
	255,
	256,
	32767,
	-32768,
	65535,
	65536,
	0x7fffffff,
	-0x7fffffff - 1,
	0xffffffffLL,
	10000000000LL,
	0x123456789abcdefLL,
	INT64_MAX,
	INT64_MIN,
};

static const char *const lengths[] = { "hh", "h", "", "l", "ll", "z" };
static const char convs[] = "diuxXo";
static const char *const widths[] = { "", "1", "5", "12", "25" };
static const char *const precisions[] = { "", ".0", ".1", ".5", ".20" };
static const char flag_chars[] = "-0+ #";

/* Build "%<flags><width><prec><len><conv>" into @fmt. */
static void build_format(char *fmt, unsigned int flags, const char *width, const char *prec,
			 const char *len, char conv)
{
	size_t n = 0;
	unsigned int i;

	fmt[n++] = '%';
	for (i = 0; i < 5; i++) {
		if (flags & (1u << i)) {
			fmt[n++] = flag_chars[i];
		}
	}
	strcpy(fmt + n, width);
	strcat(fmt, prec);
	strcat(fmt, len);
	n = strlen(fmt);
	fmt[n++] = conv;
	fmt[n] = '\0';
}

/* One integer format against glibc for every value; @wide says the argument is long long. */
static void check_int_format(const char *fmt, bool wide)
{
	char got[OUT_MAX], want[OUT_MAX], what[64];
	unsigned int v;

	for (v = 0; v < ARRAY_SIZE(int_values); v++) {
		int64_t x = int_values[v];
		int gn, wn;

		if (wide) {
			gn = argon(got, sizeof(got), fmt, (long long)x);
			wn = oracle(want, sizeof(want), fmt, (long long)x);
		} else {
			gn = argon(got, sizeof(got), fmt, (int)x);
			wn = oracle(want, sizeof(want), fmt, (int)x);
		}
		oracle(what, sizeof(what), "%lld", (long long)x);
		compare(fmt, what, got, gn, want, wn);
	}
}

static void test_integers_match_glibc(void **state)
{
	unsigned int flags, w, p, l, c;
	unsigned long checked = 0;
	char fmt[32];

	mismatches = 0;
	for (c = 0; convs[c]; c++) {
		bool is_signed = convs[c] == 'd' || convs[c] == 'i';

		for (flags = 0; flags < 32; flags++) {
			/* '#' is undefined for d, i and u ('+' and ' ' do nothing there). */
			if ((flags & 16) && (is_signed || convs[c] == 'u')) {
				continue;
			}
			for (w = 0; w < ARRAY_SIZE(widths); w++) {
				for (p = 0; p < ARRAY_SIZE(precisions); p++) {
					for (l = 0; l < ARRAY_SIZE(lengths); l++) {
						build_format(fmt, flags, widths[w], precisions[p],
							     lengths[l], convs[c]);
						check_int_format(fmt, l >= 3);
						checked += ARRAY_SIZE(int_values);
					}
				}
			}
		}
	}
	print_message("checked %lu integer conversions\n", checked);
	assert_int_equal(mismatches, 0);
}

static const char *const strings[] = { "", "a", "hello", "a longer string with spaces" };

static void test_strings_and_chars_match_glibc(void **state)
{
	static const char *const sflags[] = { "", "-" };
	char fmt[32], got[OUT_MAX], want[OUT_MAX];
	unsigned int f, w, p, s;
	static const int chars[] = { 'A', 'z', ' ', '%', 0xe9 };

	mismatches = 0;
	for (f = 0; f < ARRAY_SIZE(sflags); f++) {
		for (w = 0; w < ARRAY_SIZE(widths); w++) {
			for (p = 0; p < ARRAY_SIZE(precisions); p++) {
				strcpy(fmt, "[%");
				strcat(fmt, sflags[f]);
				strcat(fmt, widths[w]);
				strcat(fmt, precisions[p]);
				strcat(fmt, "s]");
				for (s = 0; s < ARRAY_SIZE(strings); s++) {
					int gn = argon(got, sizeof(got), fmt, strings[s]);
					int wn = oracle(want, sizeof(want), fmt, strings[s]);

					compare(fmt, strings[s], got, gn, want, wn);
				}
			}
			strcpy(fmt, "[%");
			strcat(fmt, sflags[f]);
			strcat(fmt, widths[w]);
			strcat(fmt, "c]");
			for (s = 0; s < ARRAY_SIZE(chars); s++) {
				int gn = argon(got, sizeof(got), fmt, chars[s]);
				int wn = oracle(want, sizeof(want), fmt, chars[s]);

				compare(fmt, "a char", got, gn, want, wn);
			}
		}
	}
	assert_int_equal(mismatches, 0);
}

/* A NUL character is output and counted like any other. */
static void test_nul_char(void **state)
{
	char got[16];

	memset(got, 'x', sizeof(got));
	assert_int_equal(snprintf(got, sizeof(got), "a%cb", 0), 3);
	assert_memory_equal(got, "a\0b", 4);
}

/* Single formats with several arguments, literal text, '*' and '%%'. */
static void test_mixed_formats_match_glibc(void **state)
{
	char got[OUT_MAX], want[OUT_MAX];
	int gn, wn, i, j;

	mismatches = 0;
#define SAME(fmt, ...)                                                       \
	do {                                                                  \
		gn = argon(got, sizeof(got), fmt, __VA_ARGS__);               \
		wn = oracle(want, sizeof(want), fmt, __VA_ARGS__);             \
		compare(fmt, #__VA_ARGS__, got, gn, want, wn);                \
	} while (0)
	SAME("%s=%d (%#x) %c%%", "value", -17, 255u, 'k');
	SAME("100%% of %u", 3u);
	SAME("%%%d%%", 5);
	SAME("no conversions%s", "");
	SAME("%lu %ld %lx", (unsigned long)-1, (long)INT64_MIN, 0xdeadbeefUL);
	SAME("%llu %lld %llX", (unsigned long long)-1, (long long)INT64_MIN, 0xdeadbeefULL);
	SAME("%zu %zx %zd", (size_t)-1, (size_t)4096, (ssize_t)-4096);
	SAME("%hhu %hhx %hu %hx", 0x1ff, 0x1ff, 0x1ffff, 0x1ffff);
	SAME("[%5.3s|%-5.3s|%.0s]", "abcdef", "abcdef", "abc");
	SAME("[%3c|%-3c]", 'x', 'y');
	SAME("%p %p", (void *)0x1234, (void *)~0UL);
	SAME("[%20p|%-20p]", (void *)0xffff800000001000UL, (void *)0x10);
	for (i = -12; i <= 12; i += 3) {
		SAME("[%*d]", i, 42);
		SAME("[%-*x]", i, 0xabc);
		SAME("[%*s]", i, "str");
		for (j = -2; j <= 8; j += 2) {
			SAME("[%*.*d]", i, j, -123);
			SAME("[%.*s]", j, "precision");
			SAME("[%0*.*x]", i, j, 0x5a);
		}
	}
#undef SAME
	assert_int_equal(mismatches, 0);
}

/*
 * Truncation: for every buffer size from 0 to past the full length, the return value is the full
 * length, the buffer holds the longest prefix that fits plus a NUL, and nothing past @size is
 * touched.
 */
static void check_truncation(const char *fmt, ...)
{
	char full[OUT_MAX], buf[OUT_MAX + 16];
	va_list ap;
	size_t size;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(full, sizeof(full), fmt, ap);
	va_end(ap);
	assert_true(len >= 0 && len < OUT_MAX);
	assert_int_equal(strlen(full), (size_t)len);
	for (size = 0; size <= (size_t)len + 2; size++) {
		size_t kept = MIN(size ? size - 1 : 0, (size_t)len);
		int n;

		memset(buf, '#', sizeof(buf));
		va_start(ap, fmt);
		n = vsnprintf(buf, size, fmt, ap);
		va_end(ap);
		assert_int_equal(n, len);
		if (size) {
			assert_memory_equal(buf, full, kept);
			assert_int_equal(buf[kept], '\0');
		}
		for (size_t i = size; i < sizeof(buf); i++) {
			if (buf[i] != '#') {
				fail_msg("\"%s\" with size %zu wrote byte %zu", fmt, size, i);
			}
		}
	}
}

static void test_truncation_every_size(void **state)
{
	check_truncation("hello");
	check_truncation("");
	check_truncation("%d", -1234567);
	check_truncation("[%-10s|%10s]", "left", "right");
	check_truncation("%#018llx %+05d %c", 0xabcdefULL, 7, 'c');
	check_truncation("%s", "a string that is longer than most of the sizes we try");
	check_truncation("%%%5%%");
	check_truncation("%.*s|%*d", 3, "truncate", -6, 9);
}

/* size 0: nothing is written, not even the NUL; a NULL buffer is allowed then. */
static void test_size_zero_null_buffer(void **state)
{
	assert_int_equal(snprintf(NULL, 0, "%s %d", "abc", 12345), 9);
	assert_int_equal(argon(NULL, 0, ""), 0);
}

static void test_size_one(void **state)
{
	char buf[2] = { 'x', 'y' };

	assert_int_equal(snprintf(buf, 1, "%d", 123456), 6);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'y');
}

/* NULL %s prints "(null)" (whatever the precision, unlike glibc), honouring width and precision. */
static void test_null_string(void **state)
{
	char buf[64];
	const char *null = NULL;

	assert_int_equal(argon(buf, sizeof(buf), "%s", null), 6);
	assert_string_equal(buf, "(null)");
	assert_int_equal(argon(buf, sizeof(buf), "[%8s]", null), 10);
	assert_string_equal(buf, "[  (null)]");
	assert_int_equal(argon(buf, sizeof(buf), "[%-8s]", null), 10);
	assert_string_equal(buf, "[(null)  ]");
	assert_int_equal(argon(buf, sizeof(buf), "[%.3s]", null), 5);
	assert_string_equal(buf, "[(nu]");
}

/* Behaviour the hypervisor defines where C leaves it open. */
static void test_hypervisor_specific(void **state)
{
	char buf[64];

	/* A NULL pointer prints as plain 0 (glibc says "(nil)"). */
	assert_int_equal(snprintf(buf, sizeof(buf), "%p", NULL), 1);
	assert_string_equal(buf, "0");
	/* An unknown conversion is shown verbatim, and the arguments stay in step. */
	assert_int_equal(argon(buf, sizeof(buf), "%q %d", 5), 4);
	assert_string_equal(buf, "%q 5");
	/* A lone '%' at the end prints nothing. */
	assert_int_equal(argon(buf, sizeof(buf), "abc%"), 3);
	assert_string_equal(buf, "abc");
	/* %t and %j take 64-bit arguments. */
	assert_int_equal(snprintf(buf, sizeof(buf), "%td %jx", (ptrdiff_t)-3,
				  (intmax_t)0x1ffffffffLL), 12);
	assert_string_equal(buf, "-3 1ffffffff");
}

/* Huge widths and precisions (digits or '*', even INT_MIN) are clamped to 65535, no overflow. */
static void test_huge_fields(void **state)
{
	char buf[16];

	assert_int_equal(argon(buf, sizeof(buf), "%99999999999999999999d", 1), 65535);
	assert_string_equal(buf, "               ");
	assert_int_equal(argon(buf, sizeof(buf), "%.99999999999u|", 1), 65536);
	assert_string_equal(buf, "000000000000000");
	assert_int_equal(argon(buf, sizeof(buf), "%65535d", 1), 65535);
	assert_int_equal(argon(buf, sizeof(buf), "%65536d", 1), 65535);
	assert_int_equal(argon(buf, sizeof(buf), "%*d|", -2147483647 - 1, 7), 65536);
	assert_string_equal(buf, "7              ");
	assert_int_equal(argon(buf, sizeof(buf), "%*d", 2147483647, 7), 65535);
	assert_int_equal(argon(buf, sizeof(buf), "%.*s", 2147483647, "abc"), 3);
	assert_int_equal(argon(buf, sizeof(buf), "%.*d", 2147483647, 1), 65535);
}

static void test_parse_u64(void **state)
{
	static const struct {
		const char *s;
		int rc;
		uint64_t v;
		size_t used;
	} cases[] = {
		{ "0", 0, 0, 1 },
		{ "42", 0, 42, 2 },
		{ "42abc", 0, 42, 2 },
		{ "0x1F", 0, 31, 4 },
		{ "0X1f", 0, 31, 4 },
		{ "0x", 0, 0, 1 },		/* no hex digit: the 0 alone, 'x' left */
		{ "0xg", 0, 0, 1 },
		{ "017", 0, 15, 3 },
		{ "08", 0, 8, 2 },		/* 0 then a non-octal digit: decimal */
		{ "019", 0, 1, 2 },		/* octal stops at the 9 */
		{ "18446744073709551615", 0, UINT64_MAX, 20 },
		{ "0xffffffffffffffff", 0, UINT64_MAX, 18 },
		{ "01777777777777777777777", 0, UINT64_MAX, 23 },
		{ "18446744073709551616", -ERANGE, 0, 0 },
		{ "0x10000000000000000", -ERANGE, 0, 0 },
		{ "", -EINVAL, 0, 0 },
		{ "x1", -EINVAL, 0, 0 },
		{ "-1", -EINVAL, 0, 0 },
		{ " 1", -EINVAL, 0, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *end = NULL;
		uint64_t v = 0xdead;
		int rc = parse_u64(cases[i].s, &end, &v);

		if (rc != cases[i].rc) {
			fail_msg("parse_u64(\"%s\") returned %d, expected %d", cases[i].s, rc,
				 cases[i].rc);
		}
		if (rc) {
			assert_int_equal(v, 0xdead);
			continue;
		}
		assert_int_equal(v, cases[i].v);
		assert_ptr_equal(end, cases[i].s + cases[i].used);
	}
	/* @end may be NULL. */
	assert_int_equal(parse_u64("123", NULL, &(uint64_t){ 0 }), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers_match_glibc),
		cmocka_unit_test(test_strings_and_chars_match_glibc),
		cmocka_unit_test(test_nul_char),
		cmocka_unit_test(test_mixed_formats_match_glibc),
		cmocka_unit_test(test_truncation_every_size),
		cmocka_unit_test(test_size_zero_null_buffer),
		cmocka_unit_test(test_size_one),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_hypervisor_specific),
		cmocka_unit_test(test_huge_fields),
		cmocka_unit_test(test_parse_u64),
	};

	return cmocka_run_group_tests_name("vsnprintf", tests, NULL, NULL);
}
