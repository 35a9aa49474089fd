/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outputs: one bounded queue and one writer thread per sink.
 *
 * The control thread formats an event once and calls sw_outputs_emit(),
 * which copies it into one reference-counted record and pushes a pointer
 * onto every interested sink's queue under that sink's own mutex (a few
 * instructions; the writer never holds it across I/O). A full queue drops
 * the new record and counts it. Each writer thread owns its transport: it
 * connects, writes, and on failure disconnects and retries with exponential
 * backoff, keeping the record it failed on at the head of its queue. So a
 * sink that is down or slow can fill only its own queue.
 *
 * At shutdown every writer gets output.flush-timeout to empty its queue
 * (and, for sinks that confirm delivery, to get the confirmations); what
 * is left is counted in drop_shutdown and reported on stderr.
 */

#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <scanwatch/sink.h>

#define BACKOFF_MIN_MS	100
#define IDLE_FLUSH_MS	200	/* flush buffered output this long after the last write */
#define FMT_MAX		8192	/* CEF/LEEF record */

struct sw_rec {
	uint32_t refs;
	uint32_t len;
	struct sw_alert a;
	char json[];
};

enum fmt { FMT_EVE, FMT_CEF, FMT_LEEF };

struct sink {
	const struct sw_sink_ops *ops;
	struct sw_output_conf cfg;
	void *ctx;
	enum fmt fmt;
	bool want[2];			/* by enum sw_rec_type */
	unsigned flush_timeout_ms;
	char *fbuf;			/* CEF/LEEF text of the record being written */

	pthread_t th;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct sw_rec **q;		/* ring of cap entries */
	uint32_t cap, head, count;
	bool stop, hup;

	struct sw_sink_counters cnt;
};

struct sw_outputs {
	unsigned n;
	struct sink s[];
};

static const struct sw_sink_ops *const sink_types[] = {
	[SW_OUTPUT_FILE] = &sw_sink_file, [SW_OUTPUT_UNIX] = &sw_sink_unix,
	[SW_OUTPUT_SYSLOG] = &sw_sink_syslog, [SW_OUTPUT_KAFKA] = &sw_sink_kafka,
};

#define CNT_ADD(s, f, v)	__atomic_fetch_add(&(s)->cnt.f, (v), __ATOMIC_RELAXED)
#define CNT_SET(s, f, v)	__atomic_store_n(&(s)->cnt.f, (v), __ATOMIC_RELAXED)

