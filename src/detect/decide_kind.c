/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kinds: what a window's counters make of a source (Snort 3 port_scan
 * numbering, gid 122, and scanwatch's own sids), and the scan alert record
 * that names them.
 */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "detect/decide_int.h"

#define SCAN_GID	122
#define SCAN_REV	1
#define SCAN_CATEGORY	"Detection of a Network Scan"

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
	/* TCP only: connection attempts are what it counts */
	[K_HAMMER]      = { "hammering", "hammering",
			    { 1030, 1031, 1032, 1033, 1034 }, { 1030, 1031, 1032, 1033, 1034 }, 1 },
};

/* severity steps: hammering first, then knob-rattling, then looking */
#define SEVERITY_TOP	1

/*
 * A peer-to-peer node (a DHT lookup, a swarm's peer connections) reaches
 * each peer on the peer's own port: its contacts are dispersed, about one
 * per target and about as many ports as targets, which no port scan
 * shape is (a vertical scan repeats the target, a horizontal one the port,
 * a block scan both). Half of a DHT routing table is stale, so such a
 * node fails far more often than TRW's benign 0.8 allows; the sequential
 * test runs again with this benign success rate. A scanner that picks
 * host and port at random over a large space still fails nearly always
 * and is caught, a few failures later.
 */
#define PEER_SUCCESS	0.5

static bool
dispersed(uint32_t C, uint32_t T, uint32_t P)
{
	return T >= 2 && C < 2 * (uint64_t)T && 2 * (uint64_t)P > T;
}

static bool
peer_trw(const struct sw_conf *c, uint32_t F, uint32_t A)
{
	double th1 = c->trw_theta1, th0 = PEER_SUCCESS;

	if (th1 >= th0 || c->trw_alpha <= 0)
		return false;	/* no test: the scanner would succeed as often */
	return F * log((1 - th1) / (1 - th0)) + A * log(th1 / th0) >=
	       log(c->trw_beta / c->trw_alpha);
}

/*
 * A source that reaches many hosts on a few ports and whose known outcomes
 * do not lean to a scanner's: at least a quarter of its contacts answered
 * (and used: aborted ones count as failed), failures short of half TRW's
 * bound over the answers. The rest of its contacts have no outcome yet or
 * never will: a mail relay's dead MX hosts and its deferred queue run, the
 * addresses a happy-eyeballs client gave up on, a NAT gateway's users'
 * UDP that nothing answers. A horizontal scanner aborts what answers, or
 * probes mostly dark or filtered space, and is not excused.
 */
static bool
wide_client(uint32_t C, uint32_t T, uint32_t P, uint32_t F, uint32_t A, uint32_t trw_n)
{
	return T > P && (uint64_t)A * 4 >= C && (uint64_t)F < A + RTE_MAX(1u, trw_n / 2);
}

/*
 * The shape of the source's first contacts in one window names the kind.
 * A source whose first contacts mostly succeed is not scanning (a crawler,
 * a NAT gateway, a resolver, a poller): fan-out alone does not make a scan
 * when at least half of it was answered, nor for a wide client (above).
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
	if ((uint64_t)A * 2 > C || wide_client(C, T, P, F, A, trw_n))
		return -1;
	if (cls != SW_C_IP && dispersed(C, T, P))
		return peer_trw(c, F, A) ? K_BLOCK : -1;
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
	if (k == K_HAMMER) {
		snprintf(buf, len, "%s hammering", sw_class_names[cls]);
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

/* The same scan seen at a longer scale is not a new scan; a scan that only
 * the minutes or hours scales see is a slow scan. */
