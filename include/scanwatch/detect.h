/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_DETECT_H
#define SW_DETECT_H

/**
 * @file
 * Scan detection. Workers classify packets (probe, negative or positive
 * response), count first contacts in their own sketch and raise events
 * when a source crosses a threshold (src/detect/detect.c); the control
 * thread sums every worker's counters for that source, names the kind and
 * hands an alert record on (src/detect/decide.c).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <scanwatch/conf.h>
#include <scanwatch/pkt.h>
#include <scanwatch/sketch.h>

struct sw_worker;
struct sw_event;

enum sw_role {
	SW_ROLE_NONE = 0,
	SW_ROLE_PROBE,		/* initiating packet */
	SW_ROLE_MAYBE,		/* a probe unless it belongs to a known flow */
	SW_ROLE_NEG,		/* RST, ICMP unreachable, SCTP ABORT */
	SW_ROLE_POS,		/* SYN-ACK, UDP reply, echo reply, INIT-ACK */
};

/** Protocol classes: counters and alerts are kept per class. */
enum sw_class {
	SW_C_TCP, SW_C_UDP, SW_C_ICMP, SW_C_SCTP, SW_C_IP, SW_C__MAX
};

enum sw_technique {
	SW_T_NONE, SW_T_SYN, SW_T_CONNECT, SW_T_FIN, SW_T_NULL, SW_T_XMAS,
	SW_T_ACK, SW_T_MAIMON, SW_T_WINDOW, SW_T_UDP, SW_T_ICMP_ECHO,
	SW_T_ICMP_TS, SW_T_ICMP_MASK, SW_T_SCTP_INIT, SW_T_SCTP_COOKIE,
	SW_T_IPPROTO, SW_T_TCP_OTHER, SW_T__MAX
};

enum sw_tool {
	SW_TOOL_UNKNOWN, SW_TOOL_NMAP, SW_TOOL_MASSCAN, SW_TOOL_ZMAP, SW_TOOL_HPING3,
	SW_TOOL__MAX
};

extern const char *const sw_technique_names[SW_T__MAX];
extern const char *const sw_class_names[SW_C__MAX];
extern const char *const sw_tool_names[SW_TOOL__MAX];

/** A packet's part in a scan, in the scanner's orientation. */
struct sw_role_info {
	uint8_t role;		/* enum sw_role */
	uint8_t cls;		/* enum sw_class */
	uint8_t technique;	/* probes */
	uint8_t proto;
	uint16_t port;		/* the probed port (ICMP: request type; class ip: protocol) */
	uint8_t negative_kind;	/* NEG: 1 RST, 2 ICMP port/proto unreachable, 3 other ICMP error */
	const struct sw_addr *scanner;
	const struct sw_addr *target;
};

/** Classify one parsed packet. Pure function of the packet. */
void sw_role(const struct sw_pkt *p, struct sw_role_info *r);

/**
 * Header fingerprints: the packet builders of scanning tools leave fixed
 * or derived header values that ordinary stacks do not produce. One value
 * per rule, so an alert can say what its `tool` rests on; src/detect/role.c
 * cites the tool's source (or a capture) for each.
 */
