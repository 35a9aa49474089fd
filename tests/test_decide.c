/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The decision stage alone: events in, alert records out, no EAL, no
 * control thread, no workers (the events carry the counters that decide).
 * Covers kinds, hold and correlation (decoy, distributed), suppression and
 * updates, the allowlist, payload alerts, and the EVE line eve.c writes for
 * a record.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <scanwatch/alert.h>
#include <scanwatch/cidr.h>
#include <scanwatch/detect.h>
#include <scanwatch/event.h>
#include <scanwatch/json.h>
#include <scanwatch/match.h>
#include <scanwatch/sink.h>
#include "detect/decide.h"
#include "detect/otab.h"

#include "check.h"

#define NS	1000000000ULL
#define T0	(1764000000ULL * NS)	/* 2025-11-24, any packet time works */
#define MAXREC	64

/* What the callbacks saw: the record's numbers, its strings copied (they
 * live only during the call) and the EVE line eve.c makes of it. */
struct seen {
	bool payload;
	struct sw_scan_alert scan;
	struct sw_payload_alert pay;
	char signature[128], kind[32], iface[32], evidence[64], tool[32];
	char eve[4096];
	struct sw_alert key;
};

static struct seen seen[MAXREC];
static unsigned nseen;
static bool refuse;		/* callbacks report "not sent" */
static struct sw_conf conf;
static const char *const ifaces[] = { "test0", "test1" };

static void
keep_head(struct seen *s, const struct sw_alert_head *h, struct sw_json *j)
{
	snprintf(s->signature, sizeof(s->signature), "%s", h->signature);
	snprintf(s->kind, sizeof(s->kind), "%s", h->kind);
	snprintf(s->iface, sizeof(s->iface), "%s", h->in_iface);
	snprintf(s->tool, sizeof(s->tool), "%s", h->tool);
	snprintf(s->eve, sizeof(s->eve), "%.*s", (int)j->len, j->buf);
}

static int
on_scan(void *arg, const struct sw_scan_alert *a)
{
	struct sw_json j;
	struct seen *s;

	(void)arg;
	if (refuse)
		return -1;
	if (nseen == MAXREC)
		return 0;
	s = &seen[nseen++];
	memset(s, 0, sizeof(*s));
	memset(&j, 0, sizeof(j));
	s->scan = *a;
	snprintf(s->evidence, sizeof(s->evidence), "%s", a->tool_evidence);
	CHECK(sw_eve_scan_alert(&j, "sensor1", a, &s->key) == 0, "eve scan alert failed");
	keep_head(s, &a->h, &j);
	sw_json_free(&j);
	return 0;
}

static int
on_payload(void *arg, const struct sw_payload_alert *a)
{
	struct sw_json j;
	struct seen *s;

	(void)arg;
	if (refuse)
		return -1;
	if (nseen == MAXREC)
		return 0;
	s = &seen[nseen++];
	memset(s, 0, sizeof(*s));
	memset(&j, 0, sizeof(j));
	s->payload = true;
	s->pay = *a;
	CHECK(sw_eve_payload_alert(&j, "", a, &s->key) == 0, "eve payload alert failed");
	keep_head(s, &a->h, &j);
	sw_json_free(&j);
	return 0;
}

/* env.flag: sources flagged, and how many alerts were written by then */
static struct sw_addr flagged[8];
static unsigned nflagged, seen_at_flag;

static void
on_flag(void *arg, const struct sw_addr *src, uint64_t first_ns)
{
	(void)arg;
	(void)first_ns;
	if (nflagged < sizeof(flagged) / sizeof(flagged[0]))
		flagged[nflagged] = *src;
	nflagged++;
	seen_at_flag = nseen;
}

static struct sw_decide *
start(void)
{
	struct sw_decide_env env = {
		.nw = 2, .iface = ifaces, .offline = true, .eps = 0.0001, .delta = 0.02,
		.scan = on_scan, .payload = on_payload, .flag = on_flag,
	};
	char err[256] = "";
	struct sw_decide *dec = sw_decide_create(&conf, &env, err, sizeof(err));

	CHECK(dec != NULL, "sw_decide_create: %s", err);
	nseen = 0;
	nflagged = 0;
	refuse = false;
	return dec;
}

static struct sw_addr
ip4(const char *s)
{
	struct sw_addr a;

	memset(&a, 0, sizeof(a));
	a.b[10] = a.b[11] = 0xff;
	inet_pton(AF_INET, s, &a.b[12]);
	return a;
}

/* A SUSPECT event: the producer's counters in timescale t. */
static struct sw_event
suspect(const char *src, const char *dst, uint16_t dport, uint64_t ts, unsigned t,
	uint16_t contacts, uint16_t targets, uint16_t ports, uint16_t failed, uint16_t answered)
{
	struct sw_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = SW_EV_SUSPECT;
	ev.ts_ns = ts;
	ev.src = ip4(src);
	ev.dst = ip4(dst);
	ev.dport = dport;
	ev.proto = IPPROTO_TCP;
	ev.cls = SW_C_TCP;
	ev.technique = SW_T_SYN;
	ev.timescale = (uint8_t)t;
	ev.worker = 1;
	ev.v[SW_F_CONTACTS] = contacts;
	ev.v[SW_F_TARGETS] = targets;
	ev.v[SW_F_PORTS] = ports;
	ev.v[SW_F_FAILED] = failed;
	ev.v[SW_F_ANSWERED] = answered;
	return ev;
}

