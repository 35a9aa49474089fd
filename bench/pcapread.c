/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * scanwatch-pcapread: the floor of the offline path. Reads a capture
 * through DPDK's net_pcap vdev exactly as `scanwatch -r` does (same EAL
 * options, burst 32), frees every mbuf and does nothing else, so
 * `scanwatch -r FILE` can be timed beside a bare read of the same file in
 * one run (bench/offline.sh).
 *
 *   scanwatch-pcapread --make FILE [--packets N]   write a 64-byte scan capture
 *   scanwatch-pcapread FILE                        read it bare, print the rate
 *
 * The capture written by --make is the bench's scan mix: 7 in 8 frames are
 * SYNs (MSS option, as nmap sends) from 300 sources in 100.64/16 to random
 * hosts of 10.20/16 and random ports, 1 in 8 a RST/ACK back for a SYN a
 * few frames earlier; 60-byte frames (64 on the wire), one microsecond
 * apart.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "splitmix.h"

#define BURST		32
#define NB_MBUF		8191
#define FRAME_LEN	60
#define SCANNERS	300

static uint16_t
csum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Ethernet + IPv4 + TCP (+ MSS when flags is a bare SYN), 60 bytes. */
static void
tcp_frame(uint8_t *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
	  uint8_t flags, uint32_t seq, uint32_t ack)
{
	bool syn = flags == 0x02;
	uint8_t *ip = f + 14, *tcp = f + 34;

	memset(f, 0, FRAME_LEN);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
	ip[0] = 0x45;
	put16(ip + 2, syn ? 44 : 40);
	put16(ip + 4, (uint16_t)seq);
	ip[8] = 52;
	ip[9] = 6;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, csum16(ip, 20));
	put16(tcp, sport);
	put16(tcp + 2, dport);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[12] = syn ? 0x60 : 0x50;
	tcp[13] = flags;
	put16(tcp + 14, 1024);
	if (syn)
		memcpy(tcp + 20, "\x02\x04\x05\xb4", 4);
}

static int
make(const char *path, uint64_t n)
{
	static const uint8_t gh[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
					0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0 };
	struct { uint32_t sec, usec, incl, orig; } rh;
	uint8_t ring[8][FRAME_LEN];
	uint64_t seed = 1;
	FILE *f = fopen(path, "wb");

	if (f == NULL) {
		fprintf(stderr, "scanwatch-pcapread: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fwrite(gh, 1, sizeof(gh), f);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t r = rnd(&seed);
		uint8_t *fr = ring[i % 8];
		uint64_t us = 1700000000ULL * 1000000 + i;

		if (i % 8 == 7) {
			/* the target's RST/ACK for one of the last SYNs */
			const uint8_t *syn = ring[(i - 1 - r % 6) % 8];
			uint32_t s = (uint32_t)(syn[26] << 24 | syn[27] << 16 | syn[28] << 8 | syn[29]);
			uint32_t d = (uint32_t)(syn[30] << 24 | syn[31] << 16 | syn[32] << 8 | syn[33]);
			uint16_t sp = (uint16_t)(syn[34] << 8 | syn[35]);
			uint16_t dp = (uint16_t)(syn[36] << 8 | syn[37]);
			uint32_t seq = (uint32_t)(syn[38] << 24 | syn[39] << 16 | syn[40] << 8 | syn[41]);

			tcp_frame(fr, d, s, dp, sp, 0x14, 0, seq + 1);
		} else {
			unsigned k = (unsigned)(r % SCANNERS);

			tcp_frame(fr, 0x64400000u + (k / 250) * 256 + k % 250 + 1,
				  0x0a140000u | (uint16_t)(r >> 16), (uint16_t)(1024 + (r >> 48) % 60000),
				  (uint16_t)(r >> 32), 0x02, (uint32_t)(r >> 8), 0);
		}
		rh.sec = (uint32_t)(us / 1000000);
		rh.usec = (uint32_t)(us % 1000000);
		rh.incl = rh.orig = FRAME_LEN;
		if (fwrite(&rh, sizeof(rh), 1, f) != 1 || fwrite(fr, 1, FRAME_LEN, f) != FRAME_LEN) {
			fprintf(stderr, "scanwatch-pcapread: %s: write failed\n", path);
			fclose(f);
			return 1;
		}
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "scanwatch-pcapread: %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("wrote %" PRIu64 " packets to %s\n", n, path);
	return 0;
}

static int
readbare(const char *path)
{
	char vdev[1100], prefix[64];
	char *argv[] = { "scanwatch-pcapread", "--log-level=lib.eal:error", "--no-huge", "-m512",
			 "--no-pci", "--no-shconf", "--no-telemetry", "-l", "0", prefix, vdev, NULL };
	struct rte_eth_conf pc = { 0 };
	struct rte_mempool *mp;
	struct rte_mbuf *pkts[BURST];
	uint64_t n = 0, t0, t1;
	unsigned empty = 0;
	struct timespec w0, w1;

	snprintf(vdev, sizeof(vdev), "--vdev=net_pcap0,rx_pcap=%s", path);
	snprintf(prefix, sizeof(prefix), "--file-prefix=swpcapread-%d", (int)getpid());
	clock_gettime(CLOCK_MONOTONIC, &w0);
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "scanwatch-pcapread: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	mp = rte_pktmbuf_pool_create("pcapread", NB_MBUF, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     (int)rte_socket_id());
	if (mp == NULL || rte_eth_dev_configure(0, 1, 1, &pc) != 0 ||
	    rte_eth_rx_queue_setup(0, 0, 1024, (unsigned)rte_eth_dev_socket_id(0), NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(0, 0, 1024, (unsigned)rte_eth_dev_socket_id(0), NULL) != 0 ||
	    rte_eth_dev_start(0) != 0) {
		fprintf(stderr, "scanwatch-pcapread: cannot start net_pcap on %s\n", path);
		return 1;
	}
	t0 = rte_rdtsc();
	/* as sw_worker_main: a few empty polls in a row are the end of the file */
	while (empty < 8) {
		uint16_t k = rte_eth_rx_burst(0, 0, pkts, BURST);

		if (k == 0) {
			empty++;
			continue;
		}
		empty = 0;
		n += k;
		rte_pktmbuf_free_bulk(pkts, k);
	}
	t1 = rte_rdtsc();
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
	rte_eal_cleanup();
	clock_gettime(CLOCK_MONOTONIC, &w1);
	printf("bare net_pcap read: %" PRIu64 " packets, read loop %.3f s (%.2f Mpps, %.1f cycles/pkt), "
	       "process %.3f s\n", n, (double)(t1 - t0) / (double)rte_get_tsc_hz(),
	       (double)n * (double)rte_get_tsc_hz() / (double)(t1 - t0) / 1e6,
	       n ? (double)(t1 - t0) / (double)n : 0.0,
	       (double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) / 1e9);
	snprintf(vdev, sizeof(vdev), "/var/run/dpdk/swpcapread-%d", (int)getpid());
	rmdir(vdev);
	return n > 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	uint64_t n = 10000000;

	if (argc >= 3 && strcmp(argv[1], "--make") == 0) {
		if (argc == 5 && strcmp(argv[3], "--packets") == 0)
			n = strtoull(argv[4], NULL, 0);
		else if (argc != 3)
			goto usage;
		return make(argv[2], n);
	}
	if (argc == 2 && argv[1][0] != '-')
		return readbare(argv[1]);
usage:
	fprintf(stderr, "usage: scanwatch-pcapread --make FILE [--packets N]\n"
		"       scanwatch-pcapread FILE\n");
	return 2;
}
