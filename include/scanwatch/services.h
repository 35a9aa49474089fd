/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_SERVICES_H
#define SW_SERVICES_H

/**
 * @file
 * detect.sensitive-services: the services known to be exploitable whose
 * probes make "knob-rattling" (ALERTS.md, scan.intent). Read once from
 * the configuration; the worker tests a port with one bit (services_has),
 * and names the services a source touched as a bitmap of list indices
 * that travels in its events to the decision stage.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scanwatch/conf.h>

#define SW_SVC_MAX	32	/* a bitmap in a uint32_t: SW_MAX_STRS entries */
#define SW_SVC_NAME	16	/* "elasticsearch" and a NUL */

_Static_assert(SW_MAX_STRS <= SW_SVC_MAX, "one bit per list entry");

struct sw_services {
	unsigned n;
	uint16_t port[SW_SVC_MAX];
	char name[SW_SVC_MAX][SW_SVC_NAME];	/* "smb/445": name and port */
	uint64_t bits[65536 / 64];		/* one bit per port: listed */
};

/**
 * Parse one entry, "name/port": a lowercase name of letters, digits and
 * '-' (at most 15) and a port 1..65535.
 * @return 0, or -1 with why set
 */
int sw_services_parse(const char *v, char *name, uint16_t *port, char *why, size_t len);

/**
 * Fill s from the list (every entry checked, a port listed twice refused).
 * @return 0, or -1 with err set
 */
int sw_services_init(struct sw_services *s, const struct sw_strlist *l, char *err, size_t len);

/** Whether the port is a listed service: one load, no branch. */
static inline bool
sw_services_has(const struct sw_services *s, uint16_t port)
{
	return (s->bits[port >> 6] >> (port & 63)) & 1;
}

/** The port's bit in a services bitmap, 0 when it is not listed. */
uint32_t sw_services_bit(const struct sw_services *s, uint16_t port);

#endif /* SW_SERVICES_H */
