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
 * outputs: is a list of mappings whose keys are rows of sw_output_keys[],
 * read by the same code with the entry as base. A file that gives outputs:
 * replaces the list, and each entry is checked as a whole (type, keys that
 * apply to it, keys it needs) when its mapping ends, so the message can point
 * at the line. --set outputs.N.KEY=VALUE (or outputs[N].KEY) edits entry N;
 * N equal to the count appends one; outputs= or outputs=[] empties the list.
 * An entry without a name gets "<type><N>", written in so that --dump-config
 * shows it; a name that was so filled in follows a --set of the type.
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
#include <sys/un.h>

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
	/* the same for the keys of each outputs: entry, and where each starts */
	unsigned oline[SW_MAX_OUTPUTS][SW_CONF_MAX_KEYS];
	unsigned ostart[SW_MAX_OUTPUTS];
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
		if (k->form != NULL)
			snprintf(buf, len, "%s", k->form);
		else
			snprintf(buf, len, "a string of at most %zu bytes", k->size - 1);
		return;
	case SW_CONF_OUTPUTS:
		snprintf(buf, len, "a list of at most %.0f mappings such as "
			 "{type: file, path: eve.json}", k->max);
		return;
	case SW_CONF_ENUM:
	case SW_CONF_LIST:
		if (k->type == SW_CONF_ENUM)
			o = (size_t)snprintf(buf, len, "one of ");
		else if (k->values != NULL && k->min > 0)
			o = (size_t)snprintf(buf, len, "a list of %.0f..%.0f of ", k->min, k->max);
		else if (k->values != NULL)
			o = (size_t)snprintf(buf, len, "a list of at most %.0f of ", k->max);
		else if (k->form != NULL)
			o = (size_t)snprintf(buf, len, "a list of at most %.0f entries like %s",
					     k->max, k->form);
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

/* base: the struct sw_conf, or the struct sw_output_conf of an output key */
static void *
field(void *base, const struct sw_conf_key *k)
{
	return (char *)base + k->off;
}

