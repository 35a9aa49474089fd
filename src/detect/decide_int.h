/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_DECIDE_INT_H
#define SW_DECIDE_INT_H

/*
 * Inside the decision stage (src/detect/decide*.c, allowlist.c): its state
 * and the calls between its files. Control side: allocation is fine.
 *
 *   decide.c        the stage: events in, per-source records, summed counters
 *   decide_kind.c   kinds, their sids and signatures, the scan alert record
 *   decide_corr.c   decoy and distributed correlation across sources
 *   decide_supp.c   hold, suppression and updates; writing what is due
 *   decide_pay.c    payload rule alerts
 *   allowlist.c     allowlist.entries and allowlist.action
 */

#include <stdbool.h>
#include <stdint.h>

#include <scanwatch/cidr.h>
#include <scanwatch/detect.h>
#include <scanwatch/event.h>
#include <scanwatch/match.h>
#include <scanwatch/services.h>
#include "detect/decide.h"
#include "detect/otab.h"

#define NSEC		1000000000ULL
#define HOLD_NS		(1 * NSEC)	/* packet time an alert waits for correlation */
#define DECOY_NS	(60 * NSEC)	/* portscans of one target this close are one decoy scan */
#define SEVERITY_ALLOWLISTED 4		/* allowlist.action alert-low: the lowest */
#define MAX_RECS	(1u << 15)	/* (source, class) records */
#define MAX_TARGETS	4096		/* targets watched for decoy/distributed */
#define TGT_SRCS	32		/* sources remembered per target */
#define TGT_PORTS	64		/* ports remembered per (target, source) */
#define MAX_PAYS	(1u << 16)	/* (source, sid) of payload alerts */
#define FLOW_ID_MASK	((1ULL << 51) - 1)	/* flow_id: 51 bits like Suricata's */

/* An alert being held (HOLD_NS) for decoy/distributed correlation. */
struct pend {
	uint64_t ts_ns;		/* packet that decided it */
	struct sw_est est;	/* merged counters at that moment */
	struct sw_addr dst;
	uint16_t dport;
	uint16_t worker;	/* producer, for in_iface */
	uint8_t proto;
	uint8_t t;		/* time scale */
	bool trw, allowlisted;
	uint32_t sources;	/* decoy/distributed: sources involved */
};

/* One kind of alert of one source: held, last written, updates. */
struct kind_state {
	uint64_t last_alert_ns;		/* 0: never alerted */
	uint64_t last_emit_ns;		/* last alert or update written */
	uint32_t updates;
	uint32_t last_contacts;
	bool pending;
	struct pend pend;
};

/* What the stage knows of one (source, class). */
struct rec {
	uint8_t cls;
	struct sw_addr src;
	uint64_t first_ns, last_ns;
	uint8_t tool_votes[SW_TOOL__MAX];
	uint8_t tool_fp[SW_TOOL__MAX];	/* enum sw_fp of the latest vote per tool */
	char payload_tool[SW_RULE_TOOL];	/* named by a payload rule's tool: */
	uint32_t payload_sid;			/* ... that rule */
	uint8_t technique;
	unsigned ntargets, nports;
	struct sw_addr targets[SW_ALERT_SAMPLES];
	uint16_t ports[SW_ALERT_SAMPLES];
	uint32_t services;		/* detect.sensitive-services bits touched */
	bool fragmented;		/* probes came as IP fragments (SW_EVF_FRAG) */
	bool sampled;			/* counted by sample (SW_EVF_SAMPLED) */
	bool unanswered;		/* failures came from timeouts, nothing answered
					 * (SW_SUSPECT_TIMEOUT): still a filtered scan */
	struct {			/* hammering: the target being hammered */
		struct sw_addr dst;
		uint16_t port;		/* the latest port tried again */
		uint64_t start_ns;	/* 0: none */
		uint32_t repeats;
	} ham;
	struct kind_state k[K__MAX];
};

/* One source seen at a watched target. */
struct tgt_src {
	struct sw_addr src;
	uint64_t ts_ns;
	uint8_t kind_seen;		/* 1: portscan decided for this source */
	unsigned nports;
	uint16_t ports[TGT_PORTS];
};

/* A target watched for decoy and distributed scans. */
struct tgt {
	bool used;
	uint8_t cls;
	struct sw_addr dst;
	uint64_t hot_until_ns;
	unsigned nsrc;
	struct tgt_src s[TGT_SRCS];
};

/* Last payload alert of one (source, sid): one per alerts.suppress. */
struct pay {
	struct sw_addr src;
	uint32_t sid;
	uint64_t last_ns;
};

struct sw_decide {
	const struct sw_conf *c;
	struct sw_decide_env env;	/* the caller's: workers, callbacks */
	struct sw_decide_stats st;
	uint64_t clock_ns;		/* newest event time: the decision clock */
	uint32_t trw_n;
	struct sw_otab recs;		/* struct rec, MAX_RECS */
	struct tgt *tgts;		/* MAX_TARGETS, direct mapped */
	unsigned npending;		/* held alerts, so idle ticks cost nothing */
	uint64_t last_tick_ns;
	struct sw_cidr allow[SW_MAX_STRS];
	unsigned nallow;
	struct sw_cidr home[SW_MAX_STRS];	/* network.home */
	unsigned nhome;
	struct sw_otab pays;		/* struct pay, MAX_PAYS */
	struct sw_services svc;		/* detect.sensitive-services */
	struct sw_decide_payload_stats pst;
};

/* alerts.suppress in ns: one alert per (source, kind) or (source, sid) */
static inline uint64_t
sw_decide_suppress_ns(const struct sw_decide *dec)
{
	return (uint64_t)dec->c->suppress_s * NSEC;
}

/* decide.c */
uint32_t sw_decide_addr_hash(const struct sw_addr *a, uint8_t cls);
struct rec *sw_decide_rec_get(struct sw_decide *dec, const struct sw_addr *src, uint8_t cls,
			      uint64_t ts);
void sw_decide_rec_sample(struct rec *r, const struct sw_event *ev,
			  const struct sw_services *svc);

/* decide_kind.c */
enum sw_kind sw_decide_slow_or(const struct rec *r, enum sw_kind k, unsigned t, uint64_t ts,
			       uint64_t suppress_ns);
void sw_decide_write_alert(struct sw_decide *dec, struct rec *r, enum sw_kind k, bool update);
const char *sw_decide_in_iface(const struct sw_decide *dec, unsigned worker);

/* decide_corr.c */
void sw_decide_check_decoy(struct sw_decide *dec, struct rec *r, const struct pend *p);
void sw_decide_hot_contact(struct sw_decide *dec, const struct sw_event *ev, bool start);

/* decide_pay.c */
int sw_decide_pay_init(struct sw_decide *dec);

/* decide_supp.c */
void sw_decide_propose(struct sw_decide *dec, struct rec *r, enum sw_kind k,
		       const struct pend *p);
void sw_decide_flush_due(struct sw_decide *dec, bool all);

/* allowlist.c */
int sw_decide_allow_init(struct sw_decide *dec, char *err, size_t errlen);
bool sw_decide_allowlisted(const struct sw_decide *dec, const struct sw_addr *src,
			   uint16_t port);
bool sw_decide_allow_tags(const struct sw_conf *c);
enum sw_direction sw_decide_direction(const struct sw_decide *dec, const struct sw_addr *src,
				      const struct sw_addr *dst);
/* alerts.<direction> on a decided severity; false: not written (counted) */
bool sw_decide_dir_policy(struct sw_decide *dec, enum sw_direction d, uint8_t *severity);

#endif /* SW_DECIDE_INT_H */
