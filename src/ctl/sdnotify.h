/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_SDNOTIFY_H
#define SW_SDNOTIFY_H

#include <stdint.h>

struct sw_ctl;
struct sw_sd;

void sw_sd_init(struct sw_sd *sd);
/** From the control loop: READY, WATCHDOG and STATUS when due. */
void sw_sd_tick(struct sw_sd *sd, const struct sw_ctl *ctl, uint64_t now_tsc);
void sw_sd_stopping(struct sw_sd *sd);

#endif /* SW_SDNOTIFY_H */
