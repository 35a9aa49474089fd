/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading a transport header cut across IP fragments (include/scanwatch/
 * frag.h says what is kept and the overlap and timeout policy). Runs on
 * the worker, for fragments only: no locks, no allocation after create.
 * The table is set-associative (SW_FRAG_WAYS per bucket) on the datagram's
 * key (RFC 791: source, destination, protocol, identification; RFC 8200:
 * source, destination, identification).
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include <scanwatch/frag.h>

#define NSEC		1000000000ULL
#define NBUCKETS	(SW_FRAG_ENTRIES / SW_FRAG_WAYS)
#define IP4_MF		0x2000
#define IP4_OFFMASK	0x1fff
#define IP6_OFFMASK	0xfff8
#define EXT_MAX		8	/* IPv6 extension headers walked to the fragment header */

_Static_assert(SW_FRAG_BYTES <= 128, "got[] holds a bit per byte kept");

enum { E_FREE, E_OPEN, E_DONE };

struct ent {
	struct sw_addr src, dst;
	uint32_t id;
	uint8_t proto;
	uint8_t state;		/* E_*: DONE ignores what still comes */
	uint8_t l4_rel;		/* where the transport header starts (first fragment) */
	bool have_first;	/* the offset-0 fragment was seen: `first` is valid */
	uint64_t ts_ns;		/* first fragment of the datagram seen */
	uint64_t got[2];	/* bit i: bytes[i] is held */
	uint8_t bytes[SW_FRAG_BYTES];
	struct sw_pkt first;	/* the offset-0 fragment's IP fields */
};

struct sw_frag {
	struct ent e[SW_FRAG_ENTRIES];
};

/* Where a fragment's data sits: in the frame and in the datagram. */
struct where {
	uint32_t id;
	uint32_t fstart, end;	/* frame offsets of the fragment's data */
	uint32_t off;		/* datagram offset of fstart */
};

static inline uint16_t
rd16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t
rd32(const uint8_t *b)
{
	return (uint32_t)rd16(b) << 16 | rd16(b + 2);
}

struct sw_frag *
sw_frag_create(int socket)
{
	struct sw_frag *f = rte_zmalloc_socket("sw_frag", sizeof(*f), RTE_CACHE_LINE_SIZE,
					       socket);

	if (f == NULL)
		errno = ENOMEM;
	return f;
}

void
sw_frag_free(struct sw_frag *f)
{
	rte_free(f);
}

/* The fragment header's fields, from the IP header the parser found. */
static bool
locate(const uint8_t *d, uint32_t len, const struct sw_pkt *p, struct where *w)
{
	uint32_t l3 = p->l3_off;
	const uint8_t *ip = d + l3;

	if (p->af == 4) {
		uint32_t ihl = (ip[0] & 0x0f) * 4u, tot = rd16(ip + 2);

		w->id = rd16(ip + 4);
		w->off = (rd16(ip + 6) & IP4_OFFMASK) * 8u;
		w->fstart = l3 + ihl;
		w->end = RTE_MIN(l3 + tot, len);
		return w->fstart <= w->end;
	}
	if (p->af == 6) {
		uint32_t plen = rd16(ip + 4), off = l3 + 40;
		uint8_t nh = ip[6];

		w->end = plen == 0 ? len : RTE_MIN(l3 + 40 + plen, len);
		for (unsigned i = 0; i < EXT_MAX && off + 8 <= w->end; i++) {
			const uint8_t *h = d + off;

			if (nh == IPPROTO_FRAGMENT) {
				w->id = rd32(h + 4);
				w->off = rd16(h + 2) & IP6_OFFMASK;
				w->fstart = off + 8;
				return true;
			}
			if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS)
				return false;
			nh = h[0];
			off += ((uint32_t)h[1] + 1) * 8;
		}
	}
	return false;
}

