/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's fast path into the production sketch, inline: the
 * first-contact filter test, the owned-cell update and the prefetches,
 * compiled into the caller's burst loop (as rte_hash's lookups are into
 * l3fwd's) instead of through sketch.c's entry points and the ops table,
 * whose two calls per use cost more instructions than the work (callgrind,
 * bench/README.md). sw_skf_*() fall back to those entry points for the
 * exact twin (keyed, which is s->keyed: the caller compiles its path once
 * for each value, src/detect/detect.c), so one caller serves both. Only
 * src/detect includes this; everything else uses <scanwatch/sketch.h>.
 */
#ifndef SW_SKETCH_FAST_H
#define SW_SKETCH_FAST_H

#include <rte_branch_prediction.h>
#include <rte_prefetch.h>

#include "sketch_int.h"

#define FILT_K		3	/* cells set per key, all in one cache line */
#define FILT_LINE	32	/* 16-bit cells per 64-byte line */

static inline uint16_t *
cm_filt_line(const struct sw_sketch *s, const struct sw_hash *h)
{
	return s->filt + (size_t)(h->h1 & s->lines_mask) * FILT_LINE;
}

static inline struct sw_cell *
cm_cell_at(const struct sw_sketch *s, const struct sw_hash *h, unsigned row)
{
	return &s->cells[(size_t)row * s->c.width + ((h->h1 + row * h->h2) & s->wmask)];
}

/* A filter cell holds the second it was set, mod 2^16; 0 is empty, so the
 * second that is 0 mod 2^16 is stamped 1 (once in 18 hours, one second
 * read one second younger). */
static inline uint16_t
cm_stamp(uint32_t now_s)
{
	uint16_t v = (uint16_t)now_s;

	return v != 0 ? v : 1;
}

/*
 * The cell's age plus SW_FUTURE_S, in 16 bits: a stamp up to SW_FUTURE_S
 * seconds ahead of cur (marked by a later packet of the burst, a clock
 * stepping back) falls below SW_FUTURE_S, i.e. younger than age 0, and
 * every real age keeps its order. Two instructions where the modular
 * age of 65535 stamps took seven (callgrind); scrubbing clears stamps long
 * before they could wrap into the future range.
 */
static inline uint32_t
cm_sage(uint16_t cur, uint16_t cell)
{
	return (uint16_t)(cur + SW_FUTURE_S - cell);
}

/* The age in seconds (0 for a stamp ahead of cur): the scrub's test. */
static inline uint32_t
cm_age(uint16_t cur, uint16_t cell)
{
	uint32_t a = cm_sage(cur, cell);

	return a < SW_FUTURE_S ? 0 : a - SW_FUTURE_S;
}

/* The scales at which a key whose oldest filter cell has shifted age
 * `oldest` (cm_sage; UINT32_MAX: a cell was empty) is fresh: bit t when
 * the key was not seen within window t (s->fthr[t], the window shifted
 * alike). */
static inline unsigned
cm_fresh(const struct sw_sketch *s, uint32_t oldest)
{
	RTE_BUILD_BUG_ON(SW_TS != 3);
	return (unsigned)(oldest >= s->fthr[0]) | (unsigned)(oldest >= s->fthr[1]) << 1 |
	       (unsigned)(oldest >= s->fthr[2]) << 2;
}

/* The key's FILT_K cells in its line, from h2 (bits 1-15, five per cell). */
#define CM_CELLS(line, h)						\
	uint16_t *c0 = &(line)[((h)->h2 >> 1) & (FILT_LINE - 1)];	\
	uint16_t *c1 = &(line)[((h)->h2 >> 6) & (FILT_LINE - 1)];	\
	uint16_t *c2 = &(line)[((h)->h2 >> 11) & (FILT_LINE - 1)]

/* The shifted age of the key's oldest cell, UINT32_MAX when one is empty. */
static inline uint32_t
cm_oldest(uint16_t cur, uint16_t a, uint16_t b, uint16_t c)
{
	uint32_t o = RTE_MAX(cm_sage(cur, a), RTE_MAX(cm_sage(cur, b), cm_sage(cur, c)));

	return a == 0 || b == 0 || c == 0 ? UINT32_MAX : o;
}

