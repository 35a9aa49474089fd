/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sink_feed: drive the real outputs (src/alert/outputs.c and its sinks)
 * with numbered alerts, for tests/test_syslog.py.
 *
 *   sink_feed [-c FILE] [--set KEY=VALUE]... [--count N] [--rate R]
 *             [--stats-every K] [--hostile] [--host NAME] [--pad BYTES]
 *
 * Configuration as scanwatch reads it (sw_conf_load_file, sw_conf_set,
 * sw_conf_validate), so outputs are set up exactly as in production, e.g.
 * --set outputs.0.type=syslog --set outputs.0.server=127.0.0.1.
 * Emits alerts 0..N-1 at R per second (0: as fast as possible); alert i
 * says "feed i" in its signature and "feed":i in its JSON. Every K-th
 * alert is followed by a stats event. --pad adds a "pad" string of that
 * many bytes to each alert's JSON (datagram size limits). Then stops the outputs (drain, flush
 * timeout) and prints one JSON line per sink on stdout: its name, type and
 * every counter, and a last line with the timings:
 *   {"sink":"syslog0","type":"syslog","enqueued":..,"written":..,...}
 *   {"emit_s":2.01,"stop_s":0.03}
 * Exit status: 0, or 2 for a bad argument or configuration.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <scanwatch/conf.h>
#include <scanwatch/json.h>
#include <scanwatch/sink.h>

/* Bytes from the wire, as hostile as the struct's strings can hold:
 * every format's delimiters, quotes, controls, invalid UTF-8. */
static const char hostile_suffix[] =
	" |=\\\"]^ \t\x01\x1b[0m\r\n\x7f caf\xc3\xa9 \xff\xc0\xaf \xed\xa0\x80 \xe2\x80\xa8 end";

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t
wall_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void
make_alert(struct sw_alert *a, struct sw_json *j, unsigned long i, bool hostile,
	   const char *host, const char *pad, size_t pad_len)
{
	char ts[40];

	memset(a, 0, sizeof(*a));
	a->type = SW_REC_ALERT;
	a->ts_ns = wall_ns();
	snprintf(a->host, sizeof(a->host), "%s", host);
	if (i % 5 == 4) {	/* some IPv6, for the CEF c6a2/c6a3 path */
		snprintf(a->src_ip, sizeof(a->src_ip), "2001:db8::%lx", i % 65536);
		snprintf(a->dest_ip, sizeof(a->dest_ip), "2001:db8:1::%lx", i % 65536);
	} else {
		snprintf(a->src_ip, sizeof(a->src_ip), "10.66.%lu.%lu", i / 250 % 250, i % 250 + 1);
		snprintf(a->dest_ip, sizeof(a->dest_ip), "10.99.0.%lu", i % 200 + 1);
	}
	a->dest_port = i % 7 == 6 ? 0 : (uint16_t)(i % 65535 + 1);
	snprintf(a->proto, sizeof(a->proto), "%s", i % 3 == 2 ? "UDP" : "TCP");
	a->gid = 122;
	a->sid = (uint32_t)(i % 27 + 1);
	a->rev = 1;
	a->severity = (uint8_t)(i % 4 + 1);
	snprintf(a->signature, sizeof(a->signature), "feed %lu%s", i,
		 hostile ? hostile_suffix : "");
	snprintf(a->category, sizeof(a->category), "%s", hostile ?
		 "Detection of a Network Scan \"=|^]\\" : "Detection of a Network Scan");
	snprintf(a->kind, sizeof(a->kind), "portsweep");
	snprintf(a->technique, sizeof(a->technique), "syn");
	snprintf(a->tool, sizeof(a->tool), "%s", hostile ? "nm\xffp\n" : "nmap");
	a->update = (uint32_t)(i % 3);
	/* the abuse desk's fields (ALERTS.md), in their three shapes */
	{
		static const char *const intents[3] = { "looking", "knob-rattling", "hammering" };

		snprintf(a->intent, sizeof(a->intent), "%s", intents[i % 3]);
		if (i % 3 != 0)
			snprintf(a->services, sizeof(a->services), "ssh/22,smb/445");
		a->repeats = i % 3 == 2 ? (uint32_t)(50 + i) : 0;
		a->fragmented = i % 4 == 1;
	}

	/* the EVE line, written by the same JSON writer scanwatch uses */
	sw_json_time(ts, a->ts_ns);
	sw_json_reset(j);
	sw_json_obj_open(j, NULL);
	sw_json_str(j, "timestamp", ts);
	sw_json_str(j, "event_type", "alert");
	if (a->host[0] != '\0')
		sw_json_str(j, "host", a->host);
	sw_json_str(j, "src_ip", a->src_ip);
	sw_json_str(j, "dest_ip", a->dest_ip);
	if (a->dest_port != 0)
		sw_json_u64(j, "dest_port", a->dest_port);
	sw_json_str(j, "proto", a->proto);
	sw_json_u64(j, "feed", i);
	if (pad_len > 0)
		sw_json_strn(j, "pad", pad, pad_len);
	sw_json_obj_open(j, "alert");
	sw_json_str(j, "action", "allowed");
	sw_json_u64(j, "gid", a->gid);
	sw_json_u64(j, "signature_id", a->sid);
	sw_json_u64(j, "rev", a->rev);
	sw_json_str(j, "signature", a->signature);
	sw_json_str(j, "category", a->category);
	sw_json_u64(j, "severity", a->severity);
	sw_json_obj_open(j, "metadata");
	sw_json_obj_open(j, "scan");
	sw_json_str(j, "kind", a->kind);
	sw_json_str(j, "technique", a->technique);
	sw_json_str(j, "tool", a->tool);
	sw_json_str(j, "intent", a->intent);
	sw_json_arr_open(j, "services");
	if (a->services[0] != '\0') {
		sw_json_str(j, NULL, "ssh/22");
		sw_json_str(j, NULL, "smb/445");
	}
	sw_json_arr_close(j);
	if (a->repeats > 0)
		sw_json_u64(j, "repeats", a->repeats);
	sw_json_bool(j, "fragmented", a->fragmented);
	sw_json_u64(j, "update", a->update);
	sw_json_obj_close(j);
	sw_json_obj_close(j);
	sw_json_obj_close(j);
	sw_json_obj_close(j);
}

