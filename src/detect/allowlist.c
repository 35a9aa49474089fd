/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * allowlist.entries (parsed by src/conf/cidr.c, checked at load) and
 * allowlist.action for the decision stage.
 */

#include <stdio.h>
#include <string.h>

#include "detect/decide_int.h"

int
sw_decide_allow_init(struct sw_decide *dec, char *err, size_t errlen)
{
	const struct sw_strlist *l = &dec->c->allowlist;
	char why[160];

	for (unsigned i = 0; i < l->n && i < SW_MAX_STRS; i++) {
		if (sw_cidr_parse(l->v[i], &dec->allow[i], why, sizeof(why)) != 0) {
			snprintf(err, errlen, "allowlist entry '%s': %s", l->v[i], why);
			return -1;
		}
		dec->nallow = i + 1;
	}
	return 0;
}

bool
sw_decide_allowlisted(const struct sw_decide *dec, const struct sw_addr *src, uint16_t port)
{
	for (unsigned i = 0; i < dec->nallow; i++)
		if (sw_cidr_match(&dec->allow[i], src, port))
			return true;
	return false;
}

/* allowlist.action: tag (decided, counted, not written) or alert-low. */
bool
sw_decide_allow_tags(const struct sw_conf *c)
{
	return c->allowlist_action == SW_ALLOW_TAG;
}
