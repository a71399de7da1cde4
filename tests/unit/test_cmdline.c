/*
 * The hypervisor command-line parser (hypervisor/common/cmdline.c) over a table built here, so
 * the linker-section macros are not involved: every parameter type, every value form, and every
 * problem the parser must report instead of acting on.
 */
#include "unit.h"
#include <argon/cmdline.h>

static bool flag, flag_on;
static uint8_t u8;
static uint16_t u16;
static uint32_t u32;
static uint64_t u64;
static uint64_t size64;
static uint32_t size32;
static char str[8];

static unsigned int custom_calls;
static bool custom_got_null;
static char custom_value[64];

/* Records what it was given; "fail" is refused. */
static int custom_parse(const char *value)
{
	custom_calls++;
	custom_got_null = value == NULL;
	custom_value[0] = '\0';
	if (value) {
		strlcpy(custom_value, value, sizeof(custom_value));
		if (!strcmp(value, "fail")) {
			return -EINVAL;
		}
	}
	return 0;
}

static const struct param table[] = {
	{ "flag", PARAM_BOOL, &flag, sizeof(flag), NULL },
	{ "flag_on", PARAM_BOOL, &flag_on, sizeof(flag_on), NULL },
	{ "u8", PARAM_UINT, &u8, sizeof(u8), NULL },
	{ "u16", PARAM_UINT, &u16, sizeof(u16), NULL },
	{ "u32", PARAM_UINT, &u32, sizeof(u32), NULL },
	{ "u64", PARAM_UINT, &u64, sizeof(u64), NULL },
	{ "size", PARAM_SIZE, &size64, sizeof(size64), NULL },
	{ "size32", PARAM_SIZE, &size32, sizeof(size32), NULL },
	{ "str", PARAM_STRING, str, sizeof(str), NULL },
	{ "custom", PARAM_CUSTOM, NULL, 0, custom_parse },
};

/* Every report, as "option: problem" lines. */
static char reports[4096];
static unsigned int nr_reports;

static void report(const char *option, const char *problem)
{
	size_t n = strlen(reports);

	assert_non_null(option);
	assert_non_null(problem);
	assert_true(strlen(option) < CMDLINE_MAX_OPTION);
	if (nr_reports++) {
		strlcpy(reports + n, "|", sizeof(reports) - n);
		n++;
	}
	strlcpy(reports + n, option, sizeof(reports) - n);
	n = strlen(reports);
	strlcpy(reports + n, ": ", sizeof(reports) - n);
	n = strlen(reports);
	strlcpy(reports + n, problem, sizeof(reports) - n);
}

static void reset(void)
{
	flag = false;
	flag_on = true;
	u8 = 77;
	u16 = 77;
	u32 = 77;
	u64 = 77;
	size64 = 77;
	size32 = 77;
	strcpy(str, "init");
	custom_calls = 0;
	custom_got_null = false;
	custom_value[0] = '\0';
	reports[0] = '\0';
	nr_reports = 0;
}

static int parse(const char *line)
{
	reset();
	return cmdline_parse(line, table, table + ARRAY_SIZE(table), report);
}

enum var { V_NONE, V_FLAG, V_FLAG_ON, V_U8, V_U16, V_U32, V_U64, V_SIZE, V_SIZE32 };

static uint64_t value_of(enum var v)
{
	switch (v) {
	case V_FLAG:
		return flag;
	case V_FLAG_ON:
		return flag_on;
	case V_U8:
		return u8;
	case V_U16:
		return u16;
	case V_U32:
		return u32;
	case V_U64:
		return u64;
	case V_SIZE:
		return size64;
	case V_SIZE32:
		return size32;
	case V_NONE:
		break;
	}
	return 0;
}

#define BAD_BOOL "expected a boolean (yes/no, on/off, true/false, 1/0, enable/disable)"
#define BAD_NUM "expected a number"
#define BAD_SIZE "expected a size (number with optional K, M, G or T suffix)"
#define UNKNOWN "unknown option, ignored"