static void
make_stats(struct sw_alert *a, struct sw_json *j, unsigned long seq, const char *host)
{
	char ts[40];

	memset(a, 0, sizeof(*a));
	a->type = SW_REC_STATS;
	a->ts_ns = wall_ns();
	snprintf(a->host, sizeof(a->host), "%s", host);
	sw_json_time(ts, a->ts_ns);
	sw_json_reset(j);
	sw_json_obj_open(j, NULL);
	sw_json_str(j, "timestamp", ts);
	sw_json_str(j, "event_type", "stats");
	if (host[0] != '\0')
		sw_json_str(j, "host", host);
	sw_json_obj_open(j, "stats");
	sw_json_u64(j, "feed_stats", seq);
	sw_json_obj_close(j);
	sw_json_obj_close(j);
}

static void
print_counters(const char *name, const char *type, const struct sw_sink_counters *c)
{
	printf("{\"sink\":\"%s\",\"type\":\"%s\",\"enqueued\":%llu,\"written\":%llu,"
	       "\"delivered\":%llu,\"bytes\":%llu,\"drop_queue_full\":%llu,"
	       "\"drop_error\":%llu,\"drop_shutdown\":%llu,\"skipped\":%llu,"
	       "\"connects\":%llu,\"connect_failures\":%llu,\"disconnects\":%llu,"
	       "\"resent\":%llu,\"unconfirmed\":%llu,\"depth\":%u,\"up\":%u}\n",
	       name, type,
	       (unsigned long long)c->enqueued, (unsigned long long)c->written,
	       (unsigned long long)c->delivered, (unsigned long long)c->bytes,
	       (unsigned long long)c->drop_queue_full, (unsigned long long)c->drop_error,
	       (unsigned long long)c->drop_shutdown, (unsigned long long)c->skipped,
	       (unsigned long long)c->connects, (unsigned long long)c->connect_failures,
	       (unsigned long long)c->disconnects, (unsigned long long)c->resent,
	       (unsigned long long)c->unconfirmed, c->depth, c->up);
}