/* Packet time moves on (a contact of an unrelated source): held alerts
 * whose hold ran out are written. */
static void
advance(struct sw_decide *dec, uint64_t ts)
{
	struct sw_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = SW_EV_CONTACT;
	ev.ts_ns = ts;
	ev.src = ip4("192.0.2.250");
	ev.dst = ip4("192.0.2.251");
	ev.cls = SW_C_TCP;
	ev.proto = IPPROTO_TCP;
	sw_decide_event(dec, &ev);
}

static void
feed(struct sw_decide *dec, struct sw_event ev)
{
	sw_decide_event(dec, &ev);
}

static bool
has(const char *eve, const char *frag)
{
	return strstr(eve, frag) != NULL;
}

/* One portscan: held for a second of packet time, then one record with the
 * numbers of the event, and its EVE line. */
static void
test_portscan_record(void)
{
	struct sw_decide *dec = start();
	const struct sw_scan_alert *a;
	char ip[64];

	feed(dec, suspect("10.0.0.1", "10.0.0.9", 445, T0, 0, 20, 1, 20, 20, 0));
	CHECK(nseen == 0, "alert written before its hold ran out (%u)", nseen);
	advance(dec, T0 + 2 * NS);
	CHECK(nseen == 1, "expected 1 alert, got %u", nseen);
	a = &seen[0].scan;
	CHECK(a->h.gid == 122 && a->h.sid == 1 && a->h.rev == 1, "gid %u sid %u rev %u",
	      a->h.gid, a->h.sid, a->h.rev);
	CHECK(strcmp(seen[0].kind, "portscan") == 0, "kind %s", seen[0].kind);
	CHECK(strcmp(seen[0].signature, "TCP portscan") == 0, "signature %s", seen[0].signature);
	CHECK(a->h.severity == 2, "severity %u", a->h.severity);
	CHECK(a->probes == 20 && a->ports == 20 && a->targets == 1 && a->failed == 20 &&
	      a->answered == 0, "counts %u %u %u %u %u", a->probes, a->ports, a->targets,
	      a->failed, a->answered);
	CHECK(!a->filtered && !a->trw && a->h.update == 0 && !a->allowlisted,
	      "filtered %d trw %d update %u allowlisted %d", a->filtered, a->trw, a->h.update,
	      a->allowlisted);
	CHECK(a->h.dport == 445 && a->h.has_dport && !a->h.has_sport && a->h.proto == IPPROTO_TCP,
	      "dport %u", a->h.dport);
	sw_addr_str(&a->h.src, ip, sizeof(ip));
	CHECK(strcmp(ip, "10.0.0.1") == 0, "src %s", ip);
	CHECK(strcmp(seen[0].iface, "test1") == 0, "in_iface %s (event of worker 1)", seen[0].iface);
	CHECK(a->h.ts_ns == T0 && a->window_s == 10, "ts %llu window %u",
	      (unsigned long long)a->h.ts_ns, a->window_s);
	CHECK(a->eps == 0.0001 && a->delta == 0.02, "error bounds not passed through");
	/* the EVE line and the key fields come from the same record */
	CHECK(has(seen[0].eve, "\"in_iface\":\"test1\",\"event_type\":\"alert\",\"host\":\"sensor1\","
		  "\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.0.0.9\",\"dest_port\":445,\"proto\":\"TCP\""),
	      "EVE header: %s", seen[0].eve);
	CHECK(has(seen[0].eve, "\"signature_id\":1,\"rev\":1,\"signature\":\"TCP portscan\","
		  "\"category\":\"Detection of a Network Scan\",\"severity\":2"),
	      "EVE alert: %s", seen[0].eve);
	CHECK(has(seen[0].eve, "\"kind\":\"portscan\",\"direction\":\"internal\",\"class\":\"TCP\","
		  "\"technique\":\"syn\""),
	      "EVE scan: %s", seen[0].eve);
	CHECK(has(seen[0].eve, "\"probes\":20") && has(seen[0].eve, "\"update\":0}}}}"),
	      "EVE scan counts: %s", seen[0].eve);
	CHECK(seen[0].key.sid == 1 && seen[0].key.dest_port == 445 &&
	      strcmp(seen[0].key.src_ip, "10.0.0.1") == 0 && strcmp(seen[0].key.kind, "portscan") == 0 &&
	      strcmp(seen[0].key.host, "sensor1") == 0, "key fields sid %u port %u src %s kind %s",
	      seen[0].key.sid, seen[0].key.dest_port, seen[0].key.src_ip, seen[0].key.kind);
	CHECK(sw_decide_stats(dec)->alerts == 1 && sw_decide_stats(dec)->scanners == 1,
	      "stats alerts %llu scanners %llu",
	      (unsigned long long)sw_decide_stats(dec)->alerts,
	      (unsigned long long)sw_decide_stats(dec)->scanners);
	sw_decide_free(dec);
}

/* A repeat within alerts.suppress is suppressed unless it comes after
 * alerts.update-interval with more contacts: then it is an update. */
