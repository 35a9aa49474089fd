/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the escaping of every record text a hostile string can
 * reach: EVE JSON strings (src/alert/json.c), RFC 5424 SD-PARAM values,
 * CEF and LEEF (src/alert/format.c). Each output is run through a strict
 * parser written here from the specs (not from format.c), decoded, and
 * compared with what the input should become: the same bytes, except that
 * what a format cannot carry is U+FFFD (see src/alert/format.h). Then
 * truncation: every buffer size from 0 up, with a guard zone behind it.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scanwatch/json.h>
#include <scanwatch/sink.h>

#include "alert/format.h"
#include "check.h"

#define FFFD "\xef\xbf\xbd"

/* ---------------------------------------------------------------------- */
/* the hostile inputs */

struct hostile {
	const char *name;
	const char *s;
	size_t n;
};

#define H(name, lit) { name, lit, sizeof(lit) - 1 }

static const struct hostile hostiles[] = {
	H("plain", "TCP portsweep"),
	H("quotes", "say \"hi\" 'there'"),
	H("backslashes", "a\\b\\\\c\\"),
	H("newline", "line1\nline2\n"),
	H("cr", "a\rb\r\n"),
	H("tab", "a\tb"),
	H("nul inside", "before\0after"),
	H("escape seq", "\x1b[31mred\x1b[0m"),
	H("del", "a\x7f" "b"),
	H("cef header delim", "a|b|c\\|d"),
	H("cef ext delim", "k=v x=y\\=z"),
	H("fake cef key", " rt=0 src=6.6.6.6"),
	H("leef delim", "a^b^^c\tsev=1"),
	H("sd delims", "a]b\"c\\d]\""),
	H("lone continuation", "a\x80" "b\xbf"),
	H("overlong 2", "\xc0\xaf\xc1\xbf"),
	H("overlong 3", "\xe0\x80\xaf"),
	H("overlong 4", "\xf0\x80\x80\xaf"),
	H("truncated 2", "x\xc3"),
	H("truncated 3", "x\xe2\x82y"),
	H("truncated 4", "x\xf0\x9f\x98"),
	H("surrogate", "\xed\xa0\x80\xed\xbf\xbf"),
	H("above 10ffff", "\xf4\x90\x80\x80\xf5\x80\x80\x80\xff\xfe"),
	H("valid utf8", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	H("c1 controls", "a\xc2\x85" "b\xc2\x9b" "c"),
	H("line separators", "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c"),
	H("bom", "\xef\xbb\xbfx"),
};

#define N_HOSTILE (sizeof(hostiles) / sizeof(hostiles[0]))

/* all control characters 0x01..0x1f and 0x7f, plus a NUL in the middle */
static char all_ctl[40];
static size_t all_ctl_n;

static void
init_all_ctl(void)
{
	all_ctl_n = 0;
	for (int c = 1; c < 0x20; c++)
		all_ctl[all_ctl_n++] = (char)c;
	all_ctl[all_ctl_n++] = 0x7f;
	all_ctl[all_ctl_n++] = 0;
	all_ctl[all_ctl_n++] = 'z';
}

/* ---------------------------------------------------------------------- */
/* an independent reading of UTF-8 (RFC 3629) and of what each context
 * must turn the input into */

/* code point of the valid sequence at s, its length in *l; -1 if invalid */
static long
decode1(const unsigned char *s, size_t n, size_t *l)
{
	long cp;
	size_t k;

	if (s[0] < 0x80) {
		*l = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		k = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		k = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		k = 4;
		cp = s[0] & 0x07;
	} else {
		return -1;
	}
	if (n < k)
		return -1;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*l = k;
	return cp;
}

static bool
utf8_valid(const char *s, size_t n)
{
	size_t l;

	for (size_t i = 0; i < n; i += l)
		if (decode1((const unsigned char *)s + i, n - i, &l) < 0)
			return false;
	return true;
}

enum ctx { C_JSON, C_SD, C_CEF_HDR, C_CEF_EXT, C_LEEF };

/* What a parser of context c must read back for input s[n]. */
static size_t
expect(char *out, const char *s, size_t n, enum ctx c)
{
	size_t k = 0, l;

	for (size_t i = 0; i < n; i += l) {
		long cp = decode1((const unsigned char *)s + i, n - i, &l);
		bool repl;

		if (cp < 0) {
			l = 1;
			repl = true;
		} else if (c == C_JSON) {
			repl = false;	/* JSON escapes every code point */
		} else if (cp < 0x20 || cp == 0x7f) {
			repl = !(c == C_CEF_EXT && (cp == '\n' || cp == '\r'));
		} else if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029) {
			repl = true;
		} else {
			repl = c == C_LEEF && cp == SW_LEEF_DELIM;
		}
		if (repl) {
			memcpy(out + k, FFFD, 3);
			k += 3;
		} else {
			memcpy(out + k, s + i, l);
			k += l;
		}
	}
	out[k] = '\0';
	return k;
}

