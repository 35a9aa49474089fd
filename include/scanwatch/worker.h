/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_WORKER_H
#define SW_WORKER_H

/**
 * @file
 * The per-lcore worker: receive a burst, parse it, hand it to detection,
 * free it. Everything here is owned by one worker lcore and read (never
 * written) by the control thread, which tolerates torn but monotonic
 * 64-bit counters (x86-64 loads of aligned 64-bit words are atomic).
 */

#include <stdint.h>
#include <stdbool.h>
#include <rte_common.h>
#include <scanwatch/frag.h>
#include <scanwatch/pkt.h>
#include <scanwatch/match.h>

#define SW_BURST_MAX	512
#define SW_MAX_RXQ	8	/* (port, queue) pairs polled by one worker */
#define SW_MAX_WORKERS	64

struct rte_ring;
struct rte_mbuf;
struct sw_detect;
struct sw_matcher;
struct sw_evid_worker;

/** Counters a worker writes and the control thread reads. */
struct sw_wstats {
	uint64_t pkts;		/* frames received */
	uint64_t bytes;		/* bytes on the wire received */
	uint64_t ip;		/* frames with an IPv4/IPv6 header */
	uint64_t non_ip;	/* ARP, LLDP ... (parsed OK, af == 0) */
	uint64_t invalid;	/* frames rejected by the parser */
	uint64_t perr[SW_PERR__MAX]; /* by reason */
	uint64_t ring_drops;	/* events lost to a full ring */
	uint64_t events;	/* events enqueued */
	uint64_t polls;		/* rx_burst calls */
	uint64_t idle_polls;	/* rx_burst calls that returned nothing */
	struct sw_frag_stats frag; /* transport headers read across fragments */
} __rte_cache_aligned;

/** One (port, queue) a worker polls. */
struct sw_rxq {
	uint16_t port;
	uint16_t queue;
	uint8_t link;		/* enum sw_link of its frames (files; NICs: Ethernet) */
	bool eof;		/* offline: the pcap is exhausted */
	uint64_t limit;		/* offline: frames to read, then EOF (0: all) */
	uint64_t got;		/* offline: frames read so far */
};

/** Time source: capture timestamps offline, the TSC live. */
struct sw_clock {
	int ts_dynfield;	/* offset of the mbuf timestamp field, or -1 */
	uint64_t ts_dynflag;	/* ol_flags bit set when it is valid */
	uint64_t tsc_hz;
	uint64_t tsc0;		/* TSC at start */
	uint64_t wall0_ns;	/* wall clock at start */
};

struct sw_worker {
	/* written by ctl before launch, read-only on the worker */
	unsigned id;
	unsigned lcore;
	unsigned nrxq;
	struct sw_rxq rxq[SW_MAX_RXQ];
	uint16_t burst;
	bool offline;
	uint8_t link;			/* enum sw_link of the burst at hand */
	struct sw_clock clock;
	struct rte_ring *ring;		/* to ctl: single producer, single consumer */
	struct sw_detect *det;		/* this worker's detection state, or NULL */
	struct sw_frag *frag;		/* headers cut across fragments, with det */
	struct sw_matcher *matcher;	/* payload rules (src/match/), or NULL */
	struct rte_ring *mring;		/* matches to ctl: SPSC, struct sw_match_event */
	struct sw_evid_worker *evid;	/* evidence captures (src/worker/evidence.c), or NULL */

	/* written by the worker */
	struct sw_wstats st;
	volatile bool done;		/* offline: every queue hit EOF */
	uint64_t last_ts_ns;		/* packet time of the newest packet */
	struct sw_match_wstats mst;	/* payload matching counters */
	struct sw_match_dedup mdedup[1 << SW_MATCH_DEDUP_LOG2];
	struct sw_match_cand mcand[SW_BURST_MAX];	/* this burst's payloads */

	struct sw_pkt meta[SW_BURST_MAX] __rte_cache_aligned;
} __rte_cache_aligned;

/** Set by signal handlers and by ctl; workers leave their loop when true. */
extern volatile bool sw_quit;

/**
 * Process one burst of received mbufs: parse, count, detect, free.
 * Exposed so bench/ and tests/ can drive it from memory.
 * @return number of packets that parsed
 */
unsigned sw_worker_burst(struct sw_worker *w, struct rte_mbuf **pkts, uint16_t n);

/** What main(), bench/ and tests/ choose when they build a worker. */
struct sw_worker_params {
	unsigned id;		/* worker number: its queue on every port */
	unsigned lcore;
	unsigned nworkers;	/* detection thresholds are split over them */
	uint16_t burst;
	bool offline;		/* packet time from capture time stamps */
	bool detect;		/* with detection state (sw_detect) */
	uint32_t ring_size;	/* events to the control thread */
	int socket;		/* NUMA socket of the NIC */
};

struct sw_conf;

/**
 * Allocate a worker on p->socket with its event ring (SPSC) and, when
 * p->detect, its detection state; clock initialised, no queues yet (the
 * caller fills rxq[]) and no matcher (sw_matcher_create() attaches one).
 * @return NULL with the reason in err (naming the setting to change)
 */
struct sw_worker *sw_worker_create(const struct sw_conf *c, const struct sw_worker_params *p,
				   char *err, size_t errlen);

/** Free what sw_worker_create() allocated; NULL is a no-op. */
void sw_worker_free(struct sw_worker *w);

/** lcore entry point: arg is a struct sw_worker. */
int sw_worker_main(void *arg);

/** Initialise the clock (timestamp dynfield lookup, TSC calibration). */
void sw_clock_init(struct sw_clock *c);

#endif /* SW_WORKER_H */
