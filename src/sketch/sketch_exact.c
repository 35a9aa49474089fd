/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sketch's exact twin: the same interface and window semantics over
 * hash tables of full keys (open addressing, linear probing), so tests can
 * measure what the sketch's sharing costs in accuracy. Sized like the
 * sketch's filter, at most 2^20 keys per table (about 180 MiB), which holds
 * any test capture; a full table drops the key and counts an overflow.
 */

#include <errno.h>

#include <rte_malloc.h>

#include "sketch_int.h"

struct exact_cell {
	struct sw_key key;
	bool used;
	struct sw_cell cell;
};

struct exact_seen {
	struct sw_key key;
	bool used;
	uint32_t last_s;
};

static int
x_init(struct sw_sketch *s)
{
	s->xmask = (1u << (s->c.filter_log2 > 20 ? 20 : s->c.filter_log2)) - 1;
	s->xc = sw_sketch_zalloc(sizeof(*s->xc) * ((size_t)s->xmask + 1), s->c.socket);
	s->xs = sw_sketch_zalloc(sizeof(*s->xs) * ((size_t)s->xmask + 1), s->c.socket);
	return s->xc == NULL || s->xs == NULL ? -ENOMEM : 0;
}

static void
x_fini(struct sw_sketch *s)
{
	rte_free(s->xc);
	rte_free(s->xs);
}

static size_t
x_bytes(const struct sw_sketch *s)
{
	return ((size_t)s->xmask + 1) * (sizeof(*s->xc) + sizeof(*s->xs));
}

static void
x_bounds(const struct sw_sketch *s __rte_unused, double *eps, double *delta, double *fpr)
{
	*eps = *delta = *fpr = 0;
}

static void
x_describe(const struct sw_sketch *s, FILE *out)
{
	fprintf(out, "scanwatch: exact counting (tests): %.1f MiB per worker, "
		"%u entries per table\n", x_bytes(s) / 1048576.0, s->xmask + 1);
}

static struct exact_seen *
x_seen_entry(const struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
	     bool insert)
{
	for (uint32_t i = 0, j = h->h1 & s->xmask; i <= s->xmask; i++, j = (j + 1) & s->xmask) {
		struct exact_seen *e = &s->xs[j];

		if (!e->used) {
			if (!insert)
				return NULL;
			e->used = true;
			e->key = *k;
			e->last_s = 0;
			return e;
		}
		if (memcmp(&e->key, k, sizeof(*k)) == 0)
			return e;
	}
	return NULL;
}

static struct sw_cell *
x_cell(const struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
       bool insert)
{
	for (uint32_t i = 0, j = h->h1 & s->xmask; i <= s->xmask; i++, j = (j + 1) & s->xmask) {
		struct exact_cell *e = &s->xc[j];

		if (!e->used) {
			if (!insert)
				return NULL;
			e->used = true;
			e->key = *k;
			return &e->cell;
		}
		if (memcmp(&e->key, k, sizeof(*k)) == 0)
			return &e->cell;
	}
	return NULL;
}

static unsigned
x_seen(const struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
       uint32_t now_s)
{
	const struct exact_seen *e = x_seen_entry(s, k, h, false);
	unsigned mask = 0;
	uint32_t age;

	if (e == NULL || e->last_s == 0)
		return 0;
	/* marked a little after now_s: seen just now (SW_FUTURE_S) */
	age = e->last_s > now_s && e->last_s - now_s <= SW_FUTURE_S ? 0 : now_s - e->last_s;
	for (unsigned t = 0; t < SW_TS; t++)
		if (age < s->c.win_s[t])
			mask |= 1u << t;
	return mask;
}

static bool
x_mark(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h, uint32_t now_s)
{
	struct exact_seen *e = x_seen_entry(s, k, h, true);

	if (e == NULL)
		return false;
	e->last_s = now_s;
	return true;
}

static int
x_first(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h, uint32_t now_s)
{
	unsigned fresh = ~x_seen(s, k, h, now_s) & ((1u << SW_TS) - 1);

	return x_mark(s, k, h, now_s) ? (int)fresh : -1;
}

static void
x_update(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
	 sw_upd_t u, uint32_t now_s, struct sw_est *e)
{
	struct sw_cell *c = x_cell(s, k, h, true);

	if (c == NULL) {
		s->overflows++;
		memset(e, 0, sizeof(*e));
		return;
	}
	sw_cell_update(s, c, u, now_s);
	sw_cell_read(s, c, now_s, e);
}

static void
x_get(const struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
      uint32_t now_s, struct sw_est *e)
{
	const struct sw_cell *c = x_cell(s, k, h, false);

	memset(e, 0, sizeof(*e));
	if (c != NULL)
		sw_cell_read(s, c, now_s, e);
}

static void
x_scrub(struct sw_sketch *s __rte_unused, uint32_t now_s __rte_unused)
{
}

const struct sw_sketch_ops sw_sketch_exact_ops = {
	.keyed = true,
	.init = x_init,
	.fini = x_fini,
	.bytes = x_bytes,
	.bounds = x_bounds,
	.describe = x_describe,
	.seen = x_seen,
	.mark = x_mark,
	.first = x_first,
	.update = x_update,
	.target_update = x_update,	/* targets are keys like any other here */
	.get = x_get,
	.scrub = x_scrub,
};
