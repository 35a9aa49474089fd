/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet roles (DESIGN.md, "Packet roles"; the code is in role_int.h) and
 * header fingerprints.
 */

#include <netinet/in.h>

#include <scanwatch/detect.h>

#include "role_int.h"

const char *const sw_technique_names[SW_T__MAX] = {
	[SW_T_NONE] = "none", [SW_T_SYN] = "syn", [SW_T_CONNECT] = "connect",
	[SW_T_FIN] = "fin", [SW_T_NULL] = "null", [SW_T_XMAS] = "xmas",
	[SW_T_ACK] = "ack", [SW_T_MAIMON] = "maimon", [SW_T_WINDOW] = "window",
	[SW_T_UDP] = "udp", [SW_T_ICMP_ECHO] = "icmp-echo",
	[SW_T_ICMP_TS] = "icmp-timestamp", [SW_T_ICMP_MASK] = "icmp-mask",
	[SW_T_SCTP_INIT] = "sctp-init", [SW_T_SCTP_COOKIE] = "sctp-cookie-echo",
	[SW_T_IPPROTO] = "ipproto", [SW_T_TCP_OTHER] = "tcp-other",
};

const char *const sw_class_names[SW_C__MAX] = {
	[SW_C_TCP] = "TCP", [SW_C_UDP] = "UDP", [SW_C_ICMP] = "ICMP",
	[SW_C_SCTP] = "SCTP", [SW_C_IP] = "IP",
};

const char *const sw_tool_names[SW_TOOL__MAX] = {
	[SW_TOOL_UNKNOWN] = "unknown", [SW_TOOL_NMAP] = "nmap",
	[SW_TOOL_MASSCAN] = "masscan", [SW_TOOL_ZMAP] = "zmap",
	[SW_TOOL_HPING3] = "hping3",
};

/* The roles themselves are in role_int.h, inline for the worker. */
void
sw_role(const struct sw_pkt *p, struct sw_role_info *r)
{
	sw_role_inline(p, r);
}

/* ---------------------------------------------------------------------------
 * Tool fingerprints from headers alone. Each rule is the packet builder of
 * one tool, read from its source, and checked against the captures in
 * tests/data (nmap 7.93, masscan 1.3.2, zmap 2.1.1, hping3 3.0.0-alpha-2).
 * A rule asks for every field the tool fixes that an ordinary stack would
 * not, because naming the wrong tool is worse than naming none. TTLs are
 * compared as seen here, after routers decremented them: an initial value
 * bounds the observed one from above, never from below.
 */

const uint8_t sw_fp_tool[SW_FP__MAX] = {
	[SW_FP_NONE] = SW_TOOL_UNKNOWN,
	[SW_FP_MASSCAN_SYN] = SW_TOOL_MASSCAN, [SW_FP_MASSCAN_STACK] = SW_TOOL_MASSCAN,
	[SW_FP_ZMAP_SYN_IPID] = SW_TOOL_ZMAP, [SW_FP_ZMAP_SYN] = SW_TOOL_ZMAP,
	[SW_FP_ZMAP_ECHO_IPID] = SW_TOOL_ZMAP, [SW_FP_ZMAP_UDP_IPID] = SW_TOOL_ZMAP,
	[SW_FP_NMAP_SYN] = SW_TOOL_NMAP, [SW_FP_NMAP_NOACK] = SW_TOOL_NMAP,
	[SW_FP_NMAP_ACK] = SW_TOOL_NMAP, [SW_FP_NMAP_ECHO] = SW_TOOL_NMAP,
	[SW_FP_NMAP_SCTP_INIT] = SW_TOOL_NMAP, [SW_FP_NMAP_IPPROTO] = SW_TOOL_NMAP,
	[SW_FP_NMAP_OS_SEQ] = SW_TOOL_NMAP, [SW_FP_NMAP_OS_ECN] = SW_TOOL_NMAP,
	[SW_FP_NMAP_OS_TN] = SW_TOOL_NMAP, [SW_FP_NMAP_OS_IE] = SW_TOOL_NMAP,
	[SW_FP_NMAP_OS_U1] = SW_TOOL_NMAP,
	[SW_FP_HPING3_TCP] = SW_TOOL_HPING3, [SW_FP_HPING3_TCP_ACK] = SW_TOOL_HPING3,
	[SW_FP_HPING3_ECHO] = SW_TOOL_HPING3, [SW_FP_HPING3_UDP] = SW_TOOL_HPING3,
};

