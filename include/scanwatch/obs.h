/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_OBS_H
#define SW_OBS_H

/**
 * @file
 * Observability: one snapshot of every counter, and the two ways it leaves
 * the process besides the EVE stats event: DPDK telemetry commands
 * (/scanwatch/stats, /workers, /queues, /sinks; src/ctl/telemetry.c) and a
 * Prometheus text endpoint (src/ctl/prom.c).
 *
 * Counters are written without atomics by their owners (workers, the
 * control thread, sink threads); readers on other threads use relaxed
 * atomic loads, which on x86-64 cost a plain load and never tear an
 * aligned 64-bit word. Nothing here takes a lock a worker could take.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scanwatch/detect.h>
#include <scanwatch/evidence.h>
#include <scanwatch/worker.h>

struct sw_ctl;
struct rte_eth_stats;

/** A relaxed load of a counter another thread writes. */
#define SW_LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

/** Totals over every worker, port and sink at one moment. */
struct sw_counters {
	uint64_t uptime_s;		/* since sw_ctl_init */
	uint64_t start_ns;		/* wall clock at start, ns since the epoch */
	uint64_t now_ns;		/* wall clock when gathered */
	struct sw_wstats w;		/* sum over workers */
	uint64_t events_drained;	/* dequeued by the control thread */
	/* PMD counters summed over ports (rte_eth_stats) */
	uint64_t port_packets, port_bytes, imissed, ierrors, no_mbufs;
	uint64_t file_damaged;		/* capture files read only up to a damage */
	uint64_t mbufs_in_use;		/* gauge: mbufs out of the pools */
	uint64_t link_down;		/* ports that stopped delivering (events) */
	uint64_t ports_down;		/* gauge: ports down now */
	bool have_detect;		/* dec, det below are valid */
	struct sw_decide_stats dec;
	struct sw_detect_stats det;	/* sum over workers */
	unsigned nsinks;
	uint64_t sink_drops;		/* queue full + error + shutdown, all sinks */
	struct sw_evid_stats evid;	/* evidence captures (zero when off) */
};

/**
 * One counter of a set and the names it goes by in the EVE stats event,
 * DPDK telemetry and Prometheus. The three outputs walk the set's table
 * (src/ctl/counters.c) in order, each skipping the rows it has no name
 * for, so a counter added to its struct and to the table shows up
 * everywhere. Where the outputs named one counter differently before the
 * tables existed, the row carries each name (stats.scanwatch.detect.scanners
 * is telemetry's flagged_sources).
 */
struct sw_counter {
	uint16_t off;		/* in the set's snapshot: struct sw_counters or
				 * struct sw_match_counters */
	uint8_t size;		/* of the field: 4 or 8 bytes */
	uint8_t kind;		/* SW_CTR_* */
	const char *eve;	/* EVE stats key; NULL: not in the event */
	const char *tel;	/* /scanwatch/stats key; NULL: not in telemetry */
	const char *prom;	/* Prometheus metric; NULL: not exported */
	const char *help;	/* its HELP text */
	/* Per worker, for fields of the set's per-worker struct (.w) */
	uint16_t woff;		/* offset in that struct (struct sw_wstats or
				 * struct sw_match_wstats); uint64_t */
	const char *wkey;	/* EVE workers[] and /scanwatch/workers key */
	const char *wprom;	/* Prometheus metric with a worker label */
	const char *whelp;
};

enum {
	SW_CTR_COUNTER,		/* monotonic: Prometheus counter */
	SW_CTR_GAUGE,		/* goes up and down: Prometheus gauge */
	SW_CTR_PERR,		/* the uint64_t[SW_PERR__MAX] array of parser
				 * reasons: eve names an object of
				 * sw_perr_names keys, tel a key prefix, prom
				 * a family with a reason label */
};

/** Worker counters, with the control thread's and the ports' totals where
 *  the outputs put them among them (rows over struct sw_counters). */
extern const struct sw_counter sw_worker_counters[];
extern const unsigned sw_worker_ncounters;
/** Detection (per worker, summed) and decision counters (struct sw_counters). */
extern const struct sw_counter sw_detect_counters[];
extern const unsigned sw_detect_ncounters;
/** Payload rule counters (rows over struct sw_match_counters). */
extern const struct sw_counter sw_payload_counters[];
extern const unsigned sw_payload_ncounters;

