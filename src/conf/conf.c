/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration engine: YAML and --set text in, struct sw_conf out, and back
 * to YAML. Knows nothing about individual keys; those are rows of
 * sw_conf_keys[] (keys.c). The files of the engine are listed in
 * conf_int.h; this one holds what reading a file and --set share: messages,
 * one value of text into a field with its checks, key names, and the names
 * of outputs: entries.
 *
 * outputs: is a list of mappings whose keys are rows of sw_output_keys[],
 * read by the same code with the entry as base. A file that gives outputs:
 * replaces the list, and each entry is checked as a whole (type, keys that
 * apply to it, keys it needs) when its mapping ends, so the message can point
 * at the line. --set outputs.N.KEY=VALUE (or outputs[N].KEY) edits entry N;
 * N equal to the count appends one; outputs= or outputs=[] empties the list.
 * An entry without a name gets "<type><N>", written in so that --dump-config
 * shows it; a name that was so filled in follows a --set of the type. */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_int.h"

/* ---- messages ---- */

void
sw_conf_put_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* "FILE line N: msg", or "--set: msg" */
int
sw_conf_fail(struct ld *l, size_t line, const char *fmt, ...)
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
const char *
sw_conf_show(const char *v, size_t len, char *buf, size_t blen)
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
	case SW_CONF_FLAGS:
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
int
sw_conf_must(const struct sw_conf_key *k, const char *v, size_t vlen, char *why, size_t n)
{
	char expect[256], sh[80];

	sw_conf_key_expect(k, expect, sizeof(expect));
	snprintf(why, n, "%s must be %s (got '%s')", k->name, expect,
		 sw_conf_show(v, vlen, sh, sizeof(sh)));
	return -EINVAL;
}

/* ---- values ---- */

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
int
sw_conf_str_ok(const struct sw_conf_key *k, const char *what, const char *v, size_t len,
       size_t size, char *why, size_t n)
{
	char sh[80];

	if (strnlen(v, len) != len) {
		snprintf(why, n, "%s%s must not contain NUL bytes", k->name, what);
		return -EINVAL;
	}
	if (len >= size) {
		snprintf(why, n, "%s%s is %zu bytes long; at most %zu are allowed ('%s')",
			 k->name, what, len, size - 1, sw_conf_show(v, len, sh, sizeof(sh)));
		return -EINVAL;
	}
	if (!utf8_ok((const unsigned char *)v, len)) {
		snprintf(why, n, "%s%s must be valid UTF-8 (got '%s')", k->name, what,
			 sw_conf_show(v, len, sh, sizeof(sh)));
		return -EINVAL;
	}
	return 0;
}

int
sw_conf_value_of(const char *const *values, const char *v, size_t len)
{
	for (int i = 0; values[i] != NULL; i++)
		if (strlen(values[i]) == len && memcmp(values[i], v, len) == 0)
			return i;
	return -1;
}

int
sw_conf_nvalues(const char *const *values)
{
	int n = 0;

	while (values[n] != NULL)
		n++;
	return n;
}

/* In the order of values[], so a dump lists them the same way every time */
void
sw_conf_flags_list(const struct sw_conf_key *k, unsigned bits, struct sw_strlist *l)
{
	list_clear(l);
	for (unsigned i = 0; k->values[i] != NULL && l->n < SW_MAX_STRS; i++)
		if (bits & (1u << i))
			snprintf(l->v[l->n++], SW_MAX_STR, "%s", k->values[i]);
}

/* l's entries have been checked against values[] */
void
sw_conf_flags_store(void *base, const struct sw_conf_key *k, const struct sw_strlist *l)
{
	unsigned bits = 0;

	for (unsigned i = 0; i < l->n; i++) {
		int x = sw_conf_value_of(k->values, l->v[i], strlen(l->v[i]));

		if (x >= 0)
			bits |= 1u << x;
	}
	memcpy(field(base, k), &bits, sizeof(bits));
}

