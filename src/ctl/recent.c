/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The latest alerts, kept for the live views (recent.h). A mutex, not
 * atomics: the writer is the control thread at alert rate, the readers are
 * telemetry and Prometheus at scrape rate, and a reader must never see
 * half of an entry's strings.
 */

#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl/recent.h"

struct sw_recent {
	pthread_mutex_t lock;
	unsigned nscans, nkinds;
	struct sw_recent_scan scans[SW_RECENT_SCANS];
	struct sw_recent_kind kinds[SW_RECENT_KINDS];	/* the last: "other" */
};

struct sw_recent *
sw_recent_create(void)
{
	struct sw_recent *r = calloc(1, sizeof(*r));

	if (r != NULL)
		pthread_mutex_init(&r->lock, NULL);
	return r;
}

void
sw_recent_free(struct sw_recent *r)
{
	if (r == NULL)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static uint64_t
wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Under the lock: one more alert of (kind, cls). The table is small and
 * the pairs few (kinds x classes), so a scan is cheaper than a hash; pairs
 * past its size share one "other" row, so every alert is counted. */
static void
count_kind(struct sw_recent *r, const char *kind, const char *cls)
{
	struct sw_recent_kind *k;

	for (unsigned i = 0; i < r->nkinds; i++) {
		k = &r->kinds[i];
		if (strcmp(k->kind, kind) == 0 && strcmp(k->cls, cls) == 0) {
			k->alerts++;
			return;
		}
	}
	if (r->nkinds == SW_RECENT_KINDS) {
		r->kinds[SW_RECENT_KINDS - 1].alerts++;
		return;
	}
	if (r->nkinds == SW_RECENT_KINDS - 1) {
		kind = "other";
		cls = "other";
	}
	k = &r->kinds[r->nkinds++];
	snprintf(k->kind, sizeof(k->kind), "%s", kind);
	snprintf(k->cls, sizeof(k->cls), "%s", cls);
	k->alerts = 1;
}

/* Under the lock: the entry of (src, cls, kind), else the oldest one. */
static struct sw_recent_scan *
scan_slot(struct sw_recent *r, const char *src, const char *cls, const char *kind)
{
	struct sw_recent_scan *old = NULL;

	for (unsigned i = 0; i < r->nscans; i++) {
		struct sw_recent_scan *s = &r->scans[i];

		if (strcmp(s->src, src) == 0 && strcmp(s->cls, cls) == 0 &&
		    strcmp(s->kind, kind) == 0)
			return s;
		if (old == NULL || s->written_ns < old->written_ns)
			old = s;
	}
	if (r->nscans < SW_RECENT_SCANS)
		return &r->scans[r->nscans++];
	return old;
}

void
sw_recent_scan_alert(struct sw_recent *r, const struct sw_scan_alert *a)
{
	struct sw_recent_scan *s;
	char src[48];

	if (r == NULL)
		return;
	sw_addr_str(&a->h.src, src, sizeof(src));
	pthread_mutex_lock(&r->lock);
	if (a->h.update == 0)
		count_kind(r, a->h.kind, a->cls);
	s = scan_slot(r, src, a->cls, a->h.kind);
	memset(s, 0, sizeof(*s));
	snprintf(s->src, sizeof(s->src), "%s", src);
	snprintf(s->kind, sizeof(s->kind), "%s", a->h.kind);
	snprintf(s->cls, sizeof(s->cls), "%s", a->cls);
	snprintf(s->technique, sizeof(s->technique), "%s", a->h.technique);
	snprintf(s->tool, sizeof(s->tool), "%s", a->h.tool);
	snprintf(s->direction, sizeof(s->direction), "%s", a->h.direction);
	s->rate_pps = a->rate_pps;
	s->targets = a->targets;
	s->ports = a->ports;
	s->probes = a->probes;
	s->updates = a->h.update;
	s->severity = a->h.severity;
	s->first_ns = a->first_ns;
	s->last_ns = a->last_ns;
	s->written_ns = wall_ns();
	pthread_mutex_unlock(&r->lock);
}

void
sw_recent_payload_alert(struct sw_recent *r, const struct sw_payload_alert *a)
{
	const char *cls;

	if (r == NULL)
		return;
	switch (a->h.proto) {
	case IPPROTO_TCP: cls = "TCP"; break;
	case IPPROTO_UDP: cls = "UDP"; break;
	case IPPROTO_SCTP: cls = "SCTP"; break;
	default: cls = "other"; break;
	}
	pthread_mutex_lock(&r->lock);
	count_kind(r, "payload", cls);
	pthread_mutex_unlock(&r->lock);
}

static int
newest_first(const void *x, const void *y)
{
	const struct sw_recent_scan *a = x, *b = y;

	return a->written_ns < b->written_ns ? 1 : a->written_ns > b->written_ns ? -1 : 0;
}

unsigned
sw_recent_scans(const struct sw_recent *r, struct sw_recent_scan *out, unsigned max)
{
	struct sw_recent *w = (struct sw_recent *)(uintptr_t)r;	/* the lock only */
	struct sw_recent_scan all[SW_RECENT_SCANS];
	unsigned n;

	if (r == NULL)
		return 0;
	pthread_mutex_lock(&w->lock);
	n = r->nscans;
	memcpy(all, r->scans, n * sizeof(all[0]));
	pthread_mutex_unlock(&w->lock);
	qsort(all, n, sizeof(all[0]), newest_first);
	n = n < max ? n : max;
	memcpy(out, all, n * sizeof(*out));
	return n;
}

unsigned
sw_recent_kinds(const struct sw_recent *r, struct sw_recent_kind *out, unsigned max)
{
	struct sw_recent *w = (struct sw_recent *)(uintptr_t)r;
	unsigned n;

	if (r == NULL)
		return 0;
	pthread_mutex_lock(&w->lock);
	n = r->nkinds < max ? r->nkinds : max;
	memcpy(out, r->kinds, n * sizeof(*out));
	pthread_mutex_unlock(&w->lock);
	return n;
}
