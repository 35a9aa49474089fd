/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * detect.sensitive-services (include/scanwatch/services.h): one parser for
 * the configuration check and the two sides that use the list.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scanwatch/services.h>

int
sw_services_parse(const char *v, char *name, uint16_t *port, char *why, size_t len)
{
	const char *slash = strchr(v, '/');
	size_t n = slash != NULL ? (size_t)(slash - v) : 0;
	unsigned long p;
	char *end;

	if (slash == NULL || n == 0 || n >= SW_SVC_NAME) {
		snprintf(why, len, "a service is \"name/port\" with a name of 1 to %d characters",
			 SW_SVC_NAME - 1);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char ch = v[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) {
			snprintf(why, len, "service names are lowercase letters, digits and '-'");
			return -1;
		}
	}
	if (slash[1] < '0' || slash[1] > '9') {
		snprintf(why, len, "the port after '/' must be a number 1..65535");
		return -1;
	}
	errno = 0;
	p = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || p < 1 || p > 65535) {
		snprintf(why, len, "the port after '/' must be a number 1..65535");
		return -1;
	}
	if (name != NULL) {
		memcpy(name, v, n);
		name[n] = '\0';
	}
	*port = (uint16_t)p;
	return 0;
}

int
sw_services_init(struct sw_services *s, const struct sw_strlist *l, char *err, size_t len)
{
	char why[128], nm[SW_SVC_NAME];

	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < l->n && i < SW_SVC_MAX; i++) {
		uint16_t port;

		if (sw_services_parse(l->v[i], nm, &port, why, sizeof(why)) != 0) {
			snprintf(err, len, "detect.sensitive-services: \"%s\": %s", l->v[i], why);
			return -1;
		}
		if (sw_services_has(s, port)) {
			snprintf(err, len, "detect.sensitive-services: port %u is listed twice "
				 "(\"%s\")", port, l->v[i]);
			return -1;
		}
		s->port[s->n] = port;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", nm);
		s->bits[port >> 6] |= 1ULL << (port & 63);
		s->n++;
	}
	return 0;
}

uint32_t
sw_services_bit(const struct sw_services *s, uint16_t port)
{
	if (!sw_services_has(s, port))
		return 0;
	for (unsigned i = 0; i < s->n; i++)
		if (s->port[i] == port)
			return 1u << i;
	return 0;
}
