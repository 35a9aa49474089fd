/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every counter set and how it is gathered. The tables say what each
 * counter is called in the EVE stats event (stats.c), DPDK telemetry
 * (telemetry.c) and Prometheus (prom.c); each output walks them in order,
 * so a new counter is a field in its struct and one row here. Names were
 * kept exactly as the outputs printed them before the tables existed,
 * which is why a row may carry a different name per output.
 *
 * Gathering reads what other threads write with relaxed loads and sums
 * the workers' structs word by word: they hold nothing but uint64_t
 * counters, so a field added to them is summed without a line here.
 */

#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>

#include <scanwatch/ctl.h>
#include <scanwatch/detect.h>
#include <scanwatch/match.h>
#include <scanwatch/obs.h>
#include "ctl/evidence.h"
#include "port/port.h"

#define FIELD_SIZE(type, f)	sizeof(((type *)0)->f)

/* ---- worker counters ------------------------------------------------------ */

/* a field of struct sw_counters */
#define C(f)	.off = offsetof(struct sw_counters, f), \
		.size = FIELD_SIZE(struct sw_counters, f)
/* a field of struct sw_wstats, summed into struct sw_counters .w */
#define W(f)	C(w.f), .woff = offsetof(struct sw_wstats, f)

const struct sw_counter sw_worker_counters[] = {
	/* EVE: stats.capture.packets and stats.decoder.pkts (Suricata's names,
	 * written by stats.c), and packets in each worker */
	{ W(pkts), .tel = "packets", .prom = "scanwatch_packets_total",
	  .help = "Frames received by all workers (EVE stats.capture.packets).",
	  .wkey = "packets", .wprom = "scanwatch_worker_packets_total",
	  .whelp = "Frames received by the worker." },
	/* EVE: stats.decoder.bytes */
	{ W(bytes), .tel = "bytes", .prom = "scanwatch_bytes_total",
	  .help = "Bytes received by all workers.",
	  .wkey = "bytes", .wprom = "scanwatch_worker_bytes_total",
	  .whelp = "Bytes received by the worker." },
	{ W(ip), .eve = "ip", .tel = "ip", .prom = "scanwatch_ip_packets_total",
	  .help = "Frames with an IPv4 or IPv6 header." },
	{ W(non_ip), .eve = "non_ip", .tel = "non_ip", .prom = "scanwatch_non_ip_packets_total",
	  .help = "Frames parsed without an IP header (ARP ...)." },
	/* EVE: stats.decoder.invalid */
	{ W(invalid), .tel = "invalid", .prom = "scanwatch_invalid_packets_total",
	  .help = "Frames the parser rejected.",
	  .wkey = "invalid", .wprom = "scanwatch_worker_invalid_packets_total",
	  .whelp = "Frames the worker's parser rejected." },
	/* EVE also: stats.decoder.event.<layer>.<name>, Suricata's names */
	{ C(w.perr), .kind = SW_CTR_PERR, .eve = "parse", .tel = "parse_error_",
	  .prom = "scanwatch_parse_errors_total",
	  .help = "Frames the parser rejected, by reason." },
	/* the PMDs' counters summed over ports; EVE: stats.capture.dpdk.*,
	 * Prometheus: per port (prom.c) */
	{ C(port_packets), .eve = "port_packets", .tel = "port_packets" },
	{ C(port_bytes), .tel = "port_bytes" },
	{ C(imissed), .tel = "imissed" },
	{ C(no_mbufs), .tel = "no_mbufs" },
	{ C(ierrors), .tel = "ierrors" },
	{ C(file_damaged), .eve = "capture_file_damaged", .tel = "capture_file_damaged",
	  .prom = "scanwatch_capture_file_damaged_total",
	  .help = "Capture files read only up to their last whole record (damaged or cut "
		  "short; stderr names the place)." },
	{ C(mbufs_in_use), .kind = SW_CTR_GAUGE, .eve = "mbufs_in_use", .tel = "mbufs_in_use",
	  .prom = "scanwatch_mbufs_in_use",
	  .help = "Packet buffers taken from the pools and not yet returned (0 after the "
		  "workers stop: any other number is a leak)." },
	{ C(link_down), .eve = "link_down", .tel = "link_down",
	  .prom = "scanwatch_link_down_total",
	  .help = "Times a port stopped delivering: its link went down or its kernel "
		  "interface went down or away (stderr names it)." },
	{ C(ports_down), .kind = SW_CTR_GAUGE, .eve = "ports_down", .tel = "ports_down",
	  .prom = "scanwatch_ports_down", .help = "Ports whose link is down now." },
	{ W(events), .eve = "events", .tel = "events", .prom = "scanwatch_events_total",
	  .help = "Detection events the workers raised.",
	  .wkey = "events", .wprom = "scanwatch_worker_events_total",
	  .whelp = "Detection events the worker put on its ring to the control thread." },
	/* the control thread's */
	{ C(events_drained), .eve = "events_drained", .tel = "events_drained",
	  .prom = "scanwatch_events_drained_total",
	  .help = "Detection events the control thread processed." },
	{ W(ring_drops), .eve = "ring_drops", .tel = "ring_drops",
	  .prom = "scanwatch_ring_drops_total",
	  .help = "Detection events lost to full worker rings (all workers).",
	  .wkey = "ring_drops", .wprom = "scanwatch_worker_ring_drops_total",
	  .whelp = "Detection events lost because the worker's ring was full." },
	/* evidence captures (src/ctl/evidence.c): what was written, and every
	 * packet that was not, by reason */
	{ C(evid.sources), .eve = "evidence_sources", .tel = "evidence_sources",
	  .prom = "scanwatch_evidence_sources_total",
	  .help = "Flagged sources whose evidence capture started." },
	{ C(evid.files), .eve = "evidence_files", .tel = "evidence_files",
	  .prom = "scanwatch_evidence_files_total", .help = "Evidence capture files created." },
	{ C(evid.packets), .eve = "evidence_packets", .tel = "evidence_packets",
	  .prom = "scanwatch_evidence_packets_total",
	  .help = "Packets written to evidence captures." },
	{ C(evid.history), .eve = "evidence_history_packets", .tel = "evidence_history_packets",
	  .prom = "scanwatch_evidence_history_packets_total",
	  .help = "Of them, probes from before the decision (the workers' histories)." },
	{ C(evid.history_none), .eve = "evidence_history_none", .tel = "evidence_history_none",
	  .prom = "scanwatch_evidence_history_none_total",
	  .help = "Captures that got none of their source's packets from before the alert: "
		  "they had left the workers' histories (evidence.history) or none was kept." },
	{ C(evid.history_short), .eve = "evidence_history_short",
	  .tel = "evidence_history_short", .prom = "scanwatch_evidence_history_short_total",
	  .help = "Captures that got some of their source's packets from before the alert, "
		  "its earliest probes having left the workers' histories (evidence.history)." },
	{ C(evid.bytes), .eve = "evidence_bytes", .tel = "evidence_bytes",
	  .prom = "scanwatch_evidence_bytes_total",
	  .help = "Bytes written to evidence captures, pcap headers included." },
	{ C(evid.copies), .eve = "evidence_copies", .tel = "evidence_copies",
	  .prom = "scanwatch_evidence_copies_total",
	  .help = "Packet records the workers sent to the control thread for evidence." },
	{ C(evid.ring_drops), .eve = "evidence_ring_drops", .tel = "evidence_ring_drops",
	  .prom = "scanwatch_evidence_ring_drops_total",
	  .help = "Evidence records lost to a full worker ring (evidence.ring-size)." },
	{ C(evid.source_budget), .eve = "evidence_source_budget_drops",
	  .tel = "evidence_source_budget_drops",
	  .prom = "scanwatch_evidence_source_budget_drops_total",
	  .help = "Evidence packets dropped: the source's file reached evidence.source-kb." },
	{ C(evid.total_budget), .eve = "evidence_total_budget_drops",
	  .tel = "evidence_total_budget_drops",
	  .prom = "scanwatch_evidence_total_budget_drops_total",
	  .help = "Evidence packets dropped: no room in evidence.total-kb." },
	{ C(evid.late), .eve = "evidence_late", .tel = "evidence_late",
	  .prom = "scanwatch_evidence_late_total",
	  .help = "Evidence packets of sources no longer captured (evidence.packets reached, "
		  "evicted, file removed)." },
	{ C(evid.evicted), .eve = "evidence_evicted", .tel = "evidence_evicted",
	  .prom = "scanwatch_evidence_evicted_total",
	  .help = "Captures stopped early to make room for a new one (evidence.sources)." },
	{ C(evid.removed), .eve = "evidence_files_removed", .tel = "evidence_files_removed",
	  .prom = "scanwatch_evidence_files_removed_total",
	  .help = "Evidence files removed, oldest first, to stay within evidence.total-kb." },
	{ C(evid.removed_bytes), .eve = "evidence_bytes_removed", .tel = "evidence_bytes_removed",
	  .prom = "scanwatch_evidence_bytes_removed_total",
	  .help = "Bytes of the evidence files removed." },
	{ C(evid.link_mismatch), .eve = "evidence_link_mismatch",
	  .tel = "evidence_link_mismatch", .prom = "scanwatch_evidence_link_mismatch_total",
	  .help = "Evidence packets dropped: another link type than their file's." },
	{ C(evid.errors), .eve = "evidence_errors", .tel = "evidence_errors",
	  .prom = "scanwatch_evidence_errors_total",
	  .help = "Evidence captures or packets lost to file errors (create, write)." },
	{ C(evid.disk_bytes), .kind = SW_CTR_GAUGE, .eve = "evidence_disk_bytes",
	  .tel = "evidence_disk_bytes", .prom = "scanwatch_evidence_disk_bytes",
	  .help = "Bytes of evidence captures in OUTPUT.DIR/evidence." },
	/* fragments (src/parse/frag.c) */
	{ W(frag.held), .eve = "frag_held", .tel = "frag_held",
	  .prom = "scanwatch_fragments_held_total",
	  .help = "IP fragments kept to read a transport header cut across fragments." },
	{ W(frag.assembled), .eve = "frag_assembled", .tel = "frag_assembled",
	  .prom = "scanwatch_fragments_assembled_total",
	  .help = "Transport headers read across IP fragments (nmap -f and the like)." },
	{ W(frag.overlaps), .eve = "frag_overlaps", .tel = "frag_overlaps",
	  .prom = "scanwatch_fragments_overlapping_total",
	  .help = "Fragments overlapping held bytes with different bytes (the held ones win)." },
	{ W(frag.expired), .eve = "frag_expired", .tel = "frag_expired",
	  .prom = "scanwatch_fragments_expired_total",
	  .help = "Fragmented datagrams dropped (timeout or a full table) before their "
		  "transport header was whole." },
	{ W(polls), .wkey = "polls", .wprom = "scanwatch_worker_polls_total",
	  .whelp = "rte_eth_rx_burst calls." },
	{ W(idle_polls), .wkey = "idle_polls", .wprom = "scanwatch_worker_idle_polls_total",
	  .whelp = "rte_eth_rx_burst calls that returned no packet." },
};
const unsigned sw_worker_ncounters = RTE_DIM(sw_worker_counters);

