/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_EVIDENCE_H
#define SW_EVIDENCE_H

/**
 * @file
 * Evidence captures, the worker's side (src/worker/evidence.c): the
 * flagged set the control thread publishes, the per-worker history of
 * recent probe headers and the copy of a flagged source's packets to the
 * control thread, which writes them to pcap files (src/ctl/evidence.c).
 *
 * The flagged set is read without locks: the control thread builds a new
 * table and publishes its pointer; a worker adopts the newest one at its
 * quiescent point (loop_end() in src/worker/worker.c) and says which
 * generation it holds, and a replaced table is freed once every running
 * worker holds a later one (the rte_rcu_qsbr idea, with the generation
 * as the token).
 *
 * Memory is fixed at start: per worker a history of evidence.history
 * records and a ring of evidence.ring-size records to the control thread,
 * each record RTE_ALIGN(48 + evidence.snaplen, 64) bytes.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_mbuf.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <scanwatch/pkt.h>

#define SW_EVID_SNAP_MAX	2048	/* evidence.snaplen's upper bound */

/* sw_evid_rec.flags */
#define SW_EVID_F_HISTORY	0x01	/* from the history: before the source was flagged */

/** One packet's headers: a history entry and a ring element. */
struct sw_evid_rec {
	uint64_t ts_ns;		/* packet time */
	uint32_t wire_len;	/* bytes on the wire (pcap orig_len) */
	uint16_t caplen;	/* bytes in data[] (pcap incl_len) */
	uint8_t link;		/* enum sw_link of the frame */
	uint8_t flags;		/* SW_EVID_F_* */
	uint32_t gen;		/* history sent on adoption: the generation the
				 * sender held before (its sources had it sent) */
	uint32_t pad;
	struct sw_addr src, dst;
	uint8_t data[];		/* the first caplen bytes of the frame */
};

_Static_assert(sizeof(struct sw_evid_rec) == 56, "record header");

/** One slot of a flagged set; gen 0 = empty. */
struct sw_flag_slot {
	struct sw_addr a;
	uint64_t gen;		/* generation that first published a */
};

/**
 * A published flagged set: built by the control thread, read-only once
 * published. Open addressing, at most half full; `bloom` (one cache line,
 * one bit per source) answers most packets without touching the slots.
 */
struct sw_flagset {
	uint64_t bloom[8];
	uint64_t gen;		/* this table's generation, > 0 */
	uint32_t mask;		/* slots - 1 */
	uint32_t n;		/* sources in it */
	struct sw_flag_slot slot[];
} __rte_cache_aligned;

/** A worker's evidence state (sw_worker.evid). */
struct sw_evid_worker {
	/* set at create, then only read (by both sides): the control thread
	 * reads ring and stride in its drain loop, so nothing the worker
	 * writes per packet may share this line (it did: hpos beside them
	 * cost ~350 cycles a probe, the line bouncing between the cores) */
	uint8_t *hist;			/* history: hmask + 1 records of stride bytes */
	uint32_t hmask;
	uint32_t stride;		/* bytes per record */
	uint16_t snaplen;
	struct rte_ring *ring;		/* to ctl: SPSC, stride-byte elements */
	/* hot, written by the worker only */
	const struct sw_flagset *set __rte_cache_aligned; /* adopted table; NULL: empty */
	uint64_t hpos;			/* history records written */
	/* written by ctl (release), read by the worker at its quiescent point */
	struct sw_flagset *pub __rte_cache_aligned;
	/* written by the worker, read by ctl */
	uint64_t seen_gen __rte_cache_aligned;	/* generation of `set` */
	uint64_t adopt_from_ns;		/* at the last adoption, the history's oldest
					 * record's time (0: none overwritten yet) */
	uint64_t copies;		/* records put on the ring */
	uint64_t ring_drops;		/* records lost to a full ring */
	uint64_t suspects;		/* offline: detection's suspects at the last sync */
	uint64_t sync_sec;		/* offline: packet second of the last sync */
	uint64_t sync_events;		/* offline: events sent at the last sync */
	/* written by ctl: this worker's events it has decided on (offline sync) */
	uint64_t acked __rte_cache_aligned;
};

struct sw_conf;

/** Evidence is captured: evidence.enabled and an output directory. */
static inline bool
sw_evidence_on(const struct sw_conf *c);

/* Cheap hash of an address for the flagged set: fold, one multiply; the
 * bloom filter takes the top 9 bits, the slot index bits 32 and up (an
 * IPv4-mapped address differs only in its last 4 bytes). */
