/*
 * Cross-check: the recorded numbers in layout.h against Xen's own public headers, when an
 * installed copy exists (Debian's libxen-dev). Proves layout.h still states Xen's ABI; built and
 * run by the Makefile only where those headers are present. Compile-time only.
 */
#include <stddef.h>

#include "xen-headers.h"

#define S(tag, size) _Static_assert(sizeof(struct tag) == (size), "sizeof(struct " #tag ")");
#define F(tag, field, off, size)                                                   \
	_Static_assert(offsetof(struct tag, field) == (off), "offsetof " #tag "." #field); \
	_Static_assert(sizeof(((struct tag *)0)->field) == (size), "sizeof " #tag "." #field);
#define FX(tag, field, off) \
	_Static_assert(offsetof(struct tag, field) == (off), "offsetof " #tag "." #field);
#define C(name, value) _Static_assert((unsigned long long)(name) == (value), "value of " #name);
#include "layout.h"

int main(void)
{
	return 0;
}
