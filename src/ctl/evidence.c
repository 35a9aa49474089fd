/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Evidence captures, the control thread's side. A source alerted on gets
 * a pcap file, OUTPUT.DIR/evidence/<source>-<first_seen>.pcap, and goes
 * into the flagged set published to the workers; they send the probes of
 * it their history still holds, then copies of its next packets, from and
 * to it. Here those records are written, up to evidence.packets after the
 * alert and within two budgets: evidence.source-kb per file (later packets
 * dropped) and evidence.total-kb for the directory (the oldest files are
 * removed to make room, earlier runs' files included). Every record that
 * is not written is counted under its reason (struct sw_evid_stats).
 *
 * The files are classic pcap with nanosecond time stamps (magic
 * 0xa1b23c4d), which tcpdump, tshark and Wireshark read. Records of one
 * source from several workers are written in the order they are drained,
 * not merged by time.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "ctl/evidence.h"

#define EV_BUCKETS	1024	/* source lookup chains */
#define EV_DRAIN	32	/* records per dequeue */
#define EV_RETIRED	64	/* replaced tables waiting for the workers */
#define PCAP_HDR	24
#define PCAP_REC	16
#define EV_SAY		10	/* captures short of their probes said on stderr */

struct esrc;

/* One capture file on disk, this run's or an earlier one's. */
struct efile {
	TAILQ_ENTRY(efile) age;		/* oldest first */
	struct esrc *src;		/* this run's source writing it, or NULL */
	FILE *fp;			/* open while written */
	uint64_t bytes;
	uint32_t linktype;
	char name[128];			/* in OUTPUT.DIR/evidence */
};

/* A source alerted on, while its file exists. */
struct esrc {
	struct esrc *next;		/* hash chain */
	TAILQ_ENTRY(esrc) act;		/* captured now, oldest flag first */
	TAILQ_ENTRY(esrc) wait;		/* its history not yet all in */
	struct sw_addr a;
	uint64_t gen;			/* generation that first published it */
	uint64_t first_ns;		/* its first probe (the alert's first_seen) */
	struct efile *f;
	uint32_t after;			/* packets written since the alert */
	uint32_t hist;			/* history records that came for it */
	bool active;			/* in the published set */
	bool waiting;			/* on the wait list */
	bool short_;			/* a history had moved past its first probe */
};

/* What a worker held when looked at, and how far back its history
 * reached when it took that generation up. */
struct held {
	uint64_t gen;
	uint64_t from_ns;
};

TAILQ_HEAD(efile_list, efile);
TAILQ_HEAD(esrc_list, esrc);

struct retired {
	struct sw_flagset *s;
	uint64_t gen;			/* freed once every worker holds this one or later */
};

struct sw_evid_ctl {
	const struct sw_conf *c;
	struct sw_worker **w;
	unsigned nw;
	char dir[SW_MAX_STR + 16];	/* OUTPUT.DIR/evidence */
	uint32_t linktype;		/* of new files: the first port's */
	uint64_t src_max, total_max;	/* bytes */
	uint64_t gen;			/* of the newest published table */
	bool dirty;			/* the active set changed since */
	unsigned nactive;
	struct sw_flagset *cur;		/* published */
	struct retired ret[EV_RETIRED];
	unsigned nret;
	struct efile_list files;
	struct esrc_list active;
	struct esrc_list wait;		/* sources whose histories are not all in */
	struct held *held;		/* per worker: what it holds now */
	uint64_t *wgen;			/* per worker: generation seen held at the last drain */
	unsigned said;			/* short captures said on stderr */
	struct esrc *bucket[EV_BUCKETS];
	char rel[160];			/* sw_evid_ctl_flag()'s answer */
	struct sw_evid_stats st;
	uint8_t *buf;			/* EV_DRAIN records */
};

static uint32_t
bucket_of(const struct sw_addr *a)
{
	return (uint32_t)(sw_flag_hash(a) >> 40) & (EV_BUCKETS - 1);
}

static struct esrc *
src_find(struct sw_evid_ctl *x, const struct sw_addr *a)
{
	for (struct esrc *s = x->bucket[bucket_of(a)]; s != NULL; s = s->next)
		if (memcmp(&s->a, a, sizeof(*a)) == 0)
			return s;
	return NULL;
}

static void
src_unlink(struct sw_evid_ctl *x, struct esrc *s)
{
	struct esrc **pp = &x->bucket[bucket_of(&s->a)];

	while (*pp != s)
		pp = &(*pp)->next;
	*pp = s->next;
}

/* No more live copies of s: out of the published set. */
static void
src_stop(struct sw_evid_ctl *x, struct esrc *s)
{
	if (!s->active)
		return;
	s->active = false;
	TAILQ_REMOVE(&x->active, s, act);
	x->nactive--;
	x->dirty = true;
	if (s->f != NULL && s->f->fp != NULL) {
		fclose(s->f->fp);
		s->f->fp = NULL;
	}
}

/* Delete f; counted unless it is being replaced by a file of its name. */
static void
file_remove(struct sw_evid_ctl *x, struct efile *f, bool counted)
{
	char path[sizeof(x->dir) + sizeof(f->name) + 2];

	if (f->src != NULL) {
		struct esrc *s = f->src;

		src_stop(x, s);
		src_unlink(x, s);
		if (s->waiting)
			TAILQ_REMOVE(&x->wait, s, wait);
		free(s);
	}
	if (f->fp != NULL)
		fclose(f->fp);
	snprintf(path, sizeof(path), "%s/%s", x->dir, f->name);
	unlink(path);
	x->st.disk_bytes -= f->bytes;
	if (counted) {
		x->st.removed++;
		x->st.removed_bytes += f->bytes;
	}
	TAILQ_REMOVE(&x->files, f, age);
	free(f);
}

/* Room for need more bytes in the directory, the oldest files going
 * first, never keep. @return false when even that is not enough */
static bool
make_room(struct sw_evid_ctl *x, uint64_t need, const struct efile *keep)
{
	while (x->st.disk_bytes + need > x->total_max) {
		struct efile *f = TAILQ_FIRST(&x->files);

		if (f == keep)
			f = TAILQ_NEXT(f, age);
		if (f == NULL)
			return false;
		file_remove(x, f, true);
	}
	return true;
}

static bool
file_write(struct sw_evid_ctl *x, struct efile *f, const void *a, size_t alen, const void *b,
	   size_t blen)
{
	if (f->fp == NULL) {
		char path[sizeof(x->dir) + sizeof(f->name) + 2];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", x->dir, f->name);
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		f->fp = fd < 0 ? NULL : fdopen(fd, "a");
		if (f->fp == NULL) {
			if (fd >= 0)
				close(fd);
			return false;
		}
	}
	if (fwrite(a, 1, alen, f->fp) != alen || (blen && fwrite(b, 1, blen, f->fp) != blen))
		return false;
	f->bytes += alen + blen;
	x->st.disk_bytes += alen + blen;
	x->st.bytes += alen + blen;
	return true;
}

/* pcap file name of a source: <source>-<first_seen UTC>.pcap */
static void
file_name(char *buf, size_t len, const struct sw_addr *a, uint64_t first_ns)
{
	char addr[64], t[32];
	time_t sec = (time_t)(first_ns / 1000000000ULL);
	struct tm tm;

	sw_addr_str(a, addr, sizeof(addr));
	gmtime_r(&sec, &tm);
	strftime(t, sizeof(t), "%Y%m%dT%H%M%S", &tm);
	snprintf(buf, len, "%s-%s.%06uZ.pcap", addr, t,
		 (unsigned)(first_ns % 1000000000ULL / 1000));
}

static struct efile *
file_create(struct sw_evid_ctl *x, const char *name)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t zone;
		uint32_t sigfigs, snaplen, linktype;
	} h = { 0xa1b23c4d, 2, 4, 0, 0, x->c->evid_snaplen, x->linktype };
	char path[sizeof(x->dir) + 130];
	struct efile *f, *old;
	int fd;

	_Static_assert(sizeof(h) == PCAP_HDR, "pcap file header");
	/* the same name again (a re-run on the same capture): replaced */
	TAILQ_FOREACH(old, &x->files, age)
		if (strcmp(old->name, name) == 0) {
			file_remove(x, old, false);
			break;
		}
	if (!make_room(x, PCAP_HDR, NULL))
		return NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return NULL;
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s", x->dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	f->fp = fd < 0 ? NULL : fdopen(fd, "w");
	if (f->fp == NULL) {
		if (fd >= 0)
			close(fd);
		free(f);
		return NULL;
	}
	f->linktype = x->linktype;
	TAILQ_INSERT_TAIL(&x->files, f, age);
	if (!file_write(x, f, &h, sizeof(h), NULL, 0)) {
		file_remove(x, f, false);
		return NULL;
	}
	x->st.files++;
	return f;
}