/** Value of row r in snap (the set's snapshot struct); not for SW_CTR_PERR. */
uint64_t sw_counter_get(const void *snap, const struct sw_counter *r);

/** The SW_CTR_PERR array of row r in snap: SW_PERR__MAX counters, by reason. */
const uint64_t *sw_counter_array(const void *snap, const struct sw_counter *r);

/** Value of per-worker row r (r->wkey or r->wprom set) in one worker's
 *  struct (struct sw_wstats or struct sw_match_wstats). */
uint64_t sw_counter_wget(const void *wsnap, const struct sw_counter *r);

/**
 * Copy one worker's counters with relaxed loads (any thread).
 * @param s    the worker's live counters
 * @param out  the copy
 */
void sw_wstats_read(const struct sw_wstats *s, struct sw_wstats *out);

/**
 * Gather every counter of ctl into c. Safe on any thread while ctl is
 * running (the control thread, DPDK's telemetry thread, the Prometheus
 * thread). src/ctl/counters.c; the EVE stats event uses it too.
 */
void sw_ctl_counters(const struct sw_ctl *ctl, struct sw_counters *c);

/**
 * The same, keeping each worker's snapshot in ws[0 .. nw-1] (NULL: not
 * kept): c->w is their sum, so one event that shows both agrees with itself.
 */
void sw_ctl_counters_ws(const struct sw_ctl *ctl, struct sw_counters *c, struct sw_wstats *ws);

/**
 * Gather the payload matching counters of ctl; any thread.
 * @return false (c zeroed) when matching is off
 */
bool sw_match_counters(const struct sw_ctl *ctl, struct sw_match_counters *c);

/** Read one worker's matching counters (relaxed loads; any thread). */
void sw_match_wstats_read(const struct sw_match_wstats *s, struct sw_match_wstats *out);

/**
 * rte_eth_stats_get serialised against the other readers in this process:
 * some PMDs (i40e, ixgbe) fold hardware registers into software offsets
 * inside stats_get, which two threads must not do at once.
 * @return 0 or a negative errno
 */
int sw_ctl_port_stats(uint16_t port, struct rte_eth_stats *s);

struct sw_obs;

/**
 * Start observability for ctl: register the /scanwatch/ telemetry commands
 * and, if conf->prom_listen is set, bind it and start the Prometheus thread.
 * Call after ports, workers and outputs exist.
 * @return NULL with err naming what failed (e.g. the address that could not
 *         be bound) and what to do
 */
struct sw_obs *sw_obs_start(const struct sw_ctl *ctl, char *err, size_t errlen);

/**
 * Stop answering (telemetry callbacks return an error from now on), stop
 * and join the Prometheus thread, free. Call before the sinks or workers
 * are freed. NULL is a no-op.
 */
void sw_obs_stop(struct sw_obs *o);

/* ---- the pieces sw_obs_start puts together ---- */

/** Register the telemetry commands (once per process) and serve ctl. */
int sw_telemetry_attach(const struct sw_ctl *ctl);
/** Stop serving; returns after any callback in flight has finished. */
void sw_telemetry_detach(void);

struct sw_prom;

/**
 * Bind listen ("ADDR:PORT", "[V6ADDR]:PORT" or ":PORT" for every address)
 * and start the exporter thread.
 * @return NULL with err set
 */
struct sw_prom *sw_prom_start(const struct sw_ctl *ctl, const char *listen,
			      char *err, size_t errlen);
/** Stop and join the exporter thread, close its socket. NULL is a no-op. */
void sw_prom_stop(struct sw_prom *p);

/**
 * Render every metric of ctl in the Prometheus text exposition format
 * 0.0.4 into a malloc'd buffer.
 * @return 0, or -ENOMEM (nothing to free)
 */
int sw_prom_render(const struct sw_ctl *ctl, char **buf, size_t *len);

/**
 * Escape a label value for the text format: backslash, double quote and
 * newline become \\, \" and \n. Always NUL-terminates.
 * @return bytes written (not counting the NUL), truncated to cap - 1
 */
size_t sw_prom_escape(char *dst, size_t cap, const char *src);

#endif /* SW_OBS_H */
