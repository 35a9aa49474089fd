/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The matcher: which rule database the workers use, and how it is replaced
 * without stopping them.
 *
 * Reload (SIGUSR2, or the telemetry command /scanwatch/reload) compiles the
 * rule files on a helper thread, so neither the workers nor the control
 * thread's draining wait for Hyperscan. The control thread then publishes
 * the new (database, per-worker scratch) pair with one release store and
 * asks rte_rcu_qsbr for a token; workers report a quiescent state once per
 * loop iteration, so within a burst or two every worker has moved to the
 * new database. The old one is freed only after rte_rcu_qsbr_check() says
 * so *and* the control thread has drained the match rings once more: a
 * match event names its rule by (generation, index), and that lookup must
 * still find the old rules. A file that fails to compile changes nothing
 * but the failure counter and the message.
 * (RCU: McKenney and Slingwine, "Read-copy update", 1998; DPDK's
 * rte_rcu_qsbr programmer's guide for the token/check protocol.)
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_telemetry.h>

#include "match/match_int.h"

/* DPDK's callbacks carry no context pointer, and commands cannot be
 * unregistered: one matcher per process, forgotten (under the lock the
 * callbacks hold) when it is freed. */
static struct sw_matcher *tel_matcher;
static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;

/* set by signal handlers and the telemetry thread; a lock-free int */
static int reload_req;

void
sw_match_request_reload(void)
{
	__atomic_store_n(&reload_req, 1, __ATOMIC_RELAXED);
}

/* What telemetry may read of the current database without an RCU read
 * side of its own: copied at each swap. */
static void
publish_stats(struct sw_matcher *m, const struct sw_match_db *db)
{
	__atomic_store_n(&m->pub.generation, db->gen, __ATOMIC_RELAXED);
	__atomic_store_n(&m->pub.rules, db->rs.n, __ATOMIC_RELAXED);
	__atomic_store_n(&m->pub.groups, db->ngroups, __ATOMIC_RELAXED);
	__atomic_store_n(&m->pub.db_bytes, (uint64_t)db->db_bytes, __ATOMIC_RELAXED);
}

static void
set_error(struct sw_matcher *m, const char *msg)
{
	pthread_mutex_lock(&m->lock);
	snprintf(m->last_error, sizeof(m->last_error), "%s", msg);
	pthread_mutex_unlock(&m->lock);
}

void
sw_matcher_last_error(struct sw_matcher *m, char *buf, size_t len)
{
	pthread_mutex_lock(&m->lock);
	snprintf(buf, len, "%s", m->last_error);
	pthread_mutex_unlock(&m->lock);
}

struct sw_matcher *
sw_matcher_create(const struct sw_conf *c, struct sw_worker **w, unsigned nw,
		  char *err, size_t errlen)
{
	struct sw_matcher *m;
	size_t qsz;

	err[0] = '\0';
	if (c->rules_enabled == SW_NO || c->rule_files.n == 0)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		snprintf(err, errlen, "out of memory for the matcher");
		return NULL;
	}
	pthread_mutex_init(&m->lock, NULL);
	if (nw == 0 || nw > SW_MAX_WORKERS) {
		snprintf(err, errlen, "%u workers: matching supports 1..%d", nw, SW_MAX_WORKERS);
		goto fail;
	}
	memcpy(m->w, w, nw * sizeof(*w));
	m->nw = nw;
	sw_match_db_cache_dir(c->rule_cache_dir);
	m->files = c->rule_files;
	m->max_bytes = c->rule_max_bytes;
	m->cur = sw_match_db_load(&m->files, nw, m->max_bytes, err, errlen);
	if (m->cur == NULL)
		goto fail;
	m->cur->gen = ++m->gen;
	publish_stats(m, m->cur);
	qsz = rte_rcu_qsbr_get_memsize(nw);
	m->qs = rte_zmalloc("sw_match_qsbr", qsz, RTE_CACHE_LINE_SIZE);
	if (m->qs == NULL || rte_rcu_qsbr_init(m->qs, nw) != 0) {
		snprintf(err, errlen, "cannot set up RCU for %u workers: %s", nw,
			 rte_strerror(rte_errno));
		goto fail;
	}
	for (unsigned i = 0; i < nw; i++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "sw_match_%u_%p", i, (void *)m);
		w[i]->mring = rte_ring_create_elem(name, sizeof(struct sw_match_event),
						   c->match_ring_size, SOCKET_ID_ANY,
						   RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (w[i]->mring == NULL) {
			snprintf(err, errlen, "cannot create match ring %s of %u: %s: lower "
				 "rules.ring-size or give EAL more memory", name,
				 c->match_ring_size, rte_strerror(rte_errno));
			goto fail;
		}
		w[i]->matcher = m;
	}
	fprintf(stderr, "scanwatch: rules: %u rules in %u databases (generation %u, %u from the "
		"cache), first %u payload bytes scanned\n", m->cur->rs.n, m->cur->ngroups,
		m->cur->gen, m->cur->cached, m->max_bytes);
	return m;
fail:
	sw_matcher_free(m);
	return NULL;
}