static uint64_t
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void
rec_put(struct sw_rec *r)
{
	if (__atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(r);
}

/* Wait on the sink's condition until woken or until abs_ms (monotonic). */
static void
wait_until(struct sink *s, uint64_t abs_ms)
{
	struct timespec t = {
		.tv_sec = (time_t)(abs_ms / 1000),
		.tv_nsec = (long)(abs_ms % 1000) * 1000000,
	};

	pthread_cond_timedwait(&s->cv, &s->mu, &t);
}

/* The text this sink writes for r: the EVE line, or CEF/LEEF made from the
 * key fields. */
static const char *
rec_text(struct sink *s, const struct sw_rec *r, size_t *len)
{
	switch (s->fmt) {
	case FMT_CEF:
		*len = sw_fmt_cef(s->fbuf, FMT_MAX, &r->a);
		break;
	case FMT_LEEF:
		*len = sw_fmt_leef(s->fbuf, FMT_MAX, &r->a);
		break;
	default:
		*len = r->len;
		return r->json;
	}
	if (*len >= FMT_MAX)
		*len = strlen(s->fbuf);	/* truncated, still one record */
	return s->fbuf;
}

static void
pop_head(struct sink *s)
{
	struct sw_rec *r;

	pthread_mutex_lock(&s->mu);
	r = s->q[s->head];
	s->head = (s->head + 1) % s->cap;
	s->count--;
	CNT_SET(s, depth, s->count);
	pthread_mutex_unlock(&s->mu);
	rec_put(r);
}

static void
go_down(struct sink *s, bool *up, uint64_t *next_try, uint64_t *backoff, bool lost)
{
	s->ops->disconnect(s->ctx);
	*up = false;
	CNT_SET(s, up, 0);
	if (lost)
		CNT_ADD(s, disconnects, 1);
	*next_try = mono_ms() + *backoff;
	*backoff = *backoff * 2 > s->cfg.reconnect_max_ms ? s->cfg.reconnect_max_ms
							 : *backoff * 2;
}

static void
try_connect(struct sink *s, bool *up, uint64_t *next_try, uint64_t *backoff)
{
	if (s->ops->connect(s->ctx) == 0) {
		*up = true;
		*backoff = BACKOFF_MIN_MS;
		CNT_SET(s, up, 1);
		CNT_ADD(s, connects, 1);
	} else {
		CNT_ADD(s, connect_failures, 1);
		go_down(s, up, next_try, backoff, false);
	}
}

static void *
sink_main(void *arg)
{
	struct sink *s = arg;
	uint64_t next_try = 0, backoff = BACKOFF_MIN_MS, deadline = 0, last_write = 0;
	bool up = false, dirty = false;

	/* Connect at start, so that `up` is true before the first record; a
	 * failure only schedules the next try. */
	try_connect(s, &up, &next_try, &backoff);

	for (;;) {
		struct sw_rec *r = NULL;
		bool stop, hup;
		uint64_t now;

		pthread_mutex_lock(&s->mu);
		for (;;) {
			now = mono_ms();
			stop = s->stop;
			hup = s->hup;
			s->hup = false;
			if (stop && deadline == 0)
				deadline = now + s->flush_timeout_ms;
			if (hup || (stop && (s->count == 0 || now >= deadline)))
				break;
			if (s->count > 0 && (up || now >= next_try))
				break;
			if (dirty && now >= last_write + IDLE_FLUSH_MS)
				break;
			if (dirty)
				wait_until(s, last_write + IDLE_FLUSH_MS);
			else if (s->count > 0)		/* down: wait for the next try */
				wait_until(s, stop && deadline < next_try ? deadline : next_try);
			else
				wait_until(s, now + 1000);
		}
		if (s->count > 0)
			r = s->q[s->head];
		pthread_mutex_unlock(&s->mu);

		if (hup && up && s->ops->reopen != NULL && s->ops->reopen(s->ctx) != 0)
			go_down(s, &up, &next_try, &backoff, true);
		if (stop && (r == NULL || now >= deadline))
			break;
		if (r == NULL || (!up && now < next_try)) {
			if (dirty && up && s->ops->flush(s->ctx) != 0)
				go_down(s, &up, &next_try, &backoff, true);
			/* Sinks that confirm later (Kafka) count confirmations
			 * in flush: keep calling it every IDLE_FLUSH_MS while up. */
			dirty = up && (s->ops->flags & SW_SINK_F_CONFIRMS);
			last_write = now;
			continue;
		}
		if (!up) {
			try_connect(s, &up, &next_try, &backoff);
			continue;
		}

		size_t len;
		const char *text = rec_text(s, r, &len);
		int rc = s->ops->write(s->ctx, &r->a, text, len);

		if (rc == SW_SINK_DOWN) {
			go_down(s, &up, &next_try, &backoff, true);
			continue;	/* r stays at the head and is retried */
		}
		if (rc == 0) {
			CNT_ADD(s, written, 1);
			CNT_ADD(s, bytes, len);
			if (!(s->ops->flags & SW_SINK_F_CONFIRMS))
				CNT_ADD(s, delivered, 1);
			dirty = true;
			last_write = mono_ms();
		} else {
			CNT_ADD(s, drop_error, 1);
		}
		pop_head(s);
	}

	/* Shutdown: push out buffers, wait for confirmations, count the rest. */
	if (up && dirty)
		s->ops->flush(s->ctx);
	/* also when down: records sent on a connection that was then lost
	 * may still be unconfirmed (syslog/tcp), and must be counted */
	if (s->ops->drain != NULL) {
		uint64_t now = mono_ms();

		CNT_ADD(s, drop_shutdown,
			s->ops->drain(s->ctx, deadline > now ? (unsigned)(deadline - now) : 0));
	}
	pthread_mutex_lock(&s->mu);
	CNT_ADD(s, drop_shutdown, s->count);
	while (s->count > 0) {
		rec_put(s->q[s->head]);
		s->head = (s->head + 1) % s->cap;
		s->count--;
	}
	CNT_SET(s, depth, 0);
	pthread_mutex_unlock(&s->mu);
	if (up)
		s->ops->disconnect(s->ctx);
	CNT_SET(s, up, 0);
	return NULL;
}

static const struct sw_sink_ops *
sink_type(enum sw_output_type t)
{
	if (t < 0 || (size_t)t >= sizeof(sink_types) / sizeof(sink_types[0]))
		return NULL;
	return sink_types[t];
}

static void
sink_free(struct sink *s)
{
	if (s->started) {	/* only on a failed open; else sw_outputs_stop did it */
		pthread_mutex_lock(&s->mu);
		s->stop = true;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->th, NULL);
		s->started = false;
	}
	if (s->ctx != NULL)
		s->ops->close(s->ctx);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->q);
	free(s->fbuf);
}

