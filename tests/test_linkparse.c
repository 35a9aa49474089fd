/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sw_parse_link(): each link layer a capture file can hold leads to the
 * same IP parse as Ethernet, and every prefix of every frame (copied to a
 * heap buffer of exactly its length, so ASan sees any overread) is
 * rejected or accepted without reading past its end.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <scanwatch/pkt.h>

#include "check.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

/* An IPv4 TCP SYN 10.0.0.1:40000 -> 10.0.0.2:22, no options. */
static const uint8_t ip4_syn[40] = {
	0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
	0x9c, 0x40, 0, 22, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x72, 0x10, 0, 0, 0, 0,
};

static size_t
frame(enum sw_link l, uint8_t *b, uint16_t et_vlan)
{
	size_t h = 0;

	switch (l) {
	case SW_LINK_ETH:
		memset(b, 0, 12);
		h = 12;
		break;
	case SW_LINK_SLL:
		memset(b, 0, 14);
		h = 14;
		break;
	case SW_LINK_SLL2:
		h = 0;
		break;
	case SW_LINK_NULL:
		b[0] = 2, b[1] = b[2] = b[3] = 0;	/* AF_INET, little-endian */
		memcpy(b + 4, ip4_syn, sizeof(ip4_syn));
		return 4 + sizeof(ip4_syn);
	case SW_LINK_LOOP:
		b[0] = b[1] = b[2] = 0, b[3] = 2;
		memcpy(b + 4, ip4_syn, sizeof(ip4_syn));
		return 4 + sizeof(ip4_syn);
	default:
		memcpy(b, ip4_syn, sizeof(ip4_syn));
		return sizeof(ip4_syn);
	}
	/* the EtherType (or a VLAN tag's TPID) where this link puts it */
	if (et_vlan) {
		b[h] = 0x81, b[h + 1] = 0;
		h += 2;
		if (l == SW_LINK_SLL2) {
			/* SLL2's protocol is at 0, its header 20 bytes: the tag follows */
			memset(b + h, 0, 18);
			h += 18;
		}
		b[h] = 0, b[h + 1] = 7;		/* VID 7 */
		h += 2;
	}
	b[h] = 0x08, b[h + 1] = 0;
	h += 2;
	if (l == SW_LINK_SLL2 && !et_vlan) {
		memset(b + h, 0, 18);
		h += 18;
	}
	memcpy(b + h, ip4_syn, sizeof(ip4_syn));
	return h + sizeof(ip4_syn);
}

static void
every_link_parses_the_same_syn(void)
{
	static const enum sw_link links[] = {
		SW_LINK_ETH, SW_LINK_SLL, SW_LINK_SLL2, SW_LINK_RAW, SW_LINK_IPV4,
		SW_LINK_NULL, SW_LINK_LOOP,
	};

	for (unsigned i = 0; i < DIM(links); i++) {
		uint8_t b[128];
		size_t n = frame(links[i], b, 0);
		struct sw_pkt p;
		enum sw_perr e = sw_parse_link(links[i], b, (uint32_t)n, &p);

		CHECK(e == SW_PERR_OK && p.af == 4 && p.proto == 6 && p.dport == 22 &&
		      p.sport == 40000 && p.tcp_flags == 0x02,
		      "%s: err %d af %u proto %u dport %u", sw_link_name(links[i]), e, p.af,
		      p.proto, p.dport);
	}
}

static void
cooked_headers_carry_vlan_tags(void)
{
	uint8_t b[128];
	size_t n = frame(SW_LINK_SLL, b, 1);
	struct sw_pkt p;

	CHECK(sw_parse_link(SW_LINK_SLL, b, (uint32_t)n, &p) == SW_PERR_OK && p.af == 4 &&
	      (p.flags & SW_PKT_F_VLAN) && p.vlan == 7, "SLL + VLAN: af %u vlan %u", p.af, p.vlan);
}

static void
unknown_families_are_not_ip(void)
{
	uint8_t b[64];
	struct sw_pkt p;

	frame(SW_LINK_NULL, b, 0);
	b[0] = 7;	/* AF_NS or whatever: not IP */
	CHECK(sw_parse_link(SW_LINK_NULL, b, 44, &p) == SW_PERR_OK && p.af == 0,
	      "NULL family 7: af %u", p.af);
	/* raw IP of version 5: not ours, not an error */
	memcpy(b, ip4_syn, sizeof(ip4_syn));
	b[0] = 0x55;
	CHECK(sw_parse_link(SW_LINK_RAW, b, 40, &p) == SW_PERR_OK && p.af == 0,
	      "raw version 5: af %u", p.af);
	/* IPv6 behind a macOS loopback header (AF_INET6 = 30, host order) */
	memset(b, 0, sizeof(b));
	b[0] = 30;
	b[4] = 0x60;
	b[4 + 6] = 59;		/* no next header */
	CHECK(sw_parse_link(SW_LINK_NULL, b, 44, &p) == SW_PERR_OK && p.af == 6,
	      "NULL AF_INET6 30: af %u", p.af);
}

static void
every_prefix_is_safe(void)
{
	static const enum sw_link links[] = {
		SW_LINK_ETH, SW_LINK_SLL, SW_LINK_SLL2, SW_LINK_RAW, SW_LINK_IPV4,
		SW_LINK_IPV6, SW_LINK_NULL, SW_LINK_LOOP,
	};
	unsigned ok = 0, rejected = 0;

	for (unsigned i = 0; i < DIM(links); i++) {
		for (int vlan = 0; vlan <= 1; vlan++) {
			uint8_t b[128];
			size_t n = frame(links[i], b, (uint16_t)vlan);

			for (size_t len = 0; len <= n; len++) {
				uint8_t *h = malloc(len ? len : 1);
				struct sw_pkt p;

				memcpy(h, b, len);
				if (sw_parse_link(links[i], h, (uint32_t)len, &p) == SW_PERR_OK)
					ok++;
				else
					rejected++;
				free(h);
			}
		}
	}
	CHECK(ok > 0 && rejected > 0, "%u accepted, %u rejected", ok, rejected);
	/* a link header cut short is a truncated link layer */
	uint8_t b[8] = { 0 };
	struct sw_pkt p;

	CHECK(sw_parse_link(SW_LINK_SLL, b, 8, &p) == SW_PERR_ETH_TRUNC, "SLL of 8 bytes");
	CHECK(sw_parse_link(SW_LINK_NULL, b, 3, &p) == SW_PERR_ETH_TRUNC, "NULL of 3 bytes");
	CHECK(sw_parse_link(SW_LINK_RAW, b, 0, &p) == SW_PERR_ETH_TRUNC, "raw of 0 bytes");
}

int
main(void)
{
	RUN(every_link_parses_the_same_syn);
	RUN(cooked_headers_carry_vlan_tags);
	RUN(unknown_families_are_not_ip);
	RUN(every_prefix_is_safe);
	printf("%u tests, %u failed\n", n_tests, n_failed);
	return n_failed != 0;
}
