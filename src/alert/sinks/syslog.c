/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Syslog sink: RFC 5424 messages over UDP (RFC 5426) or TCP with octet
 * counting (RFC 6587 section 3.4.1). Runs on the sink's own writer thread
 * (src/alert/outputs.c), so blocking calls here stall only this sink.
 *
 * Message (RFC 5424 section 6):
 *   <PRI>1 TIMESTAMP HOSTNAME scanwatch PROCID MSGID [SD] MSG
 *   PRI       facility * 8 + severity (section 6.2.1); alert severity
 *             1..4 → crit, err, warning, notice; stats → informational.
 *             emerg and alert are left out on purpose: they describe the
 *             logging host itself, and stock rsyslog configurations write
 *             *.emerg to every logged-in terminal.
 *   TIMESTAMP the event time, RFC 3339 UTC with microseconds.
 *   HOSTNAME  the event's host (config `host`), else gethostname(); bytes
 *             outside PRINTUSASCII become '_' (section 6.2.4).
 *   MSGID     "alert" or "stats".
 *   SD        alerts: [scanwatch@32473 src=".." dst=".." ...]; stats: "-".
 *   MSG       the record text (EVE JSON, or CEF/LEEF when the output's
 *             format says so), sent as MSG-ANY without a BOM. Section 6.4
 *             says UTF-8 text SHOULD start with a BOM, but collectors hand
 *             the BOM on to consumers as part of the text, and JSON and CEF
 *             parsers then reject the record (Python's json.loads, for
 *             one, refuses a leading U+FEFF). The text is valid UTF-8
 *             either way: every formatter replaces invalid bytes.
 *
 * Loss over TCP. Bytes the kernel accepted are not bytes the receiver
 * processed: when the collector dies, whatever sat in its socket buffer
 * or its in-memory queue is gone without an error on our side, and the
 * first send after its death still "succeeds". Plain syslog has no
 * application acknowledgement (RELP does; that is another protocol), so
 * this sink is at-least-once within a window: it keeps every record sent
 * on the connection until the record is settled, that is, until the
 * kernel reports it acknowledged (SIOCOUTQ: bytes not yet ACKed) and the
 * peer was still connected SW_SYSLOG_SETTLE_MS after that. When the
 * connection is lost, the next connect first resends every unsettled
 * record (counted in `resent`; the collector may see duplicates, never a
 * gap). A collector that loses records it acknowledged more than the
 * settle time before dying cannot be detected by any syslog sender.
 * Records still unsettled when the process stops with the collector gone
 * are counted as dropped (drop_shutdown) and, since the collector may have
 * stored them, also in `unconfirmed`.
 *
 * UDP is best effort (RFC 5426 section 3.6): a datagram lost on the way
 * is not known. Only an ICMP port unreachable surfaces (as ECONNREFUSED on
 * the connected socket) and turns into SW_SINK_DOWN.
 */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <scanwatch/sink.h>
#include <scanwatch/json.h>

#include "../format.h"

/*
 * The SD-ID is NAME@PEN (RFC 5424 section 7.2.2). 32473 is the Private
 * Enterprise Number reserved for documentation (RFC 5612); operators who
 * have their own PEN can change it here so their collectors key on it.
 */
#define SW_SYSLOG_SDID		"scanwatch@32473"

#define SW_SYSLOG_CONNECT_MS	2000	/* one connect attempt, per address */
#define SW_SYSLOG_SEND_MS	2000	/* SO_SNDTIMEO: a stalled collector */
#define SW_SYSLOG_USER_TIMEOUT_MS 10000	/* TCP_USER_TIMEOUT: data unACKed this
					 * long (collector host gone) = down */
#define SW_SYSLOG_SETTLE_MS	1000	/* see "Loss over TCP" above */
/* The resend window: at most this many records / bytes unsettled. When
 * it is full the writer waits for the oldest to settle (so a fast feed
 * slows down and the queue in front of the sink takes the overflow,
 * counted), and declares the connection down if that takes longer than
 * the send timeout. */
#define SW_SYSLOG_RING		8192
#define SW_SYSLOG_RING_BYTES	(16u << 20)
/* RFC 5426 section 3.2: the largest UDP payload over IPv4 / IPv6 */
#define SW_SYSLOG_UDP_MAX4	65507u
#define SW_SYSLOG_UDP_MAX6	65527u
#define SW_SYSLOG_HDR_MAX	4096	/* PRI..SD: bounded by struct sw_alert */
#define SW_SYSLOG_LENPFX	12	/* room for "LEN " in front */

