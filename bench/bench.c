/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * scanwatch-bench: cycles per packet of the worker hot path, from memory.
 *
 * Method. Each worker owns an array of 64K mbufs from its own mempool,
 * holding synthetic frames of 60 bytes (64 on the wire with the FCS). The
 * mbufs are never really freed: their refcnt is set to 65535 so that
 * rte_pktmbuf_free_bulk() only decrements it (one atomic per mbuf, where a
 * real free puts the pointer back in the mempool cache), and it is set
 * again long before it could reach zero. The array is walked in bursts of
 * 32 ("a pass"); only the walk is timed with rte_rdtsc. Between passes,
 * untimed, the scan frames get new (target, port) pairs so that every pass
 * is a new set of first contacts, and the event ring is emptied as the
 * control thread would. Stages, each a superset of the one before:
 *   bare    read each frame's first cache line, free the burst
 *   parse   + sw_parse() into struct sw_pkt
 *   detect  sw_worker_burst() (parse, roles, filter, sketch, events, free)
 *           plus sw_detect_tick() per burst, as sw_worker_main() does
 * The pair measurements run two workers at once (lcores 0 and 1), synced
 * at every pass, either on the real path (a sketch per worker) or on a
 * stand-in that does `depth` 16-bit increments in a count-min array per
 * packet, private or shared (__atomic_fetch_add), to price the sharing.
 * Every measurement is repeated REPS times with fresh detection state and
 * the median is reported. See bench/README.md for what this leaves out.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include <scanwatch/conf.h>
#include <scanwatch/detect.h>
#include <scanwatch/event.h>
#include <scanwatch/evidence.h>
#include <scanwatch/match.h>
#include <scanwatch/sketch.h>
#include <scanwatch/worker.h>

#include "splitmix.h"
/* ST_LEAN drives the production sketch's inline fast path itself */
#include "../src/sketch/sketch_fast.h"

#define NB_MBUF		65536	/* frames per worker: 4 MiB of frame lines, 8 of mbufs */
#define BURST_DEFAULT	32
static unsigned BURST = BURST_DEFAULT;	/* --burst: packets per worker call (capture.burst) */
#define PREFETCH	4	/* as src/worker/worker.c */
#define REPS		3
#define RING_SIZE	262144	/* events: drained every pass, never full */
#define REFCNT_MAX	65535
#define SCANNERS	300
#define PAIRS		4096
#define FRAME_LEN	60
#define PAIRED_MAX	4096	/* passes whose paired ratio is kept */

/* ST_MATCH: parse + payload rules, no detection; ST_DETECT_MATCH: the
 * whole worker path with rules (sw_worker_burst with det and matcher) */
enum stage { ST_BARE, ST_PARSE, ST_DETECT, ST_STANDIN, ST_MATCH, ST_DETECT_MATCH, ST_LEAN,
	     ST_LEAN_EARLY };
enum mix { MIX_SCAN, MIX_BG, MIX_PAYLOAD, MIX_IMIX, MIX_FLOOD, MIX_ONE };
enum cms_mode { CMS_PRIVATE, CMS_PRIVATE_ATOMIC, CMS_SHARED, CMS_SHARED_SRC };

/* How a frame changes between passes so that it stays a first contact. */
enum fkind { FK_FIXED, FK_FWD, FK_FWD_DST, FK_REV, FK_SRC };

struct fmeta {
	uint8_t kind;		/* enum fkind */
	uint16_t a16;		/* low 16 bits of the target at pass 0 */
	uint16_t port;		/* probed port at pass 0 */
};

/* One worker's frames; owned by the lcore that runs it. */
struct feed {
	struct rte_mempool *mp;
	struct rte_mbuf **m;
	struct fmeta *fm;
	unsigned uses;		/* passes since the refcnts were set */
	uint64_t pool_bytes;
};

struct res {
	uint64_t cycles, pkts, fc, events, drops, lines;
	uint64_t slost;		/* of the drops, suspects (suspects_lost) */
	uint64_t ecopies, edrops, ehist;	/* evidence: copies, ring drops, history */
	double best;		/* cycles per packet of the fastest pass: on a shared
				 * machine, the one least disturbed by other work */
	double xparse;		/* paired rows: median over passes of the pass's
				 * cycles / those of the parse pass right after it */
	uint64_t scanned, scanned_bytes, matches, mdrops, wire_bytes;
};

struct barrier {
	unsigned n, count;
	volatile unsigned gen;
};

struct run {
	enum stage st;
	enum mix mix;
	enum cms_mode cm;
	unsigned seed;
	uint64_t pkts;
	struct feed *f;
	struct sw_worker *w;	/* ST_DETECT */
	struct sw_cell *cms;	/* ST_STANDIN: width * depth cells */
	uint32_t wmask, depth;
	bool fresh;		/* new detection state every pass (untimed) */
	bool ctl;		/* ctl_main() drains the rings on lcore 1 */
	bool paired;		/* a parse pass over the same frames after each pass */
	unsigned nratio;
	double ratio[PAIRED_MAX];	/* paired: each pass's cycles / its parse pass's */
	unsigned nw;
	struct barrier *bar;	/* pair runs: sync at every pass */
	struct res r;
	uint64_t sink;
	struct sw_pkt meta[SW_BURST_MAX] __rte_cache_aligned;
	/* ST_LEAN: thresholds per scale, the history of first contacts */
	struct sw_cross lcross[SW_TS];
	struct lean_hist {
		struct sw_addr src, dst;
		uint64_t ts_ns;
		uint16_t port;
		uint8_t tool, fp;
	} lhist[256];
	unsigned lpos;
	uint64_t lsuspects;
};

static struct sw_conf conf;
static struct feed feeds[2];
static struct feed feed_big;	/* IMIX: 2 KiB data rooms for 1514-byte frames */
static const char *rules_file;
static const char *lcores = "0-1";	/* EAL -l: which CPUs the two lcores use */
static uint64_t pkts_opt = 20000000;
static bool do_scan = true, do_flood = true, do_bg = true, do_payload = true, do_imix = true;
/* --row STAGE/MIX: only that one of the one-worker rows (bare and parse
 * rows still run: the ratios need them), no pairs; for profiling one row */
static const char *only_row;
static const char *mem_kind;

/* --evidence: the detect rows again with evidence captures on (the worker
 * state scanwatch builds with output.dir set), nothing flagged, 16
 * sources flagged that the mix does not hold, 16 that it does. */
enum evid { EV_OFF, EV_EMPTY, EV_ABSENT, EV_FLAGGED };
#define EV_SOURCES	16
static bool do_evid;
static enum evid evid_mode;

/* Frames ------------------------------------------------------------------- */

static uint8_t *
frame(struct rte_mbuf *m, uint16_t len, uint32_t src, uint32_t dst, uint8_t proto,
      uint16_t iplen, uint64_t *s)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ether_hdr *e = (struct rte_ether_hdr *)f;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(e + 1);

	m->data_len = len;
	m->pkt_len = len;
	memset(f, 0, len);
	e->dst_addr.addr_bytes[0] = 0x02;
	e->src_addr.addr_bytes[0] = 0x02;
	e->src_addr.addr_bytes[5] = 0x01;
	e->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(iplen);
	ip->packet_id = rte_cpu_to_be_16((uint16_t)rnd(s));
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return (uint8_t *)(ip + 1);
}

/* A TCP segment of flen bytes (without FCS) whose payload fills the frame. */
static void
tcp_payload_frame(struct rte_mbuf *m, uint16_t flen, uint32_t src, uint32_t dst,
		  uint16_t sport, uint16_t dport, const void *payload, unsigned plen, uint64_t *s)
{
	struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)
		frame(m, flen, src, dst, IPPROTO_TCP, (uint16_t)(flen - 14), s);
	uint8_t *p = (uint8_t *)(t + 1);
	unsigned room = flen - 54u;

	t->src_port = rte_cpu_to_be_16(sport);
	t->dst_port = rte_cpu_to_be_16(dport);
	t->sent_seq = rte_cpu_to_be_32((uint32_t)rnd(s));
	t->recv_ack = rte_cpu_to_be_32((uint32_t)rnd(s));
	t->data_off = 5 << 4;
	t->tcp_flags = RTE_TCP_ACK_FLAG | (room ? RTE_TCP_PSH_FLAG : 0);
	t->rx_win = rte_cpu_to_be_16(64240);
	/* the payload repeats to fill the frame: realistic bytes everywhere */
	for (unsigned i = 0; i < room && plen > 0; i++)
		p[i] = ((const uint8_t *)payload)[i % plen];
}

