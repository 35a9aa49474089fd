/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the configuration harnesses check after a load or a --set went
 * through, with the public API of include/scanwatch/conf.h only: validation
 * runs (its verdict may be either), and for a configuration that validates
 * sw_conf_dump() writes YAML that sw_conf_load_string() reads back to the
 * same configuration, as conf.h promises: dump, load into defaults, dump
 * again, same text.
 */
#ifndef SW_FUZZ_CONF_CHECK_H
#define SW_FUZZ_CONF_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scanwatch/conf.h>

#include "fuzz.h"

/* A failure comes with a message for a person: terminated, not empty. */
static inline void
check_err(int rc, const char *err, size_t errlen)
{
	if (rc == 0)
		return;
	FUZZ_CHECK(memchr(err, '\0', errlen) != NULL, "error message not terminated");
	FUZZ_CHECK(err[0] != '\0', "failure (%d) without a message", rc);
}

static inline char *
dump_text(const struct sw_conf *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	FUZZ_CHECK(f != NULL, "open_memstream");
	FUZZ_CHECK(sw_conf_dump(c, f) == 0, "sw_conf_dump failed");
	FUZZ_CHECK(fclose(f) == 0, "fclose of the dump");
	return text;
}

/*
 * The configuration structs are 300 KiB: static, so that a run is not
 * mostly page faults on fresh ASan allocations.
 */
static struct sw_conf conf_back;

static inline void
conf_check(const struct sw_conf *c)
{
	struct sw_conf *back = &conf_back;
	char err[512];
	char *t1, *t2;
	int rc;

	memset(err, 0x5a, sizeof(err));
	rc = sw_conf_validate(c, err, sizeof(err));
	check_err(rc, err, sizeof(err));
	/*
	 * scanwatch dumps only what validated (main.c); an invalid one, such
	 * as an outputs entry --set left without a type, need not load back.
	 */
	if (rc != 0)
		return;

	t1 = dump_text(c);
	sw_conf_defaults(back);
	rc = sw_conf_load_string(back, t1, "dump", err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "dump:\n%s\n", t1);
	FUZZ_CHECK(rc == 0, "the dump does not load back: %s", err);
	t2 = dump_text(back);
	if (strcmp(t1, t2) != 0)
		fprintf(stderr, "first dump:\n%s\nsecond dump:\n%s\n", t1, t2);
	FUZZ_CHECK(strcmp(t1, t2) == 0, "dump, load, dump changed the configuration");
	free(t1);
	free(t2);
}

#endif /* SW_FUZZ_CONF_CHECK_H */
