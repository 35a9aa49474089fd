/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The workers' side of evidence captures (src/worker/evidence.c): the
 * flagged set's lookup, the history of probe headers, what a worker hands
 * to the control thread when it adopts a published set, and its copies of
 * a flagged source's packets.
 */

#include <arpa/inet.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <scanwatch/conf.h>
#include <scanwatch/evidence.h>
#include <scanwatch/worker.h>

#include "ctl/evidence.h"
#include "check.h"
#include "eal.h"

static struct sw_addr
v4(uint32_t host)
{
	struct sw_addr a;

	memset(&a, 0, sizeof(a));
	a.b[10] = a.b[11] = 0xff;
	host = htonl(host);
	memcpy(&a.b[12], &host, 4);
	return a;
}

static struct sw_addr
v6(uint32_t n)
{
	struct sw_addr a;

	memset(&a, 0, sizeof(a));
	a.b[0] = 0x20;
	a.b[1] = 0x01;
	a.b[2] = 0x0d;
	a.b[3] = 0xb8;
	memcpy(&a.b[12], &n, 4);
	return a;
}

static void
set_finds_its_members_and_nothing_else(void)
{
	enum { N = 300, PROBES = 100000 };
	struct sw_addr a[N];
	uint64_t g[N];
	unsigned missed = 0, wrong = 0, bloom = 0;
	struct sw_flagset *s;

	for (unsigned i = 0; i < N; i++) {
		a[i] = i % 2 ? v4(0x0a420000 + i) : v6(i);
		g[i] = 1 + i % 3;
	}
	s = sw_flagset_build(a, g, N, 7);
	CHECK(s != NULL && s->n == N && s->gen == 7, "built");
	for (unsigned i = 0; i < N; i++) {
		const struct sw_flag_slot *sl = sw_flagset_find(s, &a[i]);

		missed += sl == NULL || sl->gen != g[i];
	}
	for (unsigned i = 0; i < PROBES; i++) {
		struct sw_addr x = i % 2 ? v4(0x0b000000 + i) : v6(0x10000 + i);

		wrong += sw_flagset_find(s, &x) != NULL;
		bloom += sw_flag_maybe(s, sw_flag_hash(&x));
	}
	CHECK(missed == 0, "%u members not found", missed);
	CHECK(wrong == 0, "%u strangers found", wrong);
	/* 300 of 512 bits set: about 44% say maybe; more means a bad hash */
	CHECK(bloom < PROBES / 2, "bloom filter passes %u of %u", bloom, PROBES);
	NOTE("bloom filter with %u sources passes %.1f%% of strangers", N, 100.0 * bloom / PROBES);
	rte_free(s);
}

static void
set_of_one_source_passes_few_strangers(void)
{
	struct sw_addr a = v4(0x0a420001);
	uint64_t g = 1;
	unsigned bloom = 0;
	struct sw_flagset *s = sw_flagset_build(&a, &g, 1, 1);

	/* a /16 of neighbours: the hash spreads addresses that differ in
	 * their last bytes only */
	for (uint32_t i = 0; i < 65536; i++) {
		struct sw_addr x = v4(0x0a430000 + i);

		bloom += sw_flag_maybe(s, sw_flag_hash(&x));
	}
	CHECK(bloom < 65536 / 256, "one source's filter passes %u of 65536", bloom);
	rte_free(s);
}

/* A frame for sw_evidence_pkt(): an mbuf over buf, and its parsed metadata. */
struct frame {
	struct rte_mbuf m;
	uint8_t buf[256];
	struct sw_pkt p;
};

static void
frame_of(struct frame *f, struct sw_addr src, struct sw_addr dst, uint8_t proto,
	 uint8_t tcp_flags, uint16_t len, uint8_t tag)
{
	memset(f, 0, sizeof(*f));
	f->m.buf_addr = f->buf;
	f->m.data_off = 0;
	f->m.data_len = len;
	f->m.pkt_len = len + 1000u;	/* a longer packet on the wire */
	memset(f->buf, tag, sizeof(f->buf));
	f->p.src = src;
	f->p.dst = dst;
	f->p.af = 4;
	f->p.proto = proto;
	f->p.flags = SW_PKT_F_IP | SW_PKT_F_L4;
	f->p.tcp_flags = tcp_flags;
	f->p.ts_ns = 1000000000ULL * tag;
}

