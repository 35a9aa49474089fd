/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry commands: /scanwatch/stats, /scanwatch/workers,
 * /scanwatch/queues, /scanwatch/sinks, /scanwatch/scanners,
 * /scanwatch/alert_kinds. Query with dpdk-telemetry.py -f <file-prefix>,
 * or watch them with `scanwatch top`.
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
#include <time.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include <scanwatch/ctl.h>
#include <scanwatch/match.h>
#include <scanwatch/obs.h>
#include <scanwatch/sink.h>
#include "ctl/recent.h"
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

/* Every row of a set with a telemetry name, in table order. */
static void
counters_dict(struct rte_tel_data *d, const struct sw_counter *rows, unsigned n,
	      const void *snap)
{
	char key[64];

	for (unsigned k = 0; k < n; k++) {
		const struct sw_counter *r = &rows[k];

		if (r->tel == NULL)
			continue;
		if (r->kind == SW_CTR_PERR) {
			const uint64_t *perr = sw_counter_array(snap, r);

			/* r->tel is the key's prefix: parse_error_tcp_trunc */
			for (unsigned e = 1; e < SW_PERR__MAX; e++) {
				snprintf(key, sizeof(key), "%s%s", r->tel, sw_perr_names[e]);
				rte_tel_data_add_dict_u64(d, key, perr[e]);
			}
			continue;
		}
		rte_tel_data_add_dict_u64(d, r->tel, sw_counter_get(snap, r));
	}
}

static int
stats_cb(const struct sw_ctl *ctl, struct rte_tel_data *d)
{
	struct sw_counters c;
	struct sw_match_counters mc;

	sw_ctl_counters(ctl, &c);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "uptime", c.uptime_s);
	counters_dict(d, sw_worker_counters, sw_worker_ncounters, &c);
	if (c.have_detect)
		counters_dict(d, sw_detect_counters, sw_detect_ncounters, &c);
	if (sw_match_counters(ctl, &mc))
		counters_dict(d, sw_payload_counters, sw_payload_ncounters, &mc);
	rte_tel_data_add_dict_u64(d, "sinks", c.nsinks);
	rte_tel_data_add_dict_u64(d, "sink_drops", c.sink_drops);
	rte_tel_data_add_dict_u64(d, "workers", ctl->nw);
	return 0;
}

/* ---- /scanwatch/workers ----------------------------------------------- */

/* Columns: id, lcore, queue, then every per-worker row of sw_worker_counters. */
#define WC_MAX	32

static unsigned
worker_cols(const char **names)
{
	unsigned n = 0;

	names[n++] = "id";
	names[n++] = "lcore";
	names[n++] = "queue";
	for (unsigned k = 0; k < sw_worker_ncounters && n < WC_MAX; k++)
		if (sw_worker_counters[k].wkey != NULL)
			names[n++] = sw_worker_counters[k].wkey;
	return n;
}

/* The values of worker_cols() for w. */
static void
worker_row(const struct sw_worker *w, uint64_t *v)
{
	struct sw_wstats s;
	unsigned n = 0;

	sw_wstats_read(&w->st, &s);
	v[n++] = w->id;
	v[n++] = w->lcore;
	/* a worker polls the same queue index on every port */
	v[n++] = w->nrxq > 0 ? w->rxq[0].queue : 0;
	for (unsigned k = 0; k < sw_worker_ncounters && n < WC_MAX; k++)
		if (sw_worker_counters[k].wkey != NULL)
			v[n++] = sw_counter_wget(&s, &sw_worker_counters[k]);
}

