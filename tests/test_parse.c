/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for src/parse/: sw_parse(), sw_perr_names[], sw_addr_str().
 *
 * Frames are built byte by byte with the small builders below, then copied
 * into a malloc'd buffer of exactly their length before parsing, so that
 * under -fsanitize=address any read past the end is reported. Exit status
 * is nonzero if any check failed.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scanwatch/pkt.h>

#include "check.h"

/* ---------------------------------------------------------------------- */
/* checks: tests/check.h, with two shorthands that print both values */

#define EQ(a, b) do {							\
	unsigned long long a_ = (unsigned long long)(a);		\
	unsigned long long b_ = (unsigned long long)(b);		\
	if (a_ == b_)							\
		check_ok();						\
	else								\
		check_fail(__FILE__, __LINE__, #a " == " #b,		\
			   "got %llu (0x%llx), want %llu (0x%llx)",	\
			   a_, a_, b_, b_);				\
} while (0)
#define TRUE(c)	EQ(!!(c), 1)

/* ---------------------------------------------------------------------- */
/* frame builders */

#define PB_MAX 2048

enum { FIX_IP4 = 1, FIX_IP6, FIX_UDP };

struct pb {
	uint8_t b[PB_MAX];
	uint32_t n;
	uint32_t fix_off[16];
	int fix_kind[16];
	int nfix;
	int quote;	/* inside an ICMP quote: lengths are given, not fixed */
};

static uint32_t
put(struct pb *p, const void *src, uint32_t n)
{
	uint32_t off = p->n;

	if (p->n + n > PB_MAX) {
		fprintf(stderr, "test frame too large\n");
		exit(2);
	}
	memcpy(p->b + p->n, src, n);
	p->n += n;
	return off;
}

static uint32_t
u8(struct pb *p, uint8_t v)
{
	return put(p, &v, 1);
}

static uint32_t
u16(struct pb *p, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	return put(p, b, 2);
}

static uint32_t
u32(struct pb *p, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

	return put(p, b, 4);
}

static void
w16(struct pb *p, uint32_t off, uint16_t v)
{
	p->b[off] = v >> 8;
	p->b[off + 1] = v & 0xff;
}

static void
fill(struct pb *p, uint8_t v, uint32_t n)
{
	while (n--)
		u8(p, v);
}

static void
data(struct pb *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		u8(p, (uint8_t)(i * 7 + 1));
}

static void
fixup(struct pb *p, uint32_t off, int kind)
{
	if (p->quote)
		return;
	p->fix_off[p->nfix] = off;
	p->fix_kind[p->nfix++] = kind;
}

/* Fill in the length fields now that the frame is complete. */
static void
finish(struct pb *p)
{
	for (int i = 0; i < p->nfix; i++) {
		uint32_t off = p->fix_off[i];

		switch (p->fix_kind[i]) {
		case FIX_IP4:
			w16(p, off + 2, (uint16_t)(p->n - off));
			break;
		case FIX_IP6:
			w16(p, off + 4, (uint16_t)(p->n - off - 40));
			break;
		case FIX_UDP:
			w16(p, off + 4, (uint16_t)(p->n - off));
			break;
		}
	}
	p->nfix = 0;
}

static void
eth(struct pb *p, uint16_t type)
{
	static const uint8_t macs[12] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
		0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
	};

	memset(p, 0, sizeof(*p));
	put(p, macs, sizeof(macs));
	u16(p, type);
}

static void
vlan(struct pb *p, uint16_t tci, uint16_t type)
{
	u16(p, tci);
	u16(p, type);
}

/* tot == 0: computed by finish() */
static uint32_t
ip4x(struct pb *p, uint8_t proto, uint32_t src, uint32_t dst,
     const uint8_t *opt, uint8_t optlen, uint16_t frag, uint16_t tot)
{
	uint32_t off = u8(p, (uint8_t)(0x40 | (5 + optlen / 4)));

	u8(p, 0);
	u16(p, tot);
	if (tot == 0)
		fixup(p, off, FIX_IP4);
	u16(p, 0x1234);
	u16(p, frag);
	u8(p, 64);
	u8(p, proto);
	u16(p, 0);
	u32(p, src);
	u32(p, dst);
	if (optlen)
		put(p, opt, optlen);
	return off;
}

static uint32_t
ip4(struct pb *p, uint8_t proto, uint32_t src, uint32_t dst)
{
	return ip4x(p, proto, src, dst, NULL, 0, 0, 0);
}

static uint32_t
ip6x(struct pb *p, uint8_t nh, const uint8_t *src, const uint8_t *dst,
     uint16_t plen)
{
	uint32_t off = u32(p, 0x60000000);

	u16(p, plen);
	if (plen == 0)
		fixup(p, off, FIX_IP6);
	u8(p, nh);
	u8(p, 64);
	put(p, src, 16);
	put(p, dst, 16);
	return off;
}

static uint32_t
ip6(struct pb *p, uint8_t nh, const uint8_t *src, const uint8_t *dst)
{
	return ip6x(p, nh, src, dst, 0);
}

/* hop-by-hop, routing, destination options: (len8 + 1) * 8 bytes */
static void
ext6(struct pb *p, uint8_t nh, uint8_t len8)
{
	u8(p, nh);
	u8(p, len8);
	fill(p, 0, (len8 + 1u) * 8 - 2);	/* Pad1 options */
}

static void
frag6(struct pb *p, uint8_t nh, uint16_t off8, int more, uint32_t id)
{
	u8(p, nh);
	u8(p, 0);
	u16(p, (uint16_t)(off8 << 3 | (more ? 1 : 0)));
	u32(p, id);
}

/* (len + 2) * 4 bytes */
static void
ah6(struct pb *p, uint8_t nh, uint8_t len)
{
	u8(p, nh);
	u8(p, len);
	u16(p, 0);
	u32(p, 0x1000);		/* SPI */
	u32(p, 1);		/* sequence */
	fill(p, 0xa5, (len + 2u) * 4 - 12);
}

static void
tcp(struct pb *p, uint16_t sport, uint16_t dport, uint32_t seq,
    uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opt,
    uint8_t optlen)
{
	u16(p, sport);
	u16(p, dport);
	u32(p, seq);
	u32(p, ack);
	u8(p, (uint8_t)(((20 + optlen) / 4) << 4));
	u8(p, flags);
	u16(p, win);
	u16(p, 0);
	u16(p, 0);
	if (optlen)
		put(p, opt, optlen);
}

static void
udp(struct pb *p, uint16_t sport, uint16_t dport)
{
	uint32_t off = u16(p, sport);

	u16(p, dport);
	u16(p, 8);
	fixup(p, off, FIX_UDP);
	u16(p, 0);
}

static void
icmp(struct pb *p, uint8_t type, uint8_t code, uint16_t id, uint16_t seq)
{
	u8(p, type);
	u8(p, code);
	u16(p, 0);
	u16(p, id);
	u16(p, seq);
}

static void
sctp(struct pb *p, uint16_t sport, uint16_t dport, uint32_t vtag)
{
	u16(p, sport);
	u16(p, dport);
	u32(p, vtag);
	u32(p, 0);
}

static void
chunk(struct pb *p, uint8_t type, uint8_t flags, uint16_t len)
{
	u8(p, type);
	u8(p, flags);
	u16(p, len);
	fill(p, 0, len - 4u);
}

static void
pad_to(struct pb *p, uint32_t n)
{
	while (p->n < n)
		u8(p, 0xee);
}

/* ---------------------------------------------------------------------- */
/* sample frames */

#define SCAN4	0xc0000201u	/* 192.0.2.1, the prober */
#define TGT4	0xc6336407u	/* 198.51.100.7, the probed host */

static const uint8_t SCAN6[16] = {
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
};
static const uint8_t TGT6[16] = {
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07,
};

/* Linux SYN: MSS 1460, SACK-permitted, timestamps, NOP, window scale 7 */
static const uint8_t OPT_LINUX[20] = {
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
	0x00, 0x01, 0x02, 0x03, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x03, 0x03, 0x07,
};
static const uint8_t OPT_MSS1400[4] = { 0x02, 0x04, 0x05, 0x78 };

#define ET_IP4	0x0800
#define ET_IP6	0x86dd
#define ET_ARP	0x0806
#define ET_VLAN	0x8100
#define ET_QINQ	0x88a8

#define P_ICMP	1
#define P_TCP	6
#define P_UDP	17
#define P_ICMP6	58
#define P_SCTP	132

#define F_IP	SW_PKT_F_IP
#define F_L4	SW_PKT_F_L4

static void
tcp4(struct pb *p, uint8_t flags, const uint8_t *opt, uint8_t optlen)
{
	eth(p, ET_IP4);
	ip4(p, P_TCP, SCAN4, TGT4);
	tcp(p, 40000, 80, 0x11223344, 0, flags, 64240, opt, optlen);
	finish(p);
}

