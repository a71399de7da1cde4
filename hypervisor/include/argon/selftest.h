/* Boot-time self-tests chosen with selftest=<name>[,<name>...], for the system test suite. */
#ifndef ARGON_SELFTEST_H
#define ARGON_SELFTEST_H

#include <argon/compiler.h>

/** One self-test. Tests of fatal paths (faults, panic) do not return. */
struct selftest {
	const char *name;
	const char *what;
	void (*run)(void);
};

#define SELFTEST(_name, _what, _fn)                                                           \
	static const struct selftest __selftest_##_fn __section(".selftests") __used __aligned(8) = { \
		.name = _name, .what = _what, .run = _fn }

extern const struct selftest __selftests_start[], __selftests_end[];

/** Run the self-tests the command line names, in the order given. */
void selftests_run(void);

/** Report a self-test result line the test suite reads: "selftest: <name>: PASS|FAIL: <text>". */
void selftest_result(const char *name, bool pass, const char *fmt, ...) __printf(3, 4);

#endif
