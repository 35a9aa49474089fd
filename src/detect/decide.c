/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control-side decisions. A worker's SUSPECT event says "this source just
 * crossed a threshold on my share of the traffic"; here every worker's
 * counters for the source are summed (count-min sketches merge by
 * addition), the kind is named (Snort 3 port_scan numbering, gid 122),
 * alerts are held briefly so decoy and distributed scans can be recognised
 * across sources, then deduplicated per (source, kind) and handed on as
 * alert records (src/detect/decide_int.h lists the files of the stage).
 *
 * Control plane: allocation is fine here.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_hash_crc.h>

#include "detect/decide_int.h"

uint32_t
sw_decide_addr_hash(const struct sw_addr *a, uint8_t cls)
{
	return rte_hash_crc(a, sizeof(*a), 0x5eed0000u + cls);
}

/* Records: one per (source, class) in an open-addressing table --------------- */

static uint32_t
rec_hash(const void *e)
{
	const struct rec *r = e;

	return sw_decide_addr_hash(&r->src, r->cls);
}

struct rec_key {
	const struct sw_addr *src;
	uint8_t cls;
};

static bool
rec_eq(const void *e, const void *key)
{
	const struct rec *r = e;
	const struct rec_key *k = key;

	return r->cls == k->cls && memcmp(&r->src, k->src, sizeof(*k->src)) == 0;
}

/* Keep records with something pending or activity within the longest
 * window and suppression period, so a day of background scanning fits in
 * a bounded table. */
static bool
rec_keep(const void *e, void *arg)
{
	const struct rec *r = e;
	const struct sw_decide *dec = arg;
	uint64_t keep = ((uint64_t)dec->c->suppress_s + dec->c->ts[SW_TS - 1].window_s) * NSEC;
	bool pending = false;

	for (unsigned k = 0; k < K__MAX; k++)
		pending |= r->k[k].pending;
	return pending || r->last_ns + keep >= dec->clock_ns;
}

struct rec *
sw_decide_rec_get(struct sw_decide *dec, const struct sw_addr *src, uint8_t cls, uint64_t ts)
{
	struct rec_key key = { src, cls };
	struct rec *r;
	uint32_t empty;

	if (sw_otab_busy(&dec->recs))
		sw_otab_purge(&dec->recs, rec_keep, dec);
	if (sw_otab_busy(&dec->recs))
		return NULL;	/* every record is busy: counted by the caller */
	r = sw_otab_find(&dec->recs, sw_decide_addr_hash(src, cls), rec_eq, &key, &empty);
	if (r != NULL)
		return r;
	r = sw_otab_take(&dec->recs, empty);
	r->src = *src;
	r->cls = cls;
	r->first_ns = ts;
	return r;
}

void
sw_decide_rec_sample(struct rec *r, const struct sw_event *ev, const struct sw_services *svc)
{
	bool have = false;

	if (ev->ts_ns < r->first_ns || r->first_ns == 0)
		r->first_ns = ev->ts_ns;
	if (ev->ts_ns > r->last_ns)
		r->last_ns = ev->ts_ns;
	if (ev->tool < SW_TOOL__MAX && ev->tool != SW_TOOL_UNKNOWN) {
		if (r->tool_votes[ev->tool] < 255)
			r->tool_votes[ev->tool]++;
		if (ev->fp < SW_FP__MAX && sw_fp_tool[ev->fp] == ev->tool)
			r->tool_fp[ev->tool] = ev->fp;
	}
	if (ev->technique != SW_T_NONE)
		r->technique = ev->technique;
	r->fragmented |= (ev->flags & SW_EVF_FRAG) != 0;
	r->sampled |= (ev->flags & SW_EVF_SAMPLED) != 0;
	for (unsigned i = 0; i < r->ntargets; i++)
		have |= memcmp(&r->targets[i], &ev->dst, sizeof(ev->dst)) == 0;
	if (!have && r->ntargets < RTE_DIM(r->targets))
		r->targets[r->ntargets++] = ev->dst;
	have = false;
	for (unsigned i = 0; i < r->nports; i++)
		have |= r->ports[i] == ev->dport;
	if (svc != NULL && (r->cls == SW_C_TCP || r->cls == SW_C_UDP || r->cls == SW_C_SCTP))
		r->services |= sw_services_bit(svc, ev->dport);
	if (!have && r->nports < RTE_DIM(r->ports))
		r->ports[r->nports++] = ev->dport;
}

