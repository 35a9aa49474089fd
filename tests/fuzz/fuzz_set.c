/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: `--set KEY=VALUE` overrides (sw_conf_set() of
 * include/scanwatch/conf.h). The input is up to 16 lines, each one --set
 * argument, applied in order over the defaults as main.c applies the
 * command line; an override that fails must leave the configuration as it
 * was. Afterwards the result is validated, dumped and read back
 * (conf_check.h).
 */

#include <stdlib.h>
#include <string.h>

#include <scanwatch/conf.h>

#include "conf_check.h"
#include "fuzz.h"

#define MAX_SETS 16

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sw_conf conf, saved;	/* 300 KiB: see conf_check.h */
	struct sw_conf *c = &conf, *before = &saved;
	char *text = malloc(size + 1), *line, *nl;
	char err[512];
	unsigned n = 0;

	FUZZ_CHECK(text != NULL, "out of memory");
	memcpy(text, data, size);
	text[size] = '\0';
	sw_conf_defaults(c);
	for (line = text; line != NULL && n < MAX_SETS; line = nl, n++) {
		int rc;

		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		memcpy(before, c, sizeof(*c));
		memset(err, 0x5a, sizeof(err));
		rc = sw_conf_set(c, line, err, sizeof(err));
		check_err(rc, err, sizeof(err));
		if (rc != 0)
			FUZZ_CHECK(memcmp(before, c, sizeof(*c)) == 0,
				   "a failed --set changed the configuration");
	}
	conf_check(c);
	free(text);
	return 0;
}
