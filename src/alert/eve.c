/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EVE JSON for alert records (Suricata's alert event): one header writer
 * for scan and payload alerts, then each kind's metadata. The key fields
 * the sinks read (struct sw_alert) are filled from the same record, so the
 * line and its key fields cannot disagree.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <scanwatch/alert.h>
#include <scanwatch/json.h>
#include <scanwatch/sink.h>

static const char *
proto_name(uint8_t proto, char buf[8])
{
	switch (proto) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_ICMP: return "ICMP";
	case IPPROTO_ICMPV6: return "IPv6-ICMP";
	case IPPROTO_SCTP: return "SCTP";
	default:
		snprintf(buf, 8, "%u", proto);
		return buf;
	}
}

/*
 * Open the event and write everything up to the alert's metadata object,
 * which the caller fills and closes (with the alert and the event). The
 * key fields follow the header.
 */
static void
head_write(struct sw_json *j, const char *host, const struct sw_alert_head *h,
	   struct sw_alert *key)
{
	char ts[40], src[64], dst[64], pn[8];
	const char *proto = proto_name(h->proto, pn);

	sw_json_time(ts, h->ts_ns);
	sw_addr_str(&h->src, src, sizeof(src));
	sw_addr_str(&h->dst, dst, sizeof(dst));

	sw_json_reset(j);
	sw_json_obj_open(j, NULL);
	sw_json_str(j, "timestamp", ts);
	sw_json_u64(j, "flow_id", h->flow_id);
	sw_json_str(j, "in_iface", h->in_iface);
	sw_json_str(j, "event_type", "alert");
	if (host[0] != '\0')
		sw_json_str(j, "host", host);
	sw_json_str(j, "src_ip", src);
	if (h->has_sport)
		sw_json_u64(j, "src_port", h->sport);
	sw_json_str(j, "dest_ip", dst);
	if (h->has_dport)
		sw_json_u64(j, "dest_port", h->dport);
	sw_json_str(j, "proto", proto);
	sw_json_obj_open(j, "alert");
	sw_json_str(j, "action", "allowed");
	sw_json_u64(j, "gid", h->gid);
	sw_json_u64(j, "signature_id", h->sid);
	sw_json_u64(j, "rev", h->rev);
	sw_json_str(j, "signature", h->signature);
	sw_json_str(j, "category", h->category);
	sw_json_u64(j, "severity", h->severity);
	sw_json_obj_open(j, "source");
	sw_json_str(j, "ip", src);
	if (h->has_sport)
		sw_json_u64(j, "port", h->sport);
	sw_json_obj_close(j);
	sw_json_obj_open(j, "target");
	sw_json_str(j, "ip", dst);
	if (h->has_dport)
		sw_json_u64(j, "port", h->dport);
	sw_json_obj_close(j);
	sw_json_obj_open(j, "metadata");

	memset(key, 0, sizeof(*key));
	key->type = SW_REC_ALERT;
	key->ts_ns = h->ts_ns;
	key->dest_port = h->has_dport ? h->dport : 0;
	key->gid = h->gid;
	key->sid = h->sid;
	key->rev = h->rev;
	key->severity = h->severity;
	key->update = h->update;
	snprintf(key->host, sizeof(key->host), "%s", host);
	snprintf(key->src_ip, sizeof(key->src_ip), "%s", src);
	snprintf(key->dest_ip, sizeof(key->dest_ip), "%s", dst);
	snprintf(key->proto, sizeof(key->proto), "%s", proto);
	snprintf(key->signature, sizeof(key->signature), "%s", h->signature);
	snprintf(key->category, sizeof(key->category), "%s", h->category);
	snprintf(key->kind, sizeof(key->kind), "%s", h->kind);
	snprintf(key->technique, sizeof(key->technique), "%s", h->technique);
	snprintf(key->tool, sizeof(key->tool), "%s", h->tool);
}

/* Close metadata, alert and the event. */
static int
head_close(struct sw_json *j)
{
	sw_json_obj_close(j);
	sw_json_obj_close(j);
	sw_json_obj_close(j);
	return j->oom ? -ENOMEM : 0;
}

#define SVC_DIM(a) (sizeof((a)->services) / sizeof((a)->services[0]))

/* The scan's own key fields, for the sinks that carry them (syslog, CEF, LEEF). */
static void
scan_keys(const struct sw_scan_alert *a, struct sw_alert *key)
{
	size_t n = 0;

	snprintf(key->intent, sizeof(key->intent), "%s", a->intent != NULL ? a->intent : "");
	for (unsigned i = 0; i < a->nservices && i < SVC_DIM(a); i++) {
		int w = snprintf(key->services + n, sizeof(key->services) - n, "%s%s",
				 i ? "," : "", a->services[i]);

		if (w < 0 || (size_t)w >= sizeof(key->services) - n) {
			key->services[n] = '\0';	/* whole entries only */
			break;
		}
		n += (size_t)w;
	}
	key->repeats = a->repeats;
	key->fragmented = a->fragmented;
}