const char *
sw_evid_ctl_flag(struct sw_evid_ctl *x, const struct sw_addr *src, uint64_t first_ns)
{
	struct esrc *s = src_find(x, src);
	char name[128];

	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL) {
			x->st.errors++;
			return NULL;
		}
		file_name(name, sizeof(name), src, first_ns);
		s->f = file_create(x, name);
		if (s->f == NULL) {
			x->st.errors++;
			free(s);
			return NULL;
		}
		s->f->src = s;
		s->a = *src;
		s->gen = x->gen + 1;	/* the next table published */
		s->first_ns = first_ns;
		s->waiting = true;
		TAILQ_INSERT_TAIL(&x->wait, s, wait);
		s->next = x->bucket[bucket_of(src)];
		x->bucket[bucket_of(src)] = s;
		s->active = true;
		TAILQ_INSERT_TAIL(&x->active, s, act);
		x->nactive++;
		x->dirty = true;
		x->st.sources++;
		/* evidence.sources at once: the oldest capture makes room */
		if (x->nactive > x->c->evid_sources) {
			src_stop(x, TAILQ_FIRST(&x->active));
			x->st.evicted++;
		}
	}
	snprintf(x->rel, sizeof(x->rel), "evidence/%s", s->f->name);
	return x->rel;
}