struct rig {
	struct sw_conf c;
	struct sw_worker *w;
	struct sw_evid_worker *e;
};

static int
rig_up(struct rig *r, uint32_t history)
{
	char err[256];

	sw_conf_defaults(&r->c);
	r->c.evid_history = history;
	r->c.evid_snaplen = 64;
	r->w = calloc(1, sizeof(*r->w));
	r->e = sw_evidence_worker_create(&r->c, 0, SOCKET_ID_ANY, err, sizeof(err));
	if (r->w == NULL || r->e == NULL) {
		NOTE("%s", err);
		return -1;
	}
	r->w->evid = r->e;
	return 0;
}

static void
rig_down(struct rig *r)
{
	sw_evidence_worker_free(r->e);
	free(r->w);
}

static void
publish(struct rig *r, const struct sw_addr *a, const uint64_t *g, unsigned n, uint64_t gen)
{
	struct sw_flagset *s = sw_flagset_build(a, g, n, gen), *old = r->e->pub;

	__atomic_store_n(&r->e->pub, s, __ATOMIC_RELEASE);
	sw_evidence_quiescent(r->w);
	rte_free(old);		/* adopted the new one: nothing holds the old */
}

/* Take what is on the ring: tags (first data byte) and flags, in order. */
static unsigned
take(struct rig *r, uint8_t *tags, uint8_t *flags, unsigned max)
{
	uint8_t rec[4096];
	unsigned n = 0;

	while (n < max && rte_ring_sc_dequeue_elem(r->e->ring, rec, r->e->stride) == 0) {
		const struct sw_evid_rec *x = (const void *)rec;

		tags[n] = x->data[0];
		flags[n] = x->flags;
		if (x->caplen != 60 || x->wire_len != 60 + 1000u)	/* min(data_len, snaplen) */
			tags[n] = 0xff;
		n++;
	}
	return n;
}

static void
adoption_hands_over_new_sources_probes_then_copies_their_packets(void)
{
	struct sw_addr A = v4(0x0a420001), B = v4(0x0a420002), C = v4(0x0a420003);
	struct sw_addr T = v4(0x0a630001);
	uint8_t tags[64], fl[64];
	struct frame f;
	struct rig r;
	unsigned n;
	uint64_t g1 = 1, g12[2] = { 1, 2 };
	struct sw_addr ab[2] = { A, B };

	if (rig_up(&r, 64) != 0) {
		CHECK(0, "rig");
		return;
	}
	/* before any flag: probes (SYN, UDP) to the history; established TCP not */
	frame_of(&f, A, T, 6, SW_TCP_SYN, 60, 1);
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	frame_of(&f, B, T, 17, 0, 60, 2);
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	frame_of(&f, A, T, 6, SW_TCP_ACK | SW_TCP_PSH, 60, 3);
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	frame_of(&f, T, A, 6, SW_TCP_SYN | SW_TCP_ACK, 60, 4);	/* the answer */
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	CHECK(r.e->set == NULL && r.e->hpos == 3, "history %" PRIu64 " records", r.e->hpos);
	CHECK(rte_ring_count(r.e->ring) == 0, "nothing sent before a flag");

	/* A flagged: its probe and the answer to it, oldest first */
	publish(&r, &A, &g1, 1, 1);
	n = take(&r, tags, fl, 64);
	CHECK(n == 2 && tags[0] == 1 && tags[1] == 4 && fl[0] == SW_EVID_F_HISTORY &&
	      fl[1] == SW_EVID_F_HISTORY, "adoption sent %u: %u %u", n, tags[0], tags[1]);
	CHECK(r.e->seen_gen == 1 && r.e->set != NULL, "generation held");

	/* then every packet from or to A, established TCP too; not C's */
	frame_of(&f, A, T, 6, SW_TCP_ACK, 60, 5);
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	frame_of(&f, T, A, 6, SW_TCP_ACK, 60, 6);
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	frame_of(&f, C, T, 6, SW_TCP_ACK, 60, 7);
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	frame_of(&f, C, T, 6, SW_TCP_SYN, 60, 8);		/* a probe: history */
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	n = take(&r, tags, fl, 64);
	CHECK(n == 2 && tags[0] == 5 && tags[1] == 6 && fl[0] == 0 && fl[1] == 0,
	      "copies %u: %u %u", n, tags[0], tags[1]);

	/* B added: B's probe from the history, not A's again */
	publish(&r, ab, g12, 2, 2);
	n = take(&r, tags, fl, 64);
	CHECK(n == 1 && tags[0] == 2, "second adoption sent %u (first %u)", n, tags[0]);

	/* nobody flagged: nothing copied, the set is NULL (one branch) */
	publish(&r, NULL, NULL, 0, 3);
	CHECK(r.e->set == NULL && r.e->seen_gen == 3, "empty set adopted as none");
	frame_of(&f, A, T, 6, SW_TCP_ACK, 60, 9);
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	CHECK(rte_ring_count(r.e->ring) == 0, "no copy after the flag is gone");
	CHECK(r.e->copies == 5 && r.e->ring_drops == 0, "copies %" PRIu64, r.e->copies);
	/* the tables are the caller's to free once no worker holds them */
	rte_free(r.e->pub);
	rig_down(&r);
}

