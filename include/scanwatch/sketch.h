/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_SKETCH_H
#define SW_SKETCH_H

/**
 * @file
 * Per-worker counting state: a first-contact filter and a count-min sketch
 * whose cells hold every counter of one key for all three time scales in
 * one cache line. A key owns the first free cell of its column and counts
 * there alone (one line per update); only keys that find every row owned
 * count as count-min keys over `depth` lines (sketch.c explains the
 * bounds). Per-target counters have a one-row table of their own. An exact
 * twin (hash tables, same interface) measures the sketch's error in tests;
 * select it with detect.mode: exact.
 *
 * Count-min: Cormode and Muthukrishnan, "An improved data stream summary:
 * the count-min sketch and its applications", J. Algorithms 55(1), 2005
 * (eps = e/w, delta = e^-d). Conservative update: Estan and Varghese,
 * "New directions in traffic measurement and accounting", SIGCOMM 2002.
 * Row indexes by double hashing: Kirsch and Mitzenmacher, "Less hashing,
 * same performance", ESA 2006.
 *
 * Windows are tumbling per cell: a cell's window for time scale t starts
 * with the first update after the previous one expired (as Snort's
 * trackers do), so a scan is never split by a global clock edge.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <scanwatch/pkt.h>

#define SW_TS 3			/* time scales: fast, medium, slow */

/** Counters kept for every key and time scale. */
enum sw_field {
	SW_F_CONTACTS,	/* first contacts (distinct target, port) */
	SW_F_FAILED,	/* first contacts answered negatively (RST, ICMP error) */
	SW_F_ANSWERED,	/* first contacts answered positively (SYN-ACK, reply) */
	SW_F_TARGETS,	/* distinct targets (dst-keyed cells: distinct sources) */
	SW_F_PORTS,	/* distinct ports (ICMP: types; class ip: protocols) */
	SW_F_ABORTED,	/* answered, then dropped by the source with no data sent
			 * (half-open: a SYN scanner's RST after the SYN-ACK) */
	SW_F__MAX
};

struct sw_cell_ts {
	uint32_t start;			/* window start, seconds since the epoch */
	uint16_t v[SW_F__MAX];
};

/**
 * One key's counters for every time scale: exactly one cache line. A cell
 * is owned by the key whose tag it carries while any of its windows is
 * live, so most keys read and write one line, not `depth` (see sketch.c).
 */
struct sw_cell {
	struct sw_cell_ts ts[SW_TS];
	uint32_t tag;			/* owner's h2; 0: shared count-min cell */
	uint32_t spill_s;		/* last time a key passed this row-0 cell */
	/* A source's first contact, counted while the source owned no cell:
	 * its (source, target) and (source, port) filter marks wait for the
	 * source's next first contact (src/detect/detect.c, deferred marks).
	 * The owner's cells only; cleared when a key claims the cell. */
	uint32_t defer_h1;		/* the pair key's h1 */
	uint16_t defer_h2;		/* its h2, low 16 bits; 0: no record */
	uint16_t defer_port;		/* the port */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct sw_cell) == 64, "a cell is one cache line");

/**
 * Which counters an update adds one to, packed: bit 8t + f adds one to
 * field f at time scale t, so the cell update reads each scale's fields
 * as one byte (sketch_int.h adds them as one vector). sw_upd() places one
 * field's time-scale mask; updates of several fields are or-ed.
 */
typedef uint32_t sw_upd_t;

#define SW_UPD_SHIFT(t)	(8u * (t))

static inline sw_upd_t
sw_upd(enum sw_field f, unsigned tsmask)
{
	/* bit t of tsmask to bit 8t: three scales, one load */
	static const uint32_t spread[8] = { 0, 0x1, 0x100, 0x101, 0x10000, 0x10001,
					    0x10100, 0x10101 };

	return spread[tsmask & 7u] << f;
}

