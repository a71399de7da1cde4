/*
 * The test registry of an Argon PV test kernel.
 *
 * GUEST_TEST(name) { ... } defines a test; tests run in name order, each printing exactly one
 * line, then a summary, and the domain shuts down (poweroff when every test passed, crash
 * otherwise):
 *   TEST <name>: PASS [detail]
 *   TEST <name>: FAIL <detail>
 *   SUMMARY: <passed>/<total> passed
 * The system tests parse these lines; keep the format.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdint.h>

struct guest_test {
	const char *name;
	void (*fn)(void);
};

#define GUEST_TEST(tname)                                                          \
	static void test_##tname(void);                                             \
	static const struct guest_test guest_test_##tname                           \
		__attribute__((section(".tests." #tname), used, aligned(8))) = {    \
			.name = #tname,                                             \
			.fn = test_##tname,                                         \
		};                                                                  \
	static void test_##tname(void)

/* Mark the running test failed with a message (the first failure's message is reported). */
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Detail printed after PASS (last call wins). */
void test_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether the running test has failed so far. */
int test_failed(void);

/* Check a condition; on failure record it and return from the test. */
#define EXPECT(cond)                                                    \
	do {                                                            \
		if (!(cond)) {                                          \
			test_fail(__FILE__, __LINE__, "%s", #cond);     \
			return;                                         \
		}                                                       \
	} while (0)

/* Check two integers for equality, reporting both values. */
#define EXPECT_EQ(a, b)                                                                    \
	do {                                                                               \
		int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                              \
		if (a_ != b_) {                                                            \
			test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b,    \
				  (long long)a_, (long long)b_);                           \
			return;                                                            \
		}                                                                          \
	} while (0)

#endif /* GUEST_TEST_H */