/* ---- detection and decision counters --------------------------------------- */

const struct sw_counter sw_detect_counters[] = {
	/* struct sw_detect_stats, per worker (src/detect/detect.c) */
	{ C(det.probes), .eve = "probes", .tel = "probes", .prom = "scanwatch_probes_total",
	  .help = "Packets classified as scan probes." },
	{ C(det.first_contacts), .eve = "first_contacts", .tel = "first_contacts",
	  .prom = "scanwatch_first_contacts_total",
	  .help = "Probes to a destination the source had not contacted in the window." },
	{ C(det.negatives), .eve = "negative_responses", .tel = "negative_responses",
	  .prom = "scanwatch_negative_responses_total",
	  .help = "Responses that refuse a probe (RST, ICMP unreachable)." },
	{ C(det.positives), .eve = "positive_responses", .tel = "positive_responses",
	  .prom = "scanwatch_positive_responses_total",
	  .help = "Responses that accept a probe (SYN-ACK, reply)." },
	{ C(det.suspects), .eve = "suspects", .tel = "suspects", .prom = "scanwatch_suspects_total",
	  .help = "Suspect-source events the workers sent to the control thread to decide on." },
	{ C(det.suspects_lost), .eve = "suspects_lost", .tel = "suspects_lost",
	  .prom = "scanwatch_suspects_lost_total",
	  .help = "Of them, lost to a full worker ring: threshold crossings the control thread "
		  "never saw (a larger events.ring-size, or more workers)." },
	{ C(det.timeouts), .eve = "timeouts", .tel = "timeouts", .prom = "scanwatch_timeouts_total",
	  .help = "TCP and SCTP first contacts left unanswered for detect.trw.timeout: "
		  "failures of their source." },
	{ C(det.timeouts_lost), .eve = "timeouts_lost", .tel = "timeouts_lost",
	  .prom = "scanwatch_timeouts_lost_total",
	  .help = "First contacts that fell off the full timeout queue unexamined." },
	{ C(det.timeouts_one_way), .eve = "timeouts_one_way", .tel = "timeouts_one_way",
	  .prom = "scanwatch_timeouts_one_way_total",
	  .help = "Timed-out first contacts not counted: no answer of their address family "
		  "came for a minute (a tap that carries one direction)." },
	{ C(det.deferred), .eve = "deferred_marks", .tel = "deferred_marks",
	  .prom = "scanwatch_deferred_marks_total",
	  .help = "First contacts of sources that owned no cell, counted on two lines of state: "
		  "their pair and port marks wait for the source's next first contact." },
	{ C(det.sampled), .eve = "sampled_contacts", .tel = "sampled_contacts",
	  .prom = "scanwatch_sampled_contacts_total",
	  .help = "First contacts of very heavy sources (past detect.heavy-sample-from times a "
		  "contacts threshold), whose new targets and ports were counted on a hash sample." },
	/* struct sw_decide_stats, the control thread's (src/detect/decide.c);
	 * EVE also: stats.detect.alert and .alerts_suppressed (Suricata's) */
	{ C(dec.alerts), .eve = "alerts", .tel = "alerts", .prom = "scanwatch_alerts_total",
	  .help = "Scan alerts written (the first alert of each scan)." },
	{ C(dec.updates), .eve = "updates", .tel = "updates",
	  .prom = "scanwatch_alert_updates_total",
	  .help = "Update alerts for continuing scans." },
	{ C(dec.suppressed), .eve = "suppressed", .tel = "suppressed",
	  .prom = "scanwatch_alerts_suppressed_total",
	  .help = "Alerts withheld within the suppression period." },
	{ C(dec.allowlisted), .eve = "allowlisted", .tel = "allowlisted",
	  .prom = "scanwatch_allowlisted_total",
	  .help = "Scans decided for allowlisted sources and not alerted." },
	{ C(dec.scanners), .eve = "scanners", .tel = "flagged_sources",
	  .prom = "scanwatch_flagged_sources_total", .help = "Distinct sources alerted." },
	{ C(dec.dropped), .eve = "record_table_full", .tel = "record_table_full",
	  .prom = "scanwatch_record_table_full_total",
	  .help = "Events lost because the control thread's record table was full." },
	{ C(dec.direction_off), .eve = "direction_off", .tel = "direction_off",
	  .prom = "scanwatch_alerts_direction_off_total",
	  .help = "Alerts decided and not written: alerts.<direction> is off for their direction." },
	{ C(dec.format_errors), .eve = "format_errors", .tel = "format_errors",
	  .prom = "scanwatch_alert_format_errors_total",
	  .help = "Alerts that could not be formatted (out of memory) and were not sent." },
};
const unsigned sw_detect_ncounters = RTE_DIM(sw_detect_counters);