static int
usage(void)
{
	fprintf(stderr, "usage: sink_feed [-c FILE] [--set KEY=VALUE]... [--count N] "
		"[--rate PER_S] [--stats-every K] [--hostile] [--host NAME] [--pad BYTES]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "stats-every", required_argument, NULL, 'k' },
		{ "hostile", no_argument, NULL, 'H' },
		{ "host", required_argument, NULL, 'h' },
		{ "pad", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	static struct sw_conf conf;	/* large: not on the stack */
	char err[512], host[64] = "";
	unsigned long count = 100, stats_every = 0;
	size_t pad_len = 0;
	char *pad = NULL;
	double rate = 0, t0, t1, t2;
	bool hostile = false;
	struct sw_outputs *o;
	struct sw_json j = { 0 };
	int opt;

	sw_conf_defaults(&conf);
	while ((opt = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (sw_conf_load_file(&conf, optarg, err, sizeof(err)) != 0) {
				fprintf(stderr, "sink_feed: %s\n", err);
				return 2;
			}
			break;
		case 's':
			if (sw_conf_set(&conf, optarg, err, sizeof(err)) != 0) {
				fprintf(stderr, "sink_feed: --set %s: %s\n", optarg, err);
				return 2;
			}
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			rate = strtod(optarg, NULL);
			break;
		case 'k':
			stats_every = strtoul(optarg, NULL, 10);
			break;
		case 'H':
			hostile = true;
			break;
		case 'h':
			snprintf(host, sizeof(host), "%s", optarg);
			break;
		case 'p':
			pad_len = strtoul(optarg, NULL, 10);
			free(pad);
			pad = malloc(pad_len + 1);
			if (pad == NULL)
				return 1;
			memset(pad, 'p', pad_len);
			break;
		default:
			return usage();
		}
	}
	if (optind != argc)
		return usage();
	if (sw_conf_validate(&conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "sink_feed: %s\n", err);
		return 2;
	}
	o = sw_outputs_open(&conf, err, sizeof(err));
	if (o == NULL) {
		fprintf(stderr, "sink_feed: %s\n", err);
		return 2;
	}

	t0 = now_s();
	for (unsigned long i = 0; i < count; i++) {
		struct sw_alert a;

		if (rate > 0) {	/* on an absolute schedule: no drift */
			double due = t0 + (double)i / rate, d = due - now_s();

			if (d > 0) {
				struct timespec ts = { (time_t)d, (long)((d - (double)(time_t)d) * 1e9) };

				nanosleep(&ts, NULL);
			}
		}
		make_alert(&a, &j, i, hostile, host, pad, pad_len);
		if (j.oom) {
			fprintf(stderr, "sink_feed: out of memory\n");
			return 1;
		}
		sw_outputs_emit(o, &a, j.buf, j.len);
		if (stats_every > 0 && (i + 1) % stats_every == 0) {
			make_stats(&a, &j, (i + 1) / stats_every, host);
			sw_outputs_emit(o, &a, j.buf, j.len);
		}
	}
	t1 = now_s();
	sw_outputs_stop(o);
	t2 = now_s();
	for (unsigned i = 0; i < sw_outputs_count(o); i++) {
		struct sw_sink_counters c;
		const char *type, *name = sw_outputs_name(o, i, &type);

		sw_outputs_counters(o, i, &c);
		print_counters(name, type, &c);
	}
	printf("{\"emit_s\":%.3f,\"stop_s\":%.3f}\n", t1 - t0, t2 - t1);
	fflush(stdout);
	sw_outputs_free(o);
	sw_json_free(&j);
	free(pad);
	return 0;
}
