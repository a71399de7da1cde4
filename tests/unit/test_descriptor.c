/* The descriptor rule of set_gdt/update_descriptor (hypervisor/arch/x86/pv/descriptor_check.c). */
#include "unit.h"
#include <asm/pv/descriptor.h>

static void test_descriptors(void **state)
{
	static const struct {
		uint64_t desc;
		bool ok;
		const char *what;
	} cases[] = {
		{ 0, true, "null" },
		{ 0x00cf7b000000ffffULL & ~(1ULL << 47), true, "not present, anything else" },
		{ 0x00affb000000ffffULL, true, "64-bit code, DPL 3" },
		{ 0x00cffb000000ffffULL, true, "32-bit code, DPL 3" },
		{ 0x00cff3000000ffffULL, true, "data, DPL 3" },
		{ 0x00cfff000000ffffULL, true, "conforming code, DPL 3" },
		{ 0x00af9b000000ffffULL, true, "64-bit code, DPL 0 (raised to 3)" },
		{ 0x00afbb000000ffffULL, true, "64-bit code, DPL 1 (raised to 3)" },
		{ 0x00afdb000000ffffULL, true, "64-bit code, DPL 2 (raised to 3)" },
		{ 0x00cf93000000ffffULL, true, "data, DPL 0 (raised to 3)" },
		{ 0x0000ec0000080000ULL, false, "call gate, DPL 3" },
		{ 0x0000e90000000067ULL, false, "available TSS, DPL 3" },
		{ 0x0000e20000000fffULL, false, "LDT, DPL 3" },
		{ 0x0000ee0000000000ULL, false, "interrupt gate, DPL 3" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (pv_descriptor_ok(cases[i].desc) != cases[i].ok) {
			fail_msg("%s (%#llx): expected %s", cases[i].what, (unsigned long long)cases[i].desc,
				 cases[i].ok ? "accepted" : "refused");
		}
	}
}

/*
 * Every present system descriptor is refused; every code/data segment is accepted with DPL 3 and
 * nothing else changed; not-present entries pass untouched.
 */
static void test_exhaustive_access_bytes(void **state)
{
	unsigned int access;

	for (access = 0; access < 256; access++) {
		uint64_t d = 0x00cf00000000ffffULL | ((uint64_t)access << 40), fixed = d;
		bool present = access & 0x80, segment = access & 0x10;
		bool ok = pv_descriptor_fixup(&fixed);

		assert_int_equal(ok, !present || segment);
		assert_int_equal(pv_descriptor_ok(d), ok);
		if (present && segment) {
			assert_int_equal(fixed, d | (3ULL << 45));
		} else if (ok) {
			assert_int_equal(fixed, d);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptors),
		cmocka_unit_test(test_exhaustive_access_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
