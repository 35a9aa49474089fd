/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_CTL_H
#define SW_CTL_H

/**
 * @file
 * The control thread: drains the workers' event rings, hands events to the
 * decision stage, formats the alert records it returns (EVE) and hands them
 * to the outputs; writes stats. Runs on the main lcore.
 */

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>

#include <scanwatch/conf.h>
#include <scanwatch/json.h>
#include <scanwatch/sink.h>
#include <scanwatch/worker.h>

struct sw_decide;
struct sw_matcher;
struct sw_obs;
struct sw_recent;
struct sw_evid_ctl;

/** The control thread's systemd notification state (sdnotify.c). */
struct sw_sd {
	bool on;		/* NOTIFY_SOCKET set: running under systemd */
	bool ready;		/* READY=1 sent */
	uint64_t watchdog_tsc;	/* half of WatchdogSec in TSC cycles; 0: off */
	uint64_t next_watchdog, next_status;
	uint64_t last_pkts;
};

struct sw_ctl {
	const struct sw_conf *conf;
	struct sw_worker **workers;
	unsigned nw;
	bool offline;
	struct sw_outputs *out;		/* every sink (src/alert/outputs.c) */
	struct sw_json js;
	struct sw_decide *dec;		/* decisions: events in, alert records out
					 * (src/detect/), formatted by src/alert/eve.c */
	const char **iface;		/* per worker: in_iface of its port */
	struct sw_obs *obs;		/* telemetry, Prometheus (src/ctl/obs.c) */
	struct sw_recent *recent;	/* latest alerts for the live views
					 * (src/ctl/recent.c) */
	struct sw_matcher *matcher;	/* payload rules (src/match/), or NULL */
	uint64_t matches;		/* match events drained */
	struct sw_ctl_pending *pend;	/* per worker: matches waiting for events */
	uint64_t start_ns;		/* wall clock at start */
	uint64_t start_tsc;
	uint64_t next_stats_tsc;
	uint64_t next_watch_tsc;	/* live: next look at the ports' links */
	uint64_t events;		/* events drained */
	uint64_t ev_by_type[8];
	struct sw_sd sd;		/* systemd notifications (src/ctl/sdnotify.c) */
	struct sw_evid_ctl *evid;	/* evidence captures (src/ctl/evidence.c), or NULL */
};

/** Set from signal handlers; served by the control loop. */
extern volatile sig_atomic_t sw_hup;

/**
 * Set up the control thread's state and start telemetry and the exporter
 * last, once everything they read is in place, the payload matcher m
 * (NULL: rules off) included.
 */
int sw_ctl_init(struct sw_ctl *ctl, const struct sw_conf *c, struct sw_worker **w,
		unsigned nw, bool offline, struct sw_matcher *m, char *err, size_t errlen);

/** Loop until every worker is done (offline) or sw_quit is set. */
void sw_ctl_run(struct sw_ctl *ctl);

/** Dequeue and process every event waiting on the rings. @return events */
unsigned sw_ctl_drain(struct sw_ctl *ctl);

/** After the workers stopped: last drain, pending alerts, final stats, close. */
void sw_ctl_finish(struct sw_ctl *ctl);

/**
 * Hand one formatted event to every sink: the only way an alert or stats
 * line leaves the control thread. Lines that could not be formatted never
 * get here: their writers count them (alerts: sw_decide_stats
 * format_errors).
 */
void sw_ctl_emit(struct sw_ctl *ctl, const struct sw_alert *a, const char *json, size_t len);

/** Write one EVE stats event with the current counters. */
void sw_ctl_write_stats(struct sw_ctl *ctl);

#endif /* SW_CTL_H */
