/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for src/detect/: packet roles and fingerprints on frames built
 * byte by byte and parsed with sw_parse(), the TRW threshold, the kind
 * decision (sw_decide_kind), and the worker path end to end without a NIC
 * (mbufs from a mempool through sw_worker_burst to the event ring).
 * Needs DPDK memory: runs EAL without hugepages or PCI. Exit status is
 * nonzero if any check failed.
 */

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <scanwatch/conf.h>
#include <scanwatch/detect.h>
#include <scanwatch/event.h>
#include <scanwatch/pkt.h>
#include <scanwatch/sketch.h>
#include <scanwatch/worker.h>
#include "detect/decide.h"
#include "sketch/sketch_int.h"	/* sw_cross_lanes(): the worker's vector threshold test */

/* ---------------------------------------------------------------------- */
/* checks */

#include "check.h"
#include "eal.h"

/* ---------------------------------------------------------------------- */
/* frame builder: Ethernet, IPv4/IPv6, then an L4 header and payload */

struct frame {
	uint8_t b[512];
	uint32_t n;
};

static void
put(struct frame *f, const void *p, uint32_t n)
{
	if (f->n + n > sizeof(f->b)) {
		fprintf(stderr, "test_detect: frame too large\n");
		exit(2);
	}
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void
u8(struct frame *f, uint8_t v)
{
	put(f, &v, 1);
}

static void
u16(struct frame *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(f, b, 2);
}

static void
u32(struct frame *f, uint32_t v)
{
	u16(f, (uint16_t)(v >> 16));
	u16(f, (uint16_t)v);
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void
eth(struct frame *f, uint16_t type)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };

	f->n = 0;
	put(f, macs, sizeof(macs));
	u16(f, type);
}

/* IPv4 header for an L4 part of l4len bytes (no options). */
static void
ip4h(struct frame *f, uint8_t proto, uint32_t src, uint32_t dst, uint16_t id, uint16_t l4len)
{
	u8(f, 0x45);
	u8(f, 0);
	u16(f, (uint16_t)(20 + l4len));
	u16(f, id);
	u16(f, 0);
	u8(f, 64);
	u8(f, proto);
	u16(f, 0);
	u32(f, src);
	u32(f, dst);
}

static void
ip6h(struct frame *f, uint8_t nh, uint8_t src_last, uint8_t dst_last, uint16_t l4len)
{
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	u32(f, 0x60000000);
	u16(f, l4len);
	u8(f, nh);
	u8(f, 64);
	a[15] = src_last;
	put(f, a, 16);
	a[15] = dst_last;
	put(f, a, 16);
}

/* TCP options as sent by Linux connect(): MSS, SACK-permitted, TS, NOP, WS */
static const uint8_t OPT_LINUX[20] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
};
static const uint8_t OPT_MSS1460[4] = { 2, 4, 0x05, 0xb4 };

struct tcpx {
	uint16_t sport, dport, win, ip_id;
	uint32_t seq, ack;
	uint8_t flags;
	const uint8_t *opt;
	uint8_t optlen;		/* multiple of 4 */
	uint16_t payload;
};

/* The TCP header, its options and payload bytes of t. */
static void
tcp_body(struct frame *f, const struct tcpx *t)
{
	u16(f, t->sport);
	u16(f, t->dport);
	u32(f, t->seq);
	u32(f, t->ack);
	u8(f, (uint8_t)((5 + t->optlen / 4) << 4));
	u8(f, t->flags);
	u16(f, t->win);
	u16(f, 0);
	u16(f, 0);
	if (t->optlen)
		put(f, t->opt, t->optlen);
	for (unsigned i = 0; i < t->payload; i++)
		u8(f, 'x');
}

static void
tcp4(struct frame *f, uint32_t src, uint32_t dst, const struct tcpx *t)
{
	uint16_t l4 = (uint16_t)(20 + t->optlen + t->payload);

	eth(f, 0x0800);
	ip4h(f, IPPROTO_TCP, src, dst, t->ip_id, l4);
	tcp_body(f, t);
}

static void
tcp4s(struct frame *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
      uint8_t flags)
{
	struct tcpx t = { .sport = sport, .dport = dport, .win = 29200, .ip_id = 1,
			  .seq = 1000, .ack = flags & SW_TCP_ACK ? 2000 : 0, .flags = flags };

	tcp4(f, src, dst, &t);
}

static void
icmp4(struct frame *f, uint32_t src, uint32_t dst, uint8_t type, uint8_t code,
      const struct frame *quote)
{
	uint16_t l4 = (uint16_t)(8 + (quote ? quote->n : 0));

	eth(f, 0x0800);
	ip4h(f, IPPROTO_ICMP, src, dst, 7, l4);
	u8(f, type);
	u8(f, code);
	u16(f, 0);
	u16(f, 0x1234);		/* echo: identifier; errors: unused */
	u16(f, 1);
	if (quote)
		put(f, quote->b, quote->n);
}

static void
sctp4(struct frame *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
      uint8_t chunk)
{
	eth(f, 0x0800);
	ip4h(f, IPPROTO_SCTP, src, dst, 3, 12 + 20);
	u16(f, sport);
	u16(f, dport);
	u32(f, chunk == 1 ? 0 : 0xdeadbeef);	/* verification tag */
	u32(f, 0);				/* checksum (not checked) */
	u8(f, chunk);
	u8(f, 0);
	u16(f, 20);
	for (int i = 0; i < 16; i++)
		u8(f, 0);
}

static bool
parse(const struct frame *f, struct sw_pkt *p)
{
	enum sw_perr e = sw_parse(f->b, f->n, p);

	CHECK(e == SW_PERR_OK, "frame did not parse: %s", sw_perr_names[e]);
	return e == SW_PERR_OK;
}

static struct sw_addr
v4(uint32_t a)
{
	struct sw_addr x;

	memset(&x, 0, sizeof(x));
	x.b[10] = x.b[11] = 0xff;
	x.w[3] = __builtin_bswap32(a);
	return x;
}

static bool
addr_eq(const struct sw_addr *a, const struct sw_addr *b)
{
	return a != NULL && memcmp(a, b, sizeof(*a)) == 0;
}

#define SCANNER	IP(10, 0, 0, 1)
#define TARGET	IP(10, 0, 0, 2)

/* Role of a frame, with the packet kept for pointer checks. */
static struct sw_pkt rp;
static struct sw_role_info rr;

static bool
role_of(const struct frame *f)
{
	memset(&rr, 0xa5, sizeof(rr));	/* sw_role must set every field it reports */
	if (!parse(f, &rp))
		return false;
	sw_role(&rp, &rr);
	return true;
}

/* ---------------------------------------------------------------------- */
/* roles */

static void
syn_is_probe_with_technique_syn(void)
{
	struct frame f;
	struct sw_addr s = v4(SCANNER), t = v4(TARGET);

	tcp4s(&f, SCANNER, TARGET, 40000, 22, SW_TCP_SYN);
	if (!role_of(&f))
		return;
	CHECK(rr.role == SW_ROLE_PROBE, "role %u", rr.role);
	CHECK(rr.technique == SW_T_SYN, "technique %s", sw_technique_names[rr.technique]);
	CHECK(rr.cls == SW_C_TCP && rr.proto == IPPROTO_TCP, "cls %u proto %u", rr.cls, rr.proto);
	CHECK(rr.port == 22, "port %u", rr.port);
	CHECK(addr_eq(rr.scanner, &s) && addr_eq(rr.target, &t), "scanner/target not src/dst");
}

static void
syn_with_kernel_options_is_connect(void)
{
	struct frame f;
	struct tcpx t = { .sport = 40001, .dport = 80, .win = 64240, .seq = 5,
			  .flags = SW_TCP_SYN, .opt = OPT_LINUX, .optlen = 20 };

	tcp4(&f, SCANNER, TARGET, &t);
	if (!role_of(&f))
		return;
	CHECK(rr.role == SW_ROLE_PROBE, "role %u", rr.role);
	CHECK(rr.technique == SW_T_CONNECT, "technique %s (nopts %u)",
	      sw_technique_names[rr.technique], rp.tcp_nopts);
}

static void
fin_null_xmas_are_probes(void)
{
	static const struct { uint8_t flags; uint8_t tech; } c[] = {
		{ SW_TCP_FIN, SW_T_FIN },
		{ 0, SW_T_NULL },
		{ SW_TCP_FIN | SW_TCP_PSH | SW_TCP_URG, SW_T_XMAS },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct frame f;

		tcp4s(&f, SCANNER, TARGET, 40000, 443, c[i].flags);
		if (!role_of(&f))
			continue;
		CHECK(rr.role == SW_ROLE_PROBE, "flags 0x%02x: role %u", c[i].flags, rr.role);
		CHECK(rr.technique == c[i].tech, "flags 0x%02x: technique %s", c[i].flags,
		      sw_technique_names[rr.technique]);
		CHECK(rr.port == 443, "flags 0x%02x: port %u", c[i].flags, rr.port);
	}
}

static void
fin_ack_is_maybe_maimon_and_bare_ack_is_maybe_ack(void)
{
	struct frame f;

	tcp4s(&f, SCANNER, TARGET, 40000, 80, SW_TCP_FIN | SW_TCP_ACK);
	if (role_of(&f)) {
		CHECK(rr.role == SW_ROLE_MAYBE, "FIN+ACK role %u", rr.role);
		CHECK(rr.technique == SW_T_MAIMON, "FIN+ACK technique %s",
		      sw_technique_names[rr.technique]);
	}
	tcp4s(&f, SCANNER, TARGET, 40000, 80, SW_TCP_ACK);
	if (role_of(&f)) {
		CHECK(rr.role == SW_ROLE_MAYBE, "ACK role %u", rr.role);
		CHECK(rr.technique == SW_T_ACK, "ACK technique %s", sw_technique_names[rr.technique]);
	}
}

static void
synack_is_positive_for_the_destination(void)
{
	struct frame f;
	struct sw_addr s = v4(SCANNER), t = v4(TARGET);

	tcp4s(&f, TARGET, SCANNER, 22, 40000, SW_TCP_SYN | SW_TCP_ACK);
	if (!role_of(&f))
		return;
	CHECK(rr.role == SW_ROLE_POS, "role %u", rr.role);
	CHECK(rr.scanner == &rp.dst && addr_eq(rr.scanner, &s), "scanner is not the packet's dst");
	CHECK(addr_eq(rr.target, &t), "target is not the packet's src");
	CHECK(rr.port == 22, "port %u (want the responder's port)", rr.port);
}

static void
rst_is_negative_for_the_destination(void)
{
	struct frame f;
	struct sw_addr s = v4(SCANNER);

	tcp4s(&f, TARGET, SCANNER, 23, 40000, SW_TCP_RST | SW_TCP_ACK);
	if (!role_of(&f))
		return;
	CHECK(rr.role == SW_ROLE_NEG && rr.negative_kind == 1, "role %u kind %u", rr.role,
	      rr.negative_kind);
	CHECK(rr.scanner == &rp.dst && addr_eq(rr.scanner, &s), "scanner is not the packet's dst");
	CHECK(rr.port == 23, "port %u", rr.port);
}

static void
icmp_echo_request_is_probe_and_reply_is_positive(void)
{
	struct frame f;
	struct sw_addr s = v4(SCANNER);

	icmp4(&f, SCANNER, TARGET, 8, 0, NULL);
	if (role_of(&f)) {
		CHECK(rr.role == SW_ROLE_PROBE && rr.technique == SW_T_ICMP_ECHO,
		      "request: role %u technique %s", rr.role, sw_technique_names[rr.technique]);
		CHECK(rr.cls == SW_C_ICMP && rr.port == 8, "request: cls %u port %u", rr.cls, rr.port);
	}
	icmp4(&f, TARGET, SCANNER, 0, 0, NULL);
	if (role_of(&f)) {
		CHECK(rr.role == SW_ROLE_POS, "reply: role %u", rr.role);
		CHECK(addr_eq(rr.scanner, &s), "reply: scanner is not the requester");
		CHECK(rr.port == 8, "reply: port %u (want the request type)", rr.port);
	}
}

static void
port_unreachable_blames_the_quoted_sender(void)
{
	struct frame f, q;
	struct sw_addr s = v4(SCANNER), t = v4(TARGET);

	/* the UDP probe as the target received it */
	q.n = 0;
	ip4h(&q, IPPROTO_UDP, SCANNER, TARGET, 99, 8);
	u16(&q, 40000);
	u16(&q, 161);
	u16(&q, 8);
	u16(&q, 0);
	/* relayed by a router: the outer source is neither party */
	icmp4(&f, IP(192, 0, 2, 1), IP(10, 9, 9, 9), 3, 3, &q);
	if (!role_of(&f))
		return;
	CHECK(rr.role == SW_ROLE_NEG && rr.negative_kind == 2, "role %u kind %u", rr.role,
	      rr.negative_kind);
	CHECK(rr.cls == SW_C_UDP && rr.proto == IPPROTO_UDP, "cls %u proto %u", rr.cls, rr.proto);
	CHECK(addr_eq(rr.scanner, &s), "scanner is not the quoted source");
	CHECK(addr_eq(rr.target, &t), "target is not the quoted destination");
	CHECK(rr.port == 161, "port %u (want the quoted dst port)", rr.port);
}

static void
icmpv6_echo_request_is_probe(void)
{
	struct frame f;

	eth(&f, 0x86dd);
	ip6h(&f, IPPROTO_ICMPV6, 1, 2, 8);
	u8(&f, 128);
	u8(&f, 0);
	u16(&f, 0);
	u16(&f, 1);
	u16(&f, 1);
	if (!role_of(&f))
		return;
	CHECK(rr.role == SW_ROLE_PROBE && rr.technique == SW_T_ICMP_ECHO,
	      "role %u technique %s", rr.role, sw_technique_names[rr.technique]);
	CHECK(rr.cls == SW_C_ICMP && rr.port == 128, "cls %u port %u", rr.cls, rr.port);
}

static void
udp4(struct frame *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint16_t len)
{
	eth(f, 0x0800);
	ip4h(f, IPPROTO_UDP, src, dst, 5, (uint16_t)(8 + len));
	u16(f, sport);
	u16(f, dport);
	u16(f, (uint16_t)(8 + len));
	u16(f, 0);
	for (unsigned i = 0; i < len; i++)
		u8(f, 0);
}

/*
 * LLMNR, mDNS, SSDP, NetBIOS-NS and DHCP clients ask a group; members
 * answer by unicast from the service port to the client's port. Those
 * answers are not probes of the client (a Windows host resolving names
 * was alerted as a UDP filtered portscan by its router). A probe of the
 * same service port, or a datagram from it to a service port, still is.
 */
static void
answers_to_group_queries_are_no_probes(void)
{
	static const struct {
		uint16_t sport, dport;
		bool answer;
	} cases[] = {
		{ 5355, 51385, true }, { 5353, 40001, true }, { 1900, 50123, true },
		{ 137, 61000, true }, { 67, 68, true }, { 547, 546, true },
		{ 40000, 5355, false },	/* the query, or a probe of LLMNR */
		{ 5355, 53, false },	/* from 5355 to a service port: a probe */
		{ 67, 69, false }, { 53, 40000, false },
	};
	struct frame f;

	for (size_t i = 0; i < RTE_DIM(cases); i++) {
		udp4(&f, TARGET, SCANNER, cases[i].sport, cases[i].dport, 40);
		if (!role_of(&f))
			return;
		if (cases[i].answer)
			CHECK(rr.role == SW_ROLE_NONE, "%u -> %u: role %u, not an answer",
			      cases[i].sport, cases[i].dport, rr.role);
		else
			CHECK(rr.role == SW_ROLE_MAYBE, "%u -> %u: role %u", cases[i].sport,
			      cases[i].dport, rr.role);
	}
}

