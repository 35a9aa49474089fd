/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Address formatting for alerts and logs (control plane only).
 *
 * IPv6 is formatted here rather than with inet_ntop(): glibc prints
 * IPv4-compatible addresses (::a.b.c.d, deprecated by RFC 4291) in mixed
 * notation and musl differs again, while alert consumers match addresses as
 * strings, so the output must be RFC 5952 canonical on every libc.
 */

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <scanwatch/pkt.h>

#define SW_ADDR_STRLEN 46	/* INET6_ADDRSTRLEN */

static char *
fmt_v6(const struct sw_addr *a, char *out)
{
	static const char hex[] = "0123456789abcdef";
	int best = -1, best_len = 0, run = -1, run_len = 0;
	uint16_t w[8];
	char *o = out;
	int i;

	for (i = 0; i < 8; i++) {
		w[i] = (uint16_t)(a->b[2 * i] << 8 | a->b[2 * i + 1]);
		if (w[i] == 0) {
			if (run < 0)
				run = i, run_len = 0;
			run_len++;
			/* RFC 5952 4.2.3: longest run wins, the first on a tie */
			if (run_len > best_len)
				best = run, best_len = run_len;
		} else {
			run = -1;
		}
	}
	/* RFC 5952 4.2.2: "::" never stands for a single zero field */
	if (best_len < 2)
		best = -1;

	for (i = 0; i < 8; i++) {
		int shift, started = 0;

		if (i == best) {
			*o++ = ':';
			*o++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i > 0 && i != best + best_len)
			*o++ = ':';
		/* RFC 5952 4.1 and 4.3: no leading zeros, lower case */
		for (shift = 12; shift >= 0; shift -= 4) {
			unsigned int nib = (w[i] >> shift) & 0xf;

			if (nib != 0 || started || shift == 0) {
				*o++ = hex[nib];
				started = 1;
			}
		}
	}
	*o = '\0';
	return out;
}

char *
sw_addr_str(const struct sw_addr *a, char *buf, size_t len)
{
	char tmp[SW_ADDR_STRLEN];
	size_t n;

	if (len == 0)
		return buf;
	if (sw_addr_is_v4(a))
		snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u",
			 a->b[12], a->b[13], a->b[14], a->b[15]);
	else
		fmt_v6(a, tmp);

	/* Like inet_ntop(): all or nothing, never a silently cut address. */
	n = strlen(tmp);
	if (n >= len)
		n = 0, tmp[0] = '\0';
	memcpy(buf, tmp, n + 1);
	return buf;
}
