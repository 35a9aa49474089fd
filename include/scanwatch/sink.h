/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_SINK_H
#define SW_SINK_H

/**
 * @file
 * Outputs: where alerts and stats events go. The control thread formats
 * each event once (EVE JSON plus the key fields in struct sw_alert) and
 * hands it to every configured sink. Each sink has its own bounded queue
 * and its own writer thread, so a sink that is down or slow can only fill
 * its own queue: it never stalls the other sinks, the control thread or the
 * workers. A full queue drops the newest record and counts it; a sink that
 * is down is reconnected with exponential backoff; at shutdown every queue
 * is drained for up to output.flush-timeout and what is left is counted.
 *
 * A sink is a const ops table (STYLE.md); src/alert/outputs.c lists them.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scanwatch/conf.h>

/** What kind of event a record carries. */
enum sw_rec_type {
	SW_REC_ALERT,
	SW_REC_STATS,
};

/**
 * The key fields of one event, copied next to its EVE JSON so that sinks
 * that need them (syslog structured data, CEF, LEEF, the Kafka key) never
 * parse JSON. Strings are NUL-terminated and may hold bytes from the wire:
 * every format escapes them.
 */
struct sw_alert {
	enum sw_rec_type type;
	uint64_t ts_ns;			/* event time, ns since the epoch */
	char host[SW_MAX_STR];		/* sensor name ("" = none) */
	/* alerts only below */
	char src_ip[64], dest_ip[64];
	uint16_t dest_port;		/* 0: none (ICMP, sweeps of many ports) */
	char proto[16];			/* "TCP", "UDP", "ICMP", ... */
	uint32_t gid, sid, rev;
	uint8_t severity;		/* 1 (highest) .. 4 */
	char signature[128];
	char category[64];
	char kind[32];			/* metadata.scan.kind, or "payload" */
	char technique[16];
	char tool[32];
	uint32_t update;		/* 0: first alert of this scan */
	/* scan alerts only ("" / 0 otherwise; sinks leave them out) */
	char intent[16];		/* looking | knob-rattling | hammering */
	char services[192];		/* "smb/445,rdp/3389": sensitive services touched */
	uint32_t repeats;		/* hammering: attempts on the target */
	bool fragmented;		/* the probes came as IP fragments */
};

/** Per-sink counters. Written by the sink's thread, read by anyone (relaxed). */
struct sw_sink_counters {
	uint64_t enqueued;		/* records accepted into the queue */
	uint64_t written;		/* handed to the transport */
	uint64_t delivered;		/* confirmed by the peer (Kafka delivery
					 * reports); other sinks: = written */
	uint64_t bytes;			/* bytes written */
	uint64_t drop_queue_full;	/* queue full: record never queued */
	uint64_t drop_error;		/* transport refused it or delivery failed */
	uint64_t drop_shutdown;		/* still queued when the flush timeout ran out */
	uint64_t skipped;		/* not for this sink (event type, format) */
	uint64_t connects;		/* successful (re)connects */
	uint64_t connect_failures;
	uint64_t disconnects;		/* connection lost while writing */
	uint64_t resent;		/* syslog/tcp: records sent again after a
					 * reconnect because the lost connection
					 * may not have delivered them (at most
					 * this many duplicates at the collector) */
	uint64_t unconfirmed;		/* syslog/tcp: of drop_shutdown, records
					 * sent on a connection that was lost or
					 * stalled: possibly delivered all the same */
	uint32_t depth;			/* records in the queue now */
	uint32_t up;			/* 1: connected / open */
};

/**
 * One row per sink counter: the EVE stats event, telemetry and Prometheus all
 * walk this table, so a counter added to struct sw_sink_counters and here
 * shows up everywhere under one name.
 */
struct sw_sink_field {
	const char *name;		/* EVE and telemetry key: "drop_queue_full" */
	const char *prom;		/* Prometheus name after scanwatch_sink_ */
	const char *label;		/* Prometheus: the reason label of
					 * scanwatch_sink_dropped_total; NULL = own metric */
	const char *help;
	size_t off;			/* offsetof(struct sw_sink_counters, ...) */
	bool gauge;			/* uint32_t gauge; else uint64_t counter */
};

extern const struct sw_sink_field sw_sink_fields[];
extern const unsigned sw_sink_nfields;

/** Value of field f in c. */
uint64_t sw_sink_field_get(const struct sw_sink_counters *c, const struct sw_sink_field *f);

/** Sink write results besides 0 (written). */
#define SW_SINK_DOWN	(-ENOTCONN)	/* transport lost: keep the record,
					 * close, reconnect with backoff, retry */
#define SW_SINK_REJECT	(-EMSGSIZE)	/* this record can never be written: drop
					 * it (counted in drop_error) */

