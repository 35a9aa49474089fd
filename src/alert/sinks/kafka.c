/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kafka output through librdkafka: one producer per outputs: entry, one
 * message per event. Key = the scanner address (alerts) or the sensor name
 * (stats), so every alert about one scanner lands in one partition, in
 * order; value = the record exactly as formatted; header event_type.
 *
 * librdkafka owns the connection: it connects, reconnects and retries by
 * itself and keeps its own bounded queue, so this sink never holds a record
 * back (see kafka_write). Deliveries are confirmed later by delivery
 * reports, served with rd_kafka_poll() on the sink's thread in write, flush
 * and drain; the report callback counts delivered and failed records on the
 * counters outputs.c handed to open (SW_SINK_F_CONFIRMS).
 *
 * Accounting: every record that write accepts (returns 0 for) ends in
 * exactly one of delivered, drop_error (delivery failed, or the producer
 * died) or the count drain returns (still unconfirmed at shutdown, added to
 * drop_shutdown by outputs.c). `inflight` tracks the records not yet
 * settled so nothing is counted twice or lost between the three.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include <scanwatch/conf.h>
#include <scanwatch/sink.h>

/* How long drain may spend, past its timeout, collecting the reports of
 * the records it purged: they are queued at once, so this is slack. */
#define PURGE_WAIT_MS	500

struct kafka {
	rd_kafka_t *rk;			/* NULL between a fatal error and reconnect */
	rd_kafka_topic_t *rkt;
	rd_kafka_conf_t *conf;		/* checked template: each producer gets a copy */
	struct sw_sink_counters *cnt;	/* outputs.c's; we add delivered, drop_error */
	char name[64];
	char topic[SW_MAX_STR];

	/* Everything below is touched only on the sink's thread: the delivery
	 * report and error callbacks run inside rd_kafka_poll/flush there. */
	uint64_t inflight;		/* accepted by write, not yet settled */
	uint64_t given_up;		/* purged at shutdown (reported by drain) */
	bool draining;			/* purge reports count as given_up */
	bool settled;			/* drain/disconnect settled everything: later
					 * reports (from rd_kafka_destroy) are ignored */
	bool fatal;			/* this producer instance is unusable */
	rd_kafka_resp_err_t last_dr_err; /* log a failure once per run of it */
	rd_kafka_resp_err_t last_err;	/* same for client errors */
	bool queue_full_logged;		/* since the last record it took */
	rd_kafka_resp_err_t last_refused; /* same, for records produce refused */
};

static void
count(uint64_t *c, uint64_t n)
{
	/* outputs.c and the stats thread read these without a lock */
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static void
on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct kafka *k = opaque;

	(void)rk;
	if (k->settled || k->inflight == 0)
		return;
	k->inflight--;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		count(&k->cnt->delivered, 1);
		/* After an outage was reported, say it is over, so that the
		 * next one is reported too. */
		if (k->last_dr_err != RD_KAFKA_RESP_ERR_NO_ERROR ||
		    k->last_err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
			fprintf(stderr, "scanwatch: kafka output %s: delivering again\n", k->name);
			k->last_dr_err = RD_KAFKA_RESP_ERR_NO_ERROR;
			k->last_err = RD_KAFKA_RESP_ERR_NO_ERROR;
		}
		return;
	}
	if (k->draining && (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
			    m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)) {
		k->given_up++;
		return;
	}
	count(&k->cnt->drop_error, 1);
	/* One line per run of the same failure, not one per record: a broker
	 * outage past message.timeout.ms fails every queued record at once. */
	if (m->err != k->last_dr_err)
		fprintf(stderr, "scanwatch: kafka output %s: delivery to topic %s failed: %s "
			"(this and further failures are counted in drop_error)\n",
			k->name, k->topic, rd_kafka_err2str(m->err));
	k->last_dr_err = m->err;
}

static void
on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct kafka *k = opaque;
	char why[512];

	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		/* Only the idempotent producer raises these (e.g. the broker
		 * lost our producer state): this instance will accept nothing
		 * more, so write reports the sink down and reconnect builds a
		 * new producer. */
		rd_kafka_fatal_error(rk, why, sizeof(why));
		fprintf(stderr, "scanwatch: kafka output %s: fatal producer error: %s; "
			"starting a new producer\n", k->name, why);
		k->fatal = true;
		return;
	}
	/* Everything else is informational: librdkafka recovers by itself. */
	if (err != (int)k->last_err)
		fprintf(stderr, "scanwatch: kafka output %s: %s\n", k->name, reason);
	k->last_err = err;
}

