/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * L2-L4 parser: one Ethernet frame -> struct sw_pkt.
 *
 * Runs once per received packet (~15 Mpps per port), so no allocation, no
 * syscalls and no libc beyond fixed-size memcpy/memset, which the compiler
 * inlines. Safety rests on one invariant: offsets are uint32_t from the frame
 * start and off <= end holds at every step, so "end - off" never wraps and
 * every read is preceded by a comparison against that remainder. end only
 * ever shrinks (frame -> IP datagram), never grows.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include <scanwatch/pkt.h>

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#define ETH_HLEN	14
#define VLAN_HLEN	4
#define ET_IPV4		0x0800
#define ET_IPV6		0x86dd
#define ET_VLAN		0x8100
#define ET_QINQ		0x88a8
#define ET_TEB		0x6558	/* transparent Ethernet bridging (NVGRE, gretap) */
#define ET_ERSPAN2	0x88be	/* ERSPAN type I and II */
#define ET_ERSPAN3	0x22eb
#define ET_MPLS		0x8847
#define ET_MPLS_MC	0x8848
#define GRE_C		0x8000	/* checksum present */
#define GRE_R		0x4000	/* routing present (RFC 1701) */
#define GRE_K		0x2000	/* key present */
#define GRE_S		0x1000	/* sequence number present */
#define GRE_RESERVED	0x0ff8	/* reserved0 (RFC 2784) incl. RFC 1701's s, recur, flags */
#define MPLS_MAX	8	/* labels walked */

#define IP4_HLEN	20
#define IP4_DF		0x4000
#define IP4_MF		0x2000
#define IP4_OFFMASK	0x1fff
#define IP6_HLEN	40
#define IP6_OFFMASK	0xfff8
#define IP6_MF		0x0001
/* Eight is more than any sane stack (HBH, DST, RH, FRAG, AH, DST) needs. */
#define IP6_EXT_MAX	8

#define TCP_HLEN	20
#define UDP_HLEN	8
#define ICMP_HLEN	8
#define SCTP_HLEN	12

#define TCPOPT_EOL	0
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2

/* ICMPv4 types that quote the offending datagram (RFC 792, RFC 1812). */
#define ICMP4_ERR_MASK	((1u << 3) | (1u << 4) | (1u << 5) | (1u << 11) | \
			 (1u << 12))

const char *const sw_perr_names[SW_PERR__MAX] = {
	[SW_PERR_OK]		= "ok",
	[SW_PERR_ETH_TRUNC]	= "eth_trunc",
	[SW_PERR_VLAN_TRUNC]	= "vlan_trunc",
	[SW_PERR_VLAN_DEPTH]	= "vlan_depth",
	[SW_PERR_IP4_TRUNC]	= "ip4_trunc",
	[SW_PERR_IP4_VERSION]	= "ip4_version",
	[SW_PERR_IP4_IHL]	= "ip4_ihl",
	[SW_PERR_IP4_LEN]	= "ip4_len",
	[SW_PERR_IP6_TRUNC]	= "ip6_trunc",
	[SW_PERR_IP6_VERSION]	= "ip6_version",
	[SW_PERR_IP6_EXT_TRUNC]	= "ip6_ext_trunc",
	[SW_PERR_IP6_EXT_DEPTH]	= "ip6_ext_depth",
	[SW_PERR_TCP_TRUNC]	= "tcp_trunc",
	[SW_PERR_TCP_DOFF]	= "tcp_doff",
	[SW_PERR_UDP_TRUNC]	= "udp_trunc",
	[SW_PERR_ICMP_TRUNC]	= "icmp_trunc",
	[SW_PERR_SCTP_TRUNC]	= "sctp_trunc",
	[SW_PERR_GRE_TRUNC]	= "gre_trunc",
	[SW_PERR_GRE_HDR]	= "gre_hdr",
	[SW_PERR_ERSPAN_TRUNC]	= "erspan_trunc",
	[SW_PERR_ERSPAN_VERSION] = "erspan_version",
	[SW_PERR_MPLS_TRUNC]	= "mpls_trunc",
	[SW_PERR_MPLS_DEPTH]	= "mpls_depth",
	[SW_PERR_VXLAN_TRUNC]	= "vxlan_trunc",
	[SW_PERR_TUNNEL_DEPTH]	= "tunnel_depth",
};