static inline uint64_t
sw_flag_hash(const struct sw_addr *a)
{
	uint64_t x = a->q[0] ^ a->q[1];

	x ^= x >> 32;
	return x * 0x9e3779b97f4a7c15ULL;
}

static inline bool
sw_flag_maybe(const struct sw_flagset *s, uint64_t h)
{
	return (s->bloom[h >> 61] >> ((h >> 55) & 63)) & 1;
}

/** The slot holding a, or NULL. */
static inline const struct sw_flag_slot *
sw_flagset_find(const struct sw_flagset *s, const struct sw_addr *a)
{
	uint64_t h = sw_flag_hash(a);

	if (!sw_flag_maybe(s, h))
		return NULL;
	for (uint32_t i = (uint32_t)(h >> 32) & s->mask;; i = (i + 1) & s->mask) {
		const struct sw_flag_slot *sl = &s->slot[i];

		if (sl->gen == 0)
			return NULL;
		if (sl->a.q[0] == a->q[0] && sl->a.q[1] == a->q[1])
			return sl;
	}
}

/* Out of line, rare: a packet of a flagged source goes to the ring. */
void sw_evidence_copy(struct sw_evid_worker *e, const struct rte_mbuf *m,
		      const struct sw_pkt *p, uint8_t link);

/*
 * Probe-shaped: what a scanner's first contact or its answer looks like,
 * decided from the parsed headers alone (the worker keeps no packets
 * otherwise). TCP without ACK (SYN, FIN, NULL, Xmas probes) or with SYN
 * or RST (SYN-ACK, RST-ACK answers), UDP, ICMP, ICMPv6 but neighbour
 * discovery and router messages, SCTP, other IP protocols (protocol
 * scans). Not: established TCP (data, ACKs, FIN-ACKs), which is most of
 * a link; so ACK and window scans' probes are kept only once their source
 * is flagged.
 */
static inline bool
sw_evidence_probe_shaped(const struct sw_pkt *p)
{
	if (!(p->flags & SW_PKT_F_L4))
		return (p->flags & (SW_PKT_F_IP | SW_PKT_F_FRAG_LATER)) == SW_PKT_F_IP;
	switch (p->proto) {
	case 6:		/* TCP: flags ACK 0x10, SYN 0x02, RST 0x04 */
		return (p->tcp_flags & 0x16) != 0x10;
	case 58:	/* ICMPv6: errors, echo, node information */
		return p->icmp_type < 133 || p->icmp_type > 137;
	default:	/* UDP, ICMP, SCTP, ... */
		return true;
	}
}

/*
 * One history record, written in place over the oldest (ordinary stores:
 * streaming them past the cache measured no better, bench/README.md).
 */
static inline void
sw_evidence_hist_put(struct sw_evid_worker *e, const struct rte_mbuf *m,
		     const struct sw_pkt *p, uint8_t link, uint32_t cap)
{
	struct sw_evid_rec *r = (struct sw_evid_rec *)(void *)
		(e->hist + (size_t)(e->hpos & e->hmask) * e->stride);

	e->hpos++;
	r->ts_ns = p->ts_ns;
	r->wire_len = m->pkt_len;
	r->caplen = (uint16_t)cap;
	r->link = link;
	r->flags = SW_EVID_F_HISTORY;
	r->gen = 0;
	r->pad = 0;
	r->src = p->src;
	r->dst = p->dst;
	/* Most probes fit one 64-byte line: a copy of constant size the
	 * compiler inlines instead of a library call. Taken only when the
	 * first segment's buffer holds 64 bytes from the frame's start;
	 * bytes past cap are not part of the record. */
	if (likely(cap <= 64 && rte_pktmbuf_tailroom(m) + m->data_len >= 64))
		__builtin_memcpy(r->data, rte_pktmbuf_mtod(m, const uint8_t *), 64);
	else
		memcpy(r->data, rte_pktmbuf_mtod(m, const uint8_t *), cap);
}

/*
 * Per packet, from the worker's parse pass (e may be NULL: evidence off);
 * link is the frame's enum sw_link.
 * With an empty flagged set the test is one branch on e->set; then a
 * probe-shaped packet's headers go to the history, overwriting the oldest.
 * ~ see bench/README.md for the cycles.
 */
static inline void
sw_evidence_pkt(struct sw_evid_worker *e, const struct rte_mbuf *m, const struct sw_pkt *p,
		uint8_t link)
{
	uint32_t cap;

	if (e == NULL)
		return;
	if (unlikely(e->set != NULL) &&
	    (sw_flag_maybe(e->set, sw_flag_hash(&p->src)) ||
	     sw_flag_maybe(e->set, sw_flag_hash(&p->dst)))) {
		sw_evidence_copy(e, m, p, link);
		return;
	}
	if (!sw_evidence_probe_shaped(p))
		return;
	cap = RTE_MIN((uint32_t)m->data_len, (uint32_t)e->snaplen);
	sw_evidence_hist_put(e, m, p, link, cap);
}

