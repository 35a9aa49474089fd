/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for src/detect/: packet roles and fingerprints on frames built
 * byte by byte and parsed with sw_parse(), the TRW threshold, the kind
 * decision (sw_decide_kind), and the worker path end to end without a NIC
 * (mbufs from a mempool through sw_worker_burst to the event ring).
 * Needs DPDK memory: runs EAL without hugepages or PCI. Exit status is
 * nonzero if any check failed.
 */

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

static void
tcp4(struct frame *f, uint32_t src, uint32_t dst, const struct tcpx *t)
{
	uint16_t l4 = (uint16_t)(20 + t->optlen + t->payload);

	eth(f, 0x0800);
	ip4h(f, IPPROTO_TCP, src, dst, t->ip_id, l4);
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
/* fingerprints */

static enum sw_tool
tool_of(const struct frame *f)
{
	struct sw_pkt p;

	if (!parse(f, &p))
		return SW_TOOL__MAX;
	return sw_fingerprint(&p);
}

static void
masscan_syn_is_recognised_by_its_ip_id(void)
{
	struct frame f;
	uint32_t seq = 0x12345678;
	struct tcpx t = { .sport = 61000, .dport = 80, .win = 1024, .seq = seq,
			  .flags = SW_TCP_SYN };

	t.ip_id = (uint16_t)((TARGET ^ 80 ^ seq) & 0xffff);
	tcp4(&f, SCANNER, TARGET, &t);
	CHECK(tool_of(&f) == SW_TOOL_MASSCAN, "got %s", sw_tool_names[tool_of(&f)]);
	/* one bit off and it is not masscan */
	t.ip_id ^= 0x0100;
	tcp4(&f, SCANNER, TARGET, &t);
	CHECK(tool_of(&f) != SW_TOOL_MASSCAN, "wrong IP ID still masscan");
}

static void
ip_id_54321_is_zmap(void)
{
	struct frame f;
	struct tcpx t = { .sport = 50000, .dport = 443, .win = 65535, .ip_id = 54321,
			  .seq = 77, .flags = SW_TCP_SYN };

	tcp4(&f, SCANNER, TARGET, &t);
	CHECK(tool_of(&f) == SW_TOOL_ZMAP, "got %s", sw_tool_names[tool_of(&f)]);
}

static void
window_1024_with_lone_mss_1460_is_nmap(void)
{
	struct frame f;
	struct tcpx t = { .sport = 50000, .dport = 22, .win = 1024, .seq = 0xabcdef01,
			  .flags = SW_TCP_SYN, .opt = OPT_MSS1460, .optlen = 4 };

	t.ip_id = (uint16_t)(((TARGET ^ 22 ^ t.seq) & 0xffff) ^ 0x5555);	/* not masscan's */
	tcp4(&f, SCANNER, TARGET, &t);
	CHECK(tool_of(&f) == SW_TOOL_NMAP, "got %s", sw_tool_names[tool_of(&f)]);
}

static void
window_512_without_options_is_hping3(void)
{
	struct frame f;
	struct tcpx t = { .sport = 2000, .dport = 0, .win = 512, .ip_id = 4242, .seq = 9,
			  .flags = SW_TCP_SYN };

	tcp4(&f, SCANNER, TARGET, &t);
	CHECK(tool_of(&f) == SW_TOOL_HPING3, "got %s", sw_tool_names[tool_of(&f)]);
}

static void
linux_syn_is_unknown_tool(void)
{
	struct frame f;
	struct tcpx t = { .sport = 45678, .dport = 443, .win = 64240, .ip_id = 31337,
			  .seq = 0x11111111, .flags = SW_TCP_SYN, .opt = OPT_LINUX, .optlen = 20 };

	tcp4(&f, SCANNER, TARGET, &t);
	CHECK(tool_of(&f) == SW_TOOL_UNKNOWN, "got %s", sw_tool_names[tool_of(&f)]);
	/* window 1024 but full kernel options: not nmap's raw SYN either */
	t.win = 1024;
	tcp4(&f, SCANNER, TARGET, &t);
	CHECK(tool_of(&f) == SW_TOOL_UNKNOWN, "window 1024 + kernel options: got %s",
	      sw_tool_names[tool_of(&f)]);
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
};

static struct wk *
wk_create(const char *ring)
{
	struct wk *k = calloc(1, sizeof(*k));
	struct sw_worker *w = rte_zmalloc_socket("sw_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
						  SOCKET_ID_ANY);

	if (k == NULL || w == NULL) {
		fprintf(stderr, "test_detect: out of memory for a worker\n");
		exit(2);
	}
	w->id = 0;
	w->burst = 32;
	w->offline = true;
	sw_clock_init(&w->clock);
	w->ring = rte_ring_create_elem(ring, sizeof(struct sw_event), 4096, SOCKET_ID_ANY,
				       RING_F_SP_ENQ | RING_F_SC_DEQ);
	w->det = sw_detect_create(&conf, 1, SOCKET_ID_ANY);
	if (w->ring == NULL || w->det == NULL || w->clock.ts_dynfield < 0) {
		fprintf(stderr, "test_detect: worker setup failed (ring %p det %p dynfield %d)\n",
			(void *)w->ring, (void *)w->det, w->clock.ts_dynfield);
		exit(2);
	}
	k->w = w;
	k->ts_ns = 1700000000ULL * 1000000000ULL;
	w->last_ts_ns = k->ts_ns;
	return k;
}

static void
wk_free(struct wk *k)
{
	rte_ring_free(k->w->ring);
	sw_detect_free(k->w->det);
	rte_free(k->w);
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
	if (k->npend == 32)
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

static void
syn_scan_answered_by_rsts_raises_trw_then_ports_suspect(void)
{
	struct wk *k = wk_create("swt_ev_scan");
	struct sw_addr s = v4(SCANNER);
	unsigned first_trw = UINT_MAX, first_ports = UINT_MAX;
	struct sw_est e;
	bool filtered = true;
	int kd;

	for (uint16_t port = 1; port <= 20; port++) {
		struct frame f;
		struct tcpx syn = { .sport = 60000, .dport = port, .win = 1024, .ip_id = 1,
				    .seq = 0x01020304, .flags = SW_TCP_SYN,
				    .opt = OPT_MSS1460, .optlen = 4 };

		tcp4(&f, SCANNER, TARGET, &syn);
		wk_send(k, &f);
		tcp4s(&f, TARGET, SCANNER, port, 60000, SW_TCP_RST | SW_TCP_ACK);
		wk_send(k, &f);
	}
	wk_flush(k);

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
		CHECK(ev->technique == SW_T_SYN, "technique %s", sw_technique_names[ev->technique]);
	}
	CHECK(count_ev(k, SW_EV_CONTACT, &s, 0) > 0, "no CONTACT samples ahead of suspects");
	merged(k, &s, SW_C_TCP, &e);
	CHECK(e.v[0][SW_F_CONTACTS] == 20 && e.v[0][SW_F_PORTS] == 20 &&
	      e.v[0][SW_F_TARGETS] == 1 && e.v[0][SW_F_FAILED] == 20,
	      "counters contacts %u ports %u targets %u failed %u", e.v[0][SW_F_CONTACTS],
	      e.v[0][SW_F_PORTS], e.v[0][SW_F_TARGETS], e.v[0][SW_F_FAILED]);
	kd = sw_decide_kind(&conf, trw_n, SW_C_TCP, 0, e.v[0], &filtered);
	CHECK(kd == K_PORTSCAN && !filtered, "decided %d filtered %d", kd, filtered);
	wk_free(k);
}

static void
benign_client_completing_handshakes_is_not_a_scan(void)
{
	struct wk *k = wk_create("swt_ev_benign");
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
non_ip_and_truncated_frames_are_counted_not_fatal(void)
{
	struct wk *k = wk_create("swt_ev_bad");
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
	RUN(masscan_syn_is_recognised_by_its_ip_id);
	RUN(ip_id_54321_is_zmap);
	RUN(window_1024_with_lone_mss_1460_is_nmap);
	RUN(window_512_without_options_is_hping3);
	RUN(linux_syn_is_unknown_tool);
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
	RUN(no_responses_means_filtered);
	RUN(syn_scan_answered_by_rsts_raises_trw_then_ports_suspect);
	RUN(benign_client_completing_handshakes_is_not_a_scan);
	RUN(non_ip_and_truncated_frames_are_counted_not_fatal);
	printf("%u tests, %u failed\n", n_tests, n_failed);

	rte_mempool_free(pool);
	test_eal_cleanup();
	return n_failed != 0;
}