static const struct {
	const char *line;
	enum var var;
	uint64_t value;		/* the variable afterwards (77/false/true when untouched) */
	const char *reports;	/* "" when none */
} cases[] = {
	/* Booleans in every form. */
	{ "flag", V_FLAG, 1, "" },
	{ "no-flag_on", V_FLAG_ON, 0, "" },
	{ "flag=yes", V_FLAG, 1, "" },
	{ "flag=on", V_FLAG, 1, "" },
	{ "flag=true", V_FLAG, 1, "" },
	{ "flag=1", V_FLAG, 1, "" },
	{ "flag=enable", V_FLAG, 1, "" },
	{ "flag_on=no", V_FLAG_ON, 0, "" },
	{ "flag_on=off", V_FLAG_ON, 0, "" },
	{ "flag_on=false", V_FLAG_ON, 0, "" },
	{ "flag_on=0", V_FLAG_ON, 0, "" },
	{ "flag_on=disable", V_FLAG_ON, 0, "" },
	{ "flag flag=no", V_FLAG, 0, "" },		/* the last one wins */
	{ "flag=maybe", V_FLAG, 0, "flag=maybe: " BAD_BOOL },
	{ "flag=", V_FLAG, 0, "flag=: " BAD_BOOL },
	{ "flag=YES", V_FLAG, 0, "flag=YES: " BAD_BOOL },
	{ "flag=10", V_FLAG, 0, "flag=10: " BAD_BOOL },
	{ "no-flag_on=1", V_FLAG_ON, 1, "no-flag_on=1: a negated boolean takes no value" },
	{ "no-u8=1", V_U8, 77, "no-u8=1: " UNKNOWN },
	{ "no-", V_NONE, 0, "no-: " UNKNOWN },
	/* Unsigned integers: bases, per-size ranges, junk. */
	{ "u8=0", V_U8, 0, "" },
	{ "u8=255", V_U8, 255, "" },
	{ "u8=0xff", V_U8, 255, "" },
	{ "u8=0XFf", V_U8, 255, "" },
	{ "u8=0377", V_U8, 255, "" },
	{ "u8=256", V_U8, 77, "u8=256: number out of range" },
	{ "u8=0x100", V_U8, 77, "u8=0x100: number out of range" },
	{ "u8=0400", V_U8, 77, "u8=0400: number out of range" },
	{ "u16=65535", V_U16, 65535, "" },
	{ "u16=65536", V_U16, 77, "u16=65536: number out of range" },
	{ "u32=4294967295", V_U32, 4294967295u, "" },
	{ "u32=0xffffffff", V_U32, 0xffffffffu, "" },
	{ "u32=4294967296", V_U32, 77, "u32=4294967296: number out of range" },
	{ "u64=18446744073709551615", V_U64, UINT64_MAX, "" },
	{ "u64=0x8000000000000000", V_U64, 1ULL << 63, "" },
	{ "u64=18446744073709551616", V_U64, 77, "u64=18446744073709551616: " BAD_NUM },
	{ "u32=12abc", V_U32, 77, "u32=12abc: " BAD_NUM },
	{ "u32=0x", V_U32, 77, "u32=0x: " BAD_NUM },
	{ "u32=089", V_U32, 89, "" },				/* 0 then non-octal: decimal */
	{ "u32=0189", V_U32, 77, "u32=0189: " BAD_NUM },	/* octal 01, then junk */
	{ "u32=-1", V_U32, 77, "u32=-1: " BAD_NUM },
	{ "u32=", V_U32, 77, "u32=: " BAD_NUM },
	{ "u32", V_U32, 77, "u32: " BAD_NUM },
	{ "u32=1=2", V_U32, 77, "u32=1=2: " BAD_NUM },
	/* Sizes: suffixes in both cases, bytes by default, overflow, bad suffixes. */
	{ "size=10", V_SIZE, 10, "" },
	{ "size=10b", V_SIZE, 10, "" },
	{ "size=10B", V_SIZE, 10, "" },
	{ "size=4K", V_SIZE, 4096, "" },
	{ "size=4k", V_SIZE, 4096, "" },
	{ "size=3M", V_SIZE, 3ULL << 20, "" },
	{ "size=3m", V_SIZE, 3ULL << 20, "" },
	{ "size=2G", V_SIZE, 2ULL << 30, "" },
	{ "size=2g", V_SIZE, 2ULL << 30, "" },
	{ "size=5T", V_SIZE, 5ULL << 40, "" },
	{ "size=5t", V_SIZE, 5ULL << 40, "" },
	{ "size=0x10M", V_SIZE, 16ULL << 20, "" },
	{ "size=16777215T", V_SIZE, 16777215ULL << 40, "" },
	{ "size=16777216T", V_SIZE, 77, "size=16777216T: " BAD_SIZE },
	{ "size=4KB", V_SIZE, 77, "size=4KB: " BAD_SIZE },
	{ "size=4X", V_SIZE, 77, "size=4X: " BAD_SIZE },
	{ "size=K", V_SIZE, 77, "size=K: " BAD_SIZE },
	{ "size=", V_SIZE, 77, "size=: " BAD_SIZE },
	{ "size", V_SIZE, 77, "size: " BAD_SIZE },
	{ "size32=3G", V_SIZE32, 3ULL << 30, "" },
	{ "size32=4G", V_SIZE32, 77, "size32=4G: size out of range" },
	/* Unknown options are reported with their whole text; "=" alone names nothing. */
	{ "bogus", V_NONE, 0, "bogus: " UNKNOWN },
	{ "bogus=1", V_NONE, 0, "bogus=1: " UNKNOWN },
	{ "=", V_NONE, 0, "=: " UNKNOWN },
	{ "=5", V_NONE, 0, "=5: " UNKNOWN },
	{ "FLAG", V_FLAG, 0, "FLAG: " UNKNOWN },
	{ "fla", V_FLAG, 0, "fla: " UNKNOWN },
	{ "flagx", V_FLAG, 0, "flagx: " UNKNOWN },
	/* Whitespace: tabs and runs of spaces separate; an empty line is fine. */
	{ "", V_NONE, 0, "" },
	{ "   \t  ", V_NONE, 0, "" },
	{ "  flag\t\tu8=5   ", V_U8, 5, "" },
	{ "\tflag", V_FLAG, 1, "" },
	/* Several problems: every one reported, good options around them still applied. */
	{ "bogus u8=999 flag=x u8=9", V_U8, 9,
	  "bogus: " UNKNOWN "|u8=999: number out of range|flag=x: " BAD_BOOL },
};

