/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_JSON_H
#define SW_JSON_H

/**
 * @file
 * A small append-only JSON writer for the control plane: one line per
 * event, commas and nesting tracked for the caller, every string escaped
 * (RFC 8259 section 7) so that bytes from the wire — quotes, backslashes,
 * control characters, NUL, invalid UTF-8 — can never break a line.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_JSON_DEPTH 16

struct sw_json {
	char *buf;
	size_t len, cap;
	bool oom;			/* an allocation failed: the line is dropped */
	unsigned depth;
	bool need_comma[SW_JSON_DEPTH];
};

/** Start a fresh document (buffer reused between events). */
void sw_json_reset(struct sw_json *j);
void sw_json_free(struct sw_json *j);

void sw_json_obj_open(struct sw_json *j, const char *key);	/* key NULL in arrays/top */
void sw_json_obj_close(struct sw_json *j);
void sw_json_arr_open(struct sw_json *j, const char *key);
void sw_json_arr_close(struct sw_json *j);
void sw_json_str(struct sw_json *j, const char *key, const char *v);
/** Escape n raw bytes (may hold NUL and invalid UTF-8: each bad byte becomes U+FFFD). */
void sw_json_strn(struct sw_json *j, const char *key, const void *v, size_t n);
void sw_json_u64(struct sw_json *j, const char *key, uint64_t v);
void sw_json_i64(struct sw_json *j, const char *key, int64_t v);
void sw_json_dbl(struct sw_json *j, const char *key, double v, int prec);
void sw_json_bool(struct sw_json *j, const char *key, bool v);

/** Format ns since the epoch as EVE wants: 2026-11-22T22:10:01.123456+0000. */
void sw_json_time(char out[40], uint64_t ns);

#endif /* SW_JSON_H */