int
sw_eve_scan_alert(struct sw_json *j, const char *host, const struct sw_scan_alert *a,
		  struct sw_alert *key)
{
	char addr[64];

	head_write(j, host, &a->h, key);
	sw_json_obj_open(j, "scan");
	sw_json_str(j, "kind", a->h.kind);
	sw_json_str(j, "direction", a->h.direction);
	sw_json_str(j, "class", a->cls);
	sw_json_str(j, "technique", a->h.technique);
	sw_json_str(j, "tool", a->h.tool);
	if (a->tool_evidence[0] != '\0')
		sw_json_str(j, "tool_evidence", a->tool_evidence);
	sw_json_str(j, "timescale", a->timescale);
	sw_json_bool(j, "filtered", a->filtered);
	sw_json_str(j, "decided_by", a->trw ? "sequential-test" : "threshold");
	sw_json_u64(j, "unique_targets", a->targets);
	sw_json_u64(j, "unique_ports", a->ports);
	sw_json_u64(j, "probes", a->probes);
	sw_json_u64(j, "failed", a->failed);
	sw_json_u64(j, "answered", a->answered);
	sw_json_u64(j, "half_open", a->half_open);
	if (a->sources > 0)
		sw_json_u64(j, "sources", a->sources);
	sw_json_time(addr, a->first_ns);
	sw_json_str(j, "first_seen", addr);
	sw_json_time(addr, a->last_ns);
	sw_json_str(j, "last_seen", addr);
	sw_json_u64(j, "window_s", a->window_s);
	sw_json_dbl(j, "rate_pps", a->rate_pps, 6);
	sw_json_arr_open(j, "sample_targets");
	for (unsigned i = 0; i < a->ntargets && i < SW_ALERT_SAMPLES; i++) {
		sw_addr_str(&a->sample_targets[i], addr, sizeof(addr));
		sw_json_str(j, NULL, addr);
	}
	sw_json_arr_close(j);
	sw_json_arr_open(j, "sample_ports");
	for (unsigned i = 0; i < a->nports && i < SW_ALERT_SAMPLES; i++)
		sw_json_u64(j, NULL, a->sample_ports[i]);
	sw_json_arr_close(j);
	sw_json_obj_open(j, "estimate_error");
	sw_json_dbl(j, "epsilon", a->eps, 4);
	sw_json_dbl(j, "delta", a->delta, 4);
	if (a->sample > 1)	/* a scan far past its report (README, counting) */
		sw_json_u64(j, "sample", a->sample);
	sw_json_obj_close(j);
	if (a->intent != NULL)
		sw_json_str(j, "intent", a->intent);
	sw_json_arr_open(j, "services");
	for (unsigned i = 0; i < a->nservices && i < SVC_DIM(a); i++)
		sw_json_str(j, NULL, a->services[i]);
	sw_json_arr_close(j);
	if (a->repeats > 0)
		sw_json_u64(j, "repeats", a->repeats);
	sw_json_bool(j, "fragmented", a->fragmented);
	sw_json_bool(j, "allowlisted", a->allowlisted);
	sw_json_u64(j, "update", a->h.update);
	if (a->evidence != NULL)
		sw_json_str(j, "evidence", a->evidence);
	sw_json_obj_close(j);
	scan_keys(a, key);
	return head_close(j);
}

int
sw_eve_payload_alert(struct sw_json *j, const char *host, const struct sw_payload_alert *a,
		     struct sw_alert *key)
{
	head_write(j, host, &a->h, key);
	sw_json_obj_open(j, "payload");
	sw_json_str(j, "direction", a->h.direction);
	/* bytes from the wire: sw_json_strn escapes quotes, control
	 * characters and invalid UTF-8, so the line stays one JSON line */
	sw_json_strn(j, "excerpt", a->excerpt, a->excerpt_len);
	sw_json_u64(j, "excerpt_offset", a->excerpt_off);
	sw_json_u64(j, "match_end", a->match_end);
	sw_json_u64(j, "length", a->length);
	sw_json_str(j, "classtype", a->classtype);
	if (a->rule_tool[0] != '\0')
		sw_json_str(j, "tool", a->rule_tool);
	sw_json_str(j, "rule_file", a->rule_file);
	sw_json_u64(j, "rule_line", a->rule_line);
	sw_json_u64(j, "rules_generation", a->generation);
	sw_json_obj_close(j);
	return head_close(j);
}