/* Test and set: the fresh mask (scales where the key was not seen). */
static inline unsigned
cm_first_in(struct sw_sketch *s, const struct sw_hash *h, uint32_t now_s)
{
	uint16_t *line = cm_filt_line(s, h);
	uint16_t cur = cm_stamp(now_s);
	RTE_BUILD_BUG_ON(FILT_K != 3);
	CM_CELLS(line, h);
	uint32_t oldest = cm_oldest(cur, *c0, *c1, *c2);

	*c0 = cur;
	*c1 = cur;
	*c2 = cur;
	return cm_fresh(s, oldest);
}

/* Mark the key seen now. */
static inline void
cm_mark_in(struct sw_sketch *s, const struct sw_hash *h, uint32_t now_s)
{
	uint16_t *line = cm_filt_line(s, h);
	uint16_t cur = cm_stamp(now_s);
	CM_CELLS(line, h);

	*c0 = cur;
	*c1 = cur;
	*c2 = cur;
}

/* Test only: the seen mask (bit t: seen within window t). */
static inline unsigned
cm_seen_in(const struct sw_sketch *s, const struct sw_hash *h, uint32_t now_s)
{
	uint16_t *line = cm_filt_line(s, h);
	CM_CELLS(line, h);

	return ~cm_fresh(s, cm_oldest(cm_stamp(now_s), *c0, *c1, *c2)) & ((1u << SW_TS) - 1);
}

/* Test, and when seen mark again: the seen mask before the mark. */
static inline unsigned
cm_refresh_in(struct sw_sketch *s, const struct sw_hash *h, uint32_t now_s)
{
	uint16_t *line = cm_filt_line(s, h);
	uint16_t cur = cm_stamp(now_s);
	CM_CELLS(line, h);
	unsigned seen = ~cm_fresh(s, cm_oldest(cur, *c0, *c1, *c2)) & ((1u << SW_TS) - 1);

	if (seen != 0) {
		*c0 = cur;
		*c1 = cur;
		*c2 = cur;
	}
	return seen;
}

static inline bool
cm_cell_free(const struct sw_sketch *s, const struct sw_cell *c, uint32_t now_s)
{
	if (c->tag == 0)
		return true;
	for (unsigned t = 0; t < SW_TS; t++)
		if (sw_cell_live(s, &c->ts[t], t, now_s))
			return false;
	return true;
}

static inline void
cm_cell_claim(struct sw_cell *c, uint32_t tag, uint32_t now_s)
{
#ifdef __SSE2__
	/* each window {start now_s, counters 0} in one 16-byte store: the
	 * update's 16-byte load of it right after (sw_cell_update_read())
	 * is forwarded from the store buffer, where a memset and a separate
	 * start were three stores it had to wait out */
	const __m128i w = _mm_cvtsi32_si128((int)now_s);

	for (unsigned t = 0; t < SW_TS; t++)
		_mm_storeu_si128((__m128i *)&c->ts[t], w);
#else
	for (unsigned t = 0; t < SW_TS; t++) {
		memset(c->ts[t].v, 0, sizeof(c->ts[t].v));
		c->ts[t].start = now_s;
	}
#endif
	c->tag = tag;
	c->defer_h2 = 0;	/* the former owner's deferred marks are dropped */
}

/*
 * A live owner so light that taking its cell costs it at most one first
 * contact: one contact and at most one answer in the longest window. A
 * flood of spoofed sources (one SYN each) owns cells only until the next
 * source needs them, instead of filling the table and pushing every key
 * into the shared count-min rows, where the flood's mass would inflate
 * them. A source that probes once per longest window during a flood can
 * lose its single count this way; anything heavier keeps its cell.
 */
static inline bool
cm_cell_light(const struct sw_cell *c)
{
#ifdef __SSE2__
	/* no counter above one: every field, bit 0 aside, zero in all three
	 * windows (lanes 0-1 are the start, left out) */
	const __m128i above1 = _mm_setr_epi16(0, 0, -2, -2, -2, -2, -2, -2);
	__m128i v = _mm_or_si128(_mm_loadu_si128((const __m128i *)&c->ts[0]),
				 _mm_or_si128(_mm_loadu_si128((const __m128i *)&c->ts[1]),
					      _mm_loadu_si128((const __m128i *)&c->ts[2])));

	RTE_BUILD_BUG_ON(SW_TS != 3);
	v = _mm_and_si128(v, above1);
	return _mm_movemask_epi8(_mm_cmpeq_epi16(v, _mm_setzero_si128())) == 0xffff;
#else
	uint16_t max = 0;

	for (unsigned t = 0; t < SW_TS; t++)
		for (unsigned f = 0; f < SW_F__MAX; f++)
			max = RTE_MAX(max, c->ts[t].v[f]);
	return max <= 1;
#endif
}