#undef C
#undef W

/* ---- payload rule counters ------------------------------------------------ */

/* a field of struct sw_match_counters */
#define M(f)	.off = offsetof(struct sw_match_counters, f), \
		.size = FIELD_SIZE(struct sw_match_counters, f)
/* a field of struct sw_match_wstats, summed into struct sw_match_counters .w */
#define MW(f)	M(w.f), .woff = offsetof(struct sw_match_wstats, f)

const struct sw_counter sw_payload_counters[] = {
	/* the matcher's (src/match/reload.c) */
	{ M(m.generation), .kind = SW_CTR_GAUGE, .eve = "generation", .tel = "rules_generation",
	  .prom = "scanwatch_rules_generation",
	  .help = "Generation of the payload rule database in use "
		  "(1 at start, +1 per reload that worked)." },
	{ M(m.rules), .kind = SW_CTR_GAUGE, .eve = "rules", .tel = "rules_loaded",
	  .prom = "scanwatch_rules_loaded", .help = "Payload rules in the database in use." },
	{ M(m.groups), .kind = SW_CTR_GAUGE, .eve = "databases" },
	{ M(m.db_bytes), .kind = SW_CTR_GAUGE, .eve = "database_bytes",
	  .prom = "scanwatch_rules_database_bytes",
	  .help = "Bytes of the compiled Hyperscan databases." },
	{ M(m.reloads), .eve = "reloads", .tel = "rules_reloads",
	  .prom = "scanwatch_rules_reloads_total",
	  .help = "Rule reloads that swapped in a new database." },
	{ M(m.reload_failures), .eve = "reload_failures", .tel = "rules_reload_failures",
	  .prom = "scanwatch_rules_reload_failures_total",
	  .help = "Rule reloads that failed and kept the old database." },
	/* the workers' (src/match/match.c) */
	{ MW(scanned), .eve = "scanned", .tel = "payload_scanned",
	  .wprom = "scanwatch_worker_payload_scanned_total",
	  .whelp = "Packets the worker handed to Hyperscan." },
	{ MW(bytes), .eve = "scanned_bytes", .tel = "payload_scanned_bytes" },
	{ MW(short_skips), .eve = "short_skips" },
	{ MW(matches), .eve = "matches", .tel = "payload_matches",
	  .wprom = "scanwatch_worker_payload_matches_total",
	  .whelp = "Payload rule matches on the worker." },
	{ MW(dedup), .eve = "worker_dedup" },
	{ MW(ring_drops), .eve = "ring_drops", .tel = "payload_ring_drops",
	  .wprom = "scanwatch_worker_match_ring_drops_total",
	  .whelp = "Payload matches lost because the worker's match ring was full." },
	{ MW(scan_errors), .eve = "scan_errors", .tel = "payload_scan_errors" },
	/* the control thread's */
	{ M(events_drained), .eve = "events_drained" },
	/* struct sw_decide_payload_stats (src/detect/decide.c) */
	{ M(alerts.alerts), .eve = "alerts", .tel = "payload_alerts",
	  .prom = "scanwatch_payload_alerts_total", .help = "Payload (gid 1) alerts written." },
	{ M(alerts.suppressed), .eve = "suppressed",
	  .prom = "scanwatch_payload_alerts_suppressed_total",
	  .help = "Payload matches not alerted: same source and rule within alerts.suppress." },
	{ M(alerts.allowlisted), .eve = "allowlisted" },
	{ M(alerts.unknown_rule), .eve = "unknown_rule" },
};
const unsigned sw_payload_ncounters = RTE_DIM(sw_payload_counters);

