/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_FRAG_H
#define SW_FRAG_H

/**
 * @file
 * Enough IP reassembly to read a transport header cut across fragments
 * (nmap -f, -ff, --mtu 8: a first fragment of 8 or 16 bytes, shorter than
 * the TCP header). Per worker, fixed memory, no allocation after create.
 *
 * Only the first SW_FRAG_BYTES bytes of a datagram are kept, and only for
 * datagrams whose first fragment cuts the transport header, or whose later
 * fragments start inside those bytes; ordinary fragmentation (a 1480-byte
 * first fragment with the whole header) never enters the table.
 *
 * Overlaps: bytes already held win (a later fragment's differing bytes are
 * counted in frag_overlaps and ignored). Linux since 4.19 and RFC 5722 for
 * IPv6 drop a datagram with overlapping fragments altogether, BSD keeps the
 * first bytes; either way the probe was sent, so the header first seen is
 * counted as the probe.
 *
 * Timeouts: an entry older than SW_FRAG_TIMEOUT_S of packet time is free
 * again (Linux's ipfrag_time is 30 s); a full bucket evicts its oldest
 * entry. Both are counted in frag_expired when the header was incomplete.
 */

#include <stdbool.h>
#include <stdint.h>

#include <scanwatch/pkt.h>

#define SW_FRAG_BYTES		96	/* datagram bytes kept: a 60-byte TCP header
					 * behind up to 36 bytes of IPv6 options */
#define SW_FRAG_ENTRIES		512	/* datagrams in reassembly per worker */
#define SW_FRAG_WAYS		4	/* entries per bucket */
#define SW_FRAG_TIMEOUT_S	30

/** Counters, in struct sw_wstats (summed with the worker's). */
struct sw_frag_stats {
	uint64_t held;		/* fragments taken into the table */
	uint64_t assembled;	/* transport headers read across fragments */
	uint64_t overlaps;	/* fragments overlapping held bytes differently */
	uint64_t expired;	/* datagrams dropped with the header incomplete */
};

struct sw_frag;

/** @return the table (about 160 KiB), or NULL with errno set */
struct sw_frag *sw_frag_create(int socket);
void sw_frag_free(struct sw_frag *f);

/** What sw_frag_input did with a fragment. */
enum sw_frag_res {
	SW_FRAG_NOT = -1,	/* not taken: p as the parser left it */
	SW_FRAG_HELD = 0,	/* kept, the header is not whole yet: p has no L4 */
	SW_FRAG_ASSEMBLED = 1,	/* p now describes the datagram with its transport
				 * header (SW_PKT_F_L4 | SW_PKT_F_FRAG |
				 * SW_PKT_F_REASM, no payload) */
};

/**
 * Offer a fragment the parser read into p: the frame's first segment
 * (data, len as given to sw_parse), the parse result e and the packet
 * time. Taken: a first fragment that cut the transport header (see
 * sw_frag_cut), or a later fragment that starts inside the first
 * SW_FRAG_BYTES of a TCP, UDP, SCTP or ICMP datagram.
 */
enum sw_frag_res sw_frag_input(struct sw_frag *f, const uint8_t *data, uint32_t len,
			       enum sw_perr e, uint64_t ts_ns, struct sw_pkt *p,
			       struct sw_frag_stats *st);

/** Whether a parse error is a fragment's cut transport header. */
static inline bool
sw_frag_cut(enum sw_perr e, const struct sw_pkt *p)
{
	return (p->flags & SW_PKT_F_FRAG) && !(p->flags & SW_PKT_F_FRAG_LATER) &&
	       (e == SW_PERR_TCP_TRUNC || e == SW_PERR_TCP_DOFF || e == SW_PERR_UDP_TRUNC ||
		e == SW_PERR_SCTP_TRUNC || e == SW_PERR_ICMP_TRUNC);
}

#endif /* SW_FRAG_H */