struct ring_ent {
	char *frame;		/* "LEN SP MSG" as sent */
	size_t len;
	uint64_t end;		/* stream offset just past it on this connection */
	uint64_t acked_ns;	/* when first seen ACKed; 0 = not yet */
};

struct syslog_sink {
	char label[80];		/* "syslog tcp 127.0.0.1:514", for messages */
	char server[SW_MAX_STR];
	char port[8];
	bool tcp;
	unsigned facility;
	char hostname[256];	/* sanitised gethostname(), "-" if none */
	char procid[16];
	struct sw_sink_counters *cnt;	/* outputs.c's, or own_cnt */
	struct sw_sink_counters own_cnt;

	int fd;
	int family;		/* of the connected address */
	bool lost;		/* ring holds records of a lost connection */
	bool down_logged;	/* "cannot reach" said once per outage */

	char *buf;		/* one framed message */
	size_t cap;

	/* TCP: records sent and not yet settled, oldest first */
	struct ring_ent ring[SW_SYSLOG_RING];
	unsigned head, n, n_acked;	/* n_acked: ACKed prefix of the n */
	size_t ring_bytes;
	uint64_t sent;		/* bytes sent on this connection */
};

/* ---------------------------------------------------------------------- */
/* helpers */

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
count(uint64_t *c, uint64_t v)
{
	__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
}

/*
 * RFC 5424 section 6.2.1, table 1: kern..ftp are codes 0..11, local0..7
 * codes 16..23 (12..15 have no names the configuration takes). -1: none.
 */
static int
facility_code(enum sw_facility f)
{
	if (f >= SW_FACILITY_KERN && f <= SW_FACILITY_FTP)
		return (int)f;
	if (f >= SW_FACILITY_LOCAL0 && f <= SW_FACILITY_LOCAL7)
		return 16 + (int)(f - SW_FACILITY_LOCAL0);
	return -1;
}

/* scanwatch severity 1 (highest) .. 4 → syslog severity (see the top) */
static unsigned
syslog_severity(const struct sw_alert *a)
{
	static const unsigned map[] = { 2, 3, 4, 5 };	/* crit err warning notice */
	unsigned s = a->severity;

	if (a->type != SW_REC_ALERT)
		return 6;				/* informational */
	if (s < 1)
		s = 1;
	if (s > 4)
		s = 4;
	return map[s - 1];
}

/* HOSTNAME = NILVALUE / 1*255PRINTUSASCII (RFC 5424 section 6.2.4) */
static void
sanitize_host(char *out, size_t cap, const char *in, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && in[i] != '\0' && k + 1 < cap && k < 255; i++)
		out[k++] = in[i] > 32 && in[i] < 127 ? in[i] : '_';
	if (k == 0)
		out[k++] = '-';
	out[k] = '\0';
}

/* RFC 3339 / RFC 5424 section 6.2.3: 2026-11-22T22:10:01.123456Z */
static void
timestamp(char out[40], uint64_t ns)
{
	time_t sec;
	struct tm tm;
	size_t n;

	if (ns == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	}
	sec = (time_t)(ns / 1000000000u);
	gmtime_r(&sec, &tm);
	n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 40 - n, ".%06uZ", (unsigned)(ns % 1000000000u / 1000u));
}

/* One SD-PARAM; empty strings are left out. */
static void
sd_param(struct sw_fmtbuf *o, const char *name, const char *v, size_t n)
{
	if (n == 0)
		return;
	sw_fmtbuf_put(o, " ", 1);
	sw_fmtbuf_put(o, name, strlen(name));
	sw_fmtbuf_put(o, "=\"", 2);
	sw_fmtbuf_esc(o, v, n, SW_ESC_SD);
	sw_fmtbuf_put(o, "\"", 1);
}

#define SD_STR(o, name, f) sd_param((o), (name), (f), strnlen((f), sizeof(f)))

static void
sd_num(struct sw_fmtbuf *o, const char *name, uint64_t v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%llu", (unsigned long long)v);

	sd_param(o, name, b, (size_t)n);
}

