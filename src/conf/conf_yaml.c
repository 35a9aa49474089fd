/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration files: YAML into struct sw_conf through the key tables.
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
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "conf/conf_int.h"

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
		sw_conf_put_err(l->err, l->errlen, "%s: out of memory while reading YAML", where);
		return -ENOMEM;
	}
	if (p->error == YAML_READER_ERROR) {
		if (p->problem_value != -1)
			sw_conf_put_err(l->err, l->errlen, "%s: byte %zu: %s (0x%02x); the file must be UTF-8 text",
				where, p->problem_offset, p->problem, p->problem_value);
		else
			sw_conf_put_err(l->err, l->errlen, "%s: byte %zu: %s; the file must be UTF-8 text",
				where, p->problem_offset, p->problem ? p->problem : "read error");
		return -EINVAL;
	}
	if (l->name == NULL)
		sw_conf_put_err(l->err, l->errlen, "--set: %s: YAML syntax error at column %zu of the "
			"value: %s; write a list as a,b or [\"a,b\", c]",
			l->setkey ? l->setkey : "?", p->problem_mark.column + 1,
			p->problem ? p->problem : "?");
	else if (p->context != NULL)
		sw_conf_put_err(l->err, l->errlen,
				"%s line %zu column %zu: YAML syntax error: %s (%s at line %zu)",
			where, p->problem_mark.line + 1, p->problem_mark.column + 1,
			p->problem ? p->problem : "?", p->context, p->context_mark.line + 1);
	else
		sw_conf_put_err(l->err, l->errlen, "%s line %zu column %zu: YAML syntax error: %s",
			where, p->problem_mark.line + 1, p->problem_mark.column + 1,
			p->problem ? p->problem : "?");
	return -EINVAL;
}

