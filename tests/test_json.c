/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for src/alert/json.c: nesting and commas, escaping (RFC 8259
 * section 7), replacement of invalid UTF-8, time and number formatting,
 * and a fuzz loop over random bytes whose every output is run through the
 * small JSON validator below. Exit status is nonzero if any check failed.
 */

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scanwatch/json.h>

/* ---------------------------------------------------------------------- */
/* checks */

#include "check.h"

/* ---------------------------------------------------------------------- */
/* a strict validator: RFC 8259 grammar, UTF-8 (RFC 3629), one line */

/* Length of the valid UTF-8 sequence at s, 0 if invalid. Written apart
 * from json.c's so a shared misreading of table 3 would not hide. */
static size_t
u8_valid(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t l;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		l = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		l = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		l = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < l)
		return 0;
	for (size_t i = 1; i < l; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((l == 2 && cp < 0x80) || (l == 3 && cp < 0x800) || (l == 4 && cp < 0x10000))
		return 0;	/* overlong */
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return l;
}

static bool
utf8_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t l = u8_valid((const unsigned char *)s + i, n - i);

		if (l == 0)
			return false;
		i += l;
	}
	return true;
}

struct jp {
	const char *s;
	size_t i, n;
	int depth;
};

static bool jp_value(struct jp *p);

static void
jp_ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t'))
		p->i++;
}

static bool
jp_string(struct jp *p)
{
	if (p->i >= p->n || p->s[p->i] != '"')
		return false;
	p->i++;
	while (p->i < p->n) {
		unsigned char c = (unsigned char)p->s[p->i];

		if (c == '"') {
			p->i++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (++p->i >= p->n)
				return false;
			c = (unsigned char)p->s[p->i];
			if (c == 'u') {
				for (int k = 1; k <= 4; k++)
					if (p->i + k >= p->n || !strchr("0123456789abcdefABCDEF",
									 p->s[p->i + k]) ||
					    p->s[p->i + k] == '\0')
						return false;
				p->i += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", c) || c == '\0')
				return false;
		}
		p->i++;
	}
	return false;
}

static bool
jp_number(struct jp *p)
{
	size_t st = p->i;

	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i >= p->n)
		return false;
	if (p->s[p->i] == '0') {
		p->i++;
	} else if (p->s[p->i] >= '1' && p->s[p->i] <= '9') {
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	} else {
		return false;
	}
	if (p->i < p->n && p->s[p->i] == '.') {
		size_t d = ++p->i;

		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
		if (p->i == d)
			return false;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		size_t d;

		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		d = p->i;
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
		if (p->i == d)
			return false;
	}
	return p->i > st;
}

static bool
jp_lit(struct jp *p, const char *w)
{
	size_t l = strlen(w);

	if (p->n - p->i < l || memcmp(p->s + p->i, w, l) != 0)
		return false;
	p->i += l;
	return true;
}

static bool
jp_container(struct jp *p, char open, char close, bool obj)
{
	p->i++;	/* open */
	(void)open;
	if (++p->depth > 64)
		return false;
	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		p->depth--;
		return true;
	}
	for (;;) {
		jp_ws(p);
		if (obj) {
			if (!jp_string(p))
				return false;
			jp_ws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return false;
			p->i++;
			jp_ws(p);
		}
		if (!jp_value(p))
			return false;
		jp_ws(p);
		if (p->i >= p->n)
			return false;
		if (p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->s[p->i] == close) {
			p->i++;
			p->depth--;
			return true;
		}
		return false;
	}
}

static bool
jp_value(struct jp *p)
{
	if (p->i >= p->n)
		return false;
	switch (p->s[p->i]) {
	case '{': return jp_container(p, '{', '}', true);
	case '[': return jp_container(p, '[', ']', false);
	case '"': return jp_string(p);
	case 't': return jp_lit(p, "true");
	case 'f': return jp_lit(p, "false");
	case 'n': return jp_lit(p, "null");
	default: return jp_number(p);
	}
}

