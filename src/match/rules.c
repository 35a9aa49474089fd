/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule files: one rule per line, `key:value` fields, the pattern last so
 * that it needs no escaping (rules/README.md). Control plane only.
 *
 *   sid:1000001 rev:1 class:attempted-recon proto:tcp ports:80,443,8000-8100
 *       tool:nmap msg:"Nmap NSE user agent" pattern:/Nmap Scripting Engine/i
 *
 * Every rule keeps its file and line so that a pattern Hyperscan refuses
 * can be reported where it was written.
 */

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs/hs.h>

#include <scanwatch/match.h>

#define MAX_DEPTH	16	/* nested includes */
#define MAX_LINE	8192

/* Suricata's classification.config: the category text of alert.category
 * and the default priority (our severity) of each classtype. */
static const struct {
	const char *name, *desc;
	uint8_t prio;
} classes[] = {
	{ "not-suspicious", "Not Suspicious Traffic", 3 },
	{ "unknown", "Unknown Traffic", 3 },
	{ "bad-unknown", "Potentially Bad Traffic", 2 },
	{ "attempted-recon", "Attempted Information Leak", 2 },
	{ "successful-recon-limited", "Information Leak", 2 },
	{ "successful-recon-largescale", "Large Scale Information Leak", 2 },
	{ "attempted-dos", "Attempted Denial of Service", 2 },
	{ "successful-dos", "Denial of Service", 2 },
	{ "attempted-user", "Attempted User Privilege Gain", 1 },
	{ "unsuccessful-user", "Unsuccessful User Privilege Gain", 1 },
	{ "successful-user", "Successful User Privilege Gain", 1 },
	{ "attempted-admin", "Attempted Administrator Privilege Gain", 1 },
	{ "successful-admin", "Successful Administrator Privilege Gain", 1 },
	{ "rpc-portmap-decode", "Decode of an RPC Query", 2 },
	{ "shellcode-detect", "Executable code was detected", 1 },
	{ "string-detect", "A suspicious string was detected", 3 },
	{ "suspicious-filename-detect", "A suspicious filename was detected", 2 },
	{ "suspicious-login", "An attempted login using a suspicious username was detected", 2 },
	{ "system-call-detect", "A system call was detected", 2 },
	{ "tcp-connection", "A TCP connection was detected", 4 },
	{ "trojan-activity", "A Network Trojan was detected", 1 },
	{ "unusual-client-port-connection", "A client was using an unusual port", 2 },
	{ "network-scan", "Detection of a Network Scan", 3 },
	{ "denial-of-service", "Detection of a Denial of Service Attack", 2 },
	{ "non-standard-protocol", "Detection of a non-standard protocol or event", 2 },
	{ "protocol-command-decode", "Generic Protocol Command Decode", 3 },
	{ "web-application-activity", "access to a potentially vulnerable web application", 2 },
	{ "web-application-attack", "Web Application Attack", 1 },
	{ "misc-activity", "Misc activity", 3 },
	{ "misc-attack", "Misc Attack", 2 },
	{ "icmp-event", "Generic ICMP event", 3 },
	{ "policy-violation", "Potential Corporate Privacy Violation", 1 },
	{ "default-login-attempt", "Attempt to login by a default username and password", 2 },
	{ "targeted-activity", "Targeted Malicious Activity was Detected", 1 },
	{ "exploit-kit", "Exploit Kit Activity Detected", 1 },
	{ "external-ip-check", "Device Retrieving External IP Address Detected", 2 },
	{ "pup-activity", "Possibly Unwanted Program Detected", 2 },
	{ "credential-theft", "Successful Credential Theft Detected", 1 },
	{ "command-and-control", "Malware Command and Control Activity Detected", 1 },
};

const char *
sw_rules_class_desc(const char *classtype)
{
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strcmp(classes[i].name, classtype) == 0)
			return classes[i].desc;
	return NULL;
}

static int
class_prio(const char *classtype)
{
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strcmp(classes[i].name, classtype) == 0)
			return classes[i].prio;
	return -1;
}

