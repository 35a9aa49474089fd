/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Observability start and stop: telemetry commands and the Prometheus
 * exporter come and go together, after the ports, workers and sinks they
 * read exist and before any of those is freed.
 */

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <scanwatch/ctl.h>
#include <scanwatch/obs.h>

struct sw_obs {
	struct sw_prom *prom;		/* NULL: stats.prometheus.listen is "" */
};

struct sw_obs *
sw_obs_start(const struct sw_ctl *ctl, char *err, size_t errlen)
{
	struct sw_obs *o = calloc(1, sizeof(*o));
	int rc;

	if (o == NULL) {
		snprintf(err, errlen, "out of memory starting telemetry");
		return NULL;
	}
	rc = sw_telemetry_attach(ctl);
	if (rc != 0) {
		snprintf(err, errlen, "cannot register the /scanwatch/ telemetry commands: %s",
			 strerror(-rc));
		free(o);
		return NULL;
	}
	if (ctl->conf->prom_listen[0] != '\0') {
		o->prom = sw_prom_start(ctl, ctl->conf->prom_listen, err, errlen);
		if (o->prom == NULL) {
			sw_telemetry_detach();
			free(o);
			return NULL;
		}
	}
	return o;
}

void
sw_obs_stop(struct sw_obs *o)
{
	if (o == NULL)
		return;
	sw_telemetry_detach();
	sw_prom_stop(o->prom);
	free(o);
}
