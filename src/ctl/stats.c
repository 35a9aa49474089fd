/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EVE stats event. Counter names follow Suricata's where one exists
 * (capture.packets, capture.dpdk.*, decoder.pkts, decoder.invalid,
 * decoder.event.<layer>.<name>); the rest sits under stats.scanwatch.
 */

#include <pthread.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include <scanwatch/ctl.h>
#include <scanwatch/detect.h>
#include <scanwatch/match.h>
#include <scanwatch/obs.h>
#include "port/port.h"

/* Parser reasons as Suricata's decoder events name them (decode-events.h);
 * a reason Suricata has no name for appears only in stats.scanwatch.parse. */
static const struct {
	const char *layer, *name;
} perr_eve[SW_PERR__MAX] = {
	[SW_PERR_ETH_TRUNC]	= { "ethernet", "pkt_too_small" },
	[SW_PERR_VLAN_TRUNC]	= { "vlan", "header_too_small" },
	[SW_PERR_VLAN_DEPTH]	= { "vlan", "too_many_layers" },
	[SW_PERR_IP4_TRUNC]	= { "ipv4", "pkt_too_small" },
	[SW_PERR_IP4_VERSION]	= { "ipv4", "wrong_ip_version" },
	[SW_PERR_IP4_IHL]	= { "ipv4", "hlen_too_small" },
	[SW_PERR_IP4_LEN]	= { "ipv4", "iplen_smaller_than_hlen" },
	[SW_PERR_IP6_TRUNC]	= { "ipv6", "pkt_too_small" },
	[SW_PERR_IP6_VERSION]	= { "ipv6", "wrong_ip_version" },
	[SW_PERR_IP6_EXT_TRUNC]	= { "ipv6", "trunc_exthdr" },
	[SW_PERR_TCP_TRUNC]	= { "tcp", "pkt_too_small" },
	[SW_PERR_TCP_DOFF]	= { "tcp", "hlen_too_small" },
	[SW_PERR_UDP_TRUNC]	= { "udp", "pkt_too_small" },
	[SW_PERR_ICMP_TRUNC]	= { "icmpv4", "pkt_too_small" },
	[SW_PERR_SCTP_TRUNC]	= { "sctp", "pkt_too_small" },
	[SW_PERR_GRE_TRUNC]	= { "gre", "pkt_too_small" },
	[SW_PERR_GRE_HDR]	= { "gre", "version0_flags" },
	[SW_PERR_ERSPAN_TRUNC]	= { "erspan", "header_too_small" },
	[SW_PERR_ERSPAN_VERSION] = { "erspan", "unsupported_version" },
	[SW_PERR_MPLS_TRUNC]	= { "mpls", "header_too_small" },
};

static void
decoder_events(struct sw_json *j, const uint64_t *perr)
{
	const char *layer = NULL;

	sw_json_obj_open(j, "event");
	/* perr_eve is grouped by layer, so one pass opens each object once */
	for (unsigned e = 1; e < SW_PERR__MAX; e++) {
		if (perr_eve[e].layer == NULL)
			continue;
		if (layer == NULL || strcmp(layer, perr_eve[e].layer) != 0) {
			if (layer != NULL)
				sw_json_obj_close(j);
			layer = perr_eve[e].layer;
			sw_json_obj_open(j, layer);
		}
		sw_json_u64(j, perr_eve[e].name, perr[e]);
	}
	if (layer != NULL)
		sw_json_obj_close(j);
	sw_json_obj_close(j);
}

/* Per-sink counters: a sink that drops is visible in its own row. */
static void
sinks_json(struct sw_json *j, const struct sw_outputs *o)
{
	struct sw_sink_counters sc;
	const char *type;

	sw_json_arr_open(j, "sinks");
	for (unsigned i = 0; o != NULL && i < sw_outputs_count(o); i++) {
		sw_json_obj_open(j, NULL);
		sw_json_str(j, "name", sw_outputs_name(o, i, &type));
		sw_json_str(j, "type", type);
		sw_outputs_counters(o, i, &sc);
		for (unsigned k = 0; k < sw_sink_nfields; k++) {
			const struct sw_sink_field *f = &sw_sink_fields[k];

			if (k == 0)
				sw_json_bool(j, f->name, sw_sink_field_get(&sc, f) != 0);
			else
				sw_json_u64(j, f->name, sw_sink_field_get(&sc, f));
		}
		sw_json_obj_close(j);
	}
	sw_json_arr_close(j);
}

/* Some PMDs update software offsets inside stats_get (i40e, ixgbe): the
 * control, telemetry and Prometheus threads take turns. No worker takes it. */
