/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Record formats for SIEMs that do not read EVE JSON: ArcSight CEF and
 * IBM QRadar LEEF 2.0, and the escaping they share with the syslog sink's
 * structured data. Control plane only (each sink's writer thread).
 *
 * CEF: "Implementing ArcSight Common Event Format (CEF)", revision 25.
 *   CEF:0|Vendor|Product|Version|Device Event Class ID|Name|Severity|Extension
 *   Header fields escape '|' and '\' with '\'. The extension is space
 *   separated key=value pairs whose values may hold spaces; values escape
 *   '\' and '=' with '\' and write newlines as \n and \r (the only
 *   multi-line escape the spec has: a raw line break ends the record).
 *
 * LEEF: "IBM QRadar Log Event Extended Format (LEEF) Version 2".
 *   LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|key=value<D>key=value
 *   We declare '^' as the delimiter, as the spec's own examples do. Tab, the
 *   LEEF 1.0 default, does not survive syslog relays: rsyslog rewrites
 *   control characters on receipt (tab becomes "#011") unless told not to.
 *   LEEF defines no escape sequence; its rule is that keys and values must
 *   not contain the delimiter. QRadar splits attributes on every delimiter,
 *   so a backslash before one would not protect it. Values therefore
 *   never contain '^' or a control character: each is replaced by U+FFFD.
 *   '=' in a value needs nothing (a value runs from the first '=' after
 *   its key to the next delimiter) and '\' is literal (nothing unescapes).
 *   The header's variable fields are numbers, so '|' never needs escaping.
 *
 * What the formats cannot represent is replaced by U+FFFD: see format.h.
 *
 * Severity: scanwatch's 1 (highest) .. 4 maps to CEF/LEEF 10, 7, 5, 3
 * (CEF: 0-3 low, 4-6 medium, 7-8 high, 9-10 very high), so a severity-1
 * alert is "very high", 2 "high", 3 "medium" and 4 "low".
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <scanwatch/sink.h>

#include "format.h"

/* ---------------------------------------------------------------------- */
/* bounded appends */

void
sw_fmtbuf_init(struct sw_fmtbuf *o, char *buf, size_t cap)
{
	o->b = buf;
	o->cap = cap;
	o->len = 0;
	o->full = cap == 0;
	if (cap > 0)
		buf[0] = '\0';
}

void
sw_fmtbuf_put(struct sw_fmtbuf *o, const char *s, size_t n)
{
	/* once something did not fit, stop: a later, shorter piece would
	 * otherwise land after a gap and misplace fields */
	if (o->full || n > o->cap - 1 - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->b + o->len, s, n);
	o->len += n;
	o->b[o->len] = '\0';
}

void
sw_fmtbuf_printf(struct sw_fmtbuf *o, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {	/* only short numbers come here */
		o->full = true;
		return;
	}
	sw_fmtbuf_put(o, tmp, (size_t)n);
}

/* ---------------------------------------------------------------------- */
/* escaping */

size_t
sw_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t l;

	if (c < 0x80)
		return 1;
	/* RFC 3629 section 4: C0, C1 and F5..FF never start a sequence
	 * (C0/C1 would be overlong two-byte forms) */
	if (c >= 0xc2 && c <= 0xdf)
		l = 2;
	else if (c >= 0xe0 && c <= 0xef)
		l = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		l = 4;
	else
		return 0;
	if (n < l)
		return 0;
	for (size_t i = 1; i < l; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* second-byte ranges of table 3: no overlong 3/4-byte forms, no
	 * surrogates (ED A0..BF), nothing above U+10FFFF (F4 90..) */
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return l;
}

/* Code points that are valid UTF-8 but still break lines or records for
 * some reader: C1 controls (U+0085 NEL among them) and the Unicode line
 * and paragraph separators. */
static bool
bad_codepoint(const unsigned char *s, size_t l)
{
	if (l == 2)
		return s[0] == 0xc2 && s[1] <= 0x9f;
	if (l == 3)
		return s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9);
	return false;
}

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */

void
sw_fmtbuf_esc(struct sw_fmtbuf *o, const char *str, size_t n, enum sw_esc e)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n && !o->full) {
		unsigned char c = s[i];
		char esc[2] = { '\\', (char)c };

		if (c < 0x20 || c == 0x7f) {
			if (e == SW_ESC_CEF_EXT && c == '\n')
				sw_fmtbuf_put(o, "\\n", 2);
			else if (e == SW_ESC_CEF_EXT && c == '\r')
				sw_fmtbuf_put(o, "\\r", 2);
			else
				sw_fmtbuf_put(o, REPLACEMENT, 3);
			i++;
			continue;
		}
		if (c < 0x80) {
			bool escape = false, replace = false;

			switch (e) {
			case SW_ESC_CEF_HDR:
				escape = c == '|' || c == '\\';
				break;
			case SW_ESC_CEF_EXT:
				escape = c == '=' || c == '\\';
				break;
			case SW_ESC_LEEF:
				replace = c == SW_LEEF_DELIM;
				break;
			case SW_ESC_SD:
				/* RFC 5424 section 6.3.3 */
				escape = c == '"' || c == '\\' || c == ']';
				break;
			}
			if (escape)
				sw_fmtbuf_put(o, esc, 2);
			else if (replace)
				sw_fmtbuf_put(o, REPLACEMENT, 3);
			else
				sw_fmtbuf_put(o, (const char *)s + i, 1);
			i++;
			continue;
		}
		size_t l = sw_utf8_len(s + i, n - i);

		if (l == 0) {
			sw_fmtbuf_put(o, REPLACEMENT, 3);
			i++;
		} else if (bad_codepoint(s + i, l)) {
			sw_fmtbuf_put(o, REPLACEMENT, 3);
			i += l;
		} else {
			sw_fmtbuf_put(o, (const char *)s + i, l);
			i += l;
		}
	}
}