static unsigned walked;
static uint8_t walk_tags[128];

static void
walk_one(void *arg, const struct sw_evid_rec *x, uint64_t gen)
{
	(void)arg;
	(void)gen;
	walk_tags[walked++ % 128] = x->data[0];
}

static void
history_keeps_the_newest_in_order(void)
{
	struct sw_addr A = v4(0x0a420001), T = v4(0x0a630001);
	uint64_t g = 1;
	struct sw_flagset *s = sw_flagset_build(&A, &g, 1, 1);
	struct frame f;
	struct rig r;
	bool order = true;

	if (rig_up(&r, 64) != 0) {
		CHECK(0, "rig");
		return;
	}
	for (unsigned i = 0; i < 100; i++) {
		frame_of(&f, A, T, 17, 0, 60, (uint8_t)(i + 1));
		sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	}
	walked = 0;
	sw_evidence_hist_walk(r.e, s, 0, walk_one, NULL);
	for (unsigned i = 0; i < 64; i++)
		order &= walk_tags[i] == 100 - 64 + 1 + i;
	CHECK(walked == 64 && order, "walked %u, first %u", walked, walk_tags[0]);
	walked = 0;
	sw_evidence_hist_walk(r.e, s, 1, walk_one, NULL);
	CHECK(walked == 0, "a source sent before is not sent again (%u)", walked);
	rte_free(s);
	rig_down(&r);
}

static void
full_ring_is_counted_not_waited_on(void)
{
	struct sw_addr A = v4(0x0a420001), T = v4(0x0a630001);
	uint64_t g = 1;
	struct frame f;
	struct rig r;

	if (rig_up(&r, 64) != 0) {
		CHECK(0, "rig");
		return;
	}
	publish(&r, &A, &g, 1, 1);
	for (unsigned i = 0; i < r.c.evid_ring_size + 10; i++) {
		frame_of(&f, A, T, 6, SW_TCP_ACK, 60, 1);
		sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	}
	CHECK(r.e->copies == r.c.evid_ring_size - 1 && r.e->ring_drops == 11,
	      "copies %" PRIu64 " drops %" PRIu64, r.e->copies, r.e->ring_drops);
	rte_free(r.e->pub);
	rig_down(&r);
}

