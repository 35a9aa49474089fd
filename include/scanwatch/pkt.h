/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_PKT_H
#define SW_PKT_H

/**
 * @file
 * Fixed-size packet metadata produced by the parser (src/parse/) and read by
 * the detection stage. One struct sw_pkt per packet of a burst, owned by the
 * worker that parsed it; no pointer into the mbuf survives the burst.
 *
 * Addresses are kept as 16 bytes in every case: IPv4 is stored IPv4-mapped
 * (::ffff:a.b.c.d, RFC 4291 2.5.5.2) so hashing and comparison are one code
 * path for both families.
 */

#include <stdint.h>
#include <stddef.h>

/** An IPv4-mapped or native IPv6 address, network byte order. */
struct sw_addr {
	union {
		uint8_t  b[16];
		uint32_t w[4];
		uint64_t q[2];
	};
};

/** Parse outcome; anything but SW_PERR_OK means the packet was skipped. */
enum sw_perr {
	SW_PERR_OK = 0,
	SW_PERR_ETH_TRUNC,	/* shorter than an Ethernet header */
	SW_PERR_VLAN_TRUNC,	/* 802.1Q/QinQ tag cut short */
	SW_PERR_VLAN_DEPTH,	/* more than two stacked tags */
	SW_PERR_IP4_TRUNC,	/* shorter than 20 bytes of IPv4 header */
	SW_PERR_IP4_VERSION,	/* ethertype IPv4, version nibble not 4 */
	SW_PERR_IP4_IHL,	/* IHL < 5 or header beyond the packet */
	SW_PERR_IP4_LEN,	/* total length < IHL*4 */
	SW_PERR_IP6_TRUNC,	/* shorter than 40 bytes of IPv6 header */
	SW_PERR_IP6_VERSION,
	SW_PERR_IP6_EXT_TRUNC,	/* extension header runs off the end */
	SW_PERR_IP6_EXT_DEPTH,	/* more extension headers than we walk */
	SW_PERR_TCP_TRUNC,
	SW_PERR_TCP_DOFF,	/* data offset < 5 or beyond the packet */
	SW_PERR_UDP_TRUNC,
	SW_PERR_ICMP_TRUNC,
	SW_PERR_SCTP_TRUNC,
	SW_PERR_GRE_TRUNC,	/* GRE header (with its optional fields) cut short */
	SW_PERR_GRE_HDR,	/* GRE with source routing (RFC 1701) or reserved bits */
	SW_PERR_ERSPAN_TRUNC,	/* ERSPAN header cut short */
	SW_PERR_ERSPAN_VERSION,	/* ERSPAN version not the one its GRE type names */
	SW_PERR_MPLS_TRUNC,	/* label stack or control word cut short */
	SW_PERR_MPLS_DEPTH,	/* more labels than we walk */
	SW_PERR_VXLAN_TRUNC,	/* VXLAN header or its Ethernet frame cut short */
	SW_PERR_TUNNEL_DEPTH,	/* a tunnel inside a tunnel: one level is decapsulated */
	SW_PERR__MAX
};

/** Stable names for the parse counters ("eth_trunc", "ip4_ihl", ...). */
extern const char *const sw_perr_names[SW_PERR__MAX];

/* sw_pkt.flags */
#define SW_PKT_F_IP		0x0001	/* an IPv4 or IPv6 header was parsed */
#define SW_PKT_F_L4		0x0002	/* the L4 header was parsed (ports/flags valid) */
#define SW_PKT_F_FRAG		0x0004	/* part of a fragmented datagram */
#define SW_PKT_F_FRAG_LATER	0x0008	/* non-first fragment: no L4 header */
#define SW_PKT_F_INNER		0x0010	/* ICMP error: quoted IP header parsed */
#define SW_PKT_F_INNER_L4	0x0020	/* ICMP error: quoted ports/ids parsed too */
#define SW_PKT_F_TCP_MSS	0x0040	/* tcp_mss holds an MSS option */
#define SW_PKT_F_IP4_OPTS	0x0080	/* IPv4 options were present */
#define SW_PKT_F_VLAN		0x0100	/* at least one 802.1Q tag */
#define SW_PKT_F_SCTP_CHUNK	0x0200	/* sctp_chunk is valid (0 is DATA) */
#define SW_PKT_F_IP4_DF		0x0400	/* IPv4 don't-fragment bit set */
#define SW_PKT_F_TUNNEL		0x0800	/* decapsulated: the fields describe the
					 * inner packet (tunnel says which) */