/* A key passed row-0 cell c0 for a row below within the longest window:
 * it may own a cell there. */
static inline bool
cm_passed_below(const struct sw_sketch *s, const struct sw_cell *c0, uint32_t now_s)
{
	return c0->spill_s != 0 && now_s - c0->spill_s < s->max_win;
}

/* The cell k owns, claiming one if it can (*claimed: it did, now); NULL:
 * k is a spilled key. */
static inline struct sw_cell *
cm_owned_cell(struct sw_sketch *s, const struct sw_hash *h, uint32_t now_s, bool *claimed)
{
	struct sw_cell *c0 = cm_cell_at(s, h, 0);
	bool deeper = false;

	s->lines++;
	*claimed = false;
	if (c0->tag == h->h2)
		return c0;
	/* a key that passed row 0 recently may own a row below */
	if (cm_passed_below(s, c0, now_s)) {
		deeper = true;
		for (unsigned r = 1; r < s->c.depth; r++) {
			struct sw_cell *c = cm_cell_at(s, h, r);

			s->lines++;
			if (c->tag == h->h2)
				return c;
		}
	}
	if (cm_cell_free(s, c0, now_s)) {
		cm_cell_claim(c0, h->h2, now_s);
		*claimed = true;
		return c0;
	}
	/* not while a key passing it counts below (in a deeper row or the
	 * shared rows): taking row 0 would drop that key's counts */
	if (!deeper && cm_cell_light(c0)) {
		s->handovers++;
		cm_cell_claim(c0, h->h2, now_s);
		*claimed = true;
		return c0;
	}
	c0->spill_s = now_s;
	for (unsigned r = 1; r < s->c.depth; r++) {
		struct sw_cell *c = cm_cell_at(s, h, r);

		if (!deeper)
			s->lines++;
		if (c->tag == h->h2)
			return c;
	}
	for (unsigned r = 1; r < s->c.depth; r++) {
		struct sw_cell *c = cm_cell_at(s, h, r);

		if (cm_cell_free(s, c, now_s)) {
			cm_cell_claim(c, h->h2, now_s);
			*claimed = true;
			return c;
		}
	}
	return NULL;
}

/*
 * Whether k owns no cell and has passed no row-0 cell within the longest
 * window: as far as the sketch knows, a source never seen (or one whose
 * single contact lost its cell to another key). One look at the row-0
 * cell, which the caller has loaded.
 */
static inline bool
cm_unowned(const struct sw_sketch *s, const struct sw_hash *h, uint32_t now_s)
{
	const struct sw_cell *c0 = cm_cell_at(s, h, 0);

	return c0->tag != h->h2 && !cm_passed_below(s, c0, now_s);
}

/* Mark k seen at second `at` (a stamp of the past), keeping any of its
 * cells that a later mark (of k or of a key sharing them) made younger. */
static inline void
cm_mark_at(struct sw_sketch *s, const struct sw_hash *h, uint32_t now_s, uint32_t at)
{
	uint16_t *line = cm_filt_line(s, h);
	uint16_t cur = cm_stamp(now_s), st = cm_stamp(at);
	uint32_t age = cm_sage(cur, st);
	CM_CELLS(line, h);

	s->lines++;
	if (*c0 == 0 || cm_sage(cur, *c0) > age)
		*c0 = st;
	if (*c1 == 0 || cm_sage(cur, *c1) > age)
		*c1 = st;
	if (*c2 == 0 || cm_sage(cur, *c2) > age)
		*c2 = st;
}

void sw_cm_update_spilled(struct sw_sketch *s, const struct sw_hash *h, sw_upd_t u,
			  uint32_t now_s, struct sw_est *e);

/* An owner's update in one visit of its line; spilled keys out of line.
 * With x, the counters of u that crossed (sw_cell_update_read()). */
