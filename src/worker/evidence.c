/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Evidence captures, the worker's side: the history of recent probe
 * headers, the copy of a flagged source's packets to the control thread,
 * adoption of a newly published flagged set at the quiescent point, and
 * the flagged set's builder (the control thread's, kept beside its reader).
 * Per packet nothing here allocates, locks or calls the kernel: a copy is
 * a memcpy and an enqueue on the worker's own SPSC ring, a full ring is
 * counted and the record dropped.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <rte_pause.h>

#include <scanwatch/conf.h>
#include <scanwatch/detect.h>
#include <scanwatch/evidence.h>
#include <scanwatch/worker.h>

/* one record on the stack: the header and the largest snap length, to a
 * whole ring element (the ring copies e->stride bytes, a cache line
 * multiple: 2112 for a snap length of 2048) */
union rec_buf {
	struct sw_evid_rec r;
	uint8_t b[RTE_ALIGN(sizeof(struct sw_evid_rec) + SW_EVID_SNAP_MAX, RTE_CACHE_LINE_SIZE)];
	uint64_t align;
};

static void
rec_fill(struct sw_evid_rec *r, const struct sw_evid_worker *e, const struct rte_mbuf *m,
	 const struct sw_pkt *p, uint8_t link)
{
	uint32_t cap = RTE_MIN((uint32_t)m->data_len, (uint32_t)e->snaplen);

	r->ts_ns = p->ts_ns;
	r->wire_len = m->pkt_len;
	r->caplen = (uint16_t)cap;
	r->link = link;
	r->flags = 0;
	r->gen = (uint32_t)e->seen_gen;
	r->pad = 0;
	r->src = p->src;
	r->dst = p->dst;
	memcpy(r->data, rte_pktmbuf_mtod(m, const uint8_t *), cap);
}

static void
enqueue(struct sw_evid_worker *e, const struct sw_evid_rec *r)
{
	if (rte_ring_sp_enqueue_bulk_elem(e->ring, r, e->stride, 1, NULL) == 1)
		__atomic_store_n(&e->copies, e->copies + 1, __ATOMIC_RELAXED);
	else
		__atomic_store_n(&e->ring_drops, e->ring_drops + 1, __ATOMIC_RELAXED);
}

void
sw_evidence_copy(struct sw_evid_worker *e, const struct rte_mbuf *m, const struct sw_pkt *p,
		 uint8_t link)
{
	union rec_buf buf;

	/* the bloom filter said maybe: ask the table */
	if (sw_flagset_find(e->set, &p->src) == NULL && sw_flagset_find(e->set, &p->dst) == NULL) {
		/* not flagged after all: it may still be a probe to remember */
		if (sw_evidence_probe_shaped(p))
			sw_evidence_hist_put(e, m, p, link,
					     RTE_MIN((uint32_t)m->data_len, (uint32_t)e->snaplen));
		return;
	}
	rec_fill(&buf.r, e, m, p, link);
	enqueue(e, &buf.r);
}

unsigned
sw_evidence_hist_walk(const struct sw_evid_worker *e, const struct sw_flagset *s, uint64_t since,
		      void (*fn)(void *arg, const struct sw_evid_rec *r, uint64_t gen), void *arg)
{
	uint64_t size = (uint64_t)e->hmask + 1;
	uint64_t n = e->hpos < size ? e->hpos : size;
	unsigned got = 0;

	if (s == NULL || s->n == 0)
		return 0;
	for (uint64_t k = e->hpos - n; k != e->hpos; k++) {
		const struct sw_evid_rec *r = (const struct sw_evid_rec *)(const void *)
			(e->hist + (size_t)(k & e->hmask) * e->stride);
		const struct sw_flag_slot *a = sw_flagset_find(s, &r->src);
		const struct sw_flag_slot *b = sw_flagset_find(s, &r->dst);
		uint64_t g = 0;

		if (a != NULL && a->gen > since)
			g = a->gen;
		if (b != NULL && b->gen > since)
			g = RTE_MAX(g, b->gen);
		if (g == 0)
			continue;
		fn(arg, r, g);
		got++;
	}
	return got;
}

static void
adopt_one(void *arg, const struct sw_evid_rec *r, uint64_t gen)
{
	struct sw_evid_worker *e = arg;
	union rec_buf buf;

	(void)gen;
	memcpy(&buf.r, r, sizeof(*r) + r->caplen);
	buf.r.gen = (uint32_t)e->seen_gen;	/* what it was sent for before */
	enqueue(e, &buf.r);
}

uint64_t
sw_evidence_hist_from_ns(const struct sw_evid_worker *e)
{
	const struct sw_evid_rec *r;

	if (e->hpos <= (uint64_t)e->hmask + 1)
		return 0;
	r = (const struct sw_evid_rec *)(const void *)
		(e->hist + (size_t)(e->hpos & e->hmask) * e->stride);
	return r->ts_ns;
}

void
sw_evidence_adopt(struct sw_evid_worker *e, struct sw_flagset *s)
{
	/* the probes that led to the decision: before any copy of a later packet */
	sw_evidence_hist_walk(e, s, e->seen_gen, adopt_one, e);
	e->set = s->n > 0 ? s : NULL;
	/* how far back the history reached, for the control thread to tell
	 * whether the new sources' first probes had left it (published by
	 * the release below) */
	__atomic_store_n(&e->adopt_from_ns, sw_evidence_hist_from_ns(e), __ATOMIC_RELAXED);
	/* after the switch: the control thread may free the table held before */
	__atomic_store_n(&e->seen_gen, s->gen, __ATOMIC_RELEASE);
}