static void test_table(void **state)
{
	unsigned int i, failures = 0;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int rc = parse(cases[i].line);
		unsigned int expect_reports = 0;
		const char *p;

		if (cases[i].reports[0]) {
			expect_reports = 1;
			for (p = cases[i].reports; *p; p++) {
				expect_reports += *p == '|';
			}
		}
		if (rc != (int)expect_reports || strcmp(reports, cases[i].reports) ||
		    (cases[i].var != V_NONE && value_of(cases[i].var) != cases[i].value)) {
			print_error("\"%s\": returned %d, reported \"%s\", value %llu; "
				    "expected %u, \"%s\", %llu\n", cases[i].line, rc, reports,
				    (unsigned long long)value_of(cases[i].var), expect_reports,
				    cases[i].reports, (unsigned long long)cases[i].value);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void test_strings(void **state)
{
	assert_int_equal(parse("str=hello"), 0);
	assert_string_equal(str, "hello");
	assert_int_equal(parse("str=1234567"), 0);		/* 7 characters fit in 8 bytes */
	assert_string_equal(str, "1234567");
	assert_int_equal(parse("str=12345678"), 1);
	assert_string_equal(reports, "str=12345678: value too long");
	assert_string_equal(str, "init");
	assert_int_equal(parse("str="), 0);
	assert_string_equal(str, "");
	assert_int_equal(parse("str=a=b"), 0);	/* the value runs to the space */
	assert_string_equal(str, "a=b");
	assert_int_equal(parse("str"), 1);
	assert_string_equal(reports, "str: expected a value");
	assert_string_equal(str, "init");
}

static void test_custom(void **state)
{
	assert_int_equal(parse("custom"), 0);
	assert_int_equal(custom_calls, 1);
	assert_true(custom_got_null);
	assert_int_equal(parse("custom=abc,def"), 0);
	assert_int_equal(custom_calls, 1);
	assert_false(custom_got_null);
	assert_string_equal(custom_value, "abc,def");
	assert_int_equal(parse("custom="), 0);
	assert_false(custom_got_null);
	assert_string_equal(custom_value, "");
	/* A non-zero return is a problem reported with the whole option. */
	assert_int_equal(parse("custom=fail custom=ok"), 1);
	assert_int_equal(custom_calls, 2);
	assert_string_equal(reports, "custom=fail: invalid value");
	assert_string_equal(custom_value, "ok");
	/* no- is only for booleans. */
	assert_int_equal(parse("no-custom"), 1);
	assert_int_equal(custom_calls, 0);
}

/* Options of CMDLINE_MAX_OPTION - 1 characters are parsed; longer ones are reported, cut. */
static void test_overlong(void **state)
{
	char line[1024], expect[CMDLINE_MAX_OPTION + 64];
	size_t n;

	/* "str=" + 251 characters = 255: parsed (and too long for str). */
	strcpy(line, "str=");
	memset(line + 4, 'v', CMDLINE_MAX_OPTION - 1 - 4);
	line[CMDLINE_MAX_OPTION - 1] = '\0';
	assert_int_equal(parse(line), 1);
	assert_non_null(strstr(reports, ": value too long"));

	/* 256 and more: reported as too long with the first 255 characters; parsing goes on. */
	for (n = CMDLINE_MAX_OPTION; n < CMDLINE_MAX_OPTION + 300; n += 150) {
		memset(line, 'x', n);
		strcpy(line + n, " flag u8=3");
		assert_int_equal(parse(line), 1);
		memset(expect, 'x', CMDLINE_MAX_OPTION - 1);
		strcpy(expect + CMDLINE_MAX_OPTION - 1, ": option too long, ignored");
		assert_string_equal(reports, expect);
		assert_true(flag);
		assert_int_equal(u8, 3);
	}
}

/* A NULL report function is allowed; the count is still returned. */
static void test_null_report(void **state)
{
	reset();
	assert_int_equal(cmdline_parse("bogus flag=2 flag", table, table + ARRAY_SIZE(table), NULL),
			 2);
	assert_true(flag);
	/* An empty table knows nothing. */
	assert_int_equal(cmdline_parse("flag", table, table, NULL), 1);
}

/* The caller's string is never modified (it is the boot loader's copy). */
static void test_input_untouched(void **state)
{
	char line[] = "flag=no u8=7 str=abc bogus=1 custom=x";
	char copy[sizeof(line)];

	memcpy(copy, line, sizeof(line));
	parse(line);
	assert_memory_equal(line, copy, sizeof(line));
}

/* Random byte strings from the option alphabet: must never crash, count matches reports. */
static void test_random_lines(void **state)
{
	static const char alphabet[] = "flagu8163264sizestrcustomno-=0x1KMGTbB \t";
	uint64_t seed = 42;
	unsigned int i;

	for (i = 0; i < 50000; i++) {
		char line[600];
		size_t n = test_rand_below(&seed, sizeof(line)), j;
		int rc;

		for (j = 0; j < n; j++) {
			line[j] = alphabet[test_rand_below(&seed, sizeof(alphabet) - 1)];
		}
		line[n] = '\0';
		rc = parse(line);
		assert_int_equal(rc, (int)nr_reports);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_custom),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_null_report),
		cmocka_unit_test(test_input_untouched),
		cmocka_unit_test(test_random_lines),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