/*
 * Build the message at s->buf + SW_SYSLOG_LENPFX and, for TCP, the octet
 * count right in front of it. @return where the frame starts, its length
 * in *flen, or NULL if it cannot be built (header overflow: a bug).
 */
static char *
build(struct syslog_sink *s, const struct sw_alert *a, const char *msg, size_t mlen,
      size_t *flen)
{
	struct sw_fmtbuf o;
	char ts[40], pfx[SW_SYSLOG_LENPFX + 1];
	const char *host = s->hostname;
	char hbuf[256];
	size_t need = SW_SYSLOG_LENPFX + SW_SYSLOG_HDR_MAX + mlen + 1;
	int pn;

	if (need > s->cap) {
		size_t cap = s->cap ? s->cap : 8192;
		char *nb;

		while (cap < need)
			cap *= 2;
		nb = realloc(s->buf, cap);
		if (nb == NULL)
			return NULL;
		s->buf = nb;
		s->cap = cap;
	}
	if (a->host[0] != '\0') {
		sanitize_host(hbuf, sizeof(hbuf), a->host, sizeof(a->host));
		host = hbuf;
	}
	timestamp(ts, a->ts_ns);

	sw_fmtbuf_init(&o, s->buf + SW_SYSLOG_LENPFX, SW_SYSLOG_HDR_MAX);
	sw_fmtbuf_printf(&o, "<%u>1 ", s->facility * 8 + syslog_severity(a));
	sw_fmtbuf_put(&o, ts, strlen(ts));
	sw_fmtbuf_put(&o, " ", 1);
	sw_fmtbuf_put(&o, host, strlen(host));
	sw_fmtbuf_put(&o, " scanwatch ", 11);
	sw_fmtbuf_put(&o, s->procid, strlen(s->procid));
	if (a->type == SW_REC_ALERT) {
		sw_fmtbuf_put(&o, " alert [" SW_SYSLOG_SDID, 8 + sizeof(SW_SYSLOG_SDID) - 1);
		SD_STR(&o, "src", a->src_ip);
		SD_STR(&o, "dst", a->dest_ip);
		if (a->dest_port != 0)
			sd_num(&o, "dport", a->dest_port);
		SD_STR(&o, "proto", a->proto);
		sd_num(&o, "gid", a->gid);
		sd_num(&o, "sid", a->sid);
		sd_num(&o, "rev", a->rev);
		sd_num(&o, "severity", a->severity);
		SD_STR(&o, "signature", a->signature);
		SD_STR(&o, "category", a->category);
		SD_STR(&o, "kind", a->kind);
		SD_STR(&o, "technique", a->technique);
		SD_STR(&o, "tool", a->tool);
		SD_STR(&o, "intent", a->intent);
		SD_STR(&o, "services", a->services);
		if (a->repeats > 0)
			sd_num(&o, "repeats", a->repeats);
		if (a->fragmented)
			sd_param(&o, "fragmented", "true", 4);
		sd_num(&o, "update", a->update);
		sw_fmtbuf_put(&o, "] ", 2);
	} else {
		sw_fmtbuf_put(&o, " stats - ", 9);
	}
	if (o.full)
		return NULL;
	memcpy(s->buf + SW_SYSLOG_LENPFX + o.len, msg, mlen);
	*flen = o.len + mlen;
	if (!s->tcp)
		return s->buf + SW_SYSLOG_LENPFX;
	/* RFC 6587 section 3.4.1: MSG-LEN SP SYSLOG-MSG */
	pn = snprintf(pfx, sizeof(pfx), "%zu ", *flen);
	memcpy(s->buf + SW_SYSLOG_LENPFX - pn, pfx, (size_t)pn);
	*flen += (size_t)pn;
	return s->buf + SW_SYSLOG_LENPFX - pn;
}

/* ---------------------------------------------------------------------- */
/* the resend ring (TCP) */

static struct ring_ent *
ring_at(struct syslog_sink *s, unsigned i)
{
	return &s->ring[(s->head + i) % SW_SYSLOG_RING];
}

static void
ring_pop(struct syslog_sink *s)
{
	struct ring_ent *e = ring_at(s, 0);

	s->ring_bytes -= e->len;
	free(e->frame);
	e->frame = NULL;
	s->head = (s->head + 1) % SW_SYSLOG_RING;
	s->n--;
	if (s->n_acked > 0)
		s->n_acked--;
}