static void
tcp_frame(struct rte_mbuf *m, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
	  uint8_t flags, unsigned payload, uint64_t *s)
{
	bool mss = flags == RTE_TCP_SYN_FLAG;	/* nmap's SYN: MSS only */
	unsigned thl = mss ? 24 : 20;
	struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)
		frame(m, FRAME_LEN, src, dst, IPPROTO_TCP, (uint16_t)(20 + thl + payload), s);

	t->src_port = rte_cpu_to_be_16(sport);
	t->dst_port = rte_cpu_to_be_16(dport);
	t->sent_seq = rte_cpu_to_be_32((uint32_t)rnd(s));
	if (flags & RTE_TCP_ACK_FLAG)
		t->recv_ack = rte_cpu_to_be_32((uint32_t)rnd(s));
	t->data_off = (uint8_t)((thl / 4) << 4);
	t->tcp_flags = flags;
	t->rx_win = rte_cpu_to_be_16(mss ? 1024 : 64240);
	if (mss)
		memcpy(t + 1, "\x02\x04\x05\xb4", 4);
}

static void
udp_frame(struct rte_mbuf *m, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
	  unsigned payload, uint64_t *s)
{
	uint16_t len = (uint16_t)RTE_MAX((unsigned)FRAME_LEN, 42 + payload);
	struct rte_udp_hdr *u = (struct rte_udp_hdr *)
		frame(m, len, src, dst, IPPROTO_UDP, (uint16_t)(28 + payload), s);

	u->src_port = rte_cpu_to_be_16(sport);
	u->dst_port = rte_cpu_to_be_16(dport);
	u->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + payload));
	/* a DNS query for "a.io" A (and its answer): the parser only counts it */
	memcpy((uint8_t *)(u + 1) + 12, "\x01" "a" "\x02" "io\x00\x00\x01\x00\x01", 10);
}

static void
icmp_frame(struct rte_mbuf *m, uint32_t src, uint32_t dst, uint8_t type, uint16_t id,
	   uint64_t *s)
{
	uint8_t *l4 = frame(m, FRAME_LEN, src, dst, IPPROTO_ICMP, 46, s);

	l4[0] = type;
	l4[4] = (uint8_t)(id >> 8);
	l4[5] = (uint8_t)id;
}

#define SCANNER(k)	(0x64400000u + ((k) / 250) * 256 + (k) % 250 + 1) /* 100.64/16 */
#define CLIENT(k)	(0xc0a80001u + (k))			/* 192.168/16 */
#define SERVER(k)	(0xac100001u + (k) % 500)		/* 172.16/16 */
#define SPORT(k)	((uint16_t)(32768 + (k) * 13 % 28000))
static const uint16_t svc[4] = { 443, 80, 22, 8080 };

/* Scan-heavy: 7 in 8 frames are SYNs from nscan sources (300; one: a
 * single masscan at line rate) to random hosts of 10.20/16 and random
 * ports; 1 in 8 is a RST back for a SYN a few frames earlier (a closed
 * port). */
static void
build_scan(struct feed *f, uint64_t seed, unsigned nscan)
{
	for (unsigned i = 0; i < NB_MBUF; i++) {
		uint64_t r = rnd(&seed);
		struct fmeta *fm = &f->fm[i];

		if (i % 8 == 7) {
			unsigned j = i - 1 - (unsigned)(r % 6);
			const uint8_t *p = rte_pktmbuf_mtod(f->m[j], const uint8_t *);
			uint32_t scanner, target;
			uint16_t sport;

			memcpy(&scanner, p + 26, 4);
			memcpy(&target, p + 30, 4);
			memcpy(&sport, p + 34, 2);
			tcp_frame(f->m[i], rte_be_to_cpu_32(target), rte_be_to_cpu_32(scanner),
				  f->fm[j].port, rte_be_to_cpu_16(sport),
				  RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0, &seed);
			*fm = (struct fmeta){ FK_REV, f->fm[j].a16, f->fm[j].port };
			continue;
		}
		fm->kind = FK_FWD;
		fm->a16 = (uint16_t)(r >> 16);
		fm->port = (uint16_t)(r >> 32);
		tcp_frame(f->m[i], SCANNER((unsigned)(r % nscan)), 0x0a140000u | fm->a16,
			  (uint16_t)(1024 + (r >> 48) % 60000), fm->port, RTE_TCP_SYN_FLAG, 0,
			  &seed);
	}
}

/* Random-source flood: every frame a SYN to 10.40.0.1:443 from a spoofed
 * source drawn at random from the whole IPv4 space, new every pass (the
 * source's two halves are patched per pass): millions of sources, each
 * seen once, as a SYN flood with random spoofing looks on the wire. */
static void
build_flood(struct feed *f, uint64_t seed)
{
	for (unsigned i = 0; i < NB_MBUF; i++) {
		uint64_t r = rnd(&seed);
		struct fmeta *fm = &f->fm[i];

		*fm = (struct fmeta){ FK_SRC, (uint16_t)(r >> 16), (uint16_t)r };
		tcp_frame(f->m[i], (uint32_t)r, 0x0a280001u, (uint16_t)(1024 + (r >> 48) % 60000),
			  443, RTE_TCP_SYN_FLAG, 0, &seed);
	}
}

/* The three-way handshakes of every background pair, fed once up front. */
static unsigned
build_handshakes(struct feed *f, uint64_t seed)
{
	unsigned n = 0;

	for (unsigned k = 0; k < PAIRS; k++) {
		uint16_t sp = SPORT(k), dp = svc[k % 4];

		tcp_frame(f->m[n++], CLIENT(k), SERVER(k), sp, dp, RTE_TCP_SYN_FLAG, 0, &seed);
		tcp_frame(f->m[n++], SERVER(k), CLIENT(k), dp, sp,
			  RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, 0, &seed);
		tcp_frame(f->m[n++], CLIENT(k), SERVER(k), sp, dp, RTE_TCP_ACK_FLAG, 0, &seed);
	}
	return n;
}

/* Background: 80% ACK and PSH/ACK on the established pairs (either way),
 * 10% DNS queries and replies to 4 resolvers, 9% ICMP echo and reply,
 * 1% SYNs of new connections to port 443 of a fresh host in 10.30/16. */
static void
build_bg(struct feed *f, uint64_t seed)
{
	for (unsigned i = 0; i < NB_MBUF; i++) {
		uint64_t r = rnd(&seed);
		unsigned k = (unsigned)(r >> 8) % PAIRS, c = (unsigned)(r % 100);
		uint32_t cl = CLIENT(k), sv = SERVER(k), dns = 0x0a000035u + k % 4;
		uint16_t sp = SPORT(k), dp = svc[k % 4];

		f->fm[i].kind = FK_FIXED;
		if (c < 80 && (r & (1ULL << 40)))
			tcp_frame(f->m[i], cl, sv, sp, dp, RTE_TCP_ACK_FLAG |
				  (c & 1 ? RTE_TCP_PSH_FLAG : 0), c & 1 ? 6 : 0, &seed);
		else if (c < 80)
			tcp_frame(f->m[i], sv, cl, dp, sp, RTE_TCP_ACK_FLAG |
				  (c & 1 ? RTE_TCP_PSH_FLAG : 0), c & 1 ? 6 : 0, &seed);
		else if (c < 85)
			udp_frame(f->m[i], cl, dns, sp, 53, 22, &seed);
		else if (c < 90)
			udp_frame(f->m[i], dns, cl, 53, sp, 38, &seed);
		else if (c < 99)
			icmp_frame(f->m[i], c & 1 ? sv : cl, c & 1 ? cl : sv, c & 1 ? 0 : 8,
				   (uint16_t)k, &seed);
		else {
			f->fm[i] = (struct fmeta){ FK_FWD_DST, (uint16_t)(r >> 44), 443 };
			tcp_frame(f->m[i], cl, 0x0a1e0000u | f->fm[i].a16, sp, 443,
				  RTE_TCP_SYN_FLAG, 0, &seed);
		}
	}
}

/*
 * Payload-heavy at 64 bytes: every frame carries payload and is a candidate
 * for the rules. 50% TCP PSH/ACK to 80, 443 or 8080 with the 6 bytes a
 * 60-byte frame leaves ("GET / ", TLS record bytes), 25% DNS queries to
 * udp/53 (18 bytes), 25% UDP between high ports (18 bytes, QUIC-like).
 */