static void
sctp_init_probe_init_ack_positive_abort_negative(void)
{
	struct frame f;
	struct sw_addr s = v4(SCANNER);

	sctp4(&f, SCANNER, TARGET, 5000, 3868, 1);
	if (role_of(&f)) {
		CHECK(rr.role == SW_ROLE_PROBE && rr.technique == SW_T_SCTP_INIT,
		      "INIT: role %u technique %s", rr.role, sw_technique_names[rr.technique]);
		CHECK(rr.cls == SW_C_SCTP && rr.port == 3868, "INIT: cls %u port %u", rr.cls, rr.port);
	}
	sctp4(&f, TARGET, SCANNER, 3868, 5000, 2);
	if (role_of(&f)) {
		CHECK(rr.role == SW_ROLE_POS, "INIT-ACK: role %u", rr.role);
		CHECK(addr_eq(rr.scanner, &s) && rr.port == 3868, "INIT-ACK: scanner/port %u", rr.port);
	}
	sctp4(&f, TARGET, SCANNER, 3868, 5000, 6);
	if (role_of(&f)) {
		CHECK(rr.role == SW_ROLE_NEG, "ABORT: role %u", rr.role);
		CHECK(addr_eq(rr.scanner, &s) && rr.port == 3868, "ABORT: scanner/port %u", rr.port);
	}
}

static void
unknown_ip_protocol_is_maybe_with_protocol_as_port(void)
{
	struct frame f;

	eth(&f, 0x0800);
	ip4h(&f, 253, SCANNER, TARGET, 5, 0);
	if (!role_of(&f))
		return;
	CHECK(rr.role == SW_ROLE_MAYBE && rr.technique == SW_T_IPPROTO,
	      "role %u technique %s", rr.role, sw_technique_names[rr.technique]);
	CHECK(rr.cls == SW_C_IP && rr.port == 253, "cls %u port %u", rr.cls, rr.port);
}

static void
non_ip_frames_have_no_role(void)
{
	struct frame f;

	eth(&f, 0x0806);	/* ARP */
	for (int i = 0; i < 28; i++)
		u8(&f, 0);
	if (!role_of(&f))
		return;
	CHECK(rp.af == 0, "ARP parsed as af %u", rp.af);
	CHECK(rr.role == SW_ROLE_NONE, "ARP role %u", rr.role);
}

/* ---------------------------------------------------------------------- */
/* fingerprints: shapes from each tool's packet builder (src/detect/role.c
 * cites them) and values copied from tests/data captures; every positive
 * has near misses that must stay unknown. */

/* The IPv4 header fields the fingerprints read. */
struct ip4x {
	uint8_t ttl, tos;
	bool df;
	uint16_t id;
};

static void
ip4x_hdr(struct frame *f, const struct ip4x *x, uint8_t proto, uint32_t src, uint32_t dst,
	 uint16_t l4len)
{
	eth(f, 0x0800);
	u8(f, 0x45);
	u8(f, x->tos);
	u16(f, (uint16_t)(20 + l4len));
	u16(f, x->id);
	u16(f, x->df ? 0x4000 : 0);
	u8(f, x->ttl);
	u8(f, proto);
	u16(f, 0);
	u32(f, src);
	u32(f, dst);
}

static void
fp_tcp(struct frame *f, const struct ip4x *x, uint32_t src, uint32_t dst, const struct tcpx *t)
{
	ip4x_hdr(f, x, IPPROTO_TCP, src, dst, (uint16_t)(20 + t->optlen + t->payload));
	tcp_body(f, t);
}

/* Echo request with `len` zero bytes of data. */
static void
fp_echo(struct frame *f, const struct ip4x *x, uint32_t dst, uint8_t code, uint16_t id,
	uint16_t seq, uint16_t len)
{
	ip4x_hdr(f, x, IPPROTO_ICMP, SCANNER, dst, (uint16_t)(8 + len));
	u8(f, 8);
	u8(f, code);
	u16(f, 0);
	u16(f, id);
	u16(f, seq);
	for (unsigned i = 0; i < len; i++)
		u8(f, 0);
}

static void
fp_udp(struct frame *f, const struct ip4x *x, uint16_t sport, uint16_t dport, uint16_t len,
       uint8_t fill)
{
	ip4x_hdr(f, x, IPPROTO_UDP, SCANNER, TARGET, (uint16_t)(8 + len));
	u16(f, sport);
	u16(f, dport);
	u16(f, (uint16_t)(8 + len));
	u16(f, 0);
	for (unsigned i = 0; i < len; i++)
		u8(f, fill);
}

/* SCTP INIT: the 20-byte chunk nmap packs, plus `params` bytes of parameters. */
static void
fp_sctp_init(struct frame *f, const struct ip4x *x, uint16_t params)
{
	ip4x_hdr(f, x, IPPROTO_SCTP, SCANNER, TARGET, (uint16_t)(12 + 20 + params));
	u16(f, 0xf663);
	u16(f, 42);
	u32(f, 0);		/* verification tag: 0 in an INIT */
	u32(f, 0x18bfa314);	/* checksum (not checked) */
	u8(f, 1);
	u8(f, 0);
	u16(f, (uint16_t)(20 + params));
	u32(f, 0x6dd2c7d5);	/* initiate tag */
	u32(f, 32768);		/* a_rwnd, OS, MIS as nmap sets them */
	u16(f, 10);
	u16(f, 2048);
	u32(f, 0xa0e37257);	/* initial TSN */
	for (unsigned i = 0; i < params; i++)
		u8(f, 0);
}

static void
fp_rawip(struct frame *f, const struct ip4x *x, uint8_t proto, uint16_t len)
{
	ip4x_hdr(f, x, proto, SCANNER, TARGET, len);
	for (unsigned i = 0; i < len; i++)
		u8(f, 0);
}

static enum sw_fp
fp_of(const struct frame *f)
{
	struct sw_pkt p, q;
	enum sw_fp fp;

	if (!parse(f, &p))
		return SW_FP__MAX;
	fp = sw_fp_match(&p);
	/* the worker matches a first contact's first SW_FP_BYTES alone
	 * (hist_ent): the same answer whatever follows them */
	memset(&q, 0xa5, sizeof(q));
	memcpy(&q, &p, SW_FP_BYTES);
	if (sw_fp_match(&q) != fp)
		return SW_FP__MAX;
	return fp;
}

static enum sw_tool
fingerprint_tool(const struct frame *f)
{
	struct sw_pkt p;

	if (!parse(f, &p))
		return SW_TOOL__MAX;
	return sw_fingerprint(&p);
}

static const char *
fp_str(enum sw_fp fp)
{
	return fp == SW_FP_NONE ? "none" : fp < SW_FP__MAX ? sw_fp_evidence[fp] : "unparsed";
}

#define CHECK_FP(frame, want, what) do {					\
	enum sw_fp got_ = fp_of(frame);						\
	CHECK(got_ == (want), "%s: got %s, want %s", what, fp_str(got_),	\
	      fp_str(want));							\
} while (0)

/* OS-style option sets of current zmap (PR #799): Windows 11, Ubuntu, macOS */
static const uint8_t OPT_WIN11[12] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2 };
static const uint8_t OPT_MACOS[24] = {
	2, 4, 0x05, 0xb4, 1, 3, 3, 6, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 4, 2, 0, 0,
};

/* nmap osscan2.cc prbOpts[] 0-6 and 7 (T2-T6; T7 differs in WS 15) */
static const uint8_t OS_OPT[8][20] = {
	{ 3, 3, 10, 1, 2, 4, 5, 0xb4, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, 2 },
	{ 2, 4, 5, 0x78, 3, 3, 0, 4, 2, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0 },
	{ 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1, 1, 3, 3, 5, 1, 2, 4, 2, 0x80 },
	{ 4, 2, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 3, 3, 10, 0 },
	{ 2, 4, 2, 0x18, 4, 2, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 3, 3, 10, 0 },
	{ 2, 4, 1, 9, 4, 2, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0 },
	{ 3, 3, 10, 1, 2, 4, 5, 0xb4, 4, 2, 1, 1 },
	{ 3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, 2 },
};
static const uint8_t OS_OPT_T7[20] = {
	3, 3, 15, 1, 2, 4, 1, 9, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 4, 2,
};

#define NMAP_TTL(t) { .ttl = (t), .id = 0x558f }	/* nmap: TTL 37..59, no DF */

static void
parser_records_tcp_option_layout_df_and_tos(void)
{
	struct frame f;
	struct sw_pkt p;
	struct ip4x x = { .ttl = 64, .tos = 0x10, .df = true, .id = 7 };
	struct tcpx t = { .sport = 1, .dport = 2, .win = 64240, .flags = SW_TCP_SYN,
			  .opt = OPT_LINUX, .optlen = 20 };

	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	if (parse(&f, &p)) {
		CHECK(p.tcp_optsig == 0x24813, "Linux MSS,SACK,TS,NOP,WS layout 0x%x",
		      p.tcp_optsig);
		CHECK(p.flags & SW_PKT_F_IP4_DF, "DF not recorded");
		CHECK(p.ip_tos == 0x10, "tos 0x%x", p.ip_tos);
	}
	/* EOL ends the layout; NOPs count; padding after EOL does not */
	t.opt = OS_OPT[3];
	t.optlen = 16;
	x.df = false;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	if (parse(&f, &p)) {
		CHECK(p.tcp_optsig == 0x4830, "SACK,TS,WS,EOL layout 0x%x", p.tcp_optsig);
		CHECK(!(p.flags & SW_PKT_F_IP4_DF), "DF set on a frame without it");
	}
	t.opt = OPT_MACOS;
	t.optlen = 24;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	if (parse(&f, &p))
		CHECK(p.tcp_optsig == 0x21311840, "macOS layout keeps the first 8: 0x%x",
		      p.tcp_optsig);
}

static void
every_fingerprint_names_a_tool_and_its_evidence(void)
{
	CHECK(sw_fp_tool[SW_FP_NONE] == SW_TOOL_UNKNOWN && sw_fp_evidence[SW_FP_NONE][0] == '\0',
	      "SW_FP_NONE must name no tool");
	for (unsigned i = 1; i < SW_FP__MAX; i++) {
		CHECK(sw_fp_tool[i] != SW_TOOL_UNKNOWN && sw_fp_tool[i] < SW_TOOL__MAX,
		      "fingerprint %u names no tool", i);
		CHECK(sw_fp_evidence[i] != NULL && sw_fp_evidence[i][0] != '\0',
		      "fingerprint %u has no evidence text", i);
	}
}

static void
masscan_ip_id_is_dst_xor_port_xor_seq(void)
{
	struct frame f;
	/* masscan.pcap: 10.66.0.31 -> 10.99.0.155:22 */
	struct ip4x x = { .ttl = 255, .id = 0x629b };
	struct tcpx t = { .sport = 53026, .dport = 22, .win = 1024, .seq = 3168559638u,
			  .flags = SW_TCP_SYN };

	fp_tcp(&f, &x, IP(10, 66, 0, 31), IP(10, 99, 0, 155), &t);
	CHECK_FP(&f, SW_FP_MASSCAN_SYN, "masscan 1.3.2 SYN from the capture");
	CHECK(fingerprint_tool(&f) == SW_TOOL_MASSCAN, "tool of the masscan SYN");
	/* later masscan adds MSS 1460 to the template; --ttl does not matter */
	t.opt = OPT_MSS1460;
	t.optlen = 4;
	x.ttl = 50;
	fp_tcp(&f, &x, IP(10, 66, 0, 31), IP(10, 99, 0, 155), &t);
	CHECK_FP(&f, SW_FP_MASSCAN_SYN, "masscan SYN with MSS");
	/* its stack's RST (masscan.pcap: 10.99.0.18:80, window 1200) */
	x = (struct ip4x){ .ttl = 255, .id = 0x0be2 };
	t = (struct tcpx){ .sport = 53026, .dport = 80, .win = 1200, .seq = 1471679392u,
			   .flags = SW_TCP_RST };
	fp_tcp(&f, &x, IP(10, 66, 0, 31), IP(10, 99, 0, 18), &t);
	CHECK_FP(&f, SW_FP_MASSCAN_STACK, "masscan's RST");

	/* near misses: one bit of the IP ID, the window, the destination */
	x = (struct ip4x){ .ttl = 255, .id = 0x629b ^ 0x0100 };
	t = (struct tcpx){ .sport = 53026, .dport = 22, .win = 1024, .seq = 3168559638u,
			   .flags = SW_TCP_SYN };
	fp_tcp(&f, &x, IP(10, 66, 0, 31), IP(10, 99, 0, 155), &t);
	CHECK_FP(&f, SW_FP_NONE, "IP ID one bit off");
	x.id = 0x629b;
	t.win = 1025;
	fp_tcp(&f, &x, IP(10, 66, 0, 31), IP(10, 99, 0, 155), &t);
	CHECK_FP(&f, SW_FP_NONE, "window 1025");
	t.win = 1024;
	fp_tcp(&f, &x, IP(10, 66, 0, 31), IP(10, 99, 0, 156), &t);
	CHECK_FP(&f, SW_FP_NONE, "another destination");
}

static void
zmap_ip_id_54321_probes(void)
{
	struct frame f;
	/* zmap_syn.pcap: 10.66.0.41 -> 10.99.0.50:80 */
	struct ip4x x = { .ttl = 255, .id = 54321 };
	struct tcpx t = { .sport = 50837, .dport = 80, .win = 65535, .seq = 4073419850u,
			  .flags = SW_TCP_SYN };

	fp_tcp(&f, &x, IP(10, 66, 0, 41), IP(10, 99, 0, 50), &t);
	CHECK_FP(&f, SW_FP_ZMAP_SYN_IPID, "zmap 2.1.1 SYN from the capture");
	t.opt = OPT_MSS1460;	/* zmap 3 (PR #673), --probe-ttl lowered */
	t.optlen = 4;
	x.ttl = 64;
	fp_tcp(&f, &x, IP(10, 66, 0, 41), IP(10, 99, 0, 50), &t);
	CHECK_FP(&f, SW_FP_ZMAP_SYN_IPID, "zmap 3 SYN with MSS 1460");
	/* zmap_icmp.pcap: echo, identifier 33117, sequence 0, 12 zero bytes */
	x.ttl = 255;
	fp_echo(&f, &x, IP(10, 99, 0, 20), 0, 33117, 0, 12);
	CHECK_FP(&f, SW_FP_ZMAP_ECHO_IPID, "zmap echo from the capture");
	fp_udp(&f, &x, 40000, 53, 30, 'q');
	CHECK_FP(&f, SW_FP_ZMAP_UDP_IPID, "zmap UDP module");

	/* near misses: the raw-socket tutorial SYN (54321 but window 5840),
	 * an echo with a sequence number, UDP at TTL 64, DF set */
	t = (struct tcpx){ .sport = 1234, .dport = 80, .win = 5840, .seq = 1105024978u,
			   .flags = SW_TCP_SYN };
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "IP ID 54321 with window 5840");
	fp_echo(&f, &x, TARGET, 0, 33117, 1, 12);
	CHECK_FP(&f, SW_FP_NONE, "IP ID 54321 echo with sequence 1");
	x.ttl = 64;
	fp_udp(&f, &x, 40000, 53, 30, 'q');
	CHECK_FP(&f, SW_FP_NONE, "IP ID 54321 UDP at TTL 64");
	x = (struct ip4x){ .ttl = 255, .id = 54321, .df = true };
	t = (struct tcpx){ .sport = 50837, .dport = 80, .win = 65535, .seq = 9,
			   .flags = SW_TCP_SYN };
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "zmap SYN shape with DF");
}