static int
sink_init(struct sink *s, unsigned idx, const struct sw_output_conf *oc,
	  const struct sw_conf *c, char *err, size_t errlen)
{
	pthread_condattr_t ca;
	char why[400] = "";
	int rc;

	s->cfg = *oc;
	s->ops = sink_type(oc->type);
	if (s->ops == NULL) {
		snprintf(err, errlen, "outputs[%u]: unknown type %d "
			 "(use file, unix, syslog or kafka)", idx, (int)oc->type);
		return -EINVAL;
	}
	if (s->cfg.name[0] == '\0')
		snprintf(s->cfg.name, sizeof(s->cfg.name), "%.16s%u", s->ops->name, idx);
	s->fmt = oc->format == SW_FORMAT_CEF ? FMT_CEF :
		 oc->format == SW_FORMAT_LEEF ? FMT_LEEF : FMT_EVE;
	s->want[SW_REC_ALERT] = (oc->events & SW_EVENTS_ALERT) != 0;
	s->want[SW_REC_STATS] = (oc->events & SW_EVENTS_STATS) != 0;
	if (s->fmt != FMT_EVE)		/* CEF and LEEF describe alerts only */
		s->want[SW_REC_STATS] = false;
	s->flush_timeout_ms = c->flush_timeout_ms;
	s->cap = oc->queue ? oc->queue : 1;
	s->q = calloc(s->cap, sizeof(*s->q));
	if (s->fmt != FMT_EVE)
		s->fbuf = malloc(FMT_MAX);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&s->mu, NULL);
	if (s->q == NULL || (s->fmt != FMT_EVE && s->fbuf == NULL)) {
		snprintf(err, errlen, "outputs[%u] (%s): out of memory for a queue of %u "
			 "(lower queue)", idx, s->cfg.name, s->cap);
		return -ENOMEM;
	}
	rc = s->ops->open(&s->cfg, c, &s->cnt, &s->ctx, why, sizeof(why));
	if (rc != 0) {
		s->ctx = NULL;
		snprintf(err, errlen, "outputs[%u] (%s): %s", idx, s->cfg.name, why);
		return rc;
	}
	rc = pthread_create(&s->th, NULL, sink_main, s);
	if (rc != 0) {
		snprintf(err, errlen, "outputs[%u] (%s): cannot start its thread: %s",
			 idx, s->cfg.name, strerror(rc));
		return -rc;
	}
	s->started = true;
	{
		char tn[16];

		snprintf(tn, sizeof(tn), "sw-out-%.8s", s->cfg.name);
		pthread_setname_np(s->th, tn);
	}
	return 0;
}

