/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON line writer. Control plane only (jemalloc'd buffer that grows).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>

#include <scanwatch/json.h>

static void
reserve(struct sw_json *j, size_t more)
{
	size_t cap;
	char *nb;

	if (j->len + more + 1 <= j->cap || j->oom)
		return;
	cap = j->cap ? j->cap : 1024;
	while (cap < j->len + more + 1)
		cap *= 2;
	nb = realloc(j->buf, cap);
	if (nb == NULL) {
		j->oom = true;
		return;
	}
	j->buf = nb;
	j->cap = cap;
}

static void
put(struct sw_json *j, const char *s, size_t n)
{
	reserve(j, n);
	if (j->oom)
		return;
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void
putc1(struct sw_json *j, char c)
{
	put(j, &c, 1);
}

/* Length of a valid UTF-8 sequence at s (RFC 3629 table 3), 0 if invalid:
 * overlongs, surrogates and code points above U+10FFFF are invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;
		if (c == 0xed && s[1] >= 0xa0)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;
		if (c == 0xf4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

static void
escaped(struct sw_json *j, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	putc1(j, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			put(j, e, 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			switch (c) {
			case '\n': put(j, "\\n", 2); break;
			case '\r': put(j, "\\r", 2); break;
			case '\t': put(j, "\\t", 2); break;
			default: put(j, e, 6); break;
			}
			i++;
		} else if (c < 0x80) {
			putc1(j, (char)c);
			i++;
		} else {
			size_t l = utf8_len(s + i, n - i);

			if (l == 0) {
				put(j, "\\ufffd", 6);	/* REPLACEMENT CHARACTER */
				i++;
			} else {
				put(j, (const char *)s + i, l);
				i += l;
			}
		}
	}
	putc1(j, '"');
}

static void
key(struct sw_json *j, const char *k)
{
	if (j->need_comma[j->depth])
		putc1(j, ',');
	j->need_comma[j->depth] = true;
	if (k != NULL) {
		escaped(j, (const unsigned char *)k, strlen(k));
		putc1(j, ':');
	}
}

void
sw_json_reset(struct sw_json *j)
{
	j->len = 0;
	j->oom = false;
	j->depth = 0;
	memset(j->need_comma, 0, sizeof(j->need_comma));
	reserve(j, 0);
	if (j->buf != NULL)
		j->buf[0] = '\0';
}

void
sw_json_free(struct sw_json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

static void
open_(struct sw_json *j, const char *k, char c)
{
	key(j, k);
	putc1(j, c);
	if (j->depth + 1 < SW_JSON_DEPTH)
		j->depth++;
	else
		j->oom = true;	/* deeper than any event we write: a bug */
	j->need_comma[j->depth] = false;
}

static void
close_(struct sw_json *j, char c)
{
	putc1(j, c);
	if (j->depth > 0)
		j->depth--;
}

void sw_json_obj_open(struct sw_json *j, const char *k) { open_(j, k, '{'); }
void sw_json_obj_close(struct sw_json *j) { close_(j, '}'); }
void sw_json_arr_open(struct sw_json *j, const char *k) { open_(j, k, '['); }
void sw_json_arr_close(struct sw_json *j) { close_(j, ']'); }

void
sw_json_str(struct sw_json *j, const char *k, const char *v)
{
	key(j, k);
	escaped(j, (const unsigned char *)v, strlen(v));
}

void
sw_json_strn(struct sw_json *j, const char *k, const void *v, size_t n)
{
	key(j, k);
	escaped(j, v, n);
}

void
sw_json_u64(struct sw_json *j, const char *k, uint64_t v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%llu", (unsigned long long)v);

	key(j, k);
	put(j, b, (size_t)n);
}

void
sw_json_i64(struct sw_json *j, const char *k, int64_t v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%lld", (long long)v);

	key(j, k);
	put(j, b, (size_t)n);
}

void
sw_json_dbl(struct sw_json *j, const char *k, double v, int prec)
{
	char b[64];
	int n;

	key(j, k);
	if (!isfinite(v))	/* JSON has no NaN or infinity */
		v = 0;
	n = snprintf(b, sizeof(b), "%.*g", prec, v);
	put(j, b, (size_t)n);
}

void
sw_json_bool(struct sw_json *j, const char *k, bool v)
{
	key(j, k);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void
sw_json_time(char out[40], uint64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000ULL);
	unsigned us = (unsigned)(ns % 1000000000ULL / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&sec, &tm);
	n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 40 - n, ".%06u+0000", us);
}
