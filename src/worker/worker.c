/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore loop. One worker per RX queue index; it owns its
 * struct sw_worker and the detection state hanging off it. No locks, no
 * allocation, no system calls: the only shared writes are the events it
 * enqueues on its own SPSC ring.
 */

#include <string.h>
#include <time.h>

#include <rte_branch_prediction.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include <scanwatch/worker.h>
#include <scanwatch/detect.h>
#include <scanwatch/evidence.h>
#include <scanwatch/event.h>
#include <scanwatch/sketch.h>
#include <scanwatch/match.h>

#define SW_PREFETCH	4	/* packets ahead: enough to hide one DRAM miss */
#define SW_EOF_POLLS	8	/* offline: empty polls in a row that mean EOF */

volatile bool sw_quit;

void
sw_clock_init(struct sw_clock *c)
{
	struct timespec now;

	c->ts_dynfield = -1;
	c->ts_dynflag = 0;
	/* Registered by the pcap PMD when RTE_ETH_RX_OFFLOAD_TIMESTAMP is on. */
	if (rte_mbuf_dyn_rx_timestamp_register(&c->ts_dynfield, NULL) == 0) {
		int bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);

		if (bit >= 0)
			c->ts_dynflag = 1ULL << bit;
	} else {
		c->ts_dynfield = -1;
	}
	c->tsc_hz = rte_get_tsc_hz();
	clock_gettime(CLOCK_REALTIME, &now);
	c->tsc0 = rte_rdtsc();
	c->wall0_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
}

/* Live packets share one reading of the TSC per burst: at 15 Mpps the
 * difference between packets of a burst is below a microsecond. */
static inline uint64_t
clock_now_ns(const struct sw_clock *c)
{
	uint64_t d = rte_rdtsc() - c->tsc0;

	return c->wall0_ns + (d / c->tsc_hz) * 1000000000ULL +
	       (d % c->tsc_hz) * 1000000000ULL / c->tsc_hz;
}

static inline uint64_t
pkt_time_ns(const struct sw_worker *w, const struct rte_mbuf *m, uint64_t now)
{
	/* The pcap PMD stores microseconds since the epoch (tv_sec * 10^6
	 * + tv_usec, drivers/net/pcap/pcap_ethdev.c). */
	if (w->offline && (m->ol_flags & w->clock.ts_dynflag))
		return *RTE_MBUF_DYNFIELD(m, w->clock.ts_dynfield, const uint64_t *) * 1000;
	return now;
}

unsigned
sw_worker_burst(struct sw_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t now = w->offline ? w->last_ts_ns : clock_now_ns(&w->clock);
	uint64_t bytes = 0;
	unsigned ok = 0, ip = 0, nc = 0;
	bool match = w->matcher != NULL;
	/* read once: sw_parse() writes through a pointer into *w, so the
	 * compiler would load these again for every packet */
	const uint8_t link = w->link;
	struct sw_evid_worker *const evid = w->evid;
	struct sw_pkt *const meta = w->meta;
	uint16_t i;

	/* pass 1: parse; prefetch the frames a few packets ahead */
	for (i = 0; i < n && i < SW_PREFETCH; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct sw_pkt *p = &meta[ok];
		enum sw_perr e;

		if (i + SW_PREFETCH < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + SW_PREFETCH], void *));
		bytes += m->pkt_len;
		/* Headers live in the first segment; jumbo chains keep their
		 * payload beyond it, which only the payload matcher reads. */
		e = likely(link == SW_LINK_ETH) ?
		    sw_parse(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, p) :
		    sw_parse_link(link, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len, p);
		/* fragments, errors and broken tunnels apart: one test */
		if (unlikely(e != SW_PERR_OK ||
			     (p->flags & (SW_PKT_F_FRAG | SW_PKT_F_TUNNEL_BAD)))) {
			/* fragments: a transport header cut across them is read
			 * whole (nmap -f); held pieces are IP packets, not
			 * parse errors */
			if ((p->flags & SW_PKT_F_FRAG) && w->frag != NULL &&
			    (sw_frag_cut(e, p) ||
			     (e == SW_PERR_OK && (p->flags & SW_PKT_F_FRAG_LATER))) &&
			    sw_frag_input(w->frag, rte_pktmbuf_mtod(m, const uint8_t *),
					  m->data_len, e, pkt_time_ns(w, m, now), p,
					  &w->st.frag) != SW_FRAG_NOT)
				e = SW_PERR_OK;
			if (e != SW_PERR_OK) {
				w->st.perr[e]++;
				continue;
			}
			/* a broken encapsulation: the outer packet goes on, counted */
			if (p->flags & SW_PKT_F_TUNNEL_BAD)
				w->st.perr[p->tunnel]++;
		}
		p->ts_ns = pkt_time_ns(w, m, now);
		p->wire_len = m->pkt_len > UINT16_MAX ? UINT16_MAX : (uint16_t)m->pkt_len;
		/* flagged sources' packets, probe headers: see bench/README.md */
		sw_evidence_pkt(evid, m, p, link);
		ip += p->af != 0;
		/* payload rules only look at packets that carry payload */
		if (match && p->payload_len != 0 && (p->flags & SW_PKT_F_L4)) {
			w->mcand[nc].pkt = i;
			w->mcand[nc].meta = (uint16_t)ok;
			nc++;
		}
		ok++;
	}
	if (n > 0 && w->offline && ok > 0)
		w->last_ts_ns = w->meta[ok - 1].ts_ns;
	else if (!w->offline)
		w->last_ts_ns = now;

	/* pass 2: roles, counting, decisions; events go to the ctl ring */
	if (w->det != NULL && ok > 0)
		sw_detect_burst(w->det, w, w->meta, ok);
	/* pass 3: payload rules, before the mbufs go back */
	if (nc > 0)
		sw_match_burst(w, pkts, w->meta, w->mcand, nc);

	w->st.pkts += n;
	w->st.bytes += bytes;
	w->st.ip += ip;
	w->st.non_ip += ok - ip;
	w->st.invalid += n - ok;
	rte_pktmbuf_free_bulk(pkts, n);
	return ok;
}

