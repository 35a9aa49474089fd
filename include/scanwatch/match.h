/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_MATCH_H
#define SW_MATCH_H

/**
 * @file
 * Payload signatures with Hyperscan (rules/README.md has the rule format).
 *
 * Three layers:
 *  - rule files → struct sw_ruleset (src/match/rules.c): parse, includes,
 *    every rule remembers its file and line;
 *  - struct sw_ruleset → struct sw_match_db (src/match/db.c): one block-mode
 *    Hyperscan database per distinct (protocol, destination port) rule set,
 *    a port → database map, a scratch per worker;
 *  - struct sw_matcher (src/match/reload.c): the current database behind an
 *    RCU pointer (rte_rcu_qsbr), reload on SIGUSR2 or the telemetry command
 *    /scanwatch/reload, compiled on a helper thread, the old database freed
 *    once every worker has passed a quiescent state.
 * Workers call sw_match_burst() (src/match/match.c) and report quiescence
 * once per loop iteration; matches go to the control thread on a per-worker
 * ring of struct sw_match_event, which carries a payload excerpt.
 */

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scanwatch/pkt.h>

struct rte_mbuf;
struct rte_ring;
struct sw_conf;
struct sw_worker;

#define SW_RULE_MSG	128	/* bytes of msg:, NUL included */
#define SW_RULE_CLASS	48
#define SW_RULE_TOOL	16
#define SW_RULE_RANGES	16	/* port ranges of one rule */
#define SW_MATCH_EXCERPT 188	/* payload bytes carried to the control thread */

/** One port range, inclusive, host order. */
struct sw_port_range {
	uint16_t lo, hi;
};

/** One parsed rule. Control-plane memory; workers never read it. */
struct sw_rule {
	uint32_t sid, rev;
	uint8_t severity;		/* 1 (highest) .. 4 */
	uint8_t proto;			/* IPPROTO_TCP, IPPROTO_UDP, or 0: any */
	uint8_t nranges;		/* 0: any port */
	unsigned hs_flags;		/* HS_FLAG_* from the pattern's flags */
	struct sw_port_range ranges[SW_RULE_RANGES];
	char classtype[SW_RULE_CLASS];
	char msg[SW_RULE_MSG];
	char tool[SW_RULE_TOOL];	/* "" or the scanner this payload names */
	char *pattern;			/* Hyperscan expression (malloc'd) */
	const char *file;		/* into sw_ruleset.files */
	unsigned line;
};

/** Every rule of a load, in file order. */
struct sw_ruleset {
	struct sw_rule *v;
	unsigned n, cap;
	char **files;			/* the files read, as named (rule.file) */
	char **canon;			/* the same, canonical (realpath) */
	unsigned nfiles;
};

/**
 * Parse a rule file (and what it includes) into rs, appending.
 * @param err  "FILE:LINE: what was wrong" on failure
 * @return 0 or a negative errno
 */
int sw_rules_load(struct sw_ruleset *rs, const char *path, char *err, size_t errlen);

/** Parse rule text (tests); name stands for the file in messages, includes
 *  are relative to the working directory. */
int sw_rules_load_string(struct sw_ruleset *rs, const char *text, const char *name,
			 char *err, size_t errlen);

void sw_rules_free(struct sw_ruleset *rs);

/** Suricata's description of a classtype ("attempted-recon" → "Attempted
 *  Information Leak"), or NULL when it is not one of Suricata's. */
const char *sw_rules_class_desc(const char *classtype);

/**
 * Parse c->rule_files and check every pattern with Hyperscan, without
 * DPDK (scanwatch -T). Resource limits that only a full compile meets are
 * not checked.
 * @param nrules  rules found
 * @return 0 or a negative errno with err set ("FILE:LINE: ...")
 */
int sw_rules_check(const struct sw_conf *c, unsigned *nrules, char *err, size_t errlen);

/* ---- compiled databases (src/match/db.c) ---- */

struct sw_match_db;

/**
 * Compile rs into per-port-group databases with one scratch per worker.
 * Takes ownership of rs's contents (rs is left empty) on success and on
 * failure alike.
 * @param err  "FILE:LINE: sid N: <Hyperscan's message>" for a bad pattern
 * @return NULL with err set
 */
struct sw_match_db *sw_match_db_build(struct sw_ruleset *rs, unsigned nworkers,
				      uint32_t max_bytes, char *err, size_t errlen);
void sw_match_db_free(struct sw_match_db *db);

/** Rule idx of db, or NULL. */
const struct sw_rule *sw_match_db_rule(const struct sw_match_db *db, uint32_t idx);
/** Total bytes of the Hyperscan databases and of one scratch. */
void sw_match_db_sizes(const struct sw_match_db *db, size_t *db_bytes, size_t *scratch_bytes);

/* ---- worker → control ---- */

/** One match, worker to control thread; fixed size, no pointers. */
struct sw_match_event {
	uint64_t ts_ns;
	struct sw_addr src, dst;
	uint16_t sport, dport;
	uint32_t gen;			/* database generation the rule index is of */
	uint32_t rule;			/* index into that database's rules */
	uint16_t match_end;		/* payload offset where the match ended */
	uint16_t excerpt_off;		/* payload offset of excerpt[0] */
	uint16_t payload_len;		/* bytes of payload in the packet */
	uint16_t excerpt_len;
	uint8_t proto;
	uint8_t worker;
	uint8_t pad[2];
	uint32_t ev_seq;		/* detection events its worker had enqueued
					 * before it: the control thread processes
					 * the match right after those */
	uint8_t excerpt[SW_MATCH_EXCERPT];
};