/* One load: the include chain (for cycles) and where errors go. */
struct ctx {
	struct sw_ruleset *rs;
	const char *stack[MAX_DEPTH];	/* canonical paths being read */
	unsigned depth;
	char *err;
	size_t errlen;
};

#define FAIL(c, file, line, ...) do {						\
	int _n = snprintf((c)->err, (c)->errlen, "%s:%u: ", (file), (line));	\
	if (_n >= 0 && (size_t)_n < (c)->errlen)				\
		snprintf((c)->err + _n, (c)->errlen - (size_t)_n, __VA_ARGS__);	\
	return -EINVAL;								\
} while (0)

static int
parse_u32(const char *s, size_t n, uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* "80,443,8000-8100" or "any" */
static int
parse_ports(struct sw_rule *r, const char *s, size_t n)
{
	const char *end = s + n;

	r->nranges = 0;
	if (n == 3 && memcmp(s, "any", 3) == 0)
		return 0;
	while (s < end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *item_end = comma ? comma : end;
		const char *dash = memchr(s, '-', (size_t)(item_end - s));
		uint32_t lo, hi;

		if (r->nranges == SW_RULE_RANGES)
			return -1;
		if (dash != NULL) {
			if (parse_u32(s, (size_t)(dash - s), 0, 65535, &lo) != 0 ||
			    parse_u32(dash + 1, (size_t)(item_end - dash - 1), 0, 65535, &hi) != 0 ||
			    hi < lo)
				return -1;
		} else {
			if (parse_u32(s, (size_t)(item_end - s), 0, 65535, &lo) != 0)
				return -1;
			hi = lo;
		}
		r->ranges[r->nranges].lo = (uint16_t)lo;
		r->ranges[r->nranges].hi = (uint16_t)hi;
		r->nranges++;
		if (comma == NULL)
			break;
		s = comma + 1;
		if (s == end)
			return -1;	/* trailing comma */
	}
	return 0;
}

static int
add_file(struct sw_ruleset *rs, const char *name, const char *canon)
{
	char **f = realloc(rs->files, (rs->nfiles + 1) * sizeof(*f));
	char **c;

	if (f == NULL)
		return -ENOMEM;
	rs->files = f;
	c = realloc(rs->canon, (rs->nfiles + 1) * sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	rs->canon = c;
	rs->files[rs->nfiles] = strdup(name);
	rs->canon[rs->nfiles] = strdup(canon);
	if (rs->files[rs->nfiles] == NULL || rs->canon[rs->nfiles] == NULL) {
		free(rs->files[rs->nfiles]);
		free(rs->canon[rs->nfiles]);
		return -ENOMEM;
	}
	rs->nfiles++;
	return 0;
}

static int load_path(struct ctx *c, const char *path, const char *from, unsigned from_line);

static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * One rule line. Fields are `key:value` separated by blanks, in any order,
 * except that pattern comes last and runs to the last '/' of the line.
 */
static int
parse_rule(struct ctx *c, const char *file, unsigned line, const char *s)
{
	struct sw_rule r;
	bool have_sid = false, have_msg = false, have_sev = false, have_pat = false;
	struct sw_ruleset *rs = c->rs;

	memset(&r, 0, sizeof(r));
	r.rev = 1;
	snprintf(r.classtype, sizeof(r.classtype), "misc-activity");
	for (const char *p = skip_ws(s); *p != '\0'; p = skip_ws(p)) {
		const char *colon = strchr(p, ':');
		size_t klen;
		const char *v;
		size_t vlen;

		if (colon == NULL || colon == p || strcspn(p, " \t") < (size_t)(colon - p))
			FAIL(c, file, line, "expected key:value, got '%.*s'",
			     (int)strcspn(p, " \t"), p);
		klen = (size_t)(colon - p);
		v = colon + 1;
		if (klen == 3 && memcmp(p, "msg", 3) == 0) {
			size_t o = 0;

			if (*v != '"')
				FAIL(c, file, line, "msg: expected a \"quoted\" text");
			for (v++; *v != '"'; v++) {
				if (*v == '\0')
					FAIL(c, file, line, "msg: missing closing quote");
				if (*v == '\\' && (v[1] == '"' || v[1] == '\\'))
					v++;
				if ((unsigned char)*v < 0x20 || *v == 0x7f)
					FAIL(c, file, line, "msg: control character in the text");
				if (o + 1 >= sizeof(r.msg))
					FAIL(c, file, line, "msg: longer than %zu bytes",
					     sizeof(r.msg) - 1);
				r.msg[o++] = *v;
			}
			r.msg[o] = '\0';
			if (o == 0)
				FAIL(c, file, line, "msg: empty");
			have_msg = true;
			p = v + 1;
			if (*p != '\0' && *p != ' ' && *p != '\t')
				FAIL(c, file, line, "msg: text after the closing quote");
			continue;
		}
		if (klen == 7 && memcmp(p, "pattern", 7) == 0) {
			const char *end = v + strlen(v), *last;
			size_t plen;

			while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
			if (*v != '/')
				FAIL(c, file, line, "pattern: expected /expression/flags");
			last = end - 1;
			while (last > v && *last != '/')
				last--;
			if (last == v)
				FAIL(c, file, line, "pattern: missing closing '/' "
				     "(the pattern must be the last field)");
			plen = (size_t)(last - v - 1);
			if (plen == 0)
				FAIL(c, file, line, "pattern: empty expression");
			for (const char *f = last + 1; f < end; f++) {
				switch (*f) {
				case 'i': r.hs_flags |= HS_FLAG_CASELESS; break;
				case 's': r.hs_flags |= HS_FLAG_DOTALL; break;
				case 'm': r.hs_flags |= HS_FLAG_MULTILINE; break;
				case 'u': r.hs_flags |= HS_FLAG_UTF8 | HS_FLAG_UCP; break;
				default:
					FAIL(c, file, line, "pattern: unknown flag '%c' "
					     "(i, s, m, u)", *f);
				}
			}
			r.pattern = strndup(v + 1, plen);
			if (r.pattern == NULL)
				return -ENOMEM;
			have_pat = true;
			break;	/* the rest of the line was the pattern */
		}
		vlen = strcspn(v, " \t");
		if (vlen == 0)
			FAIL(c, file, line, "%.*s: empty value", (int)klen, p);
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(p, k, klen) == 0)
		if (KEY("sid")) {
			if (parse_u32(v, vlen, 1, UINT32_MAX, &r.sid) != 0)
				FAIL(c, file, line, "sid: expected an integer 1..4294967295, got '%.*s'",
				     (int)vlen, v);
			have_sid = true;
		} else if (KEY("rev")) {
			if (parse_u32(v, vlen, 1, UINT32_MAX, &r.rev) != 0)
				FAIL(c, file, line, "rev: expected an integer >= 1, got '%.*s'",
				     (int)vlen, v);
		} else if (KEY("sev")) {
			uint32_t sev;

			if (parse_u32(v, vlen, 1, 4, &sev) != 0)
				FAIL(c, file, line, "sev: expected 1 (highest) .. 4, got '%.*s'",
				     (int)vlen, v);
			r.severity = (uint8_t)sev;
			have_sev = true;
		} else if (KEY("class")) {
			if (vlen >= sizeof(r.classtype))
				FAIL(c, file, line, "class: too long");
			memcpy(r.classtype, v, vlen);
			r.classtype[vlen] = '\0';
			if (class_prio(r.classtype) < 0)
				FAIL(c, file, line, "class: unknown classtype '%s' "
				     "(Suricata's classification.config names, see rules/README.md)",
				     r.classtype);
		} else if (KEY("proto")) {
			if (vlen == 3 && memcmp(v, "tcp", 3) == 0)
				r.proto = IPPROTO_TCP;
			else if (vlen == 3 && memcmp(v, "udp", 3) == 0)
				r.proto = IPPROTO_UDP;
			else if (vlen == 3 && memcmp(v, "any", 3) == 0)
				r.proto = 0;
			else
				FAIL(c, file, line, "proto: expected tcp, udp or any, got '%.*s'",
				     (int)vlen, v);
		} else if (KEY("ports")) {
			if (parse_ports(&r, v, vlen) != 0)
				FAIL(c, file, line, "ports: expected 'any' or up to %d ports and "
				     "ranges like 80,443,8000-8100, got '%.*s'", SW_RULE_RANGES,
				     (int)vlen, v);
		} else if (KEY("tool")) {
			if (vlen >= sizeof(r.tool) || strspn(v, "abcdefghijklmnopqrstuvwxyz"
							    "0123456789-_") < vlen)
				FAIL(c, file, line, "tool: expected a short lowercase name "
				     "(a-z 0-9 - _, at most %zu), got '%.*s'", sizeof(r.tool) - 1,
				     (int)vlen, v);
			memcpy(r.tool, v, vlen);
		} else {
			FAIL(c, file, line, "unknown key '%.*s' (sid rev sev class proto ports "
			     "tool msg pattern)", (int)klen, p);
		}
#undef KEY
		p = v + vlen;
	}
	if (!have_sid || !have_msg || !have_pat) {
		free(r.pattern);
		FAIL(c, file, line, "a rule needs sid:, msg: and pattern: (missing %s)",
		     !have_sid ? "sid" : !have_msg ? "msg" : "pattern");
	}
	if (!have_sev)
		r.severity = (uint8_t)class_prio(r.classtype);
	for (unsigned i = 0; i < rs->n; i++) {
		if (rs->v[i].sid == r.sid) {
			free(r.pattern);
			FAIL(c, file, line, "sid %u is already used at %s:%u", r.sid,
			     rs->v[i].file, rs->v[i].line);
		}
	}
	if (rs->n == rs->cap) {
		unsigned cap = rs->cap ? rs->cap * 2 : 64;
		struct sw_rule *nv = realloc(rs->v, cap * sizeof(*nv));

		if (nv == NULL) {
			free(r.pattern);
			return -ENOMEM;
		}
		rs->v = nv;
		rs->cap = cap;
	}
	r.file = file;
	r.line = line;
	rs->v[rs->n++] = r;
	return 0;
}

static int
parse_text(struct ctx *c, const char *file, const char *dir, char *text)
{
	unsigned line = 0;
	char *save = NULL;

	for (char *l = text; l != NULL; l = save) {
		char *nl = strchr(l, '\n');
		const char *p;
		size_t n;
		int rc;

		save = nl ? nl + 1 : NULL;
		if (nl != NULL)
			*nl = '\0';
		line++;
		n = strlen(l);
		if (n > 0 && l[n - 1] == '\r')
			l[--n] = '\0';
		p = skip_ws(l);
		if (*p == '\0' || *p == '#')
			continue;
		if (strncmp(p, "include", 7) == 0 &&
		    (p[7] == ' ' || p[7] == '\t' || p[7] == '\0')) {
			char path[PATH_MAX];
			const char *arg = skip_ws(p + 7);
			size_t alen = strlen(arg);

			while (alen > 0 && (arg[alen - 1] == ' ' || arg[alen - 1] == '\t'))
				alen--;
			if (alen == 0)
				FAIL(c, file, line, "include: no file named");
			if (arg[0] == '/' || dir == NULL)
				snprintf(path, sizeof(path), "%.*s", (int)alen, arg);
			else
				snprintf(path, sizeof(path), "%s/%.*s", dir, (int)alen, arg);
			rc = load_path(c, path, file, line);
			if (rc != 0)
				return rc;
			continue;
		}
		rc = parse_rule(c, file, line, p);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static char *
read_file(const char *path, int *rc)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (f == NULL) {
		*rc = -errno;
		return NULL;
	}
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				*rc = -ENOMEM;
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		/* a NUL ends the read at once: `include /dev/zero` would
		 * otherwise fill memory before being refused */
		if (memchr(buf + len, '\0', n) != NULL) {
			*rc = -EINVAL;
			free(buf);
			fclose(f);
			return NULL;
		}
		len += n;
		if (n == 0)
			break;
	}
	buf[len] = '\0';
	if (ferror(f)) {
		*rc = -EIO;
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*rc = 0;
	return buf;
}

/* Read path unless it is already loaded; a path that is being read further
 * up the include chain is a cycle. */
static int
load_path(struct ctx *c, const char *path, const char *from, unsigned from_line)
{
	char canon[PATH_MAX], dir[PATH_MAX], *text, *slash;
	const char *name;
	int rc;

	if (realpath(path, canon) == NULL) {
		rc = -errno;
		if (from != NULL)
			FAIL(c, from, from_line, "include %s: %s", path, strerror(-rc));
		snprintf(c->err, c->errlen, "rule file %s: %s", path, strerror(-rc));
		return rc;
	}
	for (unsigned i = 0; i < c->depth; i++) {
		if (strcmp(c->stack[i], canon) == 0) {
			int n = snprintf(c->err, c->errlen, "%s:%u: include cycle: ", from,
					 from_line);

			for (unsigned k = i; k < c->depth && n > 0 && (size_t)n < c->errlen; k++)
				n += snprintf(c->err + n, c->errlen - (size_t)n, "%s -> ",
					      c->stack[k]);
			if (n > 0 && (size_t)n < c->errlen)
				snprintf(c->err + n, c->errlen - (size_t)n, "%s", canon);
			return -ELOOP;
		}
	}
	/* a file included twice without a cycle (a shared common.rules) is
	 * read once */
	for (unsigned i = 0; i < c->rs->nfiles; i++)
		if (strcmp(c->rs->canon[i], canon) == 0)
			return 0;
	if (c->depth == MAX_DEPTH)
		FAIL(c, from, from_line, "includes nested deeper than %d", MAX_DEPTH);
	text = read_file(canon, &rc);
	if (text == NULL) {
		if (from != NULL)
			FAIL(c, from, from_line, "include %s: %s", path,
			     rc == -EINVAL ? "not a text file" : strerror(-rc));
		snprintf(c->err, c->errlen, "rule file %s: %s", path,
			 rc == -EINVAL ? "not a text file" : strerror(-rc));
		return rc;
	}
	rc = add_file(c->rs, path, canon);
	if (rc != 0) {
		free(text);
		snprintf(c->err, c->errlen, "out of memory reading %s", path);
		return rc;
	}
	name = c->rs->files[c->rs->nfiles - 1];
	c->stack[c->depth++] = c->rs->canon[c->rs->nfiles - 1];
	/* includes are relative to the including file, as it was named */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	rc = parse_text(c, name, slash ? dir : NULL, text);
	c->depth--;
	free(text);
	return rc;
}

int
sw_rules_load(struct sw_ruleset *rs, const char *path, char *err, size_t errlen)
{
	struct ctx c = { .rs = rs, .err = err, .errlen = errlen };

	err[0] = '\0';
	return load_path(&c, path, NULL, 0);
}

int
sw_rules_load_string(struct sw_ruleset *rs, const char *text, const char *name,
		     char *err, size_t errlen)
{
	struct ctx c = { .rs = rs, .err = err, .errlen = errlen };
	char *copy = strdup(text);
	int rc;

	err[0] = '\0';
	if (copy == NULL)
		return -ENOMEM;
	rc = add_file(rs, name, name);
	if (rc == 0)
		rc = parse_text(&c, rs->files[rs->nfiles - 1], NULL, copy);
	free(copy);
	return rc;
}

void
sw_rules_free(struct sw_ruleset *rs)
{
	for (unsigned i = 0; i < rs->n; i++)
		free(rs->v[i].pattern);
	for (unsigned i = 0; i < rs->nfiles; i++) {
		free(rs->files[i]);
		free(rs->canon[i]);
	}
	free(rs->v);
	free(rs->files);
	free(rs->canon);
	memset(rs, 0, sizeof(*rs));
}