/**
 * The sink confirms delivery later and counts delivered and failed records
 * itself (on the counters it gets in open); outputs.c leaves delivered alone.
 */
#define SW_SINK_F_CONFIRMS	1

/**
 * A sink type. All functions run on the sink's own thread, except open,
 * which runs at start-up to report configuration errors early.
 */
struct sw_sink_ops {
	const char *name;		/* "file", "unix", "syslog", "kafka": the YAML type */
	unsigned flags;			/* SW_SINK_F_* */
	/**
	 * Check cfg and set up (no connection yet: connect does that).
	 * @param cnt  the sink's counters, for sinks that learn of deliveries
	 *             later (Kafka); everything else is counted by outputs.c
	 * @return 0 or a negative errno with err naming the output and the fix
	 */
	int (*open)(const struct sw_output_conf *cfg, const struct sw_conf *conf,
		    struct sw_sink_counters *cnt, void **ctx, char *err, size_t errlen);
	/** Connect or (re)open. @return 0, or negative errno (retried with backoff) */
	int (*connect)(void *ctx);
	/** Close the connection after a failure (connect is called again later). */
	void (*disconnect)(void *ctx);
	/** Write one record. @return 0, SW_SINK_DOWN or SW_SINK_REJECT */
	int (*write)(void *ctx, const struct sw_alert *a, const char *json, size_t len);
	/** Push out buffered data; also called when idle. @return 0 or SW_SINK_DOWN */
	int (*flush)(void *ctx);
	/** SIGHUP: reopen files that logrotate moved. May be NULL. */
	int (*reopen)(void *ctx);
	/**
	 * Shutdown: wait up to timeout_ms for in-flight data to be confirmed
	 * (Kafka). May be NULL. @return records given up on (added to drop_shutdown)
	 */
	uint64_t (*drain)(void *ctx, unsigned timeout_ms);
	void (*close)(void *ctx);
};

extern const struct sw_sink_ops sw_sink_file;
extern const struct sw_sink_ops sw_sink_unix;
extern const struct sw_sink_ops sw_sink_syslog;
extern const struct sw_sink_ops sw_sink_kafka;

struct sw_outputs;

/**
 * Open every output of c (or the default: eve.json in output.dir, or stdout)
 * and start their threads.
 * @return NULL with err set ("outputs[2] (syslog): ...")
 */
struct sw_outputs *sw_outputs_open(const struct sw_conf *c, char *err, size_t errlen);

/**
 * Hand one event to every sink that takes it. Never blocks on I/O: a sink
 * whose queue is full counts the drop. Control thread only.
 */
void sw_outputs_emit(struct sw_outputs *o, const struct sw_alert *a,
		     const char *json, size_t len);

/** SIGHUP: every sink reopens its files. */
void sw_outputs_reopen(struct sw_outputs *o);

/** Number of sinks. */
unsigned sw_outputs_count(const struct sw_outputs *o);

/** Name and type of sink i ("syslog0", "syslog"), or NULL past the end. */
const char *sw_outputs_name(const struct sw_outputs *o, unsigned i, const char **type);

/** Snapshot of sink i's counters (any thread). */
void sw_outputs_counters(const struct sw_outputs *o, unsigned i, struct sw_sink_counters *out);

/**
 * Drain every queue for up to output.flush-timeout (all sinks in parallel),
 * count what is left as dropped and stop the threads. Counters stay
 * readable until sw_outputs_free. Idempotent.
 */
void sw_outputs_stop(struct sw_outputs *o);

/** Stop (if not yet) and free everything. */
void sw_outputs_free(struct sw_outputs *o);

/**
 * sw_outputs_stop, then one line on stderr per sink that dropped anything
 * (nothing is lost silently), then sw_outputs_free.
 */
void sw_outputs_close(struct sw_outputs *o);

/* ---- record formats (src/alert/format.c) ---- */

/**
 * CEF (ArcSight Common Event Format, rev. 25): header fields escape | and \,
 * extension values escape \, = and write newlines as \n \r; what CEF cannot
 * carry (controls, invalid UTF-8) becomes U+FFFD (src/alert/format.h).
 * 4 KiB always holds a whole record.
 * @return bytes written, excluding the NUL: always < cap (cap > 0) and
 *         always NUL-terminated; a record that does not fit is cut between
 *         whole characters and escapes (unlike snprintf, never the length
 *         it would have had)
 */
size_t sw_fmt_cef(char *buf, size_t cap, const struct sw_alert *a);

/** LEEF 2.0 (IBM QRadar), '^'-delimited attributes (declared in the header);
 * a '^' or control in a value becomes U+FFFD. Same contract as sw_fmt_cef. */
size_t sw_fmt_leef(char *buf, size_t cap, const struct sw_alert *a);

#endif /* SW_SINK_H */