static int
workers_cb(const struct sw_ctl *ctl, const char *params, struct rte_tel_data *d)
{
	struct col cols[WC_MAX];
	const char *names[WC_MAX];
	uint64_t v[WC_MAX];
	long idx = param_index(params);
	unsigned n = worker_cols(names);
	int rc;

	if (idx < -1 || idx >= (long)ctl->nw)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	if (idx >= 0) {
		worker_row(ctl->workers[idx], v);
		for (unsigned k = 0; k < n; k++)
			rte_tel_data_add_dict_u64(d, names[k], v[k]);
		return 0;
	}
	memset(cols, 0, sizeof(cols));
	for (unsigned k = 0; k < n; k++)
		cols[k].name = names[k];
	rc = cols_alloc(cols, n, RTE_TEL_U64_VAL);
	for (unsigned i = 0; rc == 0 && i < ctl->nw; i++) {
		worker_row(ctl->workers[i], v);
		for (unsigned k = 0; k < n; k++)
			rte_tel_data_add_array_u64(cols[k].a, v[k]);
	}
	return cols_finish(d, cols, n, rc);
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

/* ---- /scanwatch/scanners: the latest scans, newest first ------------------ */

enum { SN_SRC, SN_KIND, SN_CLASS, SN_TECH, SN_TOOL, SN_DIR, SN_RATE, SN__STR };
enum { SN_TARGETS, SN_PORTS, SN_PROBES, SN_UPDATES, SN_SEV, SN_AGE, SN_FIRST, SN_LAST,
       SN__U64 };

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int
scanners_cb(const struct sw_ctl *ctl, struct rte_tel_data *d)
{
	static const char *const names[SN__STR + SN__U64] = {
		"src", "kind", "class", "technique", "tool", "direction", "rate_pps",
		"targets", "ports", "probes", "updates", "severity", "age_ms",
		"first_seen_ms", "last_seen_ms",
	};
	struct sw_recent_scan sc[SW_RECENT_SCANS];
	struct col cols[SN__STR + SN__U64];
	unsigned n = sw_recent_scans(ctl->recent, sc, RTE_DIM(sc));
	uint64_t now = now_ns();
	int rc;

	memset(cols, 0, sizeof(cols));
	for (unsigned k = 0; k < RTE_DIM(cols); k++)
		cols[k].name = names[k];
	rte_tel_data_start_dict(d);
	rc = cols_alloc(cols, SN__STR, RTE_TEL_STRING_VAL);
	if (rc == 0)
		rc = cols_alloc(&cols[SN__STR], SN__U64, RTE_TEL_U64_VAL);
	for (unsigned i = 0; rc == 0 && i < n; i++) {
		const struct sw_recent_scan *s = &sc[i];
		const char *str[SN__STR] = { s->src, s->kind, s->cls, s->technique, s->tool,
					     s->direction, NULL };
		uint64_t v[SN__U64] = {
			s->targets, s->ports, s->probes, s->updates, s->severity,
			now > s->written_ns ? (now - s->written_ns) / 1000000 : 0,
			s->first_ns / 1000000, s->last_ns / 1000000,
		};
		char rate[32];

		/* telemetry arrays hold no doubles: the rate goes as text */
		snprintf(rate, sizeof(rate), "%.6g", s->rate_pps);
		str[SN_RATE] = rate;
		for (unsigned k = 0; k < SN__STR; k++)
			rte_tel_data_add_array_string(cols[k].a, str[k]);
		for (unsigned k = 0; k < SN__U64; k++)
			rte_tel_data_add_array_u64(cols[SN__STR + k].a, v[k]);
	}
	return cols_finish(d, cols, RTE_DIM(cols), rc);
}

/* ---- /scanwatch/alert_kinds: alerts by kind and class ---------------------- */

static int
alert_kinds_cb(const struct sw_ctl *ctl, struct rte_tel_data *d)
{
	struct sw_recent_kind k[SW_RECENT_KINDS];
	struct col cols[3] = { { "kind", NULL }, { "class", NULL }, { "alerts", NULL } };
	unsigned n = sw_recent_kinds(ctl->recent, k, RTE_DIM(k));
	int rc;

	rte_tel_data_start_dict(d);
	rc = cols_alloc(cols, 2, RTE_TEL_STRING_VAL);
	if (rc == 0)
		rc = cols_alloc(&cols[2], 1, RTE_TEL_U64_VAL);
	for (unsigned i = 0; rc == 0 && i < n; i++) {
		rte_tel_data_add_array_string(cols[0].a, k[i].kind);
		rte_tel_data_add_array_string(cols[1].a, k[i].cls);
		rte_tel_data_add_array_u64(cols[2].a, k[i].alerts);
	}
	return cols_finish(d, cols, 3, rc);
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
	else if (strcmp(cmd, "/scanwatch/scanners") == 0)
		rc = scanners_cb(attached, d);
	else if (strcmp(cmd, "/scanwatch/alert_kinds") == 0)
		rc = alert_kinds_cb(attached, d);
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
	/* DPDK refuses help texts of RTE_TEL_MAX_STRING_LEN (128) or more */
	{ "/scanwatch/scanners", "The latest scans, newest first, as columns: src, kind, "
	  "class, tool, rate_pps, targets, ports, age_ms ..." },
	{ "/scanwatch/alert_kinds", "Alerts (not updates) by kind and class, as columns: "
	  "kind, class, alerts." },
};

int
sw_telemetry_attach(const struct sw_ctl *ctl)
{
	int rc = 0;

	for (unsigned i = 0; i < RTE_DIM(commands); i++)
		RTE_ASSERT(strlen(commands[i].help) < RTE_TEL_MAX_STRING_LEN);
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
