/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every harness of tests/fuzz/ shares. A harness defines
 * LLVMFuzzerTestOneInput() (and LLVMFuzzerInitialize() when it needs set-up);
 * in the fuzz build libFuzzer calls them, in the ordinary builds replay.c
 * does, once per file, so crashes found once are replayed by every
 * `meson test` (tests/fuzz/regress/).
 */
#ifndef SW_FUZZ_H
#define SW_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * A broken promise of the code under test is a crash like a sanitizer
 * report: libFuzzer keeps the input, replay.c fails the test.
 */
#define FUZZ_CHECK(cond, ...) do {						\
	if (!(cond)) {								\
		fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);					\
		fputc('\n', stderr);						\
		abort();							\
	}									\
} while (0)

#endif /* SW_FUZZ_H */