/* Write one record to source s's file, within the budgets. */
static void
rec_write(struct sw_evid_ctl *x, struct esrc *s, const struct sw_evid_rec *r)
{
	bool hist = r->flags & SW_EVID_F_HISTORY;
	struct {
		uint32_t sec, nsec, incl, orig;
	} h = {
		(uint32_t)(r->ts_ns / 1000000000ULL), (uint32_t)(r->ts_ns % 1000000000ULL),
		r->caplen, r->wire_len,
	};
	uint64_t need = sizeof(h) + r->caplen;

	if (hist && s->gen <= r->gen)
		return;		/* the sender had it already: sent then */
	if (hist)
		s->hist++;
	if (!hist && (!s->active || s->after >= x->c->evid_packets)) {
		x->st.late++;
		return;
	}
	if (sw_evidence_linktype(r->link) != s->f->linktype) {
		x->st.link_mismatch++;
		return;
	}
	if (s->f->bytes + need > x->src_max) {
		x->st.source_budget++;
		src_stop(x, s);
		return;
	}
	if (!make_room(x, need, s->f)) {
		x->st.total_budget++;
		return;
	}
	if (!file_write(x, s->f, &h, sizeof(h), r->data, r->caplen)) {
		x->st.errors++;
		return;
	}
	x->st.packets++;
	if (hist) {
		x->st.history++;
	} else if (++s->after >= x->c->evid_packets) {
		src_stop(x, s);
	}
}

