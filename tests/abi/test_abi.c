/*
 * Pins the guest ABI: every structure size, field offset and field size, and every constant of
 * Argon's public headers that Xen's headers also define, against the numbers layout.h records
 * from Xen 4.17's own headers (see gen-layout.py). The build fails on the first mismatch
 * (static assertions); the program then reports how much it checked.
 */
#include <stddef.h>
#include <stdio.h>

#include "all-headers.h"

#define S(tag, size) _Static_assert(sizeof(struct tag) == (size), "sizeof(struct " #tag ")");
#define F(tag, field, off, size)                                                   \
	_Static_assert(offsetof(struct tag, field) == (off), "offsetof " #tag "." #field); \
	_Static_assert(sizeof(((struct tag *)0)->field) == (size), "sizeof " #tag "." #field);
#define FX(tag, field, off) \
	_Static_assert(offsetof(struct tag, field) == (off), "offsetof " #tag "." #field);
#define C(name, value) _Static_assert((unsigned long long)(name) == (value), "value of " #name);
#include "layout.h"
#undef S
#undef F
#undef FX
#undef C

/* Argon's own names for ABI facts Xen states only in prose or under other names. */
_Static_assert(XEN_HYPERCALL_STUB_SIZE == 32, "one 32-byte stub per hypercall");
_Static_assert(XEN_HYPERCALL_PAGE_STUBS * XEN_HYPERCALL_STUB_SIZE == 4096, "stubs fill a page");
_Static_assert(MAX_VIRT_CPUS == 32, "vcpu_info slots in shared_info");
_Static_assert(TI_DPL_MASK == 3 && TI_IF_FLAG == 4, "trap_info.flags bits");
_Static_assert(sizeof(XEN_GUEST_HANDLE(void)) == 8 && _Alignof(XEN_GUEST_HANDLE(void)) == 8,
	       "a guest handle is one 64-bit word");

int main(void)
{
	unsigned int structs = 0, fields = 0, consts = 0;

#define S(tag, size) structs++;
#define F(tag, field, off, size) fields++;
#define FX(tag, field, off) fields++;
#define C(name, value) consts++;
#include "layout.h"

	printf("abi: %u structures, %u fields, %u constants match Xen 4.17\n", structs, fields,
	       consts);
	printf("abi: %u passed, 0 failed\n", structs + fields + consts);
	return 0;
}