/* One complete JSON text on one line, valid UTF-8, no raw control bytes. */
static bool
json_line_ok(const char *s, size_t n, const char **why)
{
	struct jp p = { .s = s, .n = n };

	*why = "";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			*why = "raw control byte";
			return false;
		}
	if (strlen(s) != n) {
		*why = "length disagrees with the NUL terminator";
		return false;
	}
	if (!utf8_ok(s, n)) {
		*why = "invalid UTF-8";
		return false;
	}
	if (!jp_value(&p)) {
		*why = "not JSON";
		return false;
	}
	jp_ws(&p);
	if (p.i != n) {
		*why = "trailing bytes";
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------------- */
/* helpers */

/* The output of one string value written at top level. */
static const char *
esc(struct sw_json *j, const void *v, size_t n)
{
	sw_json_reset(j);
	sw_json_strn(j, NULL, v, n);
	return j->buf;
}

/* ---------------------------------------------------------------------- */
/* tests */

static void
nested_objects_and_arrays_get_commas_between_members_only(void)
{
	struct sw_json j = { 0 };
	const char *why;

	sw_json_reset(&j);
	sw_json_obj_open(&j, NULL);
	sw_json_u64(&j, "a", 1);
	sw_json_obj_open(&j, "o");
	sw_json_str(&j, "s", "x");
	sw_json_bool(&j, "t", true);
	sw_json_bool(&j, "f", false);
	sw_json_obj_close(&j);
	sw_json_arr_open(&j, "arr");
	sw_json_u64(&j, NULL, 1);
	sw_json_i64(&j, NULL, -2);
	sw_json_obj_open(&j, NULL);
	sw_json_obj_close(&j);
	sw_json_arr_open(&j, NULL);
	sw_json_arr_close(&j);
	sw_json_str(&j, NULL, "z");
	sw_json_arr_close(&j);
	sw_json_arr_open(&j, "empty");
	sw_json_arr_close(&j);
	sw_json_i64(&j, "min", INT64_MIN);
	sw_json_u64(&j, "max", UINT64_MAX);
	sw_json_obj_close(&j);

	CHECK(!j.oom, "oom set");
	CHECK(strcmp(j.buf, "{\"a\":1,\"o\":{\"s\":\"x\",\"t\":true,\"f\":false},"
		     "\"arr\":[1,-2,{},[],\"z\"],\"empty\":[],"
		     "\"min\":-9223372036854775808,\"max\":18446744073709551615}") == 0,
	      "got %s", j.buf);
	CHECK(j.len == strlen(j.buf), "len %zu vs strlen %zu", j.len, strlen(j.buf));
	CHECK(json_line_ok(j.buf, j.len, &why), "%s: %s", why, j.buf);
	CHECK(j.depth == 0, "depth %u after closing everything", j.depth);
	sw_json_free(&j);
}

static void
reset_starts_a_fresh_document_in_the_same_buffer(void)
{
	struct sw_json j = { 0 };

	sw_json_reset(&j);
	sw_json_obj_open(&j, NULL);
	sw_json_u64(&j, "a", 1);
	sw_json_obj_open(&j, "b");
	/* left open on purpose: reset must forget depth and commas */
	sw_json_reset(&j);
	CHECK(j.len == 0 && j.buf != NULL && j.buf[0] == '\0', "len %zu", j.len);
	sw_json_obj_open(&j, NULL);
	sw_json_u64(&j, "c", 2);
	sw_json_obj_close(&j);
	CHECK(strcmp(j.buf, "{\"c\":2}") == 0, "got %s", j.buf);
	sw_json_free(&j);
	CHECK(j.buf == NULL && j.cap == 0, "free leaves buf %p cap %zu", (void *)j.buf, j.cap);
}

static void
long_documents_grow_the_buffer(void)
{
	struct sw_json j = { 0 };
	char big[5000];
	const char *why;

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sw_json_reset(&j);
	sw_json_arr_open(&j, NULL);
	for (int i = 0; i < 20; i++)
		sw_json_str(&j, NULL, big);
	sw_json_arr_close(&j);
	CHECK(!j.oom, "oom");
	CHECK(j.len == 2 + 20 * (sizeof(big) - 1 + 2) + 19, "len %zu", j.len);
	CHECK(j.cap > j.len, "cap %zu len %zu", j.cap, j.len);
	CHECK(json_line_ok(j.buf, j.len, &why), "%s", why);
	sw_json_free(&j);
}

static void
quotes_and_backslashes_are_escaped(void)
{
	struct sw_json j = { 0 };

	CHECK(strcmp(esc(&j, "a\"b\\c/", 6), "\"a\\\"b\\\\c/\"") == 0, "got %s", j.buf);
	CHECK(strcmp(esc(&j, "\"", 1), "\"\\\"\"") == 0, "got %s", j.buf);
	CHECK(strcmp(esc(&j, "\\", 1), "\"\\\\\"") == 0, "got %s", j.buf);
	sw_json_free(&j);
}

static void
newline_cr_tab_use_short_escapes(void)
{
	struct sw_json j = { 0 };

	CHECK(strcmp(esc(&j, "a\nb\rc\td", 7), "\"a\\nb\\rc\\td\"") == 0, "got %s", j.buf);
	CHECK(strchr(j.buf, '\n') == NULL && strchr(j.buf, '\r') == NULL, "raw newline");
	sw_json_free(&j);
}

static void
other_control_bytes_and_del_become_u00xx(void)
{
	struct sw_json j = { 0 };
	char want[16];

	for (unsigned c = 0; c < 0x20; c++) {
		char in = (char)c;

		if (c == '\n' || c == '\r' || c == '\t')
			continue;
		snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		CHECK(strcmp(esc(&j, &in, 1), want) == 0, "byte 0x%02x: got %s", c, j.buf);
	}
	CHECK(strcmp(esc(&j, "\x7f", 1), "\"\\u007f\"") == 0, "DEL: got %s", j.buf);
	CHECK(strcmp(esc(&j, "\x1b[31m", 5), "\"\\u001b[31m\"") == 0, "ESC: got %s", j.buf);
	sw_json_free(&j);
}

static void
nul_inside_strn_is_escaped_not_a_terminator(void)
{
	struct sw_json j = { 0 };

	CHECK(strcmp(esc(&j, "a\0b", 3), "\"a\\u0000b\"") == 0, "got %s", j.buf);
	CHECK(j.len == strlen(j.buf), "len %zu strlen %zu", j.len, strlen(j.buf));
	CHECK(strcmp(esc(&j, "", 0), "\"\"") == 0, "empty: got %s", j.buf);
	sw_json_free(&j);
}

static void
keys_are_escaped_like_values(void)
{
	struct sw_json j = { 0 };

	sw_json_reset(&j);
	sw_json_obj_open(&j, NULL);
	sw_json_str(&j, "k\"\n", "v");
	sw_json_obj_close(&j);
	CHECK(strcmp(j.buf, "{\"k\\\"\\n\":\"v\"}") == 0, "got %s", j.buf);
	sw_json_free(&j);
}

static void
valid_multibyte_utf8_is_kept_as_is(void)
{
	struct sw_json j = { 0 };
	static const char *const ok[] = {
		"\xc2\x80",			/* U+0080, smallest 2-byte */
		"caf\xc3\xa9",			/* é */
		"\xdf\xbf",			/* U+07FF */
		"\xe0\xa0\x80",			/* U+0800, smallest 3-byte */
		"\xe2\x82\xac",			/* € */
		"\xed\x9f\xbf",			/* U+D7FF, just below surrogates */
		"\xee\x80\x80",			/* U+E000, just above */
		"\xef\xbf\xbd",			/* U+FFFD itself */
		"\xf0\x90\x80\x80",		/* U+10000, smallest 4-byte */
		"\xf0\x9f\x98\x80",		/* emoji */
		"\xf4\x8f\xbf\xbf",		/* U+10FFFF, the last */
	};
	char want[32];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(want, sizeof(want), "\"%s\"", ok[i]);
		CHECK(strcmp(esc(&j, ok[i], strlen(ok[i])), want) == 0,
		      "case %zu: got %s", i, j.buf);
	}
	sw_json_free(&j);
}