static const void *
cfield(const void *base, const struct sw_conf_key *k)
{
	return (const char *)base + k->off;
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

/* A list just read or set has enough entries (events: needs one). */
static int
list_min_ok(const struct sw_conf_key *k, const struct sw_strlist *l, char *why, size_t n)
{
	char expect[256];

	if (l->n >= (unsigned)k->min)
		return 0;
	sw_conf_key_expect(k, expect, sizeof(expect));
	snprintf(why, n, "%s must be %s (got %s)", k->name, expect,
		 l->n == 0 ? "an empty list" : "too few entries");
	return -EINVAL;
}

/* A non-empty string with a form of its own (an address, a name ...). */
static int
str_check(const struct sw_conf_key *k, const char *s, size_t len, char *why, size_t n)
{
	char reason[200], sh[80];

	if (k->check == NULL || len == 0 || k->check(s, reason, sizeof(reason)) == 0)
		return 0;
	snprintf(why, n, "%s '%s': %s", k->name, show(s, len, sh, sizeof(sh)), reason);
	return -EINVAL;
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

/* A scalar key of base from text of len bytes (may hold NULs when from YAML). */
static int
set_scalar(void *base, const struct sw_conf_key *k, const char *v, size_t len,
	   char *why, size_t n)
{
	char buf[64], str[SW_MAX_STR], *end;
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
			*(uint32_t *)field(base, k) = (uint32_t)x;
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
			*(double *)field(base, k) = x;
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
		/* k->size <= SW_MAX_STR for every string row */
		memcpy(str, v, len);
		str[len] = '\0';
		rc = str_check(k, str, len, why, n);
		if (rc < 0)
			return rc;
		memset(field(base, k), 0, k->size);
		memcpy(field(base, k), v, len);
		return 0;
	case SW_CONF_LIST:
	case SW_CONF_OUTPUTS:
		break;
	}
	snprintf(why, n, "%s is a list", k->name);
	return -EINVAL;
}

/*
 * --set text for key k of base: a scalar, or a comma-separated list. setname
 * is the key as the user wrote it, for the hint about the flow form.
 */
static int
set_text(void *base, const struct sw_conf_key *k, const char *value, const char *setname,
	 char *why, size_t n)
{
	struct sw_strlist *list = field(base, k);
	int rc;

	if (k->type != SW_CONF_LIST)
		return set_scalar(base, k, value, strlen(value), why, n);
	list_clear(list);
	while (*value != '\0') {
		size_t len = strcspn(value, ",");

		rc = list_add(k, list, value, len, why, n);
		/* free-form entries may well have meant to hold the comma */
		if (rc < 0 && k->values == NULL) {
			size_t o = strlen(why);

			snprintf(why + o, n - o, " (an entry holding a comma needs the list "
				 "form: %s='[\"a,b\", c]')", setname);
		}
		if (rc < 0)
			return rc;
		value += len;
		if (*value == ',') {
			value++;
			if (*value == '\0') {
				snprintf(why, n, "%s entries must not be empty (trailing comma)",
					 k->name);
				return -EINVAL;
			}
		}
	}
	return list_min_ok(k, list, why, n);
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
 * Closest key or section of table tab to an unknown name: by edit distance
 * over names and their section prefixes ("captur" -> "capture"), else a key
 * ending in the same last part ("dpdk.burst" -> "capture.burst"). Into buf;
 * "" if none.
 */
static const char *
suggest(const struct sw_conf_key *tab, unsigned nkeys, const char *name, char *buf,
	size_t blen)
{
	size_t len = strlen(name);
	unsigned best = ~0u;
	const char *last = strrchr(name, '.');

	buf[0] = '\0';
	last = last ? last + 1 : name;
	for (unsigned i = 0; i < nkeys; i++) {
		const char *kn = tab[i].name;

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
	for (unsigned i = 0; i < nkeys; i++) {
		const char *kn = tab[i].name, *kl = strrchr(kn, '.');

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
	const char *last = strrchr(name, '.');

	suggest(sw_conf_keys, sw_conf_nkeys, name, s, sizeof(s));
	show(name, strlen(name), sh, sizeof(sh));
	if (s[0] != '\0')
		return fail(l, line, "unknown key '%s' (did you mean '%s'?)", sh, s);
	/* "topic:" or "output: {type: file}" where an outputs: entry was meant */
	if ((last == NULL || strncmp(name, "output.", 7) == 0) &&
	    sw_output_key_find(last ? last + 1 : name) != NULL)
		return fail(l, line, "unknown key '%s'; %s is a key of an entry of the outputs: "
			    "list, e.g. outputs: [{type: file, path: eve.json}]", sh,
			    last ? last + 1 : name);
	return fail(l, line, "unknown key '%s' (scanwatch --dump-config lists every key)", sh);
}

/* ---- outputs: entries ---- */

static int key_ok(const void *base, const struct sw_conf_key *k, char *why, size_t n);

/* "outputs[2] (syslog): ", as messages about entry i begin; the type once known */
static const char *
out_pre(const struct sw_output_conf *o, unsigned i, char *buf, size_t n)
{
	if (memchr(o->type, '\0', sizeof(o->type)) != NULL && sw_output_type_bit(o->type))
		snprintf(buf, n, "outputs[%u] (%s): ", i, o->type);
	else
		snprintf(buf, n, "outputs[%u]: ", i);
	return buf;
}

/* "file and unix" */
static const char *
type_names(unsigned bits, char *buf, size_t n)
{
	size_t o = 0;
	unsigned left = (unsigned)__builtin_popcount(bits);

	buf[0] = '\0';
	for (unsigned i = 0; sw_output_types[i] != NULL && o < n; i++) {
		if (!(bits & (1u << i)))
			continue;
		left--;
		o += (size_t)snprintf(buf + o, n - o, "%s%s", sw_output_types[i],
				      left > 1 ? ", " : left == 1 ? " and " : "");
	}
	return buf;
}

/* The name an entry without one gets: "<type><index>" ("syslog1"). */
static void
default_name(const struct sw_output_conf *o, unsigned i, char *buf, size_t n)
{
	buf[0] = '\0';
	if (memchr(o->type, '\0', sizeof(o->type)) != NULL && sw_output_type_bit(o->type))
		snprintf(buf, n, "%s%u", o->type, i);
}

static void
fill_name(struct sw_output_conf *o, unsigned i)
{
	char def[sizeof(o->name)] = "";	/* zero-filled */

	if (o->name[0] != '\0')
		return;
	default_name(o, i, def, sizeof(def));
	memcpy(o->name, def, sizeof(def));	/* zero tail, as when set */
}

static int
unknown_out(struct ld *l, size_t line, const struct sw_output_conf *o, unsigned i,
	    const char *name)
{
	char s[NAME_MAX_LEN + 1], sh[80], pre[64], keys[512];
	unsigned bit = sw_output_type_bit(o->type);
	size_t n = 0;

	out_pre(o, i, pre, sizeof(pre));
	suggest(sw_output_keys, sw_output_nkeys, name, s, sizeof(s));
	show(name, strlen(name), sh, sizeof(sh));
	if (s[0] != '\0')
		return fail(l, line, "%sunknown key '%s' (did you mean '%s'?)", pre, sh, s);
	keys[0] = '\0';
	for (unsigned j = 0; j < sw_output_nkeys && n < sizeof(keys); j++)
		if (bit == 0 || (sw_output_keys[j].types & bit))
			n += (size_t)snprintf(keys + n, sizeof(keys) - n, "%s%s", n ? ", " : "",
					      sw_output_keys[j].name);
	return fail(l, line, "%sunknown key '%s'; %s%s output takes %s", pre, sh,
		    bit ? "a " : "an", bit ? o->type : "", keys);
}

/* Entries as just emptied: zeros, so that structs compare with memcmp. */
static void
outputs_clear(struct sw_conf *c)
{
	c->n_outputs = 0;
	memset(c->outputs, 0, sizeof(c->outputs));
}

/*
 * Checks of one entry as a whole: a type, the keys its type needs, no key of
 * another type, and what only the type knows. given[] marks the keys a file
 * wrote (by line); without it, a key counts as given when it is off its
 * default. On failure *at is the row at fault, or NULL for the entry.
 */
static int
output_ok(const struct sw_output_conf *o, const unsigned *given,
	  const struct sw_conf_key **at, char *why, size_t n)
{
	const struct sw_conf_key *props = sw_output_key_find("kafka-properties");
	struct sw_output_conf def;
	unsigned bit;
	char types[64];

	*at = NULL;
	if (o->type[0] == '\0') {
		snprintf(why, n, "type is required: one of file, unix, syslog, kafka "
			 "(e.g. type: file)");
		return -EINVAL;
	}
	sw_output_conf_defaults(&def);
	for (unsigned j = 0; j < sw_output_nkeys; j++) {
		const struct sw_conf_key *k = &sw_output_keys[j];

		*at = k;
		if (key_ok(o, k, why, n) < 0)
			return -EINVAL;
	}
	bit = sw_output_type_bit(o->type);
	for (unsigned j = 0; j < sw_output_nkeys; j++) {
		const struct sw_conf_key *k = &sw_output_keys[j];
		int set = given ? given[j] != 0 :
			  memcmp(cfield(o, k), cfield(&def, k), k->size) != 0;

		*at = k;
		if (set && !(k->types & bit)) {
			snprintf(why, n, "%s applies only to %s outputs; remove it", k->name,
				 type_names(k->types, types, sizeof(types)));
			return -EINVAL;
		}
		if ((k->needs & bit) && *(const char *)cfield(o, k) == '\0') {
			*at = NULL;
			snprintf(why, n, "%s is required for %s outputs; add '%s: ...' (%s)",
				 k->name, o->type, k->name, k->help);
			return -EINVAL;
		}
	}
	/* unix(7): sun_path holds the path and its NUL */
	if (bit == SW_OUT_UNIX && strlen(o->path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		*at = sw_output_key_find("path");
		snprintf(why, n, "path is %zu bytes long; a unix socket path holds at most %zu",
			 strlen(o->path), sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		return -EINVAL;
	}
	/* librdkafka would take the last of two settings silently */
	for (unsigned a = 0; a < o->kafka_props.n; a++) {
		size_t ka = strcspn(o->kafka_props.v[a], "=");

		for (unsigned b = 0; b < a; b++) {
			if (strcspn(o->kafka_props.v[b], "=") == ka &&
			    memcmp(o->kafka_props.v[a], o->kafka_props.v[b], ka) == 0) {
				*at = props;
				snprintf(why, n, "%s sets '%.*s' twice; keep one", props->name,
					 (int)ka, o->kafka_props.v[a]);
				return -EINVAL;
			}
		}
	}
	*at = NULL;
	return 0;
}

/*
 * Names are labels in statistics and telemetry keys: no two alike. An entry
 * without one would get its default. @return the earlier entry, or -1
 */
static int
name_taken(const struct sw_conf *c, unsigned i, char *a, size_t alen)
{
	char b[64];

	snprintf(a, alen, "%s", c->outputs[i].name);
	if (a[0] == '\0')
		default_name(&c->outputs[i], i, a, alen);
	for (unsigned j = 0; j < i && a[0] != '\0'; j++) {
		snprintf(b, sizeof(b), "%s", c->outputs[j].name);
		if (b[0] == '\0')
			default_name(&c->outputs[j], j, b, sizeof(b));
		if (strcmp(a, b) == 0)
			return (int)j;
	}
	return -1;
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

/* After SEQUENCE_START: entries up to SEQUENCE_END replace list k of base. */
static int
read_seq(struct ld *l, void *base, const struct sw_conf_key *k, const char *pre, size_t kline)
{
	struct sw_strlist *list = field(base, k);
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
			break;
		if (l->ev.type != YAML_SCALAR_EVENT)
			return fail(l, line_of(l), "%s%s entries must be strings, not %s",
				    pre, k->name, kind(&l->ev));
		v = scalar(l, &len);
		if (list_add(k, list, v, len, why, sizeof(why)) < 0)
			return fail(l, line_of(l), "%s%s", pre, why);
	}
	if (list_min_ok(k, list, why, sizeof(why)) < 0)
		return fail(l, kline, "%s%s", pre, why);
	return 0;
}

/* lines[]: where each row of k's table was set in this mapping */
static int
seen(struct ld *l, unsigned *lines, unsigned idx, const struct sw_conf_key *k,
     const char *pre, size_t line)
{
	if (lines[idx] != 0)
		return fail(l, line, "%s%s is given twice (lines %u and %zu); keep one",
			    pre, k->name, lines[idx], line);
	lines[idx] = (unsigned)line;
	return 0;
}

/*
 * The value event of key k (row idx of its table) of base, written at line
 * kline. pre begins messages: "" for global keys, "outputs[1] (syslog): ".
 */
static int
read_value(struct ld *l, void *base, const struct sw_conf_key *k, unsigned idx,
	   unsigned *lines, const char *pre, size_t kline)
{
	char why[512], expect[256], sh[80];
	const char *v;
	size_t len;
	int rc;

	sw_conf_key_expect(k, expect, sizeof(expect));
	switch (l->ev.type) {
	case YAML_MAPPING_START_EVENT:
		return fail(l, kline, "%s%s must be %s, not a mapping", pre, k->name, expect);
	case YAML_SEQUENCE_START_EVENT:
		if (k->type != SW_CONF_LIST)
			return fail(l, kline, "%s%s must be %s, not a list", pre, k->name, expect);
		rc = seen(l, lines, idx, k, pre, kline);
		return rc < 0 ? rc : read_seq(l, base, k, pre, kline);
	case YAML_SCALAR_EVENT:
		rc = seen(l, lines, idx, k, pre, kline);
		if (rc < 0)
			return rc;
		if (k->type == SW_CONF_LIST) {
			if (plain_empty(l)) {
				list_clear(field(base, k));
				if (list_min_ok(k, field(base, k), why, sizeof(why)) < 0)
					return fail(l, kline, "%s%s", pre, why);
				return 0;
			}
			v = scalar(l, &len);
			return fail(l, kline, "%s%s must be %s, written as a YAML list "
				    "such as [a, b] (got '%s')", pre, k->name, expect,
				    show(v, len, sh, sizeof(sh)));
		}
		v = scalar(l, &len);
		if (set_scalar(base, k, v, len, why, sizeof(why)) < 0)
			return fail(l, line_of(l), "%s%s", pre, why);
		return 0;
	default:
		return fail(l, kline, "%sunexpected YAML event after key '%s'", pre, k->name);
	}
}

/* After MAPPING_START of outputs[i] (defaults in place): its keys. */
static int
read_entry(struct ld *l, unsigned i)
{
	struct sw_output_conf *o = &l->tmp.outputs[i];
	const struct sw_conf_key *k, *at;
	char name[NAME_MAX_LEN + 1], pre[64], why[512], sh[80];
	size_t len, kline;
	const char *v;
	int rc;

	for (;;) {
		rc = next(l);
		if (rc < 0)
			return rc;
		if (l->ev.type == YAML_MAPPING_END_EVENT)
			break;
		kline = line_of(l);
		out_pre(o, i, pre, sizeof(pre));
		if (l->ev.type != YAML_SCALAR_EVENT)
			return fail(l, kline, "%skeys must be plain names, not %s", pre,
				    kind(&l->ev));
		v = scalar(l, &len);
		if (len >= sizeof(name) || strnlen(v, len) != len)
			return fail(l, kline, "%sunknown key '%s'", pre,
				    show(v, len, sh, sizeof(sh)));
		memcpy(name, v, len);
		name[len] = '\0';
		rc = next(l);
		if (rc < 0)
			return rc;
		k = sw_output_key_find(name);
		if (k == NULL)
			return unknown_out(l, kline, o, i, name);
		rc = read_value(l, o, k, (unsigned)(k - sw_output_keys), l->oline[i], pre, kline);
		if (rc < 0)
			return rc;
	}
	fill_name(o, i);
	if (output_ok(o, l->oline[i], &at, why, sizeof(why)) < 0) {
		kline = at != NULL && l->oline[i][at - sw_output_keys] != 0 ?
			l->oline[i][at - sw_output_keys] : l->ostart[i];
		return fail(l, kline, "%s%s", out_pre(o, i, pre, sizeof(pre)), why);
	}
	return 0;
}

/* The value of outputs: (a list of mappings) replaces the list. */
static int
read_outputs(struct ld *l, const struct sw_conf_key *k, size_t kline)
{
	struct sw_conf *c = &l->tmp;
	char sh[80], pre[64];
	const char *v;
	size_t len, line;
	int rc, j;

	switch (l->ev.type) {
	case YAML_SCALAR_EVENT:
		if (plain_empty(l)) {		/* "outputs:" = none */
			outputs_clear(c);
			return 0;
		}
		v = scalar(l, &len);
		return fail(l, kline, "%s must be a list of mappings, one per output, such as "
			    "[{type: file, path: eve.json}] (got '%s')", k->name,
			    show(v, len, sh, sizeof(sh)));
	case YAML_MAPPING_START_EVENT:
		return fail(l, kline, "%s must be a list with one mapping per output; begin "
			    "each with a dash: '- type: file'", k->name);
	case YAML_SEQUENCE_START_EVENT:
		break;
	default:
		return fail(l, kline, "unexpected YAML event after key '%s'", k->name);
	}
	outputs_clear(c);
	memset(l->oline, 0, sizeof(l->oline));
	for (;;) {
		rc = next(l);
		if (rc < 0)
			return rc;
		if (l->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		line = line_of(l);
		if (l->ev.type != YAML_MAPPING_START_EVENT)
			return fail(l, line, "%s entries must be mappings such as "
				    "{type: file, path: eve.json}, not %s", k->name, kind(&l->ev));
		if (c->n_outputs >= SW_MAX_OUTPUTS)
			return fail(l, line, "%s has too many entries; at most %d are allowed",
				    k->name, SW_MAX_OUTPUTS);
		sw_output_conf_defaults(&c->outputs[c->n_outputs]);
		l->ostart[c->n_outputs] = (unsigned)line;
		rc = read_entry(l, c->n_outputs++);
		if (rc < 0)
			return rc;
	}
	for (unsigned i = 0; i < c->n_outputs; i++) {
		unsigned nl = l->oline[i][sw_output_key_find("name") - sw_output_keys];
		char nm[64];

		j = name_taken(c, i, nm, sizeof(nm));
		if (j >= 0)
			return fail(l, nl ? nl : l->ostart[i], "%sname '%s' is also the name of "
				    "outputs[%d]; give each output its own name",
				    out_pre(&c->outputs[i], i, pre, sizeof(pre)), nm, j);
	}
	return 0;
}

/* After MAPPING_START of section prefix ("" = top level). */
static int
read_map(struct ld *l, const char *prefix)
{
	char name[NAME_MAX_LEN + 1], sh[80];
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

		if (k != NULL && k->type == SW_CONF_OUTPUTS) {
			rc = seen(l, l->line, (unsigned)(k - sw_conf_keys), k, "", kline);
			if (rc == 0)
				rc = read_outputs(l, k, kline);
		} else if (k != NULL) {
			rc = read_value(l, &l->tmp, k, (unsigned)(k - sw_conf_keys), l->line, "",
					kline);
		} else if (l->ev.type == YAML_MAPPING_START_EVENT) {
			rc = read_map(l, name);
		} else if (l->ev.type == YAML_SEQUENCE_START_EVENT) {
			/* "output:" for "outputs:" */
			const struct sw_conf_key *near = NULL;

			for (unsigned i = 0; i < sw_conf_nkeys; i++)
				if ((sw_conf_keys[i].type == SW_CONF_LIST ||
				     sw_conf_keys[i].type == SW_CONF_OUTPUTS) &&
				    edit_distance(name, strlen(name), sw_conf_keys[i].name,
						  strlen(sw_conf_keys[i].name)) == 1)
					near = &sw_conf_keys[i];
			if (near != NULL)
				return fail(l, kline, "%s is a section; it takes a mapping of keys "
					    "such as '%s', not a list (did you mean '%s'?)", name,
					    sec->name, near->name);
			return fail(l, kline, "%s is a section; it takes a mapping of "
				    "keys such as '%s', not a list", name, sec->name);
		} else if (l->ev.type == YAML_SCALAR_EVENT) {
			if (plain_empty(l))	/* "capture:" with all keys commented out */
				continue;
			v = scalar(l, &len);
			return fail(l, kline, "%s is a section; it takes a mapping of "
				    "keys such as '%s', not a value (got '%s')", name,
				    sec->name, show(v, len, sh, sizeof(sh)));
		} else {
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

/* value is a YAML flow sequence: ["a,b", c]; setname is the key as given */
static int
set_flow(struct ld *l, void *base, const struct sw_conf_key *k, const char *value,
	 const char *setname, const char *pre)
{
	int rc;

	l->setkey = setname;
	yaml_parser_set_input_string(&l->p, (const unsigned char *)value, strlen(value));
	if ((rc = next(l)) < 0 || (rc = next(l)) < 0 || (rc = next(l)) < 0)
		return rc;
	if (l->ev.type != YAML_SEQUENCE_START_EVENT)
		return fail(l, 0, "%s takes a list: a,b or [\"a,b\", c]", setname);
	if ((rc = read_seq(l, base, k, pre, 0)) < 0)
		return rc;
	if ((rc = next(l)) < 0 || (rc = next(l)) < 0)
		return rc;
	if (l->ev.type != YAML_STREAM_END_EVENT)
		return fail(l, 0, "%s: unexpected text after the closing ']'", setname);
	return 0;
}

/* --set key of base: a scalar, a comma-separated list or a flow list */
static int
set_value(struct ld *l, void *base, const struct sw_conf_key *k, const char *value,
	  const char *setname, const char *pre)
{
	char why[512];

	if (k->type == SW_CONF_LIST && value[0] == '[')
		return set_flow(l, base, k, value, setname, pre);
	if (set_text(base, k, value, setname, why, sizeof(why)) < 0)
		return fail(l, 0, "%s%s", pre, why);
	return 0;
}

/* "outputs=" or "outputs=[]" empties the list; nothing else is a value */
static int
set_outputs(struct ld *l, const struct sw_conf_key *k, const char *value)
{
	const char *p = value;

	if (*p == '[') {
		p++;
		p += strspn(p, " ");
		p += *p == ']';
	}
	if (*p != '\0' || (value[0] == '[' && p[-1] != ']'))
		return fail(l, 0, "%s is set one key of one entry at a time: "
			    "outputs.N.KEY=VALUE, e.g. outputs.0.type=syslog "
			    "(outputs=[] empties the list)", k->name);
	outputs_clear(&l->tmp);
	return 0;
}

/*
 * outputs.N.KEY=VALUE or outputs[N].KEY=VALUE: key of entry N; N equal to
 * the count appends an entry with the defaults.
 */
static int
set_output(struct ld *l, const char *name, const char *value)
{
	struct sw_conf *c = &l->tmp;
	const char *p = name + strlen("outputs"), *key;
	char pre[64], oldname[64], sh[80], types[64];
	const struct sw_conf_key *k;
	struct sw_output_conf *o;
	unsigned long i = 0;
	size_t nd;
	unsigned bit;
	int brackets = *p == '[', rc;

	p++;
	nd = strspn(p, "0123456789");
	for (size_t j = 0; j < nd && j < 4; j++)
		i = i * 10 + (unsigned long)(p[j] - '0');
	key = p + nd;
	if (brackets)
		key += *key == ']';
	if (nd == 0 || nd > 3 || (brackets && key[-1] != ']') || *key != '.' || key[1] == '\0')
		return fail(l, 0, "'%s' is not a key; an entry's key is outputs.N.KEY, "
			    "e.g. outputs.0.type=syslog", show(name, strlen(name), sh, sizeof(sh)));
	key++;
	if (i > c->n_outputs)
		return fail(l, 0, "%s: there %s %u output%s so far; outputs.%u.KEY=VALUE "
			    "adds the next one", show(name, strlen(name), sh, sizeof(sh)),
			    c->n_outputs == 1 ? "is" : "are", c->n_outputs,
			    c->n_outputs == 1 ? "" : "s", c->n_outputs);
	if (i == c->n_outputs) {
		if (i >= SW_MAX_OUTPUTS)
			return fail(l, 0, "outputs has %d entries already; at most %d are allowed",
				    SW_MAX_OUTPUTS, SW_MAX_OUTPUTS);
		sw_output_conf_defaults(&c->outputs[i]);
		c->n_outputs++;
	}
	o = &c->outputs[i];
	out_pre(o, (unsigned)i, pre, sizeof(pre));
	k = sw_output_key_find(key);
	if (k == NULL)
		return unknown_out(l, 0, o, (unsigned)i, key);
	bit = sw_output_type_bit(o->type);
	if (bit != 0 && !(k->types & bit))
		return fail(l, 0, "%s%s applies only to %s outputs", pre, k->name,
			    type_names(k->types, types, sizeof(types)));
	default_name(o, (unsigned)i, oldname, sizeof(oldname));
	rc = set_value(l, o, k, value, name, pre);
	if (rc < 0)
		return rc;
	/* a name filled in for the old type follows the new one */
	if (k == sw_output_key_find("type") && oldname[0] != '\0' &&
	    strcmp(o->name, oldname) == 0)
		memset(o->name, 0, sizeof(o->name));
	fill_name(o, (unsigned)i);
	return 0;
}

int
sw_conf_set(struct sw_conf *c, const char *kv, char *err, size_t errlen)
{
	char name[NAME_MAX_LEN + 1], sh[80];
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
	if (strncmp(name, "outputs", 7) == 0 && (name[7] == '.' || name[7] == '['))
		return ld_end(l, c, set_output(l, name, value));
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
	if (k->type == SW_CONF_OUTPUTS)
		return ld_end(l, c, set_outputs(l, k, value));
	return ld_end(l, c, set_value(l, &l->tmp, k, value, k->name, ""));
}

/* ---- defaults and validation ---- */

void
sw_conf_defaults(struct sw_conf *c)
{
	char why[512];

	memset(c, 0, sizeof(*c));	/* also padding, so structs compare with memcmp */
	/*
	 * Straight into c, not through sw_conf_set: that copies the whole
	 * struct (outputs[] make it ~0.3 MB) per key. Every default is also
	 * given to sw_conf_set by tests/test_conf.c; none can fail.
	 */
	for (unsigned i = 0; i < sw_conf_nkeys; i++)
		if (sw_conf_keys[i].type != SW_CONF_OUTPUTS)	/* none: zeroed above */
			(void)set_text(c, &sw_conf_keys[i], sw_conf_keys[i].def,
				       sw_conf_keys[i].name, why, sizeof(why));
}

void
sw_output_conf_defaults(struct sw_output_conf *o)
{
	char why[512];

	memset(o, 0, sizeof(*o));
	for (unsigned i = 0; i < sw_output_nkeys; i++)
		if (sw_output_keys[i].def != NULL)	/* checked by tests; cannot fail */
			(void)set_text(o, &sw_output_keys[i], sw_output_keys[i].def,
				       sw_output_keys[i].name, why, sizeof(why));
}

/* Every entry of outputs: on its own, then names unique across them. */
static int
outputs_ok(const struct sw_conf *c, const struct sw_conf_key *k, char *why, size_t n)
{
	const struct sw_conf_key *at;
	char pre[64];
	size_t o;
	int j;

	if (c->n_outputs > (unsigned)k->max) {
		snprintf(why, n, "%s has %u entries; at most %.0f are allowed",
			 k->name, c->n_outputs, k->max);
		return -EINVAL;
	}
	for (unsigned i = 0; i < c->n_outputs; i++) {
		o = (size_t)snprintf(why, n, "%s", out_pre(&c->outputs[i], i, pre, sizeof(pre)));
		if (o >= n)
			o = n - 1;
		if (output_ok(&c->outputs[i], NULL, &at, why + o, n - o) < 0)
			return -EINVAL;
	}
	for (unsigned i = 0; i < c->n_outputs; i++) {
		char nm[64];

		j = name_taken(c, i, nm, sizeof(nm));
		if (j >= 0) {
			snprintf(why, n, "%sname '%s' is also the name of outputs[%d]; give each "
				 "output its own name", out_pre(&c->outputs[i], i, pre, sizeof(pre)),
				 nm, j);
			return -EINVAL;
		}
	}
	return 0;
}

/* One key's value as it now stands in base: the same checks as when set. */
static int
key_ok(const void *base, const struct sw_conf_key *k, char *why, size_t n)
{
	const void *f = cfield(base, k);
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
		if (str_ok(k, "", s, len, k->size, why, n) < 0)
			return -EINVAL;
		return str_check(k, s, len, why, n);
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
		return list_min_ok(k, l, why, n);
	}
	case SW_CONF_OUTPUTS:
		return outputs_ok(base, k, why, n);
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
put_value(const void *base, const struct sw_conf_key *k, FILE *out)
{
	const void *f = cfield(base, k);

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
	case SW_CONF_OUTPUTS:
		break;
	}
}

/*
 * outputs: one block mapping per entry, with every key its type takes (so
 * the dump documents them) and any other that is off its default (none in
 * a valid config; written so that nothing is lost silently).
 */
static void
put_outputs(const struct sw_conf *c, const struct sw_conf_key *k, FILE *out)
{
	struct sw_output_conf def;

	if (c->n_outputs == 0) {
		fprintf(out, "[]  # %s\n", k->help);
		return;
	}
	fprintf(out, " # %s\n", k->help);
	sw_output_conf_defaults(&def);
	for (unsigned i = 0; i < c->n_outputs && i < SW_MAX_OUTPUTS; i++) {
		const struct sw_output_conf *o = &c->outputs[i];
		unsigned bit = sw_output_type_bit(o->type);
		const char *lead = "  - ";

		for (unsigned j = 0; j < sw_output_nkeys; j++) {
			const struct sw_conf_key *ok = &sw_output_keys[j];

			if (ok->types != SW_OUT_ALL && !(ok->types & bit) &&
			    memcmp(cfield(o, ok), cfield(&def, ok), ok->size) == 0)
				continue;
			fprintf(out, "%s%s: ", lead, ok->name);
			put_value(o, ok, out);
			fprintf(out, "  # %s\n", ok->help);
			lead = "    ";
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
		prev = k->name;
		if (k->type == SW_CONF_OUTPUTS) {
			put_outputs(c, k, out);
			continue;
		}
		put_value(c, k, out);
		fprintf(out, "  # %s\n", k->help);
	}
	fflush(out);
	return ferror(out) ? -EIO : 0;
}