/** Estimates returned by queries. */
struct sw_est {
	uint32_t v[SW_TS][SW_F__MAX];
};

/**
 * Threshold crossings of one window's counters. A counter v crosses
 * threshold thr when v == thr * 2^k, k >= 0: at the threshold, then at
 * each doubling, so the control thread hears of a continuing scan. The
 * lanes are a window's (struct sw_cell_ts as eight 16-bit lanes: 0-1 the
 * start, 2 + f field f), so the worker tests every field of a window in
 * one vector, in the register it has just added to (sketch_int.h,
 * sw_cell_update_read()). Write thr = o * 2^s with o odd: o divides v
 * exactly when v * o^-1 mod 2^16 <= (2^16 - 1) / o (Granlund and
 * Montgomery, "Division by invariant integers using multiplication", PLDI
 * 1994, section 9), and then that product is v / o, which must be a power
 * of two no less than 2^s. Counters saturate at 65,535: a threshold above
 * that is never crossed, and is off here.
 */
struct sw_cross {
	uint16_t inv[8];	/* o^-1 mod 2^16 */
	uint16_t lim[8];	/* (2^16 - 1) / o; 0 where off (sw_cross_off()) */
	uint16_t minq[8];	/* 2^s; 0xffff where off */
	uint16_t thr[8];	/* thr itself, 0 where off: updates of more than one
				 * (sw_cell_add_weighted(), sw_crossed_span()) */
} __attribute__((aligned(16)));

/* Lane l off: no q is both <= lim and >= minq. */
static inline void
sw_cross_off(struct sw_cross *c, unsigned l)
{
	c->inv[l] = 1;
	c->lim[l] = 0;
	c->minq[l] = 0xffff;
	c->thr[l] = 0;
}

/** Every lane off. */
static inline void
sw_cross_init(struct sw_cross *c)
{
	for (unsigned l = 0; l < 8; l++)
		sw_cross_off(c, l);
}

/** Field f's threshold: thr (0, or above 65,535: off). */
static inline void
sw_cross_set(struct sw_cross *c, enum sw_field f, uint32_t thr)
{
	unsigned l = 2 + (unsigned)f;
	uint32_t o, x;		/* unsigned: uint16_t products would be int's */

	if (thr == 0 || thr > 0xffff) {
		sw_cross_off(c, l);
		return;
	}
	o = thr >> __builtin_ctz(thr);
	x = o;			/* right to 3 bits (o * o = 1 mod 8) */
	for (unsigned n = 0; n < 3; n++)
		x *= 2 - o * x;	/* Newton: each step doubles the bits (mod 2^32) */
	c->inv[l] = (uint16_t)x;
	c->lim[l] = (uint16_t)(0xffff / o);
	c->minq[l] = (uint16_t)(thr & -thr);
	c->thr[l] = (uint16_t)thr;
}

/** Bit f set when counter v[f] crosses field f's threshold (the plain
 *  form of the worker's vector test, for the exact twin and spilled keys). */
static inline unsigned
sw_cross_fields(const struct sw_cross *c, const uint32_t v[SW_F__MAX])
{
	unsigned m = 0;

	for (unsigned f = 0; f < SW_F__MAX; f++) {
		uint16_t q = (uint16_t)(v[f] * c->inv[2 + f]);

		if (v[f] <= 0xffff && q <= c->lim[2 + f] && q >= c->minq[2 + f] &&
		    (q & (q - 1)) == 0)
			m |= 1u << f;
	}
	return m;
}

/** Whether field f, raised from old to v in one update (of weight v - old,
 *  sw_cell_add_weighted()), passed thr * 2^k for some k >= 0: what the
 *  tests above tell of each value between, at once. */