struct sw_outputs *
sw_outputs_open(const struct sw_conf *c, char *err, size_t errlen)
{
	struct sw_output_conf def;
	const struct sw_output_conf *list = c->outputs;
	unsigned n = c->n_outputs;
	struct sw_outputs *o;

	if (n == 0) {		/* the default: eve.json in output.dir, or stdout */
		sw_output_conf_defaults(&def);
		def.type = SW_OUTPUT_FILE;
		snprintf(def.name, sizeof(def.name), "eve");
		snprintf(def.path, sizeof(def.path), "%s", c->log_dir[0] ? "eve.json" : "-");
		list = &def;
		n = 1;
	}
	o = calloc(1, sizeof(*o) + n * sizeof(o->s[0]));
	if (o == NULL) {
		snprintf(err, errlen, "outputs: out of memory");
		return NULL;
	}
	for (unsigned i = 0; i < n; i++) {
		o->n = i + 1;
		if (sink_init(&o->s[i], i, &list[i], c, err, errlen) != 0) {
			for (unsigned k = 0; k < o->n; k++)
				sink_free(&o->s[k]);
			free(o);
			return NULL;
		}
	}
	return o;
}

void
sw_outputs_emit(struct sw_outputs *o, const struct sw_alert *a, const char *json, size_t len)
{
	struct sw_rec *r;

	if (o == NULL)
		return;
	r = malloc(sizeof(*r) + len + 1);
	if (r == NULL) {
		for (unsigned i = 0; i < o->n; i++)
			if (o->s[i].want[a->type])
				CNT_ADD(&o->s[i], drop_queue_full, 1);
		return;
	}
	r->refs = 1;		/* ours, until every queue has its own */
	r->len = (uint32_t)len;
	r->a = *a;
	memcpy(r->json, json, len);
	r->json[len] = '\0';
	for (unsigned i = 0; i < o->n; i++) {
		struct sink *s = &o->s[i];

		if (!s->want[a->type]) {
			CNT_ADD(s, skipped, 1);
			continue;
		}
		pthread_mutex_lock(&s->mu);
		if (s->count == s->cap) {
			pthread_mutex_unlock(&s->mu);
			CNT_ADD(s, drop_queue_full, 1);
			continue;
		}
		__atomic_add_fetch(&r->refs, 1, __ATOMIC_RELAXED);
		s->q[(s->head + s->count) % s->cap] = r;
		s->count++;
		CNT_SET(s, depth, s->count);
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
		CNT_ADD(s, enqueued, 1);
	}
	rec_put(r);
}

void
sw_outputs_reopen(struct sw_outputs *o)
{
	for (unsigned i = 0; o != NULL && i < o->n; i++) {
		pthread_mutex_lock(&o->s[i].mu);
		o->s[i].hup = true;
		pthread_cond_signal(&o->s[i].cv);
		pthread_mutex_unlock(&o->s[i].mu);
	}
}

unsigned
sw_outputs_count(const struct sw_outputs *o)
{
	return o != NULL ? o->n : 0;
}

const char *
sw_outputs_name(const struct sw_outputs *o, unsigned i, const char **type)
{
	if (o == NULL || i >= o->n)
		return NULL;
	if (type != NULL)
		*type = o->s[i].ops->name;
	return o->s[i].cfg.name;
}