#undef M
#undef MW

uint64_t
sw_counter_get(const void *snap, const struct sw_counter *r)
{
	const void *p = (const char *)snap + r->off;

	if (r->size == sizeof(uint32_t))
		return *(const uint32_t *)p;
	return *(const uint64_t *)p;
}

const uint64_t *
sw_counter_array(const void *snap, const struct sw_counter *r)
{
	return (const uint64_t *)(const void *)((const char *)snap + r->off);
}

uint64_t
sw_counter_wget(const void *wsnap, const struct sw_counter *r)
{
	return *(const uint64_t *)(const void *)((const char *)wsnap + r->woff);
}

/* ---- gathering -------------------------------------------------------------- */

/* The structs summed word by word hold uint64_t counters only (struct
 * sw_wstats also its cache-line padding, zero where workers are allocated). */
_Static_assert(sizeof(struct sw_wstats) % sizeof(uint64_t) == 0, "u64 only");
_Static_assert(sizeof(struct sw_detect_stats) % sizeof(uint64_t) == 0, "u64 only");
_Static_assert(sizeof(struct sw_decide_stats) % sizeof(uint64_t) == 0, "u64 only");
_Static_assert(sizeof(struct sw_match_wstats) % sizeof(uint64_t) == 0, "u64 only");
_Static_assert(sizeof(struct sw_decide_payload_stats) % sizeof(uint64_t) == 0, "u64 only");

