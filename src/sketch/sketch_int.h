/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the sketch: the state both implementations share and the ops
 * table that picks one of them once, at create (as DPDK's rte_member picks
 * its set-summary type), so no call tests a mode flag. sketch.c holds the
 * public entry points; sketch_cm.c the count-min with owned cells and the
 * first-contact filter (production); sketch_exact.c the exact twin (tests,
 * and measuring the sketch's error).
 */
#ifndef SW_SKETCH_INT_H
#define SW_SKETCH_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef __SSE4_1__
#include <smmintrin.h>
#endif

#include <scanwatch/sketch.h>

#define SAT16		0xffffu		/* counters saturate here */

/*
 * A filter entry marked up to this many seconds after the time it is
 * tested at reads as seen just now, not as expired: offline, a burst
 * spans packet times, and pass 2 marks a later packet's tuple before
 * pass 3 tests it for an earlier one (a bare RST whose sender had just
 * probed the port it resets, test_detect
 * rst_of_own_probe_seen_across_a_second_in_one_burst); a capture's clock
 * may also step back a little.
 */
#define SW_FUTURE_S	64

struct sw_sketch;

struct sw_sketch_ops {
	bool keyed;		/* compares full keys: the worker must build them */
	int (*init)(struct sw_sketch *s);	/* 0 or -ENOMEM; fini frees a partial init */
	void (*fini)(struct sw_sketch *s);
	size_t (*bytes)(const struct sw_sketch *s);
	void (*bounds)(const struct sw_sketch *s, double *eps, double *delta, double *fpr);
	void (*describe)(const struct sw_sketch *s, FILE *out);
	/* the seen mask (bit t: seen within window t), no change */
	unsigned (*seen)(const struct sw_sketch *s, const struct sw_key *k,
			 const struct sw_hash *h, uint32_t now_s);
	/* mark k seen now; false: no room (counted as an overflow) */
	bool (*mark)(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		     uint32_t now_s);
	/* seen, then mark, in one visit: the fresh mask (scales where k was
	 * not seen), or -1 when there was no room to mark it */
	int (*first)(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		     uint32_t now_s);
	void (*update)(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		       sw_upd_t u, uint32_t now_s, struct sw_est *e);
	void (*target_update)(struct sw_sketch *s, const struct sw_key *k,
			      const struct sw_hash *h, sw_upd_t u, uint32_t now_s,
			      struct sw_est *e);
	void (*get)(const struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		    uint32_t now_s, struct sw_est *e);
	void (*scrub)(struct sw_sketch *s, uint32_t now_s);
};

extern const struct sw_sketch_ops sw_sketch_cm_ops;
extern const struct sw_sketch_ops sw_sketch_exact_ops;

struct exact_cell;
struct exact_seen;

struct sw_sketch {
	const struct sw_sketch_ops *ops;
	bool keyed;			/* ops->keyed, read by sketch_fast.h */
	struct sw_sketch_conf c;
	uint64_t seed;
	uint32_t max_win;		/* the longest window */
	uint32_t fthr[SW_TS];		/* filter: window + SW_FUTURE_S, at most 0xffff */
	uint64_t lines;			/* worker-side lines touched (sw_sketch_lines) */
	uint64_t overflows;		/* exact twin: keys dropped, table full */
	uint64_t handovers;		/* light owners' cells given to another key */
	/* count-min with owned cells (sketch_cm.c) */
	uint32_t wmask;
	uint32_t lines_mask;		/* filter lines - 1 */
	uint32_t scrub_line;		/* next filter line to scrub */
	uint32_t scrub_s;		/* packet second of the last scrub */
	struct sw_cell *cells;		/* depth rows of width cells */
	struct sw_cell *tcells;		/* targets: one row of twidth cells */
	bool cells_mapped, tcells_mapped, filt_mapped;	/* sw_sketch_big_zalloc() */
	uint32_t tmask;			/* twidth - 1 */
	uint16_t *filt;			/* (lines_mask + 1) * FILT_LINE cells */
	/* exact twin (sketch_exact.c) */
	struct exact_cell *xc;
	struct exact_seen *xs;
	uint32_t xmask;
};

void *sw_sketch_zalloc(size_t n, int socket);

/* A cell's window t is live at now_s (tumbling: opened at start). */
static inline bool
sw_cell_live(const struct sw_sketch *s, const struct sw_cell_ts *c, unsigned t,
	     uint32_t now_s)
{
	/* unsigned: a start after now_s (a capture's clock stepping back)
	 * wraps to a huge age and reads as expired, as it must */
	return now_s - c->start < s->c.win_s[t];
}

static inline void
sw_cell_expire(struct sw_cell_ts *c, uint32_t now_s, uint32_t win)
{
	if (now_s - c->start >= win) {	/* expired, or started after now_s */
		memset(c->v, 0, sizeof(c->v));
		c->start = now_s;
	}
}

/*
 * A window is 16 bytes, {start, v[6]}: one SSE2 register, whose 16-bit
 * lanes 0-1 hold the start and 2-7 the fields. Reading and adding go a
 * whole window at a time (six fields in a few instructions where a loop
 * over them took ~170 per update, callgrind, bench/README.md); the scalar
 * loops are the same arithmetic for other architectures.
 */
_Static_assert(sizeof(struct sw_cell_ts) == 16 && SW_F__MAX == 6,
	       "a window is one 16-byte vector: start + six 16-bit fields");

static inline void
sw_cell_read(const struct sw_sketch *s, const struct sw_cell *c, uint32_t now_s,
	     struct sw_est *e)
{
	for (unsigned t = 0; t < SW_TS; t++) {
		bool live = sw_cell_live(s, &c->ts[t], t, now_s);
#ifdef __SSE2__
		__m128i v = _mm_and_si128(_mm_loadu_si128((const __m128i *)&c->ts[t]),
					  _mm_set1_epi32(live ? -1 : 0));
		__m128i zero = _mm_setzero_si128();

		/* v0 v1 from the low half's upper lanes, v2..v5 from the high half */
		_mm_storel_epi64((__m128i *)&e->v[t][0],
				 _mm_srli_si128(_mm_unpacklo_epi16(v, zero), 8));
		_mm_storeu_si128((__m128i *)&e->v[t][2], _mm_unpackhi_epi16(v, zero));
#else
		for (unsigned f = 0; f < SW_F__MAX; f++)
			e->v[t][f] = live ? c->ts[t].v[f] : 0;
#endif
	}
}

/* Row fb: a window's increment for the fields of bit set fb (lane 2 + f
 * is bit f of fb, the start's lanes 0), one load where building it from
 * fb took five instructions (sketch_cm.c). */
extern const uint16_t sw_cell_inc[1u << SW_F__MAX][8] __attribute__((aligned(16)));

/* Add one to the fields of bit set fb (bit f: field f), saturating. */
static inline void
sw_cell_ts_add(struct sw_cell_ts *c, unsigned fb)
{
#ifdef __SSE2__
	__m128i *p = (__m128i *)c;

	_mm_storeu_si128(p, _mm_adds_epu16(_mm_loadu_si128(p),
					   _mm_load_si128((const __m128i *)sw_cell_inc[fb])));
#else
	for (unsigned f = 0; f < SW_F__MAX; f++)
		if (((fb >> f) & 1u) && c->v[f] < SAT16)
			c->v[f]++;
#endif
}

/* One cell, every counter u names: an owner's or the exact twin's update. */
static inline void
sw_cell_update(const struct sw_sketch *s, struct sw_cell *c, sw_upd_t u, uint32_t now_s)
{
	for (unsigned t = 0; t < SW_TS; t++) {
		unsigned fb = (u >> SW_UPD_SHIFT(t)) & ((1u << SW_F__MAX) - 1);

		if (fb == 0)
			continue;
		sw_cell_expire(&c->ts[t], now_s, s->c.win_s[t]);
		sw_cell_ts_add(&c->ts[t], fb);
	}
}

#ifdef __SSE4_1__
/* sw_cross_fields() of a window in a register: bit l when lane l crosses. */
static inline unsigned
sw_cross_lanes(const struct sw_cross *x, __m128i v)
{
	__m128i q = _mm_mullo_epi16(v, _mm_load_si128((const __m128i *)x->inv));
	__m128i ok = _mm_and_si128(
		_mm_cmpeq_epi16(_mm_min_epu16(q, _mm_load_si128((const __m128i *)x->lim)), q),
		_mm_cmpeq_epi16(_mm_max_epu16(q, _mm_load_si128((const __m128i *)x->minq)), q));

	/* q a power of two (q >= minq >= 1 rules out 0) */
	ok = _mm_and_si128(ok, _mm_cmpeq_epi16(_mm_and_si128(q, _mm_sub_epi16(q, _mm_set1_epi16(1))),
					       _mm_setzero_si128()));
	return (unsigned)_mm_movemask_epi8(_mm_packs_epi16(ok, _mm_setzero_si128()));
}
#endif

#define SW_EST_ALL	((1u << SW_F__MAX) - 1)	/* every field of a struct sw_est */


/*
 * sw_cell_update() then sw_cell_read() in one pass over the windows: each
 * window is loaded, expired, added to and unpacked once (the two passes
 * loaded each twice and tested its age twice). With x (one sw_cross per
 * scale; constant NULL compiles the test out), the threshold test too, on
 * the register just added to, where unpacking the counters and packing
 * them again into a 32-bit test took ~90 instructions per first contact
 * (callgrind): returns the counters of u that crossed (sw_cross_est()).
 * e receives the fields in `fields` (bit f: field f, a constant; the rest
 * of e is left as it was): the worker reads one or two of them per update,
 * and a caller that needs the rest after all (an event) reads the cell
 * again, sw_cell_read().
 */
static __rte_always_inline sw_upd_t
sw_cell_update_read(const struct sw_sketch *s, struct sw_cell *c, sw_upd_t u, uint32_t now_s,
		    struct sw_est *e, const struct sw_cross *x, unsigned fields)
{
#if defined(__SSE2__) && defined(__SSE4_1__)
	const __m128i zero = _mm_setzero_si128();
	sw_upd_t cr = 0;

	for (unsigned t = 0; t < SW_TS; t++) {
		unsigned fb = (u >> SW_UPD_SHIFT(t)) & ((1u << SW_F__MAX) - 1);
		__m128i *p = (__m128i *)&c->ts[t];
		__m128i v = _mm_loadu_si128(p);

		if (!sw_cell_live(s, &c->ts[t], t, now_s))
			/* expired (or started after now_s): empty, and opened
			 * now if this update counts in it */
			v = fb != 0 ? _mm_cvtsi32_si128((int)now_s) : zero;
		if (fb != 0) {
			v = _mm_adds_epu16(v, _mm_load_si128((const __m128i *)sw_cell_inc[fb]));
			_mm_storeu_si128(p, v);
			if (x != NULL)
				cr |= (sw_upd_t)((sw_cross_lanes(&x[t], v) >> 2) & fb)
				      << SW_UPD_SHIFT(t);
		}
		if (fields == SW_EST_ALL) {
			_mm_storel_epi64((__m128i *)&e->v[t][0],
					 _mm_srli_si128(_mm_unpacklo_epi16(v, zero), 8));
			_mm_storeu_si128((__m128i *)&e->v[t][2], _mm_unpackhi_epi16(v, zero));
		} else {
			/* a constant lane each: one pextrw */
			typedef uint16_t lanes_t __attribute__((vector_size(16)));

			for (unsigned f = 0; f < SW_F__MAX; f++)
				if (fields & (1u << f))
					e->v[t][f] = ((lanes_t)v)[2 + f];
		}
	}
	return cr;
#else
	RTE_SET_USED(fields);
	sw_cell_update(s, c, u, now_s);
	sw_cell_read(s, c, now_s, e);
	return x != NULL ? sw_cross_est(x, e, u) : 0;
#endif
}

/*
 * An update in which field f counts wl[2 + f] (a count by sample: the
 * fields of wf weigh detect.heavy-sample, the rest one; wl is laid out as
 * a window, lanes 0-1 unused). Returns the counters of u that passed a
 * threshold or a doubling of it: the vector test for the fields that
 * rose by one, sw_cross_span() for those of wf (a step of more than one
 * can pass a doubling without landing on it). e receives every field.
 */
static inline sw_upd_t
sw_cell_add_weighted(const struct sw_sketch *s, struct sw_cell *c, sw_upd_t u, unsigned wf,
		     const uint16_t wl[8], uint32_t now_s, struct sw_est *e,
		     const struct sw_cross *x)
{
	sw_upd_t cr = 0;
#if defined(__SSE2__) && defined(__SSE4_1__)
	typedef uint16_t lanes_t __attribute__((vector_size(16)));
	const __m128i zero = _mm_setzero_si128();
	const __m128i wv = _mm_loadu_si128((const __m128i *)wl);
	/* the lanes of wf: weighed more than one */
	const __m128i wm = _mm_cmpgt_epi16(wv, _mm_set1_epi16(1));

	for (unsigned t = 0; t < SW_TS; t++) {
		unsigned fb = (u >> SW_UPD_SHIFT(t)) & ((1u << SW_F__MAX) - 1);
		__m128i *p = (__m128i *)&c->ts[t];
		__m128i old = _mm_loadu_si128(p), v;

		if (!sw_cell_live(s, &c->ts[t], t, now_s))
			old = fb != 0 ? _mm_cvtsi32_si128((int)now_s) : zero;
		v = old;
		if (fb != 0) {
			v = _mm_adds_epu16(old, _mm_mullo_epi16(
				_mm_load_si128((const __m128i *)sw_cell_inc[fb]), wv));
			/* no more distinct targets or ports than first contacts */
			v = _mm_min_epu16(v, _mm_or_si128(
				_mm_and_si128(_mm_set1_epi16((short)((lanes_t)v)[2 + SW_F_CONTACTS]),
					      wm),
				_mm_andnot_si128(wm, _mm_set1_epi16(-1))));
			_mm_storeu_si128(p, v);
			cr |= (sw_upd_t)((sw_cross_lanes(&x[t], v) >> 2) & fb & ~wf)
			      << SW_UPD_SHIFT(t);
			for (unsigned m = fb & wf; m != 0; m &= m - 1) {
				unsigned f = (unsigned)__builtin_ctz(m);

				if (sw_cross_span(&x[t], (enum sw_field)f, ((lanes_t)old)[2 + f],
						  ((lanes_t)v)[2 + f]))
					cr |= (sw_upd_t)1u << (SW_UPD_SHIFT(t) + f);
			}
		}
		_mm_storel_epi64((__m128i *)&e->v[t][0],
				 _mm_srli_si128(_mm_unpacklo_epi16(v, zero), 8));
		_mm_storeu_si128((__m128i *)&e->v[t][2], _mm_unpackhi_epi16(v, zero));
	}
#else
	for (unsigned t = 0; t < SW_TS; t++) {
		unsigned fb = (u >> SW_UPD_SHIFT(t)) & ((1u << SW_F__MAX) - 1);

		uint16_t old[SW_F__MAX];

		if (fb == 0)
			continue;
		sw_cell_expire(&c->ts[t], now_s, s->c.win_s[t]);
		memcpy(old, c->ts[t].v, sizeof(old));
		for (unsigned f = 0; f < SW_F__MAX; f++)
			if ((fb >> f) & 1u)
				c->ts[t].v[f] = (uint16_t)RTE_MIN(old[f] + wl[2 + f], SAT16);
		/* no more distinct targets or ports than first contacts */
		for (unsigned f = 0; f < SW_F__MAX; f++)
			if ((wf >> f) & 1u)
				c->ts[t].v[f] = RTE_MIN(c->ts[t].v[f], c->ts[t].v[SW_F_CONTACTS]);
		/* a step of one lands on what it passes */
		for (unsigned f = 0; f < SW_F__MAX; f++)
			if (((fb >> f) & 1u) &&
			    sw_cross_span(&x[t], (enum sw_field)f, old[f], c->ts[t].v[f]))
				cr |= (sw_upd_t)1u << (SW_UPD_SHIFT(t) + f);
	}
	RTE_SET_USED(wf);
	sw_cell_read(s, c, now_s, e);
#endif
	return cr;
}

#endif /* SW_SKETCH_INT_H */