static pthread_mutex_t port_stats_lock = PTHREAD_MUTEX_INITIALIZER;

int
sw_ctl_port_stats(uint16_t port, struct rte_eth_stats *s)
{
	int rc;

	pthread_mutex_lock(&port_stats_lock);
	rc = rte_eth_stats_get(port, s);
	pthread_mutex_unlock(&port_stats_lock);
	return rc;
}

void
sw_wstats_read(const struct sw_wstats *s, struct sw_wstats *out)
{
	out->pkts = SW_LOAD(s->pkts);
	out->bytes = SW_LOAD(s->bytes);
	out->ip = SW_LOAD(s->ip);
	out->non_ip = SW_LOAD(s->non_ip);
	out->invalid = SW_LOAD(s->invalid);
	for (unsigned e = 0; e < SW_PERR__MAX; e++)
		out->perr[e] = SW_LOAD(s->perr[e]);
	out->ring_drops = SW_LOAD(s->ring_drops);
	out->events = SW_LOAD(s->events);
	out->polls = SW_LOAD(s->polls);
	out->idle_polls = SW_LOAD(s->idle_polls);
}

/* One place sums the counters, so the EVE stats event, telemetry and
 * Prometheus cannot disagree on what "packets" means. */
void
sw_ctl_counters(const struct sw_ctl *ctl, struct sw_counters *c)
{
	struct sw_port_totals pt;
	struct timespec now;

	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < ctl->nw; i++) {
		struct sw_wstats s;

		sw_wstats_read(&ctl->workers[i]->st, &s);
		c->w.pkts += s.pkts;
		c->w.bytes += s.bytes;
		c->w.ip += s.ip;
		c->w.non_ip += s.non_ip;
		c->w.invalid += s.invalid;
		c->w.ring_drops += s.ring_drops;
		c->w.events += s.events;
		c->w.polls += s.polls;
		c->w.idle_polls += s.idle_polls;
		for (unsigned e = 0; e < SW_PERR__MAX; e++)
			c->w.perr[e] += s.perr[e];
	}
	c->events_drained = SW_LOAD(ctl->events);

	pthread_mutex_lock(&port_stats_lock);
	sw_port_totals(&pt);
	pthread_mutex_unlock(&port_stats_lock);
	c->port_packets = pt.ipackets;
	c->port_bytes = pt.ibytes;
	c->imissed = pt.imissed;
	c->ierrors = pt.ierrors;
	c->no_mbufs = pt.no_mbufs;

	if (ctl->dec != NULL) {
		const struct sw_decide_stats *ds = sw_decide_stats(ctl->dec);

		c->have_detect = true;
		c->dec.alerts = SW_LOAD(ds->alerts);
		c->dec.updates = SW_LOAD(ds->updates);
		c->dec.suppressed = SW_LOAD(ds->suppressed);
		c->dec.allowlisted = SW_LOAD(ds->allowlisted);
		c->dec.scanners = SW_LOAD(ds->scanners);
		c->dec.dropped = SW_LOAD(ds->dropped);
		c->dec.format_errors = SW_LOAD(ds->format_errors);
		for (unsigned i = 0; i < ctl->nw; i++) {
			const struct sw_detect_stats *x;

			if (ctl->workers[i]->det == NULL)
				continue;
			x = sw_detect_stats(ctl->workers[i]->det);
			c->det.probes += SW_LOAD(x->probes);
			c->det.first_contacts += SW_LOAD(x->first_contacts);
			c->det.negatives += SW_LOAD(x->negatives);
			c->det.positives += SW_LOAD(x->positives);
			c->det.suspects += SW_LOAD(x->suspects);
		}
	}

	c->nsinks = ctl->out != NULL ? sw_outputs_count(ctl->out) : 0;
	for (unsigned i = 0; i < c->nsinks; i++) {
		struct sw_sink_counters sc;

		sw_outputs_counters(ctl->out, i, &sc);
		c->sink_drops += sc.drop_queue_full + sc.drop_error + sc.drop_shutdown;
	}

	clock_gettime(CLOCK_REALTIME, &now);
	c->now_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	c->start_ns = ctl->start_ns;
	c->uptime_s = c->now_ns > c->start_ns ? (c->now_ns - c->start_ns) / 1000000000ULL : 0;
}

