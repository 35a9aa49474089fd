/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests for the Kafka output (src/alert/sinks/kafka.c) through the outputs
 * layer, against librdkafka's built-in mock cluster (rdkafka_mock.h: real
 * Kafka protocol on loopback sockets, in this process): every record
 * arrives once with the scanner as key; a full librdkafka queue while the
 * brokers are down drops and counts instead of blocking; records that can
 * never be delivered are counted by the time outputs stop, within the
 * flush timeout; a bad kafka-property is a start-up error that names it.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <scanwatch/conf.h>
#include <scanwatch/json.h>
#include <scanwatch/sink.h>

#include "check.h"

#define TOPIC	"scanwatch-alerts"
#define PARTS	3

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* ---- the mock cluster ---- */

struct mock {
	rd_kafka_t *rk;			/* librdkafka wants a handle to own the cluster */
	rd_kafka_mock_cluster_t *mc;
	char boot[256];
};

static bool
mock_start(struct mock *m)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char why[256];

	memset(m, 0, sizeof(*m));
	rd_kafka_conf_set(conf, "log_level", "3", why, sizeof(why));
	m->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	if (m->rk == NULL) {
		rd_kafka_conf_destroy(conf);
		fprintf(stderr, "mock handle: %s\n", why);
		return false;
	}
	m->mc = rd_kafka_mock_cluster_new(m->rk, 1);
	if (m->mc == NULL) {
		rd_kafka_destroy(m->rk);
		return false;
	}
	snprintf(m->boot, sizeof(m->boot), "%s", rd_kafka_mock_cluster_bootstraps(m->mc));
	rd_kafka_mock_topic_create(m->mc, TOPIC, PARTS, 1);
	return true;
}

static void
mock_stop(struct mock *m)
{
	rd_kafka_mock_cluster_destroy(m->mc);
	rd_kafka_destroy(m->rk);
}

/* ---- what we send ---- */

struct rec {
	struct sw_alert a;
	char json[1024];
	size_t len;
	unsigned seen;
};

/* An EVE-shaped alert; the signature carries bytes that must survive
 * unchanged (quote, backslash, UTF-8). */
static void
make_alert(struct rec *r, unsigned i)
{
	struct sw_alert *a = &r->a;
	struct sw_json j = { 0 };
	char ts[40];

	memset(a, 0, sizeof(*a));
	a->type = SW_REC_ALERT;
	a->ts_ns = 1795388349000000000ULL + i * 1000ULL;
	snprintf(a->host, sizeof(a->host), "sensor-uplink-a");
	/* 7 scanners, so each key carries a sequence whose order we can check */
	snprintf(a->src_ip, sizeof(a->src_ip), "10.66.0.%u", i % 7);
	snprintf(a->dest_ip, sizeof(a->dest_ip), "10.99.%u.%u", i / 250, i % 250);
	a->dest_port = 22;
	snprintf(a->proto, sizeof(a->proto), "TCP");
	a->gid = 122;
	a->sid = 3;
	a->rev = 1;
	a->severity = 3;
	snprintf(a->signature, sizeof(a->signature), "TCP portsweep \"#%u\" \\ caf\xc3\xa9", i);
	sw_json_time(ts, a->ts_ns);
	sw_json_obj_open(&j, NULL);
	sw_json_str(&j, "timestamp", ts);
	sw_json_u64(&j, "flow_id", i);
	sw_json_str(&j, "event_type", "alert");
	sw_json_str(&j, "host", a->host);
	sw_json_str(&j, "src_ip", a->src_ip);
	sw_json_str(&j, "dest_ip", a->dest_ip);
	sw_json_u64(&j, "dest_port", a->dest_port);
	sw_json_str(&j, "proto", a->proto);
	sw_json_obj_open(&j, "alert");
	sw_json_u64(&j, "gid", a->gid);
	sw_json_u64(&j, "signature_id", a->sid);
	sw_json_str(&j, "signature", a->signature);
	sw_json_obj_close(&j);
	sw_json_obj_close(&j);
	r->len = j.len < sizeof(r->json) ? j.len : 0;
	memcpy(r->json, j.buf, r->len);
	sw_json_free(&j);
	r->seen = 0;
}

