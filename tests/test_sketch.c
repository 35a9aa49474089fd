/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for src/sketch/: the first-contact filter, the count-min
 * sketch with per-cell tumbling windows, the exact twin, and the error
 * bounds the sketch prints (checked against the twin on a skewed stream).
 * Needs DPDK memory: runs EAL without hugepages or PCI. Exit status is
 * nonzero if any check failed.
 */

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_malloc.h>

#include <scanwatch/conf.h>
#include <scanwatch/sketch.h>

/* ---------------------------------------------------------------------- */
/* checks */

#include "check.h"
#include "eal.h"

/* ---------------------------------------------------------------------- */
/* helpers */

#define T0 1700000000u	/* a realistic packet second */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* The configuration's windows (10/300/3600 s), sizes given. */
static struct sw_sketch_conf
mkconf(bool exact, uint32_t width, uint32_t depth, uint32_t filter_log2, uint32_t cap)
{
	struct sw_conf c;
	struct sw_sketch_conf sc = {
		.exact = exact, .width = width, .depth = depth,
		.filter_log2 = filter_log2, .filter_capacity = cap, .socket = SOCKET_ID_ANY,
	};

	sw_conf_defaults(&c);
	for (unsigned t = 0; t < SW_TS; t++)
		sc.win_s[t] = c.ts[t].window_s;
	return sc;
}

static struct sw_sketch *
mk(bool exact, uint32_t width, uint32_t depth, uint32_t filter_log2, uint32_t cap)
{
	struct sw_sketch_conf sc = mkconf(exact, width, depth, filter_log2, cap);
	struct sw_sketch *s = sw_sketch_create(&sc);

	if (s == NULL) {
		fprintf(stderr, "test_sketch: cannot create a sketch (%u x %u, filter 2^%u%s): "
			"give EAL more memory\n", depth, width, filter_log2, exact ? ", exact" : "");
		exit(2);
	}
	return s;
}

/* Key number i, as the detector builds per-source keys. */
static void
key_of(struct sw_key *k, uint32_t i, enum sw_key_kind kind)
{
	memset(k, 0, sizeof(*k));
	k->a.b[10] = k->a.b[11] = 0xff;
	k->a.w[3] = __builtin_bswap32(0x0a000000u + i);
	k->port = (uint16_t)(i * 7);
	k->proto = 6;
	k->kind = (uint8_t)kind;
}

/* ---------------------------------------------------------------------- */
/* tests */

static void
defaults_give_the_documented_windows(void)
{
	struct sw_sketch_conf sc = mkconf(false, 1024, 4, 16, 1000);

	CHECK(sc.win_s[0] == 10 && sc.win_s[1] == 300 && sc.win_s[2] == 3600,
	      "windows %u/%u/%u", sc.win_s[0], sc.win_s[1], sc.win_s[2]);
}

static void
create_rejects_bad_geometry(void)
{
	struct sw_sketch_conf sc = mkconf(false, 1000, 4, 16, 1000);

	CHECK(sw_sketch_create(&sc) == NULL, "width 1000 (not a power of two) accepted");
	sc = mkconf(false, 1024, 0, 16, 1000);
	CHECK(sw_sketch_create(&sc) == NULL, "depth 0 accepted");
	sc = mkconf(false, 1024, 4, 4, 1000);
	CHECK(sw_sketch_create(&sc) == NULL, "filter 2^4 (less than one line) accepted");
}

/* The same walk through the windows for the filter and for its twin. */
static void
first_contact_walk(bool exact)
{
	struct sw_sketch *s = mk(exact, 1024, 4, 16, 1000);
	const char *m = exact ? "exact" : "sketch";
	struct sw_key k, other;
	struct sw_hash h, ho;
	uint32_t t = T0;

	/* the implementation is chosen at create: only the twin reads keys */
	CHECK(sw_sketch_keyed(s) == exact, "%s: keyed %d", m, sw_sketch_keyed(s));
	key_of(&k, 1, SW_K_TUPLE);
	key_of(&other, 2, SW_K_TUPLE);
	sw_sketch_hash(s, &k, &h);
	sw_sketch_hash(s, &other, &ho);

	CHECK(sw_sketch_seen(s, &k, &h, t) == 0, "%s: seen before any insert", m);
	CHECK(sw_sketch_first(s, &k, &h, t) == 0x7, "%s: first contact not fresh at all scales", m);
	CHECK(sw_sketch_seen(s, &k, &h, t) == 0x7, "%s: not seen right after", m);
	CHECK(sw_sketch_seen(s, &other, &ho, t) == 0, "%s: another key seen", m);
	/* within the fast window: not fresh anywhere (and it refreshes the stamp) */
	t += 9;
	CHECK(sw_sketch_first(s, &k, &h, t) == 0, "%s: fresh again 9 s later", m);
	/* fast window passed since the last contact, medium not */
	t += 10;
	CHECK(sw_sketch_seen(s, &k, &h, t) == 0x6, "%s: seen mask 0x%x after 10 s", m,
	      sw_sketch_seen(s, &k, &h, t));
	CHECK(sw_sketch_first(s, &k, &h, t) == 0x1, "%s: not fresh in the fast scale only", m);
	t += 5;
	CHECK(sw_sketch_first(s, &k, &h, t) == 0, "%s: fresh again within the new fast window", m);
	/* medium window passed, slow not */
	t += 300;
	CHECK(sw_sketch_first(s, &k, &h, t) == 0x3, "%s: not fresh in fast+medium after 300 s", m);
	t += 299;
	CHECK(sw_sketch_first(s, &k, &h, t) == 0x1, "%s: 299 s later: fast only", m);
	/* slow window passed: fresh everywhere */
	t += 3600;
	CHECK(sw_sketch_first(s, &k, &h, t) == 0x7, "%s: not fresh after 3600 s", m);
	CHECK(sw_sketch_seen(s, &other, &ho, t) == 0, "%s: another key seen at the end", m);
	sw_sketch_free(s);
}

