/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_MATCH_INT_H
#define SW_MATCH_INT_H

/*
 * Private to src/match/: the compiled database and the matcher. A database
 * is immutable once published: workers only read it, the control thread
 * frees it after an RCU grace period.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <hs/hs.h>

#include <scanwatch/conf.h>
#include <scanwatch/match.h>
#include <scanwatch/worker.h>

#define SW_MATCH_GROUPS	255	/* distinct port groups: the map holds a byte */
#define SW_MATCH_RETIRED 8	/* databases waiting for a grace period */
#define SW_LEN_BITS	512	/* lengths tracked exactly by len_ok */

/* One Hyperscan database: every rule that applies to some set of
 * (protocol, destination port). */
struct sw_match_group {
	hs_database_t *hs;
	uint32_t *ids;			/* Hyperscan id → index into rules */
	uint32_t n;
	uint32_t min_len;		/* no rule of the group matches fewer bytes */
	/* Scanned lengths below SW_LEN_BITS at which some rule can match:
	 * a 6-byte segment is not worth a Hyperscan call when every rule
	 * needs more, or is anchored at both ends and needs exactly 4. */
	uint64_t len_ok[SW_LEN_BITS / 64];
};

/** May a scanned length of len bytes match any rule of grp? */
static inline bool
sw_match_len_ok(const struct sw_match_group *grp, uint32_t len)
{
	if (len < SW_LEN_BITS)
		return (grp->len_ok[len / 64] >> (len % 64)) & 1;
	return len >= grp->min_len;
}

struct sw_match_db {
	/* read by workers */
	uint8_t tcp[65536];		/* destination port → group + 1, 0: no rule */
	uint8_t udp[65536];
	uint8_t other;			/* protocols without ports */
	uint32_t max_bytes;		/* payload bytes scanned per packet */
	uint32_t gen;
	uint32_t ngroups;
	struct sw_match_group group[SW_MATCH_GROUPS];
	uint32_t *sid;			/* per rule: for the workers' dedup */
	unsigned nscratch;
	hs_scratch_t *scratch[SW_MAX_WORKERS];

	/* control plane */
	struct sw_ruleset rs;
	size_t db_bytes, scratch_bytes;
	unsigned cached;		/* groups loaded from the cache, not compiled */
};

struct sw_retired {
	struct sw_match_db *db;
	uint64_t token;			/* rte_rcu_qsbr_start() at the swap */
	bool passed;			/* every worker passed: free after a drain */
};

struct sw_matcher {
	/* RCU-protected: workers load it once per burst (acquire) */
	struct sw_match_db *cur;
	struct rte_rcu_qsbr *qs;

	/* control thread only */
	struct sw_worker *w[SW_MAX_WORKERS];	/* copied: the caller's array may go */
	unsigned nw;
	struct sw_strlist files;
	uint32_t max_bytes;
	uint32_t gen;
	struct sw_retired retired[SW_MATCH_RETIRED];
	unsigned nretired;

	/* the helper thread that compiles a reload */
	pthread_t helper;
	bool helper_running;
	int helper_done;		/* atomic: set by the helper when finished */
	struct sw_match_db *result;
	char result_err[1024];

	/* read by the telemetry thread */
	uint64_t reloads, failures;	/* atomic */
	struct sw_matcher_stats pub;	/* the current database's numbers, atomic */
	pthread_mutex_t lock;		/* last_error */
	char last_error[1024];
};

/** Load every file of files into a ruleset and build a database.
 *  @return NULL with err set */
/** Where compiled databases are cached: a directory, "auto" (/var/cache/
 *  scanwatch when writable, else $XDG_CACHE_HOME or ~/.cache), or "" (off).
 *  Set before the first build; the reload helper reads it. */
void sw_match_db_cache_dir(const char *dir);

struct sw_match_db *sw_match_db_load(const struct sw_strlist *files, unsigned nworkers,
				     uint32_t max_bytes, char *err, size_t errlen);

#endif /* SW_MATCH_INT_H */