uint16_t sw_parse_vxlan_port = 4789;	/* IANA's VXLAN port */

/*
 * Byte-wise big-endian loads: no alignment assumptions, and gcc/clang fold
 * them into one load and a byte swap.
 */
static inline uint16_t
rd16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t
rd32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/*
 * The target was zeroed by sw_parse(), so only the ::ffff: marker and the
 * address itself need writing.
 */
static inline void
addr_v4(struct sw_addr *a, const uint8_t *b)
{
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	memcpy(&a->b[12], b, 4);
}

static inline int
is_vlan_tpid(uint16_t type)
{
	return type == ET_VLAN || type == ET_QINQ;
}

static inline int
is_ip6_ext(uint8_t nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	       nh == IPPROTO_DSTOPTS || nh == IPPROTO_FRAGMENT ||
	       nh == IPPROTO_AH;
}

static inline int
icmp_is_echo(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_ICMP)
		return type == 8 || type == 0;
	return type == 128 || type == 129;
}

/*
 * Walk IPv6 extension headers from *offp (next header *nhp) to the upper
 * layer. Stops at ESP (opaque), no-next-header, a non-first fragment, or
 * anything that is not an extension header. Bounded by IP6_EXT_MAX so a
 * crafted chain costs at most eight iterations.
 */
static enum sw_perr
ip6_walk(const uint8_t *d, uint32_t *offp, uint32_t end, uint8_t *nhp,
	 uint16_t *flags)
{
	uint32_t off = *offp, hl;
	uint8_t nh = *nhp;
	unsigned int i;

	for (i = 0; i < IP6_EXT_MAX; i++) {
		const uint8_t *h = d + off;

		switch (nh) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if (unlikely(end - off < 2))
				return SW_PERR_IP6_EXT_TRUNC;
			hl = ((uint32_t)h[1] + 1) * 8;
			break;
		case IPPROTO_AH:
			/* RFC 4302: length in 4-byte units, minus 2 */
			if (unlikely(end - off < 2))
				return SW_PERR_IP6_EXT_TRUNC;
			hl = ((uint32_t)h[1] + 2) * 4;
			break;
		case IPPROTO_FRAGMENT:
			if (unlikely(end - off < 8))
				return SW_PERR_IP6_EXT_TRUNC;
			hl = 8;
			if (rd16(h + 2) & (IP6_OFFMASK | IP6_MF))
				*flags |= SW_PKT_F_FRAG;
			if (rd16(h + 2) & IP6_OFFMASK) {
				/* The rest is the middle of someone's payload. */
				*flags |= SW_PKT_F_FRAG_LATER;
				*nhp = h[0];
				*offp = off + hl;
				return SW_PERR_OK;
			}
			break;
		default:
			/* upper layer, ESP (50) or no next header (59) */
			*nhp = nh;
			*offp = off;
			return SW_PERR_OK;
		}
		if (unlikely(end - off < hl))
			return SW_PERR_IP6_EXT_TRUNC;
		nh = h[0];
		off += hl;
	}
	if (unlikely(is_ip6_ext(nh)))
		return SW_PERR_IP6_EXT_DEPTH;
	*nhp = nh;
	*offp = off;
	return SW_PERR_OK;
}

/*
 * The datagram an ICMP error quotes: who probed whom, and on which port.
 * A short quote is normal (RFC 792 only promises 8 bytes of L4), so nothing
 * here is an error; we just set fewer flags. Nothing is written unless
 * SW_PKT_F_INNER is set.
 */
