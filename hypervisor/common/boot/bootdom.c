/* Parsing of boot-time domain specs on module command lines (see bootdom.h); untrusted input. */
#include <argon/bootdom.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/sched.h>

#define PREFIX "argon:"

static int fail(const char **why, const char *msg)
{
	*why = msg;
	return -EINVAL;
}

/* A number with an optional K/M/G suffix, ending at @end (',' or ' ' or NUL). */
static int parse_size(const char *s, const char **end, uint64_t *out)
{
	uint64_t v;
	int rc = parse_u64(s, end, &v), shift = 0;

	if (rc) {
		return rc;
	}
	switch (**end) {
	case 'G': case 'g':
		shift = 30;
		break;
	case 'M': case 'm':
		shift = 20;
		break;
	case 'K': case 'k':
		shift = 10;
		break;
	default:
		break;
	}
	if (shift) {
		if (v > (UINT64_MAX >> shift)) {
			return -ERANGE;
		}
		v <<= shift;
		(*end)++;
	}
	*out = v;
	return 0;
}

static bool key_is(const char *p, size_t len, const char *key)
{
	return strlen(key) == len && !strncmp(p, key, len);
}

int boot_domain_parse(const char *cmdline, struct boot_domain_spec *out, const char **why)
{
	const char *p;

	memset(out, 0, sizeof(*out));
	out->vcpus = 1;
	out->weight = SCHED_DEFAULT_WEIGHT;
	out->guest_cmdline = cmdline;
	if (strncmp(cmdline, PREFIX, strlen(PREFIX))) {
		return 0;
	}
	out->has_spec = true;
	p = cmdline + strlen(PREFIX);
	for (;;) {
		const char *key = p, *end;
		size_t klen = 0;
		uint64_t v = 0;

		while (key[klen] && key[klen] != '=' && key[klen] != ',' && key[klen] != ' ') {
			klen++;
		}
		p = key + klen;
		if (key_is(key, klen, "initrd")) {
			out->is_initrd = true;
		} else if (key_is(key, klen, "priv")) {
			out->privileged = true;
		} else if (key_is(key, klen, "hvm")) {
			out->hvm = true;
		} else if (*p == '=') {
			int rc = key_is(key, klen, "mem") ? parse_size(p + 1, &end, &v)
							   : parse_u64(p + 1, &end, &v);

			if (rc) {
				return fail(why, "a value in the argon: spec is not a number");
			}
			p = end;
			if (key_is(key, klen, "dom")) {
				if (v >= 0x7ff0) {
					return fail(why, "dom= is not an ordinary domain ID");
				}
				out->domid = (uint16_t)v;
			} else if (key_is(key, klen, "mem")) {
				out->mem = v;
			} else if (key_is(key, klen, "vcpus")) {
				if (v < 1 || v > 32) {
					return fail(why, "vcpus= must be 1 to 32");
				}
				out->vcpus = (unsigned int)v;
			} else if (key_is(key, klen, "weight")) {
				if (v < 1 || v > 65535) {
					return fail(why, "weight= must be 1 to 65535");
				}
				out->weight = (unsigned int)v;
			} else if (key_is(key, klen, "cap")) {
				if (v > 100) {
					return fail(why, "cap= is a percentage of one CPU (0 to 100)");
				}
				out->cap = (unsigned int)v;
			} else {
				return fail(why, "unknown key in the argon: spec");
			}
		} else {
			return fail(why, "unknown key in the argon: spec");
		}
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == ' ' || *p == '\0') {
			break;
		}
		return fail(why, "malformed argon: spec");
	}
	while (*p == ' ') {
		p++;
	}
	out->guest_cmdline = p;
	return 0;
}