/*
 * A capture file damaged part-way: net_pcap would read on past the bad
 * record into garbage (libpcap resynchronises on whatever follows), so
 * the worker stops at the last good record, counted at start
 * (port/capfile.c). Frames beyond it are freed unread.
 */
static uint16_t
at_limit(struct sw_rxq *rq, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t left = rq->limit - rq->got;

	if (n > left) {
		rte_pktmbuf_free_bulk(pkts + left, n - (unsigned)left);
		n = (uint16_t)left;
	}
	rq->got += n;
	return n;
}

/*
 * Offline with several files (the two directions of a two-port tap): the
 * frames of all queues in capture-time order, so a probe read from one
 * file meets its answer from the other as it did on the wire. Each queue
 * keeps one burst in hand; the oldest head goes next, and a burst is
 * handed on as soon as a queue runs dry (it is refilled before any later
 * frame of another queue can pass it).
 */
/* Once per pass of a worker loop: detection's timers, and a quiescent
 * point (no reference to a rule database survives it: the control thread
 * may free the one it replaced). */
static inline void
loop_end(struct sw_worker *w)
{
	if (w->det != NULL)
		sw_detect_tick(w->det, w);
	if (w->matcher != NULL)
		sw_match_worker_quiescent(w);
	sw_evidence_quiescent(w);
}

struct mq {
	struct rte_mbuf *m[SW_BURST_MAX];
	uint16_t n, i;
	unsigned empty;
};

static inline uint64_t
head_ts(const struct sw_worker *w, const struct mq *q)
{
	return pkt_time_ns(w, q->m[q->i], 0);
}

static int
merge_main(struct sw_worker *w)
{
	struct mq q[SW_MAX_RXQ];		/* 33 KiB of the lcore's stack */
	struct rte_mbuf *out[SW_BURST_MAX];

	memset(q, 0, sizeof(q));

	while (!sw_quit) {
		unsigned live = 0, nout = 0;
		bool dry = false;

		for (unsigned k = 0; k < w->nrxq; k++) {
			struct sw_rxq *rq = &w->rxq[k];

			if (rq->eof || q[k].i < q[k].n)
				continue;
			q[k].i = 0;
			q[k].n = rte_eth_rx_burst(rq->port, rq->queue, q[k].m, w->burst);
			w->st.polls++;
			if (q[k].n == 0) {
				w->st.idle_polls++;
				if (++q[k].empty >= SW_EOF_POLLS)
					rq->eof = true;
				else
					dry = true;	/* poll again before merging past it */
				continue;
			}
			q[k].empty = 0;
			if (unlikely(rq->limit != 0)) {
				q[k].n = at_limit(rq, q[k].m, q[k].n);
				if (rq->got >= rq->limit && q[k].n == 0)
					rq->eof = true;
			}
		}
		for (unsigned k = 0; k < w->nrxq; k++)
			live += !w->rxq[k].eof || q[k].i < q[k].n;
		if (live == 0)
			break;
		if (dry)
			continue;
		/* oldest head first, until a burst is full or a queue runs dry;
		 * bursts never mix link types (the parser takes one per burst) */
		while (nout < w->burst) {
			int best = -1;

			for (unsigned k = 0; k < w->nrxq; k++) {
				if (q[k].i == q[k].n) {
					if (!w->rxq[k].eof)
						goto full;
					continue;
				}
				if (best < 0 || head_ts(w, &q[k]) < head_ts(w, &q[best]))
					best = (int)k;
			}
			if (best < 0)
				break;
			if (nout > 0 && w->rxq[best].link != w->link)
				break;
			w->link = w->rxq[best].link;
			out[nout++] = q[best].m[q[best].i++];
		}
full:
		if (nout > 0)
			sw_worker_burst(w, out, (uint16_t)nout);
		loop_end(w);
	}
	/* quit early (a signal): hand back what is still held */
	for (unsigned k = 0; k < w->nrxq; k++)
		if (q[k].i < q[k].n)
			rte_pktmbuf_free_bulk(q[k].m + q[k].i, q[k].n - q[k].i);
	return 0;
}

