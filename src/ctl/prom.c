/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus exporter: the text exposition format 0.0.4, served by
 * libmicrohttpd on stats.prometheus.listen.
 *
 * Format: https://prometheus.io/docs/instrumenting/exposition_formats/
 * ("Text-based format"): "# HELP name text" and "# TYPE name type" before a
 * metric's samples, every sample of a metric family in one group, label
 * values escaping backslash, double quote and line feed, HELP text escaping
 * backslash and line feed. Names follow the Prometheus naming guide:
 * scanwatch_ prefix, base units, counters ending in _total. The worker,
 * detection and payload families come from the counter tables
 * (src/ctl/counters.c), the sink families from sw_sink_fields.
 *
 * HTTP: GET or HEAD /metrics answers 200, any other method or target 404,
 * a request head over REQ_MAX bytes 431; every answer says "Connection:
 * close". libmicrohttpd parses the requests (a request line it cannot read
 * gets 400 or 505, or the connection closed) on one thread of its own that
 * polls at most CONN_MAX connections at once, CONN_PER_IP from one address,
 * and closes a connection idle for CONN_TIMEOUT_S, whether the client is
 * silent, trickles its request or does not read the answer. A slow client
 * therefore holds one slot for a while but delays no other scrape.
 */

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_version.h>

#include <scanwatch/ctl.h>
#include <scanwatch/match.h>
#include <scanwatch/obs.h>
#include <scanwatch/sink.h>
#include "ctl/recent.h"
#include "port/port.h"

#define REQ_MAX		 8192	/* request head; Prometheus sends ~300 bytes */
#define CONN_TIMEOUT_S	 3	/* idle seconds before a connection is closed */
#define CONN_MAX	 16	/* connections served at once */
#define CONN_PER_IP	 (CONN_MAX / 2)	/* so one stuck client cannot take all */
/* libmicrohttpd's per-connection buffer holds the request head and the
 * answer's header: room for REQ_MAX, so a head over it gets our 431. */
#define CONN_MEMORY	 (2 * REQ_MAX)
#define LISTEN_BACKLOG	 16

struct sw_prom {
	const struct sw_ctl *ctl;
	int lfd;			/* listening socket, MHD's once d runs */
	struct MHD_Daemon *d;
};

/* ---- rendering ------------------------------------------------------------ */

