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

/** Stop and close every port (flushing nothing: RX only). */
void sw_port_close(void);

/** Sum of the PMD counters over all ports. */
struct sw_port_totals {
	uint64_t ipackets, ibytes, imissed, ierrors, no_mbufs;
	uint64_t file_damaged;	/* capture files read only up to a damage */
};

/** Offline: a capture file was found damaged (read up to its last whole
 *  record); counted in stats as capture_file_damaged. */
void sw_port_file_damaged(void);
void sw_port_totals(struct sw_port_totals *t);

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