#define SW_PKT_F_REASM		0x2000	/* the L4 header was read across IP
					 * fragments (src/parse/frag.c) */
#define SW_PKT_F_TUNNEL_BAD	0x1000	/* named a tunnel it does not hold whole:
					 * the outer packet, and tunnel holds the
					 * enum sw_perr reason (counted, not dropped) */

/** Encapsulations decapsulated (one level; sw_pkt.tunnel). */
enum sw_tunnel {
	SW_TUN_NONE,
	SW_TUN_GRE,		/* GRE (RFC 2784/2890): IP or Ethernet (TEB) inside */
	SW_TUN_ERSPAN2,		/* GRE 0x88be: ERSPAN type I/II (Ethernet inside) */
	SW_TUN_ERSPAN3,		/* GRE 0x22eb: ERSPAN type III */
	SW_TUN_VXLAN,		/* UDP to the VXLAN port (RFC 7348) */
	SW_TUN_MPLS,		/* MPLS, on the wire or inside GRE (RFC 4023) */
	SW_TUN_IPIP,		/* IPv4/IPv6 in IPv4/IPv6 (protocols 4, 41) */
	SW_TUN__MAX
};

/** UDP destination port decapsulated as VXLAN (0: none); decoder.vxlan-port. */
extern uint16_t sw_parse_vxlan_port;

/* TCP flag bits as on the wire (byte 13 of the header) plus ECE/CWR. */
#define SW_TCP_FIN 0x01
#define SW_TCP_SYN 0x02
#define SW_TCP_RST 0x04
#define SW_TCP_PSH 0x08
#define SW_TCP_ACK 0x10
#define SW_TCP_URG 0x20
#define SW_TCP_ECE 0x40
#define SW_TCP_CWR 0x80

/** What the ICMP error quoted: the offending packet, as the target saw it. */
struct sw_inner {
	struct sw_addr src;	/* the original sender: the scanner */
	struct sw_addr dst;	/* the original destination: the probed target */
	uint16_t sport;		/* host order; ICMP echo: the identifier */
	uint16_t dport;		/* host order */
	uint8_t  proto;		/* IPPROTO_* of the quoted datagram */
	uint8_t  pad[3];
};

/**
 * Everything later stages need from one packet. Multi-byte fields are host
 * order unless they are addresses.
 */
struct sw_pkt {
	uint64_t ts_ns;		/* capture time (offline) or TSC-derived (live) */
	struct sw_addr src;
	struct sw_addr dst;
	uint16_t flags;		/* SW_PKT_F_* */
	uint8_t  af;		/* 4, 6, or 0 for non-IP */
	uint8_t  proto;		/* L4 protocol after the extension-header walk */
	uint16_t sport;		/* TCP/UDP/SCTP; ICMP echo: identifier */
	uint16_t dport;
	uint16_t wire_len;	/* bytes on the wire (mbuf pkt_len) */
	uint16_t ip_len;	/* IPv4 total length / IPv6 payload + 40 (saturated) */
	uint16_t ip_id;		/* IPv4 identification; IPv6: 0 */
	uint8_t  ttl;		/* IPv4 TTL / IPv6 hop limit */
	uint8_t  tcp_flags;
	uint32_t tcp_seq;
	uint32_t tcp_ack;
	uint16_t tcp_win;
	uint16_t tcp_mss;	/* valid with SW_PKT_F_TCP_MSS */
	uint8_t  tcp_optlen;	/* bytes of TCP options */
	uint8_t  tcp_nopts;	/* number of options (NOP/EOL excluded) */
	uint8_t  icmp_type;	/* ICMP or ICMPv6 */
	uint8_t  icmp_code;
	uint8_t  sctp_chunk;	/* type of the first SCTP chunk */
	uint8_t  l3_off;	/* offset of the IP header from the frame start */
	/*
	 * The next three are set for every IP packet parsed OK. l4_off is
	 * where the IP (and IPv6 extension) headers end. Without
	 * SW_PKT_F_L4 (later fragment, ESP, unknown protocol) the payload is
	 * everything from l4_off on. payload_len never counts Ethernet
	 * padding or bytes beyond the frame.
	 */
	uint16_t l4_off;	/* offset of the L4 header */
	uint16_t payload_off;	/* offset of the L4 payload */
	uint16_t payload_len;	/* bytes of L4 payload present in the frame */
	uint16_t vlan;		/* outermost VLAN ID, if SW_PKT_F_VLAN */
	uint8_t  ip_tos;	/* IPv4 type of service; IPv6: 0 */
	uint8_t  tunnel;	/* enum sw_tunnel with SW_PKT_F_TUNNEL; with
				 * SW_PKT_F_TUNNEL_BAD the enum sw_perr reason */
	/*
	 * TCP option layout for tool fingerprints: the kinds of the first
	 * eight options in wire order, NOP (1) and EOL (0) included, 4 bits
	 * each (kinds above 14 as 15), the first in the highest nibble used:
	 * Linux's MSS,SACKOK,TS,NOP,WS is 0x24813. Fills the hole before
	 * `inner`, so the struct stays 128 bytes.
	 */
	uint32_t tcp_optsig;
	struct sw_inner inner;	/* valid with SW_PKT_F_INNER */
};