/* dst[i] = src[i] (or += with add), relaxed loads of another thread's words */
static void
load_words(uint64_t *dst, const uint64_t *src, size_t n, bool add)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = __atomic_load_n(&src[i], __ATOMIC_RELAXED);

		dst[i] = add ? dst[i] + v : v;
	}
}

#define WORDS(p)	((uint64_t *)(void *)(p))
#define CWORDS(p)	((const uint64_t *)(const void *)(p))
#define LOAD_STRUCT(dst, src, add) \
	load_words(WORDS(dst), CWORDS(src), sizeof(*(dst)) / sizeof(uint64_t), add)

void
sw_wstats_read(const struct sw_wstats *s, struct sw_wstats *out)
{
	LOAD_STRUCT(out, s, false);
}

void
sw_match_wstats_read(const struct sw_match_wstats *s, struct sw_match_wstats *out)
{
	LOAD_STRUCT(out, s, false);
}

/* Some PMDs update software offsets inside stats_get (i40e, ixgbe), and
 * net_af_packet's kernel counters reset on read (port.c): the control,
 * telemetry and Prometheus threads take turns. No worker takes it. */
static pthread_mutex_t port_stats_lock = PTHREAD_MUTEX_INITIALIZER;

int
sw_ctl_port_stats(uint16_t port, struct rte_eth_stats *s)
{
	int rc;

	pthread_mutex_lock(&port_stats_lock);
	rc = sw_port_stats(port, s);
	pthread_mutex_unlock(&port_stats_lock);
	return rc;
}

