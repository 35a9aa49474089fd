/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control thread loop: drain rings, decide, write. Everything here may
 * allocate and do I/O; nothing here is on a worker's path.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <scanwatch/alert.h>
#include <scanwatch/ctl.h>
#include <scanwatch/event.h>
#include <scanwatch/detect.h>
#include <scanwatch/evidence.h>
#include <scanwatch/match.h>
#include <scanwatch/obs.h>
#include "ctl/evidence.h"
#include "ctl/recent.h"
#include "ctl/sdnotify.h"
#include "detect/decide.h"
#include "port/port.h"

#define CTL_DRAIN_BURST 64

/*
 * A worker's payload matches wait here until the detection events it
 * enqueued before them are processed (ev_seq): the control thread sees
 * each worker's events and matches in the order the worker made them, so
 * offline runs are reproducible to the line and a scan alert knows the
 * tool a payload rule named on an earlier packet.
 */
struct sw_ctl_pending {
	struct sw_match_event ev[32];
	unsigned head, n;
	uint32_t ev_done;		/* detection events processed, this worker */
	uint64_t events;		/* the same, not wrapping (evidence's offline sync) */
};

volatile sig_atomic_t sw_hup;

/* Decisions -> EVE -> outputs ------------------------------------------------ */

/* The decision stage's view of the workers: every worker's sketch estimate
 * for a key but the one whose event already carries its counters. */
static void
ctl_est(void *arg, const struct sw_key *k, uint32_t now_s, unsigned skip, struct sw_est *sum)
{
	const struct sw_ctl *ctl = arg;

	for (unsigned i = 0; i < ctl->nw; i++) {
		const struct sw_worker *w = ctl->workers[i];
		const struct sw_sketch *sk;
		struct sw_hash h;
		struct sw_est e;

		if (w->det == NULL || i == skip)
			continue;
		sk = sw_detect_sketch(w->det);
		sw_sketch_hash(sk, k, &h);
		sw_sketch_get(sk, k, &h, now_s, &e);
		for (unsigned t = 0; t < SW_TS; t++)
			for (unsigned f = 0; f < SW_F__MAX; f++)
				sum->v[t][f] += e.v[t][f];
	}
}

static int
ctl_scan_alert(void *arg, const struct sw_scan_alert *a)
{
	struct sw_ctl *ctl = arg;
	struct sw_alert key;
	struct sw_scan_alert b;
	int rc;

	/* the alert names the source's evidence capture, started here */
	if (ctl->evid != NULL) {
		b = *a;
		b.evidence = sw_evid_ctl_flag(ctl->evid, &a->h.src, a->first_ns);
		a = &b;
	}
	rc = sw_eve_scan_alert(&ctl->js, ctl->conf->host, a, &key);
	if (rc == 0) {
		sw_ctl_emit(ctl, &key, ctl->js.buf, ctl->js.len);
		sw_recent_scan_alert(ctl->recent, a);
	}
	return rc;
}

/* A scanner decided, its alert held for correlation: its evidence capture
 * starts now, so the workers' histories need only reach back to the
 * decision, not to the end of the hold (the alert finds the same file). */
static void
ctl_flag(void *arg, const struct sw_addr *src, uint64_t first_ns)
{
	struct sw_ctl *ctl = arg;

	if (ctl->evid != NULL)
		(void)sw_evid_ctl_flag(ctl->evid, src, first_ns);
}

static int
ctl_payload_alert(void *arg, const struct sw_payload_alert *a)
{
	struct sw_ctl *ctl = arg;
	struct sw_alert key;
	int rc = sw_eve_payload_alert(&ctl->js, ctl->conf->host, a, &key);

	if (rc == 0) {
		sw_ctl_emit(ctl, &key, ctl->js.buf, ctl->js.len);
		sw_recent_payload_alert(ctl->recent, a);
	}
	return rc;
}

static int
decide_start(struct sw_ctl *ctl, char *err, size_t errlen)
{
	struct sw_decide_env env = {
		.nw = ctl->nw,
		.offline = ctl->offline,
		.est = ctl_est,
		.scan = ctl_scan_alert,
		.payload = ctl_payload_alert,
		.flag = ctl_flag,
		.arg = ctl,
	};

	ctl->iface = calloc(ctl->nw ? ctl->nw : 1, sizeof(*ctl->iface));
	if (ctl->iface == NULL) {
		snprintf(err, errlen, "out of memory for the control thread");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < ctl->nw; i++)
		ctl->iface[i] = sw_port_name(ctl->workers[i]->rxq[0].port);
	env.iface = ctl->iface;
	if (ctl->nw > 0 && ctl->workers[0]->det != NULL) {
		double fpr;

		sw_sketch_bounds(sw_detect_sketch(ctl->workers[0]->det), &env.eps, &env.delta,
				 &fpr);
	}
	ctl->dec = sw_decide_create(ctl->conf, &env, err, errlen);
	return ctl->dec == NULL ? -EINVAL : 0;
}