static void
make_stats(struct rec *r, unsigned i, const char *host)
{
	memset(&r->a, 0, sizeof(r->a));
	r->a.type = SW_REC_STATS;
	snprintf(r->a.host, sizeof(r->a.host), "%s", host);
	r->len = (size_t)snprintf(r->json, sizeof(r->json),
				  "{\"event_type\":\"stats\",\"host\":\"%s\",\"n\":%u}", host, i);
	r->seen = 0;
}

static const char *
rec_key(const struct rec *r)
{
	return r->a.type == SW_REC_STATS ? r->a.host : r->a.src_ip;
}

static void
kafka_conf(struct sw_conf *c, const char *boot, unsigned flush_ms)
{
	struct sw_output_conf *o = &c->outputs[0];

	sw_conf_defaults(c);
	c->flush_timeout_ms = flush_ms;
	c->n_outputs = 1;
	sw_output_conf_defaults(o);
	o->type = SW_OUTPUT_KAFKA;
	snprintf(o->name, sizeof(o->name), "k");
	snprintf(o->brokers, sizeof(o->brokers), "%s", boot);
	snprintf(o->topic, sizeof(o->topic), TOPIC);
	o->reconnect_max_ms = 500;	/* the mock broker comes back quickly */
}

static void
add_prop(struct sw_conf *c, const char *kv)
{
	struct sw_strlist *l = &c->outputs[0].kafka_props;

	snprintf(l->v[l->n++], SW_MAX_STR, "%s", kv);
}

/* Wait until the sink's thread has handled n records (bounded). */
static bool
wait_handled(struct sw_outputs *o, uint64_t n, double max_s, struct sw_sink_counters *sc)
{
	double t0 = now_s();

	do {
		sw_outputs_counters(o, 0, sc);
		if (sc->written + sc->drop_error >= n && sc->depth == 0)
			return true;
		usleep(10000);
	} while (now_s() - t0 < max_s);
	return false;
}

static uint64_t
dropped(const struct sw_sink_counters *sc)
{
	return sc->drop_queue_full + sc->drop_error + sc->drop_shutdown;
}

/* ---- reading the topic back ---- */

static rd_kafka_t *
consumer_new(const char *boot)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_topic_partition_list_t *parts;
	rd_kafka_t *rk;
	char why[256];

	rd_kafka_conf_set(conf, "bootstrap.servers", boot, why, sizeof(why));
	rd_kafka_conf_set(conf, "group.id", "scanwatch-test", why, sizeof(why));
	rd_kafka_conf_set(conf, "enable.auto.commit", "false", why, sizeof(why));
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof(why));
	if (rk == NULL) {
		rd_kafka_conf_destroy(conf);
		fprintf(stderr, "consumer: %s\n", why);
		return NULL;
	}
	parts = rd_kafka_topic_partition_list_new(PARTS);
	for (int p = 0; p < PARTS; p++)
		rd_kafka_topic_partition_list_add(parts, TOPIC, p)->offset =
			RD_KAFKA_OFFSET_BEGINNING;
	rd_kafka_assign(rk, parts);
	rd_kafka_topic_partition_list_destroy(parts);
	return rk;
}

static void
consumer_free(rd_kafka_t *rk)
{
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
}

/* Messages in the topic: the sum of the partitions' high watermarks. */
static int64_t
topic_messages(rd_kafka_t *rk)
{
	int64_t total = 0;

	for (int p = 0; p < PARTS; p++) {
		int64_t lo, hi;

		if (rd_kafka_query_watermark_offsets(rk, TOPIC, p, &lo, &hi, 5000) != 0)
			return -1;
		total += hi - lo;
	}
	return total;
}

struct got {
	unsigned msgs;		/* messages read */
	unsigned unknown;	/* value matching no record */
	unsigned bad_key;	/* key other than the record's */
	unsigned bad_hdr;	/* event_type header missing or wrong */
	unsigned out_of_order;	/* a record older than one before it with the same key */
};

/*
 * Read the topic until want messages came and then quiet_s more (to catch
 * extras), or until max_s. Each message is matched to its record by value.
 */
