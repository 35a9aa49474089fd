/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker-side detection: roles, first contacts, counting, threshold
 * crossings. Runs per burst on the worker lcore: no locks, no allocation,
 * no system calls; the only output is events on the worker's own ring.
 *
 * Per first-contact probe the work is: three filter lines (tuple, source
 * and target, source and port), the source's cell and, when distributed
 * detection is on, the target's cell: five lines, each prefetched one pass
 * ahead, counted in sw_sketch_lines() (see bench/README.md for the
 * cycles). A source that owns no cell (a new one) skips the pair and port
 * lines until its next first contact (count_source, deferred marks): its
 * first costs three. Each address of a packet is hashed once; every key
 * is derived from the two address hashes with one finaliser (sketch.h).
 * Data segments of established TCP flows touch no state at all.
 */

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <scanwatch/detect.h>
#include <scanwatch/event.h>
#include <scanwatch/services.h>
#include <scanwatch/worker.h>

#include "../sketch/sketch_fast.h"
#include "role_int.h"

#define HIST		256	/* recent first contacts kept for alert samples */
#define HEADS		256	/* chains through hist, by source address hash */
#define SAMPLES		8	/* contact samples sent ahead of a suspect event */
#define HEAVY		1024	/* heavy-source hints (a power of two) */
#define TDONE		1024	/* targets past their distributed test (a power of two) */
#define HOT		64	/* targets being watched for distributed scans */
#define HOT_BUDGET	256	/* contact events per hot target and window */
#define SVC_ENTS	1024	/* sources whose sensitive services are remembered */
#define SVC_WAYS	4	/* ... in sets of this many (16 bytes each: a line) */
#define REP_ENTS	1024	/* (source, target) pairs whose repeats are counted */
#define REP_WAYS	4	/* ... in sets of this many (16 bytes each: a line) */
#define REP_EVENTS	64	/* repeat events per pair and window before doublings only */
#define PEND		65536	/* first contacts awaiting an answer (a power of two) */
#define PEND_PER_SRC	8	/* ... at most this many of one source per fast window */
#define PEND_EXPIRE	64	/* ... looked at per tick at most */
#define ANSWERED_RECENTLY_S 60	/* timeouts count while answers of the address family
				 * came this recently: a one-way tap sees none */

/* events carry the sketch's counters */
_Static_assert(SW_F__MAX <= RTE_DIM(((struct sw_event *)0)->v), "sw_event.v too short");

#define R_TARGETS	0x01
#define R_PORTS		0x02
#define R_CONTACTS	0x04
#define R_TRW		SW_SUSPECT_TRW	/* the control thread reads this one */
#define R_TIMEOUT	SW_SUSPECT_TIMEOUT	/* ... and this: raised by a probe's timeout */

/*
 * In the two records below, cls, technique, proto and port follow each
 * other as in struct sw_role_info, which they are copied from in one
 * memcpy (ROLE_COPY()): field by field they took a dozen instructions per
 * first contact, a load and a shift per byte.
 *
 * A recent first contact keeps its packet as far as the fingerprints read
 * it (SW_FP_BYTES: time, addresses, headers), copied whole; its tool is
 * worked out only when it goes out as a sample (samples_of()). Matched per
 * first contact, the fingerprints cost some 60 instructions each, for the
 * few contacts a suspect ever sends (bench/README.md).
 */
struct hist_ent {
	uint64_t pkt[SW_FP_BYTES / sizeof(uint64_t)];	/* struct sw_pkt's start */
	uint8_t answer;		/* pkt is the target's answer (rst_bare()): the
				 * scanner is its dst, no fingerprint */
	uint8_t cls, technique, proto;
	uint16_t port;
	uint32_t prev;		/* hpos + 1 of the previous entry of this chain; 0: none */
};

_Static_assert(SW_FP_BYTES % sizeof(uint64_t) == 0 &&
	       offsetof(struct sw_pkt, dst) + sizeof(struct sw_addr) <= SW_FP_BYTES,
	       "hist_ent keeps the packet's time and addresses whole");

/* A TCP or SCTP first contact whose answer is awaited (detect.trw.timeout). */
struct pend_ent {
	struct sw_addr src, dst;
	uint64_t ts_ns;
	uint8_t mask;		/* the scales it was a first contact in */
	uint8_t cls, technique, proto;
	uint16_t port;
	uint8_t v6;
	uint8_t flags;		/* SW_EVF_* */
};

_Static_assert(offsetof(struct sw_role_info, technique) ==
	       offsetof(struct sw_role_info, cls) + 1 &&
	       offsetof(struct sw_role_info, proto) == offsetof(struct sw_role_info, cls) + 2 &&
	       offsetof(struct sw_role_info, port) == offsetof(struct sw_role_info, cls) + 3,
	       "hist_ent and pend_ent copy cls, technique, proto, port in this order");
_Static_assert(offsetof(struct hist_ent, port) == offsetof(struct hist_ent, cls) + 3 &&
	       offsetof(struct pend_ent, port) == offsetof(struct pend_ent, cls) + 3,
	       "... and keep them in it");

#define ROLE_BYTES	(offsetof(struct sw_role_info, port) + 2 - \
			 offsetof(struct sw_role_info, cls))

/* r's cls, technique, proto and port to record rec's (a hist_ent or a
 * pend_ent; addressed from the records, not their first field) */
#define ROLE_COPY(rec, r)							\
	memcpy((uint8_t *)(rec) + offsetof(__typeof__(*(rec)), cls),		\
	       (const uint8_t *)(r) + offsetof(struct sw_role_info, cls), ROLE_BYTES)

struct hot_ent {
	struct sw_addr dst;
	uint32_t until_s;	/* watched until */
	uint32_t budget;
};

/* The sensitive services (detect.sensitive-services) one source's first
 * contacts touched, in sets of SVC_WAYS (one cache line) by the source's
 * hash: a source is forgotten only when SVC_WAYS others of its set are
 * newer (direct mapped, two decoys of one scan collided in a run in
 * twenty and reported different services from run to run). */
struct svc_ent {
	uint64_t tag;		/* source address hash + class; 0: empty */
	uint32_t bits;		/* bit i: the list's entry i */
	uint32_t until_s;
};

/* Connection attempts of one source to sensitive services of one target
 * beyond the first (hammering), in detect.hammering.window. */
struct rep_ent {
	uint64_t tag;		/* of the (source, target) address hashes; 0: empty */
	uint32_t count;
	uint32_t start_s;
};

/*
 * The keys a packet's counting touches besides its tuple, hashed and
 * prefetched one pass before they are used, so the burst's cache misses
 * overlap instead of queueing one after another.
 */
enum act { ACT_NONE, ACT_PROBE, ACT_RESPONSE, ACT_ABORT, ACT_INITIATOR, ACT_RST_BARE };

struct prep {
	uint8_t act;		/* what pass 3 does, in packet order */
	uint8_t repeat;		/* a SYN again to a sensitive service: count_repeat() */
	unsigned mask;		/* probe: fresh scales; response: seen scales */
	uint64_t ha, hb;	/* address hashes of the scanner and the target */
	struct sw_hash pair;	/* probe: (src, dst); response: the answer key */
	struct sw_hash port;	/* probe: (src, port) */
	struct sw_hash src;	/* the source's cell */
	struct sw_hash dst;	/* probe: the target's cell, when dst_hashed */
	bool dst_hashed;	/* probe: dst hashed and prefetched (not a known heavy source) */
	bool src_ready;		/* pass 1 hashed src and prefetched its row-0 cell */
	bool defer;		/* a source that owns no cell: pair and port are new,
				 * their lines not loaded (count_probe, deferred marks) */
	bool shed;		/* a heavy source's: target and port by sample */
	uint8_t samp;		/* shed: SAMP_DST, SAMP_PORT in the sample */
};

#define SAMP_DST	1u
#define SAMP_PORT	2u
/* the fields a sample counts, as a field set and as an update's bits */
#define SAMP_FIELDS	(1u << SW_F_TARGETS | 1u << SW_F_PORTS)
#define SAMP_UPD	(sw_upd(SW_F_TARGETS, 7) | sw_upd(SW_F_PORTS, 7))

struct sw_detect {
	struct sw_sketch *sk;
	uint64_t seed;		/* the sketch's hash seed */
	uint64_t hzero;		/* hash of the all-zero address (one-address keys) */
	/* what kind and class add to the hash of the keys that fix the rest
	 * (key_hash_fixed): SW_K_SRC_DST, SW_K_SRC, SW_K_DST */
	uint64_t kfix[SW_K_DST + 1][SW_C__MAX];
	bool keyed;		/* keys are built only for the exact twin (sw_sketch_keyed) */
	struct sw_detect_conf dc;
	struct sw_detect_stats st;
	unsigned hpos;
	/* first contacts awaiting an answer, oldest at tail, in time order */
	struct pend_ent *pend;
	uint32_t pend_head, pend_tail;
	uint64_t timeout_ns;		/* detect.trw.timeout; 0: off */
	uint32_t answer_s[2];		/* last answer seen, IPv4 and IPv6 */
	struct hist_ent hist[HIST];
	uint32_t head[HEADS];	/* hpos + 1 of the newest entry per source-hash chain */
	struct hot_ent hot[HOT];
	uint32_t hot_until;	/* the latest until_s any hot entry was given */
	/* sources recently past a contacts threshold (their cell's h2, by h1;
	 * h2 - 1 past samp_contacts): pass 2 skips hashing and prefetching
	 * their targets' cells, which count_target() leaves alone for them,
	 * and counts a very heavy one's by sample; only a hint, the cell
	 * decides */
	uint32_t heavy[HEAVY];
	/* targets whose cell counted more sources than a distributed scan's in
	 * every window, this second: none can fire until a window ends, which
	 * takes a new second, so their contacts skip the cell (count_target) */
	struct tdone {
		uint32_t tag;	/* the target's h2 (odd: 0 is empty) */
		uint32_t sec;
	} tdone[TDONE];
	/* detect.heavy-sample (samp_w below: dc.heavy_sample): a very heavy
	 * source's targets and ports in the sample have a hash whose bits
	 * samp_mask are zero; each counts samp_w */
	uint64_t samp_mask;
	uint32_t samp_contacts;	/* heavy-sample-from x the longest window's contacts;
				 * UINT32_MAX: off */
	uint16_t samp_wl[8] __attribute__((aligned(16)));	/* a window's weights */
	bool samp_on[SW_C__MAX];	/* samp_mask set, and not class ip (its 256
					 * protocols are counted as they come) */
	bool hint_on;			/* heavy[] is kept (targets or sampling) */
	/* count_probe()'s thresholds per class and scale: targets, ports
	 * (ICMP: types, class ip: protocols) and contacts */
	struct sw_cross cross[SW_C__MAX][SW_TS];
	uint32_t rep_step;	/* repeats per REPEAT event: hammering.repeats / workers */
	uint32_t rep_win_s;	/* detect.hammering.window */
	bool flowy;		/* half the last burst or more was established TCP */
	bool src_early;		/* half the last burst's probes or more were first
				 * contacts: pass 1 loads probes' source cells */
	struct sw_services svc;	/* detect.sensitive-services; read-only */
	struct svc_ent svct[SVC_ENTS] __rte_cache_aligned;
	struct rep_ent rep[REP_ENTS] __rte_cache_aligned;
	/* per-burst scratch, filled in passes 1 and 2 */
	struct sw_role_info role[SW_BURST_MAX];
	struct sw_key key[SW_BURST_MAX];
	struct sw_hash hash[SW_BURST_MAX];
	struct prep prep[SW_BURST_MAX];
	uint32_t tsec[SW_BURST_MAX];	/* the packet's second */
};

