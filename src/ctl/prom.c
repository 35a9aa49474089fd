/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus exporter: the text exposition format 0.0.4 over a minimal
 * HTTP/1.x server on stats.prometheus.listen.
 *
 * Format: https://prometheus.io/docs/instrumenting/exposition_formats/
 * ("Text-based format"): "# HELP name text" and "# TYPE name type" before a
 * metric's samples, every sample of a metric family in one group, label
 * values escaping backslash, double quote and line feed, HELP text escaping
 * backslash and line feed. Names follow the Prometheus naming guide:
 * scanwatch_ prefix, base units, counters ending in _total.
 *
 * HTTP (RFC 9112): one request per connection, answered with
 * "Connection: close"; GET or HEAD /metrics answers 200, any other target
 * 404, a request line we cannot read 400. The server is one control-plane
 * thread serving one client at a time; a client gets REQ_TIMEOUT_MS to send
 * at most REQ_MAX bytes of request head and SEND_TIMEOUT_MS to take the
 * answer, so a slow or silent client delays a scrape by seconds at worst.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_version.h>

#include <scanwatch/ctl.h>
#include <scanwatch/match.h>
#include <scanwatch/obs.h>
#include <scanwatch/sink.h>
#include "port/port.h"

#define REQ_MAX		 8192	/* request head; Prometheus sends ~300 bytes */
#define REQ_TIMEOUT_MS	 3000
#define SEND_TIMEOUT_MS	 5000
#define LISTEN_BACKLOG	 16

struct sw_prom {
	const struct sw_ctl *ctl;
	int lfd;			/* listening socket */
	int wake[2];			/* pipe: a byte on wake[0] means stop */
	pthread_t thread;
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
			const uint64_t *perr = (const uint64_t *)(const void *)
					       ((const char *)snap + r->off);

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

/* ---- HTTP --------------------------------------------------------------- */

static uint64_t
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Wait for ev on fd until deadline; false on timeout, error or stop. */
static bool
wait_fd(const struct sw_prom *p, int fd, short ev, uint64_t deadline)
{
	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = fd, .events = ev },
			{ .fd = p->wake[0], .events = POLLIN },
		};
		uint64_t now = mono_ms();
		int rc;

		if (now >= deadline)
			return false;
		rc = poll(pf, 2, (int)(deadline - now));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0 || pf[1].revents != 0)
			return false;
		return (pf[0].revents & (ev | POLLHUP | POLLERR)) != 0;
	}
}

static bool
send_all(const struct sw_prom *p, int fd, const char *buf, size_t len, uint64_t deadline)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    wait_fd(p, fd, POLLOUT, deadline))
			continue;
		return false;
	}
	return true;
}

static void
respond(const struct sw_prom *p, int fd, const char *status, const char *ctype,
	const char *body, size_t len, bool head_only)
{
	char hdr[256];
	int n = snprintf(hdr, sizeof(hdr),
			 "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n", status, ctype, len);
	uint64_t deadline = mono_ms() + SEND_TIMEOUT_MS;

	if (send_all(p, fd, hdr, (size_t)n, deadline) && !head_only)
		send_all(p, fd, body, len, deadline);
}

static void
respond_text(const struct sw_prom *p, int fd, const char *status, const char *text)
{
	respond(p, fd, status, "text/plain; charset=utf-8", text, strlen(text), false);
}

/* The end of the request head: an empty line (CRLF CRLF, or bare LF LF,
 * which RFC 9112 section 2.2 lets a server accept). */
static bool
head_complete(const char *req, size_t n)
{
	return memmem(req, n, "\r\n\r\n", 4) != NULL || memmem(req, n, "\n\n", 2) != NULL;
}

/* request-line = method SP request-target SP HTTP-version (RFC 9112 3) */
static bool
request_line(char *req, const char **method, const char **target)
{
	char *sp1, *sp2;

	req[strcspn(req, "\r\n")] = '\0';
	sp1 = strchr(req, ' ');
	if (sp1 == NULL || sp1 == req)
		return false;
	*sp1 = '\0';
	sp2 = strchr(sp1 + 1, ' ');
	if (sp2 == NULL || sp2 == sp1 + 1 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0)
		return false;
	*sp2 = '\0';
	*method = req;
	*target = sp1 + 1;
	return true;
}

