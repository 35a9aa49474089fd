/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_EVE_H
#define SW_EVE_H

/**
 * @file
 * The EVE output: JSON lines to stdout or appended to DIR/eve.json.
 * Control thread only.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sw_eve {
	FILE *f;
	char path[4096];	/* empty: stdout */
	uint64_t lines;
	uint64_t write_errors;	/* lines the OS refused (disk full ...) */
};

/**
 * @param dir  directory for eve.json, or NULL/"" for stdout
 * @return 0 or a negative errno with err set
 */
int sw_eve_open(struct sw_eve *e, const char *dir, char *err, size_t errlen);

/** Write one line (a newline is appended). */
void sw_eve_write(struct sw_eve *e, const char *line, size_t len);

/** Reopen the file after logrotate moved it (SIGHUP). */
int sw_eve_reopen(struct sw_eve *e);

void sw_eve_flush(struct sw_eve *e);
void sw_eve_close(struct sw_eve *e);

#endif /* SW_EVE_H */
