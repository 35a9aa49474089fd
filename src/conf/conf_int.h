/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_CONF_INT_H
#define SW_CONF_INT_H

/*
 * What the configuration engine's files share; private to src/conf/.
 *
 *   conf.c        messages, one value of text into a field (with the checks
 *                 every path makes), key names and suggestions, the naming
 *                 of outputs: entries
 *   conf_yaml.c   YAML files and strings (-c), and the parse state below
 *   conf_set.c    --set key=value
 *   conf_check.c  defaults, and checks of a whole struct (-T, start-up)
 *   conf_dump.c   --dump-config
 *
 * Loads and sets are all-or-nothing: on error *c is left as it was.
 * Messages go to err and never to a stream; only main.c prints and exits.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/* base: the struct sw_conf, or the struct sw_output_conf of an output key */
static inline void *
field(void *base, const struct sw_conf_key *k)
{
	return (char *)base + k->off;
}

static inline const void *
cfield(const void *base, const struct sw_conf_key *k)
{
	return (const char *)base + k->off;
}

static inline void
list_clear(struct sw_strlist *l)
{
	memset(l, 0, sizeof(*l));
}

/* Written as a list: a list of strings, or bits named by a list */
static inline int
is_list(const struct sw_conf_key *k)
{
	return k->type == SW_CONF_LIST || k->type == SW_CONF_FLAGS;
}

/* ---- conf.c: messages ---- */

void sw_conf_put_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "FILE line N: msg", or "--set: msg"; returns -EINVAL */
int sw_conf_fail(struct ld *l, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A value as it may appear in a message: bounded, control bytes escaped. */
const char *sw_conf_show(const char *v, size_t len, char *buf, size_t blen);
/* "KEY must be EXPECTED (got 'V')"; returns -EINVAL */
int sw_conf_must(const struct sw_conf_key *k, const char *v, size_t vlen, char *why, size_t n);

/* ---- conf.c: values; each check writes why (naming the key) and returns -EINVAL ---- */

int sw_conf_str_ok(const struct sw_conf_key *k, const char *what, const char *v, size_t len,
		   size_t size, char *why, size_t n);
/* Index of v among values[], or -1 */
int sw_conf_value_of(const char *const *values, const char *v, size_t len);
/* Number of values[] */
int sw_conf_nvalues(const char *const *values);
/* Flags key k: the list that names bits, and the bits a list names */
void sw_conf_flags_list(const struct sw_conf_key *k, unsigned bits, struct sw_strlist *l);
void sw_conf_flags_store(void *base, const struct sw_conf_key *k, const struct sw_strlist *l);
int sw_conf_u32_ok(const struct sw_conf_key *k, uint64_t x, const char *v, size_t vlen,
		   char *why, size_t n);
int sw_conf_dbl_ok(const struct sw_conf_key *k, double x, const char *v, size_t vlen,
		   char *why, size_t n);
int sw_conf_entry_ok(const struct sw_conf_key *k, const struct sw_strlist *l, unsigned idx,
		     const char *v, size_t len, char *why, size_t n);
int sw_conf_list_min_ok(const struct sw_conf_key *k, const struct sw_strlist *l, char *why,
			size_t n);
int sw_conf_str_check(const struct sw_conf_key *k, const char *s, size_t len, char *why,
		      size_t n);
int sw_conf_list_add(const struct sw_conf_key *k, struct sw_strlist *l, const char *v,
		     size_t len, char *why, size_t n);
/* A scalar key of base from text of len bytes (may hold NULs when from YAML). */
int sw_conf_set_scalar(void *base, const struct sw_conf_key *k, const char *v, size_t len,
		       char *why, size_t n);
/* --set text for key k of base: a scalar, or a comma-separated list. */
int sw_conf_set_text(void *base, const struct sw_conf_key *k, const char *value,
		     const char *setname, char *why, size_t n);

/* ---- conf.c: names ---- */

/* Some key lies under section "name." */
const struct sw_conf_key *sw_conf_section_of(const char *name);
unsigned sw_conf_edit_distance(const char *a, size_t la, const char *b, size_t lb);
/* Messages for an unknown global key, or key of outputs entry i */
int sw_conf_unknown(struct ld *l, size_t line, const char *name);
int sw_conf_unknown_out(struct ld *l, size_t line, const struct sw_output_conf *o, unsigned i,
			const char *name);

/* ---- conf.c: outputs: entries ---- */

/* "outputs[2] (syslog): ", as messages about entry i begin */
const char *sw_conf_out_pre(const struct sw_output_conf *o, unsigned i, char *buf, size_t n);
/* "file and unix" */
const char *sw_conf_type_names(unsigned bits, char *buf, size_t n);
/* The name an entry without one gets: "<type><index>" ("syslog1"). */
void sw_conf_default_name(const struct sw_output_conf *o, unsigned i, char *buf, size_t n);
void sw_conf_fill_name(struct sw_output_conf *o, unsigned i);
/* Entries as just emptied: zeros, so that structs compare with memcmp. */
void sw_conf_outputs_clear(struct sw_conf *c);

/* ---- conf_yaml.c ---- */

struct ld *sw_conf_ld_new(const struct sw_conf *c, const char *name, char *err, size_t errlen);
/* Copies the result into c if rc is 0; frees l; returns rc. */
int sw_conf_ld_end(struct ld *l, struct sw_conf *c, int rc);
/* The next YAML event into l->ev. */
int sw_conf_next(struct ld *l);
/* After SEQUENCE_START: entries up to SEQUENCE_END replace list k of base. */
int sw_conf_read_seq(struct ld *l, void *base, const struct sw_conf_key *k, const char *pre,
		     size_t kline);

/* ---- conf_check.c ---- */

/* One outputs: entry as a whole; *at is the row at fault, or NULL. */
int sw_conf_output_ok(const struct sw_output_conf *o, const unsigned *given,
		      const struct sw_conf_key **at, char *why, size_t n);
/* Name of entry i (or its default) into a; the earlier entry with it, or -1 */
int sw_conf_name_taken(const struct sw_conf *c, unsigned i, char *a, size_t alen);

#endif /* SW_CONF_INT_H */
