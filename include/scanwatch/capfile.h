/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_CAPFILE_H
#define SW_CAPFILE_H

/**
 * @file
 * What a capture file holds, read before EAL starts: its format (pcap or
 * pcapng), link type and the number of whole records. net_pcap reads the
 * frames; this only decides whether scanwatch can understand them and
 * where a damaged file stops making sense, so nothing is read in silence.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scanwatch/pkt.h>

struct sw_capfile {
	const char *format;	/* "pcap" or "pcapng" */
	uint32_t linktype;	/* LINKTYPE_* of the file (pcapng: every interface) */
	enum sw_link link;
	uint64_t records;	/* whole records before the end or the damage */
	uint32_t max_caplen;	/* bytes of the longest of them (pcapng: its block's
				 * length, a bound): mbufs net_pcap chains for it */
	uint64_t size;		/* bytes in the file */
	bool damaged;		/* the records stop before the file does */
	char damage[256];	/* what and where, when damaged */
};

/**
 * Read the file's headers and walk its records.
 * @return 0 (cf filled; check cf->damaged), or -1 with a message in err:
 *         not readable, empty, not a capture, header cut short, a link
 *         type scanwatch does not read (named), mixed link types, a pcapng
 *         file without an interface description block.
 */
int sw_capfile_probe(const char *path, struct sw_capfile *cf, char *err, size_t errlen);

/** enum sw_link of a LINKTYPE_* value; -1 when scanwatch does not read it. */
int sw_capfile_link_of(uint32_t linktype);

#endif /* SW_CAPFILE_H */
