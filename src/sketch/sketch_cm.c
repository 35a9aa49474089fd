/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The production sketch: a blocked first-contact filter and a count-min
 * whose cells are owned by one key while they live (the layout and its
 * bounds are explained at "Count-min with owned cells" below), plus the
 * one-row target table. Selected by sw_sketch_create() through
 * sw_sketch_cm_ops.
 */

#include <errno.h>
#include <math.h>
#include <string.h>

#include <sys/mman.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "sketch_fast.h"

/* The windows' increments, sw_cell_inc (sketch_int.h). */
#define INC(fb)	{ 0, 0, (fb) & 1, ((fb) >> 1) & 1, ((fb) >> 2) & 1, ((fb) >> 3) & 1,	\
		  ((fb) >> 4) & 1, ((fb) >> 5) & 1 }
#define INC4(b)		INC(b), INC((b) + 1), INC((b) + 2), INC((b) + 3)
#define INC16(b)	INC4(b), INC4((b) + 4), INC4((b) + 8), INC4((b) + 12)

const uint16_t sw_cell_inc[1u << SW_F__MAX][8] __attribute__((aligned(16))) = {
	INC16(0), INC16(16), INC16(32), INC16(48)
};

/*
 * The big arrays. On hugepages, DPDK memory (NUMA-local; rte_zmalloc skips
 * the memset of memory the kernel handed over zeroed). Without hugepages
 * (offline runs, --no-huge) EAL's memory is 4 KiB pages that rte_zmalloc
 * would fault in and zero whole, 49 MiB before the first packet: there,
 * anonymous memory from the kernel is zero already, faulted in only where
 * touched, and transparent huge pages (MADV_HUGEPAGE) cut its TLB misses.
 * Live (c->prefault) every page is faulted in here, before any packet.
 */

static void *
big_zalloc(size_t n, int socket, bool prefault, bool *mapped)
{
	char *p;

	*mapped = false;
	if (rte_eal_has_hugepages())
		return sw_sketch_zalloc(n, socket);
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, n, MADV_HUGEPAGE);
	/* live: fault it all in now, never on the worker's path */
	if (prefault)
		for (size_t off = 0; off < n; off += 4096)
			p[off] = 0;
	*mapped = true;
	return p;
}

static void
big_free(void *p, size_t n, bool mapped)
{
	if (p == NULL)
		return;
	if (mapped)
		munmap(p, n);
	else
		rte_free(p);
}

static size_t
cells_bytes(const struct sw_sketch *s)
{
	return sizeof(struct sw_cell) * s->c.width * s->c.depth;
}

static size_t
tcells_bytes(const struct sw_sketch *s)
{
	return sizeof(struct sw_cell) * ((size_t)s->tmask + 1);
}

static size_t
filt_bytes(const struct sw_sketch *s)
{
	return sizeof(uint16_t) * ((size_t)s->lines_mask + 1) * FILT_LINE;
}

static int
cm_init(struct sw_sketch *s)
{
	s->wmask = s->c.width - 1;
	s->lines_mask = (uint32_t)((1ull << s->c.filter_log2) / FILT_LINE) - 1;
	s->tmask = RTE_MAX(s->c.width / 4, 1u) - 1;
	s->cells = big_zalloc(cells_bytes(s), s->c.socket, s->c.prefault, &s->cells_mapped);
	s->tcells = big_zalloc(tcells_bytes(s), s->c.socket, s->c.prefault, &s->tcells_mapped);
	s->filt = big_zalloc(filt_bytes(s), s->c.socket, s->c.prefault, &s->filt_mapped);
	return s->cells == NULL || s->tcells == NULL || s->filt == NULL ? -ENOMEM : 0;
}

static void
cm_fini(struct sw_sketch *s)
{
	big_free(s->cells, cells_bytes(s), s->cells_mapped);
	big_free(s->tcells, tcells_bytes(s), s->tcells_mapped);
	big_free(s->filt, filt_bytes(s), s->filt_mapped);
}

static size_t
cm_bytes(const struct sw_sketch *s)
{
	return cells_bytes(s) + tcells_bytes(s) + filt_bytes(s);
}