static inline bool
sw_cross_span(const struct sw_cross *c, enum sw_field f, uint32_t old, uint32_t v)
{
	uint32_t thr = c->thr[2 + f], next;

	if (thr == 0 || v < thr || v <= old)
		return false;
	if (old < thr)
		return true;
	/* the first thr * 2^k above old: thr shifted to old's top bit, or
	 * one further */
	next = thr << (__builtin_clz(thr) - __builtin_clz(old));
	if (next <= old)
		next <<= 1;
	return v >= next;
}

/** The counters u (sw_upd()) added to that crossed their threshold in e
 *  (x: one sw_cross per scale), as an update: bit 8t + f. */
static inline sw_upd_t
sw_cross_est(const struct sw_cross x[SW_TS], const struct sw_est *e, sw_upd_t u)
{
	sw_upd_t cr = 0;

	for (unsigned t = 0; t < SW_TS; t++) {
		unsigned fb = (u >> SW_UPD_SHIFT(t)) & ((1u << SW_F__MAX) - 1);

		if (fb != 0)
			cr |= (sw_upd_t)(sw_cross_fields(&x[t], e->v[t]) & fb) << SW_UPD_SHIFT(t);
	}
	return cr;
}

/** What a key describes. Kept in the key so every kind hashes apart. */
enum sw_key_kind {
	SW_K_TUPLE = 1,		/* (src, dst, port, proto): a first contact */
	SW_K_SRC_DST,		/* (src, dst, class): distinct targets */
	SW_K_SRC_PORT,		/* (src, port, class): distinct ports */
	SW_K_ANSWER,		/* (src, dst, port, proto): first answer seen */
	SW_K_ABORT,		/* (src, dst, port, proto): the source aborted */
	SW_K_DST_SRC,		/* (dst, src, class): distinct sources of a target */
	SW_K_SRC,		/* (src, class): the per-source cell */
	SW_K_DST,		/* (dst, class): the per-target cell */
	SW_K_ACKED,		/* (src, dst, port, proto, seq): the target accepted
				 * the contact and acknowledged seq; the initiator
				 * closing at exactly seq sent no byte */
};

struct sw_key {
	struct sw_addr a;
	struct sw_addr b;
	uint16_t port;
	uint8_t proto;		/* IPPROTO_* or a class */
	uint8_t kind;		/* enum sw_key_kind */
	uint32_t seq;		/* SW_K_ACKED: the SYN-ACK's acknowledgment; else 0 */
};

/** A key's hash, computed once and used for prefetch, filter and rows. */
struct sw_hash {
	uint32_t h1, h2;
};

struct sw_sketch_conf {
	bool exact;
	uint32_t width;		/* cells per row, power of two */
	uint32_t depth;		/* rows */
	uint32_t filter_log2;	/* log2 of the filter's 16-bit cells */
	uint32_t filter_capacity; /* first contacts per slow window, for the FPR estimate */
	uint32_t seed;		/* hash seed; 0 = random per start */
	uint32_t win_s[SW_TS];
	int socket;		/* NUMA socket of the NIC */
	bool prefault;		/* without hugepages: fault the arrays in at create
				 * (live), not where first touched (offline) */
};

struct sw_sketch;

/**
 * Allocate and zero a sketch (DPDK memory on c->socket); the hash seed is
 * random unless c->seed fixes it.
 * @return NULL with errno set on failure
 */
struct sw_sketch *sw_sketch_create(const struct sw_sketch_conf *c);
void sw_sketch_free(struct sw_sketch *s);

/** True for the exact twin, which compares full keys: the caller must
 *  fill every struct sw_key it passes (the sketch reads hashes only). */
bool sw_sketch_keyed(const struct sw_sketch *s);

/** Bytes of memory the sketch holds. */
size_t sw_sketch_bytes(const struct sw_sketch *s);

/** Print memory, eps, delta and the filter's false-positive rate. */
void sw_sketch_describe(const struct sw_sketch *s, FILE *out);

/** Error bounds: eps (fraction of the stream total), delta, filter FPR. */
void sw_sketch_bounds(const struct sw_sketch *s, double *eps, double *delta,
		      double *fpr);

