/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --dump-config: the configuration as YAML that sw_conf_load_* reads back to
 * an identical struct, every key with its value and a one-line help.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_int.h"

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
		if (*(const char *)f == '\0')
			fputs("\"\"", out);
		else
			put_str(f, out);
		break;
	case SW_CONF_ENUM: {
		int x;

		memcpy(&x, f, sizeof(x));
		if (x >= 0 && x < sw_conf_nvalues(k->values))
			put_str(k->values[x], out);
		else
			fputs("\"\"", out);	/* an outputs: entry without a type */
		break;
	}
	case SW_CONF_LIST:
	case SW_CONF_FLAGS: {
		const struct sw_strlist *l = f;
		struct sw_strlist names;
		unsigned bits;

		if (k->type == SW_CONF_FLAGS) {
			memcpy(&bits, f, sizeof(bits));
			sw_conf_flags_list(k, bits, &names);
			l = &names;
		}

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
		unsigned bit = sw_output_bit(o);
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
