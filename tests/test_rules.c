/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for src/match/rules.c and db.c: the rule line format, the
 * errors (each names file:line), includes relative to the including file
 * with cycle detection, Hyperscan compile errors mapped back to the rule,
 * the port groups, and the shipped rule set compiling.
 * Usage: test_rules RULES_DIR
 */

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scanwatch/match.h>
#include "match/match_int.h"

#include "check.h"
#include "eal.h"

static const char *rules_dir;
static char tmpdir[PATH_MAX];

static void
write_file(const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static int
load_text(struct sw_ruleset *rs, const char *text, char *err, size_t len)
{
	memset(rs, 0, sizeof(*rs));
	return sw_rules_load_string(rs, text, "t.rules", err, len);
}

static void
every_field_parses(void)
{
	struct sw_ruleset rs;
	char err[512];
	int rc = load_text(&rs,
		"# a comment\n"
		"\n"
		"  sid:1000001 rev:3 sev:1 class:web-application-attack proto:tcp "
		"ports:80,443,8000-8100 tool:nmap msg:\"say \\\"hi\\\" \\\\ there\" "
		"pattern:/a/b c\\d+/ism\n", err, sizeof(err));
	const struct sw_rule *r = &rs.v[0];

	CHECK(rc == 0, "rc %d: %s", rc, err);
	CHECK(rs.n == 1, "%u rules", rs.n);
	if (rs.n != 1)
		return;
	CHECK(r->sid == 1000001 && r->rev == 3 && r->severity == 1, "sid/rev/sev");
	CHECK(strcmp(r->classtype, "web-application-attack") == 0, "%s", r->classtype);
	CHECK(r->proto == IPPROTO_TCP, "proto %u", r->proto);
	CHECK(r->nranges == 3 && r->ranges[0].lo == 80 && r->ranges[0].hi == 80 &&
	      r->ranges[2].lo == 8000 && r->ranges[2].hi == 8100, "ranges");
	CHECK(strcmp(r->tool, "nmap") == 0, "tool %s", r->tool);
	CHECK(strcmp(r->msg, "say \"hi\" \\ there") == 0, "msg [%s]", r->msg);
	/* the pattern runs to the last slash: inner slashes need no escape */
	CHECK(strcmp(r->pattern, "a/b c\\d+") == 0, "pattern [%s]", r->pattern);
	CHECK(r->hs_flags == (HS_FLAG_CASELESS | HS_FLAG_DOTALL | HS_FLAG_MULTILINE),
	      "flags %#x", r->hs_flags);
	CHECK(r->line == 3 && strcmp(r->file, "t.rules") == 0, "%s:%u", r->file, r->line);
	sw_rules_free(&rs);
}

static void
defaults_come_from_the_classtype(void)
{
	struct sw_ruleset rs;
	char err[512];
	int rc = load_text(&rs, "sid:7 class:attempted-recon msg:\"m\" pattern:/x/\n"
			   "sid:8 msg:\"m\" pattern:/y/\n", err, sizeof(err));

	CHECK(rc == 0 && rs.n == 2, "rc %d n %u: %s", rc, rs.n, err);
	if (rs.n != 2)
		return;
	CHECK(rs.v[0].severity == 2, "attempted-recon is priority 2, got %u", rs.v[0].severity);
	CHECK(rs.v[0].rev == 1 && rs.v[0].proto == 0 && rs.v[0].nranges == 0, "defaults");
	CHECK(strcmp(rs.v[1].classtype, "misc-activity") == 0 && rs.v[1].severity == 3,
	      "%s %u", rs.v[1].classtype, rs.v[1].severity);
	CHECK(strcmp(sw_rules_class_desc("attempted-recon"), "Attempted Information Leak") == 0,
	      "category text");
	sw_rules_free(&rs);
}

static void
errors_name_file_and_line(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "\n\nsid:1 msg:\"m\" bogus:1 pattern:/x/\n", "t.rules:3: unknown key 'bogus'" },
		{ "sid:0 msg:\"m\" pattern:/x/\n", "t.rules:1: sid: expected an integer" },
		{ "sid:x msg:\"m\" pattern:/x/\n", "sid: expected" },
		{ "sid:1 msg:\"m\"\n", "t.rules:1: a rule needs sid:, msg: and pattern: (missing pattern)" },
		{ "sid:1 pattern:/x/\n", "(missing msg)" },
		{ "sid:1 msg:\"m\" pattern:/x/q\n", "unknown flag 'q'" },
		{ "sid:1 msg:\"m\" pattern:/x\n", "missing closing '/'" },
		{ "sid:1 msg:\"m\" pattern://\n", "empty expression" },
		{ "sid:1 msg:\"m pattern:/x/\n", "missing closing quote" },
		{ "sid:1 sev:5 msg:\"m\" pattern:/x/\n", "sev: expected 1 (highest) .. 4" },
		{ "sid:1 class:atempted-recon msg:\"m\" pattern:/x/\n", "unknown classtype 'atempted-recon'" },
		{ "sid:1 proto:icmp msg:\"m\" pattern:/x/\n", "proto: expected tcp, udp or any" },
		{ "sid:1 ports:90-80 msg:\"m\" pattern:/x/\n", "ports: expected" },
		{ "sid:1 ports:80, msg:\"m\" pattern:/x/\n", "ports: expected" },
		{ "sid:1 ports:70000 msg:\"m\" pattern:/x/\n", "ports: expected" },
		{ "sid:1 tool:Nmap msg:\"m\" pattern:/x/\n", "tool: expected a short lowercase name" },
		{ "sid:5 msg:\"a\" pattern:/x/\n# c\nsid:5 msg:\"b\" pattern:/y/\n",
		  "t.rules:3: sid 5 is already used at t.rules:1" },
		{ "include\n", "t.rules:1: include: no file named" },
		{ "include /nonexistent/x.rules\n", "t.rules:1: include /nonexistent/x.rules: No such file" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sw_ruleset rs;
		char err[512];
		int rc = load_text(&rs, cases[i].text, err, sizeof(err));

		CHECK(rc != 0, "case %zu accepted", i);
		CHECK(strstr(err, cases[i].want) != NULL, "case %zu: got [%s] want [%s]", i, err,
		      cases[i].want);
		sw_rules_free(&rs);
	}
}