int
sw_worker_main(void *arg)
{
	struct sw_worker *w = arg;
	struct rte_mbuf *pkts[SW_BURST_MAX];
	unsigned empty[SW_MAX_RXQ] = { 0 };
	unsigned live = 0;

	for (unsigned q = 0; q < w->nrxq; q++)
		live += !w->rxq[q].eof;
	if (w->matcher != NULL)
		sw_match_worker_online(w);
	if (w->offline && w->nrxq > 1) {
		merge_main(w);
		live = 0;
	}
	while (!sw_quit && live > 0) {
		for (unsigned q = 0; q < w->nrxq; q++) {
			struct sw_rxq *rq = &w->rxq[q];
			uint16_t n;

			if (rq->eof)
				continue;
			n = rte_eth_rx_burst(rq->port, rq->queue, pkts, w->burst);
			w->st.polls++;
			if (n > 0) {
				empty[q] = 0;
				if (unlikely(rq->limit != 0))
					n = at_limit(rq, pkts, n);
				w->link = rq->link;
				sw_worker_burst(w, pkts, n);
				if (unlikely(rq->limit != 0 && rq->got >= rq->limit)) {
					rq->eof = true;
					live--;
				}
				continue;
			}
			w->st.idle_polls++;
			/* live: time runs on without packets (timeouts of
			 * probes, the filter's scrub); an idle poll may spend
			 * the clock read */
			if (!w->offline)
				w->last_ts_ns = clock_now_ns(&w->clock);
			/* net_pcap reads the file inside rx_burst, so an empty
			 * burst means the capture is exhausted; a few in a row
			 * rule out a transient mbuf shortage. */
			if (w->offline && ++empty[q] >= SW_EOF_POLLS) {
				rq->eof = true;
				live--;
			}
		}
		loop_end(w);
	}
	if (w->matcher != NULL)
		sw_match_worker_offline(w);
	w->done = true;
	return 0;
}

struct sw_worker *
sw_worker_create(const struct sw_conf *c, const struct sw_worker_params *p, char *err,
		 size_t errlen)
{
	/* ring names are global to the process: tests and bench make many */
	static unsigned seq;
	char name[RTE_RING_NAMESIZE];
	struct sw_worker *w;

	w = rte_zmalloc_socket("sw_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, p->socket);
	if (w == NULL) {
		snprintf(err, errlen, "cannot allocate worker %u state on socket %d: "
			 "give EAL more memory (-m)", p->id, p->socket);
		return NULL;
	}
	w->id = p->id;
	w->lcore = p->lcore;
	w->burst = p->burst;
	w->offline = p->offline;
	sw_clock_init(&w->clock);
	w->last_ts_ns = w->clock.wall0_ns;
	if (p->detect) {
		w->det = sw_detect_create(c, p->nworkers, p->socket);
		if (w->det == NULL) {
			snprintf(err, errlen, "cannot allocate worker %u detection state on "
				 "socket %d (%s): lower sketch.width/sketch.filter-bits or give "
				 "EAL more memory (-m)", p->id, p->socket, strerror(errno));
			sw_worker_free(w);
			return NULL;
		}
		w->frag = sw_frag_create(p->socket);
		if (w->frag == NULL) {
			snprintf(err, errlen, "cannot allocate worker %u fragment table on "
				 "socket %d: give EAL more memory (-m)", p->id, p->socket);
			sw_worker_free(w);
			return NULL;
		}
	}
	if (sw_evidence_on(c)) {
		w->evid = sw_evidence_worker_create(c, p->id, p->socket, err, errlen);
		if (w->evid == NULL) {
			sw_worker_free(w);
			return NULL;
		}
	}
	snprintf(name, sizeof(name), "sw_ev_%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	w->ring = rte_ring_create_elem(name, sizeof(struct sw_event), p->ring_size, p->socket,
				       RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (w->ring == NULL) {
		snprintf(err, errlen, "cannot create event ring %s of %u: %s "
			 "(events.ring-size must be a power of two; or give EAL more memory)",
			 name, p->ring_size, rte_strerror(rte_errno));
		sw_worker_free(w);
		return NULL;
	}
	return w;
}

void
sw_worker_free(struct sw_worker *w)
{
	if (w == NULL)
		return;
	rte_ring_free(w->ring);
	sw_evidence_worker_free(w->evid);
	sw_frag_free(w->frag);
	sw_detect_free(w->det);
	rte_free(w);
}
