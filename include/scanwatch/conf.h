/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_CONF_H
#define SW_CONF_H

/**
 * @file
 * Configuration: YAML file (-c), --set key=value overrides, defaults.
 * Every key lives in one table (src/conf/keys.c) that gives its dotted name,
 * type, bounds and default, so parsing, validation, --dump-config and the
 * documentation of keys cannot drift apart.
 */

#include <stdint.h>
#include <stdio.h>

#define SW_MAX_PORTS	  8	/* -i devices */
#define SW_MAX_STRS	  32	/* entries of a string list */
#define SW_MAX_STR	  256	/* bytes of one string value */
#define SW_MAX_TIMESCALES 3	/* fast, medium, slow */
#define SW_MAX_OUTPUTS	  16	/* entries of the outputs: list */

/** A list of strings (eal-params, interfaces, allowlist ...). */
struct sw_strlist {
	unsigned n;
	char v[SW_MAX_STRS][SW_MAX_STR];
};

/*
 * Enumerations are stored as these values, read once from their names at
 * load; the names (src/conf/keys.c) are in the same order.
 */

/** outputs: type; SW_OUTPUT_NONE until an entry says what it is */
enum sw_output_type {
	SW_OUTPUT_NONE = -1,
	SW_OUTPUT_FILE,
	SW_OUTPUT_UNIX,
	SW_OUTPUT_SYSLOG,
	SW_OUTPUT_KAFKA,
};

/** outputs: format, what one record looks like */
enum sw_output_format {
	SW_FORMAT_EVE,		/* Suricata EVE JSON */
	SW_FORMAT_CEF,		/* ArcSight CEF */
	SW_FORMAT_LEEF,		/* QRadar LEEF */
};

/** outputs: events, as bits */
#define SW_EVENTS_ALERT	0x1
#define SW_EVENTS_STATS	0x2

/** outputs: socket-type of a unix output */
enum sw_socket_type {
	SW_SOCKET_STREAM,
	SW_SOCKET_DGRAM,
};

/** outputs: transport of a syslog output */
enum sw_transport {
	SW_TRANSPORT_UDP,	/* RFC 5426 */
	SW_TRANSPORT_TCP,	/* RFC 6587 octet counting */
};

/**
 * outputs: facility of a syslog output, by RFC 5424 name: codes 0..11 in
 * order, then local0..7 (codes 16..23, which the syslog sink maps to).
 */
enum sw_facility {
	SW_FACILITY_KERN, SW_FACILITY_USER, SW_FACILITY_MAIL, SW_FACILITY_DAEMON,
	SW_FACILITY_AUTH, SW_FACILITY_SYSLOG, SW_FACILITY_LPR, SW_FACILITY_NEWS,
	SW_FACILITY_UUCP, SW_FACILITY_CRON, SW_FACILITY_AUTHPRIV, SW_FACILITY_FTP,
	SW_FACILITY_LOCAL0, SW_FACILITY_LOCAL1, SW_FACILITY_LOCAL2, SW_FACILITY_LOCAL3,
	SW_FACILITY_LOCAL4, SW_FACILITY_LOCAL5, SW_FACILITY_LOCAL6, SW_FACILITY_LOCAL7,
};

/** capture.rss-fields, as bits */
#define SW_RSS_IP	0x1
#define SW_RSS_TCP	0x2
#define SW_RSS_UDP	0x4
#define SW_RSS_SCTP	0x8

/** detect.mode */
enum sw_detect_mode {
	SW_MODE_SKETCH,		/* fixed memory */
	SW_MODE_EXACT,		/* hash tables, for tests */
};

/** allowlist.action */
enum sw_allow_action {
	SW_ALLOW_TAG,		/* counted as allowlisted; no alert sent */
	SW_ALLOW_ALERT_LOW,	/* alert at the lowest severity */
};

/** Which way a scan or probe went, from network.home (alerts carry it). */
enum sw_direction {
	SW_DIR_OUTBOUND,	/* a home host to the outside: the abuse desk's case */
	SW_DIR_INBOUND,		/* the outside to a home host */
	SW_DIR_INTERNAL,	/* home to home */
	SW_DIR_EXTERNAL,	/* neither end at home (transit, a tap's far side) */
	SW_DIR__MAX
};

extern const char *const sw_direction_names[SW_DIR__MAX];

/** alerts.<direction>: what alerts of that direction get */
enum sw_dir_policy {
	SW_POLICY_ALERT,	/* as decided */
	SW_POLICY_RAISE,	/* one severity step up (never above 1) */
	SW_POLICY_LOWER,	/* the lowest severity, 4 */
	SW_POLICY_OFF,		/* decided and counted, not written */
};

