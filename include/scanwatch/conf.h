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

struct sw_conf {
	/* capture */
	struct sw_strlist interfaces;	/* capture.interfaces / -i */
	char pcap[SW_MAX_STR];		/* capture.pcap / -r (offline) */
	uint32_t workers;		/* capture.workers: RX queues per port */
	struct sw_strlist rss_fields;	/* capture.rss-fields: ip, tcp, udp, sctp */
	uint32_t rx_desc;		/* capture.rx-descriptors */
	uint32_t burst;			/* capture.burst */
	uint32_t mbuf_cache;		/* capture.mempool-cache */
	char host[SW_MAX_STR];		/* host: sensor name in alerts */

	/* dpdk */
	struct sw_strlist eal_params;	/* dpdk.eal-params */

	/* control plane */
	uint32_t ring_size;		/* events.ring-size: per-worker ring */
	uint32_t stats_interval;	/* stats.interval, seconds; 0 = only at exit */
	char log_dir[SW_MAX_STR];	/* output.dir / -l; empty = stdout */

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
};

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