static void
inner_parse(const uint8_t *d, uint32_t off, uint32_t end, struct sw_pkt *p)
{
	struct sw_inner *in = &p->inner;
	const uint8_t *ip = d + off;
	uint32_t rem = end - off, l4;
	uint16_t fl = 0;
	uint8_t proto;
	const uint8_t *h;

	if (rem < 1)
		return;
	switch (ip[0] >> 4) {
	case 4: {
		uint32_t ihl = (ip[0] & 0x0f) * 4u;

		if (rem < IP4_HLEN || ihl < IP4_HLEN)
			return;
		proto = ip[9];
		addr_v4(&in->src, ip + 12);
		addr_v4(&in->dst, ip + 16);
		if (rd16(ip + 6) & IP4_OFFMASK)
			fl |= SW_PKT_F_FRAG_LATER;
		/* options may extend past the quote: then we get no ports */
		l4 = ihl <= rem ? off + ihl : end;
		break;
	}
	case 6:
		if (rem < IP6_HLEN)
			return;
		l4 = off + IP6_HLEN;
		proto = ip[6];
		/* without the final next header the quote tells us nothing */
		if (ip6_walk(d, &l4, end, &proto, &fl) != SW_PERR_OK)
			return;
		memcpy(&in->src, ip + 8, 16);
		memcpy(&in->dst, ip + 24, 16);
		break;
	default:
		return;
	}
	in->proto = proto;
	p->flags |= SW_PKT_F_INNER;

	if (fl & SW_PKT_F_FRAG_LATER)
		return;
	h = d + l4;
	rem = end - l4;
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (rem < 4)
			return;
		in->sport = rd16(h);
		in->dport = rd16(h + 2);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (rem < ICMP_HLEN || !icmp_is_echo(proto, h[0]))
			return;
		in->sport = rd16(h + 4);
		in->dport = rd16(h + 6);
		break;
	default:
		return;
	}
	p->flags |= SW_PKT_F_INNER_L4;
}

/* Malformed options end the walk quietly: the header itself was fine. */
static void
tcp_opts(const uint8_t *o, uint32_t n, struct sw_pkt *p)
{
	uint32_t i = 0, nopts = 0, sig = 0, nsig = 0;

	/* n <= 40 and i grows by >= 1 per round: at most 40 rounds */
	while (i < n) {
		uint8_t kind = o[i], olen;

		/* the layout, NOP and EOL included: tools differ in the order */
		if (nsig < 8) {
			sig = sig << 4 | (kind < 15 ? kind : 15);
			nsig++;
		}
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (n - i < 2)
			break;
		olen = o[i + 1];
		if (olen < 2 || olen > n - i)
			break;
		if (kind == TCPOPT_MSS && olen == 4) {
			p->tcp_mss = rd16(o + i + 2);
			p->flags |= SW_PKT_F_TCP_MSS;
		}
		nopts++;
		i += olen;
	}
	p->tcp_nopts = (uint8_t)nopts;
	p->tcp_optsig = sig;
}

/* Tunnels ------------------------------------------------------------------
 *
 * One level is decapsulated: the packet is parsed again from the inner
 * header as if it were the frame (offsets stay from the frame's start),
 * with SW_PKT_F_TUNNEL and the kind in p->tunnel. Detection then sees the
 * inner hosts, which is what a tap carrying GRE/ERSPAN-mirrored or VXLAN
 * traffic means. A tunnel inside that is counted (tunnel_depth), not
 * followed.
 */
static enum sw_perr l2_inner(const uint8_t *d, uint32_t off, uint16_t type, uint32_t end,
			     struct sw_pkt *p);

static enum sw_perr
tunnel(const uint8_t *d, uint32_t off, uint32_t end, uint16_t type, enum sw_tunnel kind,
       struct sw_pkt *p)
{
	if (unlikely(p->flags & SW_PKT_F_TUNNEL))
		return SW_PERR_TUNNEL_DEPTH;
	memset(p, 0, sizeof(*p));
	p->flags = SW_PKT_F_TUNNEL;
	p->tunnel = (uint8_t)kind;
	return l2_inner(d, off, type, end, p);
}