static void
consume(rd_kafka_t *rk, struct rec *recs, unsigned n, unsigned want, double quiet_s,
	double max_s, struct got *g)
{
	int last[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };	/* per scanner */
	double t0 = now_s(), done = 0;

	memset(g, 0, sizeof(*g));
	while (now_s() - t0 < max_s && (done == 0 || now_s() - done < quiet_s)) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
		rd_kafka_headers_t *hdrs;
		const void *hv;
		size_t hl;
		unsigned i;

		if (m == NULL)
			continue;
		if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			rd_kafka_message_destroy(m);
			continue;
		}
		g->msgs++;
		for (i = 0; i < n; i++)
			if (recs[i].len == m->len && memcmp(recs[i].json, m->payload, m->len) == 0)
				break;
		if (i == n) {
			g->unknown++;
		} else {
			const char *key = rec_key(&recs[i]);
			const char *type = recs[i].a.type == SW_REC_STATS ? "stats" : "alert";

			recs[i].seen++;
			if (strlen(key) != m->key_len || (m->key_len > 0 &&
			    memcmp(key, m->key, m->key_len) != 0))
				g->bad_key++;
			if (rd_kafka_message_headers(m, &hdrs) != 0 ||
			    rd_kafka_header_get_last(hdrs, "event_type", &hv, &hl) != 0 ||
			    hl != strlen(type) || memcmp(hv, type, hl) != 0)
				g->bad_hdr++;
			if (recs[i].a.type == SW_REC_ALERT) {
				unsigned s = (unsigned)(recs[i].a.src_ip[8] - '0');

				if (last[s] > (int)i)
					g->out_of_order++;
				last[s] = (int)i;
			}
		}
		rd_kafka_message_destroy(m);
		if (g->msgs >= want && done == 0)
			done = now_s();
	}
}

/* ---- tests ---- */

/* N alerts (and stats events) in, the same N out, keyed by scanner. */
static void
every_alert_arrives_once_keyed_by_scanner(void)
{
	enum { N_ALERTS = 300, N = N_ALERTS + 2 };
	static struct rec recs[N];
	struct sw_sink_counters sc, live;
	struct sw_outputs *o;
	struct sw_conf c;
	struct mock m;
	struct got g;
	rd_kafka_t *cons;
	char err[512];
	unsigned once = 0;
	double t0;

	CHECK(mock_start(&m), "mock cluster");
	for (unsigned i = 0; i < N_ALERTS; i++)
		make_alert(&recs[i], i);
	make_stats(&recs[N_ALERTS], 0, "sensor-uplink-a");	/* key = the sensor */
	make_stats(&recs[N_ALERTS + 1], 1, "");			/* no name: no key */
	kafka_conf(&c, m.boot, 10000);
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL) {
		mock_stop(&m);
		return;
	}
	for (unsigned i = 0; i < N; i++)
		sw_outputs_emit(o, &recs[i].a, recs[i].json, recs[i].len);

	/* Delivery reports reach the live counters without a shutdown. */
	t0 = now_s();
	do {
		usleep(20000);
		sw_outputs_counters(o, 0, &live);
	} while (live.delivered < N && now_s() - t0 < 10);
	CHECK(live.delivered == N, "delivered %llu of %d while running (%.1f s)",
	      (unsigned long long)live.delivered, N, now_s() - t0);

	sw_outputs_stop(o);
	sw_outputs_counters(o, 0, &sc);
	sw_outputs_free(o);
	CHECK(sc.enqueued == N && sc.written == N && sc.delivered == N,
	      "enqueued %llu, written %llu, delivered %llu, want %d",
	      (unsigned long long)sc.enqueued, (unsigned long long)sc.written,
	      (unsigned long long)sc.delivered, N);
	CHECK(dropped(&sc) == 0, "dropped: queue %llu, error %llu, shutdown %llu",
	      (unsigned long long)sc.drop_queue_full, (unsigned long long)sc.drop_error,
	      (unsigned long long)sc.drop_shutdown);

	cons = consumer_new(m.boot);
	CHECK(cons != NULL, "consumer");
	if (cons != NULL) {
		consume(cons, recs, N, N, 1.0, 20, &g);
		CHECK(g.msgs == N, "consumer read %u messages, want %d", g.msgs, N);
		CHECK(topic_messages(cons) == N, "topic holds %lld messages, want %d",
		      (long long)topic_messages(cons), N);
		for (unsigned i = 0; i < N; i++)
			once += recs[i].seen == 1;
		CHECK(once == N && g.unknown == 0, "%u of %d records read exactly once, "
		      "%u unknown values", once, N, g.unknown);
		CHECK(g.bad_key == 0, "%u messages with a key other than src_ip/host", g.bad_key);
		CHECK(g.bad_hdr == 0, "%u messages without the right event_type header",
		      g.bad_hdr);
		CHECK(g.out_of_order == 0, "%u alerts of one scanner out of order",
		      g.out_of_order);
		consumer_free(cons);
	}
	mock_stop(&m);
}

