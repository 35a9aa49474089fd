/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_CTL_RECENT_H
#define SW_CTL_RECENT_H

/*
 * What the control thread last wrote, for the views that ask while it runs
 * (telemetry's /scanwatch/scanners and /scanwatch/alert_kinds, Prometheus'
 * alerts by kind, so `scanwatch top` and a dashboard see the alerts, not
 * only their totals). The control thread records each alert after its EVE
 * line was formatted; readers on other threads copy under the table's
 * mutex. Control side only: nothing here is on a worker's path.
 */

#include <stdint.h>

#include <scanwatch/alert.h>

#define SW_RECENT_SCANS	32	/* scans kept, newest replacing the oldest */
#define SW_RECENT_KINDS	48	/* (kind, class) pairs counted */

/** One scan as its latest alert or update says. */
struct sw_recent_scan {
	char src[48];
	char kind[24], cls[12], technique[16], tool[24], direction[12];
	double rate_pps;
	uint32_t targets, ports, probes, updates;
	uint8_t severity;
	uint64_t first_ns, last_ns;	/* packet time, as in the alert */
	uint64_t written_ns;		/* wall clock when the line was written */
};

/** Alerts (updates not counted) of one kind and protocol class. */
struct sw_recent_kind {
	char kind[24], cls[12];
	uint64_t alerts;
};

struct sw_recent;

struct sw_recent *sw_recent_create(void);
void sw_recent_free(struct sw_recent *r);
/* control thread: record a written alert (NULL r: nothing) */
void sw_recent_scan_alert(struct sw_recent *r, const struct sw_scan_alert *a);
void sw_recent_payload_alert(struct sw_recent *r, const struct sw_payload_alert *a);
/* any thread: copies, newest written first; @return entries copied */
unsigned sw_recent_scans(const struct sw_recent *r, struct sw_recent_scan *out, unsigned max);
unsigned sw_recent_kinds(const struct sw_recent *r, struct sw_recent_kind *out, unsigned max);

#endif /* SW_CTL_RECENT_H */
