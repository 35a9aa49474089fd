/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry commands: /scanwatch/stats, /scanwatch/workers,
 * /scanwatch/queues, /scanwatch/sinks. Query with dpdk-telemetry.py -f
 * <file-prefix>.
 *
 * Callbacks run on DPDK's telemetry threads (one per client connection),
 * so they may run concurrently with each other, with the workers and with
 * the control thread. They read counters with relaxed loads. The only lock
 * is attach_lock, between these callbacks and sw_telemetry_detach: DPDK
 * 22.11 cannot unregister a command, so after detach the callbacks must
 * find nothing to read instead of a freed worker.
 *
 * rte_tel_data nests only arrays of u64/int/string inside a dict, so lists
 * of objects (workers, sinks) come back as columns: {"id": [0, 1],
 * "packets": [10, 12], ...}, row i of every column describing item i.
 * "/scanwatch/workers,1" returns worker 1 as a flat dict.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include <scanwatch/ctl.h>
#include <scanwatch/match.h>
#include <scanwatch/obs.h>
#include <scanwatch/sink.h>
#include "port/port.h"

static pthread_mutex_t attach_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct sw_ctl *attached;	/* under attach_lock */
static unsigned registered;		/* commands registered, under attach_lock */

/* A column: one array of u64, added to d under name. */
struct col {
	const char *name;
	struct rte_tel_data *a;
};

static int
cols_alloc(struct col *c, unsigned n, enum rte_tel_value_type type)
{
	for (unsigned i = 0; i < n; i++) {
		c[i].a = rte_tel_data_alloc();
		if (c[i].a == NULL)
			return -ENOMEM;
		rte_tel_data_start_array(c[i].a, type);
	}
	return 0;
}

/* Hands the arrays to d (which frees them) or frees what was not handed. */
static int
cols_finish(struct rte_tel_data *d, struct col *c, unsigned n, int rc)
{
	for (unsigned i = 0; i < n; i++) {
		if (rc == 0 && c[i].a != NULL &&
		    rte_tel_data_add_dict_container(d, c[i].name, c[i].a, 0) == 0)
			continue;
		rte_tel_data_free(c[i].a);
		if (rc == 0)
			rc = -ENOMEM;
	}
	return rc;
}

/* An optional ",N" parameter: -1 when absent, -EINVAL when not a number. */
static long
param_index(const char *params)
{
	char *end;
	long v;

	if (params == NULL || *params == '\0')
		return -1;
	v = strtol(params, &end, 10);
	if (end == params || *end != '\0' || v < 0)
		return -EINVAL;
	return v;
}

/* ---- /scanwatch/stats ------------------------------------------------- */

