/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every configuration key, once. Parsing, --set, defaults, validation and
 * --dump-config all walk these tables, so adding a key here is the whole job.
 * Rows of one section must stay together: the dumper opens a YAML mapping
 * when the section changes and would otherwise open it twice.
 *
 * sw_conf_keys[] are the global keys; sw_output_keys[] the keys of one entry
 * of the outputs: list, with the output types each applies to and needs.
 */

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <scanwatch/cidr.h>
#include <scanwatch/services.h>
#include "conf/keys.h"

const char *const sw_timescale_names[SW_MAX_TIMESCALES] = {
	"fast", "medium", "slow",
};

/* names of enumerations and bits, indexed by their values (conf.h) */
static const char *const rss_values[] = { "ip", "tcp", "udp", "sctp", NULL };
static const char *const mode_values[] = {
	[SW_MODE_SKETCH] = "sketch", [SW_MODE_EXACT] = "exact", NULL,
};
static const char *const action_values[] = {
	[SW_ALLOW_TAG] = "tag", [SW_ALLOW_ALERT_LOW] = "alert-low", NULL,
};
static const char *const yesno_values[] = { [SW_YES] = "yes", [SW_NO] = "no", NULL };
static const char *const policy_values[] = {
	[SW_POLICY_ALERT] = "alert", [SW_POLICY_RAISE] = "raise",
	[SW_POLICY_LOWER] = "lower", [SW_POLICY_OFF] = "off", NULL,
};

const char *const sw_direction_names[SW_DIR__MAX] = {
	[SW_DIR_OUTBOUND] = "outbound", [SW_DIR_INBOUND] = "inbound",
	[SW_DIR_INTERNAL] = "internal", [SW_DIR_EXTERNAL] = "external",
};

_Static_assert(SW_RSS_IP == 1 << 0 && SW_RSS_TCP == 1 << 1 && SW_RSS_UDP == 1 << 2 &&
	       SW_RSS_SCTP == 1 << 3, "rss_values[] are the SW_RSS_* bits in order");

static int check_allow(const char *v, char *why, size_t len);
static int check_home(const char *v, char *why, size_t len);
static int check_service(const char *v, char *why, size_t len);
static int check_listen(const char *v, char *why, size_t len);
static int check_name(const char *v, char *why, size_t len);
static int check_host(const char *v, char *why, size_t len);
static int check_topic(const char *v, char *why, size_t len);
static int check_kprop(const char *v, char *why, size_t len);

#define F(m)	.off = offsetof(struct sw_conf, m), \
		.size = sizeof(((struct sw_conf *)0)->m)