static void
test_suppress_and_update(void)
{
	struct sw_decide *dec = start();
	const struct sw_decide_stats *st = sw_decide_stats(dec);

	feed(dec, suspect("10.0.0.2", "10.0.0.9", 80, T0, 0, 20, 1, 20, 20, 0));
	advance(dec, T0 + 2 * NS);
	CHECK(nseen == 1, "first alert: %u records", nseen);
	/* 10 s later, more contacts: before update-interval (60 s) */
	feed(dec, suspect("10.0.0.2", "10.0.0.9", 81, T0 + 10 * NS, 0, 25, 1, 25, 25, 0));
	advance(dec, T0 + 12 * NS);
	CHECK(nseen == 1 && st->suppressed == 1, "repeat within 60 s: %u records, %llu suppressed",
	      nseen, (unsigned long long)st->suppressed);
	/* 70 s later, the same count: nothing grew */
	feed(dec, suspect("10.0.0.2", "10.0.0.9", 82, T0 + 70 * NS, 0, 20, 1, 20, 20, 0));
	advance(dec, T0 + 72 * NS);
	CHECK(nseen == 1 && st->suppressed == 2, "same count: %u records, %llu suppressed",
	      nseen, (unsigned long long)st->suppressed);
	/* 80 s later, more: an update */
	feed(dec, suspect("10.0.0.2", "10.0.0.9", 83, T0 + 80 * NS, 0, 40, 1, 40, 40, 0));
	advance(dec, T0 + 82 * NS);
	CHECK(nseen == 2, "update: %u records", nseen);
	CHECK(seen[1].scan.h.update == 1 && seen[1].scan.probes == 40 && seen[1].key.update == 1,
	      "update %u probes %u key.update %u", seen[1].scan.h.update, seen[1].scan.probes,
	      seen[1].key.update);
	CHECK(has(seen[1].eve, "\"update\":1}"), "EVE update: %s", seen[1].eve);
	CHECK(st->alerts == 1 && st->updates == 1 && st->scanners == 1,
	      "alerts %llu updates %llu scanners %llu", (unsigned long long)st->alerts,
	      (unsigned long long)st->updates, (unsigned long long)st->scanners);
	/* after alerts.suppress (3600 s) it is a new alert again */
	feed(dec, suspect("10.0.0.2", "10.0.0.9", 84, T0 + 3700 * NS, 0, 20, 1, 20, 20, 0));
	advance(dec, T0 + 3702 * NS);
	CHECK(nseen == 3 && seen[2].scan.h.update == 0 && st->alerts == 2,
	      "after the suppression period: %u records, update %u", nseen,
	      nseen == 3 ? seen[2].scan.h.update : 99);
	sw_decide_free(dec);
}

/* A new scanner is flagged to env.flag when it is decided, before its
 * alert's hold ends (evidence captures start there); an update or a
 * suppressed repeat flags nothing. */
static void
test_flag_at_decision(void)
{
	struct sw_decide *dec = start();
	struct sw_addr a = ip4("10.0.0.3");

	feed(dec, suspect("10.0.0.3", "10.0.0.9", 80, T0, 0, 20, 1, 20, 20, 0));
	CHECK(nflagged == 1 && nseen == 0 && memcmp(&flagged[0], &a, sizeof(a)) == 0,
	      "at the decision: %u flagged, %u alerts written", nflagged, nseen);
	advance(dec, T0 + 2 * NS);
	CHECK(nseen == 1 && seen_at_flag == 0, "alert %u, written after the flag", nseen);
	feed(dec, suspect("10.0.0.3", "10.0.0.9", 81, T0 + 10 * NS, 0, 25, 1, 25, 25, 0));
	feed(dec, suspect("10.0.0.3", "10.0.0.9", 83, T0 + 80 * NS, 0, 40, 1, 40, 40, 0));
	advance(dec, T0 + 82 * NS);
	CHECK(nseen == 2 && seen[1].scan.h.update == 1 && nflagged == 1,
	      "a repeat and an update: %u flagged", nflagged);
	sw_decide_free(dec);
}

/* Three sources portscanning one target together (nmap -D): their held
 * portscan alerts become decoy alerts naming three sources. */
static void
test_decoy(void)
{
	struct sw_decide *dec = start();
	const char *src[] = { "10.0.1.1", "10.0.1.2", "10.0.1.3" };

	for (unsigned i = 0; i < 3; i++)
		feed(dec, suspect(src[i], "10.0.0.9", 22, T0 + i * NS / 10, 0, 15, 1, 15, 15, 0));
	sw_decide_finish(dec);
	CHECK(nseen == 3, "expected 3 decoy alerts, got %u", nseen);
	for (unsigned i = 0; i < nseen; i++) {
		CHECK(strcmp(seen[i].kind, "decoy_portscan") == 0 && seen[i].scan.h.sid == 2,
		      "alert %u: kind %s sid %u", i, seen[i].kind, seen[i].scan.h.sid);
		CHECK(seen[i].scan.sources == 3, "alert %u: sources %u", i, seen[i].scan.sources);
		CHECK(strcmp(seen[i].signature, "TCP decoy portscan") == 0, "signature %s",
		      seen[i].signature);
	}
	CHECK(nseen > 0 && has(seen[0].eve, "\"sources\":3"), "EVE decoy line lacks sources");
	sw_decide_free(dec);

	/* two sources are not enough (detect.decoy-sources: 3) */
	dec = start();
	for (unsigned i = 0; i < 2; i++)
		feed(dec, suspect(src[i], "10.0.0.9", 22, T0 + i * NS / 10, 0, 15, 1, 15, 15, 0));
	sw_decide_finish(dec);
	CHECK(nseen == 2 && strcmp(seen[0].kind, "portscan") == 0 &&
	      strcmp(seen[1].kind, "portscan") == 0 && seen[0].scan.sources == 0,
	      "two sources: %u records, kind %s", nseen, nseen ? seen[0].kind : "-");
	sw_decide_free(dec);
}