enum sw_fp {
	SW_FP_NONE,
	SW_FP_MASSCAN_SYN,	/* IP ID = dst ^ dport ^ seq, SYN, window 1024 */
	SW_FP_MASSCAN_STACK,	/* the same IP ID, window 1200 (its own TCP stack) */
	SW_FP_ZMAP_SYN_IPID,	/* IP ID 54321, SYN, window 65535 */
	SW_FP_ZMAP_SYN,		/* SYN, window 65535, TTL > 128, no DF, zmap's options */
	SW_FP_ZMAP_ECHO_IPID,	/* IP ID 54321, echo request with sequence 0 */
	SW_FP_ZMAP_UDP_IPID,	/* IP ID 54321, UDP, TTL > 128 */
	SW_FP_NMAP_SYN,		/* SYN, window 1024, lone MSS 1460, TTL <= 59 */
	SW_FP_NMAP_NOACK,	/* FIN/NULL/Xmas, window 1024, no options, ack 0 */
	SW_FP_NMAP_ACK,		/* ACK/Maimon/window, window 1024, no options, seq 0 */
	SW_FP_NMAP_ECHO,	/* -PE/-sn echo request: empty, sequence 0, TTL <= 59 */
	SW_FP_NMAP_SCTP_INIT,	/* -sY: bare 20-byte INIT chunk, TTL <= 59, no DF */
	SW_FP_NMAP_IPPROTO,	/* -sO: bare IP header of another protocol, TTL <= 59 */
	SW_FP_NMAP_OS_SEQ,	/* OS detection SEQ/OPS/WIN/T1 probes */
	SW_FP_NMAP_OS_ECN,	/* OS detection ECN probe */
	SW_FP_NMAP_OS_TN,	/* OS detection T2-T7 probes */
	SW_FP_NMAP_OS_IE,	/* OS detection IE echo requests */
	SW_FP_NMAP_OS_U1,	/* OS detection U1 probe: IP ID 0x1042, 300 bytes */
	SW_FP_HPING3_TCP,	/* window 512, no options, ack set without ACK */
	SW_FP_HPING3_TCP_ACK,	/* ACK, window 512, no options, no DF, TTL <= 64 */
	SW_FP_HPING3_ECHO,	/* echo request, sequence in host byte order */
	SW_FP_HPING3_UDP,	/* empty UDP, TTL 60-64, no DF, port >= 1024 */
	SW_FP__MAX
};

/** The tool each fingerprint names (enum sw_tool). */
extern const uint8_t sw_fp_tool[SW_FP__MAX];
/** What each fingerprint rests on, as alerts print it ("" for none). */
extern const char *const sw_fp_evidence[SW_FP__MAX];

/**
 * Match a probe's headers against the tool fingerprints. Pure function of
 * the packet, a few compares: the worker calls it for the contacts it
 * sends to the control thread (a suspect's packet, its samples, a watched
 * target's contacts) and for bare ACKs that might be probes (tcp_flow).
 * @return the fingerprint, SW_FP_NONE when no rule matches
 */
enum sw_fp sw_fp_match(const struct sw_pkt *p);

/**
 * sw_fp_match() reads no byte of a packet past this many, up to and
 * including tcp_optsig: the worker keeps this much of a first contact
 * and works out its tool only when the contact goes out as a sample.
 * test_detect matches every fingerprint case on such a prefix, the rest
 * of the packet scribbled over.
 */
#define SW_FP_BYTES (offsetof(struct sw_pkt, tcp_optsig) + sizeof(uint32_t))

/**
 * Whether a bare TCP ACK (ACK alone among SYN, ACK, RST and FIN, no
 * payload) with window win can match any fingerprint: every ACK probe
 * fingerprint rests on a window that is a multiple of 512 (nmap's ACK and
 * window probes 1024-4096, its OS probes T4 1024 and T6 32768, hping3's
 * 512) or on masscan's 1200. An established flow's ACKs are most of a
 * link's packets; this keeps sw_fp_match() (about 45 instructions) off
 * all but one in 512 of them. test_detect checks it against sw_fp_match()
 * over every window, so a new ACK fingerprint must widen it.
 */
static inline bool
sw_fp_ack_possible(uint16_t win)
{
	return ((win & 511) == 0) | (win == 1200);	/* no branch: tcp_flow_sure() */
}

/** Guess the tool from header fields of a probe: sw_fp_tool[sw_fp_match(p)]. */
enum sw_tool sw_fingerprint(const struct sw_pkt *p);

/**
 * Whether counter v crosses threshold thr: v == thr * 2^k, k >= 0, at the
 * threshold and then at each doubling (the sequential test's, and the
 * plain form of the worker's vector test, struct sw_cross in sketch.h).
 */
static inline bool
sw_crossed(uint32_t v, uint32_t thr)
{
	/* v == thr * 2^k: then k is the distance between their top bits */
	if (v < thr || thr == 0)
		return false;
	return (uint64_t)thr << (__builtin_clz(thr) - __builtin_clz(v)) == v;
}