struct pbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void __rte_format_printf(2, 3)
bput(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	size_t cap;
	char *q;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		cap = RTE_MAX(b->cap * 2, b->len + (size_t)n + 1);
		q = realloc(b->p, cap);
		if (q == NULL) {
			b->oom = true;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
}

size_t
sw_prom_escape(char *dst, size_t cap, const char *src)
{
	size_t n = 0;

	if (cap == 0)
		return 0;
	for (; *src != '\0'; src++) {
		const char *rep = NULL;
		size_t k;

		switch (*src) {
		case '\\': rep = "\\\\"; break;
		case '"': rep = "\\\""; break;
		case '\n': rep = "\\n"; break;
		}
		k = rep != NULL ? 2 : 1;
		/* never cut an escape sequence in half */
		if (n + k > cap - 1)
			break;
		if (rep != NULL)
			memcpy(dst + n, rep, 2);
		else
			dst[n] = *src;
		n += k;
	}
	dst[n] = '\0';
	return n;
}

/* The HELP and TYPE lines that open a metric family. */
static void
family(struct pbuf *b, const char *name, const char *type, const char *help)
{
	bput(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample; lbl is "" or an already escaped label list without braces. */
static void
sample(struct pbuf *b, const char *name, const char *lbl, uint64_t v)
{
	if (lbl[0] != '\0')
		bput(b, "%s{%s} %" PRIu64 "\n", name, lbl, v);
	else
		bput(b, "%s %" PRIu64 "\n", name, v);
}

static void
gauge(struct pbuf *b, const char *name, const char *help, uint64_t v)
{
	family(b, name, "gauge", help);
	sample(b, name, "", v);
}

/* ---- from the counter tables ---------------------------------------------- */

static const char *
type_of(const struct sw_counter *r)
{
	return r->kind == SW_CTR_GAUGE ? "gauge" : "counter";
}

/* Every row of a set with a Prometheus name, one family each, in table order. */
static void
render_totals(struct pbuf *b, const struct sw_counter *rows, unsigned n, const void *snap)
{
	for (unsigned k = 0; k < n; k++) {
		const struct sw_counter *r = &rows[k];

		if (r->prom == NULL)
			continue;
		family(b, r->prom, type_of(r), r->help);
		if (r->kind == SW_CTR_PERR) {
			const uint64_t *perr = sw_counter_array(snap, r);

			for (unsigned e = 1; e < SW_PERR__MAX; e++)
				bput(b, "%s{reason=\"%s\"} %" PRIu64 "\n", r->prom,
				     sw_perr_names[e], perr[e]);
			continue;
		}
		sample(b, r->prom, "", sw_counter_get(snap, r));
	}
}

/* Every per-worker row of a set with a Prometheus name: one family each,
 * one sample per worker; ws[i] is worker i's struct, lbl[i] its labels. */
static void
render_per_worker(struct pbuf *b, const struct sw_counter *rows, unsigned n, const void *ws,
		  size_t wsize, const char (*lbl)[48], unsigned nw)
{
	for (unsigned k = 0; k < n; k++) {
		const struct sw_counter *r = &rows[k];

		if (r->wprom == NULL)
			continue;
		family(b, r->wprom, "counter", r->whelp);
		for (unsigned i = 0; i < nw; i++)
			sample(b, r->wprom, lbl[i],
			       sw_counter_wget((const char *)ws + i * wsize, r));
	}
}

/* ---- per worker --------------------------------------------------------- */

static void
render_workers(struct pbuf *b, const struct sw_ctl *ctl)
{
	struct sw_wstats ws[SW_MAX_WORKERS];
	unsigned nw = RTE_MIN(ctl->nw, (unsigned)SW_MAX_WORKERS);
	char lbl[SW_MAX_WORKERS][48];

	for (unsigned i = 0; i < nw; i++) {
		const struct sw_worker *w = ctl->workers[i];

		sw_wstats_read(&w->st, &ws[i]);
		snprintf(lbl[i], sizeof(lbl[i]), "worker=\"%u\",queue=\"%u\"", w->id,
			 w->nrxq > 0 ? w->rxq[0].queue : 0);
	}
	family(b, "scanwatch_worker_info", "gauge",
	       "Always 1: the lcore each worker runs on, as a label.");
	for (unsigned i = 0; i < nw; i++)
		bput(b, "scanwatch_worker_info{%s,lcore=\"%u\"} 1\n", lbl[i],
		     ctl->workers[i]->lcore);
	render_per_worker(b, sw_worker_counters, sw_worker_ncounters, ws, sizeof(ws[0]),
			  (const char (*)[48])lbl, nw);
}

/* ---- payload rules --------------------------------------------------------- */

static void
render_rules(struct pbuf *b, const struct sw_ctl *ctl)
{
	struct sw_match_counters c;
	struct sw_match_wstats ws[SW_MAX_WORKERS];
	unsigned nw = RTE_MIN(ctl->nw, (unsigned)SW_MAX_WORKERS);
	char lbl[SW_MAX_WORKERS][48];

	if (!sw_match_counters(ctl, &c))
		return;
	render_totals(b, sw_payload_counters, sw_payload_ncounters, &c);
	for (unsigned i = 0; i < nw; i++) {
		sw_match_wstats_read(&ctl->workers[i]->mst, &ws[i]);
		snprintf(lbl[i], sizeof(lbl[i]), "worker=\"%u\"", i);
	}
	render_per_worker(b, sw_payload_counters, sw_payload_ncounters, ws, sizeof(ws[0]),
			  (const char (*)[48])lbl, nw);
}

/* ---- per port and per queue (the PMD's counters) --------------------------- */

struct port_snap {
	uint16_t port, nq;
	char lbl[RTE_ETH_NAME_MAX_LEN * 2 + 16];
	struct rte_eth_stats s;
};

static void
render_ports(struct pbuf *b)
{
	static const struct {
		const char *name, *help;
	} pm[] = {
		{ "scanwatch_port_packets_total", "Packets the port received (PMD ipackets)." },
		{ "scanwatch_port_bytes_total", "Bytes the port received (PMD ibytes)." },
		{ "scanwatch_port_missed_packets_total",
		  "Packets the NIC dropped because the RX queues were full (imissed)." },
		{ "scanwatch_port_errors_total", "Erroneous received packets (ierrors)." },
		{ "scanwatch_port_no_mbufs_total", "RX mbuf allocation failures (rx_nombuf)." },
	}, qm[] = {
		{ "scanwatch_queue_packets_total", "Packets received on the RX queue (q_ipackets)." },
		{ "scanwatch_queue_bytes_total", "Bytes received on the RX queue (q_ibytes)." },
		{ "scanwatch_queue_errors_total",
		  "Packets dropped on the RX queue by the PMD (q_errors)." },
	};
	struct port_snap *ps;
	unsigned np = 0;
	uint16_t port;

	ps = calloc(RTE_MAX_ETHPORTS, sizeof(*ps));
	if (ps == NULL) {
		b->oom = true;
		return;
	}
	RTE_ETH_FOREACH_DEV(port) {
		struct rte_eth_dev_info info;
		char esc[RTE_ETH_NAME_MAX_LEN * 2];

		if (rte_eth_dev_info_get(port, &info) != 0 ||
		    sw_ctl_port_stats(port, &ps[np].s) != 0)
			continue;
		ps[np].port = port;
		/* per-queue counters exist for the first RTE_ETHDEV_QUEUE_STAT_CNTRS */
		ps[np].nq = RTE_MIN(info.nb_rx_queues, (uint16_t)RTE_ETHDEV_QUEUE_STAT_CNTRS);
		sw_prom_escape(esc, sizeof(esc), sw_port_name(port));
		snprintf(ps[np].lbl, sizeof(ps[np].lbl), "port=\"%s\"", esc);
		np++;
	}
	for (unsigned k = 0; k < RTE_DIM(pm); k++) {
		family(b, pm[k].name, "counter", pm[k].help);
		for (unsigned i = 0; i < np; i++) {
			const struct rte_eth_stats *s = &ps[i].s;
			uint64_t v[] = { s->ipackets, s->ibytes, s->imissed, s->ierrors,
					 s->rx_nombuf };

			sample(b, pm[k].name, ps[i].lbl, v[k]);
		}
	}
	for (unsigned k = 0; k < RTE_DIM(qm); k++) {
		family(b, qm[k].name, "counter", qm[k].help);
		for (unsigned i = 0; i < np; i++)
			for (uint16_t q = 0; q < ps[i].nq; q++) {
				const struct rte_eth_stats *s = &ps[i].s;
				uint64_t v[] = { s->q_ipackets[q], s->q_ibytes[q], s->q_errors[q] };

				bput(b, "%s{%s,queue=\"%u\"} %" PRIu64 "\n", qm[k].name,
				     ps[i].lbl, q, v[k]);
			}
	}
	free(ps);
}

/* ---- per sink ----------------------------------------------------------- */

static void
render_sinks(struct pbuf *b, const struct sw_ctl *ctl)
{
	unsigned n = ctl->out != NULL ? sw_outputs_count(ctl->out) : 0;
	struct sw_sink_counters *sc;
	char (*lbl)[2 * 64 * 2 + 32];

	if (n == 0)
		return;
	sc = calloc(n, sizeof(*sc));
	lbl = calloc(n, sizeof(*lbl));
	if (sc == NULL || lbl == NULL) {
		free(sc);
		free(lbl);
		b->oom = true;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		char name[2 * 64 + 1], type[2 * 16 + 1];
		const char *t = NULL, *nm = sw_outputs_name(ctl->out, i, &t);

		sw_prom_escape(name, sizeof(name), nm != NULL ? nm : "");
		sw_prom_escape(type, sizeof(type), t != NULL ? t : "");
		snprintf(lbl[i], sizeof(lbl[i]), "sink=\"%s\",type=\"%s\"", name, type);
		sw_outputs_counters(ctl->out, i, &sc[i]);
	}
	/* one family per sw_sink_fields row; the drop reasons share one */
	for (unsigned k = 0; k < sw_sink_nfields; k++) {
		const struct sw_sink_field *f = &sw_sink_fields[k];
		char metric[96];

		snprintf(metric, sizeof(metric), "scanwatch_sink_%s", f->prom);
		if (f->help != NULL)
			family(b, metric, f->gauge ? "gauge" : "counter", f->help);
		for (unsigned i = 0; i < n; i++) {
			uint64_t v = sw_sink_field_get(&sc[i], f);

			if (f->label != NULL)
				bput(b, "%s{%s,reason=\"%s\"} %" PRIu64 "\n", metric, lbl[i],
				     f->label, v);
			else
				sample(b, metric, lbl[i], v);
		}
	}
	free(sc);
	free(lbl);
}

/* ---- alerts by kind --------------------------------------------------------- */

static void
render_kinds(struct pbuf *b, const struct sw_ctl *ctl)
{
	static const char name[] = "scanwatch_alerts_by_kind_total";
	struct sw_recent_kind k[SW_RECENT_KINDS];
	unsigned n = sw_recent_kinds(ctl->recent, k, RTE_DIM(k));

	family(b, name, "counter", "Alerts written (updates not counted) by kind "
	       "(portscan, portsweep, ..., payload) and protocol class.");
	for (unsigned i = 0; i < n; i++) {
		char kind[2 * sizeof(k[i].kind)], cls[2 * sizeof(k[i].cls)];

		sw_prom_escape(kind, sizeof(kind), k[i].kind);
		sw_prom_escape(cls, sizeof(cls), k[i].cls);
		bput(b, "%s{kind=\"%s\",class=\"%s\"} %" PRIu64 "\n", name, kind, cls,
		     k[i].alerts);
	}
}

int
sw_prom_render(const struct sw_ctl *ctl, char **buf, size_t *len)
{
	struct pbuf b = { .cap = 16384 };
	struct sw_counters c;
	char ver[128];

	b.p = malloc(b.cap);
	if (b.p == NULL)
		return -ENOMEM;
	b.p[0] = '\0';
	sw_ctl_counters(ctl, &c);

	sw_prom_escape(ver, sizeof(ver), rte_version());
	family(&b, "scanwatch_build_info", "gauge",
	       "Always 1: the scanwatch and DPDK versions, as labels.");
	bput(&b, "scanwatch_build_info{version=\"%s\",dpdk=\"%s\"} 1\n", SW_VERSION, ver);
	gauge(&b, "scanwatch_start_time_seconds", "When scanwatch started, seconds since the epoch.",
	      c.start_ns / 1000000000ULL);
	gauge(&b, "scanwatch_uptime_seconds", "Seconds since scanwatch started.", c.uptime_s);
	gauge(&b, "scanwatch_workers", "Worker lcores (one per RX queue).", ctl->nw);

	render_totals(&b, sw_worker_counters, sw_worker_ncounters, &c);
	if (c.have_detect)
		render_totals(&b, sw_detect_counters, sw_detect_ncounters, &c);
	render_kinds(&b, ctl);
	render_rules(&b, ctl);
	render_workers(&b, ctl);
	render_ports(&b);
	render_sinks(&b, ctl);
	if (b.oom) {
		free(b.p);
		return -ENOMEM;
	}
	*buf = b.p;
	*len = b.len;
	return 0;
}

/* ---- HTTP (libmicrohttpd) ---------------------------------------------- */

static enum MHD_Result
respond(struct MHD_Connection *conn, unsigned status, const char *ctype, void *body,
	size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (r == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;		/* MHD closes the connection */
	}
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype) != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close") != MHD_YES)
		ret = MHD_NO;
	else
		ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
respond_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
	return respond(conn, status, "text/plain; charset=utf-8", (void *)(uintptr_t)text,
		       strlen(text), MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result
add_header_len(void *arg, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *n = arg;

	(void)kind;
	*n += strlen(key) + 2 + (value != NULL ? strlen(value) : 0) + 2;	/* ": ", CRLF */
	return MHD_YES;
}

/* The request head's size as sent, give or take whitespace MHD dropped. */
static size_t
head_size(struct MHD_Connection *conn, const char *method, const char *url,
	  const char *version)
{
	size_t n = strlen(method) + 1 + strlen(url) + 1 + strlen(version) + 2 + 2;

	MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header_len, &n);
	return n;
}

/* MHD calls this once the request head has arrived (again per chunk of a
 * body, which nothing here accepts: the first call answers). url has no
 * query string: "/metrics?x=1" is "/metrics". */
static enum MHD_Result
answer(void *arg, struct MHD_Connection *conn, const char *url, const char *method,
       const char *version, const char *upload, size_t *upload_len, void **req)
{
	const struct sw_prom *p = arg;
	char *body;
	size_t len;

	(void)upload;
	(void)upload_len;
	(void)req;
	if (head_size(conn, method, url, version) > REQ_MAX)
		return respond_text(conn, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
				    "request head too large\n");
	/* MHD answers HEAD with the headers of the GET answer, without its body */
	if ((strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	     strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) || strcmp(url, "/metrics") != 0)
		return respond_text(conn, MHD_HTTP_NOT_FOUND,
				    "scanwatch serves GET /metrics only\n");
	if (sw_prom_render(p->ctl, &body, &len) != 0)
		return respond_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	return respond(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", body, len,
		       MHD_RESPMEM_MUST_FREE);
}

/* "host:port", "[v6]:port" or ":port" → host ("" = any) and port. */
static int
split_listen(const char *s, char *host, size_t hlen, char *port, size_t plen)
{
	const char *colon, *h = s;
	size_t hl;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (end == NULL || end[1] != ':')
			return -EINVAL;
		h = s + 1;
		hl = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -EINVAL;
		hl = (size_t)(colon - s);
	}
	if (hl >= hlen || strlen(colon + 1) >= plen || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

static int
bind_listen(const char *listen_on, char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	}, *res, *ai;
	char host[SW_MAX_STR], port[8];
	int fd = -1, rc, e = 0, one = 1;

	if (split_listen(listen_on, host, sizeof(host), port, sizeof(port)) != 0) {
		snprintf(err, errlen, "stats.prometheus.listen '%s': expected ADDR:PORT "
			 "(127.0.0.1:9650, [::1]:9650, 0.0.0.0:9650 for every address)", listen_on);
		return -EINVAL;
	}
	rc = getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "stats.prometheus.listen '%s': cannot resolve '%s': %s",
			 listen_on, host, gai_strerror(rc));
		return -EINVAL;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		/* a restart must not wait out TIME_WAIT of the last scrape */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "stats.prometheus.listen %s: cannot listen: %s (%s)",
			 listen_on, strerror(e),
			 e == EADDRINUSE ? "another process has that port: pick a free one" :
			 e == EADDRNOTAVAIL ? "no local interface has that address" :
			 e == EACCES ? "ports below 1024 need privileges" :
			 "check the address");
		return -e;
	}
	return fd;
}