/* No byte below 0x20, no DEL: nothing that can end or split a line. */
static bool
no_raw_ctl(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static void
put_utf8(char *out, size_t *k, unsigned long cp)
{
	if (cp < 0x80) {
		out[(*k)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*k)++] = (char)(0xc0 | cp >> 6);
		out[(*k)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out[(*k)++] = (char)(0xe0 | cp >> 12);
		out[(*k)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[(*k)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*k)++] = (char)(0xf0 | cp >> 18);
		out[(*k)++] = (char)(0x80 | (cp >> 12 & 0x3f));
		out[(*k)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[(*k)++] = (char)(0x80 | (cp & 0x3f));
	}
}

/* ---------------------------------------------------------------------- */
/* strict parsers */

/* One JSON string (RFC 8259 section 7) that is the whole of s[n];
 * decoded into out. @return decoded length or -1 */
static long
json_string(const char *s, size_t n, char *out)
{
	size_t i = 1, k = 0;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return -1;
	while (i < n - 1) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"')
			return -1;
		if (c != '\\') {
			out[k++] = (char)c;
			i++;
			continue;
		}
		if (i + 1 >= n - 1)
			return -1;
		c = (unsigned char)s[i + 1];
		i += 2;
		switch (c) {
		case '"': out[k++] = '"'; break;
		case '\\': out[k++] = '\\'; break;
		case '/': out[k++] = '/'; break;
		case 'b': out[k++] = '\b'; break;
		case 'f': out[k++] = '\f'; break;
		case 'n': out[k++] = '\n'; break;
		case 'r': out[k++] = '\r'; break;
		case 't': out[k++] = '\t'; break;
		case 'u': {
			unsigned long cp;
			char hex[5] = { 0 };
			char *end;

			if (i + 4 > n - 1)
				return -1;
			memcpy(hex, s + i, 4);
			cp = strtoul(hex, &end, 16);
			if (end != hex + 4)
				return -1;
			i += 4;
			if (cp >= 0xd800 && cp <= 0xdfff)
				return -1;	/* json.c never writes surrogate pairs */
			put_utf8(out, &k, cp);
			break;
		}
		default:
			return -1;
		}
	}
	out[k] = '\0';
	return (long)k;
}

/* RFC 5424 section 6.3.3: PARAM-VALUE between quotes; '"', '\' and ']'
 * appear only escaped. Strict: a backslash before anything else is an
 * error here (the RFC would keep it, but we never write one). */
static long
sd_value(const char *s, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == ']')
			return -1;
		if (s[i] == '\\') {
			if (i + 1 >= n || !strchr("\"\\]", s[i + 1]) || s[i + 1] == '\0')
				return -1;
			i++;
		}
		out[k++] = s[i];
	}
	out[k] = '\0';
	return (long)k;
}

#define MAXF 24

struct cef {
	char hdr[8][1024];		/* CEF:0, vendor, product, version, id, name, sev */
	unsigned n_ext;
	char key[MAXF][32];
	char val[MAXF][1024];
};

/* Header: 7 fields split on unescaped '|', only \| and \\ escapes.
 * Extension: "key=value" separated by spaces, a key being [A-Za-z0-9_]+
 * right after the start or a space and before an unescaped '='; values
 * take \\ \= \n \r and nothing else. @return NULL or why it failed */
static const char *
cef_parse(const char *s, struct cef *p)
{
	const char *q = s;
	const char *ext;

	memset(p, 0, sizeof(*p));
	for (int f = 0; f < 7; f++) {
		size_t k = 0;

		while (*q != '|') {
			if (*q == '\0')
				return "fewer than 7 header fields";
			if (*q == '\\') {
				if (q[1] != '|' && q[1] != '\\')
					return "bad escape in the header";
				q++;
			}
			if (k + 1 >= sizeof(p->hdr[f]))
				return "header field too long";
			p->hdr[f][k++] = *q++;
		}
		q++;
	}
	ext = q;
	if (strcmp(p->hdr[0], "CEF:0") != 0)
		return "does not start with CEF:0";
	/* positions of unescaped '=' */
	size_t n = strlen(ext), eq[MAXF + 1], n_eq = 0;

	for (size_t i = 0; i < n; i++) {
		if (ext[i] == '\\') {
			i++;
			continue;
		}
		if (ext[i] == '=') {
			if (n_eq == MAXF)
				return "too many pairs";
			eq[n_eq++] = i;
		}
	}
	if (n > 0 && n_eq == 0)
		return "extension without key=value";
	for (size_t f = 0; f < n_eq; f++) {
		size_t ks = eq[f], ve, vk = 0;

		while (ks > 0 && (ext[ks - 1] == '_' || (ext[ks - 1] >= '0' && ext[ks - 1] <= '9') ||
				  ((ext[ks - 1] | 0x20) >= 'a' && (ext[ks - 1] | 0x20) <= 'z')))
			ks--;
		if (ks == eq[f])
			return "empty key";
		if (f == 0 ? ks != 0 : ext[ks - 1] != ' ')
			return "key not preceded by a space";
		if (eq[f] - ks >= sizeof(p->key[f]))
			return "key too long";
		memcpy(p->key[f], ext + ks, eq[f] - ks);
		/* the value ends at the space before the next key */
		if (f + 1 < n_eq) {
			ve = eq[f + 1];
			while (ext[ve - 1] != ' ')
				ve--;
			ve--;
		} else {
			ve = n;
		}
		for (size_t i = eq[f] + 1; i < ve; i++) {
			char c = ext[i];

			if (c == '\\') {
				switch (ext[++i]) {
				case '\\': c = '\\'; break;
				case '=': c = '='; break;
				case 'n': c = '\n'; break;
				case 'r': c = '\r'; break;
				default: return "bad escape in a value";
				}
			}
			if (vk + 1 >= sizeof(p->val[f]))
				return "value too long";
			p->val[f][vk++] = c;
		}
	}
	p->n_ext = (unsigned)n_eq;
	return NULL;
}