static void mk_tcp_syn(struct pb *p) { tcp4(p, SW_TCP_SYN, OPT_LINUX, 20); }
static void mk_tcp_fin(struct pb *p) { tcp4(p, SW_TCP_FIN, NULL, 0); }
static void mk_tcp_null(struct pb *p) { tcp4(p, 0, NULL, 0); }

static void
mk_tcp_xmas(struct pb *p)
{
	tcp4(p, SW_TCP_FIN | SW_TCP_PSH | SW_TCP_URG, NULL, 0);
}

static void
mk_tcp_synack(struct pb *p)
{
	eth(p, ET_IP4);
	ip4(p, P_TCP, TGT4, SCAN4);
	tcp(p, 80, 40000, 0x55667788, 0x11223345, SW_TCP_SYN | SW_TCP_ACK,
	    65160, OPT_MSS1400, 4);
	finish(p);
}

static void
mk_tcp_rst(struct pb *p)
{
	eth(p, ET_IP4);
	ip4(p, P_TCP, TGT4, SCAN4);
	tcp(p, 80, 40000, 0, 0x11223345, SW_TCP_RST | SW_TCP_ACK, 0, NULL, 0);
	finish(p);
}

static void
mk_tcp_data(struct pb *p)
{
	eth(p, ET_IP4);
	ip4(p, P_TCP, SCAN4, TGT4);
	tcp(p, 40000, 80, 1, 2, SW_TCP_PSH | SW_TCP_ACK, 502, NULL, 0);
	data(p, 10);
	finish(p);
}

static void
mk_udp(struct pb *p)
{
	eth(p, ET_IP4);
	ip4(p, P_UDP, SCAN4, TGT4);
	udp(p, 53000, 53);
	data(p, 12);
	finish(p);
}

static void
mk_icmp_echo_req(struct pb *p)
{
	eth(p, ET_IP4);
	ip4(p, P_ICMP, SCAN4, TGT4);
	icmp(p, 8, 0, 0x4242, 7);
	data(p, 56);
	finish(p);
}

static void
mk_icmp_echo_rep(struct pb *p)
{
	eth(p, ET_IP4);
	ip4(p, P_ICMP, TGT4, SCAN4);
	icmp(p, 0, 0, 0x4242, 7);
	data(p, 56);
	finish(p);
}

static void
mk_icmp_timestamp(struct pb *p)
{
	eth(p, ET_IP4);
	ip4(p, P_ICMP, SCAN4, TGT4);
	icmp(p, 13, 0, 0x4243, 1);
	data(p, 12);
	finish(p);
}

/* ICMP error from the target; the caller appends the quote */
static void
icmp4_err(struct pb *p, uint8_t type, uint8_t code)
{
	eth(p, ET_IP4);
	ip4(p, P_ICMP, TGT4, SCAN4);
	icmp(p, type, code, 0, 0);
	p->quote = 1;
}

static void
mk_icmp_unreach_udp(struct pb *p)
{
	icmp4_err(p, 3, 3);
	ip4x(p, P_UDP, SCAN4, TGT4, NULL, 0, 0, 40);
	udp(p, 40000, 53);
	finish(p);
}

static void
mk_icmp_unreach_tcp(struct pb *p)
{
	icmp4_err(p, 3, 13);
	ip4x(p, P_TCP, SCAN4, TGT4, NULL, 0, 0, 44);
	u16(p, 40000);		/* RFC 792: only 8 bytes of L4 are quoted */
	u16(p, 443);
	u32(p, 0x11223344);
	finish(p);
}

static void
mk_icmp_quote_l4_2bytes(struct pb *p)
{
	icmp4_err(p, 3, 3);
	ip4x(p, P_UDP, SCAN4, TGT4, NULL, 0, 0, 28);
	u16(p, 40000);
	finish(p);
}

/* traceroute-style: time exceeded quoting an echo request */
static void
mk_icmp_ttl_exceeded_echo(struct pb *p)
{
	icmp4_err(p, 11, 0);
	ip4x(p, P_ICMP, SCAN4, TGT4, NULL, 0, 0, 84);
	icmp(p, 8, 0, 0x0bad, 9);
	finish(p);
}

static void
mk_icmp_quote_ip_trunc(struct pb *p)
{
	icmp4_err(p, 3, 3);
	ip4x(p, P_UDP, SCAN4, TGT4, NULL, 0, 0, 40);
	p->n -= 10;		/* only 10 bytes of the quoted IP header */
	finish(p);
}

/* quoted IHL 15: the options would run past the quote */
static void
mk_icmp_quote_ihl_past(struct pb *p)
{
	icmp4_err(p, 3, 3);
	ip4x(p, P_UDP, SCAN4, TGT4, NULL, 0, 0, 80);
	p->b[p->n - 20] = 0x4f;
	u32(p, 0x9c400035);
	finish(p);
}

static void
mk_icmp_quote_later_frag(struct pb *p)
{
	icmp4_err(p, 11, 1);
	ip4x(p, P_UDP, SCAN4, TGT4, NULL, 0, 0x0010, 40);
	data(p, 8);
	finish(p);
}

static void
mk_icmp6_echo(struct pb *p)
{
	eth(p, ET_IP6);
	ip6(p, P_ICMP6, SCAN6, TGT6);
	icmp(p, 128, 0, 0x1111, 3);
	data(p, 32);
	finish(p);
}

static void
mk_icmp6_unreach_tcp(struct pb *p)
{
	eth(p, ET_IP6);
	ip6(p, P_ICMP6, TGT6, SCAN6);
	icmp(p, 1, 4, 0, 0);
	p->quote = 1;
	ip6x(p, P_TCP, SCAN6, TGT6, 20);
	tcp(p, 40001, 22, 0x01020304, 0, SW_TCP_SYN, 1024, NULL, 0);
	finish(p);
}

/* packet too big, quoting a datagram with a destination-options header */
static void
mk_icmp6_ptb_ext(struct pb *p)
{
	eth(p, ET_IP6);
	ip6(p, P_ICMP6, TGT6, SCAN6);
	icmp(p, 2, 0, 0, 1280);
	p->quote = 1;
	ip6x(p, 60, SCAN6, TGT6, 1400);
	ext6(p, P_UDP, 0);
	udp(p, 40002, 161);
	finish(p);
}

static void
mk_icmp6_quote_ext_trunc(struct pb *p)
{
	eth(p, ET_IP6);
	ip6(p, P_ICMP6, TGT6, SCAN6);
	icmp(p, 1, 4, 0, 0);
	p->quote = 1;
	ip6x(p, 60, SCAN6, TGT6, 1400);
	u8(p, P_UDP);
	u8(p, 3);		/* 32 bytes claimed, 6 present */
	fill(p, 0, 4);
	finish(p);
}

static void
mk_sctp_init(struct pb *p)
{
	eth(p, ET_IP4);
	ip4(p, P_SCTP, SCAN4, TGT4);
	sctp(p, 40003, 2905, 0);
	chunk(p, 1, 0, 20);
	finish(p);
}

static void
mk_sctp_nochunk(struct pb *p)
{
	eth(p, ET_IP4);
	ip4(p, P_SCTP, SCAN4, TGT4);
	sctp(p, 40003, 2905, 0);
	finish(p);
}

static void
mk_vlan(struct pb *p)
{
	eth(p, ET_VLAN);
	vlan(p, 0x2064, ET_IP4);	/* PCP 1, VID 100 */
	ip4(p, P_TCP, SCAN4, TGT4);
	tcp(p, 40000, 80, 0x11223344, 0, SW_TCP_SYN, 1024, NULL, 0);
	finish(p);
}

static void
mk_qinq_88a8(struct pb *p)
{
	eth(p, ET_QINQ);
	vlan(p, 200, ET_VLAN);
	vlan(p, 100, ET_IP4);
	ip4(p, P_UDP, SCAN4, TGT4);
	udp(p, 53000, 123);
	finish(p);
}

static void
mk_qinq_8100(struct pb *p)
{
	eth(p, ET_VLAN);
	vlan(p, 0xf12c, ET_VLAN);	/* PCP 7, DEI, VID 300 */
	vlan(p, 100, ET_IP6);
	ip6(p, P_TCP, SCAN6, TGT6);
	tcp(p, 40000, 443, 5, 0, SW_TCP_SYN, 1024, NULL, 0);
	finish(p);
}

