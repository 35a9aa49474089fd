/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_CONF_KEYS_H
#define SW_CONF_KEYS_H

/*
 * The key tables: one row per configuration key. sw_conf_keys[] holds the
 * global keys (offsets into struct sw_conf); sw_output_keys[] the keys of one
 * outputs: entry (offsets into struct sw_output_conf). Both go through the
 * same parsing, checking and dumping code. Private to src/conf/ and tests/;
 * everything else uses include/scanwatch/conf.h.
 */

#include <stddef.h>

#include <scanwatch/conf.h>

#define SW_CONF_MAX_KEYS 96	/* upper bound on rows of either table, for
				 * per-key arrays */

enum sw_conf_type {
	SW_CONF_U32,	/* uint32_t, decimal digits only */
	SW_CONF_DOUBLE,	/* double, strtod syntax, finite */
	SW_CONF_STR,	/* char[size], NUL-terminated UTF-8 */
	SW_CONF_ENUM,	/* an enum (int), the index of one of values[]; a row
			 * without a default leaves it -1 (none yet) */
	SW_CONF_LIST,	/* struct sw_strlist; min..max entries */
	SW_CONF_FLAGS,	/* unsigned, bit i for values[i]; written as a list
			 * like SW_CONF_LIST, read and checked as one */
	SW_CONF_OUTPUTS, /* the outputs: list (n_outputs, outputs[]); each
			  * entry a mapping of sw_output_keys[] */
};

#define SW_CONF_POW2	0x1	/* u32: must be a power of two */
#define SW_CONF_OPEN	0x2	/* double: bounds are exclusive */
#define SW_CONF_UNIQUE	0x4	/* list: an entry may not repeat */

/* Output types, as bits of sw_conf_key.types/needs; bit i is sw_output_types[i]. */
#define SW_OUT_FILE	0x1
#define SW_OUT_UNIX	0x2
#define SW_OUT_SYSLOG	0x4
#define SW_OUT_KAFKA	0x8
#define SW_OUT_ALL	0xf

struct sw_conf_key {
	const char *name;		/* dotted, as in YAML and --set */
	enum sw_conf_type type;
	unsigned flags;			/* SW_CONF_* */
	size_t off;			/* offsetof(struct sw_conf, field), or of
					 * struct sw_output_conf for output keys */
	size_t size;			/* sizeof the field */
	double min, max;		/* value bounds; lists: max entries */
	const char *def;		/* default, in --set syntax; NULL: none,
					 * the key must be given (outputs type) */
	const char *const *values;	/* enum / list: allowed values, NULL-ended */
	/*
	 * list entry, or non-empty string: extra check; writes the reason
	 * (no key name) on failure. form says what it accepts, for messages.
	 */
	int (*check)(const char *v, char *why, size_t len);
	const char *form;
	unsigned types;			/* output keys: SW_OUT_* it applies to */
	unsigned needs;			/* output keys: SW_OUT_* that must give it */
	const char *help;		/* one line, for --dump-config and docs */
};

extern const struct sw_conf_key sw_conf_keys[];
extern const unsigned sw_conf_nkeys;
extern const struct sw_conf_key sw_output_keys[];
extern const unsigned sw_output_nkeys;

/** Output type names by bit number ("file", "unix", "syslog", "kafka"), NULL-ended. */
extern const char *const sw_output_types[];

/** Row of a dotted global key, or NULL. */
const struct sw_conf_key *sw_conf_key_find(const char *name);

/** Row of a key of an outputs: entry ("port"), or NULL. */
const struct sw_conf_key *sw_output_key_find(const char *name);

/** SW_OUT_* bit of an output type name, or 0 if it is none. */
unsigned sw_output_type_bit(const char *type);

/** SW_OUT_* bit of an entry's type, or 0 if it has none (yet). */
static inline unsigned
sw_output_bit(const struct sw_output_conf *o)
{
	return o->type >= SW_OUTPUT_FILE && o->type <= SW_OUTPUT_KAFKA ? 1u << o->type : 0;
}

/**
 * Describe what k accepts, e.g. "an integer 1..64"; used in every message
 * so that errors and docs say the same thing.
 */
void sw_conf_key_expect(const struct sw_conf_key *k, char *buf, size_t len);

#endif /* SW_CONF_KEYS_H */