static void
build_payload(struct feed *f, uint64_t seed)
{
	static const char *const tcp6[3] = { "GET / ", "\x17\x03\x03\x01\x02\x03", "POST /" };
	static const uint16_t tport[3] = { 80, 443, 8080 };

	for (unsigned i = 0; i < NB_MBUF; i++) {
		uint64_t r = rnd(&seed);
		unsigned k = (unsigned)(r >> 8) % PAIRS, c = (unsigned)(r % 4);
		uint32_t cl = CLIENT(k), sv = SERVER(k);

		f->fm[i].kind = FK_FIXED;
		if (c < 2) {
			unsigned t = (unsigned)(r >> 40) % 3;

			tcp_payload_frame(f->m[i], FRAME_LEN, cl, sv, SPORT(k), tport[t], tcp6[t], 6,
					  &seed);
		} else if (c == 2) {
			udp_frame(f->m[i], cl, 0x0a000035u + k % 4, SPORT(k), 53, 18, &seed);
		} else {
			udp_frame(f->m[i], cl, sv, SPORT(k), (uint16_t)(20000 + (r >> 44) % 40000), 18,
				  &seed);
			memcpy(rte_pktmbuf_mtod_offset(f->m[i], uint8_t *, 42), "\x40\x9a\x3f\x00\x11\x22",
			       6);
		}
	}
}

/*
 * IMIX 7:4:1 of 64-, 570- and 1518-byte frames on the wire (60, 566 and
 * 1514 in the mbuf): the small ones are bare ACKs, the middle ones HTTP
 * requests from a browser to port 80, the large ones server data to the
 * client's port (first rules.max-bytes of it scanned).
 */
static void
build_imix(struct feed *f, uint64_t seed)
{
	static const char req[] = "GET /static/app.js?v=3 HTTP/1.1\r\nHost: www.example.org\r\n"
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 "
		"Firefox/121.0\r\nAccept: */*\r\nAccept-Language: en-US,en;q=0.5\r\n"
		"Accept-Encoding: gzip, deflate, br\r\nReferer: https://www.example.org/\r\n"
		"Cookie: session=8f3a9c0d2b7e4f1a; theme=dark\r\nConnection: keep-alive\r\n\r\n";
	uint8_t data[1460];

	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)rnd(&seed);
	for (unsigned i = 0; i < NB_MBUF; i++) {
		uint64_t r = rnd(&seed);
		unsigned k = (unsigned)(r >> 8) % PAIRS, slot = i % 12;
		uint32_t cl = CLIENT(k), sv = SERVER(k);

		f->fm[i].kind = FK_FIXED;
		if (slot < 7)
			tcp_payload_frame(f->m[i], 60, r & 1 ? cl : sv, r & 1 ? sv : cl,
					  r & 1 ? SPORT(k) : 80, r & 1 ? 80 : SPORT(k), NULL, 0, &seed);
		else if (slot < 11)
			tcp_payload_frame(f->m[i], 566, cl, sv, SPORT(k), 80, req, sizeof(req) - 1,
					  &seed);
		else
			tcp_payload_frame(f->m[i], 1514, sv, cl, 80, SPORT(k), data + (r >> 50) % 64,
					  1396, &seed);
	}
}

/* New targets and ports for every pass: XOR keeps them distinct within a
 * pass and a RST still matches its SYN. IP checksums go stale; nothing
 * on the path checks them. */
static void
repatch(struct feed *f, uint32_t pass)
{
	uint16_t x = (uint16_t)rte_hash_crc_4byte(pass, 1);
	uint16_t y = (uint16_t)rte_hash_crc_4byte(pass, 2);

	for (unsigned i = 0; i < NB_MBUF; i++) {
		const struct fmeta *fm = &f->fm[i];
		uint8_t *p = rte_pktmbuf_mtod(f->m[i], uint8_t *);
		rte_be16_t a = rte_cpu_to_be_16(fm->a16 ^ x);
		rte_be16_t port = rte_cpu_to_be_16(fm->port ^ y);

		switch (fm->kind) {
		case FK_FWD:	  memcpy(p + 32, &a, 2); memcpy(p + 36, &port, 2); break;
		case FK_FWD_DST:  memcpy(p + 32, &a, 2); break;
		case FK_REV:	  memcpy(p + 28, &a, 2); memcpy(p + 34, &port, 2); break;
		case FK_SRC:	  memcpy(p + 26, &a, 2); memcpy(p + 28, &port, 2); break;
		default:	  break;
		}
	}
}

static void
rearm(struct feed *f)
{
	for (unsigned i = 0; i < NB_MBUF; i++)
		rte_mbuf_refcnt_set(f->m[i], REFCNT_MAX);
	f->uses = 0;
}

static void
pool_len(struct rte_mempool *mp, void *arg, struct rte_mempool_memhdr *h, unsigned idx)
{
	(void)mp;
	(void)idx;
	*(uint64_t *)arg += h->len;
}

static int
feed_init(struct feed *f, unsigned id, unsigned room)
{
	char name[RTE_MEMPOOL_NAMESIZE];

	snprintf(name, sizeof(name), "swbench_%u", id);
	/* 1 KiB buffers: a 2 KiB one is a whole 4 KiB page without hugepages
	 * (objects do not cross pages), which puts every frame in the same
	 * cache sets; at 1344 bytes the frames spread as on a real pool. */
	f->mp = rte_pktmbuf_pool_create(name, NB_MBUF + 1024, 256, 0,
					RTE_PKTMBUF_HEADROOM + room, (int)rte_socket_id());
	f->m = rte_zmalloc("swbench_m", NB_MBUF * sizeof(*f->m), RTE_CACHE_LINE_SIZE);
	f->fm = rte_zmalloc("swbench_fm", NB_MBUF * sizeof(*f->fm), RTE_CACHE_LINE_SIZE);
	if (f->mp == NULL || f->m == NULL || f->fm == NULL ||
	    rte_pktmbuf_alloc_bulk(f->mp, f->m, NB_MBUF) != 0)
		return -ENOMEM;
	rte_mempool_mem_iter(f->mp, pool_len, &f->pool_bytes);
	rearm(f);
	return 0;
}

/* Bursts ------------------------------------------------------------------- */

static inline void
prefetch_head(struct rte_mbuf **m, unsigned n)
{
	for (unsigned i = 0; i < n && i < PREFETCH; i++)
		rte_prefetch0(rte_pktmbuf_mtod(m[i], void *));
}

/* A first contact's pair, port and source hashes, and their loads started. */
static __rte_always_inline void
lean_prep(const struct sw_sketch *sk, uint64_t seed, uint64_t ha, uint64_t hb, uint16_t dport,
	  uint64_t kpair, uint64_t ksrc, uint64_t hzero, struct sw_hash *ph, struct sw_hash *qh,
	  struct sw_hash *sh)
{
	sw_sketch_hash_fin(ha ^ sw_sketch_hash_rot(hb) ^ kpair, ph);
	sw_sketch_hash_mix(seed, ha, hzero, dport, SW_C_TCP, SW_K_SRC_PORT, 0, qh);
	sw_sketch_hash_fin(ha ^ ksrc, sh);
	rte_prefetch0(cm_filt_line(sk, ph));
	rte_prefetch0(cm_filt_line(sk, qh));
	rte_prefetch0(cm_cell_at(sk, sh, 0));
}

/*
 * The lean stand-in: the work a SYN first contact cannot do without, on
 * the production sketch through its inline fast path (sketch_fast.h), in
 * the worker's three passes, and nothing else: roles are "a SYN", no
 * answers, no target cells, no timeouts, no sensitive services, no
 * repeats, no events (a crossing is counted). Per SYN: two address hashes
 * and the tuple's, the tuple's filter line; per first contact: the pair's,
 * the port's and the source's hashes, their two filter lines and the
 * source's owned cell, the three scales' threshold tests, the tool's
 * fingerprint and a history entry. What detect costs above this row is
 * what the rest of detection (and its generality) costs; see
 * bench/README.md.
 *
 * early (the lean-e row): the same work, but the pair's, port's and
 * source's hashes and loads start in pass 1, beside the tuple's, for every
 * SYN, before its first-contact test: the loads a first contact counts on
 * get two passes to arrive instead of one. What the lean row loses to
 * their latency.
 */
