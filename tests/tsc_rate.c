/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TSC rate as EAL measures it in a program that links DPDK's shared
 * libraries, where nothing shortens its calibration: test_startup.py
 * compares it with the rate scanwatch's EAL reports (src/port/tsc.c).
 * Prints the rate in Hz.
 */
#include <inttypes.h>
#include <stdio.h>

#include <rte_cycles.h>

#include "eal.h"

int
main(void)
{
	if (test_eal_init("tsc") != 0)
		return 1;
	printf("%" PRIu64 "\n", rte_get_tsc_hz());
	test_eal_cleanup();
	return 0;
}