static int
stats_cb(const struct sw_ctl *ctl, struct rte_tel_data *d)
{
	struct sw_counters c;
	struct sw_match_counters mc;
	char key[64];

	sw_ctl_counters(ctl, &c);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "uptime", c.uptime_s);
	rte_tel_data_add_dict_u64(d, "packets", c.w.pkts);
	rte_tel_data_add_dict_u64(d, "bytes", c.w.bytes);
	rte_tel_data_add_dict_u64(d, "ip", c.w.ip);
	rte_tel_data_add_dict_u64(d, "non_ip", c.w.non_ip);
	rte_tel_data_add_dict_u64(d, "invalid", c.w.invalid);
	for (unsigned e = 1; e < SW_PERR__MAX; e++) {
		snprintf(key, sizeof(key), "parse_error_%s", sw_perr_names[e]);
		rte_tel_data_add_dict_u64(d, key, c.w.perr[e]);
	}
	rte_tel_data_add_dict_u64(d, "port_packets", c.port_packets);
	rte_tel_data_add_dict_u64(d, "port_bytes", c.port_bytes);
	rte_tel_data_add_dict_u64(d, "imissed", c.imissed);
	rte_tel_data_add_dict_u64(d, "no_mbufs", c.no_mbufs);
	rte_tel_data_add_dict_u64(d, "ierrors", c.ierrors);
	rte_tel_data_add_dict_u64(d, "events", c.w.events);
	rte_tel_data_add_dict_u64(d, "events_drained", c.events_drained);
	rte_tel_data_add_dict_u64(d, "ring_drops", c.w.ring_drops);
	if (c.have_detect) {
		rte_tel_data_add_dict_u64(d, "probes", c.det.probes);
		rte_tel_data_add_dict_u64(d, "first_contacts", c.det.first_contacts);
		rte_tel_data_add_dict_u64(d, "negative_responses", c.det.negatives);
		rte_tel_data_add_dict_u64(d, "positive_responses", c.det.positives);
		rte_tel_data_add_dict_u64(d, "suspects", c.det.suspects);
		rte_tel_data_add_dict_u64(d, "alerts", c.dec.alerts);
		rte_tel_data_add_dict_u64(d, "updates", c.dec.updates);
		rte_tel_data_add_dict_u64(d, "suppressed", c.dec.suppressed);
		rte_tel_data_add_dict_u64(d, "allowlisted", c.dec.allowlisted);
		rte_tel_data_add_dict_u64(d, "flagged_sources", c.dec.scanners);
		rte_tel_data_add_dict_u64(d, "record_table_full", c.dec.dropped);
		rte_tel_data_add_dict_u64(d, "format_errors", c.dec.format_errors);
	}
	if (sw_match_counters(ctl, &mc)) {
		rte_tel_data_add_dict_u64(d, "rules_generation", mc.m.generation);
		rte_tel_data_add_dict_u64(d, "rules_loaded", mc.m.rules);
		rte_tel_data_add_dict_u64(d, "rules_reloads", mc.m.reloads);
		rte_tel_data_add_dict_u64(d, "rules_reload_failures", mc.m.reload_failures);
		rte_tel_data_add_dict_u64(d, "payload_scanned", mc.w.scanned);
		rte_tel_data_add_dict_u64(d, "payload_scanned_bytes", mc.w.bytes);
		rte_tel_data_add_dict_u64(d, "payload_matches", mc.w.matches);
		rte_tel_data_add_dict_u64(d, "payload_ring_drops", mc.w.ring_drops);
		rte_tel_data_add_dict_u64(d, "payload_scan_errors", mc.w.scan_errors);
		rte_tel_data_add_dict_u64(d, "payload_alerts", mc.alerts.alerts);
	}
	rte_tel_data_add_dict_u64(d, "sinks", c.nsinks);
	rte_tel_data_add_dict_u64(d, "sink_drops", c.sink_drops);
	rte_tel_data_add_dict_u64(d, "workers", ctl->nw);
	return 0;
}

/* ---- /scanwatch/workers ----------------------------------------------- */

enum { WC_ID, WC_LCORE, WC_QUEUE, WC_PKTS, WC_BYTES, WC_INVALID, WC_EVENTS,
       WC_RING_DROPS, WC_POLLS, WC_IDLE_POLLS, WC__MAX };

static const char *const wcol_names[WC__MAX] = {
	"id", "lcore", "queue", "packets", "bytes", "invalid", "events",
	"ring_drops", "polls", "idle_polls",
};

static void
worker_row(const struct sw_worker *w, uint64_t *v)
{
	struct sw_wstats s;

	sw_wstats_read(&w->st, &s);
	v[WC_ID] = w->id;
	v[WC_LCORE] = w->lcore;
	/* a worker polls the same queue index on every port */
	v[WC_QUEUE] = w->nrxq > 0 ? w->rxq[0].queue : 0;
	v[WC_PKTS] = s.pkts;
	v[WC_BYTES] = s.bytes;
	v[WC_INVALID] = s.invalid;
	v[WC_EVENTS] = s.events;
	v[WC_RING_DROPS] = s.ring_drops;
	v[WC_POLLS] = s.polls;
	v[WC_IDLE_POLLS] = s.idle_polls;
}