const char *const sw_fp_evidence[SW_FP__MAX] = {
	[SW_FP_NONE] = "",
	[SW_FP_MASSCAN_SYN] = "ipid=dst^dport^seq,syn,win=1024",
	[SW_FP_MASSCAN_STACK] = "ipid=dst^dport^seq,win=1200",
	[SW_FP_ZMAP_SYN_IPID] = "ipid=54321,syn,win=65535",
	[SW_FP_ZMAP_SYN] = "syn,win=65535,ttl>128,no-df,zmap-options",
	[SW_FP_ZMAP_ECHO_IPID] = "ipid=54321,icmp-echo,seq=0",
	[SW_FP_ZMAP_UDP_IPID] = "ipid=54321,udp,ttl>128",
	[SW_FP_NMAP_SYN] = "syn,win=1024,opts=mss1460,ttl<=59",
	[SW_FP_NMAP_NOACK] = "fin/null/xmas,win=1024,no-opts,ack=0,ttl<=59",
	[SW_FP_NMAP_ACK] = "ack,win=1024,no-opts,seq=0,ttl<=59",
	[SW_FP_NMAP_ECHO] = "icmp-echo,empty,seq=0,ttl<=59,no-df",
	[SW_FP_NMAP_SCTP_INIT] = "sctp-init,bare-chunk,ttl<=59,no-df",
	[SW_FP_NMAP_IPPROTO] = "ip-proto,empty,ttl<=59,no-df",
	[SW_FP_NMAP_OS_SEQ] = "os-probe-seq,win+opts=prbOpts",
	[SW_FP_NMAP_OS_ECN] = "os-probe-ecn,win=3,syn+ece+cwr",
	[SW_FP_NMAP_OS_TN] = "os-probe-t2-t7,win+opts=prbOpts",
	[SW_FP_NMAP_OS_IE] = "os-probe-ie,icmp-echo,seq=295/296",
	[SW_FP_NMAP_OS_U1] = "os-probe-u1,ipid=0x1042,udp-len=300",
	[SW_FP_HPING3_TCP] = "win=512,no-opts,ack!=0-without-ack-flag,ttl<=64",
	[SW_FP_HPING3_TCP_ACK] = "ack,win=512,no-opts,no-df,ttl<=64",
	[SW_FP_HPING3_ECHO] = "icmp-echo,seq-host-order,empty,ttl<=64",
	[SW_FP_HPING3_UDP] = "udp,empty,ttl=60-64,no-df,sport>=1024",
};

#define F_SA (SW_TCP_SYN | SW_TCP_ACK)

/* Option layouts (pkt.h tcp_optsig): the kinds in wire order. */
#define L_MSS		0x2u		/* MSS alone */

static inline bool
no_df(const struct sw_pkt *p)
{
	return !(p->flags & SW_PKT_F_IP4_DF);	/* IPv6 has no DF: true */
}

static inline bool
has_mss(const struct sw_pkt *p, uint16_t mss)
{
	return (p->flags & SW_PKT_F_TCP_MSS) && p->tcp_mss == mss;
}

/*
 * masscan writes IP ID = ip_them ^ port_them ^ seqno, truncated to 16 bits,
 * into every TCP packet it builds: template_set_target() for the SYN and
 * tcp_create_packet() for its own stack's ACK/data/RST (masscan
 * src/templ-pkt.c; both in 1.3.2 and later). A random IP ID matches by
 * chance once in 65,536 packets, and the rules below add the window.
 */
static inline bool
masscan_ipid(const struct sw_pkt *p)
{
	uint16_t dst16 = (uint16_t)(p->dst.b[14] << 8 | p->dst.b[15]);

	return p->af == 4 && p->ip_id == (uint16_t)(dst16 ^ p->dport ^ p->tcp_seq);
}

/*
 * nmap's OS detection TCP probes, osscan2.cc prbOpts[]/prbWindowSz[] and
 * the send calls of HostOsScan (nmap.org/book/osdetect-methods.html): each
 * has its own window, option layout and MSS (265 is nmap's tcpMss), and the
 * T2, T4 and T6 probes set DF. mss 0: the probe has no MSS option.
 */
