/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethdev bring-up: queues, RSS, mempools per NUMA socket.
 */

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_packet.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_mempool.h>
#include <inttypes.h>

#include "port/port.h"

/*
 * A Toeplitz key of repeated 0x6d5a hashes (src, dst) and (dst, src) to the
 * same value, so both directions of a conversation, and a probe and the
 * RST/ICMP error it provokes, reach the same queue. Woo and Park, "Scalable
 * TCP Session Monitoring with Symmetric Receive-side Scaling", KAIST 2012.
 */
static uint8_t sym_rss_key[52];

static struct rte_mempool *pools[RTE_MAX_NUMA_NODES];
static char port_names[RTE_MAX_ETHPORTS][RTE_ETH_NAME_MAX_LEN];

/*
 * net_af_packet (DPDK 22.11) counts none of the frames the kernel drops
 * when its ring is full: imissed stays 0 while frames vanish. The kernel
 * counts them per socket (PACKET_STATISTICS), and the PMD's sockets are
 * ours, in this process: found once at start through /proc/self/fd and
 * /proc/net/packet (the socket's interface), read under the stats lock.
 * PACKET_STATISTICS resets on every read, hence the running sums.
 */
#define SW_PKT_MAXFD	64
struct kring {
	int fd[SW_PKT_MAXFD];
	unsigned nfd;
	uint64_t drops;		/* sum of tp_drops read so far */
};
static struct kring krings[RTE_MAX_ETHPORTS];

static uint64_t
rss_fields(const struct sw_conf *c)
{
	uint64_t hf = 0;

	if (c->rss_fields & SW_RSS_IP)
		hf |= RTE_ETH_RSS_IP;
	if (c->rss_fields & SW_RSS_TCP)
		hf |= RTE_ETH_RSS_TCP;
	if (c->rss_fields & SW_RSS_UDP)
		hf |= RTE_ETH_RSS_UDP;
	if (c->rss_fields & SW_RSS_SCTP)
		hf |= RTE_ETH_RSS_SCTP;
	return hf;
}

static uint32_t offline_caplen = UINT16_MAX;

void
sw_port_offline_frames(uint32_t max_caplen)
{
	offline_caplen = max_caplen;
}

/*
 * Every RX descriptor can hold an mbuf, every lcore cache can hold some,
 * and a burst can be in flight on each worker; round to 2^k - 1, which is
 * what the ring-based mempool handles best.
 *
 * Offline, net_pcap fills no descriptors: it takes mbufs inside rx_burst,
 * one per frame, or a chain for a frame longer than a data room (it copies
 * at most 64 KiB of one), and only the one worker's lcore takes or frees
 * them. So what can be out of the pool is a burst of the longest frames
 * per file in the worker's hands and its lcore's full cache (up to 1.5
 * times its size, where it flushes): exactly that, no margin: every mbuf
 * is written at start, 0.6 of a 4 KiB page fault each.
 */
static unsigned
pool_size(unsigned nports, uint16_t nq, const struct sw_conf *c)
{
	unsigned n, p = 1;

	if (c->pcap[0] != '\0') {
		unsigned segs = (RTE_MIN(offline_caplen, (uint32_t)UINT16_MAX) +
				 RTE_MBUF_DEFAULT_DATAROOM - 1) / RTE_MBUF_DEFAULT_DATAROOM;

		n = nports * c->burst * RTE_MAX(segs, 1u) + c->mbuf_cache * 3 / 2 + c->burst;
	} else {
		n = nports * nq * c->rx_desc +
		    rte_lcore_count() * (c->mbuf_cache + c->burst) + 1024;
	}

	while (p - 1 < n)
		p <<= 1;
	return p - 1;
}

/*
 * rte_pktmbuf_pool_create() with RTE_MEMPOOL_F_NO_IOVA_CONTIG: on 4 KiB
 * pages (offline runs are --no-huge) a pool of IOVA-contiguous objects
 * puts each 2.3 KiB mbuf on a page of its own, 4 KiB touched per mbuf at
 * start. net_pcap copies with the CPU, no device DMAs into these mbufs,
 * so they may straddle pages: 40% fewer pages to fault in.
 */
static struct rte_mempool *
pool_create_packed(const char *name, unsigned nbufs, const struct sw_conf *c, int socket)
{
	struct rte_pktmbuf_pool_private priv = {
		.mbuf_data_room_size = RTE_MBUF_DEFAULT_BUF_SIZE,
		.mbuf_priv_size = 0,
	};
	struct rte_mempool *mp;

	mp = rte_mempool_create_empty(name, nbufs,
				      sizeof(struct rte_mbuf) + RTE_MBUF_DEFAULT_BUF_SIZE,
				      c->mbuf_cache, sizeof(priv), socket,
				      RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	if (mp == NULL)
		return NULL;
	if (rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(), NULL) != 0) {
		rte_mempool_free(mp);
		return NULL;
	}
	rte_pktmbuf_pool_init(mp, &priv);
	if (rte_mempool_populate_default(mp) < 0) {
		rte_mempool_free(mp);
		return NULL;
	}
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
}