static int
workers_cb(const struct sw_ctl *ctl, const char *params, struct rte_tel_data *d)
{
	struct col cols[WC__MAX];
	uint64_t v[WC__MAX];
	long idx = param_index(params);
	int rc;

	if (idx < -1 || idx >= (long)ctl->nw)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	if (idx >= 0) {
		worker_row(ctl->workers[idx], v);
		for (unsigned k = 0; k < WC__MAX; k++)
			rte_tel_data_add_dict_u64(d, wcol_names[k], v[k]);
		return 0;
	}
	memset(cols, 0, sizeof(cols));
	for (unsigned k = 0; k < WC__MAX; k++)
		cols[k].name = wcol_names[k];
	rc = cols_alloc(cols, WC__MAX, RTE_TEL_U64_VAL);
	for (unsigned i = 0; rc == 0 && i < ctl->nw; i++) {
		worker_row(ctl->workers[i], v);
		for (unsigned k = 0; k < WC__MAX; k++)
			rte_tel_data_add_array_u64(cols[k].a, v[k]);
	}
	return cols_finish(d, cols, WC__MAX, rc);
}

/* ---- /scanwatch/queues: the PMD's own per-queue counters --------------- */

enum { QC_PORT, QC_QUEUE, QC_PKTS, QC_BYTES, QC_ERRORS, QC__MAX };

static int
queues_cb(struct rte_tel_data *d)
{
	static const char *const names[QC__MAX] = {
		"port", "queue", "packets", "bytes", "errors",
	};
	struct col cols[QC__MAX + 1];
	uint16_t port;
	int rc;

	memset(cols, 0, sizeof(cols));
	for (unsigned k = 0; k < QC__MAX; k++)
		cols[k].name = names[k];
	cols[QC__MAX].name = "port_name";
	rte_tel_data_start_dict(d);
	rc = cols_alloc(cols, QC__MAX, RTE_TEL_U64_VAL);
	if (rc == 0)
		rc = cols_alloc(&cols[QC__MAX], 1, RTE_TEL_STRING_VAL);
	RTE_ETH_FOREACH_DEV(port) {
		struct rte_eth_dev_info info;
		struct rte_eth_stats s;
		uint16_t nq;

		if (rc != 0)
			break;
		if (rte_eth_dev_info_get(port, &info) != 0 || sw_ctl_port_stats(port, &s) != 0)
			continue;
		/* rte_eth_stats keeps per-queue counters for the first
		 * RTE_ETHDEV_QUEUE_STAT_CNTRS queues only */
		nq = RTE_MIN(info.nb_rx_queues, (uint16_t)RTE_ETHDEV_QUEUE_STAT_CNTRS);
		for (uint16_t q = 0; q < nq; q++) {
			rte_tel_data_add_array_u64(cols[QC_PORT].a, port);
			rte_tel_data_add_array_u64(cols[QC_QUEUE].a, q);
			rte_tel_data_add_array_u64(cols[QC_PKTS].a, s.q_ipackets[q]);
			rte_tel_data_add_array_u64(cols[QC_BYTES].a, s.q_ibytes[q]);
			rte_tel_data_add_array_u64(cols[QC_ERRORS].a, s.q_errors[q]);
			rte_tel_data_add_array_string(cols[QC__MAX].a, sw_port_name(port));
		}
	}
	return cols_finish(d, cols, QC__MAX + 1, rc);
}

/* ---- /scanwatch/sinks -------------------------------------------------- */

/* Columns: every row of sw_sink_fields, then name and type. */
#define SC_MAX	24