static const char *
cef_get(const struct cef *p, const char *key)
{
	for (unsigned i = 0; i < p->n_ext; i++)
		if (strcmp(p->key[i], key) == 0)
			return p->val[i];
	return NULL;
}

struct leef {
	char hdr[6][256];		/* LEEF:2.0, vendor, product, version, id, delim */
	unsigned n;
	char key[MAXF][32];
	char val[MAXF][1024];
};

/* LEEF 2.0: six '|'-terminated header fields, then attributes split on
 * the declared delimiter, each split at its first '='. */
static const char *
leef_parse(const char *s, struct leef *p)
{
	const char *q = s;
	char d;

	memset(p, 0, sizeof(*p));
	for (int f = 0; f < 6; f++) {
		const char *e = strchr(q, '|');

		if (e == NULL)
			return "fewer than 6 header fields";
		if ((size_t)(e - q) >= sizeof(p->hdr[f]))
			return "header field too long";
		memcpy(p->hdr[f], q, (size_t)(e - q));
		q = e + 1;
	}
	if (strcmp(p->hdr[0], "LEEF:2.0") != 0)
		return "does not start with LEEF:2.0";
	if (strlen(p->hdr[5]) == 1)
		d = p->hdr[5][0];
	else if (p->hdr[5][0] == 'x' || p->hdr[5][0] == 'X')
		d = (char)strtol(p->hdr[5] + 1, NULL, 16);
	else
		return "bad delimiter field";
	while (*q != '\0') {
		const char *e = strchr(q, d), *eq;
		size_t len = e ? (size_t)(e - q) : strlen(q);

		eq = memchr(q, '=', len);
		if (eq == NULL || eq == q)
			return "attribute without key=";
		if (p->n == MAXF)
			return "too many attributes";
		if ((size_t)(eq - q) >= sizeof(p->key[0]) ||
		    len - (size_t)(eq - q) >= sizeof(p->val[0]))
			return "attribute too long";
		memcpy(p->key[p->n], q, (size_t)(eq - q));
		memcpy(p->val[p->n], eq + 1, len - (size_t)(eq - q) - 1);
		p->n++;
		if (e == NULL)
			break;
		q = e + 1;
		if (*q == '\0')
			return "trailing delimiter";
	}
	return NULL;
}

