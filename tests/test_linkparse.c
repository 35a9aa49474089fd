/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sw_parse_link(): each link layer a capture file can hold leads to the
 * same IP parse as Ethernet; tunnels (GRE, ERSPAN I/II/III, VXLAN, MPLS,
 * IP in IP) are decapsulated one level and malformed ones counted by
 * reason. Every prefix of every frame (copied to a heap buffer of exactly
 * its length, so ASan sees any overread) is rejected or accepted without
 * reading past its end.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <scanwatch/pkt.h>

#include "check.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

/* An IPv4 TCP SYN 10.0.0.1:40000 -> 10.0.0.2:22, no options. */
static const uint8_t ip4_syn[40] = {
	0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
	0x9c, 0x40, 0, 22, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x72, 0x10, 0, 0, 0, 0,
};

static size_t
frame(enum sw_link l, uint8_t *b, uint16_t et_vlan)
{
	size_t h = 0;

	switch (l) {
	case SW_LINK_ETH:
		memset(b, 0, 12);
		h = 12;
		break;
	case SW_LINK_SLL:
		memset(b, 0, 14);
		h = 14;
		break;
	case SW_LINK_SLL2:
		h = 0;
		break;
	case SW_LINK_NULL:
		b[0] = 2, b[1] = b[2] = b[3] = 0;	/* AF_INET, little-endian */
		memcpy(b + 4, ip4_syn, sizeof(ip4_syn));
		return 4 + sizeof(ip4_syn);
	case SW_LINK_LOOP:
		b[0] = b[1] = b[2] = 0, b[3] = 2;
		memcpy(b + 4, ip4_syn, sizeof(ip4_syn));
		return 4 + sizeof(ip4_syn);
	default:
		memcpy(b, ip4_syn, sizeof(ip4_syn));
		return sizeof(ip4_syn);
	}
	/* the EtherType (or a VLAN tag's TPID) where this link puts it */
	if (et_vlan) {
		b[h] = 0x81, b[h + 1] = 0;
		h += 2;
		if (l == SW_LINK_SLL2) {
			/* SLL2's protocol is at 0, its header 20 bytes: the tag follows */
			memset(b + h, 0, 18);
			h += 18;
		}
		b[h] = 0, b[h + 1] = 7;		/* VID 7 */
		h += 2;
	}
	b[h] = 0x08, b[h + 1] = 0;
	h += 2;
	if (l == SW_LINK_SLL2 && !et_vlan) {
		memset(b + h, 0, 18);
		h += 18;
	}
	memcpy(b + h, ip4_syn, sizeof(ip4_syn));
	return h + sizeof(ip4_syn);
}

static void
every_link_parses_the_same_syn(void)
{
	static const enum sw_link links[] = {
		SW_LINK_ETH, SW_LINK_SLL, SW_LINK_SLL2, SW_LINK_RAW, SW_LINK_IPV4,
		SW_LINK_NULL, SW_LINK_LOOP,
	};

	for (unsigned i = 0; i < DIM(links); i++) {
		uint8_t b[128];
		size_t n = frame(links[i], b, 0);
		struct sw_pkt p;
		enum sw_perr e = sw_parse_link(links[i], b, (uint32_t)n, &p);

		CHECK(e == SW_PERR_OK && p.af == 4 && p.proto == 6 && p.dport == 22 &&
		      p.sport == 40000 && p.tcp_flags == 0x02,
		      "%s: err %d af %u proto %u dport %u", sw_link_name(links[i]), e, p.af,
		      p.proto, p.dport);
	}
}

static void
cooked_headers_carry_vlan_tags(void)
{
	uint8_t b[128];
	size_t n = frame(SW_LINK_SLL, b, 1);
	struct sw_pkt p;

	CHECK(sw_parse_link(SW_LINK_SLL, b, (uint32_t)n, &p) == SW_PERR_OK && p.af == 4 &&
	      (p.flags & SW_PKT_F_VLAN) && p.vlan == 7, "SLL + VLAN: af %u vlan %u", p.af, p.vlan);
}

