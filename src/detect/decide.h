/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_DECIDE_H
#define SW_DECIDE_H

/**
 * @file
 * The decision stage of the control side: takes the workers' events and
 * payload matches, returns alert records through the caller's callbacks.
 * It knows nothing of the control thread, JSON or sinks: what it needs from
 * the workers (their summed sketches, the interface names) comes in
 * struct sw_decide_env, owned by the caller (src/ctl/ctl.c, tests).
 */

#include <stdbool.h>
#include <stdint.h>
#include <scanwatch/alert.h>
#include <scanwatch/conf.h>
#include <scanwatch/sketch.h>


/** Alert kinds; with the protocol class they name the gid 122 sid. */
enum sw_kind {
	K_PORTSCAN, K_DECOY, K_PORTSWEEP, K_DISTRIBUTED, K_BLOCK, K_SLOW,
	K_HAMMER,	/* one target's sensitive services tried over and over */
	K__MAX
};

/**
 * What the decision stage gets from its caller. Records passed to the
 * callbacks (and the strings they point to) are valid during the call only.
 */
struct sw_decide_env {
	unsigned nw;			/* workers: events name one (ev->worker) */
	const char *const *iface;	/* nw names, in_iface of each worker's port */
	bool offline;			/* packet time only; live: tick uses the clock */
	double eps, delta;		/* the workers' sketch error bounds */
	/**
	 * Add the estimates for key k of every worker but skip (UINT_MAX:
	 * none) to sum (zeroed). NULL: the event's own counters are all there is.
	 */
	void (*est)(void *arg, const struct sw_key *k, uint32_t now_s, unsigned skip,
		    struct sw_est *sum);
	/** Hand one alert on. @return 0, or negative when it was not sent
	 *  (counted as a format error, not as an alert) */
	int (*scan)(void *arg, const struct sw_scan_alert *a);
	int (*payload)(void *arg, const struct sw_payload_alert *a);
	/**
	 * A source was just decided a scanner (a new alert, not an update):
	 * its alert is held for correlation before scan() writes it, and the
	 * caller may start watching the source now (evidence captures, whose
	 * worker history reaches back a bounded number of probes). NULL: none.
	 */
	void (*flag)(void *arg, const struct sw_addr *src, uint64_t first_ns);
	void *arg;
};

struct sw_decide;

/** @return the stage, or NULL with err set (bad allowlist, out of memory) */
struct sw_decide *sw_decide_create(const struct sw_conf *c, const struct sw_decide_env *env,
				   char *err, size_t errlen);

/**
 * Name the kind of scan a window's counters show, or -1 for none.
 * Exposed for unit tests.
 */
int sw_decide_kind(const struct sw_conf *c, uint32_t trw_n, unsigned cls, unsigned t,
		   const uint32_t v[SW_F__MAX], bool *filtered);

#endif /* SW_DECIDE_H */
