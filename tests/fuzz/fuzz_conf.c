/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the YAML configuration (-c FILE), through the public
 * API of include/scanwatch/conf.h: the input is the text of a config file,
 * loaded over the defaults with sw_conf_load_string() (sw_conf_load_file()
 * feeds the same reader from a FILE); whatever loads is then validated,
 * dumped and read back (conf_check.h).
 */

#include <stdlib.h>
#include <string.h>

#include <scanwatch/conf.h>

#include "conf_check.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sw_conf conf;	/* 300 KiB: see conf_check.h */
	struct sw_conf *c = &conf;
	char *text = malloc(size + 1);
	char err[512];
	int rc;

	FUZZ_CHECK(text != NULL, "out of memory");
	/* a file with a NUL in it reads as the text before it, like strlen */
	memcpy(text, data, size);
	text[size] = '\0';
	sw_conf_defaults(c);
	memset(err, 0x5a, sizeof(err));
	rc = sw_conf_load_string(c, text, "fuzz.yaml", err, sizeof(err));
	check_err(rc, err, sizeof(err));
	if (rc == 0)
		conf_check(c);
	free(text);
	return 0;
}