static void
unknown_families_are_not_ip(void)
{
	uint8_t b[64];
	struct sw_pkt p;

	frame(SW_LINK_NULL, b, 0);
	b[0] = 7;	/* AF_NS or whatever: not IP */
	CHECK(sw_parse_link(SW_LINK_NULL, b, 44, &p) == SW_PERR_OK && p.af == 0,
	      "NULL family 7: af %u", p.af);
	/* raw IP of version 5: not ours, not an error */
	memcpy(b, ip4_syn, sizeof(ip4_syn));
	b[0] = 0x55;
	CHECK(sw_parse_link(SW_LINK_RAW, b, 40, &p) == SW_PERR_OK && p.af == 0,
	      "raw version 5: af %u", p.af);
	/* IPv6 behind a macOS loopback header (AF_INET6 = 30, host order) */
	memset(b, 0, sizeof(b));
	b[0] = 30;
	b[4] = 0x60;
	b[4 + 6] = 59;		/* no next header */
	CHECK(sw_parse_link(SW_LINK_NULL, b, 44, &p) == SW_PERR_OK && p.af == 6,
	      "NULL AF_INET6 30: af %u", p.af);
}

static void
every_prefix_is_safe(void)
{
	static const enum sw_link links[] = {
		SW_LINK_ETH, SW_LINK_SLL, SW_LINK_SLL2, SW_LINK_RAW, SW_LINK_IPV4,
		SW_LINK_IPV6, SW_LINK_NULL, SW_LINK_LOOP,
	};
	unsigned ok = 0, rejected = 0;

	for (unsigned i = 0; i < DIM(links); i++) {
		for (int vlan = 0; vlan <= 1; vlan++) {
			uint8_t b[128];
			size_t n = frame(links[i], b, (uint16_t)vlan);

			for (size_t len = 0; len <= n; len++) {
				uint8_t *h = malloc(len ? len : 1);
				struct sw_pkt p;

				memcpy(h, b, len);
				if (sw_parse_link(links[i], h, (uint32_t)len, &p) == SW_PERR_OK)
					ok++;
				else
					rejected++;
				free(h);
			}
		}
	}
	CHECK(ok > 0 && rejected > 0, "%u accepted, %u rejected", ok, rejected);
	/* a link header cut short is a truncated link layer */
	uint8_t b[8] = { 0 };
	struct sw_pkt p;

	CHECK(sw_parse_link(SW_LINK_SLL, b, 8, &p) == SW_PERR_ETH_TRUNC, "SLL of 8 bytes");
	CHECK(sw_parse_link(SW_LINK_NULL, b, 3, &p) == SW_PERR_ETH_TRUNC, "NULL of 3 bytes");
	CHECK(sw_parse_link(SW_LINK_RAW, b, 0, &p) == SW_PERR_ETH_TRUNC, "raw of 0 bytes");
}

/* Tunnels ------------------------------------------------------------------ */

struct fb {
	uint8_t b[512];
	size_t n;
};

static void
put(struct fb *f, const void *d, size_t n)
{
	if (n > 0)	/* d may be NULL for nothing */
		memcpy(f->b + f->n, d, n);
	f->n += n;
}

static void
put16(struct fb *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(f, b, 2);
}

static void
eth_hdr(struct fb *f, uint16_t type)
{
	static const uint8_t mac[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };

	put(f, mac, 12);
	put16(f, type);
}

/* Outer IPv4 header 192.0.2.1 -> 192.0.2.2 of protocol proto, for a
 * payload of plen bytes. */
static void
outer_ip4(struct fb *f, uint8_t proto, size_t plen)
{
	uint8_t h[20] = { 0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, proto, 0, 0,
			  192, 0, 2, 1, 192, 0, 2, 2 };

	h[2] = (uint8_t)((20 + plen) >> 8);
	h[3] = (uint8_t)(20 + plen);
	put(f, h, 20);
}

enum inner { IN_IP, IN_ETH };