/*
 * Offline the decision stage holds a proposed alert and writes it when an
 * event a second of packet time later arrives (src/detect/decide.c). So a
 * worker waits for the control thread when it raised a suspect, and once
 * per second of packet time while it sends events after one: everything
 * it sent decided, the flags published (acked).
 */
void
sw_evidence_offline_sync(struct sw_worker *w)
{
	struct sw_evid_worker *e = w->evid;
	uint64_t n, target, sec;

	if (w->det == NULL)
		return;
	n = sw_detect_stats(w->det)->suspects;
	sec = w->last_ts_ns / 1000000000ULL;
	target = w->st.events;
	if (n == e->suspects && (n == 0 || sec == e->sync_sec || target == e->sync_events))
		return;
	e->suspects = n;
	e->sync_sec = sec;
	e->sync_events = target;
	while (__atomic_load_n(&e->acked, __ATOMIC_ACQUIRE) < target && !sw_quit) {
		struct sw_flagset *s = __atomic_load_n(&e->pub, __ATOMIC_ACQUIRE);

		/* keep up with what is published meanwhile (other workers'
		 * flags): the control thread frees a table only once every
		 * worker holds a later one */
		if (s != NULL && s->gen != e->seen_gen)
			sw_evidence_adopt(e, s);
		rte_pause();
	}
}

struct sw_flagset *
sw_flagset_build(const struct sw_addr *addrs, const uint64_t *gens, unsigned n, uint64_t gen)
{
	uint32_t slots = 16;
	struct sw_flagset *s;

	while (slots < 2 * n)
		slots <<= 1;
	s = rte_zmalloc("sw_flagset", sizeof(*s) + slots * sizeof(s->slot[0]),
			RTE_CACHE_LINE_SIZE);
	if (s == NULL)
		return NULL;
	s->gen = gen;
	s->mask = slots - 1;
	for (unsigned k = 0; k < n; k++) {
		uint64_t h = sw_flag_hash(&addrs[k]);
		uint32_t i = (uint32_t)(h >> 32) & s->mask;

		while (s->slot[i].gen != 0 &&
		       memcmp(&s->slot[i].a, &addrs[k], sizeof(addrs[k])) != 0)
			i = (i + 1) & s->mask;
		if (s->slot[i].gen != 0)
			continue;	/* listed twice */
		s->slot[i].a = addrs[k];
		s->slot[i].gen = gens[k] != 0 ? gens[k] : gen;
		s->bloom[h >> 61] |= 1ULL << ((h >> 55) & 63);
		s->n++;
	}
	return s;
}

uint32_t
sw_evidence_linktype(uint8_t link)
{
	static const uint32_t lt[SW_LINK__MAX] = {
		[SW_LINK_ETH] = 1, [SW_LINK_SLL] = 113, [SW_LINK_SLL2] = 276,
		[SW_LINK_RAW] = 101, [SW_LINK_IPV4] = 228, [SW_LINK_IPV6] = 229,
		[SW_LINK_NULL] = 0, [SW_LINK_LOOP] = 108,
	};

	return link < SW_LINK__MAX ? lt[link] : 1;
}

struct sw_evid_worker *
sw_evidence_worker_create(const struct sw_conf *c, unsigned id, int socket, char *err,
			  size_t errlen)
{
	static unsigned seq;	/* ring names are global to the process */
	char name[RTE_RING_NAMESIZE];
	struct sw_evid_worker *e;

	e = rte_zmalloc_socket("sw_evid", sizeof(*e), RTE_CACHE_LINE_SIZE, socket);
	if (e == NULL)
		goto nomem;
	e->snaplen = (uint16_t)RTE_MIN(c->evid_snaplen, (uint32_t)SW_EVID_SNAP_MAX);
	e->stride = RTE_ALIGN(sizeof(struct sw_evid_rec) + e->snaplen, RTE_CACHE_LINE_SIZE);
	e->hmask = c->evid_history - 1;
	e->hist = rte_zmalloc_socket("sw_evid_hist", (size_t)c->evid_history * e->stride,
				     RTE_CACHE_LINE_SIZE, socket);
	if (e->hist == NULL)
		goto nomem;
	snprintf(name, sizeof(name), "sw_evid_%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	e->ring = rte_ring_create_elem(name, e->stride, c->evid_ring_size, socket,
				       RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (e->ring == NULL) {
		snprintf(err, errlen, "cannot create evidence ring %s of %u records: %s "
			 "(lower evidence.ring-size or give EAL more memory (-m))", name,
			 c->evid_ring_size, rte_strerror(rte_errno));
		sw_evidence_worker_free(e);
		return NULL;
	}
	return e;
nomem:
	snprintf(err, errlen, "cannot allocate worker %u evidence history (%u records of %zu "
		 "bytes): lower evidence.history or evidence.snaplen, or give EAL more "
		 "memory (-m)", id, c->evid_history,
		 RTE_ALIGN(sizeof(struct sw_evid_rec) + c->evid_snaplen, RTE_CACHE_LINE_SIZE));
	sw_evidence_worker_free(e);
	return NULL;
}

void
sw_evidence_worker_free(struct sw_evid_worker *e)
{
	if (e == NULL)
		return;
	rte_ring_free(e->ring);
	rte_free(e->hist);
	rte_free(e);
}