static void
zmap_2024_syn_with_random_ip_id_and_os_options(void)
{
	struct frame f;
	struct ip4x x = { .ttl = 250, .id = 0x1234 };
	struct tcpx t = { .sport = 40001, .dport = 443, .win = 65535, .seq = 77,
			  .flags = SW_TCP_SYN, .opt = OPT_WIN11, .optlen = 12 };

	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_ZMAP_SYN, "Windows-style options (default since PR #855)");
	t.opt = OPT_LINUX;
	t.optlen = 20;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_ZMAP_SYN, "linux-style options");
	t.opt = OPT_MACOS;
	t.optlen = 24;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_ZMAP_SYN, "bsd-style options");
	t.opt = OPT_MSS1460;
	t.optlen = 4;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_ZMAP_SYN, "smallest-probes (MSS alone)");

	/* near misses: a Mac's own SYN (TTL 64, DF), the same at TTL 255 with
	 * DF (an initial-255 stack), a nonzero ack, window 65534 */
	x = (struct ip4x){ .ttl = 64, .id = 0x1234, .df = true };
	t.opt = OPT_MACOS;
	t.optlen = 24;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "macOS SYN");
	x.ttl = 255;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "TTL 255 with DF");
	x.df = false;
	t.ack = 5;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "ack number set on a SYN");
	t.ack = 0;
	t.win = 65534;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "window 65534");
}

static void
nmap_syn_scan_probe(void)
{
	struct frame f;
	/* nmap_syn_vertical.pcap: 10.66.0.11:47046 -> 10.99.0.5:199, TTL 58 */
	struct ip4x x = NMAP_TTL(58);
	struct tcpx t = { .sport = 47046, .dport = 199, .win = 1024, .seq = 598440231u,
			  .flags = SW_TCP_SYN, .opt = OPT_MSS1460, .optlen = 4 };

	fp_tcp(&f, &x, IP(10, 66, 0, 11), IP(10, 99, 0, 5), &t);
	CHECK_FP(&f, SW_FP_NMAP_SYN, "nmap 7.93 SYN from the capture");
	CHECK(fingerprint_tool(&f) == SW_TOOL_NMAP, "tool of the nmap SYN");
	x.ttl = 20;		/* 37 at the scanner, 17 hops away */
	t.win = 3072;		/* before nmap 5: 1024 * (ttl % 4 + 1) */
	fp_tcp(&f, &x, IP(10, 66, 0, 11), IP(10, 99, 0, 5), &t);
	CHECK_FP(&f, SW_FP_NMAP_SYN, "old nmap window, far away");

	/* near misses, one field each */
	t.win = 1024;
	x.ttl = 60;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "TTL 60 (nmap sends 59 at most)");
	x = (struct ip4x)NMAP_TTL(58);
	x.df = true;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "DF set");
	x.df = false;
	t.win = 1000;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "window 1000");
	t.win = 1024;
	t.ack = 1;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "ack number set");
	t.ack = 0;
	t.payload = 10;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "SYN with data");
	t.payload = 0;
	t.opt = OPT_LINUX;
	t.optlen = 20;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "kernel options");
	t.opt = OS_OPT[6];	/* WS,NOP,MSS,SACK,NOP,NOP: MSS 1460 but not alone */
	t.optlen = 12;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "MSS 1460 among other options");
}

static void
nmap_stealth_and_ack_probes(void)
{
	static const uint8_t noack[] = {
		SW_TCP_FIN, 0, SW_TCP_FIN | SW_TCP_PSH | SW_TCP_URG,
	};
	struct frame f;
	/* nmap_fin.pcap: TTL 44, sequence 424462368, ack 0 */
	struct ip4x x = NMAP_TTL(44);
	struct tcpx t = { .sport = 39623, .dport = 993, .win = 1024, .seq = 424462368u };

	for (size_t i = 0; i < sizeof(noack); i++) {
		t.flags = noack[i];
		fp_tcp(&f, &x, SCANNER, TARGET, &t);
		CHECK_FP(&f, SW_FP_NMAP_NOACK, "FIN/NULL/Xmas");
	}
	t.ack = 3434655412u;	/* an ack number without the ACK flag */
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "Xmas with an ack number");

	/* nmap_ack.pcap / nmap_maimon.pcap: sequence 0, the ack carries the probe */
	t = (struct tcpx){ .sport = 49585, .dport = 554, .win = 1024, .seq = 0,
			   .ack = 3434655412u, .flags = SW_TCP_ACK };
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NMAP_ACK, "ACK scan probe");
	t.flags = SW_TCP_FIN | SW_TCP_ACK;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NMAP_ACK, "Maimon probe");
	t.seq = 1;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "ACK with a sequence number (a stack's)");
	t.seq = 0;
	t.flags = SW_TCP_RST | SW_TCP_ACK;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "RST");
}

static void
nmap_ping_sctp_and_protocol_probes(void)
{
	struct frame f;
	/* nmap_sweep.pcap: echo, identifier 53162, sequence 0, no data, TTL 52 */
	struct ip4x x = NMAP_TTL(52);

	fp_echo(&f, &x, TARGET, 0, 53162, 0, 0);
	CHECK_FP(&f, SW_FP_NMAP_ECHO, "nmap echo ping");
	fp_echo(&f, &x, TARGET, 0, 53162, 0, 56);
	CHECK_FP(&f, SW_FP_NONE, "echo with ping(8)'s 56 bytes");
	fp_echo(&f, &x, TARGET, 0, 0, 0, 0);
	CHECK_FP(&f, SW_FP_NONE, "identifier 0 (nmap never sends it)");
	x.df = true;
	fp_echo(&f, &x, TARGET, 0, 53162, 0, 0);
	CHECK_FP(&f, SW_FP_NONE, "echo with DF");
	x = (struct ip4x)NMAP_TTL(64);
	fp_echo(&f, &x, TARGET, 0, 53162, 0, 0);
	CHECK_FP(&f, SW_FP_NONE, "echo at TTL 64");

	/* nmap_sctp.pcap: a bare INIT chunk, TTL 52 */
	x.ttl = 52;
	fp_sctp_init(&f, &x, 0);
	CHECK_FP(&f, SW_FP_NMAP_SCTP_INIT, "nmap SCTP INIT");
	fp_sctp_init(&f, &x, 16);
	CHECK_FP(&f, SW_FP_NONE, "INIT with parameters (a kernel's)");

	/* nmap_ipproto.pcap: a GRE (47) header alone, TTL 43 */
	x.ttl = 43;
	fp_rawip(&f, &x, 47, 0);
	CHECK_FP(&f, SW_FP_NMAP_IPPROTO, "nmap -sO bare header");
	fp_rawip(&f, &x, 47, 24);
	CHECK_FP(&f, SW_FP_NONE, "GRE carrying a packet");
	x.ttl = 64;
	fp_rawip(&f, &x, 47, 0);
	CHECK_FP(&f, SW_FP_NONE, "bare header at TTL 64");
}

static void
nmap_os_detection_tcp_probes(void)
{
	static const struct {
		uint16_t win;
		uint8_t flags, opt, optlen;
		bool df;
		enum sw_fp want;
	} c[] = {
		{ 1, SW_TCP_SYN, 0, 20, false, SW_FP_NMAP_OS_SEQ },
		{ 63, SW_TCP_SYN, 1, 20, false, SW_FP_NMAP_OS_SEQ },
		{ 4, SW_TCP_SYN, 2, 20, false, SW_FP_NMAP_OS_SEQ },
		{ 4, SW_TCP_SYN, 3, 16, false, SW_FP_NMAP_OS_SEQ },
		{ 16, SW_TCP_SYN, 4, 20, false, SW_FP_NMAP_OS_SEQ },
		{ 512, SW_TCP_SYN, 5, 16, false, SW_FP_NMAP_OS_SEQ },
		{ 3, SW_TCP_SYN | SW_TCP_ECE | SW_TCP_CWR, 6, 12, false, SW_FP_NMAP_OS_ECN },
		{ 128, 0, 7, 20, true, SW_FP_NMAP_OS_TN },
		{ 256, SW_TCP_SYN | SW_TCP_FIN | SW_TCP_URG | SW_TCP_PSH, 7, 20, false,
		  SW_FP_NMAP_OS_TN },
		{ 1024, SW_TCP_ACK, 7, 20, true, SW_FP_NMAP_OS_TN },
		{ 31337, SW_TCP_SYN, 7, 20, false, SW_FP_NMAP_OS_TN },
		{ 32768, SW_TCP_ACK, 7, 20, true, SW_FP_NMAP_OS_TN },
		{ 65535, SW_TCP_FIN | SW_TCP_PSH | SW_TCP_URG, 8, 20, false, SW_FP_NMAP_OS_TN },
	};
	struct frame f;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct ip4x x = { .ttl = 48, .df = c[i].df, .id = 0x4242 };
		struct tcpx t = { .sport = 60000, .dport = 22, .win = c[i].win,
				  .seq = 0x11223344, .ack = 0x55667788, .flags = c[i].flags,
				  .opt = c[i].opt < 8 ? OS_OPT[c[i].opt] : OS_OPT_T7,
				  .optlen = c[i].optlen };
		char what[48];

		snprintf(what, sizeof(what), "OS probe %zu (window %u)", i, c[i].win);
		fp_tcp(&f, &x, SCANNER, TARGET, &t);
		CHECK_FP(&f, c[i].want, what);
		/* near misses: DF flipped, window off by one */
		x.df = !x.df;
		fp_tcp(&f, &x, SCANNER, TARGET, &t);
		CHECK_FP(&f, SW_FP_NONE, what);
		x.df = !x.df;
		t.win++;
		fp_tcp(&f, &x, SCANNER, TARGET, &t);
		CHECK_FP(&f, SW_FP_NONE, what);
	}
}

static void
nmap_os_detection_ie_and_u1_probes(void)
{
	struct frame f;
	struct ip4x x = { .ttl = 50, .df = true, .id = 0x7777 };

	/* IE: sequence 295, code 9, DF, 120 bytes; then 296, code 0, TOS 4, 150 */
	fp_echo(&f, &x, TARGET, 9, 0x3000, 295, 120);
	CHECK_FP(&f, SW_FP_NMAP_OS_IE, "IE 1");
	x.df = false;
	fp_echo(&f, &x, TARGET, 9, 0x3000, 295, 120);
	CHECK_FP(&f, SW_FP_NONE, "IE 1 without DF");
	x.tos = 4;
	fp_echo(&f, &x, TARGET, 0, 0x3001, 296, 150);
	CHECK_FP(&f, SW_FP_NMAP_OS_IE, "IE 2");
	x.tos = 0;
	fp_echo(&f, &x, TARGET, 0, 0x3001, 296, 150);
	CHECK_FP(&f, SW_FP_NONE, "IE 2 without TOS 4");

	/* U1: IP ID 0x1042, 300 'C' to a closed port, TTL 51..64 */
	x = (struct ip4x){ .ttl = 57, .id = 0x1042 };
	fp_udp(&f, &x, 45000, 33434, 300, 'C');
	CHECK_FP(&f, SW_FP_NMAP_OS_U1, "U1");
	x.id = 0x1043;
	fp_udp(&f, &x, 45000, 33434, 300, 'C');
	CHECK_FP(&f, SW_FP_NONE, "U1 with another IP ID");
	x.id = 0x1042;
	fp_udp(&f, &x, 45000, 33434, 299, 'C');
	CHECK_FP(&f, SW_FP_NONE, "U1 one byte short");
}

static void
hping3_tcp_defaults(void)
{
	struct frame f;
	/* hping3_syn.pcap: 10.66.0.51:1549 -> :1, window 512, a random ack */
	struct ip4x x = { .ttl = 64, .id = 0x908a };
	struct tcpx t = { .sport = 1549, .dport = 1, .win = 512, .seq = 254504895u,
			  .ack = 492561381u, .flags = SW_TCP_SYN };

	fp_tcp(&f, &x, IP(10, 66, 0, 51), IP(10, 99, 0, 5), &t);
	CHECK_FP(&f, SW_FP_HPING3_TCP, "hping3 -S from the capture");
	CHECK(fingerprint_tool(&f) == SW_TOOL_HPING3, "tool of the hping3 SYN");
	t.flags = SW_TCP_FIN;	/* hping3_fin.pcap */
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_HPING3_TCP, "hping3 -F");
	t.flags = SW_TCP_ACK;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_HPING3_TCP_ACK, "hping3 -A");

	/* near misses */
	t.flags = SW_TCP_SYN;
	t.ack = 0;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "window 512 SYN with ack 0");
	t.ack = 492561381u;
	x.df = true;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "DF set");
	t.flags = SW_TCP_ACK;	/* a Windows ACK: no options, DF, TTL 128 */
	x.ttl = 120;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "Windows ACK with window 512");
	x = (struct ip4x){ .ttl = 64, .id = 0x908a };
	t.flags = SW_TCP_SYN;
	t.opt = OPT_MSS1460;
	t.optlen = 4;
	fp_tcp(&f, &x, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "window 512 with an option");
}

static void
hping3_icmp_and_udp_defaults(void)
{
	struct frame f;
	struct ip4x x = { .ttl = 64, .id = 0x2d3e };

	/* sendicmp.c skips htons(): the 2nd request from x86 carries 0x0100 */
	fp_echo(&f, &x, TARGET, 0, 0x3412, 0x0100, 0);
	CHECK_FP(&f, SW_FP_HPING3_ECHO, "hping3 --icmp, request 2");
	fp_echo(&f, &x, TARGET, 0, 0x3412, 0x0300, 0);
	CHECK_FP(&f, SW_FP_HPING3_ECHO, "hping3 --icmp, request 4");
	fp_echo(&f, &x, TARGET, 0, 0x3412, 0x0001, 0);
	CHECK_FP(&f, SW_FP_NONE, "sequence 1 in network order");
	fp_echo(&f, &x, TARGET, 0, 0x3412, 0, 0);
	CHECK_FP(&f, SW_FP_NONE, "request 1 at TTL 64: neither tool");
	x.df = true;
	fp_echo(&f, &x, TARGET, 0, 0x3412, 0x0100, 0);
	CHECK_FP(&f, SW_FP_NONE, "Linux ping -s 0 (DF)");

	/* hping3_udp.pcap: 2284 -> 1, no data, TTL 64 */
	x = (struct ip4x){ .ttl = 64, .id = 0x0f93 };
	fp_udp(&f, &x, 2284, 1, 0, 0);
	CHECK_FP(&f, SW_FP_HPING3_UDP, "hping3 --udp from the capture");
	x.ttl = 55;
	fp_udp(&f, &x, 2284, 1, 0, 0);
	CHECK_FP(&f, SW_FP_NONE, "empty UDP at TTL 55 (nmap's range too)");
	x.ttl = 64;
	x.id = 1;
	fp_udp(&f, &x, 53, 53, 0, 0);
	CHECK_FP(&f, SW_FP_NONE, "scapy's UDP defaults");
	x.id = 0x0f93;
	x.df = true;
	fp_udp(&f, &x, 2284, 1, 0, 0);
	CHECK_FP(&f, SW_FP_NONE, "empty UDP from a kernel socket (DF)");
	x.df = false;
	fp_udp(&f, &x, 2284, 53, 29, 'd');
	CHECK_FP(&f, SW_FP_NONE, "UDP with data");
}

