/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration engine: YAML and --set text in, struct sw_conf out, and back
 * to YAML. Knows nothing about individual keys; those are rows of
 * sw_conf_keys[] (keys.c).
 *
 * YAML shape. Nested mappings spell a dotted key: "capture: {workers: 4}" is
 * capture.workers; a dotted name may also be written whole at any level
 * ("capture.workers: 4"). Scalars are taken as text whatever their YAML
 * style or tag, so "workers: '4'" works and "host: true" is the name "true".
 * An empty value ("capture:" or "interfaces:") means an empty section or an
 * empty list. List keys take a YAML sequence; a plain scalar is NOT read as
 * a one-element list, because "rss-fields: ip,tcp" or "eal-params: -l 0-3"
 * would then quietly mean something other than what was written.
 * A key given twice in one file is an error (libyaml does not check).
 * Anchors are ignored, aliases refused.
 *
 * --set key=value. Lists take comma-separated entries ("capture.rss-fields=
 * ip,tcp"; empty value = empty list), or a YAML flow sequence when an entry
 * holds a comma: capture.interfaces=["net_af_packet0,iface=veth1"].
 *
 * Loads and sets are all-or-nothing: on error *c is left as it was.
 * Messages go to err and never to a stream; only main.c prints and exits.
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "conf/keys.h"

#define NAME_MAX_LEN	128	/* longest dotted name we build while parsing */

/* Parse state of one load or --set; heap-allocated (holds a whole conf). */
struct ld {
	struct sw_conf tmp;		/* parsed into, copied out on success */
	const char *name;		/* file name; NULL for --set */
	const char *setkey;		/* --set: key whose flow list is parsed */
	char *err;
	size_t errlen;
	yaml_parser_t p;
	yaml_event_t ev;		/* current event */
	unsigned line[SW_CONF_MAX_KEYS]; /* where each key was set; 0 = not yet */
};

/* ---- messages ---- */

static void
put_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* "FILE line N: msg", or "--set: msg" */
static int
fail(struct ld *l, size_t line, const char *fmt, ...)
{
	va_list ap;
	int o;

	if (l->err == NULL || l->errlen == 0)
		return -EINVAL;
	if (l->name != NULL)
		o = snprintf(l->err, l->errlen, "%s line %zu: ", l->name, line);
	else
		o = snprintf(l->err, l->errlen, "--set: ");
	if (o < 0 || (size_t)o >= l->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(l->err + o, l->errlen - (size_t)o, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A value as it may appear in a message: bounded, control bytes escaped. */
static const char *
show(const char *v, size_t len, char *buf, size_t blen)
{
	size_t o = 0, i;

	for (i = 0; i < len && o + 8 < blen; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (o >= 60) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (ch < 0x20 || ch == 0x7f || ch == '\'')
			o += (size_t)snprintf(buf + o, blen - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	buf[o] = '\0';
	return buf;
}

void
sw_conf_key_expect(const struct sw_conf_key *k, char *buf, size_t len)
{
	size_t o = 0;

	switch (k->type) {
	case SW_CONF_U32:
		snprintf(buf, len, "%s %.0f..%.0f",
			 k->flags & SW_CONF_POW2 ? "a power of two" : "an integer",
			 k->min, k->max);
		return;
	case SW_CONF_DOUBLE:
		if (k->flags & SW_CONF_OPEN)
			snprintf(buf, len, "a number in (%g, %g), bounds excluded", k->min, k->max);
		else
			snprintf(buf, len, "a number %g..%g", k->min, k->max);
		return;
	case SW_CONF_STR:
		snprintf(buf, len, "a string of at most %zu bytes", k->size - 1);
		return;
	case SW_CONF_ENUM:
	case SW_CONF_LIST:
		if (k->type == SW_CONF_ENUM)
			o = (size_t)snprintf(buf, len, "one of ");
		else if (k->values != NULL)
			o = (size_t)snprintf(buf, len, "a list of at most %.0f of ", k->max);
		else if (k->check != NULL)
			o = (size_t)snprintf(buf, len, "a list of at most %.0f entries "
					     "like \"192.0.2.0/24\" or \"2001:db8::/32 22,443\"",
					     k->max);
		else
			o = (size_t)snprintf(buf, len, "a list of at most %.0f strings "
					     "of at most %d bytes", k->max, SW_MAX_STR - 1);
		for (unsigned i = 0; k->values != NULL && k->values[i] != NULL && o < len; i++)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
					      k->values[i]);
		return;
	}
}

/* "KEY must be EXPECTED (got 'V')" */
static int
must(const struct sw_conf_key *k, const char *v, size_t vlen, char *why, size_t n)
{
	char expect[256], sh[80];

	sw_conf_key_expect(k, expect, sizeof(expect));
	snprintf(why, n, "%s must be %s (got '%s')", k->name, expect, show(v, vlen, sh, sizeof(sh)));
	return -EINVAL;
}

/* ---- values ---- */

static void *
field(struct sw_conf *c, const struct sw_conf_key *k)
{
	return (char *)c + k->off;
}

static const void *
cfield(const struct sw_conf *c, const struct sw_conf_key *k)
{
	return (const char *)c + k->off;
}

/* Strict UTF-8 (no overlongs, surrogates or > U+10FFFF), as libyaml reads it. */
static int
utf8_ok(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned c = s[i], n, cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			n = 1, cp = c & 0x1f;
		else if ((c & 0xf0) == 0xe0)
			n = 2, cp = c & 0x0f;
		else if ((c & 0xf8) == 0xf0)
			n = 3, cp = c & 0x07;
		else
			return 0;
		if (i + n >= len)
			return 0;
		for (unsigned j = 1; j <= n; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* Checks shared by strings, enums and list entries. */
static int
str_ok(const struct sw_conf_key *k, const char *what, const char *v, size_t len,
       size_t size, char *why, size_t n)
{
	char sh[80];

	if (strnlen(v, len) != len) {
		snprintf(why, n, "%s%s must not contain NUL bytes", k->name, what);
		return -EINVAL;
	}
	if (len >= size) {
		snprintf(why, n, "%s%s is %zu bytes long; at most %zu are allowed ('%s')",
			 k->name, what, len, size - 1, show(v, len, sh, sizeof(sh)));
		return -EINVAL;
	}
	if (!utf8_ok((const unsigned char *)v, len)) {
		snprintf(why, n, "%s%s must be valid UTF-8 (got '%s')", k->name, what,
			 show(v, len, sh, sizeof(sh)));
		return -EINVAL;
	}
	return 0;
}

static int
in_values(const char *const *values, const char *v, size_t len)
{
	for (unsigned i = 0; values[i] != NULL; i++)
		if (strlen(values[i]) == len && memcmp(values[i], v, len) == 0)
			return 1;
	return 0;
}

static int
u32_ok(const struct sw_conf_key *k, uint64_t x, const char *v, size_t vlen, char *why, size_t n)
{
	if ((double)x < k->min || (double)x > k->max)
		return must(k, v, vlen, why, n);
	if ((k->flags & SW_CONF_POW2) && (x & (x - 1)) != 0) {
		snprintf(why, n, "%s must be a power of two (got %llu)", k->name,
			 (unsigned long long)x);
		return -EINVAL;
	}
	return 0;
}

static int
dbl_ok(const struct sw_conf_key *k, double x, const char *v, size_t vlen, char *why, size_t n)
{
	int in = k->flags & SW_CONF_OPEN ? x > k->min && x < k->max
					 : x >= k->min && x <= k->max;

	return isfinite(x) && in ? 0 : must(k, v, vlen, why, n);
}

/*
 * Entry idx of list l (its first idx entries already accepted), or a new
 * entry when v is not inside l.
 */
static int
entry_ok(const struct sw_conf_key *k, const struct sw_strlist *l, unsigned idx,
	 const char *v, size_t len, char *why, size_t n)
{
	char sh[80], expect[256], reason[200];
	int rc;

	rc = str_ok(k, " entry", v, len, SW_MAX_STR, why, n);
	if (rc < 0)
		return rc;
	if (len == 0) {
		snprintf(why, n, "%s entries must not be empty", k->name);
		return -EINVAL;
	}
	if (k->values != NULL && !in_values(k->values, v, len)) {
		sw_conf_key_expect(k, expect, sizeof(expect));
		snprintf(why, n, "%s entry '%s' is not allowed; %s must be %s", k->name,
			 show(v, len, sh, sizeof(sh)), k->name, expect);
		return -EINVAL;
	}
	if (k->flags & SW_CONF_UNIQUE) {
		for (unsigned i = 0; i < idx; i++) {
			if (strcmp(l->v[i], v) == 0) {
				snprintf(why, n, "%s lists '%s' twice", k->name,
					 show(v, len, sh, sizeof(sh)));
				return -EINVAL;
			}
		}
	}
	if (k->check != NULL && k->check(v, reason, sizeof(reason)) < 0) {
		snprintf(why, n, "%s entry '%s': %s", k->name, show(v, len, sh, sizeof(sh)),
			 reason);
		return -EINVAL;
	}
	return 0;
}

static void
list_clear(struct sw_strlist *l)
{
	memset(l, 0, sizeof(*l));
}

static int
list_add(const struct sw_conf_key *k, struct sw_strlist *l, const char *v, size_t len,
	 char *why, size_t n)
{
	int rc;

	if (l->n >= (unsigned)k->max) {
		snprintf(why, n, "%s has too many entries; at most %.0f are allowed",
			 k->name, k->max);
		return -EINVAL;
	}
	rc = entry_ok(k, l, l->n, v, len, why, n);
	if (rc < 0)
		return rc;
	memset(l->v[l->n], 0, sizeof(l->v[l->n]));
	memcpy(l->v[l->n], v, len);
	l->n++;
	return 0;
}

/* A scalar key from text of len bytes (may hold NULs when from YAML). */
static int
set_scalar(struct sw_conf *c, const struct sw_conf_key *k, const char *v, size_t len,
	   char *why, size_t n)
{
	char buf[64], *end;
	int rc;

	switch (k->type) {
	case SW_CONF_U32: {
		unsigned long long x;

		/* digits only: strtoull would take "-1", " 4" and "0x10" */
		if (len == 0 || len >= sizeof(buf) || strspn(v, "0123456789") != len)
			return must(k, v, len, why, n);
		memcpy(buf, v, len);
		buf[len] = '\0';
		errno = 0;
		x = strtoull(buf, &end, 10);
		if (errno == ERANGE || x > UINT32_MAX)
			return must(k, v, len, why, n);
		rc = u32_ok(k, x, v, len, why, n);
		if (rc == 0)
			*(uint32_t *)field(c, k) = (uint32_t)x;
		return rc;
	}
	case SW_CONF_DOUBLE: {
		double x;

		if (len == 0 || len >= sizeof(buf) || strnlen(v, len) != len ||
		    strchr("+-.0123456789", v[0]) == NULL)
			return must(k, v, len, why, n);
		memcpy(buf, v, len);
		buf[len] = '\0';
		errno = 0;
		x = strtod(buf, &end);
		if (*end != '\0' || errno == ERANGE)
			return must(k, v, len, why, n);
		rc = dbl_ok(k, x, v, len, why, n);
		if (rc == 0)
			*(double *)field(c, k) = x;
		return rc;
	}
	case SW_CONF_ENUM:
		if (strnlen(v, len) != len || !in_values(k->values, v, len))
			return must(k, v, len, why, n);
		/* fall through */
	case SW_CONF_STR:
		rc = str_ok(k, "", v, len, k->size, why, n);
		if (rc < 0)
			return rc;
		memset(field(c, k), 0, k->size);
		memcpy(field(c, k), v, len);
		return 0;
	case SW_CONF_LIST:
		break;
	}
	snprintf(why, n, "%s is a list", k->name);
	return -EINVAL;
}

/* ---- names ---- */

/* Some key lies under section "name." */
static const struct sw_conf_key *
section_of(const char *name)
{
	size_t len = strlen(name);

	for (unsigned i = 0; i < sw_conf_nkeys; i++)
		if (strncmp(sw_conf_keys[i].name, name, len) == 0 &&
		    sw_conf_keys[i].name[len] == '.')
			return &sw_conf_keys[i];
	return NULL;
}

static unsigned
edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned row[NAME_MAX_LEN + 1];

	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
		return ~0u;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/*
 * Closest key or section to an unknown name: by edit distance over names
 * and their section prefixes ("captur" -> "capture"), else a key ending in
 * the same last part ("dpdk.burst" -> "capture.burst"). Into buf; "" if none.
 */
static const char *
suggest(const char *name, char *buf, size_t blen)
{
	size_t len = strlen(name);
	unsigned best = ~0u;
	const char *last = strrchr(name, '.');

	buf[0] = '\0';
	last = last ? last + 1 : name;
	for (unsigned i = 0; i < sw_conf_nkeys; i++) {
		const char *kn = sw_conf_keys[i].name;

		for (const char *e = kn;; e++) {
			if (*e == '.' || *e == '\0') {
				unsigned d = edit_distance(name, len, kn, (size_t)(e - kn));

				if (d < best) {
					best = d;
					snprintf(buf, blen, "%.*s", (int)(e - kn), kn);
				}
			}
			if (*e == '\0')
				break;
		}
	}
	if (best != 0 && best <= 3 && best * 3 <= len)
		return buf;
	buf[0] = '\0';
	for (unsigned i = 0; i < sw_conf_nkeys; i++) {
		const char *kn = sw_conf_keys[i].name, *kl = strrchr(kn, '.');

		kl = kl ? kl + 1 : kn;
		if (*last != '\0' && strcmp(kl, last) == 0 && strcmp(kn, name) != 0) {
			snprintf(buf, blen, "%s", kn);
			break;
		}
	}
	return buf;
}

static int
unknown(struct ld *l, size_t line, const char *name)
{
	char s[NAME_MAX_LEN + 1], sh[80];

	suggest(name, s, sizeof(s));
	show(name, strlen(name), sh, sizeof(sh));
	if (s[0] != '\0')
		return fail(l, line, "unknown key '%s' (did you mean '%s'?)", sh, s);
	return fail(l, line, "unknown key '%s' (scanwatch --dump-config lists every key)", sh);
}

/* ---- YAML ---- */

static const char *
kind(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_SCALAR_EVENT:
		return "a value";
	default:
		return "something else";
	}
}

static size_t
line_of(const struct ld *l)
{
	return l->ev.start_mark.line + 1;
}

static int
syntax_error(struct ld *l)
{
	const yaml_parser_t *p = &l->p;
	const char *where = l->name ? l->name : "--set";

	if (p->error == YAML_MEMORY_ERROR) {
		put_err(l->err, l->errlen, "%s: out of memory while reading YAML", where);
		return -ENOMEM;
	}
	if (p->error == YAML_READER_ERROR) {
		if (p->problem_value != -1)
			put_err(l->err, l->errlen, "%s: byte %zu: %s (0x%02x); the file must be UTF-8 text",
				where, p->problem_offset, p->problem, p->problem_value);
		else
			put_err(l->err, l->errlen, "%s: byte %zu: %s; the file must be UTF-8 text",
				where, p->problem_offset, p->problem ? p->problem : "read error");
		return -EINVAL;
	}
	if (l->name == NULL)
		put_err(l->err, l->errlen, "--set: %s: YAML syntax error at column %zu of the "
			"value: %s; write a list as a,b or [\"a,b\", c]",
			l->setkey ? l->setkey : "?", p->problem_mark.column + 1,
			p->problem ? p->problem : "?");
	else if (p->context != NULL)
		put_err(l->err, l->errlen, "%s line %zu column %zu: YAML syntax error: %s (%s at line %zu)",
			where, p->problem_mark.line + 1, p->problem_mark.column + 1,
			p->problem ? p->problem : "?", p->context, p->context_mark.line + 1);
	else
		put_err(l->err, l->errlen, "%s line %zu column %zu: YAML syntax error: %s",
			where, p->problem_mark.line + 1, p->problem_mark.column + 1,
			p->problem ? p->problem : "?");
	return -EINVAL;
}

static int
next(struct ld *l)
{
	yaml_event_delete(&l->ev);
	if (!yaml_parser_parse(&l->p, &l->ev))
		return syntax_error(l);
	if (l->ev.type == YAML_ALIAS_EVENT)
		return fail(l, line_of(l), "YAML aliases (*%s) are not supported; write the value out",
			    (const char *)l->ev.data.alias.anchor);
	return 0;
}

static const char *
scalar(const struct ld *l, size_t *len)
{
	*len = l->ev.data.scalar.length;
	return (const char *)l->ev.data.scalar.value;
}

static int
plain_empty(const struct ld *l)
{
	return l->ev.type == YAML_SCALAR_EVENT && l->ev.data.scalar.length == 0 &&
	       l->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* After SEQUENCE_START: entries up to SEQUENCE_END replace list k. */
static int
read_seq(struct ld *l, const struct sw_conf_key *k)
{
	struct sw_strlist *list = field(&l->tmp, k);
	char why[512];
	size_t len;
	const char *v;
	int rc;

	list_clear(list);
	for (;;) {
		rc = next(l);
		if (rc < 0)
			return rc;
		if (l->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (l->ev.type != YAML_SCALAR_EVENT)
			return fail(l, line_of(l), "%s entries must be strings, not %s",
				    k->name, kind(&l->ev));
		v = scalar(l, &len);
		if (list_add(k, list, v, len, why, sizeof(why)) < 0)
			return fail(l, line_of(l), "%s", why);
	}
}

static int
seen(struct ld *l, const struct sw_conf_key *k, size_t line)
{
	unsigned i = (unsigned)(k - sw_conf_keys);

	if (l->line[i] != 0)
		return fail(l, line, "%s is given twice (lines %u and %zu); keep one",
			    k->name, l->line[i], line);
	l->line[i] = (unsigned)line;
	return 0;
}

/* After MAPPING_START of section prefix ("" = top level). */
static int
read_map(struct ld *l, const char *prefix)
{
	char name[NAME_MAX_LEN + 1], why[512], expect[256], sh[80];
	const struct sw_conf_key *k, *sec;
	size_t len, kline;
	const char *v;
	int rc, o;

	for (;;) {
		rc = next(l);
		if (rc < 0)
			return rc;
		if (l->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		kline = line_of(l);
		if (l->ev.type != YAML_SCALAR_EVENT)
			return fail(l, kline, "keys must be plain names, not %s%s%s",
				    kind(&l->ev), *prefix ? " (in section " : "",
				    *prefix ? prefix : "");
		v = scalar(l, &len);
		o = snprintf(name, sizeof(name), "%s%s%.*s", prefix, *prefix ? "." : "",
			     (int)len, v);
		if (o < 0 || (size_t)o >= sizeof(name) || strlen(name) != (size_t)o)
			return fail(l, kline, "unknown key '%s%s%s'", prefix, *prefix ? "." : "",
				    show(v, len, sh, sizeof(sh)));

		rc = next(l);
		if (rc < 0)
			return rc;
		k = sw_conf_key_find(name);
		sec = k ? NULL : section_of(name);
		if (k == NULL && sec == NULL)
			return unknown(l, kline, name);
		if (k != NULL)
			sw_conf_key_expect(k, expect, sizeof(expect));

		switch (l->ev.type) {
		case YAML_MAPPING_START_EVENT:
			if (k != NULL)
				return fail(l, kline, "%s must be %s, not a mapping", name, expect);
			rc = read_map(l, name);
			break;
		case YAML_SEQUENCE_START_EVENT:
			if (k == NULL)
				return fail(l, kline, "%s is a section; it takes a mapping of "
					    "keys such as '%s', not a list", name, sec->name);
			if (k->type != SW_CONF_LIST)
				return fail(l, kline, "%s must be %s, not a list", name, expect);
			rc = seen(l, k, kline);
			if (rc == 0)
				rc = read_seq(l, k);
			break;
		case YAML_SCALAR_EVENT:
			if (k == NULL) {
				if (plain_empty(l))	/* "capture:" with all keys commented out */
					break;
				v = scalar(l, &len);
				return fail(l, kline, "%s is a section; it takes a mapping of "
					    "keys such as '%s', not a value (got '%s')", name,
					    sec->name, show(v, len, sh, sizeof(sh)));
			}
			rc = seen(l, k, kline);
			if (rc < 0)
				return rc;
			if (k->type == SW_CONF_LIST) {
				if (plain_empty(l)) {
					list_clear(field(&l->tmp, k));
					break;
				}
				v = scalar(l, &len);
				return fail(l, kline, "%s must be %s, written as a YAML list "
					    "such as [a, b] (got '%s')", name, expect,
					    show(v, len, sh, sizeof(sh)));
			}
			v = scalar(l, &len);
			if (set_scalar(&l->tmp, k, v, len, why, sizeof(why)) < 0)
				return fail(l, line_of(l), "%s", why);
			break;
		default:
			return fail(l, kline, "unexpected YAML event after key '%s'", name);
		}
		if (rc < 0)
			return rc;
	}
}

static int
read_doc(struct ld *l)
{
	int rc;

	if ((rc = next(l)) < 0)			/* STREAM_START */
		return rc;
	if ((rc = next(l)) < 0)
		return rc;
	if (l->ev.type == YAML_STREAM_END_EVENT)	/* empty input */
		return 0;
	if ((rc = next(l)) < 0)			/* root node */
		return rc;
	if (l->ev.type == YAML_MAPPING_START_EVENT)
		rc = read_map(l, "");
	else if (!plain_empty(l))
		return fail(l, line_of(l), "the top level must be a mapping of keys "
			    "such as 'capture:', not %s", kind(&l->ev));
	if (rc < 0)
		return rc;
	if ((rc = next(l)) < 0)			/* DOCUMENT_END */
		return rc;
	if ((rc = next(l)) < 0)
		return rc;
	if (l->ev.type != YAML_STREAM_END_EVENT)
		return fail(l, line_of(l), "a second YAML document ('---') follows; "
			    "put all keys in one document");
	return 0;
}

static struct ld *
ld_new(const struct sw_conf *c, const char *name, char *err, size_t errlen)
{
	struct ld *l = calloc(1, sizeof(*l));

	if (l == NULL) {
		put_err(err, errlen, "%s: out of memory", name ? name : "--set");
		return NULL;
	}
	memcpy(&l->tmp, c, sizeof(*c));
	l->name = name;
	l->err = err;
	l->errlen = errlen;
	if (!yaml_parser_initialize(&l->p)) {
		put_err(err, errlen, "%s: out of memory", name ? name : "--set");
		free(l);
		return NULL;
	}
	return l;
}

static int
ld_end(struct ld *l, struct sw_conf *c, int rc)
{
	if (rc == 0)
		memcpy(c, &l->tmp, sizeof(*c));
	yaml_event_delete(&l->ev);
	yaml_parser_delete(&l->p);
	free(l);
	return rc;
}

int
sw_conf_load_string(struct sw_conf *c, const char *yaml, const char *name,
		    char *err, size_t errlen)
{
	struct ld *l = ld_new(c, name ? name : "config", err, errlen);

	if (l == NULL)
		return -ENOMEM;
	yaml_parser_set_input_string(&l->p, (const unsigned char *)yaml, strlen(yaml));
	return ld_end(l, c, read_doc(l));
}

int
sw_conf_load_file(struct sw_conf *c, const char *path, char *err, size_t errlen)
{
	struct stat st;
	struct ld *l;
	FILE *f;
	int rc;

	f = fopen(path, "rb");
	if (f == NULL) {
		rc = -errno;
		put_err(err, errlen, "%s: cannot open config file: %s (check the -c path)",
			path, strerror(-rc));
		return rc;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		put_err(err, errlen, "%s: is a directory; -c takes a YAML file", path);
		fclose(f);
		return -EISDIR;
	}
	l = ld_new(c, path, err, errlen);
	if (l == NULL) {
		fclose(f);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&l->p, f);
	rc = ld_end(l, c, read_doc(l));
	if (rc == 0 && ferror(f)) {
		put_err(err, errlen, "%s: read error", path);
		rc = -EIO;
	}
	fclose(f);
	return rc;
}

/* ---- --set ---- */

/* value is a YAML flow sequence: ["a,b", c] */
static int
set_flow(struct ld *l, const struct sw_conf_key *k, const char *value)
{
	int rc;

	l->setkey = k->name;
	yaml_parser_set_input_string(&l->p, (const unsigned char *)value, strlen(value));
	if ((rc = next(l)) < 0 || (rc = next(l)) < 0 || (rc = next(l)) < 0)
		return rc;
	if (l->ev.type != YAML_SEQUENCE_START_EVENT)
		return fail(l, 0, "%s takes a list: a,b or [\"a,b\", c]", k->name);
	if ((rc = read_seq(l, k)) < 0)
		return rc;
	if ((rc = next(l)) < 0 || (rc = next(l)) < 0)
		return rc;
	if (l->ev.type != YAML_STREAM_END_EVENT)
		return fail(l, 0, "%s: unexpected text after the closing ']'", k->name);
	return 0;
}

int
sw_conf_set(struct sw_conf *c, const char *kv, char *err, size_t errlen)
{
	char name[NAME_MAX_LEN + 1], why[512], sh[80];
	const char *eq = strchr(kv, '='), *value;
	const struct sw_conf_key *k, *sec;
	struct ld *l;
	size_t nlen;
	int rc = 0;

	if (eq == NULL || eq == kv) {
		put_err(err, errlen, "--set: '%s' must be key=value, e.g. capture.workers=4",
			show(kv, strlen(kv), sh, sizeof(sh)));
		return -EINVAL;
	}
	nlen = (size_t)(eq - kv);
	value = eq + 1;
	if (nlen >= sizeof(name)) {
		put_err(err, errlen, "--set: unknown key '%s'", show(kv, nlen, sh, sizeof(sh)));
		return -EINVAL;
	}
	memcpy(name, kv, nlen);
	name[nlen] = '\0';

	l = ld_new(c, NULL, err, errlen);
	if (l == NULL)
		return -ENOMEM;
	k = sw_conf_key_find(name);
	if (k == NULL) {
		sec = section_of(name);
		/* an example with a value reads better than "capture.interfaces=" */
		for (unsigned i = 0; sec != NULL && sec->def[0] == '\0' && i < sw_conf_nkeys; i++)
			if (sw_conf_keys[i].def[0] != '\0' &&
			    strncmp(sw_conf_keys[i].name, name, nlen) == 0 &&
			    sw_conf_keys[i].name[nlen] == '.')
				sec = &sw_conf_keys[i];
		if (sec != NULL)
			rc = fail(l, 0, "%s is a section; set one of its keys, e.g. %s=%s",
				  name, sec->name, sec->def);
		else
			rc = unknown(l, 0, name);
		return ld_end(l, c, rc);
	}
	if (k->type != SW_CONF_LIST) {
		/* why names the key and the expected form already */
		if (set_scalar(&l->tmp, k, value, strlen(value), why, sizeof(why)) < 0)
			rc = fail(l, 0, "%s", why);
		return ld_end(l, c, rc);
	}
	if (value[0] == '[')
		return ld_end(l, c, set_flow(l, k, value));

	/* comma-separated */
	struct sw_strlist *list = field(&l->tmp, k);

	list_clear(list);
	while (*value != '\0' && rc == 0) {
		size_t len = strcspn(value, ",");

		/* free-form entries may well have meant to hold the comma */
		if (list_add(k, list, value, len, why, sizeof(why)) < 0)
			rc = k->values != NULL ? fail(l, 0, "%s", why) :
			     fail(l, 0, "%s (an entry holding a comma needs the list form: "
				  "%s='[\"a,b\", c]')", why, k->name);
		value += len;
		if (*value == ',' && rc == 0) {
			value++;
			if (*value == '\0')
				rc = fail(l, 0, "%s entries must not be empty (trailing comma)",
					  k->name);
		}
	}
	return ld_end(l, c, rc);
}

/* ---- defaults and validation ---- */

void
sw_conf_defaults(struct sw_conf *c)
{
	char err[512];

	memset(c, 0, sizeof(*c));	/* also padding, so structs compare with memcmp */
	for (unsigned i = 0; i < sw_conf_nkeys; i++) {
		char kv[NAME_MAX_LEN + SW_MAX_STR + 2];

		snprintf(kv, sizeof(kv), "%s=%s", sw_conf_keys[i].name, sw_conf_keys[i].def);
		/* the defaults are checked by tests/test_conf.c; cannot fail */
		(void)sw_conf_set(c, kv, err, sizeof(err));
	}
}

/* One key's value as it now stands in c: the same checks as when set. */
static int
key_ok(const struct sw_conf *c, const struct sw_conf_key *k, char *why, size_t n)
{
	const void *f = cfield(c, k);
	char num[64];

	switch (k->type) {
	case SW_CONF_U32: {
		uint32_t x;

		memcpy(&x, f, sizeof(x));
		snprintf(num, sizeof(num), "%u", x);
		return u32_ok(k, x, num, strlen(num), why, n);
	}
	case SW_CONF_DOUBLE: {
		double x;

		memcpy(&x, f, sizeof(x));
		snprintf(num, sizeof(num), "%.17g", x);
		return dbl_ok(k, x, num, strlen(num), why, n);
	}
	case SW_CONF_ENUM:
	case SW_CONF_STR: {
		const char *s = f;
		size_t len = strnlen(s, k->size);

		if (len == k->size) {
			snprintf(why, n, "%s is not NUL-terminated within %zu bytes", k->name, k->size);
			return -EINVAL;
		}
		if (k->type == SW_CONF_ENUM && !in_values(k->values, s, len))
			return must(k, s, len, why, n);
		return str_ok(k, "", s, len, k->size, why, n);
	}
	case SW_CONF_LIST: {
		const struct sw_strlist *l = f;

		if (l->n > (unsigned)k->max) {
			snprintf(why, n, "%s has %u entries; at most %.0f are allowed",
				 k->name, l->n, k->max);
			return -EINVAL;
		}
		for (unsigned i = 0; i < l->n; i++) {
			size_t len = strnlen(l->v[i], SW_MAX_STR);

			if (len == SW_MAX_STR) {
				snprintf(why, n, "%s entry %u is not NUL-terminated", k->name, i);
				return -EINVAL;
			}
			if (entry_ok(k, l, i, l->v[i], len, why, n) < 0)
				return -EINVAL;
		}
		return 0;
	}
	}
	return 0;
}

int
sw_conf_validate(const struct sw_conf *c, char *err, size_t errlen)
{
	const struct sw_conf_timescale *ts = c->ts;
	char why[512];

	for (unsigned i = 0; i < sw_conf_nkeys; i++) {
		if (key_ok(c, &sw_conf_keys[i], why, sizeof(why)) < 0) {
			put_err(err, errlen, "config: %s", why);
			return -EINVAL;
		}
	}
	for (unsigned i = 0; i < SW_MAX_TIMESCALES; i++) {
		const char *s = sw_timescale_names[i];

		if (i > 0 && ts[i].window_s <= ts[i - 1].window_s) {
			put_err(err, errlen, "config: windows.%s.window (%u) must be longer than "
				"windows.%s.window (%u); time scales go fast < medium < slow",
				s, ts[i].window_s, sw_timescale_names[i - 1], ts[i - 1].window_s);
			return -EINVAL;
		}
	}
	if (c->trw_theta1 >= c->trw_theta0) {
		put_err(err, errlen, "config: detect.trw.scanner-success (%g) must be below "
			"detect.trw.benign-success (%g)", c->trw_theta1, c->trw_theta0);
		return -EINVAL;
	}
	if (c->trw_alpha >= c->trw_beta) {
		put_err(err, errlen, "config: detect.trw.false-positive (%g) must be below "
			"detect.trw.detection (%g)", c->trw_alpha, c->trw_beta);
		return -EINVAL;
	}
	/* fewer filter bits than contacts saturates the filter: every contact looks old */
	if (c->filter_bits_log2 < 32 && c->filter_capacity > (1ull << c->filter_bits_log2)) {
		put_err(err, errlen, "config: sketch.filter-capacity (%u) exceeds the 2^%u bits "
			"of the filter; raise sketch.filter-bits to at least %u",
			c->filter_capacity, c->filter_bits_log2,
			32 - __builtin_clz(c->filter_capacity - 1));
		return -EINVAL;
	}
	if (c->burst > c->rx_desc) {
		put_err(err, errlen, "config: capture.burst (%u) must not exceed "
			"capture.rx-descriptors (%u)", c->burst, c->rx_desc);
		return -EINVAL;
	}
	return 0;
}

/* ---- dump ---- */

/* Plain YAML needs no quotes: a conservative set that no YAML rule touches. */
static int
plain_safe(const char *s)
{
	if (s[0] == '\0' || strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_/", s[0]) == NULL)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789_./-") == strlen(s);
}

/* YAML 1.1 printable set, which libyaml enforces on input */
static int
yaml_printable(uint32_t cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0x7e) ||
	       cp == 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) ||
	       (cp >= 0xe000 && cp <= 0xfffd && cp != 0xfeff) ||
	       (cp >= 0x10000 && cp <= 0x10ffff);
}

/* Strings hold valid UTF-8 (checked when set), so decoding cannot go wrong. */
static void
put_str(const char *s, FILE *out)
{
	const unsigned char *p = (const unsigned char *)s;

	if (plain_safe(s)) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	while (*p != '\0') {
		uint32_t cp = *p;
		unsigned n = 0;

		if (cp >= 0xf0)
			n = 3, cp &= 0x07;
		else if (cp >= 0xe0)
			n = 2, cp &= 0x0f;
		else if (cp >= 0xc0)
			n = 1, cp &= 0x1f;
		for (unsigned j = 1; j <= n && p[j] != '\0'; j++)
			cp = (cp << 6) | (p[j] & 0x3f);

		if (cp == '"' || cp == '\\')
			fprintf(out, "\\%c", (int)cp);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\t')
			fputs("\\t", out);
		else if (cp < 0x80 && (cp < 0x20 || cp == 0x7f))
			fprintf(out, "\\x%02x", (unsigned)cp);
		else if (!yaml_printable(cp) || cp == 0x85)
			fprintf(out, cp > 0xffff ? "\\U%08x" : "\\u%04x", (unsigned)cp);
		else
			fwrite(p, 1, n + 1, out);
		p += n + 1;
	}
	fputc('"', out);
}

/* Shortest text that strtod reads back to exactly x. */
static void
put_double(double x, FILE *out)
{
	char buf[40];

	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	fputs(buf, out);
}

static void
put_value(const struct sw_conf *c, const struct sw_conf_key *k, FILE *out)
{
	const void *f = cfield(c, k);

	switch (k->type) {
	case SW_CONF_U32:
		fprintf(out, "%u", *(const uint32_t *)f);
		break;
	case SW_CONF_DOUBLE:
		put_double(*(const double *)f, out);
		break;
	case SW_CONF_STR:
	case SW_CONF_ENUM:
		if (*(const char *)f == '\0')
			fputs("\"\"", out);
		else
			put_str(f, out);
		break;
	case SW_CONF_LIST: {
		const struct sw_strlist *l = f;

		fputc('[', out);
		for (unsigned i = 0; i < l->n; i++) {
			if (i > 0)
				fputs(", ", out);
			put_str(l->v[i], out);
		}
		fputc(']', out);
		break;
	}
	}
}

/* Length of the i-th dot-separated part of name, and its start in *part. */
static size_t
part(const char *name, unsigned i, const char **start)
{
	const char *s = name;

	*start = "";
	while (i-- > 0) {
		s = strchr(s, '.');
		if (s == NULL)
			return 0;
		s++;
	}
	*start = s;
	return strcspn(s, ".");
}

static unsigned
nparts(const char *name)
{
	unsigned n = 1;

	for (; *name; name++)
		n += *name == '.';
	return n;
}

int
sw_conf_dump(const struct sw_conf *c, FILE *out)
{
	const char *prev = "";

	fputs("# scanwatch configuration: every key with its value\n", out);
	for (unsigned i = 0; i < sw_conf_nkeys; i++) {
		const struct sw_conf_key *k = &sw_conf_keys[i];
		unsigned np = nparts(k->name), pp = nparts(prev), common = 0;
		const char *a, *b;
		size_t la, lb;

		/* sections shared with the previous key are open already */
		while (common + 1 < np && common + 1 < pp) {
			la = part(k->name, common, &a);
			lb = part(prev, common, &b);
			if (la != lb || memcmp(a, b, la) != 0)
				break;
			common++;
		}
		for (unsigned d = common; d + 1 < np; d++) {
			la = part(k->name, d, &a);
			fprintf(out, "%*s%.*s:\n", (int)(2 * d), "", (int)la, a);
		}
		la = part(k->name, np - 1, &a);
		fprintf(out, "%*s%.*s: ", (int)(2 * (np - 1)), "", (int)la, a);
		put_value(c, k, out);
		fprintf(out, "  # %s\n", k->help);
		prev = k->name;
	}
	fflush(out);
	return ferror(out) ? -EIO : 0;
}