/* An Ethernet frame inside (gretap, ERSPAN, VXLAN, pseudowires). */
static enum sw_perr
tunnel_eth(const uint8_t *d, uint32_t off, uint32_t end, enum sw_tunnel kind,
	   enum sw_perr trunc, struct sw_pkt *p)
{
	if (unlikely(end - off < ETH_HLEN))
		return trunc;
	return tunnel(d, off + ETH_HLEN, end, rd16(d + off + 12), kind, p);
}

/*
 * An MPLS label stack (RFC 3032) down to its bottom entry; then IPv4 or
 * IPv6 by the first nibble (RFC 4023, 3032 section 2.1's "implicit"
 * payload), or a pseudowire control word (RFC 4385: nibble 0) and an
 * Ethernet frame. Anything else is left as payload.
 */
static enum sw_perr
mpls(const uint8_t *d, uint32_t off, uint32_t end, struct sw_pkt *p, bool in_tunnel)
{
	for (unsigned i = 0; ; i++) {
		if (unlikely(end - off < 4))
			return SW_PERR_MPLS_TRUNC;
		if (unlikely(i == MPLS_MAX))
			return SW_PERR_MPLS_DEPTH;
		off += 4;
		if (d[off - 2] & 0x01)		/* bottom of stack */
			break;
	}
	if (unlikely(end - off < 1))
		return SW_PERR_MPLS_TRUNC;
	switch (d[off] >> 4) {
	case 4:
		return in_tunnel ? l2_inner(d, off, ET_IPV4, end, p) :
				   tunnel(d, off, end, ET_IPV4, SW_TUN_MPLS, p);
	case 6:
		return in_tunnel ? l2_inner(d, off, ET_IPV6, end, p) :
				   tunnel(d, off, end, ET_IPV6, SW_TUN_MPLS, p);
	case 0:
		if (unlikely(end - off < 4 + ETH_HLEN))
			return SW_PERR_MPLS_TRUNC;
		off += 4;
		if (in_tunnel)
			return l2_inner(d, off + ETH_HLEN, rd16(d + off + 12), end, p);
		return tunnel_eth(d, off, end, SW_TUN_MPLS, SW_PERR_MPLS_TRUNC, p);
	default:
		return SW_PERR_OK;
	}
}

/* GRE (RFC 2784, keys and sequence numbers RFC 2890); version 1 is
 * PPTP's (RFC 2637), PPP inside: left as payload. */
static enum sw_perr
gre(const uint8_t *d, uint32_t off, uint32_t end, struct sw_pkt *p)
{
	const uint8_t *h = d + off;
	uint32_t rem = end - off, hl = 4;
	uint16_t fl, type;

	if (unlikely(rem < 4))
		return SW_PERR_GRE_TRUNC;
	fl = rd16(h);
	type = rd16(h + 2);
	if ((fl & 0x7) != 0)
		return SW_PERR_OK;
	if (unlikely(fl & (GRE_R | GRE_RESERVED)))
		return SW_PERR_GRE_HDR;
	hl += (fl & GRE_C ? 4 : 0) + (fl & GRE_K ? 4 : 0) + (fl & GRE_S ? 4 : 0);
	if (unlikely(rem < hl))
		return SW_PERR_GRE_TRUNC;
	off += hl;
	switch (type) {
	case ET_IPV4:
	case ET_IPV6:
		return tunnel(d, off, end, type, SW_TUN_GRE, p);
	case ET_TEB:
		return tunnel_eth(d, off, end, SW_TUN_GRE, SW_PERR_GRE_TRUNC, p);
	case ET_ERSPAN2:
		/* type I (no sequence number) has no ERSPAN header */
		if (fl & GRE_S) {
			if (unlikely(end - off < 8))
				return SW_PERR_ERSPAN_TRUNC;
			if (unlikely(d[off] >> 4 != 1))
				return SW_PERR_ERSPAN_VERSION;
			off += 8;
		}
		return tunnel_eth(d, off, end, SW_TUN_ERSPAN2, SW_PERR_ERSPAN_TRUNC, p);
	case ET_ERSPAN3:
		/* 12 bytes; the O bit (last of the third word) adds an 8-byte
		 * platform-specific subheader (draft-foschiano-erspan) */
		if (unlikely(end - off < 12))
			return SW_PERR_ERSPAN_TRUNC;
		if (unlikely(d[off] >> 4 != 2))
			return SW_PERR_ERSPAN_VERSION;
		hl = d[off + 11] & 0x01 ? 20 : 12;
		if (unlikely(end - off < hl))
			return SW_PERR_ERSPAN_TRUNC;
		return tunnel_eth(d, off + hl, end, SW_TUN_ERSPAN3, SW_PERR_ERSPAN_TRUNC, p);
	case ET_MPLS:
	case ET_MPLS_MC:
		return mpls(d, off, end, p, false);
	default:
		return SW_PERR_OK;	/* PPP, WCCP ...: payload */
	}
}