static void
includes_are_relative_and_cycles_are_refused(void)
{
	struct sw_ruleset rs = { 0 };
	char err[1024], path[PATH_MAX + 32], sub[PATH_MAX + 8];
	int rc;

	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	mkdir(sub, 0700);
	/* top includes sub/a and sub/b; both include sub/common (read once) */
	write_file("top.rules", "include sub/a.rules\ninclude sub/b.rules\n"
		   "sid:1 msg:\"top\" pattern:/top/\n");
	write_file("sub/a.rules", "include common.rules\nsid:2 msg:\"a\" pattern:/a/\n");
	write_file("sub/b.rules", "# b\ninclude common.rules\nsid:3 msg:\"b\" pattern:/b/\n");
	write_file("sub/common.rules", "sid:4 msg:\"common\" pattern:/common/\n");
	snprintf(path, sizeof(path), "%s/top.rules", tmpdir);
	rc = sw_rules_load(&rs, path, err, sizeof(err));
	CHECK(rc == 0, "rc %d: %s", rc, err);
	CHECK(rs.n == 4, "%u rules (common read once)", rs.n);
	for (unsigned i = 0; i < rs.n; i++)
		if (rs.v[i].sid == 4)
			CHECK(strstr(rs.v[i].file, "sub/common.rules") != NULL && rs.v[i].line == 1,
			      "common rule at %s:%u", rs.v[i].file, rs.v[i].line);
	sw_rules_free(&rs);

	/* x → y → x */
	write_file("x.rules", "sid:10 msg:\"x\" pattern:/x/\ninclude sub/y.rules\n");
	write_file("sub/y.rules", "\n\ninclude ../x.rules\n");
	snprintf(path, sizeof(path), "%s/x.rules", tmpdir);
	rc = sw_rules_load(&rs, path, err, sizeof(err));
	CHECK(rc == -ELOOP, "cycle: rc %d: %s", rc, err);
	CHECK(strstr(err, "sub/y.rules:3: include cycle") != NULL && strstr(err, "x.rules ->") != NULL,
	      "cycle message: %s", err);
	sw_rules_free(&rs);

	/* a file including itself */
	write_file("self.rules", "include self.rules\n");
	snprintf(path, sizeof(path), "%s/self.rules", tmpdir);
	rc = sw_rules_load(&rs, path, err, sizeof(err));
	CHECK(rc == -ELOOP && strstr(err, "self.rules:1: include cycle") != NULL, "self: %s", err);
	sw_rules_free(&rs);

	rc = sw_rules_load(&rs, "/nonexistent.rules", err, sizeof(err));
	CHECK(rc == -ENOENT && strstr(err, "/nonexistent.rules") != NULL, "missing: %s", err);
	sw_rules_free(&rs);

	/* an endless file of NULs is refused at its first read, not once
	 * memory is full (tests/fuzz/regress/rules/include-dev-zero) */
	write_file("zero.rules", "include /dev/zero\n");
	snprintf(path, sizeof(path), "%s/zero.rules", tmpdir);
	rc = sw_rules_load(&rs, path, err, sizeof(err));
	CHECK(rc == -EINVAL && strstr(err, "zero.rules:1: include /dev/zero: not a text file") != NULL,
	      "/dev/zero: rc %d: %s", rc, err);
	sw_rules_free(&rs);
}