static void
first_contact_is_fresh_per_time_scale_as_windows_pass(void)
{
	first_contact_walk(false);
	first_contact_walk(true);
}

static void
same_key_added_n_times_reads_n(void)
{
	for (int exact = 0; exact <= 1; exact++) {
		struct sw_sketch *s = mk(exact, 1024, 4, 16, 1000);
		struct sw_key k;
		struct sw_hash h;
		struct sw_est e;
		uint32_t out[SW_TS] = { 0 };
		bool monotone = true;

		key_of(&k, 42, SW_K_SRC);
		sw_sketch_hash(s, &k, &h);
		for (uint32_t i = 1; i <= 1000; i++) {
			sw_sketch_add(s, &k, &h, SW_F_PORTS, 0x7, T0, out);
			monotone &= out[0] == i && out[1] == i && out[2] == i;
		}
		CHECK(monotone, "%s: out[] not 1, 2, ... n (last %u/%u/%u)",
		      exact ? "exact" : "sketch", out[0], out[1], out[2]);
		sw_sketch_get(s, &k, &h, T0 + 1, &e);
		for (unsigned t = 0; t < SW_TS; t++) {
			CHECK(e.v[t][SW_F_PORTS] == 1000, "%s: scale %u reads %u",
			      exact ? "exact" : "sketch", t, e.v[t][SW_F_PORTS]);
			for (unsigned f = 0; f < SW_F__MAX; f++)
				if (f != SW_F_PORTS)
					CHECK(e.v[t][f] == 0, "%s: field %u of scale %u reads %u",
					      exact ? "exact" : "sketch", f, t, e.v[t][f]);
		}
		/* only the scales in the mask move */
		sw_sketch_add(s, &k, &h, SW_F_FAILED, 0x2, T0, out);
		sw_sketch_get(s, &k, &h, T0, &e);
		CHECK(e.v[0][SW_F_FAILED] == 0 && e.v[1][SW_F_FAILED] == 1 &&
		      e.v[2][SW_F_FAILED] == 0, "%s: mask 0x2 gave %u/%u/%u",
		      exact ? "exact" : "sketch", e.v[0][SW_F_FAILED], e.v[1][SW_F_FAILED],
		      e.v[2][SW_F_FAILED]);
		sw_sketch_free(s);
	}
}

static void
counters_saturate_at_65535(void)
{
	struct sw_sketch *s = mk(false, 1024, 2, 16, 1000);
	struct sw_key k;
	struct sw_hash h;
	struct sw_est e;
	uint32_t out[SW_TS] = { 0 };

	key_of(&k, 7, SW_K_SRC);
	sw_sketch_hash(s, &k, &h);
	for (uint32_t i = 0; i < 70000; i++)
		sw_sketch_add(s, &k, &h, SW_F_CONTACTS, 0x1, T0, out);
	sw_sketch_get(s, &k, &h, T0, &e);
	CHECK(out[0] == 65535 && e.v[0][SW_F_CONTACTS] == 65535, "out %u get %u", out[0],
	      e.v[0][SW_F_CONTACTS]);
	sw_sketch_free(s);
}

