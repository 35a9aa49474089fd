/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: a capture file through the offline worker path. The
 * input is a pcap file. scanwatch has no capture reader of its own: -r
 * hands the file to DPDK's net_pcap, which opens it with libpcap and
 * copies each record into an mbuf (chained when it does not fit one),
 * whatever the file's link type. This harness does the same with libpcap
 * on the input bytes and then runs what scanwatch does with the mbufs:
 * sw_worker_burst() (parse, roles, first-contact counting, events) with
 * detection and the shipped payload rules attached, bursts of up to 32,
 * sw_detect_tick() between bursts, the event and match rings drained.
 * Record timestamps come from the input, so time runs backwards, jumps
 * decades or stands still as the fuzzer likes.
 *
 * Needs DPDK memory: EAL starts once, without hugepages, PCI or
 * telemetry, with a file prefix of its own. Detection state lives across
 * inputs, as it lives across bursts in scanwatch.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <scanwatch/conf.h>
#include <scanwatch/detect.h>
#include <scanwatch/event.h>
#include <scanwatch/match.h>
#include <scanwatch/worker.h>

#include "fuzz.h"

#define BURST		32
#define SEG_ROOM	2048	/* data bytes per mbuf, as net_pcap's usual pool */

static struct rte_mempool *pool;
static struct sw_worker *w;
static struct sw_matcher *matcher;
static char rundir[PATH_MAX];	/* EAL's, empty; removed at exit */

static void
eal_start(void)
{
	char prefix[64];
	char *argv[] = {
		"fuzz_capture", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
		"--no-telemetry", prefix, "--log-level=lib.eal:error", "-l", "0", NULL,
	};

	snprintf(prefix, sizeof(prefix), "--file-prefix=swfuzz-capture-%d", (int)getpid());
	FUZZ_CHECK(rte_eal_init(11, argv) >= 0, "rte_eal_init failed");
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
}

/*
 * What hangs off DPDK memory is invisible to LeakSanitizer's scan, so the
 * Hyperscan databases behind the matcher would read as leaks at exit.
 */
static void
teardown(void)
{
	sw_matcher_free(matcher);
	sw_detect_free(w->det);
	rte_ring_free(w->ring);
	rte_free(w);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	rmdir(rundir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const small[] = {
		"sketch.width=1024", "sketch.filter-bits=16", "sketch.filter-capacity=1000",
	};
	static struct sw_conf conf;
	char err[1024];

	(void)argc;
	(void)argv;
	eal_start();
	pool = rte_pktmbuf_pool_create("fuzz_pool", 4096, 0, 0,
				       RTE_PKTMBUF_HEADROOM + SEG_ROOM, SOCKET_ID_ANY);
	w = rte_zmalloc_socket("sw_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, SOCKET_ID_ANY);
	FUZZ_CHECK(pool != NULL && w != NULL, "no DPDK memory");

	sw_conf_defaults(&conf);	/* rules.files: the shipped set */
	/*
	 * A small sketch: the scrub between bursts walks the filter, which at
	 * the default 2^24 bits is most of a run's time, and collisions come
	 * sooner.
	 */
	for (unsigned i = 0; i < RTE_DIM(small); i++)
		FUZZ_CHECK(sw_conf_set(&conf, small[i], err, sizeof(err)) == 0, "%s", err);
	FUZZ_CHECK(sw_conf_validate(&conf, err, sizeof(err)) == 0, "%s", err);
	w->burst = BURST;
	w->offline = true;
	sw_clock_init(&w->clock);
	FUZZ_CHECK(w->clock.ts_dynfield >= 0, "no timestamp dynfield");
	w->ring = rte_ring_create_elem("fuzz_events", sizeof(struct sw_event), 4096,
				       SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	w->det = sw_detect_create(&conf, 1, SOCKET_ID_ANY);
	FUZZ_CHECK(w->ring != NULL && w->det != NULL, "detection set-up failed");
	matcher = sw_matcher_create(&conf, &w, 1, err, sizeof(err));
	FUZZ_CHECK(matcher != NULL, "payload rules: %s", err);
	atexit(teardown);
	return 0;
}

/* One record as net_pcap makes it: caplen bytes, chained past SEG_ROOM. */
static struct rte_mbuf *
to_mbuf(const struct pcap_pkthdr *h, const uint8_t *bytes)
{
	struct rte_mbuf *head = NULL;
	uint32_t off = 0;

	do {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint32_t n = h->caplen - off < SEG_ROOM ? h->caplen - off : SEG_ROOM;

		FUZZ_CHECK(m != NULL, "mempool empty: mbufs leak");
		memcpy(rte_pktmbuf_append(m, (uint16_t)n), bytes + off, n);
		off += n;
		if (head == NULL) {
			head = m;
		} else if (rte_pktmbuf_chain(head, m) != 0) {
			/* more segments than an mbuf chain holds: net_pcap drops it */
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(head);
			return NULL;
		}
	} while (off < h->caplen);
	/* the PMD's timestamp: microseconds since the epoch */
	*RTE_MBUF_DYNFIELD(head, w->clock.ts_dynfield, uint64_t *) =
		(uint64_t)h->ts.tv_sec * 1000000 + (uint64_t)h->ts.tv_usec;
	head->ol_flags |= w->clock.ts_dynflag;
	return head;
}

static void
burst(struct rte_mbuf **pkts, uint16_t n)
{
	struct sw_event ev[64];
	struct sw_match_event mev[16];
	uint64_t before = w->st.pkts;

	sw_worker_burst(w, pkts, n);	/* frees the mbufs */
	FUZZ_CHECK(w->st.pkts == before + n, "burst of %u counted as %lu", n,
		   (unsigned long)(w->st.pkts - before));
	FUZZ_CHECK(w->st.pkts == w->st.ip + w->st.non_ip + w->st.invalid,
		   "packets %lu != ip %lu + non-ip %lu + invalid %lu",
		   (unsigned long)w->st.pkts, (unsigned long)w->st.ip,
		   (unsigned long)w->st.non_ip, (unsigned long)w->st.invalid);
	sw_detect_tick(w->det, w);
	while (rte_ring_sc_dequeue_burst_elem(w->ring, ev, sizeof(ev[0]), RTE_DIM(ev), NULL) > 0)
		;
	while (rte_ring_sc_dequeue_burst_elem(w->mring, mev, sizeof(mev[0]), RTE_DIM(mev),
					      NULL) > 0)
		;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct rte_mbuf *pkts[BURST];
	struct pcap_pkthdr *h;
	const uint8_t *bytes;
	uint16_t n = 0;
	pcap_t *pc;
	FILE *f;

	if (size == 0)
		return 0;
	f = fmemopen((void *)(uintptr_t)data, size, "rb");
	FUZZ_CHECK(f != NULL, "fmemopen");
	/* as net_pcap opens it (drivers/net/pcap) */
	pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (pc == NULL) {
		fclose(f);
		return 0;
	}
	while (pcap_next_ex(pc, &h, &bytes) == 1) {
		struct rte_mbuf *m = to_mbuf(h, bytes);

		if (m == NULL)
			continue;
		pkts[n++] = m;
		if (n == BURST) {
			burst(pkts, n);
			n = 0;
		}
	}
	if (n > 0)
		burst(pkts, n);
	pcap_close(pc);	/* closes f */
	FUZZ_CHECK(rte_mempool_in_use_count(pool) == 0, "%u mbufs not freed",
		   rte_mempool_in_use_count(pool));
	return 0;
}