static void
cm_bounds(const struct sw_sketch *s, double *eps, double *delta, double *fpr)
{
	double m = (double)((uint64_t)s->lines_mask + 1) * FILT_LINE;
	double n = s->c.filter_capacity;

	*eps = M_E / s->c.width;
	*delta = exp(-(double)s->c.depth);
	/* A blocked Bloom filter (Putze, Sanders, Singler, "Cache-, hash- and
	 * space-efficient Bloom filters", WEA 2007): the keys of one line are
	 * Poisson(lambda = n / lines), and a line holding x keys answers
	 * falsely with (1 - (1 - 1/B)^{kx})^k. Summed over x. */
	double lambda = n * FILT_LINE / m, term = exp(-lambda), sum = 0;

	for (unsigned x = 0; x < (unsigned)(lambda + 12 * sqrt(lambda) + 12); x++) {
		if (x > 0)
			term *= lambda / x;
		sum += term * pow(1.0 - pow(1.0 - 1.0 / FILT_LINE, (double)FILT_K * x), FILT_K);
	}
	*fpr = sum;
}

static void
cm_describe(const struct sw_sketch *s, FILE *out)
{
	double eps, delta, fpr;

	cm_bounds(s, &eps, &delta, &fpr);
	fprintf(out, "scanwatch: sketch %u x %u cells + %u target cells + filter 2^%u: "
		"%.1f MiB per worker; sources exact in their own cell while they own one "
		"(up to %u at once), else count-min eps=%.3g (of the window's first contacts) "
		"delta=%.3g; filter false-positive rate %.3g at %u contacts per %us window\n",
		s->c.depth, s->c.width, s->tmask + 1, s->c.filter_log2,
		sw_sketch_bytes(s) / 1048576.0, s->c.depth * s->c.width, eps, delta, fpr,
		s->c.filter_capacity, s->c.win_s[SW_TS - 1]);
}

/* Filter (the tests are inline in sketch_fast.h) ---------------------------- */

static unsigned
cm_seen(const struct sw_sketch *s, const struct sw_key *k __rte_unused,
	const struct sw_hash *h, uint32_t now_s)
{
	return cm_seen_in(s, h, now_s);
}

static bool
cm_mark(struct sw_sketch *s, const struct sw_key *k __rte_unused, const struct sw_hash *h,
	uint32_t now_s)
{
	cm_mark_in(s, h, now_s);
	return true;
}

static int
cm_first(struct sw_sketch *s, const struct sw_key *k __rte_unused, const struct sw_hash *h,
	 uint32_t now_s)
{
	return (int)cm_first_in(s, h, now_s);
}

static void
cm_scrub(struct sw_sketch *s, uint32_t now_s)
{
	uint32_t lines, n;
	uint16_t cur = cm_stamp(now_s);

	if (now_s == s->scrub_s)
		return;
	/* Visit the whole filter every 2^14 seconds (4.5 h), well inside the
	 * 18 h after which a 16-bit stamp would alias. */
	lines = s->lines_mask + 1;
	n = (uint32_t)RTE_MIN((uint64_t)lines,
			      (uint64_t)(now_s - s->scrub_s) * (lines / 16384 + 1));
	if (s->scrub_s == 0)
		n = 0;
	s->scrub_s = now_s;
	while (n-- > 0) {
		uint16_t *line = s->filt + (size_t)s->scrub_line * FILT_LINE;

		for (unsigned i = 0; i < FILT_LINE; i++)
			if (line[i] != 0 && cm_age(cur, line[i]) >= s->max_win)
				line[i] = 0;
		s->scrub_line = (s->scrub_line + 1) & s->lines_mask;
	}
}

/* Count-min with owned cells ------------------------------------------------
 *
 * A key's counters are one 64-byte cell for all time scales. Row r of the
 * count-min (Cormode and Muthukrishnan 2005) gives a key the cell
 * (h1 + r * h2) mod width (Kirsch and Mitzenmacher 2006). The first key to
 * update a free cell (every window expired) owns it: it writes its tag
 * (h2), and from then on it counts in that one cell alone, exactly, while
 * the cell lives. A key that finds row 0 owned by another live key looks
 * for its tag or a free cell in rows 1..depth-1, and when every row is
 * owned it counts in all of them as a plain count-min key (conservative
 * update, Estan and Varghese 2002). This is the one-memory-access idea
 * (one line per key in the common case, cf. Zhou et al., "One memory
 * access sketch", SIGMOD 2018), kept exact for owners:
 *
 * - an owner's estimate is its true count plus what spilled keys added to
 *   its cell, never less;
 * - a spilled key's estimate is the count-min minimum over its rows, never
 *   less than its count, and above it by at most eps * N with probability
 *   1 - delta (eps = e / width, delta = e^-depth, N the window's updates);
 * - a row-0 cell remembers when a key last passed it (spill_s), and while
 *   that is within the longest window a key that finds row 0 free still
 *   looks for its tag below, so a spilled key never loses its counts to a
 *   freed row 0;
 * - a row-0 owner with no counter above one gives
 *   its cell up to the next key that needs it (cell_light), unless a key
 *   passed it within the longest window: the one undercount this layout
 *   allows, at most one per counter and handover (sw_sketch_handovers
 *   counts them).
 *
 * The cost: one line per update for owners (prefetched a stage ahead), up
 * to depth lines for spilled keys, which only a table near its capacity
 * has (sw_sketch_describe prints the capacity).
 */