static void
rec_handle(struct sw_evid_ctl *x, const struct sw_evid_rec *r)
{
	struct esrc *a = src_find(x, &r->src), *b;
	bool self = memcmp(&r->src, &r->dst, sizeof(r->src)) == 0;

	if (a != NULL)
		rec_write(x, a, r);
	/* looked up after the first write: making room may have removed it */
	b = self ? NULL : src_find(x, &r->dst);
	if (b != NULL)
		rec_write(x, b, r);
	if (a == NULL && b == NULL)
		x->st.late++;	/* its file was removed meanwhile */
}

/* Free the replaced tables no running worker can still hold. */
static void
reclaim(struct sw_evid_ctl *x)
{
	unsigned k = 0;

	for (unsigned i = 0; i < x->nret; i++) {
		bool held = false;

		for (unsigned j = 0; j < x->nw && !held; j++) {
			const struct sw_evid_worker *e = x->w[j]->evid;

			held = !x->w[j]->done &&
			       __atomic_load_n(&e->seen_gen, __ATOMIC_ACQUIRE) < x->ret[i].gen;
		}
		if (held)
			x->ret[k++] = x->ret[i];
		else
			rte_free(x->ret[i].s);
	}
	x->nret = k;
}

/* The table of every source with a file (active: the workers' set;
 * all: the finish's history walk), as generation gen. */
static struct sw_flagset *
table_of(struct sw_evid_ctl *x, bool all, uint64_t gen)
{
	unsigned n = 0, cap = all ? 0 : x->nactive;
	struct sw_addr *addrs;
	struct sw_flagset *s;
	uint64_t *gens;

	if (all)
		for (unsigned b = 0; b < EV_BUCKETS; b++)
			for (struct esrc *e = x->bucket[b]; e != NULL; e = e->next)
				cap++;
	addrs = malloc((cap + 1) * sizeof(*addrs));
	gens = malloc((cap + 1) * sizeof(*gens));
	if (addrs == NULL || gens == NULL) {
		free(addrs);
		free(gens);
		return NULL;
	}
	if (all) {
		for (unsigned b = 0; b < EV_BUCKETS; b++)
			for (struct esrc *e = x->bucket[b]; e != NULL; e = e->next) {
				addrs[n] = e->a;
				gens[n++] = e->gen;
			}
	} else {
		struct esrc *e;

		TAILQ_FOREACH(e, &x->active, act) {
			addrs[n] = e->a;
			gens[n++] = e->gen;
		}
	}
	s = sw_flagset_build(addrs, gens, n, gen);
	free(addrs);
	free(gens);
	return s;
}

static void
publish(struct sw_evid_ctl *x)
{
	struct sw_flagset *s;

	if (x->nret == EV_RETIRED)
		return;		/* a worker lags: publish when it catches up */
	s = table_of(x, false, x->gen + 1);
	if (s == NULL)
		return;		/* out of memory: the next drain tries again */
	x->gen++;
	x->dirty = false;
	for (unsigned i = 0; i < x->nw; i++)
		__atomic_store_n(&x->w[i]->evid->pub, s, __ATOMIC_RELEASE);
	if (x->cur != NULL)
		x->ret[x->nret++] = (struct retired){ .s = x->cur, .gen = s->gen };
	x->cur = s;
}

/*
 * Before a drain: the generation each worker holds (acquire: the history
 * records it sent on taking it up are on its ring before that, so this
 * drain reads them) and its history's reach then (a later adoption's, if
 * it took up two since: a later, so the more cautious, time).
 */
static void
held_load(struct sw_evid_ctl *x)
{
	for (unsigned i = 0; i < x->nw; i++) {
		const struct sw_evid_worker *e = x->w[i]->evid;

		x->held[i].gen = __atomic_load_n(&e->seen_gen, __ATOMIC_ACQUIRE);
		x->held[i].from_ns = __atomic_load_n(&e->adopt_from_ns, __ATOMIC_RELAXED);
	}
}