static const char *
leef_get(const struct leef *p, const char *key)
{
	for (unsigned i = 0; i < p->n; i++)
		if (strcmp(p->key[i], key) == 0)
			return p->val[i];
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* alerts */

static void
base_alert(struct sw_alert *a)
{
	memset(a, 0, sizeof(*a));
	a->type = SW_REC_ALERT;
	a->ts_ns = 1795039801123456789ull;	/* 2026-11-18T22:10:01.123456789Z */
	snprintf(a->host, sizeof(a->host), "sensor-a");
	snprintf(a->src_ip, sizeof(a->src_ip), "10.66.0.5");
	snprintf(a->dest_ip, sizeof(a->dest_ip), "10.99.0.17");
	a->dest_port = 22;
	snprintf(a->proto, sizeof(a->proto), "TCP");
	a->gid = 122;
	a->sid = 3;
	a->rev = 1;
	a->severity = 3;
	snprintf(a->signature, sizeof(a->signature), "TCP portsweep");
	snprintf(a->category, sizeof(a->category), "Detection of a Network Scan");
	snprintf(a->kind, sizeof(a->kind), "portsweep");
	snprintf(a->technique, sizeof(a->technique), "syn");
	snprintf(a->tool, sizeof(a->tool), "nmap");
	a->update = 0;
}

/* Copy n bytes into a NUL-terminated field, cut at the first NUL (the
 * struct's strings cannot hold one) and at the field's size. */
static size_t
set_field(char *f, size_t cap, const char *s, size_t n)
{
	size_t k = strnlen(s, n);

	if (k > cap - 1)
		k = cap - 1;
	memcpy(f, s, k);
	f[k] = '\0';
	return k;
}

/* ---------------------------------------------------------------------- */
/* tests */

static void
json_strings_of_hostile_bytes_parse_back_to_the_input(void)
{
	struct sw_json j = { 0 };
	char want[512], got[512];

	for (size_t h = 0; h <= N_HOSTILE; h++) {
		const char *s = h < N_HOSTILE ? hostiles[h].s : all_ctl;
		size_t n = h < N_HOSTILE ? hostiles[h].n : all_ctl_n;
		const char *name = h < N_HOSTILE ? hostiles[h].name : "all controls";
		long k;
		size_t wl;

		sw_json_reset(&j);
		sw_json_strn(&j, NULL, s, n);
		wl = expect(want, s, n, C_JSON);
		CHECK(!j.oom, "%s: oom", name);
		CHECK(no_raw_ctl(j.buf, j.len), "%s: raw control byte in %s", name, j.buf);
		CHECK(utf8_valid(j.buf, j.len), "%s: invalid UTF-8 out", name);
		k = json_string(j.buf, j.len, got);
		CHECK(k >= 0, "%s: not one JSON string: %s", name, j.buf);
		/* a NUL in the input comes back as \u0000 → a NUL byte */
		CHECK(k >= 0 && (size_t)k == wl && memcmp(got, want, wl) == 0,
		      "%s: decoded %ld bytes, want %zu (or bytes differ)", name, k, wl);
	}
	sw_json_free(&j);
}

static void
sd_param_values_escape_quote_backslash_bracket_only(void)
{
	char out[512], got[512], want[512];
	size_t n;

	n = sw_fmt_escape(out, sizeof(out), "a\"b\\c]d", 7, SW_ESC_SD);
	CHECK(strcmp(out, "a\\\"b\\\\c\\]d") == 0, "got %s", out);
	CHECK(n == strlen(out), "returned %zu for %zu bytes", n, strlen(out));
	/* '=' and ' ' and '[' need nothing inside quotes */
	sw_fmt_escape(out, sizeof(out), "k=v [x]", 7, SW_ESC_SD);
	CHECK(strcmp(out, "k=v [x\\]") == 0, "got %s", out);

	for (size_t h = 0; h <= N_HOSTILE; h++) {
		const char *s = h < N_HOSTILE ? hostiles[h].s : all_ctl;
		size_t in = h < N_HOSTILE ? hostiles[h].n : all_ctl_n;
		const char *name = h < N_HOSTILE ? hostiles[h].name : "all controls";
		long k;

		n = sw_fmt_escape(out, sizeof(out), s, in, SW_ESC_SD);
		expect(want, s, in, C_SD);
		CHECK(n == strlen(out), "%s: length %zu vs strlen %zu", name, n, strlen(out));
		CHECK(no_raw_ctl(out, n), "%s: raw control byte", name);
		CHECK(utf8_valid(out, n), "%s: invalid UTF-8 out", name);
		k = sd_value(out, n, got);
		CHECK(k >= 0, "%s: not a valid PARAM-VALUE: %s", name, out);
		CHECK(k >= 0 && strcmp(got, want) == 0, "%s: read back \"%s\", want \"%s\"",
		      name, got, want);
	}
}

static void
cef_of_a_plain_alert_is_exactly_the_documented_line(void)
{
	struct sw_alert a;
	char out[2048];
	size_t n;
	const char *want =
		"CEF:0|scanwatch|scanwatch|" SW_VERSION "|122:3|TCP portsweep|5|"
		"rt=1795039801123 src=10.66.0.5 dst=10.99.0.17 dpt=22 proto=TCP "
		"cat=Detection of a Network Scan cs1Label=kind cs1=portsweep "
		"cs2Label=technique cs2=syn cs3Label=tool cs3=nmap "
		"cn1Label=update cn1=0 dvchost=sensor-a";

	base_alert(&a);
	n = sw_fmt_cef(out, sizeof(out), &a);
	CHECK(strcmp(out, want) == 0, "got\n  %s\nwant\n  %s", out, want);
	CHECK(n == strlen(out), "returned %zu, strlen %zu", n, strlen(out));
}

static void
leef_of_a_plain_alert_is_exactly_the_documented_line(void)
{
	struct sw_alert a;
	char out[2048];
	size_t n;
	const char *want =
		"LEEF:2.0|scanwatch|scanwatch|" SW_VERSION "|122:3|^|"
		"devTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ^devTime=2026-11-18T22:10:01.123+0000^"
		"src=10.66.0.5^dst=10.99.0.17^dstPort=22^proto=TCP^sev=5^"
		"cat=Detection of a Network Scan^name=TCP portsweep^kind=portsweep^"
		"technique=syn^tool=nmap^gid=122^sid=3^rev=1^update=0^dvchost=sensor-a";

	base_alert(&a);
	n = sw_fmt_leef(out, sizeof(out), &a);
	CHECK(strcmp(out, want) == 0, "got\n  %s\nwant\n  %s", out, want);
	CHECK(n == strlen(out), "returned %zu, strlen %zu", n, strlen(out));
}

/* The abuse desk's fields ride along where kind and severity do. */
static void
cef_and_leef_carry_intent_services_repeats_fragmented(void)
{
	struct sw_alert a;
	char out[2048];

	base_alert(&a);
	snprintf(a.kind, sizeof(a.kind), "hammering");
	snprintf(a.intent, sizeof(a.intent), "hammering");
	snprintf(a.services, sizeof(a.services), "ssh/22,smb/445");
	a.repeats = 57;
	a.fragmented = true;
	sw_fmt_cef(out, sizeof(out), &a);
	CHECK(strstr(out, " cs4Label=intent cs4=hammering cs5Label=services cs5=ssh/22,smb/445 "
			  "cn1Label=update cn1=0 cn2Label=repeats cn2=57 "
			  "cs6Label=fragmented cs6=true dvchost=sensor-a") != NULL, "CEF %s", out);
	sw_fmt_leef(out, sizeof(out), &a);
	CHECK(strstr(out, "^tool=nmap^intent=hammering^services=ssh/22,smb/445^repeats=57^"
			  "fragmented=true^gid=122") != NULL, "LEEF %s", out);
	/* a scan without them: nothing new in the line */
	base_alert(&a);
	sw_fmt_cef(out, sizeof(out), &a);
	CHECK(strstr(out, "cs4") == NULL && strstr(out, "cn2") == NULL &&
	      strstr(out, "cs6") == NULL, "CEF %s", out);
}

static void
severity_1_to_4_maps_to_10_7_5_3_and_clamps(void)
{
	static const unsigned want[] = { 10, 10, 7, 5, 3, 3, 3 };	/* sev 0..6 */
	struct sw_alert a;
	char out[2048];
	struct cef c;
	struct leef l;

	base_alert(&a);
	for (unsigned s = 0; s <= 6; s++) {
		char w[8];

		a.severity = (uint8_t)s;
		snprintf(w, sizeof(w), "%u", want[s]);
		sw_fmt_cef(out, sizeof(out), &a);
		CHECK(cef_parse(out, &c) == NULL && strcmp(c.hdr[6], w) == 0,
		      "severity %u: CEF %s, want %s", s, c.hdr[6], w);
		sw_fmt_leef(out, sizeof(out), &a);
		CHECK(leef_parse(out, &l) == NULL && leef_get(&l, "sev") != NULL &&
		      strcmp(leef_get(&l, "sev"), w) == 0, "severity %u: LEEF %s, want %s",
		      s, leef_get(&l, "sev"), w);
	}
}

static void
ipv6_goes_to_cef_c6a2_c6a3_and_leef_src_dst(void)
{
	struct sw_alert a;
	char out[2048];
	struct cef c;
	struct leef l;

	base_alert(&a);
	snprintf(a.src_ip, sizeof(a.src_ip), "2001:db8::5");
	snprintf(a.dest_ip, sizeof(a.dest_ip), "2001:db8::17");
	a.dest_port = 0;	/* a sweep of many ports: no dpt at all */
	sw_fmt_cef(out, sizeof(out), &a);
	CHECK(cef_parse(out, &c) == NULL, "does not parse: %s", out);
	CHECK(cef_get(&c, "src") == NULL && cef_get(&c, "dst") == NULL,
	      "IPv6 in src/dst: %s", out);
	CHECK(cef_get(&c, "c6a2") && strcmp(cef_get(&c, "c6a2"), "2001:db8::5") == 0,
	      "c6a2 %s", cef_get(&c, "c6a2"));
	CHECK(cef_get(&c, "c6a3") && strcmp(cef_get(&c, "c6a3"), "2001:db8::17") == 0,
	      "c6a3 %s", cef_get(&c, "c6a3"));
	CHECK(cef_get(&c, "c6a2Label") && strcmp(cef_get(&c, "c6a2Label"),
						  "Source IPv6 Address") == 0, "label");
	CHECK(cef_get(&c, "dpt") == NULL, "dpt for port 0: %s", out);
	sw_fmt_leef(out, sizeof(out), &a);
	CHECK(leef_parse(out, &l) == NULL, "does not parse: %s", out);
	CHECK(leef_get(&l, "src") && strcmp(leef_get(&l, "src"), "2001:db8::5") == 0,
	      "LEEF src %s", leef_get(&l, "src"));
	CHECK(leef_get(&l, "dstPort") == NULL, "dstPort for port 0: %s", out);
}

/* Put hostile string h into every string field, check both formats parse
 * and give back each field as the spec-level reading says. */
static void
hostile_fields_round_trip_through_cef_and_leef(void)
{
	char out[4096], want[1024];
	struct cef c;
	struct leef l;

	for (size_t h = 0; h <= N_HOSTILE; h++) {
		const char *s = h < N_HOSTILE ? hostiles[h].s : all_ctl;
		size_t n = h < N_HOSTILE ? hostiles[h].n : all_ctl_n;
		const char *name = h < N_HOSTILE ? hostiles[h].name : "all controls";
		struct sw_alert a;
		const char *why;
		size_t k;

		base_alert(&a);
		/* the string as the struct can hold it (cut at NUL / size) */
		k = set_field(a.signature, sizeof(a.signature), s, n);
		set_field(a.category, sizeof(a.category), s, n);
		set_field(a.kind, sizeof(a.kind), s, n);
		set_field(a.tool, sizeof(a.tool), s, n);
		set_field(a.host, sizeof(a.host), s, n);

		sw_fmt_cef(out, sizeof(out), &a);
		CHECK(no_raw_ctl(out, strlen(out)), "%s: CEF has a raw control byte", name);
		CHECK(utf8_valid(out, strlen(out)), "%s: CEF not UTF-8", name);
		why = cef_parse(out, &c);
		CHECK(why == NULL, "%s: CEF does not parse (%s): %s", name, why, out);
		if (why == NULL) {
			expect(want, a.signature, k, C_CEF_HDR);
			CHECK(strcmp(c.hdr[5], want) == 0, "%s: CEF name \"%s\" want \"%s\"",
			      name, c.hdr[5], want);
			CHECK(strcmp(c.hdr[4], "122:3") == 0, "%s: class id %s", name, c.hdr[4]);
			CHECK(strcmp(c.hdr[6], "5") == 0, "%s: severity %s", name, c.hdr[6]);
			expect(want, a.category, strlen(a.category), C_CEF_EXT);
			CHECK(cef_get(&c, "cat") && strcmp(cef_get(&c, "cat"), want) == 0,
			      "%s: cat \"%s\" want \"%s\"", name, cef_get(&c, "cat"), want);
			expect(want, a.kind, strlen(a.kind), C_CEF_EXT);
			CHECK(cef_get(&c, "cs1") && strcmp(cef_get(&c, "cs1"), want) == 0,
			      "%s: cs1 \"%s\" want \"%s\"", name, cef_get(&c, "cs1"), want);
			expect(want, a.host, strlen(a.host), C_CEF_EXT);
			CHECK(cef_get(&c, "dvchost") && strcmp(cef_get(&c, "dvchost"), want) == 0,
			      "%s: dvchost \"%s\" want \"%s\"", name, cef_get(&c, "dvchost"),
			      want);
			CHECK(cef_get(&c, "src") && strcmp(cef_get(&c, "src"), "10.66.0.5") == 0,
			      "%s: src %s", name, cef_get(&c, "src"));
			CHECK(cef_get(&c, "cn1") && strcmp(cef_get(&c, "cn1"), "0") == 0,
			      "%s: cn1 %s", name, cef_get(&c, "cn1"));
		}

		sw_fmt_leef(out, sizeof(out), &a);
		CHECK(no_raw_ctl(out, strlen(out)), "%s: LEEF has a raw control byte", name);
		CHECK(utf8_valid(out, strlen(out)), "%s: LEEF not UTF-8", name);
		why = leef_parse(out, &l);
		CHECK(why == NULL, "%s: LEEF does not parse (%s): %s", name, why, out);
		if (why == NULL) {
			expect(want, a.signature, k, C_LEEF);
			CHECK(leef_get(&l, "name") && strcmp(leef_get(&l, "name"), want) == 0,
			      "%s: name \"%s\" want \"%s\"", name, leef_get(&l, "name"), want);
			expect(want, a.tool, strlen(a.tool), C_LEEF);
			CHECK(leef_get(&l, "tool") && strcmp(leef_get(&l, "tool"), want) == 0,
			      "%s: tool \"%s\" want \"%s\"", name, leef_get(&l, "tool"), want);
			CHECK(strcmp(l.hdr[5], "^") == 0 && strcmp(l.hdr[4], "122:3") == 0,
			      "%s: header %s %s", name, l.hdr[4], l.hdr[5]);
			CHECK(leef_get(&l, "dstPort") && strcmp(leef_get(&l, "dstPort"), "22") == 0,
			      "%s: dstPort %s", name, leef_get(&l, "dstPort"));
		}
	}
}

/* Every string field at its longest and every byte one that expands:
 * the record still fits a 4 KiB buffer (outputs.c uses 8 KiB). */
static void
worst_case_record_fits_4k(void)
{
	struct sw_alert a;
	char out[8192];
	size_t n;

	base_alert(&a);
#define FILL(f, b) do { memset((f), (b), sizeof(f) - 1); (f)[sizeof(f) - 1] = '\0'; } while (0)
	FILL(a.host, '\x01');
	FILL(a.src_ip, '=');
	FILL(a.dest_ip, '\\');
	FILL(a.proto, '\xff');
	FILL(a.signature, '|');
	FILL(a.category, '\n');
	FILL(a.kind, '\x80');
	FILL(a.technique, '^');
	FILL(a.tool, '\x7f');
	n = sw_fmt_cef(out, sizeof(out), &a);
	CHECK(n < 4096, "CEF worst case %zu bytes", n);
	CHECK(n > 1000, "CEF worst case only %zu bytes: fields missing?", n);
	n = sw_fmt_leef(out, sizeof(out), &a);
	CHECK(n < 4096, "LEEF worst case %zu bytes", n);
	CHECK(n > 1000, "LEEF worst case only %zu bytes", n);
#undef FILL
}

/* Is out a clean cut of full: a prefix that ends neither inside an escape
 * (CEF: odd run of trailing backslashes; LEEF has no escapes, a backslash
 * is literal there) nor inside a UTF-8 sequence? */
static bool
clean_prefix(const char *out, size_t n, const char *full, bool escapes)
{
	size_t bs = 0;

	if (strncmp(out, full, n) != 0)
		return false;
	while (escapes && bs < n && out[n - 1 - bs] == '\\')
		bs++;
	return bs % 2 == 0 && utf8_valid(out, n);
}

static void
truncation_never_splits_an_escape_or_a_utf8_sequence(void)
{
	enum { GUARD = 16 };
	static const char *const tails[] = {
		"\\\\\\|=", "\xe2\x82\xac\xf0\x9f\x98\x80", "\n\r\x01", "\xff\x80", "^^",
	};
	char full[4096], buf[4096 + GUARD];
	struct sw_alert a;
	unsigned bad = 0, checked = 0;

	for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
		for (int f = 0; f < 2; f++) {
			size_t fl;

			base_alert(&a);
			/* hostile bytes in header and extension fields */
			snprintf(a.signature, sizeof(a.signature), "sig%s%s", tails[t], tails[t]);
			snprintf(a.category, sizeof(a.category), "c%s%s", tails[t], tails[t]);
			snprintf(a.host, sizeof(a.host), "%s%s", tails[t], tails[t]);
			fl = f ? sw_fmt_leef(full, sizeof(full), &a)
			       : sw_fmt_cef(full, sizeof(full), &a);
			for (size_t cap = 0; cap <= fl + 2; cap++) {
				size_t n;

				memset(buf, 'G', sizeof(buf));
				n = f ? sw_fmt_leef(buf, cap, &a) : sw_fmt_cef(buf, cap, &a);
				checked++;
				for (size_t g = cap; g < cap + GUARD; g++)
					if (buf[g] != 'G') {
						bad++;
						CHECK(false, "cap %zu: wrote past the buffer at %zu", cap, g);
						break;
					}
				if (cap == 0) {
					if (n != 0) {
						bad++;
						CHECK(false, "cap 0 returned %zu", n);
					}
					continue;
				}
				if (n >= cap || buf[n] != '\0' || strlen(buf) != n) {
					bad++;
					CHECK(false, "%s cap %zu: returned %zu, strlen %zu",
					      f ? "LEEF" : "CEF", cap, n, strnlen(buf, cap));
					continue;
				}
				if (!clean_prefix(buf, n, full, f == 0)) {
					bad++;
					CHECK(false, "%s cap %zu: bad cut: %s", f ? "LEEF" : "CEF",
					      cap, buf);
				}
				if (cap > fl && (n != fl || strcmp(buf, full) != 0)) {
					bad++;
					CHECK(false, "cap %zu > %zu: not the whole record", cap, fl);
				}
			}
		}
	}
	CHECK(bad == 0, "%u of %u cuts wrong", bad, checked);
	CHECK(checked > 500, "only %u cuts checked", checked);
}