/*
 * The worker's vector threshold test (sw_cross_lanes, on a window's
 * 16-bit lanes) and its plain form (sw_cross_fields) against the
 * definition (sw_crossed) for every 16-bit counter value (the sketch's
 * counters saturate at 65,535), thresholds odd, even, powers of two, 1,
 * off (0) and beyond any counter, in every field's lane; the start's lanes
 * never cross.
 */
static void
vector_threshold_test_matches_the_plain_one(void)
{
	static const uint32_t thr[] = { 1, 2, 3, 5, 6, 7, 12, 20, 24, 64, 100, 255, 256, 1000,
					4096, 5000, 32768, 65535, 65536, 100000, 0, UINT32_MAX };
	unsigned bad = 0, bad_vec = 0, hits = 0;
	uint32_t bad_v = 0, bad_t = 0;

	for (unsigned i = 0; i < RTE_DIM(thr); i++) {
		struct sw_cross c;

		/* field i % 6 carries thr[i]; the others a neighbour's */
		sw_cross_init(&c);
		for (unsigned f = 0; f < SW_F__MAX; f++)
			sw_cross_set(&c, (enum sw_field)f, thr[(i + f) % RTE_DIM(thr)]);
		for (uint32_t v = 0; v <= 0xffff; v++) {
			uint32_t vf[SW_F__MAX];
			unsigned m;

			for (unsigned f = 0; f < SW_F__MAX; f++)
				vf[f] = v;
			m = sw_cross_fields(&c, vf);
#ifdef __SSE4_1__
			{
				/* the start's lanes hold v too: never a crossing */
				unsigned lanes = sw_cross_lanes(&c, _mm_set1_epi16((short)v));

				bad_vec += lanes != m << 2;
			}
#endif
			for (unsigned f = 0; f < SW_F__MAX; f++) {
				uint32_t t = thr[(i + f) % RTE_DIM(thr)];
				bool want = sw_crossed(v, t);

				hits += want;
				if (want != !!(m & (1u << f)) && bad++ == 0) {
					bad_v = v;
					bad_t = t;
				}
			}
		}
	}
	CHECK(bad == 0, "%u disagreements, first counter %u threshold %u", bad, bad_v, bad_t);
	CHECK(bad_vec == 0, "the vector test disagrees with the plain one %u times", bad_vec);
	CHECK(hits > 500, "only %u crossings in the sweep", hits);
	/* the definition itself: the threshold, then its doublings */
	CHECK(sw_crossed(20, 20) && sw_crossed(40, 20) && sw_crossed(80, 20) &&
	      !sw_crossed(60, 20) && !sw_crossed(19, 20) && !sw_crossed(20, 0), "sw_crossed");
}

/*
 * A very heavy source's sampled targets and ports count detect.heavy-sample
 * at once (sw_cell_add_weighted): sw_cross_span() must tell, for a step
 * of w, what sw_crossed() tells of each counter value the step passes.
 */
static void
weighted_step_crosses_what_each_value_would(void)
{
	static const uint32_t thr[] = { 1, 2, 3, 5, 7, 10, 25, 30, 50, 60, 100, 255, 4096, 65535, 0 };
	static const unsigned steps[] = { 1, 2, 8, 16, 256 };
	unsigned bad = 0, hits = 0;
	uint32_t bad_old = 0, bad_t = 0, bad_w = 0;

	for (unsigned i = 0; i < RTE_DIM(thr); i++) {
		struct sw_cross c;

		sw_cross_init(&c);
		sw_cross_set(&c, SW_F_PORTS, thr[i]);
		for (unsigned j = 0; j < RTE_DIM(steps); j++)
			for (uint32_t old = 0; old < 0xffff; old++) {
				uint32_t v = RTE_MIN(old + steps[j], 0xffffu);
				bool want = false;

				for (uint32_t x = old + 1; x <= v; x++)
					want |= sw_crossed(x, thr[i]);
				hits += want;
				if (want != sw_cross_span(&c, SW_F_PORTS, old, v) && bad++ == 0) {
					bad_old = old;
					bad_t = thr[i];
					bad_w = steps[j];
				}
			}
	}
	CHECK(bad == 0, "%u disagreements, first from %u by %u, threshold %u", bad, bad_old,
	      bad_w, bad_t);
	CHECK(hits > 1000, "only %u crossings in the sweep", hits);
}

/*
 * tcp_flow() asks sw_fp_match() about a bare ACK only when
 * sw_fp_ack_possible() says its window could belong to a fingerprint.
 * Every window, with the fields the ACK fingerprints rest on varied
 * (TTL, DF, options and MSS as nmap's OS probes set them, masscan's IP
 * ID, sequence and ack numbers): a match outside the pre-check would be
 * an ACK probe the worker no longer looks at.
 */
static void
every_ack_fingerprint_passes_the_window_precheck(void)
{
	static const uint8_t ttls[] = { 37, 59, 64, 128, 255 };
	unsigned matched = 0, missed = 0, first_miss = 0;

	for (unsigned win = 0; win <= UINT16_MAX; win++) {
		for (unsigned v = 0; v < 5 * 2 * 2 * 2 * 2; v++) {
			struct sw_pkt p = { 0 };
			unsigned ttl = v % 5, df = v / 5 % 2, opts = v / 10 % 2;
			unsigned ipid = v / 20 % 2, seq0 = v / 40 % 2;

			p.flags = SW_PKT_F_IP | SW_PKT_F_L4 | (df ? SW_PKT_F_IP4_DF : 0);
			p.af = 4;
			p.proto = IPPROTO_TCP;
			p.tcp_flags = SW_TCP_ACK;
			p.ttl = ttls[ttl];
			p.tcp_win = (uint16_t)win;
			p.sport = 45000;
			p.dport = 80;
			p.dst.b[14] = 0x12;
			p.dst.b[15] = 0x34;
			p.tcp_seq = seq0 ? 0 : 0x01020304;
			p.tcp_ack = 0x0a0b0c0d;
			if (opts) {	/* nmap's T4/T6 layout, WS,NOP,MSS,TS,SACK */
				p.flags |= SW_PKT_F_TCP_MSS;
				p.tcp_mss = 265;
				p.tcp_optlen = 20;
				p.tcp_nopts = 4;
				p.tcp_optsig = 0x31284;
			}
			/* masscan's: IP ID = low 16 bits of dst ^ dport ^ seq */
			p.ip_id = ipid ? (uint16_t)(0x1234 ^ 80 ^ p.tcp_seq) : 7;
			if (sw_fp_match(&p) == SW_FP_NONE)
				continue;
			matched++;
			if (!sw_fp_ack_possible((uint16_t)win) && missed++ == 0)
				first_miss = win;
		}
	}
	/* the sweep reaches nmap's, hping3's and masscan's ACK shapes */
	CHECK(matched >= 5, "only %u bare ACKs matched a fingerprint", matched);
	CHECK(missed == 0, "%u fingerprinted bare ACKs fail sw_fp_ack_possible, the first "
	      "with window %u", missed, first_miss);
}

static void
ordinary_stacks_name_no_tool(void)
{
	struct frame f;
	struct ip4x lx = { .ttl = 64, .df = true, .id = 31337 };
	struct ip4x win = { .ttl = 128, .df = true, .id = 0x5c01 };
	struct tcpx t = { .sport = 45678, .dport = 443, .win = 64240, .seq = 0x11111111,
			  .flags = SW_TCP_SYN, .opt = OPT_LINUX, .optlen = 20 };

	fp_tcp(&f, &lx, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "Linux connect() SYN");
	CHECK(fingerprint_tool(&f) == SW_TOOL_UNKNOWN, "Linux SYN tool");
	t.win = 1024;
	fp_tcp(&f, &lx, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "window 1024 with kernel options");
	t.win = 64240;
	t.opt = OPT_WIN11;
	t.optlen = 12;
	fp_tcp(&f, &win, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "Windows 11 SYN");
	t = (struct tcpx){ .sport = 45678, .dport = 443, .win = 501, .seq = 7, .ack = 9,
			   .flags = SW_TCP_ACK | SW_TCP_PSH, .payload = 100 };
	fp_tcp(&f, &lx, SCANNER, TARGET, &t);
	CHECK_FP(&f, SW_FP_NONE, "established PSH/ACK");
	fp_echo(&f, &lx, TARGET, 0, 0x4d2, 1, 56);
	CHECK_FP(&f, SW_FP_NONE, "Linux ping");
	fp_echo(&f, &win, TARGET, 0, 1, 0x0100, 32);
	CHECK_FP(&f, SW_FP_NONE, "Windows ping");
	fp_udp(&f, &lx, 51000, 53, 29, 'd');
	CHECK_FP(&f, SW_FP_NONE, "DNS query");
}

/* ---------------------------------------------------------------------- */
/* TRW and kind decisions */

static void
trw_needs_four_failures_with_default_parameters(void)
{
	uint32_t n = sw_trw_failures(0.8, 0.2, 0.01, 0.99);
	uint32_t stricter = sw_trw_failures(0.8, 0.2, 0.0001, 0.99);

	CHECK(n == 4, "got %u (ln 99 / ln 4 = 3.31 rounds up to 4)", n);
	CHECK(stricter > n, "alpha 1e-4 gives %u, not more than %u", stricter, n);
	CHECK(stricter == (uint32_t)ceil(log(9900) / log(4)), "alpha 1e-4 gives %u", stricter);
	CHECK(sw_trw_failures(0.5, 0.5, 0.01, 0.99) == UINT32_MAX,
	      "theta1 == theta0 cannot decide, got %u", sw_trw_failures(0.5, 0.5, 0.01, 0.99));
}

static struct sw_conf conf;
static uint32_t trw_n;

static int
kind(unsigned cls, unsigned t, uint32_t contacts, uint32_t failed, uint32_t answered,
     uint32_t targets, uint32_t ports, uint32_t aborted, bool *filtered)
{
	uint32_t v[SW_F__MAX] = { 0 };
	bool dummy;

	v[SW_F_CONTACTS] = contacts;
	v[SW_F_FAILED] = failed;
	v[SW_F_ANSWERED] = answered;
	v[SW_F_TARGETS] = targets;
	v[SW_F_PORTS] = ports;
	v[SW_F_ABORTED] = aborted;
	return sw_decide_kind(&conf, trw_n, cls, t, v, filtered ? filtered : &dummy);
}

static void
vertical_shape_is_portscan(void)
{
	int k = kind(SW_C_TCP, 0, 20, 18, 0, 1, 20, 0, NULL);

	CHECK(k == K_PORTSCAN, "got %d", k);
	/* under the fast thresholds and no failures: nothing */
	k = kind(SW_C_TCP, 0, 5, 0, 0, 1, 5, 0, NULL);
	CHECK(k == -1, "5 unanswered ports gave %d", k);
}

static void
horizontal_shape_is_portsweep(void)
{
	int k = kind(SW_C_TCP, 0, 30, 0, 0, 30, 1, 0, NULL);

	CHECK(k == K_PORTSWEEP, "got %d", k);
	k = kind(SW_C_UDP, 1, 25, 0, 0, 25, 1, 0, NULL);
	CHECK(k == K_PORTSWEEP, "UDP medium: got %d", k);
}

static void
many_targets_and_many_ports_is_block_scan(void)
{
	int k = kind(SW_C_TCP, 0, 400, 300, 0, 20, 20, 0, NULL);

	CHECK(k == K_BLOCK, "got %d", k);
	k = kind(SW_C_TCP, 0, 30, 0, 0, 6, 5, 0, NULL);
	CHECK(k == K_BLOCK, "contacts at threshold, no fan-out: got %d", k);
}

static void
icmp_echo_to_many_targets_is_icmp_sweep(void)
{
	/* answered or not: live networks answer pings */
	int k = kind(SW_C_ICMP, 0, 10, 0, 10, conf.ts[0].icmp_targets, 1, 0, NULL);

	CHECK(k == K_PORTSWEEP, "got %d", k);
	k = kind(SW_C_ICMP, 0, 9, 0, 9, conf.ts[0].icmp_targets - 1, 1, 0, NULL);
	CHECK(k == -1, "below icmp-targets: got %d", k);
}

static void
many_ip_protocols_is_protocol_scan(void)
{
	int k = kind(SW_C_IP, 0, conf.ts[0].protos, 0, 0, 1, conf.ts[0].protos, 0, NULL);

	CHECK(k == K_PORTSCAN, "got %d", k);
	k = kind(SW_C_IP, 0, 4, 0, 0, 1, conf.ts[0].protos - 1, 0, NULL);
	CHECK(k == -1, "below protos: got %d", k);
}

static void
trw_alone_makes_a_small_scan_a_portscan(void)
{
	int k = kind(SW_C_TCP, 0, 5, 5, 0, 1, 5, 0, NULL);

	CHECK(k == K_PORTSCAN, "5 failures on 5 ports: got %d", k);
	k = kind(SW_C_TCP, 0, 5, 3, 0, 1, 5, 0, NULL);
	CHECK(k == -1, "3 failures (< %u) gave %d", trw_n, k);
	k = kind(SW_C_TCP, 0, 5, 5, 0, 5, 1, 0, NULL);
	CHECK(k == K_PORTSWEEP, "5 failures on 5 targets: got %d", k);
}

static void
half_open_answers_count_as_failures(void)
{
	/* a SYN scan of open ports: answered, then RST by the scanner */
	int k = kind(SW_C_TCP, 0, 6, 0, 6, 1, 6, 6, NULL);

	CHECK(k == K_PORTSCAN, "6 half-open contacts: got %d", k);
	k = kind(SW_C_TCP, 0, 6, 0, 6, 1, 6, 0, NULL);
	CHECK(k == -1, "6 completed contacts: got %d", k);
}

static void
benign_crawler_is_not_a_sweep(void)
{
	int k = kind(SW_C_TCP, 0, 50, 0, 50, 50, 1, 0, NULL);

	CHECK(k == -1, "crawler gave %d", k);
}

static void
resolver_like_fanout_is_not_a_scan(void)
{
	int k = kind(SW_C_UDP, 0, 200, 5, 190, 200, 3, 0, NULL);

	CHECK(k == -1, "resolver gave %d", k);
	k = kind(SW_C_UDP, 2, 200, 5, 190, 200, 3, 0, NULL);
	CHECK(k == -1, "resolver (slow scale) gave %d", k);
}

/* A DHT node or a swarm client: each peer on its own port, many of them
 * stale. Before: "block scan" at 10 x 10 and a TRW portscan at 4 RSTs. */
static void
peers_on_their_own_ports_are_not_a_block_scan(void)
{
	int k = kind(SW_C_UDP, 0, 10, 0, 3, 10, 10, 0, NULL);

	CHECK(k == -1, "10 peers, 3 answered, 7 silent: got %d", k);
	k = kind(SW_C_TCP, 0, 10, 4, 2, 10, 10, 0, NULL);
	CHECK(k == -1, "10 peers, 4 refused, 2 answered: got %d", k);
	k = kind(SW_C_TCP, 0, 4, 4, 0, 4, 4, 0, NULL);
	CHECK(k == -1, "4 peers refused in a row: got %d", k);
	k = kind(SW_C_UDP, 0, 30, 6, 14, 30, 24, 0, NULL);
	CHECK(k == -1, "30 peers, some sharing a port: got %d", k);
}

/* Host and port at random over a large space: nearly every contact
 * fails, and the test with a peer's success rate still decides. */