static void
ring_clear(struct syslog_sink *s)
{
	while (s->n > 0)
		ring_pop(s);
	s->n_acked = 0;
}

static int
ring_push(struct syslog_sink *s, const char *frame, size_t len)
{
	struct ring_ent *e = ring_at(s, s->n);

	e->frame = malloc(len);
	if (e->frame == NULL)
		return -ENOMEM;
	memcpy(e->frame, frame, len);
	e->len = len;
	e->end = s->sent;
	e->acked_ns = 0;
	s->n++;
	s->ring_bytes += len;
	return 0;
}

/*
 * Is the collector still connected? A syslog collector never sends, so
 * readable means end of stream (FIN), an error (RST) or junk we discard.
 */
static bool
peer_alive(struct syslog_sink *s)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN | POLLRDHUP };
	char junk[512];

	if (poll(&p, 1, 0) < 0)
		return errno == EINTR;
	if (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
		return false;
	while (p.revents & POLLIN) {
		ssize_t r = recv(s->fd, junk, sizeof(junk), MSG_DONTWAIT);

		if (r == 0)
			return false;
		if (r < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
		if ((size_t)r < sizeof(junk))
			break;
	}
	return true;
}

/*
 * Mark what the collector's kernel has ACKed and drop what has settled.
 * @return false if the connection is gone
 */
static bool
settle(struct syslog_sink *s)
{
	uint64_t now, acked;
	int outq = 0;

	if (!peer_alive(s))
		return false;
	if (s->n == 0)
		return true;
	/* SIOCOUTQ (= TIOCOUTQ) on TCP: bytes sent or queued, not yet ACKed */
	if (ioctl(s->fd, SIOCOUTQ, &outq) < 0 || outq < 0)
		return true;	/* cannot tell: keep everything */
	acked = s->sent - (uint64_t)outq;
	now = now_ns();
	while (s->n_acked < s->n && ring_at(s, s->n_acked)->end <= acked)
		ring_at(s, s->n_acked++)->acked_ns = now;
	while (s->n_acked > 0 &&
	       now - ring_at(s, 0)->acked_ns >= SW_SYSLOG_SETTLE_MS * 1000000ull)
		ring_pop(s);
	return true;
}

/* send() all of it, or fail. @return 0 or SW_SINK_DOWN */
static int
send_all(struct syslog_sink *s, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = send(s->fd, p, len, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			/* EPIPE, ECONNRESET, ETIMEDOUT, EAGAIN (SO_SNDTIMEO ran
			 * out): the frame may be cut in the middle, so the
			 * connection is unusable; the ring and the caller's
			 * retry resend whole frames on the next one */
			return SW_SINK_DOWN;
		}
		s->sent += (uint64_t)w;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* sink ops */

static int
sl_open(const struct sw_output_conf *cfg, const struct sw_conf *conf,
	struct sw_sink_counters *cnt, void **ctx, char *err, size_t errlen)
{
	struct syslog_sink *s;
	int fac;
	char h[256];

	if (cfg->transport != SW_TRANSPORT_UDP && cfg->transport != SW_TRANSPORT_TCP) {
		snprintf(err, errlen, "transport must be udp or tcp (got %d)",
			 (int)cfg->transport);
		return -EINVAL;
	}
	if (cfg->server[0] == '\0') {
		snprintf(err, errlen, "server is required: the collector's host name "
			 "or address, e.g. server: 127.0.0.1");
		return -EINVAL;
	}
	if (cfg->port == 0 || cfg->port > 65535) {
		snprintf(err, errlen, "port must be 1..65535 (got %u)", cfg->port);
		return -EINVAL;
	}
	fac = facility_code(cfg->facility);
	if (fac < 0) {
		snprintf(err, errlen, "facility %d is not a syslog facility "
			 "(kern, user, daemon, auth, ..., local0..local7)", (int)cfg->facility);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->tcp = cfg->transport == SW_TRANSPORT_TCP;
	snprintf(s->server, sizeof(s->server), "%s", cfg->server);
	snprintf(s->port, sizeof(s->port), "%u", cfg->port);
	snprintf(s->label, sizeof(s->label), "syslog %s %.48s:%u", s->tcp ? "tcp" : "udp",
		 cfg->server, cfg->port);
	s->facility = (unsigned)fac;
	s->cnt = cnt != NULL ? cnt : &s->own_cnt;
	s->fd = -1;
	if (conf != NULL && conf->host[0] != '\0') {
		sanitize_host(s->hostname, sizeof(s->hostname), conf->host,
			      sizeof(conf->host));
	} else if (gethostname(h, sizeof(h)) == 0) {
		h[sizeof(h) - 1] = '\0';
		sanitize_host(s->hostname, sizeof(s->hostname), h, sizeof(h));
	} else {
		snprintf(s->hostname, sizeof(s->hostname), "-");
	}
	snprintf(s->procid, sizeof(s->procid), "%d", (int)getpid());
	*ctx = s;
	return 0;
}

static void
sl_disconnect(void *ctx)
{
	struct syslog_sink *s = ctx;

	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	if (s->n > 0)
		s->lost = true;
}

/* Connect one address within timeout_ms. @return fd or negative errno */
static int
connect_one(const struct addrinfo *ai, bool tcp, int timeout_ms)
{
	int fd, e = 0;
	socklen_t el = sizeof(e);
	struct pollfd p;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    ai->ai_protocol);
	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS) {
			e = -errno;
			goto fail;
		}
		p = (struct pollfd){ .fd = fd, .events = POLLOUT };
		if (poll(&p, 1, timeout_ms) <= 0) {
			e = -ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e != 0) {
			e = e ? -e : -errno;
			goto fail;
		}
	}
	/* back to blocking: sends wait up to SO_SNDTIMEO */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		e = -errno;
		goto fail;
	}
	if (tcp) {
		struct timeval tv = { .tv_sec = SW_SYSLOG_SEND_MS / 1000,
				      .tv_usec = SW_SYSLOG_SEND_MS % 1000 * 1000 };
		int one = 1, ut = SW_SYSLOG_USER_TIMEOUT_MS;

		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		/* alerts are sent as they come, not held for Nagle */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof(ut));
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	}
	return fd;