int
sw_conf_u32_ok(const struct sw_conf_key *k, uint64_t x, const char *v, size_t vlen,
	       char *why, size_t n)
{
	if ((double)x < k->min || (double)x > k->max)
		return sw_conf_must(k, v, vlen, why, n);
	if ((k->flags & SW_CONF_POW2) && (x & (x - 1)) != 0) {
		snprintf(why, n, "%s must be a power of two (got %llu)", k->name,
			 (unsigned long long)x);
		return -EINVAL;
	}
	return 0;
}

int
sw_conf_dbl_ok(const struct sw_conf_key *k, double x, const char *v, size_t vlen,
	       char *why, size_t n)
{
	int in = k->flags & SW_CONF_OPEN ? x > k->min && x < k->max
					 : x >= k->min && x <= k->max;

	return isfinite(x) && in ? 0 : sw_conf_must(k, v, vlen, why, n);
}

/*
 * Entry idx of list l (its first idx entries already accepted), or a new
 * entry when v is not inside l.
 */
int
sw_conf_entry_ok(const struct sw_conf_key *k, const struct sw_strlist *l, unsigned idx,
	 const char *v, size_t len, char *why, size_t n)
{
	char sh[80], expect[256], reason[200], entry[SW_MAX_STR];
	int rc;

	rc = sw_conf_str_ok(k, " entry", v, len, SW_MAX_STR, why, n);
	if (rc < 0)
		return rc;
	/* v is one entry of a comma-separated --set value: the checks below
	 * see it alone, not the entries after it */
	memcpy(entry, v, len);
	entry[len] = '\0';
	v = entry;
	if (len == 0) {
		snprintf(why, n, "%s entries must not be empty", k->name);
		return -EINVAL;
	}
	if (k->values != NULL && sw_conf_value_of(k->values, v, len) < 0) {
		sw_conf_key_expect(k, expect, sizeof(expect));
		snprintf(why, n, "%s entry '%s' is not allowed; %s must be %s", k->name,
			 sw_conf_show(v, len, sh, sizeof(sh)), k->name, expect);
		return -EINVAL;
	}
	if (k->flags & SW_CONF_UNIQUE) {
		for (unsigned i = 0; i < idx; i++) {
			if (strcmp(l->v[i], v) == 0) {
				snprintf(why, n, "%s lists '%s' twice", k->name,
					 sw_conf_show(v, len, sh, sizeof(sh)));
				return -EINVAL;
			}
		}
	}
	if (k->check != NULL && k->check(v, reason, sizeof(reason)) < 0) {
		snprintf(why, n, "%s entry '%s': %s", k->name, sw_conf_show(v, len, sh, sizeof(sh)),
			 reason);
		return -EINVAL;
	}
	return 0;
}

/* A list just read or set has enough entries (events: needs one). */
int
sw_conf_list_min_ok(const struct sw_conf_key *k, const struct sw_strlist *l, char *why, size_t n)
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
int
sw_conf_str_check(const struct sw_conf_key *k, const char *s, size_t len, char *why, size_t n)
{
	char reason[200], sh[80];

	if (k->check == NULL || len == 0 || k->check(s, reason, sizeof(reason)) == 0)
		return 0;
	snprintf(why, n, "%s '%s': %s", k->name, sw_conf_show(s, len, sh, sizeof(sh)), reason);
	return -EINVAL;
}

int
sw_conf_list_add(const struct sw_conf_key *k, struct sw_strlist *l, const char *v, size_t len,
	 char *why, size_t n)
{
	int rc;

	if (l->n >= (unsigned)k->max) {
		snprintf(why, n, "%s has too many entries; at most %.0f are allowed",
			 k->name, k->max);
		return -EINVAL;
	}
	rc = sw_conf_entry_ok(k, l, l->n, v, len, why, n);
	if (rc < 0)
		return rc;
	memset(l->v[l->n], 0, sizeof(l->v[l->n]));
	memcpy(l->v[l->n], v, len);
	l->n++;
	return 0;
}