/* A capture whose probes from before the alert are all in: one that got
 * none of them, or not the earliest, is counted and said (the first
 * EV_SAY) so that an empty or thin file is never a silent loss. */
static void
settle(struct sw_evid_ctl *x, struct esrc *s)
{
	char addr[64];

	TAILQ_REMOVE(&x->wait, s, wait);
	s->waiting = false;
	if (s->hist > 0 && !s->short_)
		return;
	if (s->hist == 0)
		x->st.history_none++;
	else
		x->st.history_short++;
	if (x->said >= EV_SAY) {
		if (x->said++ == EV_SAY)
			fprintf(stderr, "scanwatch: evidence: further captures short of their "
				"probes are counted only (evidence_history_none, "
				"evidence_history_short)\n");
		return;
	}
	x->said++;
	sw_addr_str(&s->a, addr, sizeof(addr));
	if (s->hist > 0)
		fprintf(stderr, "scanwatch: evidence: evidence/%s holds %u of %s's packets from "
			"before the alert; its earlier probes had left the workers' histories "
			"(evidence.history: %u probe headers each) before the capture started\n",
			s->f->name, s->hist, addr, x->c->evid_history);
	else if (s->short_)
		fprintf(stderr, "scanwatch: evidence: evidence/%s holds none of %s's packets "
			"from before the alert: they had left the workers' histories "
			"(evidence.history: %u probe headers each) before the capture started\n",
			s->f->name, addr, x->c->evid_history);
	else
		fprintf(stderr, "scanwatch: evidence: evidence/%s holds none of %s's packets "
			"from before the alert: the workers' histories held none (they keep "
			"probe-shaped packets; see evidence_ring_drops)\n", s->f->name, addr);
}

/*
 * After a drain: a worker that took up new generations tells, for their
 * sources, whether its history still reached back to their first probe;
 * a source every worker has taken up has all its history records in.
 * A worker that is done takes nothing up: its sources wait for the
 * finish, which walks its history itself.
 */
static void
history_check(struct sw_evid_ctl *x)
{
	uint64_t min = UINT64_MAX;
	struct esrc *s, *next;

	if (TAILQ_EMPTY(&x->wait))
		goto seen;
	for (unsigned i = 0; i < x->nw; i++) {
		const struct held *h = &x->held[i];

		if (h->gen > x->wgen[i] && h->from_ns != 0)
			TAILQ_FOREACH(s, &x->wait, wait)
				if (s->gen > x->wgen[i] && s->gen <= h->gen &&
				    h->from_ns > s->first_ns)
					s->short_ = true;
		min = RTE_MIN(min, h->gen);
	}
	for (s = TAILQ_FIRST(&x->wait); s != NULL && s->gen <= min; s = next) {
		next = TAILQ_NEXT(s, wait);	/* in generation order */
		settle(x, s);
	}
seen:
	for (unsigned i = 0; i < x->nw; i++)
		x->wgen[i] = x->held[i].gen;
}

void
sw_evid_ctl_publish(struct sw_evid_ctl *x)
{
	if (x != NULL && x->dirty)
		publish(x);
}

static unsigned
drain_ring(struct sw_evid_ctl *x, struct sw_evid_worker *e)
{
	uint32_t stride = e->stride;
	unsigned n, total = 0;

	do {
		n = rte_ring_sc_dequeue_burst_elem(e->ring, x->buf, stride, EV_DRAIN, NULL);
		for (unsigned k = 0; k < n; k++)
			rec_handle(x, (const struct sw_evid_rec *)(const void *)
				   (x->buf + (size_t)k * stride));
		total += n;
	} while (n == EV_DRAIN);
	return total;
}

static void
flush_all(struct sw_evid_ctl *x)
{
	struct esrc *s;

	TAILQ_FOREACH(s, &x->active, act)
		if (s->f != NULL && s->f->fp != NULL && fflush(s->f->fp) != 0)
			x->st.errors++;
}