static void
escape_truncation_keeps_sequences_whole(void)
{
	char buf[64];
	size_t n;

	/* "a\\" is 3 bytes: cap 3 fits "a" + NUL + nothing of the escape */
	n = sw_fmt_escape(buf, 3, "a\\", 2, SW_ESC_CEF_EXT);
	CHECK(n == 1 && strcmp(buf, "a") == 0, "got %zu \"%s\"", n, buf);
	n = sw_fmt_escape(buf, 4, "a\\", 2, SW_ESC_CEF_EXT);
	CHECK(n == 3 && strcmp(buf, "a\\\\") == 0, "got %zu \"%s\"", n, buf);
	/* U+20AC is 3 bytes: no room for it whole → nothing of it */
	n = sw_fmt_escape(buf, 4, "x\xe2\x82\xac", 4, SW_ESC_LEEF);
	CHECK(n == 1 && strcmp(buf, "x") == 0, "got %zu \"%s\"", n, buf);
	/* a replacement character is also whole or absent */
	n = sw_fmt_escape(buf, 3, "\x01", 1, SW_ESC_SD);
	CHECK(n == 0 && buf[0] == '\0', "got %zu \"%s\"", n, buf);
	/* and nothing after a piece that did not fit, even if it would */
	n = sw_fmt_escape(buf, 4, "ab\\c", 4, SW_ESC_SD);
	CHECK(n == 2 && strcmp(buf, "ab") == 0, "got %zu \"%s\"", n, buf);
	n = sw_fmt_escape(buf, 1, "abc", 3, SW_ESC_SD);
	CHECK(n == 0 && buf[0] == '\0', "cap 1: got %zu", n);
	n = sw_fmt_escape(NULL, 0, "abc", 3, SW_ESC_SD);
	CHECK(n == 0, "cap 0: got %zu", n);
}

