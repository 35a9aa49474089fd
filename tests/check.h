/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The unit tests' checks: RUN(test) runs one named test, CHECK(cond, fmt, ...)
 * records a failure with its place; a test that asserts nothing fails.
 * Each test file includes this once; main() returns n_failed != 0.
 */
#ifndef SW_TEST_CHECK_H
#define SW_TEST_CHECK_H

#include <stdio.h>

static const char *cur;
static unsigned cur_fail, cur_checks, n_tests, n_failed;

#define CHECK(cond, ...) do {						\
	cur_checks++;							\
	if (!(cond)) {							\
		cur_fail++;						\
		printf("FAIL %s: ", cur);				\
		printf(__VA_ARGS__);					\
		printf(" (%s:%d: %s)\n", __FILE__, __LINE__, #cond);	\
	}								\
} while (0)

#define RUN(fn) run(#fn, fn)

static void
run(const char *name, void (*fn)(void))
{
	cur = name;
	cur_fail = cur_checks = 0;
	fn();
	CHECK(cur_checks > 1, "the test asserted nothing");
	n_tests++;
	if (cur_fail)
		n_failed++;
	else
		printf("ok %s\n", name);
	fflush(stdout);
}

#endif /* SW_TEST_CHECK_H */