static void
compile_error_names_the_rule(void)
{
	struct sw_ruleset rs = { 0 };
	struct sw_match_db *db;
	char err[1024], path[PATH_MAX + 32];

	/* line 4 has an unbalanced parenthesis; line 2 is fine */
	write_file("bad.rules", "# ok first\nsid:1 msg:\"ok\" pattern:/fine/\n\n"
		   "sid:2 proto:tcp ports:80 msg:\"broken\" pattern:/abc(def/\n");
	snprintf(path, sizeof(path), "%s/bad.rules", tmpdir);
	CHECK(sw_rules_load(&rs, path, err, sizeof(err)) == 0, "parses: %s", err);
	db = sw_match_db_build(&rs, 1, 256, err, sizeof(err));
	CHECK(db == NULL, "a broken pattern compiled");
	CHECK(strstr(err, "bad.rules:4: sid 2: pattern /abc(def/:") != NULL, "message: %s", err);
	/* Hyperscan's own text follows */
	CHECK(strstr(err, "parenthes") != NULL || strstr(err, "Missing") != NULL,
	      "hyperscan's reason: %s", err);
	CHECK(rs.n == 0, "ruleset handed over");
	sw_match_db_free(db);

	/* a construct Hyperscan does not support (backreference) */
	memset(&rs, 0, sizeof(rs));
	CHECK(sw_rules_load_string(&rs, "sid:9 msg:\"m\" pattern:/(a)\\1/\n", "br.rules",
				   err, sizeof(err)) == 0, "parses");
	db = sw_match_db_build(&rs, 1, 256, err, sizeof(err));
	CHECK(db == NULL && strstr(err, "br.rules:1: sid 9:") != NULL, "backref: %s", err);
	sw_match_db_free(db);
}

/* The sids of group g + 1, in rule order, as "1,2,4,". */
static const char *
group_sids(const struct sw_match_db *db, uint8_t g)
{
	static char out[256];
	char *p = out;

	out[0] = '\0';
	if (g != 0)
		for (unsigned k = 0; k < db->group[g - 1].n && p < out + sizeof(out) - 12; k++)
			p += sprintf(p, "%u,", db->sid[db->group[g - 1].ids[k]]);
	return out;
}

/* Packets are scanned by exactly the rules of their (protocol, port). */
static void
port_groups_hold_exactly_the_rules_that_apply(void)
{
	struct sw_ruleset rs = { 0 };
	struct sw_match_db *db;
	char err[1024];
	int rc = sw_rules_load_string(&rs,
		"sid:1 proto:tcp ports:80,8888 msg:\"http\" pattern:/GET/\n"
		"sid:2 proto:tcp msg:\"any tcp\" pattern:/tcpany/\n"
		"sid:3 proto:udp ports:53 msg:\"dns\" pattern:/dns/\n"
		"sid:4 msg:\"any\" pattern:/anything/\n"
		"sid:5 ports:8000-8100 msg:\"range both\" pattern:/range/\n",
		"g.rules", err, sizeof(err));

	CHECK(rc == 0, "%s", err);
	db = sw_match_db_build(&rs, 2, 256, err, sizeof(err));
	CHECK(db != NULL, "%s", err);
	if (db == NULL)
		return;
	CHECK(strcmp(group_sids(db, db->tcp[80]), "1,2,4,") == 0, "tcp/80: %s",
	      group_sids(db, db->tcp[80]));
	CHECK(db->tcp[80] == db->tcp[8888], "80 and 8888 share a database");
	CHECK(db->tcp[81] != db->tcp[80] && db->tcp[81] != 0, "81 has its own");
	CHECK(db->group[db->tcp[81] - 1].n == 2, "tcp/81: rules 2 and 4");
	CHECK(db->group[db->tcp[8050] - 1].n == 3, "tcp/8050: 2, 4, 5");
	CHECK(db->tcp[8050] == db->tcp[8000] && db->tcp[8050] == db->tcp[8100] &&
	      db->tcp[8101] == db->tcp[81], "range bounds inclusive");
	CHECK(db->group[db->udp[53] - 1].n == 2, "udp/53: 3 and 4");
	CHECK(db->group[db->udp[54] - 1].n == 1, "udp/54: 4 alone");
	CHECK(db->udp[8001] != db->udp[54] && db->group[db->udp[8001] - 1].n == 2, "udp/8001: 4, 5");
	CHECK(db->other != 0 && db->group[db->other - 1].n == 1, "other protocols: 4 alone");
	CHECK(db->nscratch == 2 && db->scratch[0] != NULL && db->scratch[1] != NULL,
	      "a scratch per worker");
	CHECK(db->group[db->tcp[80] - 1].min_len == 3, "min_len %u", db->group[db->tcp[80] - 1].min_len);
	sw_match_db_free(db);
}