fail:
	close(fd);
	return e;
}

static int
connect_within(struct syslog_sink *s, int timeout_ms)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = s->tcp ? SOCK_STREAM : SOCK_DGRAM,
		.ai_flags = AI_ADDRCONFIG,
	}, *res, *ai;
	int rc, fd = -ENOENT;

	if (s->fd >= 0)
		sl_disconnect(s);
	/* resolved on every attempt: a collector that moved is found */
	rc = getaddrinfo(s->server, s->port, &hints, &res);
	if (rc != 0) {
		if (!s->down_logged)
			fprintf(stderr, "scanwatch: %s: cannot resolve the server: %s; "
				"retrying\n", s->label, gai_strerror(rc));
		s->down_logged = true;
		return rc == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = connect_one(ai, s->tcp, timeout_ms);
		if (fd >= 0) {
			s->family = ai->ai_family;
			break;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (!s->down_logged)
			fprintf(stderr, "scanwatch: %s: cannot connect: %s; retrying "
				"with backoff (records queue meanwhile)\n", s->label,
				strerror(-fd));
		s->down_logged = true;
		return fd;
	}
	s->fd = fd;
	s->sent = 0;
	if (s->lost) {
		/* what the lost connection may not have delivered, oldest
		 * first, before anything newer */
		unsigned done = 0;

		for (unsigned i = 0; i < s->n; i++) {
			struct ring_ent *e = ring_at(s, i);

			if (send_all(s, e->frame, e->len) != 0) {
				count(&s->cnt->resent, done);
				close(s->fd);
				s->fd = -1;
				return -ECONNRESET;
			}
			e->end = s->sent;
			e->acked_ns = 0;
			done++;
		}
		s->n_acked = 0;
		count(&s->cnt->resent, done);
		s->lost = false;
	}
	if (s->down_logged)
		fprintf(stderr, "scanwatch: %s: connected\n", s->label);
	s->down_logged = false;
	return 0;
}

static int
sl_connect(void *ctx)
{
	return connect_within(ctx, SW_SYSLOG_CONNECT_MS);
}

