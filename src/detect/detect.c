/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker-side detection: roles, first contacts, counting, threshold
 * crossings. Runs per burst on the worker lcore: no locks, no allocation,
 * no system calls; the only output is events on the worker's own ring.
 *
 * Per first-contact probe the work is: three filter lines (tuple, source
 * and target, source and port) and `depth` cell lines for the source, plus
 * `depth` for the target when distributed detection is on. All are
 * prefetched one pass ahead (see bench/README.md for the cycles).
 */

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <scanwatch/detect.h>
#include <scanwatch/event.h>
#include <scanwatch/worker.h>

#define HIST		256	/* recent first contacts kept for alert samples */
#define SAMPLES		8	/* contact samples sent ahead of a suspect event */
#define HOT		64	/* targets being watched for distributed scans */
#define HOT_BUDGET	256	/* contact events per hot target and window */

/* events carry the sketch's counters */
_Static_assert(SW_F__MAX <= RTE_DIM(((struct sw_event *)0)->v), "sw_event.v too short");

#define R_TARGETS	0x01
#define R_PORTS		0x02
#define R_CONTACTS	0x04
#define R_TRW		0x08

struct hist_ent {
	struct sw_addr src, dst;
	uint16_t port;
	uint8_t cls, proto, technique, tool;
	uint8_t fp;		/* enum sw_fp behind `tool` */
	uint8_t pad[3];
	uint64_t ts_ns;
};

struct hot_ent {
	struct sw_addr dst;
	uint32_t until_s;	/* watched until */
	uint32_t budget;
};

/*
 * The keys a packet's counting touches besides its tuple, hashed and
 * prefetched one pass before they are used, so the burst's cache misses
 * overlap instead of queueing one after another.
 */
enum act { ACT_NONE, ACT_PROBE, ACT_RESPONSE, ACT_ABORT, ACT_INITIATOR };

struct prep {
	uint8_t act;		/* what pass 3 does, in packet order */
	unsigned mask;		/* probe: fresh scales; response: seen scales */
	struct sw_hash pair;	/* probe: (src, dst); response: the answer key */
	struct sw_hash port;	/* probe: (src, port) */
	struct sw_hash src;	/* the source's cell */
	struct sw_hash dst;	/* probe: the target's cell */
};

struct sw_detect {
	struct sw_sketch *sk;
	struct sw_detect_conf dc;
	struct sw_detect_stats st;
	unsigned hpos;
	struct hist_ent hist[HIST];
	struct hot_ent hot[HOT];
	/* per-burst scratch, filled in passes 1 and 2 */
	struct sw_role_info role[SW_BURST_MAX];
	struct sw_key key[SW_BURST_MAX];
	struct sw_hash hash[SW_BURST_MAX];
	struct prep prep[SW_BURST_MAX];
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
	dc->distributed_sources = c->distributed_sources;
}

