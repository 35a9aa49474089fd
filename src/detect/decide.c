/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control-side decisions. A worker's SUSPECT event says "this source just
 * crossed a threshold on my share of the traffic"; here every worker's
 * counters for the source are summed (count-min sketches merge by
 * addition), the kind is named (Snort 3 port_scan numbering, gid 122),
 * alerts are held briefly so decoy and distributed scans can be recognised
 * across sources, then deduplicated per (source, kind) and written.
 *
 * Control plane: allocation and I/O are fine here.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_hash_crc.h>

#include <scanwatch/ctl.h>
#include <scanwatch/detect.h>
#include <scanwatch/event.h>
#include <scanwatch/match.h>
#include "detect/decide.h"
#include "port/port.h"

#define NSEC		1000000000ULL
#define HOLD_NS		(1 * NSEC)	/* packet time an alert waits for correlation */
#define MAX_RECS	(1u << 15)	/* (source, class) records */
#define MAX_TARGETS	4096		/* targets watched for decoy/distributed */
#define TGT_SRCS	32
#define TGT_PORTS	64
#define MAX_PAYS	(1u << 16)	/* (source, sid) of payload alerts */

/* Everything an alert needs to say, by (class, kind). */
struct kind_def {
	const char *name;		/* metadata.scan.kind */
	const char *what;		/* signature after the class name */
	uint32_t sid[SW_C__MAX];	/* gid 122 */
	uint32_t sid_filtered[SW_C__MAX];
	uint8_t severity;
};

/*
 * Snort 3 port_scan sids (gid 122) where Snort has the kind; scanwatch's own
 * sids from 1000 (README.md, "Alert kinds") where it does not.
 *                  TCP   UDP   ICMP  SCTP  IP
 */
static const struct kind_def kinds[K__MAX] = {
	[K_PORTSCAN]    = { "portscan", "portscan",
			    { 1, 17, 0, 1020, 9 }, { 5, 21, 0, 1024, 13 }, 2 },
	[K_DECOY]       = { "decoy_portscan", "decoy portscan",
			    { 2, 18, 0, 1021, 10 }, { 6, 22, 0, 1025, 14 }, 2 },
	[K_PORTSWEEP]   = { "portsweep", "portsweep",
			    { 3, 19, 25, 1022, 11 }, { 7, 23, 26, 1026, 15 }, 3 },
	[K_DISTRIBUTED] = { "distributed_portscan", "distributed portscan",
			    { 4, 20, 0, 1023, 12 }, { 8, 24, 0, 1027, 16 }, 2 },
	[K_BLOCK]       = { "block_scan", "block scan",
			    { 1001, 1002, 1003, 1004, 1005 }, { 1001, 1002, 1003, 1004, 1005 }, 2 },
	[K_SLOW]        = { "slow_scan", "slow scan",
			    { 1010, 1011, 1012, 1013, 1014 }, { 1010, 1011, 1012, 1013, 1014 }, 3 },
};

struct kind_state {
	uint64_t last_alert_ns;		/* 0: never alerted */
	uint64_t last_emit_ns;		/* last alert or update written */
	uint32_t updates;
	uint32_t last_contacts;
	bool pending;
	struct pend pend;
};

struct rec {
	bool used;
	uint8_t cls;
	struct sw_addr src;
	uint64_t first_ns, last_ns;
	uint8_t tool_votes[SW_TOOL__MAX];
	uint8_t tool_fp[SW_TOOL__MAX];	/* enum sw_fp of the latest vote per tool */
	char payload_tool[SW_RULE_TOOL];	/* named by a payload rule's tool: */
	uint32_t payload_sid;			/* ... that rule */
	uint8_t technique;
	unsigned ntargets, nports;
	struct sw_addr targets[8];
	uint16_t ports[8];
	struct kind_state k[K__MAX];
};

struct tgt_src {
	struct sw_addr src;
	uint64_t ts_ns;
	uint8_t kind_seen;		/* 1: portscan decided for this source */
	unsigned nports;
	uint16_t ports[TGT_PORTS];
};

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
	bool used;
	uint64_t last_ns;
};

struct allow {
	struct sw_addr net;
	unsigned plen;			/* on the IPv4-mapped form for IPv4 */
	unsigned nports;
	uint16_t ports[8];
};

struct sw_decide {
	const struct sw_conf *c;
	struct sw_ctl *ctl;
	struct sw_decide_stats st;
	uint64_t clock_ns;		/* newest event time: the decision clock */
	uint32_t trw_n;
	double eps, delta;
	struct rec *recs;		/* MAX_RECS, open addressing */
	unsigned nrecs;
	struct tgt *tgts;		/* MAX_TARGETS, direct mapped */
	unsigned npending;		/* held alerts, so idle ticks cost nothing */
	uint64_t last_tick_ns;
	struct allow allow[SW_MAX_STRS];
	unsigned nallow;
	struct pay *pays;		/* MAX_PAYS, open addressing: (source, sid) */
	unsigned npays;
	struct sw_decide_payload_stats pst;
};

/* Allowlist --------------------------------------------------------------- */

