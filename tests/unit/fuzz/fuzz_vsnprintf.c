/*
 * libFuzzer target: vsnprintf() with an arbitrary format and buffer size. Every argument is the
 * same valid string pointer (64-bit, like every integer conversion reads on x86-64), and '*' and
 * %c are rewritten to %s so no conversion can misread its argument.
 */
#include <argon/lib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char fmt[64], out[128];
	const char *s = "str";
	size_t n = size < sizeof(fmt) - 1 ? size : sizeof(fmt) - 1, i;

	/* Only conversions that take a pointer-sized argument, so any format is well defined. */
	for (i = 0; i < n; i++) {
		char c = (char)data[i];

		fmt[i] = c == '*' || c == 'c' || c == 'n' ? 's' : c;
	}
	fmt[n] = '\0';
	snprintf(out, size % sizeof(out), fmt, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s,
		 s, s, s, s, s, s, s, s, s, s, s, s, s, s);
	return 0;
}
