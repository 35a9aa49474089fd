/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_EVENT_H
#define SW_EVENT_H

/**
 * @file
 * Fixed-size records a worker hands to the control thread over its own
 * single-producer/single-consumer rte_ring. A full ring is counted
 * (sw_wstats.ring_drops) and the event dropped; a worker never waits.
 */

#include <stdint.h>
#include <scanwatch/pkt.h>

enum sw_ev_type {
	SW_EV_NONE = 0,
	SW_EV_SUSPECT,		/* a source crossed a local threshold: ctl decides */
	SW_EV_CONTACT,		/* a sampled first contact of a suspect (evidence) */
	SW_EV_TARGET,		/* a target crossed the distributed threshold */
	SW_EV_HOT_CONTACT,	/* a first contact to a hot target (any source) */
	SW_EV_SERVICES,		/* ahead of a SUSPECT: the sensitive services the
				 * source touched (v[0] low, v[1] high 16 bits of
				 * the detect.sensitive-services bitmap) */
	SW_EV_REPEAT,		/* the source connected again to a sensitive
				 * service of dst: v[0] more repeats counted */
	SW_EV__MAX
};

/* SUSPECT reason bits (src/detect/detect.c sets them as R_*). */
#define SW_SUSPECT_TRW	0x08	/* decided by the sequential test, not a threshold */
#define SW_SUSPECT_TIMEOUT 0x10	/* raised when a probe's answer timed out */

struct sw_event {
	uint64_t ts_ns;		/* packet time of the triggering packet */
	struct sw_addr src;	/* the scanner */
	struct sw_addr dst;	/* the target of the triggering probe */
	uint16_t dport;		/* its port (ICMP: type) */
	uint8_t  type;		/* enum sw_ev_type */
	uint8_t  proto;		/* IPPROTO_* of the probe */
	uint8_t  technique;	/* enum sw_technique (src/detect/) */
	uint8_t  timescale;	/* index into the configured windows */
	uint8_t  worker;	/* producer */
	uint8_t  reason;	/* type-specific (SUSPECT: SW_SUSPECT_*) */
	uint8_t  cls;		/* enum sw_class */
	uint8_t  tool;		/* enum sw_tool, from the probe's headers */
	uint16_t v[6];		/* SUSPECT: the producer's counters (enum
				 * sw_field, SW_F__MAX of them) in `timescale`,
				 * so offline decisions do not depend on when
				 * ctl reads; TARGET: [CONTACTS] contacts,
				 * [TARGETS] sources */
	uint8_t  fp;		/* enum sw_fp: the header fingerprint that
				 * named `tool` (alert evidence) */
	uint8_t  flags;		/* SW_EVF_* of the probe */
};

/* sw_event.flags */
#define SW_EVF_FRAG	0x01	/* the probe's transport header came across IP
				 * fragments (nmap -f): scan.fragmented */
#define SW_EVF_SAMPLED	0x02	/* SUSPECT: the source's targets and ports were
				 * counted by sample (detect.heavy-sample):
				 * scan.estimate_error.sample */

_Static_assert(sizeof(struct sw_event) == 64, "one cache line per event");

#endif /* SW_EVENT_H */
