/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_PORT_TSC_H
#define SW_PORT_TSC_H

#include <stdbool.h>

/* Set around rte_eal_init(): EAL's 100 ms TSC calibration sleep takes
 * 10 ms (tsc.c). Only in the static build (SW_TSC_WRAP). */
extern bool sw_tsc_calibrating;

#endif /* SW_PORT_TSC_H */
