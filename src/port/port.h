/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_PORT_H
#define SW_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <scanwatch/conf.h>

/**
 * Configure and start every probed ethdev with nq RX queues, RSS with a
 * symmetric key when nq > 1, and one mempool per NUMA socket in use.
 * @param timestamps  ask the PMD for capture timestamps (offline)
 * @return 0 or a negative errno with err set
 */
int sw_port_setup(const struct sw_conf *c, uint16_t nq, bool timestamps,
		  char *err, size_t errlen);

/**
 * Offline, before sw_port_setup(): the longest record of the capture files.
 * net_pcap chains mbufs for a frame longer than one holds, and the pool
 * must hold a burst of the longest (64 KiB when never said).
 */
void sw_port_offline_frames(uint32_t max_caplen);

/** Stop and close every port (flushing nothing: RX only). */
void sw_port_close(void);

/** Sum of the PMD counters over all ports. */
struct sw_port_totals {
	uint64_t ipackets, ibytes, imissed, ierrors, no_mbufs;
	uint64_t file_damaged;	/* capture files read only up to a damage */
	uint64_t mbufs_in_use;	/* taken from the pools and not returned */
	uint64_t link_down;	/* times a port's link went down or its
				 * kernel interface went away (sw_port_watch) */
	uint64_t ports_down;	/* ports whose link is down now */
};

/** Offline: a capture file was found damaged (read up to its last whole
 *  record); counted in stats as capture_file_damaged. */
void sw_port_file_damaged(void);
void sw_port_totals(struct sw_port_totals *t);

/** mbufs taken from every pool and not yet returned (lcore caches count
 *  as returned). After the workers stop and the ports close: 0, or a leak. */
uint64_t sw_port_mbufs_in_use(void);

/**
 * Control thread, about once a second: each port's link (the PMD's view,
 * and for kernel-backed PMDs such as net_af_packet, which report no link
 * state, the kernel interface's IFF_UP/IFF_RUNNING, or its removal). A
 * port that goes down is reported on stderr and counted (link_down); one
 * that comes back is reported too.
 */
void sw_port_watch(void);
struct rte_eth_stats;
/**
 * rte_eth_stats_get(), and for net_af_packet the frames the kernel dropped
 * on the PMD's sockets (PACKET_STATISTICS) added to imissed: that PMD
 * counts none itself. Not thread-safe: callers serialise (counters.c).
 */
int sw_port_stats(uint16_t port, struct rte_eth_stats *s);

/** The name an alert's in_iface carries for a port. */
const char *sw_port_name(uint16_t port);

/** NUMA socket of the first port (where worker state is allocated). */
int sw_port_socket(uint16_t port);

#endif /* SW_PORT_H */
