/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_ALERT_H
#define SW_ALERT_H

/**
 * @file
 * Alert records: what the decision stage (src/detect/decide.c) decided,
 * as plain data, and the one EVE writer for them (src/alert/eve.c). A
 * record holds everything its EVE line and its sw_alert key fields say;
 * the writer adds only the sensor's host name.
 */

#include <stdbool.h>
#include <stdint.h>

#include <scanwatch/pkt.h>

struct sw_json;
struct sw_alert;

/** What every alert says in its EVE header and sw_alert key fields. */
struct sw_alert_head {
	uint64_t ts_ns;			/* the packet that decided it */
	uint64_t flow_id;		/* 51 bits like Suricata's */
	const char *in_iface;
	struct sw_addr src, dst;
	uint16_t sport, dport;
	bool has_sport, has_dport;	/* the protocol has ports to show */
	uint8_t proto;			/* IPPROTO_* */
	uint32_t gid, sid, rev;
	uint8_t severity;		/* 1 (highest) .. 4 */
	const char *signature;
	const char *category;
	const char *kind;		/* metadata.scan.kind, or "payload" */
	const char *technique;		/* "" for payload alerts */
	const char *tool;		/* "" for none */
	const char *direction;		/* outbound | inbound | internal | external */
	uint32_t update;		/* 0: first alert of this scan */
};

#define SW_ALERT_SAMPLES 8	/* sample targets and ports per scan alert */

/** A scan alert (gid 122) or an update of one: metadata.scan. */
struct sw_scan_alert {
	struct sw_alert_head h;
	const char *cls;		/* protocol class name */
	const char *tool_evidence;	/* what named the tool; "" for none */
	const char *timescale;
	bool filtered;
	bool trw;			/* decided by the sequential test */
	uint32_t targets, ports, probes, failed, answered, half_open;
	uint32_t sources;		/* decoy/distributed; 0: not shown */
	uint64_t first_ns, last_ns;
	uint32_t window_s;
	double rate_pps;
	unsigned ntargets, nports;
	struct sw_addr sample_targets[SW_ALERT_SAMPLES];
	uint16_t sample_ports[SW_ALERT_SAMPLES];
	double eps, delta;		/* the sketch's error bounds */
	bool allowlisted;
	const char *evidence;		/* the source's evidence capture, relative
					 * to output.dir; NULL: none */
	const char *intent;		/* looking | knob-rattling | hammering */
	unsigned nservices;		/* sensitive services touched: */
	char services[32][24];		/* ... "name/port" each */
	uint32_t repeats;		/* hammering: attempts on the target; 0: not shown */
	bool fragmented;		/* the probes came as IP fragments */
	unsigned sample;		/* targets and ports counted on a sample of 1 in
					 * this many (detect.heavy-sample); 0: every one */
};

/** A payload rule's alert (gid 1): metadata.payload. */
struct sw_payload_alert {
	struct sw_alert_head h;
	const void *excerpt;		/* bytes from the wire */
	unsigned excerpt_len;
	uint32_t excerpt_off, match_end, length;
	const char *classtype;
	const char *rule_tool;		/* "" for none */
	const char *rule_file;
	unsigned rule_line;
	uint32_t generation;
};

/**
 * Format a scan alert as one EVE line into j (reset first) and fill the
 * key fields the sinks read into key. host: the sensor name ("" = none).
 * @return 0, or -ENOMEM when the line could not be formatted
 */
int sw_eve_scan_alert(struct sw_json *j, const char *host, const struct sw_scan_alert *a,
		      struct sw_alert *key);

/** The same for a payload rule's alert. */
int sw_eve_payload_alert(struct sw_json *j, const char *host, const struct sw_payload_alert *a,
			 struct sw_alert *key);

#endif /* SW_ALERT_H */