static inline bool
scan_proto(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static struct ent *
find(struct sw_frag *f, const struct sw_pkt *p, uint32_t id, uint64_t ts,
     struct sw_frag_stats *st)
{
	struct {
		struct sw_addr src, dst;
		uint32_t id;
	} key;
	struct ent *b, *victim = NULL;
	uint32_t h;

	/* the key is hashed whole: its tail padding (sw_addr is 8-aligned,
	 * 36 bytes of fields in 40) must not be stack garbage, or one
	 * datagram's fragments land in different buckets */
	memset(&key, 0, sizeof(key));
	key.src = p->src;
	key.dst = p->dst;
	key.id = id;
	h = rte_hash_crc(&key, sizeof(key), p->proto);
	b = &f->e[(h % NBUCKETS) * SW_FRAG_WAYS];
	for (unsigned i = 0; i < SW_FRAG_WAYS; i++) {
		struct ent *e = &b[i];

		if (e->state != E_FREE && ts >= e->ts_ns + SW_FRAG_TIMEOUT_S * NSEC) {
			st->expired += e->state == E_OPEN;
			e->state = E_FREE;
		}
		if (e->state != E_FREE && e->id == id && e->proto == p->proto &&
		    memcmp(&e->src, &p->src, sizeof(p->src)) == 0 &&
		    memcmp(&e->dst, &p->dst, sizeof(p->dst)) == 0)
			return e;
		if (victim == NULL || e->state == E_FREE ||
		    (victim->state != E_FREE && e->ts_ns < victim->ts_ns))
			victim = e;
	}
	if (victim->state == E_OPEN)
		st->expired++;		/* evicted with its header incomplete */
	memset(victim, 0, offsetof(struct ent, bytes));
	victim->src = p->src;
	victim->dst = p->dst;
	victim->id = id;
	victim->proto = p->proto;
	victim->state = E_OPEN;
	victim->ts_ns = ts;
	return victim;
}

/* Keep the fragment's bytes that fall in the first SW_FRAG_BYTES; held
 * bytes win over a differing overlap. */
static void
keep(struct ent *e, const uint8_t *src, uint32_t off, uint32_t n, struct sw_frag_stats *st)
{
	bool overlap = false;

	for (uint32_t i = 0; i < n && off + i < SW_FRAG_BYTES; i++) {
		uint32_t j = off + i;
		uint64_t bit = 1ULL << (j % 64);

		if (e->got[j / 64] & bit) {
			overlap |= e->bytes[j] != src[i];
			continue;
		}
		e->bytes[j] = src[i];
		e->got[j / 64] |= bit;
	}
	st->overlaps += overlap;
}

/* Bytes held without a gap from `from` on. */
static uint32_t
run_from(const struct ent *e, uint32_t from)
{
	uint32_t n = 0;

	while (from + n < SW_FRAG_BYTES && (e->got[(from + n) / 64] >> ((from + n) % 64) & 1))
		n++;
	return n;
}

/* How many transport bytes make the header the detector reads; 0: never. */
static uint32_t
need(uint8_t proto, const uint8_t *h, uint32_t have)
{
	switch (proto) {
	case IPPROTO_TCP:
		return have < 20 ? 20 : RTE_MAX(20u, (h[12] >> 4) * 4u);
	case IPPROTO_UDP:
		return 8;
	case IPPROTO_SCTP:
		return 16;	/* common header and the first chunk's header */
	default:
		return 8;	/* ICMP: type, code, checksum, identifier, sequence */
	}
}

enum sw_frag_res
sw_frag_input(struct sw_frag *f, const uint8_t *data, uint32_t len, enum sw_perr e,
	      uint64_t ts_ns, struct sw_pkt *p, struct sw_frag_stats *st)
{
	struct where w;
	struct ent *en;
	uint32_t have, want;
	bool first = !(p->flags & SW_PKT_F_FRAG_LATER);

	if (!scan_proto(p->proto) || !locate(data, len, p, &w) || w.off >= SW_FRAG_BYTES)
		return SW_FRAG_NOT;
	/* a first fragment with its whole header needs nothing from us */
	if (first && (e == SW_PERR_OK || p->l4_off < w.fstart ||
		      p->l4_off - w.fstart >= SW_FRAG_BYTES))
		return SW_FRAG_NOT;
	en = find(f, p, w.id, ts_ns, st);
	st->held++;
	if (en->state == E_DONE)
		return SW_FRAG_HELD;
	if (first && !en->have_first) {
		en->have_first = true;
		en->first = *p;
		en->l4_rel = (uint8_t)(p->l4_off - w.fstart);
	}
	keep(en, data + w.fstart, w.off, w.end - w.fstart, st);
	if (!en->have_first)
		return SW_FRAG_HELD;
	have = run_from(en, en->l4_rel);
	want = need(en->proto, en->bytes + en->l4_rel, have);
	if (have < want)
		return SW_FRAG_HELD;
	en->state = E_DONE;
	*p = en->first;
	p->flags |= SW_PKT_F_FRAG | SW_PKT_F_REASM;
	if (sw_parse_l4(en->bytes + en->l4_rel, want, p) != SW_PERR_OK ||
	    !(p->flags & SW_PKT_F_L4)) {
		*p = en->first;		/* a header even the whole bytes do not make */
		return SW_FRAG_HELD;
	}
	/* the bytes behind the header are not here: no payload to match */
	p->payload_len = 0;
	st->assembled++;
	return SW_FRAG_ASSEMBLED;
}