static __rte_always_inline void
burst_lean_at(struct run *r, struct rte_mbuf **m, unsigned n, bool early)
{
	struct sw_sketch *sk = (struct sw_sketch *)sw_detect_sketch(r->w->det);
	uint64_t seed = sw_sketch_seed(sk);
	uint32_t now_s = (uint32_t)(rte_get_tsc_cycles() / rte_get_tsc_hz());
	struct sw_hash th[SW_BURST_MAX], ph[SW_BURST_MAX], qh[SW_BURST_MAX], sh[SW_BURST_MAX];
	uint64_t ha[SW_BURST_MAX], hb[SW_BURST_MAX];
	unsigned mask[SW_BURST_MAX];
	uint16_t idx[SW_BURST_MAX], fc[SW_BURST_MAX];
	unsigned k = 0, nf = 0;
	static const struct sw_addr zero;
	const uint64_t hzero = sw_sketch_hash_addr(seed, &zero);
	const uint64_t kpair = sw_sketch_hash_part(seed, 0, SW_C_TCP, SW_K_SRC_DST, 0);
	const uint64_t ksrc = sw_sketch_hash_part(seed, 0, SW_C_TCP, SW_K_SRC, 0) ^
			      sw_sketch_hash_rot(hzero);

	prefetch_head(m, n);
	for (unsigned i = 0; i < n; i++) {
		const struct sw_pkt *p = &r->meta[i];

		if (i + PREFETCH < n)
			rte_prefetch0(rte_pktmbuf_mtod(m[i + PREFETCH], void *));
		if (sw_parse(rte_pktmbuf_mtod(m[i], const uint8_t *), m[i]->data_len,
			     &r->meta[i]) != SW_PERR_OK || p->proto != IPPROTO_TCP ||
		    (p->tcp_flags & (SW_TCP_SYN | SW_TCP_ACK)) != SW_TCP_SYN)
			continue;
		ha[i] = sw_sketch_hash_addr(seed, &p->src);
		hb[i] = sw_sketch_hash_addr(seed, &p->dst);
		sw_sketch_hash_mix(seed, ha[i], hb[i], p->dport, p->proto, SW_K_TUPLE, 0, &th[i]);
		rte_prefetch0(cm_filt_line(sk, &th[i]));
		if (early)
			lean_prep(sk, seed, ha[i], hb[i], p->dport, kpair, ksrc, hzero, &ph[i],
				  &qh[i], &sh[i]);
		idx[k++] = (uint16_t)i;
	}
	for (unsigned j = 0; j < k; j++) {
		unsigned i = idx[j];
		const struct sw_pkt *p = &r->meta[i];

		sk->lines++;
		mask[i] = cm_first_in(sk, &th[i], now_s);
		if (mask[i] == 0)
			continue;
		if (!early)
			lean_prep(sk, seed, ha[i], hb[i], p->dport, kpair, ksrc, hzero, &ph[i],
				  &qh[i], &sh[i]);
		fc[nf++] = (uint16_t)i;
	}
	for (unsigned j = 0; j < nf; j++) {
		unsigned i = fc[j];
		const struct sw_pkt *p = &r->meta[i];
		unsigned fresh = mask[i], new_dst, new_port;
		struct lean_hist *h = &r->lhist[r->lpos++ % RTE_DIM(r->lhist)];
		enum sw_fp fp;
		struct sw_est e;
		sw_upd_t u;

		sk->lines += 2;
		new_dst = cm_first_in(sk, &ph[i], now_s) & fresh;
		new_port = cm_first_in(sk, &qh[i], now_s) & fresh;
		u = sw_upd(SW_F_CONTACTS, fresh) | sw_upd(SW_F_TARGETS, new_dst) |
		    sw_upd(SW_F_PORTS, new_port);
		if (unlikely(cm_update_in(sk, &sh[i], u, now_s, &e, r->lcross) != 0))
			r->lsuspects++;
		fp = sw_fp_match(p);
		h->src = p->src;
		h->dst = p->dst;
		h->ts_ns = p->ts_ns;
		h->port = p->dport;
		h->fp = (uint8_t)fp;
		h->tool = sw_fp_tool[fp];
	}
	r->r.fc += nf;
	rte_pktmbuf_free_bulk(m, n);
}

static void
burst_lean(struct run *r, struct rte_mbuf **m, unsigned n)
{
	burst_lean_at(r, m, n, false);
}

static void
burst_lean_early(struct run *r, struct rte_mbuf **m, unsigned n)
{
	burst_lean_at(r, m, n, true);
}

static void
burst_bare(struct run *r, struct rte_mbuf **m, unsigned n)
{
	uint64_t acc = 0;

	prefetch_head(m, n);
	for (unsigned i = 0; i < n; i++) {
		if (i + PREFETCH < n)
			rte_prefetch0(rte_pktmbuf_mtod(m[i + PREFETCH], void *));
		acc += *rte_pktmbuf_mtod(m[i], const volatile uint64_t *) + m[i]->data_len;
	}
	r->sink += acc;
	rte_pktmbuf_free_bulk(m, n);
}

static void
burst_parse(struct run *r, struct rte_mbuf **m, unsigned n)
{
	unsigned ok = 0;

	prefetch_head(m, n);
	for (unsigned i = 0; i < n; i++) {
		if (i + PREFETCH < n)
			rte_prefetch0(rte_pktmbuf_mtod(m[i + PREFETCH], void *));
		ok += sw_parse(rte_pktmbuf_mtod(m[i], const uint8_t *), m[i]->data_len,
			       &r->meta[i]) == SW_PERR_OK;
	}
	r->sink += ok + r->meta[n - 1].dport;
	rte_pktmbuf_free_bulk(m, n);
}

static inline struct sw_cell *
standin_cell(const struct run *r, uint32_t h1, uint32_t h2, unsigned row)
{
	return &r->cms[(size_t)row * (r->wmask + 1) + ((h1 + row * h2) & r->wmask)];
}

/* The stand-in for the sketch update: hash a key as sw_sketch_hash does,
 * prefetch its `depth` cells, then one 16-bit increment in each. */
static void
burst_standin(struct run *r, struct rte_mbuf **m, unsigned n)
{
	uint32_t h1[SW_BURST_MAX], h2[SW_BURST_MAX];
	struct sw_key k;

	memset(&k, 0, sizeof(k));
	prefetch_head(m, n);
	for (unsigned i = 0; i < n; i++) {
		const struct sw_pkt *p = &r->meta[i];

		if (i + PREFETCH < n)
			rte_prefetch0(rte_pktmbuf_mtod(m[i + PREFETCH], void *));
		sw_parse(rte_pktmbuf_mtod(m[i], const uint8_t *), m[i]->data_len, &r->meta[i]);
		k.a = p->src;
		if (r->cm != CMS_SHARED_SRC) {
			k.b = p->dst;
			k.port = p->dport;
			k.proto = p->proto;
		}
		h1[i] = rte_hash_crc(&k, sizeof(k), 0x5157);
		h2[i] = rte_hash_crc(&k, sizeof(k), 0x2024) | 1;
		for (unsigned row = 0; row < r->depth; row++)
			rte_prefetch0(standin_cell(r, h1[i], h2[i], row));
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned row = 0; row < r->depth; row++) {
			uint16_t *v = &standin_cell(r, h1[i], h2[i], row)->ts[0].v[SW_F_CONTACTS];

			if (r->cm == CMS_PRIVATE)
				(*v)++;
			else
				__atomic_fetch_add(v, 1, __ATOMIC_RELAXED);
		}
	rte_pktmbuf_free_bulk(m, n);
}

static uint64_t
pass(struct run *r, unsigned n)
{
	struct rte_mbuf **m = r->f->m;
	uint64_t t0 = rte_rdtsc_precise();

	for (unsigned i = 0; i < n; i += BURST) {
		unsigned nb = RTE_MIN((unsigned)BURST, n - i);

		switch (r->st) {
		case ST_BARE:	 burst_bare(r, m + i, nb); break;
		case ST_PARSE:	 burst_parse(r, m + i, nb); break;
		case ST_STANDIN: burst_standin(r, m + i, nb); break;
		case ST_LEAN:	 burst_lean(r, m + i, nb); break;
		case ST_LEAN_EARLY: burst_lean_early(r, m + i, nb); break;
		case ST_DETECT:
		case ST_MATCH:
		case ST_DETECT_MATCH:
			sw_worker_burst(r->w, m + i, (uint16_t)nb);
			if (r->w->det != NULL)
				sw_detect_tick(r->w->det, r->w);
			/* as sw_worker_main: one RCU report per loop iteration */
			if (r->w->matcher != NULL)
				sw_match_worker_quiescent(r->w);
			sw_evidence_quiescent(r->w);
			break;
		}
	}
	return rte_rdtsc_precise() - t0;
}

