/* The freestanding C library subset the hypervisor carries. */
#ifndef ARGON_LIB_H
#define ARGON_LIB_H

#include <stdarg.h>
#include <argon/compiler.h>
#include <argon/types.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *d, const char *s, size_t size);

/**
 * Format into @buf (at most @size bytes, always NUL-terminated when @size > 0) and return the
 * length the full output would have had. Supports the conversions the hypervisor uses:
 * %d %i %u %x %X %o %c %s %p %% with flags '-' '0' '+' ' ' '#', width and precision (also as '*'),
 * and the length modifiers hh h l ll z t j. Widths and precisions above 65535 count as 65535.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/** As vsnprintf() with a variable argument list. */
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/**
 * Parse an unsigned integer in base 10, 16 (0x prefix) or 8 (0 prefix) from @s. On success store
 * it in *@out, set *@end past the digits and return 0; return -EINVAL when no digit is present and
 * -ERANGE on overflow.
 */
int parse_u64(const char *s, const char **end, uint64_t *out);

#endif
