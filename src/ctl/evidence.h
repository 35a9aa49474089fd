/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_CTL_EVIDENCE_H
#define SW_CTL_EVIDENCE_H

/*
 * Evidence captures, the control thread's side: which sources are
 * captured, their pcap files in OUTPUT.DIR/evidence, the budgets. The
 * workers' side and the counters are in <scanwatch/evidence.h>.
 */

#include <scanwatch/conf.h>
#include <scanwatch/evidence.h>
#include <scanwatch/worker.h>

struct sw_evid_ctl;

/**
 * Start: create OUTPUT.DIR/evidence (0750), account the captures earlier
 * runs left there against evidence.total-kb (removing the oldest if they
 * exceed it). Workers must have their evidence state (sw_worker.evid).
 * @return the state, or NULL with the reason in err
 */
struct sw_evid_ctl *sw_evid_ctl_open(const struct sw_conf *c, struct sw_worker **w,
				     unsigned nw, char *err, size_t errlen);

/**
 * A source was alerted on: start its capture (file created, the source
 * published to the workers at the next sw_evid_ctl_drain()) unless it has
 * one. first_ns names the file.
 * @return the file, relative to output.dir, valid until the next call
 *         into this module; NULL when there is none (counted)
 */
const char *sw_evid_ctl_flag(struct sw_evid_ctl *x, const struct sw_addr *src,
			     uint64_t first_ns);

/** Publish the sources flagged since the last publication, if any: at
 *  once after the alerts that flagged them, before anything else the
 *  control thread does (every record drained costs the workers' histories
 *  time that the sources' probes may not have). */
void sw_evid_ctl_publish(struct sw_evid_ctl *x);

/** Publish what changed, write what the workers sent, free what no worker
 *  holds any more. @return records handled */
unsigned sw_evid_ctl_drain(struct sw_evid_ctl *x);

/** Tell an offline worker its first `events` events are decided and what
 *  they flagged is published (sw_evidence_offline_sync()). */
void sw_evid_ctl_ack(struct sw_evid_ctl *x, unsigned worker, uint64_t events);

/** The workers have stopped: last records, the histories of sources they
 *  never saw flagged, files closed. */
void sw_evid_ctl_finish(struct sw_evid_ctl *x);

/** Free everything; NULL is a no-op. */
void sw_evid_ctl_free(struct sw_evid_ctl *x);

/** Counters, any thread (relaxed loads). */
void sw_evid_ctl_stats(const struct sw_evid_ctl *x, struct sw_evid_stats *st);

#endif /* SW_CTL_EVIDENCE_H */