static void
mk_ip4_opts(struct pb *p)
{
	/* record route with room for two hops, then EOL: 12 bytes */
	static const uint8_t rr[12] = { 7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

	eth(p, ET_IP4);
	ip4x(p, P_TCP, SCAN4, TGT4, rr, 12, 0, 0);
	tcp(p, 40000, 80, 0x11223344, 0, SW_TCP_SYN, 1024, NULL, 0);
	finish(p);
}

static void
mk_ip4_first_frag(struct pb *p)
{
	eth(p, ET_IP4);
	ip4x(p, P_UDP, SCAN4, TGT4, NULL, 0, 0x2000, 0);
	udp(p, 40005, 137);
	data(p, 100);
	finish(p);
}

static void
mk_ip4_later_frag(struct pb *p)
{
	eth(p, ET_IP4);
	ip4x(p, P_UDP, SCAN4, TGT4, NULL, 0, 0x00b9, 0);	/* 1480 */
	data(p, 100);
	finish(p);
}

static void
mk_ip4_unknown(struct pb *p)
{
	eth(p, ET_IP4);
	ip4(p, 253, SCAN4, TGT4);	/* RFC 3692 experimental: no parser knows it */
	data(p, 24);
	finish(p);
}

static void
mk_ip6_ext_frag(struct pb *p)
{
	eth(p, ET_IP6);
	ip6(p, 0, SCAN6, TGT6);
	ext6(p, 60, 0);			/* hop-by-hop, 8 bytes */
	ext6(p, 44, 1);			/* destination options, 16 bytes */
	frag6(p, P_UDP, 0, 1, 0xdeadbeef);
	udp(p, 40004, 500);
	data(p, 10);
	finish(p);
}

static void
mk_ip6_later_frag(struct pb *p)
{
	eth(p, ET_IP6);
	ip6(p, 44, SCAN6, TGT6);
	frag6(p, P_TCP, 185, 0, 0xdeadbeef);
	data(p, 40);
	finish(p);
}

static void
mk_ip6_ah(struct pb *p)
{
	eth(p, ET_IP6);
	ip6(p, 51, SCAN6, TGT6);
	ah6(p, P_TCP, 4);		/* 24 bytes */
	tcp(p, 40006, 179, 9, 0, SW_TCP_SYN, 1024, OPT_MSS1400, 4);
	finish(p);
}

static void
mk_ip6_routing(struct pb *p)
{
	eth(p, ET_IP6);
	ip6(p, 43, SCAN6, TGT6);
	ext6(p, P_TCP, 2);		/* 24 bytes */
	tcp(p, 40007, 25, 9, 0, SW_TCP_SYN, 1024, NULL, 0);
	finish(p);
}

static void
mk_ip6_esp(struct pb *p)
{
	eth(p, ET_IP6);
	ip6(p, 50, SCAN6, TGT6);
	data(p, 16);
	finish(p);
}

static void
mk_ip6_nonext(struct pb *p)
{
	eth(p, ET_IP6);
	ip6(p, 59, SCAN6, TGT6);
	finish(p);
}

static void
ip6_dst_chain(struct pb *p, int n)
{
	eth(p, ET_IP6);
	ip6(p, 60, SCAN6, TGT6);
	for (int i = 0; i < n; i++)
		ext6(p, i == n - 1 ? P_TCP : 60, 0);
	tcp(p, 40008, 80, 9, 0, SW_TCP_SYN, 1024, NULL, 0);
	finish(p);
}

static void mk_ip6_8_ext(struct pb *p) { ip6_dst_chain(p, 8); }
static void mk_ip6_9_ext(struct pb *p) { ip6_dst_chain(p, 9); }

static void
mk_ip6_plen0(struct pb *p)
{
	eth(p, ET_IP6);
	ip6x(p, P_UDP, SCAN6, TGT6, 0);
	udp(p, 40009, 53);
	data(p, 4);
	finish(p);
	w16(p, 18, 0);
}

static void
mk_arp(struct pb *p)
{
	eth(p, ET_ARP);
	data(p, 28);
}

static void
mk_vlan_arp(struct pb *p)
{
	eth(p, ET_VLAN);
	vlan(p, 42, ET_ARP);
	data(p, 28);
}

static void
mk_padded_rst(struct pb *p)
{
	mk_tcp_rst(p);
	pad_to(p, 60);
}

static void
mk_padded_udp(struct pb *p)
{
	eth(p, ET_IP4);
	ip4(p, P_UDP, SCAN4, TGT4);
	udp(p, 53000, 161);
	data(p, 2);
	finish(p);
	pad_to(p, 60);
}

/* option length 0 after a good MSS: the walk stops, the packet is fine */
static void
mk_tcp_opt_len0(struct pb *p)
{
	static const uint8_t o[8] = { 2, 4, 0x05, 0xb4, 8, 0, 0, 0 };

	tcp4(p, SW_TCP_SYN, o, 8);
}

/* window scale, NOP, then an option claiming 32 bytes of an 8-byte area */
static void
mk_tcp_opt_overrun(struct pb *p)
{
	static const uint8_t o[8] = { 3, 3, 7, 1, 5, 32, 0, 0 };

	tcp4(p, SW_TCP_SYN, o, 8);
}

/* an MSS option after EOL does not count; MSS with length 3 is not MSS */
static void
mk_tcp_opt_eol(struct pb *p)
{
	static const uint8_t o[8] = { 1, 1, 0, 2, 4, 0x05, 0xb4, 0 };

	tcp4(p, SW_TCP_SYN, o, 8);
}

static void
mk_tcp_opt_badmss(struct pb *p)
{
	static const uint8_t o[8] = { 2, 3, 0x05, 1, 1, 1, 1, 0 };

	tcp4(p, SW_TCP_SYN, o, 8);
}

/* malformed frames (fuzz seeds, not truncation samples) */

static void
mk_triple_tag(struct pb *p)
{
	eth(p, ET_QINQ);
	vlan(p, 1, ET_VLAN);
	vlan(p, 2, ET_VLAN);
	vlan(p, 3, ET_IP4);
	ip4(p, P_TCP, SCAN4, TGT4);
	tcp(p, 1, 2, 3, 4, SW_TCP_SYN, 5, NULL, 0);
	finish(p);
}

static void
mk_ext_overrun(struct pb *p)
{
	eth(p, ET_IP6);
	ip6(p, 60, SCAN6, TGT6);
	u8(p, P_TCP);
	u8(p, 10);		/* 88 bytes claimed */
	fill(p, 0, 14);
	finish(p);
}

struct sample {
	const char *name;
	void (*mk)(struct pb *);
};

#define S(x) { #x, mk_##x }
static const struct sample valid[] = {
	S(tcp_syn), S(tcp_synack), S(tcp_rst), S(tcp_fin), S(tcp_null),
	S(tcp_xmas), S(tcp_data), S(udp), S(icmp_echo_req), S(icmp_echo_rep),
	S(icmp_timestamp), S(icmp_unreach_udp), S(icmp_unreach_tcp),
	S(icmp_quote_l4_2bytes), S(icmp_ttl_exceeded_echo),
	S(icmp_quote_ip_trunc), S(icmp_quote_ihl_past),
	S(icmp_quote_later_frag), S(icmp6_echo), S(icmp6_unreach_tcp),
	S(icmp6_ptb_ext), S(icmp6_quote_ext_trunc), S(sctp_init),
	S(sctp_nochunk), S(vlan), S(qinq_88a8), S(qinq_8100), S(ip4_opts),
	S(ip4_first_frag), S(ip4_later_frag), S(ip4_unknown), S(ip6_ext_frag),
	S(ip6_later_frag), S(ip6_ah), S(ip6_routing), S(ip6_esp),
	S(ip6_nonext), S(ip6_8_ext), S(ip6_plen0), S(arp), S(vlan_arp),
	S(padded_rst), S(padded_udp), S(tcp_opt_len0), S(tcp_opt_overrun),
	S(tcp_opt_eol), S(tcp_opt_badmss),
};
static const struct sample malformed[] = {
	S(triple_tag), S(ip6_9_ext), S(ext_overrun),
};
#undef S
#define N_VALID		(sizeof(valid) / sizeof(valid[0]))
#define N_MALFORMED	(sizeof(malformed) / sizeof(malformed[0]))

/* ---------------------------------------------------------------------- */
/* parsing helpers */

/*
 * Parse exactly len bytes from a heap buffer of exactly that size, so ASan
 * flags the first byte read past the end. p is pre-filled with garbage so
 * that fields the parser fails to reset show up.
 */
static enum sw_perr
parse_n(const uint8_t *b, uint32_t len, struct sw_pkt *p)
{
	uint8_t *buf = malloc(len ? len : 1);
	enum sw_perr e;

	if (buf == NULL) {
		perror("malloc");
		exit(2);
	}
	memcpy(buf, b, len);
	memset(p, 0xa5, sizeof(*p));
	e = sw_parse(len ? buf : buf + 1, len, p);
	free(buf);
	return e;
}

static enum sw_perr
parse_pb(const struct pb *b, struct sw_pkt *p)
{
	return parse_n(b->b, b->n, p);
}

static int
addr4_is(const struct sw_addr *a, uint32_t v4)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };
	uint8_t w[4] = { v4 >> 24, v4 >> 16, v4 >> 8, v4 };

	return memcmp(a->b, pfx, 12) == 0 && memcmp(a->b + 12, w, 4) == 0;
}

