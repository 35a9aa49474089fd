/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet roles (DESIGN.md, "Packet roles"), inline: sw_role() itself for
 * role.c's exported copy and for the worker's burst loop, which classifies
 * every packet that is not an established flow's and where the call, and
 * the role's fields stored for it and loaded back, cost more than the
 * work (bench/README.md). Only src/detect includes this.
 *
 * Everything is oriented towards the scanner: for a response, `scanner` is
 * the host the response goes to (or the sender quoted in an ICMP error),
 * so failures count against the scanner on whichever queue they arrive.
 */
#ifndef SW_ROLE_INT_H
#define SW_ROLE_INT_H

#include <netinet/in.h>
#include <stdbool.h>

#include <rte_common.h>

#include <scanwatch/detect.h>

#define ROLE_FPU (SW_TCP_FIN | SW_TCP_PSH | SW_TCP_URG)

/* p answers a probe (role POS or NEG): the scanner is the host it goes to,
 * the target its sender, the probed port `port`. */
static inline void
role_answer(const struct sw_pkt *p, struct sw_role_info *r, uint8_t role, uint16_t port)
{
	r->role = role;
	r->scanner = &p->dst;
	r->target = &p->src;
	r->port = port;
}

static inline void
tcp_role(const struct sw_pkt *p, struct sw_role_info *r)
{
	uint8_t f = p->tcp_flags & (SW_TCP_FIN | SW_TCP_SYN | SW_TCP_RST | SW_TCP_PSH |
				    SW_TCP_ACK | SW_TCP_URG);

	r->cls = SW_C_TCP;
	if ((f & (SW_TCP_SYN | SW_TCP_ACK)) == SW_TCP_SYN) {
		r->role = SW_ROLE_PROBE;
		/* A kernel's connect() SYN carries MSS, SACK-permitted,
		 * timestamps and window scale; raw-packet scanners send
		 * one option or none (nmap: MSS only, masscan/hping3: none). */
		r->technique = p->tcp_nopts >= 3 ? SW_T_CONNECT : SW_T_SYN;
		return;
	}
	if ((f & (SW_TCP_SYN | SW_TCP_ACK)) == (SW_TCP_SYN | SW_TCP_ACK)) {
		role_answer(p, r, SW_ROLE_POS, p->sport);
		return;
	}
	if (f & SW_TCP_RST) {
		r->negative_kind = 1;
		role_answer(p, r, SW_ROLE_NEG, p->sport);
		return;
	}
	/* The stealth probes, nmap's names (nmap.org/book/man-port-scanning-techniques.html). */
	if (f == 0)
		r->technique = SW_T_NULL;
	else if (f == SW_TCP_FIN)
		r->technique = SW_T_FIN;
	else if ((f & ROLE_FPU) == ROLE_FPU && !(f & SW_TCP_ACK))
		r->technique = SW_T_XMAS;
	else if (f == (SW_TCP_FIN | SW_TCP_ACK))
		r->technique = SW_T_MAIMON;
	else if (f == SW_TCP_ACK && p->payload_len == 0)
		r->technique = SW_T_ACK;
	else
		r->technique = SW_T_TCP_OTHER;
	/* Without ACK there is no legitimate TCP segment outside a
	 * handshake: always a probe. With ACK it is one only when no flow
	 * is known (the detector checks the filter). */
	r->role = (f & SW_TCP_ACK) ? SW_ROLE_MAYBE : SW_ROLE_PROBE;
}

static inline void
icmp_error(const struct sw_pkt *p, struct sw_role_info *r, bool port_unreach)
{
	if (!(p->flags & SW_PKT_F_INNER))
		return;
	r->role = SW_ROLE_NEG;
	r->negative_kind = port_unreach ? 2 : 3;
	r->scanner = &p->inner.src;
	r->target = &p->inner.dst;
	r->proto = p->inner.proto;
	switch (p->inner.proto) {
	case IPPROTO_TCP: r->cls = SW_C_TCP; r->port = p->inner.dport; break;
	case IPPROTO_UDP: r->cls = SW_C_UDP; r->port = p->inner.dport; break;
	case IPPROTO_SCTP: r->cls = SW_C_SCTP; r->port = p->inner.dport; break;
	case IPPROTO_ICMP: r->cls = SW_C_ICMP; r->port = 8; break;
	case IPPROTO_ICMPV6: r->cls = SW_C_ICMP; r->port = 128; break;
	default: r->cls = SW_C_IP; r->port = p->inner.proto; break;
	}
	if (!(p->flags & SW_PKT_F_INNER_L4) &&
	    (r->cls == SW_C_TCP || r->cls == SW_C_UDP || r->cls == SW_C_SCTP))
		r->role = SW_ROLE_NONE;	/* cannot tell which probe it answers */
}