/*
 * Brokers down, librdkafka's queue limited to 10: the first 10 records are
 * queued, every later one is dropped and counted at once (nothing blocks);
 * when the broker comes back the 10 are delivered.
 */
static void
full_queue_drops_and_counts_without_blocking(void)
{
	enum { N = 1000, QMAX = 10 };
	static struct rec recs[N];
	struct sw_sink_counters sc;
	struct sw_outputs *o;
	struct sw_conf c;
	struct mock m;
	struct got g;
	rd_kafka_t *cons;
	char err[512], prop[64];
	double t0, t_emit, t_write;
	unsigned first = 0;

	CHECK(mock_start(&m), "mock cluster");
	rd_kafka_mock_broker_set_down(m.mc, -1);
	for (unsigned i = 0; i < N; i++)
		make_alert(&recs[i], i);
	kafka_conf(&c, m.boot, 10000);
	snprintf(prop, sizeof(prop), "queue.buffering.max.messages=%d", QMAX);
	add_prop(&c, prop);
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL) {
		mock_stop(&m);
		return;
	}
	t0 = now_s();
	for (unsigned i = 0; i < N; i++)
		sw_outputs_emit(o, &recs[i].a, recs[i].json, recs[i].len);
	t_emit = now_s() - t0;
	CHECK(wait_handled(o, N, 5, &sc), "the sink handled %llu + %llu of %d in 5 s",
	      (unsigned long long)sc.written, (unsigned long long)sc.drop_error, N);
	t_write = now_s() - t0;
	NOTE("%d emits with the broker down: %.4f s; the sink handled them all in %.3f s",
	       N, t_emit, t_write);
	CHECK(t_emit < 0.5, "emitting %d records took %.3f s", N, t_emit);
	CHECK(t_write < 2.0, "the sink took %.3f s for %d records with the broker down",
	      t_write, N);
	CHECK(sc.written == QMAX && sc.drop_error == N - QMAX,
	      "broker down: written %llu (want %d), refused %llu (want %d)",
	      (unsigned long long)sc.written, QMAX, (unsigned long long)sc.drop_error, N - QMAX);
	CHECK(sc.delivered == 0, "delivered %llu with the broker down",
	      (unsigned long long)sc.delivered);

	rd_kafka_mock_broker_set_up(m.mc, -1);
	sw_outputs_stop(o);
	sw_outputs_counters(o, 0, &sc);
	sw_outputs_free(o);
	CHECK(sc.enqueued == N && sc.drop_queue_full == 0, "enqueued %llu, queue-full %llu",
	      (unsigned long long)sc.enqueued, (unsigned long long)sc.drop_queue_full);
	CHECK(sc.enqueued == sc.delivered + dropped(&sc),
	      "enqueued %llu != delivered %llu + dropped %llu",
	      (unsigned long long)sc.enqueued, (unsigned long long)sc.delivered,
	      (unsigned long long)dropped(&sc));
	CHECK(sc.delivered == QMAX, "delivered %llu of the %d queued once the broker was up",
	      (unsigned long long)sc.delivered, QMAX);

	cons = consumer_new(m.boot);
	CHECK(cons != NULL, "consumer");
	if (cons != NULL) {
		consume(cons, recs, N, QMAX, 1.0, 20, &g);
		for (unsigned i = 0; i < QMAX; i++)
			first += recs[i].seen == 1;
		CHECK(g.msgs == QMAX && first == QMAX, "consumer read %u messages, %u of them "
		      "the first %d records", g.msgs, first, QMAX);
		consumer_free(cons);
	}
	mock_stop(&m);
}

