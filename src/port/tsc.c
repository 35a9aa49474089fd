/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL's TSC calibration, shortened. Where the CPU does not report the
 * TSC's rate (CPUID leaf 0x15, or Intel's MSR_PLATFORM_INFO), as on the
 * VMs scanwatch is tested on, DPDK 22.11 measures it once at start: the
 * TSC and CLOCK_MONOTONIC_RAW read before and after a nanosleep() of
 * 100 ms, the rate rounded to 10 MHz (lib/eal/linux/eal_timer.c,
 * get_tsc_freq). That sleep was 100 ms of the 0.18 s a one-packet
 * capture took, more than all the work. Both clocks are read right
 * around the sleep, so its length only sets the precision: over 10 ms
 * the pairing error (tens of nanoseconds) is a few parts in a million,
 * far inside the 10 MHz rounding, and the rate comes out the same
 * (test_startup.py tsc, rate_as_unshortened_eal_measures_it: against
 * EAL's own measurement in a program that wraps nothing).
 *
 * Only the static build (-Ddpdk_static=true) can do this: the link wraps
 * nanosleep (-Wl,--wrap=nanosleep), so EAL's archives call
 * __wrap_nanosleep(), which shortens that one call, a 100 ms sleep
 * while sw_tsc_calibrating is set around rte_eal_init(), and passes every
 * other call through.
 */

#include <stdbool.h>
#include <time.h>

#include "tsc.h"

#define EAL_CAL_NS	100000000L	/* DPDK 22.11: NS_PER_SEC / 10 */
#define SW_CAL_NS	10000000L

bool sw_tsc_calibrating;

int __real_nanosleep(const struct timespec *req, struct timespec *rem);
int __wrap_nanosleep(const struct timespec *req, struct timespec *rem);

int
__wrap_nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (sw_tsc_calibrating && req != NULL && req->tv_sec == 0 && req->tv_nsec == EAL_CAL_NS) {
		const struct timespec cal = { .tv_sec = 0, .tv_nsec = SW_CAL_NS };

		sw_tsc_calibrating = false;	/* once */
		return __real_nanosleep(&cal, rem);
	}
	return __real_nanosleep(req, rem);
}