#define OS_PROBES(X)								\
	X(1, SW_TCP_SYN, 0, 0x31284, 1460, SW_FP_NMAP_OS_SEQ)	/* WS,NOP,MSS,TS,SACK */ \
	X(63, SW_TCP_SYN, 0, 0x23480, 1400, SW_FP_NMAP_OS_SEQ)	/* MSS,WS,SACK,TS,EOL */ \
	X(4, SW_TCP_SYN, 0, 0x811312, 640, SW_FP_NMAP_OS_SEQ)	/* TS,NOP,NOP,WS,NOP,MSS */ \
	X(4, SW_TCP_SYN, 0, 0x4830, 0, SW_FP_NMAP_OS_SEQ)	/* SACK,TS,WS,EOL */ \
	X(16, SW_TCP_SYN, 0, 0x24830, 536, SW_FP_NMAP_OS_SEQ)	/* MSS,SACK,TS,WS,EOL */ \
	X(512, SW_TCP_SYN, 0, 0x248, 265, SW_FP_NMAP_OS_SEQ)	/* MSS,SACK,TS */ \
	X(3, SW_TCP_SYN | SW_TCP_ECE | SW_TCP_CWR, 0, 0x312411, 1460,			\
	  SW_FP_NMAP_OS_ECN)				/* WS,NOP,MSS,SACK,NOP,NOP */ \
	X(128, 0, 1, 0x31284, 265, SW_FP_NMAP_OS_TN)		/* T2 */		\
	X(256, SW_TCP_SYN | SW_TCP_FIN | SW_TCP_URG | SW_TCP_PSH, 0, 0x31284, 265,	\
	  SW_FP_NMAP_OS_TN)					/* T3 */		\
	X(1024, SW_TCP_ACK, 1, 0x31284, 265, SW_FP_NMAP_OS_TN)	/* T4 */		\
	X(31337, SW_TCP_SYN, 0, 0x31284, 265, SW_FP_NMAP_OS_TN)	/* T5 */		\
	X(32768, SW_TCP_ACK, 1, 0x31284, 265, SW_FP_NMAP_OS_TN)	/* T6 */		\
	X(65535, SW_TCP_FIN | SW_TCP_PSH | SW_TCP_URG, 0, 0x31284, 265,			\
	  SW_FP_NMAP_OS_TN)					/* T7 */

static const struct os_probe {
	uint16_t win;
	uint8_t flags;
	uint8_t df;
	uint32_t layout;
	uint16_t mss;
	uint8_t fp;
} os_probes[] = {
#define OS_ENTRY(win, flags, df, layout, mss, fp) { win, flags, df, layout, mss, fp },
	OS_PROBES(OS_ENTRY)
#undef OS_ENTRY
};

/*
 * A 64-bit set of the probes' (window, option layout) pairs, hashed to a
 * bit each at compile time from the same list: almost every first contact
 * (a scanner's or a client's SYN) misses it in one test instead of a walk
 * of the thirteen probes (83 instructions per packet, callgrind).
 */
#define OS_BIT(win, layout) \
	((((uint32_t)(win) * 0x9e3779b1u) ^ ((uint32_t)(layout) * 0x85ebca77u)) >> 26)
#define OS_KEY(win, flags, df, layout, mss, fp) | (1ull << OS_BIT(win, layout))
static const uint64_t os_keys = 0 OS_PROBES(OS_KEY);
#undef OS_KEY

static enum sw_fp
nmap_os_tcp(const struct sw_pkt *p)
{
	if (p->af != 4 || p->tcp_optlen == 0 ||
	    !((os_keys >> OS_BIT(p->tcp_win, p->tcp_optsig)) & 1))
		return SW_FP_NONE;
	for (unsigned i = 0; i < sizeof(os_probes) / sizeof(os_probes[0]); i++) {
		const struct os_probe *o = &os_probes[i];

		if (p->tcp_win == o->win && p->tcp_flags == o->flags &&
		    p->tcp_optsig == o->layout && no_df(p) == !o->df &&
		    (o->mss ? has_mss(p, o->mss) : !(p->flags & SW_PKT_F_TCP_MSS)))
			return (enum sw_fp)o->fp;
	}
	return SW_FP_NONE;
}