uint32_t
sw_trw_failures(double theta0, double theta1, double alpha, double beta)
{
	/* Each failure multiplies the likelihood ratio by (1-t1)/(1-t0),
	 * each success by t1/t0; with t1 = 1 - t0 (the paper's setting) a
	 * success cancels a failure, so the walk is failures - successes. */
	double eta1 = beta / alpha;
	double step = log((1.0 - theta1) / (1.0 - theta0));

	if (step <= 0)
		return UINT32_MAX;
	return (uint32_t)ceil(log(eta1) / step);
}

void
sw_detect_conf_from(struct sw_detect_conf *dc, const struct sw_conf *c, unsigned nworkers)
{
	/* RSS spreads one scanner over every queue: a worker sees about
	 * 1/n of it, so it raises a suspect at 1/n of the threshold and the
	 * control thread checks the sum of all workers' counters. */
	unsigned n = nworkers ? nworkers : 1;

	memset(dc, 0, sizeof(*dc));
	for (unsigned t = 0; t < SW_TS; t++) {
		dc->win_s[t] = c->ts[t].window_s;
		dc->ports[t] = RTE_MAX(1u, c->ts[t].ports / n);
		dc->targets[t] = RTE_MAX(1u, c->ts[t].targets / n);
		dc->contacts[t] = RTE_MAX(1u, c->ts[t].contacts / n);
		dc->icmp_targets[t] = RTE_MAX(1u, c->ts[t].icmp_targets / n);
		dc->protos[t] = RTE_MAX(1u, c->ts[t].protos / n);
	}
	dc->trw_failures = RTE_MAX(1u, sw_trw_failures(c->trw_theta0, c->trw_theta1,
						       c->trw_alpha, c->trw_beta) / n);
	dc->trw_share = n > 1;
	dc->distributed_sources = c->distributed_sources;
	dc->heavy_sample = RTE_MAX(1u, c->heavy_sample);
	dc->heavy_sample_from = RTE_MAX(1u, c->heavy_sample_from);
}

struct sw_detect *
sw_detect_create(const struct sw_conf *c, unsigned nworkers, int socket)
{
	struct sw_sketch_conf sc = {
		.exact = c->sketch_mode == SW_MODE_EXACT,
		.width = c->cms_width,
		.depth = c->cms_depth,
		.filter_log2 = c->filter_bits_log2,
		.filter_capacity = c->filter_capacity,
		.seed = c->sketch_seed,
		.socket = socket,
		.prefault = c->pcap[0] == '\0',
	};
	struct sw_detect *d;

	for (unsigned t = 0; t < SW_TS; t++)
		sc.win_s[t] = c->ts[t].window_s;
	d = rte_zmalloc_socket("sw_detect", sizeof(*d), RTE_CACHE_LINE_SIZE, socket);
	if (d == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	d->src_early = true;
	d->timeout_ns = (uint64_t)(c->trw_timeout_s * 1e9);
	if (d->timeout_ns != 0) {
		d->pend = rte_malloc_socket("sw_pend", sizeof(*d->pend) * PEND,
					    RTE_CACHE_LINE_SIZE, socket);
		if (d->pend == NULL) {
			rte_free(d);
			errno = ENOMEM;
			return NULL;
		}
	}
	d->sk = sw_sketch_create(&sc);
	if (d->sk == NULL) {
		rte_free(d->pend);
		rte_free(d);
		return NULL;
	}
	sw_detect_conf_from(&d->dc, c, nworkers);
	{
		char err[256];

		/* validated with the configuration: cannot fail here */
		if (sw_services_init(&d->svc, &c->services, err, sizeof(err)) != 0) {
			sw_sketch_free(d->sk);
			rte_free(d);
			errno = EINVAL;
			return NULL;
		}
	}
	for (unsigned cls = 0; cls < SW_C__MAX; cls++) {
		for (unsigned t = 0; t < SW_TS; t++) {
			struct sw_cross *x = &d->cross[cls][t];

			sw_cross_init(x);
			sw_cross_set(x, SW_F_TARGETS, cls == SW_C_ICMP ? d->dc.icmp_targets[t] :
						      d->dc.targets[t]);
			sw_cross_set(x, SW_F_PORTS, cls == SW_C_IP ? d->dc.protos[t] :
						    d->dc.ports[t]);
			sw_cross_set(x, SW_F_CONTACTS, d->dc.contacts[t]);
		}
	}
	d->samp_mask = ~(UINT64_MAX >> __builtin_ctz(d->dc.heavy_sample));	/* 0 for 1: off */
	d->samp_contacts = d->samp_mask != 0 ?
		(uint32_t)RTE_MIN((uint64_t)d->dc.heavy_sample_from * d->dc.contacts[SW_TS - 1],
				  UINT32_MAX) : UINT32_MAX;
	for (unsigned l = 0; l < 8; l++) {	/* lanes 2 + f: field f */
		bool weighed = l >= 2 && ((SAMP_FIELDS >> (l - 2)) & 1u);

		d->samp_wl[l] = weighed ? (uint16_t)d->dc.heavy_sample : 1;
	}
	for (unsigned cls = 0; cls < SW_C__MAX; cls++)
		d->samp_on[cls] = d->samp_mask != 0 && cls != SW_C_IP;
	d->hint_on = d->samp_mask != 0 || d->dc.distributed_sources > 0;
	d->rep_step = RTE_MAX(1u, c->hammer_repeats / (nworkers ? nworkers : 1));
	d->rep_win_s = c->hammer_window_s;
	d->keyed = sw_sketch_keyed(d->sk);
	d->seed = sw_sketch_seed(d->sk);
	{
		static const struct sw_addr zero;

		d->hzero = sw_sketch_hash_addr(d->seed, &zero);
	}
	for (unsigned c = 0; c < SW_C__MAX; c++) {
		d->kfix[SW_K_SRC_DST][c] = sw_sketch_hash_part(d->seed, 0, (uint8_t)c,
							       SW_K_SRC_DST, 0);
		d->kfix[SW_K_SRC][c] = sw_sketch_hash_part(d->seed, 0, (uint8_t)c, SW_K_SRC, 0) ^
				       sw_sketch_hash_rot(d->hzero);
		d->kfix[SW_K_DST][c] = sw_sketch_hash_part(d->seed, 0, (uint8_t)c, SW_K_DST, 0) ^
				       sw_sketch_hash_rot(d->hzero);
	}
	return d;
}

void
sw_detect_free(struct sw_detect *d)
{
	if (d == NULL)
		return;
	sw_sketch_free(d->sk);
	rte_free(d->pend);
	rte_free(d);
}

const struct sw_sketch *
sw_detect_sketch(const struct sw_detect *d)
{
	return d->sk;
}

const struct sw_detect_stats *
sw_detect_stats(const struct sw_detect *d)
{
	return &d->st;
}

static inline void
make_key(struct sw_key *k, enum sw_key_kind kind, const struct sw_addr *a,
	 const struct sw_addr *b, uint16_t port, uint8_t proto)
{
	k->a = *a;
	if (b != NULL)
		k->b = *b;
	else
		memset(&k->b, 0, sizeof(k->b));
	k->port = port;
	k->proto = proto;
	k->kind = (uint8_t)kind;
	k->seq = 0;
}

/*
 * Hash a key from the address hashes ha (of a) and hb (of b, or d->hzero
 * when the key has one address); build the key itself only for the exact
 * twin, which compares whole keys.
 */
static inline void
key_hash(const struct sw_detect *d, struct sw_key *k, enum sw_key_kind kind,
	 const struct sw_addr *a, const struct sw_addr *b, uint64_t ha, uint64_t hb,
	 uint16_t port, uint8_t proto, uint32_t seq, struct sw_hash *h, bool keyed)
{
	if (unlikely(keyed)) {
		make_key(k, kind, a, b, port, proto);
		k->seq = seq;
	}
	sw_sketch_hash_mix(d->seed, ha, b != NULL ? hb : d->hzero, port, proto, (uint8_t)kind,
			   seq, h);
}

/*
 * key_hash() of a key whose port and seq are 0 and whose proto is its
 * class (cls): the pair, the source's and the target's cells. The same
 * hash, with the kind's and class's share taken from d->kfix (a multiply
 * and some shifts fewer per key; test_detect's exact-twin runs compare).
 * b is NULL for the one-address kinds (SW_K_SRC, SW_K_DST).
 */
static inline void
key_hash_fixed(const struct sw_detect *d, struct sw_key *k, enum sw_key_kind kind,
	       const struct sw_addr *a, const struct sw_addr *b, uint64_t ha, uint64_t hb,
	       uint8_t cls, struct sw_hash *h, bool keyed)
{
	if (unlikely(keyed))
		make_key(k, kind, a, b, 0, cls);
	sw_sketch_hash_fin(ha ^ (b != NULL ? sw_sketch_hash_rot(hb) : 0) ^ d->kfix[kind][cls], h);
}

/* False: the ring was full. Never wait for the control thread: a full
 * ring is a counted loss. */
static inline bool
emit(struct sw_worker *w, struct sw_event *ev)
{
	if (unlikely(rte_ring_sp_enqueue_elem(w->ring, ev, sizeof(*ev)) != 0)) {
		w->st.ring_drops++;
		return false;
	}
	w->st.events++;
	return true;
}

/*
 * A suspect event and the samples and services ahead of it (ev[n - 1] is
 * the suspect): all in one enqueue while the ring has room for them and
 * its last RESERVE_DIV-th besides, the suspect alone otherwise. An alert
 * without samples names fewer targets; a lost suspect can lose the alert
 * (its counter is not raised again before the next doubling). So when the
 * control thread falls behind, samples are dropped first and the ring's
 * last part is kept for suspects. Taken in order as far as they fit, as
 * once, a nearly full ring kept the samples and dropped the suspect. The
 * rest is a counted loss. False: the suspect was lost too (suspects_lost).
 */
#define RESERVE_DIV	8

static inline bool
emit_suspect(struct sw_worker *w, struct sw_event *ev, unsigned n)
{
	unsigned room = rte_ring_free_count(w->ring);

	if (room >= n + rte_ring_get_capacity(w->ring) / RESERVE_DIV &&
	    rte_ring_sp_enqueue_bulk_elem(w->ring, ev, sizeof(*ev), n, NULL) == n) {
		w->st.events += n;
		return true;
	}
	w->st.ring_drops += n - 1;
	return emit(w, &ev[n - 1]);
}

/* An event about the probe r describes, as packet p carried it. */
static void
event_of(struct sw_event *ev, enum sw_ev_type type, const struct sw_worker *w,
	 const struct sw_pkt *p, const struct sw_role_info *r)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = (uint8_t)type;
	ev->ts_ns = p->ts_ns;
	ev->src = *r->scanner;
	ev->dst = *r->target;
	ev->dport = r->port;
	ev->proto = r->proto;
	ev->technique = r->technique;
	ev->worker = (uint8_t)w->id;
	ev->cls = r->cls;
	ev->flags = (p->flags & SW_PKT_F_REASM) ? SW_EVF_FRAG : 0;
}