/* Random bytes in every field: every record parses and reads back. */
static void
random_fields_always_parse_and_read_back(void)
{
	char out[4096], want[1024];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned fails = 0;

	for (int it = 0; it < 20000; it++) {
		struct sw_alert a;
		struct cef c;
		struct leef l;
		char *fields[] = { a.signature, a.category, a.kind, a.technique, a.tool, a.host };
		size_t caps[] = { sizeof(a.signature), sizeof(a.category), sizeof(a.kind),
				  sizeof(a.technique), sizeof(a.tool), sizeof(a.host) };

		base_alert(&a);
		for (int f = 0; f < 6; f++) {
			size_t len;

			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			len = x % caps[f];
			for (size_t i = 0; i < len; i++) {
				x ^= x << 13; x ^= x >> 7; x ^= x << 17;
				/* bias towards the interesting bytes */
				static const char pick[] = "|\\=^\n\r\"]\x80\xc3\xe2\xf0";

				fields[f][i] = (x >> 8) % 4 == 0 ? pick[(x >> 16) % 12]
								 : (char)((x >> 24) % 255 + 1);
			}
			fields[f][len] = '\0';
		}
		sw_fmt_cef(out, sizeof(out), &a);
		if (!no_raw_ctl(out, strlen(out)) || !utf8_valid(out, strlen(out)) ||
		    cef_parse(out, &c) != NULL) {
			if (fails++ < 3)
				CHECK(false, "CEF does not parse: %s", out);
			continue;
		}
		expect(want, a.signature, strlen(a.signature), C_CEF_HDR);
		if (strcmp(c.hdr[5], want) != 0 && fails++ < 3)
			CHECK(false, "CEF name differs: %s", out);
		if (a.technique[0] != '\0') {
			expect(want, a.technique, strlen(a.technique), C_CEF_EXT);
			if ((cef_get(&c, "cs2") == NULL || strcmp(cef_get(&c, "cs2"), want) != 0) &&
			    fails++ < 3)
				CHECK(false, "CEF cs2 differs: %s", out);
		}
		sw_fmt_leef(out, sizeof(out), &a);
		if (!no_raw_ctl(out, strlen(out)) || !utf8_valid(out, strlen(out)) ||
		    leef_parse(out, &l) != NULL) {
			if (fails++ < 3)
				CHECK(false, "LEEF does not parse: %s", out);
			continue;
		}
		if (a.category[0] != '\0') {
			expect(want, a.category, strlen(a.category), C_LEEF);
			if ((leef_get(&l, "cat") == NULL || strcmp(leef_get(&l, "cat"), want) != 0) &&
			    fails++ < 3)
				CHECK(false, "LEEF cat differs: %s", out);
		}
	}
	CHECK(fails == 0, "%u of 20000 random records failed", fails);
}