#define KU32(n, m, lo, hi, d, fl, h) \
	{ .name = n, .type = SW_CONF_U32, .flags = fl, F(m), \
	  .min = lo, .max = hi, .def = #d, .help = h }
#define KDBL(n, m, lo, hi, d, fl, h) \
	{ .name = n, .type = SW_CONF_DOUBLE, .flags = fl, F(m), \
	  .min = lo, .max = hi, .def = #d, .help = h }
#define KSTR(n, m, d, h) \
	{ .name = n, .type = SW_CONF_STR, F(m), .def = d, .help = h }
#define KENUM(n, m, vals, d, h) \
	{ .name = n, .type = SW_CONF_ENUM, F(m), .values = vals, \
	  .def = d, .help = h }
#define KCSTR(n, m, chk, fm, d, h) \
	{ .name = n, .type = SW_CONF_STR, F(m), .check = chk, .form = fm, \
	  .def = d, .help = h }
#define KFLAGS(n, m, vals, d, h) \
	{ .name = n, .type = SW_CONF_FLAGS, .flags = SW_CONF_UNIQUE, F(m), \
	  .max = sizeof(vals) / sizeof(vals[0]) - 1, .values = vals, .def = d, .help = h }
#define KLIST(n, m, most, vals, chk, fm, fl, d, h) \
	{ .name = n, .type = SW_CONF_LIST, .flags = fl, F(m), .max = most, \
	  .values = vals, .check = chk, .form = fm, .def = d, .help = h }

/* ports is capped by the port space, protos by the 8-bit protocol field */
#define WINDOW(i, s, win, po, ta, co, ic, pr) \
	KU32("windows." s ".window", ts[i].window_s, 1, 604800, win, 0, \
	     s " window length in seconds (per-cell tumbling window)"), \
	KU32("windows." s ".ports", ts[i].ports, 2, 65536, po, 0, \
	     s " window: distinct ports on one target that make a port scan"), \
	KU32("windows." s ".targets", ts[i].targets, 2, 16777216, ta, 0, \
	     s " window: distinct targets on one port that make a sweep"), \
	KU32("windows." s ".contacts", ts[i].contacts, 2, 16777216, co, 0, \
	     s " window: distinct (target, port) pairs that make a block scan"), \
	KU32("windows." s ".icmp-targets", ts[i].icmp_targets, 2, 16777216, ic, 0, \
	     s " window: distinct echo targets that make an ICMP sweep"), \
	KU32("windows." s ".protos", ts[i].protos, 2, 256, pr, 0, \
	     s " window: distinct IP protocols that make a protocol scan")

const struct sw_conf_key sw_conf_keys[] = {
	KSTR("host", host, "", "sensor name written into alerts; empty = none"),

	KLIST("capture.interfaces", interfaces, SW_MAX_PORTS, NULL, NULL, NULL, 0, "",
	      "DPDK devices: PCI address or vdev (\"net_af_packet0,iface=veth1\")"),
	KSTR("capture.pcap", pcap, "", "read this pcap file instead of devices"),
	KSTR("capture.pcap2", pcap2, "",
	     "a second capture file read beside capture.pcap in capture-time order "
	     "(the other direction of a two-port tap)"),
	KU32("capture.workers", workers, 1, 64, 1, 0, "RX queues (worker lcores) per port"),
	KFLAGS("capture.rss-fields", rss_fields, rss_values, "ip,tcp,udp",
	       "header fields RSS hashes on"),
	KU32("capture.rx-descriptors", rx_desc, 64, 16384, 1024, SW_CONF_POW2,
	     "RX ring descriptors per queue"),
	KU32("capture.af-packet-frames", afp_frames, 512, 1048576, 16384, SW_CONF_POW2,
	     "kernel ring frames per queue of a net_af_packet device (its framecnt; "
	     "2 KiB each, RX and TX rings: 64 MiB per queue at the default)"),
	KU32("capture.burst", burst, 1, 512, 32, 0, "packets per rx_burst call"),
	KU32("capture.mempool-cache", mbuf_cache, 0, 512, 256, 0,
	     "per-lcore mbuf cache of the mempool"),

	KU32("decoder.vxlan-port", vxlan_port, 0, 65535, 4789, 0,
	     "UDP destination port decapsulated as VXLAN (0 = none)"),

	KLIST("dpdk.eal-params", eal_params, SW_MAX_STRS, NULL, NULL, NULL, 0, "",
	      "extra EAL arguments, one per entry ([\"-l\", \"0-3\"])"),

	KSTR("process.user", run_as, "",
	     "once the ports are up, run as this user (output.dir must be writable by "
	     "it); empty = stay who started"),
	KENUM("process.drop-capabilities", drop_caps, yesno_values, "yes",
	      "once the ports are up, every thread drops every capability (yes) or keeps "
	      "them (no)"),

	KU32("events.ring-size", ring_size, 64, 1048576, 4096, SW_CONF_POW2,
	     "entries of each worker's event ring to the control thread"),

	KU32("stats.interval", stats_interval, 0, 86400, 60, 0,
	     "seconds between statistics reports; 0 = only at exit"),
	KCSTR("stats.prometheus.listen", prom_listen, check_listen,
	      "\"ADDR:PORT\" or \"[IPv6]:PORT\", e.g. 127.0.0.1:9100 (\"\" = off)", "",
	      "Prometheus text endpoint, \"ADDR:PORT\" or \"[IPv6]:PORT\"; empty = off"),

	KSTR("output.dir", log_dir, "", "directory for alert and stats files; empty = stdout"),
	KU32("output.flush-timeout", flush_timeout_ms, 0, 600000, 5000, 0,
	     "milliseconds shutdown waits for each output to deliver what is queued"),
	{ .name = "outputs", .type = SW_CONF_OUTPUTS,
	  /* the count only: conf.c reaches outputs[] through struct sw_conf */
	  F(n_outputs), .max = SW_MAX_OUTPUTS, .def = "",
	  .help = "where alerts and stats go (file, unix, syslog, kafka); "
		  "[] = eve.json in output.dir, or stdout" },

	KENUM("detect.mode", sketch_mode, mode_values, "sketch",
	      "counting: sketch (fixed memory) or exact (hash tables, for tests)"),
	KDBL("detect.trw.benign-success", trw_theta0, 0, 1, 0.8, SW_CONF_OPEN,
	     "TRW: probability a benign source's first contact succeeds"),
	KDBL("detect.trw.scanner-success", trw_theta1, 0, 1, 0.2, SW_CONF_OPEN,
	     "TRW: probability a scanner's first contact succeeds"),
	KDBL("detect.trw.false-positive", trw_alpha, 0, 1, 0.01, SW_CONF_OPEN,
	     "TRW: accepted false-positive rate"),
	KDBL("detect.trw.detection", trw_beta, 0, 1, 0.99, SW_CONF_OPEN,
	     "TRW: required detection rate"),
	KDBL("detect.trw.timeout", trw_timeout_s, 0, 600, 1, 0,
	     "seconds after which a TCP or SCTP first contact nothing answered counts "
	     "as a failure (Jung et al. 2004); 0 = only refusals count"),
	KU32("detect.decoy-sources", decoy_sources, 2, 1000, 3, 0,
	     "sources scanning one target in step that make a decoy scan"),
	KU32("detect.distributed-sources", distributed_sources, 2, 1000, 5, 0,
	     "sources sharing one scan's work that make a distributed scan"),
	KU32("detect.heavy-sample", heavy_sample, 1, 256, 8, SW_CONF_POW2,
	     "a source past detect.heavy-sample-from (a scan far past its report) has "
	     "its new targets and ports tested on a hash sample of 1 in this many, each "
	     "counting this many: estimates, less work per probe; 1 = test every one"),
	KU32("detect.heavy-sample-from", heavy_sample_from, 1, 65536, 64, 0,
	     "first contacts in the slow window, as a multiple of its contacts "
	     "threshold, past which a source is counted by sample (detect.heavy-sample)"),
	/* the services whose probes are knob-rattling (ALERTS.md scan.intent):
	 * remote logins and shells, file sharing, databases and caches,
	 * container and cluster APIs, management interfaces; mail, web and
	 * DNS are left out, they are probed by everyone all day */
	KLIST("detect.sensitive-services", services, SW_MAX_STRS, NULL, check_service,
	      "\"name/port\", e.g. \"smb/445\"", SW_CONF_UNIQUE,
	      "ftp/21,ssh/22,telnet/23,msrpc/135,netbios/139,snmp/161,ldap/389,smb/445,"
	      "rsync/873,mssql/1433,oracle/1521,nfs/2049,docker/2375,docker-tls/2376,"
	      "etcd/2379,mysql/3306,rdp/3389,postgresql/5432,vnc/5900,couchdb/5984,"
	      "winrm/5985,winrm-tls/5986,x11/6000,redis/6379,kube-api/6443,"
	      "elasticsearch/9200,kubelet/10250,memcached/11211,mongodb/27017",
	      "services known to be exploitable: a scan touching few ports, most of them "
	      "these, is knob-rattling, and its alert lists them (\"name/port\")"),
	KU32("detect.hammering.repeats", hammer_repeats, 2, 1000000, 50, 0,
	     "connection attempts of one source to sensitive services of one host, "
	     "beyond the first, that make hammering (brute force, repeated scans)"),
	KU32("detect.hammering.window", hammer_window_s, 1, 86400, 60, 0,
	     "seconds within which detect.hammering.repeats must come"),

	KU32("sketch.width", cms_width, 256, 16777216, 65536, SW_CONF_POW2,
	     "count-min sketch counters per row"),
	KU32("sketch.depth", cms_depth, 1, 16, 4, 0, "count-min sketch rows (hash functions)"),
	KU32("sketch.filter-bits", filter_bits_log2, 10, 32, 24, 0,
	     "log2 of the first-contact filter size in bits"),
	KU32("sketch.filter-capacity", filter_capacity, 1, 1000000000, 1000000, 0,
	     "first contacts per window the filter is sized for"),
	KU32("sketch.seed", sketch_seed, 0, 4294967295u, 0, 0,
	     "hash seed of the sketch and filter; 0 = random per start (an attacker "
	     "cannot aim at collisions); fix it to make replays repeat their "
	     "estimates exactly"),

	WINDOW(0, "fast", 10, 10, 10, 30, 10, 5),
	WINDOW(1, "medium", 300, 25, 25, 60, 25, 8),
	WINDOW(2, "slow", 3600, 50, 50, 100, 50, 10),

	KU32("alerts.suppress", suppress_s, 1, 604800, 3600, 0,
	     "seconds an alert of one (source, kind) is not repeated"),
	KU32("alerts.update-interval", update_s, 0, 86400, 60, 0,
	     "seconds between updates of an ongoing scan; 0 = none"),
	KENUM("alerts.outbound", dir_policy[SW_DIR_OUTBOUND], policy_values, "alert",
	      "alerts of home hosts scanning out: alert, raise (severity one step up), "
	      "lower (severity 4) or off (counted, not written)"),
	KENUM("alerts.inbound", dir_policy[SW_DIR_INBOUND], policy_values, "alert",
	      "alerts of outside hosts scanning ours: alert, raise, lower or off"),
	KENUM("alerts.internal", dir_policy[SW_DIR_INTERNAL], policy_values, "alert",
	      "alerts of home hosts scanning home hosts: alert, raise, lower or off"),
	KENUM("alerts.external", dir_policy[SW_DIR_EXTERNAL], policy_values, "alert",
	      "alerts with neither end at home: alert, raise, lower or off"),

	/* Suricata's default HOME_NET, and IPv6 unique-local addresses */
	KLIST("network.home", home, SW_MAX_STRS, NULL, check_home,
	      "\"10.0.0.0/8\" or \"2001:db8::/32\"", 0,
	      "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7",
	      "our own networks (Suricata's HOME_NET): alerts say outbound, inbound, "
	      "internal or external"),

	KLIST("allowlist.entries", allowlist, SW_MAX_STRS, NULL, check_allow,
	      "\"192.0.2.0/24\" or \"2001:db8::/32 22,443\"", 0, "",
	      "sources not to alert on: \"CIDR\", \"CIDR port\" or \"CIDR port,port\""),
	KENUM("allowlist.action", allowlist_action, action_values, "tag",
	      "what allowlisted sources get: tag (alert tagged) or alert-low"),

	KENUM("rules.enabled", rules_enabled, yesno_values, "yes",
	      "payload rules: yes (when rules.files names any) or no"),
	KLIST("rules.files", rule_files, SW_MAX_STRS, NULL, NULL, NULL, 0, SW_RULES_DEFAULT,
	      "payload rule files (rules/README.md), the shipped set by default; "
	      "SIGUSR2 reloads them"),
	KSTR("rules.cache-dir", rule_cache_dir, "auto",
	     "compiled rule databases are cached here, keyed by their rules (start-up "
	     "without compiling); auto = /var/cache/scanwatch or ~/.cache/scanwatch, "
	     "empty = off"),
	KU32("rules.max-bytes", rule_max_bytes, 1, 65535, 256, 0,
	     "payload bytes of each packet the rules scan (the first N)"),
	KU32("rules.ring-size", match_ring_size, 64, 1048576, 1024, SW_CONF_POW2,
	     "entries (256 bytes each) of each worker's match ring"),

	KENUM("evidence.enabled", evid_enabled, yesno_values, "yes",
	      "evidence captures: yes (whenever output.dir is set) or no; "
	      "OUTPUT.DIR/evidence/<source>-<first_seen>.pcap per flagged source"),
	KU32("evidence.snaplen", evid_snaplen, 64, 2048, 128, 0,
	     "bytes of each packet kept in evidence captures (headers)"),
	KU32("evidence.packets", evid_packets, 1, 1000000, 1000, 0,
	     "packets from and to a flagged source captured after the alert"),
	KU32("evidence.source-kb", evid_source_kb, 1, 4194304, 1024, 0,
	     "KiB one source's capture may take; later packets are dropped, counted"),
	KU32("evidence.total-kb", evid_total_kb, 1, 1073741824, 1048576, 0,
	     "KiB all captures in OUTPUT.DIR/evidence may take; the oldest files are "
	     "removed first, counted"),
	KU32("evidence.sources", evid_sources, 1, 65536, 256, 0,
	     "flagged sources captured at once; the oldest makes room, counted"),
	KU32("evidence.history", evid_history, 64, 1048576, 8192, SW_CONF_POW2,
	     "probe headers each worker keeps from before a decision (the probes "
	     "that led to it), snaplen + 56 bytes each"),
	KU32("evidence.ring-size", evid_ring_size, 64, 1048576, 4096, SW_CONF_POW2,
	     "entries of each worker's evidence ring to the control thread"),
};

const unsigned sw_conf_nkeys = sizeof(sw_conf_keys) / sizeof(sw_conf_keys[0]);

_Static_assert(sizeof(sw_conf_keys) / sizeof(sw_conf_keys[0]) <= SW_CONF_MAX_KEYS,
	       "raise SW_CONF_MAX_KEYS");

const struct sw_conf_key *
sw_conf_key_find(const char *name)
{
	for (unsigned i = 0; i < sw_conf_nkeys; i++)
		if (strcmp(sw_conf_keys[i].name, name) == 0)
			return &sw_conf_keys[i];
	return NULL;
}

/* allowlist.entries: one parser for the check and the decision stage
 * (src/conf/cidr.c) */
static int
check_allow(const char *v, char *why, size_t len)
{
	struct sw_cidr c;

	return sw_cidr_parse(v, &c, why, len);
}

/* network.home: the allowlist's parser, without ports */
static int
check_home(const char *v, char *why, size_t len)
{
	struct sw_cidr c;

	if (sw_cidr_parse(v, &c, why, len) != 0)
		return -1;
	if (c.nports != 0) {
		snprintf(why, len, "a network, without ports");
		return -1;
	}
	return 0;
}


/* detect.sensitive-services: "name/port" (src/conf/services.c) */
static int
check_service(const char *v, char *why, size_t len)
{
	uint16_t port;

	return sw_services_parse(v, NULL, &port, why, len);
}

/* ---- outputs: entries ---- */

/* in SW_OUT_* bit order, indexed by enum sw_output_type */
const char *const sw_output_types[] = {
	[SW_OUTPUT_FILE] = "file", [SW_OUTPUT_UNIX] = "unix",
	[SW_OUTPUT_SYSLOG] = "syslog", [SW_OUTPUT_KAFKA] = "kafka", NULL,
};

_Static_assert(SW_OUT_FILE == 1 << SW_OUTPUT_FILE && SW_OUT_UNIX == 1 << SW_OUTPUT_UNIX &&
	       SW_OUT_SYSLOG == 1 << SW_OUTPUT_SYSLOG && SW_OUT_KAFKA == 1 << SW_OUTPUT_KAFKA,
	       "SW_OUT_* bits are 1 << enum sw_output_type");
_Static_assert(SW_EVENTS_ALERT == 1 << 0 && SW_EVENTS_STATS == 1 << 1,
	       "event_values[] are the SW_EVENTS_* bits in order");

static const char *const format_values[] = {
	[SW_FORMAT_EVE] = "eve", [SW_FORMAT_CEF] = "cef", [SW_FORMAT_LEEF] = "leef", NULL,
};
static const char *const event_values[] = { "alert", "stats", NULL };
static const char *const socktype_values[] = {
	[SW_SOCKET_STREAM] = "stream", [SW_SOCKET_DGRAM] = "dgram", NULL,
};
static const char *const transport_values[] = {
	[SW_TRANSPORT_UDP] = "udp", [SW_TRANSPORT_TCP] = "tcp", NULL,
};
/*
 * RFC 5424 section 6.2.1 facilities 0..11 by their usual syslog.h names,
 * then local0..7 (16..23). 12..15 (ntp, security, console, clock) have no
 * portable names and are left out.
 */
static const char *const facility_values[] = {
	[SW_FACILITY_KERN] = "kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
	"news", "uucp", "cron", "authpriv", "ftp",
	[SW_FACILITY_LOCAL0] = "local0", "local1", "local2", "local3", "local4",
	"local5", "local6", [SW_FACILITY_LOCAL7] = "local7", NULL,
};

#define OF(m)	.off = offsetof(struct sw_output_conf, m), \
		.size = sizeof(((struct sw_output_conf *)0)->m)

#define OU32(n, m, lo, hi, d, ty, h) \
	{ .name = n, .type = SW_CONF_U32, OF(m), .min = lo, .max = hi, .def = #d, \
	  .types = ty, .help = h }
#define OSTR(n, m, chk, fm, ty, nd, h) \
	{ .name = n, .type = SW_CONF_STR, OF(m), .check = chk, .form = fm, .def = "", \
	  .types = ty, .needs = nd, .help = h }
#define OENUM(n, m, vals, d, ty, h) \
	{ .name = n, .type = SW_CONF_ENUM, OF(m), .values = vals, .def = d, \
	  .types = ty, .help = h }

const struct sw_conf_key sw_output_keys[] = {
	/* no default: an entry must say what it is */
	{ .name = "type", .type = SW_CONF_ENUM, OF(type), .values = sw_output_types,
	  .types = SW_OUT_ALL, .help = "what the output is: file, unix, syslog or kafka" },
	OSTR("name", name, check_name,
	     "a name like \"siem\": letters, digits, '_' and '-'", SW_OUT_ALL, 0,
	     "label in statistics and telemetry; default: type and index (\"syslog1\")"),
	OENUM("format", format, format_values, "eve", SW_OUT_ALL,
	      "record format: eve (JSON), cef (ArcSight) or leef (QRadar)"),
	{ .name = "events", .type = SW_CONF_FLAGS, .flags = SW_CONF_UNIQUE, OF(events),
	  .min = 1, .max = 2, .values = event_values, .def = "alert,stats",
	  .types = SW_OUT_ALL, .help = "event types sent: alert, stats" },
	OSTR("path", path, NULL, NULL, SW_OUT_FILE | SW_OUT_UNIX, SW_OUT_FILE | SW_OUT_UNIX,
	     "file: name, relative to output.dir (\"-\" = stdout); unix: socket path"),
	OENUM("socket-type", socket_type, socktype_values, "stream", SW_OUT_UNIX,
	      "unix: stream or dgram socket"),
	OENUM("transport", transport, transport_values, "tcp", SW_OUT_SYSLOG,
	      "syslog: udp (RFC 5426) or tcp (RFC 6587 octet counting)"),
	OSTR("server", server, check_host,
	     "a host name or IP address, without port (that is port:)", SW_OUT_SYSLOG,
	     SW_OUT_SYSLOG, "syslog: collector host name or address"),
	OU32("port", port, 1, 65535, 514, SW_OUT_SYSLOG, "syslog: collector port"),
	OENUM("facility", facility, facility_values, "local5", SW_OUT_SYSLOG,
	      "syslog: facility (RFC 5424 names)"),
	OSTR("brokers", brokers, NULL, NULL, SW_OUT_KAFKA, SW_OUT_KAFKA,
	     "kafka: bootstrap brokers, \"host:port,host:port\""),
	OSTR("topic", topic, check_topic,
	     "a Kafka topic name: letters, digits, '.', '_' and '-', at most 249 bytes",
	     SW_OUT_KAFKA, SW_OUT_KAFKA, "kafka: topic the records go to"),
	{ .name = "kafka-properties", .type = SW_CONF_LIST, OF(kafka_props),
	  .max = SW_MAX_STRS, .check = check_kprop,
	  .form = "\"acks=all\" or \"compression.codec=lz4\"", .def = "",
	  .types = SW_OUT_KAFKA, .help = "kafka: extra librdkafka properties, \"key=value\"" },
	OU32("rotate-interval", rotate_interval_s, 0, 31536000, 0, SW_OUT_FILE,
	     "file: start a new file every N seconds; 0 = never"),
	OU32("rotate-size", rotate_size_mb, 0, 1048576, 0, SW_OUT_FILE,
	     "file: start a new file at N MiB; 0 = never"),
	OU32("queue", queue, 16, 16777216, 65536, SW_OUT_ALL,
	     "records queued for this output before new ones are dropped"),
	OU32("reconnect-max", reconnect_max_ms, 100, 3600000, 30000, SW_OUT_ALL,
	     "longest wait between reconnect (reopen) attempts, milliseconds"),
};

const unsigned sw_output_nkeys = sizeof(sw_output_keys) / sizeof(sw_output_keys[0]);

_Static_assert(sizeof(sw_output_keys) / sizeof(sw_output_keys[0]) <= SW_CONF_MAX_KEYS,
	       "raise SW_CONF_MAX_KEYS");

const struct sw_conf_key *
sw_output_key_find(const char *name)
{
	for (unsigned i = 0; i < sw_output_nkeys; i++)
		if (strcmp(sw_output_keys[i].name, name) == 0)
			return &sw_output_keys[i];
	return NULL;
}

unsigned
sw_output_type_bit(const char *type)
{
	for (unsigned i = 0; sw_output_types[i] != NULL; i++)
		if (strcmp(sw_output_types[i], type) == 0)
			return 1u << i;
	return 0;
}

/* "1".."65535", digits only */
static int
port_ok(const char *p)
{
	size_t nd = strspn(p, "0123456789");
	unsigned long port = 0;

	if (nd == 0 || nd > 5 || p[nd] != '\0')
		return 0;
	for (size_t i = 0; i < nd; i++)
		port = port * 10 + (unsigned long)(p[i] - '0');
	return port >= 1 && port <= 65535;
}

/* stats.prometheus.listen: "ADDR:PORT" or "[IPv6]:PORT" (RFC 3986 host syntax) */
static int
check_listen(const char *v, char *why, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned char a[16];
	const char *colon, *start = v;
	size_t alen;
	int af = AF_INET;

	if (v[0] == '[') {
		const char *close = strchr(v, ']');

		if (close == NULL || close[1] != ':') {
			snprintf(why, len, "expected \"[IPv6]:PORT\", e.g. [::1]:9100");
			return -1;
		}
		start = v + 1;
		alen = (size_t)(close - start);
		colon = close + 1;
		af = AF_INET6;
	} else {
		colon = strrchr(v, ':');
		if (colon == NULL) {
			snprintf(why, len, "no port; expected \"ADDR:PORT\", e.g. 127.0.0.1:9100");
			return -1;
		}
		alen = (size_t)(colon - v);
		if (memchr(v, ':', alen) != NULL) {
			snprintf(why, len, "an IPv6 address needs brackets, e.g. [::1]:9100");
			return -1;
		}
	}
	if (alen >= sizeof(addr)) {
		snprintf(why, len, "the address is too long to be an IP address");
		return -1;
	}
	memcpy(addr, start, alen);
	addr[alen] = '\0';
	if (inet_pton(af, addr, a) != 1) {
		snprintf(why, len, "'%s' is not an %s address (0.0.0.0 or [::] listen on all)",
			 addr, af == AF_INET6 ? "IPv6" : "IPv4");
		return -1;
	}
	if (!port_ok(colon + 1)) {
		snprintf(why, len, "port '%.8s' must be 1..65535", colon + 1);
		return -1;
	}
	return 0;
}

/* It becomes a Prometheus label value and a telemetry key: keep it plain. */
static int
check_name(const char *v, char *why, size_t len)
{
	size_t ok = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789_-");

	if (v[ok] != '\0') {
		snprintf(why, len, "only letters, digits, '_' and '-' are allowed (not '%c')",
			 v[ok] >= 0x20 && v[ok] < 0x7f ? v[ok] : '?');
		return -1;
	}
	return 0;
}

/* A host name or address; catches the common "192.0.2.1:514" */
static int
check_host(const char *v, char *why, size_t len)
{
	unsigned char a[16];

	for (const char *p = v; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '/' || *p == '[') {
			snprintf(why, len, "a host name or address has no spaces, '/' or '['");
			return -1;
		}
	}
	if (strchr(v, ':') != NULL && inet_pton(AF_INET6, v, a) != 1) {
		snprintf(why, len, "not a host name or IPv6 address; give the port as port:");
		return -1;
	}
	return 0;
}

/* Kafka's own rule for topic names: [a-zA-Z0-9._-], at most 249, not "." or "..". */
static int
check_topic(const char *v, char *why, size_t len)
{
	size_t n = strlen(v);

	if (strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n) {
		snprintf(why, len, "Kafka topic names hold only letters, digits, '.', '_' and '-'");
		return -1;
	}
	if (n > 249 || strcmp(v, ".") == 0 || strcmp(v, "..") == 0) {
		snprintf(why, len, "Kafka topic names are 1..249 bytes and not '.' or '..'");
		return -1;
	}
	return 0;
}

/* "key=value", handed to rd_kafka_conf_set() by the kafka sink */
static int
check_kprop(const char *v, char *why, size_t len)
{
	const char *eq = strchr(v, '=');
	size_t klen = eq ? (size_t)(eq - v) : 0;

	if (eq == NULL || klen == 0 ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != klen) {
		snprintf(why, len, "expected \"key=value\" with a librdkafka property name, "
			 "e.g. \"acks=all\"");
		return -1;
	}
	if ((klen == 17 && memcmp(v, "bootstrap.servers", klen) == 0) ||
	    (klen == 20 && memcmp(v, "metadata.broker.list", klen) == 0)) {
		snprintf(why, len, "set brokers: instead");
		return -1;
	}
	return 0;
}