/*
 * Brokers down for the whole run. With message.timeout.ms shorter than the
 * flush timeout librdkafka fails every record itself (drop_error); with a
 * longer one, stop gives up at the flush timeout (drop_shutdown). Either
 * way every record is counted and stop keeps to the flush timeout.
 */
static void
broker_down_all_run(const char *timeout_prop, unsigned flush_ms, bool expect_timeout)
{
	enum { N = 50 };
	static struct rec recs[N];
	struct sw_sink_counters sc;
	struct sw_outputs *o;
	struct sw_conf c;
	struct mock m;
	char err[512];
	double t0, t_stop;

	CHECK(mock_start(&m), "mock cluster");
	rd_kafka_mock_broker_set_down(m.mc, -1);
	for (unsigned i = 0; i < N; i++)
		make_alert(&recs[i], i);
	kafka_conf(&c, m.boot, flush_ms);
	if (timeout_prop != NULL)
		add_prop(&c, timeout_prop);
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL) {
		mock_stop(&m);
		return;
	}
	for (unsigned i = 0; i < N; i++)
		sw_outputs_emit(o, &recs[i].a, recs[i].json, recs[i].len);
	CHECK(wait_handled(o, N, 5, &sc), "the sink took %llu of %d in 5 s",
	      (unsigned long long)sc.written, N);
	t0 = now_s();
	sw_outputs_stop(o);
	t_stop = now_s() - t0;
	sw_outputs_counters(o, 0, &sc);
	sw_outputs_free(o);

	NOTE("broker down, %s: stop took %.2f s (flush timeout %.1f s)",
	       timeout_prop ? timeout_prop : "default message timeout", t_stop, flush_ms / 1000.0);
	CHECK(t_stop < flush_ms / 1000.0 + 1.5, "stop took %.2f s with a %.1f s flush timeout",
	      t_stop, flush_ms / 1000.0);
	CHECK(sc.enqueued == N && sc.delivered == 0, "enqueued %llu, delivered %llu",
	      (unsigned long long)sc.enqueued, (unsigned long long)sc.delivered);
	CHECK(dropped(&sc) == N, "dropped %llu of %d (error %llu, shutdown %llu)",
	      (unsigned long long)dropped(&sc), N, (unsigned long long)sc.drop_error,
	      (unsigned long long)sc.drop_shutdown);
	if (expect_timeout)
		CHECK(sc.drop_error == N && t_stop < flush_ms / 1000.0,
		      "message.timeout.ms: %llu delivery failures, stop %.2f s (it should "
		      "not wait out the flush timeout)",
		      (unsigned long long)sc.drop_error, t_stop);
	else
		CHECK(sc.drop_shutdown == N && t_stop >= flush_ms / 1000.0 - 0.1,
		      "flush timeout: %llu given up at shutdown after %.2f s",
		      (unsigned long long)sc.drop_shutdown, t_stop);
	mock_stop(&m);
}

static void
broker_down_records_time_out_and_are_counted(void)
{
	broker_down_all_run("message.timeout.ms=1000", 4000, true);
}

static void
broker_down_shutdown_gives_up_at_flush_timeout(void)
{
	broker_down_all_run(NULL, 1000, false);	/* default message timeout: 5 min */
}

/*
 * Delivery reports that come after the writer went idle (a remote cluster:
 * 300 ms round trip) still reach the live counters, well before shutdown:
 * stats events and Prometheus read them while scanwatch runs.
 */
