/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The unit tests' checks, speaking TAP to meson (protocol : 'tap').
 * RUN(test) runs one named test and prints "ok N - test" or
 * "not ok N - test"; CHECK(cond, fmt, ...) records a failure with its
 * place; a test that asserts nothing fails. The plan ("1..N") is printed
 * at exit, after the tests (TAP allows a trailing plan), so a program
 * that crashes midway leaves no plan: meson fails it on its exit status,
 * scripts/test.sh also on the missing plan.
 * Anything else a test prints on stdout must be a "# " line: NOTE() does
 * that. Each test file includes this once; main() returns n_failed != 0.
 */
#ifndef SW_TEST_CHECK_H
#define SW_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *cur;
static unsigned cur_fail, cur_checks, n_tests, n_failed;

/* Print fmt as TAP diagnostics: every line of it starts with "# ". */
static void __attribute__((format(printf, 1, 2), unused))
check_note(const char *fmt, ...)
{
	char buf[4096];
	const char *p = buf, *nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	do {
		nl = strchr(p, '\n');
		printf("# %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		p = nl ? nl + 1 : NULL;
	} while (p != NULL && *p != '\0');
}

#define NOTE(...) check_note(__VA_ARGS__)

/*
 * One check at file:line. The message's arguments are only evaluated when
 * the check fails (they may name what exists only then). A failure outside
 * any RUN() fails the program (n_failed) since no test line can carry it.
 */
static int __attribute__((unused))
check_ok(void)
{
	cur_checks++;
	return 1;
}

static int __attribute__((format(printf, 4, 5), unused))
check_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	cur_checks++;
	cur_fail++;
	if (cur == NULL)
		n_failed++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	check_note("FAIL %s: %s (%s:%d: %s)", cur ? cur : "main", msg, file, line, cond);
	return 0;
}

/* CHECK(cond, fmt, ...) is an expression: 1 if cond held, else 0 */
#define CHECK(cond, ...)						\
	((cond) ? check_ok() : check_fail(__FILE__, __LINE__, #cond, __VA_ARGS__))

#define RUN(fn) run(#fn, fn)

static void
check_plan(void)
{
	printf("1..%u\n", n_tests);
	fflush(stdout);
}

static void
run(const char *name, void (*fn)(void))
{
	if (n_tests == 0)
		atexit(check_plan);
	cur = name;
	cur_fail = cur_checks = 0;
	fn();
	CHECK(cur_checks > 0, "the test asserted nothing");
	n_tests++;
	if (cur_fail)
		n_failed++;
	printf("%sok %u - %s\n", cur_fail ? "not " : "", n_tests, name);
	fflush(stdout);
	cur = NULL;
}

#endif /* SW_TEST_CHECK_H */