void sw_sketch_hash(const struct sw_sketch *s, const struct sw_key *k, struct sw_hash *h);

/*
 * The same hash in two steps, so a worker hashes each address of a packet
 * once and derives every key of it with one finaliser: sw_sketch_hash(k)
 * == sw_sketch_hash_mix(seed, addr(k->a), addr(k->b), port, proto, kind,
 * seq). A keyed multiply-xorshift over the address words, then
 * MurmurHash3's fmix64 finaliser (Appleby; constants from its public
 * description). Not cryptographic: with a random seed per start it keeps
 * an attacker from aiming at precomputed collisions, no more.
 */
uint64_t sw_sketch_seed(const struct sw_sketch *s);

static inline uint64_t
sw_sketch_hash_addr(uint64_t seed, const struct sw_addr *a)
{
	/* An IPv4 address sits in the top half of q[1] (IPv4-mapped), where a
	 * multiplication alone carries it only upwards: every word is shifted
	 * down before each multiply (fmix64's rounds), or addresses of one /24
	 * hash into a few bits and keys of two /24s collide by thousands
	 * (test_sketch: addresses_of_two_subnets_do_not_collide). */
	uint64_t x = seed ^ a->q[0];

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= a->q[1];
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	x *= 0x9e3779b97f4a7c15ULL;
	return x ^ (x >> 32);
}

/* What a key's port, proto, kind and seq add to its hash: a worker
 * computes it once for keys that fix them (sw_sketch_hash_fin). */
static inline uint64_t
sw_sketch_hash_part(uint64_t seed, uint16_t port, uint8_t proto, uint8_t kind, uint32_t seq)
{
	return (((uint64_t)seq << 32 | (uint32_t)port << 16 | (uint32_t)proto << 8 | kind) ^
		seed) * 0x94d049bb133111ebULL;
}

/* The address hash b's share of a key's hash. */
static inline uint64_t
sw_sketch_hash_rot(uint64_t hb)
{
	return (hb << 31) | (hb >> 33);
}

/* The finaliser: x = ha ^ sw_sketch_hash_rot(hb) ^ sw_sketch_hash_part(). */
static inline void
sw_sketch_hash_fin(uint64_t x, struct sw_hash *h)
{
	x ^= x >> 32;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 29;
	h->h1 = (uint32_t)x;
	h->h2 = (uint32_t)(x >> 32) | 1;
}

static inline void
sw_sketch_hash_mix(uint64_t seed, uint64_t ha, uint64_t hb, uint16_t port, uint8_t proto,
		   uint8_t kind, uint32_t seq, struct sw_hash *h)
{
	/* ha and hb are mixed already (sw_sketch_hash_addr): one multiply
	 * round spreads the key's other parts over every bit, where fmix64's
	 * two cost 5 x 8 instructions more per first contact (callgrind) */
	sw_sketch_hash_fin(ha ^ sw_sketch_hash_rot(hb) ^
			   sw_sketch_hash_part(seed, port, proto, kind, seq), h);
}

/* The first cell of a line at or after cell `from`, round the line, that
 * a 32-bit set of free cells holds (sw_sketch_hash_beside()). */
static inline uint32_t
sw_sketch_free_cell(uint32_t free_, uint32_t from)
{
	return (from + (uint32_t)__builtin_ctz(free_ >> from | free_ << ((32 - from) & 31))) & 31;
}

/*
 * A second key's hash in the filter line of the key hashed to h: the
 * answer to a probe beside the probe's tuple, so that testing it reads the
 * line the tuple's test loaded. Its three cells are drawn from the bits
 * of h2 the filter leaves unused (it reads bits 1-15, five a cell:
 * sketch_fast.h), each moved on to the next cell h's key does not use. So
 * h's own mark never makes this key look seen: it needs other keys' marks,
 * as any key does, and the filter's false-positive rate holds for it
 * (test_sketch: keys_beside_others_keep_the_false_positive_rate).
 */