static int
sl_write(void *ctx, const struct sw_alert *a, const char *msg, size_t len)
{
	struct syslog_sink *s = ctx;
	size_t flen;
	const char *frame;
	int rc;

	if (s->fd < 0)
		return SW_SINK_DOWN;
	frame = build(s, a, msg, len, &flen);
	if (frame == NULL)
		return SW_SINK_REJECT;

	if (!s->tcp) {
		size_t max = s->family == AF_INET6 ? SW_SYSLOG_UDP_MAX6 : SW_SYSLOG_UDP_MAX4;

		if (flen > max)
			return SW_SINK_REJECT;
		for (;;) {
			ssize_t w = send(s->fd, frame, flen, MSG_NOSIGNAL);

			if (w == (ssize_t)flen)
				return 0;
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0 && errno == EMSGSIZE)
				return SW_SINK_REJECT;
			/* ECONNREFUSED: an ICMP port unreachable came back for an
			 * earlier datagram; this one was not sent */
			return SW_SINK_DOWN;
		}
	}

	/* notice a collector that went away before handing it this record:
	 * a send to a closed socket "succeeds" once and is lost */
	if (!settle(s))
		return SW_SINK_DOWN;
	if (s->n == SW_SYSLOG_RING || s->ring_bytes + flen > SW_SYSLOG_RING_BYTES) {
		uint64_t until = now_ns() + SW_SYSLOG_SEND_MS * 1000000ull;

		while (s->n > 0 && (s->n == SW_SYSLOG_RING ||
				    s->ring_bytes + flen > SW_SYSLOG_RING_BYTES)) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			if (now_ns() > until)
				return SW_SINK_DOWN;	/* not ACKing: stalled */
			nanosleep(&ts, NULL);
			if (!settle(s))
				return SW_SINK_DOWN;
		}
	}
	rc = send_all(s, frame, flen);
	if (rc != 0)
		return rc;
	/* out of memory: the record is sent, only its resend is lost */
	(void)ring_push(s, frame, flen);
	return 0;
}

static int
sl_flush(void *ctx)
{
	struct syslog_sink *s = ctx;

	if (s->fd < 0)
		return SW_SINK_DOWN;
	if (s->tcp)
		return settle(s) ? 0 : SW_SINK_DOWN;
	else {
		int e = 0;
		socklen_t el = sizeof(e);

		/* a pending ICMP error means the collector's port is closed */
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 &&
		    e == ECONNREFUSED)
			return SW_SINK_DOWN;
	}
	return 0;
}

/*
 * Shutdown. Records the collector's kernel has ACKed on a live connection
 * will be read by the collector after our FIN: delivered. Records of a
 * lost connection get one more connect (which resends them) if time is
 * left; whatever stays unconfirmed is given up and counted.
 */
static uint64_t
sl_drain(void *ctx, unsigned timeout_ms)
{
	struct syslog_sink *s = ctx;
	uint64_t until = now_ns() + (uint64_t)timeout_ms * 1000000u;
	uint64_t left;

	if (!s->tcp || s->n == 0)
		return 0;
	if (s->fd < 0 && timeout_ms > 0)
		connect_within(s, timeout_ms < SW_SYSLOG_CONNECT_MS ? (int)timeout_ms
								    : SW_SYSLOG_CONNECT_MS);
	while (s->fd >= 0 && now_ns() < until) {
		int outq = 0;
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		if (!peer_alive(s)) {
			sl_disconnect(s);
			break;
		}
		if (ioctl(s->fd, SIOCOUTQ, &outq) == 0 && outq == 0)
			return 0;
		nanosleep(&ts, NULL);
	}
	if (s->fd >= 0) {
		/* live but not ACKing: abort, so what we count as dropped is
		 * not delivered behind our back later */
		struct linger l = { .l_onoff = 1, .l_linger = 0 };
		int outq = 0;

		if (ioctl(s->fd, SIOCOUTQ, &outq) == 0) {
			uint64_t acked = s->sent - (uint64_t)outq;

			while (s->n > 0 && ring_at(s, 0)->end <= acked)
				ring_pop(s);
		}
		setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(s->fd);
		s->fd = -1;
	}
	left = s->n;
	count(&s->cnt->unconfirmed, left);
	ring_clear(s);
	s->lost = false;
	return left;
}

static void
sl_close(void *ctx)
{
	struct syslog_sink *s = ctx;

	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	ring_clear(s);
	free(s->buf);
	free(s);
}

const struct sw_sink_ops sw_sink_syslog = {
	.name = "syslog",
	.open = sl_open,
	.connect = sl_connect,
	.disconnect = sl_disconnect,
	.write = sl_write,
	.flush = sl_flush,
	.reopen = NULL,
	.drain = sl_drain,
	.close = sl_close,
};
