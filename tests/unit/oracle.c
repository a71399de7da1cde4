/*
 * The C library's vsnprintf as an oracle for the vsnprintf tests. This file is compiled without
 * the -Dvsnprintf=argon_vsnprintf renaming, so the call below reaches glibc.
 */
#include <stdarg.h>
#include <stdio.h>

int oracle_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Format with glibc exactly as the hypervisor's vsnprintf() would be called. */
int oracle_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}