static void
random_host_and_port_scan_is_still_caught(void)
{
	int k = kind(SW_C_TCP, 0, 10, 10, 0, 10, 10, 0, NULL);

	CHECK(k == K_BLOCK, "10 refused, none answered: got %d", k);
	k = kind(SW_C_TCP, 0, 9, 9, 0, 9, 9, 0, NULL);
	CHECK(k == -1, "9 refused: decided at %d already", k);
	k = kind(SW_C_TCP, 0, 20, 16, 2, 20, 20, 0, NULL);
	CHECK(k == K_BLOCK, "16 refused, 2 answered: got %d", k);
	/* the same counts on one target's ports: a portscan as before */
	k = kind(SW_C_TCP, 0, 4, 4, 0, 1, 4, 0, NULL);
	CHECK(k == K_PORTSCAN, "4 refused ports of one host: got %d", k);
}

/* Many hosts on a few ports, a quarter answered and used, failures not
 * ahead of the answers by half TRW's bound: a mail relay's queue run, a
 * browser racing addresses, a NAT gateway's UDP. */
static void
wide_clients_with_unanswered_contacts_are_not_a_sweep(void)
{
	int k = kind(SW_C_TCP, 0, 20, 4, 10, 20, 1, 0, NULL);

	CHECK(k == -1, "relay: 10 delivered, 4 refused, 6 dead: got %d", k);
	k = kind(SW_C_TCP, 0, 10, 2, 3, 10, 1, 0, NULL);
	CHECK(k == -1, "browser: 3 answered, 2 refused, 5 silent: got %d", k);
	k = kind(SW_C_UDP, 0, 10, 5, 4, 10, 2, 0, NULL);
	CHECK(k == -1, "NAT UDP: 4 answered, 5 unreachable: got %d", k);
	/* scanners are not excused */
	k = kind(SW_C_TCP, 0, 10, 0, 5, 10, 1, 5, NULL);
	CHECK(k == K_PORTSWEEP, "5 half-open, 5 silent: got %d", k);
	k = kind(SW_C_TCP, 0, 10, 2, 2, 10, 1, 0, NULL);
	CHECK(k == K_PORTSWEEP, "2 answered of 10: got %d", k);
	k = kind(SW_C_UDP, 0, 10, 6, 4, 10, 2, 0, NULL);
	CHECK(k == K_PORTSWEEP, "6 unreachable, 4 answered: got %d", k);
	/* deep rather than wide: the strict rule, as before */
	k = kind(SW_C_TCP, 0, 10, 4, 4, 1, 10, 0, NULL);
	CHECK(k == K_PORTSCAN, "10 ports of one host, 4 answered: got %d", k);
}

static void
no_responses_means_filtered(void)
{
	bool filtered = false;

	(void)kind(SW_C_TCP, 0, 20, 0, 0, 1, 20, 0, &filtered);
	CHECK(filtered, "no failures, no answers: not filtered");
	(void)kind(SW_C_TCP, 0, 20, 1, 0, 1, 20, 0, &filtered);
	CHECK(!filtered, "one RST: still filtered");
	(void)kind(SW_C_TCP, 0, 20, 0, 1, 1, 20, 0, &filtered);
	CHECK(!filtered, "one answer: still filtered");
	CHECK(kind(SW_C_TCP, 0, 0, 0, 0, 0, 0, 0, &filtered) == -1, "empty window named a kind");
}

/* ---------------------------------------------------------------------- */
/* the worker path, end to end */

static struct rte_mempool *pool;

struct wk {
	struct sw_worker *w;
	uint64_t ts_ns;
	struct rte_mbuf *pend[SW_BURST_MAX];
	uint16_t npend;
	struct sw_event ev[8192];
	unsigned nev;
	unsigned burst;		/* frames per sw_worker_burst() call */
};

static struct wk *
wk_create_n(unsigned nworkers)
{
	struct sw_worker_params p = {
		.nworkers = nworkers,
		.burst = 32,
		.offline = true,
		.detect = true,
		.ring_size = 4096,
		.socket = SOCKET_ID_ANY,
	};
	struct wk *k = calloc(1, sizeof(*k));
	char err[512];
	struct sw_worker *w = sw_worker_create(&conf, &p, err, sizeof(err));

	if (k == NULL || w == NULL || w->clock.ts_dynfield < 0) {
		fprintf(stderr, "test_detect: worker setup failed: %s\n",
			w == NULL ? err : "no timestamp dynfield");
		exit(2);
	}
	k->w = w;
	k->burst = 32;
	k->ts_ns = 1700000000ULL * 1000000000ULL;
	w->last_ts_ns = k->ts_ns;
	return k;
}

static struct wk *
wk_create(void)
{
	return wk_create_n(1);
}

static void
wk_free(struct wk *k)
{
	sw_worker_free(k->w);
	free(k);
}

static void
wk_drain(struct wk *k)
{
	unsigned n;

	do {
		n = rte_ring_sc_dequeue_burst_elem(k->w->ring, &k->ev[k->nev], sizeof(k->ev[0]),
						   RTE_MIN(64u, (unsigned)RTE_DIM(k->ev) - k->nev),
						   NULL);
		k->nev += n;
	} while (n > 0);
}

static void
wk_flush(struct wk *k)
{
	if (k->npend == 0)
		return;
	sw_worker_burst(k->w, k->pend, k->npend);	/* frees the mbufs */
	k->npend = 0;
	wk_drain(k);
}

/* Queue one frame with a capture time 1 ms after the previous one. */
static void
wk_send(struct wk *k, const struct frame *f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *d;

	if (m == NULL) {
		fprintf(stderr, "test_detect: mempool empty\n");
		exit(2);
	}
	d = rte_pktmbuf_append(m, (uint16_t)f->n);
	if (d == NULL) {
		fprintf(stderr, "test_detect: frame does not fit an mbuf\n");
		exit(2);
	}
	memcpy(d, f->b, f->n);
	k->ts_ns += 1000000;
	/* the pcap PMD's convention: microseconds since the epoch */
	*RTE_MBUF_DYNFIELD(m, k->w->clock.ts_dynfield, uint64_t *) = k->ts_ns / 1000;
	m->ol_flags |= k->w->clock.ts_dynflag;
	k->pend[k->npend++] = m;
	if (k->npend == k->burst)
		wk_flush(k);
}

static unsigned
count_ev(const struct wk *k, uint8_t type, const struct sw_addr *src, uint8_t reason_mask)
{
	unsigned n = 0;

	for (unsigned i = 0; i < k->nev; i++)
		n += k->ev[i].type == type && addr_eq(&k->ev[i].src, src) &&
		     (reason_mask == 0 || (k->ev[i].reason & reason_mask));
	return n;
}

static void
merged(const struct wk *k, const struct sw_addr *src, unsigned cls, struct sw_est *e)
{
	const struct sw_sketch *s = sw_detect_sketch(k->w->det);
	struct sw_key key;
	struct sw_hash h;

	memset(&key, 0, sizeof(key));
	key.a = *src;
	key.proto = (uint8_t)cls;
	key.kind = SW_K_SRC;
	sw_sketch_hash(s, &key, &h);
	sw_sketch_get(s, &key, &h, (uint32_t)(k->ts_ns / 1000000000ULL), e);
}

/* The source probed 20 ports of one target, each refused: its counters
 * say so and they make a (not filtered) port scan. */
static void
check_twenty_failed_ports(const struct wk *k, const struct sw_addr *s)
{
	struct sw_est e;
	bool filtered = true;
	int kd;

	merged(k, s, SW_C_TCP, &e);
	CHECK(e.v[0][SW_F_CONTACTS] == 20 && e.v[0][SW_F_PORTS] == 20 &&
	      e.v[0][SW_F_TARGETS] == 1 && e.v[0][SW_F_FAILED] == 20,
	      "counters contacts %u ports %u targets %u failed %u", e.v[0][SW_F_CONTACTS],
	      e.v[0][SW_F_PORTS], e.v[0][SW_F_TARGETS], e.v[0][SW_F_FAILED]);
	kd = sw_decide_kind(&conf, trw_n, SW_C_TCP, 0, e.v[0], &filtered);
	CHECK(kd == K_PORTSCAN && !filtered, "decided %d filtered %d", kd, filtered);
}

/* nmap's SYN from SCANNER to port of TARGET, queued 1 ms after the last frame. */
static void
send_nmap_syn(struct wk *k, uint16_t port)
{
	struct frame f;
	struct tcpx syn = { .sport = 60000, .dport = port, .win = 1024, .seq = 0x01020304,
			    .flags = SW_TCP_SYN, .opt = OPT_MSS1460, .optlen = 4 };
	struct ip4x nmap = NMAP_TTL(50);

	fp_tcp(&f, &nmap, SCANNER, TARGET, &syn);
	wk_send(k, &f);
}

/* nmap's SYNs from SCANNER to ports 1..n of TARGET, 1 ms apart, each
 * refused by a RST/ACK: n failures of the sequential test. */
static void
send_refused_syns(struct wk *k, uint16_t n)
{
	for (uint16_t port = 1; port <= n; port++) {
		struct frame f;

		send_nmap_syn(k, port);
		tcp4s(&f, TARGET, SCANNER, port, 60000, SW_TCP_RST | SW_TCP_ACK);
		wk_send(k, &f);
	}
	wk_flush(k);
}

/* The ports of the SUSPECT events with the sequential test's reason for
 * SCANNER, in order, into at[] (up to n); returns how many. */
static unsigned
trw_suspects(const struct wk *k, uint16_t *at, unsigned n)
{
	struct sw_addr s = v4(SCANNER);
	unsigned got = 0;

	for (unsigned i = 0; i < k->nev; i++) {
		const struct sw_event *ev = &k->ev[i];

		if (ev->type == SW_EV_SUSPECT && addr_eq(&ev->src, &s) && (ev->reason & 0x08) &&
		    got < n)
			at[got++] = ev->dport;
	}
	return got;
}

/*
 * One worker of two holds a share of the sequential test (2 of 4
 * failures) and crosses it at the share and again at each doubling: the
 * control thread decides on the sum over the workers, and a worker that
 * held most of a small scan's probes must be heard again after its first
 * event (test_live, two workers: a paced scan split 1/7 was never
 * alerted). 20 SYNs each refused by a RST: suspects at the 2nd, 4th, 8th
 * and 16th failure. A lone worker sees the whole test and decides once,
 * at the 4th.
 */
static void
trw_share_crosses_again_at_each_doubling(void)
{
	struct wk *two = wk_create_n(2), *one = wk_create();
	uint16_t at[8] = { 0 }, at1[8] = { 0 };
	unsigned n, n1;

	send_refused_syns(two, 20);
	n = trw_suspects(two, at, RTE_DIM(at));
	CHECK(n == 4 && at[0] == 2 && at[1] == 4 && at[2] == 8 && at[3] == 16,
	      "two workers: %u TRW suspects, at ports %u %u %u %u %u", n, at[0], at[1], at[2],
	      at[3], at[4]);
	send_refused_syns(one, 20);
	n1 = trw_suspects(one, at1, RTE_DIM(at1));
	CHECK(n1 == 1 && at1[0] == 4, "one worker: %u TRW suspects, at ports %u %u", n1, at1[0],
	      at1[1]);
	wk_free(two);
	wk_free(one);
}

/* A vertical scan's 20 SYNs in one burst into a worker whose ring has
 * `room` free slots (filled with SW_EV_NONE), then drained; the number of
 * the scanner's suspects and of other events that reached the ring. */
static void
vertical_scan_into(struct wk *k, unsigned room, unsigned *suspects, unsigned *others)
{
	struct sw_addr s = v4(SCANNER);
	struct sw_event dummy;

	memset(&dummy, 0, sizeof(dummy));
	while (rte_ring_free_count(k->w->ring) > room)
		rte_ring_sp_enqueue_elem(k->w->ring, &dummy, sizeof(dummy));
	k->burst = 64;	/* no drain before the burst ends */
	for (uint16_t port = 1; port <= 20; port++)
		send_nmap_syn(k, port);
	wk_flush(k);
	*suspects = *others = 0;
	for (unsigned i = 0; i < k->nev; i++) {
		*suspects += k->ev[i].type == SW_EV_SUSPECT && addr_eq(&k->ev[i].src, &s);
		*others += k->ev[i].type != SW_EV_NONE && k->ev[i].type != SW_EV_SUSPECT;
	}
}

/*
 * A ring with room for one event when a source first crosses a threshold:
 * the suspect goes in and its samples are the counted loss. Taken in
 * order as far as they fit, the first sample went in and the suspect, the
 * event the alert needs, was dropped. With no room at all the suspect is
 * lost too, and counted apart (suspects_lost). In the ring's last eighth
 * only suspects go in: the samples are dropped first.
 */
static void
full_ring_keeps_the_suspect_not_its_samples(void)
{
	struct wk *k = wk_create(), *full = wk_create(), *rsv = wk_create();
	const struct sw_detect_stats *st = sw_detect_stats(k->w->det);
	const struct sw_detect_stats *fst = sw_detect_stats(full->w->det);
	const struct sw_detect_stats *rst = sw_detect_stats(rsv->w->det);
	unsigned suspects, others;

	vertical_scan_into(rsv, rte_ring_get_capacity(rsv->w->ring) / 8 + 1, &suspects,
			   &others);
	CHECK(suspects > 0 && others == 0 && rst->suspects_lost == 0 &&
	      suspects == rst->suspects,
	      "ring in its last eighth: %u of %llu suspects and %u other events got in",
	      suspects, (unsigned long long)rst->suspects, others);
	wk_free(rsv);

	vertical_scan_into(k, 1, &suspects, &others);
	CHECK(suspects == 1 && others == 0, "%u suspects and %u other events in the last slot",
	      suspects, others);
	CHECK(k->w->st.ring_drops > 0 && st->suspects_lost == st->suspects - 1,
	      "%llu events dropped, %llu of %llu suspects lost",
	      (unsigned long long)k->w->st.ring_drops, (unsigned long long)st->suspects_lost,
	      (unsigned long long)st->suspects);
	vertical_scan_into(full, 0, &suspects, &others);
	CHECK(suspects == 0 && fst->suspects > 0 && fst->suspects_lost == fst->suspects,
	      "full ring: %u suspects got in, %llu of %llu counted lost", suspects,
	      (unsigned long long)fst->suspects_lost, (unsigned long long)fst->suspects);
	wk_free(k);
	wk_free(full);
}

static void
syn_scan_answered_by_rsts_raises_trw_then_ports_suspect(void)
{
	struct wk *k = wk_create();
	struct sw_addr s = v4(SCANNER);
	unsigned first_trw = UINT_MAX, first_ports = UINT_MAX;

	send_refused_syns(k, 20);

	for (unsigned i = 0; i < k->nev; i++) {
		const struct sw_event *ev = &k->ev[i];

		if (ev->type != SW_EV_SUSPECT || !addr_eq(&ev->src, &s))
			continue;
		if ((ev->reason & 0x08) && first_trw == UINT_MAX)
			first_trw = i;
		if ((ev->reason & 0x02) && first_ports == UINT_MAX)
			first_ports = i;
	}
	CHECK(k->w->st.pkts == 40 && k->w->st.ip == 40 && k->w->st.invalid == 0,
	      "pkts %llu ip %llu invalid %llu", (unsigned long long)k->w->st.pkts,
	      (unsigned long long)k->w->st.ip, (unsigned long long)k->w->st.invalid);
	CHECK(k->w->st.ring_drops == 0, "%llu events dropped",
	      (unsigned long long)k->w->st.ring_drops);
	CHECK(first_trw != UINT_MAX, "no SUSPECT with the TRW reason (%u events)", k->nev);
	CHECK(first_ports != UINT_MAX, "no SUSPECT with the ports reason (%u events)", k->nev);
	CHECK(first_trw < first_ports, "TRW (after 4 RSTs) came after the ports threshold");
	if (first_trw != UINT_MAX) {
		const struct sw_event *ev = &k->ev[first_trw];

		CHECK(ev->dport == 4, "TRW raised at port %u, want the 4th failure", ev->dport);
		/* the capture time of that RST (8th frame, 1 ms apart), not the TSC */
		CHECK(ev->ts_ns == 1700000000ULL * 1000000000ULL + 8 * 1000000ULL,
		      "event time %llu", (unsigned long long)ev->ts_ns);
		CHECK(ev->timescale == 0 && ev->cls == SW_C_TCP, "timescale %u class %u",
		      ev->timescale, ev->cls);
	}
	if (first_ports != UINT_MAX) {
		const struct sw_event *ev = &k->ev[first_ports];

		CHECK(ev->dport == conf.ts[0].ports, "ports reason at port %u, want %u",
		      ev->dport, conf.ts[0].ports);
		CHECK(ev->tool == SW_TOOL_NMAP, "tool %u, want nmap's", ev->tool);
		CHECK(ev->fp == SW_FP_NMAP_SYN, "fingerprint %s", fp_str(ev->fp));
		CHECK(ev->technique == SW_T_SYN, "technique %s", sw_technique_names[ev->technique]);
	}
	CHECK(count_ev(k, SW_EV_CONTACT, &s, 0) > 0, "no CONTACT samples ahead of suspects");
	check_twenty_failed_ports(k, &s);
	wk_free(k);
}