struct sw_detect *
sw_detect_create(const struct sw_conf *c, unsigned nworkers, int socket)
{
	struct sw_sketch_conf sc = {
		.exact = strcmp(c->sketch_mode, "exact") == 0,
		.width = c->cms_width,
		.depth = c->cms_depth,
		.filter_log2 = c->filter_bits_log2,
		.filter_capacity = c->filter_capacity,
		.socket = socket,
	};
	struct sw_detect *d;

	for (unsigned t = 0; t < SW_TS; t++)
		sc.win_s[t] = c->ts[t].window_s;
	d = rte_zmalloc_socket("sw_detect", sizeof(*d), RTE_CACHE_LINE_SIZE, socket);
	if (d == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	d->sk = sw_sketch_create(&sc);
	if (d->sk == NULL) {
		rte_free(d);
		return NULL;
	}
	sw_detect_conf_from(&d->dc, c, nworkers);
	return d;
}

void
sw_detect_free(struct sw_detect *d)
{
	if (d == NULL)
		return;
	sw_sketch_free(d->sk);
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
	k->pad = 0;
}

static inline void
emit(struct sw_worker *w, struct sw_event *ev)
{
	/* Never wait for the control thread: a full ring is a counted loss. */
	if (unlikely(rte_ring_sp_enqueue_elem(w->ring, ev, sizeof(*ev)) != 0))
		w->st.ring_drops++;
	else
		w->st.events++;
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
}

static void
emit_samples(struct sw_detect *d, struct sw_worker *w, const struct sw_addr *src,
	     uint8_t cls)
{
	unsigned sent = 0;

	/* Newest first; only at threshold crossings, so 256 compares are cheap. */
	for (unsigned i = 0; i < HIST && sent < SAMPLES; i++) {
		const struct hist_ent *h = &d->hist[(d->hpos - 1 - i) % HIST];
		struct sw_event ev;

		if (h->ts_ns == 0 || h->cls != cls || memcmp(&h->src, src, sizeof(*src)) != 0)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.type = SW_EV_CONTACT;
		ev.ts_ns = h->ts_ns;
		ev.src = h->src;
		ev.dst = h->dst;
		ev.dport = h->port;
		ev.proto = h->proto;
		ev.technique = h->technique;
		ev.worker = (uint8_t)w->id;
		ev.cls = h->cls;
		ev.tool = h->tool;
		ev.fp = h->fp;
		emit(w, &ev);
		sent++;
	}
}

static void
suspect(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	const struct sw_role_info *r, unsigned t, unsigned reason, enum sw_fp fp)
{
	struct sw_event ev;
	struct sw_key k;
	struct sw_hash h;
	struct sw_est e;

	/* the counters as of this packet travel with the event */
	make_key(&k, SW_K_SRC, r->scanner, NULL, 0, r->cls);
	sw_sketch_hash(d->sk, &k, &h);
	sw_sketch_get(d->sk, &k, &h, (uint32_t)(p->ts_ns / 1000000000ULL), &e);
	emit_samples(d, w, r->scanner, r->cls);
	event_of(&ev, SW_EV_SUSPECT, w, p, r);
	ev.timescale = (uint8_t)t;
	ev.reason = (uint8_t)reason;
	ev.tool = sw_fp_tool[fp];
	ev.fp = (uint8_t)fp;
	for (unsigned f = 0; f < SW_F__MAX; f++)
		ev.v[f] = (uint16_t)RTE_MIN(e.v[t][f], (uint32_t)UINT16_MAX);
	emit(w, &ev);
	d->st.suspects++;
}

/* A threshold is crossed when a counter reaches it, and again at each
 * doubling so the control thread can update a continuing scan. */
static inline bool
crossed(uint32_t v, uint32_t thr)
{
	if (v < thr || thr == 0)
		return false;
	if (v % thr != 0)
		return false;
	v /= thr;
	return (v & (v - 1)) == 0;
}

static struct hot_ent *
hot_find(struct sw_detect *d, const struct sw_addr *dst)
{
	return &d->hot[(dst->w[3] ^ dst->w[1]) % HOT];
}

static void
count_target(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	     const struct sw_role_info *r, unsigned fresh, unsigned new_src,
	     const struct sw_hash *hd, uint32_t now_s)
{
	struct sw_key k;
	const struct sw_hash *hp = hd;
	uint32_t contacts[SW_TS] = { 0 }, sources[SW_TS] = { 0 };
	struct hot_ent *hot = hot_find(d, r->target);

	make_key(&k, SW_K_DST, r->target, NULL, 0, r->cls);
	sw_sketch_add(d->sk, &k, hp, SW_F_CONTACTS, fresh, now_s, contacts);
	if (new_src)
		sw_sketch_add(d->sk, &k, hp, SW_F_TARGETS, new_src, now_s, sources);

	for (unsigned t = 0; t < SW_TS; t++) {
		if (!(new_src & (1u << t)) || sources[t] != d->dc.distributed_sources ||
		    contacts[t] < d->dc.ports[t])
			continue;
		/* Many sources on one target: watch it, tell the control thread. */
		struct sw_event ev;

		hot->dst = *r->target;
		hot->until_s = now_s + d->dc.win_s[t];
		hot->budget = HOT_BUDGET;
		event_of(&ev, SW_EV_TARGET, w, p, r);
		ev.timescale = (uint8_t)t;
		ev.v[SW_F_TARGETS] = (uint16_t)sources[t];
		ev.v[SW_F_CONTACTS] = (uint16_t)contacts[t];
		emit(w, &ev);
		break;
	}
	if (hot->until_s >= now_s && hot->budget > 0 &&
	    memcmp(&hot->dst, r->target, sizeof(hot->dst)) == 0) {
		struct sw_event ev;

		hot->budget--;
		event_of(&ev, SW_EV_HOT_CONTACT, w, p, r);
		ev.fp = (uint8_t)sw_fp_match(p);
		ev.tool = sw_fp_tool[ev.fp];
		emit(w, &ev);
	}
}

static void
count_probe(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	    const struct sw_role_info *r, const struct prep *pr, uint32_t now_s)
{
	struct sw_key k;
	unsigned fresh = pr->mask;
	uint32_t contacts[SW_TS] = { 0 }, targets[SW_TS] = { 0 }, ports[SW_TS] = { 0 };
	unsigned new_dst, new_port, reason;
	enum sw_fp fp = sw_fp_match(p);	/* a few compares, first contacts only */
	struct hist_ent *he;

	d->st.first_contacts++;
	make_key(&k, SW_K_SRC_DST, r->scanner, r->target, 0, r->cls);
	new_dst = sw_sketch_first(d->sk, &k, &pr->pair, now_s) & fresh;
	make_key(&k, SW_K_SRC_PORT, r->scanner, NULL, r->port, r->cls);
	new_port = sw_sketch_first(d->sk, &k, &pr->port, now_s) & fresh;

	make_key(&k, SW_K_SRC, r->scanner, NULL, 0, r->cls);
	sw_sketch_add(d->sk, &k, &pr->src, SW_F_CONTACTS, fresh, now_s, contacts);
	if (new_dst)
		sw_sketch_add(d->sk, &k, &pr->src, SW_F_TARGETS, new_dst, now_s, targets);
	if (new_port)
		sw_sketch_add(d->sk, &k, &pr->src, SW_F_PORTS, new_port, now_s, ports);

	he = &d->hist[d->hpos++ % HIST];
	he->src = *r->scanner;
	he->dst = *r->target;
	he->port = r->port;
	he->cls = r->cls;
	he->proto = r->proto;
	he->technique = r->technique;
	he->tool = sw_fp_tool[fp];
	he->fp = (uint8_t)fp;
	he->ts_ns = p->ts_ns;

	for (unsigned t = 0; t < SW_TS; t++) {
		uint32_t tthr = r->cls == SW_C_ICMP ? d->dc.icmp_targets[t] : d->dc.targets[t];
		uint32_t pthr = r->cls == SW_C_IP ? d->dc.protos[t] : d->dc.ports[t];

		if (!(fresh & (1u << t)))
			continue;
		reason = 0;
		if ((new_dst & (1u << t)) && crossed(targets[t], tthr))
			reason |= R_TARGETS;
		if ((new_port & (1u << t)) && crossed(ports[t], pthr))
			reason |= R_PORTS;
		if (crossed(contacts[t], d->dc.contacts[t]))
			reason |= R_CONTACTS;
		if (reason)
			suspect(d, w, p, r, t, reason, fp);
	}
	if (d->dc.distributed_sources > 0)
		count_target(d, w, p, r, fresh, new_dst, &pr->dst, now_s);
}

/* A response to a first contact: counted once per probed tuple. */
static void
count_response(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	       const struct sw_role_info *r, const struct prep *pr, bool negative,
	       uint32_t now_s)
{
	struct sw_key k;
	uint32_t v[SW_TS] = { 0 };
	struct sw_est e;
	unsigned fresh;

	make_key(&k, SW_K_ANSWER, r->scanner, r->target, r->port, r->proto);
	fresh = sw_sketch_first(d->sk, &k, &pr->pair, now_s) & pr->mask;
	if (fresh == 0)
		return;
	make_key(&k, SW_K_SRC, r->scanner, NULL, 0, r->cls);
	if (!negative) {
		d->st.positives++;
		sw_sketch_add(d->sk, &k, &pr->src, SW_F_ANSWERED, fresh, now_s, v);
		return;
	}
	d->st.negatives++;
	sw_sketch_add(d->sk, &k, &pr->src, SW_F_FAILED, fresh, now_s, v);
	sw_sketch_get(d->sk, &k, &pr->src, now_s, &e);
	for (unsigned t = 0; t < SW_TS; t++) {
		uint32_t ab = RTE_MIN(e.v[t][SW_F_ABORTED], e.v[t][SW_F_ANSWERED]);
		uint32_t bad = v[t] + ab, good = e.v[t][SW_F_ANSWERED] - ab;

		/* The sequential test crossed its upper bound on this failure. */
		if ((fresh & (1u << t)) && bad >= good && bad - good == d->dc.trw_failures) {
			suspect(d, w, p, r, t, R_TRW, SW_FP_NONE);
			break;	/* the shortest scale that decides is enough */
		}
	}
}

/* The initiator closes (RST, or FIN) a contact the target had accepted,
 * without having sent a byte: a half-open probe of an open port (nmap -sS,
 * masscan and zmap, whose kernels RST the unexpected SYN-ACK) or a connect
 * scan. A crawler or a poller sends its request first. */
static void
count_abort(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	    const struct sw_key *tuple, uint32_t now_s)
{
	struct sw_key k = *tuple;
	struct sw_hash h;
	uint32_t v[SW_TS] = { 0 };
	struct sw_est e;
	struct sw_role_info r;
	unsigned answered;

	k.kind = SW_K_ANSWER;
	sw_sketch_hash(d->sk, &k, &h);
	answered = sw_sketch_seen(d->sk, &k, &h, now_s);
	if (answered == 0)
		return;
	k.kind = SW_K_DATA;
	sw_sketch_hash(d->sk, &k, &h);
	answered &= ~sw_sketch_seen(d->sk, &k, &h, now_s);
	k.kind = SW_K_ABORT;
	sw_sketch_hash(d->sk, &k, &h);
	answered &= sw_sketch_first(d->sk, &k, &h, now_s);
	if (answered == 0)
		return;

	memset(&r, 0, sizeof(r));
	r.role = SW_ROLE_NEG;
	r.cls = SW_C_TCP;
	r.proto = p->proto;
	r.port = p->dport;
	r.technique = SW_T_SYN;
	r.scanner = &p->src;
	r.target = &p->dst;
	make_key(&k, SW_K_SRC, &p->src, NULL, 0, SW_C_TCP);
	sw_sketch_hash(d->sk, &k, &h);
	sw_sketch_add(d->sk, &k, &h, SW_F_ABORTED, answered, now_s, v);
	sw_sketch_get(d->sk, &k, &h, now_s, &e);
	for (unsigned t = 0; t < SW_TS; t++) {
		uint32_t ab = RTE_MIN(e.v[t][SW_F_ABORTED], e.v[t][SW_F_ANSWERED]);
		uint32_t bad = e.v[t][SW_F_FAILED] + ab, good = e.v[t][SW_F_ANSWERED] - ab;

		if ((answered & (1u << t)) && bad >= good && bad - good == d->dc.trw_failures) {
			/* the source's own RST: masscan's stack shows in it */
			suspect(d, w, p, &r, t, R_TRW, sw_fp_match(p));
			break;
		}
	}
}

static void
note_initiator(struct sw_detect *d, struct sw_worker *w, const struct sw_pkt *p,
	       const struct sw_key *tuple, uint32_t now_s)
{
	if (p->proto != IPPROTO_TCP)
		return;
	if (p->payload_len > 0) {
		struct sw_key k = *tuple;
		struct sw_hash h;

		k.kind = SW_K_DATA;
		sw_sketch_hash(d->sk, &k, &h);
		sw_sketch_first(d->sk, &k, &h, now_s);
	} else if (p->tcp_flags & (SW_TCP_RST | SW_TCP_FIN)) {
		count_abort(d, w, p, tuple, now_s);
	}
}

/* Hash what a first contact will count and start loading it. */
static void
prep_probe(struct sw_detect *d, const struct sw_role_info *r, struct prep *pr)
{
	struct sw_key k;

	make_key(&k, SW_K_SRC_DST, r->scanner, r->target, 0, r->cls);
	sw_sketch_hash(d->sk, &k, &pr->pair);
	sw_sketch_prefetch_filter(d->sk, &pr->pair);
	make_key(&k, SW_K_SRC_PORT, r->scanner, NULL, r->port, r->cls);
	sw_sketch_hash(d->sk, &k, &pr->port);
	sw_sketch_prefetch_filter(d->sk, &pr->port);
	make_key(&k, SW_K_SRC, r->scanner, NULL, 0, r->cls);
	sw_sketch_hash(d->sk, &k, &pr->src);
	sw_sketch_prefetch_cell(d->sk, &pr->src);
	if (d->dc.distributed_sources > 0) {
		make_key(&k, SW_K_DST, r->target, NULL, 0, r->cls);
		sw_sketch_hash(d->sk, &k, &pr->dst);
		sw_sketch_prefetch_cell(d->sk, &pr->dst);
	}
}

static void
prep_response(struct sw_detect *d, const struct sw_role_info *r, struct prep *pr)
{
	struct sw_key k;

	make_key(&k, SW_K_ANSWER, r->scanner, r->target, r->port, r->proto);
	sw_sketch_hash(d->sk, &k, &pr->pair);
	sw_sketch_prefetch_filter(d->sk, &pr->pair);
	make_key(&k, SW_K_SRC, r->scanner, NULL, 0, r->cls);
	sw_sketch_hash(d->sk, &k, &pr->src);
	sw_sketch_prefetch_cell(d->sk, &pr->src);
}

/*
 * Three passes over the burst, each starting the memory loads the next one
 * needs (VPP's and l3fwd's shape): 1. roles and tuple hashes, prefetch the
 * tuple's filter line; 2. first-contact test, hash and prefetch the lines
 * the counting will touch; 3. count, decide, raise events.
 */
void
sw_detect_burst(struct sw_detect *d, struct sw_worker *w, struct sw_pkt *pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct sw_role_info *r = &d->role[i];

		sw_role(&pkts[i], r);
		if (r->role == SW_ROLE_NONE)
			continue;
		make_key(&d->key[i], SW_K_TUPLE, r->scanner, r->target, r->port, r->proto);
		sw_sketch_hash(d->sk, &d->key[i], &d->hash[i]);
		sw_sketch_prefetch_filter(d->sk, &d->hash[i]);
	}

	for (unsigned i = 0; i < n; i++) {
		struct sw_role_info *r = &d->role[i];
		const struct sw_pkt *p = &pkts[i];
		struct prep *pr = &d->prep[i];
		uint32_t ts = (uint32_t)(p->ts_ns / 1000000000ULL);
		unsigned seen;

		pr->act = ACT_NONE;
		pr->mask = 0;
		switch (r->role) {
		case SW_ROLE_PROBE:
			d->st.probes++;
			pr->mask = sw_sketch_first(d->sk, &d->key[i], &d->hash[i], ts);
			if (pr->mask) {
				pr->act = ACT_PROBE;
				prep_probe(d, r, pr);
			}
			break;
		case SW_ROLE_MAYBE: {
			struct sw_key rk;
			struct sw_hash rh;

			if (sw_sketch_seen(d->sk, &d->key[i], &d->hash[i], ts)) {
				sw_sketch_first(d->sk, &d->key[i], &d->hash[i], ts);
				if (p->proto == IPPROTO_TCP)
					pr->act = ACT_INITIATOR;
				break;	/* a known flow continues */
			}
			/* the other direction: a reply (UDP) or the far side of a flow */
			make_key(&rk, SW_K_TUPLE, &p->dst, &p->src, p->sport, p->proto);
			if (r->cls == SW_C_IP)
				rk.port = p->proto;
			sw_sketch_hash(d->sk, &rk, &rh);
			seen = sw_sketch_seen(d->sk, &rk, &rh, ts);
			if (seen) {
				sw_sketch_first(d->sk, &rk, &rh, ts);
				r->role = SW_ROLE_POS;
				r->scanner = &p->dst;
				r->target = &p->src;
				r->port = rk.port;
				pr->act = ACT_RESPONSE;
				pr->mask = seen;
				prep_response(d, r, pr);
				break;
			}
			d->st.probes++;
			r->role = SW_ROLE_PROBE;
			pr->mask = sw_sketch_first(d->sk, &d->key[i], &d->hash[i], ts);
			if (pr->mask) {
				pr->act = ACT_PROBE;
				prep_probe(d, r, pr);
			}
			break;
		}
		case SW_ROLE_NEG:
		case SW_ROLE_POS:
			pr->mask = sw_sketch_seen(d->sk, &d->key[i], &d->hash[i], ts);
			if (pr->mask) {
				pr->act = ACT_RESPONSE;
				prep_response(d, r, pr);
			} else if (p->proto == IPPROTO_TCP && (p->tcp_flags & SW_TCP_RST)) {
				/* not the target's answer: maybe the initiator's
				 * abort; pass 3 sees the tuple the initiator's way */
				make_key(&d->key[i], SW_K_TUPLE, &p->src, &p->dst, p->dport,
					 p->proto);
				sw_sketch_hash(d->sk, &d->key[i], &d->hash[i]);
				if (sw_sketch_seen(d->sk, &d->key[i], &d->hash[i], ts))
					pr->act = ACT_ABORT;
			}
			break;
		default:
			break;
		}
	}

	/* pass 3, in packet order: a SYN-ACK is counted before the RST that
	 * aborts it, even when both arrive in one burst */
	for (unsigned i = 0; i < n; i++) {
		const struct prep *pr = &d->prep[i];
		const struct sw_role_info *r = &d->role[i];
		const struct sw_pkt *p = &pkts[i];
		uint32_t ts = (uint32_t)(p->ts_ns / 1000000000ULL);

		switch (pr->act) {
		case ACT_PROBE:
			count_probe(d, w, p, r, pr, ts);
			break;
		case ACT_RESPONSE:
			count_response(d, w, p, r, pr, r->role == SW_ROLE_NEG, ts);
			break;
		case ACT_ABORT:
			count_abort(d, w, p, &d->key[i], ts);
			break;
		case ACT_INITIATOR:
			note_initiator(d, w, p, &d->key[i], ts);
			break;
		default:
			break;
		}
	}
}

void
sw_detect_tick(struct sw_detect *d, struct sw_worker *w)
{
	sw_sketch_scrub(d->sk, (uint32_t)(w->last_ts_ns / 1000000000ULL));
}
