// SPDX-License-Identifier: MIT
/* Unit tests of the protocol tables and the permission string codec. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "argon/store.h"

static void test_error_names_round_trip(void **state)
{
	static const int errs[] = {EINVAL, EACCES,  EEXIST,    EISDIR, ENOENT, ENOMEM,
				   ENOSPC, EIO,	    ENOTEMPTY, ENOSYS, EROFS,  EBUSY,
				   EAGAIN, EISCONN, E2BIG,     EPERM};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		assert_true(xs_errno_known(errs[i]));
		assert_int_equal(xs_errno_from_name(xs_errno_name(errs[i])), errs[i]);
	}
	assert_string_equal(xs_errno_name(EACCES), "EACCES");
	assert_string_equal(xs_errno_name(E2BIG), "E2BIG");
	/* Errors outside the protocol's set travel as EINVAL. */
	assert_false(xs_errno_known(ENOTDIR));
	assert_string_equal(xs_errno_name(ENOTDIR), "EINVAL");
	assert_int_equal(xs_errno_from_name("EWHATEVER"), EINVAL);
}

static void test_type_numbers(void **state)
{
	(void)state;
	/* The numbers are the ABI: pin them. */
	assert_int_equal(XS_CONTROL, 0);
	assert_int_equal(XS_READ, 2);
	assert_int_equal(XS_WATCH_EVENT, 15);
	assert_int_equal(XS_ERROR, 16);
	assert_int_equal(XS_SET_TARGET, 19);
	assert_int_equal(XS_RESET_WATCHES, 21);
	assert_int_equal(XS_DIRECTORY_PART, 22);
	assert_string_equal(xs_type_name(XS_WRITE), "WRITE");
	assert_null(xs_type_name(20));
	assert_null(xs_type_name(XS_TYPE_COUNT));
	assert_null(xs_type_name(XS_INVALID));
	assert_int_equal(sizeof(struct xs_hdr), 16);
	assert_int_equal(offsetof(struct xs_hdr, len), 12);
}

static void test_perm_codec(void **state)
{
	struct store_perm p;
	char buf[16];

	(void)state;
	assert_int_equal(store_perm_parse("b7", &p), 0);
	assert_int_equal(p.domid, 7);
	assert_int_equal(p.access, STORE_PERM_BOTH);
	assert_int_equal(store_perm_parse("n0", &p), 0);
	assert_int_equal(p.access, STORE_PERM_NONE);
	assert_int_equal(store_perm_parse("r65535", &p), 0);
	assert_int_equal(p.domid, 65535);
	assert_int_equal(store_perm_parse("w1", &p), 0);
	assert_int_equal(p.access, STORE_PERM_WRITE);
	assert_int_equal(store_perm_parse("x1", &p), -EINVAL);
	assert_int_equal(store_perm_parse("r", &p), -EINVAL);
	assert_int_equal(store_perm_parse("r1a", &p), -EINVAL);
	assert_int_equal(store_perm_parse("r-1", &p), -EINVAL);
	p = (struct store_perm){.domid = 12, .access = STORE_PERM_READ};
	assert_int_equal(store_perm_format(&p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "r12");
	p.access = 9;
	assert_int_equal(store_perm_format(&p, buf, sizeof(buf)), -EINVAL);
}

static void test_open_missing_socket(void **state)
{
	struct store *s = NULL;

	(void)state;
	assert_int_equal(store_open("/nonexistent/argon-store.sock", &s), -ENOENT);
	assert_null(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_error_names_round_trip),
	    cmocka_unit_test(test_type_numbers),
	    cmocka_unit_test(test_perm_codec),
	    cmocka_unit_test(test_open_missing_socket),
	};

	return cmocka_run_group_tests_name("libargonstore", tests, NULL, NULL);
}