/* The chain of recent first contacts a source's entries are on, by the
 * source's address hash: the address's own bits put whole prefixes on one
 * chain (every source of a /8 on one with IPv4, whose first octet the low
 * bits held), and samples_of() walked all HIST entries for each suspect. */
static inline uint32_t *
hist_head(struct sw_detect *d, uint64_t ha)
{
	return &d->head[(ha >> 40) % HEADS];
}

/* Whether the 16 bytes at a hold address b: two compares, where memcmp()
 * was a library call per record walked. */
static inline bool
addr_eq(const void *a, const struct sw_addr *b)
{
	uint64_t q[2];

	memcpy(q, a, sizeof(q));
	return ((q[0] ^ b->q[0]) | (q[1] ^ b->q[1])) == 0;
}

/* The source's recent first contacts as CONTACT events in out[]; returns
 * how many (at most SAMPLES). */
static unsigned
samples_of(struct sw_detect *d, struct sw_worker *w, const struct sw_addr *src, uint8_t cls,
	   struct sw_event *out)
{
	unsigned sent = 0;

	/* Newest first, along the source's chain: the entries of the last
	 * HIST first contacts whose source hashes like this one. */
	for (uint32_t pos = *hist_head(d, sw_sketch_hash_addr(d->seed, src));
	     pos != 0 && d->hpos - (pos - 1) <= HIST && sent < SAMPLES;) {
		const struct hist_ent *h = &d->hist[(pos - 1) % HIST];
		struct sw_event *ev = &out[sent];
		struct sw_pkt p;
		enum sw_fp fp;

		pos = h->prev;
		if (h->cls != cls ||
		    !addr_eq((const uint8_t *)h->pkt + (h->answer ? offsetof(struct sw_pkt, dst) :
							offsetof(struct sw_pkt, src)), src))
			continue;
		memcpy(&p, h->pkt, SW_FP_BYTES);
		memset((uint8_t *)&p + SW_FP_BYTES, 0, sizeof(p) - SW_FP_BYTES);
		if (p.ts_ns == 0)
			continue;
		fp = h->answer ? SW_FP_NONE : sw_fp_match(&p);
		memset(ev, 0, sizeof(*ev));
		ev->type = SW_EV_CONTACT;
		ev->ts_ns = p.ts_ns;
		ev->src = h->answer ? p.dst : p.src;
		ev->dst = h->answer ? p.src : p.dst;
		ev->dport = h->port;
		ev->proto = h->proto;
		ev->technique = h->technique;
		ev->worker = (uint8_t)w->id;
		ev->cls = h->cls;
		ev->tool = sw_fp_tool[fp];
		ev->fp = (uint8_t)fp;
		ev->flags = (p.flags & SW_PKT_F_REASM) ? SW_EVF_FRAG : 0;
		sent++;
	}
	return sent;
}

static inline bool
has_ports(uint8_t cls)
{
	return cls == SW_C_TCP || cls == SW_C_UDP || cls == SW_C_SCTP;
}

static inline struct svc_ent *
svc_set(struct sw_detect *d, uint64_t tag)
{
	return &d->svct[((tag >> 20) % (SVC_ENTS / SVC_WAYS)) * SVC_WAYS];
}

static inline struct svc_ent *
svc_find(struct sw_detect *d, uint64_t tag)
{
	struct svc_ent *set = svc_set(d, tag);

	for (unsigned i = 0; i < SVC_WAYS; i++)
		if (set[i].tag == tag)
			return &set[i];
	return NULL;
}

/* A first contact of a sensitive service: remember it for the source. */
static void
svc_note(struct sw_detect *d, const struct sw_role_info *r, uint64_t ha, uint32_t now_s)
{
	uint64_t tag = (ha + r->cls) | 1;
	struct svc_ent *e = svc_find(d, tag);

	if (e == NULL) {
		/* the empty or the oldest of the set */
		struct svc_ent *set = svc_set(d, tag);

		e = &set[0];
		for (unsigned i = 1; i < SVC_WAYS; i++)
			if (set[i].until_s < e->until_s)
				e = &set[i];
		e->tag = 0;
	}
	if (e->tag != tag || e->until_s < now_s) {
		e->tag = tag;
		e->bits = 0;
		e->until_s = now_s + d->dc.win_s[SW_TS - 1];
	}
	e->bits |= sw_services_bit(&d->svc, r->port);
}

/* The source's sensitive services as a SERVICES event in ev; false: none. */
static bool
svc_event(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	  const struct sw_role_info *r, struct sw_event *ev)
{
	uint64_t tag = (sw_sketch_hash_addr(d->seed, r->scanner) + r->cls) | 1;
	const struct svc_ent *e = svc_find(d, tag);

	if (!has_ports(r->cls) || e == NULL || e->bits == 0)
		return false;
	event_of(ev, SW_EV_SERVICES, w, p, r);
	ev->v[0] = (uint16_t)e->bits;
	ev->v[1] = (uint16_t)(e->bits >> 16);
	return true;
}

static void __rte_cold
suspect(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	const struct sw_role_info *r, unsigned t, unsigned reason, enum sw_fp fp,
	const struct sw_est *e, bool samples, bool sampled)
{
	struct sw_event evs[SAMPLES + 2];
	struct sw_event *ev;
	unsigned n = 0;

	/* the counters as of this packet travel with the event; the samples
	 * and the services touched go once per packet, ahead of its first
	 * suspect (several time scales often cross on the same contact), in
	 * one enqueue */
	if (samples) {
		n = samples_of(d, w, r->scanner, r->cls, evs);
		n += svc_event(d, w, p, r, &evs[n]);
	}
	ev = &evs[n++];
	event_of(ev, SW_EV_SUSPECT, w, p, r);
	ev->timescale = (uint8_t)t;
	ev->reason = (uint8_t)reason;
	ev->tool = sw_fp_tool[fp];
	ev->fp = (uint8_t)fp;
	ev->flags |= sampled ? SW_EVF_SAMPLED : 0;
	for (unsigned f = 0; f < SW_F__MAX; f++)
		ev->v[f] = (uint16_t)RTE_MIN(e->v[t][f], (uint32_t)UINT16_MAX);
	d->st.suspects_lost += !emit_suspect(w, evs, n);
	d->st.suspects++;
}

static struct hot_ent *
hot_find(struct sw_detect *d, const struct sw_addr *dst)
{
	return &d->hot[(dst->w[3] ^ dst->w[1]) % HOT];
}

/*
 * Per-target counting for distributed scans: distinct sources and first
 * contacts of each target, and the contacts of a watched ("hot") target
 * for the control thread. A distributed scan is many light sources; a
 * source past a contacts threshold (heavy) is a block scanner on its own
 * and leaves the target's cell alone (a line and ~100 instructions per
 * first contact of a scan flood), though its contacts to a watched
 * target are still reported.
 */
/* Many sources on one target: watch it, tell the control thread. Rare,
 * out of line (as suspect()): the hot path keeps its registers. */
static void __rte_cold __rte_noinline
target_event(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	     const struct sw_role_info *r, unsigned t, uint32_t sources, uint32_t contacts,
	     uint32_t now_s)
{
	struct hot_ent *hot = hot_find(d, r->target);
	struct sw_event ev;

	hot->dst = *r->target;
	hot->until_s = now_s + d->dc.win_s[t];
	hot->budget = HOT_BUDGET;
	d->hot_until = RTE_MAX(d->hot_until, hot->until_s);
	event_of(&ev, SW_EV_TARGET, w, p, r);
	ev.timescale = (uint8_t)t;
	ev.v[SW_F_TARGETS] = (uint16_t)sources;
	ev.v[SW_F_CONTACTS] = (uint16_t)contacts;
	emit(w, &ev);
}

/* A contact to a watched target, for the control thread (out of line). */
static void __rte_cold __rte_noinline
hot_contact(struct sw_worker *w, const struct sw_pkt *p, const struct sw_role_info *r,
	    struct hot_ent *hot)
{
	struct sw_event ev;

	hot->budget--;
	event_of(&ev, SW_EV_HOT_CONTACT, w, p, r);
	ev.fp = (uint8_t)sw_fp_match(p);
	ev.tool = sw_fp_tool[ev.fp];
	emit(w, &ev);
}

