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
	bool have_detect;		/* dec, det below are valid */
	struct sw_decide_stats dec;
	struct sw_detect_stats det;	/* sum over workers */
	unsigned nsinks;
	uint64_t sink_drops;		/* queue full + error + shutdown, all sinks */
};

/**
 * Copy one worker's counters with relaxed loads (any thread).
 * @param s    the worker's live counters
 * @param out  the copy
 */
void sw_wstats_read(const struct sw_wstats *s, struct sw_wstats *out);

/**
 * Gather every counter of ctl into c. Safe on any thread while ctl is
 * running (the control thread, DPDK's telemetry thread, the Prometheus
 * thread). src/ctl/stats.c; the EVE stats event uses it too.
 */
void sw_ctl_counters(const struct sw_ctl *ctl, struct sw_counters *c);

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
