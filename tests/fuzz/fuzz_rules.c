/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: payload rule files (src/match/rules.c, format in
 * rules/README.md). The input is the text of a rule file, parsed with
 * sw_rules_load_string() into a ruleset that is then checked against what
 * the database builder relies on. Patterns are not compiled: Hyperscan's
 * compiler is slow and not ours to fuzz; `scanwatch -T` and test_rules
 * cover compile errors.
 *
 * Includes are relative to the working directory, so the harness works in
 * a directory of its own holding two small rule files (one includes the
 * other, one includes itself) for inputs to include.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scanwatch/match.h>

#include "fuzz.h"

static void
write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");

	FUZZ_CHECK(f != NULL && fputs(text, f) >= 0 && fclose(f) == 0, "cannot write %s", name);
}

static char dir[] = "/tmp/sw-fuzz-rules-XXXXXX";

static void
remove_dir(void)
{
	unlink("a.rules");
	unlink("b.rules");
	unlink("loop.rules");
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{

	(void)argc;
	(void)argv;
	/* an input may include /dev/stdin: it must not wait for a terminal */
	FUZZ_CHECK(freopen("/dev/null", "r", stdin) != NULL, "stdin");
	FUZZ_CHECK(mkdtemp(dir) != NULL && chdir(dir) == 0, "cannot make %s", dir);
	write_file("a.rules", "sid:900001 msg:\"a\" pattern:/a/\ninclude b.rules\n");
	write_file("b.rules", "sid:900002 class:attempted-recon proto:udp ports:53,1000-2000 "
		   "tool:nmap msg:\"b\" pattern:/b\\x00/is\n");
	write_file("loop.rules", "include loop.rules\n");
	atexit(remove_dir);
	return 0;
}

static void
check_rule(const struct sw_ruleset *rs, unsigned i)
{
	const struct sw_rule *r = &rs->v[i];

	FUZZ_CHECK(r->sid != 0, "rule %u: sid 0", i);
	FUZZ_CHECK(r->rev != 0, "rule %u: rev 0", i);
	FUZZ_CHECK(r->severity >= 1 && r->severity <= 4, "rule %u: severity %u", i, r->severity);
	FUZZ_CHECK(r->proto == 0 || r->proto == 6 || r->proto == 17, "rule %u: proto %u", i,
		   r->proto);
	FUZZ_CHECK(r->nranges <= SW_RULE_RANGES, "rule %u: %u port ranges", i, r->nranges);
	for (unsigned k = 0; k < r->nranges; k++)
		FUZZ_CHECK(r->ranges[k].lo <= r->ranges[k].hi, "rule %u: range %u-%u", i,
			   r->ranges[k].lo, r->ranges[k].hi);
	FUZZ_CHECK(memchr(r->msg, '\0', sizeof(r->msg)) != NULL && r->msg[0] != '\0',
		   "rule %u: msg", i);
	FUZZ_CHECK(memchr(r->tool, '\0', sizeof(r->tool)) != NULL, "rule %u: tool", i);
	FUZZ_CHECK(memchr(r->classtype, '\0', sizeof(r->classtype)) != NULL &&
		   sw_rules_class_desc(r->classtype) != NULL, "rule %u: classtype", i);
	FUZZ_CHECK(r->pattern != NULL && r->pattern[0] != '\0', "rule %u: no pattern", i);
	FUZZ_CHECK(r->file != NULL && r->line > 0, "rule %u: no file:line", i);
	for (unsigned k = 0; k < i; k++)
		FUZZ_CHECK(rs->v[k].sid != r->sid, "rules %u and %u share sid %u", k, i, r->sid);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_ruleset rs;
	char *text = malloc(size + 1);
	char err[512];
	int rc;

	FUZZ_CHECK(text != NULL, "out of memory");
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&rs, 0, sizeof(rs));
	memset(err, 0x5a, sizeof(err));
	rc = sw_rules_load_string(&rs, text, "fuzz.rules", err, sizeof(err));
	FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL, "error message not terminated");
	FUZZ_CHECK(rc <= 0, "sw_rules_load_string returned %d", rc);
	if (rc != 0)
		FUZZ_CHECK(err[0] != '\0', "failure (%d) without a message", rc);
	FUZZ_CHECK(rs.n <= rs.cap, "%u rules, room for %u", rs.n, rs.cap);
	for (unsigned i = 0; i < rs.n; i++)
		check_rule(&rs, i);
	sw_rules_free(&rs);
	free(text);
	return 0;
}