/* Merge: the sum over workers of each worker's estimate, except the one
 * whose event carries its own counters (skip; UINT_MAX for none). */
static void
global_est(const struct sw_decide *dec, const struct sw_addr *src, uint8_t cls,
	   uint32_t now_s, unsigned skip, struct sw_est *sum)
{
	struct sw_key k;

	memset(sum, 0, sizeof(*sum));
	if (dec->env.est == NULL)
		return;
	memset(&k, 0, sizeof(k));
	k.a = *src;
	k.proto = cls;
	k.kind = SW_K_SRC;
	dec->env.est(dec->env.arg, &k, now_s, skip, sum);
}

static void
on_suspect(struct sw_decide *dec, const struct sw_event *ev)
{
	uint8_t cls = ev->cls;
	uint32_t now_s = (uint32_t)(ev->ts_ns / NSEC);
	struct rec *r;
	struct sw_est e;
	struct pend p;
	bool filtered;
	unsigned t;
	int k;

	if (cls >= SW_C__MAX || ev->timescale >= SW_TS)
		return;
	r = sw_decide_rec_get(dec, &ev->src, cls, ev->ts_ns);
	if (r == NULL) {
		dec->st.dropped++;
		return;
	}
	sw_decide_rec_sample(r, ev, &dec->svc);
	/* The producer's counters as of the deciding packet, plus what the
	 * other workers hold now: with one worker (offline) the decision
	 * depends on the packets alone, never on thread timing. */
	t = ev->timescale;
	if ((ev->reason & SW_SUSPECT_TIMEOUT) && ev->v[SW_F_ANSWERED] == 0)
		r->unanswered = true;
	global_est(dec, &ev->src, cls, now_s, ev->worker, &e);
	for (unsigned f = 0; f < SW_F__MAX; f++)
		e.v[t][f] += ev->v[f];
	k = sw_decide_kind(dec->c, dec->trw_n, cls, t, e.v[t], &filtered);
	if (k < 0)
		return;
	memset(&p, 0, sizeof(p));
	p.ts_ns = ev->ts_ns;
	p.t = (uint8_t)t;
	p.est = e;
	p.dst = ev->dst;
	p.dport = ev->dport;
	p.proto = ev->proto;
	p.worker = ev->worker;
	p.trw = (ev->reason & SW_SUSPECT_TRW) && e.v[t][SW_F_PORTS] < dec->c->ts[t].ports &&
		e.v[t][SW_F_TARGETS] < dec->c->ts[t].targets;
	p.allowlisted = sw_decide_allowlisted(dec, &ev->src, ev->dport);
	k = sw_decide_slow_or(r, (enum sw_kind)k, t, ev->ts_ns, sw_decide_suppress_ns(dec));
	sw_decide_propose(dec, r, (enum sw_kind)k, &p);
	if (k == K_PORTSCAN && dec->c->decoy_sources > 1)
		sw_decide_check_decoy(dec, r, &p);
}

/*
 * A worker counted more connection attempts of ev->src to sensitive
 * services of ev->dst within detect.hammering.window: sum the workers'
 * shares per (source, target); at detect.hammering.repeats it is
 * hammering. One target is followed per source and window (the first to
 * be hammered); another's count starts when that window is over.
 */
static void
on_repeat(struct sw_decide *dec, const struct sw_event *ev)
{
	uint64_t win = (uint64_t)dec->c->hammer_window_s * NSEC;
	struct rec *r;
	struct pend p;

	if (ev->cls != SW_C_TCP)
		return;
	r = sw_decide_rec_get(dec, &ev->src, ev->cls, ev->ts_ns);
	if (r == NULL) {
		dec->st.dropped++;
		return;
	}
	if (r->ham.start_ns == 0 || ev->ts_ns >= r->ham.start_ns + win) {
		r->ham.dst = ev->dst;
		r->ham.start_ns = ev->ts_ns;
		r->ham.repeats = 0;
	} else if (memcmp(&r->ham.dst, &ev->dst, sizeof(ev->dst)) != 0) {
		return;
	}
	r->ham.port = ev->dport;
	r->ham.repeats += (uint32_t)ev->v[0] | (uint32_t)ev->v[1] << 16;
	r->services |= sw_services_bit(&dec->svc, ev->dport);
	if (ev->ts_ns > r->last_ns)
		r->last_ns = ev->ts_ns;
	if (r->first_ns == 0 || r->ham.start_ns < r->first_ns)
		r->first_ns = r->ham.start_ns;
	if (r->ham.repeats < dec->c->hammer_repeats)
		return;
	memset(&p, 0, sizeof(p));
	p.ts_ns = ev->ts_ns;
	p.t = 0;
	/* the counts of this kind: one target, its repeats */
	p.est.v[0][SW_F_CONTACTS] = r->ham.repeats;
	p.est.v[0][SW_F_TARGETS] = 1;
	p.est.v[0][SW_F_PORTS] = 1;
	p.dst = ev->dst;
	p.dport = ev->dport;
	p.proto = ev->proto;
	p.worker = ev->worker;
	p.allowlisted = sw_decide_allowlisted(dec, &ev->src, ev->dport);
	sw_decide_propose(dec, r, K_HAMMER, &p);
}