/* Free retired databases whose grace period has ended. */
static void
reap(struct sw_matcher *m)
{
	unsigned k = 0;

	for (unsigned i = 0; i < m->nretired; i++) {
		struct sw_retired *r = &m->retired[i];

		/* passed on an earlier poll: the rings have been drained since */
		if (r->passed) {
			sw_match_db_free(r->db);
			continue;
		}
		if (rte_rcu_qsbr_check(m->qs, r->token, false) == 1)
			r->passed = true;
		m->retired[k++] = *r;
	}
	m->nretired = k;
}

static void *
helper_main(void *arg)
{
	struct sw_matcher *m = arg;

	m->result = sw_match_db_load(&m->files, m->nw, m->max_bytes, m->result_err,
				     sizeof(m->result_err));
	__atomic_store_n(&m->helper_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The helper finished: publish its database, or keep the old one. */
static void
finish_reload(struct sw_matcher *m)
{
	struct sw_match_db *old = m->cur, *db = m->result;

	pthread_join(m->helper, NULL);
	m->helper_running = false;
	m->result = NULL;
	if (db == NULL) {
		__atomic_fetch_add(&m->failures, 1, __ATOMIC_RELAXED);
		fprintf(stderr, "scanwatch: rules reload failed, keeping generation %u: %s\n",
			m->gen, m->result_err);
		set_error(m, m->result_err);
		return;
	}
	db->gen = ++m->gen;
	__atomic_store_n(&m->cur, db, __ATOMIC_RELEASE);
	publish_stats(m, db);
	m->retired[m->nretired].db = old;
	m->retired[m->nretired].token = rte_rcu_qsbr_start(m->qs);
	m->retired[m->nretired].passed = false;
	m->nretired++;
	__atomic_fetch_add(&m->reloads, 1, __ATOMIC_RELAXED);
	fprintf(stderr, "scanwatch: rules reloaded: %u rules in %u databases (generation %u)\n",
		db->rs.n, db->ngroups, db->gen);
	set_error(m, "");
}

int
sw_matcher_poll(struct sw_matcher *m)
{
	int done = 0;

	if (m == NULL) {
		/* SIGUSR2 with matching off: say so rather than nothing */
		if (__atomic_exchange_n(&reload_req, 0, __ATOMIC_RELAXED))
			fprintf(stderr, "scanwatch: rules reload ignored: payload rules are off "
				"(rules.enabled: no, or rules.files empty); restart to turn them on\n");
		return 0;
	}
	reap(m);
	if (m->helper_running && __atomic_load_n(&m->helper_done, __ATOMIC_ACQUIRE)) {
		finish_reload(m);
		done = 1;
	}
	/* one compile at a time; with every retired slot busy (workers not
	 * moving) the request waits for the next poll */
	if (__atomic_load_n(&reload_req, __ATOMIC_RELAXED) && !m->helper_running &&
	    m->nretired < SW_MATCH_RETIRED) {
		__atomic_store_n(&reload_req, 0, __ATOMIC_RELAXED);
		m->helper_done = 0;
		m->result_err[0] = '\0';
		if (pthread_create(&m->helper, NULL, helper_main, m) != 0) {
			__atomic_fetch_add(&m->failures, 1, __ATOMIC_RELAXED);
			fprintf(stderr, "scanwatch: rules reload: cannot start the compile "
				"thread: %s\n", strerror(errno));
			set_error(m, "cannot start the compile thread");
			return done;
		}
		m->helper_running = true;
	}
	return done;
}

void
sw_matcher_quiesce(struct sw_matcher *m, void (*drain)(void *), void *arg)
{
	if (m == NULL)
		return;
	while (m->helper_running || m->nretired > 0) {
		if (drain != NULL)
			drain(arg);
		sw_matcher_poll(m);
		if (m->helper_running || m->nretired > 0)
			rte_delay_us_sleep(100);
	}
}

const struct sw_rule *
sw_matcher_rule(const struct sw_matcher *m, uint32_t gen, uint32_t idx)
{
	if (m == NULL)
		return NULL;
	if (m->cur != NULL && m->cur->gen == gen)
		return sw_match_db_rule(m->cur, idx);
	for (unsigned i = 0; i < m->nretired; i++)
		if (m->retired[i].db->gen == gen)
			return sw_match_db_rule(m->retired[i].db, idx);
	return NULL;
}

void
sw_matcher_stats(const struct sw_matcher *m, struct sw_matcher_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (m == NULL)
		return;
	st->reloads = __atomic_load_n(&m->reloads, __ATOMIC_RELAXED);
	st->reload_failures = __atomic_load_n(&m->failures, __ATOMIC_RELAXED);
	st->generation = __atomic_load_n(&m->pub.generation, __ATOMIC_RELAXED);
	st->rules = __atomic_load_n(&m->pub.rules, __ATOMIC_RELAXED);
	st->groups = __atomic_load_n(&m->pub.groups, __ATOMIC_RELAXED);
	st->db_bytes = __atomic_load_n(&m->pub.db_bytes, __ATOMIC_RELAXED);
}

void
sw_matcher_free(struct sw_matcher *m)
{
	if (m == NULL)
		return;
	pthread_mutex_lock(&tel_lock);
	if (tel_matcher == m)
		tel_matcher = NULL;
	pthread_mutex_unlock(&tel_lock);
	if (m->helper_running) {
		pthread_join(m->helper, NULL);
		sw_match_db_free(m->result);
	}
	for (unsigned i = 0; i < m->nretired; i++)
		sw_match_db_free(m->retired[i].db);
	for (unsigned i = 0; i < m->nw; i++) {
		if (m->w[i] == NULL)
			continue;
		rte_ring_free(m->w[i]->mring);
		m->w[i]->mring = NULL;
		m->w[i]->matcher = NULL;
	}
	sw_match_db_free(m->cur);
	rte_free(m->qs);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/* Telemetry ---------------------------------------------------------------- */


static int
tel_status(struct sw_matcher *m, struct rte_tel_data *d, const char *status)
{
	struct sw_matcher_stats st;
	char buf[1024];

	sw_matcher_stats(m, &st);
	sw_matcher_last_error(m, buf, sizeof(buf));
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "status", status);
	rte_tel_data_add_dict_u64(d, "generation", st.generation);
	rte_tel_data_add_dict_u64(d, "rules", st.rules);
	rte_tel_data_add_dict_u64(d, "databases", st.groups);
	rte_tel_data_add_dict_u64(d, "database_bytes", st.db_bytes);
	rte_tel_data_add_dict_u64(d, "reloads", st.reloads);
	rte_tel_data_add_dict_u64(d, "reload_failures", st.reload_failures);
	/* telemetry strings are limited to RTE_TEL_MAX_STRING_LEN (128) */
	buf[RTE_TEL_MAX_STRING_LEN - 1] = '\0';
	rte_tel_data_add_dict_string(d, "last_error", buf);
	return 0;
}

static int
tel_reload(const char *cmd, const char *params, struct rte_tel_data *d)
{
	int rc = -ENOENT;

	(void)cmd;
	(void)params;
	pthread_mutex_lock(&tel_lock);
	if (tel_matcher != NULL) {
		/* the control thread starts it: telemetry only asks */
		sw_match_request_reload();
		rc = tel_status(tel_matcher, d, "requested");
	}
	pthread_mutex_unlock(&tel_lock);
	return rc;
}

static int
tel_rules(const char *cmd, const char *params, struct rte_tel_data *d)
{
	int rc = -ENOENT;

	(void)cmd;
	(void)params;
	pthread_mutex_lock(&tel_lock);
	if (tel_matcher != NULL)
		rc = tel_status(tel_matcher, d, "ok");
	pthread_mutex_unlock(&tel_lock);
	return rc;
}

int
sw_match_telemetry_register(struct sw_matcher *m)
{
	static bool registered;
	int rc = 0;

	pthread_mutex_lock(&tel_lock);
	tel_matcher = m;
	pthread_mutex_unlock(&tel_lock);
	if (registered)
		return 0;	/* a later matcher (tests) takes over the commands */
	registered = true;
	rc = rte_telemetry_register_cmd("/scanwatch/reload", tel_reload,
					"Recompile the rule files and swap them in. "
					"Returns the status before the reload");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/scanwatch/rules", tel_rules,
						"Rule database: generation, rules, reloads, "
						"last error");
	return rc;
}