/* VXLAN (RFC 7348): 8 bytes, the I flag says the VNI is valid; then an
 * Ethernet frame. Without the flag it is some other protocol on the port. */
static enum sw_perr
vxlan(const uint8_t *d, uint32_t off, uint32_t end, struct sw_pkt *p)
{
	if (unlikely(end - off < 8))
		return SW_PERR_VXLAN_TRUNC;
	if (!(d[off] & 0x08))
		return SW_PERR_OK;
	return tunnel_eth(d, off + 8, end, SW_TUN_VXLAN, SW_PERR_VXLAN_TRUNC, p);
}

/*
 * A packet that names a tunnel but does not hold a whole one (nmap -sO's
 * empty protocol-47 and protocol-4 probes, a cut-short capture, garbage on
 * UDP 4789) is still a packet between its outer hosts: it is kept as it
 * was before decapsulation, and the reason rides along for the worker to
 * count (SW_PKT_F_TUNNEL_BAD, the reason in p->tunnel).
 */
static inline enum sw_perr
decap(enum sw_perr e, const struct sw_pkt *outer, struct sw_pkt *p)
{
	if (likely(e == SW_PERR_OK))
		return e;
	*p = *outer;
	p->flags |= SW_PKT_F_TUNNEL_BAD;
	p->tunnel = (uint8_t)e;
	return SW_PERR_OK;
}

/*
 * GRE, IP in IP, and UDP to the VXLAN port (off at the VXLAN header): out
 * of line, so that l4_parse stays a leaf for every other packet (the
 * outer copy and the calls would cost every packet a stack frame).
 */
static __attribute__((noinline, cold)) enum sw_perr
l4_tunnel(const uint8_t *d, uint32_t off, uint32_t end, struct sw_pkt *p)
{
	struct sw_pkt outer = *p;
	enum sw_perr e;

	switch (p->proto) {
	case IPPROTO_GRE:
		e = gre(d, off, end, p);
		break;
	case IPPROTO_UDP:
		e = vxlan(d, off, end, p);
		break;
	default:
		e = tunnel(d, off, end, p->proto == IPPROTO_IPIP ? ET_IPV4 : ET_IPV6,
			   SW_TUN_IPIP, p);
		break;
	}
	return decap(e, &outer, p);
}

