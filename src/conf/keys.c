/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every configuration key, once. Parsing, --set, defaults, validation and
 * --dump-config all walk this table, so adding a key here is the whole job.
 * Rows of one section must stay together: the dumper opens a YAML mapping
 * when the section changes and would otherwise open it twice.
 */

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/keys.h"

const char *const sw_timescale_names[SW_MAX_TIMESCALES] = {
	"fast", "medium", "slow",
};

static const char *const rss_values[] = { "ip", "tcp", "udp", "sctp", NULL };
static const char *const mode_values[] = { "sketch", "exact", NULL };
static const char *const action_values[] = { "tag", "alert-low", NULL };

static int check_allow(const char *v, char *why, size_t len);

#define F(m)	.off = offsetof(struct sw_conf, m), \
		.size = sizeof(((struct sw_conf *)0)->m)

#define KU32(n, m, lo, hi, d, fl, h) \
	{ .name = n, .type = SW_CONF_U32, .flags = fl, F(m), \
	  .min = lo, .max = hi, .def = #d, .help = h }
#define KDBL(n, m, lo, hi, d, fl, h) \
	{ .name = n, .type = SW_CONF_DOUBLE, .flags = fl, F(m), \
	  .min = lo, .max = hi, .def = #d, .help = h }
#define KSTR(n, m, d, h) \
	{ .name = n, .type = SW_CONF_STR, F(m), .def = d, .help = h }
#define KENUM(n, m, vals, d, h) \
	{ .name = n, .type = SW_CONF_ENUM, F(m), .values = vals, \
	  .def = d, .help = h }
#define KLIST(n, m, most, vals, chk, fl, d, h) \
	{ .name = n, .type = SW_CONF_LIST, .flags = fl, F(m), .max = most, \
	  .values = vals, .check = chk, .def = d, .help = h }

/* ports is capped by the port space, protos by the 8-bit protocol field */
#define WINDOW(i, s, win, po, ta, co, ic, pr) \
	KU32("windows." s ".window", ts[i].window_s, 1, 604800, win, 0, \
	     s " window length in seconds (per-cell tumbling window)"), \
	KU32("windows." s ".ports", ts[i].ports, 2, 65536, po, 0, \
	     s " window: distinct ports on one target that make a port scan"), \
	KU32("windows." s ".targets", ts[i].targets, 2, 16777216, ta, 0, \
	     s " window: distinct targets on one port that make a sweep"), \
	KU32("windows." s ".contacts", ts[i].contacts, 2, 16777216, co, 0, \
	     s " window: distinct (target, port) pairs that make a block scan"), \
	KU32("windows." s ".icmp-targets", ts[i].icmp_targets, 2, 16777216, ic, 0, \
	     s " window: distinct echo targets that make an ICMP sweep"), \
	KU32("windows." s ".protos", ts[i].protos, 2, 256, pr, 0, \
	     s " window: distinct IP protocols that make a protocol scan")

const struct sw_conf_key sw_conf_keys[] = {
	KSTR("host", host, "", "sensor name written into alerts; empty = none"),

	KLIST("capture.interfaces", interfaces, SW_MAX_PORTS, NULL, NULL, 0, "",
	      "DPDK devices: PCI address or vdev (\"net_af_packet0,iface=veth1\")"),
	KSTR("capture.pcap", pcap, "", "read this pcap file instead of devices"),
	KU32("capture.workers", workers, 1, 64, 1, 0, "RX queues (worker lcores) per port"),
	KLIST("capture.rss-fields", rss_fields, 4, rss_values, NULL, SW_CONF_UNIQUE,
	      "ip,tcp,udp", "header fields RSS hashes on"),
	KU32("capture.rx-descriptors", rx_desc, 64, 16384, 1024, SW_CONF_POW2,
	     "RX ring descriptors per queue"),
	KU32("capture.burst", burst, 1, 512, 32, 0, "packets per rx_burst call"),
	KU32("capture.mempool-cache", mbuf_cache, 0, 512, 256, 0,
	     "per-lcore mbuf cache of the mempool"),

	KLIST("dpdk.eal-params", eal_params, SW_MAX_STRS, NULL, NULL, 0, "",
	      "extra EAL arguments, one per entry ([\"-l\", \"0-3\"])"),

	KU32("events.ring-size", ring_size, 64, 1048576, 4096, SW_CONF_POW2,
	     "entries of each worker's event ring to the control thread"),

	KU32("stats.interval", stats_interval, 0, 86400, 60, 0,
	     "seconds between statistics reports; 0 = only at exit"),

	KSTR("output.dir", log_dir, "", "directory for alert and stats files; empty = stdout"),

	KENUM("detect.mode", sketch_mode, mode_values, "sketch",
	      "counting: sketch (fixed memory) or exact (hash tables, for tests)"),
	KDBL("detect.trw.benign-success", trw_theta0, 0, 1, 0.8, SW_CONF_OPEN,
	     "TRW: probability a benign source's first contact succeeds"),
	KDBL("detect.trw.scanner-success", trw_theta1, 0, 1, 0.2, SW_CONF_OPEN,
	     "TRW: probability a scanner's first contact succeeds"),
	KDBL("detect.trw.false-positive", trw_alpha, 0, 1, 0.01, SW_CONF_OPEN,
	     "TRW: accepted false-positive rate"),
	KDBL("detect.trw.detection", trw_beta, 0, 1, 0.99, SW_CONF_OPEN,
	     "TRW: required detection rate"),
	KU32("detect.decoy-sources", decoy_sources, 2, 1000, 3, 0,
	     "sources scanning one target in step that make a decoy scan"),
	KU32("detect.distributed-sources", distributed_sources, 2, 1000, 5, 0,
	     "sources sharing one scan's work that make a distributed scan"),

	KU32("sketch.width", cms_width, 256, 16777216, 65536, SW_CONF_POW2,
	     "count-min sketch counters per row"),
	KU32("sketch.depth", cms_depth, 1, 16, 4, 0, "count-min sketch rows (hash functions)"),
	KU32("sketch.filter-bits", filter_bits_log2, 10, 32, 24, 0,
	     "log2 of the first-contact filter size in bits"),
	KU32("sketch.filter-capacity", filter_capacity, 1, 1000000000, 1000000, 0,
	     "first contacts per window the filter is sized for"),

	WINDOW(0, "fast", 10, 10, 10, 30, 10, 5),
	WINDOW(1, "medium", 300, 25, 25, 60, 25, 8),
	WINDOW(2, "slow", 3600, 50, 50, 100, 50, 10),

	KU32("alerts.suppress", suppress_s, 1, 604800, 3600, 0,
	     "seconds an alert of one (source, kind) is not repeated"),
	KU32("alerts.update-interval", update_s, 0, 86400, 60, 0,
	     "seconds between updates of an ongoing scan; 0 = none"),

	KLIST("allowlist.entries", allowlist, SW_MAX_STRS, NULL, check_allow, 0, "",
	      "sources not to alert on: \"CIDR\", \"CIDR port\" or \"CIDR port,port\""),
	KENUM("allowlist.action", allowlist_action, action_values, "tag",
	      "what allowlisted sources get: tag (alert tagged) or alert-low"),
};

const unsigned sw_conf_nkeys = sizeof(sw_conf_keys) / sizeof(sw_conf_keys[0]);

_Static_assert(sizeof(sw_conf_keys) / sizeof(sw_conf_keys[0]) <= SW_CONF_MAX_KEYS,
	       "raise SW_CONF_MAX_KEYS");

const struct sw_conf_key *
sw_conf_key_find(const char *name)
{
	for (unsigned i = 0; i < sw_conf_nkeys; i++)
		if (strcmp(sw_conf_keys[i].name, name) == 0)
			return &sw_conf_keys[i];
	return NULL;
}

/*
 * allowlist.entries: "ADDR[/LEN][ PORT[,PORT...]]". A bare address means
 * the one host. Host bits beyond LEN are refused: "192.0.2.1/24" is far more
 * often a typo than a wish to allow the whole /24.
 */
static int
check_allow(const char *v, char *why, size_t len)
{
	char addr[INET6_ADDRSTRLEN + 8], fixed[INET6_ADDRSTRLEN];
	unsigned char a[16];
	size_t alen = strcspn(v, " \t");
	const char *p = v + alen;
	unsigned plen, maxlen, nbytes;
	int af;
	char *slash;

	if (alen == 0 || alen >= sizeof(addr)) {
		snprintf(why, len, "expected \"CIDR [port[,port...]]\", e.g. \"192.0.2.0/24 22,443\"");
		return -1;
	}
	memcpy(addr, v, alen);
	addr[alen] = '\0';
	af = strchr(addr, ':') ? AF_INET6 : AF_INET;
	maxlen = af == AF_INET6 ? 128 : 32;
	nbytes = maxlen / 8;
	plen = maxlen;
	slash = strchr(addr, '/');
	if (slash != NULL) {
		const char *d = slash + 1;

		*slash = '\0';
		plen = 0;
		for (const char *q = d; *q >= '0' && *q <= '9' && q - d < 4; q++)
			plen = plen * 10 + (unsigned)(*q - '0');
		if (*d == '\0' || strspn(d, "0123456789") != strlen(d) || strlen(d) > 3 ||
		    plen > maxlen) {
			snprintf(why, len, "prefix length '/%s' must be 0..%u for %s", d, maxlen,
				 af == AF_INET6 ? "IPv6" : "IPv4");
			return -1;
		}
	}
	if (inet_pton(af, addr, a) != 1) {
		snprintf(why, len, "'%s' is not an IPv4 or IPv6 address", addr);
		return -1;
	}
	for (unsigned bit = plen; bit < maxlen; bit++) {
		if (a[bit / 8] & (0x80 >> (bit % 8))) {
			for (unsigned b = plen; b < nbytes * 8; b++)
				a[b / 8] &= ~(0x80 >> (b % 8));
			inet_ntop(af, a, fixed, sizeof(fixed));
			snprintf(why, len, "has host bits set beyond /%u (did you mean %s/%u?)",
				 plen, fixed, plen);
			return -1;
		}
	}

	/* ports */
	p += strspn(p, " \t");
	if (*p == '\0')
		return 0;
	for (;;) {
		size_t nd = strspn(p, "0123456789");
		unsigned long port = 0;

		for (size_t i = 0; i < nd && i < 6; i++)
			port = port * 10 + (unsigned long)(p[i] - '0');
		if (nd == 0 || nd > 5 || port < 1 || port > 65535) {
			snprintf(why, len, "ports must be 1..65535 separated by commas (at '%.16s')", p);
			return -1;
		}
		p += nd;
		p += strspn(p, " \t");
		if (*p == '\0')
			return 0;
		if (*p != ',') {
			snprintf(why, len, "ports must be 1..65535 separated by commas (at '%.16s')", p);
			return -1;
		}
		p++;
		p += strspn(p, " \t");
	}
}