/* Spilled keys: count-min over every row, conservative update. */
void
sw_cm_update_spilled(struct sw_sketch *s, const struct sw_hash *h, sw_upd_t u, uint32_t now_s,
	  struct sw_est *e)
{
	struct sw_cell *row[16];
	unsigned d = s->c.depth;

	for (unsigned r = 0; r < d; r++)
		row[r] = cm_cell_at(s, h, r);
	for (unsigned t = 0; t < SW_TS; t++) {
		unsigned fb = (u >> SW_UPD_SHIFT(t)) & ((1u << SW_F__MAX) - 1);

		if (fb != 0)
			for (unsigned r = 0; r < d; r++)
				sw_cell_expire(&row[r]->ts[t], now_s, s->c.win_s[t]);
		for (unsigned f = 0; f < SW_F__MAX; f++) {
			uint32_t min = SAT16;
			bool live = true;

			for (unsigned r = 0; r < d; r++) {
				const struct sw_cell_ts *c = &row[r]->ts[t];

				if (now_s - c->start >= s->c.win_s[t] || now_s < c->start)
					live = false;
				min = RTE_MIN(min, (uint32_t)c->v[f]);
			}
			if (!live)
				min = 0;
			if (fb & (1u << f)) {
				if (min < SAT16)
					min++;
				for (unsigned r = 0; r < d; r++)
					if (row[r]->ts[t].v[f] < min)
						row[r]->ts[t].v[f] = (uint16_t)min;
			}
			e->v[t][f] = min;
		}
	}
}

static void
cm_update_cell(struct sw_sketch *s, const struct sw_key *k __rte_unused,
	       const struct sw_hash *h, sw_upd_t u, uint32_t now_s, struct sw_est *e)
{
	cm_update_in(s, h, u, now_s, e, NULL);
}

static void
cm_target_update(struct sw_sketch *s, const struct sw_key *k __rte_unused,
		 const struct sw_hash *h, sw_upd_t u, uint32_t now_s, struct sw_est *e)
{
	cm_target_update_in(s, h, u, now_s, e, SW_EST_ALL);
}

static void
cm_get(const struct sw_sketch *s, const struct sw_key *k __rte_unused,
       const struct sw_hash *h, uint32_t now_s, struct sw_est *e)
{
	for (unsigned r = 0; r < s->c.depth; r++) {
		const struct sw_cell *c = cm_cell_at(s, h, r);

		if (c->tag == h->h2) {
			sw_cell_read(s, c, now_s, e);
			return;
		}
	}
	for (unsigned t = 0; t < SW_TS; t++) {
		for (unsigned f = 0; f < SW_F__MAX; f++) {
			uint32_t min = UINT32_MAX;

			for (unsigned r = 0; r < s->c.depth; r++) {
				const struct sw_cell_ts *c = &cm_cell_at(s, h, r)->ts[t];
				uint32_t v = now_s - c->start >= s->c.win_s[t] ||
					     now_s < c->start ? 0 : c->v[f];

				min = RTE_MIN(min, v);
			}
			e->v[t][f] = min;
		}
	}
}

const struct sw_sketch_ops sw_sketch_cm_ops = {
	.keyed = false,
	.init = cm_init,
	.fini = cm_fini,
	.bytes = cm_bytes,
	.bounds = cm_bounds,
	.describe = cm_describe,
	.seen = cm_seen,
	.mark = cm_mark,
	.first = cm_first,
	.update = cm_update_cell,
	.target_update = cm_target_update,
	.get = cm_get,
	.scrub = cm_scrub,
};