/* MHD's thread inherits the CPU affinity of the thread that starts it. Start
 * it from a DPDK control thread, so it runs where control threads run:
 * off the worker lcores (rte_ctrl_thread_create). */
static void *
start_daemon(void *arg)
{
	struct sw_prom *p = arg;

	p->d = MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC, 0, NULL, NULL,
				answer, p,
				MHD_OPTION_LISTEN_SOCKET, p->lfd,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_MAX,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)CONN_PER_IP,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT_S,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
				MHD_OPTION_END);
	return NULL;
}

struct sw_prom *
sw_prom_start(const struct sw_ctl *ctl, const char *listen_on, char *err, size_t errlen)
{
	struct sw_prom *p = calloc(1, sizeof(*p));
	pthread_t t;
	int rc;

	if (p == NULL) {
		snprintf(err, errlen, "out of memory starting the Prometheus exporter");
		return NULL;
	}
	p->ctl = ctl;
	p->lfd = bind_listen(listen_on, err, errlen);
	if (p->lfd < 0)
		goto fail;
	rc = rte_ctrl_thread_create(&t, "sw-prom-start", NULL, start_daemon, p);
	if (rc != 0) {
		snprintf(err, errlen, "Prometheus exporter: cannot start its thread: %s",
			 strerror(rc < 0 ? -rc : rc));
		goto fail;
	}
	pthread_join(t, NULL);
	if (p->d == NULL) {
		snprintf(err, errlen, "Prometheus exporter: libmicrohttpd cannot serve %s "
			 "(out of memory or threads?)", listen_on);
		goto fail;
	}
	return p;
fail:
	/* MHD owns the socket only once it runs */
	if (p->lfd >= 0)
		close(p->lfd);
	free(p);
	return NULL;
}

void
sw_prom_stop(struct sw_prom *p)
{
	if (p == NULL)
		return;
	/* joins MHD's thread, closes its connections and the listening socket */
	MHD_stop_daemon(p->d);
	free(p);
}