void
sw_decide_event(struct sw_decide *dec, const struct sw_event *ev)
{
	bool due = false;

	if (ev->ts_ns > dec->clock_ns) {
		/* held alerts are looked at once per second of packet time */
		due = ev->ts_ns / NSEC != dec->clock_ns / NSEC;
		dec->clock_ns = ev->ts_ns;
	}
	switch (ev->type) {
	case SW_EV_CONTACT: {
		struct rec *r = sw_decide_rec_get(dec, &ev->src, ev->cls, ev->ts_ns);

		if (ev->cls < SW_C__MAX && r != NULL)
			sw_decide_rec_sample(r, ev, &dec->svc);
		break;
	}
	case SW_EV_SERVICES: {
		struct rec *r = sw_decide_rec_get(dec, &ev->src, ev->cls, ev->ts_ns);

		if (ev->cls < SW_C__MAX && r != NULL)
			r->services |= (uint32_t)ev->v[0] | (uint32_t)ev->v[1] << 16;
		break;
	}
	case SW_EV_REPEAT:
		on_repeat(dec, ev);
		break;
	case SW_EV_SUSPECT:
		on_suspect(dec, ev);
		break;
	case SW_EV_TARGET:
		sw_decide_hot_contact(dec, ev, true);
		break;
	case SW_EV_HOT_CONTACT:
		sw_decide_hot_contact(dec, ev, false);
		break;
	default:
		break;
	}
	if (due)
		sw_decide_flush_due(dec, false);
}

void
sw_decide_tick(struct sw_decide *dec)
{
	if (!dec->env.offline) {
		struct timespec now;

		/* live: time moves on even when no event arrives */
		clock_gettime(CLOCK_REALTIME, &now);
		dec->clock_ns = RTE_MAX(dec->clock_ns,
					(uint64_t)now.tv_sec * NSEC + (uint64_t)now.tv_nsec);
		if (dec->clock_ns < dec->last_tick_ns + NSEC / 10)
			return;
		dec->last_tick_ns = dec->clock_ns;
		sw_decide_flush_due(dec, false);
	}
}

void
sw_decide_finish(struct sw_decide *dec)
{
	sw_decide_flush_due(dec, true);
}

struct sw_decide *
sw_decide_create(const struct sw_conf *c, const struct sw_decide_env *env,
		 char *err, size_t errlen)
{
	struct sw_decide *dec = calloc(1, sizeof(*dec));

	if (dec == NULL)
		goto nomem;
	dec->c = c;
	dec->env = *env;
	dec->trw_n = sw_trw_failures(c->trw_theta0, c->trw_theta1, c->trw_alpha, c->trw_beta);
	dec->tgts = calloc(MAX_TARGETS, sizeof(*dec->tgts));
	if (dec->tgts == NULL || sw_otab_init(&dec->recs, MAX_RECS, sizeof(struct rec), rec_hash) ||
	    sw_decide_pay_init(dec) != 0)
		goto nomem;
	if (sw_services_init(&dec->svc, &c->services, err, errlen) != 0 ||
	    sw_decide_allow_init(dec, err, errlen) != 0) {
		sw_decide_free(dec);
		return NULL;
	}
	return dec;
nomem:
	snprintf(err, errlen, "out of memory for the decision tables");
	sw_decide_free(dec);
	return NULL;
}

void
sw_decide_free(struct sw_decide *dec)
{
	if (dec == NULL)
		return;
	sw_otab_fini(&dec->recs);
	free(dec->tgts);
	sw_otab_fini(&dec->pays);
	free(dec);
}

const struct sw_decide_stats *
sw_decide_stats(const struct sw_decide *dec)
{
	return &dec->st;
}