static int
sinks_cb(const struct sw_ctl *ctl, const char *params, struct rte_tel_data *d)
{
	unsigned n = ctl->out != NULL ? sw_outputs_count(ctl->out) : 0;
	unsigned nf = sw_sink_nfields;
	struct col cols[SC_MAX + 2];
	struct sw_sink_counters sc;
	long idx = param_index(params);
	const char *name, *type;
	int rc;

	RTE_BUILD_BUG_ON(SC_MAX < 15);
	if (idx < -1 || idx >= (long)n || nf > SC_MAX)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	if (idx >= 0) {
		name = sw_outputs_name(ctl->out, (unsigned)idx, &type);
		sw_outputs_counters(ctl->out, (unsigned)idx, &sc);
		rte_tel_data_add_dict_string(d, "name", name);
		rte_tel_data_add_dict_string(d, "type", type);
		for (unsigned k = 0; k < nf; k++)
			rte_tel_data_add_dict_u64(d, sw_sink_fields[k].name,
						  sw_sink_field_get(&sc, &sw_sink_fields[k]));
		return 0;
	}
	memset(cols, 0, sizeof(cols));
	for (unsigned k = 0; k < nf; k++)
		cols[k].name = sw_sink_fields[k].name;
	cols[nf].name = "name";
	cols[nf + 1].name = "type";
	rc = cols_alloc(cols, nf, RTE_TEL_U64_VAL);
	if (rc == 0)
		rc = cols_alloc(&cols[nf], 2, RTE_TEL_STRING_VAL);
	for (unsigned i = 0; rc == 0 && i < n; i++) {
		name = sw_outputs_name(ctl->out, i, &type);
		sw_outputs_counters(ctl->out, i, &sc);
		rte_tel_data_add_array_string(cols[nf].a, name);
		rte_tel_data_add_array_string(cols[nf + 1].a, type);
		for (unsigned k = 0; k < nf; k++)
			rte_tel_data_add_array_u64(cols[k].a,
						   sw_sink_field_get(&sc, &sw_sink_fields[k]));
	}
	return cols_finish(d, cols, nf + 2, rc);
}

/* ---- dispatch ------------------------------------------------------------ */

/* Every command enters here: the lock keeps ctl alive until we return. */
static int
dispatch(const char *cmd, const char *params, struct rte_tel_data *d)
{
	int rc = -ENODEV;

	pthread_mutex_lock(&attach_lock);
	if (attached == NULL)
		goto out;
	if (strcmp(cmd, "/scanwatch/stats") == 0)
		rc = stats_cb(attached, d);
	else if (strcmp(cmd, "/scanwatch/workers") == 0)
		rc = workers_cb(attached, params, d);
	else if (strcmp(cmd, "/scanwatch/queues") == 0)
		rc = queues_cb(d);
	else if (strcmp(cmd, "/scanwatch/sinks") == 0)
		rc = sinks_cb(attached, params, d);
	else
		rc = -ENOENT;
out:
	pthread_mutex_unlock(&attach_lock);
	return rc;
}

static const struct {
	const char *cmd, *help;
} commands[] = {
	{ "/scanwatch/stats", "Totals: packets, bytes, imissed, no_mbufs, ierrors, "
	  "parse errors, events, ring drops, alerts, sink drops, uptime." },
	{ "/scanwatch/workers", "Per worker, as columns: id, lcore, queue, packets, "
	  "bytes, invalid, events, ring_drops, polls. Param: worker id." },
	{ "/scanwatch/queues", "Per port RX queue, as columns: the PMD's packets, "
	  "bytes and errors (rte_eth_stats q_*)." },
	{ "/scanwatch/sinks", "Per sink, as columns: name, type, up, queued, "
	  "enqueued, written, delivered, bytes, drop_*. Param: sink index." },
};

int
sw_telemetry_attach(const struct sw_ctl *ctl)
{
	int rc = 0;

	pthread_mutex_lock(&attach_lock);
	/* DPDK has no way to unregister: register once per process. */
	for (; registered < RTE_DIM(commands); registered++) {
		rc = rte_telemetry_register_cmd(commands[registered].cmd, dispatch,
						commands[registered].help);
		if (rc != 0)
			break;
	}
	if (rc == 0)
		attached = ctl;
	pthread_mutex_unlock(&attach_lock);
	return rc;
}

void
sw_telemetry_detach(void)
{
	pthread_mutex_lock(&attach_lock);
	attached = NULL;
	pthread_mutex_unlock(&attach_lock);
}