static __rte_always_inline void
count_target(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	     const struct sw_role_info *r, unsigned fresh, unsigned new_src, bool heavy,
	     const struct sw_hash *hd, uint32_t now_s, bool keyed)
{
	struct sw_key k;
	sw_upd_t u = sw_upd(SW_F_CONTACTS, fresh) | sw_upd(SW_F_TARGETS, new_src);
	struct sw_est e;
	struct tdone *td = &d->tdone[hd->h1 & (TDONE - 1)];
	uint32_t n = d->dc.distributed_sources;

	if (unlikely(keyed))
		make_key(&k, SW_K_DST, r->target, NULL, 0, r->cls);
	/* heavy sources do not count among a target's; a target flooded by
	 * many sources (a random-source flood: each packet a new one) is past
	 * the test in every window at once, for the rest of the second */
	bool skip = heavy | (td->tag == hd->h2 && td->sec == now_s);

	if (!skip) {
		sw_skf_target_update(d->sk, &k, hd, u, now_s, &e,
				     1u << SW_F_TARGETS | 1u << SW_F_CONTACTS, keyed);
		RTE_BUILD_BUG_ON(SW_TS != 3);
		if (e.v[0][SW_F_TARGETS] > n && e.v[1][SW_F_TARGETS] > n &&
		    e.v[2][SW_F_TARGETS] > n) {
			td->tag = hd->h2;
			td->sec = now_s;
		}
	}

	for (unsigned t = 0; t < SW_TS && !skip; t++) {
		uint32_t sources = e.v[t][SW_F_TARGETS], contacts = e.v[t][SW_F_CONTACTS];

		if (!(new_src & (1u << t)) || sources != n || contacts < d->dc.ports[t])
			continue;
		target_event(d, w, p, r, t, sources, contacts, now_s);
		break;
	}
	/* no target is watched at now_s unless one was given this long */
	if (unlikely(now_s <= d->hot_until)) {
		struct hot_ent *hot = hot_find(d, r->target);

		if (hot->until_s >= now_s && hot->budget > 0 &&
		    memcmp(&hot->dst, r->target, sizeof(hot->dst)) == 0)
			hot_contact(w, p, r, hot);
	}
}

/*
 * Jung et al. 2004 (Fast portscan detection using sequential hypothesis
 * testing, IEEE S&P) count a connection attempt that is rejected *or left
 * unanswered* as a failure. TCP and SCTP connection attempts are awaited:
 * a stack answers every one (SYN-ACK, RST, INIT-ACK, ABORT) unless a
 * filter drops it or nothing lives at the address. UDP and echo requests
 * are not: many a datagram draws no answer by design (syslog, NTP to a
 * blocked pool, a stale DHT peer) and monitors ping hosts that are down.
 */
static inline bool
awaits_answer(uint8_t technique)
{
	return technique == SW_T_SYN || technique == SW_T_CONNECT || technique == SW_T_SCTP_INIT;
}

/* Queue a first contact for its timeout; the oldest falls off a full
 * queue, counted (a random-source flood: one contact per source, which no
 * timeout could make a scanner anyway). */
static void
pend_push(struct sw_detect *d, const struct sw_pkt *p, const struct sw_role_info *r,
	  unsigned fresh)
{
	struct pend_ent *pe = &d->pend[d->pend_head++ & (PEND - 1)];

	if (d->pend_head - d->pend_tail > PEND) {
		d->pend_tail++;
		d->st.timeouts_lost++;
	}
	pe->src = *r->scanner;
	pe->dst = *r->target;
	pe->ts_ns = p->ts_ns;
	pe->mask = (uint8_t)fresh;
	ROLE_COPY(pe, r);
	pe->v6 = p->af == 6;
	pe->flags = (p->flags & SW_PKT_F_REASM) ? SW_EVF_FRAG : 0;
}

/* The (source, target) and (source, port) keys of a first contact. */
static __rte_always_inline void
pair_port_hash(const struct sw_detect *d, const struct sw_role_info *r, uint64_t ha,
	       uint64_t hb, struct sw_hash *pair, struct sw_hash *port, bool keyed)
{
	struct sw_key k;

	key_hash_fixed(d, &k, SW_K_SRC_DST, r->scanner, r->target, ha, hb, r->cls, pair, keyed);
	key_hash(d, &k, SW_K_SRC_PORT, r->scanner, NULL, ha, 0, r->port, r->cls, 0, port, keyed);
}

/*
 * A source's first first contact, counted while it owned no cell (a new
 * source: a random-source flood's every packet, a new client's first
 * connection) leaves its pair and port filter marks to the source's next
 * first contact, recorded in its cell: 2 lines (the tuple's, the cell) in
 * place of 4. The next first contact, its lines loaded as usual, marks
 * them at the second the first was made (the cell's slow window opened
 * then), and does not count that pair or port again. A source whose only
 * contact loses its cell to another key (cm_cell_light) loses the record
 * with it, as it loses its count.
 */
static void
defer_flush(struct sw_detect *d, struct sw_cell *c, const struct sw_role_info *r,
	    uint64_t ha, const struct sw_hash *pair, uint32_t now_s, unsigned *new_dst,
	    unsigned *new_port)
{
	uint32_t at = c->ts[SW_TS - 1].start;
	struct sw_hash ph = { .h1 = c->defer_h1, .h2 = c->defer_h2 };
	uint16_t port = c->defer_port;
	unsigned seen;

	c->defer_h2 = 0;
	if (now_s - at >= d->dc.win_s[SW_TS - 1])
		return;	/* older than every window: no mark would still count */
	seen = ~cm_fresh(d->sk, cm_sage(cm_stamp(now_s), cm_stamp(at))) & ((1u << SW_TS) - 1);
	if (pair->h1 == ph.h1 && (uint16_t)pair->h2 == ph.h2)
		*new_dst &= ~seen;	/* marked just now, and newer */
	else
		cm_mark_at(d->sk, &ph, now_s, at);
	if (r->port == port) {
		*new_port &= ~seen;
	} else {
		struct sw_key k;
		struct sw_hash qh;

		key_hash(d, &k, SW_K_SRC_PORT, r->scanner, NULL, ha, 0, port, r->cls, 0, &qh,
			 false);
		cm_mark_at(d->sk, &qh, now_s, at);
	}
}

/*
 * A very heavy source's new targets and ports, counted by sample: a target
 * is in the sample when a hash of it and of the source has the top bits
 * samp_mask zero (one in samp_w of the targets, the same ones on every
 * contact), a port likewise; only those are tested for novelty, each
 * counting samp_w. An estimate of the number of distinct elements from
 * the distinct elements of a hash sample, unbiased whatever the number of
 * contacts per element (Gibbons and Tirthapura, "Estimating simple
 * functions on the union of data streams", SPAA 2001), where sampling
 * contacts would count a target once per sampled port of it. A source is
 * very heavy past detect.heavy-sample-from (64) times the longest
 * window's contacts threshold, samp_contacts (6,400 first contacts in an
 * hour by default): its scan was reported long before, the n it counts
 * from then on are off by about sqrt(samp_w * n) (under 2 % of its
 * total, 1 % at 65,535), and each of its first contacts costs the
 * tuple's line and its cell, a target or port line one time in samp_w. What a person checks by hand
 * (nmap's 1,000 ports, a sweep of a /24) stays exact. The hash is the
 * sketch's address hash with a seed of its own, not the sketch's (random
 * per start): a capture replayed gives the same sample, the same
 * estimates.
 */
#define SAMP_SEED	0x5ca77e2ed5a3b1e5ULL

static __rte_always_inline unsigned
samp_of(const struct sw_detect *d, const struct sw_role_info *r)
{
	uint64_t hs = sw_sketch_hash_addr(SAMP_SEED, r->scanner);
	uint64_t ht = (hs ^ sw_sketch_hash_addr(SAMP_SEED, r->target)) * 0x94d049bb133111ebULL;
	uint64_t hp = (hs ^ r->port) * 0x94d049bb133111ebULL;

	return ((ht & d->samp_mask) == 0 ? SAMP_DST : 0) |
	       ((hp & d->samp_mask) == 0 ? SAMP_PORT : 0);
}

/*
 * Rule for counting by sample (samp_of()): a source whose cell, before
 * this first contact, holds more than samp_contacts first contacts in its
 * longest window (one test; that window holds the most). Decided in pass
 * 3, in packet order, on the counts, so that bursts cut anywhere count
 * alike (pass 2's hint only chooses what to hash and load). A spilled
 * source (no cell of its own) is counted in full.
 */
static __rte_always_inline bool
very_heavy(const struct sw_detect *d, const struct sw_cell *c, uint32_t now_s)
{
	return c->ts[SW_TS - 1].v[SW_F_CONTACTS] > d->samp_contacts &&
	       sw_cell_live(d->sk, &c->ts[SW_TS - 1], SW_TS - 1, now_s);
}

/* An owned cell's update by u: e the contacts, every field when a counter
 * crossed (an event reads them all). */
static __rte_always_inline sw_upd_t
cell_count(struct sw_detect *d, struct sw_cell *c, sw_upd_t u, uint32_t now_s,
	   struct sw_est *e, const struct sw_cross *x)
{
	sw_upd_t cr = sw_cell_update_read(d->sk, c, u, now_s, e, x, 1u << SW_F_CONTACTS);

	if (unlikely(cr != 0))
		sw_cell_read(d->sk, c, now_s, e);
	return cr;
}

/*
 * A very heavy source's first contact, in its cell c: the target and the
 * port tested only when in the sample samp (samp_of(); their hashes
 * pr->pair, pr->port are made), and then counting samp_w each
 * (sw_cell_add_weighted()).
 */
static __rte_always_inline sw_upd_t
count_sampled(struct sw_detect *d, const struct prep *pr, unsigned samp, struct sw_cell *c,
	      unsigned fresh, uint32_t now_s, const struct sw_cross *x, unsigned *new_dst,
	      unsigned *new_port, struct sw_est *e)
{
	sw_upd_t u;

	d->st.sampled++;
	*new_dst = *new_port = 0;
	if (samp & SAMP_DST)
		*new_dst = sw_skf_first(d->sk, NULL, &pr->pair, now_s, false) & fresh;
	if (samp & SAMP_PORT)
		*new_port = sw_skf_first(d->sk, NULL, &pr->port, now_s, false) & fresh;
	u = sw_upd(SW_F_CONTACTS, fresh) | sw_upd(SW_F_TARGETS, *new_dst) |
	    sw_upd(SW_F_PORTS, *new_port);
	if (unlikely((*new_dst | *new_port) != 0))
		return sw_cell_add_weighted(d->sk, c, u, SAMP_FIELDS, d->samp_wl, now_s, e, x);
	return cell_count(d, c, u, now_s, e, x);
}

/* count_sampled() where pass 2 did not expect it (a source's first
 * contact past samp_contacts, a stale hint): rare, out of line. */
struct sampled {
	sw_upd_t cr;
	unsigned new_dst, new_port;
};

static __rte_noinline struct sampled
count_sampled_late(struct sw_detect *d, const struct sw_role_info *r, const struct prep *pr,
		   struct sw_cell *c, unsigned fresh, uint32_t now_s, const struct sw_cross *x,
		   struct sw_est *e)
{
	struct prep q = *pr;
	struct sampled o;

