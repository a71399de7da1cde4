/*
 * The hypervisor command line: space-separated options, applied to a table of typed parameters.
 * The command line comes from the boot loader, so every option is treated as untrusted text.
 */
#include <argon/cmdline.h>
#include <argon/errno.h>
#include <argon/lib.h>

static const struct param *find_param(const char *name, const struct param *start,
				      const struct param *end)
{
	const struct param *p;

	for (p = start; p < end; p++) {
		if (!strcmp(p->name, name)) {
			return p;
		}
	}
	return NULL;
}

/* Returns 0 or 1, or -EINVAL when @v is not a boolean word. */
static int parse_bool(const char *v)
{
	static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
	static const char *const no[] = { "0", "no", "off", "false", "disable" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(v, yes[i])) {
			return 1;
		}
		if (!strcmp(v, no[i])) {
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_size(const char *v, uint64_t *out)
{
	const char *end;
	uint64_t n;
	unsigned shift = 0;
	int rc = parse_u64(v, &end, &n);

	if (rc) {
		return rc;
	}
	switch (*end) {
	case 'T':
	case 't':
		shift = 40;
		break;
	case 'G':
	case 'g':
		shift = 30;
		break;
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 'B':
	case 'b':
	case '\0':
		shift = 0;
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1]) {
		return -EINVAL;
	}
	if (shift && n > (UINT64_MAX >> shift)) {
		return -ERANGE;
	}
	*out = n << shift;
	return 0;
}

static int store_uint(const struct param *p, uint64_t v)
{
	switch (p->len) {
	case 1:
		if (v > UINT8_MAX) {
			return -ERANGE;
		}
		*(uint8_t *)p->var = (uint8_t)v;
		return 0;
	case 2:
		if (v > UINT16_MAX) {
			return -ERANGE;
		}
		*(uint16_t *)p->var = (uint16_t)v;
		return 0;
	case 4:
		if (v > UINT32_MAX) {
			return -ERANGE;
		}
		*(uint32_t *)p->var = (uint32_t)v;
		return 0;
	case 8:
		*(uint64_t *)p->var = v;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Apply one option; returns NULL on success or a sentence describing the problem. */
static const char *apply_option(char *opt, const struct param *start, const struct param *end)
{
	char *eq = strchr(opt, '=');
	const char *val = NULL;
	const struct param *p;
	bool negated = false;
	const char *endp;
	uint64_t n;
	int rc;

	if (eq) {
		*eq = '\0';
		val = eq + 1;
	}
	p = find_param(opt, start, end);
	if (!p && !strncmp(opt, "no-", 3)) {
		p = find_param(opt + 3, start, end);
		if (p && p->type != PARAM_BOOL) {
			p = NULL;
		}
		negated = p != NULL;
	}
	if (!p) {
		return "unknown option, ignored";
	}
	switch (p->type) {
	case PARAM_BOOL:
		if (negated && val) {
			return "a negated boolean takes no value";
		}
		rc = val ? parse_bool(val) : !negated;
		if (rc < 0) {
			return "expected a boolean (yes/no, on/off, true/false, 1/0, enable/disable)";
		}
		*(bool *)p->var = rc;
		return NULL;
	case PARAM_UINT:
		if (!val || parse_u64(val, &endp, &n) || *endp) {
			return "expected a number";
		}
		return store_uint(p, n) ? "number out of range" : NULL;
	case PARAM_SIZE:
		if (!val || parse_size(val, &n)) {
			return "expected a size (number with optional K, M, G or T suffix)";
		}
		return store_uint(p, n) ? "size out of range" : NULL;
	case PARAM_STRING:
		if (!val) {
			return "expected a value";
		}
		if (strlen(val) >= p->len) {
			return "value too long";
		}
		strlcpy(p->var, val, p->len);
		return NULL;
	case PARAM_CUSTOM:
		return p->parse(val) ? "invalid value" : NULL;
	}
	return "bad parameter table entry";
}

int cmdline_parse(const char *cmdline, const struct param *start, const struct param *end,
		  cmdline_report_fn report)
{
	char opt[CMDLINE_MAX_OPTION];
	int problems = 0;

	while (*cmdline) {
		size_t len = 0;
		const char *problem;

		while (*cmdline == ' ' || *cmdline == '\t') {
			cmdline++;
		}
		if (!*cmdline) {
			break;
		}
		while (cmdline[len] && cmdline[len] != ' ' && cmdline[len] != '\t') {
			len++;
		}
		if (len >= sizeof(opt)) {
			memcpy(opt, cmdline, sizeof(opt) - 1);
			opt[sizeof(opt) - 1] = '\0';
			problem = "option too long, ignored";
		} else {
			memcpy(opt, cmdline, len);
			opt[len] = '\0';
			problem = apply_option(opt, start, end);
			if (problem) {
				/* apply_option may have split name=value; report the whole option. */
				memcpy(opt, cmdline, len);
				opt[len] = '\0';
			}
		}
		if (problem) {
			problems++;
			if (report) {
				report(opt, problem);
			}
		}
		cmdline += len;
	}
	return problems;
}
