/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small unit-test harness. A test file defines TEST(name) functions and
 * ends with TEST_MAIN(T(a), T(b), ...). Each binary runs its tests (or only
 * those whose name contains argv[1]) and ends with "N passed, N failed".
 * A CHECK that fails records the failure and returns from the test.
 */
#ifndef CF_TEST_H
#define CF_TEST_H

#include <inttypes.h>
#include <stddef.h>
#include <string.h>

struct cf_test_case {
	const char *name;
	void (*fn)(void);
};

void cf_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cf_test_run(const struct cf_test_case *t, size_t n, int argc, char **argv);
/* Path of a fresh temporary directory for this test binary, removed at exit. */
const char *cf_test_tmpdir(void);

#define TEST(name) static void name(void)
#define T(fn) { #fn, fn }
#define TEST_MAIN(...)                                                     \
	int main(int argc, char **argv)                                    \
	{                                                                  \
		static const struct cf_test_case cases[] = { __VA_ARGS__ }; \
		return cf_test_run(cases, sizeof(cases) / sizeof(cases[0]), \
		    argc, argv);                                           \
	}

#define CHECK(c)                                                       \
	do {                                                           \
		if (!(c)) {                                            \
			cf_test_fail(__FILE__, __LINE__, "%s", #c);    \
			return;                                        \
		}                                                      \
	} while (0)

#define CHECK_INT(a, b)                                                    \
	do {                                                               \
		long long a_ = (long long)(a), b_ = (long long)(b);        \
		if (a_ != b_) {                                            \
			cf_test_fail(__FILE__, __LINE__,                   \
			    "%s == %s: %lld != %lld", #a, #b, a_, b_);     \
			return;                                            \
		}                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                    \
	do {                                                               \
		const char *a_ = (a), *b_ = (b);                           \
		if (!a_ || !b_ || strcmp(a_, b_)) {                        \
			cf_test_fail(__FILE__, __LINE__,                   \
			    "%s == %s: \"%s\" != \"%s\"", #a, #b,          \
			    a_ ? a_ : "(null)", b_ ? b_ : "(null)");       \
			return;                                            \
		}                                                          \
	} while (0)

#endif