/*
 * A scan of ports 20..39 touches ftp/21, ssh/22 and telnet/23 of the
 * default detect.sensitive-services: a SERVICES event with those bits
 * travels ahead of the source's suspects; a scan of 1000..1019 has none.
 */
static void
sensitive_services_travel_ahead_of_the_suspect(void)
{
	static const uint16_t base[2] = { 20, 1000 };

	for (unsigned b = 0; b < 2; b++) {
		struct wk *k = wk_create();
		struct sw_addr s = v4(SCANNER);
		uint32_t bits = 0;
		unsigned svc_at = UINT_MAX, suspect_at = UINT_MAX;

		for (uint16_t port = base[b]; port < base[b] + 20; port++) {
			struct frame f;

			tcp4s(&f, SCANNER, TARGET, 60000, port, SW_TCP_SYN);
			wk_send(k, &f);
			tcp4s(&f, TARGET, SCANNER, port, 60000, SW_TCP_RST | SW_TCP_ACK);
			wk_send(k, &f);
		}
		wk_flush(k);
		for (unsigned i = 0; i < k->nev; i++) {
			const struct sw_event *ev = &k->ev[i];

			if (!addr_eq(&ev->src, &s))
				continue;
			if (ev->type == SW_EV_SERVICES) {
				bits |= (uint32_t)ev->v[0] | (uint32_t)ev->v[1] << 16;
				if (svc_at == UINT_MAX)
					svc_at = i;
			}
			if (ev->type == SW_EV_SUSPECT && suspect_at == UINT_MAX)
				suspect_at = i;
		}
		CHECK(suspect_at != UINT_MAX, "base %u: no suspect", base[b]);
		if (b == 0) {
			/* ftp/21, ssh/22, telnet/23: entries 0, 1, 2 */
			CHECK(bits == 0x7, "services bits %#x", bits);
			CHECK(svc_at < suspect_at, "SERVICES at %u, first SUSPECT at %u", svc_at,
			      suspect_at);
		} else {
			CHECK(bits == 0 && svc_at == UINT_MAX, "services bits %#x without a service",
			      bits);
		}
		wk_free(k);
	}
}

/*
 * A client connecting again and again to the SSH port of one host (new
 * source ports, the kernel's SYNs) is counted as repeats: REPEAT events
 * sum to the attempts beyond the first once detect.hammering.repeats is
 * reached; as many connections to a web server count nothing.
 */
static void
repeated_connections_to_a_sensitive_service_are_counted(void)
{
	static const uint16_t ports[2] = { 22, 443 };

	for (unsigned b = 0; b < 2; b++) {
		struct wk *k = wk_create();
		struct sw_addr s = v4(SCANNER);
		uint32_t sum = 0;
		unsigned nrep = 0;

		for (uint16_t i = 0; i < 120; i++) {
			struct frame f;
			struct tcpx syn = { .sport = (uint16_t)(40000 + i), .dport = ports[b],
					    .win = 64240, .seq = 1000u + i, .flags = SW_TCP_SYN,
					    .opt = OPT_LINUX, .optlen = 20 };

			tcp4(&f, SCANNER, TARGET, &syn);
			wk_send(k, &f);
			tcp4s(&f, TARGET, SCANNER, ports[b], (uint16_t)(40000 + i),
			      SW_TCP_SYN | SW_TCP_ACK);
			wk_send(k, &f);
		}
		wk_flush(k);
		for (unsigned i = 0; i < k->nev; i++) {
			const struct sw_event *ev = &k->ev[i];

			if (ev->type != SW_EV_REPEAT || !addr_eq(&ev->src, &s))
				continue;
			nrep++;
			sum += (uint32_t)ev->v[0] | (uint32_t)ev->v[1] << 16;
			CHECK(ev->dport == ports[b] && ev->cls == SW_C_TCP, "port %u class %u",
			      ev->dport, ev->cls);
		}
		if (b == 0)
			/* 119 repeats, one event per 50 (default, one worker) */
			CHECK(nrep == 2 && sum == 100, "%u REPEAT events summing to %u", nrep, sum);
		else
			CHECK(nrep == 0, "%u REPEAT events for a web server", nrep);
		wk_free(k);
	}
}

static void
benign_client_completing_handshakes_is_not_a_scan(void)
{
	struct wk *k = wk_create();
	uint32_t client = IP(10, 0, 1, 1);
	struct sw_addr c = v4(client);
	struct sw_est e;
	bool filtered = true;
	int kd;

	for (uint32_t i = 0; i < 20; i++) {
		uint32_t server = IP(10, 0, 2, 10 + i);
		uint16_t sport = (uint16_t)(50000 + i);
		struct frame f;
		struct tcpx syn = { .sport = sport, .dport = 443, .win = 64240, .ip_id = 100 + i,
				    .seq = 1000, .flags = SW_TCP_SYN, .opt = OPT_LINUX,
				    .optlen = 20 };
		struct tcpx req = { .sport = sport, .dport = 443, .win = 502, .ip_id = 200 + i,
				    .seq = 1001, .ack = 5001, .flags = SW_TCP_ACK | SW_TCP_PSH,
				    .payload = 100 };

		tcp4(&f, client, server, &syn);
		wk_send(k, &f);
		tcp4s(&f, server, client, 443, sport, SW_TCP_SYN | SW_TCP_ACK);
		wk_send(k, &f);
		tcp4s(&f, client, server, sport, 443, SW_TCP_ACK);
		wk_send(k, &f);
		tcp4(&f, client, server, &req);
		wk_send(k, &f);
		tcp4s(&f, client, server, sport, 443, SW_TCP_FIN | SW_TCP_ACK);
		wk_send(k, &f);
	}
	wk_flush(k);

	CHECK(k->w->st.pkts == 100 && k->w->st.invalid == 0, "pkts %llu invalid %llu",
	      (unsigned long long)k->w->st.pkts, (unsigned long long)k->w->st.invalid);
	CHECK(count_ev(k, SW_EV_SUSPECT, &c, 0x08) == 0, "TRW suspect for a benign client");
	merged(k, &c, SW_C_TCP, &e);
	CHECK(e.v[0][SW_F_CONTACTS] == 20 && e.v[0][SW_F_ANSWERED] == 20 &&
	      e.v[0][SW_F_FAILED] == 0 && e.v[0][SW_F_ABORTED] == 0,
	      "counters contacts %u answered %u failed %u aborted %u", e.v[0][SW_F_CONTACTS],
	      e.v[0][SW_F_ANSWERED], e.v[0][SW_F_FAILED], e.v[0][SW_F_ABORTED]);
	for (unsigned t = 0; t < SW_TS; t++) {
		kd = sw_decide_kind(&conf, trw_n, SW_C_TCP, t, e.v[t], &filtered);
		CHECK(kd == -1, "scale %u decided kind %d for a benign client", t, kd);
	}
	wk_free(k);
}

static void
established_flow_segments_touch_no_state(void)
{
	struct wk *k = wk_create();
	uint32_t client = IP(10, 0, 3, 1), server = IP(10, 0, 4, 1);
	struct frame f;
	uint64_t before;

	tcp4s(&f, client, server, 40000, 443, SW_TCP_SYN);
	wk_send(k, &f);
	tcp4s(&f, server, client, 443, 40000, SW_TCP_SYN | SW_TCP_ACK);
	wk_send(k, &f);
	wk_flush(k);
	before = sw_sketch_lines(sw_detect_sketch(k->w->det));
	for (uint32_t i = 0; i < 64; i++) {
		struct tcpx data = { .sport = 40000, .dport = 443, .win = 502, .ip_id = (uint16_t)i,
				     .seq = 1001 + 100 * i, .ack = 5001,
				     .flags = SW_TCP_ACK | SW_TCP_PSH, .payload = 100 };
		struct tcpx ack = { .sport = 443, .dport = 40000, .win = 501, .ip_id = (uint16_t)i,
				    .seq = 5001, .ack = 1101 + 100 * i, .flags = SW_TCP_ACK };

		tcp4(&f, client, server, &data);
		wk_send(k, &f);
		tcp4(&f, server, client, &ack);
		CHECK(sw_parse(f.b, (uint16_t)f.n, &rp) == SW_PERR_OK && sw_fp_match(&rp) == SW_FP_NONE,
		      "the server's ACK fingerprints as %s", fp_str(sw_fp_match(&rp)));
		wk_send(k, &f);
	}
	wk_flush(k);
	CHECK(k->w->st.pkts == 130, "pkts %llu", (unsigned long long)k->w->st.pkts);
	CHECK(sw_sketch_lines(sw_detect_sketch(k->w->det)) == before,
	      "128 data and ACK segments of an established flow touched %llu lines of state",
	      (unsigned long long)(sw_sketch_lines(sw_detect_sketch(k->w->det)) - before));
	wk_free(k);
}

/* SCANNER's counters at time scale 0 after the last frame (sw_sketch_get). */
static struct sw_est
scanner_est(struct wk *k)
{
	const struct sw_sketch *sk = sw_detect_sketch(k->w->det);
	struct sw_key key;
	struct sw_hash h;
	struct sw_est e;

	memset(&key, 0, sizeof(key));
	key.a = v4(SCANNER);
	key.proto = SW_C_TCP;
	key.kind = SW_K_SRC;
	sw_sketch_hash(sk, &key, &h);
	sw_sketch_get(sk, &key, &h, (uint32_t)(k->w->last_ts_ns / 1000000000ULL), &e);
	return e;
}

/*
 * A source that owns no cell has its first first contact counted on two
 * lines of state (the tuple's filter line, its cell) and the target's cell;
 * its pair and port marks are made at its next first contact, which does
 * not count that pair or that port again (detect.c, deferred marks).
 */
static void
first_contact_of_a_new_source_defers_its_pair_and_port(void)
{
	struct wk *k = wk_create();
	const struct sw_detect_stats *ds = sw_detect_stats(k->w->det);
	const struct sw_sketch *sk = sw_detect_sketch(k->w->det);
	static const struct { uint32_t dst; uint16_t port; uint32_t contacts, targets, ports; }
	step[] = {
		{ TARGET, 80, 1, 1, 1 },
		{ TARGET, 81, 2, 1, 2 },		/* the deferred pair: not new */
		{ IP(10, 0, 0, 3), 80, 3, 2, 2 },	/* the deferred port: marked */
		{ TARGET, 80, 3, 2, 2 },		/* the first tuple: no first contact */
		{ TARGET, 83, 4, 2, 3 },		/* the pair, marked at step 2 */
		{ IP(10, 0, 0, 4), 84, 5, 3, 4 },
	};
	uint64_t before = sw_sketch_lines(sk);

	for (unsigned i = 0; i < RTE_DIM(step); i++) {
		struct frame f;
		struct sw_est e;

		tcp4s(&f, SCANNER, step[i].dst, 40000, step[i].port, SW_TCP_SYN);
		wk_send(k, &f);
		wk_flush(k);
		if (i == 0) {
			CHECK(ds->deferred == 1, "deferred %llu after a new source's first contact",
			      (unsigned long long)ds->deferred);
			/* tuple, source cell, target cell: not the pair's and port's */
			CHECK(sw_sketch_lines(sk) - before == 3, "a new source's first contact "
			      "touched %llu lines", (unsigned long long)(sw_sketch_lines(sk) - before));
		}
		e = scanner_est(k);
		CHECK(e.v[0][SW_F_CONTACTS] == step[i].contacts &&
		      e.v[0][SW_F_TARGETS] == step[i].targets &&
		      e.v[0][SW_F_PORTS] == step[i].ports,
		      "step %u: contacts %u targets %u ports %u, want %u %u %u", i,
		      e.v[0][SW_F_CONTACTS], e.v[0][SW_F_TARGETS], e.v[0][SW_F_PORTS],
		      step[i].contacts, step[i].targets, step[i].ports);
	}
	CHECK(ds->deferred == 1, "deferred %llu: only the first contact of a source without a "
	      "cell is", (unsigned long long)ds->deferred);
	wk_free(k);
}

static void
ack_scan_of_an_unknown_tool_is_seen_through_its_rsts(void)
{
	struct wk *k = wk_create();
	struct sw_addr s = v4(SCANNER);
	unsigned suspects = 0;

	for (uint16_t port = 1; port <= 20; port++) {
		struct frame f;
		/* an ACK probe no fingerprint knows: a Linux-like window, TTL 64 */
		struct tcpx probe = { .sport = 41000, .dport = port, .win = 29200,
				      .ip_id = (uint16_t)(7 * port), .seq = 77, .ack = 9000 + port,
				      .flags = SW_TCP_ACK };
		/* RFC 793: the RST takes its sequence number from the probe's ACK */
		struct tcpx rst = { .sport = port, .dport = 41000, .win = 0, .ip_id = 0,
				    .seq = 9000 + port, .flags = SW_TCP_RST };

		tcp4(&f, SCANNER, TARGET, &probe);
		CHECK(sw_parse(f.b, (uint16_t)f.n, &rp) == SW_PERR_OK &&
		      sw_fp_match(&rp) == SW_FP_NONE, "the probe fingerprints as %s",
		      fp_str(sw_fp_match(&rp)));
		wk_send(k, &f);
		tcp4(&f, TARGET, SCANNER, &rst);
		wk_send(k, &f);
	}
	wk_flush(k);
	for (unsigned i = 0; i < k->nev; i++) {
		const struct sw_event *ev = &k->ev[i];

		if (ev->type != SW_EV_SUSPECT || !addr_eq(&ev->src, &s))
			continue;
		suspects++;
		CHECK(ev->technique == SW_T_ACK && ev->tool == SW_TOOL_UNKNOWN,
		      "technique %s tool %u", sw_technique_names[ev->technique], ev->tool);
	}
	CHECK(suspects > 0, "no SUSPECT for an ACK scan answered by RSTs (%u events)", k->nev);
	check_twenty_failed_ports(k, &s);
	wk_free(k);
}

/* Clients resetting their connections to a server (bare RSTs from their
 * ephemeral ports to port 443) do not make the server an ACK scanner. */
