/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_PRIV_H
#define SW_PRIV_H

/**
 * @file
 * Least privilege after start-up (process.user, process.drop-capabilities).
 * DPDK needs its privileges while EAL starts and the ports come up; once
 * they are up the sensor drops every capability in every thread and, when
 * configured, becomes an unprivileged user.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sw_priv {
	bool drop;		/* process.drop-capabilities */
	bool setuser;		/* process.user given */
	uid_t uid;
	gid_t gid;
	char user[64];
};

/**
 * Look the user up before anything starts, so that a wrong name is a
 * start-up error. @return 0 or -1 with err set
 */
int sw_priv_resolve(const char *user, bool drop, struct sw_priv *p, char *err, size_t errlen);

/**
 * A directory scanwatch just created for its output: give it to the user
 * it will run as (nothing without process.user).
 */
int sw_priv_give_dir(const struct sw_priv *p, const char *dir, char *err, size_t errlen);

/**
 * Drop: every thread of the process ends with no capability in its
 * effective, permitted, inheritable and bounding sets, no_new_privs set and
 * the root exemption locked off (an exec cannot bring them back); with
 * process.user, every thread runs as that user and its groups.
 * Nothing to do (0) when the process holds no capability.
 * @return 0, or -1 with err naming what failed (the caller exits)
 */
int sw_priv_drop(const struct sw_priv *p, const char *log_dir, char *err, size_t errlen);

#endif /* SW_PRIV_H */