size_t
sw_fmt_escape(char *buf, size_t cap, const char *s, size_t n, enum sw_esc e)
{
	struct sw_fmtbuf o;

	sw_fmtbuf_init(&o, buf, cap);
	sw_fmtbuf_esc(&o, s, n, e);
	return o.len;
}

/* ---------------------------------------------------------------------- */
/* records */

/* scanwatch severity 1 (highest) .. 4 → CEF/LEEF 0..10 (see the top) */
static unsigned
sev10(const struct sw_alert *a)
{
	static const unsigned map[] = { 10, 7, 5, 3 };
	unsigned s = a->severity;

	if (a->type != SW_REC_ALERT)
		return 0;
	if (s < 1)
		s = 1;
	if (s > 4)
		s = 4;
	return map[s - 1];
}

/* Field arrays are NUL-terminated by contract; strnlen guards the
 * contract anyway so a full array is never read past its end. */
#define FLEN(f) strnlen((f), sizeof(f))

/* One CEF extension pair; empty values are left out. o->len == start
 * means "first pair": no separating space. */
static void
cef_ext(struct sw_fmtbuf *o, size_t start, const char *key, const char *v, size_t n)
{
	if (n == 0)
		return;
	if (o->len != start)
		sw_fmtbuf_put(o, " ", 1);
	sw_fmtbuf_put(o, key, strlen(key));
	sw_fmtbuf_put(o, "=", 1);
	sw_fmtbuf_esc(o, v, n, SW_ESC_CEF_EXT);
}

#define CEF_EXT(o, st, key, field) cef_ext((o), (st), (key), (field), FLEN(field))

static void
cef_num(struct sw_fmtbuf *o, size_t start, const char *key, uint64_t v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%llu", (unsigned long long)v);

	cef_ext(o, start, key, b, (size_t)n);
}

/* A custom string field and its label (csN/csNLabel), both or neither. */
static void
cef_custom(struct sw_fmtbuf *o, size_t start, const char *key, const char *label,
	   const char *v, size_t n)
{
	char lk[16];

	if (n == 0)
		return;
	snprintf(lk, sizeof(lk), "%sLabel", key);
	cef_ext(o, start, lk, label, strlen(label));
	cef_ext(o, start, key, v, n);
}

size_t
sw_fmt_cef(char *buf, size_t cap, const struct sw_alert *a)
{
	struct sw_fmtbuf o;
	bool alert = a->type == SW_REC_ALERT;
	bool v6src = memchr(a->src_ip, ':', FLEN(a->src_ip)) != NULL;
	bool v6dst = memchr(a->dest_ip, ':', FLEN(a->dest_ip)) != NULL;
	size_t st;

	sw_fmtbuf_init(&o, buf, cap);
	sw_fmtbuf_put(&o, "CEF:0|scanwatch|scanwatch|", 26);
	sw_fmtbuf_esc(&o, SW_VERSION, strlen(SW_VERSION), SW_ESC_CEF_HDR);
	sw_fmtbuf_put(&o, "|", 1);
	if (alert) {
		sw_fmtbuf_printf(&o, "%u:%u|", a->gid, a->sid);
		sw_fmtbuf_esc(&o, a->signature, FLEN(a->signature), SW_ESC_CEF_HDR);
	} else {
		sw_fmtbuf_put(&o, "stats|scanwatch stats", 21);
	}
	sw_fmtbuf_printf(&o, "|%u|", sev10(a));

	st = o.len;
	/* rt: milliseconds since the epoch, one of the two forms CEF takes */
	cef_num(&o, st, "rt", a->ts_ns / 1000000u);
	if (alert) {
		/* src/dst are IPv4 in CEF; IPv6 goes to the custom IPv6
		 * address fields the spec labels for source and destination */
		if (v6src)
			cef_custom(&o, st, "c6a2", "Source IPv6 Address", a->src_ip,
				   FLEN(a->src_ip));
		else
			CEF_EXT(&o, st, "src", a->src_ip);
		if (v6dst)
			cef_custom(&o, st, "c6a3", "Destination IPv6 Address", a->dest_ip,
				   FLEN(a->dest_ip));
		else
			CEF_EXT(&o, st, "dst", a->dest_ip);
		if (a->dest_port != 0)
			cef_num(&o, st, "dpt", a->dest_port);
		CEF_EXT(&o, st, "proto", a->proto);
		CEF_EXT(&o, st, "cat", a->category);
		cef_custom(&o, st, "cs1", "kind", a->kind, FLEN(a->kind));
		cef_custom(&o, st, "cs2", "technique", a->technique, FLEN(a->technique));
		cef_custom(&o, st, "cs3", "tool", a->tool, FLEN(a->tool));
		cef_custom(&o, st, "cs4", "intent", a->intent, FLEN(a->intent));
		cef_custom(&o, st, "cs5", "services", a->services, FLEN(a->services));
		cef_ext(&o, st, "cn1Label", "update", 6);
		cef_num(&o, st, "cn1", a->update);
		if (a->repeats > 0) {
			cef_ext(&o, st, "cn2Label", "repeats", 7);
			cef_num(&o, st, "cn2", a->repeats);
		}
		if (a->fragmented)
			cef_custom(&o, st, "cs6", "fragmented", "true", 4);
	}
	CEF_EXT(&o, st, "dvchost", a->host);
	return o.len;
}

