/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control thread loop: drain rings, decide, write. Everything here may
 * allocate and do I/O; nothing here is on a worker's path.
 */

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <scanwatch/ctl.h>
#include <scanwatch/event.h>
#include <scanwatch/detect.h>
#include <scanwatch/match.h>
#include <scanwatch/obs.h>

#define CTL_DRAIN_BURST 64

volatile sig_atomic_t sw_hup;


int
sw_ctl_init(struct sw_ctl *ctl, const struct sw_conf *c, struct sw_worker **w,
	    unsigned nw, bool offline, char *err, size_t errlen)
{
	struct timespec now;
	memset(ctl, 0, sizeof(*ctl));
	ctl->conf = c;
	ctl->workers = w;
	ctl->nw = nw;
	ctl->offline = offline;
	ctl->out = sw_outputs_open(c, err, errlen);
	if (ctl->out == NULL)
		return -EINVAL;
	ctl->dec = sw_decide_create(c, ctl, err, errlen);
	if (ctl->dec == NULL) {
		sw_outputs_close(ctl->out);
		ctl->out = NULL;
		return -EINVAL;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	ctl->start_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	ctl->start_tsc = rte_rdtsc();
	ctl->next_stats_tsc = c->stats_interval ?
		ctl->start_tsc + (uint64_t)c->stats_interval * rte_get_tsc_hz() : UINT64_MAX;
	/* last: telemetry and the exporter read everything set up above */
	ctl->obs = sw_obs_start(ctl, err, errlen);
	if (ctl->obs == NULL) {
		sw_decide_free(ctl->dec);
		ctl->dec = NULL;
		sw_outputs_close(ctl->out);
		ctl->out = NULL;
		return -EINVAL;
	}
	return 0;
}

/* Payload matches: 256-byte records with their excerpt, on a ring of
 * their own so that a burst of matches never crowds out scan events. */
static unsigned
drain_matches(struct sw_ctl *ctl)
{
	struct sw_match_event evs[CTL_DRAIN_BURST / 4];
	unsigned total = 0;

	for (unsigned i = 0; i < ctl->nw; i++) {
		struct rte_ring *r = ctl->workers[i]->mring;
		unsigned n;

		if (r == NULL)
			continue;
		do {
			n = rte_ring_sc_dequeue_burst_elem(r, evs, sizeof(evs[0]),
							   RTE_DIM(evs), NULL);
			for (unsigned k = 0; k < n && ctl->dec != NULL; k++)
				sw_decide_payload(ctl->dec, &evs[k],
						  sw_matcher_rule(ctl->matcher, evs[k].gen,
								  evs[k].rule));
			total += n;
		} while (n == RTE_DIM(evs));
	}
	__atomic_store_n(&ctl->matches, ctl->matches + total, __ATOMIC_RELAXED);
	return total;
}

unsigned
sw_ctl_drain(struct sw_ctl *ctl)
{
	struct sw_event evs[CTL_DRAIN_BURST];
	unsigned total = 0;

	for (unsigned i = 0; i < ctl->nw; i++) {
		struct rte_ring *r = ctl->workers[i]->ring;
		unsigned n;

		do {
			/* A ring of 64-byte elements: no pointer chasing,
			 * no separate pool to return events to. */
			n = rte_ring_sc_dequeue_burst_elem(r, evs, sizeof(evs[0]),
							   CTL_DRAIN_BURST, NULL);
			for (unsigned k = 0; k < n; k++) {
				const struct sw_event *ev = &evs[k];

				ctl->ev_by_type[ev->type & 7]++;
				if (ctl->dec != NULL)
					sw_decide_event(ctl->dec, ev);
			}
			total += n;
		} while (n == CTL_DRAIN_BURST);
	}
	ctl->events += total;
	total += drain_matches(ctl);
	return total;
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
		sw_matcher_poll(ctl->matcher);
		if (ctl->dec != NULL)
			sw_decide_tick(ctl->dec);
		if (sw_hup) {
			sw_hup = 0;
			sw_outputs_reopen(ctl->out);
		}
		now = rte_rdtsc();
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
	sw_ctl_drain(ctl);
	if (ctl->dec != NULL)
		sw_decide_finish(ctl->dec);
	sw_ctl_write_stats(ctl);
	/* before the sinks, workers and ports it reads go away */
	sw_obs_stop(ctl->obs);
	ctl->obs = NULL;
	sw_outputs_close(ctl->out);
	ctl->out = NULL;
	sw_json_free(&ctl->js);
	sw_decide_free(ctl->dec);
	ctl->dec = NULL;
}