static void
on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	struct kafka *k = rd_kafka_opaque(rk);

	/* Errors reach on_error too (once per run); the log repeats them on
	 * every reconnect attempt. Keep the warnings librdkafka thinks worth
	 * a line (configuration warnings, for one). */
	if (level > 4 || strcmp(fac, "FAIL") == 0 || strcmp(fac, "ERROR") == 0 ||
	    strcmp(fac, "FATAL") == 0)
		return;
	fprintf(stderr, "scanwatch: kafka output %s: %s: %s\n",
		k != NULL ? k->name : "?", fac, buf);
}

/* Properties whose change would break the counting above. */
static const char *const locked_props[] = {
	"delivery.report.only.error",	/* no reports for successes */
	"dr_cb", "dr_msg_cb", "error_cb", "log_cb", "opaque",
	"transactional.id",		/* produce would need transactions */
};

/* The value the user's kafka-properties give key (the last one wins, as
 * they are applied in order), or NULL. */
static const char *
user_value(const struct sw_output_conf *cfg, const char *key)
{
	size_t n = strlen(key);
	const char *v = NULL;

	for (unsigned i = 0; i < cfg->kafka_props.n; i++)
		if (strncmp(cfg->kafka_props.v[i], key, n) == 0 &&
		    cfg->kafka_props.v[i][n] == '=')
			v = cfg->kafka_props.v[i] + n + 1;
	return v;
}

/* Did the user ask for acks that idempotence cannot give (0 or 1)? */
static bool
weaker_acks(const struct sw_output_conf *cfg)
{
	const char *v = user_value(cfg, "acks");

	if (v == NULL)
		v = user_value(cfg, "request.required.acks");
	return v != NULL && strcmp(v, "all") != 0 && strcmp(v, "-1") != 0;
}

static int
build_conf(struct kafka *k, const struct sw_output_conf *cfg, char *err, size_t errlen)
{
	/*
	 * Defaults for an alert stream: few, valuable records. They come
	 * first so that kafka-properties override any of them.
	 * - enable.idempotence (implies acks=all, bounded in-flight): a record
	 *   counted as delivered is on every in-sync replica, and retries
	 *   neither duplicate nor reorder a scanner's alerts. A user who sets
	 *   acks to 0 or 1 gets a plain producer instead of a clash.
	 * - linger.ms 100: alerts come a few per second; batching them for a
	 *   tenth of a second costs nothing a SOC can see.
	 * - message.timeout.ms 300000: records wait out a broker restart (up to
	 *   queue.buffering.max.messages of them), then fail and are counted;
	 *   never an unbounded wait.
	 * - compression lz4: EVE JSON lines shrink several-fold, cheaply.
	 * - reconnect.backoff.max.ms: the output's reconnect-max, as for the
	 *   other sinks.
	 */
	char backoff[16];
	struct { const char *key, *val; } defaults[] = {
		{ "bootstrap.servers", cfg->brokers },
		{ "client.id", "scanwatch" },
		{ "enable.idempotence", "true" },
		{ "linger.ms", "100" },
		{ "message.timeout.ms", "300000" },
		{ "compression.type", "lz4" },
		{ "reconnect.backoff.max.ms", backoff },
	};
	bool plain = weaker_acks(cfg) && user_value(cfg, "enable.idempotence") == NULL;
	char why[256];

	snprintf(backoff, sizeof(backoff), "%u",
		 cfg->reconnect_max_ms > 0 ? cfg->reconnect_max_ms : 10000);
	k->conf = rd_kafka_conf_new();
	if (k->conf == NULL) {
		snprintf(err, errlen, "out of memory for the librdkafka configuration");
		return -ENOMEM;
	}
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		if (plain && strcmp(defaults[i].key, "enable.idempotence") == 0)
			continue;
		if (rd_kafka_conf_set(k->conf, defaults[i].key, defaults[i].val,
				      why, sizeof(why)) != RD_KAFKA_CONF_OK) {
			snprintf(err, errlen, "%s=%s: %s (check brokers and reconnect-max)",
				 defaults[i].key, defaults[i].val, why);
			return -EINVAL;
		}
	}

	for (unsigned i = 0; i < cfg->kafka_props.n; i++) {
		const char *kv = cfg->kafka_props.v[i];
		const char *eq = strchr(kv, '=');
		char key[SW_MAX_STR];

		if (eq == NULL || eq == kv) {
			snprintf(err, errlen, "kafka-properties '%s': expected key=value "
				 "(librdkafka's CONFIGURATION.md lists the keys)", kv);
			return -EINVAL;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
		for (size_t j = 0; j < sizeof(locked_props) / sizeof(locked_props[0]); j++)
			if (strcmp(key, locked_props[j]) == 0) {
				snprintf(err, errlen, "kafka-properties '%s': %s cannot be set "
					 "here (scanwatch counts deliveries from every "
					 "delivery report); remove it", kv, key);
				return -EINVAL;
			}
		if (rd_kafka_conf_set(k->conf, key, eq + 1, why, sizeof(why)) != RD_KAFKA_CONF_OK) {
			snprintf(err, errlen, "kafka-properties '%s': %s", kv, why);
			return -EINVAL;
		}
	}

	rd_kafka_conf_set_opaque(k->conf, k);
	rd_kafka_conf_set_dr_msg_cb(k->conf, on_delivery);
	rd_kafka_conf_set_error_cb(k->conf, on_error);
	rd_kafka_conf_set_log_cb(k->conf, on_log);
	return 0;
}