static enum sw_perr
l4_parse(const uint8_t *d, uint32_t off, uint32_t end, struct sw_pkt *p)
{
	const uint8_t *h = d + off;
	uint32_t rem = end - off, hl;

	/*
	 * Until an L4 header is recognised, everything after the IP headers
	 * is payload: later fragments, ESP, GRE ...
	 */
	p->l4_off = (uint16_t)off;
	p->payload_off = (uint16_t)off;
	p->payload_len = (uint16_t)rem;
	if (p->flags & SW_PKT_F_FRAG_LATER)
		return SW_PERR_OK;

	switch (p->proto) {
	case IPPROTO_TCP:
		if (unlikely(rem < TCP_HLEN))
			return SW_PERR_TCP_TRUNC;
		hl = (h[12] >> 4) * 4u;
		if (unlikely(hl < TCP_HLEN || hl > rem))
			return SW_PERR_TCP_DOFF;
		p->sport = rd16(h);
		p->dport = rd16(h + 2);
		p->tcp_seq = rd32(h + 4);
		p->tcp_ack = rd32(h + 8);
		p->tcp_flags = h[13];
		p->tcp_win = rd16(h + 14);
		p->tcp_optlen = (uint8_t)(hl - TCP_HLEN);
		if (hl > TCP_HLEN)
			tcp_opts(h + TCP_HLEN, hl - TCP_HLEN, p);
		break;
	case IPPROTO_UDP:
		if (unlikely(rem < UDP_HLEN))
			return SW_PERR_UDP_TRUNC;
		hl = UDP_HLEN;
		p->sport = rd16(h);
		p->dport = rd16(h + 2);
		if (unlikely(p->dport == sw_parse_vxlan_port && sw_parse_vxlan_port != 0)) {
			p->flags |= SW_PKT_F_L4;
			p->payload_off = (uint16_t)(off + hl);
			p->payload_len = (uint16_t)(rem - hl);
			return l4_tunnel(d, off + UDP_HLEN, end, p);
		}
		break;
	case IPPROTO_SCTP:
		if (unlikely(rem < SCTP_HLEN))
			return SW_PERR_SCTP_TRUNC;
		hl = SCTP_HLEN;
		p->sport = rd16(h);
		p->dport = rd16(h + 2);
		if (rem > SCTP_HLEN) {
			p->sctp_chunk = h[SCTP_HLEN];
			p->flags |= SW_PKT_F_SCTP_CHUNK;
		}
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		uint8_t type;

		if (unlikely(rem < ICMP_HLEN))
			return SW_PERR_ICMP_TRUNC;
		hl = ICMP_HLEN;
		type = h[0];
		p->icmp_type = type;
		p->icmp_code = h[1];
		if (icmp_is_echo(p->proto, type)) {
			p->sport = rd16(h + 4);
			p->dport = rd16(h + 6);
		} else if (p->proto == IPPROTO_ICMP ?
			   type < 32 && (ICMP4_ERR_MASK >> type & 1) :
			   type >= 1 && type <= 4) {
			inner_parse(d, off + ICMP_HLEN, end, p);
		}
		break;
	}
	case IPPROTO_GRE:
	case IPPROTO_IPIP:
	case IPPROTO_IPV6:
		return l4_tunnel(d, off, end, p);
	default:
		return SW_PERR_OK;
	}
	p->flags |= SW_PKT_F_L4;
	p->payload_off = (uint16_t)(off + hl);
	p->payload_len = (uint16_t)(rem - hl);
	return SW_PERR_OK;
}

enum sw_perr
sw_parse_l4(const uint8_t *h, uint32_t len, struct sw_pkt *p)
{
	p->flags &= (uint16_t)~(SW_PKT_F_FRAG_LATER | SW_PKT_F_L4);
	return l4_parse(h, 0, len, p);
}

static enum sw_perr
ip4_parse(const uint8_t *d, uint32_t l3, uint32_t len, struct sw_pkt *p)
{
	const uint8_t *ip = d + l3;
	uint32_t ihl, tot, end;
	uint16_t frag;

	if (unlikely(len - l3 < IP4_HLEN))
		return SW_PERR_IP4_TRUNC;
	if (unlikely(ip[0] >> 4 != 4))
		return SW_PERR_IP4_VERSION;
	ihl = (ip[0] & 0x0f) * 4u;
	if (unlikely(ihl < IP4_HLEN || ihl > len - l3))
		return SW_PERR_IP4_IHL;
	tot = rd16(ip + 2);
	if (unlikely(tot < ihl))
		return SW_PERR_IP4_LEN;
	/*
	 * Shorter than the frame: Ethernet padding, not payload. Longer:
	 * snaplen or a multi-segment mbuf; parse what we have.
	 */
	end = l3 + (tot < len - l3 ? tot : len - l3);

	frag = rd16(ip + 6);
	p->af = 4;
	p->flags |= SW_PKT_F_IP |
		    (ihl > IP4_HLEN ? SW_PKT_F_IP4_OPTS : 0) |
		    ((frag & (IP4_MF | IP4_OFFMASK)) ? SW_PKT_F_FRAG : 0) |
		    ((frag & IP4_OFFMASK) ? SW_PKT_F_FRAG_LATER : 0);
	p->l3_off = (uint8_t)l3;
	p->ip_len = (uint16_t)tot;
	p->ip_id = rd16(ip + 4);
	p->ip_tos = ip[1];
	if (frag & IP4_DF)
		p->flags |= SW_PKT_F_IP4_DF;
	p->ttl = ip[8];
	p->proto = ip[9];
	addr_v4(&p->src, ip + 12);
	addr_v4(&p->dst, ip + 16);
	return l4_parse(d, l3 + ihl, end, p);
}

