/*
 * Boot-time domain specs on module command lines (hypervisor/common/boot/bootdom.c): every key,
 * the defaults, the hvm flag, and the malformed specs the parser must refuse with a reason.
 */
#include "unit.h"
#include <argon/bootdom.h>
#include <argon/sched.h>

static void test_defaults_without_spec(void **state)
{
	struct boot_domain_spec s;
	const char *why = NULL;

	assert_int_equal(boot_domain_parse("console=hvc0 quiet", &s, &why), 0);
	assert_false(s.has_spec);
	assert_false(s.hvm);
	assert_int_equal(s.vcpus, 1);
	assert_int_equal(s.weight, SCHED_DEFAULT_WEIGHT);
	assert_string_equal(s.guest_cmdline, "console=hvc0 quiet");
}

static void test_pv_spec(void **state)
{
	struct boot_domain_spec s;
	const char *why = NULL;

	assert_int_equal(boot_domain_parse("argon:dom=3,mem=64M,vcpus=2,weight=512,cap=50,priv a b",
					   &s, &why), 0);
	assert_true(s.has_spec);
	assert_int_equal(s.domid, 3);
	assert_int_equal(s.mem, 64ULL << 20);
	assert_int_equal(s.vcpus, 2);
	assert_int_equal(s.weight, 512);
	assert_int_equal(s.cap, 50);
	assert_true(s.privileged);
	assert_false(s.hvm);
	assert_string_equal(s.guest_cmdline, "a b");
}

static void test_hvm_spec(void **state)
{
	struct boot_domain_spec s;
	const char *why = NULL;

	assert_int_equal(boot_domain_parse("argon:dom=2,hvm,mem=256M,vcpus=4 console=ttyS0", &s, &why),
			 0);
	assert_true(s.hvm);
	assert_false(s.privileged);
	assert_int_equal(s.domid, 2);
	assert_int_equal(s.mem, 256ULL << 20);
	assert_int_equal(s.vcpus, 4);
	assert_string_equal(s.guest_cmdline, "console=ttyS0");
	/* The flag anywhere in the list, and alone. */
	assert_int_equal(boot_domain_parse("argon:hvm,dom=1", &s, &why), 0);
	assert_true(s.hvm);
	assert_int_equal(s.domid, 1);
	assert_string_equal(s.guest_cmdline, "");
	assert_int_equal(boot_domain_parse("argon:initrd", &s, &why), 0);
	assert_true(s.is_initrd);
	assert_false(s.hvm);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"argon:dom=1,hvm=1",	/* a flag takes no value */
		"argon:dom=1,hv",
		"argon:dom=1,hvmx",
		"argon:dom=1,vcpus=0",
		"argon:dom=1,vcpus=33",
		"argon:dom=1,weight=0",
		"argon:dom=1,cap=101",
		"argon:dom=65520",
		"argon:dom=x",
		"argon:dom=1;hvm",
		"argon:mem=99999999999G",
	};
	struct boot_domain_spec s;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		assert_int_equal(boot_domain_parse(bad[i], &s, &why), -EINVAL);
		assert_non_null(why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_without_spec),
		cmocka_unit_test(test_pv_spec),
		cmocka_unit_test(test_hvm_spec),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("bootdom", tests, NULL, NULL);
}