enum sw_kind
sw_decide_slow_or(const struct rec *r, enum sw_kind k, unsigned t, uint64_t ts,
		  uint64_t suppress_ns)
{
	if (t == 0 || k == K_DECOY || k == K_DISTRIBUTED)
		return k;
	for (unsigned i = 0; i < K__MAX; i++)
		if (i != K_SLOW && i != K_HAMMER && (r->k[i].pending || (r->k[i].last_alert_ns != 0 &&
		    ts < r->k[i].last_alert_ns + suppress_ns)))
			return k;
	return K_SLOW;
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

static bool
has_ports(uint8_t cls)
{
	return cls == SW_C_TCP || cls == SW_C_UDP || cls == SW_C_SCTP;
}

/*
 * The abuse desk's distinction (ALERTS.md, scan.intent): hammering is its
 * own kind; a scan whose ports are mostly sensitive services (at most two
 * ports per service touched: a sweep of 445, "22, 23, 445, 3389, 80") is
 * knob-rattling; anything wider, or without a listed service, is looking.
 */
static const char *
alert_intent(enum sw_kind k, unsigned nsvc, uint32_t ports)
{
	if (k == K_HAMMER)
		return "hammering";
	if (nsvc > 0 && ports <= 2 * nsvc)
		return "knob-rattling";
	return "looking";
}

/* "name/port" of each service in the bitmap, in list order */
static unsigned
alert_services(const struct sw_decide *dec, uint32_t bits, struct sw_scan_alert *a)
{
	unsigned n = 0;

	for (unsigned i = 0; i < dec->svc.n && n < RTE_DIM(a->services); i++)
		if (bits & (1u << i))
			snprintf(a->services[n++], sizeof(a->services[0]), "%s/%u",
				 dec->svc.name[i], dec->svc.port[i]);
	return n;
}

const char *
sw_decide_in_iface(const struct sw_decide *dec, unsigned worker)
{
	return dec->env.iface != NULL && dec->env.nw > 0 ?
	       dec->env.iface[worker % dec->env.nw] : "?";
}

void
sw_decide_write_alert(struct sw_decide *dec, struct rec *r, enum sw_kind k, bool update)
{
	struct kind_state *ks = &r->k[k];
	const struct pend *pd = &ks->pend;
	const struct sw_conf *c = dec->c;
	struct sw_scan_alert a;
	char sig[64], evidence[32];
	const uint32_t *v = pd->est.v[pd->t];
	/* filtered if nothing came back, judged on the counts being written
	 * (responses lag the probes that decided); failures that are
	 * timeouts (detect.trw.timeout) came back as nothing */
	bool filtered = k != K_DISTRIBUTED && v[SW_F_ANSWERED] == 0 &&
			(v[SW_F_FAILED] == 0 || r->unanswered);
	uint64_t last_ns = RTE_MAX(r->last_ns, pd->ts_ns);
	uint64_t span = last_ns > r->first_ns ? last_ns - r->first_ns : 0;
	enum sw_tool tool = rec_tool(r);

	memset(&a, 0, sizeof(a));
	kind_signature(sig, sizeof(sig), r->cls, k, filtered);
	a.h.ts_ns = pd->ts_ns;
	/* flow_id: stable per (source, class, kind), 51 bits like Suricata's */
	a.h.flow_id = (((uint64_t)sw_decide_addr_hash(&r->src, r->cls) << 19) ^ ((uint64_t)k << 8) ^
		       r->cls) & FLOW_ID_MASK;
	a.h.in_iface = sw_decide_in_iface(dec, pd->worker);
	a.h.src = r->src;
	a.h.dst = pd->dst;
	a.h.dport = pd->dport;
	a.h.has_dport = has_ports(r->cls);
	a.h.proto = pd->proto;
	a.h.gid = SCAN_GID;
	a.h.sid = filtered ? kinds[k].sid_filtered[r->cls] : kinds[k].sid[r->cls];
	a.h.rev = SCAN_REV;
	a.nservices = alert_services(dec, r->services, &a);
	a.intent = alert_intent(k, (unsigned)__builtin_popcount(r->services), v[SW_F_PORTS]);
	a.h.severity = kinds[k].severity;
	/* knob-rattling ranks one step above the same kind of looking;
	 * hammering has the top severity of its own */
	if (strcmp(a.intent, "knob-rattling") == 0 && a.h.severity > SEVERITY_TOP)
		a.h.severity--;
	if (pd->allowlisted)
		a.h.severity = SEVERITY_ALLOWLISTED;
	{
		enum sw_direction dir = sw_decide_direction(dec, &r->src, &pd->dst);

		a.h.direction = sw_direction_names[dir];
		if (!sw_decide_dir_policy(dec, dir, &a.h.severity))
			return;
	}
	a.h.signature = sig;
	a.h.category = SCAN_CATEGORY;
	a.h.kind = kinds[k].name;
	a.h.technique = sw_technique_names[r->technique];
	a.h.tool = rec_tool_name(r);
	a.h.update = update ? ks->updates : 0;
	a.cls = sw_class_names[r->cls];
	a.tool_evidence = "";
	if (r->tool_fp[tool] != SW_FP_NONE) {	/* what the headers showed */
		a.tool_evidence = sw_fp_evidence[r->tool_fp[tool]];
	} else if (tool == SW_TOOL_UNKNOWN && r->payload_tool[0] != '\0') {
		snprintf(evidence, sizeof(evidence), "payload-rule,sid=%u", r->payload_sid);
		a.tool_evidence = evidence;
	}
	a.timescale = sw_timescale_names[pd->t];
	a.filtered = filtered;
	a.trw = pd->trw;
	a.targets = v[SW_F_TARGETS];
	a.ports = v[SW_F_PORTS];
	a.probes = v[SW_F_CONTACTS];
	a.failed = v[SW_F_FAILED];
	a.answered = v[SW_F_ANSWERED];
	a.half_open = v[SW_F_ABORTED];
	a.sources = pd->sources;
	a.first_ns = r->first_ns ? r->first_ns : pd->ts_ns;
	a.last_ns = last_ns;
	a.window_s = k == K_HAMMER ? c->hammer_window_s : c->ts[pd->t].window_s;
	a.repeats = k == K_HAMMER ? v[SW_F_CONTACTS] : 0;
	a.rate_pps = span ? v[SW_F_CONTACTS] * (double)NSEC / span : 0;
	a.ntargets = r->ntargets;
	memcpy(a.sample_targets, r->targets, sizeof(r->targets));
	a.nports = r->nports;
	memcpy(a.sample_ports, r->ports, sizeof(r->ports));
	a.eps = dec->env.eps;
	a.delta = dec->env.delta;
	a.allowlisted = pd->allowlisted;
	a.fragmented = r->fragmented;
	a.sample = r->sampled ? dec->c->heavy_sample : 0;
	if (dec->env.scan(dec->env.arg, &a) != 0) {
		/* not sent, so not counted as sent */
		dec->st.format_errors++;
		return;
	}
	if (update)
		dec->st.updates++;
	else
		dec->st.alerts++;
}
