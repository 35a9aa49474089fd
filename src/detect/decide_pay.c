/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Payload rule alerts (gid 1): one per (source, sid) per alerts.suppress;
 * a rule that names a tool lends it to the source's scan records.
 */

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>

#include "detect/decide_int.h"

#define PAYLOAD_GID	1	/* Snort/Suricata: text rules */

static uint32_t
pay_hash(const void *e)
{
	const struct pay *p = e;

	return rte_hash_crc(&p->src, sizeof(p->src), p->sid);
}

static bool
pay_eq(const void *e, const void *key)
{
	const struct pay *p = e, *k = key;

	return p->sid == k->sid && memcmp(&p->src, &k->src, sizeof(k->src)) == 0;
}

/* Keep the (source, sid) pairs still inside their suppression period. */
static bool
pay_keep(const void *e, void *arg)
{
	const struct pay *p = e;
	const struct sw_decide *dec = arg;

	return p->last_ns + sw_decide_suppress_ns(dec) >= dec->clock_ns;
}

int
sw_decide_pay_init(struct sw_decide *dec)
{
	return sw_otab_init(&dec->pays, MAX_PAYS, sizeof(struct pay), pay_hash);
}

/* @return true when (src, sid) alerted within the suppression period;
 * otherwise remembers this alert */
static bool
pay_suppressed(struct sw_decide *dec, const struct sw_addr *src, uint32_t sid, uint64_t ts)
{
	uint64_t period = sw_decide_suppress_ns(dec);
	struct pay key = { .src = *src, .sid = sid }, *p;
	uint32_t empty;

	if (sw_otab_busy(&dec->pays))
		sw_otab_purge(&dec->pays, pay_keep, dec);
	p = sw_otab_find(&dec->pays, pay_hash(&key), pay_eq, &key, &empty);
	if (p != NULL) {
		if (ts < p->last_ns + period)
			return true;
		p->last_ns = ts;
		return false;
	}
	/* a full table (every pair recent) alerts rather than forgets */
	if (!sw_otab_busy(&dec->pays)) {
		p = sw_otab_take(&dec->pays, empty);
		*p = key;
		p->last_ns = ts;
	}
	return false;
}

static void
feed_tool(struct sw_decide *dec, const struct sw_match_event *ev, const struct sw_rule *rule)
{
	uint8_t cls;
	struct rec *r;

	if (rule->tool[0] == '\0')
		return;
	if (ev->proto == IPPROTO_TCP)
		cls = SW_C_TCP;
	else if (ev->proto == IPPROTO_UDP)
		cls = SW_C_UDP;
	else
		return;
	r = sw_decide_rec_get(dec, &ev->src, cls, ev->ts_ns);
	if (r == NULL)
		return;
	if (r->last_ns == 0)
		r->first_ns = 0;	/* no probe seen yet: first_seen is the scan's */
	snprintf(r->payload_tool, sizeof(r->payload_tool), "%s", rule->tool);
	r->payload_sid = rule->sid;
}

void
sw_decide_payload(struct sw_decide *dec, const struct sw_match_event *ev,
		  const struct sw_rule *rule)
{
	const struct sw_conf *c = dec->c;
	struct sw_payload_alert a;
	const char *cat;
	bool has_port = ev->proto == IPPROTO_TCP || ev->proto == IPPROTO_UDP ||
			ev->proto == IPPROTO_SCTP;
	uint8_t severity;
	uint64_t flow_id;

	if (ev->ts_ns > dec->clock_ns)
		dec->clock_ns = ev->ts_ns;
	if (rule == NULL) {
		dec->pst.unknown_rule++;
		return;
	}
	feed_tool(dec, ev, rule);
	if (pay_suppressed(dec, &ev->src, rule->sid, ev->ts_ns)) {
		dec->pst.suppressed++;
		return;
	}
	severity = rule->severity;
	if (sw_decide_allowlisted(dec, &ev->src, ev->dport)) {
		if (sw_decide_allow_tags(c)) {
			dec->pst.allowlisted++;
			return;
		}
		severity = SEVERITY_ALLOWLISTED;
	}
	cat = sw_rules_class_desc(rule->classtype);
	if (cat == NULL)
		cat = rule->classtype;
	/* flow_id: the packet's 5-tuple, 51 bits like Suricata's */
	flow_id = rte_hash_crc(&ev->src, 2 * sizeof(ev->src),
			       ((uint32_t)ev->sport << 16 | ev->dport) ^ ev->proto);
	flow_id = ((flow_id << 19) ^ rule->sid) & FLOW_ID_MASK;

	memset(&a, 0, sizeof(a));
	a.h.ts_ns = ev->ts_ns;
	a.h.flow_id = flow_id;
	a.h.in_iface = sw_decide_in_iface(dec, ev->worker);
	a.h.src = ev->src;
	a.h.dst = ev->dst;
	a.h.sport = ev->sport;
	a.h.dport = ev->dport;
	a.h.has_sport = a.h.has_dport = has_port;
	a.h.proto = ev->proto;
	a.h.gid = PAYLOAD_GID;
	a.h.sid = rule->sid;
	a.h.rev = rule->rev;
	a.h.severity = severity;
	{
		enum sw_direction dir = sw_decide_direction(dec, &ev->src, &ev->dst);

		a.h.direction = sw_direction_names[dir];
		if (!sw_decide_dir_policy(dec, dir, &a.h.severity))
			return;
	}
	a.h.signature = rule->msg;
	a.h.category = cat;
	a.h.kind = "payload";
	a.h.technique = "";
	a.h.tool = rule->tool;
	a.excerpt = ev->excerpt;
	a.excerpt_len = ev->excerpt_len;
	a.excerpt_off = ev->excerpt_off;
	a.match_end = ev->match_end;
	a.length = ev->payload_len;
	a.classtype = rule->classtype;
	a.rule_tool = rule->tool;
	a.rule_file = rule->file;
	a.rule_line = rule->line;
	a.generation = ev->gen;
	if (dec->env.payload(dec->env.arg, &a) != 0) {
		dec->st.format_errors++;
		return;
	}
	dec->pst.alerts++;
}

void
sw_decide_payload_stats(const struct sw_decide *dec, struct sw_decide_payload_stats *st)
{
	/* any thread: the control thread is the only writer */
	st->alerts = __atomic_load_n(&dec->pst.alerts, __ATOMIC_RELAXED);
	st->suppressed = __atomic_load_n(&dec->pst.suppressed, __ATOMIC_RELAXED);
	st->allowlisted = __atomic_load_n(&dec->pst.allowlisted, __ATOMIC_RELAXED);
	st->unknown_rule = __atomic_load_n(&dec->pst.unknown_rule, __ATOMIC_RELAXED);
}
