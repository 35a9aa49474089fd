/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rules → Hyperscan block-mode databases. The rules that apply to a packet
 * depend only on its protocol and destination port, so the port space of
 * TCP and of UDP is cut where some rule's port range starts or ends, and
 * every distinct set of rules becomes one database: a packet is scanned
 * once, by exactly the rules that can apply to it (a rule for HTTP ports
 * never costs anything on DNS). Rules for any port are in every database.
 * Control plane: runs at start and on the reload helper thread.
 */

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "match/match_int.h"

/* Compiled databases cached by what they were compiled from ------------------
 *
 * Compiling the shipped rules takes longer than everything else at start.
 * A database is stored with hs_serialize_database() under the FNV-1a hash
 * of its inputs (Hyperscan's version, mode, and every expression, flag and
 * id), with the inputs themselves in the file: a load compares them byte
 * for byte before hs_deserialize_database(), so a hash collision or a file
 * from another version is a miss, never a wrong database. Files are
 * written to a temporary name and renamed, so concurrent starts share the
 * directory safely. Anything that fails is a miss: compile as before.
 */

static char cache_dir[SW_MAX_STR];	/* "" = no cache; set before any build */

void
sw_match_db_cache_dir(const char *dir)
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CACHE_HOME");

	cache_dir[0] = '\0';
	if (dir == NULL || dir[0] == '\0')
		return;
	if (strcmp(dir, "auto") != 0) {
		snprintf(cache_dir, sizeof(cache_dir), "%s", dir);
	} else if (access("/var/cache", W_OK) == 0) {
		snprintf(cache_dir, sizeof(cache_dir), "/var/cache/scanwatch");
	} else if (xdg != NULL && xdg[0] == '/') {
		snprintf(cache_dir, sizeof(cache_dir), "%s/scanwatch", xdg);
	} else if (home != NULL && home[0] == '/') {
		snprintf(cache_dir, sizeof(cache_dir), "%s/.cache/scanwatch", home);
	}
}

/* The inputs of one compile, as bytes: the cache key and the file's header. */
static char *
cache_key(const char *const *expr, const unsigned *flags, const unsigned *ids, unsigned n,
	  size_t *len)
{
	size_t cap = 64 + strlen(hs_version());
	char *k, *p;

	for (unsigned i = 0; i < n; i++)
		cap += 12 + strlen(expr[i]);
	k = malloc(cap);
	if (k == NULL)
		return NULL;
	p = k + sprintf(k, "scanwatch-hsdb-1\n%s\nblock %u\n", hs_version(), n);
	for (unsigned i = 0; i < n; i++) {
		uint32_t f = flags[i], id = ids[i], l = (uint32_t)strlen(expr[i]);

		memcpy(p, &f, 4);
		memcpy(p + 4, &id, 4);
		memcpy(p + 8, &l, 4);
		memcpy(p + 12, expr[i], l);
		p += 12 + l;
	}
	*len = (size_t)(p - k);
	return k;
}

static void
cache_path(char *path, size_t size, const char *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a 64 */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)key[i]) * 0x100000001b3ULL;
	snprintf(path, size, "%s/%016llx.hsdb", cache_dir, (unsigned long long)h);
}

static hs_database_t *
cache_load(const char *key, size_t len)
{
	char path[SW_MAX_STR + 32];
	hs_database_t *db = NULL;
	struct stat st;
	char *buf = NULL;
	uint64_t klen;
	FILE *f;

	cache_path(path, sizeof(path), key, len);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	if (fstat(fileno(f), &st) != 0 || st.st_size < (off_t)(8 + len) ||
	    fread(&klen, 8, 1, f) != 1 || klen != len)
		goto out;
	buf = malloc((size_t)st.st_size);
	if (buf == NULL || fread(buf, 1, (size_t)st.st_size - 8, f) != (size_t)st.st_size - 8 ||
	    memcmp(buf, key, len) != 0)
		goto out;
	if (hs_deserialize_database(buf + len, (size_t)st.st_size - 8 - len, &db) != HS_SUCCESS)
		db = NULL;
out:
	free(buf);
	fclose(f);
	return db;
}