static int
parse_allow(struct allow *a, const char *entry, char *err, size_t errlen)
{
	char buf[SW_MAX_STR], *slash, *sp, *ports;
	unsigned char raw[16];
	unsigned maxlen;

	memset(a, 0, sizeof(*a));
	snprintf(buf, sizeof(buf), "%s", entry);
	sp = strpbrk(buf, " \t");
	ports = NULL;
	if (sp != NULL) {
		*sp = '\0';
		ports = sp + 1;
	}
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, raw) == 1) {
		a->net.b[10] = a->net.b[11] = 0xff;
		memcpy(&a->net.b[12], raw, 4);
		maxlen = 32;
		a->plen = 96;
	} else if (inet_pton(AF_INET6, buf, raw) == 1) {
		memcpy(a->net.b, raw, 16);
		maxlen = 128;
		a->plen = 0;
	} else {
		snprintf(err, errlen, "allowlist entry '%s': not an IPv4 or IPv6 address", entry);
		return -EINVAL;
	}
	a->plen += slash ? (unsigned)strtoul(slash + 1, NULL, 10) : maxlen;
	if (slash != NULL && strtoul(slash + 1, NULL, 10) > maxlen) {
		snprintf(err, errlen, "allowlist entry '%s': prefix longer than %u", entry, maxlen);
		return -EINVAL;
	}
	for (char *tok = ports ? strtok(ports, ", \t") : NULL; tok != NULL;
	     tok = strtok(NULL, ", \t")) {
		unsigned long p = strtoul(tok, NULL, 10);

		if (p == 0 || p > 65535 || a->nports == RTE_DIM(a->ports)) {
			snprintf(err, errlen, "allowlist entry '%s': bad port '%s' "
				 "(1..65535, at most 8)", entry, tok);
			return -EINVAL;
		}
		a->ports[a->nports++] = (uint16_t)p;
	}
	return 0;
}

