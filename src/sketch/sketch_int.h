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

#include <scanwatch/sketch.h>

#define SAT16		0xffffu		/* counters saturate here */

struct sw_sketch;

struct sw_sketch_ops {
	bool keyed;		/* compares full keys: the worker must build them */
	int (*init)(struct sw_sketch *s);	/* 0 or -ENOMEM; fini frees a partial init */
	void (*fini)(struct sw_sketch *s);
	size_t (*bytes)(const struct sw_sketch *s);
	void (*bounds)(const struct sw_sketch *s, double *eps, double *delta, double *fpr);
	void (*describe)(const struct sw_sketch *s, FILE *out);
	void (*prefetch_filter)(const struct sw_sketch *s, const struct sw_hash *h);
	void (*prefetch_cell)(const struct sw_sketch *s, const struct sw_hash *h);
	void (*prefetch_target)(const struct sw_sketch *s, const struct sw_hash *h);
	/* the seen mask (bit t: seen within window t), no change */
	unsigned (*seen)(const struct sw_sketch *s, const struct sw_key *k,
			 const struct sw_hash *h, uint32_t now_s);
	/* mark k seen now; false: no room (counted as an overflow) */
	bool (*mark)(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		     uint32_t now_s);
	void (*update)(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		       const unsigned fmask[SW_F__MAX], uint32_t now_s, struct sw_est *e);
	void (*target_update)(struct sw_sketch *s, const struct sw_key *k,
			      const struct sw_hash *h, const unsigned fmask[SW_F__MAX],
			      uint32_t now_s, struct sw_est *e);
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
	struct sw_sketch_conf c;
	uint64_t seed;
	uint32_t max_win;		/* the longest window */
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
	return now_s - c->start < s->c.win_s[t] && now_s >= c->start;
}

static inline void
sw_cell_expire(struct sw_cell_ts *c, uint32_t now_s, uint32_t win)
{
	if (now_s - c->start >= win || now_s < c->start) {
		memset(c->v, 0, sizeof(c->v));
		c->start = now_s;
	}
}

static inline void
sw_cell_read(const struct sw_sketch *s, const struct sw_cell *c, uint32_t now_s,
	     struct sw_est *e)
{
	for (unsigned t = 0; t < SW_TS; t++) {
		bool live = sw_cell_live(s, &c->ts[t], t, now_s);

		for (unsigned f = 0; f < SW_F__MAX; f++)
			e->v[t][f] = live ? c->ts[t].v[f] : 0;
	}
}

/* One cell, every field of fmask: an owner's or the exact twin's update.
 * Branch-free per field: ~30 instructions where a branch per (scale,
 * field) pair took 200 (callgrind, bench/README.md). */
static inline void
sw_cell_update(const struct sw_sketch *s, struct sw_cell *c, const unsigned fmask[SW_F__MAX],
	       uint32_t now_s)
{
	unsigned any = 0;

	for (unsigned f = 0; f < SW_F__MAX; f++)
		any |= fmask[f];
	for (unsigned t = 0; t < SW_TS; t++) {
		uint16_t *v = c->ts[t].v;

		if (!(any & (1u << t)))
			continue;
		sw_cell_expire(&c->ts[t], now_s, s->c.win_s[t]);
		for (unsigned f = 0; f < SW_F__MAX; f++)
			v[f] = (uint16_t)(v[f] + ((fmask[f] >> t) & 1u & (v[f] < SAT16)));
	}
}

#endif /* SW_SKETCH_INT_H */
