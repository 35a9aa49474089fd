/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the packet parser. The input is one Ethernet frame as
 * the worker hands it to sw_parse() (the first segment's bytes); the parse
 * result then goes through what reads struct sw_pkt without DPDK: the role
 * (sw_role), the tool fingerprints (sw_fp_match) and address formatting.
 *
 * Besides the sanitizers, the harness checks the parser's promises in
 * include/scanwatch/pkt.h: every offset it returns lies inside the frame,
 * the payload never runs past it, and a second parse of the same bytes
 * gives the same struct (nothing depends on what was there before).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scanwatch/detect.h>
#include <scanwatch/pkt.h>

#include "fuzz.h"

static void
check_offsets(const struct sw_pkt *p, uint32_t len)
{
	if (len > UINT16_MAX)
		len = UINT16_MAX;	/* what sw_parse() looks at */
	if (p->af == 0) {
		FUZZ_CHECK(!(p->flags & (SW_PKT_F_IP | SW_PKT_F_L4)),
			   "non-IP frame with IP/L4 flags %#x", p->flags);
		return;
	}
	FUZZ_CHECK(p->af == 4 || p->af == 6, "af %u", p->af);
	FUZZ_CHECK(p->flags & SW_PKT_F_IP, "IP packet without SW_PKT_F_IP");
	FUZZ_CHECK((uint32_t)p->l3_off + (p->af == 4 ? 20u : 40u) <= len,
		   "IP header at %u runs past the frame (%u bytes)", p->l3_off, len);
	FUZZ_CHECK(p->l4_off > p->l3_off && p->l4_off <= len,
		   "l4_off %u outside (l3_off %u, len %u]", p->l4_off, p->l3_off, len);
	FUZZ_CHECK(p->payload_off >= p->l4_off, "payload_off %u before l4_off %u",
		   p->payload_off, p->l4_off);
	FUZZ_CHECK((uint32_t)p->payload_off + p->payload_len <= len,
		   "payload %u+%u runs past the frame (%u bytes)", p->payload_off,
		   p->payload_len, len);
	if (p->flags & SW_PKT_F_FRAG_LATER)
		FUZZ_CHECK(!(p->flags & SW_PKT_F_L4), "later fragment with an L4 header");
	if (p->flags & SW_PKT_F_INNER_L4)
		FUZZ_CHECK(p->flags & SW_PKT_F_INNER, "inner ports without an inner header");
}

static void
use(const struct sw_pkt *p)
{
	struct sw_role_info r;
	char a[64], b[64];

	sw_role(p, &r);
	FUZZ_CHECK(r.role <= SW_ROLE_POS && r.cls < SW_C__MAX && r.technique < SW_T__MAX,
		   "role %u class %u technique %u out of range", r.role, r.cls, r.technique);
	if (r.role != SW_ROLE_NONE) {
		/* the scanner and target point into the packet */
		FUZZ_CHECK(r.scanner != NULL && r.target != NULL, "role without addresses");
		sw_addr_str(r.scanner, a, sizeof(a));
		sw_addr_str(r.target, b, sizeof(b));
	}
	FUZZ_CHECK(sw_fp_match(p) < SW_FP__MAX, "fingerprint out of range");
	FUZZ_CHECK(sw_fingerprint(p) < SW_TOOL__MAX, "tool out of range");
	sw_addr_str(&p->src, a, sizeof(a));
	sw_addr_str(&p->dst, b, sizeof(b));
	if (p->flags & SW_PKT_F_INNER) {
		sw_addr_str(&p->inner.src, a, sizeof(a));
		sw_addr_str(&p->inner.dst, b, sizeof(b));
	}
	/* a buffer shorter than any address: truncated, still terminated */
	sw_addr_str(&p->src, a, 4);
	FUZZ_CHECK(memchr(a, '\0', 4) != NULL, "sw_addr_str left a 4-byte buffer unterminated");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_pkt p, q;
	enum sw_perr e, e2;
	uint32_t len = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;

	memset(&q, 0xa5, sizeof(q));	/* sw_parse must overwrite all of it */
	e = sw_parse(data, len, &p);
	e2 = sw_parse(data, len, &q);
	FUZZ_CHECK(e < SW_PERR__MAX, "parse result %d", (int)e);
	FUZZ_CHECK(e == e2 && memcmp(&p, &q, sizeof(p)) == 0,
		   "two parses of the same frame differ");
	if (e != SW_PERR_OK)
		return 0;
	check_offsets(&p, len);
	use(&p);
	return 0;
}
