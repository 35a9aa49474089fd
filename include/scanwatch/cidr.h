/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_CIDR_H
#define SW_CIDR_H

/**
 * @file
 * allowlist.entries: "ADDR[/LEN][ PORT[,PORT...]]", parsed in one place
 * for the configuration check (src/conf/keys.c) and the decision stage
 * (src/detect/allowlist.c).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scanwatch/pkt.h>

#define SW_CIDR_PORTS 8		/* ports per entry */

/** One entry: a prefix on the IPv4-mapped form (IPv4: 96 + LEN) and its ports. */
struct sw_cidr {
	struct sw_addr net;
	unsigned plen;			/* 0..128 on the 16-byte form */
	unsigned nports;		/* 0: every port */
	uint16_t ports[SW_CIDR_PORTS];
};

/**
 * Parse one entry. A bare address is the one host; host bits beyond LEN
 * are refused (a typo far more often than a wish).
 * @return 0, or -1 with the reason in why
 */
int sw_cidr_parse(const char *s, struct sw_cidr *out, char *why, size_t len);

/** Does a (with port) fall in entry c? */
bool sw_cidr_match(const struct sw_cidr *c, const struct sw_addr *a, uint16_t port);

#endif /* SW_CIDR_H */