int
sw_conf_next(struct ld *l)
{
	yaml_event_delete(&l->ev);
	if (!yaml_parser_parse(&l->p, &l->ev))
		return syntax_error(l);
	if (l->ev.type == YAML_ALIAS_EVENT)
		return sw_conf_fail(l, line_of(l), "YAML aliases (*%s) are not supported; write the value out",
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
int
sw_conf_read_seq(struct ld *l, void *base, const struct sw_conf_key *k, const char *pre,
		 size_t kline)
{
	struct sw_strlist names, *list = k->type == SW_CONF_FLAGS ? &names : field(base, k);
	char why[512];
	size_t len;
	const char *v;
	int rc;

	list_clear(list);
	for (;;) {
		rc = sw_conf_next(l);
		if (rc < 0)
			return rc;
		if (l->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		if (l->ev.type != YAML_SCALAR_EVENT)
			return sw_conf_fail(l, line_of(l), "%s%s entries must be strings, not %s",
				    pre, k->name, kind(&l->ev));
		v = scalar(l, &len);
		if (sw_conf_list_add(k, list, v, len, why, sizeof(why)) < 0)
			return sw_conf_fail(l, line_of(l), "%s%s", pre, why);
	}
	if (sw_conf_list_min_ok(k, list, why, sizeof(why)) < 0)
		return sw_conf_fail(l, kline, "%s%s", pre, why);
	if (k->type == SW_CONF_FLAGS)
		sw_conf_flags_store(base, k, list);
	return 0;
}

/* lines[]: where each row of k's table was set in this mapping */
static int
seen(struct ld *l, unsigned *lines, unsigned idx, const struct sw_conf_key *k,
     const char *pre, size_t line)
{
	if (lines[idx] != 0)
		return sw_conf_fail(l, line, "%s%s is given twice (lines %u and %zu); keep one",
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
		return sw_conf_fail(l, kline, "%s%s must be %s, not a mapping", pre, k->name, expect);
	case YAML_SEQUENCE_START_EVENT:
		if (!is_list(k))
			return sw_conf_fail(l, kline, "%s%s must be %s, not a list", pre, k->name, expect);
		rc = seen(l, lines, idx, k, pre, kline);
		return rc < 0 ? rc : sw_conf_read_seq(l, base, k, pre, kline);
	case YAML_SCALAR_EVENT:
		rc = seen(l, lines, idx, k, pre, kline);
		if (rc < 0)
			return rc;
		if (is_list(k)) {
			if (plain_empty(l)) {
				struct sw_strlist none = { 0 };

				if (sw_conf_list_min_ok(k, &none, why, sizeof(why)) < 0)
					return sw_conf_fail(l, kline, "%s%s", pre, why);
				if (k->type == SW_CONF_FLAGS)
					sw_conf_flags_store(base, k, &none);
				else
					list_clear(field(base, k));
				return 0;
			}
			v = scalar(l, &len);
			return sw_conf_fail(l, kline, "%s%s must be %s, written as a YAML list "
				    "such as [a, b] (got '%s')", pre, k->name, expect,
				    sw_conf_show(v, len, sh, sizeof(sh)));
		}
		v = scalar(l, &len);
		if (sw_conf_set_scalar(base, k, v, len, why, sizeof(why)) < 0)
			return sw_conf_fail(l, line_of(l), "%s%s", pre, why);
		return 0;
	default:
		return sw_conf_fail(l, kline, "%sunexpected YAML event after key '%s'", pre, k->name);
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
		rc = sw_conf_next(l);
		if (rc < 0)
			return rc;
		if (l->ev.type == YAML_MAPPING_END_EVENT)
			break;
		kline = line_of(l);
		sw_conf_out_pre(o, i, pre, sizeof(pre));
		if (l->ev.type != YAML_SCALAR_EVENT)
			return sw_conf_fail(l, kline, "%skeys must be plain names, not %s", pre,
				    kind(&l->ev));
		v = scalar(l, &len);
		if (len >= sizeof(name) || strnlen(v, len) != len)
			return sw_conf_fail(l, kline, "%sunknown key '%s'", pre,
				    sw_conf_show(v, len, sh, sizeof(sh)));
		memcpy(name, v, len);
		name[len] = '\0';
		rc = sw_conf_next(l);
		if (rc < 0)
			return rc;
		k = sw_output_key_find(name);
		if (k == NULL)
			return sw_conf_unknown_out(l, kline, o, i, name);
		rc = read_value(l, o, k, (unsigned)(k - sw_output_keys), l->oline[i], pre, kline);
		if (rc < 0)
			return rc;
	}
	sw_conf_fill_name(o, i);
	if (sw_conf_output_ok(o, l->oline[i], &at, why, sizeof(why)) < 0) {
		kline = at != NULL && l->oline[i][at - sw_output_keys] != 0 ?
			l->oline[i][at - sw_output_keys] : l->ostart[i];
		return sw_conf_fail(l, kline, "%s%s", sw_conf_out_pre(o, i, pre, sizeof(pre)), why);
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
			sw_conf_outputs_clear(c);
			return 0;
		}
		v = scalar(l, &len);
		return sw_conf_fail(l, kline, "%s must be a list of mappings, one per output, such as "
			    "[{type: file, path: eve.json}] (got '%s')", k->name,
			    sw_conf_show(v, len, sh, sizeof(sh)));
	case YAML_MAPPING_START_EVENT:
		return sw_conf_fail(l, kline, "%s must be a list with one mapping per output; begin "
			    "each with a dash: '- type: file'", k->name);
	case YAML_SEQUENCE_START_EVENT:
		break;
	default:
		return sw_conf_fail(l, kline, "unexpected YAML event after key '%s'", k->name);
	}
	sw_conf_outputs_clear(c);
	memset(l->oline, 0, sizeof(l->oline));
	for (;;) {
		rc = sw_conf_next(l);
		if (rc < 0)
			return rc;
		if (l->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		line = line_of(l);
		if (l->ev.type != YAML_MAPPING_START_EVENT)
			return sw_conf_fail(l, line, "%s entries must be mappings such as "
				    "{type: file, path: eve.json}, not %s", k->name, kind(&l->ev));
		if (c->n_outputs >= SW_MAX_OUTPUTS)
			return sw_conf_fail(l, line, "%s has too many entries; at most %d are allowed",
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

		j = sw_conf_name_taken(c, i, nm, sizeof(nm));
		if (j >= 0)
			return sw_conf_fail(l, nl ? nl : l->ostart[i], "%sname '%s' is also the name of "
				    "outputs[%d]; give each output its own name",
				    sw_conf_out_pre(&c->outputs[i], i, pre, sizeof(pre)), nm, j);
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
		rc = sw_conf_next(l);
		if (rc < 0)
			return rc;
		if (l->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		kline = line_of(l);
		if (l->ev.type != YAML_SCALAR_EVENT)
			return sw_conf_fail(l, kline, "keys must be plain names, not %s%s%s",
				    kind(&l->ev), *prefix ? " (in section " : "",
				    *prefix ? prefix : "");
		v = scalar(l, &len);
		o = snprintf(name, sizeof(name), "%s%s%.*s", prefix, *prefix ? "." : "",
			     (int)len, v);
		if (o < 0 || (size_t)o >= sizeof(name) || strlen(name) != (size_t)o)
			return sw_conf_fail(l, kline, "unknown key '%s%s%s'", prefix, *prefix ? "." : "",
				    sw_conf_show(v, len, sh, sizeof(sh)));

		rc = sw_conf_next(l);
		if (rc < 0)
			return rc;
		k = sw_conf_key_find(name);
		sec = k ? NULL : sw_conf_section_of(name);
		if (k == NULL && sec == NULL)
			return sw_conf_unknown(l, kline, name);

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
				if ((is_list(&sw_conf_keys[i]) ||
				     sw_conf_keys[i].type == SW_CONF_OUTPUTS) &&
				    sw_conf_edit_distance(name, strlen(name), sw_conf_keys[i].name,
						  strlen(sw_conf_keys[i].name)) == 1)
					near = &sw_conf_keys[i];
			if (near != NULL)
				return sw_conf_fail(l, kline, "%s is a section; it takes a mapping of keys "
					    "such as '%s', not a list (did you mean '%s'?)", name,
					    sec->name, near->name);
			return sw_conf_fail(l, kline, "%s is a section; it takes a mapping of "
				    "keys such as '%s', not a list", name, sec->name);
		} else if (l->ev.type == YAML_SCALAR_EVENT) {
			if (plain_empty(l))	/* "capture:" with all keys commented out */
				continue;
			v = scalar(l, &len);
			return sw_conf_fail(l, kline, "%s is a section; it takes a mapping of "
				    "keys such as '%s', not a value (got '%s')", name,
				    sec->name, sw_conf_show(v, len, sh, sizeof(sh)));
		} else {
			return sw_conf_fail(l, kline, "unexpected YAML event after key '%s'", name);
		}
		if (rc < 0)
			return rc;
	}
}

static int
read_doc(struct ld *l)
{
	int rc;

	if ((rc = sw_conf_next(l)) < 0)			/* STREAM_START */
		return rc;
	if ((rc = sw_conf_next(l)) < 0)
		return rc;
	if (l->ev.type == YAML_STREAM_END_EVENT)	/* empty input */
		return 0;
	if ((rc = sw_conf_next(l)) < 0)			/* root node */
		return rc;
	if (l->ev.type == YAML_MAPPING_START_EVENT)
		rc = read_map(l, "");
	else if (!plain_empty(l))
		return sw_conf_fail(l, line_of(l), "the top level must be a mapping of keys "
			    "such as 'capture:', not %s", kind(&l->ev));
	if (rc < 0)
		return rc;
	if ((rc = sw_conf_next(l)) < 0)			/* DOCUMENT_END */
		return rc;
	if ((rc = sw_conf_next(l)) < 0)
		return rc;
	if (l->ev.type != YAML_STREAM_END_EVENT)
		return sw_conf_fail(l, line_of(l), "a second YAML document ('---') follows; "
			    "put all keys in one document");
	return 0;
}

struct ld *
sw_conf_ld_new(const struct sw_conf *c, const char *name, char *err, size_t errlen)
{
	struct ld *l = calloc(1, sizeof(*l));

	if (l == NULL) {
		sw_conf_put_err(err, errlen, "%s: out of memory", name ? name : "--set");
		return NULL;
	}
	memcpy(&l->tmp, c, sizeof(*c));
	l->name = name;
	l->err = err;
	l->errlen = errlen;
	if (!yaml_parser_initialize(&l->p)) {
		sw_conf_put_err(err, errlen, "%s: out of memory", name ? name : "--set");
		free(l);
		return NULL;
	}
	return l;
}

int
sw_conf_ld_end(struct ld *l, struct sw_conf *c, int rc)
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
	struct ld *l = sw_conf_ld_new(c, name ? name : "config", err, errlen);

	if (l == NULL)
		return -ENOMEM;
	yaml_parser_set_input_string(&l->p, (const unsigned char *)yaml, strlen(yaml));
	return sw_conf_ld_end(l, c, read_doc(l));
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
		sw_conf_put_err(err, errlen, "%s: cannot open config file: %s (check the -c path)",
			path, strerror(-rc));
		return rc;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		sw_conf_put_err(err, errlen, "%s: is a directory; -c takes a YAML file", path);
		fclose(f);
		return -EISDIR;
	}
	l = sw_conf_ld_new(c, path, err, errlen);
	if (l == NULL) {
		fclose(f);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&l->p, f);
	rc = sw_conf_ld_end(l, c, read_doc(l));
	if (rc == 0 && ferror(f)) {
		sw_conf_put_err(err, errlen, "%s: read error", path);
		rc = -EIO;
	}
	fclose(f);
	return rc;
}