/* Untimed: what the control thread does with the events. */
static void
drain(struct sw_worker *w)
{
	struct sw_event ev[64];
	struct sw_match_event mev[16];

	if (w != NULL)
		while (rte_ring_sc_dequeue_burst_elem(w->ring, ev, sizeof(ev[0]), 64, NULL) > 0)
			;
	if (w != NULL && w->mring != NULL)
		while (rte_ring_sc_dequeue_burst_elem(w->mring, mev, sizeof(mev[0]), 16, NULL) > 0)
			;
	if (w != NULL && w->evid != NULL) {
		uint8_t rec[16 * 2304];
		unsigned n = RTE_MIN(16u, (unsigned)(sizeof(rec) / w->evid->stride));

		while (rte_ring_sc_dequeue_burst_elem(w->evid->ring, rec, w->evid->stride, n,
						      NULL) > 0)
			;
	}
}

/*
 * The control thread's side, for one-worker rows when a second lcore is
 * there: it drains the worker's rings on lcore 1 while the worker runs, as
 * scanwatch's control thread does, so the event ring can have its
 * production size (events.ring-size) and the worker pays what an event
 * costs in production (a slot the other core just read), not the cold
 * slots of a ring sized to hold a whole pass.
 */
static volatile bool ctl_stop;
/* measure(): no control loop beside a one-worker row (the pair rows' baseline) */
static bool ctl_off;

static int
ctl_main(void *arg)
{
	struct sw_worker *w = arg;

	while (!ctl_stop)
		drain(w);
	drain(w);
	return 0;
}

