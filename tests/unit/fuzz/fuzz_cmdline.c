/* libFuzzer target: cmdline_parse() over arbitrary text against a table of every type. */
#include <stdlib.h>
#include <argon/cmdline.h>
#include <argon/lib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool b;
static uint8_t u8;
static uint64_t u64, sz;
static uint32_t sz32;
static char str[16];

static int custom(const char *v)
{
	return v && v[0] == 'x';
}

static const struct param table[] = {
	{ "b", PARAM_BOOL, &b, sizeof(b), NULL },
	{ "u8", PARAM_UINT, &u8, sizeof(u8), NULL },
	{ "u64", PARAM_UINT, &u64, sizeof(u64), NULL },
	{ "sz", PARAM_SIZE, &sz, sizeof(sz), NULL },
	{ "sz32", PARAM_SIZE, &sz32, sizeof(sz32), NULL },
	{ "str", PARAM_STRING, str, sizeof(str), NULL },
	{ "c", PARAM_CUSTOM, NULL, 0, custom },
};

static void report(const char *option, const char *problem)
{
	if (strlen(option) >= CMDLINE_MAX_OPTION || !problem[0]) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);

	memcpy(line, data, size);
	line[size] = '\0';
	cmdline_parse(line, table, table + ARRAY_SIZE(table), report);
	free(line);
	return 0;
}