static struct rte_mempool *
pool_for_socket(int socket, unsigned nbufs, const struct sw_conf *c,
		char *err, size_t errlen)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned idx = socket < 0 ? 0 : (unsigned)socket;

	if (pools[idx] != NULL)
		return pools[idx];
	snprintf(name, sizeof(name), "sw_mbuf_%u", idx);
	if (c->pcap[0] != '\0')
		pools[idx] = pool_create_packed(name, nbufs, c, socket);
	else
		pools[idx] = rte_pktmbuf_pool_create(name, nbufs, c->mbuf_cache, 0,
						     RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (pools[idx] == NULL)
		snprintf(err, errlen, "cannot create a pool of %u mbufs on socket %d: %s "
			 "(reserve hugepages, or lower capture.rx-descriptors)",
			 nbufs, socket, rte_strerror(rte_errno));
	return pools[idx];
}

/* inode -> interface index of every packet socket of this namespace */
static int
packet_sock_ifindex(unsigned long inode)
{
	FILE *f = fopen("/proc/net/packet", "r");
	char line[256];
	int ifindex = -1;

	if (f == NULL)
		return -1;
	/* sk RefCnt Type Proto Iface R Rmem User Inode */
	while (ifindex < 0 && fgets(line, sizeof(line), f) != NULL) {
		unsigned long ino;
		int iface;

		if (sscanf(line, "%*s %*s %*s %*s %d %*s %*s %*s %lu", &iface, &ino) == 2 &&
		    ino == inode)
			ifindex = iface;
	}
	fclose(f);
	return ifindex;
}

static bool
fd_claimed(int fd)
{
	for (unsigned p = 0; p < RTE_MAX_ETHPORTS; p++)
		for (unsigned i = 0; i < krings[p].nfd; i++)
			if (krings[p].fd[i] == fd)
				return true;
	return false;
}

/* The packet sockets of this process bound to ifindex: the PMD's queues. */
static void
kring_find(uint16_t port, int ifindex)
{
	struct kring *k = &krings[port];
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	k->nfd = 0;
	k->drops = 0;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && k->nfd < SW_PKT_MAXFD) {
		char path[64], target[64];
		unsigned long inode;
		ssize_t n;
		int fd;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		fd = atoi(e->d_name);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (sscanf(target, "socket:[%lu]", &inode) != 1)
			continue;
		if (packet_sock_ifindex(inode) == ifindex && !fd_claimed(fd))
			k->fd[k->nfd++] = fd;
	}
	closedir(d);
}

/* Add the kernel's drops since the last read; the caller holds the stats
 * lock (the counters reset on read: one reader at a time). */
