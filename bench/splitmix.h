/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_BENCH_SPLITMIX_H
#define SW_BENCH_SPLITMIX_H

#include <stdint.h>

/* splitmix64 (Steele, Lea and Flood, OOPSLA 2014): the bench's traffic is
 * the same on every run. */
static inline uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif /* SW_BENCH_SPLITMIX_H */