static void
clients_resetting_a_server_do_not_make_it_a_scanner(void)
{
	struct wk *k = wk_create();
	struct sw_addr server = v4(TARGET);
	unsigned suspects = 0;

	for (uint16_t i = 0; i < 40; i++) {
		struct frame f;
		struct tcpx rst = { .sport = (uint16_t)(50000 + i), .dport = 443, .win = 0,
				    .ip_id = 0, .seq = 1000 + i, .flags = SW_TCP_RST };

		tcp4(&f, SCANNER, TARGET, &rst);
		wk_send(k, &f);
	}
	wk_flush(k);
	for (unsigned i = 0; i < k->nev; i++)
		suspects += k->ev[i].type == SW_EV_SUSPECT && addr_eq(&k->ev[i].src, &server);
	CHECK(suspects == 0, "%u SUSPECT events for the server (%u events)", suspects, k->nev);
	CHECK(k->nev == 0 || suspects == 0, "events %u", k->nev);
	wk_free(k);
}

/* SCANNER's SYN (seq) to TARGET, the SYN-ACK (window synack_win, acking
 * seq + 1), then SCANNER's bare RST at rst_seq. */
static void
syn_synack_rst(struct wk *k, uint16_t sport, uint16_t dport, uint16_t syn_win,
	       uint16_t synack_win, uint16_t ip_id, uint32_t seq, uint32_t rst_seq)
{
	struct frame f;
	struct tcpx syn = { .sport = sport, .dport = dport, .win = syn_win, .ip_id = ip_id,
			    .seq = seq, .flags = SW_TCP_SYN };
	struct tcpx synack = { .sport = dport, .dport = sport, .win = synack_win, .ip_id = ip_id,
			       .seq = 7000, .ack = seq + 1, .flags = SW_TCP_SYN | SW_TCP_ACK };
	struct tcpx rst = { .sport = sport, .dport = dport, .win = 0, .ip_id = 0,
			    .seq = rst_seq, .flags = SW_TCP_RST };

	tcp4(&f, SCANNER, TARGET, &syn);
	wk_send(k, &f);
	tcp4(&f, TARGET, SCANNER, &synack);
	wk_send(k, &f);
	tcp4(&f, SCANNER, TARGET, &rst);
	wk_send(k, &f);
}

/* A client that connected to a high port and later resets its own
 * connection (RST without ACK, after data) is not the server's answer to
 * an ACK probe: the client's own contact is on record. */
static void
clients_resetting_their_own_connections_are_not_answers(void)
{
	struct wk *k = wk_create();
	struct sw_addr server = v4(TARGET);
	unsigned suspects = 0;

	for (uint16_t i = 0; i < 40; i++)
		syn_synack_rst(k, (uint16_t)(2330 + i), 2869, 16384, 8192, i, 1000, 1723);
	wk_flush(k);
	for (unsigned i = 0; i < k->nev; i++)
		suspects += k->ev[i].type == SW_EV_SUSPECT && addr_eq(&k->ev[i].src, &server);
	CHECK(suspects == 0, "%u SUSPECT events for the server (%u events)", suspects, k->nev);
	CHECK(k->nev < 200, "events %u", k->nev);
	wk_free(k);
}

/*
 * nmap -sS of the same port again and again (a host rescanned): each round
 * a new source port and sequence number, the target's SYN-ACK, the
 * scanner's kernel RST. Rounds 0.3 s apart put several in one offline
 * burst that spans a second, so pass 2 marks a later round's tuple (at
 * the later second) before pass 3 tests an earlier round's RST against
 * it: seen, not expired (SW_FUTURE_S); without that the target became
 * an ACK scanner of the rescanning host.
 */
static void
rst_of_own_probe_seen_across_a_second_in_one_burst(void)
{
	struct wk *k = wk_create();
	struct sw_addr target = v4(TARGET);
	unsigned suspects = 0;

	for (uint16_t i = 0; i < 40; i++) {
		uint32_t seq = 100000u * (i + 1);

		k->ts_ns += 300000000ULL;	/* the next round */
		syn_synack_rst(k, (uint16_t)(40000 + 7 * i), 3389, 1024, 64240, i, seq, seq + 1);
	}
	wk_flush(k);
	for (unsigned i = 0; i < k->nev; i++)
		suspects += k->ev[i].type == SW_EV_SUSPECT && addr_eq(&k->ev[i].src, &target);
	CHECK(suspects == 0, "%u SUSPECT events for the rescanned target (%u events)", suspects,
	      k->nev);
	wk_free(k);
}

/* Two workers fed alike raised the same events, in the same order. */
static void
same_events_then_free(struct wk *k[2])
{
	CHECK(k[0]->nev == k[1]->nev && k[0]->nev < RTE_DIM(k[0]->ev), "events %u and %u",
	      k[0]->nev, k[1]->nev);
	for (unsigned i = 0; i < RTE_MIN(k[0]->nev, k[1]->nev); i++)
		if (memcmp(&k[0]->ev[i], &k[1]->ev[i], sizeof(k[0]->ev[i])) != 0) {
			CHECK(false, "event %u differs: type %u/%u", i, k[0]->ev[i].type,
			      k[1]->ev[i].type);
			break;
		}
	wk_free(k[0]);
	wk_free(k[1]);
}

/*
 * A mixed scan fed in bursts of 32 and one frame at a time: 24 sources
 * SYN-probe hosts of a /24, each probe answered with a SYN-ACK (and the
 * scanner's RST: an abort, often in the SYN-ACK's burst), a RST/ACK, or
 * nothing; every fourth source sends UDP probes, some answered. A burst
 * runs each of detect.c's three passes over all its frames before the
 * next pass (pass 2 of a frame before pass 3 of the frames ahead of it),
 * one frame runs them in turn: the events, in order, and the counters
 * must be the same. (Pass 3 with two neighbours swapped fails here.)
 */
static void
mixed_stream(struct wk *k)
{
	struct frame f;
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (unsigned i = 0; i < 2400; i++) {
		uint32_t src = IP(10, 7, 0, 1 + i % 24), dst = IP(10, 8, 0, (i * 37) % 251 + 1);
		uint16_t sport = (uint16_t)(40000 + i % 997), dport = (uint16_t)(1 + (i * 131) % 1024);
		unsigned fate;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		fate = (unsigned)(x >> 32) % 4;
		if (i % 24 % 4 == 3) {
			udp4(&f, src, dst, sport, dport, 8);
			wk_send(k, &f);
			if (fate == 0) {
				udp4(&f, dst, src, dport, sport, 8);
				wk_send(k, &f);
			}
			continue;
		}
		tcp4s(&f, src, dst, sport, dport, SW_TCP_SYN);
		wk_send(k, &f);
		if (fate == 0) {
			struct tcpx sa = { .sport = dport, .dport = sport, .win = 8192, .ip_id = 1,
					   .seq = 7000, .ack = 1, .flags = SW_TCP_SYN | SW_TCP_ACK };
			struct tcpx rst = { .sport = sport, .dport = dport, .seq = 1,
					    .flags = SW_TCP_RST };

			tcp4(&f, dst, src, &sa);
			wk_send(k, &f);
			tcp4(&f, src, dst, &rst);
			wk_send(k, &f);
		} else if (fate == 1) {
			tcp4s(&f, dst, src, dport, sport, SW_TCP_RST | SW_TCP_ACK);
			wk_send(k, &f);
		}
	}
	wk_flush(k);
}

static void
burst_size_does_not_change_what_is_counted(void)
{
	uint32_t seed = conf.sketch_seed;
	struct wk *k[2];
	const struct sw_detect_stats *st[2];

	conf.sketch_seed = 12345;	/* the same hashes in both */
	for (unsigned b = 0; b < 2; b++) {
		k[b] = wk_create();
		k[b]->burst = b == 0 ? 32 : 1;
		mixed_stream(k[b]);
		st[b] = sw_detect_stats(k[b]->w->det);
	}
	conf.sketch_seed = seed;
	CHECK(st[0]->first_contacts > 1000 && st[0]->suspects > 0,
	      "first contacts %" PRIu64 ", suspects %" PRIu64, st[0]->first_contacts,
	      st[0]->suspects);
	CHECK(memcmp(st[0], st[1], sizeof(*st[0])) == 0,
	      "counters differ: first contacts %" PRIu64 "/%" PRIu64 ", suspects %" PRIu64
	      "/%" PRIu64 ", negatives %" PRIu64 "/%" PRIu64 ", positives %" PRIu64 "/%" PRIu64,
	      st[0]->first_contacts, st[1]->first_contacts, st[0]->suspects, st[1]->suspects,
	      st[0]->negatives, st[1]->negatives, st[0]->positives, st[1]->positives);
	same_events_then_free(k);
}

/*
 * detect.trw.timeout (Jung et al. 2004: an unanswered attempt is a
 * failure). The scanner sends SYNs to ports of a host that answers
 * nothing, 300 ms apart, while another client's connection is answered
 * (the link carries answers). `answered` makes the target refuse each
 * probe with a RST instead; `link_answers` leaves the client out (a tap
 * that sees one direction). Returns the scanner's TIMEOUT suspects.
 */
/* TARGET events (a watched target) about dst */
static unsigned
count_target_ev(const struct wk *k, const struct sw_addr *dst)
{
	unsigned n = 0;

	for (unsigned i = 0; i < k->nev; i++)
		n += k->ev[i].type == SW_EV_TARGET && addr_eq(&k->ev[i].dst, dst);
	return n;
}

/* Three SYNs from src to three ports of dst. */
static void
three_syns(struct wk *k, uint32_t src, uint32_t dst)
{
	struct frame f;

	for (uint16_t p = 0; p < 3; p++) {
		tcp4s(&f, src, dst, 40000, (uint16_t)(1000 + p), SW_TCP_SYN);
		wk_send(k, &f);
	}
}

/*
 * One source's SYN scan of ntg targets x nport ports, unanswered, 1 ms
 * apart (targets the inner loop, every target met in the first hundreds;
 * by_target: ports the inner loop, one target after another), through a
 * worker with detect.heavy-sample = sample, counting by sample past 400
 * first contacts; its counters at the slow scale in *e, its SUSPECT
 * events' highest unique ports in *top_ports.
 */
static struct wk *
block_scan(unsigned sample, unsigned ntg, unsigned nport, bool by_target, unsigned burst,
	   struct sw_est *e, uint32_t *top_ports)
{
	uint32_t saved = conf.heavy_sample, from = conf.heavy_sample_from, seed = conf.sketch_seed;
	struct sw_addr s = v4(SCANNER);
	struct wk *k;
	struct frame f;

	conf.heavy_sample = sample;
	conf.heavy_sample_from = 4;	/* past 400 first contacts, not 6,400 */
	conf.sketch_seed = 777;
	k = wk_create();
	k->burst = burst;
	conf.heavy_sample = saved;
	conf.heavy_sample_from = from;
	conf.sketch_seed = seed;
	for (unsigned i = 0; i < ntg * nport; i++) {
		unsigned t = by_target ? i / nport : i % ntg, p = by_target ? i % nport : i / ntg;

		tcp4s(&f, SCANNER, IP(10, 50, t >> 8, t & 0xff), 40000, (uint16_t)(1 + p),
		      SW_TCP_SYN);
		wk_send(k, &f);
		if (k->nev > RTE_DIM(k->ev) - 64)
			k->nev = 0;	/* only the counts matter here */
	}
	wk_flush(k);
	merged(k, &s, SW_C_TCP, e);
	*top_ports = 0;
	for (unsigned i = 0; i < k->nev; i++)
		if (k->ev[i].type == SW_EV_SUSPECT && addr_eq(&k->ev[i].src, &s))
			*top_ports = RTE_MAX(*top_ports, (uint32_t)k->ev[i].v[SW_F_PORTS]);
	return k;
}

/*
 * Past detect.heavy-sample-from times the slow contacts threshold a
 * source's targets and ports are counted by sample (detect.c,
 * count_sampled()): every first contact still counts, the distinct
 * targets and ports are estimates
 * within a few sigma of the truth (sqrt(8 n) for the n counted by
 * sample), and a target met on many ports is not counted once per
 * sampled port (the bias a sample of contacts would have). With 1, every
 * one is tested: the exact numbers, less the filter's rare false
 * positive.
 */
static void
very_heavy_sources_are_counted_by_sample(void)
{
	static const struct { unsigned ntg, nport; bool by_target; } shape[] = {
		{ 1, 12000, false },	/* vertical */
		{ 12000, 1, false },	/* horizontal */
		{ 100, 400, false },	/* block, a port of each target at a time */
		{ 300, 40, true },	/* block, a target's ports at a time */
	};

	for (unsigned i = 0; i < RTE_DIM(shape); i++) {
		unsigned ntg = shape[i].ntg, nport = shape[i].nport, n = ntg * nport;
		struct sw_est ex, sa;
		uint32_t top_ex, top_sa;
		bool bt = shape[i].by_target;
		struct wk *k1 = block_scan(1, ntg, nport, bt, 32, &ex, &top_ex);
		struct wk *k8 = block_scan(8, ntg, nport, bt, 32, &sa, &top_sa);
		const struct sw_detect_stats *s1 = sw_detect_stats(k1->w->det);
		const struct sw_detect_stats *s8 = sw_detect_stats(k8->w->det);
		double tg = sa.v[2][SW_F_TARGETS], po = sa.v[2][SW_F_PORTS];

		CHECK(s1->sampled == 0 && s8->sampled > n / 2, "shape %u: sampled %" PRIu64
		      " with 1, %" PRIu64 " with 8 of %u", i, s1->sampled, s8->sampled, n);
		CHECK(ex.v[2][SW_F_CONTACTS] >= n * 99 / 100 &&
		      ex.v[2][SW_F_CONTACTS] == sa.v[2][SW_F_CONTACTS],
		      "shape %u: contacts %u (every one) and %u (by sample) of %u", i,
		      ex.v[2][SW_F_CONTACTS], sa.v[2][SW_F_CONTACTS], n);
		CHECK(ex.v[2][SW_F_TARGETS] >= ntg * 99 / 100 && ex.v[2][SW_F_TARGETS] <= ntg &&
		      ex.v[2][SW_F_PORTS] >= nport * 99 / 100 && ex.v[2][SW_F_PORTS] <= nport,
		      "shape %u: every one tested: %u targets of %u, %u ports of %u", i,
		      ex.v[2][SW_F_TARGETS], ntg, ex.v[2][SW_F_PORTS], nport);
		/* met before the sample began: exact; many: within 20 %, a few
		 * hundred within 40 % (sqrt(8 n) is 16 % of 300) */
		CHECK(!bt && ntg < 1000 ? sa.v[2][SW_F_TARGETS] == ex.v[2][SW_F_TARGETS] :
				   fabs(tg - ntg) <= (ntg < 1000 ? 0.4 : 0.2) * ntg,
		      "shape %u: %u targets by sample, %u of them", i, sa.v[2][SW_F_TARGETS], ntg);
		CHECK(nport < 2 ? sa.v[2][SW_F_PORTS] == 1 : fabs(po - nport) <= 0.4 * nport,
		      "shape %u: %u ports by sample, %u of them", i, sa.v[2][SW_F_PORTS], nport);
		/* the ports' doublings still reported */
		CHECK(nport < 2 || top_sa * 2 > top_ex, "shape %u: ports reported up to %u by "
		      "sample, %u when every one is tested", i, top_sa, top_ex);
		wk_free(k1);
		wk_free(k8);
	}
}

/* Counting by sample is decided in packet order on the counts, not on what
 * pass 2 guessed for the burst: a burst of 32 and one frame at a time
 * count alike, and raise the same events. */