/* The inner SYN (10.0.0.1 -> 10.0.0.2:22), as IP or inside Ethernet. */
static size_t
inner_len(enum inner in)
{
	return sizeof(ip4_syn) + (in == IN_ETH ? 14 : 0);
}

static void
inner(struct fb *f, enum inner in)
{
	if (in == IN_ETH)
		eth_hdr(f, 0x0800);
	put(f, ip4_syn, sizeof(ip4_syn));
}

static void
gre_frame(struct fb *f, uint16_t flags, uint16_t type, const uint8_t *mid, size_t nmid,
	  enum inner in)
{
	size_t opt = ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) +
		     ((flags & 0x1000) ? 4 : 0);
	static const uint8_t zero[12];

	f->n = 0;
	eth_hdr(f, 0x0800);
	outer_ip4(f, 47, 4 + opt + nmid + inner_len(in));
	put16(f, flags);
	put16(f, type);
	put(f, zero, opt);
	put(f, mid, nmid);
	inner(f, in);
}

static void
vxlan_frame(struct fb *f, uint16_t dport)
{
	static const uint8_t vx[8] = { 0x08, 0, 0, 0, 0, 0x12, 0x34, 0 };
	size_t ul = 8 + 8 + inner_len(IN_ETH);

	f->n = 0;
	eth_hdr(f, 0x0800);
	outer_ip4(f, 17, ul);
	put16(f, 51000);
	put16(f, dport);
	put16(f, (uint16_t)ul);
	put16(f, 0);
	put(f, vx, 8);
	inner(f, IN_ETH);
}

/* The inner SYN, flagged as decapsulated from kind. */
static void
check_inner(const struct fb *f, enum sw_tunnel kind, const char *what)
{
	struct sw_pkt p;
	enum sw_perr e = sw_parse(f->b, (uint32_t)f->n, &p);

	CHECK(e == SW_PERR_OK && p.af == 4 && p.proto == 6 && p.dport == 22 &&
	      p.sport == 40000 && p.tcp_flags == 0x02 && (p.flags & SW_PKT_F_TUNNEL) &&
	      p.tunnel == kind && p.src.b[15] == 1 && p.dst.b[15] == 2,
	      "%s: err %s af %u proto %u dport %u tunnel %u", what, sw_perr_names[e], p.af,
	      p.proto, p.dport, p.tunnel);
}