/* A new producer and topic handle from the checked template. */
static int
start_producer(struct kafka *k, char *err, size_t errlen)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_dup(k->conf);
	char why[256];

	if (conf == NULL) {
		snprintf(err, errlen, "out of memory for the librdkafka configuration");
		return -ENOMEM;
	}
	k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	if (k->rk == NULL) {
		rd_kafka_conf_destroy(conf);	/* not taken on failure */
		snprintf(err, errlen, "cannot create the Kafka producer: %s "
			 "(check kafka-properties)", why);
		return -EINVAL;
	}
	k->rkt = rd_kafka_topic_new(k->rk, k->topic, NULL);
	if (k->rkt == NULL) {
		snprintf(err, errlen, "cannot use topic '%s': %s", k->topic,
			 rd_kafka_err2str(rd_kafka_last_error()));
		rd_kafka_destroy(k->rk);
		k->rk = NULL;
		return -EINVAL;
	}
	k->fatal = false;
	k->settled = false;
	k->last_err = RD_KAFKA_RESP_ERR_NO_ERROR;
	return 0;
}

static void
stop_producer(struct kafka *k)
{
	if (k->rkt != NULL)
		rd_kafka_topic_destroy(k->rkt);
	if (k->rk != NULL)
		rd_kafka_destroy(k->rk);
	k->rkt = NULL;
	k->rk = NULL;
}

static void kafka_close(void *ctx);

static int
kafka_open(const struct sw_output_conf *cfg, const struct sw_conf *conf,
	   struct sw_sink_counters *cnt, void **ctx, char *err, size_t errlen)
{
	struct kafka *k;
	int rc;

	(void)conf;
	if (cfg->brokers[0] == '\0') {
		snprintf(err, errlen, "brokers is required: the Kafka bootstrap servers "
			 "as host:port[,host:port...]");
		return -EINVAL;
	}
	if (cfg->topic[0] == '\0') {
		snprintf(err, errlen, "topic is required: the Kafka topic to produce to");
		return -EINVAL;
	}
	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	k->cnt = cnt;
	snprintf(k->name, sizeof(k->name), "%s", cfg->name[0] ? cfg->name : "kafka");
	snprintf(k->topic, sizeof(k->topic), "%s", cfg->topic);

	rc = build_conf(k, cfg, err, errlen);
	if (rc == 0)
		rc = start_producer(k, err, errlen);
	if (rc < 0) {
		kafka_close(k);
		return rc;
	}
	*ctx = k;
	return 0;
}

/* librdkafka connects, and reconnects, by itself: nothing to wait for.
 * After a fatal error, though, the producer has to be built anew. */
static int
kafka_connect(void *ctx)
{
	struct kafka *k = ctx;
	char err[512];

	if (k->rk != NULL)
		return 0;
	if (start_producer(k, err, sizeof(err)) < 0) {
		fprintf(stderr, "scanwatch: kafka output %s: %s\n", k->name, err);
		return -ENOTCONN;
	}
	return 0;
}

/*
 * Called after write or flush reported the sink down, which only a fatal
 * producer error does, and at shutdown after drain (nothing is left then).
 * The records this instance still holds can no longer be delivered by it:
 * purge them, count them as failed, and drop the instance; connect builds
 * the next one.
 */
static void
kafka_disconnect(void *ctx)
{
	struct kafka *k = ctx;

	if (k->rk == NULL)
		return;
	rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
	rd_kafka_flush(k->rk, PURGE_WAIT_MS);	/* serve their reports: drop_error */
	count(&k->cnt->drop_error, k->inflight);
	k->inflight = 0;
	k->settled = true;
	stop_producer(k);
}

static rd_kafka_resp_err_t
produce(struct kafka *k, const struct sw_alert *a, const char *json, size_t len)
{
	const char *key = a->type == SW_REC_STATS ? a->host : a->src_ip;
	const char *type = a->type == SW_REC_STATS ? "stats" : "alert";
	size_t keylen = strlen(key);

	/* A stats event from a sensor without a name has no key: librdkafka
	 * then spreads them over the partitions, which is fine for them. */
	return rd_kafka_producev(k->rk,
		RD_KAFKA_V_RKT(k->rkt),
		RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		RD_KAFKA_V_VALUE((void *)json, len),
		RD_KAFKA_V_KEY(keylen ? key : NULL, keylen),
		RD_KAFKA_V_HEADER("event_type", type, -1),
		RD_KAFKA_V_END);
}