void
sw_ctl_write_stats(struct sw_ctl *ctl)
{
	struct sw_json *j = &ctl->js;
	struct sw_counters c;
	const struct sw_wstats *sum = &c.w;
	uint64_t now_ns;
	char ts[40];

	sw_ctl_counters(ctl, &c);
	now_ns = c.now_ns;
	sw_json_time(ts, now_ns);

	sw_json_reset(j);
	sw_json_obj_open(j, NULL);
	sw_json_str(j, "timestamp", ts);
	sw_json_str(j, "event_type", "stats");
	if (ctl->conf->host[0] != '\0')
		sw_json_str(j, "host", ctl->conf->host);
	sw_json_obj_open(j, "stats");
	sw_json_u64(j, "uptime", c.uptime_s);

	sw_json_obj_open(j, "capture");
	sw_json_u64(j, "packets", sum->pkts);
	sw_json_obj_open(j, "dpdk");
	sw_json_u64(j, "imissed", c.imissed);
	sw_json_u64(j, "no_mbufs", c.no_mbufs);
	sw_json_u64(j, "ierrors", c.ierrors);
	sw_json_obj_close(j);
	sw_json_obj_close(j);

	sw_json_obj_open(j, "decoder");
	sw_json_u64(j, "pkts", sum->pkts);
	sw_json_u64(j, "bytes", sum->bytes);
	sw_json_u64(j, "invalid", sum->invalid);
	decoder_events(j, sum->perr);
	sw_json_obj_close(j);

	if (c.have_detect) {
		sw_json_obj_open(j, "detect");
		sw_json_u64(j, "alert", c.dec.alerts);
		sw_json_u64(j, "alerts_suppressed", c.dec.suppressed);
		sw_json_obj_close(j);
	}

	sw_json_obj_open(j, "scanwatch");
	sw_json_u64(j, "ip", sum->ip);
	sw_json_u64(j, "non_ip", sum->non_ip);
	/* every parser reason under our own names, Suricata's or not */
	sw_json_obj_open(j, "parse");
	for (unsigned e = 1; e < SW_PERR__MAX; e++)
		sw_json_u64(j, sw_perr_names[e], sum->perr[e]);
	sw_json_obj_close(j);
	sw_json_u64(j, "events", sum->events);
	sw_json_u64(j, "events_drained", c.events_drained);
	sw_json_u64(j, "ring_drops", sum->ring_drops);
	sinks_json(j, ctl->out);
	sw_match_stats_json(j, ctl);	/* stats.scanwatch.rules */
	if (c.have_detect) {
		const struct sw_decide_stats *ds = &c.dec;
		const struct sw_detect_stats *dt = &c.det;

		sw_json_obj_open(j, "detect");
		sw_json_u64(j, "probes", dt->probes);
		sw_json_u64(j, "first_contacts", dt->first_contacts);
		sw_json_u64(j, "negative_responses", dt->negatives);
		sw_json_u64(j, "positive_responses", dt->positives);
		sw_json_u64(j, "suspects", dt->suspects);
		sw_json_u64(j, "alerts", ds->alerts);
		sw_json_u64(j, "updates", ds->updates);
		sw_json_u64(j, "suppressed", ds->suppressed);
		sw_json_u64(j, "allowlisted", ds->allowlisted);
		sw_json_u64(j, "scanners", ds->scanners);
		sw_json_u64(j, "record_table_full", ds->dropped);
		sw_json_u64(j, "format_errors", ds->format_errors);
		sw_json_obj_close(j);
	}
	sw_json_arr_open(j, "workers");
	for (unsigned i = 0; i < ctl->nw; i++) {
		const struct sw_worker *w = ctl->workers[i];
		struct sw_wstats ws;

		sw_wstats_read(&w->st, &ws);
		sw_json_obj_open(j, NULL);
		sw_json_u64(j, "id", w->id);
		sw_json_u64(j, "lcore", w->lcore);
		sw_json_u64(j, "packets", ws.pkts);
		sw_json_u64(j, "bytes", ws.bytes);
		sw_json_u64(j, "invalid", ws.invalid);
		sw_json_u64(j, "events", ws.events);
		sw_json_u64(j, "ring_drops", ws.ring_drops);
		sw_json_u64(j, "polls", ws.polls);
		sw_json_u64(j, "idle_polls", ws.idle_polls);
		sw_json_obj_close(j);
	}
	sw_json_arr_close(j);
	sw_json_obj_close(j);

	sw_json_obj_close(j);
	sw_json_obj_close(j);
	if (!j->oom) {
		struct sw_alert st = { .type = SW_REC_STATS, .ts_ns = now_ns };

		snprintf(st.host, sizeof(st.host), "%s", ctl->conf->host);
		sw_ctl_emit(ctl, &st, j->buf, j->len);
	}
}