static void
expired_windows_read_zero_and_restart_at_the_next_update(void)
{
	for (int exact = 0; exact <= 1; exact++) {
		const char *m = exact ? "exact" : "sketch";
		struct sw_sketch *s = mk(exact, 1024, 4, 16, 1000);
		struct sw_key k;
		struct sw_hash h;
		struct sw_est e;
		uint32_t out[SW_TS] = { 0 };

		key_of(&k, 9, SW_K_SRC);
		sw_sketch_hash(s, &k, &h);
		for (int i = 0; i < 5; i++)
			sw_sketch_add(s, &k, &h, SW_F_CONTACTS, 0x7, T0 + 2, out);
		sw_sketch_get(s, &k, &h, T0 + 11, &e);
		CHECK(e.v[0][SW_F_CONTACTS] == 5, "%s: fast window cut before 10 s (%u)", m,
		      e.v[0][SW_F_CONTACTS]);
		sw_sketch_get(s, &k, &h, T0 + 12, &e);
		CHECK(e.v[0][SW_F_CONTACTS] == 0, "%s: fast reads %u after its window", m,
		      e.v[0][SW_F_CONTACTS]);
		CHECK(e.v[1][SW_F_CONTACTS] == 5 && e.v[2][SW_F_CONTACTS] == 5,
		      "%s: medium/slow read %u/%u", m, e.v[1][SW_F_CONTACTS], e.v[2][SW_F_CONTACTS]);
		/* tumbling: the next update opens a new fast window at T0 + 15 */
		sw_sketch_add(s, &k, &h, SW_F_CONTACTS, 0x7, T0 + 15, out);
		CHECK(out[0] == 1 && out[1] == 6 && out[2] == 6, "%s: out %u/%u/%u", m,
		      out[0], out[1], out[2]);
		sw_sketch_get(s, &k, &h, T0 + 24, &e);
		CHECK(e.v[0][SW_F_CONTACTS] == 1, "%s: new fast window ended early (%u at +9 s)",
		      m, e.v[0][SW_F_CONTACTS]);
		sw_sketch_get(s, &k, &h, T0 + 25, &e);
		CHECK(e.v[0][SW_F_CONTACTS] == 0, "%s: new fast window outlived 10 s", m);
		sw_sketch_get(s, &k, &h, T0 + 2 + 300, &e);
		CHECK(e.v[1][SW_F_CONTACTS] == 0 && e.v[2][SW_F_CONTACTS] == 6,
		      "%s: at +300 s medium %u slow %u", m, e.v[1][SW_F_CONTACTS],
		      e.v[2][SW_F_CONTACTS]);
		sw_sketch_get(s, &k, &h, T0 + 2 + 3600, &e);
		CHECK(e.v[2][SW_F_CONTACTS] == 0, "%s: slow reads %u after an hour", m,
		      e.v[2][SW_F_CONTACTS]);
		sw_sketch_free(s);
	}
}

static void
crowded_sketch_undercounts_only_by_its_handovers(void)
{
	/* 256 x 2 cells for 5000 keys: every cell collides. Owners count
	 * exactly, spilled keys as count-min with conservative update (never
	 * below the truth); the only loss is a light owner's cell handed to
	 * another key, at most one per handover (sketch.c). */
	enum { K = 5000, U = 100000 };
	struct sw_sketch *s = mk(false, 256, 2, 16, 1000);
	static uint32_t truth[K];
	unsigned under = 0, over = 0;
	uint64_t lost = 0;

	memset(truth, 0, sizeof(truth));
	for (unsigned i = 0; i < U; i++) {
		uint32_t id = (uint32_t)(rnd() % K), out[SW_TS];
		struct sw_key k;
		struct sw_hash h;

		key_of(&k, id, SW_K_SRC);
		sw_sketch_hash(s, &k, &h);
		sw_sketch_add(s, &k, &h, SW_F_TARGETS, 0x1, T0 + i / 20000, out);
		truth[id]++;
	}
	for (uint32_t id = 0; id < K; id++) {
		struct sw_key k;
		struct sw_hash h;
		struct sw_est e;

		key_of(&k, id, SW_K_SRC);
		sw_sketch_hash(s, &k, &h);
		sw_sketch_get(s, &k, &h, T0 + 5, &e);
		under += e.v[0][SW_F_TARGETS] < truth[id];
		over += e.v[0][SW_F_TARGETS] > truth[id];
		if (e.v[0][SW_F_TARGETS] < truth[id])
			lost += truth[id] - e.v[0][SW_F_TARGETS];
	}
	NOTE("    %u keys: %u over, %u under by %llu in all, %llu handovers\n", K, over, under,
	       (unsigned long long)lost, (unsigned long long)sw_sketch_handovers(s));
	CHECK(lost <= sw_sketch_handovers(s), "%u keys undercounted by %llu in all, more than "
	      "the %llu handovers allow", under, (unsigned long long)lost,
	      (unsigned long long)sw_sketch_handovers(s));
	/* and the crowding is real, or the check above proves little */
	CHECK(over + sw_sketch_handovers(s) > K / 2, "only %u keys overcounted and %llu "
	      "handovers in a crowded sketch", over, (unsigned long long)sw_sketch_handovers(s));
	sw_sketch_free(s);
}