static void
invalid_utf8_becomes_replacement_per_bad_byte(void)
{
	struct sw_json j = { 0 };
	static const struct { const char *in; size_t n; const char *want; } c[] = {
		{ "\x80", 1, "\"\\ufffd\"" },				/* lone continuation */
		{ "a\xbf" "b", 3, "\"a\\ufffdb\"" },
		{ "\xc0\x80", 2, "\"\\ufffd\\ufffd\"" },		/* overlong NUL */
		{ "\xc1\xbf", 2, "\"\\ufffd\\ufffd\"" },		/* overlong */
		{ "\xe0\x80\xaf", 3, "\"\\ufffd\\ufffd\\ufffd\"" },	/* overlong 3-byte */
		{ "\xf0\x80\x80\xaf", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" },	/* surrogate D800 */
		{ "\xed\xbf\xbf", 3, "\"\\ufffd\\ufffd\\ufffd\"" },	/* surrogate DFFF */
		{ "\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* > U+10FFFF */
		{ "\xf5\x80\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\xff", 1, "\"\\ufffd\"" },
		{ "\xfe", 1, "\"\\ufffd\"" },
		{ "ab\xe2\x82", 4, "\"ab\\ufffd\\ufffd\"" },		/* truncated at end */
		{ "\xf0\x9f\x98", 3, "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xc3", 1, "\"\\ufffd\"" },
		{ "\xc3" "A", 2, "\"\\ufffdA\"" },			/* lead, then ASCII */
		{ "\xe2\x82" "\"", 3, "\"\\ufffd\\ufffd\\\"\"" },	/* lead eats no quote */
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		CHECK(strcmp(esc(&j, c[i].in, c[i].n), c[i].want) == 0,
		      "case %zu: got %s want %s", i, j.buf, c[i].want);
	sw_json_free(&j);
}

static void
time_is_formatted_as_eve_wants(void)
{
	char out[40];

	/* 2026-11-22T22:10:01 UTC is 1795385401 s since the epoch */
	sw_json_time(out, 1795385401ULL * 1000000000ULL + 123456789ULL);
	CHECK(strcmp(out, "2026-11-22T22:10:01.123456+0000") == 0, "got %s", out);
	sw_json_time(out, 0);
	CHECK(strcmp(out, "1970-01-01T00:00:00.000000+0000") == 0, "epoch: got %s", out);
	sw_json_time(out, 1795385401ULL * 1000000000ULL + 999999999ULL);
	CHECK(strcmp(out, "2026-11-22T22:10:01.999999+0000") == 0, "truncates: got %s", out);
	/* a leap day */
	sw_json_time(out, 1709164800ULL * 1000000000ULL + 1000ULL);
	CHECK(strcmp(out, "2024-02-29T00:00:00.000001+0000") == 0, "leap: got %s", out);
}

static void
nan_and_infinity_are_written_as_zero(void)
{
	struct sw_json j = { 0 };
	const char *why;

	sw_json_reset(&j);
	sw_json_obj_open(&j, NULL);
	sw_json_dbl(&j, "nan", NAN, 6);
	sw_json_dbl(&j, "inf", INFINITY, 6);
	sw_json_dbl(&j, "ninf", -INFINITY, 6);
	sw_json_dbl(&j, "x", 0.25, 6);
	sw_json_dbl(&j, "big", 1e300, 6);
	sw_json_obj_close(&j);
	CHECK(strcmp(j.buf, "{\"nan\":0,\"inf\":0,\"ninf\":0,\"x\":0.25,\"big\":1e+300}") == 0,
	      "got %s", j.buf);
	CHECK(json_line_ok(j.buf, j.len, &why), "%s: %s", why, j.buf);
	sw_json_free(&j);
}

static void
validator_rejects_what_it_should(void)
{
	const char *why;

	/* the fuzz test below is only as good as this validator */
	CHECK(!json_line_ok("\"a\nb\"", 5, &why), "raw newline accepted");
	CHECK(!json_line_ok("\"a\"b\"", 5, &why), "stray quote accepted");
	CHECK(!json_line_ok("\"\xc0\x80\"", 4, &why), "overlong accepted");
	CHECK(!json_line_ok("\"\xed\xa0\x80\"", 5, &why), "surrogate accepted");
	CHECK(!json_line_ok("\"\\x\"", 4, &why), "bad escape accepted");
	CHECK(!json_line_ok("{\"a\":1,}", 8, &why), "trailing comma accepted");
	CHECK(!json_line_ok("[1 2]", 5, &why), "missing comma accepted");
	{
		const char *good = "{\"a\":[1,-2.5e3,\"\\u00e9\xc3\xa9\",true,null]}";

		CHECK(json_line_ok(good, strlen(good), &why), "%s", why);
	}
}

/* xorshift64*: fixed seed, so a failure reproduces */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static void
random_bytes_always_give_one_valid_json_line(void)
{
	struct sw_json j = { 0 };
	unsigned char in[64], key[8];
	unsigned bad = 0, lost = 0;
	/* bias towards the bytes that matter: controls, quotes, UTF-8 leads */
	static const unsigned char hot[] = {
		0x00, '\n', '\r', '\t', 0x1f, '"', '\\', 0x7f, 0x80, 0xbf, 0xc0, 0xc1,
		0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x90, 0x8f,
	};

	for (unsigned it = 0; it < 100000; it++) {
		size_t n = rnd() % sizeof(in), kn = rnd() % sizeof(key);
		const char *why;

		for (size_t i = 0; i < n; i++) {
			uint64_t r = rnd();

			in[i] = r & 0x100 ? hot[(r >> 9) % sizeof(hot)] : (unsigned char)r;
		}
		for (size_t i = 0; i < kn; i++)
			key[i] = (unsigned char)(rnd() % 255 + 1);	/* C string: no NUL */
		key[kn < sizeof(key) ? kn : sizeof(key) - 1] = '\0';

		sw_json_reset(&j);
		sw_json_obj_open(&j, NULL);
		sw_json_strn(&j, (const char *)key, in, n);
		sw_json_arr_open(&j, "a");
		sw_json_strn(&j, NULL, in, n / 2);
		sw_json_strn(&j, NULL, in + n / 2, n - n / 2);
		sw_json_arr_close(&j);
		sw_json_obj_close(&j);
		if (j.oom) {
			lost++;
			continue;
		}
		if (!json_line_ok(j.buf, j.len, &why)) {
			if (bad++ < 5) {
				char hex[3 * 64 + 1] = "";

				for (size_t i = 0; i < n && i < 64; i++)
					snprintf(hex + 3 * i, 4, " %02x", in[i]);
				NOTE("    input:%s\n    %s", hex, why);
			}
		}
	}
	CHECK(bad == 0, "%u of 100000 outputs were not one valid JSON line", bad);
	CHECK(lost == 0, "%u outputs lost to oom", lost);
	sw_json_free(&j);
}

static void
valid_utf8_round_trips_through_the_escapes(void)
{
	struct sw_json j = { 0 };
	unsigned bad = 0;

	/* Printable ASCII and well-formed multi-byte characters come out
	 * byte for byte (apart from the escaped quote and backslash). */
	for (unsigned it = 0; it < 20000; it++) {
		char in[128], dec[256];
		size_t n = 0, m = 0;
		unsigned k = rnd() % 20;

		for (unsigned c = 0; c < k; c++) {
			uint32_t cp;

			switch (rnd() % 4) {
			case 0: cp = 0x20 + rnd() % 0x5f; break;
			case 1: cp = 0x80 + rnd() % 0x780; break;
			case 2: cp = 0x800 + rnd() % 0xf800; break;
			default: cp = 0x10000 + rnd() % 0x100000; break;
			}
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 'x';
			if (cp < 0x80) {
				in[n++] = (char)cp;
			} else if (cp < 0x800) {
				in[n++] = (char)(0xc0 | cp >> 6);
				in[n++] = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				in[n++] = (char)(0xe0 | cp >> 12);
				in[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
				in[n++] = (char)(0x80 | (cp & 0x3f));
			} else {
				in[n++] = (char)(0xf0 | cp >> 18);
				in[n++] = (char)(0x80 | (cp >> 12 & 0x3f));
				in[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
				in[n++] = (char)(0x80 | (cp & 0x3f));
			}
		}
		esc(&j, in, n);
		/* undo the two escapes the writer may use for these inputs */
		for (size_t i = 1; i + 1 < j.len; i++) {
			if (j.buf[i] == '\\')
				i++;
			dec[m++] = j.buf[i];
		}
		if (m != n || memcmp(dec, in, n) != 0)
			bad++;
	}
	CHECK(bad == 0, "%u of 20000 valid strings changed", bad);
	sw_json_free(&j);
}

int
main(void)
{
	RUN(nested_objects_and_arrays_get_commas_between_members_only);
	RUN(reset_starts_a_fresh_document_in_the_same_buffer);
	RUN(long_documents_grow_the_buffer);
	RUN(quotes_and_backslashes_are_escaped);
	RUN(newline_cr_tab_use_short_escapes);
	RUN(other_control_bytes_and_del_become_u00xx);
	RUN(nul_inside_strn_is_escaped_not_a_terminator);
	RUN(keys_are_escaped_like_values);
	RUN(valid_multibyte_utf8_is_kept_as_is);
	RUN(invalid_utf8_becomes_replacement_per_bad_byte);
	RUN(time_is_formatted_as_eve_wants);
	RUN(nan_and_infinity_are_written_as_zero);
	RUN(validator_rejects_what_it_should);
	RUN(random_bytes_always_give_one_valid_json_line);
	RUN(valid_utf8_round_trips_through_the_escapes);
	NOTE("%u tests, %u failed", n_tests, n_failed);
	return n_failed != 0;
}