/** yes/no keys (rules.enabled) */
enum sw_yesno {
	SW_YES,
	SW_NO,
};

/** Thresholds of one time scale ("fast", "medium", "slow"). */
struct sw_conf_timescale {
	uint32_t window_s;	/* per-cell tumbling window length, seconds */
	uint32_t ports;		/* distinct ports on one target → portscan */
	uint32_t targets;	/* distinct targets on one port → portsweep */
	uint32_t contacts;	/* distinct (target, port) → block scan */
	uint32_t icmp_targets;	/* distinct echo targets → ICMP sweep */
	uint32_t protos;	/* distinct IP protocols → IP protocol scan */
};

/**
 * One entry of the YAML `outputs:` list: a sink instance. Keys that do not
 * apply to the entry's type keep their defaults and are ignored (validation
 * rejects ones that are set but meaningless, e.g. `topic` on a file).
 */
struct sw_output_conf {
	enum sw_output_type type;	/* file | unix | syslog | kafka (required) */
	char name[64];			/* label in stats; default "<type><index>" */
	enum sw_output_format format;	/* eve | cef | leef */
	unsigned events;		/* SW_EVENTS_*: event types sent */
	char path[SW_MAX_STR];		/* file: name ("-" = stdout; relative to
					 * output.dir); unix: socket path */
	enum sw_socket_type socket_type; /* unix: stream | dgram */
	enum sw_transport transport;	/* syslog: udp | tcp */
	char server[SW_MAX_STR];	/* syslog: host or address */
	uint32_t port;			/* syslog: port (514) */
	enum sw_facility facility;	/* syslog: facility (local5) */
	char brokers[SW_MAX_STR];	/* kafka: bootstrap.servers */
	char topic[SW_MAX_STR];		/* kafka: topic */
	struct sw_strlist kafka_props;	/* kafka: extra librdkafka "key=value" */
	uint32_t rotate_interval_s;	/* file: rotate every N seconds; 0 = off */
	uint32_t rotate_size_mb;	/* file: rotate at N MiB; 0 = off */
	uint32_t queue;			/* bounded queue of records to this sink */
	uint32_t reconnect_max_ms;	/* longest wait between reconnect attempts */
};

struct sw_conf {
	/* capture */
	struct sw_strlist interfaces;	/* capture.interfaces / -i */
	char pcap[SW_MAX_STR];		/* capture.pcap / -r (offline) */
	char pcap2[SW_MAX_STR];		/* capture.pcap2 / a second -r: the other
					 * direction of a two-port tap */
	uint32_t workers;		/* capture.workers: RX queues per port */
	unsigned rss_fields;		/* capture.rss-fields: SW_RSS_* */
	uint32_t rx_desc;		/* capture.rx-descriptors */
	uint32_t afp_frames;		/* capture.af-packet-frames: net_af_packet
					 * kernel ring (framecnt) per queue */
	uint32_t burst;			/* capture.burst */
	uint32_t vxlan_port;		/* decoder.vxlan-port: 0 = none */
	uint32_t mbuf_cache;		/* capture.mempool-cache */
	char host[SW_MAX_STR];		/* host: sensor name in alerts */

	/* dpdk */
	struct sw_strlist eal_params;	/* dpdk.eal-params */

	/* process: once the ports are up (src/priv/) */
	char run_as[SW_MAX_STR];	/* process.user: "" = stay who we started as */
	enum sw_yesno drop_caps;	/* process.drop-capabilities */

	/* control plane */
	uint32_t ring_size;		/* events.ring-size: per-worker ring */
	uint32_t stats_interval;	/* stats.interval, seconds; 0 = only at exit */
	char log_dir[SW_MAX_STR];	/* output.dir / -l; empty = stdout */
	uint32_t flush_timeout_ms;	/* output.flush-timeout: shutdown grace per sink */
	unsigned n_outputs;		/* outputs: entries; 0 = one eve file (or stdout) */
	struct sw_output_conf outputs[SW_MAX_OUTPUTS];
	char prom_listen[SW_MAX_STR];	/* stats.prometheus.listen: "addr:port"; "" = off */
	char rule_cache_dir[SW_MAX_STR];	/* rules.cache-dir: "auto", a directory or "" */