static struct sw_event
hot(const char *src, uint16_t dport, uint64_t ts, bool first)
{
	struct sw_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = first ? SW_EV_TARGET : SW_EV_HOT_CONTACT;
	ev.ts_ns = ts;
	ev.src = ip4(src);
	ev.dst = ip4("10.0.0.50");
	ev.dport = dport;
	ev.proto = IPPROTO_TCP;
	ev.cls = SW_C_TCP;
	return ev;
}

/* Five sources, two ports each, ten ports on one target together: a
 * distributed portscan, one alert per source. */
static void
test_distributed(void)
{
	struct sw_decide *dec = start();
	char name[32];
	unsigned n = 0;

	for (unsigned i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "10.0.2.%u", i + 1);
		for (unsigned p = 0; p < 2; p++, n++)
			feed(dec, hot(name, (uint16_t)(1000 + 2 * i + p), T0 + n * NS / 100, n == 0));
	}
	sw_decide_finish(dec);
	CHECK(nseen == 5, "expected 5 distributed alerts, got %u", nseen);
	for (unsigned i = 0; i < nseen; i++) {
		const struct sw_scan_alert *a = &seen[i].scan;

		CHECK(strcmp(seen[i].kind, "distributed_portscan") == 0 && a->h.sid == 4,
		      "alert %u: kind %s sid %u", i, seen[i].kind, a->h.sid);
		CHECK(a->sources == 5 && a->probes == 2 && a->ports == 2 && a->targets == 1,
		      "alert %u: sources %u probes %u ports %u targets %u", i, a->sources,
		      a->probes, a->ports, a->targets);
		CHECK(!a->filtered, "a distributed alert is never 'filtered'");
	}
	sw_decide_free(dec);

	/* four sources: below detect.distributed-sources */
	dec = start();
	n = 0;
	for (unsigned i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "10.0.2.%u", i + 1);
		for (unsigned p = 0; p < 3; p++, n++)
			feed(dec, hot(name, (uint16_t)(1000 + 3 * i + p), T0 + n * NS / 100, n == 0));
	}
	sw_decide_finish(dec);
	CHECK(nseen == 0, "four sources: %u alerts", nseen);
	sw_decide_free(dec);

	/* five sources, but one alone covers ten ports: that one is a
	 * portscan of its own, not a share of a distributed one */
	dec = start();
	n = 0;
	for (unsigned i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "10.0.2.%u", i + 1);
		for (unsigned p = 0; p < (i == 0 ? 10u : 1u); p++, n++)
			feed(dec, hot(name, (uint16_t)(1000 + p), T0 + n * NS / 100, n == 0));
	}
	sw_decide_finish(dec);
	CHECK(nseen == 0, "one source with every port: %u distributed alerts", nseen);
	sw_decide_free(dec);
}

/* allowlist.action tag: decided, counted, not written; alert-low: written
 * with severity 4 and allowlisted; an entry with ports covers those only. */
static void
test_allowlist(void)
{
	struct sw_decide *dec;
	char err[256];

	conf.allowlist.n = 0;
	CHECK(sw_conf_set(&conf, "allowlist.entries=[\"10.1.0.0/16\", \"10.2.0.1 22,80\"]",
			  err, sizeof(err)) == 0, "allowlist: %s", err);
	dec = start();
	feed(dec, suspect("10.1.2.3", "10.0.0.9", 445, T0, 0, 20, 1, 20, 20, 0));
	feed(dec, suspect("10.2.0.1", "10.0.0.9", 80, T0, 0, 20, 1, 20, 20, 0));
	feed(dec, suspect("10.2.0.1", "10.0.0.8", 443, T0, 0, 20, 1, 20, 20, 0));
	sw_decide_finish(dec);
	CHECK(sw_decide_stats(dec)->allowlisted == 2, "tagged %llu",
	      (unsigned long long)sw_decide_stats(dec)->allowlisted);
	/* 10.2.0.1's portscan is held once per (source, kind): the port-80
	 * event decided it, so it stays allowlisted */
	CHECK(nseen == 0, "tag: %u alerts written", nseen);
	sw_decide_free(dec);

	CHECK(sw_conf_set(&conf, "allowlist.action=alert-low", err, sizeof(err)) == 0, "%s", err);
	dec = start();
	feed(dec, suspect("10.1.2.3", "10.0.0.9", 445, T0, 0, 20, 1, 20, 20, 0));
	feed(dec, suspect("10.2.0.1", "10.0.0.9", 443, T0, 0, 20, 1, 20, 20, 0));
	sw_decide_finish(dec);
	CHECK(nseen == 2, "alert-low: %u alerts", nseen);
	for (unsigned i = 0; i < nseen; i++) {
		char ip[64];
		bool listed;

		sw_addr_str(&seen[i].scan.h.src, ip, sizeof(ip));
		listed = strcmp(ip, "10.1.2.3") == 0;	/* 10.2.0.1 443: not its ports */
		CHECK(seen[i].scan.allowlisted == listed &&
		      seen[i].scan.h.severity == (listed ? 4 : 2),
		      "%s: allowlisted %d severity %u", ip, seen[i].scan.allowlisted,
		      seen[i].scan.h.severity);
	}
	sw_decide_free(dec);

	/* a bad entry is refused at create, with the entry named */
	snprintf(conf.allowlist.v[0], sizeof(conf.allowlist.v[0]), "10.1.0.0/99");
	{
		struct sw_decide_env env = { .nw = 1, .iface = ifaces, .scan = on_scan,
					     .payload = on_payload };

		err[0] = '\0';
		CHECK(sw_decide_create(&conf, &env, err, sizeof(err)) == NULL &&
		      strstr(err, "10.1.0.0/99") != NULL, "bad entry accepted (%s)", err);
	}
	sw_conf_defaults(&conf);
}