/* One LEEF attribute; empty values are left out (o->len == start: first). */
static void
leef_attr(struct sw_fmtbuf *o, size_t start, const char *key, const char *v, size_t n)
{
	static const char d = SW_LEEF_DELIM;

	if (n == 0)
		return;
	if (o->len != start)
		sw_fmtbuf_put(o, &d, 1);
	sw_fmtbuf_put(o, key, strlen(key));
	sw_fmtbuf_put(o, "=", 1);
	sw_fmtbuf_esc(o, v, n, SW_ESC_LEEF);
}

#define LEEF_ATTR(o, st, key, field) leef_attr((o), (st), (key), (field), FLEN(field))

static void
leef_num(struct sw_fmtbuf *o, size_t start, const char *key, uint64_t v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%llu", (unsigned long long)v);

	leef_attr(o, start, key, b, (size_t)n);
}

size_t
sw_fmt_leef(char *buf, size_t cap, const struct sw_alert *a)
{
	struct sw_fmtbuf o;
	bool alert = a->type == SW_REC_ALERT;
	time_t sec = (time_t)(a->ts_ns / 1000000000u);
	unsigned ms = (unsigned)(a->ts_ns % 1000000000u / 1000000u);
	char t[48];
	struct tm tm;
	size_t tn, st;

	gmtime_r(&sec, &tm);
	tn = strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(t + tn, sizeof(t) - tn, ".%03u+0000", ms);

	sw_fmtbuf_init(&o, buf, cap);
	sw_fmtbuf_put(&o, "LEEF:2.0|scanwatch|scanwatch|", 29);
	sw_fmtbuf_esc(&o, SW_VERSION, strlen(SW_VERSION), SW_ESC_CEF_HDR);
	if (alert)
		sw_fmtbuf_printf(&o, "|%u:%u|%c|", a->gid, a->sid, SW_LEEF_DELIM);
	else
		sw_fmtbuf_printf(&o, "|stats|%c|", SW_LEEF_DELIM);

	st = o.len;
	/* devTimeFormat is a Java SimpleDateFormat pattern: Z is "+0000" */
	leef_attr(&o, st, "devTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", 26);
	leef_attr(&o, st, "devTime", t, strlen(t));
	if (alert) {
		/* LEEF's src and dst take IPv4 and IPv6 alike */
		LEEF_ATTR(&o, st, "src", a->src_ip);
		LEEF_ATTR(&o, st, "dst", a->dest_ip);
		if (a->dest_port != 0)
			leef_num(&o, st, "dstPort", a->dest_port);
		LEEF_ATTR(&o, st, "proto", a->proto);
		leef_num(&o, st, "sev", sev10(a));
		LEEF_ATTR(&o, st, "cat", a->category);
		/* custom keys (not predefined by LEEF, so QRadar keeps them
		 * as they are) */
		LEEF_ATTR(&o, st, "name", a->signature);
		LEEF_ATTR(&o, st, "kind", a->kind);
		LEEF_ATTR(&o, st, "technique", a->technique);
		LEEF_ATTR(&o, st, "tool", a->tool);
		LEEF_ATTR(&o, st, "intent", a->intent);
		LEEF_ATTR(&o, st, "services", a->services);
		if (a->repeats > 0)
			leef_num(&o, st, "repeats", a->repeats);
		if (a->fragmented)
			leef_attr(&o, st, "fragmented", "true", 4);
		leef_num(&o, st, "gid", a->gid);
		leef_num(&o, st, "sid", a->sid);
		leef_num(&o, st, "rev", a->rev);
		leef_num(&o, st, "update", a->update);
	}
	LEEF_ATTR(&o, st, "dvchost", a->host);
	return o.len;
}