static uint64_t
kring_drops(uint16_t port)
{
	struct kring *k = &krings[port];

	for (unsigned i = 0; i < k->nfd; i++) {
		struct tpacket_stats st;
		socklen_t len = sizeof(st);

		if (getsockopt(k->fd[i], SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
			k->drops += st.tp_drops;
	}
	return k->drops;
}

static void
kring_setup(uint16_t port, const struct rte_eth_dev_info *info)
{
	if (info->driver_name == NULL || strcmp(info->driver_name, "net_af_packet") != 0 ||
	    info->if_index == 0)
		return;
	kring_find(port, (int)info->if_index);
	if (krings[port].nfd == 0)
		fprintf(stderr, "scanwatch: warning: port %u (%s): its packet sockets were not "
			"found in /proc/self/fd: frames the kernel drops are not counted\n",
			port, port_names[port]);
	else
		kring_drops(port);	/* start from zero: reset what came before start */
	krings[port].drops = 0;
}

static int
port_start(uint16_t port, uint16_t nq, bool timestamps, const struct sw_conf *c,
	   struct rte_mempool *mp, char *err, size_t errlen)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	uint16_t nrxd = c->rx_desc, ntxd = 64, ntx;
	int rc;

	rc = rte_eth_dev_info_get(port, &info);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: cannot read device info: %s", port, strerror(-rc));
		return rc;
	}
	rte_eth_dev_get_name_by_port(port, port_names[port]);
	if (info.max_rx_queues < nq) {
		snprintf(err, errlen, "port %u (%s) has %u RX queues; capture.workers %u needs "
			 "as many (for af_packet add qpairs=%u to the device)",
			 port, port_names[port], info.max_rx_queues, nq, nq);
		return -EINVAL;
	}

	memset(&conf, 0, sizeof(conf));
	/* af_packet spreads over its queues in the kernel (PACKET_FANOUT,
	 * whose flow hash is symmetric); it offers no RSS to configure. */
	if (nq > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = sym_rss_key;
		conf.rx_adv_conf.rss_conf.rss_key_len =
			info.hash_key_size ? info.hash_key_size : 40;
		conf.rx_adv_conf.rss_conf.rss_hf = rss_fields(c) & info.flow_type_rss_offloads;
		if (conf.rx_adv_conf.rss_conf.rss_hf == 0) {
			snprintf(err, errlen, "port %u (%s) cannot hash on capture.rss-fields; "
				 "it supports RSS types 0x%" PRIx64, port, port_names[port],
				 info.flow_type_rss_offloads);
			return -EINVAL;
		}
	}
	if (timestamps && (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP))
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;

	/* A tap has nothing to send, but some PMDs refuse zero TX queues. */
	ntx = info.max_tx_queues > 0 ? 1 : 0;
	rc = rte_eth_dev_configure(port, nq, ntx, &conf);
	if (rc != 0 && ntx > 0) {
		ntx = 0;
		rc = rte_eth_dev_configure(port, nq, ntx, &conf);
	}
	if (rc != 0) {
		snprintf(err, errlen, "port %u (%s): configure with %u RX queues failed: %s",
			 port, port_names[port], nq, strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrxd, &ntxd);
	if (rc != 0)
		nrxd = c->rx_desc;
	for (uint16_t q = 0; q < nq; q++) {
		rc = rte_eth_rx_queue_setup(port, q, nrxd, rte_eth_dev_socket_id(port),
					    NULL, mp);
		if (rc != 0) {
			snprintf(err, errlen, "port %u (%s): RX queue %u setup failed: %s",
				 port, port_names[port], q, strerror(-rc));
			return rc;
		}
	}
	for (uint16_t q = 0; q < ntx; q++) {
		rc = rte_eth_tx_queue_setup(port, q, ntxd, rte_eth_dev_socket_id(port), NULL);
		if (rc != 0) {
			snprintf(err, errlen, "port %u (%s): TX queue setup failed: %s",
				 port, port_names[port], strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(port);
	if (rc != 0) {
		snprintf(err, errlen, "port %u (%s): start failed: %s",
			 port, port_names[port], strerror(-rc));
		return rc;
	}
	/* A tap or mirror port sees traffic for other MACs. Not every PMD
	 * has the notion (net_pcap, net_ring), which is fine. */
	rte_eth_promiscuous_enable(port);
	kring_setup(port, &info);
	return 0;
}

int
sw_port_setup(const struct sw_conf *c, uint16_t nq, bool timestamps,
	      char *err, size_t errlen)
{
	unsigned nports = rte_eth_dev_count_avail();
	uint16_t port;
	int rc;

	for (unsigned i = 0; i < sizeof(sym_rss_key); i += 2) {
		sym_rss_key[i] = 0x6d;
		sym_rss_key[i + 1] = 0x5a;
	}
	if (nports == 0) {
		snprintf(err, errlen, "no capture port: give -i DEVICE (a PCI address bound to "
			 "vfio-pci, or a vdev such as net_af_packet0,iface=eth1) or -r FILE");
		return -ENODEV;
	}
	RTE_ETH_FOREACH_DEV(port) {
		int socket = rte_eth_dev_socket_id(port);
		struct rte_mempool *mp;

		mp = pool_for_socket(socket, pool_size(nports, nq, c), c, err, errlen);
		if (mp == NULL)
			return -ENOMEM;
		rc = port_start(port, nq, timestamps, c, mp, err, errlen);
		if (rc != 0)
			return rc;
	}
	return 0;
}

void
sw_port_close(void)
{
	uint16_t port;

	uint64_t left;

	RTE_ETH_FOREACH_DEV(port) {
		krings[port].nfd = 0;	/* the PMD closes its sockets */
		rte_eth_dev_stop(port);
		rte_eth_dev_close(port);
	}
	/* the workers are gone and the RX rings emptied: every mbuf is home */
	left = sw_port_mbufs_in_use();
	if (left != 0)
		fprintf(stderr, "scanwatch: warning: %" PRIu64 " mbufs were never returned to "
			"their pool (a leak; please report it)\n", left);
	for (unsigned i = 0; i < RTE_MAX_NUMA_NODES; i++) {
		rte_mempool_free(pools[i]);
		pools[i] = NULL;
	}
}

static uint64_t files_damaged;

/* written by the control thread (sw_port_watch), read by anyone */
static struct {
	bool down;
	uint64_t since_tsc;
} links[RTE_MAX_ETHPORTS];
static uint64_t link_down_events, ports_down;

uint64_t
sw_port_mbufs_in_use(void)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < RTE_MAX_NUMA_NODES; i++)
		if (pools[i] != NULL)
			n += rte_mempool_in_use_count(pools[i]);
	return n;
}

/*
 * A kernel-backed port (net_af_packet, net_tap, net_af_xdp report the
 * interface's index) is down when its interface is down, has lost its
 * carrier or is gone; such PMDs may keep reporting link up (af_packet
 * does). @return 1 up, 0 down (why says how), -1 not a kernel interface
 */
static int
kernel_link(uint16_t port, char *why, size_t len)
{
	struct rte_eth_dev_info info;
	struct ifreq ifr;
	int fd, rc;

	if (rte_eth_dev_info_get(port, &info) != 0 || info.if_index == 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	if (if_indextoname(info.if_index, ifr.ifr_name) == NULL) {
		snprintf(why, len, "its interface (index %u) was removed", info.if_index);
		return 0;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	close(fd);
	if (rc != 0)
		return -1;
	if (!(ifr.ifr_flags & IFF_UP)) {
		snprintf(why, len, "interface %s is down", ifr.ifr_name);
		return 0;
	}
	if (!(ifr.ifr_flags & IFF_RUNNING)) {
		snprintf(why, len, "interface %s has no carrier", ifr.ifr_name);
		return 0;
	}
	return 1;
}

void
sw_port_watch(void)
{
	uint64_t hz = rte_get_tsc_hz(), now = rte_rdtsc();
	unsigned ndown = 0;
	uint16_t port;

	RTE_ETH_FOREACH_DEV(port) {
		struct rte_eth_link l;
		char why[96] = "";
		int k = kernel_link(port, why, sizeof(why));
		bool down = k == 0;

		if (k < 0 && rte_eth_link_get_nowait(port, &l) == 0 &&
		    l.link_status == RTE_ETH_LINK_DOWN) {
			snprintf(why, sizeof(why), "the PMD reports its link down");
			down = true;
		}
		if (down && !links[port].down) {
			fprintf(stderr, "scanwatch: port %u (%s) stopped delivering: %s; its "
				"traffic is not seen until it is back (counted: link_down)\n",
				port, port_names[port], why);
			__atomic_fetch_add(&link_down_events, 1, __ATOMIC_RELAXED);
			links[port].since_tsc = now;
		} else if (!down && links[port].down) {
			fprintf(stderr, "scanwatch: port %u (%s) is up again after %.1f s\n",
				port, port_names[port],
				(double)(now - links[port].since_tsc) / (double)hz);
		}
		links[port].down = down;
		ndown += down;
	}
	__atomic_store_n(&ports_down, ndown, __ATOMIC_RELAXED);
}

void
sw_port_file_damaged(void)
{
	__atomic_fetch_add(&files_damaged, 1, __ATOMIC_RELAXED);
}

int
sw_port_stats(uint16_t port, struct rte_eth_stats *s)
{
	int rc = rte_eth_stats_get(port, s);

	if (rc == 0 && port < RTE_MAX_ETHPORTS && krings[port].nfd > 0)
		s->imissed += kring_drops(port);
	return rc;
}

void
sw_port_totals(struct sw_port_totals *t)
{
	uint16_t port;

	memset(t, 0, sizeof(*t));
	t->file_damaged = __atomic_load_n(&files_damaged, __ATOMIC_RELAXED);
	t->link_down = __atomic_load_n(&link_down_events, __ATOMIC_RELAXED);
	t->ports_down = __atomic_load_n(&ports_down, __ATOMIC_RELAXED);
	t->mbufs_in_use = sw_port_mbufs_in_use();
	RTE_ETH_FOREACH_DEV(port) {
		struct rte_eth_stats s;

		if (sw_port_stats(port, &s) != 0)
			continue;
		t->ipackets += s.ipackets;
		t->ibytes += s.ibytes;
		t->imissed += s.imissed;
		t->ierrors += s.ierrors;
		t->no_mbufs += s.rx_nombuf;
	}
}

const char *
sw_port_name(uint16_t port)
{
	return port < RTE_MAX_ETHPORTS ? port_names[port] : "?";
}

int
sw_port_socket(uint16_t port)
{
	int s = rte_eth_dev_socket_id(port);

	return s < 0 ? 0 : s;
}
