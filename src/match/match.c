/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker side of payload matching: per burst, the packets that carry
 * payload (collected while parsing) are looked up in the port map of the
 * current database and scanned by their group's database only, first
 * rules.max-bytes bytes, with this worker's own scratch. No locks, no
 * allocation, no system calls: the database pointer is read once per burst
 * under RCU (the worker reports a quiescent state between bursts) and each
 * match is one fixed-size record on the worker's own match ring.
 */

#include <netinet/in.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "match/match_int.h"

#define NSEC		1000000000ULL
#define MAX_PER_PKT	4	/* matches reported per packet: bounds the work
				 * a hostile payload can cause */

struct scan_ctx {
	struct sw_worker *w;
	const struct sw_match_db *db;
	const struct sw_match_group *grp;
	const struct sw_pkt *p;
	const uint8_t *data;		/* payload start */
	uint32_t len;			/* bytes of payload in the frame */
	unsigned nmatch;
};

static inline struct sw_match_dedup *
dedup_slot(struct sw_worker *w, const struct sw_addr *src, uint32_t sid)
{
	uint32_t h = (src->w[3] ^ src->w[1] ^ sid) * 0x9e3779b1u;

	return &w->mdedup[h >> (32 - SW_MATCH_DEDUP_LOG2)];
}

static int
on_match(unsigned int id, unsigned long long from, unsigned long long to,
	 unsigned int flags, void *arg)
{
	struct scan_ctx *c = arg;
	struct sw_worker *w = c->w;
	const struct sw_pkt *p = c->p;
	uint32_t rule = c->grp->ids[id];
	uint32_t sid = c->db->sid[rule];
	struct sw_match_dedup *d = dedup_slot(w, &p->src, sid);
	struct sw_match_event ev;
	uint32_t start, n;

	(void)from;
	(void)flags;
	w->mst.matches++;
	/* A scanner repeats its probe to every target: the control thread
	 * alerts once per (source, sid) anyway, so one record a second is
	 * plenty and a flood cannot fill the ring. */
	if (d->sid == sid && memcmp(&d->src, &p->src, sizeof(p->src)) == 0 &&
	    p->ts_ns - d->ts_ns < NSEC) {
		w->mst.dedup++;
		return ++c->nmatch >= MAX_PER_PKT;
	}
	d->sid = sid;
	d->src = p->src;
	d->ts_ns = p->ts_ns;

	/* The excerpt shows the match with some context before it. */
	start = to > SW_MATCH_EXCERPT * 3 / 4 ? (uint32_t)to - SW_MATCH_EXCERPT * 3 / 4 : 0;
	n = RTE_MIN((uint32_t)SW_MATCH_EXCERPT, c->len - start);
	ev.ts_ns = p->ts_ns;
	ev.src = p->src;
	ev.dst = p->dst;
	ev.sport = p->sport;
	ev.dport = p->dport;
	ev.gen = c->db->gen;
	ev.rule = rule;
	ev.match_end = (uint16_t)to;
	ev.excerpt_off = (uint16_t)start;
	ev.payload_len = p->payload_len;
	ev.excerpt_len = (uint16_t)n;
	ev.proto = p->proto;
	ev.worker = (uint8_t)w->id;
	ev.ev_seq = (uint32_t)w->st.events;	/* this burst's events went first */
	memset(ev.pad, 0, sizeof(ev.pad));
	memcpy(ev.excerpt, c->data + start, n);
	if (unlikely(rte_ring_sp_enqueue_elem(w->mring, &ev, sizeof(ev)) != 0))
		w->mst.ring_drops++;
	return ++c->nmatch >= MAX_PER_PKT;
}

void
sw_match_burst(struct sw_worker *w, struct rte_mbuf *const *pkts, const struct sw_pkt *meta,
	       const struct sw_match_cand *cand, unsigned n)
{
	const struct sw_match_db *db = __atomic_load_n(&w->matcher->cur, __ATOMIC_ACQUIRE);
	hs_scratch_t *scratch;
	struct scan_ctx c;

	if (unlikely(db == NULL))
		return;
	scratch = db->scratch[w->id];
	c.w = w;
	c.db = db;
	for (unsigned k = 0; k < n; k++) {
		const struct sw_pkt *p = &meta[cand[k].meta];
		hs_error_t rc;
		uint8_t g;
		uint32_t len;

		if (p->proto == IPPROTO_TCP)
			g = db->tcp[p->dport];
		else if (p->proto == IPPROTO_UDP)
			g = db->udp[p->dport];
		else
			g = db->other;
		if (g == 0)
			continue;
		c.grp = &db->group[g - 1];
		len = RTE_MIN((uint32_t)p->payload_len, db->max_bytes);
		if (!sw_match_len_ok(c.grp, len)) {
			w->mst.short_skips++;
			continue;
		}
		c.p = p;
		c.data = rte_pktmbuf_mtod(pkts[cand[k].pkt], const uint8_t *) + p->payload_off;
		c.len = len;
		c.nmatch = 0;
		w->mst.scanned++;
		w->mst.bytes += len;
		rc = hs_scan(c.grp->hs, (const char *)c.data, len, 0, scratch, on_match, &c);
		if (unlikely(rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED))
			w->mst.scan_errors++;
	}
}

void
sw_match_worker_online(struct sw_worker *w)
{
	rte_rcu_qsbr_thread_register(w->matcher->qs, w->id);
	rte_rcu_qsbr_thread_online(w->matcher->qs, w->id);
}

void
sw_match_worker_quiescent(struct sw_worker *w)
{
	/* one load and one store: cheap enough for every loop iteration */
	rte_rcu_qsbr_quiescent(w->matcher->qs, w->id);
}

void
sw_match_worker_offline(struct sw_worker *w)
{
	rte_rcu_qsbr_thread_offline(w->matcher->qs, w->id);
	rte_rcu_qsbr_thread_unregister(w->matcher->qs, w->id);
}
