/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * First-contact filter and count-min sketch with per-cell tumbling windows,
 * or its exact twin: the public entry points. sw_sketch_create() picks the
 * implementation once (sketch_int.h's ops table); the calls here add what
 * both share (the lines counter, overflow accounting, hashing).
 * Owned by one worker; the control thread only reads cells (sw_sketch_get)
 * and tolerates the occasional torn 16-bit counter.
 */

#include <errno.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "sketch_int.h"

void *
sw_sketch_zalloc(size_t n, int socket)
{
	return rte_zmalloc_socket("sw_sketch", n, RTE_CACHE_LINE_SIZE, socket);
}

struct sw_sketch *
sw_sketch_create(const struct sw_sketch_conf *c)
{
	struct sw_sketch *s;

	if (!rte_is_power_of_2(c->width) || c->depth == 0 || c->depth > 16 || c->filter_log2 < 5 ||
	    c->filter_log2 > 32) {
		errno = EINVAL;
		return NULL;
	}
	s = sw_sketch_zalloc(sizeof(*s), c->socket);
	if (s == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	s->c = *c;
	s->ops = c->exact ? &sw_sketch_exact_ops : &sw_sketch_cm_ops;
	s->keyed = s->ops->keyed;
	/* Random per start: an attacker cannot aim for known collisions. A
	 * fixed seed (sketch.seed) makes a replay repeat its estimates to the
	 * last count, filter false positives included. */
	s->seed = c->seed != 0 ? (c->seed + 0x9e3779b97f4a7c15ULL) * 0xbf58476d1ce4e5b9ULL :
				 rte_rand();
	for (unsigned t = 0; t < SW_TS; t++) {
		s->max_win = RTE_MAX(s->max_win, c->win_s[t]);
		/* a 16-bit stamp tells ages up to 0xffff - SW_FUTURE_S: a longer
		 * window sees a key fresh only once its cells are empty */
		s->fthr[t] = RTE_MIN(c->win_s[t], 0xffffu - SW_FUTURE_S) + SW_FUTURE_S;
	}
	if (s->ops->init(s) != 0) {
		sw_sketch_free(s);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

void
sw_sketch_free(struct sw_sketch *s)
{
	if (s == NULL)
		return;
	s->ops->fini(s);
	rte_free(s);
}

size_t
sw_sketch_bytes(const struct sw_sketch *s)
{
	return s->ops->bytes(s);
}

void
sw_sketch_bounds(const struct sw_sketch *s, double *eps, double *delta, double *fpr)
{
	s->ops->bounds(s, eps, delta, fpr);
}

void
sw_sketch_describe(const struct sw_sketch *s, FILE *out)
{
	s->ops->describe(s, out);
}

bool
sw_sketch_keyed(const struct sw_sketch *s)
{
	return s->ops->keyed;
}

uint64_t
sw_sketch_seed(const struct sw_sketch *s)
{
	return s->seed;
}

/*
 * Keys are hashed from their parts (sketch.h): each address once, then a
 * finaliser per key. Multiplication keeps it non-linear in the seed (CRC32-C
 * with two seeds would give h2 = h1 ^ const and hide no collision).
 */
void
sw_sketch_hash(const struct sw_sketch *s, const struct sw_key *k, struct sw_hash *h)
{
	RTE_BUILD_BUG_ON(sizeof(*k) != 40);
	sw_sketch_hash_mix(s->seed, sw_sketch_hash_addr(s->seed, &k->a),
			   sw_sketch_hash_addr(s->seed, &k->b), k->port, k->proto, k->kind,
			   k->seq, h);
}

unsigned
sw_sketch_seen(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
	       uint32_t now_s)
{
	s->lines++;	/* the worker's call: it owns the sketch */
	return s->ops->seen(s, k, h, now_s);
}

unsigned
sw_sketch_first(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		uint32_t now_s)
{
	int fresh = s->ops->first(s, k, h, now_s);

	s->lines++;
	if (fresh < 0) {
		s->overflows++;
		return 0;
	}
	return (unsigned)fresh;
}

unsigned
sw_sketch_refresh(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		  uint32_t now_s)
{
	unsigned seen = s->ops->seen(s, k, h, now_s);

	if (seen == 0) {
		s->lines++;
		return 0;
	}
	sw_sketch_first(s, k, h, now_s);	/* counts the line */
	return seen;
}

void
sw_sketch_scrub(struct sw_sketch *s, uint32_t now_s)
{
	s->ops->scrub(s, now_s);
}

void
sw_sketch_update(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		 sw_upd_t u, uint32_t now_s, struct sw_est *e)
{
	s->ops->update(s, k, h, u, now_s, e);
}

void
sw_sketch_target_update(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
			sw_upd_t u, uint32_t now_s, struct sw_est *e)
{
	s->ops->target_update(s, k, h, u, now_s, e);
}

void
sw_sketch_add(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
	      enum sw_field f, unsigned mask, uint32_t now_s, uint32_t out[SW_TS])
{
	struct sw_est e;

	s->ops->update(s, k, h, sw_upd(f, mask), now_s, &e);
	for (unsigned t = 0; t < SW_TS; t++)
		if (mask & (1u << t))
			out[t] = e.v[t][f];
}

void
sw_sketch_get(const struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
	      uint32_t now_s, struct sw_est *e)
{
	s->ops->get(s, k, h, now_s, e);
}

uint64_t
sw_sketch_lines(const struct sw_sketch *s)
{
	return s->lines;
}

uint64_t
sw_sketch_handovers(const struct sw_sketch *s)
{
	return s->handovers;
}

uint64_t
sw_sketch_overflows(const struct sw_sketch *s)
{
	return s->overflows;
}