static __rte_always_inline sw_upd_t
cm_update_in(struct sw_sketch *s, const struct sw_hash *h, sw_upd_t u, uint32_t now_s,
	     struct sw_est *e, const struct sw_cross *x)
{
	bool claimed;
	struct sw_cell *c = cm_owned_cell(s, h, now_s, &claimed);

	if (unlikely(c == NULL)) {
		sw_cm_update_spilled(s, h, u, now_s, e);
		return x != NULL ? sw_cross_est(x, e, u) : 0;
	}
	return sw_cell_update_read(s, c, u, now_s, e, x, SW_EST_ALL);
}

/* One row, no owners: the cell's counters are the sum over the keys
 * sharing it, so every update raises them by one and no threshold is
 * skipped. */
static __rte_always_inline void
cm_target_update_in(struct sw_sketch *s, const struct sw_hash *h, sw_upd_t u, uint32_t now_s,
		    struct sw_est *e, unsigned fields)
{
	struct sw_cell *c = &s->tcells[h->h1 & s->tmask];

	s->lines++;
	sw_cell_update_read(s, c, u, now_s, e, NULL, fields);
}

/* The worker's calls ------------------------------------------------------ */

static __rte_always_inline void
sw_skf_prefetch_filter(const struct sw_sketch *s, const struct sw_hash *h, bool keyed)
{
	if (likely(!keyed))
		rte_prefetch0(cm_filt_line(s, h));
}

/* Row 0 only: a key owns its row-0 cell unless another live key does. */
static __rte_always_inline void
sw_skf_prefetch_cell(const struct sw_sketch *s, const struct sw_hash *h, bool keyed)
{
	if (likely(!keyed))
		rte_prefetch0(cm_cell_at(s, h, 0));
}

static __rte_always_inline void
sw_skf_prefetch_target(const struct sw_sketch *s, const struct sw_hash *h, bool keyed)
{
	if (likely(!keyed))
		rte_prefetch0(&s->tcells[h->h1 & s->tmask]);
}

/* sw_skf_first() and sw_skf_seen() of a key beside one whose line the
 * caller has read (sw_sketch_hash_beside()): that line, not counted again. */
static __rte_always_inline unsigned
sw_skf_first_beside(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		    uint32_t now_s, bool keyed)
{
	if (unlikely(keyed))
		return sw_sketch_first(s, k, h, now_s);
	return cm_first_in(s, h, now_s);
}

static __rte_always_inline unsigned
sw_skf_seen_beside(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		   uint32_t now_s, bool keyed)
{
	if (unlikely(keyed))
		return sw_sketch_seen(s, k, h, now_s);
	return cm_seen_in(s, h, now_s);
}

/* Test and set in the first-contact filter: one line. */
static __rte_always_inline unsigned
sw_skf_first(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
	     uint32_t now_s, bool keyed)
{
	s->lines += !keyed;
	return sw_skf_first_beside(s, k, h, now_s, keyed);
}

static __rte_always_inline unsigned
sw_skf_seen(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
	    uint32_t now_s, bool keyed)
{
	s->lines += !keyed;
	return sw_skf_seen_beside(s, k, h, now_s, keyed);
}

/* Test, and when seen set again: one visit of the line. */
static __rte_always_inline unsigned
sw_skf_refresh(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
	       uint32_t now_s, bool keyed)
{
	if (unlikely(keyed))
		return sw_sketch_refresh(s, k, h, now_s);
	s->lines++;
	return cm_refresh_in(s, h, now_s);
}

/* The update; with x, the counters of u that crossed (sw_cross_est()). */
static __rte_always_inline sw_upd_t
sw_skf_update(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
	      sw_upd_t u, uint32_t now_s, struct sw_est *e, const struct sw_cross *x, bool keyed)
{
	if (unlikely(keyed)) {
		sw_sketch_update(s, k, h, u, now_s, e);
		return x != NULL ? sw_cross_est(x, e, u) : 0;
	}
	return cm_update_in(s, h, u, now_s, e, x);
}

/* The target's update: e receives at least `fields` (sw_cell_update_read()). */
static __rte_always_inline void
sw_skf_target_update(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		     sw_upd_t u, uint32_t now_s, struct sw_est *e, unsigned fields, bool keyed)
{
	if (unlikely(keyed))
		sw_sketch_target_update(s, k, h, u, now_s, e);
	else
		cm_target_update_in(s, h, u, now_s, e, fields);
}

#endif /* SW_SKETCH_FAST_H */
