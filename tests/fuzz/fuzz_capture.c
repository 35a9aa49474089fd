/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: a capture file through the offline worker path. The
 * input is a pcap or pcapng file. scanwatch -r first walks its headers and
 * records itself (sw_capfile_probe(), port/capfile.c: format, link type,
 * where a damaged file stops); a refused file ends the run there. Then
 * DPDK's net_pcap opens it with libpcap and copies each record into an
 * mbuf (chained when it does not fit one), and the worker reads frames of
 * the file's link type up to the last whole record. This harness does the
 * same: the probe on the input (through a memfd), libpcap on its bytes,
 * then what scanwatch does with the mbufs: sw_worker_burst() (parse of
 * the link type, fragment reassembly, roles, first-contact counting,
 * events) with detection and the shipped payload rules attached, bursts
 * of up to 32, sw_detect_tick() between bursts, the event and match rings
 * drained. Record timestamps come from the input, so time runs backwards,
 * jumps decades or stands still as the fuzzer likes.
 *
 * Besides the sanitizers it checks the probe's promises: the link type it
 * accepts is one the parser knows, its records fit in the file, and on a
 * file it calls whole libpcap reads exactly its count of records (what
 * the stats would show against an independent reader).
 *
 * Needs DPDK memory: EAL starts once, without hugepages, PCI or
 * telemetry, with a file prefix of its own. Detection state lives across
 * inputs, as it lives across bursts in scanwatch.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <scanwatch/capfile.h>
#include <scanwatch/conf.h>
#include <scanwatch/detect.h>
#include <scanwatch/event.h>
#include <scanwatch/frag.h>
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
	sw_frag_free(w->frag);
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
	/* as sw_worker_create() gives a worker with detection */
	w->frag = sw_frag_create(SOCKET_ID_ANY);
	FUZZ_CHECK(w->ring != NULL && w->det != NULL && w->frag != NULL,
		   "detection set-up failed");
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

/*
 * sw_capfile_probe() on the input, which reads a path: a memfd holds the
 * bytes. False when scanwatch would refuse the file; then the message must
 * say something.
 */
static bool
probe(const uint8_t *data, size_t size, struct sw_capfile *cf)
{
	char path[64], err[512];
	int fd, rc;

	fd = memfd_create("fuzz_capture", MFD_CLOEXEC);
	FUZZ_CHECK(fd >= 0, "memfd_create");
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size, "memfd write");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	rc = sw_capfile_probe(path, cf, err, sizeof(err));
	close(fd);
	if (rc != 0) {
		FUZZ_CHECK(err[0] != '\0', "a file refused without a message");
		return false;
	}
	FUZZ_CHECK(sw_capfile_link_of(cf->linktype) == (int)cf->link,
		   "link type %u taken as link %d", cf->linktype, (int)cf->link);
	FUZZ_CHECK(cf->size == size && cf->records <= size / 16,
		   "%llu records in a file of %zu bytes (size read %llu)",
		   (unsigned long long)cf->records, size, (unsigned long long)cf->size);
	FUZZ_CHECK(!cf->damaged || cf->damage[0] != '\0', "damaged without saying where");
	return true;
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
	uint64_t got = 0;
	struct sw_capfile cf;
	pcap_t *pc;
	FILE *f;
	int rc = 0;

	if (size == 0)
		return 0;
	if (!probe(data, size, &cf))
		return 0;	/* scanwatch refuses the file before EAL */
	w->link = (uint8_t)cf.link;
	f = fmemopen((void *)(uintptr_t)data, size, "rb");
	FUZZ_CHECK(f != NULL, "fmemopen");
	/* as net_pcap opens it (drivers/net/pcap) */
	pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (pc == NULL) {
		fclose(f);
		return 0;
	}
	while ((!cf.damaged || got < cf.records) && (rc = pcap_next_ex(pc, &h, &bytes)) == 1) {
		struct rte_mbuf *m;

		got++;
		m = to_mbuf(h, bytes);
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
	/* a file the probe calls whole: libpcap reads every record it
	 * counted and no more (a damaged one is cut at cf.records above) */
	if (!cf.damaged)
		FUZZ_CHECK(got == cf.records && rc != 1,
			   "%s file: libpcap read %llu records, the probe counted %llu",
			   cf.format, (unsigned long long)got, (unsigned long long)cf.records);
	pcap_close(pc);	/* closes f */
	FUZZ_CHECK(rte_mempool_in_use_count(pool) == 0, "%u mbufs not freed",
		   rte_mempool_in_use_count(pool));
	return 0;
}