/*
 * Hand one record to librdkafka. Never blocks: a full librdkafka queue
 * (queue.buffering.max.messages or .kbytes, i.e. the brokers have been
 * unreachable for a while or cannot keep up) serves pending delivery
 * reports once, which frees the slots of settled records, and retries
 * once; if it is still full the record is rejected, and outputs.c counts
 * it in drop_error. It is not reported as SW_SINK_DOWN: the producer is
 * not down, it is already queueing and reconnecting by itself, and keeping
 * the record in outputs.c's queue to retry would only stack a second
 * queue on librdkafka's, while the disconnect/reconnect cycle that DOWN
 * starts would throw away the producer and everything it holds.
 */
static int
kafka_write(void *ctx, const struct sw_alert *a, const char *json, size_t len)
{
	struct kafka *k = ctx;
	rd_kafka_resp_err_t e;

	if (k->fatal || k->rk == NULL)
		return SW_SINK_DOWN;
	e = produce(k, a, json, len);
	if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
		rd_kafka_poll(k->rk, 0);
		e = produce(k, a, json, len);
	}
	if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
		k->inflight++;
		k->queue_full_logged = false;
		k->last_refused = RD_KAFKA_RESP_ERR_NO_ERROR;
	}
	rd_kafka_poll(k->rk, 0);	/* delivery reports, errors */

	switch (e) {
	case RD_KAFKA_RESP_ERR_NO_ERROR:
		return 0;
	case RD_KAFKA_RESP_ERR__QUEUE_FULL:
		if (!k->queue_full_logged)
			fprintf(stderr, "scanwatch: kafka output %s: librdkafka's queue is full "
				"(brokers unreachable or slow); dropping records, counted in "
				"drop_error (queue.buffering.max.messages sets the size)\n",
				k->name);
		k->queue_full_logged = true;
		return SW_SINK_REJECT;
	case RD_KAFKA_RESP_ERR__FATAL:
		k->fatal = true;
		return SW_SINK_DOWN;
	default:
		/* Too large for message.max.bytes, unknown topic or partition:
		 * this record will never go; the next one may. */
		if (e != k->last_refused)
			fprintf(stderr, "scanwatch: kafka output %s: record of %zu bytes "
				"refused: %s (this and further refusals are counted in "
				"drop_error)\n", k->name, len, rd_kafka_err2str(e));
		k->last_refused = e;
		return SW_SINK_REJECT;
	}
}

static int
kafka_flush(void *ctx)
{
	struct kafka *k = ctx;

	if (k->rk == NULL)
		return SW_SINK_DOWN;
	rd_kafka_poll(k->rk, 0);
	return k->fatal ? SW_SINK_DOWN : 0;
}

/*
 * Shutdown: give librdkafka up to timeout_ms to deliver what it holds, then
 * purge the rest and collect the purge reports so each record is counted
 * once. @return records still unconfirmed (outputs.c: drop_shutdown)
 */
static uint64_t
kafka_drain(void *ctx, unsigned timeout_ms)
{
	struct kafka *k = ctx;
	uint64_t left;

	if (k->rk == NULL)
		return 0;
	if (k->inflight > 0 && !k->fatal)
		rd_kafka_flush(k->rk, (int)(timeout_ms > 0 ? timeout_ms : 1));
	if (k->inflight > 0) {
		k->draining = true;
		rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
		rd_kafka_flush(k->rk, PURGE_WAIT_MS);
		k->draining = false;
	}
	/* A record whose report did not come even now is given up on too. */
	left = k->given_up + k->inflight;
	k->given_up = 0;
	k->inflight = 0;
	k->settled = true;
	return left;
}

static void
kafka_close(void *ctx)
{
	struct kafka *k = ctx;

	if (k == NULL)
		return;
	k->settled = true;	/* destroy may report purged records: counted already */
	stop_producer(k);
	if (k->conf != NULL)
		rd_kafka_conf_destroy(k->conf);
	free(k);
}

const struct sw_sink_ops sw_sink_kafka = {
	.name = "kafka",
	.flags = SW_SINK_F_CONFIRMS,
	.open = kafka_open,
	.connect = kafka_connect,
	.disconnect = kafka_disconnect,
	.write = kafka_write,
	.flush = kafka_flush,
	.drain = kafka_drain,
	.close = kafka_close,
};