static void
gre_erspan_vxlan_mpls_ipip_decapsulated(void)
{
	struct fb f;
	static const uint8_t erspan2[8] = { 0x10, 0x01, 0, 0x05, 0, 0, 0, 0 };
	static const uint8_t erspan3[12] = { 0x20, 0x01, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t erspan3o[20] = { 0x20, 0x01, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 1 };
	/* one label, then bottom of stack; then a second stack with a PW
	 * control word */
	static const uint8_t mpls1[4] = { 0x00, 0x01, 0x01, 64 };
	static const uint8_t mpls2cw[12] = { 0x00, 0x01, 0x00, 64, 0x00, 0x02, 0x01, 64,
					     0, 0, 0, 0 };

	gre_frame(&f, 0, 0x0800, NULL, 0, IN_IP);
	check_inner(&f, SW_TUN_GRE, "GRE, IPv4 inside");
	gre_frame(&f, 0x2000 | 0x8000, 0x6558, NULL, 0, IN_ETH);
	check_inner(&f, SW_TUN_GRE, "gretap with key and checksum");
	gre_frame(&f, 0, 0x88be, NULL, 0, IN_ETH);
	check_inner(&f, SW_TUN_ERSPAN2, "ERSPAN type I");
	gre_frame(&f, 0x1000, 0x88be, erspan2, sizeof(erspan2), IN_ETH);
	check_inner(&f, SW_TUN_ERSPAN2, "ERSPAN type II");
	gre_frame(&f, 0x1000, 0x22eb, erspan3, sizeof(erspan3), IN_ETH);
	check_inner(&f, SW_TUN_ERSPAN3, "ERSPAN type III");
	gre_frame(&f, 0x1000, 0x22eb, erspan3o, sizeof(erspan3o), IN_ETH);
	check_inner(&f, SW_TUN_ERSPAN3, "ERSPAN type III with platform subheader");
	gre_frame(&f, 0, 0x8847, mpls1, sizeof(mpls1), IN_IP);
	check_inner(&f, SW_TUN_MPLS, "MPLS in GRE");
	gre_frame(&f, 0, 0x8847, mpls2cw, sizeof(mpls2cw), IN_ETH);
	check_inner(&f, SW_TUN_MPLS, "MPLS pseudowire (control word) in GRE");
	vxlan_frame(&f, 4789);
	check_inner(&f, SW_TUN_VXLAN, "VXLAN");

	/* MPLS on the wire itself */
	f.n = 0;
	eth_hdr(&f, 0x8847);
	put(&f, mpls1, sizeof(mpls1));
	inner(&f, IN_IP);
	check_inner(&f, SW_TUN_MPLS, "MPLS over Ethernet");

	/* IPv4 in IPv4 */
	f.n = 0;
	eth_hdr(&f, 0x0800);
	outer_ip4(&f, 4, sizeof(ip4_syn));
	inner(&f, IN_IP);
	check_inner(&f, SW_TUN_IPIP, "IPv4 in IPv4");
}

static void
vxlan_port_is_configurable_and_flag_checked(void)
{
	struct fb f;
	struct sw_pkt p;

	vxlan_frame(&f, 8472);		/* Linux's old default port */
	CHECK(sw_parse(f.b, (uint32_t)f.n, &p) == SW_PERR_OK && !(p.flags & SW_PKT_F_TUNNEL) &&
	      p.proto == 17 && p.dport == 8472, "8472 is plain UDP by default");
	sw_parse_vxlan_port = 8472;
	check_inner(&f, SW_TUN_VXLAN, "VXLAN on port 8472 when configured");
	sw_parse_vxlan_port = 0;
	vxlan_frame(&f, 4789);
	CHECK(sw_parse(f.b, (uint32_t)f.n, &p) == SW_PERR_OK && !(p.flags & SW_PKT_F_TUNNEL),
	      "port 0: no VXLAN at all");
	sw_parse_vxlan_port = 4789;
	f.b[14 + 20 + 8] = 0;		/* I flag clear: not VXLAN */
	CHECK(sw_parse(f.b, (uint32_t)f.n, &p) == SW_PERR_OK && !(p.flags & SW_PKT_F_TUNNEL),
	      "VXLAN without the I flag is left as UDP");
}

/* The reason a tunnel was not decapsulated; the packet itself parses. */
static enum sw_perr
bad_tunnel(const struct fb *f, struct sw_pkt *p)
{
	enum sw_perr e = sw_parse(f->b, (uint32_t)f->n, p);

	if (e != SW_PERR_OK)
		return e;
	return (p->flags & SW_PKT_F_TUNNEL_BAD) ? (enum sw_perr)p->tunnel : SW_PERR_OK;
}

static void
malformed_tunnels_are_counted_by_reason(void)
{
	struct fb f, in;
	struct sw_pkt p;
	static const uint8_t erspan_v3_in_v2[8] = { 0x20, 0x01, 0, 0x05, 0, 0, 0, 0 };

	gre_frame(&f, 0x4000, 0x0800, NULL, 0, IN_IP);		/* routing present */
	CHECK(bad_tunnel(&f, &p) == SW_PERR_GRE_HDR && p.proto == 47 && p.src.b[15] == 1 &&
	      p.src.b[12] == 192, "GRE routing: the outer packet, reason gre_hdr");
	gre_frame(&f, 0x1000, 0x88be, erspan_v3_in_v2, 8, IN_ETH);
	CHECK(bad_tunnel(&f, &p) == SW_PERR_ERSPAN_VERSION,
	      "ERSPAN version 2 header under type II");
	gre_frame(&f, 0x0001, 0x880b, NULL, 0, IN_IP);		/* PPTP: version 1 */
	CHECK(sw_parse(f.b, (uint32_t)f.n, &p) == SW_PERR_OK && !(p.flags & SW_PKT_F_TUNNEL) &&
	      p.proto == 47, "PPTP's GRE is left as payload");

	/* a tunnel in a tunnel: GRE inside VXLAN's inner frame */
	gre_frame(&in, 0, 0x0800, NULL, 0, IN_IP);
	f.n = 0;
	eth_hdr(&f, 0x0800);
	outer_ip4(&f, 17, 16 + in.n);
	put16(&f, 51000);
	put16(&f, 4789);
	put16(&f, (uint16_t)(16 + in.n));
	put16(&f, 0);
	put(&f, (const uint8_t[8]){ 0x08 }, 8);
	put(&f, in.b, in.n);
	CHECK(bad_tunnel(&f, &p) == SW_PERR_TUNNEL_DEPTH && p.proto == 47 &&
	      p.src.b[12] == 192, "GRE in VXLAN: the VXLAN's inner packet, reason tunnel_depth");

	/* nmap -sO's empty protocol 4 and 47 probes stay protocol probes */
	for (unsigned proto = 4; proto <= 47; proto += 43) {
		f.n = 0;
		eth_hdr(&f, 0x0800);
		outer_ip4(&f, (uint8_t)proto, 0);
		CHECK(bad_tunnel(&f, &p) != SW_PERR_OK && p.af == 4 && p.proto == proto &&
		      p.payload_len == 0 && !(p.flags & SW_PKT_F_TUNNEL),
		      "empty protocol %u probe: af %u proto %u", proto, p.af, p.proto);
	}

	/* every cut of every tunnel frame: an error or OK, never a read past
	 * the end (ASan) */
	unsigned cuts = 0, errs[SW_PERR__MAX] = { 0 };

	for (unsigned k = 0; k < 4; k++) {
		static const uint8_t e3[12] = { 0x20 };

		if (k == 0)
			gre_frame(&f, 0x3000, 0x6558, NULL, 0, IN_ETH);
		else if (k == 1)
			gre_frame(&f, 0x1000, 0x22eb, e3, 12, IN_ETH);
		else if (k == 2)
			vxlan_frame(&f, 4789);
		else
			gre_frame(&f, 0, 0x8847, (const uint8_t[4]){ 0, 1, 1, 64 }, 4, IN_IP);
		for (size_t len = 0; len < f.n; len++) {
			uint8_t *h = malloc(len ? len : 1);
			enum sw_perr e;

			memcpy(h, f.b, len);
			e = sw_parse(h, (uint32_t)len, &p);
			if (e == SW_PERR_OK && (p.flags & SW_PKT_F_TUNNEL_BAD))
				e = (enum sw_perr)p.tunnel;
			errs[e]++;
			cuts++;
			free(h);
		}
	}
	CHECK(cuts > 200 && errs[SW_PERR_GRE_TRUNC] > 0 && errs[SW_PERR_ERSPAN_TRUNC] > 0 &&
	      errs[SW_PERR_VXLAN_TRUNC] > 0 && errs[SW_PERR_MPLS_TRUNC] > 0,
	      "%u cuts: gre %u erspan %u vxlan %u mpls %u", cuts, errs[SW_PERR_GRE_TRUNC],
	      errs[SW_PERR_ERSPAN_TRUNC], errs[SW_PERR_VXLAN_TRUNC], errs[SW_PERR_MPLS_TRUNC]);
	for (unsigned e = 1; e < SW_PERR__MAX; e++)
		CHECK(sw_perr_names[e] != NULL, "reason %u has a name", e);
}

int
main(void)
{
	RUN(every_link_parses_the_same_syn);
	RUN(cooked_headers_carry_vlan_tags);
	RUN(unknown_families_are_not_ip);
	RUN(every_prefix_is_safe);
	RUN(gre_erspan_vxlan_mpls_ipip_decapsulated);
	RUN(vxlan_port_is_configurable_and_flag_checked);
	RUN(malformed_tunnels_are_counted_by_reason);
	NOTE("%u tests, %u failed", n_tests, n_failed);
	return n_failed != 0;
}