static void
stats_records_have_no_alert_fields(void)
{
	struct sw_alert a;
	char out[2048];
	struct cef c;
	struct leef l;

	base_alert(&a);
	a.type = SW_REC_STATS;
	sw_fmt_cef(out, sizeof(out), &a);
	CHECK(cef_parse(out, &c) == NULL, "does not parse: %s", out);
	CHECK(strcmp(c.hdr[4], "stats") == 0 && strcmp(c.hdr[6], "0") == 0,
	      "header %s %s", c.hdr[4], c.hdr[6]);
	CHECK(cef_get(&c, "src") == NULL && cef_get(&c, "rt") != NULL, "%s", out);
	sw_fmt_leef(out, sizeof(out), &a);
	CHECK(leef_parse(out, &l) == NULL, "does not parse: %s", out);
	CHECK(leef_get(&l, "src") == NULL && leef_get(&l, "devTime") != NULL, "%s", out);
}

int
main(void)
{
	init_all_ctl();
	RUN(json_strings_of_hostile_bytes_parse_back_to_the_input);
	RUN(sd_param_values_escape_quote_backslash_bracket_only);
	RUN(cef_of_a_plain_alert_is_exactly_the_documented_line);
	RUN(leef_of_a_plain_alert_is_exactly_the_documented_line);
	RUN(cef_and_leef_carry_intent_services_repeats_fragmented);
	RUN(severity_1_to_4_maps_to_10_7_5_3_and_clamps);
	RUN(ipv6_goes_to_cef_c6a2_c6a3_and_leef_src_dst);
	RUN(hostile_fields_round_trip_through_cef_and_leef);
	RUN(worst_case_record_fits_4k);
	RUN(truncation_never_splits_an_escape_or_a_utf8_sequence);
	RUN(escape_truncation_keeps_sequences_whole);
	RUN(random_fields_always_parse_and_read_back);
	RUN(stats_records_have_no_alert_fields);
	NOTE("%u tests, %u failed", n_tests, n_failed);
	return n_failed != 0;
}