static enum sw_perr
ip6_parse(const uint8_t *d, uint32_t l3, uint32_t len, struct sw_pkt *p)
{
	const uint8_t *ip = d + l3;
	uint32_t plen, end, off;
	enum sw_perr e;
	uint8_t nh;

	if (unlikely(len - l3 < IP6_HLEN))
		return SW_PERR_IP6_TRUNC;
	if (unlikely(ip[0] >> 4 != 6))
		return SW_PERR_IP6_VERSION;
	plen = rd16(ip + 4);
	/*
	 * Payload length 0 is a jumbogram (RFC 2675) or an offloaded
	 * super-packet: trust the frame then, as for a short capture.
	 */
	end = plen == 0 || plen > len - l3 - IP6_HLEN ? len :
	      l3 + IP6_HLEN + plen;

	p->af = 6;
	p->flags |= SW_PKT_F_IP;
	p->l3_off = (uint8_t)l3;
	/* saturates only for payloads Ethernet cannot carry */
	p->ip_len = (uint16_t)(plen + IP6_HLEN > UINT16_MAX ? UINT16_MAX :
			       plen + IP6_HLEN);
	p->ttl = ip[7];
	memcpy(&p->src, ip + 8, 16);
	memcpy(&p->dst, ip + 24, 16);

	off = l3 + IP6_HLEN;
	nh = ip[6];
	e = ip6_walk(d, &off, end, &nh, &p->flags);
	if (unlikely(e != SW_PERR_OK))
		return e;
	p->proto = nh;
	return l4_parse(d, off, end, p);
}

/* From the EtherType at hand (Ethernet's, or a cooked header's protocol)
 * through up to two VLAN tags to IP at off. */
static inline __attribute__((always_inline)) enum sw_perr
l2_tail(const uint8_t *data, uint32_t off, uint16_t type, uint32_t len, struct sw_pkt *p)
{
	if (is_vlan_tpid(type)) {
		if (unlikely(len - off < VLAN_HLEN))
			return SW_PERR_VLAN_TRUNC;
		p->flags |= SW_PKT_F_VLAN;
		p->vlan = rd16(data + off) & 0x0fff;
		type = rd16(data + off + 2);
		off += VLAN_HLEN;
		if (is_vlan_tpid(type)) {
			if (unlikely(len - off < VLAN_HLEN))
				return SW_PERR_VLAN_TRUNC;
			type = rd16(data + off + 2);
			off += VLAN_HLEN;
			if (unlikely(is_vlan_tpid(type)))
				return SW_PERR_VLAN_DEPTH;
		}
	}

	if (likely(type == ET_IPV4))
		return ip4_parse(data, off, len, p);
	if (type == ET_IPV6)
		return ip6_parse(data, off, len, p);
	if (type == ET_MPLS || type == ET_MPLS_MC)
		return mpls(data, off, len, p, (p->flags & SW_PKT_F_TUNNEL) != 0);
	return SW_PERR_OK;	/* ARP, LLDP ...: not ours, not an error */
}

/* The inner packet's own L2 tail: out of line, so the outer parse keeps
 * l2_tail inlined and the recursion through a tunnel is one call. */
static __attribute__((noinline)) enum sw_perr
l2_inner(const uint8_t *d, uint32_t off, uint16_t type, uint32_t end, struct sw_pkt *p)
{
	return l2_tail(d, off, type, end, p);
}