static inline void
sw_sketch_hash_beside(const struct sw_hash *h, struct sw_hash *out)
{
	uint32_t h2 = h->h2;
	uint32_t free_ = ~(1u << ((h2 >> 1) & 31) | 1u << ((h2 >> 6) & 31) |
			   1u << ((h2 >> 11) & 31));

	out->h1 = h->h1;
	out->h2 = sw_sketch_free_cell(free_, (h2 >> 16) & 31) << 1 |
		  sw_sketch_free_cell(free_, (h2 >> 21) & 31) << 6 |
		  sw_sketch_free_cell(free_, (h2 >> 26) & 31) << 11 | 1;
}

/* The worker's prefetches are inline, in src/sketch/sketch_fast.h. */

/**
 * Test and set in the first-contact filter.
 * @return bit t set when k was not seen within time scale t's window
 */
unsigned sw_sketch_first(struct sw_sketch *s, const struct sw_key *k,
			 const struct sw_hash *h, uint32_t now_s);

/** Test, and when seen set again (a known flow continues): one visit of
 *  the line where sw_sketch_seen() then sw_sketch_first() were two.
 *  @return the seen mask before the refresh */
unsigned sw_sketch_refresh(struct sw_sketch *s, const struct sw_key *k,
			   const struct sw_hash *h, uint32_t now_s);

/** Bit t set when k was seen within time scale t's window (no change to the filter). */
unsigned sw_sketch_seen(struct sw_sketch *s, const struct sw_key *k,
			const struct sw_hash *h, uint32_t now_s);

/**
 * Add one to field f of k for every time scale in mask (conservative
 * update); out[t] receives the new estimate for the scales in mask.
 */
void sw_sketch_add(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		   enum sw_field f, unsigned mask, uint32_t now_s, uint32_t out[SW_TS]);

/**
 * Add one to the counters of k that u names (sw_upd()), in one visit of
 * k's cell; e receives every counter of k after the update (expired
 * windows read as zero). The worker's update.
 */
void sw_sketch_update(struct sw_sketch *s, const struct sw_key *k, const struct sw_hash *h,
		      sw_upd_t u, uint32_t now_s, struct sw_est *e);

/**
 * The per-target counters (SW_K_DST keys: first contacts and distinct
 * sources per target) live in their own table of width / 4 cells, one
 * row, plain count-min without owners: they only decide when the worker
 * starts reporting a target's contacts for distributed-scan detection
 * (an overestimate starts it early, never late), and keeping them apart
 * keeps the sources' cells exact. One line per update, prefetched.
 */
void sw_sketch_target_update(struct sw_sketch *s, const struct sw_key *k,
			     const struct sw_hash *h, sw_upd_t u, uint32_t now_s,
			     struct sw_est *e);

/** Cache lines of state the worker-side calls (first, seen, add, update)
 *  have touched since create: the design's cost measure, counted here. */
uint64_t sw_sketch_lines(const struct sw_sketch *s);

/** Cells of light owners (no counter above one)
 *  handed to another key: each can undercount the old owner by at most
 *  one per counter. */
uint64_t sw_sketch_handovers(const struct sw_sketch *s);

/** Read every counter of k (expired windows read as zero). */
void sw_sketch_get(const struct sw_sketch *s, const struct sw_key *k,
		   const struct sw_hash *h, uint32_t now_s, struct sw_est *e);

/** Clear filter cells older than the longest window, a few lines per call,
 *  so 16-bit time stamps never wrap onto live entries. */
void sw_sketch_scrub(struct sw_sketch *s, uint32_t now_s);

/** Exact mode: entries dropped because a table was full (0 for sketches). */
uint64_t sw_sketch_overflows(const struct sw_sketch *s);

#endif /* SW_SKETCH_H */
