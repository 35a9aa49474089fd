/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Allowlist entries: "ADDR[/LEN][ PORT[,PORT...]]" (include/scanwatch/cidr.h).
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <scanwatch/cidr.h>

#define PORTS_WHY "ports must be 1..65535 separated by commas, at most 8 (at '%.16s')"

/* "/LEN": 1 to 3 digits, at most maxlen. @return 0 or -1 */
static int
parse_plen(const char *d, unsigned maxlen, unsigned *plen)
{
	size_t nd = strspn(d, "0123456789");

	*plen = 0;
	for (size_t i = 0; i < nd && i < 4; i++)
		*plen = *plen * 10 + (unsigned)(d[i] - '0');
	return nd == 0 || d[nd] != '\0' || nd > 3 || *plen > maxlen ? -1 : 0;
}

/* The ports after the address: "22", "22,443", "22, 443". */
static int
parse_ports(const char *p, struct sw_cidr *out, char *why, size_t len)
{
	p += strspn(p, " \t");
	if (*p == '\0')
		return 0;
	for (;;) {
		size_t nd = strspn(p, "0123456789");
		unsigned long port = 0;

		for (size_t i = 0; i < nd && i < 6; i++)
			port = port * 10 + (unsigned long)(p[i] - '0');
		if (nd == 0 || nd > 5 || port < 1 || port > 65535 ||
		    out->nports == SW_CIDR_PORTS) {
			snprintf(why, len, PORTS_WHY, p);
			return -1;
		}
		out->ports[out->nports++] = (uint16_t)port;
		p += nd;
		p += strspn(p, " \t");
		if (*p == '\0')
			return 0;
		if (*p != ',') {
			snprintf(why, len, PORTS_WHY, p);
			return -1;
		}
		p++;
		p += strspn(p, " \t");
	}
}

int
sw_cidr_parse(const char *s, struct sw_cidr *out, char *why, size_t len)
{
	char addr[INET6_ADDRSTRLEN + 8], fixed[INET6_ADDRSTRLEN];
	unsigned char a[16];
	size_t alen = strcspn(s, " \t");
	unsigned plen, maxlen;
	int af;
	char *slash;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= sizeof(addr)) {
		snprintf(why, len, "expected \"CIDR [port[,port...]]\", e.g. \"192.0.2.0/24 22,443\"");
		return -1;
	}
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	af = strchr(addr, ':') ? AF_INET6 : AF_INET;
	maxlen = af == AF_INET6 ? 128 : 32;
	plen = maxlen;
	slash = strchr(addr, '/');
	if (slash != NULL) {
		*slash = '\0';
		if (parse_plen(slash + 1, maxlen, &plen) != 0) {
			snprintf(why, len, "prefix length '/%s' must be 0..%u for %s", slash + 1,
				 maxlen, af == AF_INET6 ? "IPv6" : "IPv4");
			return -1;
		}
	}
	if (inet_pton(af, addr, a) != 1) {
		snprintf(why, len, "'%s' is not an IPv4 or IPv6 address", addr);
		return -1;
	}
	for (unsigned bit = plen; bit < maxlen; bit++) {
		if (a[bit / 8] & (0x80 >> (bit % 8))) {
			for (unsigned b = plen; b < maxlen; b++)
				a[b / 8] &= ~(0x80 >> (b % 8));
			inet_ntop(af, a, fixed, sizeof(fixed));
			snprintf(why, len, "has host bits set beyond /%u (did you mean %s/%u?)",
				 plen, fixed, plen);
			return -1;
		}
	}
	if (af == AF_INET) {
		/* IPv4-mapped, as every address is kept (scanwatch/pkt.h) */
		out->net.b[10] = out->net.b[11] = 0xff;
		memcpy(&out->net.b[12], a, 4);
		out->plen = 96 + plen;
	} else {
		memcpy(out->net.b, a, 16);
		out->plen = plen;
	}
	return parse_ports(s + alen, out, why, len);
}

static bool
prefix_match(const struct sw_addr *a, const struct sw_addr *net, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(a->b, net->b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a->b[full] ^ net->b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool
sw_cidr_match(const struct sw_cidr *c, const struct sw_addr *a, uint16_t port)
{
	if (!prefix_match(a, &c->net, c->plen))
		return false;
	if (c->nports == 0)
		return true;
	for (unsigned p = 0; p < c->nports; p++)
		if (c->ports[p] == port)
			return true;
	return false;
}