	if (pr->defer)
		pair_port_hash(d, r, pr->ha, pr->hb, &q.pair, &q.port, false);
	o.cr = count_sampled(d, &q, samp_of(d, r), c, fresh, now_s, x, &o.new_dst, &o.new_port,
			     e);
	return o;
}

/*
 * The sketch's side of count_probe(): the pair and port tests (or their
 * deferral, above) and one visit of the source's cell for all three
 * counters and their thresholds (x). Returns the counters that crossed
 * (sw_cross_est()); *new_dst the new targets, e the counters: the
 * contacts alone (all count_probe() reads) unless a counter crossed,
 * every field then, for the event. *sampled: counted by sample
 * (count_sampled()).
 */
static __rte_always_inline sw_upd_t
count_source(struct sw_detect *d, const struct sw_role_info *r, const struct prep *pr,
	     unsigned fresh, uint32_t now_s, const struct sw_cross *x, unsigned *new_dst,
	     unsigned *new_port, bool *sampled, struct sw_est *e)
{
	bool claimed;
	struct sw_cell *c = cm_owned_cell(d->sk, &pr->src, now_s, &claimed);
	struct sw_hash pair, port;
	sw_upd_t u;

	if (unlikely(!claimed && c != NULL && d->samp_on[r->cls] && very_heavy(d, c, now_s))) {
		struct sampled o = count_sampled_late(d, r, pr, c, fresh, now_s, x, e);

		*sampled = true;
		*new_dst = o.new_dst;
		*new_port = o.new_port;
		return o.cr;
	}
	*sampled = false;
	if (pr->defer && claimed) {
		pair_port_hash(d, r, pr->ha, pr->hb, &pair, &port, false);
		c->defer_h1 = pair.h1;
		c->defer_h2 = (uint16_t)pair.h2;	/* h2 is odd: never 0 */
		c->defer_port = r->port;
		d->st.deferred++;
		*new_dst = *new_port = fresh;
	} else {
		if (pr->defer)	/* the cell was taken in this burst: not new after all */
			pair_port_hash(d, r, pr->ha, pr->hb, &pair, &port, false);
		else
			pair = pr->pair, port = pr->port;
		d->sk->lines += 2;
		*new_dst = cm_first_in(d->sk, &pair, now_s) & fresh;
		*new_port = cm_first_in(d->sk, &port, now_s) & fresh;
		if (c != NULL && unlikely(c->defer_h2 != 0))
			defer_flush(d, c, r, pr->ha, &pair, now_s, new_dst, new_port);
	}
	u = sw_upd(SW_F_CONTACTS, fresh) | sw_upd(SW_F_TARGETS, *new_dst) |
	    sw_upd(SW_F_PORTS, *new_port);
	if (likely(c != NULL))
		return cell_count(d, c, u, now_s, e, x);
	sw_cm_update_spilled(d->sk, &pr->src, u, now_s, e);
	return sw_cross_est(x, e, u);
}

/* The tool p's headers name when p is r's probe as the scanner sent it,
 * not the target's answer to one (rst_bare()). For events only: rare. */
static enum sw_fp
probe_fp(const struct sw_pkt *p, const struct sw_role_info *r)
{
	return r->scanner == &p->src ? sw_fp_match(p) : SW_FP_NONE;
}

/*
 * What follows the counting of a first contact, for count_probe_at() and
 * count_heavy_sketch(): the services it touched, its timeout, its history
 * entry (hist: kept as a sample), the events of the counters that crossed
 * (cr; sampled: counted by sample, which they say) and the source's heavy
 * hint and target cell.
 */
static __rte_always_inline void
count_after(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	    const struct sw_role_info *r, const struct prep *pr, unsigned new_dst, bool sampled,
	    bool hist, sw_upd_t cr, const struct sw_est *e, uint32_t now_s, bool keyed)
{
	unsigned fresh = pr->mask;
	bool sent = false;

	/* one bit test; rare branch (a listed service) */
	if (unlikely(sw_services_has(&d->svc, r->port)) && has_ports(r->cls))
		svc_note(d, r, pr->ha, now_s);
	/* the source's count first: it fails at once for a busy scanner */
	if (e->v[0][SW_F_CONTACTS] <= PEND_PER_SRC && d->timeout_ns != 0 &&
	    awaits_answer(r->technique))
		pend_push(d, p, r, fresh);

	if (hist) {
		uint32_t *head = hist_head(d, pr->ha);
		struct hist_ent *he = &d->hist[d->hpos % HIST];

		he->prev = *head;
		*head = ++d->hpos;
		memcpy(he->pkt, p, SW_FP_BYTES);
		he->answer = r->scanner != &p->src;
		ROLE_COPY(he, r);
	}

	/* Each scale: the counters this contact raised (new_dst and new_port
	 * are within fresh) that reached their threshold or a doubling of
	 * it (cr, tested with the update: sw_cell_update_read()) */
	RTE_BUILD_BUG_ON(R_TARGETS != 1 || R_PORTS != 2 || R_CONTACTS != 4);
	RTE_BUILD_BUG_ON(SW_F_PORTS != SW_F_TARGETS + 1);
	for (unsigned t = 0; unlikely(cr != 0) && t < SW_TS; t++) {
		/* targets and ports to bits 0-1, contacts to bit 2 */
		unsigned f = cr >> SW_UPD_SHIFT(t);
		unsigned reason = ((f >> SW_F_TARGETS) & 3u) | ((f >> SW_F_CONTACTS) & 1u) << 2;

		if (reason != 0) {
			suspect(d, w, p, r, t, reason, probe_fp(p, r), e, !sent, sampled);
			sent = true;
		}
	}
	if (d->hint_on) {
		bool heavy = e->v[0][SW_F_CONTACTS] > d->dc.contacts[0] ||
			     e->v[1][SW_F_CONTACTS] > d->dc.contacts[1] ||
			     e->v[2][SW_F_CONTACTS] > d->dc.contacts[2];
		uint32_t *hint = &d->heavy[pr->src.h1 & (HEAVY - 1)];

		if (heavy)	/* h2 is odd: even, very heavy */
			*hint = pr->src.h2 ^
				(e->v[SW_TS - 1][SW_F_CONTACTS] > d->samp_contacts);
		else if ((*hint | 1) == pr->src.h2)
			*hint = 0;
		if (d->dc.distributed_sources > 0) {
			struct sw_key k;
			struct sw_hash hd = pr->dst;

			if (!heavy && !pr->dst_hashed)	/* the hint was stale */
				key_hash_fixed(d, &k, SW_K_DST, r->target, NULL, pr->hb, 0,
					       r->cls, &hd, keyed);
			count_target(d, w, p, r, fresh, new_dst, heavy, &hd, now_s, keyed);
		}
	}
}

static __rte_always_inline void
count_probe_at(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	       const struct sw_role_info *r, const struct prep *pr, uint32_t now_s,
	       bool keyed)
{
	struct sw_key k;
	unsigned fresh = pr->mask;
	unsigned new_dst, new_port;
	const struct sw_cross *x = d->cross[r->cls];
	struct sw_est e;
	sw_upd_t cr;
	bool sampled = false;

	d->st.first_contacts++;
	if (likely(!keyed)) {
		cr = count_source(d, r, pr, fresh, now_s, x, &new_dst, &new_port, &sampled, &e);
	} else {
		/* the exact twin: the same rule on its exact counts, samp_w
		 * counted one at a time */
		unsigned samp = SAMP_DST | SAMP_PORT;
		sw_upd_t u;

		make_key(&k, SW_K_SRC, r->scanner, NULL, 0, r->cls);
		if (d->samp_on[r->cls]) {
			sw_sketch_get(d->sk, &k, &pr->src, now_s, &e);
			sampled = e.v[SW_TS - 1][SW_F_CONTACTS] > d->samp_contacts;
		}
		if (sampled) {
			samp = samp_of(d, r);
			d->st.sampled++;
		}
		new_dst = new_port = 0;
		if (samp & SAMP_DST) {
			make_key(&k, SW_K_SRC_DST, r->scanner, r->target, 0, r->cls);
			new_dst = sw_skf_first(d->sk, &k, &pr->pair, now_s, keyed) & fresh;
		}
		if (samp & SAMP_PORT) {
			make_key(&k, SW_K_SRC_PORT, r->scanner, NULL, r->port, r->cls);
			new_port = sw_skf_first(d->sk, &k, &pr->port, now_s, keyed) & fresh;
		}
		/* one visit of the source's cell for all three counters */
		make_key(&k, SW_K_SRC, r->scanner, NULL, 0, r->cls);
		u = sw_upd(SW_F_CONTACTS, fresh) | sw_upd(SW_F_TARGETS, new_dst) |
		    sw_upd(SW_F_PORTS, new_port);
		cr = sw_skf_update(d->sk, &k, &pr->src, u, now_s, &e, x, keyed);
		for (unsigned i = 1; sampled && (u & SAMP_UPD) != 0 && i < d->dc.heavy_sample; i++)
			cr |= sw_skf_update(d->sk, &k, &pr->src, u & SAMP_UPD, now_s, &e, x,
					    keyed);
	}
	/* a very heavy source's samples: the contacts that counted a target or a port */
	count_after(d, w, p, r, pr, new_dst, sampled, !sampled || (new_dst | new_port) != 0, cr,
		    &e, now_s, keyed);
}

/*
 * count_probe_at() and count_response_at() out of line (inlined into the
 * burst loop they cost more than the call, bench/README.md), one copy for
 * each value of keyed, as detect_burst(): a single copy tested keyed at
 * run time, some ten times per first contact. Two functions, not one
 * holding both copies behind a test of keyed: that one's shared prologue
 * and spills cost 10 instructions a packet more (832 against 822, scan
 * mix, bench/instr.sh).
 */
static __rte_noinline void
count_probe_sketch(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
		   const struct sw_role_info *r, const struct prep *pr, uint32_t now_s)
{
	count_probe_at(d, w, p, r, pr, now_s, false);
}

static __rte_noinline void
count_probe_keyed(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
		  const struct sw_role_info *r, const struct prep *pr, uint32_t now_s)
{
	count_probe_at(d, w, p, r, pr, now_s, true);
}

/*
 * A first contact of a source pass 2 found very heavy (its hint, and only
 * its sampled target and port hashed, prep_heavy()): counted by sample in
 * its row-0 cell when the cell agrees (very_heavy()), the usual case, in
 * full otherwise.
 */
