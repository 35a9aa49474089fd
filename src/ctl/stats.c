/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EVE stats event. Counter names follow Suricata's where one exists
 * (capture.packets, capture.dpdk.*, decoder.pkts, decoder.invalid,
 * decoder.event.<layer>.<name>); the rest sits under stats.scanwatch.
 */

#include <string.h>
#include <time.h>

#include <rte_cycles.h>

#include <scanwatch/ctl.h>
#include <scanwatch/detect.h>
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

void
sw_ctl_write_stats(struct sw_ctl *ctl)
{
	struct sw_json *j = &ctl->js;
	struct sw_port_totals pt;
	struct sw_wstats sum = { 0 };
	struct timespec now;
	uint64_t now_ns;
	char ts[40];

	for (unsigned i = 0; i < ctl->nw; i++) {
		const struct sw_wstats *s = &ctl->workers[i]->st;

		sum.pkts += s->pkts;
		sum.bytes += s->bytes;
		sum.ip += s->ip;
		sum.non_ip += s->non_ip;
		sum.invalid += s->invalid;
		sum.ring_drops += s->ring_drops;
		sum.events += s->events;
		for (unsigned e = 0; e < SW_PERR__MAX; e++)
			sum.perr[e] += s->perr[e];
	}
	sw_port_totals(&pt);
	clock_gettime(CLOCK_REALTIME, &now);
	now_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	sw_json_time(ts, now_ns);

	sw_json_reset(j);
	sw_json_obj_open(j, NULL);
	sw_json_str(j, "timestamp", ts);
	sw_json_str(j, "event_type", "stats");
	if (ctl->conf->host[0] != '\0')
		sw_json_str(j, "host", ctl->conf->host);
	sw_json_obj_open(j, "stats");
	sw_json_u64(j, "uptime", (now_ns - ctl->start_ns) / 1000000000ULL);

	sw_json_obj_open(j, "capture");
	sw_json_u64(j, "packets", sum.pkts);
	sw_json_obj_open(j, "dpdk");
	sw_json_u64(j, "imissed", pt.imissed);
	sw_json_u64(j, "no_mbufs", pt.no_mbufs);
	sw_json_u64(j, "ierrors", pt.ierrors);
	sw_json_obj_close(j);
	sw_json_obj_close(j);

	sw_json_obj_open(j, "decoder");
	sw_json_u64(j, "pkts", sum.pkts);
	sw_json_u64(j, "bytes", sum.bytes);
	sw_json_u64(j, "invalid", sum.invalid);
	decoder_events(j, sum.perr);
	sw_json_obj_close(j);

	if (ctl->dec != NULL) {
		const struct sw_decide_stats *ds = sw_decide_stats(ctl->dec);

		sw_json_obj_open(j, "detect");
		sw_json_u64(j, "alert", ds->alerts);
		sw_json_u64(j, "alerts_suppressed", ds->suppressed);
		sw_json_obj_close(j);
	}

	sw_json_obj_open(j, "scanwatch");
	sw_json_u64(j, "ip", sum.ip);
	sw_json_u64(j, "non_ip", sum.non_ip);
	/* every parser reason under our own names, Suricata's or not */
	sw_json_obj_open(j, "parse");
	for (unsigned e = 1; e < SW_PERR__MAX; e++)
		sw_json_u64(j, sw_perr_names[e], sum.perr[e]);
	sw_json_obj_close(j);
	sw_json_u64(j, "events", sum.events);
	sw_json_u64(j, "events_drained", ctl->events);
	sw_json_u64(j, "ring_drops", sum.ring_drops);
	sw_json_u64(j, "eve_write_errors", ctl->eve.write_errors);
	if (ctl->dec != NULL) {
		const struct sw_decide_stats *ds = sw_decide_stats(ctl->dec);
		struct sw_detect_stats dt = { 0 };

		for (unsigned i = 0; i < ctl->nw; i++) {
			const struct sw_detect_stats *x;

			if (ctl->workers[i]->det == NULL)
				continue;
			x = sw_detect_stats(ctl->workers[i]->det);
			dt.probes += x->probes;
			dt.first_contacts += x->first_contacts;
			dt.negatives += x->negatives;
			dt.positives += x->positives;
			dt.suspects += x->suspects;
		}
		sw_json_obj_open(j, "detect");
		sw_json_u64(j, "probes", dt.probes);
		sw_json_u64(j, "first_contacts", dt.first_contacts);
		sw_json_u64(j, "negative_responses", dt.negatives);
		sw_json_u64(j, "positive_responses", dt.positives);
		sw_json_u64(j, "suspects", dt.suspects);
		sw_json_u64(j, "alerts", ds->alerts);
		sw_json_u64(j, "updates", ds->updates);
		sw_json_u64(j, "suppressed", ds->suppressed);
		sw_json_u64(j, "allowlisted", ds->allowlisted);
		sw_json_u64(j, "scanners", ds->scanners);
		sw_json_u64(j, "record_table_full", ds->dropped);
		sw_json_obj_close(j);
	}
	sw_json_arr_open(j, "workers");
	for (unsigned i = 0; i < ctl->nw; i++) {
		const struct sw_worker *w = ctl->workers[i];

		sw_json_obj_open(j, NULL);
		sw_json_u64(j, "id", w->id);
		sw_json_u64(j, "lcore", w->lcore);
		sw_json_u64(j, "packets", w->st.pkts);
		sw_json_u64(j, "invalid", w->st.invalid);
		sw_json_u64(j, "ring_drops", w->st.ring_drops);
		sw_json_u64(j, "polls", w->st.polls);
		sw_json_u64(j, "idle_polls", w->st.idle_polls);
		sw_json_obj_close(j);
	}
	sw_json_arr_close(j);
	sw_json_obj_close(j);

	sw_json_obj_close(j);
	sw_json_obj_close(j);
	if (!j->oom)
		sw_eve_write(&ctl->eve, j->buf, j->len);
}