static void
late_confirmations_counted_while_idle(void)
{
	enum { N = 5 };
	static struct rec recs[N];
	struct sw_sink_counters sc;
	struct sw_outputs *o;
	struct sw_conf c;
	struct mock m;
	char err[512];
	double t0;

	CHECK(mock_start(&m), "mock cluster");
	rd_kafka_mock_broker_set_rtt(m.mc, -1, 300);
	for (unsigned i = 0; i < N; i++)
		make_alert(&recs[i], i);
	kafka_conf(&c, m.boot, 10000);
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL) {
		mock_stop(&m);
		return;
	}
	t0 = now_s();
	for (unsigned i = 0; i < N; i++)
		sw_outputs_emit(o, &recs[i].a, recs[i].json, recs[i].len);
	do {
		usleep(20000);
		sw_outputs_counters(o, 0, &sc);
	} while (sc.delivered < N && now_s() - t0 < 8);
	NOTE("%d confirmations at 300 ms RTT counted after %.2f s", N, now_s() - t0);
	CHECK(sc.delivered == N, "delivered %llu of %d after %.1f s idle",
	      (unsigned long long)sc.delivered, N, now_s() - t0);
	sw_outputs_free(o);
	mock_stop(&m);
}

/* A record over message.max.bytes is refused and counted; the next goes. */
static void
oversized_record_refused_next_delivered(void)
{
	static struct rec recs[3];
	static char big[sizeof(recs[1].json) + 1024];
	struct sw_sink_counters sc;
	struct sw_outputs *o;
	struct sw_conf c;
	struct mock m;
	char err[512];
	size_t big_len;

	CHECK(mock_start(&m), "mock cluster");
	kafka_conf(&c, m.boot, 5000);
	add_prop(&c, "message.max.bytes=1000");
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL) {
		mock_stop(&m);
		return;
	}
	for (unsigned i = 0; i < 3; i++)
		make_alert(&recs[i], i);
	/* the middle one padded past 1000 bytes with JSON whitespace */
	memcpy(big, recs[1].json, recs[1].len - 2);
	memset(big + recs[1].len - 2, ' ', 1010);
	memcpy(big + recs[1].len + 1008, "}}", 2);
	big_len = recs[1].len + 1010;
	sw_outputs_emit(o, &recs[0].a, recs[0].json, recs[0].len);
	sw_outputs_emit(o, &recs[1].a, big, big_len);
	sw_outputs_emit(o, &recs[2].a, recs[2].json, recs[2].len);
	sw_outputs_stop(o);
	sw_outputs_counters(o, 0, &sc);
	sw_outputs_free(o);
	CHECK(sc.delivered == 2 && sc.drop_error == 1 && sc.written == 2,
	      "a %zu-byte record with message.max.bytes=1000: delivered %llu (want 2), "
	      "refused %llu (want 1)", big_len, (unsigned long long)sc.delivered,
	      (unsigned long long)sc.drop_error);
	mock_stop(&m);
}

/* Poll the counters until field reaches want (bounded). */
#define WAIT_FOR(o, sc, field, want, max_s) do {				\
	double t0_ = now_s();							\
	do {									\
		usleep(20000);							\
		sw_outputs_counters((o), 0, &(sc));				\
	} while ((sc).field < (want) && now_s() - t0_ < (max_s));		\
} while (0)

/*
 * The idempotent producer's fatal errors leave librdkafka's instance unable
 * to produce (here: the broker answers a Produce with
 * OUT_OF_ORDER_SEQUENCE_NUMBER). The batch it held fails and is counted;
 * the sink reports itself down, outputs.c reconnects it, and the next
 * records go out through a new producer.
 */