_Static_assert(sizeof(struct sw_pkt) == 128, "two cache lines of metadata per packet");

/**
 * Parse one frame starting at its Ethernet header.
 *
 * Never reads outside [data, data + len). On error the fields parsed so far
 * are left set; callers must only use the packet when the result is
 * SW_PERR_OK. Non-IP frames (ARP, LLDP ...) are OK with af == 0.
 * The whole struct is zeroed first, ts_ns and wire_len included: the
 * caller sets those two after the call.
 *
 * @param data  first byte of the Ethernet header
 * @param len   bytes available (the first segment's data_len)
 * @param p     output; fully overwritten
 * @return      SW_PERR_OK or the reason the frame was rejected
 */
enum sw_perr sw_parse(const uint8_t *data, uint32_t len, struct sw_pkt *p);

/**
 * Parse a transport header held apart from its frame (h, len: the header
 * and what follows of it) into p, whose IP fields are already set, as
 * sw_parse would have behind the IP header. For headers read across
 * fragments (src/parse/frag.c).
 */
enum sw_perr sw_parse_l4(const uint8_t *h, uint32_t len, struct sw_pkt *p);

/** Link layers a frame can start with (capture files; NICs give Ethernet). */
enum sw_link {
	SW_LINK_ETH,		/* LINKTYPE_ETHERNET (1) */
	SW_LINK_SLL,		/* LINKTYPE_LINUX_SLL (113): tcpdump -i any */
	SW_LINK_SLL2,		/* LINKTYPE_LINUX_SLL2 (276) */
	SW_LINK_RAW,		/* LINKTYPE_RAW (101; DLT_RAW 12 or 14) */
	SW_LINK_IPV4,		/* LINKTYPE_IPV4 (228) */
	SW_LINK_IPV6,		/* LINKTYPE_IPV6 (229) */
	SW_LINK_NULL,		/* LINKTYPE_NULL (0): BSD loopback, host byte order */
	SW_LINK_LOOP,		/* LINKTYPE_LOOP (108): network byte order */
	SW_LINK__MAX
};

/** sw_parse() for a frame of the given link layer (SW_LINK_ETH is
 *  sw_parse() itself); the same contract otherwise. */
enum sw_perr sw_parse_link(enum sw_link link, const uint8_t *data, uint32_t len,
			   struct sw_pkt *p);

/** "Ethernet", "Linux cooked (SLL)", ... */
const char *sw_link_name(enum sw_link link);

/** True when a is an IPv4-mapped address (::ffff:0:0/96). */
static inline int
sw_addr_is_v4(const struct sw_addr *a)
{
	return a->q[0] == 0 && a->b[8] == 0 && a->b[9] == 0 &&
	       a->b[10] == 0xff && a->b[11] == 0xff;
}

/** Format an address as dotted quad or RFC 5952 text; returns buf. */
char *sw_addr_str(const struct sw_addr *a, char *buf, size_t len);

#endif /* SW_PKT_H */