#include <scanwatch/conf.h>
#include <scanwatch/worker.h>

static inline bool
sw_evidence_on(const struct sw_conf *c)
{
	return c->evid_enabled == SW_YES && c->log_dir[0] != '\0';
}

/**
 * Allocate a worker's evidence state on socket (history, ring).
 * @return NULL with the reason in err
 */
struct sw_evid_worker *sw_evidence_worker_create(const struct sw_conf *c, unsigned id,
						 int socket, char *err, size_t errlen);

/** Free it; NULL is a no-op. */
void sw_evidence_worker_free(struct sw_evid_worker *e);

/** Slow half of sw_evidence_quiescent(). */
void sw_evidence_adopt(struct sw_evid_worker *e, struct sw_flagset *s);

/** Offline half of sw_evidence_quiescent(). */
void sw_evidence_offline_sync(struct sw_worker *w);

/**
 * The worker's quiescent point: adopt the newest published set; for the
 * sources new in it, hand the history's records of them to the ring
 * (oldest first), then say which generation is held. Cheap when nothing
 * was published: one load and a compare. Offline, a worker that raised a
 * suspect first waits for the control thread to have decided on it, so
 * that a capture file's packets follow the alert as they would live
 * (a worker reading a file otherwise ends before the first decision).
 */
static inline void
sw_evidence_quiescent(struct sw_worker *w)
{
	struct sw_evid_worker *e = w->evid;
	struct sw_flagset *s;

	if (e == NULL)
		return;
	if (w->offline)
		sw_evidence_offline_sync(w);
	s = __atomic_load_n(&e->pub, __ATOMIC_ACQUIRE);
	if (unlikely(s != NULL && s->gen != e->seen_gen))
		sw_evidence_adopt(e, s);
}

/**
 * Walk the history oldest first and call fn for every record whose
 * source or destination is in s with a generation above since. Used by
 * the worker (adoption) and by the control thread once a worker is done.
 * @return records passed to fn
 */
unsigned sw_evidence_hist_walk(const struct sw_evid_worker *e, const struct sw_flagset *s,
			       uint64_t since,
			       void (*fn)(void *arg, const struct sw_evid_rec *r, uint64_t gen),
			       void *arg);

/**
 * Packet time of the oldest record the history holds once it has wrapped,
 * 0 while nothing has been overwritten: probes of a source older than
 * that may have left it. The worker's (adoption) or, once it is done, the
 * control thread's.
 */
uint64_t sw_evidence_hist_from_ns(const struct sw_evid_worker *e);

/**
 * Build a flagged set of n addresses (gens[i] the generation that first
 * published addrs[i]) as generation gen, on any socket.
 * @return the table (rte_free() it), or NULL when out of memory
 */
struct sw_flagset *sw_flagset_build(const struct sw_addr *addrs, const uint64_t *gens,
				    unsigned n, uint64_t gen);

/** The evidence counters (src/ctl/evidence.c); uint64_t only. */
struct sw_evid_stats {
	uint64_t sources;	/* sources whose capture started */
	uint64_t files;		/* capture files created */
	uint64_t packets;	/* packets written */
	uint64_t history;	/* of them, probes from before the decision */
	uint64_t history_none;	/* captures that got none of their source's
				 * packets from the histories */
	uint64_t history_short;	/* captures that got some, but the histories
				 * had moved past the source's first probe */
	uint64_t bytes;		/* bytes written, pcap headers included */
	uint64_t copies;	/* records the workers put on their rings */
	uint64_t ring_drops;	/* records lost to a full worker ring */
	uint64_t source_budget;	/* packets dropped: evidence.source-kb reached */
	uint64_t total_budget;	/* packets dropped: no room in evidence.total-kb */
	uint64_t late;		/* packets of sources no longer captured (after
				 * evidence.packets, evicted, file removed) */
	uint64_t evicted;	/* captures stopped early for evidence.sources */
	uint64_t removed;	/* files removed, oldest first (evidence.total-kb) */
	uint64_t removed_bytes;
	uint64_t link_mismatch;	/* packets of another link type than their file's */
	uint64_t errors;	/* packets lost to file errors (create, write) */
	uint64_t disk_bytes;	/* gauge: bytes of evidence files on disk */
};

/** pcap LINKTYPE_ of an enum sw_link. */
uint32_t sw_evidence_linktype(uint8_t link);

#endif /* SW_EVIDENCE_H */