#define CF(f, prom, lbl, help) \
	{ #f, prom, lbl, help, offsetof(struct sw_sink_counters, f), false }
#define GF(f, name, prom, help) \
	{ name, prom, NULL, help, offsetof(struct sw_sink_counters, f), true }

const struct sw_sink_field sw_sink_fields[] = {
	GF(up, "up", "up", "1 when the sink is connected or open."),
	GF(depth, "queued", "queue_depth", "Records waiting in the sink's queue."),
	CF(enqueued, "enqueued_total", NULL, "Records accepted into the sink's queue."),
	CF(written, "written_total", NULL, "Records handed to the transport."),
	CF(delivered, "delivered_total", NULL,
	   "Records the peer confirmed (Kafka); other sinks: as written."),
	CF(bytes, "bytes_total", NULL, "Bytes written by the sink."),
	CF(drop_queue_full, "dropped_total", "queue_full",
	   "Records a sink lost, by reason: queue_full (never queued), error "
	   "(transport refused or delivery failed), shutdown (left at exit)."),
	CF(drop_error, "dropped_total", "error", NULL),
	CF(drop_shutdown, "dropped_total", "shutdown", NULL),
	CF(skipped, "skipped_total", NULL, "Records not meant for this sink (event type, format)."),
	CF(connects, "connects_total", NULL, "Successful (re)connects."),
	CF(connect_failures, "connect_failures_total", NULL, "Failed connects."),
	CF(disconnects, "disconnects_total", NULL, "Connections lost while writing."),
	CF(resent, "resent_total", NULL,
	   "Records sent again after a reconnect (syslog over TCP): at most this many duplicates."),
	CF(unconfirmed, "unconfirmed_total", NULL,
	   "Of the shutdown drops, records sent on a lost connection: possibly delivered."),
};
const unsigned sw_sink_nfields = sizeof(sw_sink_fields) / sizeof(sw_sink_fields[0]);

uint64_t
sw_sink_field_get(const struct sw_sink_counters *c, const struct sw_sink_field *f)
{
	const char *p = (const char *)c + f->off;

	if (f->gauge)
		return __atomic_load_n((const uint32_t *)(const void *)p, __ATOMIC_RELAXED);
	return __atomic_load_n((const uint64_t *)(const void *)p, __ATOMIC_RELAXED);
}

void
sw_outputs_counters(const struct sw_outputs *o, unsigned i, struct sw_sink_counters *out)
{
	const struct sw_sink_counters *c = &o->s[i].cnt;

	for (unsigned k = 0; k < sw_sink_nfields; k++) {
		const struct sw_sink_field *f = &sw_sink_fields[k];
		char *p = (char *)out + f->off;

		if (f->gauge)
			*(uint32_t *)(void *)p = (uint32_t)sw_sink_field_get(c, f);
		else
			*(uint64_t *)(void *)p = sw_sink_field_get(c, f);
	}
}

void
sw_outputs_stop(struct sw_outputs *o)
{
	if (o == NULL)
		return;
	/* Stop all at once so the flush timeouts run in parallel. */
	for (unsigned i = 0; i < o->n; i++) {
		struct sink *s = &o->s[i];

		pthread_mutex_lock(&s->mu);
		s->stop = true;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	for (unsigned i = 0; i < o->n; i++) {
		struct sink *s = &o->s[i];

		if (s->started)
			pthread_join(s->th, NULL);
		s->started = false;
	}
}

void
sw_outputs_free(struct sw_outputs *o)
{
	if (o == NULL)
		return;
	sw_outputs_stop(o);
	for (unsigned i = 0; i < o->n; i++)
		sink_free(&o->s[i]);
	free(o);
}

void
sw_outputs_close(struct sw_outputs *o)
{
	if (o == NULL)
		return;
	sw_outputs_stop(o);
	for (unsigned i = 0; i < o->n; i++) {
		struct sink *s = &o->s[i];
		struct sw_sink_counters sc;
		uint64_t lost;

		sw_outputs_counters(o, i, &sc);
		lost = sc.drop_queue_full + sc.drop_error + sc.drop_shutdown;
		if (lost != 0)
			fprintf(stderr, "scanwatch: output %s (%s): %llu of %llu records not "
				"delivered (queue full %llu, refused/failed %llu, pending at "
				"shutdown %llu)\n", s->cfg.name, s->ops->name,
				(unsigned long long)lost,
				(unsigned long long)(sc.enqueued + sc.drop_queue_full),
				(unsigned long long)sc.drop_queue_full,
				(unsigned long long)sc.drop_error,
				(unsigned long long)sc.drop_shutdown);
	}
	sw_outputs_free(o);
}