unsigned
sw_evid_ctl_drain(struct sw_evid_ctl *x)
{
	unsigned total = 0;

	if (x == NULL)
		return 0;
	held_load(x);
	for (unsigned i = 0; i < x->nw; i++)
		total += drain_ring(x, x->w[i]->evid);
	history_check(x);
	if (total > 0)
		flush_all(x);
	if (x->dirty)
		publish(x);
	if (x->nret > 0)
		reclaim(x);
	return total;
}

struct walk {
	struct sw_evid_ctl *x;
	uint64_t since;
};

void
sw_evid_ctl_ack(struct sw_evid_ctl *x, unsigned worker, uint64_t events)
{
	if (x == NULL || x->dirty)
		return;		/* not published yet: no word before it is */
	__atomic_store_n(&x->w[worker]->evid->acked, events, __ATOMIC_RELEASE);
}

static void
finish_one(void *arg, const struct sw_evid_rec *r, uint64_t gen)
{
	const struct walk *wk = arg;
	struct sw_evid_rec *c = (struct sw_evid_rec *)(void *)wk->x->buf;

	(void)gen;
	memcpy(c, r, sizeof(*r) + r->caplen);
	c->gen = (uint32_t)wk->since;
	rec_handle(wk->x, c);
}

void
sw_evid_ctl_finish(struct sw_evid_ctl *x)
{
	struct sw_flagset *all;
	struct efile *f;

	if (x == NULL)
		return;
	held_load(x);
	for (unsigned i = 0; i < x->nw; i++)
		drain_ring(x, x->w[i]->evid);
	history_check(x);
	/* sources the workers never saw flagged (they ended first, as an
	 * offline worker usually does): their probes from the histories */
	all = table_of(x, true, x->gen + 1);
	if (all == NULL) {
		x->st.errors++;
	} else {
		for (unsigned i = 0; i < x->nw; i++) {
			struct walk wk = { .x = x, .since = x->w[i]->evid->seen_gen };
			uint64_t from = sw_evidence_hist_from_ns(x->w[i]->evid);
			struct esrc *s;

			TAILQ_FOREACH(s, &x->wait, wait)
				if (s->gen > wk.since && from > s->first_ns)
					s->short_ = true;
			sw_evidence_hist_walk(x->w[i]->evid, all, wk.since, finish_one, &wk);
		}
		rte_free(all);
	}
	while (!TAILQ_EMPTY(&x->wait))
		settle(x, TAILQ_FIRST(&x->wait));
	TAILQ_FOREACH(f, &x->files, age)
		if (f->fp != NULL) {
			if (fclose(f->fp) != 0)
				x->st.errors++;
			f->fp = NULL;
		}
}