static inline void
icmp4_role(const struct sw_pkt *p, struct sw_role_info *r)
{
	r->cls = SW_C_ICMP;
	r->port = p->icmp_type;
	switch (p->icmp_type) {
	case 8:  r->role = SW_ROLE_PROBE; r->technique = SW_T_ICMP_ECHO; break;
	case 13: r->role = SW_ROLE_PROBE; r->technique = SW_T_ICMP_TS; break;
	case 15: r->role = SW_ROLE_PROBE; r->technique = SW_T_ICMP_TS; break;
	case 17: r->role = SW_ROLE_PROBE; r->technique = SW_T_ICMP_MASK; break;
	case 0: case 14: case 16: case 18:
		/* a reply answers the request type - 1 (echo: 0 answers 8) */
		role_answer(p, r, SW_ROLE_POS, p->icmp_type == 0 ? 8 : p->icmp_type - 1);
		break;
	case 3:	/* unreachable: 2 protocol, 3 port; others host/net/admin */
		icmp_error(p, r, p->icmp_code == 2 || p->icmp_code == 3);
		break;
	case 11: case 12:
		icmp_error(p, r, false);
		break;
	default:
		break;
	}
}

static inline void
icmp6_role(const struct sw_pkt *p, struct sw_role_info *r)
{
	r->cls = SW_C_ICMP;
	r->port = p->icmp_type;
	switch (p->icmp_type) {
	case 128: r->role = SW_ROLE_PROBE; r->technique = SW_T_ICMP_ECHO; break;
	case 129:
		role_answer(p, r, SW_ROLE_POS, 128);
		break;
	case 1:	/* destination unreachable: 4 port unreachable */
		icmp_error(p, r, p->icmp_code == 4);
		break;
	case 3: case 4:
		icmp_error(p, r, false);
		break;
	default:
		break;	/* ND, MLD, router advertisements: not scan traffic */
	}
}

/*
 * A unicast answer to a query sent to a multicast group or broadcast: the
 * client asked the group from an ephemeral port and a member answers it
 * directly from the service port (LLMNR 5355, RFC 4795 2.1.1; mDNS 5353
 * with a one-shot querier's port, RFC 6762 5.1; SSDP 1900 M-SEARCH
 * responses; NetBIOS name service 137; DHCP 67 to the client's 68, DHCPv6
 * 547 to 546). The query went to the group, so no probe of the answerer
 * is on record and the answers would read as a UDP scan of the client's
 * ports by its neighbours. Told from the packet alone, because the query
 * and its answers from other hosts are hashed to different workers. A
 * scan sent from one of these source ports to ephemeral ports goes
 * unseen; scans of service ports (below 1024) are still probes.
 */
static inline bool
group_answer(const struct sw_pkt *p)
{
	switch (p->sport) {
	case 5355: case 5353: case 1900: case 137:
		return p->dport >= 1024;
	case 67:
		return p->dport == 68;
	case 547:
		return p->dport == 546;
	default:
		return false;
	}
}

static __rte_always_inline void
sw_role_inline(const struct sw_pkt *p, struct sw_role_info *r)
{
	r->role = SW_ROLE_NONE;
	r->technique = SW_T_NONE;
	r->negative_kind = 0;
	r->proto = p->proto;
	r->port = p->dport;
	r->scanner = &p->src;
	r->target = &p->dst;
	r->cls = SW_C_IP;
	if (!(p->flags & SW_PKT_F_IP) || (p->flags & SW_PKT_F_FRAG_LATER))
		return;
	switch (p->proto) {
	case IPPROTO_TCP:
		if (p->flags & SW_PKT_F_L4)
			tcp_role(p, r);
		break;
	case IPPROTO_UDP:
		if (!(p->flags & SW_PKT_F_L4))
			break;
		r->cls = SW_C_UDP;
		r->technique = SW_T_UDP;
		if (group_answer(p))
			break;	/* answers a group's query: no probe, no reply to count */
		/* A reply if the reverse direction was probed; decided with the filter. */
		r->role = SW_ROLE_MAYBE;
		break;
	case IPPROTO_ICMP:
		if (p->af == 4 && (p->flags & SW_PKT_F_L4))
			icmp4_role(p, r);
		break;
	case IPPROTO_ICMPV6:
		if (p->af == 6 && (p->flags & SW_PKT_F_L4))
			icmp6_role(p, r);
		break;
	case IPPROTO_SCTP:
		if (!(p->flags & SW_PKT_F_L4))
			break;
		r->cls = SW_C_SCTP;
		switch (p->sctp_chunk) {
		case 1:	/* INIT */
			r->role = SW_ROLE_PROBE;
			r->technique = SW_T_SCTP_INIT;
			break;
		case 10: /* COOKIE ECHO: nmap -sZ */
			r->role = SW_ROLE_MAYBE;
			r->technique = SW_T_SCTP_COOKIE;
			break;
		case 2:	/* INIT ACK */
			role_answer(p, r, SW_ROLE_POS, p->sport);
			break;
		case 6:	/* ABORT */
			r->negative_kind = 1;
			role_answer(p, r, SW_ROLE_NEG, p->sport);
			break;
		default:
			break;
		}
		break;
	case 0: case 43: case 44: case 50: case 51: case 59: case 60:
		break;	/* IPv6 extension headers we stopped at: not a protocol probe */
	default:
		/* nmap -sO: bare IP headers of one protocol after another. The
		 * protocol is the "port" so distinct protocols count as ports. */
		r->cls = SW_C_IP;
		r->role = SW_ROLE_MAYBE;
		r->technique = SW_T_IPPROTO;
		r->port = p->proto;
		break;
	}
}

#endif /* SW_ROLE_INT_H */
