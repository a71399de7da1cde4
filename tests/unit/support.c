/*
 * Library functions the hypervisor's lib/string.c provides that the host C library (glibc 2.36)
 * lacks. Everything else comes from libc, so ASan's interceptors check those calls.
 */
#include <argon/lib.h>

size_t strlcpy(char *d, const char *s, size_t size)
{
	size_t n = strlen(s);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(d, s, c);
		d[c] = '\0';
	}
	return n;
}
