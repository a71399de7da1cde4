/* Number parsing shared by the command line and the boot-time parsers. */
#include <argon/errno.h>
#include <argon/lib.h>

static int digit_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return 99;
}

int parse_u64(const char *s, const char **end, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;
	int d;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && digit_value(p[1]) < 8) {
		base = 8;
		p++;
	}
	if (digit_value(*p) >= (int)base) {
		return -EINVAL;
	}
	while ((d = digit_value(*p)) < (int)base) {
		if (v > (UINT64_MAX - (uint64_t)d) / base) {
			return -ERANGE;
		}
		v = v * base + (uint64_t)d;
		p++;
	}
	*out = v;
	if (end) {
		*end = p;
	}
	return 0;
}