/** Thresholds a worker applies locally (already divided across workers). */
struct sw_detect_conf {
	uint32_t win_s[SW_TS];
	uint32_t ports[SW_TS];
	uint32_t targets[SW_TS];
	uint32_t contacts[SW_TS];
	uint32_t icmp_targets[SW_TS];
	uint32_t protos[SW_TS];
	uint32_t trw_failures;	/* failed - answered that decides (Jung et al.) */
	bool trw_share;		/* trw_failures is one worker's share of several */
	uint32_t distributed_sources;
	uint32_t heavy_sample;	/* detect.heavy-sample: 1 = off */
	uint32_t heavy_sample_from;	/* detect.heavy-sample-from */
};

struct sw_detect;

/**
 * Create a worker's detection state (sketch on the NIC's socket).
 * @param nworkers  thresholds are split across workers
 * @return NULL with errno on failure
 */
struct sw_detect *sw_detect_create(const struct sw_conf *c, unsigned nworkers, int socket);
void sw_detect_free(struct sw_detect *d);

/** The worker's sketch (read by the control thread to merge). */
const struct sw_sketch *sw_detect_sketch(const struct sw_detect *d);

/** Thresholds from the configuration, scaled for nworkers. */
void sw_detect_conf_from(struct sw_detect_conf *dc, const struct sw_conf *c,
			 unsigned nworkers);

/** TRW: failures in excess of successes that reach the upper threshold
 *  ln(beta/alpha) of the sequential test; Jung, Paxson, Berger,
 *  Balakrishnan, "Fast portscan detection using sequential hypothesis
 *  testing", IEEE S&P 2004, section 4. */
uint32_t sw_trw_failures(double theta0, double theta1, double alpha, double beta);

/** Worker side: count a burst of parsed packets; events to w->ring. */
void sw_detect_burst(struct sw_detect *d, struct sw_worker *w, struct sw_pkt *pkts,
		     unsigned n);
/** Worker side: housekeeping between bursts (filter scrub). */
void sw_detect_tick(struct sw_detect *d, struct sw_worker *w);

/* counters of the detection stage, per worker */
struct sw_detect_stats {
	uint64_t probes;
	uint64_t first_contacts;
	uint64_t negatives;
	uint64_t positives;
	uint64_t suspects;	/* SUSPECT events raised */
	uint64_t suspects_lost;	/* ... lost to a full ring: crossings the
				 * control thread never saw */
	uint64_t timeouts;	/* first contacts unanswered in detect.trw.timeout */
	uint64_t timeouts_lost;	/* ... that fell off a full queue, not looked at */
	uint64_t timeouts_one_way; /* ... not counted: no answer of the address
				    * family came for a minute (a one-way tap) */
	uint64_t deferred;	/* first contacts of a source that owned no cell:
				 * pair and port marks left to its next (detect.c) */
	uint64_t sampled;	/* first contacts of a very heavy source: target
				 * and port counted on a sample (detect.heavy-sample) */
};
const struct sw_detect_stats *sw_detect_stats(const struct sw_detect *d);

/* Control side ------------------------------------------------------------- */

struct sw_decide;

/* sw_decide_create and the alert records: src/detect/decide.h */
void sw_decide_free(struct sw_decide *dec);
void sw_decide_event(struct sw_decide *dec, const struct sw_event *ev);
/** Periodic: updates for continuing scans. */
void sw_decide_tick(struct sw_decide *dec);
/** At exit: write pending updates. */
void sw_decide_finish(struct sw_decide *dec);

struct sw_decide_stats {
	uint64_t alerts;
	uint64_t updates;
	uint64_t suppressed;	/* within the suppression period */
	uint64_t allowlisted;	/* decided, not alerted (allowlist.action: tag) */
	uint64_t scanners;	/* distinct sources alerted */
	uint64_t dropped;	/* events lost to a full record table */
	uint64_t format_errors;	/* alerts (scan or payload) that could not be
				 * formatted (out of memory) and were not sent */
	uint64_t direction_off;	/* alerts (scan or payload) not written: their
				 * direction's alerts.<direction> is off */
};
const struct sw_decide_stats *sw_decide_stats(const struct sw_decide *dec);

#endif /* SW_DETECT_H */