static void
fatal_producer_error_starts_a_new_producer(void)
{
	enum { B = 5, N = 3 * B };
	static struct rec recs[N];
	struct sw_sink_counters sc;
	struct sw_outputs *o;
	struct sw_conf c;
	struct mock m;
	struct got g;
	rd_kafka_t *cons;
	char err[512];
	unsigned ok_first = 0, ok_last = 0;
	uint64_t failed;

	CHECK(mock_start(&m), "mock cluster");
	for (unsigned i = 0; i < N; i++)
		make_alert(&recs[i], i);
	kafka_conf(&c, m.boot, 5000);
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL) {
		mock_stop(&m);
		return;
	}
	for (unsigned i = 0; i < B; i++)
		sw_outputs_emit(o, &recs[i].a, recs[i].json, recs[i].len);
	WAIT_FOR(o, sc, delivered, B, 10);
	CHECK(sc.delivered == B, "first batch: delivered %llu of %d",
	      (unsigned long long)sc.delivered, B);

	rd_kafka_mock_push_request_errors(m.mc, 0 /* Produce */, 1,
					  RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
	for (unsigned i = B; i < 2 * B; i++)
		sw_outputs_emit(o, &recs[i].a, recs[i].json, recs[i].len);
	WAIT_FOR(o, sc, disconnects, 1, 10);
	/* The batch may go out in more than one request: the failed request's
	 * records fail, the others may be delivered. */
	failed = sc.drop_error;
	CHECK(failed >= 1 && failed <= B && sc.delivered + failed == 2 * B &&
	      sc.disconnects == 1,
	      "fatal error: %llu of the batch failed, %llu delivered in all, %llu disconnects",
	      (unsigned long long)failed, (unsigned long long)sc.delivered,
	      (unsigned long long)sc.disconnects);

	for (unsigned i = 2 * B; i < N; i++)
		sw_outputs_emit(o, &recs[i].a, recs[i].json, recs[i].len);
	WAIT_FOR(o, sc, delivered, N - failed, 10);
	sw_outputs_stop(o);
	sw_outputs_counters(o, 0, &sc);
	sw_outputs_free(o);
	CHECK(sc.delivered == N - failed && sc.drop_error == failed && sc.connects == 2,
	      "after the fatal error: delivered %llu (want %llu), failed %llu, %llu connects "
	      "(want 2)", (unsigned long long)sc.delivered, (unsigned long long)(N - failed),
	      (unsigned long long)sc.drop_error, (unsigned long long)sc.connects);
	CHECK(sc.enqueued == N && sc.enqueued == sc.delivered + dropped(&sc),
	      "enqueued %llu != delivered %llu + dropped %llu",
	      (unsigned long long)sc.enqueued, (unsigned long long)sc.delivered,
	      (unsigned long long)dropped(&sc));

	cons = consumer_new(m.boot);
	CHECK(cons != NULL, "consumer");
	if (cons != NULL) {
		consume(cons, recs, N, (unsigned)(N - failed), 1.0, 20, &g);
		for (unsigned i = 0; i < B; i++) {
			ok_first += recs[i].seen == 1;
			ok_last += recs[2 * B + i].seen == 1;
		}
		CHECK(g.msgs == N - failed && ok_first == B && ok_last == B && g.unknown == 0,
		      "consumer read %u (want %llu): %u of the first batch, %u of the last",
		      g.msgs, (unsigned long long)(N - failed), ok_first, ok_last);
		consumer_free(cons);
	}
	mock_stop(&m);
}

static void
open_fails(const char *brokers, const char *topic, const char *prop, const char *want1,
	   const char *want2)
{
	struct sw_conf c;
	struct sw_outputs *o;
	char err[512] = "";

	kafka_conf(&c, brokers, 1000);
	snprintf(c.outputs[0].topic, SW_MAX_STR, "%s", topic);
	if (prop != NULL)
		add_prop(&c, prop);
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o == NULL, "opened with brokers '%s' topic '%s' property '%s'", brokers, topic,
	      prop ? prop : "");
	sw_outputs_free(o);
	CHECK(strstr(err, "outputs[0] (k)") != NULL && strstr(err, want1) != NULL &&
	      (want2 == NULL || strstr(err, want2) != NULL),
	      "message should name '%s'%s%s: %s", want1, want2 ? " and " : "",
	      want2 ? want2 : "", err);
}

static void
bad_kafka_property_is_a_startup_error(void)
{
	struct sw_conf c;
	struct sw_outputs *o;
	char err[512] = "";

	open_fails("127.0.0.1:9", TOPIC, "acks=x", "kafka-properties 'acks=x'", "acks");
	open_fails("127.0.0.1:9", TOPIC, "no.such.property=1", "no.such.property", NULL);
	open_fails("127.0.0.1:9", TOPIC, "linger.ms", "'linger.ms'", "key=value");
	open_fails("127.0.0.1:9", TOPIC, "delivery.report.only.error=true",
		   "delivery.report.only.error", "cannot be set");
	open_fails("", TOPIC, NULL, "brokers is required", NULL);
	open_fails("127.0.0.1:9", "", NULL, "topic is required", NULL);

	/* acks other than all turns idempotence off instead of clashing with it */
	kafka_conf(&c, "127.0.0.1:9", 100);
	add_prop(&c, "acks=1");
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "acks=1 refused: %s", err);
	sw_outputs_free(o);
	/* ... unless the user also asks for idempotence: then librdkafka says why */
	kafka_conf(&c, "127.0.0.1:9", 100);
	add_prop(&c, "acks=1");
	add_prop(&c, "enable.idempotence=true");
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o == NULL && strstr(err, "acks") != NULL,
	      "acks=1 with enable.idempotence=true: %s", o ? "accepted" : err);
	sw_outputs_free(o);
}

