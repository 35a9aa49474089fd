/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * systemd's service notification (sd_notify(3), Type=notify): READY once
 * every worker has polled its queues, WATCHDOG from the control loop at
 * half the unit's WatchdogSec (a stuck control thread gets the service
 * restarted), STATUS with packets per second, alerts and drops, STOPPING
 * at shutdown. Without NOTIFY_SOCKET (not under systemd) every call is a
 * cheap no-op; built without libsystemd, none of it exists.
 */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <rte_cycles.h>

#include <scanwatch/ctl.h>
#include <scanwatch/obs.h>
#include <scanwatch/worker.h>

#include "ctl/sdnotify.h"

#ifdef SW_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>

static bool
all_polling(const struct sw_ctl *ctl)
{
	for (unsigned i = 0; i < ctl->nw; i++)
		if (__atomic_load_n(&ctl->workers[i]->st.polls, __ATOMIC_RELAXED) == 0)
			return false;
	return true;
}

void
sw_sd_init(struct sw_sd *sd)
{
	uint64_t usec = 0;

	sd->on = getenv("NOTIFY_SOCKET") != NULL;
	sd->ready = false;
	sd->watchdog_tsc = 0;
	if (sd->on && sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
		sd->watchdog_tsc = usec / 2 * (rte_get_tsc_hz() / 1000000);
	sd->next_watchdog = 0;
	sd->next_status = 0;
	sd->last_pkts = 0;
}

void
sw_sd_tick(struct sw_sd *sd, const struct sw_ctl *ctl, uint64_t now)
{
	if (!sd->on)
		return;
	if (!sd->ready && all_polling(ctl)) {
		sd->ready = true;
		sd_notifyf(0, "READY=1\nSTATUS=capturing on %u worker%s", ctl->nw,
			   ctl->nw == 1 ? "" : "s");
		sd->next_status = now + rte_get_tsc_hz();
	}
	if (sd->watchdog_tsc != 0 && now >= sd->next_watchdog) {
		sd_notify(0, "WATCHDOG=1");
		sd->next_watchdog = now + sd->watchdog_tsc;
	}
	if (sd->ready && now >= sd->next_status) {
		struct sw_counters c;
		uint64_t pkts;

		sw_ctl_counters(ctl, &c);
		pkts = c.w.pkts;
		sd_notifyf(0, "STATUS=%.0f packets/s, %llu alerts, %llu ring drops, %llu missed",
			   (double)(pkts - sd->last_pkts), (unsigned long long)c.dec.alerts,
			   (unsigned long long)c.w.ring_drops, (unsigned long long)c.imissed);
		sd->last_pkts = pkts;
		sd->next_status = now + rte_get_tsc_hz();
	}
}

void
sw_sd_stopping(struct sw_sd *sd)
{
	if (sd->on)
		sd_notify(0, "STOPPING=1\nSTATUS=flushing alerts and stopping");
}
#else
void sw_sd_init(struct sw_sd *sd) { sd->on = false; }
void sw_sd_tick(struct sw_sd *sd __rte_unused, const struct sw_ctl *ctl __rte_unused,
		uint64_t now __rte_unused) { }
void sw_sd_stopping(struct sw_sd *sd __rte_unused) { }
#endif