static __rte_noinline void
count_heavy_sketch(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
		   const struct sw_role_info *r, const struct prep *pr, uint32_t now_s)
{
	struct sw_cell *c0 = cm_cell_at(d->sk, &pr->src, 0);
	unsigned new_dst, new_port;
	struct sw_est e;
	struct prep q;
	sw_upd_t cr;

	if (likely(c0->tag == pr->src.h2 && very_heavy(d, c0, now_s))) {
		d->st.first_contacts++;
		d->sk->lines++;
		cr = count_sampled(d, pr, pr->samp, c0, pr->mask, now_s, d->cross[r->cls], &new_dst,
				   &new_port, &e);
		count_after(d, w, p, r, pr, new_dst, true, (new_dst | new_port) != 0, cr, &e,
			    now_s, false);
		return;
	}
	/* the hint was stale: hash the rest, count as any other */
	q = *pr;
	q.shed = false;
	q.defer = false;
	pair_port_hash(d, r, q.ha, q.hb, &q.pair, &q.port, false);
	count_probe_sketch(d, w, p, r, &q, now_s);
}

/* The exact twin decides on its own counts (count_probe_at()). */
static __rte_noinline void
count_heavy_keyed(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
		  const struct sw_role_info *r, const struct prep *pr, uint32_t now_s)
{
	struct prep q = *pr;

	q.shed = false;
	pair_port_hash(d, r, q.ha, q.hb, &q.pair, &q.port, true);
	count_probe_keyed(d, w, p, r, &q, now_s);
}

static __rte_always_inline void
count_probe(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	    const struct sw_role_info *r, const struct prep *pr, uint32_t now_s, bool keyed)
{
	if (pr->shed)
		keyed ? count_heavy_keyed(d, w, p, r, pr, now_s) :
			count_heavy_sketch(d, w, p, r, pr, now_s);
	else if (keyed)
		count_probe_keyed(d, w, p, r, pr, now_s);
	else
		count_probe_sketch(d, w, p, r, pr, now_s);
}

/*
 * The sequential test (Jung et al. 2004) on the source's counters after a
 * failure or an abort: half-open aborts count as failures. A lone worker
 * sees the whole test and decides once, at its threshold. One of several
 * holds a share (trw_failures: the test's over the workers) and crosses
 * it at the share and again at each doubling, as the counters' thresholds
 * are: the control thread decides on the sum over the workers, and a small
 * scan whose probes RSS split unevenly (one of eight on one queue, seven
 * on the other) never reached that sum at the heavier worker's single
 * event (test_live, two workers: no alert in 3 runs of 16).
 */
static bool
trw_crossed(const struct sw_detect *d, const struct sw_est *e, unsigned t)
{
	uint32_t ab = RTE_MIN(e->v[t][SW_F_ABORTED], e->v[t][SW_F_ANSWERED]);
	uint32_t bad = e->v[t][SW_F_FAILED] + ab, good = e->v[t][SW_F_ANSWERED] - ab;

	if (bad < good)
		return false;
	return d->dc.trw_share ? sw_crossed(bad - good, d->dc.trw_failures) :
				 bad - good == d->dc.trw_failures;
}

/* The shortest of the scales in mask (those the failure counted in) whose
 * sequential test crossed: it alone decides. -1: none. */
static int
trw_scale(const struct sw_detect *d, const struct sw_est *e, unsigned mask)
{
	for (unsigned t = 0; t < SW_TS; t++)
		if ((mask & (1u << t)) && trw_crossed(d, e, t))
			return (int)t;
	return -1;
}

/* A response to a first contact: counted once per probed tuple. */
static __rte_always_inline void
count_response_at(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
		  const struct sw_role_info *r, const struct prep *pr,
		  const struct sw_hash *answer, bool negative, uint32_t now_s, bool keyed)
{
	struct sw_key k;
	struct sw_est e;
	unsigned fresh;
	int t;

	d->answer_s[p->af == 6] = now_s;
	if (unlikely(keyed))
		make_key(&k, SW_K_ANSWER, r->scanner, r->target, r->port, r->proto);
	fresh = sw_skf_first_beside(d->sk, &k, answer, now_s, keyed) & pr->mask;
	if (fresh == 0)
		return;
	if (!negative && p->proto == IPPROTO_TCP &&
	    (p->tcp_flags & (SW_TCP_SYN | SW_TCP_ACK)) == (SW_TCP_SYN | SW_TCP_ACK)) {
		/* The target accepted: remember what it acknowledged, so the
		 * initiator's close at exactly that sequence number reads as
		 * "aborted without sending a byte" (count_abort). */
		struct sw_hash ha;

		key_hash(d, &k, SW_K_ACKED, r->scanner, r->target, pr->ha, pr->hb, r->port,
			 r->proto, p->tcp_ack, &ha, keyed);
		sw_skf_first(d->sk, &k, &ha, now_s, keyed);
	}
	if (unlikely(keyed))
		make_key(&k, SW_K_SRC, r->scanner, NULL, 0, r->cls);
	if (!negative) {
		d->st.positives++;
		sw_skf_update(d->sk, &k, &pr->src, sw_upd(SW_F_ANSWERED, fresh), now_s, &e, NULL,
			      keyed);
		return;
	}
	d->st.negatives++;
	sw_skf_update(d->sk, &k, &pr->src, sw_upd(SW_F_FAILED, fresh), now_s, &e, NULL,
		      keyed);
	t = trw_scale(d, &e, fresh);
	if (t >= 0)
		suspect(d, w, p, r, (unsigned)t, R_TRW, SW_FP_NONE, &e, true, false);
}

static __rte_noinline void
count_response_sketch(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
		      const struct sw_role_info *r, const struct prep *pr,
		      const struct sw_hash *answer, bool negative, uint32_t now_s)
{
	count_response_at(d, w, p, r, pr, answer, negative, now_s, false);
}

static __rte_noinline void
count_response_keyed(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
		     const struct sw_role_info *r, const struct prep *pr,
		     const struct sw_hash *answer, bool negative, uint32_t now_s)
{
	count_response_at(d, w, p, r, pr, answer, negative, now_s, true);
}

static __rte_always_inline void
count_response(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	       const struct sw_role_info *r, const struct prep *pr,
	       const struct sw_hash *answer, bool negative, uint32_t now_s, bool keyed)
{
	if (keyed)
		count_response_keyed(d, w, p, r, pr, answer, negative, now_s);
	else
		count_response_sketch(d, w, p, r, pr, answer, negative, now_s);
}

/*
 * The initiator closes (RST, or FIN) a contact the target had accepted,
 * without having sent a byte: a half-open probe of an open port (nmap -sS,
 * masscan and zmap, whose kernels RST the unexpected SYN-ACK) or a connect
 * scan. A crawler or a poller sends its request first. "Without a byte"
 * is read from the sequence number: a close at exactly the number the
 * target's SYN-ACK acknowledged (RFC 793, 3.3: SYN counts one, data the
 * rest), so no data segment of any flow has to be looked up. Returns
 * whether p closes a contact the target accepted (counted or not).
 */
static bool
count_abort(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p, uint32_t now_s,
	    bool keyed)
{
	struct sw_key k;
	struct sw_hash h;
	struct sw_est e;
	struct sw_role_info r;
	unsigned answered;
	int t;
	uint64_t hs = sw_sketch_hash_addr(d->seed, &p->src);
	uint64_t ht = sw_sketch_hash_addr(d->seed, &p->dst);

	key_hash(d, &k, SW_K_ACKED, &p->src, &p->dst, hs, ht, p->dport, p->proto, p->tcp_seq,
		 &h, keyed);
	answered = sw_skf_seen(d->sk, &k, &h, now_s, keyed);
	if (answered == 0)
		return false;
	if (p->payload_len != 0)
		return true;	/* the close carries data: not an abort */
	key_hash(d, &k, SW_K_ABORT, &p->src, &p->dst, hs, ht, p->dport, p->proto, 0, &h, keyed);
	answered &= sw_skf_first(d->sk, &k, &h, now_s, keyed);
	if (answered == 0)
		return true;

	memset(&r, 0, sizeof(r));
	r.role = SW_ROLE_NEG;
	r.cls = SW_C_TCP;
	r.proto = p->proto;
	r.port = p->dport;
	r.technique = SW_T_SYN;
	r.scanner = &p->src;
	r.target = &p->dst;
	key_hash_fixed(d, &k, SW_K_SRC, &p->src, NULL, hs, 0, SW_C_TCP, &h, keyed);
	sw_skf_update(d->sk, &k, &h, sw_upd(SW_F_ABORTED, answered), now_s, &e, NULL,
		      keyed);
	t = trw_scale(d, &e, answered);
	if (t >= 0)	/* the source's own RST: masscan's stack shows in it */
		suspect(d, w, p, &r, (unsigned)t, R_TRW, sw_fp_match(p), &e, true, false);
	return true;
}

/*
 * A connection attempt (SYN) to a sensitive service of a target the source
 * has already tried within the longest window: brute force, a connection
 * storm, a scan repeated. Counted per (source, target) in
 * detect.hammering.window; every rep_step repeats one REPEAT event (at most
 * REP_EVENTS, then at doublings) says how many more, and the control
 * thread sums the workers' shares. A SYN retransmitted by a client's
 * kernel counts too: a handful per connection, far below the threshold.
 */
static void
count_repeat(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	     const struct sw_role_info *r, const struct prep *pr, uint32_t now_s)
{
	uint64_t tag = (pr->ha * 0x9e3779b97f4a7c15ULL ^ pr->hb) | 1;
	struct rep_ent *set = &d->rep[((tag >> 22) % (REP_ENTS / REP_WAYS)) * REP_WAYS];
	struct rep_ent *e = NULL;
	uint32_t k, delta;
	struct sw_event ev;

	/* the pair's entry, else the set's empty or oldest (as svc_note) */
	for (unsigned i = 0; i < REP_WAYS && e == NULL; i++)
		if (set[i].tag == tag)
			e = &set[i];
	if (e == NULL) {
		e = &set[0];
		for (unsigned i = 1; i < REP_WAYS; i++)
			if (set[i].tag == 0 || (e->tag != 0 && set[i].start_s < e->start_s))
				e = &set[i];
		e->tag = 0;
	}
	if (e->tag != tag || now_s - e->start_s >= d->rep_win_s) {
		e->tag = tag;
		e->count = 0;
		e->start_s = now_s;
	}
	e->count++;
	if (e->count % d->rep_step != 0)
		return;
	k = e->count / d->rep_step;
	if (k > REP_EVENTS && (k & (k - 1)) != 0)
		return;
	delta = d->rep_step * (k > REP_EVENTS ? k / 2 : 1);
	event_of(&ev, SW_EV_REPEAT, w, p, r);
	ev.v[0] = (uint16_t)delta;
	ev.v[1] = (uint16_t)(delta >> 16);
	emit(w, &ev);
}