static void
cache_store(const char *key, size_t len, const hs_database_t *db)
{
	char path[SW_MAX_STR + 32], tmp[SW_MAX_STR + 64];
	char *bytes = NULL;
	size_t n = 0;
	uint64_t klen = len;
	FILE *f;
	bool ok;

	if (hs_serialize_database(db, &bytes, &n) != HS_SUCCESS)
		return;
	(void)mkdir(cache_dir, 0755);
	cache_path(path, sizeof(path), key, len);
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	f = fopen(tmp, "wb");
	if (f == NULL) {
		free(bytes);
		return;
	}
	ok = fwrite(&klen, 8, 1, f) == 1 && fwrite(key, 1, len, f) == len &&
	     fwrite(bytes, 1, n, f) == n;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
	free(bytes);
}

static bool
rule_applies(const struct sw_rule *r, uint8_t proto, int port)
{
	if (r->proto != 0 && r->proto != proto)
		return false;
	if (r->nranges == 0)
		return true;
	if (port < 0)
		return false;	/* protocols without ports: only "any" rules */
	for (unsigned i = 0; i < r->nranges; i++)
		if (port >= r->ranges[i].lo && port <= r->ranges[i].hi)
			return true;
	return false;
}

/* Rule sets as bitsets, one per group, to find equal sets. */
struct builder {
	struct sw_match_db *db;
	unsigned words;			/* uint64_t per bitset */
	uint64_t *sets;			/* SW_MATCH_GROUPS bitsets */
	uint64_t *cur;
	char *err;
	size_t errlen;
};

/* Group of the rule set in b->cur: an existing equal one or a new one.
 * @return group + 1, 0 for an empty set, -1 when there are too many */
static int
group_of(struct builder *b)
{
	struct sw_match_db *db = b->db;
	bool empty = true;

	for (unsigned i = 0; i < b->words; i++)
		empty &= b->cur[i] == 0;
	if (empty)
		return 0;
	for (unsigned g = 0; g < db->ngroups; g++)
		if (memcmp(&b->sets[(size_t)g * b->words], b->cur, b->words * 8) == 0)
			return (int)g + 1;
	if (db->ngroups == SW_MATCH_GROUPS)
		return -1;
	memcpy(&b->sets[(size_t)db->ngroups * b->words], b->cur, b->words * 8);
	return (int)++db->ngroups;
}

