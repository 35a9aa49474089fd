/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_CONF_KEYS_H
#define SW_CONF_KEYS_H

/*
 * The key table: one row per configuration key. Private to src/conf/ and
 * tests/; everything else uses include/scanwatch/conf.h.
 */

#include <stddef.h>

#include <scanwatch/conf.h>

#define SW_CONF_MAX_KEYS 96	/* upper bound on rows, for per-key arrays */

enum sw_conf_type {
	SW_CONF_U32,	/* uint32_t, decimal digits only */
	SW_CONF_DOUBLE,	/* double, strtod syntax, finite */
	SW_CONF_STR,	/* char[size], NUL-terminated UTF-8 */
	SW_CONF_ENUM,	/* char[size], one of values[] */
	SW_CONF_LIST,	/* struct sw_strlist; max = most entries */
};

#define SW_CONF_POW2	0x1	/* u32: must be a power of two */
#define SW_CONF_OPEN	0x2	/* double: bounds are exclusive */
#define SW_CONF_UNIQUE	0x4	/* list: an entry may not repeat */

struct sw_conf_key {
	const char *name;		/* dotted, as in YAML and --set */
	enum sw_conf_type type;
	unsigned flags;			/* SW_CONF_* */
	size_t off;			/* offsetof(struct sw_conf, field) */
	size_t size;			/* sizeof the field */
	double min, max;		/* value bounds; lists: max entries */
	const char *def;		/* default, in --set syntax */
	const char *const *values;	/* enum / list: allowed values, NULL-ended */
	/* list: entry check; writes the reason (no key name) on failure */
	int (*check)(const char *v, char *why, size_t len);
	const char *help;		/* one line, for --dump-config and docs */
};

extern const struct sw_conf_key sw_conf_keys[];
extern const unsigned sw_conf_nkeys;

/** Row of a dotted key, or NULL. */
const struct sw_conf_key *sw_conf_key_find(const char *name);

/**
 * Describe what k accepts, e.g. "an integer 1..64"; used in every message
 * so that errors and docs say the same thing.
 */
void sw_conf_key_expect(const struct sw_conf_key *k, char *buf, size_t len);

#endif /* SW_CONF_KEYS_H */