/* A scan only the medium window sees is a slow scan. */
/* network.home names each alert's direction; alerts.<direction> raises,
 * lowers or silences (counted) the alerts of one direction. */
static void
test_direction(void)
{
	static const char *const sets[] = {
		"network.home=192.0.2.0/24,2001:db8::/32", "alerts.outbound=raise",
		"alerts.inbound=off", "alerts.external=lower",
	};
	struct sw_decide *dec;
	char err[256];
	const char *dir[3] = { NULL };
	unsigned sev[3] = { 0 };

	for (unsigned i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		CHECK(sw_conf_set(&conf, sets[i], err, sizeof(err)) == 0, "%s: %s", sets[i], err);
	dec = start();
	feed(dec, suspect("192.0.2.5", "198.51.100.9", 445, T0, 0, 20, 1, 20, 20, 0));
	feed(dec, suspect("198.51.100.7", "192.0.2.9", 445, T0, 0, 20, 1, 20, 20, 0));
	feed(dec, suspect("203.0.113.1", "198.51.100.2", 445, T0, 0, 20, 1, 20, 20, 0));
	feed(dec, suspect("192.0.2.6", "192.0.2.7", 445, T0, 0, 20, 1, 20, 20, 0));
	sw_decide_finish(dec);
	CHECK(nseen == 3, "%u alerts written (inbound is off)", nseen);
	for (unsigned i = 0; i < nseen && i < 3; i++) {
		char ip[64];

		sw_addr_str(&seen[i].scan.h.src, ip, sizeof(ip));
		CHECK(strcmp(ip, "198.51.100.7") != 0, "the inbound scan was written");
		if (strcmp(ip, "192.0.2.5") == 0)
			dir[0] = seen[i].scan.h.direction, sev[0] = seen[i].scan.h.severity;
		else if (strcmp(ip, "203.0.113.1") == 0)
			dir[1] = seen[i].scan.h.direction, sev[1] = seen[i].scan.h.severity;
		else if (strcmp(ip, "192.0.2.6") == 0)
			dir[2] = seen[i].scan.h.direction, sev[2] = seen[i].scan.h.severity;
		CHECK(has(seen[i].eve, "\"direction\":\""), "EVE without direction: %s",
		      seen[i].eve);
	}
	CHECK(dir[0] && strcmp(dir[0], "outbound") == 0 && sev[0] == 1,
	      "outbound: %s severity %u (raised from 2)", dir[0] ? dir[0] : "-", sev[0]);
	CHECK(dir[1] && strcmp(dir[1], "external") == 0 && sev[1] == 4,
	      "external: %s severity %u (lowered)", dir[1] ? dir[1] : "-", sev[1]);
	CHECK(dir[2] && strcmp(dir[2], "internal") == 0 && sev[2] == 2,
	      "internal: %s severity %u (as decided)", dir[2] ? dir[2] : "-", sev[2]);
	CHECK(sw_decide_stats(dec)->direction_off == 1, "direction_off %llu",
	      (unsigned long long)sw_decide_stats(dec)->direction_off);
	sw_decide_free(dec);
	CHECK(sw_conf_set(&conf, "network.home=10.0.0.0/8", err, sizeof(err)) == 0 &&
	      sw_conf_set(&conf, "alerts.outbound=alert", err, sizeof(err)) == 0 &&
	      sw_conf_set(&conf, "alerts.inbound=alert", err, sizeof(err)) == 0 &&
	      sw_conf_set(&conf, "alerts.external=alert", err, sizeof(err)) == 0, "%s", err);
}

static void
test_slow(void)
{
	struct sw_decide *dec = start();

	feed(dec, suspect("10.0.3.1", "10.0.0.9", 22, T0, 1, 30, 1, 30, 30, 0));
	sw_decide_finish(dec);
	CHECK(nseen == 1 && strcmp(seen[0].kind, "slow_scan") == 0 && seen[0].scan.h.sid == 1010 &&
	      seen[0].scan.h.severity == 3 && seen[0].scan.window_s == 300,
	      "%u records, kind %s sid %u", nseen, nseen ? seen[0].kind : "-",
	      nseen ? seen[0].scan.h.sid : 0);
	sw_decide_free(dec);
}

/* A record the writer could not send is a format error, not an alert. */
static void
test_not_sent(void)
{
	struct sw_decide *dec = start();

	refuse = true;
	feed(dec, suspect("10.0.4.1", "10.0.0.9", 22, T0, 0, 20, 1, 20, 20, 0));
	sw_decide_finish(dec);
	CHECK(sw_decide_stats(dec)->format_errors == 1 && sw_decide_stats(dec)->alerts == 0,
	      "format_errors %llu alerts %llu",
	      (unsigned long long)sw_decide_stats(dec)->format_errors,
	      (unsigned long long)sw_decide_stats(dec)->alerts);
	sw_decide_free(dec);
}

/* Payload alerts: one record per (source, sid) per alerts.suppress. */
static void
test_payload(void)
{
	struct sw_decide *dec = start();
	struct sw_decide_payload_stats ps;
	struct sw_match_event ev;
	struct sw_rule rule;

	memset(&rule, 0, sizeof(rule));
	rule.sid = 2100001;
	rule.rev = 3;
	rule.severity = 2;
	snprintf(rule.msg, sizeof(rule.msg), "SCANWATCH test rule");
	snprintf(rule.classtype, sizeof(rule.classtype), "attempted-recon");
	snprintf(rule.tool, sizeof(rule.tool), "nmap");
	rule.file = "test.rules";
	rule.line = 7;
	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = T0;
	ev.src = ip4("10.0.5.1");
	ev.dst = ip4("10.0.0.9");
	ev.sport = 40000;
	ev.dport = 80;
	ev.proto = IPPROTO_TCP;
	ev.gen = 1;
	memcpy(ev.excerpt, "GET / \"x\"", 9);
	ev.excerpt_len = 9;
	ev.payload_len = 100;
	ev.match_end = 9;
	sw_decide_payload(dec, &ev, &rule);
	ev.ts_ns = T0 + 5 * NS;
	sw_decide_payload(dec, &ev, &rule);
	sw_decide_payload(dec, &ev, NULL);
	sw_decide_payload_stats(dec, &ps);
	CHECK(nseen == 1 && seen[0].payload, "%u records", nseen);
	CHECK(ps.alerts == 1 && ps.suppressed == 1 && ps.unknown_rule == 1,
	      "alerts %llu suppressed %llu unknown %llu", (unsigned long long)ps.alerts,
	      (unsigned long long)ps.suppressed, (unsigned long long)ps.unknown_rule);
	if (nseen == 1) {
		const struct sw_payload_alert *a = &seen[0].pay;

		CHECK(a->h.gid == 1 && a->h.sid == 2100001 && a->h.rev == 3 && a->h.severity == 2 &&
		      a->h.sport == 40000 && a->h.has_sport && a->length == 100 &&
		      a->rule_line == 7 && strcmp(seen[0].kind, "payload") == 0 &&
		      strcmp(seen[0].tool, "nmap") == 0 && strcmp(seen[0].iface, "test0") == 0,
		      "payload record: sid %u sport %u kind %s", a->h.sid, a->h.sport, seen[0].kind);
		CHECK(has(seen[0].eve, "\"src_ip\":\"10.0.5.1\",\"src_port\":40000,"
			  "\"dest_ip\":\"10.0.0.9\",\"dest_port\":80,\"proto\":\"TCP\""),
		      "EVE payload header: %s", seen[0].eve);
		CHECK(!has(seen[0].eve, "\"host\""), "no host configured, yet: %s", seen[0].eve);
		CHECK(has(seen[0].eve, "\"source\":{\"ip\":\"10.0.5.1\",\"port\":40000}"),
		      "EVE payload source: %s", seen[0].eve);
		CHECK(has(seen[0].eve, "\"excerpt\":\"GET / \\\"x\\\"\""), "EVE excerpt: %s",
		      seen[0].eve);
		CHECK(has(seen[0].eve, "\"rule_file\":\"test.rules\",\"rule_line\":7,"
			  "\"rules_generation\":1}}}}"), "EVE payload tail: %s", seen[0].eve);
		CHECK(strcmp(seen[0].key.kind, "payload") == 0 && seen[0].key.technique[0] == '\0' &&
		      seen[0].key.gid == 1, "payload key fields");
	}
	sw_decide_free(dec);
}

/* The allowlist entry parser shared with the configuration check. */
static void
test_cidr(void)
{
	struct sw_cidr c;
	struct sw_addr a;
	char why[160];

	CHECK(sw_cidr_parse("192.0.2.0/24 22, 443", &c, why, sizeof(why)) == 0, "%s", why);
	CHECK(c.plen == 96 + 24 && c.nports == 2 && c.ports[0] == 22 && c.ports[1] == 443,
	      "plen %u nports %u", c.plen, c.nports);
	a = ip4("192.0.2.77");
	CHECK(sw_cidr_match(&c, &a, 443) && !sw_cidr_match(&c, &a, 80), "port match");
	a = ip4("192.0.3.77");
	CHECK(!sw_cidr_match(&c, &a, 443), "outside the prefix matched");
	CHECK(sw_cidr_parse("2001:db8::/32", &c, why, sizeof(why)) == 0 && c.plen == 32 &&
	      c.nports == 0 && c.net.b[0] == 0x20 && c.net.b[3] == 0xb8, "IPv6: %s", why);
	CHECK(sw_cidr_parse("10.0.0.1", &c, why, sizeof(why)) == 0 && c.plen == 128,
	      "bare host: plen %u", c.plen);
	CHECK(sw_cidr_parse("0.0.0.0/0", &c, why, sizeof(why)) == 0 && c.plen == 96, "/0");
	a = ip4("203.0.113.9");
	CHECK(sw_cidr_match(&c, &a, 1), "/0 covers every IPv4 address");
	CHECK(sw_cidr_parse("192.0.2.1/24", &c, why, sizeof(why)) != 0 &&
	      strstr(why, "did you mean 192.0.2.0/24") != NULL, "host bits: %s", why);
	CHECK(sw_cidr_parse("10.0.0.0/33", &c, why, sizeof(why)) != 0 && strstr(why, "0..32"),
	      "prefix: %s", why);
	CHECK(sw_cidr_parse("10.0.0.0/8 1,2,3,4,5,6,7,8,9", &c, why, sizeof(why)) != 0 &&
	      strstr(why, "at most 8") != NULL, "nine ports: %s", why);
	CHECK(sw_cidr_parse("10.0.0.0/8 22,", &c, why, sizeof(why)) != 0, "trailing comma");
	CHECK(sw_cidr_parse("10.0.0.300", &c, why, sizeof(why)) != 0 &&
	      strstr(why, "not an IPv4 or IPv6") != NULL, "bad address: %s", why);
}

static uint32_t
u32_hash(const void *e)
{
	return *(const uint32_t *)e;
}

static bool
u32_eq(const void *e, const void *key)
{
	return *(const uint32_t *)e == *(const uint32_t *)key;
}

static bool
u32_even(const void *e, void *arg)
{
	(void)arg;
	return *(const uint32_t *)e % 2 == 0;
}

/* The records' table: probe, busy at 3/4, purge keeps what it is told. */
static void
test_otab(void)
{
	struct sw_otab t;
	uint32_t empty, k;

	CHECK(sw_otab_init(&t, 8, sizeof(uint32_t), u32_hash) == 0, "init");
	for (k = 1; k <= 6; k++) {
		CHECK(sw_otab_find(&t, k, u32_eq, &k, &empty) == NULL, "%u before insert", k);
		*(uint32_t *)sw_otab_take(&t, empty) = k;
	}
	CHECK(t.n == 6 && sw_otab_busy(&t), "6 of 8: n %u busy %d", t.n, sw_otab_busy(&t));
	k = 9;	/* 9 % 8 == 1: probes past 1..6 to slot 7 */
	CHECK(sw_otab_find(&t, k, u32_eq, &k, &empty) == NULL && empty == 7, "empty %u", empty);
	sw_otab_purge(&t, u32_even, NULL);
	CHECK(t.n == 3 && !sw_otab_busy(&t), "after purge n %u", t.n);
	for (k = 1; k <= 6; k++) {
		uint32_t *e = sw_otab_find(&t, k, u32_eq, &k, &empty);

		CHECK((e != NULL) == (k % 2 == 0) && (e == NULL || *e == k), "%u after purge", k);
	}
	sw_otab_fini(&t);
}

/* A REPEAT event: a worker's share of connection attempts to dst again. */
static struct sw_event
repeat(const char *src, const char *dst, uint16_t dport, uint64_t ts, uint8_t worker,
       uint32_t more)
{
	struct sw_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = SW_EV_REPEAT;
	ev.ts_ns = ts;
	ev.src = ip4(src);
	ev.dst = ip4(dst);
	ev.dport = dport;
	ev.proto = IPPROTO_TCP;
	ev.cls = SW_C_TCP;
	ev.technique = SW_T_SYN;
	ev.worker = worker;
	ev.v[0] = (uint16_t)more;
	ev.v[1] = (uint16_t)(more >> 16);
	return ev;
}

/*
 * The abuse desk's distinctions: a sweep of one sensitive service is
 * knob-rattling, one severity step above a sweep of the web; a scan of
 * many ports is looking even when it touches sensitive services; the
 * alert lists the services (from the SERVICES bitmap and the sampled
 * ports alike).
 */
static void
test_intent_and_services(void)
{
	struct sw_decide *dec = start();
	struct sw_event ev;
	const struct seen *smb = NULL, *web = NULL, *wide = NULL;

	/* 10.0.0.1 sweeps 445; its SERVICES event also names rdp (bit 16) */
	ev = suspect("10.0.0.1", "10.0.9.1", 445, T0, 0, 12, 12, 1, 12, 0);
	ev.type = SW_EV_SERVICES;
	ev.v[0] = 0;
	ev.v[1] = 1;	/* bit 16: rdp/3389 in the default list */
	feed(dec, ev);
	feed(dec, suspect("10.0.0.1", "10.0.9.1", 445, T0, 0, 12, 12, 1, 12, 0));
	/* 10.0.0.2 sweeps 80; 10.0.0.3 scans 200 ports, 22 among them */
	feed(dec, suspect("10.0.0.2", "10.0.9.1", 80, T0, 0, 12, 12, 1, 12, 0));
	feed(dec, suspect("10.0.0.3", "10.0.9.1", 22, T0, 0, 200, 1, 200, 200, 0));
	sw_decide_finish(dec);
	CHECK(nseen == 3, "%u alerts", nseen);
	for (unsigned i = 0; i < nseen; i++) {
		char ip[64];

		sw_addr_str(&seen[i].scan.h.src, ip, sizeof(ip));
		if (strcmp(ip, "10.0.0.1") == 0)
			smb = &seen[i];
		else if (strcmp(ip, "10.0.0.2") == 0)
			web = &seen[i];
		else
			wide = &seen[i];
	}
	if (smb == NULL || web == NULL || wide == NULL)
		return;
	CHECK(strcmp(smb->scan.intent, "knob-rattling") == 0 && smb->scan.h.severity == 2,
	      "445 sweep: intent %s severity %u", smb->scan.intent, smb->scan.h.severity);
	CHECK(smb->scan.nservices == 2 && strcmp(smb->scan.services[0], "smb/445") == 0 &&
	      strcmp(smb->scan.services[1], "rdp/3389") == 0, "services %u %s", smb->scan.nservices,
	      smb->scan.services[0]);
	CHECK(has(smb->eve, "\"intent\":\"knob-rattling\",\"services\":[\"smb/445\",\"rdp/3389\"]"),
	      "EVE: %s", smb->eve);
	CHECK(strcmp(smb->key.intent, "knob-rattling") == 0 &&
	      strcmp(smb->key.services, "smb/445,rdp/3389") == 0, "key fields %s %s",
	      smb->key.intent, smb->key.services);
	CHECK(strcmp(web->scan.intent, "looking") == 0 && web->scan.h.severity == 3 &&
	      web->scan.nservices == 0, "80 sweep: intent %s severity %u services %u",
	      web->scan.intent, web->scan.h.severity, web->scan.nservices);
	CHECK(strcmp(wide->scan.intent, "looking") == 0 && wide->scan.h.severity == 2 &&
	      wide->scan.nservices == 1, "wide scan: intent %s severity %u services %u",
	      wide->scan.intent, wide->scan.h.severity, wide->scan.nservices);
	CHECK(!has(wide->eve, "\"repeats\""), "repeats on a scan: %s", wide->eve);
	sw_decide_free(dec);
}

/*
 * Hammering: the workers' shares of repeated attempts on one target are
 * summed; at detect.hammering.repeats an alert of its own kind and sid,
 * severity 1, with the count. Another target in the same window is not
 * mixed in; an allowlisted source with alert-low stays at 4.
 */
static void
test_hammering(void)
{
	struct sw_decide *dec;
	char err[256];
	const struct sw_scan_alert *a;

	CHECK(sw_conf_set(&conf, "detect.hammering.repeats=40", err, sizeof(err)) == 0, "%s", err);
	dec = start();
	feed(dec, repeat("10.0.0.1", "10.0.9.1", 22, T0, 0, 20));
	feed(dec, repeat("10.0.0.1", "10.0.9.2", 22, T0 + NS, 1, 30));	/* another target */
	advance(dec, T0 + 3 * NS);
	CHECK(nseen == 0, "%u alerts below the threshold", nseen);
	feed(dec, repeat("10.0.0.1", "10.0.9.1", 22, T0 + 4 * NS, 1, 20));
	advance(dec, T0 + 6 * NS);
	CHECK(nseen == 1, "%u alerts at the threshold", nseen);
	if (nseen != 1)
		goto out;
	a = &seen[0].scan;
	CHECK(strcmp(seen[0].kind, "hammering") == 0 && a->h.sid == 1030 && a->h.gid == 122 &&
	      strcmp(seen[0].signature, "TCP hammering") == 0, "kind %s sid %u signature %s",
	      seen[0].kind, a->h.sid, seen[0].signature);
	CHECK(a->h.severity == 1 && strcmp(a->intent, "hammering") == 0 && a->repeats == 40,
	      "severity %u intent %s repeats %u", a->h.severity, a->intent, a->repeats);
	CHECK(a->window_s == 60 && a->targets == 1, "window %u targets %u", a->window_s,
	      a->targets);
	CHECK(has(seen[0].eve, "\"services\":[\"ssh/22\"],\"repeats\":40"), "EVE: %s",
	      seen[0].eve);
	CHECK(seen[0].key.repeats == 40, "key repeats %u", seen[0].key.repeats);
	/* a window later the count starts again */
	feed(dec, repeat("10.0.0.1", "10.0.9.2", 22, T0 + 100 * NS, 0, 30));
	advance(dec, T0 + 102 * NS);
	CHECK(nseen == 1, "%u alerts: 30 repeats on a new target are not 40", nseen);
	sw_decide_free(dec);

	/* allowlisted, alert-low: written at severity 4 */
	CHECK(sw_conf_set(&conf, "allowlist.entries=10.0.0.0/24", err, sizeof(err)) == 0 &&
	      sw_conf_set(&conf, "allowlist.action=alert-low", err, sizeof(err)) == 0, "%s", err);
	dec = start();
	feed(dec, repeat("10.0.0.1", "10.0.9.1", 22, T0, 0, 40));
	sw_decide_finish(dec);
	CHECK(nseen == 1 && seen[0].scan.h.severity == 4 && seen[0].scan.allowlisted,
	      "%u alerts, severity %u", nseen, nseen ? seen[0].scan.h.severity : 0);
out:
	sw_decide_free(dec);
	sw_conf_defaults(&conf);
}

int
main(void)
{
	sw_conf_defaults(&conf);
	RUN(test_portscan_record);
	RUN(test_intent_and_services);
	RUN(test_hammering);
	RUN(test_suppress_and_update);
	RUN(test_flag_at_decision);
	RUN(test_decoy);
	RUN(test_distributed);
	RUN(test_allowlist);
	RUN(test_direction);
	RUN(test_slow);
	RUN(test_not_sent);
	RUN(test_payload);
	RUN(test_cidr);
	RUN(test_otab);
	NOTE("%u tests, %u failed", n_tests, n_failed);
	return n_failed != 0;
}