static bool
prefix_match(const struct sw_addr *a, const struct sw_addr *net, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(a->b, net->b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a->b[full] ^ net->b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static bool
allowlisted(const struct sw_decide *dec, const struct sw_addr *src, uint16_t port)
{
	for (unsigned i = 0; i < dec->nallow; i++) {
		const struct allow *a = &dec->allow[i];

		if (!prefix_match(src, &a->net, a->plen))
			continue;
		if (a->nports == 0)
			return true;
		for (unsigned p = 0; p < a->nports; p++)
			if (a->ports[p] == port)
				return true;
	}
	return false;
}

/* Records ------------------------------------------------------------------ */

static uint32_t
addr_hash(const struct sw_addr *a, uint8_t cls)
{
	return rte_hash_crc(a, sizeof(*a), 0x5eed0000u + cls);
}

/* Drop records with nothing pending and no activity for the longest window
 * and suppression period, so a day of background scanning fits in a
 * bounded table. */
static void
purge(struct sw_decide *dec)
{
	uint64_t keep = ((uint64_t)dec->c->suppress_s + dec->c->ts[SW_TS - 1].window_s) * NSEC;
	struct rec *old = dec->recs;
	struct rec *fresh = calloc(MAX_RECS, sizeof(*fresh));

	if (fresh == NULL)
		return;
	dec->recs = fresh;
	dec->nrecs = 0;
	for (unsigned i = 0; i < MAX_RECS; i++) {
		bool pending = false;

		if (!old[i].used)
			continue;
		for (unsigned k = 0; k < K__MAX; k++)
			pending |= old[i].k[k].pending;
		if (!pending && old[i].last_ns + keep < dec->clock_ns)
			continue;
		for (uint32_t j = addr_hash(&old[i].src, old[i].cls) % MAX_RECS;;
		     j = (j + 1) % MAX_RECS) {
			if (!fresh[j].used) {
				fresh[j] = old[i];
				dec->nrecs++;
				break;
			}
		}
	}
	free(old);
}

static struct rec *
rec_get(struct sw_decide *dec, const struct sw_addr *src, uint8_t cls, uint64_t ts)
{
	uint32_t j;

	if (dec->nrecs >= MAX_RECS * 3 / 4)
		purge(dec);
	if (dec->nrecs >= MAX_RECS * 3 / 4)
		return NULL;	/* every record is busy: counted by the caller */
	for (j = addr_hash(src, cls) % MAX_RECS;; j = (j + 1) % MAX_RECS) {
		struct rec *r = &dec->recs[j];

		if (!r->used) {
			memset(r, 0, sizeof(*r));
			r->used = true;
			r->src = *src;
			r->cls = cls;
			r->first_ns = ts;
			dec->nrecs++;
			return r;
		}
		if (r->cls == cls && memcmp(&r->src, src, sizeof(*src)) == 0)
			return r;
	}
}

static void
rec_sample(struct rec *r, const struct sw_event *ev)
{
	bool have = false;

	if (ev->ts_ns < r->first_ns || r->first_ns == 0)
		r->first_ns = ev->ts_ns;
	if (ev->ts_ns > r->last_ns)
		r->last_ns = ev->ts_ns;
	if (ev->tool < SW_TOOL__MAX && ev->tool != SW_TOOL_UNKNOWN) {
		if (r->tool_votes[ev->tool] < 255)
			r->tool_votes[ev->tool]++;
		if (ev->fp < SW_FP__MAX && sw_fp_tool[ev->fp] == ev->tool)
			r->tool_fp[ev->tool] = ev->fp;
	}
	if (ev->technique != SW_T_NONE)
		r->technique = ev->technique;
	for (unsigned i = 0; i < r->ntargets; i++)
		have |= memcmp(&r->targets[i], &ev->dst, sizeof(ev->dst)) == 0;
	if (!have && r->ntargets < RTE_DIM(r->targets))
		r->targets[r->ntargets++] = ev->dst;
	have = false;
	for (unsigned i = 0; i < r->nports; i++)
		have |= r->ports[i] == ev->dport;
	if (!have && r->nports < RTE_DIM(r->ports))
		r->ports[r->nports++] = ev->dport;
}

static enum sw_tool
rec_tool(const struct rec *r)
{
	unsigned best = SW_TOOL_UNKNOWN, votes = 0;

	for (unsigned t = 1; t < SW_TOOL__MAX; t++)
		if (r->tool_votes[t] > votes) {
			votes = r->tool_votes[t];
			best = t;
		}
	return (enum sw_tool)best;
}

/* Headers decide when they show a tool; a payload rule that names one
 * (an nmap NSE user agent behind a connect scan) fills the gap. */
static const char *
rec_tool_name(const struct rec *r)
{
	enum sw_tool t = rec_tool(r);

	if (t == SW_TOOL_UNKNOWN && r->payload_tool[0] != '\0')
		return r->payload_tool;
	return sw_tool_names[t];
}

/* Merge: the sum over workers of each worker's estimate, except the one
 * whose event carries its own counters (skip; UINT_MAX for none). */
static void
global_est(const struct sw_decide *dec, const struct sw_addr *src, uint8_t cls,
	   uint32_t now_s, unsigned skip, struct sw_est *sum)
{
	struct sw_key k;

	memset(sum, 0, sizeof(*sum));
	memset(&k, 0, sizeof(k));
	k.a = *src;
	k.proto = cls;
	k.kind = SW_K_SRC;
	for (unsigned i = 0; i < dec->ctl->nw; i++) {
		const struct sw_worker *w = dec->ctl->workers[i];
		const struct sw_sketch *sk;
		struct sw_hash h;
		struct sw_est e;

		if (w->det == NULL || i == skip)
			continue;
		sk = sw_detect_sketch(w->det);
		sw_sketch_hash(sk, &k, &h);
		sw_sketch_get(sk, &k, &h, now_s, &e);
		for (unsigned t = 0; t < SW_TS; t++)
			for (unsigned f = 0; f < SW_F__MAX; f++)
				sum->v[t][f] += e.v[t][f];
	}
}

/* Kinds -------------------------------------------------------------------- */

/*
 * The shape of the source's first contacts in one window names the kind.
 * A source whose first contacts mostly succeed is not scanning (a crawler,
 * a NAT gateway, a resolver, a poller): fan-out alone does not make a scan
 * when at least half of it was answered.
 */
int
sw_decide_kind(const struct sw_conf *c, uint32_t trw_n, unsigned cls, unsigned t,
	       const uint32_t v[SW_F__MAX], bool *filtered)
{
	const struct sw_conf_timescale *th = &c->ts[t];
	uint32_t C = v[SW_F_CONTACTS], T = v[SW_F_TARGETS], P = v[SW_F_PORTS];
	/* A half-open contact (answered, then aborted by the source with no
	 * data sent) is no success: it is how SYN scanners treat open ports. */
	uint32_t Ab = RTE_MIN(v[SW_F_ABORTED], v[SW_F_ANSWERED]);
	uint32_t F = v[SW_F_FAILED] + Ab, A = v[SW_F_ANSWERED] - Ab;
	bool trw = F >= A && F - A >= trw_n;

	*filtered = v[SW_F_FAILED] == 0 && v[SW_F_ANSWERED] == 0;
	if (C == 0)
		return -1;
	/* Echo requests are answered by every live host, so ping sweeps of
	 * live networks are decided on fan-out alone. */
	if (cls == SW_C_ICMP)
		return T >= th->icmp_targets || trw ? K_PORTSWEEP : -1;
	if ((uint64_t)A * 2 > C)
		return -1;
	if (cls == SW_C_IP) {
		if (P >= th->protos)
			return K_PORTSCAN;
		return T >= th->targets ? K_PORTSWEEP : -1;
	}
	if (T >= th->targets && P >= th->ports)
		return K_BLOCK;
	if (P >= th->ports)
		return K_PORTSCAN;
	if (T >= th->targets)
		return K_PORTSWEEP;
	if (C >= th->contacts)
		return K_BLOCK;
	if (trw)
		return P >= T ? K_PORTSCAN : K_PORTSWEEP;
	return -1;
}

static void
kind_signature(char *buf, size_t len, unsigned cls, enum sw_kind k, bool filtered)
{
	if (cls == SW_C_ICMP && k == K_PORTSWEEP) {
		snprintf(buf, len, "ICMP %ssweep", filtered ? "filtered " : "");
		return;
	}
	if (cls == SW_C_IP && k != K_BLOCK && k != K_SLOW) {
		static const char *const ip[K__MAX] = {
			[K_PORTSCAN] = "protocol scan", [K_DECOY] = "decoy protocol scan",
			[K_PORTSWEEP] = "protocol sweep",
			[K_DISTRIBUTED] = "distributed protocol scan",
		};
		snprintf(buf, len, "IP %s%s", filtered ? "filtered " : "", ip[k]);
		return;
	}
	snprintf(buf, len, "%s %s%s", sw_class_names[cls],
		 filtered && k != K_BLOCK && k != K_SLOW ? "filtered " : "", kinds[k].what);
}

/* Alerts ------------------------------------------------------------------- */

static const char *
proto_name(uint8_t proto, char buf[8])
{
	switch (proto) {
	case 6: return "TCP";
	case 17: return "UDP";
	case 1: return "ICMP";
	case 58: return "IPv6-ICMP";
	case 132: return "SCTP";
	default:
		snprintf(buf, 8, "%u", proto);
		return buf;
	}
}

static void
write_alert(struct sw_decide *dec, struct rec *r, enum sw_kind k, bool update)
{
	struct kind_state *ks = &r->k[k];
	const struct pend *pd = &ks->pend;
	struct sw_json *j = &dec->ctl->js;
	const struct sw_conf *c = dec->c;
	char ts[40], first[40], last[40], a[64], b[64], b0[64], sig[64], pn[8];
	const char *pn0;
	const uint32_t *v = pd->est.v[pd->t];
	/* filtered if nothing came back, judged on the counts being written
	 * (responses lag the probes that decided) */
	bool filtered = k != K_DISTRIBUTED && v[SW_F_FAILED] == 0 && v[SW_F_ANSWERED] == 0;
	uint32_t sid = filtered ? kinds[k].sid_filtered[r->cls] : kinds[k].sid[r->cls];
	uint64_t last_ns = RTE_MAX(r->last_ns, pd->ts_ns);
	uint64_t span = last_ns > r->first_ns ? last_ns - r->first_ns : 0;
	bool has_port = r->cls == SW_C_TCP || r->cls == SW_C_UDP || r->cls == SW_C_SCTP;
	uint8_t severity = kinds[k].severity;
	uint64_t flow_id;

	if (pd->allowlisted)
		severity = 4;
	sw_json_time(ts, pd->ts_ns);
	sw_json_time(first, r->first_ns ? r->first_ns : pd->ts_ns);
	sw_json_time(last, last_ns);
	sw_addr_str(&r->src, a, sizeof(a));
	sw_addr_str(&pd->dst, b, sizeof(b));
	memcpy(b0, b, sizeof(b0));
	pn0 = proto_name(pd->proto, pn);
	kind_signature(sig, sizeof(sig), r->cls, k, filtered);
	/* flow_id: stable per (source, class, kind), 51 bits like Suricata's */
	flow_id = (((uint64_t)addr_hash(&r->src, r->cls) << 19) ^ ((uint64_t)k << 8) ^ r->cls) &
		  ((1ULL << 51) - 1);

	sw_json_reset(j);
	sw_json_obj_open(j, NULL);
	sw_json_str(j, "timestamp", ts);
	sw_json_u64(j, "flow_id", flow_id);
	sw_json_str(j, "in_iface", sw_port_name(pd->port));
	sw_json_str(j, "event_type", "alert");
	if (c->host[0] != '\0')
		sw_json_str(j, "host", c->host);
	sw_json_str(j, "src_ip", a);
	sw_json_str(j, "dest_ip", b);
	if (has_port)
		sw_json_u64(j, "dest_port", pd->dport);
	sw_json_str(j, "proto", pn0);
	sw_json_obj_open(j, "alert");
	sw_json_str(j, "action", "allowed");
	sw_json_u64(j, "gid", 122);
	sw_json_u64(j, "signature_id", sid);
	sw_json_u64(j, "rev", 1);
	sw_json_str(j, "signature", sig);
	sw_json_str(j, "category", "Detection of a Network Scan");
	sw_json_u64(j, "severity", severity);
	sw_json_obj_open(j, "source");
	sw_json_str(j, "ip", a);
	sw_json_obj_close(j);
	sw_json_obj_open(j, "target");
	sw_json_str(j, "ip", b);
	if (has_port)
		sw_json_u64(j, "port", pd->dport);
	sw_json_obj_close(j);
	sw_json_obj_open(j, "metadata");
	sw_json_obj_open(j, "scan");
	sw_json_str(j, "kind", kinds[k].name);
	sw_json_str(j, "class", sw_class_names[r->cls]);
	sw_json_str(j, "technique", sw_technique_names[r->technique]);
	sw_json_str(j, "tool", rec_tool_name(r));
	if (r->tool_fp[rec_tool(r)] != SW_FP_NONE) {	/* what the headers showed */
		sw_json_str(j, "tool_evidence", sw_fp_evidence[r->tool_fp[rec_tool(r)]]);
	} else if (rec_tool(r) == SW_TOOL_UNKNOWN && r->payload_tool[0] != '\0') {
		char ev[32];

		snprintf(ev, sizeof(ev), "payload-rule,sid=%u", r->payload_sid);
		sw_json_str(j, "tool_evidence", ev);
	}
	sw_json_str(j, "timescale", sw_timescale_names[pd->t]);
	sw_json_bool(j, "filtered", filtered);
	sw_json_str(j, "decided_by", pd->trw ? "sequential-test" : "threshold");
	sw_json_u64(j, "unique_targets", v[SW_F_TARGETS]);
	sw_json_u64(j, "unique_ports", v[SW_F_PORTS]);
	sw_json_u64(j, "probes", v[SW_F_CONTACTS]);
	sw_json_u64(j, "failed", v[SW_F_FAILED]);
	sw_json_u64(j, "answered", v[SW_F_ANSWERED]);
	sw_json_u64(j, "half_open", v[SW_F_ABORTED]);
	if (pd->sources > 0)
		sw_json_u64(j, "sources", pd->sources);
	sw_json_str(j, "first_seen", first);
	sw_json_str(j, "last_seen", last);
	sw_json_u64(j, "window_s", c->ts[pd->t].window_s);
	sw_json_dbl(j, "rate_pps", span ? v[SW_F_CONTACTS] * (double)NSEC / span : 0, 6);
	sw_json_arr_open(j, "sample_targets");
	for (unsigned i = 0; i < r->ntargets; i++) {
		sw_addr_str(&r->targets[i], b, sizeof(b));
		sw_json_str(j, NULL, b);
	}
	sw_json_arr_close(j);
	sw_json_arr_open(j, "sample_ports");
	for (unsigned i = 0; i < r->nports; i++)
		sw_json_u64(j, NULL, r->ports[i]);
	sw_json_arr_close(j);
	sw_json_obj_open(j, "estimate_error");
	sw_json_dbl(j, "epsilon", dec->eps, 4);
	sw_json_dbl(j, "delta", dec->delta, 4);
	sw_json_obj_close(j);
	sw_json_bool(j, "allowlisted", pd->allowlisted);
	sw_json_u64(j, "update", update ? ks->updates : 0);
	sw_json_obj_close(j);
	sw_json_obj_close(j);
	sw_json_obj_close(j);
	sw_json_obj_close(j);
	if (!j->oom) {
		struct sw_alert al = {
			.type = SW_REC_ALERT, .ts_ns = pd->ts_ns,
			.dest_port = has_port ? pd->dport : 0,
			.gid = 122, .sid = sid, .rev = 1, .severity = severity,
			.update = update ? ks->updates : 0,
		};

		snprintf(al.host, sizeof(al.host), "%s", c->host);
		snprintf(al.src_ip, sizeof(al.src_ip), "%s", a);
		snprintf(al.dest_ip, sizeof(al.dest_ip), "%s", b0);
		snprintf(al.proto, sizeof(al.proto), "%s", pn0);
		snprintf(al.signature, sizeof(al.signature), "%s", sig);
		snprintf(al.category, sizeof(al.category), "Detection of a Network Scan");
		snprintf(al.kind, sizeof(al.kind), "%s", kinds[k].name);
		snprintf(al.technique, sizeof(al.technique), "%s",
			 sw_technique_names[r->technique]);
		snprintf(al.tool, sizeof(al.tool), "%s", rec_tool_name(r));
		sw_ctl_emit(dec->ctl, &al, j->buf, j->len);
	} else {
		/* not sent, so not counted as sent */
		dec->st.format_errors++;
		return;
	}
	if (update)
		dec->st.updates++;
	else
		dec->st.alerts++;
}

static void
emit_pending(struct sw_decide *dec, struct rec *r, enum sw_kind k)
{
	struct kind_state *ks = &r->k[k];
	bool update = ks->last_alert_ns != 0 &&
		      ks->pend.ts_ns < ks->last_alert_ns + (uint64_t)dec->c->suppress_s * NSEC;

	ks->pending = false;
	dec->npending--;
	if (ks->pend.allowlisted && dec->c->allowlist_action == SW_ALLOW_TAG) {
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
	write_alert(dec, r, k, update);
}

/*
 * Queue an alert (or an update) for (source, kind). Within the suppression
 * period a repeat becomes an update, written at most every
 * alerts.update-interval and only when the counts grew.
 */
static void
propose(struct sw_decide *dec, struct rec *r, enum sw_kind k, const struct pend *p)
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
	    p->ts_ns < ks->last_alert_ns + (uint64_t)dec->c->suppress_s * NSEC) {
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
}

/* The same scan seen at a longer scale is not a new scan; a scan that only
 * the minutes or hours scales see is a slow scan. */
static enum sw_kind
slow_or(const struct rec *r, enum sw_kind k, unsigned t, uint64_t ts, uint64_t suppress_ns)
{
	if (t == 0 || k == K_DECOY || k == K_DISTRIBUTED)
		return k;
	for (unsigned i = 0; i < K__MAX; i++)
		if (i != K_SLOW && (r->k[i].pending || (r->k[i].last_alert_ns != 0 &&
		    ts < r->k[i].last_alert_ns + suppress_ns)))
			return k;
	return K_SLOW;
}

/* Decoys: several sources portscanning one target at the same time with
 * the same ports (nmap -D). */
static struct tgt *
tgt_get(struct sw_decide *dec, const struct sw_addr *dst, uint8_t cls, bool create)
{
	struct tgt *t = &dec->tgts[addr_hash(dst, cls) % MAX_TARGETS];

	if (t->used && t->cls == cls && memcmp(&t->dst, dst, sizeof(*dst)) == 0)
		return t;
	if (!create)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->used = true;
	t->cls = cls;
	t->dst = *dst;
	return t;
}

static struct tgt_src *
tgt_src(struct tgt *t, const struct sw_addr *src, uint64_t ts)
{
	for (unsigned i = 0; i < t->nsrc; i++)
		if (memcmp(&t->s[i].src, src, sizeof(*src)) == 0)
			return &t->s[i];
	if (t->nsrc == TGT_SRCS)
		return NULL;
	memset(&t->s[t->nsrc], 0, sizeof(t->s[0]));
	t->s[t->nsrc].src = *src;
	t->s[t->nsrc].ts_ns = ts;
	return &t->s[t->nsrc++];
}

static void
check_decoy(struct sw_decide *dec, struct rec *r, const struct pend *p)
{
	struct tgt *t = tgt_get(dec, &p->dst, r->cls, true);
	struct tgt_src *ts = tgt_src(t, &r->src, p->ts_ns);
	unsigned n = 0;

	if (ts == NULL)
		return;
	ts->kind_seen = 1;
	ts->ts_ns = p->ts_ns;
	for (unsigned i = 0; i < t->nsrc; i++)
		n += t->s[i].kind_seen && t->s[i].ts_ns + 60 * NSEC >= p->ts_ns;
	if (n < dec->c->decoy_sources)
		return;
	/* Every recent portscanner of this target is one scan with decoys:
	 * their held portscan alerts become decoy alerts. */
	for (unsigned i = 0; i < t->nsrc; i++) {
		struct rec *o;

		if (!t->s[i].kind_seen || t->s[i].ts_ns + 60 * NSEC < p->ts_ns)
			continue;
		o = rec_get(dec, &t->s[i].src, r->cls, p->ts_ns);
		if (o == NULL)
			continue;
		if (o->k[K_PORTSCAN].pending) {
			struct pend dp = o->k[K_PORTSCAN].pend;

			o->k[K_PORTSCAN].pending = false;
			dec->npending--;
			dp.sources = n;
			propose(dec, o, K_DECOY, &dp);
		} else if (o->k[K_DECOY].last_alert_ns == 0 && o->k[K_PORTSCAN].last_alert_ns == 0) {
			struct pend dp = *p;

			dp.sources = n;
			propose(dec, o, K_DECOY, &dp);
		}
	}
}

static void
on_suspect(struct sw_decide *dec, const struct sw_event *ev)
{
	uint8_t cls = ev->cls;
	uint32_t now_s = (uint32_t)(ev->ts_ns / NSEC);
	struct rec *r;
	struct sw_est e;
	struct pend p;
	bool filtered;
	unsigned t;
	int k;

	if (cls >= SW_C__MAX || ev->timescale >= SW_TS)
		return;
	r = rec_get(dec, &ev->src, cls, ev->ts_ns);
	if (r == NULL) {
		dec->st.dropped++;
		return;
	}
	rec_sample(r, ev);
	/* The producer's counters as of the deciding packet, plus what the
	 * other workers hold now: with one worker (offline) the decision
	 * depends on the packets alone, never on thread timing. */
	t = ev->timescale;
	global_est(dec, &ev->src, cls, now_s, ev->worker, &e);
	for (unsigned f = 0; f < SW_F__MAX; f++)
		e.v[t][f] += ev->v[f];
	k = sw_decide_kind(dec->c, dec->trw_n, cls, t, e.v[t], &filtered);
	if (k < 0)
		return;
	memset(&p, 0, sizeof(p));
	p.ts_ns = ev->ts_ns;
	p.t = (uint8_t)t;
	p.est = e;
	p.dst = ev->dst;
	p.dport = ev->dport;
	p.proto = ev->proto;
	p.port = dec->ctl->workers[ev->worker % dec->ctl->nw]->rxq[0].port;
	p.trw = (ev->reason & 0x08) && e.v[t][SW_F_PORTS] < dec->c->ts[t].ports &&
		e.v[t][SW_F_TARGETS] < dec->c->ts[t].targets;
	p.allowlisted = allowlisted(dec, &ev->src, ev->dport);
	k = slow_or(r, (enum sw_kind)k, t, ev->ts_ns, (uint64_t)dec->c->suppress_s * NSEC);
	propose(dec, r, (enum sw_kind)k, &p);
	if (k == K_PORTSCAN && dec->c->decoy_sources > 1)
		check_decoy(dec, r, &p);
}

/* Distributed: a target hit by many sources, each with few ports, whose
 * ports together make a portscan. */
static void
on_hot_contact(struct sw_decide *dec, const struct sw_event *ev, bool start)
{
	uint8_t cls = ev->cls;
	const struct sw_conf_timescale *th = &dec->c->ts[0];
	struct tgt *t;
	struct tgt_src *s;
	unsigned union_ports = 0, max_ports = 0, srcs = 0;
	uint16_t seen[TGT_SRCS * TGT_PORTS];

	if (cls >= SW_C__MAX)
		return;
	t = tgt_get(dec, &ev->dst, cls, start);
	if (t == NULL)
		return;
	if (start)
		t->hot_until_ns = ev->ts_ns + (uint64_t)th->window_s * NSEC;
	s = tgt_src(t, &ev->src, ev->ts_ns);
	if (s != NULL && s->nports < TGT_PORTS) {
		bool have = false;

		for (unsigned i = 0; i < s->nports; i++)
			have |= s->ports[i] == ev->dport;
		if (!have)
			s->ports[s->nports++] = ev->dport;
	}
	for (unsigned i = 0; i < t->nsrc; i++) {
		if (t->s[i].nports == 0)
			continue;
		srcs++;
		max_ports = RTE_MAX(max_ports, t->s[i].nports);
		for (unsigned p = 0; p < t->s[i].nports; p++) {
			bool have = false;

			for (unsigned q = 0; q < union_ports; q++)
				have |= seen[q] == t->s[i].ports[p];
			if (!have)
				seen[union_ports++] = t->s[i].ports[p];
		}
	}
	if (srcs < dec->c->distributed_sources || union_ports < th->ports ||
	    max_ports >= th->ports)
		return;
	for (unsigned i = 0; i < t->nsrc; i++) {
		struct rec *r;
		struct sw_est e;
		struct pend p;

		if (t->s[i].nports == 0)
			continue;
		r = rec_get(dec, &t->s[i].src, cls, ev->ts_ns);
		if (r == NULL)
			continue;
		rec_sample(r, ev);
		/* what this source did to the target, as the control thread
		 * saw it: deterministic, and the evidence that matters here */
		memset(&e, 0, sizeof(e));
		e.v[0][SW_F_CONTACTS] = t->s[i].nports;
		e.v[0][SW_F_PORTS] = t->s[i].nports;
		e.v[0][SW_F_TARGETS] = 1;
		memset(&p, 0, sizeof(p));
		p.ts_ns = ev->ts_ns;
		p.est = e;
		p.dst = ev->dst;
		p.dport = ev->dport;
		p.proto = ev->proto;
		p.port = dec->ctl->workers[ev->worker % dec->ctl->nw]->rxq[0].port;
		p.sources = srcs;
		p.allowlisted = allowlisted(dec, &t->s[i].src, ev->dport);
		propose(dec, r, K_DISTRIBUTED, &p);
	}
}

static void
flush_due(struct sw_decide *dec, bool all)
{
	if (dec->npending == 0)
		return;
	for (unsigned i = 0; i < MAX_RECS; i++) {
		struct rec *r = &dec->recs[i];

		if (!r->used)
			continue;
		for (unsigned k = 0; k < K__MAX; k++)
			if (r->k[k].pending &&
			    (all || r->k[k].pend.ts_ns + HOLD_NS <= dec->clock_ns))
				emit_pending(dec, r, (enum sw_kind)k);
	}
}

void
sw_decide_event(struct sw_decide *dec, const struct sw_event *ev)
{
	bool due = false;

	if (ev->ts_ns > dec->clock_ns) {
		/* held alerts are looked at once per second of packet time */
		due = ev->ts_ns / NSEC != dec->clock_ns / NSEC;
		dec->clock_ns = ev->ts_ns;
	}
	switch (ev->type) {
	case SW_EV_CONTACT: {
		struct rec *r = rec_get(dec, &ev->src, ev->cls, ev->ts_ns);

		if (ev->cls < SW_C__MAX && r != NULL)
			rec_sample(r, ev);
		break;
	}
	case SW_EV_SUSPECT:
		on_suspect(dec, ev);
		break;
	case SW_EV_TARGET:
		on_hot_contact(dec, ev, true);
		break;
	case SW_EV_HOT_CONTACT:
		on_hot_contact(dec, ev, false);
		break;
	default:
		break;
	}
	if (due)
		flush_due(dec, false);
}

void
sw_decide_tick(struct sw_decide *dec)
{
	if (!dec->ctl->offline) {
		struct timespec now;

		/* live: time moves on even when no event arrives */
		clock_gettime(CLOCK_REALTIME, &now);
		dec->clock_ns = RTE_MAX(dec->clock_ns,
					(uint64_t)now.tv_sec * NSEC + (uint64_t)now.tv_nsec);
		if (dec->clock_ns < dec->last_tick_ns + NSEC / 10)
			return;
		dec->last_tick_ns = dec->clock_ns;
		flush_due(dec, false);
	}
}

void
sw_decide_finish(struct sw_decide *dec)
{
	flush_due(dec, true);
}

struct sw_decide *
sw_decide_create(const struct sw_conf *c, struct sw_ctl *ctl, char *err, size_t errlen)
{
	struct sw_decide *dec = calloc(1, sizeof(*dec));

	if (dec == NULL)
		goto nomem;
	dec->c = c;
	dec->ctl = ctl;
	dec->trw_n = sw_trw_failures(c->trw_theta0, c->trw_theta1, c->trw_alpha, c->trw_beta);
	dec->recs = calloc(MAX_RECS, sizeof(*dec->recs));
	dec->tgts = calloc(MAX_TARGETS, sizeof(*dec->tgts));
	dec->pays = calloc(MAX_PAYS, sizeof(*dec->pays));
	if (dec->recs == NULL || dec->tgts == NULL || dec->pays == NULL)
		goto nomem;
	for (unsigned i = 0; i < c->allowlist.n; i++) {
		if (parse_allow(&dec->allow[dec->nallow], c->allowlist.v[i], err, errlen) != 0) {
			sw_decide_free(dec);
			return NULL;
		}
		dec->nallow++;
	}
	if (ctl->nw > 0 && ctl->workers[0]->det != NULL) {
		double fpr;

		sw_sketch_bounds(sw_detect_sketch(ctl->workers[0]->det), &dec->eps, &dec->delta, &fpr);
	}
	return dec;
nomem:
	snprintf(err, errlen, "out of memory for the decision tables");
	sw_decide_free(dec);
	return NULL;
}

void
sw_decide_free(struct sw_decide *dec)
{
	if (dec == NULL)
		return;
	free(dec->recs);
	free(dec->tgts);
	free(dec->pays);
	free(dec);
}

const struct sw_decide_stats *
sw_decide_stats(const struct sw_decide *dec)
{
	return &dec->st;
}

/* Payload alerts ------------------------------------------------------------ */

static uint32_t
pay_hash(const struct sw_addr *src, uint32_t sid)
{
	return rte_hash_crc(src, sizeof(*src), sid);
}

/* Keep the (source, sid) pairs still inside their suppression period. */
static void
pay_purge(struct sw_decide *dec)
{
	uint64_t keep = (uint64_t)dec->c->suppress_s * NSEC;
	struct pay *old = dec->pays;
	struct pay *fresh = calloc(MAX_PAYS, sizeof(*fresh));

	if (fresh == NULL)
		return;
	dec->pays = fresh;
	dec->npays = 0;
	for (unsigned i = 0; i < MAX_PAYS; i++) {
		if (!old[i].used || old[i].last_ns + keep < dec->clock_ns)
			continue;
		for (uint32_t k = pay_hash(&old[i].src, old[i].sid) % MAX_PAYS;;
		     k = (k + 1) % MAX_PAYS) {
			if (!fresh[k].used) {
				fresh[k] = old[i];
				dec->npays++;
				break;
			}
		}
	}
	free(old);
}

/* @return true when (src, sid) alerted within the suppression period;
 * otherwise remembers this alert */
static bool
pay_suppressed(struct sw_decide *dec, const struct sw_addr *src, uint32_t sid, uint64_t ts)
{
	uint64_t period = (uint64_t)dec->c->suppress_s * NSEC;
	uint32_t k;

	if (dec->npays >= MAX_PAYS * 3 / 4)
		pay_purge(dec);
	for (k = pay_hash(src, sid) % MAX_PAYS;; k = (k + 1) % MAX_PAYS) {
		struct pay *p = &dec->pays[k];

		if (!p->used)
			break;
		if (p->sid == sid && memcmp(&p->src, src, sizeof(*src)) == 0) {
			if (ts < p->last_ns + period)
				return true;
			p->last_ns = ts;
			return false;
		}
	}
	/* a full table (every pair recent) alerts rather than forgets */
	if (dec->npays < MAX_PAYS * 3 / 4) {
		dec->pays[k].used = true;
		dec->pays[k].src = *src;
		dec->pays[k].sid = sid;
		dec->pays[k].last_ns = ts;
		dec->npays++;
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
	r = rec_get(dec, &ev->src, cls, ev->ts_ns);
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
	struct sw_json *j = &dec->ctl->js;
	const struct sw_conf *c = dec->c;
	char ts[40], a[64], b[64], pn[8];
	const char *pname, *cat;
	uint16_t port = dec->ctl->workers[ev->worker % dec->ctl->nw]->rxq[0].port;
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
	if (allowlisted(dec, &ev->src, ev->dport)) {
		if (c->allowlist_action == SW_ALLOW_TAG) {
			dec->pst.allowlisted++;
			return;
		}
		severity = 4;
	}
	sw_json_time(ts, ev->ts_ns);
	sw_addr_str(&ev->src, a, sizeof(a));
	sw_addr_str(&ev->dst, b, sizeof(b));
	pname = proto_name(ev->proto, pn);
	cat = sw_rules_class_desc(rule->classtype);
	if (cat == NULL)
		cat = rule->classtype;
	/* flow_id: the packet's 5-tuple, 51 bits like Suricata's */
	flow_id = rte_hash_crc(&ev->src, 2 * sizeof(ev->src),
			       ((uint32_t)ev->sport << 16 | ev->dport) ^ ev->proto);
	flow_id = ((flow_id << 19) ^ rule->sid) & ((1ULL << 51) - 1);

	sw_json_reset(j);
	sw_json_obj_open(j, NULL);
	sw_json_str(j, "timestamp", ts);
	sw_json_u64(j, "flow_id", flow_id);
	sw_json_str(j, "in_iface", sw_port_name(port));
	sw_json_str(j, "event_type", "alert");
	if (c->host[0] != '\0')
		sw_json_str(j, "host", c->host);
	sw_json_str(j, "src_ip", a);
	if (has_port)
		sw_json_u64(j, "src_port", ev->sport);
	sw_json_str(j, "dest_ip", b);
	if (has_port)
		sw_json_u64(j, "dest_port", ev->dport);
	sw_json_str(j, "proto", pname);
	sw_json_obj_open(j, "alert");
	sw_json_str(j, "action", "allowed");
	sw_json_u64(j, "gid", 1);
	sw_json_u64(j, "signature_id", rule->sid);
	sw_json_u64(j, "rev", rule->rev);
	sw_json_str(j, "signature", rule->msg);
	sw_json_str(j, "category", cat);
	sw_json_u64(j, "severity", severity);
	sw_json_obj_open(j, "source");
	sw_json_str(j, "ip", a);
	if (has_port)
		sw_json_u64(j, "port", ev->sport);
	sw_json_obj_close(j);
	sw_json_obj_open(j, "target");
	sw_json_str(j, "ip", b);
	if (has_port)
		sw_json_u64(j, "port", ev->dport);
	sw_json_obj_close(j);
	sw_json_obj_open(j, "metadata");
	sw_json_obj_open(j, "payload");
	/* bytes from the wire: sw_json_strn escapes quotes, control
	 * characters and invalid UTF-8, so the line stays one JSON line */
	sw_json_strn(j, "excerpt", ev->excerpt, ev->excerpt_len);
	sw_json_u64(j, "excerpt_offset", ev->excerpt_off);
	sw_json_u64(j, "match_end", ev->match_end);
	sw_json_u64(j, "length", ev->payload_len);
	sw_json_str(j, "classtype", rule->classtype);
	if (rule->tool[0] != '\0')
		sw_json_str(j, "tool", rule->tool);
	sw_json_str(j, "rule_file", rule->file);
	sw_json_u64(j, "rule_line", rule->line);
	sw_json_u64(j, "rules_generation", ev->gen);
	sw_json_obj_close(j);
	sw_json_obj_close(j);
	sw_json_obj_close(j);
	sw_json_obj_close(j);
	if (!j->oom) {
		struct sw_alert al = {
			.type = SW_REC_ALERT, .ts_ns = ev->ts_ns,
			.dest_port = has_port ? ev->dport : 0,
			.gid = 1, .sid = rule->sid, .rev = rule->rev, .severity = severity,
		};

		snprintf(al.host, sizeof(al.host), "%s", c->host);
		snprintf(al.src_ip, sizeof(al.src_ip), "%s", a);
		snprintf(al.dest_ip, sizeof(al.dest_ip), "%s", b);
		snprintf(al.proto, sizeof(al.proto), "%s", pname);
		snprintf(al.signature, sizeof(al.signature), "%s", rule->msg);
		snprintf(al.category, sizeof(al.category), "%s", cat);
		snprintf(al.kind, sizeof(al.kind), "payload");
		snprintf(al.tool, sizeof(al.tool), "%s", rule->tool);
		sw_ctl_emit(dec->ctl, &al, j->buf, j->len);
	} else {
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