static void
set_of(struct builder *b, uint8_t proto, int port)
{
	const struct sw_ruleset *rs = &b->db->rs;

	memset(b->cur, 0, b->words * 8);
	for (unsigned i = 0; i < rs->n; i++)
		if (rule_applies(&rs->v[i], proto, port))
			b->cur[i / 64] |= 1ULL << (i % 64);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Fill map[port] for one protocol: the sets only change where a range of
 * some rule starts or ends. */
static int
map_proto(struct builder *b, uint8_t proto, uint8_t *map)
{
	const struct sw_ruleset *rs = &b->db->rs;
	uint32_t *cut = malloc((2 * (size_t)rs->n * SW_RULE_RANGES + 2) * sizeof(*cut));
	unsigned nc = 0;

	if (cut == NULL)
		return -ENOMEM;
	cut[nc++] = 0;
	cut[nc++] = 65536;
	for (unsigned i = 0; i < rs->n; i++)
		for (unsigned k = 0; k < rs->v[i].nranges; k++) {
			cut[nc++] = rs->v[i].ranges[k].lo;
			cut[nc++] = (uint32_t)rs->v[i].ranges[k].hi + 1;
		}
	qsort(cut, nc, sizeof(*cut), cmp_u32);
	for (unsigned c = 0; c + 1 < nc; c++) {
		int g;

		if (cut[c] == cut[c + 1])
			continue;
		set_of(b, proto, (int)cut[c]);
		g = group_of(b);
		if (g < 0) {
			free(cut);
			snprintf(b->err, b->errlen, "the rules' port lists make more than %d "
				 "distinct port groups: merge port lists", SW_MATCH_GROUPS);
			return -E2BIG;
		}
		memset(&map[cut[c]], g, cut[c + 1] - cut[c]);
	}
	free(cut);
	return 0;
}

/* The buffer lengths a rule can match: [lo, hi], hi UINT32_MAX if any longer. */
struct span {
	uint32_t lo, hi;
};

/*
 * Is the rule's pattern anchored at both ends (^...$), so that a match
 * spans the whole scanned buffer? Conservative: no alternation anywhere
 * (a top-level | would unanchor a branch), no multi-line mode, and the
 * final $ not escaped. Such a rule matches buffers of its own widths only,
 * plus one: PCRE's $ also matches before a final newline.
 */
static bool
anchored_both(const struct sw_rule *r)
{
	const char *p = r->pattern;
	size_t n = strlen(p), bs = 0;

	if (n < 2 || p[0] != '^' || p[n - 1] != '$' || strchr(p, '|') != NULL ||
	    (r->hs_flags & HS_FLAG_MULTILINE))
		return false;
	while (bs + 1 < n && p[n - 2 - bs] == '\\')
		bs++;
	return bs % 2 == 0;
}

static void
rule_error(struct builder *b, const struct sw_rule *r, const char *what)
{
	snprintf(b->err, b->errlen, "%s:%u: sid %u: pattern /%.80s/: %s", r->file, r->line,
		 r->sid, r->pattern, what);
}

static int
compile_group(struct builder *b, unsigned g, const struct span *span)
{
	struct sw_match_db *db = b->db;
	struct sw_match_group *grp = &db->group[g];
	const uint64_t *set = &b->sets[(size_t)g * b->words];
	const char **expr;
	unsigned *flags, *ids;
	hs_compile_error_t *cerr = NULL;
	hs_error_t rc;
	unsigned n = 0;

	for (unsigned i = 0; i < db->rs.n; i++)
		n += (set[i / 64] >> (i % 64)) & 1;
	grp->ids = calloc(n, sizeof(*grp->ids));
	expr = calloc(n, sizeof(*expr));
	flags = calloc(n, sizeof(*flags));
	ids = calloc(n, sizeof(*ids));
	if (grp->ids == NULL || expr == NULL || flags == NULL || ids == NULL) {
		free(expr);
		free(flags);
		free(ids);
		snprintf(b->err, b->errlen, "out of memory compiling the rules");
		return -ENOMEM;
	}
	grp->min_len = UINT32_MAX;
	for (unsigned i = 0, k = 0; i < db->rs.n; i++) {
		const struct sw_rule *r = &db->rs.v[i];

		if (!((set[i / 64] >> (i % 64)) & 1))
			continue;
		expr[k] = r->pattern;
		/* one report per rule per packet is all an alert needs, and
		 * it lets Hyperscan stop tracking the rule after a match */
		flags[k] = r->hs_flags | HS_FLAG_SINGLEMATCH;
		ids[k] = k;
		grp->ids[k] = i;
		grp->min_len = RTE_MIN(grp->min_len, span[i].lo);
		for (uint32_t l = span[i].lo; l <= span[i].hi && l < SW_LEN_BITS; l++)
			grp->len_ok[l / 64] |= 1ull << (l % 64);
		k++;
	}
	grp->n = n;
	{
		size_t klen = 0;
		char *key = cache_dir[0] ? cache_key(expr, flags, ids, n, &klen) : NULL;

		grp->hs = key ? cache_load(key, klen) : NULL;
		if (grp->hs != NULL) {
			rc = HS_SUCCESS;
			b->db->cached++;
		} else {
			rc = hs_compile_multi(expr, flags, ids, n, HS_MODE_BLOCK, NULL, &grp->hs,
					      &cerr);
			if (rc == HS_SUCCESS && key != NULL)
				cache_store(key, klen, grp->hs);
		}
		free(key);
	}
	free(expr);
	free(flags);
	free(ids);
	if (rc != HS_SUCCESS) {
		/* the expression index names the rule, and so its file:line */
		if (cerr != NULL && cerr->expression >= 0 && (unsigned)cerr->expression < n)
			rule_error(b, &db->rs.v[grp->ids[cerr->expression]], cerr->message);
		else
			snprintf(b->err, b->errlen, "Hyperscan cannot compile the rule set: %s",
				 cerr ? cerr->message : "unknown error");
		hs_free_compile_error(cerr);
		grp->hs = NULL;
		return -EINVAL;
	}
	return 0;
}

struct sw_match_db *
sw_match_db_build(struct sw_ruleset *rs, unsigned nworkers, uint32_t max_bytes,
		  char *err, size_t errlen)
{
	struct builder b = { .err = err, .errlen = errlen };
	struct sw_match_db *db;
	hs_scratch_t *proto = NULL;
	struct span *span = NULL;
	size_t sz;

	err[0] = '\0';
	if (nworkers == 0 || nworkers > SW_MAX_WORKERS) {
		snprintf(err, errlen, "%u workers: matching supports 1..%d", nworkers,
			 SW_MAX_WORKERS);
		sw_rules_free(rs);
		return NULL;
	}
	/* workers read the maps: DPDK memory, as everything on their path */
	db = rte_zmalloc("sw_match_db", sizeof(*db), RTE_CACHE_LINE_SIZE);
	if (db == NULL) {
		snprintf(err, errlen, "out of DPDK memory for the rule database");
		sw_rules_free(rs);
		return NULL;
	}
	db->rs = *rs;
	memset(rs, 0, sizeof(*rs));
	db->max_bytes = max_bytes;
	if (db->rs.n == 0) {
		snprintf(err, errlen, "no rules in %s", db->rs.nfiles ? db->rs.files[0] : "the rule files");
		goto fail;
	}
	b.db = db;
	b.words = (db->rs.n + 63) / 64;
	b.sets = calloc((size_t)SW_MATCH_GROUPS * b.words, 8);
	b.cur = calloc(b.words, 8);
	span = calloc(db->rs.n, sizeof(*span));
	db->sid = rte_zmalloc("sw_match_sid", db->rs.n * sizeof(*db->sid), RTE_CACHE_LINE_SIZE);
	if (b.sets == NULL || b.cur == NULL || span == NULL || db->sid == NULL) {
		snprintf(err, errlen, "out of memory compiling the rules");
		goto fail;
	}
	/* Each pattern on its own first: the message names the rule even
	 * when it would be in no database, and gives its shortest match. */
	for (unsigned i = 0; i < db->rs.n; i++) {
		const struct sw_rule *r = &db->rs.v[i];
		hs_expr_info_t *info = NULL;
		hs_compile_error_t *cerr = NULL;

		db->sid[i] = r->sid;
		if (hs_expression_info(r->pattern, r->hs_flags | HS_FLAG_SINGLEMATCH, &info,
				       &cerr) != HS_SUCCESS) {
			rule_error(&b, r, cerr ? cerr->message : "invalid expression");
			hs_free_compile_error(cerr);
			goto fail;
		}
		span[i].lo = info->min_width;
		span[i].hi = anchored_both(r) && info->max_width != UINT_MAX ?
			     info->max_width + 1 : UINT32_MAX;
		free(info);
	}
	if (map_proto(&b, IPPROTO_TCP, db->tcp) != 0 || map_proto(&b, IPPROTO_UDP, db->udp) != 0)
		goto fail;
	set_of(&b, 0, -1);
	{
		int g = group_of(&b);

		if (g < 0) {
			snprintf(err, errlen, "too many distinct port groups (at most %d)",
				 SW_MATCH_GROUPS);
			goto fail;
		}
		db->other = (uint8_t)g;
	}
	for (unsigned g = 0; g < db->ngroups; g++) {
		if (compile_group(&b, g, span) != 0)
			goto fail;
		if (hs_alloc_scratch(db->group[g].hs, &proto) != HS_SUCCESS) {
			snprintf(err, errlen, "Hyperscan cannot allocate scratch space");
			goto fail;
		}
		if (hs_database_size(db->group[g].hs, &sz) == HS_SUCCESS)
			db->db_bytes += sz;
	}
	/* One prototype grown to fit every database, then a clone per
	 * worker: a worker's scratch fits whichever group it scans. */
	db->nscratch = nworkers;
	for (unsigned i = 0; i < nworkers; i++) {
		if (hs_clone_scratch(proto, &db->scratch[i]) != HS_SUCCESS) {
			snprintf(err, errlen, "Hyperscan cannot clone scratch space for worker %u", i);
			goto fail;
		}
	}
	if (hs_scratch_size(proto, &sz) == HS_SUCCESS)
		db->scratch_bytes = sz;
	hs_free_scratch(proto);
	free(b.sets);
	free(b.cur);
	free(span);
	return db;
fail:
	hs_free_scratch(proto);
	free(b.sets);
	free(b.cur);
	free(span);
	sw_match_db_free(db);
	return NULL;
}

struct sw_match_db *
sw_match_db_load(const struct sw_strlist *files, unsigned nworkers, uint32_t max_bytes,
		 char *err, size_t errlen)
{
	struct sw_ruleset rs = { 0 };

	for (unsigned i = 0; i < files->n; i++) {
		if (sw_rules_load(&rs, files->v[i], err, errlen) != 0) {
			sw_rules_free(&rs);
			return NULL;
		}
	}
	return sw_match_db_build(&rs, nworkers, max_bytes, err, errlen);
}

int
sw_rules_check(const struct sw_conf *c, unsigned *nrules, char *err, size_t errlen)
{
	struct sw_ruleset rs = { 0 };
	int rc = 0;

	err[0] = '\0';
	*nrules = 0;
	if (c->rules_enabled == SW_NO)
		return 0;
	for (unsigned i = 0; i < c->rule_files.n && rc == 0; i++)
		rc = sw_rules_load(&rs, c->rule_files.v[i], err, errlen);
	/* each pattern alone: what Hyperscan would refuse, without EAL */
	for (unsigned i = 0; i < rs.n && rc == 0; i++) {
		const struct sw_rule *r = &rs.v[i];
		hs_expr_info_t *info = NULL;
		hs_compile_error_t *cerr = NULL;

		if (hs_expression_info(r->pattern, r->hs_flags | HS_FLAG_SINGLEMATCH, &info,
				       &cerr) != HS_SUCCESS) {
			snprintf(err, errlen, "%s:%u: sid %u: pattern /%.80s/: %s", r->file, r->line,
				 r->sid, r->pattern, cerr ? cerr->message : "invalid expression");
			hs_free_compile_error(cerr);
			rc = -EINVAL;
		}
		free(info);
	}
	*nrules = rs.n;
	sw_rules_free(&rs);
	return rc;
}

void
sw_match_db_free(struct sw_match_db *db)
{
	if (db == NULL)
		return;
	for (unsigned i = 0; i < db->nscratch; i++)
		hs_free_scratch(db->scratch[i]);
	for (unsigned g = 0; g < db->ngroups; g++) {
		hs_free_database(db->group[g].hs);
		free(db->group[g].ids);
	}
	sw_rules_free(&db->rs);
	rte_free(db->sid);
	rte_free(db);
}

const struct sw_rule *
sw_match_db_rule(const struct sw_match_db *db, uint32_t idx)
{
	return db != NULL && idx < db->rs.n ? &db->rs.v[idx] : NULL;
}

void
sw_match_db_sizes(const struct sw_match_db *db, size_t *db_bytes, size_t *scratch_bytes)
{
	*db_bytes = db->db_bytes;
	*scratch_bytes = db->scratch_bytes;
}