static int
addr6_is(const struct sw_addr *a, const uint8_t *v6)
{
	return memcmp(a->b, v6, 16) == 0;
}

static int
inner_is_zero(const struct sw_inner *in)
{
	static const struct sw_inner zero;

	return memcmp(in, &zero, sizeof(zero)) == 0;
}

/* Fields every TCP sample shares. */
static void
expect_tcp_common(const struct sw_pkt *p)
{
	EQ(p->af, 4);
	EQ(p->proto, P_TCP);
	EQ(p->l3_off, 14);
	EQ(p->l4_off, 34);
	EQ(p->ttl, 64);
	EQ(p->ip_id, 0x1234);
	EQ(p->icmp_type, 0);
	EQ(p->ts_ns, 0);
	EQ(p->wire_len, 0);
	TRUE(inner_is_zero(&p->inner));
}

/* ---------------------------------------------------------------------- */
/* well-formed frames */

static void
tcp_syn_with_linux_options_yields_mss_and_option_count(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_tcp_syn(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	expect_tcp_common(&p);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_TCP_MSS);
	TRUE(addr4_is(&p.src, SCAN4));
	TRUE(addr4_is(&p.dst, TGT4));
	EQ(p.sport, 40000);
	EQ(p.dport, 80);
	EQ(p.tcp_seq, 0x11223344);
	EQ(p.tcp_ack, 0);
	EQ(p.tcp_flags, SW_TCP_SYN);
	EQ(p.tcp_win, 64240);
	EQ(p.tcp_mss, 1460);
	EQ(p.tcp_optlen, 20);
	EQ(p.tcp_nopts, 4);
	EQ(p.ip_len, 60);
	EQ(p.payload_off, 74);
	EQ(p.payload_len, 0);
}

static void
tcp_synack_carries_ack_and_single_mss(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_tcp_synack(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	expect_tcp_common(&p);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_TCP_MSS);
	TRUE(addr4_is(&p.src, TGT4));
	TRUE(addr4_is(&p.dst, SCAN4));
	EQ(p.sport, 80);
	EQ(p.dport, 40000);
	EQ(p.tcp_seq, 0x55667788);
	EQ(p.tcp_ack, 0x11223345);
	EQ(p.tcp_flags, SW_TCP_SYN | SW_TCP_ACK);
	EQ(p.tcp_win, 65160);
	EQ(p.tcp_mss, 1400);
	EQ(p.tcp_optlen, 4);
	EQ(p.tcp_nopts, 1);
	EQ(p.payload_off, 58);
}