/* prep_probe() of a heavy source's sampled target or port. Out of line:
 * inlined, its hashes cost every other probe of pass 2 spills. */
static __rte_noinline void
prep_heavy(struct sw_detect *d, const struct sw_role_info *r, struct prep *pr, bool keyed)
{
	struct sw_key k;

	if (pr->samp & SAMP_DST) {
		key_hash_fixed(d, &k, SW_K_SRC_DST, r->scanner, r->target, pr->ha, pr->hb, r->cls,
			       &pr->pair, keyed);
		sw_skf_prefetch_filter(d->sk, &pr->pair, keyed);
	}
	if (pr->samp & SAMP_PORT) {
		key_hash(d, &k, SW_K_SRC_PORT, r->scanner, NULL, pr->ha, 0, r->port, r->cls, 0,
			 &pr->port, keyed);
		sw_skf_prefetch_filter(d->sk, &pr->port, keyed);
	}
}

/*
 * Hash what a first contact will count and start loading it. A source
 * whose row-0 cell pass 1 loaded and found neither owned by it nor passed
 * by it (cm_unowned) has touched no target and no port the sketch
 * remembers: its pair and port lines are not loaded (pr->defer). A heavy
 * source's targets and ports outside the sample are not hashed (samp_of()).
 */
static __rte_always_inline void
prep_probe(struct sw_detect *d, const struct sw_role_info *r, struct prep *pr, uint32_t now_s,
	   bool keyed)
{
	struct sw_key k;
	uint32_t hint;

	if (!pr->src_ready) {
		key_hash_fixed(d, &k, SW_K_SRC, r->scanner, NULL, pr->ha, 0, r->cls, &pr->src,
			       keyed);
		sw_skf_prefetch_cell(d->sk, &pr->src, keyed);
	}
	hint = d->heavy[pr->src.h1 & (HEAVY - 1)] ^ pr->src.h2;	/* 0 heavy, 1 very */
	pr->shed = false;
	if (unlikely(hint <= 1) && hint == 1 && d->samp_on[r->cls]) {
		pr->shed = true;
		pr->defer = false;
		pr->dst_hashed = false;	/* heavy: no target cell */
		pr->samp = (uint8_t)samp_of(d, r);
		if (pr->samp != 0)
			prep_heavy(d, r, pr, keyed);
		return;
	}
	pr->defer = !keyed && pr->src_ready && cm_unowned(d->sk, &pr->src, now_s);
	if (!pr->defer) {
		pair_port_hash(d, r, pr->ha, pr->hb, &pr->pair, &pr->port, keyed);
		sw_skf_prefetch_filter(d->sk, &pr->pair, keyed);
		sw_skf_prefetch_filter(d->sk, &pr->port, keyed);
	}
	pr->dst_hashed = d->dc.distributed_sources > 0 && hint > 1;
	if (pr->dst_hashed) {
		key_hash_fixed(d, &k, SW_K_DST, r->target, NULL, pr->hb, 0, r->cls, &pr->dst,
			       keyed);
		sw_skf_prefetch_target(d->sk, &pr->dst, keyed);
	}
}

static __rte_always_inline void
prep_response(struct sw_detect *d, const struct sw_role_info *r, struct prep *pr,
	      const struct sw_hash *tuple, uint32_t now_s, bool af6, bool keyed)
{
	struct sw_key k;

	sw_sketch_hash_beside(tuple, &pr->pair);
	if (!keyed && (sw_skf_seen_beside(d->sk, &k, &pr->pair, now_s, keyed) & pr->mask) ==
			      pr->mask) {
		d->answer_s[af6] = now_s;
		return;
	}
	pr->act = ACT_RESPONSE;
	key_hash_fixed(d, &k, SW_K_SRC, r->scanner, NULL, pr->ha, 0, r->cls, &pr->src, keyed);
	sw_skf_prefetch_cell(d->sk, &pr->src, keyed);
}

/*
 * A segment of an established TCP flow: ACK set, no SYN, RST or FIN, and
 * either payload (no scan technique sends data there) or the headers of no
 * scanner's ACK probe (sw_fp_match: nmap's and hping3's ACK and window
 * probes; sw_fp_ack_possible() first, from the window alone). Most of a
 * link's packets; they touch no detection state. An ACK probe from any
 * other tool is counted from the RST it draws (a RST
 * without ACK answers a segment that carried one, RFC 793 3.4), see
 * ACT_PROBE_NEG.
 */
static inline bool
tcp_ack_only(const struct sw_pkt *p)
{
	return (p->tcp_flags & (SW_TCP_ACK | SW_TCP_SYN | SW_TCP_RST | SW_TCP_FIN)) == SW_TCP_ACK;
}

/* The segment's headers settle it without the fingerprint walk. */
static inline bool
tcp_flow_settled(const struct sw_pkt *p)
{
	return (p->payload_len != 0) | !sw_fp_ack_possible(p->tcp_win);
}

static inline bool
tcp_flow(const struct sw_pkt *p)
{
	return p->proto == IPPROTO_TCP && tcp_ack_only(p) &&
	       (tcp_flow_settled(p) || sw_fp_match(p) == SW_FP_NONE);
}

/*
 * tcp_flow() for the segments the headers settle alone (payload, or a
 * window no ACK fingerprint has), without a branch: on a link where most
 * packets are established TCP and the rest come in between at random, a
 * branch on it went the wrong way about 0.6 times a packet (callgrind
 * --branch-sim, background mix), some 10 cycles each time. Built from
 * tcp_flow()'s own parts, so what it drops is always a flow.
 */
static inline unsigned
tcp_flow_sure(const struct sw_pkt *p)
{
	return ((p->flags & SW_PKT_F_L4) != 0) & (p->proto == IPPROTO_TCP) &
	       (unsigned)tcp_ack_only(p) & (unsigned)tcp_flow_settled(p);
}

/* A probe's first-contact test; on a first contact, prefetch its counting. */
static __rte_always_inline void
probe_first(struct sw_detect *d, const struct sw_role_info *r, struct prep *pr,
	    struct sw_key *k, const struct sw_hash *h, uint32_t ts, bool keyed)
{
	d->st.probes++;
	pr->mask = sw_skf_first(d->sk, k, h, ts, keyed);
	if (pr->mask) {
		pr->act = ACT_PROBE;
		prep_probe(d, r, pr, ts, keyed);
	}
}

/*
 * A RST from an ephemeral port to a well-known one is a client resetting
 * its connection to a server (a browser dropping a TLS session, a SYN
 * scanner's kernel answering the SYN-ACK of a port it probed while the
 * SYN-ACK went by on the other link), not a target answering a probe sent
 * from a service port: ACK and window scans probe from a high port. Read
 * as an answer, a busy server would look like it ACK-scans its clients.
 */
static inline bool
client_reset(const struct sw_pkt *p)
{
	return p->dport < 1024 && p->sport >= 1024;
}

/*
 * A RST without ACK answers a segment that carried one (RFC 793, 3.4). If
 * the target had accepted the contact at exactly that sequence number, it
 * is a half-open scanner's own RST to a SYN-ACK (nmap -sS, zmap: their
 * kernels send it): an abort, which count_abort() tells and counts.
 * Otherwise the segment was an ACK-bearing probe of no known flow, an ACK
 * or window scan (tcp_flow() keeps no state for bare ACKs): its first
 * contact and its failure are counted here, without the probe's headers,
 * so without a tool. Rare: no prefetch.
 */
static void
rst_bare(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	 struct sw_role_info *r, struct prep *pr, struct sw_key *tk, const struct sw_hash *th,
	 uint32_t now_s, bool keyed)
{
	struct sw_key k;
	struct sw_hash ah;

	if (count_abort(d, w, p, now_s, keyed))
		return;
	/* the RST's sender had connected to the port it resets: it drops its
	 * own connection (a client's reset after a close), answering nobody */
	key_hash(d, &k, SW_K_TUPLE, &p->src, &p->dst, pr->hb, pr->ha, p->dport, p->proto, 0,
		 &ah, keyed);
	if (sw_skf_seen(d->sk, &k, &ah, now_s, keyed))
		return;
	r->technique = SW_T_ACK;
	d->st.probes++;
	pr->mask = sw_skf_first(d->sk, tk, th, now_s, keyed);
	if (pr->mask == 0)
		return;
	pr->src_ready = false;
	prep_probe(d, r, pr, now_s, keyed);
	count_probe(d, w, p, r, pr, now_s, keyed);
	sw_sketch_hash_beside(th, &ah);
	count_response(d, w, p, r, pr, &ah, true, now_s, keyed);
}

/* The port of a MAYBE packet's reverse tuple (its source port; class ip:
 * the protocol, which is its "port"). */
static inline uint16_t
reverse_port(const struct sw_pkt *p, const struct sw_role_info *r)
{
	return r->cls == SW_C_IP ? p->proto : p->sport;
}

/*
 * Three passes over the burst, each starting the memory loads the next one
 * needs (VPP's and l3fwd's shape): 1. roles, address hashes and the tuple's
 * hash, prefetch the tuple's filter line; 2. first-contact test, hash and
 * prefetch the lines the counting will touch; 3. count, decide, raise
 * events.
 */