static enum sw_fp
tcp_fp(const struct sw_pkt *p)
{
	uint8_t f = p->tcp_flags;
	enum sw_fp os;

	if (masscan_ipid(p)) {
		/* the SYN template: window 1024, no options in 1.3.2, MSS 1460
		 * since (templ-pkt.c default_tcp_template) */
		if (f == SW_TCP_SYN && p->tcp_win == 1024 &&
		    (p->tcp_optlen == 0 || (p->tcp_optsig == L_MSS && has_mss(p, 1460))))
			return SW_FP_MASSCAN_SYN;
		/* tcp_create_packet() always writes window 1200 */
		if (!(f & SW_TCP_SYN) && p->tcp_win == 1200)
			return SW_FP_MASSCAN_STACK;
	}
	os = nmap_os_tcp(p);
	if (os != SW_FP_NONE)
		return os;

	/*
	 * ZMap's SYN: make_tcp_header() sets window 65535, ack 0; make_ip_header()
	 * TTL 255 (MAXTTL), no DF and, until 2024 (zmap PR #798), IP ID 54321.
	 * Options: none up to 2.1.x (our capture), a lone MSS 1460 from 2021
	 * (PR #673), since 2024 an OS's set, Windows-style by default (PR #799,
	 * #855: 12, 20 or 24 bytes, or MSS alone with smallest-probes).
	 */
	if (f == SW_TCP_SYN && p->tcp_win == 65535 && p->tcp_ack == 0 && no_df(p)) {
		bool lean = p->tcp_optlen == 0 ||
			    (p->tcp_optsig == L_MSS && has_mss(p, 1460));

		if (p->af == 4 && p->ip_id == 54321 && lean)
			return SW_FP_ZMAP_SYN_IPID;
		if (p->ttl > 128 &&
		    (lean || ((p->flags & SW_PKT_F_TCP_MSS) &&
			      ((p->tcp_optlen == 12 && p->tcp_nopts == 3) ||
			       (p->tcp_optlen == 20 && p->tcp_nopts == 4) ||
			       (p->tcp_optlen == 24 && p->tcp_nopts == 4)))))
			return SW_FP_ZMAP_SYN;
	}

	/*
	 * nmap's port scan probes, sendIPScanProbe() (scan_engine_raw.cc) and
	 * build_tcp_raw() (tcpip.cc): TTL random in 37..59, no DF, window 1024
	 * (1024 * (ttl % 4 + 1) before nmap 5, so 2048-4096 too), no payload;
	 * SYNs carry TCP_SYN_PROBE_OPTIONS (MSS 1460 alone); the sequence number
	 * carries the probe's tryno unless ACK is set, then the ack number does
	 * and the sequence number stays 0.
	 */
	if (p->ttl <= 59 && no_df(p) && p->payload_len == 0 &&
	    (p->tcp_win == 1024 || p->tcp_win == 2048 || p->tcp_win == 3072 ||
	     p->tcp_win == 4096) && !(f & SW_TCP_RST)) {
		if (f == SW_TCP_SYN && p->tcp_ack == 0 && p->tcp_optlen == 4 &&
		    p->tcp_optsig == L_MSS && has_mss(p, 1460))
			return SW_FP_NMAP_SYN;
		if (!(f & F_SA) && p->tcp_optlen == 0 && p->tcp_ack == 0)
			return SW_FP_NMAP_NOACK;
		if ((f & F_SA) == SW_TCP_ACK && p->tcp_optlen == 0 && p->tcp_seq == 0 &&
		    p->tcp_ack != 0)
			return SW_FP_NMAP_ACK;
	}

	/*
	 * hping3 (hping2.h defaults, sendtcp.c, sendip.c): window 512, no
	 * options, TTL 64, no DF, and a random ack number even when the ACK
	 * flag is clear - stacks send 0 there. IPv4 only.
	 */
	if (p->af == 4 && p->tcp_win == 512 && p->tcp_optlen == 0 && p->ttl <= 64 &&
	    no_df(p)) {
		if (!(f & SW_TCP_ACK) && p->tcp_ack != 0)
			return SW_FP_HPING3_TCP;
		if ((f & F_SA) == SW_TCP_ACK && p->payload_len == 0)
			return SW_FP_HPING3_TCP_ACK;
	}
	return SW_FP_NONE;
}

static enum sw_fp
icmp_fp(const struct sw_pkt *p)
{
	uint16_t seq = p->dport;	/* echo: sport is the identifier */

	if (p->af != 4 || p->icmp_type != 8)
		return SW_FP_NONE;
	/* zmap's echo probe: make_icmp_header() leaves sequence 0 (the
	 * identifier carries the validation), make_ip_header() IP ID 54321 */
	if (p->ip_id == 54321 && seq == 0 && p->icmp_code == 0 && no_df(p))
		return SW_FP_ZMAP_ECHO_IPID;
	/*
	 * nmap's OS detection IE pair (HostOsScan::sendTIcmpProbe): sequence
	 * 295 with code 9, DF, 120 zero bytes; then 296, code 0, TOS 4
	 * (IP_TOS_RELIABILITY), 150 bytes. No stack sends code 9.
	 */
	if (seq == 295 && p->icmp_code == 9 && !no_df(p) && p->payload_len == 120)
		return SW_FP_NMAP_OS_IE;
	if (seq == 296 && p->icmp_code == 0 && no_df(p) && p->ip_tos == 4 &&
	    p->payload_len == 150)
		return SW_FP_NMAP_OS_IE;
	/*
	 * nmap's echo ping (-PE, and -sn's default set): build_icmp_raw() with
	 * sequence 0, a random nonzero identifier, no data, TTL 37..59, no DF
	 * (scan_engine_raw.cc sendIPScanProbe). ping(8) sends data and DF.
	 */
	if (seq == 0 && p->sport != 0 && p->icmp_code == 0 && p->payload_len == 0 &&
	    p->ttl <= 59 && no_df(p))
		return SW_FP_NMAP_ECHO;
	/*
	 * hping3's echo (sendicmp.c) stores id and sequence without htons(),
	 * so from x86 the n-th request (n < 256) carries n << 8 on the wire;
	 * no data by default, TTL 64, no DF. The first (sequence 0) is left
	 * alone: it is nmap's shape.
	 */
	if (seq != 0 && (seq & 0xff) == 0 && p->payload_len == 0 && p->ttl <= 64 &&
	    no_df(p))
		return SW_FP_HPING3_ECHO;
	return SW_FP_NONE;
}

