/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_DECIDE_H
#define SW_DECIDE_H

#include <stdbool.h>
#include <stdint.h>
#include <scanwatch/conf.h>
#include <scanwatch/sketch.h>

/** Alert kinds; with the protocol class they name the gid 122 sid. */
enum sw_kind {
	K_PORTSCAN, K_DECOY, K_PORTSWEEP, K_DISTRIBUTED, K_BLOCK, K_SLOW, K__MAX
};

/** An alert being held (HOLD_NS) for decoy/distributed correlation. */
struct pend {
	uint64_t ts_ns;		/* packet that decided it */
	struct sw_est est;	/* merged counters at that moment */
	struct sw_addr dst;
	uint16_t dport;
	uint16_t port;		/* ethdev, for in_iface */
	uint8_t proto;
	uint8_t t;		/* time scale */
	bool trw, allowlisted;
	uint32_t sources;	/* decoy/distributed: sources involved */
};

/**
 * Name the kind of scan a window's counters show, or -1 for none.
 * Exposed for unit tests.
 */
int sw_decide_kind(const struct sw_conf *c, uint32_t trw_n, unsigned cls, unsigned t,
		   const uint32_t v[SW_F__MAX], bool *filtered);

#endif /* SW_DECIDE_H */