	/* detection (see src/detect/) */
	enum sw_detect_mode sketch_mode; /* detect.mode: sketch | exact */
	uint32_t cms_width;		/* sketch.width (power of two) */
	uint32_t cms_depth;		/* sketch.depth */
	uint32_t filter_bits_log2;	/* sketch.filter-bits: log2 of filter size */
	uint32_t filter_capacity;	/* sketch.filter-capacity: contacts per window */
	uint32_t sketch_seed;		/* sketch.seed: 0 = random per start */
	struct sw_conf_timescale ts[SW_MAX_TIMESCALES]; /* windows.fast/... */
	double trw_theta0;		/* detect.trw.benign-success */
	double trw_theta1;		/* detect.trw.scanner-success */
	double trw_alpha;		/* detect.trw.false-positive */
	double trw_beta;		/* detect.trw.detection */
	double trw_timeout_s;		/* detect.trw.timeout: unanswered = failed; 0 off */
	uint32_t decoy_sources;		/* detect.decoy-sources */
	uint32_t distributed_sources;	/* detect.distributed-sources */
	uint32_t heavy_sample;		/* detect.heavy-sample */
	uint32_t heavy_sample_from;	/* detect.heavy-sample-from */
	struct sw_strlist services;	/* detect.sensitive-services: "name/port" */
	uint32_t hammer_repeats;	/* detect.hammering.repeats */
	uint32_t hammer_window_s;	/* detect.hammering.window */
	uint32_t suppress_s;		/* alerts.suppress: seconds per (source, kind) */
	uint32_t update_s;		/* alerts.update-interval */
	struct sw_strlist allowlist;	/* allowlist.entries: CIDR[:port[,port]] */
	enum sw_allow_action allowlist_action; /* allowlist.action: tag | alert-low */
	struct sw_strlist home;		/* network.home: CIDRs of our own hosts */
	enum sw_dir_policy dir_policy[SW_DIR__MAX]; /* alerts.outbound ... */

	/* payload rules (see src/match/, rules/README.md) */
	enum sw_yesno rules_enabled;	/* rules.enabled: yes | no */
	struct sw_strlist rule_files;	/* rules.files */
	uint32_t rule_max_bytes;	/* rules.max-bytes: payload bytes scanned */
	uint32_t match_ring_size;	/* rules.ring-size: per-worker match ring */

	/* evidence captures (src/worker/evidence.c, src/ctl/evidence.c) */
	enum sw_yesno evid_enabled;	/* evidence.enabled: with output.dir only */
	uint32_t evid_snaplen;		/* evidence.snaplen: bytes kept per packet */
	uint32_t evid_packets;		/* evidence.packets: after the flag, per source */
	uint32_t evid_source_kb;	/* evidence.source-kb: one file's budget */
	uint32_t evid_total_kb;		/* evidence.total-kb: all files' budget */
	uint32_t evid_sources;		/* evidence.sources: captured at once */
	uint32_t evid_history;		/* evidence.history: probe records per worker */
	uint32_t evid_ring_size;	/* evidence.ring-size: per-worker ring */
};

/** Fill one outputs: entry with the defaults of its keys (type left empty). */
void sw_output_conf_defaults(struct sw_output_conf *o);

/** Fill c with the defaults. */
void sw_conf_defaults(struct sw_conf *c);

/**
 * Read a YAML file into c (on top of what c holds).
 * @param err  receives "FILE line N: key: what was expected" on failure
 * @return 0, or -EINVAL / -errno
 */
int sw_conf_load_file(struct sw_conf *c, const char *path, char *err, size_t errlen);

/** Same, from a string (tests); name is used in messages. */
int sw_conf_load_string(struct sw_conf *c, const char *yaml, const char *name,
			char *err, size_t errlen);

/**
 * Apply one "dotted.key=value" override. Lists take a comma-separated value.
 * "outputs.N.key=value" sets a key of outputs entry N (N = n_outputs appends
 * an entry with the defaults); "outputs=" or "outputs=[]" empties the list.
 * @return 0 or -EINVAL with err naming the key and the expected form
 */
int sw_conf_set(struct sw_conf *c, const char *kv, char *err, size_t errlen);

/** Cross-field checks (power of two, window/slot divisibility ...). */
int sw_conf_validate(const struct sw_conf *c, char *err, size_t errlen);

/** Write YAML that sw_conf_load_* reads back to an identical struct. */
int sw_conf_dump(const struct sw_conf *c, FILE *out);

/** Names of the time scales in order: "fast", "medium", "slow". */
extern const char *const sw_timescale_names[SW_MAX_TIMESCALES];

#endif /* SW_CONF_H */