static void
serve(struct sw_prom *p, int fd)
{
	char req[REQ_MAX + 1];
	uint64_t deadline = mono_ms() + REQ_TIMEOUT_MS;
	const char *method, *target;
	size_t n = 0, blen;
	char *body;

	while (!head_complete(req, n)) {
		ssize_t r;

		if (n == REQ_MAX) {
			respond_text(p, fd, "431 Request Header Fields Too Large",
				     "request head too large\n");
			return;
		}
		if (!wait_fd(p, fd, POLLIN, deadline))
			return;		/* silent or too slow: drop it */
		r = recv(fd, req + n, REQ_MAX - n, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return;
		n += (size_t)r;
	}
	req[n] = '\0';
	if (!request_line(req, &method, &target)) {
		respond_text(p, fd, "400 Bad Request", "bad request line\n");
		return;
	}
	/* the query string, if any, changes nothing */
	if ((strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) ||
	    strcspn(target, "?") != strlen("/metrics") ||
	    strncmp(target, "/metrics", strlen("/metrics")) != 0) {
		respond_text(p, fd, "404 Not Found", "scanwatch serves GET /metrics only\n");
		return;
	}
	if (sw_prom_render(p->ctl, &body, &blen) != 0) {
		respond_text(p, fd, "500 Internal Server Error", "out of memory\n");
		return;
	}
	respond(p, fd, "200 OK", "text/plain; version=0.0.4; charset=utf-8", body, blen,
		strcmp(method, "HEAD") == 0);
	free(body);
}

static void *
prom_main(void *arg)
{
	struct sw_prom *p = arg;

	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = p->lfd, .events = POLLIN },
			{ .fd = p->wake[0], .events = POLLIN },
		};
		int fd;

		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			break;
		if (pf[1].revents != 0)
			break;
		if (!(pf[0].revents & POLLIN))
			continue;
		fd = accept4(p->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			continue;	/* the client gave up, or EMFILE: try again later */
		serve(p, fd);
		close(fd);
	}
	return NULL;
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

struct sw_prom *
sw_prom_start(const struct sw_ctl *ctl, const char *listen_on, char *err, size_t errlen)
{
	struct sw_prom *p = calloc(1, sizeof(*p));
	int rc;

	if (p == NULL) {
		snprintf(err, errlen, "out of memory starting the Prometheus exporter");
		return NULL;
	}
	p->ctl = ctl;
	p->wake[0] = p->wake[1] = -1;
	p->lfd = bind_listen(listen_on, err, errlen);
	if (p->lfd < 0)
		goto fail;
	if (pipe2(p->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		snprintf(err, errlen, "Prometheus exporter: pipe: %s", strerror(errno));
		goto fail;
	}
	/* a control thread: off the worker lcores' CPUs (rte_ctrl_thread_create) */
	rc = rte_ctrl_thread_create(&p->thread, "sw-prom", NULL, prom_main, p);
	if (rc != 0) {
		snprintf(err, errlen, "Prometheus exporter: cannot start its thread: %s",
			 strerror(rc < 0 ? -rc : rc));
		goto fail;
	}
	return p;
fail:
	if (p->wake[0] >= 0) {
		close(p->wake[0]);
		close(p->wake[1]);
	}
	if (p->lfd >= 0)
		close(p->lfd);
	free(p);
	return NULL;
}

void
sw_prom_stop(struct sw_prom *p)
{
	ssize_t n;

	if (p == NULL)
		return;
	do
		n = write(p->wake[1], "x", 1);
	while (n < 0 && errno == EINTR);
	pthread_join(p->thread, NULL);
	close(p->wake[0]);
	close(p->wake[1]);
	close(p->lfd);
	free(p);
}