static void
barrier_wait(struct barrier *b)
{
	unsigned gen;

	if (b == NULL)
		return;
	gen = b->gen;
	if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == b->n) {
		b->count = 0;
		__atomic_store_n(&b->gen, gen + 1, __ATOMIC_RELEASE);
	} else {
		while (__atomic_load_n(&b->gen, __ATOMIC_ACQUIRE) == gen)
			rte_pause();
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, unsigned n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Paired rows: parse the frames the timed pass just handled, timed apart,
 * and keep the ratio of the two passes. Both run within a few milliseconds
 * of each other, so a host that slows the core for a while slows both
 * (the parse row, measured minutes apart, moved between 40 and 90 cycles
 * within an hour on these VMs). The first parse pass is untimed: the
 * detection state the timed pass walked has pushed frames out of the
 * caches, and the parse row's passes find them where the pass before
 * left them.
 */
static void
paired_parse(struct run *r, unsigned n, uint64_t cycles)
{
	enum stage st = r->st;
	uint64_t c;

	if (r->f->uses + 2 >= REFCNT_MAX - 2)
		rearm(r->f);
	r->f->uses += 2;
	r->st = ST_PARSE;
	pass(r, n);
	c = pass(r, n);
	r->st = st;
	if (r->nratio < PAIRED_MAX && c > 0)
		r->ratio[r->nratio++] = (double)cycles / (double)c;
}

static void
untimed_pass(struct run *r, unsigned n)
{
	if (r->f->uses++ >= REFCNT_MAX - 2)
		rearm(r->f);
	pass(r, n);
	if (!r->ctl)
		drain(r->w);
}

static int
run_worker(void *arg)
{
	struct run *r = arg;
	struct feed *f = r->f;
	const struct sw_detect_stats *ds = r->w && r->w->det ? sw_detect_stats(r->w->det) : NULL;
	uint64_t done = 0, fc0 = 0, ev0 = 0, drop0 = 0, ln0 = 0, sl0 = 0;
	uint32_t npass = 0;

	if (r->mix == MIX_BG) {
		/* the flows' handshakes, once, before anything is timed */
		untimed_pass(r, build_handshakes(f, r->seed));
		build_bg(f, r->seed);
	} else if (r->mix == MIX_PAYLOAD || r->mix == MIX_IMIX) {
		untimed_pass(r, build_handshakes(f, r->seed));
		if (r->mix == MIX_PAYLOAD)
			build_payload(f, r->seed);
		else
			build_imix(f, r->seed);
	} else if (r->mix == MIX_FLOOD) {
		build_flood(f, r->seed);
	} else {
		build_scan(f, r->seed, r->mix == MIX_ONE ? 1 : SCANNERS);
	}
	for (unsigned i = 0; i < NB_MBUF; i++)
		r->r.wire_bytes += f->m[i]->pkt_len + 4;	/* + FCS */
	untimed_pass(r, NB_MBUF);	/* warm-up: page faults, caches, flows */
	{
		uint64_t wb = r->r.wire_bytes;

		memset(&r->r, 0, sizeof(r->r));
		r->r.wire_bytes = wb;	/* of the NB_MBUF frames of one pass */
	}
	struct sw_match_wstats ms0 = { 0 };
	uint64_t ec0 = 0, ed0 = 0, eh0 = 0;

	if (r->w != NULL)
		ms0 = r->w->mst;
	if (r->w != NULL && r->w->evid != NULL) {
		ec0 = r->w->evid->copies;
		ed0 = r->w->evid->ring_drops;
		eh0 = r->w->evid->hpos;
	}
	if (ds != NULL) {
		fc0 = ds->first_contacts;
		sl0 = ds->suspects_lost;
		ev0 = r->w->st.events;
		drop0 = r->w->st.ring_drops;
		ln0 = sw_sketch_lines(sw_detect_sketch(r->w->det));
	}
	while (done < r->pkts) {
		unsigned n = (unsigned)RTE_MIN((uint64_t)NB_MBUF, r->pkts - done);

		repatch(f, ++npass);
		if (r->fresh && r->w != NULL && r->w->det != NULL) {
			r->r.fc += ds->first_contacts - fc0;
			r->r.slost += ds->suspects_lost - sl0;
			r->r.events += r->w->st.events - ev0;
			r->r.lines += sw_sketch_lines(sw_detect_sketch(r->w->det)) - ln0;
			ln0 = 0;
			sw_detect_free(r->w->det);
			r->w->det = sw_detect_create(&conf, r->nw, (int)rte_socket_id());
			if (r->w->det == NULL)
				rte_panic("scanwatch-bench: cannot re-create detection state\n");
			ds = sw_detect_stats(r->w->det);
			fc0 = 0;
			sl0 = 0;
			ev0 = r->w->st.events;
		}
		if (f->uses++ >= REFCNT_MAX - 2)
			rearm(f);
		if (!r->ctl)
			drain(r->w);
		barrier_wait(r->bar);
		{
			uint64_t c = pass(r, n);
			double cp = (double)c / n;

			r->r.cycles += c;
			if (r->r.best == 0 || cp < r->r.best)
				r->r.best = cp;
			if (r->paired)
				paired_parse(r, n, c);
		}
		done += n;
	}
	r->r.pkts = done;
	r->r.xparse = median(r->ratio, r->nratio);
	if (!r->ctl)
		drain(r->w);
	if (r->w != NULL && ds != NULL) {
		r->r.fc += ds->first_contacts - fc0;
		r->r.slost += ds->suspects_lost - sl0;
		r->r.events += r->w->st.events - ev0;
		r->r.drops = r->w->st.ring_drops - drop0;
		r->r.lines += sw_sketch_lines(sw_detect_sketch(r->w->det)) - ln0;
	}
	if (r->w != NULL && r->w->evid != NULL) {
		r->r.ecopies = r->w->evid->copies - ec0;
		r->r.edrops = r->w->evid->ring_drops - ed0;
		r->r.ehist = r->w->evid->hpos - eh0;
	}
	if (r->w != NULL) {
		r->r.scanned = r->w->mst.scanned - ms0.scanned;
		r->r.scanned_bytes = r->w->mst.bytes - ms0.bytes;
		r->r.matches = r->w->mst.matches - ms0.matches;
		r->r.mdrops = r->w->mst.ring_drops - ms0.ring_drops;
	}
	return 0;
}

/* Measurements ------------------------------------------------------------- */

static struct sw_worker *
worker_new(unsigned id, unsigned nworkers, enum stage st, unsigned ring_size)
{
	struct sw_worker_params p = {
		.id = id,
		.nworkers = nworkers,
		.burst = BURST,
		.offline = false,	/* live: the TSC clock, as on a NIC */
		.detect = st != ST_MATCH,
		.ring_size = ring_size,
		.socket = (int)rte_socket_id(),
	};
	struct sw_worker *ws[1];
	char err[1024];
	struct sw_worker *w;

	w = sw_worker_create(&conf, &p, err, sizeof(err));
	if (w == NULL) {
		fprintf(stderr, "scanwatch-bench: %s\n", err);
		exit(1);
	}
	if (st == ST_MATCH || st == ST_DETECT_MATCH) {
		ws[0] = w;
		if (sw_matcher_create(&conf, ws, 1, err, sizeof(err)) == NULL) {
			fprintf(stderr, "scanwatch-bench: %s\n", err);
			exit(1);
		}
		sw_match_worker_online(w);
	}
	return w;
}

static struct sw_addr
addr4(uint32_t host)
{
	struct sw_addr a;
	uint32_t be = rte_cpu_to_be_32(host);

	memset(&a, 0, sizeof(a));
	a.b[10] = a.b[11] = 0xff;
	memcpy(&a.b[12], &be, 4);
	return a;
}

/* Evidence state as scanwatch attaches it, and the flagged set adopted
 * (before anything is timed, so the history hands nothing over). */
static void
evid_attach(struct sw_worker *w, enum mix mix)
{
	struct sw_addr a[EV_SOURCES];
	uint64_t g[EV_SOURCES];
	struct sw_flagset *s;
	char err[512];

	w->evid = sw_evidence_worker_create(&conf, w->id, (int)rte_socket_id(), err, sizeof(err));
	if (w->evid == NULL) {
		fprintf(stderr, "scanwatch-bench: %s\n", err);
		exit(1);
	}
	if (evid_mode == EV_EMPTY)
		return;
	for (unsigned k = 0; k < EV_SOURCES; k++) {
		uint32_t h = evid_mode == EV_ABSENT ? 0xc6336400u + k :	/* 198.51.100/24 */
			     mix == MIX_SCAN ? SCANNER(k) : CLIENT(k);

		a[k] = addr4(h);
		g[k] = 1;
	}
	s = sw_flagset_build(a, g, EV_SOURCES, 1);
	if (s == NULL) {
		fprintf(stderr, "scanwatch-bench: no memory for the flagged set\n");
		exit(1);
	}
	w->evid->pub = s;
	sw_evidence_adopt(w->evid, s);
}

static void
worker_free(struct sw_worker *w)
{
	if (w == NULL)
		return;
	if (w->evid != NULL)
		rte_free(w->evid->pub);
	if (w->matcher != NULL) {
		sw_match_worker_offline(w);
		sw_matcher_free(w->matcher);
	}
	sw_worker_free(w);
}

static int
cmp_cycles(const void *a, const void *b)
{
	const struct res *x = a, *y = b;
	double cx = (double)x->cycles / x->pkts, cy = (double)y->cycles / y->pkts;

	return (cx > cy) - (cx < cy);
}

/* Runs REPS times on nw workers; med[i] is worker i's median repetition. */
static void
measure(enum stage st, enum mix mix, unsigned nw, enum cms_mode cm, bool fresh,
	struct res med[2])
{
	struct res rr[2][REPS];
	size_t cms_bytes = sizeof(struct sw_cell) * conf.cms_width * conf.cms_depth;
	bool ctl = nw == 1 && rte_lcore_count() >= 2 && !ctl_off &&
		   (st == ST_DETECT || st == ST_MATCH || st == ST_DETECT_MATCH);

	for (unsigned rep = 0; rep < REPS; rep++) {
		struct barrier bar = { .n = nw };
		struct run run[2];
		struct sw_cell *shared = NULL;

		if (st == ST_STANDIN && cm >= CMS_SHARED)
			shared = rte_zmalloc("swbench_cms", cms_bytes, RTE_CACHE_LINE_SIZE);
		for (unsigned i = 0; i < nw; i++) {
			struct run *r = &run[i];

			memset(r, 0, sizeof(*r));
			r->st = st;
			r->mix = mix;
			r->cm = cm;
			r->seed = 1 + rep * 16 + i;
			r->fresh = fresh;
			r->nw = nw;
			r->pkts = pkts_opt;
			r->f = mix == MIX_IMIX ? &feed_big : &feeds[i];
			r->bar = nw > 1 ? &bar : NULL;
			r->ctl = ctl;
			/* every stage with a worker (the lean ones use its detection
			 * state); one worker: the second lcore, if any, is the
			 * control loop's */
			r->w = st != ST_BARE && st != ST_PARSE && st != ST_STANDIN ?
			       worker_new(i, nw, st, ctl ? conf.ring_size : RING_SIZE) : NULL;
			r->paired = nw == 1 && r->w != NULL;
			for (unsigned t = 0; t < SW_TS && (st == ST_LEAN || st == ST_LEAN_EARLY); t++) {
				sw_cross_init(&r->lcross[t]);
				sw_cross_set(&r->lcross[t], SW_F_TARGETS, conf.ts[t].targets);
				sw_cross_set(&r->lcross[t], SW_F_PORTS, conf.ts[t].ports);
				sw_cross_set(&r->lcross[t], SW_F_CONTACTS, conf.ts[t].contacts);
			}
			if (r->w != NULL && evid_mode != EV_OFF)
				evid_attach(r->w, mix);
			r->wmask = conf.cms_width - 1;
			r->depth = conf.cms_depth;
			if (st == ST_STANDIN)
				r->cms = shared ? shared : rte_zmalloc("swbench_cms", cms_bytes,
								       RTE_CACHE_LINE_SIZE);
			if (st == ST_STANDIN && r->cms == NULL) {
				fprintf(stderr, "scanwatch-bench: no memory for the stand-in\n");
				exit(1);
			}
		}
		if (nw > 1)
			rte_eal_remote_launch(run_worker, &run[1], rte_get_next_lcore(-1, 1, 0));
		ctl_stop = false;
		if (ctl)
			rte_eal_remote_launch(ctl_main, run[0].w, rte_get_next_lcore(-1, 1, 0));
		run_worker(&run[0]);
		ctl_stop = true;
		rte_eal_mp_wait_lcore();
		for (unsigned i = 0; i < nw; i++) {
			rr[i][rep] = run[i].r;
			worker_free(run[i].w);
			if (run[i].cms != shared)
				rte_free(run[i].cms);
		}
		rte_free(shared);
	}
	for (unsigned i = 0; i < nw; i++) {
		double xp[REPS];

		for (unsigned k = 0; k < REPS; k++)
			xp[k] = rr[i][k].xparse;
		qsort(rr[i], REPS, sizeof(rr[i][0]), cmp_cycles);
		med[i] = rr[i][REPS / 2];
		/* the median of the repetitions' paired ratios, on its own */
		med[i].xparse = median(xp, REPS);
	}
}

static double
cpp(const struct res *r)
{
	return (double)r->cycles / (double)r->pkts;
}

static double
mpps(const struct res *r)
{
	return (double)r->pkts * (double)rte_get_tsc_hz() / (double)r->cycles / 1e6;
}

static void
row(const char *stage, const char *mix, const struct res *r, double bare)
{
	printf("| %-6s | %-10s | %6.2f | %7.1f | %5.2f |", stage, mix, mpps(r), cpp(r),
	       cpp(r) / bare);
	if (strncmp(stage, "detect", 6) == 0 || strncmp(stage, "lean", 4) == 0)
		printf(" %5.1f%% | %.2f | %.2f | %.4f | %" PRIu64 " (%" PRIu64 ") | %.2f |\n",
		       100.0 * (double)r->fc / (double)r->pkts, (double)r->lines / (double)r->pkts,
		       r->fc ? (double)r->lines / (double)r->fc : 0.0,
		       (double)r->events / (double)r->pkts, r->drops, r->slost, r->xparse);
	else
		printf(" - | - | - | - | - | - |\n");
	fflush(stdout);
}

/* One one-worker row of the detection table: measure, then print it. */
static void
one_row(enum stage st, enum mix mix, bool fresh, const char *stage, const char *mixname,
	const struct res *bare)
{
	struct res m[2];
	char name[64];

	snprintf(name, sizeof(name), "%s/%s", stage, mixname);
	if (only_row != NULL && st != ST_PARSE && strcmp(name, only_row) != 0)
		return;
	measure(st, mix, 1, 0, fresh, m);
	row(stage, mixname, m, cpp(bare));
}

/* Payload mixes: what the matcher did, per packet of the timed passes. */
static void
match_row(const char *stage, const char *mix, const struct res *r, double bare)
{
	double wire = (double)r->wire_bytes / NB_MBUF;	/* mean bytes on the wire */

	printf("| %-12s | %-7s | %6.2f | %7.1f | %5.2f | %5.1f%% | %5.1f | %.5f | %" PRIu64
	       " | %6.2f |", stage, mix, mpps(r), cpp(r), cpp(r) / bare,
	       100.0 * (double)r->scanned / (double)r->pkts,
	       r->scanned ? (double)r->scanned_bytes / (double)r->scanned : 0.0,
	       (double)r->matches / (double)r->pkts, r->mdrops,
	       /* Gbit/s on the wire: frame + 20 bytes of preamble and gap */
	       mpps(r) * (wire + 20) * 8 / 1000);
	if (r->xparse > 0)
		printf(" %.2f |\n", r->xparse);
	else
		printf(" - |\n");
	fflush(stdout);
}

static void
payload_table(enum mix mix, const char *name)
{
	double bare;
	struct res m[2];

	/* x bare: against this mix's own bare loop */
	measure(ST_BARE, mix, 1, 0, false, m);
	bare = cpp(m);
	match_row("bare", name, m, bare);
	measure(ST_PARSE, mix, 1, 0, false, m);
	match_row("parse", name, m, bare);
	measure(ST_DETECT, mix, 1, 0, false, m);
	match_row("detect", name, m, bare);
	if (rules_file == NULL)
		return;
	measure(ST_MATCH, mix, 1, 0, false, m);
	match_row("parse+match", name, m, bare);
	measure(ST_DETECT_MATCH, mix, 1, 0, false, m);
	match_row("detect+match", name, m, bare);
}

static void
evid_row(const char *mix, const char *what, const struct res *r, double off)
{
	printf("| %-10s | %-26s | %6.2f | %7.1f | %7.1f | %+6.1f | %.4f | %.4f | %" PRIu64 " |\n",
	       mix, what, mpps(r), cpp(r), r->best, r->best - off,
	       (double)r->ehist / (double)r->pkts, (double)r->ecopies / (double)r->pkts, r->edrops);
	fflush(stdout);
}

static void
evid_table(enum mix mix, const char *name)
{
	static const char *const what[] = {
		[EV_OFF] = "off", [EV_EMPTY] = "on, nothing flagged",
		[EV_ABSENT] = "on, 16 flagged, not here", [EV_FLAGGED] = "on, 16 flagged, here",
	};
	struct res m[2];
	double off = 0;

	for (unsigned e = EV_OFF; e <= EV_FLAGGED; e++) {
		evid_mode = (enum evid)e;
		measure(ST_DETECT, mix, 1, 0, false, m);
		if (e == EV_OFF)
			off = m[0].best;
		evid_row(name, what[e], m, off);
	}
	evid_mode = EV_OFF;
}

/* alone: cycles per packet of the same work on one worker, measured just
 * before (0: this is that row) */
static void
pair_row(const char *what, const struct res *m, unsigned nw, double alone)
{
	printf("| %-47s | %6.2f | %6.2f | %7.1f | %7.1f |", what, mpps(&m[0]),
	       nw > 1 ? mpps(&m[1]) : 0.0, cpp(&m[0]), nw > 1 ? cpp(&m[1]) : 0.0);
	if (nw > 1 && alone > 0)
		printf(" %+5.1f%% | %+5.1f%% |\n", 100 * (cpp(&m[0]) / alone - 1),
		       100 * (cpp(&m[1]) / alone - 1));
	else
		printf(" - | - |\n");
	fflush(stdout);
}

/* Start -------------------------------------------------------------------- */

static void
usage(FILE *out)
{
	fputs("usage: scanwatch-bench [--packets N] [--mix scan|flood|background|payload|imix|all]\n"
	      "                       [--rules FILE] [--hugepages] [--burst N] [--evidence]\n"
	      "  --packets N   packets per measurement and repetition (default 20000000)\n"
	      "  --mix M       traffic for the detect rows (scan includes flood); pairs run\n"
	      "                on scan (default all)\n"
	      "  --rules FILE  payload rules for the payload and IMIX rows (match stages)\n"
	      "  --lcores MAP  EAL --lcores for the two lcores (default 0-1; 0@1,1@0 puts\n"
	      "                the measuring lcore 0 on CPU 1)\n"
	      "  --hugepages   use hugepages when /proc/sys/vm/nr_hugepages > 0\n"
	      "  --burst N     packets per worker call, as capture.burst (default 32)\n"
	      "  --evidence    also the detect rows with evidence captures: off, on with\n"
	      "                nothing flagged, 16 flagged not in the mix, 16 in it\n"
	      "  --row S/M     only that detect or lean row (e.g. detect/scan-fresh),\n"
	      "                with the bare and parse rows; no pairs (for profiling)\n"
	      "  --set KEY=VAL a configuration key, as scanwatch --set (e.g. sketch sizes:\n"
	      "                --set sketch.filter-bits=22)\n", out);
}

/* How much of our memory the kernel backed with (transparent) huge pages. */
static long
thp_kib(void)
{
	char line[256];
	long kib = 0, v;
	FILE *fp = fopen("/proc/self/smaps_rollup", "r");

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "AnonHugePages: %ld", &v) == 1 ||
		    sscanf(line, "ShmemPmdMapped: %ld", &v) == 1)
			kib += v;
	fclose(fp);
	return kib;
}

