/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Defaults, and the checks of a whole configuration (-T, and at start-up
 * after files and --set): every key again as when set, each outputs: entry
 * as a whole, then what ties keys together.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include <scanwatch/services.h>
#include "conf/conf_int.h"

static int key_ok(const void *base, const struct sw_conf_key *k, char *why, size_t n);

/*
 * Checks of one entry as a whole: a type, the keys its type needs, no key of
 * another type, and what only the type knows. given[] marks the keys a file
 * wrote (by line); without it, a key counts as given when it is off its
 * default. On failure *at is the row at fault, or NULL for the entry.
 */
int
sw_conf_output_ok(const struct sw_output_conf *o, const unsigned *given,
	  const struct sw_conf_key **at, char *why, size_t n)
{
	const struct sw_conf_key *props = sw_output_key_find("kafka-properties");
	struct sw_output_conf def;
	unsigned bit;
	char types[64];

	*at = NULL;
	if (o->type == SW_OUTPUT_NONE) {
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
	bit = sw_output_bit(o);
	for (unsigned j = 0; j < sw_output_nkeys; j++) {
		const struct sw_conf_key *k = &sw_output_keys[j];
		int set = given ? given[j] != 0 :
			  memcmp(cfield(o, k), cfield(&def, k), k->size) != 0;

		*at = k;
		if (set && !(k->types & bit)) {
			snprintf(why, n, "%s applies only to %s outputs; remove it", k->name,
				 sw_conf_type_names(k->types, types, sizeof(types)));
			return -EINVAL;
		}
		if ((k->needs & bit) && *(const char *)cfield(o, k) == '\0') {
			*at = NULL;
			snprintf(why, n, "%s is required for %s outputs; add '%s: ...' (%s)",
				 k->name, sw_output_types[o->type], k->name, k->help);
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
int
sw_conf_name_taken(const struct sw_conf *c, unsigned i, char *a, size_t alen)
{
	char b[64];

	snprintf(a, alen, "%s", c->outputs[i].name);
	if (a[0] == '\0')
		sw_conf_default_name(&c->outputs[i], i, a, alen);
	for (unsigned j = 0; j < i && a[0] != '\0'; j++) {
		snprintf(b, sizeof(b), "%s", c->outputs[j].name);
		if (b[0] == '\0')
			sw_conf_default_name(&c->outputs[j], j, b, sizeof(b));
		if (strcmp(a, b) == 0)
			return (int)j;
	}
	return -1;
}

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
			(void)sw_conf_set_text(c, &sw_conf_keys[i], sw_conf_keys[i].def,
				       sw_conf_keys[i].name, why, sizeof(why));
}

void
sw_output_conf_defaults(struct sw_output_conf *o)
{
	const int none = -1;	/* an enum without a default: none yet (type) */
	char why[512];

	memset(o, 0, sizeof(*o));
	for (unsigned i = 0; i < sw_output_nkeys; i++)
		if (sw_output_keys[i].def != NULL)	/* checked by tests; cannot fail */
			(void)sw_conf_set_text(o, &sw_output_keys[i], sw_output_keys[i].def,
				       sw_output_keys[i].name, why, sizeof(why));
		else if (sw_output_keys[i].type == SW_CONF_ENUM)
			memcpy(field(o, &sw_output_keys[i]), &none, sizeof(none));
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
		o = (size_t)snprintf(why, n, "%s", sw_conf_out_pre(&c->outputs[i], i, pre, sizeof(pre)));
		if (o >= n)
			o = n - 1;
		if (sw_conf_output_ok(&c->outputs[i], NULL, &at, why + o, n - o) < 0)
			return -EINVAL;
	}
	for (unsigned i = 0; i < c->n_outputs; i++) {
		char nm[64];

		j = sw_conf_name_taken(c, i, nm, sizeof(nm));
		if (j >= 0) {
			snprintf(why, n, "%sname '%s' is also the name of outputs[%d]; give each "
				 "output its own name", sw_conf_out_pre(&c->outputs[i], i, pre, sizeof(pre)),
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
		return sw_conf_u32_ok(k, x, num, strlen(num), why, n);
	}
	case SW_CONF_DOUBLE: {
		double x;

		memcpy(&x, f, sizeof(x));
		snprintf(num, sizeof(num), "%.17g", x);
		return sw_conf_dbl_ok(k, x, num, strlen(num), why, n);
	}
	case SW_CONF_ENUM: {
		int x;

		memcpy(&x, f, sizeof(x));
		if (x >= 0 && x < sw_conf_nvalues(k->values))
			return 0;
		snprintf(num, sizeof(num), "%d", x);
		return sw_conf_must(k, num, strlen(num), why, n);
	}
	case SW_CONF_FLAGS: {
		struct sw_strlist l;
		unsigned x;

		memcpy(&x, f, sizeof(x));
		if (x >> sw_conf_nvalues(k->values) != 0) {
			snprintf(num, sizeof(num), "0x%x", x);
			return sw_conf_must(k, num, strlen(num), why, n);
		}
		sw_conf_flags_list(k, x, &l);
		return sw_conf_list_min_ok(k, &l, why, n);
	}
	case SW_CONF_STR: {
		const char *s = f;
		size_t len = strnlen(s, k->size);

		if (len == k->size) {
			snprintf(why, n, "%s is not NUL-terminated within %zu bytes", k->name, k->size);
			return -EINVAL;
		}
		if (sw_conf_str_ok(k, "", s, len, k->size, why, n) < 0)
			return -EINVAL;
		return sw_conf_str_check(k, s, len, why, n);
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
			if (sw_conf_entry_ok(k, l, i, l->v[i], len, why, n) < 0)
				return -EINVAL;
		}
		return sw_conf_list_min_ok(k, l, why, n);
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
			sw_conf_put_err(err, errlen, "config: %s", why);
			return -EINVAL;
		}
	}
	for (unsigned i = 0; i < SW_MAX_TIMESCALES; i++) {
		const char *s = sw_timescale_names[i];

		if (i > 0 && ts[i].window_s <= ts[i - 1].window_s) {
			sw_conf_put_err(err, errlen, "config: windows.%s.window (%u) must be longer than "
				"windows.%s.window (%u); time scales go fast < medium < slow",
				s, ts[i].window_s, sw_timescale_names[i - 1], ts[i - 1].window_s);
			return -EINVAL;
		}
	}
	if (c->trw_theta1 >= c->trw_theta0) {
		sw_conf_put_err(err, errlen, "config: detect.trw.scanner-success (%g) must be below "
			"detect.trw.benign-success (%g)", c->trw_theta1, c->trw_theta0);
		return -EINVAL;
	}
	if (c->trw_alpha >= c->trw_beta) {
		sw_conf_put_err(err, errlen, "config: detect.trw.false-positive (%g) must be below "
			"detect.trw.detection (%g)", c->trw_alpha, c->trw_beta);
		return -EINVAL;
	}
	/* fewer filter bits than contacts saturates the filter: every contact looks old */
	if (c->filter_bits_log2 < 32 && c->filter_capacity > (1ull << c->filter_bits_log2)) {
		sw_conf_put_err(err, errlen, "config: sketch.filter-capacity (%u) exceeds the 2^%u bits "
			"of the filter; raise sketch.filter-bits to at least %u",
			c->filter_capacity, c->filter_bits_log2,
			32 - __builtin_clz(c->filter_capacity - 1));
		return -EINVAL;
	}
	if (c->evid_source_kb > c->evid_total_kb) {
		sw_conf_put_err(err, errlen, "config: evidence.source-kb (%u) must not exceed "
			"evidence.total-kb (%u): one source's capture must fit in the total",
			c->evid_source_kb, c->evid_total_kb);
		return -EINVAL;
	}
	{
		/* a port named twice would give one service two names */
		struct sw_services svc;
		char why2[256];

		if (sw_services_init(&svc, &c->services, why2, sizeof(why2)) != 0) {
			sw_conf_put_err(err, errlen, "config: %s", why2);
			return -EINVAL;
		}
	}
	if (c->burst > c->rx_desc) {
		sw_conf_put_err(err, errlen, "config: capture.burst (%u) must not exceed "
			"capture.rx-descriptors (%u)", c->burst, c->rx_desc);
		return -EINVAL;
	}
	return 0;
}