static void
shipped_rules_compile(void)
{
	struct sw_ruleset rs = { 0 };
	struct sw_match_db *db;
	char err[1024], path[PATH_MAX];
	unsigned with_tool = 0, cited = 0;
	size_t dbb, scb;
	int rc;

	snprintf(path, sizeof(path), "%s/scanwatch.rules", rules_dir);
	rc = sw_rules_load(&rs, path, err, sizeof(err));
	CHECK(rc == 0, "%s", err);
	CHECK(rs.n >= 35, "only %u rules", rs.n);
	CHECK(rs.nfiles == 4, "%u files", rs.nfiles);
	for (unsigned i = 0; i < rs.n; i++) {
		const struct sw_rule *r = &rs.v[i];

		with_tool += r->tool[0] != '\0';
		CHECK(r->sid >= 1500000 && r->sid < 1600000, "sid %u outside the shipped range", r->sid);
		CHECK(sw_rules_class_desc(r->classtype) != NULL, "sid %u class", r->sid);
	}
	/* every rule has a comment above it that cites a source (a URL, a CVE
	 * id or the nmap probe it copies) */
	for (unsigned f = 0; f < rs.nfiles; f++) {
		FILE *fp = fopen(rs.canon[f], "r");
		char line[4096];
		bool comment_cites = false;

		if (fp == NULL)
			continue;
		while (fgets(line, sizeof(line), fp) != NULL) {
			if (line[0] == '#') {
				if (strstr(line, "http") || strstr(line, "CVE-") || strstr(line, "Probe ") ||
				    strstr(line, "RFC "))
					comment_cites = true;
			} else if (strncmp(line, "sid:", 4) == 0) {
				CHECK(comment_cites, "%s: rule without a cited source: %.40s",
				      rs.files[f], line);
				cited += comment_cites;
			} else if (line[0] == '\n') {
				comment_cites = false;
			}
		}
		fclose(fp);
	}
	CHECK(cited == rs.n, "%u of %u rules cite a source", cited, rs.n);
	CHECK(with_tool >= 15, "%u rules name a tool", with_tool);
	db = sw_match_db_build(&rs, 4, 256, err, sizeof(err));
	CHECK(db != NULL, "shipped rules do not compile: %s", err);
	if (db == NULL)
		return;
	sw_match_db_sizes(db, &dbb, &scb);
	NOTE("shipped rules: %u rules, %u databases, %zu bytes of databases, "
	       "%zu bytes of scratch per worker\n", db->rs.n, db->ngroups, dbb, scb);
	CHECK(db->ngroups >= 3 && db->ngroups < 20, "%u groups", db->ngroups);
	sw_match_db_free(db);
}

int
main(int argc, char **argv)
{
	char cmd[PATH_MAX + 16];

	if (argc < 2) {
		fprintf(stderr, "usage: test_rules RULES_DIR\n");
		return 2;
	}
	rules_dir = argv[1];
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/swtest-rules-XXXXXX");
	if (mkdtemp(tmpdir) == NULL || test_eal_init("rules") != 0)
		return 2;
	RUN(every_field_parses);
	RUN(defaults_come_from_the_classtype);
	RUN(errors_name_file_and_line);
	RUN(includes_are_relative_and_cycles_are_refused);
	RUN(compile_error_names_the_rule);
	RUN(port_groups_hold_exactly_the_rules_that_apply);
	RUN(shipped_rules_compile);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_rules: could not remove %s\n", tmpdir);
	test_eal_cleanup();
	NOTE("%u tests, %u failed", n_tests, n_failed);
	return n_failed != 0;
}