static void
spoofed_flood_neither_inflates_nor_evicts_a_real_source(void)
{
	/* 100,000 sources with one contact each (a random-source SYN flood)
	 * interleaved with 200 contacts of one scanner, in 1024 x 4 cells: the
	 * flood keeps handing light cells over instead of filling the table
	 * and spilling into the shared rows, and the scanner, heavy from its
	 * second contact on (its first two come together), keeps its cell and
	 * an exact count. (A source with a single contact can lose it to the
	 * next key: crowded_sketch_undercounts_only_by_its_handovers.) */
	enum { FLOOD = 100000, EVERY = 500 };
	struct sw_sketch *s = mk(false, 1024, 4, 16, 1000);
	struct sw_key k;
	struct sw_hash h;
	struct sw_est e;
	uint32_t out[SW_TS];
	unsigned scanner = 0;
	uint64_t lines = 0, lines0;

	for (uint32_t i = 0; i < FLOOD; i++) {
		for (unsigned n = i == 0 ? 2 : i % EVERY == 0; n > 0; n--) {
			key_of(&k, 7, SW_K_SRC);
			sw_sketch_hash(s, &k, &h);
			sw_sketch_add(s, &k, &h, SW_F_CONTACTS, 0x7, T0 + 1, out);
			scanner++;
		}
		key_of(&k, 1000000 + i, SW_K_SRC);
		sw_sketch_hash(s, &k, &h);
		lines0 = sw_sketch_lines(s);
		sw_sketch_add(s, &k, &h, SW_F_CONTACTS, 0x7, T0 + 1, out);
		lines += sw_sketch_lines(s) - lines0;
	}
	key_of(&k, 7, SW_K_SRC);
	sw_sketch_hash(s, &k, &h);
	sw_sketch_get(s, &k, &h, T0 + 2, &e);
	NOTE("    scanner: %u contacts, reads %u; %llu handovers and %.3f lines each for %u "
	       "flood sources\n", scanner, e.v[2][SW_F_CONTACTS],
	       (unsigned long long)sw_sketch_handovers(s), (double)lines / FLOOD, FLOOD);
	/* one line, and all four only where the scanner holds row 0 */
	CHECK((double)lines / FLOOD < 1.1, "%.3f lines per flood source", (double)lines / FLOOD);
	CHECK(e.v[2][SW_F_CONTACTS] == scanner, "scanner reads %u contacts, made %u",
	      e.v[2][SW_F_CONTACTS], scanner);
	CHECK(sw_sketch_handovers(s) > FLOOD / 2, "only %llu handovers",
	      (unsigned long long)sw_sketch_handovers(s));
	sw_sketch_free(s);
}