int
sw_ctl_init(struct sw_ctl *ctl, const struct sw_conf *c, struct sw_worker **w,
	    unsigned nw, bool offline, struct sw_matcher *m, char *err, size_t errlen)
{
	struct timespec now;
	memset(ctl, 0, sizeof(*ctl));
	sw_sd_init(&ctl->sd);
	ctl->conf = c;
	ctl->matcher = m;	/* before telemetry starts: it reads the matcher */
	ctl->workers = w;
	ctl->nw = nw;
	ctl->offline = offline;
	ctl->pend = calloc(nw, sizeof(*ctl->pend));
	if (ctl->pend == NULL) {
		snprintf(err, errlen, "out of memory for the control thread");
		return -ENOMEM;
	}
	ctl->out = sw_outputs_open(c, err, errlen);
	if (ctl->out == NULL)
		goto fail;
	if (sw_evidence_on(c) && nw > 0) {
		ctl->evid = sw_evid_ctl_open(c, w, nw, err, errlen);
		if (ctl->evid == NULL)
			goto fail;
	}
	if (decide_start(ctl, err, errlen) != 0)
		goto fail;
	ctl->recent = sw_recent_create();
	if (ctl->recent == NULL) {
		snprintf(err, errlen, "out of memory for the control thread");
		goto fail;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	ctl->start_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	ctl->start_tsc = rte_rdtsc();
	ctl->next_stats_tsc = c->stats_interval ?
		ctl->start_tsc + (uint64_t)c->stats_interval * rte_get_tsc_hz() : UINT64_MAX;
	/* last: telemetry and the exporter read everything set up above */
	ctl->obs = sw_obs_start(ctl, err, errlen);
	if (ctl->obs == NULL)
		goto fail;
	return 0;
fail:
	sw_recent_free(ctl->recent);
	ctl->recent = NULL;
	sw_decide_free(ctl->dec);
	ctl->dec = NULL;
	sw_evid_ctl_free(ctl->evid);
	ctl->evid = NULL;
	free(ctl->iface);
	ctl->iface = NULL;
	sw_outputs_close(ctl->out);
	ctl->out = NULL;
	free(ctl->pend);
	ctl->pend = NULL;
	return -EINVAL;
}


static void
do_event(struct sw_ctl *ctl, const struct sw_event *ev)
{
	ctl->ev_by_type[ev->type & 7]++;
	if (ctl->dec != NULL)
		sw_decide_event(ctl->dec, ev);
}

static void
do_match(struct sw_ctl *ctl, const struct sw_match_event *ev)
{
	if (ctl->dec != NULL)
		sw_decide_payload(ctl->dec, ev, sw_matcher_rule(ctl->matcher, ev->gen, ev->rule));
	__atomic_store_n(&ctl->matches, ctl->matches + 1, __ATOMIC_RELAXED);
}

/* Worker w's rings, merged in the worker's order. Matches sit on a ring
 * of their own (256-byte records with their excerpt) so that a burst of
 * matches never crowds out scan events. @return events and matches */
static unsigned
drain_worker(struct sw_ctl *ctl, unsigned i)
{
	struct sw_worker *w = ctl->workers[i];
	struct sw_ctl_pending *p = &ctl->pend[i];
	struct sw_event evs[CTL_DRAIN_BURST];
	unsigned total = 0;

	for (;;) {
		unsigned want = CTL_DRAIN_BURST, n;

		/* the matches whose events have all been processed */
		for (;;) {
			if (p->head == p->n) {
				p->head = 0;
				p->n = w->mring == NULL ? 0 :
				       rte_ring_sc_dequeue_burst_elem(w->mring, p->ev,
								      sizeof(p->ev[0]),
								      RTE_DIM(p->ev), NULL);
				if (p->n == 0)
					break;
			}
			if ((int32_t)(p->ev[p->head].ev_seq - p->ev_done) > 0)
				break;
			do_match(ctl, &p->ev[p->head++]);
			total++;
		}
		/* then events, up to the next waiting match (its events are on
		 * the ring: the worker enqueued them before the match) */
		if (p->head < p->n)
			want = RTE_MIN(want, p->ev[p->head].ev_seq - p->ev_done);
		/* A ring of 64-byte elements: no pointer chasing, no separate
		 * pool to return events to. */
		n = rte_ring_sc_dequeue_burst_elem(w->ring, evs, sizeof(evs[0]), want, NULL);
		for (unsigned k = 0; k < n; k++)
			do_event(ctl, &evs[k]);
		p->ev_done += n;
		p->events += n;
		ctl->events += n;
		total += n;
		if (n == 0 || (n < want && p->head == p->n))
			return total;
	}
}

unsigned
sw_ctl_drain(struct sw_ctl *ctl)
{
	unsigned total = 0;

	/* the sources alerts flag are published as soon as they are
	 * written, before the next worker's events: every probe a worker
	 * records meanwhile pushes the sources' own out of its history */
	for (unsigned i = 0; i < ctl->nw; i++) {
		total += drain_worker(ctl, i);
		sw_evid_ctl_publish(ctl->evid);
	}
	total += sw_evid_ctl_drain(ctl->evid);
	if (ctl->offline)
		for (unsigned i = 0; i < ctl->nw; i++)
			sw_evid_ctl_ack(ctl->evid, i, ctl->pend[i].events);
	return total;
}

/* No match waits for its events (a retired rule database may go). */
static bool
nothing_pending(const struct sw_ctl *ctl)
{
	for (unsigned i = 0; i < ctl->nw; i++)
		if (ctl->pend[i].head != ctl->pend[i].n)
			return false;
	return true;
}

void
sw_ctl_emit(struct sw_ctl *ctl, const struct sw_alert *a, const char *json, size_t len)
{
	sw_outputs_emit(ctl->out, a, json, len);
}

static bool
workers_done(const struct sw_ctl *ctl)
{
	for (unsigned i = 0; i < ctl->nw; i++)
		if (!ctl->workers[i]->done)
			return false;
	return true;
}

void
sw_ctl_run(struct sw_ctl *ctl)
{
	for (;;) {
		unsigned n = sw_ctl_drain(ctl);
		uint64_t now;

		if (workers_done(ctl))
			break;
		/* after the drain: a retired rule database is freed only once
		 * the events naming it have been read */
		if (nothing_pending(ctl))
			sw_matcher_poll(ctl->matcher);
		if (ctl->dec != NULL) {
			sw_decide_tick(ctl->dec);
			/* held alerts it wrote: their sources to the workers now,
			 * not after the stats, a sleep and every worker's events */
			sw_evid_ctl_publish(ctl->evid);
		}
		if (sw_hup) {
			sw_hup = 0;
			sw_outputs_reopen(ctl->out);
		}
		now = rte_rdtsc();
		sw_sd_tick(&ctl->sd, ctl, now);
		/* a port that stops delivering is said at once, not at the next stats */
		if (!ctl->offline && now >= ctl->next_watch_tsc) {
			sw_port_watch();
			ctl->next_watch_tsc = now + rte_get_tsc_hz();
		}
		if (!ctl->offline && now >= ctl->next_stats_tsc) {
			sw_ctl_write_stats(ctl);
			ctl->next_stats_tsc = now + (uint64_t)ctl->conf->stats_interval *
						    rte_get_tsc_hz();
		}
		/* The control thread shares a core with nothing hot, but
		 * there is no reason to spin at 100% when the rings are quiet. */
		if (n == 0)
			usleep(ctl->offline ? 50 : 1000);
	}
}

void
sw_ctl_finish(struct sw_ctl *ctl)
{
	sw_sd_stopping(&ctl->sd);
	sw_ctl_drain(ctl);
	if (ctl->dec != NULL)
		sw_decide_finish(ctl->dec);
	sw_evid_ctl_finish(ctl->evid);
	sw_ctl_write_stats(ctl);
	/* before the sinks, workers and ports it reads go away */
	sw_obs_stop(ctl->obs);
	ctl->obs = NULL;
	sw_recent_free(ctl->recent);
	ctl->recent = NULL;
	sw_outputs_close(ctl->out);
	ctl->out = NULL;
	sw_json_free(&ctl->js);
	sw_decide_free(ctl->dec);
	ctl->dec = NULL;
	sw_evid_ctl_free(ctl->evid);
	ctl->evid = NULL;
	free(ctl->iface);
	ctl->iface = NULL;
	free(ctl->pend);
	ctl->pend = NULL;
}