static __rte_always_inline void
detect_burst(struct sw_detect *d, struct sw_worker *w, struct sw_pkt *pkts, unsigned n,
	     bool keyed)
{
	uint16_t idx[SW_BURST_MAX];	/* the packets passes 2 and 3 look at */
	uint16_t cand[SW_BURST_MAX];	/* ... and those pass 1 looks at */
	unsigned m = 0, nc = 0, flows, fcs = 0;
	uint64_t probes;

	/* Most of a link is established TCP, decided from the flags. Where
	 * the last burst was mostly that, drop it without a branch per
	 * packet (tcp_flow_sure: every index is written, the count moves
	 * past the others only); in a scan flood, where almost nothing is,
	 * that costs more than the branch it saves (bench/README.md). */
	if (d->flowy) {
		for (unsigned i = 0; i < n; i++) {
			cand[nc] = (uint16_t)i;
			nc += !tcp_flow_sure(&pkts[i]);
		}
	} else {
		for (; nc < n; nc++)
			cand[nc] = (uint16_t)nc;
	}
	flows = n - nc;
	for (unsigned c = 0; c < nc; c++) {
		unsigned i = cand[c];
		struct sw_role_info *r = &d->role[i];
		struct prep *pr = &d->prep[i];

		if ((pkts[i].flags & SW_PKT_F_L4) && tcp_flow(&pkts[i])) {
			flows++;
			continue;
		}
		sw_role_inline(&pkts[i], r);
		if (r->role == SW_ROLE_NONE)
			continue;
		idx[m++] = (uint16_t)i;
		d->tsec[i] = (uint32_t)(pkts[i].ts_ns / 1000000000ULL);
		pr->ha = sw_sketch_hash_addr(d->seed, r->scanner);
		pr->hb = sw_sketch_hash_addr(d->seed, r->target);
		key_hash(d, &d->key[i], SW_K_TUPLE, r->scanner, r->target, pr->ha, pr->hb,
			 r->port, r->proto, 0, &d->hash[i], keyed);
		sw_skf_prefetch_filter(d->sk, &d->hash[i], keyed);
		/* a probe's source cell, which pass 2 reads to tell a new
		 * source (prep_probe), where probes are mostly first contacts
		 * (a scan); elsewhere (pings, polls and SYNs of known pairs)
		 * pass 2 hashes and loads it for the first contacts alone */
		pr->src_ready = r->role == SW_ROLE_PROBE && d->src_early;
		if (pr->src_ready) {
			struct sw_key sk;

			key_hash_fixed(d, &sk, SW_K_SRC, r->scanner, NULL, pr->ha, 0, r->cls,
				       &pr->src, keyed);
			sw_skf_prefetch_cell(d->sk, &pr->src, keyed);
		} else if (r->role == SW_ROLE_MAYBE) {
			/* the reverse tuple, which pass 2 tests unless the
			 * packet continues a known flow: a UDP probe, a reply */
			struct sw_key rk;

			key_hash(d, &rk, SW_K_TUPLE, &pkts[i].dst, &pkts[i].src, pr->hb, pr->ha,
				 reverse_port(&pkts[i], r), pkts[i].proto, 0, &pr->pair, keyed);
			sw_skf_prefetch_filter(d->sk, &pr->pair, keyed);
		}
	}
	d->flowy = 2 * flows >= n;

	probes = d->st.probes;
	for (unsigned j = 0; j < m; j++) {
		unsigned i = idx[j];
		struct sw_role_info *r = &d->role[i];
		const struct sw_pkt *p = &pkts[i];
		struct prep *pr = &d->prep[i];
		uint32_t ts = d->tsec[i];
		unsigned seen;

		pr->act = ACT_NONE;
		pr->repeat = 0;
		pr->mask = 0;
		switch (r->role) {
		case SW_ROLE_PROBE:
			probe_first(d, r, pr, &d->key[i], &d->hash[i], ts, keyed);
			/* not new at the longest scale: tried before (hammering) */
			pr->repeat = !(pr->mask & (1u << (SW_TS - 1))) &&
				     (p->tcp_flags & (SW_TCP_SYN | SW_TCP_ACK)) == SW_TCP_SYN &&
				     p->proto == IPPROTO_TCP && sw_services_has(&d->svc, r->port);
			break;
		case SW_ROLE_MAYBE: {
			struct sw_key rk;

			if (sw_skf_refresh(d->sk, &d->key[i], &d->hash[i], ts, keyed)) {
				if (p->proto == IPPROTO_TCP &&
				    (p->tcp_flags & (SW_TCP_RST | SW_TCP_FIN)))
					pr->act = ACT_INITIATOR;
				break;	/* a known flow continues */
			}
			/* the other direction: a reply (UDP) or the far side of a flow,
			 * hashed (pr->pair) and prefetched in pass 1 */
			if (unlikely(keyed))
				make_key(&rk, SW_K_TUPLE, &p->dst, &p->src, reverse_port(p, r),
					 p->proto);
			seen = sw_skf_refresh(d->sk, &rk, &pr->pair, ts, keyed);
			if (seen) {
				/* TCP: the target's side of an accepted flow, whose
				 * SYN-ACK was the answer; nothing more to count */
				if (p->proto == IPPROTO_TCP)
					break;
				role_answer(p, r, SW_ROLE_POS, reverse_port(p, r));
				RTE_SWAP(pr->ha, pr->hb);
				pr->mask = seen;
				prep_response(d, r, pr, &pr->pair, ts, p->af == 6, keyed);
				break;
			}
			r->role = SW_ROLE_PROBE;
			probe_first(d, r, pr, &d->key[i], &d->hash[i], ts, keyed);
			break;
		}
		case SW_ROLE_NEG:
		case SW_ROLE_POS:
			pr->mask = sw_skf_seen(d->sk, &d->key[i], &d->hash[i], ts, keyed);
			if (pr->mask) {
				prep_response(d, r, pr, &d->hash[i], ts, p->af == 6, keyed);
			} else if (p->proto == IPPROTO_TCP && r->role == SW_ROLE_NEG &&
				   (p->tcp_flags & (SW_TCP_RST | SW_TCP_ACK)) == SW_TCP_RST &&
				   !client_reset(p)) {
				/* no ACK: the answer to an ACK-bearing segment, which
				 * pass 3 tells apart (after this burst's SYN-ACKs) */
				pr->act = ACT_RST_BARE;
			} else if (p->proto == IPPROTO_TCP && (p->tcp_flags & SW_TCP_RST)) {
				/* not the target's answer: maybe the initiator's abort */
				pr->act = ACT_ABORT;
			}
			break;
		default:
			break;
		}
		fcs += pr->act == ACT_PROBE;
	}
	d->src_early = 2 * fcs >= d->st.probes - probes;

	/* pass 3, in packet order: a SYN-ACK is counted before the RST that
	 * aborts it, even when both arrive in one burst */
	for (unsigned j = 0; j < m; j++) {
		unsigned i = idx[j];
		const struct prep *pr = &d->prep[i];
		const struct sw_role_info *r = &d->role[i];
		const struct sw_pkt *p = &pkts[i];
		uint32_t ts = d->tsec[i];

		switch (pr->act) {
		case ACT_PROBE:
			count_probe(d, w, p, r, pr, ts, keyed);
			break;
		case ACT_RESPONSE:
			count_response(d, w, p, r, pr, &pr->pair, r->role == SW_ROLE_NEG, ts,
				       keyed);
			break;
		case ACT_RST_BARE:
			rst_bare(d, w, p, &d->role[i], &d->prep[i], &d->key[i], &d->hash[i], ts,
				 keyed);
			break;
		case ACT_ABORT:
		case ACT_INITIATOR:
			count_abort(d, w, p, ts, keyed);
			break;
		default:
			break;
		}
		if (unlikely(pr->repeat))
			count_repeat(d, w, p, r, pr, ts);
	}
}

/*
 * Two copies of the burst: the exact twin's (detect.mode: exact, the
 * tests' reference) builds every key; the sketch's is compiled with keyed
 * false, so none of the exact twin's tests (about 17 per first contact,
 * 66 instructions a packet on the scan mix, bench/instr.sh) remain in it.
 */
void
sw_detect_burst(struct sw_detect *d, struct sw_worker *w, struct sw_pkt *pkts, unsigned n)
{
	if (unlikely(d->keyed))
		detect_burst(d, w, pkts, n, true);
	else
		detect_burst(d, w, pkts, n, false);
}

/*
 * The first contacts whose detect.trw.timeout has passed without an
 * answer (the answer key of count_response() never marked) are failures
 * of their source: its cell counts them as refused ones and the
 * sequential test runs on it. Only while answers of the address family
 * are seen at all: a tap that carries one direction makes every contact
 * look unanswered. The suspect is dated when the timeout ran out.
 */
static void
expire_pending(struct sw_detect *d, struct sw_worker *w, uint64_t now_ns)
{
	uint32_t now_s = (uint32_t)(now_ns / 1000000000ULL);
	bool keyed = d->keyed;

	for (unsigned n = 0; n < PEND_EXPIRE && d->pend_tail != d->pend_head; n++) {
		const struct pend_ent *pe = &d->pend[d->pend_tail & (PEND - 1)];
		uint64_t ha, hb, due = pe->ts_ns + d->timeout_ns;
		struct sw_role_info r;
		struct sw_pkt p;
		struct sw_key k;
		struct sw_hash h;
		struct sw_est e;
		int t;

		if (due > now_ns)
			break;
		d->pend_tail++;
		if (now_s - d->answer_s[pe->v6] > ANSWERED_RECENTLY_S) {
			d->st.timeouts_one_way++;
			continue;
		}
		ha = sw_sketch_hash_addr(d->seed, &pe->src);
		hb = sw_sketch_hash_addr(d->seed, &pe->dst);
		key_hash(d, &k, SW_K_TUPLE, &pe->src, &pe->dst, ha, hb, pe->port, pe->proto, 0, &h,
			 keyed);
		/* the answer key, beside its tuple's (prep_response()) */
		sw_sketch_hash_beside(&h, &h);
		if (unlikely(keyed))
			make_key(&k, SW_K_ANSWER, &pe->src, &pe->dst, pe->port, pe->proto);
		if (sw_skf_seen(d->sk, &k, &h, now_s, keyed) != 0)
			continue;
		d->st.timeouts++;
		key_hash_fixed(d, &k, SW_K_SRC, &pe->src, NULL, ha, 0, pe->cls, &h, keyed);
		sw_skf_update(d->sk, &k, &h, sw_upd(SW_F_FAILED, pe->mask), now_s, &e, NULL,
			      keyed);
		memset(&r, 0, sizeof(r));
		r.role = SW_ROLE_PROBE;
		r.cls = pe->cls;
		r.technique = pe->technique;
		r.proto = pe->proto;
		r.port = pe->port;
		r.scanner = &pe->src;
		r.target = &pe->dst;
		memset(&p, 0, sizeof(p));
		p.ts_ns = due;
		p.flags = pe->flags ? SW_PKT_F_REASM : 0;
		t = trw_scale(d, &e, pe->mask);
		if (t >= 0)
			suspect(d, w, &p, &r, (unsigned)t, R_TRW | R_TIMEOUT, SW_FP_NONE, &e, true,
				false);
	}
}

void
sw_detect_tick(struct sw_detect *d, struct sw_worker *w)
{
	sw_sketch_scrub(d->sk, (uint32_t)(w->last_ts_ns / 1000000000ULL));
	if (d->pend_tail != d->pend_head)
		expire_pending(d, w, w->last_ts_ns);
}