/*
 * The same through the YAML outputs: list (the README's example, pointed at
 * the mock): alerts only, so the stats event is skipped; and a bad property
 * in the second entry names the entry and the property.
 */
static void
yaml_config_reaches_the_producer(void)
{
	static struct sw_conf c;
	static struct rec recs[4];
	struct sw_sink_counters sc;
	struct sw_outputs *o;
	struct mock m;
	char yaml[1024], err[512] = "";
	int rc;

	CHECK(mock_start(&m), "mock cluster");
	snprintf(yaml, sizeof(yaml),
		 "output:\n"
		 "  flush-timeout: 5000\n"
		 "outputs:\n"
		 "  - type: kafka\n"
		 "    name: siem-kafka\n"
		 "    brokers: %s\n"
		 "    topic: " TOPIC "\n"
		 "    events: [alert]\n"
		 "    kafka-properties:\n"
		 "      - linger.ms=20\n"
		 "      - compression.type=zstd\n", m.boot);
	sw_conf_defaults(&c);
	rc = sw_conf_load_string(&c, yaml, "kafka.yaml", err, sizeof(err));
	CHECK(rc == 0, "load: %s", err);
	o = rc == 0 ? sw_outputs_open(&c, err, sizeof(err)) : NULL;
	CHECK(o != NULL, "open: %s", err);
	if (o != NULL) {
		for (unsigned i = 0; i < 3; i++)
			make_alert(&recs[i], i);
		make_stats(&recs[3], 0, "sensor-uplink-a");
		for (unsigned i = 0; i < 4; i++)
			sw_outputs_emit(o, &recs[i].a, recs[i].json, recs[i].len);
		sw_outputs_stop(o);
		sw_outputs_counters(o, 0, &sc);
		sw_outputs_free(o);
		CHECK(sc.delivered == 3 && sc.skipped == 1 && dropped(&sc) == 0,
		      "delivered %llu (want 3), skipped %llu (want 1), dropped %llu",
		      (unsigned long long)sc.delivered, (unsigned long long)sc.skipped,
		      (unsigned long long)dropped(&sc));
	}

	sw_conf_defaults(&c);
	rc = sw_conf_load_string(&c,
		"outputs:\n"
		"  - type: file\n"
		"    path: \"-\"\n"
		"  - type: kafka\n"
		"    brokers: 127.0.0.1:9\n"
		"    topic: t\n"
		"    kafka-properties: [acks=x]\n", "bad.yaml", err, sizeof(err));
	CHECK(rc == 0, "load: %s", err);
	o = rc == 0 ? sw_outputs_open(&c, err, sizeof(err)) : NULL;
	CHECK(o == NULL && strstr(err, "outputs[1] (kafka1): kafka-properties 'acks=x'") != NULL,
	      "bad property in the second entry: %s", o != NULL ? "opened" : err);
	NOTE("%s", err);
	sw_outputs_free(o);
	mock_stop(&m);
}

int
main(void)
{
	RUN(every_alert_arrives_once_keyed_by_scanner);
	RUN(full_queue_drops_and_counts_without_blocking);
	RUN(broker_down_records_time_out_and_are_counted);
	RUN(broker_down_shutdown_gives_up_at_flush_timeout);
	RUN(oversized_record_refused_next_delivered);
	RUN(late_confirmations_counted_while_idle);
	RUN(fatal_producer_error_starts_a_new_producer);
	RUN(bad_kafka_property_is_a_startup_error);
	RUN(yaml_config_reaches_the_producer);
	NOTE("%u tests, %u failed", n_tests, n_failed);
	return n_failed != 0;
}
