/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hold, suppression and updates: a decided alert waits HOLD_NS of packet
 * time for correlation, is written once per (source, kind) per
 * alerts.suppress, and in between becomes an update when the counts grew.
 */

#include <string.h>

#include <rte_common.h>

#include "detect/decide_int.h"

/* Write (source, kind)'s held alert: an update within alerts.suppress of
 * the last alert, else a new alert (and maybe a new scanner); allowlisted
 * sources under allowlist.action tag are counted instead. */
static void
emit_pending(struct sw_decide *dec, struct rec *r, enum sw_kind k)
{
	struct kind_state *ks = &r->k[k];
	bool update = ks->last_alert_ns != 0 &&
		      ks->pend.ts_ns < ks->last_alert_ns + sw_decide_suppress_ns(dec);

	ks->pending = false;
	dec->npending--;
	if (ks->pend.allowlisted && sw_decide_allow_tags(dec->c)) {
		dec->st.allowlisted++;
		if (!update)
			ks->last_alert_ns = ks->pend.ts_ns;
		return;
	}
	if (update) {
		ks->updates++;
	} else {
		if (ks->last_alert_ns == 0) {
			bool first = true;

			for (unsigned i = 0; i < K__MAX; i++)
				first &= r->k[i].last_alert_ns == 0 || i == (unsigned)k;
			if (first)
				dec->st.scanners++;
		}
		ks->last_alert_ns = ks->pend.ts_ns;
		ks->updates = 0;
	}
	ks->last_emit_ns = ks->pend.ts_ns;
	ks->last_contacts = ks->pend.est.v[ks->pend.t][SW_F_CONTACTS];
	sw_decide_write_alert(dec, r, k, update);
}

/*
 * Queue an alert (or an update) for (source, kind). Within the suppression
 * period a repeat becomes an update, written at most every
 * alerts.update-interval and only when the counts grew.
 */
void
sw_decide_propose(struct sw_decide *dec, struct rec *r, enum sw_kind k, const struct pend *p)
{
	struct kind_state *ks = &r->k[k];

	if (ks->pending) {
		/* The held alert keeps the packet and the test that decided
		 * it; it reports the counts as they are when it is written. */
		memcpy(ks->pend.est.v[p->t], p->est.v[p->t], sizeof(p->est.v[0]));
		ks->pend.sources = RTE_MAX(ks->pend.sources, p->sources);
		return;
	}
	if (ks->last_alert_ns != 0 &&
	    p->ts_ns < ks->last_alert_ns + sw_decide_suppress_ns(dec)) {
		if (dec->c->update_s == 0 ||
		    p->ts_ns < ks->last_emit_ns + (uint64_t)dec->c->update_s * NSEC ||
		    p->est.v[p->t][SW_F_CONTACTS] <= ks->last_contacts) {
			dec->st.suppressed++;
			return;
		}
	}
	ks->pend = *p;
	ks->pending = true;
	dec->npending++;
	/* a new scanner (not an update, not an allowlisted source): its
	 * watchers need not wait for the hold */
	if (dec->env.flag != NULL && !p->allowlisted &&
	    (ks->last_alert_ns == 0 || p->ts_ns >= ks->last_alert_ns + sw_decide_suppress_ns(dec)))
		dec->env.flag(dec->env.arg, &r->src, r->first_ns != 0 ? r->first_ns : p->ts_ns);
}

void
sw_decide_flush_due(struct sw_decide *dec, bool all)
{
	if (dec->npending == 0)
		return;
	for (uint32_t i = 0; i < dec->recs.cap; i++) {
		struct rec *r = sw_otab_at(&dec->recs, i);

		if (r == NULL)
			continue;
		for (unsigned k = 0; k < K__MAX; k++)
			if (r->k[k].pending &&
			    (all || r->k[k].pend.ts_ns + HOLD_NS <= dec->clock_ns))
				emit_pending(dec, r, (enum sw_kind)k);
	}
}