static void
sampling_does_not_depend_on_the_burst(void)
{
	struct sw_est e[2];
	uint32_t top[2];
	struct wk *k[2];

	for (unsigned b = 0; b < 2; b++)
		k[b] = block_scan(8, 30, 200, false, b == 0 ? 32 : 1, &e[b], &top[b]);
	CHECK(sw_detect_stats(k[0]->w->det)->sampled > 3000, "sampled %" PRIu64,
	      sw_detect_stats(k[0]->w->det)->sampled);
	CHECK(memcmp(sw_detect_stats(k[0]->w->det), sw_detect_stats(k[1]->w->det),
		     sizeof(struct sw_detect_stats)) == 0, "the counters differ");
	CHECK(memcmp(&e[0], &e[1], sizeof(e[0])) == 0 && top[0] == top[1],
	      "the estimates differ: ports %u and %u", e[0].v[2][SW_F_PORTS],
	      e[1].v[2][SW_F_PORTS]);
	same_events_then_free(k);
}

/*
 * A distributed scan is many light sources on one target: a source past a
 * contacts threshold is a block scanner on its own and does not count
 * among a target's sources (count_target), so four light sources and a
 * heavy one watch no target, and a fifth light one does.
 */
static void
heavy_source_does_not_count_among_a_targets_sources(void)
{
	struct wk *k = wk_create();
	const uint32_t heavy = IP(10, 1, 0, 1), tgt = IP(10, 9, 9, 9);
	struct sw_addr t = v4(tgt);
	struct frame f;

	CHECK(conf.distributed_sources == 5, "distributed-sources %u", conf.distributed_sources);
	for (unsigned i = 0; i < conf.ts[0].contacts + 10; i++) {
		tcp4s(&f, heavy, IP(10, 2, (uint8_t)(i >> 8), (uint8_t)i), 40000, 80, SW_TCP_SYN);
		wk_send(k, &f);
	}
	three_syns(k, heavy, tgt);
	for (unsigned s = 1; s <= 4; s++)
		three_syns(k, IP(10, 3, 0, s), tgt);
	wk_flush(k);
	CHECK(count_target_ev(k, &t) == 0, "a heavy source and four light ones: %u TARGET events",
	      count_target_ev(k, &t));
	three_syns(k, IP(10, 3, 0, 5), tgt);
	wk_flush(k);
	CHECK(count_target_ev(k, &t) == 1, "five light sources: %u TARGET events",
	      count_target_ev(k, &t));
	wk_free(k);
}

/*
 * A target that has counted more sources than a distributed scan's in
 * every window cannot make the test fire again before a window ends, in a
 * later second: until then its contacts leave its cell alone (count_target,
 * tdone): a random-source flood's every packet, one line less. The test
 * fires as before, and again once the shortest window has ended.
 */
static void
flooded_target_is_left_alone_until_a_window_ends(void)
{
	struct wk *k = wk_create();
	const uint32_t tgt = IP(10, 9, 9, 9);
	struct sw_addr t = v4(tgt);
	const struct sw_sketch *sk = sw_detect_sketch(k->w->det);
	uint64_t l0, l1, l2;
	struct frame f;

	for (unsigned s = 1; s <= 5; s++)
		three_syns(k, IP(10, 3, 0, s), tgt);
	wk_flush(k);
	CHECK(count_target_ev(k, &t) == 1, "five sources: %u TARGET events",
	      count_target_ev(k, &t));
	/* a flood in the same second: one SYN from each of 200 new sources */
	l0 = sw_sketch_lines(sk);
	for (unsigned s = 0; s < 200; s++) {
		tcp4s(&f, IP(10, 4, 0, s), tgt, 40000, 80, SW_TCP_SYN);
		wk_send(k, &f);
	}
	wk_flush(k);
	l1 = sw_sketch_lines(sk);
	/* as many new sources' SYNs, each at a target of its own */
	l2 = sw_sketch_lines(sk);
	for (unsigned s = 0; s < 200; s++) {
		tcp4s(&f, IP(10, 5, 0, s), IP(10, 8, 0, s), 40000, 80, SW_TCP_SYN);
		wk_send(k, &f);
	}
	wk_flush(k);
	NOTE("    200 new sources' SYNs: %" PRIu64 " lines at a target past the test in every "
	     "window, %" PRIu64 " at targets of their own\n", l1 - l0, sw_sketch_lines(sk) - l2);
	CHECK(l1 - l0 + 190 <= sw_sketch_lines(sk) - l2, "the flooded target's cell was "
	      "touched: %" PRIu64 " lines against %" PRIu64, l1 - l0, sw_sketch_lines(sk) - l2);
	CHECK(count_target_ev(k, &t) == 1, "the flood: %u TARGET events", count_target_ev(k, &t));
	/* the shortest window ends: five new sources make a distributed scan again */
	k->ts_ns += (uint64_t)conf.ts[0].window_s * 1000000000ULL + 1000000000ULL;
	for (unsigned s = 1; s <= 5; s++)
		three_syns(k, IP(10, 7, 0, s), tgt);
	wk_flush(k);
	CHECK(count_target_ev(k, &t) == 2, "five sources in a new window: %u TARGET events",
	      count_target_ev(k, &t));
	wk_free(k);
}

static unsigned
syns_left_unanswered(unsigned nprobes, bool answered, bool link_answers,
		     struct sw_detect_stats *st)
{
	struct wk *k = wk_create();
	struct sw_addr scanner = v4(SCANNER);
	struct frame f;
	unsigned n;

	if (link_answers) {
		tcp4s(&f, IP(10, 0, 0, 9), IP(10, 0, 0, 8), 40000, 443, SW_TCP_SYN);
		wk_send(k, &f);
		tcp4s(&f, IP(10, 0, 0, 8), IP(10, 0, 0, 9), 443, 40000, SW_TCP_SYN | SW_TCP_ACK);
		wk_send(k, &f);
	}
	for (uint16_t i = 0; i < nprobes; i++) {
		k->ts_ns += 300000000ULL;
		tcp4s(&f, SCANNER, TARGET, 50000, (uint16_t)(1000 + i), SW_TCP_SYN);
		wk_send(k, &f);
		if (answered) {
			tcp4s(&f, TARGET, SCANNER, (uint16_t)(1000 + i), 50000,
			      SW_TCP_RST | SW_TCP_ACK);
			wk_send(k, &f);
		}
	}
	wk_flush(k);
	/* time runs on past every timeout: the worker's tick expires them */
	k->ts_ns += 5000000000ULL;
	tcp4s(&f, IP(10, 0, 0, 9), IP(10, 0, 0, 8), 40000, 443, SW_TCP_ACK);
	wk_send(k, &f);
	wk_flush(k);
	sw_detect_tick(k->w->det, k->w);
	wk_drain(k);
	n = count_ev(k, SW_EV_SUSPECT, &scanner, SW_SUSPECT_TIMEOUT);
	*st = *sw_detect_stats(k->w->det);
	wk_free(k);
	return n;
}

static void
unanswered_syns_are_failures_after_the_timeout(void)
{
	struct sw_detect_stats st;
	unsigned n = syns_left_unanswered(4, false, true, &st);

	/* four failures cross the sequential test (0.8/0.2, 1 %, 99 %) */
	CHECK(n == 1, "%u TIMEOUT suspects after 4 unanswered SYNs", n);
	CHECK(st.timeouts == 4, "timeouts %" PRIu64 " of 4", st.timeouts);
	n = syns_left_unanswered(3, false, true, &st);
	CHECK(n == 0 && st.timeouts == 3, "3 unanswered SYNs: %u suspects, %" PRIu64 " timeouts",
	      n, st.timeouts);
}

static void
refused_syns_do_not_time_out(void)
{
	struct sw_detect_stats st;
	unsigned n = syns_left_unanswered(6, true, true, &st);

	CHECK(n == 0 && st.timeouts == 0, "RST-refused SYNs: %u TIMEOUT suspects, %" PRIu64
	      " timeouts", n, st.timeouts);
	CHECK(st.negatives == 6, "negatives %" PRIu64 " of 6", st.negatives);
}

static void
one_way_link_counts_no_timeouts(void)
{
	struct sw_detect_stats st;
	unsigned n = syns_left_unanswered(8, false, false, &st);

	CHECK(n == 0 && st.timeouts == 0, "one-way: %u suspects, %" PRIu64 " timeouts", n,
	      st.timeouts);
	CHECK(st.timeouts_one_way == 8, "timeouts_one_way %" PRIu64 " of 8", st.timeouts_one_way);
}

static void
timeout_zero_keeps_only_refusals(void)
{
	struct sw_detect_stats st;
	double keep = conf.trw_timeout_s;
	unsigned n;

	conf.trw_timeout_s = 0;
	n = syns_left_unanswered(8, false, true, &st);
	conf.trw_timeout_s = keep;
	CHECK(n == 0 && st.timeouts == 0 && st.timeouts_one_way == 0 && st.timeouts_lost == 0,
	      "detect.trw.timeout=0: %u suspects, %" PRIu64 " timeouts", n, st.timeouts);
}

static void
non_ip_and_truncated_frames_are_counted_not_fatal(void)
{
	struct wk *k = wk_create();
	struct frame f;

	eth(&f, 0x0806);	/* ARP */
	for (int i = 0; i < 28; i++)
		u8(&f, 0);
	wk_send(k, &f);
	f.n = 10;		/* shorter than an Ethernet header */
	wk_send(k, &f);
	tcp4s(&f, SCANNER, TARGET, 1, 2, SW_TCP_SYN);
	f.n = 14 + 12;		/* IPv4 header cut short */
	wk_send(k, &f);
	tcp4s(&f, SCANNER, TARGET, 1, 2, SW_TCP_SYN);
	f.n = 14 + 20 + 8;	/* TCP header cut short */
	wk_send(k, &f);
	tcp4s(&f, SCANNER, TARGET, 1, 2, SW_TCP_SYN);	/* one good packet after them */
	wk_send(k, &f);
	wk_flush(k);

	CHECK(k->w->st.pkts == 5, "pkts %llu", (unsigned long long)k->w->st.pkts);
	CHECK(k->w->st.non_ip == 1, "non_ip %llu", (unsigned long long)k->w->st.non_ip);
	CHECK(k->w->st.ip == 1, "ip %llu", (unsigned long long)k->w->st.ip);
	CHECK(k->w->st.invalid == 3, "invalid %llu", (unsigned long long)k->w->st.invalid);
	CHECK(k->w->st.perr[SW_PERR_ETH_TRUNC] == 1 && k->w->st.perr[SW_PERR_IP4_TRUNC] == 1 &&
	      k->w->st.perr[SW_PERR_TCP_TRUNC] == 1, "perr eth %llu ip4 %llu tcp %llu",
	      (unsigned long long)k->w->st.perr[SW_PERR_ETH_TRUNC],
	      (unsigned long long)k->w->st.perr[SW_PERR_IP4_TRUNC],
	      (unsigned long long)k->w->st.perr[SW_PERR_TCP_TRUNC]);
	CHECK(sw_detect_stats(k->w->det)->probes == 1, "probes %llu",
	      (unsigned long long)sw_detect_stats(k->w->det)->probes);
	CHECK(rte_mempool_in_use_count(pool) == 0, "%u mbufs not freed by the burst",
	      rte_mempool_in_use_count(pool));
	wk_free(k);
}

int
main(void)
{
	if (test_eal_init("detect") != 0)
		return 2;
	sw_conf_defaults(&conf);
	trw_n = sw_trw_failures(conf.trw_theta0, conf.trw_theta1, conf.trw_alpha, conf.trw_beta);
	pool = rte_pktmbuf_pool_create("swt_pool", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "test_detect: cannot create the mbuf pool\n");
		return 2;
	}

	RUN(syn_is_probe_with_technique_syn);
	RUN(answers_to_group_queries_are_no_probes);
	RUN(syn_with_kernel_options_is_connect);
	RUN(fin_null_xmas_are_probes);
	RUN(fin_ack_is_maybe_maimon_and_bare_ack_is_maybe_ack);
	RUN(synack_is_positive_for_the_destination);
	RUN(rst_is_negative_for_the_destination);
	RUN(icmp_echo_request_is_probe_and_reply_is_positive);
	RUN(port_unreachable_blames_the_quoted_sender);
	RUN(icmpv6_echo_request_is_probe);
	RUN(sctp_init_probe_init_ack_positive_abort_negative);
	RUN(unknown_ip_protocol_is_maybe_with_protocol_as_port);
	RUN(non_ip_frames_have_no_role);
	RUN(parser_records_tcp_option_layout_df_and_tos);
	RUN(every_fingerprint_names_a_tool_and_its_evidence);
	RUN(masscan_ip_id_is_dst_xor_port_xor_seq);
	RUN(zmap_ip_id_54321_probes);
	RUN(zmap_2024_syn_with_random_ip_id_and_os_options);
	RUN(nmap_syn_scan_probe);
	RUN(nmap_stealth_and_ack_probes);
	RUN(nmap_ping_sctp_and_protocol_probes);
	RUN(nmap_os_detection_tcp_probes);
	RUN(nmap_os_detection_ie_and_u1_probes);
	RUN(hping3_tcp_defaults);
	RUN(hping3_icmp_and_udp_defaults);
	RUN(every_ack_fingerprint_passes_the_window_precheck);
	RUN(vector_threshold_test_matches_the_plain_one);
	RUN(weighted_step_crosses_what_each_value_would);
	RUN(ordinary_stacks_name_no_tool);
	RUN(trw_needs_four_failures_with_default_parameters);
	RUN(vertical_shape_is_portscan);
	RUN(horizontal_shape_is_portsweep);
	RUN(many_targets_and_many_ports_is_block_scan);
	RUN(icmp_echo_to_many_targets_is_icmp_sweep);
	RUN(many_ip_protocols_is_protocol_scan);
	RUN(trw_alone_makes_a_small_scan_a_portscan);
	RUN(half_open_answers_count_as_failures);
	RUN(benign_crawler_is_not_a_sweep);
	RUN(resolver_like_fanout_is_not_a_scan);
	RUN(peers_on_their_own_ports_are_not_a_block_scan);
	RUN(random_host_and_port_scan_is_still_caught);
	RUN(wide_clients_with_unanswered_contacts_are_not_a_sweep);
	RUN(no_responses_means_filtered);
	RUN(syn_scan_answered_by_rsts_raises_trw_then_ports_suspect);
	RUN(trw_share_crosses_again_at_each_doubling);
	RUN(sensitive_services_travel_ahead_of_the_suspect);
	RUN(repeated_connections_to_a_sensitive_service_are_counted);
	RUN(benign_client_completing_handshakes_is_not_a_scan);
	RUN(established_flow_segments_touch_no_state);
	RUN(first_contact_of_a_new_source_defers_its_pair_and_port);
	RUN(ack_scan_of_an_unknown_tool_is_seen_through_its_rsts);
	RUN(clients_resetting_a_server_do_not_make_it_a_scanner);
	RUN(clients_resetting_their_own_connections_are_not_answers);
	RUN(rst_of_own_probe_seen_across_a_second_in_one_burst);
	RUN(burst_size_does_not_change_what_is_counted);
	RUN(full_ring_keeps_the_suspect_not_its_samples);
	RUN(unanswered_syns_are_failures_after_the_timeout);
	RUN(heavy_source_does_not_count_among_a_targets_sources);
	RUN(flooded_target_is_left_alone_until_a_window_ends);
	RUN(very_heavy_sources_are_counted_by_sample);
	RUN(sampling_does_not_depend_on_the_burst);
	RUN(refused_syns_do_not_time_out);
	RUN(one_way_link_counts_no_timeouts);
	RUN(timeout_zero_keeps_only_refusals);
	RUN(non_ip_and_truncated_frames_are_counted_not_fatal);
	NOTE("%u tests, %u failed", n_tests, n_failed);

	rte_mempool_free(pool);
	test_eal_cleanup();
	return n_failed != 0;
}