static enum sw_fp
udp_fp(const struct sw_pkt *p)
{
	if (p->af != 4 || !no_df(p))
		return SW_FP_NONE;
	/* nmap's U1 (osscan2.cc send_closedudp_probe): IP ID 0x1042, 300 'C' */
	if (p->ip_id == 0x1042 && p->payload_len == 300)
		return SW_FP_NMAP_OS_U1;
	/* any zmap UDP module: make_ip_header() (IP ID 54321, TTL 255) */
	if (p->ip_id == 54321 && p->ttl > 128)
		return SW_FP_ZMAP_UDP_IPID;
	/*
	 * hping3 --udp (sendudp.c): no data by default, TTL 64, no DF, source
	 * port 1024 + rand() % 2000 then +1 per packet (main.c). nmap's UDP
	 * probes look the same but for TTL <= 59, so only TTLs 60..64 (at
	 * most four hops away) tell them apart. scapy's defaults (IP ID 1,
	 * port 53) are not hping3.
	 */
	if (p->payload_len == 0 && p->ttl >= 60 && p->ttl <= 64 && p->sport >= 1024 &&
	    p->ip_id != 1)
		return SW_FP_HPING3_UDP;
	return SW_FP_NONE;
}

/*
 * nmap's SCTP INIT scan (-sY, sendIPScanProbe): a bare INIT chunk, 20
 * bytes without optional parameters (sctp_pack_chunkhdr_init), TTL 37..59,
 * no DF. Kernel SCTP stacks list address types, ECN, forward TSN...
 */
static enum sw_fp
sctp_fp(const struct sw_pkt *p)
{
	if ((p->flags & SW_PKT_F_SCTP_CHUNK) && p->sctp_chunk == 1 &&
	    p->payload_len == 20 && p->ttl <= 59 && no_df(p))
		return SW_FP_NMAP_SCTP_INIT;
	return SW_FP_NONE;
}

enum sw_fp
sw_fp_match(const struct sw_pkt *p)
{
	if (!(p->flags & SW_PKT_F_IP) || (p->flags & SW_PKT_F_FRAG_LATER))
		return SW_FP_NONE;
	switch (p->proto) {
	case IPPROTO_TCP:
		return (p->flags & SW_PKT_F_L4) ? tcp_fp(p) : SW_FP_NONE;
	case IPPROTO_ICMP:
		return (p->flags & SW_PKT_F_L4) ? icmp_fp(p) : SW_FP_NONE;
	case IPPROTO_UDP:
		return (p->flags & SW_PKT_F_L4) ? udp_fp(p) : SW_FP_NONE;
	case IPPROTO_SCTP:
		return (p->flags & SW_PKT_F_L4) ? sctp_fp(p) : SW_FP_NONE;
	case IPPROTO_ICMPV6:
	case 0: case 43: case 44: case 50: case 51: case 59: case 60:
		return SW_FP_NONE;	/* as sw_role: not a protocol probe */
	default:
		/*
		 * nmap's protocol scan (-sO, build_protoscan_packet): for
		 * protocols it has no builder for, build_ip_raw() sends the
		 * IP header alone - TTL 37..59, no DF. Real GRE, ESP, OSPF
		 * ... always carry a header of their own.
		 */
		if (p->payload_len == 0 && p->ttl <= 59 && no_df(p))
			return SW_FP_NMAP_IPPROTO;
		return SW_FP_NONE;
	}
}

enum sw_tool
sw_fingerprint(const struct sw_pkt *p)
{
	return (enum sw_tool)sw_fp_tool[sw_fp_match(p)];
}