/* A directory of its own for the control side's files, removed after. */
static int
ctl_up(struct rig *r, char *dir, size_t len, struct sw_evid_ctl **x)
{
	char err[256];

	snprintf(dir, len, "/tmp/sw-test-evidence-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(r->c.log_dir, sizeof(r->c.log_dir), "%s", dir);
	*x = sw_evid_ctl_open(&r->c, &r->w, 1, err, sizeof(err));
	if (*x == NULL)
		NOTE("%s", err);
	return *x == NULL ? -1 : 0;
}

static void
ctl_down(struct sw_evid_ctl *x, const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d;

	sw_evid_ctl_free(x);
	snprintf(path, sizeof(path), "%s/evidence", dir);
	d = opendir(path);
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/evidence/%s", dir, de->d_name);
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
	snprintf(path, sizeof(path), "%s/evidence", dir);
	rmdir(path);
	rmdir(dir);
}

static long
file_size(const char *dir, const char *rel)
{
	char path[512];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/*
 * Sources whose probes the history (64 records here) no longer holds when
 * the worker takes them up: A's have all left (its capture holds the pcap
 * header only), B's first has (one of its two kept), C's are all there.
 * Live (the worker adopts) or offline (the worker ended first and the
 * finish walks its history), A and B are counted, C is not.
 */
static void
probes_gone_from_the_history_are_counted(bool worker_done)
{
	struct sw_addr A = v4(0x0a420001), B = v4(0x0a420002), C = v4(0x0a420003);
	struct sw_addr D = v4(0x0a420004), T = v4(0x0a630001);
	const uint64_t S = 1000000000ULL;
	char dir[64], fa[160];
	struct sw_evid_ctl *x;
	struct sw_evid_stats st;
	const char *rel;
	struct frame f;
	struct rig r;

	if (rig_up(&r, 64) != 0 || ctl_up(&r, dir, sizeof(dir), &x) != 0) {
		CHECK(0, "rig");
		return;
	}
	for (uint8_t t = 1; t <= 3; t++) {			/* A: tags 1..3 */
		frame_of(&f, A, T, 6, SW_TCP_SYN, 60, t);
		sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	}
	frame_of(&f, B, T, 6, SW_TCP_SYN, 60, 5);		/* B's first */
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	for (unsigned t = 10; t < 110; t++) {			/* another source's */
		frame_of(&f, D, T, 17, 0, 60, (uint8_t)t);
		sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	}
	frame_of(&f, B, T, 6, SW_TCP_SYN, 60, 110);		/* B's second */
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	frame_of(&f, C, T, 6, SW_TCP_SYN, 60, 120);		/* C's */
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	frame_of(&f, C, T, 6, SW_TCP_SYN, 60, 121);
	sw_evidence_pkt(r.e, &f.m, &f.p, SW_LINK_ETH);
	CHECK(sw_evidence_hist_from_ns(r.e) == 49 * S, "history reaches back to %" PRIu64,
	      sw_evidence_hist_from_ns(r.e));

	rel = sw_evid_ctl_flag(x, &A, 1 * S);
	snprintf(fa, sizeof(fa), "%s", rel != NULL ? rel : "");
	sw_evid_ctl_flag(x, &B, 5 * S);
	sw_evid_ctl_flag(x, &C, 120 * S);
	r.w->done = worker_done;
	sw_evid_ctl_drain(x);				/* published */
	sw_evid_ctl_stats(x, &st);
	CHECK(st.history_none == 0 && st.history_short == 0, "counted before the worker took "
	      "them up: none %" PRIu64 " short %" PRIu64, st.history_none, st.history_short);
	if (worker_done) {
		sw_evid_ctl_finish(x);			/* walks the history */
	} else {
		sw_evidence_quiescent(r.w);		/* adopts: sends B's and C's */
		sw_evid_ctl_drain(x);
	}
	sw_evid_ctl_stats(x, &st);
	CHECK(st.history == 3, "history packets written %" PRIu64, st.history);
	CHECK(st.history_none == 1, "captures with none of their probes %" PRIu64,
	      st.history_none);
	CHECK(st.history_short == 1, "captures short of their first probes %" PRIu64,
	      st.history_short);
	CHECK(file_size(dir, fa) == 24, "%s: %ld bytes (the pcap header alone)", fa,
	      file_size(dir, fa));
	/* nothing counted twice: later drains and the finish settle nothing more */
	sw_evid_ctl_drain(x);
	if (!worker_done)
		sw_evid_ctl_finish(x);
	sw_evid_ctl_stats(x, &st);
	CHECK(st.history_none == 1 && st.history_short == 1, "counted again: %" PRIu64
	      " %" PRIu64, st.history_none, st.history_short);
	ctl_down(x, dir);
	rig_down(&r);
}

static void
probes_gone_from_the_history_are_counted_live(void)
{
	probes_gone_from_the_history_are_counted(false);
}

static void
probes_gone_from_the_history_are_counted_offline(void)
{
	probes_gone_from_the_history_are_counted(true);
}

int
main(void)
{
	if (test_eal_init("evidence") != 0)
		return 2;
	RUN(set_finds_its_members_and_nothing_else);
	RUN(set_of_one_source_passes_few_strangers);
	RUN(adoption_hands_over_new_sources_probes_then_copies_their_packets);
	RUN(history_keeps_the_newest_in_order);
	RUN(full_ring_is_counted_not_waited_on);
	RUN(probes_gone_from_the_history_are_counted_live);
	RUN(probes_gone_from_the_history_are_counted_offline);
	NOTE("%u tests, %u failed", n_tests, n_failed);
	test_eal_cleanup();
	return n_failed != 0;
}
