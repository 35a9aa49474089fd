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
	char type[16];			/* file | unix | syslog | kafka (required) */
	char name[64];			/* label in stats; default "<type><index>" */
	char format[8];			/* eve | cef | leef: what one record looks like */
	struct sw_strlist events;	/* event types sent: alert, stats */
	char path[SW_MAX_STR];		/* file: name ("-" = stdout; relative to
					 * output.dir); unix: socket path */
	char socket_type[8];		/* unix: stream | dgram */
	char transport[8];		/* syslog: udp | tcp (RFC 6587 octet counting) */
	char server[SW_MAX_STR];	/* syslog: host or address */
	uint32_t port;			/* syslog: port (514) */
	char facility[16];		/* syslog: facility name (local5) */
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
	struct sw_strlist rss_fields;	/* capture.rss-fields: ip, tcp, udp, sctp */
	uint32_t rx_desc;		/* capture.rx-descriptors */
	uint32_t burst;			/* capture.burst */
	uint32_t vxlan_port;		/* decoder.vxlan-port: 0 = none */
	uint32_t mbuf_cache;		/* capture.mempool-cache */
	char host[SW_MAX_STR];		/* host: sensor name in alerts */

	/* dpdk */
	struct sw_strlist eal_params;	/* dpdk.eal-params */

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
	char sketch_mode[16];		/* detect.mode: sketch | exact */
	uint32_t cms_width;		/* sketch.width (power of two) */
	uint32_t cms_depth;		/* sketch.depth */
	uint32_t filter_bits_log2;	/* sketch.filter-bits: log2 of filter size */
	uint32_t filter_capacity;	/* sketch.filter-capacity: contacts per window */
	struct sw_conf_timescale ts[SW_MAX_TIMESCALES]; /* windows.fast/... */
	double trw_theta0;		/* detect.trw.benign-success */
	double trw_theta1;		/* detect.trw.scanner-success */
	double trw_alpha;		/* detect.trw.false-positive */
	double trw_beta;		/* detect.trw.detection */
	uint32_t decoy_sources;		/* detect.decoy-sources */
	uint32_t distributed_sources;	/* detect.distributed-sources */
	uint32_t suppress_s;		/* alerts.suppress: seconds per (source, kind) */
	uint32_t update_s;		/* alerts.update-interval */
	struct sw_strlist allowlist;	/* allowlist.entries: CIDR[:port[,port]] */
	char allowlist_action[16];	/* allowlist.action: tag | alert-low */

	/* payload rules (see src/match/, rules/README.md) */
	char rules_enabled[8];		/* rules.enabled: yes | no */
	struct sw_strlist rule_files;	/* rules.files */
	uint32_t rule_max_bytes;	/* rules.max-bytes: payload bytes scanned */
	uint32_t match_ring_size;	/* rules.ring-size: per-worker match ring */
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
