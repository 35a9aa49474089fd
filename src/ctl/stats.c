/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EVE stats event. Counter names follow Suricata's where one exists
 * (capture.packets, capture.dpdk.*, decoder.pkts, decoder.invalid,
 * decoder.event.<layer>.<name>, detect.alert): those sections follow
 * Suricata's schema and are written out by hand here. Everything else sits
 * under stats.scanwatch and comes from the counter tables
 * (src/ctl/counters.c) and the sink table (sw_sink_fields).
 */

#include <stdio.h>
#include <string.h>

#include <scanwatch/ctl.h>
#include <scanwatch/json.h>
#include <scanwatch/obs.h>
#include <scanwatch/sink.h>

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

/* Every row of a set with an EVE name, in table order. */
static void
counters_json(struct sw_json *j, const struct sw_counter *rows, unsigned n, const void *snap)
{
	for (unsigned k = 0; k < n; k++) {
		const struct sw_counter *r = &rows[k];

		if (r->eve == NULL)
			continue;
		if (r->kind == SW_CTR_PERR) {
			const uint64_t *perr = sw_counter_array(snap, r);

			/* every parser reason under our own names, Suricata's or not */
			sw_json_obj_open(j, r->eve);
			for (unsigned e = 1; e < SW_PERR__MAX; e++)
				sw_json_u64(j, sw_perr_names[e], perr[e]);
			sw_json_obj_close(j);
			continue;
		}
		sw_json_u64(j, r->eve, sw_counter_get(snap, r));
	}
}

/* ws: the snapshots capture.packets was summed from */
static void
workers_json(struct sw_json *j, const struct sw_ctl *ctl, const struct sw_wstats *wss)
{
	sw_json_arr_open(j, "workers");
	for (unsigned i = 0; i < ctl->nw; i++) {
		const struct sw_worker *w = ctl->workers[i];
		const struct sw_wstats ws = wss[i];

		sw_json_obj_open(j, NULL);
		sw_json_u64(j, "id", w->id);
		sw_json_u64(j, "lcore", w->lcore);
		for (unsigned k = 0; k < sw_worker_ncounters; k++) {
			const struct sw_counter *r = &sw_worker_counters[k];

			if (r->wkey != NULL)
				sw_json_u64(j, r->wkey, sw_counter_wget(&ws, r));
		}
		sw_json_obj_close(j);
	}
	sw_json_arr_close(j);
}

/* stats.scanwatch.rules; nothing when matching is off */
static void
payload_json(struct sw_json *j, const struct sw_ctl *ctl)
{
	struct sw_match_counters mc;

	if (!sw_match_counters(ctl, &mc))
		return;
	sw_json_obj_open(j, "rules");
	counters_json(j, sw_payload_counters, sw_payload_ncounters, &mc);
	sw_json_obj_close(j);
}

void
sw_ctl_write_stats(struct sw_ctl *ctl)
{
	struct sw_json *j = &ctl->js;
	static struct sw_wstats ws[SW_MAX_WORKERS];	/* the control thread's */
	struct sw_counters c;
	const struct sw_wstats *sum = &c.w;
	uint64_t now_ns;
	char ts[40];

	sw_ctl_counters_ws(ctl, &c, ws);
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

	/* Suricata's detect.alert: our scan alerts */
	if (c.have_detect) {
		sw_json_obj_open(j, "detect");
		sw_json_u64(j, "alert", c.dec.alerts);
		sw_json_u64(j, "alerts_suppressed", c.dec.suppressed);
		sw_json_obj_close(j);
	}

	sw_json_obj_open(j, "scanwatch");
	counters_json(j, sw_worker_counters, sw_worker_ncounters, &c);
	sinks_json(j, ctl->out);
	payload_json(j, ctl);
	if (c.have_detect) {
		sw_json_obj_open(j, "detect");
		counters_json(j, sw_detect_counters, sw_detect_ncounters, &c);
		sw_json_obj_close(j);
	}
	workers_json(j, ctl, ws);
	sw_json_obj_close(j);

	sw_json_obj_close(j);
	sw_json_obj_close(j);
	if (!j->oom) {
		struct sw_alert st = { .type = SW_REC_STATS, .ts_ns = now_ns };

		snprintf(st.host, sizeof(st.host), "%s", ctl->conf->host);
		sw_ctl_emit(ctl, &st, j->buf, j->len);
	}
}