static void
tcp_rst_has_no_options(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_tcp_rst(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	expect_tcp_common(&p);
	EQ(p.flags, F_IP | F_L4);
	EQ(p.tcp_flags, SW_TCP_RST | SW_TCP_ACK);
	EQ(p.tcp_ack, 0x11223345);
	EQ(p.tcp_win, 0);
	EQ(p.tcp_mss, 0);
	EQ(p.tcp_optlen, 0);
	EQ(p.tcp_nopts, 0);
	EQ(p.ip_len, 40);
	EQ(p.payload_off, 54);
	EQ(p.payload_len, 0);
}

static void
tcp_fin_null_xmas_flags_are_exact(void)
{
	static const struct {
		void (*mk)(struct pb *);
		uint8_t flags;
	} c[] = {
		{ mk_tcp_fin, SW_TCP_FIN },
		{ mk_tcp_null, 0 },
		{ mk_tcp_xmas, SW_TCP_FIN | SW_TCP_PSH | SW_TCP_URG },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pb b;
		struct sw_pkt p;

		c[i].mk(&b);
		EQ(parse_pb(&b, &p), SW_PERR_OK);
		expect_tcp_common(&p);
		EQ(p.flags, F_IP | F_L4);
		EQ(p.tcp_flags, c[i].flags);
		EQ(p.sport, 40000);
		EQ(p.dport, 80);
		EQ(p.payload_len, 0);
	}
}

static void
tcp_payload_is_counted(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_tcp_data(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.tcp_flags, SW_TCP_PSH | SW_TCP_ACK);
	EQ(p.payload_off, 54);
	EQ(p.payload_len, 10);
	EQ(p.ip_len, 50);
}

static void
udp_ports_and_payload(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_udp(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	EQ(p.af, 4);
	EQ(p.proto, P_UDP);
	EQ(p.sport, 53000);
	EQ(p.dport, 53);
	EQ(p.l4_off, 34);
	EQ(p.payload_off, 42);
	EQ(p.payload_len, 12);
	EQ(p.tcp_flags, 0);
	EQ(p.ip_len, 40);
}

static void
icmp_echo_request_and_reply_map_id_and_seq_to_ports(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp_echo_req(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	EQ(p.proto, P_ICMP);
	EQ(p.icmp_type, 8);
	EQ(p.icmp_code, 0);
	EQ(p.sport, 0x4242);
	EQ(p.dport, 7);
	EQ(p.payload_off, 42);
	EQ(p.payload_len, 56);
	TRUE(inner_is_zero(&p.inner));

	mk_icmp_echo_rep(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	EQ(p.icmp_type, 0);
	EQ(p.sport, 0x4242);
	EQ(p.dport, 7);
	TRUE(addr4_is(&p.src, TGT4));
}

static void
icmp_timestamp_has_no_ids_and_no_quote(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp_timestamp(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	EQ(p.icmp_type, 13);
	EQ(p.sport, 0);
	EQ(p.dport, 0);
}

static void
icmp_port_unreachable_quoting_udp_names_the_probe(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp_unreach_udp(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_INNER | SW_PKT_F_INNER_L4);
	EQ(p.icmp_type, 3);
	EQ(p.icmp_code, 3);
	TRUE(addr4_is(&p.src, TGT4));
	TRUE(addr4_is(&p.dst, SCAN4));
	EQ(p.sport, 0);
	EQ(p.dport, 0);
	TRUE(addr4_is(&p.inner.src, SCAN4));
	TRUE(addr4_is(&p.inner.dst, TGT4));
	EQ(p.inner.proto, P_UDP);
	EQ(p.inner.sport, 40000);
	EQ(p.inner.dport, 53);
	EQ(p.payload_off, 42);
	EQ(p.payload_len, 28);
}

static void
icmp_unreachable_quoting_tcp_names_the_probe(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp_unreach_tcp(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_INNER | SW_PKT_F_INNER_L4);
	EQ(p.icmp_code, 13);
	EQ(p.inner.proto, P_TCP);
	EQ(p.inner.sport, 40000);
	EQ(p.inner.dport, 443);
	TRUE(addr4_is(&p.inner.src, SCAN4));
	TRUE(addr4_is(&p.inner.dst, TGT4));
}

static void
icmp_quote_with_2_bytes_of_l4_has_inner_but_no_ports(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp_quote_l4_2bytes(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_INNER);
	EQ(p.inner.proto, P_UDP);
	TRUE(addr4_is(&p.inner.src, SCAN4));
	EQ(p.inner.sport, 0);
	EQ(p.inner.dport, 0);
}

static void
icmp_time_exceeded_quoting_echo_maps_id_and_seq(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp_ttl_exceeded_echo(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_INNER | SW_PKT_F_INNER_L4);
	EQ(p.icmp_type, 11);
	EQ(p.inner.proto, P_ICMP);
	EQ(p.inner.sport, 0x0bad);
	EQ(p.inner.dport, 9);
}

static void
icmp_quote_of_truncated_ip_header_is_ok_without_inner(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp_quote_ip_trunc(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	EQ(p.icmp_type, 3);
	TRUE(inner_is_zero(&p.inner));
	EQ(p.payload_len, 10);
}

static void
icmp_quote_whose_options_pass_the_end_has_no_ports(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp_quote_ihl_past(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_INNER);
	EQ(p.inner.proto, P_UDP);
	EQ(p.inner.sport, 0);
}

static void
icmp_quote_of_later_fragment_has_no_ports(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp_quote_later_frag(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_INNER);
	EQ(p.inner.sport, 0);
	EQ(p.inner.dport, 0);
}

static void
icmp_quote_with_bogus_ihl_is_ignored(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp_unreach_udp(&b);
	b.b[42] = 0x43;		/* quoted IHL 3 */
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	TRUE(inner_is_zero(&p.inner));

	mk_icmp_unreach_udp(&b);
	b.b[42] = 0x75;		/* quoted version 7 */
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	TRUE(inner_is_zero(&p.inner));
}

/* Exactly the error types quote a datagram; anything else is left alone. */
static void
icmp_only_error_types_are_searched_for_a_quote(void)
{
	for (unsigned int t = 0; t < 256; t++) {
		int err4 = t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
		int err6 = t >= 1 && t <= 4;
		int echo4 = t == 0 || t == 8, echo6 = t == 128 || t == 129;
		uint16_t quoted = F_IP | F_L4 | SW_PKT_F_INNER |
				  SW_PKT_F_INNER_L4;
		struct pb b;
		struct sw_pkt p;

		eth(&b, ET_IP4);
		ip4(&b, P_ICMP, TGT4, SCAN4);
		icmp(&b, (uint8_t)t, 0, 0x7777, 0x8888);
		b.quote = 1;
		ip4x(&b, P_UDP, SCAN4, TGT4, NULL, 0, 0, 40);
		udp(&b, 40000, 53);
		finish(&b);
		EQ(parse_pb(&b, &p), SW_PERR_OK);
		EQ(p.icmp_type, t);
		EQ(p.flags, err4 ? quoted : F_IP | F_L4);
		EQ(p.inner.dport, err4 ? 53 : 0);
		EQ(p.sport, echo4 ? 0x7777 : 0);
		EQ(p.dport, echo4 ? 0x8888 : 0);

		eth(&b, ET_IP6);
		ip6(&b, P_ICMP6, TGT6, SCAN6);
		icmp(&b, (uint8_t)t, 0, 0x7777, 0x8888);
		b.quote = 1;
		ip6x(&b, P_UDP, SCAN6, TGT6, 8);
		udp(&b, 40000, 53);
		finish(&b);
		EQ(parse_pb(&b, &p), SW_PERR_OK);
		EQ(p.flags, err6 ? quoted : F_IP | F_L4);
		EQ(p.inner.dport, err6 ? 53 : 0);
		EQ(p.sport, echo6 ? 0x7777 : 0);
		EQ(p.dport, echo6 ? 0x8888 : 0);
	}
}

static void
icmp6_echo_request_maps_id_and_seq(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp6_echo(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	EQ(p.af, 6);
	EQ(p.proto, P_ICMP6);
	TRUE(addr6_is(&p.src, SCAN6));
	TRUE(addr6_is(&p.dst, TGT6));
	TRUE(!sw_addr_is_v4(&p.src));
	EQ(p.icmp_type, 128);
	EQ(p.sport, 0x1111);
	EQ(p.dport, 3);
	EQ(p.ttl, 64);
	EQ(p.ip_id, 0);
	EQ(p.ip_len, 80);
	EQ(p.l3_off, 14);
	EQ(p.l4_off, 54);
	EQ(p.payload_off, 62);
	EQ(p.payload_len, 32);
}

static void
icmp6_unreachable_quoting_tcp6_names_the_probe(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp6_unreach_tcp(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_INNER | SW_PKT_F_INNER_L4);
	EQ(p.icmp_type, 1);
	EQ(p.icmp_code, 4);
	EQ(p.sport, 0);
	TRUE(addr6_is(&p.inner.src, SCAN6));
	TRUE(addr6_is(&p.inner.dst, TGT6));
	EQ(p.inner.proto, P_TCP);
	EQ(p.inner.sport, 40001);
	EQ(p.inner.dport, 22);
}

static void
icmp6_quote_skips_extension_headers(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp6_ptb_ext(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_INNER | SW_PKT_F_INNER_L4);
	EQ(p.icmp_type, 2);
	EQ(p.inner.proto, P_UDP);
	EQ(p.inner.sport, 40002);
	EQ(p.inner.dport, 161);
}

static void
icmp6_quote_with_truncated_ext_chain_has_no_inner(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_icmp6_quote_ext_trunc(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	TRUE(inner_is_zero(&p.inner));
}

static void
sctp_init_records_ports_and_first_chunk(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_sctp_init(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_SCTP_CHUNK);
	EQ(p.proto, P_SCTP);
	EQ(p.sport, 40003);
	EQ(p.dport, 2905);
	EQ(p.sctp_chunk, 1);
	EQ(p.payload_off, 46);
	EQ(p.payload_len, 20);

	mk_sctp_nochunk(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	EQ(p.sctp_chunk, 0);
	EQ(p.payload_len, 0);
}

static void
vlan_8021q_records_vid_and_shifts_offsets(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_vlan(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_VLAN);
	EQ(p.vlan, 100);
	EQ(p.l3_off, 18);
	EQ(p.l4_off, 38);
	EQ(p.tcp_flags, SW_TCP_SYN);
	EQ(p.dport, 80);
}

static void
qinq_records_outer_vid(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_qinq_88a8(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_VLAN);
	EQ(p.vlan, 200);
	EQ(p.l3_off, 22);
	EQ(p.l4_off, 42);
	EQ(p.dport, 123);

	mk_qinq_8100(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_VLAN);
	EQ(p.vlan, 300);
	EQ(p.af, 6);
	EQ(p.l3_off, 22);
	EQ(p.l4_off, 62);
	EQ(p.dport, 443);
}

static void
triple_vlan_tag_is_rejected(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_triple_tag(&b);
	EQ(parse_pb(&b, &p), SW_PERR_VLAN_DEPTH);
}

static void
ip4_options_are_skipped_and_flagged(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_ip4_opts(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_IP4_OPTS);
	EQ(p.l4_off, 46);
	EQ(p.payload_off, 66);
	EQ(p.ip_len, 52);
	EQ(p.sport, 40000);
	EQ(p.dport, 80);
	EQ(p.tcp_flags, SW_TCP_SYN);
}

static void
ip4_first_fragment_has_ports(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_ip4_first_frag(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_FRAG);
	EQ(p.sport, 40005);
	EQ(p.dport, 137);
	EQ(p.payload_len, 100);
}

static void
ip4_later_fragment_has_no_l4(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_ip4_later_frag(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | SW_PKT_F_FRAG | SW_PKT_F_FRAG_LATER);
	EQ(p.proto, P_UDP);
	EQ(p.sport, 0);
	EQ(p.dport, 0);
	EQ(p.l4_off, 34);
	EQ(p.payload_off, 34);
	EQ(p.payload_len, 100);

	/* MF set as well: still a later fragment */
	b.b[20] = 0x20;
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | SW_PKT_F_FRAG | SW_PKT_F_FRAG_LATER);
}

static void
ip4_unknown_protocol_is_all_payload(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_ip4_unknown(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP);
	EQ(p.proto, 253);
	EQ(p.l4_off, 34);
	EQ(p.payload_off, 34);
	EQ(p.payload_len, 24);
}

static void
ip6_hbh_dstopts_fragment_chain_reaches_udp(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_ip6_ext_frag(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_FRAG);
	EQ(p.proto, P_UDP);
	EQ(p.l4_off, 14 + 40 + 8 + 16 + 8);
	EQ(p.payload_off, 94);
	EQ(p.payload_len, 10);
	EQ(p.ip_len, 40 + 8 + 16 + 8 + 8 + 10);
	EQ(p.sport, 40004);
	EQ(p.dport, 500);
}

static void
ip6_later_fragment_has_no_l4(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_ip6_later_frag(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | SW_PKT_F_FRAG | SW_PKT_F_FRAG_LATER);
	EQ(p.proto, P_TCP);
	EQ(p.l4_off, 62);
	EQ(p.payload_len, 40);
	EQ(p.sport, 0);
	EQ(p.tcp_flags, 0);
}

static void
ip6_ah_length_is_in_4_byte_units(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_ip6_ah(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_TCP_MSS);
	EQ(p.proto, P_TCP);
	EQ(p.l4_off, 14 + 40 + 24);
	EQ(p.sport, 40006);
	EQ(p.dport, 179);
	EQ(p.tcp_mss, 1400);
}

static void
ip6_routing_header_is_skipped(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_ip6_routing(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	EQ(p.l4_off, 14 + 40 + 24);
	EQ(p.dport, 25);
}

static void
ip6_esp_and_no_next_header_stop_the_walk(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_ip6_esp(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP);
	EQ(p.proto, 50);
	EQ(p.l4_off, 54);
	EQ(p.payload_len, 16);
	EQ(p.sport, 0);

	mk_ip6_nonext(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP);
	EQ(p.proto, 59);
	EQ(p.payload_len, 0);
}

static void
ip6_eight_extension_headers_are_walked_nine_are_not(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_ip6_8_ext(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.proto, P_TCP);
	EQ(p.l4_off, 14 + 40 + 8 * 8);
	EQ(p.dport, 80);

	mk_ip6_9_ext(&b);
	EQ(parse_pb(&b, &p), SW_PERR_IP6_EXT_DEPTH);

	/* a self-referencing chain long enough to fill the frame */
	eth(&b, ET_IP6);
	ip6(&b, 60, SCAN6, TGT6);
	for (int i = 0; i < 100; i++)
		ext6(&b, 60, 0);
	finish(&b);
	EQ(parse_pb(&b, &p), SW_PERR_IP6_EXT_DEPTH);
}

static void
ip6_payload_length_zero_trusts_the_frame(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_ip6_plen0(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.ip_len, 40);
	EQ(p.sport, 40009);
	EQ(p.payload_len, 4);
}

static void
arp_is_ok_with_af_0_and_nothing_else_set(void)
{
	static const struct sw_pkt zero;
	struct pb b;
	struct sw_pkt p;

	mk_arp(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.af, 0);
	/* pre-filled with 0xa5 by parse_pb: every byte must be reset */
	TRUE(memcmp(&p, &zero, sizeof(p)) == 0);

	mk_vlan_arp(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.af, 0);
	EQ(p.flags, SW_PKT_F_VLAN);
	EQ(p.vlan, 42);
	EQ(p.l3_off, 0);
	EQ(p.payload_len, 0);
}

static void
ethernet_padding_is_not_payload(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_padded_rst(&b);
	EQ(b.n, 60);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.ip_len, 40);
	EQ(p.payload_off, 54);
	EQ(p.payload_len, 0);

	mk_padded_udp(&b);
	EQ(b.n, 60);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.payload_off, 42);
	EQ(p.payload_len, 2);

	/* TCP options that exist only in the padding are not options */
	mk_padded_rst(&b);
	b.b[46] = 0x60;		/* doff 6: 4 bytes past the datagram */
	EQ(parse_pb(&b, &p), SW_PERR_TCP_DOFF);
}

static void
snaplen_truncated_datagram_parses_what_is_there(void)
{
	struct pb b;
	struct sw_pkt p;

	eth(&b, ET_IP4);
	ip4(&b, P_UDP, SCAN4, TGT4);
	udp(&b, 40010, 1900);
	data(&b, 200);
	finish(&b);
	b.n = 64;
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.ip_len, 228);
	EQ(p.dport, 1900);
	EQ(p.payload_off, 42);
	EQ(p.payload_len, 22);
}

static void
oversized_frame_is_bounded_by_16_bit_offsets(void)
{
	uint32_t len = 70000;
	uint8_t *buf = calloc(1, len);
	struct sw_pkt p;
	struct pb b;

	mk_udp(&b);
	memcpy(buf, b.b, b.n);
	buf[16] = 0xff;		/* total length 65535 */
	buf[17] = 0xff;
	EQ(sw_parse(buf, len, &p), SW_PERR_OK);
	EQ(p.ip_len, 65535);
	EQ(p.payload_off, 42);
	EQ(p.payload_len, 65535 - 42);
	free(buf);
}

static void
tcp_option_walk_stops_quietly_on_malformed_options(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_tcp_opt_len0(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4 | SW_PKT_F_TCP_MSS);
	EQ(p.tcp_mss, 1460);
	EQ(p.tcp_nopts, 1);
	EQ(p.tcp_optlen, 8);

	mk_tcp_opt_overrun(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	EQ(p.tcp_nopts, 1);
	EQ(p.tcp_optlen, 8);

	mk_tcp_opt_eol(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	EQ(p.tcp_mss, 0);
	EQ(p.tcp_nopts, 0);

	mk_tcp_opt_badmss(&b);
	EQ(parse_pb(&b, &p), SW_PERR_OK);
	EQ(p.flags, F_IP | F_L4);
	EQ(p.tcp_mss, 0);
	EQ(p.tcp_nopts, 1);

	/* the last option ends exactly at the end of the option area */
	{
		static const uint8_t o[4] = { 1, 2, 4, 0x05 };

		tcp4(&b, SW_TCP_SYN, o, 4);
		EQ(parse_pb(&b, &p), SW_PERR_OK);
		EQ(p.tcp_nopts, 0);	/* MSS cut: 3 bytes left, len 4 */
		EQ(p.tcp_mss, 0);
	}
	{
		static const uint8_t o[8] = { 1, 1, 1, 1, 2, 4, 0x01, 0x00 };

		tcp4(&b, SW_TCP_SYN, o, 8);
		EQ(parse_pb(&b, &p), SW_PERR_OK);
		EQ(p.tcp_nopts, 1);
		EQ(p.tcp_mss, 256);
	}
}

/* ---------------------------------------------------------------------- */
/* malformed frames */

static void
short_frames_are_rejected_at_each_layer(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_udp(&b);
	EQ(parse_n(b.b, 13, &p), SW_PERR_ETH_TRUNC);
	EQ(parse_n(b.b, 0, &p), SW_PERR_ETH_TRUNC);
	EQ(parse_n(b.b, 33, &p), SW_PERR_IP4_TRUNC);
	EQ(parse_n(b.b, 41, &p), SW_PERR_UDP_TRUNC);

	mk_vlan(&b);
	EQ(parse_n(b.b, 17, &p), SW_PERR_VLAN_TRUNC);
	mk_qinq_88a8(&b);
	EQ(parse_n(b.b, 21, &p), SW_PERR_VLAN_TRUNC);

	mk_tcp_rst(&b);
	EQ(parse_n(b.b, 53, &p), SW_PERR_TCP_TRUNC);
	mk_tcp_syn(&b);
	EQ(parse_n(b.b, 73, &p), SW_PERR_TCP_DOFF);

	mk_icmp_echo_req(&b);
	EQ(parse_n(b.b, 41, &p), SW_PERR_ICMP_TRUNC);
	mk_sctp_init(&b);
	EQ(parse_n(b.b, 45, &p), SW_PERR_SCTP_TRUNC);

	mk_icmp6_echo(&b);
	EQ(parse_n(b.b, 53, &p), SW_PERR_IP6_TRUNC);
	mk_ip6_ext_frag(&b);
	EQ(parse_n(b.b, 61, &p), SW_PERR_IP6_EXT_TRUNC);
}

static void
ip_version_mismatch_is_rejected(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_udp(&b);
	b.b[14] = 0x65;
	EQ(parse_pb(&b, &p), SW_PERR_IP4_VERSION);

	mk_icmp6_echo(&b);
	b.b[14] = 0x45;
	EQ(parse_pb(&b, &p), SW_PERR_IP6_VERSION);
}

static void
ip4_bogus_ihl_is_rejected(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_udp(&b);
	b.b[14] = 0x44;		/* IHL 4 */
	EQ(parse_pb(&b, &p), SW_PERR_IP4_IHL);
	b.b[14] = 0x40;		/* IHL 0 */
	EQ(parse_pb(&b, &p), SW_PERR_IP4_IHL);

	mk_tcp_rst(&b);		/* 40 bytes after Ethernet, IHL 15 wants 60 */
	b.b[14] = 0x4f;
	EQ(parse_pb(&b, &p), SW_PERR_IP4_IHL);
}

static void
ip4_total_length_below_header_is_rejected(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_udp(&b);
	w16(&b, 16, 19);
	EQ(parse_pb(&b, &p), SW_PERR_IP4_LEN);
	w16(&b, 16, 0);
	EQ(parse_pb(&b, &p), SW_PERR_IP4_LEN);

	mk_ip4_opts(&b);	/* IHL 8: 32 bytes */
	w16(&b, 16, 31);
	EQ(parse_pb(&b, &p), SW_PERR_IP4_LEN);
	/* exactly the header: fine, and the TCP header is then missing */
	w16(&b, 16, 32);
	EQ(parse_pb(&b, &p), SW_PERR_TCP_TRUNC);
}

static void
tcp_bogus_data_offset_is_rejected(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_tcp_rst(&b);
	b.b[46] = 0x40;		/* doff 4 */
	EQ(parse_pb(&b, &p), SW_PERR_TCP_DOFF);
	b.b[46] = 0x00;
	EQ(parse_pb(&b, &p), SW_PERR_TCP_DOFF);
	b.b[46] = 0xf0;		/* doff 15: 60 bytes, 20 present */
	EQ(parse_pb(&b, &p), SW_PERR_TCP_DOFF);
}

static void
ip6_extension_header_running_off_the_end_is_rejected(void)
{
	struct pb b;
	struct sw_pkt p;

	mk_ext_overrun(&b);
	EQ(parse_pb(&b, &p), SW_PERR_IP6_EXT_TRUNC);

	/* present in the frame but beyond the payload length */
	mk_ip6_routing(&b);
	w16(&b, 18, 16);
	EQ(parse_pb(&b, &p), SW_PERR_IP6_EXT_TRUNC);

	/* AH claiming 1028 bytes */
	mk_ip6_ah(&b);
	b.b[55] = 0xff;
	EQ(parse_pb(&b, &p), SW_PERR_IP6_EXT_TRUNC);
}

/* ---------------------------------------------------------------------- */
/* invariants for truncation and fuzzing */

#define F_INNER_ANY	(SW_PKT_F_INNER | SW_PKT_F_INNER_L4)

/* What must hold for any input; returns a reason or NULL. */
static const char *
insane(uint32_t len, const struct sw_pkt *p, enum sw_perr e)
{
	if ((unsigned int)e >= SW_PERR__MAX)
		return "result out of range";
	if (p->ts_ns != 0 || p->wire_len != 0)
		return "caller-owned fields not zeroed";
	if (e != SW_PERR_OK)
		return NULL;
	if (p->af == 0) {
		if ((p->flags & ~SW_PKT_F_VLAN) || p->proto || p->l3_off ||
		    p->l4_off || p->payload_off || p->payload_len ||
		    p->sport || p->dport || p->ip_len)
			return "non-IP frame with IP fields";
		return NULL;
	}
	if (p->af != 4 && p->af != 6)
		return "bad af";
	if (!(p->flags & SW_PKT_F_IP))
		return "IP frame without F_IP";
	if ((p->flags & SW_PKT_F_VLAN) ?
	    (p->l3_off != 18 && p->l3_off != 22) : p->l3_off != 14)
		return "bad l3_off";
	if (p->l4_off < p->l3_off + (p->af == 4 ? 20 : 40) || p->l4_off > len)
		return "bad l4_off";
	if (p->payload_off < p->l4_off ||
	    (uint32_t)p->payload_off + p->payload_len > len)
		return "payload outside the frame";
	if (p->af == 4 && (uint32_t)p->payload_off + p->payload_len >
	    (uint32_t)p->l3_off + p->ip_len)
		return "payload outside the datagram";
	if (p->af == 4 && !sw_addr_is_v4(&p->src))
		return "IPv4 source not mapped";
	if ((p->flags & SW_PKT_F_FRAG_LATER) &&
	    (!(p->flags & SW_PKT_F_FRAG) || (p->flags & F_L4)))
		return "later fragment with L4";
	if (!(p->flags & F_L4) &&
	    (p->sport || p->dport || p->tcp_flags || p->icmp_type ||
	     p->payload_off != p->l4_off || (p->flags & F_INNER_ANY)))
		return "L4 fields without F_L4";
	if ((p->flags & F_L4) && p->payload_off < p->l4_off + 8)
		return "L4 header shorter than 8 bytes";
	if ((p->flags & SW_PKT_F_INNER_L4) && !(p->flags & SW_PKT_F_INNER))
		return "INNER_L4 without INNER";
	if ((p->flags & SW_PKT_F_INNER) &&
	    p->proto != P_ICMP && p->proto != P_ICMP6)
		return "INNER on a non-ICMP packet";
	if (!(p->flags & SW_PKT_F_INNER) && !inner_is_zero(&p->inner))
		return "stale inner";
	if ((p->flags & SW_PKT_F_TCP_MSS) && p->proto != P_TCP)
		return "MSS on non-TCP";
	if (p->tcp_optlen > 40 || p->tcp_nopts > p->tcp_optlen / 2)
		return "bad TCP option counts";
	if (p->vlan && !(p->flags & SW_PKT_F_VLAN))
		return "vlan id without F_VLAN";
	return NULL;
}

static void
truncation_at_every_length_is_safe_and_consistent(void)
{
	unsigned int cuts = 0;

	for (size_t s = 0; s < N_VALID; s++) {
		struct pb b;
		struct sw_pkt full, p;
		uint32_t full_end;
		unsigned int before = cur_fail;

		valid[s].mk(&b);
		EQ(parse_pb(&b, &full), SW_PERR_OK);
		full_end = full.payload_off + full.payload_len;

		for (uint32_t cut = 0; cut < b.n; cut++) {
			enum sw_perr e = parse_n(b.b, cut, &p);
			const char *why = insane(cut, &p, e);
			uint16_t mask = (uint16_t)~(F_INNER_ANY |
						    SW_PKT_F_SCTP_CHUNK);

			cuts++;
			if (!CHECK(why == NULL, "%s cut %u: %s", valid[s].name,
				   cut, why))
				continue;
			if (cut < 14) {
				EQ(e, SW_PERR_ETH_TRUNC);
				continue;
			}
			if (full.af == 0) {
				TRUE(e == SW_PERR_OK || e == SW_PERR_VLAN_TRUNC);
				if (e == SW_PERR_OK)
					EQ(p.flags, full.flags);
				continue;
			}
			/* Every header up to the payload is needed ... */
			if (cut < full.payload_off) {
				TRUE(e != SW_PERR_OK);
				continue;
			}
			/* ... and enough: payload is whatever survived. */
			EQ(e, SW_PERR_OK);
			if (e != SW_PERR_OK)
				continue;
			EQ(p.flags & mask, full.flags & mask);
			EQ(p.af, full.af);
			EQ(p.proto, full.proto);
			TRUE(memcmp(&p.src, &full.src, 16) == 0);
			TRUE(memcmp(&p.dst, &full.dst, 16) == 0);
			EQ(p.sport, full.sport);
			EQ(p.dport, full.dport);
			EQ(p.tcp_flags, full.tcp_flags);
			EQ(p.tcp_mss, full.tcp_mss);
			EQ(p.l4_off, full.l4_off);
			EQ(p.payload_off, full.payload_off);
			EQ(p.payload_len, (cut < full_end ? cut : full_end) -
					  full.payload_off);
			EQ(p.ip_len, full.ip_len);
			EQ(p.vlan, full.vlan);
			/* a shorter quote may only lose detail */
			if ((p.flags & SW_PKT_F_INNER) &&
			    !(full.flags & SW_PKT_F_INNER))
				EQ(p.flags & SW_PKT_F_INNER, 0);
			if (p.flags & SW_PKT_F_INNER) {
				TRUE(memcmp(&p.inner.src, &full.inner.src,
					    16) == 0);
				EQ(p.inner.proto, full.inner.proto);
			}
			if (p.flags & SW_PKT_F_INNER_L4) {
				EQ(p.inner.sport, full.inner.sport);
				EQ(p.inner.dport, full.inner.dport);
			}
		}
		if (cur_fail != before)
			NOTE("    (in sample %s)", valid[s].name);
	}
	EQ(cuts > 3000, 1);
	NOTE("    %zu samples, %u truncated frames", N_VALID, cuts);
}

/* xorshift64*: fixed seed, so a failure reproduces */
static uint64_t rng_state = 0x5ca1ab1e5eedULL;

static uint32_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

static void
fuzz_200000_mutated_frames_do_not_crash(void)
{
	/* values that sit on the parser's decision points */
	static const uint8_t magic[] = {
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08, 0x0b, 0x11,
		0x2b, 0x2c, 0x32, 0x33, 0x3a, 0x3b, 0x3c, 0x40, 0x44, 0x45,
		0x4f, 0x50, 0x60, 0x7f, 0x80, 0x81, 0x84, 0x86, 0x88, 0xa8,
		0xdd, 0xf0, 0xff,
	};
	static struct pb seeds[N_VALID + N_MALFORMED];
	unsigned int n_ok = 0, n_err = 0, n_inner = 0, n_l4 = 0;
	const unsigned int iters = 200000;

	for (size_t i = 0; i < N_VALID; i++)
		valid[i].mk(&seeds[i]);
	for (size_t i = 0; i < N_MALFORMED; i++)
		malformed[i].mk(&seeds[N_VALID + i]);

	for (unsigned int it = 0; it < iters; it++) {
		struct pb *seed = &seeds[rnd() % (N_VALID + N_MALFORMED)];
		uint8_t f[PB_MAX];
		uint32_t n = seed->n;
		struct sw_pkt p, q;
		enum sw_perr e, e2;
		const char *why;
		unsigned int k;

		memcpy(f, seed->b, n);
		switch (rnd() % 6) {
		case 0:	/* pure noise behind a random ethertype */
			n = rnd() % 200;
			for (uint32_t i = 0; i < n; i++)
				f[i] = (uint8_t)rnd();
			if (n >= 14 && (rnd() & 1)) {
				f[12] = (rnd() & 1) ? 0x08 : 0x86;
				f[13] = f[12] == 0x08 ? 0x00 : 0xdd;
			}
			break;
		case 1:	/* a few random bytes */
			for (k = 1 + rnd() % 4; k > 0; k--)
				f[rnd() % n] = (uint8_t)rnd();
			break;
		case 2:	/* decision-point values in the headers */
			for (k = 1 + rnd() % 3; k > 0; k--)
				f[rnd() % (n < 96 ? n : 96)] =
					magic[rnd() % sizeof(magic)];
			break;
		case 3:	/* bit flips plus a random cut */
			for (k = 1 + rnd() % 8; k > 0; k--)
				f[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
			n = rnd() % (n + 1);
			break;
		case 4:	/* grow: trailing garbage after a mutated header */
			f[rnd() % n] = magic[rnd() % sizeof(magic)];
			for (k = rnd() % 64; k > 0 && n < PB_MAX; k--)
				f[n++] = (uint8_t)rnd();
			break;
		default: /* length fields: IPv4 total / IPv6 payload */
			if (n > 20) {
				f[16 + (rnd() & 3)] = (uint8_t)rnd();
				f[18 + (rnd() & 1)] = (uint8_t)rnd();
			}
			n = rnd() % (n + 1);
			break;
		}

		e = parse_n(f, n, &p);
		why = insane(n, &p, e);
		if (!CHECK(why == NULL, "iteration %u (len %u): %s", it, n, why) &&
		    cur_fail > 20)
			break;
		/* same input, differently dirty output: same answer */
		memset(&q, 0x5a, sizeof(q));
		e2 = sw_parse(f, n, &q);
		CHECK(e2 == e && memcmp(&p, &q, sizeof(p)) == 0,
		      "iteration %u: not deterministic", it);
		if (e == SW_PERR_OK) {
			n_ok++;
			n_l4 += !!(p.flags & F_L4);
			n_inner += !!(p.flags & SW_PKT_F_INNER);
		} else {
			n_err++;
		}
	}
	NOTE("    %u ok (%u with L4, %u with a quote), %u rejected\n",
	       n_ok, n_l4, n_inner, n_err);
	/* a fuzzer that never reaches L4 or the quote parser tests nothing */
	TRUE(n_l4 > iters / 10);
	TRUE(n_inner > iters / 200);
	TRUE(n_err > iters / 10);
}

/* ---------------------------------------------------------------------- */
/* names and address formatting */

static void
perr_names_are_unique_snake_case(void)
{
	for (int i = 0; i < SW_PERR__MAX; i++) {
		const char *s = sw_perr_names[i];

		TRUE(s != NULL);
		if (s == NULL)
			continue;
		TRUE(s[0] != '\0');
		for (const char *c = s; *c; c++)
			TRUE((*c >= 'a' && *c <= 'z') ||
			     (*c >= '0' && *c <= '9') || *c == '_');
		for (int j = 0; j < i; j++)
			TRUE(sw_perr_names[j] == NULL ||
			     strcmp(sw_perr_names[j], s) != 0);
	}
	TRUE(strcmp(sw_perr_names[SW_PERR_ETH_TRUNC], "eth_trunc") == 0);
	TRUE(strcmp(sw_perr_names[SW_PERR_IP4_IHL], "ip4_ihl") == 0);
	TRUE(strcmp(sw_perr_names[SW_PERR_IP6_EXT_DEPTH],
		    "ip6_ext_depth") == 0);
	TRUE(strcmp(sw_perr_names[SW_PERR_SCTP_TRUNC], "sctp_trunc") == 0);
}

static int
str_is(const uint8_t a[16], const char *want)
{
	struct sw_addr x;
	char buf[64];

	memcpy(x.b, a, 16);
	sw_addr_str(&x, buf, sizeof(buf));
	if (strcmp(buf, want) != 0) {
		NOTE("    got \"%s\", want \"%s\"", buf, want);
		return 0;
	}
	return 1;
}

static void
addr_str_is_dotted_quad_or_rfc5952(void)
{
	static const uint8_t v4[16] = {
		[10] = 0xff, [11] = 0xff, 192, 0, 2, 1,
	};
	static const uint8_t zero[16];
	static const uint8_t one[16] = { [15] = 1 };
	static const uint8_t compat[16] = { [12] = 1, 2, 3, 4 };
	static const uint8_t one_zero[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
	};
	static const uint8_t tie[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1,
	};
	static const uint8_t longer_second[16] = {
		0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	static const uint8_t upper[16] = {
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x0a, 0xbc, 0, 0, 0, 0, 0xff, 0xff,
	};
	static const uint8_t trailing[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct sw_addr x;
	char small[8], buf[64];

	TRUE(str_is(v4, "192.0.2.1"));
	TRUE(str_is(SCAN6, "2001:db8::1"));
	TRUE(str_is(zero, "::"));
	TRUE(str_is(one, "::1"));
	TRUE(str_is(compat, "::102:304"));
	TRUE(str_is(one_zero, "2001:db8:0:1:1:1:1:1"));
	TRUE(str_is(tie, "2001:db8::1:0:0:1"));
	TRUE(str_is(longer_second, "2001:0:0:1::1"));
	TRUE(str_is(upper, "fe80::abc:0:0:ffff"));
	TRUE(str_is(trailing, "2001:db8::"));

	/* too small: empty string, never a cut address */
	memcpy(x.b, SCAN6, 16);
	TRUE(sw_addr_str(&x, small, sizeof(small)) == small);
	EQ(small[0], '\0');
	memcpy(x.b, v4, 16);
	TRUE(sw_addr_str(&x, buf, 9) == buf);	/* no room for the NUL */
	EQ(buf[0], '\0');
	sw_addr_str(&x, buf, 10);
	TRUE(strcmp(buf, "192.0.2.1") == 0);
}

/* ---------------------------------------------------------------------- */

int
main(void)
{
	RUN(tcp_syn_with_linux_options_yields_mss_and_option_count);
	RUN(tcp_synack_carries_ack_and_single_mss);
	RUN(tcp_rst_has_no_options);
	RUN(tcp_fin_null_xmas_flags_are_exact);
	RUN(tcp_payload_is_counted);
	RUN(udp_ports_and_payload);
	RUN(icmp_echo_request_and_reply_map_id_and_seq_to_ports);
	RUN(icmp_timestamp_has_no_ids_and_no_quote);
	RUN(icmp_port_unreachable_quoting_udp_names_the_probe);
	RUN(icmp_unreachable_quoting_tcp_names_the_probe);
	RUN(icmp_quote_with_2_bytes_of_l4_has_inner_but_no_ports);
	RUN(icmp_time_exceeded_quoting_echo_maps_id_and_seq);
	RUN(icmp_quote_of_truncated_ip_header_is_ok_without_inner);
	RUN(icmp_quote_whose_options_pass_the_end_has_no_ports);
	RUN(icmp_quote_of_later_fragment_has_no_ports);
	RUN(icmp_quote_with_bogus_ihl_is_ignored);
	RUN(icmp_only_error_types_are_searched_for_a_quote);
	RUN(icmp6_echo_request_maps_id_and_seq);
	RUN(icmp6_unreachable_quoting_tcp6_names_the_probe);
	RUN(icmp6_quote_skips_extension_headers);
	RUN(icmp6_quote_with_truncated_ext_chain_has_no_inner);
	RUN(sctp_init_records_ports_and_first_chunk);
	RUN(vlan_8021q_records_vid_and_shifts_offsets);
	RUN(qinq_records_outer_vid);
	RUN(triple_vlan_tag_is_rejected);
	RUN(ip4_options_are_skipped_and_flagged);
	RUN(ip4_first_fragment_has_ports);
	RUN(ip4_later_fragment_has_no_l4);
	RUN(ip4_unknown_protocol_is_all_payload);
	RUN(ip6_hbh_dstopts_fragment_chain_reaches_udp);
	RUN(ip6_later_fragment_has_no_l4);
	RUN(ip6_ah_length_is_in_4_byte_units);
	RUN(ip6_routing_header_is_skipped);
	RUN(ip6_esp_and_no_next_header_stop_the_walk);
	RUN(ip6_eight_extension_headers_are_walked_nine_are_not);
	RUN(ip6_payload_length_zero_trusts_the_frame);
	RUN(arp_is_ok_with_af_0_and_nothing_else_set);
	RUN(ethernet_padding_is_not_payload);
	RUN(snaplen_truncated_datagram_parses_what_is_there);
	RUN(oversized_frame_is_bounded_by_16_bit_offsets);
	RUN(tcp_option_walk_stops_quietly_on_malformed_options);
	RUN(short_frames_are_rejected_at_each_layer);
	RUN(ip_version_mismatch_is_rejected);
	RUN(ip4_bogus_ihl_is_rejected);
	RUN(ip4_total_length_below_header_is_rejected);
	RUN(tcp_bogus_data_offset_is_rejected);
	RUN(ip6_extension_header_running_off_the_end_is_rejected);
	RUN(truncation_at_every_length_is_safe_and_consistent);
	RUN(fuzz_200000_mutated_frames_do_not_crash);
	RUN(perr_names_are_unique_snake_case);
	RUN(addr_str_is_dotted_quad_or_rfc5952);

	NOTE("%u tests, %u failed", n_tests, n_failed);
	return n_failed ? 1 : 0;
}