/* Zipf(1) over n ranks by inversion of the cumulative weights. */
static uint32_t
zipf(const double *cum, uint32_t n)
{
	double u = (double)(rnd() >> 11) / 9007199254740992.0 * cum[n - 1];
	uint32_t lo = 0, hi = n - 1;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (cum[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
sketch_stays_within_printed_bounds_of_its_exact_twin(void)
{
	enum { KEYS = 20000, UPD = 200000 };
	struct sw_sketch *s = mk(false, 1024, 4, 20, 100000);
	struct sw_sketch *x = mk(true, 1024, 4, 16, 100000);
	static double cum[KEYS];
	double eps, delta, fpr, acc = 0;
	uint64_t n = 0;
	unsigned viol = 0, under = 0, exact_off = 0, max_err = 0;
	uint64_t lost = 0;
	static uint32_t truth[KEYS];

	memset(truth, 0, sizeof(truth));
	for (uint32_t i = 0; i < KEYS; i++) {
		acc += 1.0 / (i + 1);
		cum[i] = acc;
	}
	sw_sketch_bounds(s, &eps, &delta, &fpr);
	CHECK(fabs(eps - M_E / 1024) < 1e-12 && fabs(delta - exp(-4)) < 1e-12,
	      "bounds eps %g delta %g", eps, delta);
	/* one fast window: every update within the same 10 s */
	for (uint32_t i = 0; i < UPD; i++) {
		uint32_t id = zipf(cum, KEYS), o1[SW_TS], o2[SW_TS];
		struct sw_key k;
		struct sw_hash hs, hx;

		key_of(&k, id, SW_K_SRC);
		sw_sketch_hash(s, &k, &hs);
		sw_sketch_hash(x, &k, &hx);
		sw_sketch_add(s, &k, &hs, SW_F_CONTACTS, 0x7, T0 + i / 40000, o1);
		sw_sketch_add(x, &k, &hx, SW_F_CONTACTS, 0x7, T0 + i / 40000, o2);
		truth[id]++;
		n++;
	}
	CHECK(sw_sketch_overflows(x) == 0, "exact twin overflowed %llu times",
	      (unsigned long long)sw_sketch_overflows(x));
	for (uint32_t id = 0; id < KEYS; id++) {
		struct sw_key k;
		struct sw_hash hs, hx;
		struct sw_est es, ex;

		key_of(&k, id, SW_K_SRC);
		sw_sketch_hash(s, &k, &hs);
		sw_sketch_hash(x, &k, &hx);
		sw_sketch_get(s, &k, &hs, T0 + 9, &es);
		sw_sketch_get(x, &k, &hx, T0 + 9, &ex);
		for (unsigned t = 0; t < SW_TS; t++) {
			uint32_t se = es.v[t][SW_F_CONTACTS], xe = ex.v[t][SW_F_CONTACTS];

			exact_off += xe != truth[id];
			if (se < xe) {
				under++;
				lost += xe - se;
				continue;
			}
			max_err = se - xe > max_err ? se - xe : max_err;
			viol += (double)(se - xe) > eps * (double)n;
		}
	}
	NOTE("    %u keys, %llu updates: max overcount %u, bound eps*N = %.0f, "
	       "violations %u (delta allows %.0f)\n", KEYS, (unsigned long long)n, max_err,
	       eps * n, viol, delta * KEYS * SW_TS);
	CHECK(exact_off == 0, "exact twin differs from the truth on %u counters", exact_off);
	/* a handover loses at most one per counter of each time scale */
	CHECK(lost <= SW_TS * sw_sketch_handovers(s), "sketch below the exact count on %u "
	      "counters by %llu, beyond the %llu handovers", under, (unsigned long long)lost,
	      (unsigned long long)sw_sketch_handovers(s));
	CHECK(viol <= delta * KEYS * SW_TS, "%u counters beyond eps*N, delta allows %.0f",
	      viol, delta * KEYS * SW_TS);
	sw_sketch_free(s);
	sw_sketch_free(x);
}

static void
filter_false_positive_rate_is_near_the_printed_estimate(void)
{
	enum { N = 100000 };
	struct sw_sketch *s = mk(false, 1024, 4, 20, N);
	double eps, delta, fpr, obs;
	unsigned fp = 0, missed = 0;

	sw_sketch_bounds(s, &eps, &delta, &fpr);
	for (uint32_t i = 0; i < N; i++) {
		struct sw_key k;
		struct sw_hash h;

		key_of(&k, i, SW_K_TUPLE);
		sw_sketch_hash(s, &k, &h);
		sw_sketch_first(s, &k, &h, T0);
	}
	for (uint32_t i = 0; i < N; i++) {
		struct sw_key k;
		struct sw_hash h;

		key_of(&k, i, SW_K_TUPLE);
		sw_sketch_hash(s, &k, &h);
		missed += sw_sketch_seen(s, &k, &h, T0 + 1) != 0x7;
		key_of(&k, N + i, SW_K_TUPLE);
		sw_sketch_hash(s, &k, &h);
		fp += sw_sketch_seen(s, &k, &h, T0 + 1) != 0;
	}
	obs = (double)fp / N;
	NOTE("    filter 2^20 cells, %u keys: observed FPR %.4f, printed %.4f\n", N, obs, fpr);
	CHECK(missed == 0, "%u inserted keys not seen (a filter has no false negatives)", missed);
	CHECK(fpr > 0, "printed FPR %g", fpr);
	CHECK(obs <= 2 * fpr + 0.001, "observed FPR %.4f above 2 x %.4f + 0.001", obs, fpr);
	CHECK(obs >= fpr / 2 - 0.001, "observed FPR %.4f far below %.4f: estimate wrong?",
	      obs, fpr);
	sw_sketch_free(s);
}

/*
 * An answer's key sits beside its probe's tuple (sw_sketch_hash_beside):
 * the same line, never all of its cells the tuple's own. So the tuple's
 * mark alone never makes the answer look seen, and with the filter loaded
 * the answer is a false positive no more often than any key.
 */
static void
keys_beside_others_keep_the_false_positive_rate(void)
{
	enum { N = 100000 };
	struct sw_sketch *s = mk(false, 1024, 4, 20, N);
	double eps, delta, fpr, obs;
	unsigned fp = 0, shared = 0, moved = 0;

	sw_sketch_bounds(s, &eps, &delta, &fpr);
	for (uint32_t i = 0; i < N; i++) {
		struct sw_key k;
		struct sw_hash h, b;

		key_of(&k, i, SW_K_TUPLE);
		sw_sketch_hash(s, &k, &h);
		sw_sketch_first(s, &k, &h, T0);
		/* the filter's layout: a line of 32 cells, a key's three from
		 * h2's bits 1-15, five each (sketch_fast.h) */
		sw_sketch_hash_beside(&h, &b);
		moved += b.h1 != h.h1;
		for (unsigned c = 0; c < 3; c++)
			for (unsigned t = 0; t < 3; t++)
				shared += ((b.h2 >> (1 + 5 * c)) & 31) == ((h.h2 >> (1 + 5 * t)) & 31);
	}
	for (uint32_t i = 0; i < N; i++) {
		struct sw_key k;
		struct sw_hash h, b;

		key_of(&k, i, SW_K_TUPLE);
		sw_sketch_hash(s, &k, &h);
		sw_sketch_hash_beside(&h, &b);
		k.kind = SW_K_ANSWER;
		fp += sw_sketch_seen(s, &k, &b, T0 + 1) != 0;
	}
	obs = (double)fp / N;
	NOTE("    filter 2^20 cells, %u keys: answers beside their tuples, observed FPR %.4f, "
	     "printed %.4f\n", N, obs, fpr);
	CHECK(moved == 0, "%u keys placed beside another in a different line", moved);
	CHECK(shared == 0, "%u cells shared with the key beside", shared);
	CHECK(obs <= 1.25 * fpr, "observed FPR %.4f above 1.25 x %.4f", obs, fpr);
	sw_sketch_free(s);
}

static void
second_hash_is_not_a_function_of_the_first(void)
{
	/* Row indexes (h1 + r * h2) and filter positions (bits of h2) are
	 * only independent of the line (low bits of h1) if h2 is. */
	struct sw_sketch *s = mk(false, 1024, 4, 16, 1000);
	struct sw_hash h0;
	struct sw_key k;
	unsigned same = 0;

	key_of(&k, 0, SW_K_SRC);
	sw_sketch_hash(s, &k, &h0);
	for (uint32_t i = 1; i < 64; i++) {
		struct sw_hash h;

		key_of(&k, i, SW_K_SRC);
		sw_sketch_hash(s, &k, &h);
		same += ((h.h1 ^ h.h2) & ~1u) == ((h0.h1 ^ h0.h2) & ~1u);
	}
	CHECK(same < 4, "h1 ^ h2 is the same constant for %u of 63 keys: h2 is a function of h1 "
	      "(CRC32-C is affine in its seed)", same);
	sw_sketch_free(s);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void
addresses_of_two_subnets_do_not_collide(void)
{
	/* Every (10.66.0.a -> 10.99.0.b, port 80) tuple of two /24s, the way a
	 * scan of a subnet looks: 65,536 keys, 64-bit hashes, so any repeat is
	 * a flaw of the hash (an earlier address hash let the last octets
	 * cancel, and a scan's new tuples read as seen). */
	static uint64_t hv[65536];
	struct sw_sketch *s = mk(false, 1024, 4, 16, 1000);
	unsigned dup = 0, n = 0;

	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++) {
			struct sw_key k;
			struct sw_hash h;

			memset(&k, 0, sizeof(k));
			k.a.b[10] = k.a.b[11] = k.b.b[10] = k.b.b[11] = 0xff;
			k.a.w[3] = __builtin_bswap32(0x0a420000u + a);
			k.b.w[3] = __builtin_bswap32(0x0a630000u + b);
			k.port = 80;
			k.proto = 6;
			k.kind = SW_K_TUPLE;
			sw_sketch_hash(s, &k, &h);
			hv[n++] = (uint64_t)h.h2 << 32 | h.h1;
		}
	qsort(hv, n, sizeof(hv[0]), cmp_u64);
	for (unsigned i = 1; i < n; i++)
		dup += hv[i] == hv[i - 1];
	CHECK(dup == 0, "%u of %u tuple hashes repeat", dup, n);
	sw_sketch_free(s);
}

/*
 * An attacker who knows the hash function but not the seed: sources chosen
 * to share one scanner's cells under one seed (what a flood meant to hide
 * the scanner behind shared counters would need) share them under the
 * next start's seed only by chance (about one in width).
 */
static void
chosen_collisions_do_not_survive_a_new_seed(void)
{
	enum { WIDTH = 4096, WANT = 64 };
	struct sw_sketch *known = mk(false, WIDTH, 4, 16, 1000);
	struct sw_sketch *fresh = mk(false, WIDTH, 4, 16, 1000);
	struct sw_key scanner, k;
	struct sw_hash hs, hk;
	uint32_t chosen[WANT], n = 0, still = 0;

	key_of(&scanner, 7, SW_K_SRC);
	sw_sketch_hash(known, &scanner, &hs);
	/* search the address space for keys on the scanner's row-0 column */
	for (uint32_t i = 1000; i < 4000000 && n < WANT; i++) {
		key_of(&k, i, SW_K_SRC);
		k.port = scanner.port;
		sw_sketch_hash(known, &k, &hk);
		if (((hk.h1 ^ hs.h1) & (WIDTH - 1)) == 0)
			chosen[n++] = i;
	}
	CHECK(n == WANT, "found %u of %u colliding keys under the known seed", n, WANT);
	sw_sketch_hash(fresh, &scanner, &hs);
	for (uint32_t j = 0; j < n; j++) {
		key_of(&k, chosen[j], SW_K_SRC);
		k.port = scanner.port;
		sw_sketch_hash(fresh, &k, &hk);
		still += ((hk.h1 ^ hs.h1) & (WIDTH - 1)) == 0;
	}
	/* by chance: 64 / 4096 expected; 4 or more has probability < 1e-4 */
	CHECK(still < 4, "%u of %u chosen collisions still collide under a new seed", still, n);
	CHECK(sw_sketch_seed(known) != sw_sketch_seed(fresh), "two starts, one seed");
	sw_sketch_free(known);
	sw_sketch_free(fresh);
}

static void
two_sketches_hash_the_same_key_differently(void)
{
	struct sw_sketch *a = mk(false, 1024, 4, 16, 1000);
	struct sw_sketch *b = mk(false, 1024, 4, 16, 1000);
	unsigned differ = 0, stable = 0;

	for (uint32_t i = 0; i < 8; i++) {
		struct sw_key k;
		struct sw_hash ha, hb, ha2;

		key_of(&k, i, SW_K_SRC);
		sw_sketch_hash(a, &k, &ha);
		sw_sketch_hash(b, &k, &hb);
		sw_sketch_hash(a, &k, &ha2);
		differ += ha.h1 != hb.h1;
		stable += ha.h1 == ha2.h1 && ha.h2 == ha2.h2;
		CHECK(ha.h2 & 1, "h2 even (double hashing needs it odd): 0x%x", ha.h2);
	}
	CHECK(differ > 0, "two sketches hashed 8 keys identically: seeds not random");
	CHECK(stable == 8, "one sketch hashed a key two ways (%u of 8 stable)", stable);
	sw_sketch_free(a);
	sw_sketch_free(b);
}

/* sketch.seed: two starts with one fixed seed hash alike; 0 stays random. */
static void
fixed_seed_repeats_the_hashes(void)
{
	struct sw_sketch_conf sc = mkconf(false, 1024, 4, 16, 1000);
	struct sw_sketch *a, *b, *c;
	struct sw_key k;
	struct sw_hash ha, hb, hc;

	sc.seed = 7;
	a = sw_sketch_create(&sc);
	b = sw_sketch_create(&sc);
	sc.seed = 8;
	c = sw_sketch_create(&sc);
	CHECK(a != NULL && b != NULL && c != NULL, "cannot create the sketches");
	key_of(&k, 3, SW_K_TUPLE);
	sw_sketch_hash(a, &k, &ha);
	sw_sketch_hash(b, &k, &hb);
	sw_sketch_hash(c, &k, &hc);
	CHECK(sw_sketch_seed(a) == sw_sketch_seed(b) && ha.h1 == hb.h1 && ha.h2 == hb.h2,
	      "one fixed seed, two hashes of one key");
	CHECK(sw_sketch_seed(a) != sw_sketch_seed(c) && ha.h1 != hc.h1,
	      "seeds 7 and 8 hash alike");
	sw_sketch_free(a);
	sw_sketch_free(b);
	sw_sketch_free(c);
}

static void
scrub_clears_stale_stamps_before_they_alias(void)
{
	/* 16-bit stamps repeat every 65535 s: without a scrub, a key seen
	 * once looks seen again 65535 s later. 2^16 cells = 2048 lines,
	 * scrubbed one line per second. */
	struct sw_sketch *s = mk(false, 1024, 2, 16, 1000);
	struct sw_sketch *ctl = mk(false, 1024, 2, 16, 1000);
	struct sw_key old, recent;
	struct sw_hash ho, hr, hc;
	uint32_t t;

	key_of(&old, 1, SW_K_TUPLE);
	key_of(&recent, 2, SW_K_TUPLE);
	sw_sketch_hash(s, &old, &ho);
	sw_sketch_hash(s, &recent, &hr);
	sw_sketch_hash(ctl, &old, &hc);
	CHECK(sw_sketch_first(s, &old, &ho, T0) == 0x7, "first insert not fresh");
	sw_sketch_first(ctl, &old, &hc, T0);
	for (t = T0; t < T0 + 65535 - 100; t++)
		sw_sketch_scrub(s, t);
	sw_sketch_first(s, &recent, &hr, t - 50);
	for (; t < T0 + 65535; t++)
		sw_sketch_scrub(s, t);
	/* T0 + 65535 has the same 16-bit stamp as T0 */
	CHECK(sw_sketch_seen(ctl, &old, &hc, T0 + 65535) == 0x7,
	      "unscrubbed control does not alias (0x%x): test premise wrong",
	      sw_sketch_seen(ctl, &old, &hc, T0 + 65535));
	CHECK(sw_sketch_seen(s, &old, &ho, T0 + 65535) == 0,
	      "key from 65535 s ago still seen (0x%x) after scrubbing",
	      sw_sketch_seen(s, &old, &ho, T0 + 65535));
	CHECK(sw_sketch_first(s, &old, &ho, T0 + 65535) == 0x7,
	      "key from 65535 s ago not fresh at every scale");
	CHECK(sw_sketch_seen(s, &recent, &hr, T0 + 65535) == 0x6,
	      "key seen 150 s ago lost to the scrub (0x%x)",
	      sw_sketch_seen(s, &recent, &hr, T0 + 65535));
	sw_sketch_free(s);
	sw_sketch_free(ctl);
}

static void
key_seen_over_an_hour_ago_is_fresh_again(void)
{
	for (int exact = 0; exact <= 1; exact++) {
		struct sw_sketch *s = mk(exact, 1024, 2, 16, 1000);
		struct sw_key k;
		struct sw_hash h;

		key_of(&k, 3, SW_K_TUPLE);
		sw_sketch_hash(s, &k, &h);
		sw_sketch_first(s, &k, &h, T0);
		for (uint32_t t = T0; t <= T0 + 3599; t++)
			sw_sketch_scrub(s, t);
		CHECK(sw_sketch_first(s, &k, &h, T0 + 3599) == 0x3,
		      "%s: 3599 s later not fresh in fast+medium only", exact ? "exact" : "sketch");
		for (uint32_t t = T0 + 3599; t <= T0 + 3599 + 3601; t++)
			sw_sketch_scrub(s, t);
		CHECK(sw_sketch_first(s, &k, &h, T0 + 3599 + 3601) == 0x7,
		      "%s: 3601 s later not fresh everywhere", exact ? "exact" : "sketch");
		sw_sketch_free(s);
	}
}

static void
sizes_and_description_match_the_geometry(void)
{
	struct sw_sketch *s = mk(false, 1024, 4, 16, 1000);
	char buf[512] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	CHECK(sw_sketch_bytes(s) == 1024 * 4 * 64 + 256 * 64 + 65536 * 2, "bytes %zu", sw_sketch_bytes(s));
	CHECK(f != NULL, "fmemopen");
	if (f != NULL) {
		sw_sketch_describe(s, f);
		fclose(f);
	}
	CHECK(strstr(buf, "4 x 1024") != NULL && strstr(buf, "eps=") != NULL, "describe: %s", buf);
	CHECK(sw_sketch_overflows(s) == 0, "sketch overflow count %llu",
	      (unsigned long long)sw_sketch_overflows(s));
	sw_sketch_free(s);
}

int
main(void)
{
	if (test_eal_init("sketch") != 0)
		return 2;

	RUN(defaults_give_the_documented_windows);
	RUN(create_rejects_bad_geometry);
	RUN(first_contact_is_fresh_per_time_scale_as_windows_pass);
	RUN(same_key_added_n_times_reads_n);
	RUN(counters_saturate_at_65535);
	RUN(expired_windows_read_zero_and_restart_at_the_next_update);
	RUN(crowded_sketch_undercounts_only_by_its_handovers);
	RUN(spoofed_flood_neither_inflates_nor_evicts_a_real_source);
	RUN(second_hash_is_not_a_function_of_the_first);
	RUN(sketch_stays_within_printed_bounds_of_its_exact_twin);
	RUN(filter_false_positive_rate_is_near_the_printed_estimate);
	RUN(keys_beside_others_keep_the_false_positive_rate);
	RUN(addresses_of_two_subnets_do_not_collide);
	RUN(two_sketches_hash_the_same_key_differently);
	RUN(fixed_seed_repeats_the_hashes);
	RUN(chosen_collisions_do_not_survive_a_new_seed);
	RUN(scrub_clears_stale_stamps_before_they_alias);
	RUN(key_seen_over_an_hour_ago_is_fresh_again);
	RUN(sizes_and_description_match_the_geometry);
	NOTE("%u tests, %u failed", n_tests, n_failed);

	test_eal_cleanup();
	return n_failed != 0;
}
