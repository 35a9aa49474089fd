/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Correlation across sources. Decoys: several sources portscanning one
 * target together with the same ports (nmap -D). Distributed: many sources
 * each probing a few ports of one target, a portscan together.
 */

#include <string.h>

#include <rte_common.h>

#include "detect/decide_int.h"

/* The watched target dst, direct mapped: a new target takes the slot of
 * the one there (create), a lookup without create may find nothing. */
static struct tgt *
tgt_get(struct sw_decide *dec, const struct sw_addr *dst, uint8_t cls, bool create)
{
	struct tgt *t = &dec->tgts[sw_decide_addr_hash(dst, cls) % MAX_TARGETS];

	if (t->used && t->cls == cls && memcmp(&t->dst, dst, sizeof(*dst)) == 0)
		return t;
	if (!create)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->used = true;
	t->cls = cls;
	t->dst = *dst;
	return t;
}

static struct tgt_src *
tgt_src(struct tgt *t, const struct sw_addr *src, uint64_t ts)
{
	for (unsigned i = 0; i < t->nsrc; i++)
		if (memcmp(&t->s[i].src, src, sizeof(*src)) == 0)
			return &t->s[i];
	if (t->nsrc == TGT_SRCS)
		return NULL;
	memset(&t->s[t->nsrc], 0, sizeof(t->s[0]));
	t->s[t->nsrc].src = *src;
	t->s[t->nsrc].ts_ns = ts;
	return &t->s[t->nsrc++];
}

void
sw_decide_check_decoy(struct sw_decide *dec, struct rec *r, const struct pend *p)
{
	struct tgt *t = tgt_get(dec, &p->dst, r->cls, true);
	struct tgt_src *ts = tgt_src(t, &r->src, p->ts_ns);
	unsigned n = 0;

	if (ts == NULL)
		return;
	ts->kind_seen = 1;
	ts->ts_ns = p->ts_ns;
	for (unsigned i = 0; i < t->nsrc; i++)
		n += t->s[i].kind_seen && t->s[i].ts_ns + DECOY_NS >= p->ts_ns;
	if (n < dec->c->decoy_sources)
		return;
	/* Every recent portscanner of this target is one scan with decoys:
	 * their held portscan alerts become decoy alerts. */
	for (unsigned i = 0; i < t->nsrc; i++) {
		struct rec *o;

		if (!t->s[i].kind_seen || t->s[i].ts_ns + DECOY_NS < p->ts_ns)
			continue;
		o = sw_decide_rec_get(dec, &t->s[i].src, r->cls, p->ts_ns);
		if (o == NULL)
			continue;
		if (o->k[K_PORTSCAN].pending) {
			struct pend dp = o->k[K_PORTSCAN].pend;

			o->k[K_PORTSCAN].pending = false;
			dec->npending--;
			dp.sources = n;
			sw_decide_propose(dec, o, K_DECOY, &dp);
		} else if (o->k[K_DECOY].last_alert_ns == 0 && o->k[K_PORTSCAN].last_alert_ns == 0) {
			struct pend dp = *p;

			dp.sources = n;
			sw_decide_propose(dec, o, K_DECOY, &dp);
		}
	}
}

/* Distributed: a target hit by many sources, each with few ports, whose
 * ports together make a portscan. */
void
sw_decide_hot_contact(struct sw_decide *dec, const struct sw_event *ev, bool start)
{
	uint8_t cls = ev->cls;
	const struct sw_conf_timescale *th = &dec->c->ts[0];
	struct tgt *t;
	struct tgt_src *s;
	unsigned union_ports = 0, max_ports = 0, srcs = 0;
	uint16_t seen[TGT_SRCS * TGT_PORTS];

	if (cls >= SW_C__MAX)
		return;
	t = tgt_get(dec, &ev->dst, cls, start);
	if (t == NULL)
		return;
	if (start)
		t->hot_until_ns = ev->ts_ns + (uint64_t)th->window_s * NSEC;
	s = tgt_src(t, &ev->src, ev->ts_ns);
	if (s != NULL && s->nports < TGT_PORTS) {
		bool have = false;

		for (unsigned i = 0; i < s->nports; i++)
			have |= s->ports[i] == ev->dport;
		if (!have)
			s->ports[s->nports++] = ev->dport;
	}
	for (unsigned i = 0; i < t->nsrc; i++) {
		if (t->s[i].nports == 0)
			continue;
		srcs++;
		max_ports = RTE_MAX(max_ports, t->s[i].nports);
		for (unsigned p = 0; p < t->s[i].nports; p++) {
			bool have = false;

			for (unsigned q = 0; q < union_ports; q++)
				have |= seen[q] == t->s[i].ports[p];
			if (!have)
				seen[union_ports++] = t->s[i].ports[p];
		}
	}
	if (srcs < dec->c->distributed_sources || union_ports < th->ports ||
	    max_ports >= th->ports)
		return;
	for (unsigned i = 0; i < t->nsrc; i++) {
		struct rec *r;
		struct sw_est e;
		struct pend p;

		if (t->s[i].nports == 0)
			continue;
		r = sw_decide_rec_get(dec, &t->s[i].src, cls, ev->ts_ns);
		if (r == NULL)
			continue;
		sw_decide_rec_sample(r, ev, &dec->svc);
		/* what this source did to the target, as the control thread
		 * saw it: deterministic, and the evidence that matters here */
		memset(&e, 0, sizeof(e));
		e.v[0][SW_F_CONTACTS] = t->s[i].nports;
		e.v[0][SW_F_PORTS] = t->s[i].nports;
		e.v[0][SW_F_TARGETS] = 1;
		memset(&p, 0, sizeof(p));
		p.ts_ns = ev->ts_ns;
		p.est = e;
		p.dst = ev->dst;
		p.dport = ev->dport;
		p.proto = ev->proto;
		p.worker = ev->worker;
		p.sources = srcs;
		p.allowlisted = sw_decide_allowlisted(dec, &t->s[i].src, ev->dport);
		sw_decide_propose(dec, r, K_DISTRIBUTED, &p);
	}
}
