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
	l = &dec->c->home;
	for (unsigned i = 0; i < l->n && i < SW_MAX_STRS; i++) {
		if (sw_cidr_parse(l->v[i], &dec->home[i], why, sizeof(why)) != 0) {
			snprintf(err, errlen, "network.home entry '%s': %s", l->v[i], why);
			return -1;
		}
		dec->nhome = i + 1;
	}
	return 0;
}

static bool
at_home(const struct sw_decide *dec, const struct sw_addr *a)
{
	for (unsigned i = 0; i < dec->nhome; i++)
		if (sw_cidr_match(&dec->home[i], a, 0))
			return true;
	return false;
}

/* network.home (Suricata's HOME_NET, Zeek's Site::local_nets) on the two
 * ends: outbound is a home host scanning out, the abuse desk's case. */
enum sw_direction
sw_decide_direction(const struct sw_decide *dec, const struct sw_addr *src,
		    const struct sw_addr *dst)
{
	bool s = at_home(dec, src), d = at_home(dec, dst);

	return s ? (d ? SW_DIR_INTERNAL : SW_DIR_OUTBOUND) :
		   (d ? SW_DIR_INBOUND : SW_DIR_EXTERNAL);
}

bool
sw_decide_dir_policy(struct sw_decide *dec, enum sw_direction d, uint8_t *severity)
{
	switch (dec->c->dir_policy[d]) {
	case SW_POLICY_RAISE:
		if (*severity > 1)
			(*severity)--;
		return true;
	case SW_POLICY_LOWER:
		*severity = SEVERITY_ALLOWLISTED;
		return true;
	case SW_POLICY_OFF:
		dec->st.direction_off++;
		return false;
	default:
		return true;
	}
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