_Static_assert(sizeof(struct sw_match_event) == 256, "four cache lines per match");

/** A packet of the burst that carries payload. */
struct sw_match_cand {
	uint16_t pkt;			/* index into the burst's mbufs */
	uint16_t meta;			/* index into its struct sw_pkt array */
};

/** A worker's last record per (source, sid) slot: one record a second. */
#define SW_MATCH_DEDUP_LOG2 8
struct sw_match_dedup {
	struct sw_addr src;
	uint32_t sid;
	uint32_t pad;
	uint64_t ts_ns;
};

/* ---- the matcher: current database, RCU, reload (src/match/reload.c) ---- */

struct sw_matcher;

/** Per-worker matching counters (written by the worker only). */
struct sw_match_wstats {
	uint64_t scanned;		/* packets handed to hs_scan */
	uint64_t bytes;			/* bytes scanned */
	uint64_t short_skips;		/* no rule of its group matches a payload this long */
	uint64_t matches;		/* rule matches */
	uint64_t dedup;			/* matches not sent: same (source, sid) < 1 s ago */
	uint64_t ring_drops;		/* matches lost to a full match ring */
	uint64_t scan_errors;		/* hs_scan returned an error */
};

/**
 * Load and compile c->rule_files, create each worker's match ring and
 * attach the matcher to the workers (w[i]->matcher, w[i]->mring).
 * @return NULL with err set; NULL and err[0] == '\0' when matching is off
 *         (rules.enabled: no, or no rules.files)
 */
struct sw_matcher *sw_matcher_create(const struct sw_conf *c, struct sw_worker **w,
				     unsigned nw, char *err, size_t errlen);

/** Detach from the workers, free rings, databases and the RCU variable.
 *  Workers must have stopped. */
void sw_matcher_free(struct sw_matcher *m);

/** Ask for a reload (signal handlers, telemetry). Async-signal-safe. */
void sw_match_request_reload(void);

/**
 * Control thread, once per loop, after draining the match rings: start a
 * requested reload on the helper thread, swap in a compiled database, free
 * retired ones every worker has moved past.
 * @return 1 when a reload finished (well or not) in this call, else 0
 */
int sw_matcher_poll(struct sw_matcher *m);

/** Block until no reload is running and every retired database is freed
 *  (tests, shutdown). The caller drains the match rings itself in between
 *  via drain (may be NULL). */
void sw_matcher_quiesce(struct sw_matcher *m, void (*drain)(void *), void *arg);

/** The rule a match event names, or NULL if its database is gone. */
const struct sw_rule *sw_matcher_rule(const struct sw_matcher *m, uint32_t gen, uint32_t idx);

/** Counters for stats and telemetry. */
struct sw_matcher_stats {
	uint64_t reloads;		/* databases swapped in after start */
	uint64_t reload_failures;	/* reloads that kept the old database */
	uint32_t generation;
	uint32_t rules;
	uint32_t groups;
	uint64_t db_bytes;
};
void sw_matcher_stats(const struct sw_matcher *m, struct sw_matcher_stats *st);

struct sw_ctl;

/** Payload alert counters of the decision stage. */
struct sw_decide_payload_stats {
	uint64_t alerts;
	uint64_t suppressed;		/* same (source, sid) within alerts.suppress */
	uint64_t allowlisted;
	uint64_t unknown_rule;		/* the event's database was already freed */
};

/** Everything matching counts, summed over workers (stats, telemetry,
 *  Prometheus): gathered by sw_match_counters() (scanwatch/obs.h), shown
 *  through sw_payload_counters[]. */
struct sw_match_counters {
	struct sw_matcher_stats m;
	struct sw_match_wstats w;		/* sum over workers */
	uint64_t events_drained;		/* match records the control thread read */
	struct sw_decide_payload_stats alerts;
};

/** The last reload error ("" if the last reload worked), copied into buf. */
void sw_matcher_last_error(struct sw_matcher *m, char *buf, size_t len);

/**
 * Worker side: scan the payloads of a burst's candidates (packets with L4
 * payload): cand[k] names the mbuf (index into pkts) and its parse result
 * (index into meta). Lock-free, allocation-free; the worker reports a
 * quiescent state between calls.
 */
void sw_match_burst(struct sw_worker *w, struct rte_mbuf *const *pkts,
		    const struct sw_pkt *meta, const struct sw_match_cand *cand, unsigned n);

/** Worker side: register with the matcher's RCU variable (loop start),
 *  report a quiescent state (every loop iteration), go offline (loop end). */
void sw_match_worker_online(struct sw_worker *w);
void sw_match_worker_quiescent(struct sw_worker *w);
void sw_match_worker_offline(struct sw_worker *w);

/**
 * Register the DPDK telemetry command /scanwatch/reload (and
 * /scanwatch/rules, the status alone) for m.
 * @return 0 or a negative errno
 */
int sw_match_telemetry_register(struct sw_matcher *m);

/* ---- control side: the alert (src/detect/decide_pay.c) ---- */

struct sw_decide;

/**
 * Hand on the gid 1 alert record for one match (env->payload), at most one
 * per (source, sid) per alerts.suppress; feed the rule's tool to the source's scan records.
 * @param rule  the rule the event names (sw_matcher_rule), or NULL if its
 *              database is gone (the event is counted and dropped)
 */
void sw_decide_payload(struct sw_decide *dec, const struct sw_match_event *ev,
		       const struct sw_rule *rule);

void sw_decide_payload_stats(const struct sw_decide *dec, struct sw_decide_payload_stats *st);

#endif /* SW_MATCH_H */