/* Captures earlier runs left: accounted, oldest (by mtime) first. */
static int
scan_dir(struct sw_evid_ctl *x)
{
	DIR *d = opendir(x->dir);
	struct dirent *de;

	if (d == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char path[sizeof(x->dir) + 258];
		struct efile *f, *at;
		struct stat sb;

		if (len < 6 || len >= sizeof(f->name) || strcmp(de->d_name + len - 5, ".pcap") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", x->dir, de->d_name);
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		f = calloc(1, sizeof(*f));
		if (f == NULL)
			break;
		memcpy(f->name, de->d_name, len + 1);
		f->bytes = (uint64_t)sb.st_size;
		/* mtime order, kept in linktype's place until the list is built */
		f->linktype = (uint32_t)sb.st_mtime;
		TAILQ_FOREACH(at, &x->files, age)
			if (at->linktype > f->linktype)
				break;
		if (at != NULL)
			TAILQ_INSERT_BEFORE(at, f, age);
		else
			TAILQ_INSERT_TAIL(&x->files, f, age);
		x->st.disk_bytes += f->bytes;
	}
	closedir(d);
	make_room(x, 0, NULL);
	return 0;
}

struct sw_evid_ctl *
sw_evid_ctl_open(const struct sw_conf *c, struct sw_worker **w, unsigned nw, char *err,
		 size_t errlen)
{
	struct sw_evid_ctl *x = calloc(1, sizeof(*x));
	int rc;

	if (x == NULL) {
		snprintf(err, errlen, "out of memory for evidence captures");
		return NULL;
	}
	x->c = c;
	x->w = w;
	x->nw = nw;
	x->src_max = (uint64_t)c->evid_source_kb * 1024;
	x->total_max = (uint64_t)c->evid_total_kb * 1024;
	x->linktype = sw_evidence_linktype(nw > 0 ? w[0]->rxq[0].link : 0);
	TAILQ_INIT(&x->files);
	TAILQ_INIT(&x->active);
	TAILQ_INIT(&x->wait);
	snprintf(x->dir, sizeof(x->dir), "%s/evidence", c->log_dir);
	for (unsigned i = 0; i < nw; i++)
		if (w[i]->evid == NULL) {
			snprintf(err, errlen, "worker %u has no evidence state", i);
			goto fail;
		}
	x->buf = malloc((size_t)EV_DRAIN * (nw > 0 ? w[0]->evid->stride : 64));
	x->wgen = calloc(nw > 0 ? nw : 1, sizeof(*x->wgen));
	x->held = calloc(nw > 0 ? nw : 1, sizeof(*x->held));
	if (x->buf == NULL || x->wgen == NULL || x->held == NULL) {
		snprintf(err, errlen, "out of memory for evidence captures");
		goto fail;
	}
	if (mkdir(x->dir, 0750) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s (evidence.enabled: no turns "
			 "evidence captures off)", x->dir, strerror(errno));
		goto fail;
	}
	rc = scan_dir(x);
	if (rc != 0) {
		snprintf(err, errlen, "cannot read %s: %s (evidence.enabled: no turns "
			 "evidence captures off)", x->dir, strerror(-rc));
		goto fail;
	}
	return x;
fail:
	sw_evid_ctl_free(x);
	return NULL;
}

void
sw_evid_ctl_free(struct sw_evid_ctl *x)
{
	struct efile *f;

	if (x == NULL)
		return;
	while ((f = TAILQ_FIRST(&x->files)) != NULL) {
		if (f->fp != NULL)
			fclose(f->fp);
		TAILQ_REMOVE(&x->files, f, age);
		free(f);
	}
	for (unsigned b = 0; b < EV_BUCKETS; b++)
		while (x->bucket[b] != NULL) {
			struct esrc *s = x->bucket[b];

			x->bucket[b] = s->next;
			free(s);
		}
	/* the workers are gone: nothing holds a table */
	for (unsigned i = 0; i < x->nret; i++)
		rte_free(x->ret[i].s);
	for (unsigned i = 0; i < x->nw; i++)
		if (x->w[i]->evid != NULL)
			x->w[i]->evid->pub = NULL;
	rte_free(x->cur);
	free(x->buf);
	free(x->wgen);
	free(x->held);
	free(x);
}

void
sw_evid_ctl_stats(const struct sw_evid_ctl *x, struct sw_evid_stats *st)
{
	const uint64_t *src = (const uint64_t *)(const void *)&x->st;
	uint64_t *dst = (uint64_t *)(void *)st;

	_Static_assert(sizeof(*st) % sizeof(uint64_t) == 0, "u64 only");
	for (size_t i = 0; i < sizeof(*st) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
	st->copies = st->ring_drops = 0;
	for (unsigned i = 0; i < x->nw; i++) {
		const struct sw_evid_worker *e = x->w[i]->evid;

		st->copies += __atomic_load_n(&e->copies, __ATOMIC_RELAXED);
		st->ring_drops += __atomic_load_n(&e->ring_drops, __ATOMIC_RELAXED);
	}
}