/* The detection stage's counters: summed over the workers' struct
 * sw_detect_stats, and the decision stage's struct sw_decide_stats.
 * >>> The one place that reads src/detect/'s counter structs. <<< */
static void
detect_counters(const struct sw_ctl *ctl, struct sw_counters *c)
{
	if (ctl->dec == NULL)
		return;
	c->have_detect = true;
	LOAD_STRUCT(&c->dec, sw_decide_stats(ctl->dec), false);
	for (unsigned i = 0; i < ctl->nw; i++)
		if (ctl->workers[i]->det != NULL)
			LOAD_STRUCT(&c->det, sw_detect_stats(ctl->workers[i]->det), true);
}

/* One place sums the counters, so the EVE stats event, telemetry and
 * Prometheus cannot disagree on what "packets" means. */
void
sw_ctl_counters_ws(const struct sw_ctl *ctl, struct sw_counters *c, struct sw_wstats *ws)
{
	struct sw_port_totals pt;
	struct timespec now;

	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < ctl->nw; i++) {
		struct sw_wstats one;

		LOAD_STRUCT(&one, &ctl->workers[i]->st, false);
		load_words(WORDS(&c->w), CWORDS(&one), sizeof(one) / sizeof(uint64_t), true);
		if (ws != NULL)
			ws[i] = one;
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
	c->file_damaged = pt.file_damaged;
	c->mbufs_in_use = pt.mbufs_in_use;
	c->link_down = pt.link_down;
	c->ports_down = pt.ports_down;

	detect_counters(ctl, c);
	if (ctl->evid != NULL)
		sw_evid_ctl_stats(ctl->evid, &c->evid);

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
sw_ctl_counters(const struct sw_ctl *ctl, struct sw_counters *c)
{
	sw_ctl_counters_ws(ctl, c, NULL);
}

bool
sw_match_counters(const struct sw_ctl *ctl, struct sw_match_counters *c)
{
	memset(c, 0, sizeof(*c));
	if (ctl->matcher == NULL)
		return false;
	for (unsigned i = 0; i < ctl->nw; i++)
		LOAD_STRUCT(&c->w, &ctl->workers[i]->mst, true);
	sw_matcher_stats(ctl->matcher, &c->m);
	c->events_drained = SW_LOAD(ctl->matches);
	if (ctl->dec != NULL)
		sw_decide_payload_stats(ctl->dec, &c->alerts);
	return true;
}