/* A scalar key of base from text of len bytes (may hold NULs when from YAML). */
int
sw_conf_set_scalar(void *base, const struct sw_conf_key *k, const char *v, size_t len,
	   char *why, size_t n)
{
	char buf[64], str[SW_MAX_STR], *end;
	int rc;

	switch (k->type) {
	case SW_CONF_U32: {
		unsigned long long x;

		/* digits only: strtoull would take "-1", " 4" and "0x10" */
		if (len == 0 || len >= sizeof(buf) || strspn(v, "0123456789") != len)
			return sw_conf_must(k, v, len, why, n);
		memcpy(buf, v, len);
		buf[len] = '\0';
		errno = 0;
		x = strtoull(buf, &end, 10);
		if (errno == ERANGE || x > UINT32_MAX)
			return sw_conf_must(k, v, len, why, n);
		rc = sw_conf_u32_ok(k, x, v, len, why, n);
		if (rc == 0)
			*(uint32_t *)field(base, k) = (uint32_t)x;
		return rc;
	}
	case SW_CONF_DOUBLE: {
		double x;

		if (len == 0 || len >= sizeof(buf) || strnlen(v, len) != len ||
		    strchr("+-.0123456789", v[0]) == NULL)
			return sw_conf_must(k, v, len, why, n);
		memcpy(buf, v, len);
		buf[len] = '\0';
		errno = 0;
		x = strtod(buf, &end);
		if (*end != '\0' || errno == ERANGE)
			return sw_conf_must(k, v, len, why, n);
		rc = sw_conf_dbl_ok(k, x, v, len, why, n);
		if (rc == 0)
			*(double *)field(base, k) = x;
		return rc;
	}
	case SW_CONF_ENUM: {
		int x = strnlen(v, len) == len ? sw_conf_value_of(k->values, v, len) : -1;

		if (x < 0)
			return sw_conf_must(k, v, len, why, n);
		memcpy(field(base, k), &x, sizeof(x));	/* enum fields are int-sized */
		return 0;
	}
	case SW_CONF_STR:
		rc = sw_conf_str_ok(k, "", v, len, k->size, why, n);
		if (rc < 0)
			return rc;
		/* k->size <= SW_MAX_STR for every string row */
		memcpy(str, v, len);
		str[len] = '\0';
		rc = sw_conf_str_check(k, str, len, why, n);
		if (rc < 0)
			return rc;
		memset(field(base, k), 0, k->size);
		memcpy(field(base, k), v, len);
		return 0;
	case SW_CONF_LIST:
	case SW_CONF_FLAGS:
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
int
sw_conf_set_text(void *base, const struct sw_conf_key *k, const char *value, const char *setname,
	 char *why, size_t n)
{
	struct sw_strlist names, *list = k->type == SW_CONF_FLAGS ? &names : field(base, k);
	int rc;

	if (!is_list(k))
		return sw_conf_set_scalar(base, k, value, strlen(value), why, n);
	list_clear(list);
	while (*value != '\0') {
		size_t len = strcspn(value, ",");

		rc = sw_conf_list_add(k, list, value, len, why, n);
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
	rc = sw_conf_list_min_ok(k, list, why, n);
	if (rc == 0 && k->type == SW_CONF_FLAGS)
		sw_conf_flags_store(base, k, list);
	return rc;
}

/* ---- names ---- */

/* Some key lies under section "name." */
const struct sw_conf_key *
sw_conf_section_of(const char *name)
{
	size_t len = strlen(name);

	for (unsigned i = 0; i < sw_conf_nkeys; i++)
		if (strncmp(sw_conf_keys[i].name, name, len) == 0 &&
		    sw_conf_keys[i].name[len] == '.')
			return &sw_conf_keys[i];
	return NULL;
}

unsigned
sw_conf_edit_distance(const char *a, size_t la, const char *b, size_t lb)
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
				unsigned d = sw_conf_edit_distance(name, len, kn, (size_t)(e - kn));

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

int
sw_conf_unknown(struct ld *l, size_t line, const char *name)
{
	char s[NAME_MAX_LEN + 1], sh[80];
	const char *last = strrchr(name, '.');

	suggest(sw_conf_keys, sw_conf_nkeys, name, s, sizeof(s));
	sw_conf_show(name, strlen(name), sh, sizeof(sh));
	if (s[0] != '\0')
		return sw_conf_fail(l, line, "unknown key '%s' (did you mean '%s'?)", sh, s);
	/* "topic:" or "output: {type: file}" where an outputs: entry was meant */
	if ((last == NULL || strncmp(name, "output.", 7) == 0) &&
	    sw_output_key_find(last ? last + 1 : name) != NULL)
		return sw_conf_fail(l, line, "unknown key '%s'; %s is a key of an entry of the outputs: "
			    "list, e.g. outputs: [{type: file, path: eve.json}]", sh,
			    last ? last + 1 : name);
	return sw_conf_fail(l, line, "unknown key '%s' (scanwatch --dump-config lists every key)", sh);
}

/* ---- outputs: entries, as reading and --set name and fill them ---- */

/* "outputs[2] (syslog): ", as messages about entry i begin; the type once known */
const char *
sw_conf_out_pre(const struct sw_output_conf *o, unsigned i, char *buf, size_t n)
{
	if (sw_output_bit(o))
		snprintf(buf, n, "outputs[%u] (%s): ", i, sw_output_types[o->type]);
	else
		snprintf(buf, n, "outputs[%u]: ", i);
	return buf;
}

/* "file and unix" */
const char *
sw_conf_type_names(unsigned bits, char *buf, size_t n)
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
void
sw_conf_default_name(const struct sw_output_conf *o, unsigned i, char *buf, size_t n)
{
	buf[0] = '\0';
	if (sw_output_bit(o))
		snprintf(buf, n, "%s%u", sw_output_types[o->type], i);
}

void
sw_conf_fill_name(struct sw_output_conf *o, unsigned i)
{
	char def[sizeof(o->name)] = "";	/* zero-filled */

	if (o->name[0] != '\0')
		return;
	sw_conf_default_name(o, i, def, sizeof(def));
	memcpy(o->name, def, sizeof(def));	/* zero tail, as when set */
}

int
sw_conf_unknown_out(struct ld *l, size_t line, const struct sw_output_conf *o, unsigned i,
	    const char *name)
{
	char s[NAME_MAX_LEN + 1], sh[80], pre[64], keys[512];
	unsigned bit = sw_output_bit(o);
	size_t n = 0;

	sw_conf_out_pre(o, i, pre, sizeof(pre));
	suggest(sw_output_keys, sw_output_nkeys, name, s, sizeof(s));
	sw_conf_show(name, strlen(name), sh, sizeof(sh));
	if (s[0] != '\0')
		return sw_conf_fail(l, line, "%sunknown key '%s' (did you mean '%s'?)", pre, sh, s);
	keys[0] = '\0';
	for (unsigned j = 0; j < sw_output_nkeys && n < sizeof(keys); j++)
		if (bit == 0 || (sw_output_keys[j].types & bit))
			n += (size_t)snprintf(keys + n, sizeof(keys) - n, "%s%s", n ? ", " : "",
					      sw_output_keys[j].name);
	return sw_conf_fail(l, line, "%sunknown key '%s'; %s%s output takes %s", pre, sh,
		    bit ? "a " : "an", bit ? sw_output_types[o->type] : "", keys);
}

/* Entries as just emptied: zeros, so that structs compare with memcmp. */
void
sw_conf_outputs_clear(struct sw_conf *c)
{
	c->n_outputs = 0;
	memset(c->outputs, 0, sizeof(c->outputs));
}