static int
init_eal(bool huge)
{
	char prefix[64], *argv[16];
	int argc = 0;
	FILE *fp = fopen("/proc/sys/vm/nr_hugepages", "r");
	long nr = 0;

	if (fp != NULL) {
		if (fscanf(fp, "%ld", &nr) != 1)
			nr = 0;
		fclose(fp);
	}
	if (huge && nr <= 0) {
		fprintf(stderr, "scanwatch-bench: no hugepages reserved; using --no-huge\n");
		huge = false;
	}
	snprintf(prefix, sizeof(prefix), "--file-prefix=swbench-%d", (int)getpid());
	argv[argc++] = "scanwatch-bench";
	argv[argc++] = "--log-level=lib.eal:error";
	argv[argc++] = "--lcores";
	argv[argc++] = (char *)lcores;
	argv[argc++] = "-m";
	argv[argc++] = "1024";
	argv[argc++] = "--no-pci";
	argv[argc++] = "--no-shconf";
	argv[argc++] = "--no-telemetry";
	argv[argc++] = prefix;
	if (!huge)
		argv[argc++] = "--no-huge";
	else	/* -m's pages otherwise stay in the hugetlbfs mount after exit */
		argv[argc++] = "--huge-unlink";
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0)
		return -1;
	mem_kind = huge ? "hugepages" : "--no-huge (4 KiB pages)";
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "packets", required_argument, NULL, 'p' },
		{ "mix", required_argument, NULL, 'x' },
		{ "rules", required_argument, NULL, 'R' },
		{ "lcores", required_argument, NULL, 'L' },
		{ "hugepages", no_argument, NULL, 'H' },
		{ "set", required_argument, NULL, 'S' },
		{ "burst", required_argument, NULL, 'B' },
		{ "evidence", no_argument, NULL, 'E' },
		{ "row", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct res bare, m[2];
	bool huge = false, pairs;
	const char *sets[16];
	unsigned nset = 0;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			pkts_opt = strtoull(optarg, NULL, 0);
			if (pkts_opt < BURST) {
				fprintf(stderr, "scanwatch-bench: --packets must be >= %u\n", BURST);
				return 2;
			}
			break;
		case 'x':
			do_scan = strcmp(optarg, "scan") == 0 || strcmp(optarg, "all") == 0;
			do_flood = do_scan || strcmp(optarg, "flood") == 0;
			do_bg = strcmp(optarg, "background") == 0 || strcmp(optarg, "all") == 0;
			do_payload = strcmp(optarg, "payload") == 0 || strcmp(optarg, "all") == 0;
			do_imix = strcmp(optarg, "imix") == 0 || strcmp(optarg, "all") == 0;
			if (!do_scan && !do_flood && !do_bg && !do_payload && !do_imix) {
				usage(stderr);
				return 2;
			}
			break;
		case 'R': rules_file = optarg; break;
		case 'L': lcores = optarg; break;
		case 'B':
			BURST = (unsigned)strtoul(optarg, NULL, 0);
			if (BURST < 1 || BURST > SW_BURST_MAX) {
				fprintf(stderr, "scanwatch-bench: --burst takes 1..%d\n",
					SW_BURST_MAX);
				return 2;
			}
			break;
		case 'H': huge = true; break;
		case 'E': do_evid = true; break;
		case 'O': only_row = optarg; break;
		case 'S':
			if (nset == RTE_DIM(sets)) {
				fprintf(stderr, "scanwatch-bench: at most %zu --set\n", RTE_DIM(sets));
				return 2;
			}
			sets[nset++] = optarg;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (init_eal(huge) < 0) {
		fprintf(stderr, "scanwatch-bench: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	pairs = do_scan && only_row == NULL && rte_lcore_count() >= 2;
	sw_conf_defaults(&conf);
	for (unsigned i = 0; i < nset; i++) {
		char err[256];

		if (sw_conf_set(&conf, sets[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "scanwatch-bench: --set %s: %s\n", sets[i], err);
			return 2;
		}
	}
	if (rules_file != NULL) {
		if (strlen(rules_file) >= SW_MAX_STR) {
			fprintf(stderr, "scanwatch-bench: --rules path too long\n");
			return 2;
		}
		conf.rule_files.n = 1;
		memcpy(conf.rule_files.v[0], rules_file, strlen(rules_file) + 1);
	}
	if (feed_init(&feeds[0], 0, 1024) != 0 || (pairs && feed_init(&feeds[1], 1, 1024) != 0) ||
	    (do_imix && feed_init(&feed_big, 2, 2048) != 0)) {
		fprintf(stderr, "scanwatch-bench: cannot build the mbuf arrays: give EAL more "
			"memory\n");
		return 1;
	}

	struct sw_detect *d = sw_detect_create(&conf, 1, (int)rte_socket_id());

	printf("TSC %.3f GHz; %" PRIu64 " packets per measurement, median of %d; "
	       "burst %u; %d mbufs of %d-byte frames per worker; memory: %s\n\n",
	       rte_get_tsc_hz() / 1e9, pkts_opt, REPS, BURST, NB_MBUF, FRAME_LEN, mem_kind);
	printf("Memory: detection state (sw_sketch_bytes) %.1f MiB per worker; "
	       "mempool %.1f MiB per worker (%d mbufs); struct sw_worker %zu bytes\n\n",
	       sw_sketch_bytes(sw_detect_sketch(d)) / 1048576.0,
	       feeds[0].pool_bytes / 1048576.0, NB_MBUF + 1024, sizeof(struct sw_worker));
	if (rte_lcore_count() >= 2)
		printf("Events: one-worker rows: ring of %u (events.ring-size, %.2f MiB) drained "
		       "by a control loop on lcore 1 while the worker runs; two-worker rows: "
		       "ring of %d drained between passes\n\n", conf.ring_size,
		       rte_ring_get_memsize_elem(sizeof(struct sw_event), conf.ring_size) /
		       1048576.0, RING_SIZE);
	else
		printf("Events: ring of %d (%.1f MiB) drained between passes (one lcore: no "
		       "control loop)\n\n", RING_SIZE,
		       rte_ring_get_memsize_elem(sizeof(struct sw_event), RING_SIZE) / 1048576.0);
	sw_detect_free(d);

	printf("| stage  | mix        | Mpps   | cyc/pkt | x bare | first contacts | "
	       "lines/pkt | lines/first contact | events/pkt | ring drops (suspects) | "
	       "x parse, paired |\n");
	printf("|--------|------------|-------:|--------:|------:|------:|------:|------:|"
	       "------:|------:|------:|\n");
	measure(ST_BARE, MIX_SCAN, 1, 0, false, m);
	bare = m[0];
	row("bare", "scan", &bare, cpp(&bare));
	if (do_scan) {
		one_row(ST_PARSE, MIX_SCAN, false, "parse", "scan", &bare);
		one_row(ST_DETECT, MIX_SCAN, false, "detect", "scan", &bare);
		one_row(ST_DETECT, MIX_SCAN, true, "detect", "scan-fresh", &bare);
		one_row(ST_LEAN, MIX_SCAN, false, "lean", "scan", &bare);
		one_row(ST_LEAN, MIX_SCAN, true, "lean", "scan-fresh", &bare);
		one_row(ST_LEAN_EARLY, MIX_SCAN, false, "lean-e", "scan", &bare);
		one_row(ST_LEAN_EARLY, MIX_SCAN, true, "lean-e", "scan-fresh", &bare);
		/* one source: counted by sample past detect.heavy-sample-from,
		 * and with every target and port tested (heavy-sample 1) */
		one_row(ST_DETECT, MIX_ONE, false, "detect", "one-source", &bare);
		{
			uint32_t hs = conf.heavy_sample;

			conf.heavy_sample = 1;
			one_row(ST_DETECT, MIX_ONE, false, "detect", "one-src/1", &bare);
			conf.heavy_sample = hs;
		}
	}
	if (do_flood) {
		one_row(ST_PARSE, MIX_FLOOD, false, "parse", "flood", &bare);
		one_row(ST_DETECT, MIX_FLOOD, false, "detect", "flood", &bare);
		one_row(ST_LEAN, MIX_FLOOD, false, "lean", "flood", &bare);
		one_row(ST_LEAN_EARLY, MIX_FLOOD, false, "lean-e", "flood", &bare);
	}
	if (do_bg) {
		one_row(ST_PARSE, MIX_BG, false, "parse", "background", &bare);
		one_row(ST_DETECT, MIX_BG, false, "detect", "background", &bare);
	}
	if (do_payload || do_imix) {
		printf("\nPayload rules%s%s: payload-heavy 64-byte mix and IMIX 7:4:1; scanned = "
		       "packets handed to Hyperscan, bytes = per scanned packet (rules.max-bytes "
		       "%u)\n\n", rules_file ? " " : " (no --rules: no match rows)",
		       rules_file ? rules_file : "", conf.rule_max_bytes);
		printf("| stage        | mix     | Mpps   | cyc/pkt | x bare | scanned | bytes | "
		       "matches/pkt | match drops | Gbit/s | x parse, paired |\n");
		printf("|--------------|---------|-------:|--------:|------:|------:|------:|"
		       "------:|------:|------:|------:|\n");
		if (do_payload)
			payload_table(MIX_PAYLOAD, "payload");
		if (do_imix)
			payload_table(MIX_IMIX, "imix");
	}
	if (do_evid && (do_scan || do_bg)) {
		printf("\nEvidence captures (--evidence; evidence.snaplen %u, evidence.history %u, "
		       "evidence.ring-size %u): the detect stage with the worker's evidence path; "
		       "best = cycles per packet of the fastest pass (of 65,536 packets), +best "
		       "against off's; history = probe headers kept per "
		       "packet, copies = records sent to the control thread per packet\n\n",
		       conf.evid_snaplen, conf.evid_history, conf.evid_ring_size);
		printf("| mix        | evidence                   | Mpps   | cyc/pkt | best    | +best  | "
		       "history/pkt | copies/pkt | ring drops |\n");
		printf("|------------|----------------------------|-------:|--------:|--------:|"
		       "-------:|------:|------:|------:|\n");
		if (do_scan)
			evid_table(MIX_SCAN, "scan");
		if (do_bg)
			evid_table(MIX_BG, "background");
	}
	if (pairs) {
		printf("\nAcross queues, scan mix, %u vCPUs (lcores 0 and 1 at once):\n\n",
		       rte_lcore_count());
		double alone;

		printf("| run | w0 Mpps | w1 Mpps | w0 cyc/pkt | w1 cyc/pkt | w0 vs alone | "
		       "w1 vs alone |\n");
		printf("|-----|-------:|-------:|--------:|--------:|------:|------:|\n");
		/* alone as the pair runs: events drained between passes, no
		 * control loop on the other lcore */
		ctl_off = true;
		measure(ST_DETECT, MIX_SCAN, 1, 0, true, m);
		ctl_off = false;
		alone = cpp(&m[0]);
		pair_row("real path, 1 worker alone, fresh per pass", m, 1, 0);
		measure(ST_DETECT, MIX_SCAN, 2, 0, true, m);
		pair_row("real path, a sketch per worker, fresh per pass", m, 2, alone);
		measure(ST_STANDIN, MIX_SCAN, 1, CMS_PRIVATE, false, m);
		alone = cpp(&m[0]);
		pair_row("stand-in, 1 worker alone, private", m, 1, 0);
		measure(ST_STANDIN, MIX_SCAN, 2, CMS_PRIVATE, false, m);
		pair_row("stand-in, private arrays, plain ++", m, 2, alone);
		measure(ST_STANDIN, MIX_SCAN, 2, CMS_PRIVATE_ATOMIC, false, m);
		pair_row("stand-in, private arrays, atomic add", m, 2, alone);
		measure(ST_STANDIN, MIX_SCAN, 2, CMS_SHARED, false, m);
		pair_row("stand-in, one shared array, atomic, tuple key", m, 2, alone);
		measure(ST_STANDIN, MIX_SCAN, 2, CMS_SHARED_SRC, false, m);
		pair_row("stand-in, one shared array, atomic, source key", m, 2, alone);
	}
	printf("\nMemory backed by huge pages at the end: %ld MiB\n", thp_kib() / 1024);
	rte_eal_cleanup();
	{
		/* EAL leaves its (empty) runtime directory behind */
		char dir[64];

		snprintf(dir, sizeof(dir), "/var/run/dpdk/swbench-%d", (int)getpid());
		rmdir(dir);
	}
	return 0;
}