enum sw_perr
sw_parse(const uint8_t *data, uint32_t len, struct sw_pkt *p)
{
	/*
	 * ~128 bytes, inlined as a few vector stores; cheaper than tracking
	 * which of the fields a given packet type happens to write.
	 */
	memset(p, 0, sizeof(*p));
	/* Offsets in sw_pkt are 16-bit; an mbuf segment is never larger. */
	if (unlikely(len > UINT16_MAX))
		len = UINT16_MAX;
	if (unlikely(len < ETH_HLEN))
		return SW_PERR_ETH_TRUNC;
	return l2_tail(data, ETH_HLEN, rd16(data + 12), len, p);
}

/* Raw IP: the version nibble says which. */
static enum sw_perr
raw_ip(const uint8_t *data, uint32_t off, uint32_t len, struct sw_pkt *p)
{
	if (unlikely(len - off < 1))
		return SW_PERR_ETH_TRUNC;
	switch (data[off] >> 4) {
	case 4:
		return ip4_parse(data, off, len, p);
	case 6:
		return ip6_parse(data, off, len, p);
	default:
		return SW_PERR_OK;	/* not IP: as a non-IP frame */
	}
}

/*
 * The other link layers a capture file may hold (tcpdump.org's
 * LINKTYPE_* list, "Link-layer header types"): Linux cooked v1 (16
 * bytes, protocol at 14) and v2 (20 bytes, protocol at 0), raw IP, and
 * BSD loopback (a 4-byte address family, in the capturing host's byte
 * order for NULL, network order for LOOP). A truncated link header counts
 * as eth_trunc: the link layer was cut short.
 */
enum sw_perr
sw_parse_link(enum sw_link link, const uint8_t *data, uint32_t len, struct sw_pkt *p)
{
	uint32_t af;

	if (likely(link == SW_LINK_ETH))
		return sw_parse(data, len, p);
	memset(p, 0, sizeof(*p));
	if (unlikely(len > UINT16_MAX))
		len = UINT16_MAX;
	switch (link) {
	case SW_LINK_SLL:
		if (unlikely(len < 16))
			return SW_PERR_ETH_TRUNC;
		return l2_tail(data, 16, rd16(data + 14), len, p);
	case SW_LINK_SLL2:
		if (unlikely(len < 20))
			return SW_PERR_ETH_TRUNC;
		return l2_tail(data, 20, rd16(data), len, p);
	case SW_LINK_RAW:
		return raw_ip(data, 0, len, p);
	case SW_LINK_IPV4:
		return len < 1 ? SW_PERR_ETH_TRUNC : ip4_parse(data, 0, len, p);
	case SW_LINK_IPV6:
		return len < 1 ? SW_PERR_ETH_TRUNC : ip6_parse(data, 0, len, p);
	case SW_LINK_NULL:
	case SW_LINK_LOOP:
		if (unlikely(len < 4))
			return SW_PERR_ETH_TRUNC;
		af = rd32(data);
		if (link == SW_LINK_NULL && (af & 0xffff) == 0)
			af = __builtin_bswap32(af);	/* written little-endian */
		/* AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24
		 * (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS) */
		if (af == 2 || af == 10 || af == 24 || af == 28 || af == 30)
			return raw_ip(data, 4, len, p);
		return SW_PERR_OK;
	default:
		return SW_PERR_OK;
	}
}

const char *
sw_link_name(enum sw_link link)
{
	static const char *const names[SW_LINK__MAX] = {
		[SW_LINK_ETH] = "Ethernet", [SW_LINK_SLL] = "Linux cooked (SLL)",
		[SW_LINK_SLL2] = "Linux cooked v2 (SLL2)", [SW_LINK_RAW] = "raw IP",
		[SW_LINK_IPV4] = "raw IPv4", [SW_LINK_IPV6] = "raw IPv6",
		[SW_LINK_NULL] = "BSD loopback (NULL)", [SW_LINK_LOOP] = "OpenBSD loopback (LOOP)",
	};

	return (unsigned)link < SW_LINK__MAX ? names[link] : "unknown";
}
