/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration: defaults, YAML files, --set, validation, dump round trip.
 * Plain C, TAP through check.h; exits nonzero when any check fails.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scanwatch/conf.h>

#include "conf/keys.h"

#include "check.h"

static char err[1024];

/* a check named in the diagnostic, with the last error message */
#define CHECK_AS(name, cond)						\
	((cond) ? check_ok() :						\
	 check_fail(__FILE__, __LINE__, #cond, "%s: err='%s'", (name), err))

/* An outputs: entry as emptied: all zeros */
static int
cleared(const struct sw_output_conf *o)
{
	static const struct sw_output_conf zero;

	return memcmp(o, &zero, sizeof(zero)) == 0;
}

static int
has(const char *s, const char *sub)
{
	return strstr(s, sub) != NULL;
}

/* dump to a malloc'ed string */
static char *
dump(const struct sw_conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL || sw_conf_dump(c, f) != 0) {
		perror("dump");
		exit(2);
	}
	fclose(f);
	return buf;
}

static struct sw_conf *
fresh(void)
{
	struct sw_conf *c = malloc(sizeof(*c));

	sw_conf_defaults(c);
	return c;
}

/*
 * Load yaml on top of defaults; expect failure with every needle in the
 * message; also checks the struct is untouched by the failed load.
 */
static void
load_fails(const char *name, const char *yaml, ...)
{
	struct sw_conf *c = fresh(), *before = fresh();
	const char *needle;
	int rc, ok = 1;
	va_list ap;

	err[0] = '\0';
	rc = sw_conf_load_string(c, yaml, "t.yaml", err, sizeof(err));
	va_start(ap, yaml);
	while ((needle = va_arg(ap, const char *)) != NULL) {
		if (!has(err, needle)) {
			NOTE("     missing '%s'\n", needle);
			ok = 0;
		}
	}
	va_end(ap);
	CHECK_AS(name, rc == -EINVAL && ok && memcmp(c, before, sizeof(*c)) == 0);
	free(c);
	free(before);
}

static void
set_fails(const char *name, const char *kv, ...)
{
	struct sw_conf *c = fresh(), *before = fresh();
	const char *needle;
	int rc, ok = 1;
	va_list ap;

	err[0] = '\0';
	rc = sw_conf_set(c, kv, err, sizeof(err));
	va_start(ap, kv);
	while ((needle = va_arg(ap, const char *)) != NULL) {
		if (!has(err, needle)) {
			NOTE("     missing '%s'\n", needle);
			ok = 0;
		}
	}
	va_end(ap);
	CHECK_AS(name, rc == -EINVAL && ok && !has(err, " line ") &&
	      memcmp(c, before, sizeof(*c)) == 0);
	free(c);
	free(before);
}

/* ---- defaults ---- */

static void
defaults_validate(void)
{
	struct sw_conf *c = fresh();

	CHECK_AS("defaults_validate", sw_conf_validate(c, err, sizeof(err)) == 0);
	CHECK_AS("defaults_have_documented_values",
	      c->workers == 1 && c->rx_desc == 1024 && c->burst == 32 && c->mbuf_cache == 256 &&
	      c->rss_fields == (SW_RSS_IP | SW_RSS_TCP | SW_RSS_UDP) && c->interfaces.n == 0 &&
	      c->eal_params.n == 0 && c->ring_size == 4096 && c->stats_interval == 60 &&
	      c->sketch_mode == SW_MODE_SKETCH && c->rules_enabled == SW_YES &&
	      c->cms_width == 65536 &&
	      c->cms_depth == 4 && c->filter_bits_log2 == 24 && c->filter_capacity == 1000000 &&
	      c->ts[0].window_s == 10 && c->ts[0].contacts == 30 && c->ts[0].protos == 5 &&
	      c->ts[1].window_s == 300 && c->ts[1].ports == 25 && c->ts[1].protos == 8 &&
	      c->ts[2].window_s == 3600 && c->ts[2].contacts == 100 &&
	      c->trw_theta0 == 0.8 && c->trw_theta1 == 0.2 && c->trw_alpha == 0.01 &&
	      c->trw_beta == 0.99 && c->decoy_sources == 3 && c->distributed_sources == 5 &&
	      c->suppress_s == 3600 && c->update_s == 60 && c->allowlist.n == 0 &&
	      c->allowlist_action == SW_ALLOW_TAG && c->host[0] == '\0' &&
	      c->pcap[0] == '\0' && c->log_dir[0] == '\0' && c->flush_timeout_ms == 5000 &&
	      c->prom_listen[0] == '\0' && c->n_outputs == 0);
	CHECK_AS("timescale_names_in_order", strcmp(sw_timescale_names[0], "fast") == 0 &&
	      strcmp(sw_timescale_names[1], "medium") == 0 &&
	      strcmp(sw_timescale_names[2], "slow") == 0);
	free(c);
}

static void
every_default_is_accepted_by_set(void)
{
	struct sw_conf *c = calloc(1, sizeof(*c)), *d = fresh();
	int ok = 1;

	for (unsigned i = 0; i < sw_conf_nkeys; i++) {
		char kv[512];

		snprintf(kv, sizeof(kv), "%s=%s", sw_conf_keys[i].name, sw_conf_keys[i].def);
		if (sw_conf_set(c, kv, err, sizeof(err)) != 0) {
			NOTE("     %s\n", err);
			ok = 0;
		}
	}
	CHECK_AS("every_default_is_accepted_by_set", ok);
	/* sw_conf_defaults takes a shortcut; it must land on the same struct */
	CHECK_AS("defaults_equal_each_default_set", memcmp(c, d, sizeof(*c)) == 0);
	free(c);
	free(d);
}

/* The defaults of an outputs: entry, from its key table. */
static void
output_defaults(void)
{
	struct sw_output_conf *o = malloc(sizeof(*o)), *z = calloc(1, sizeof(*o));
	int ok = 1;

	memset(o, 0x5a, sizeof(*o));
	sw_output_conf_defaults(o);
	CHECK_AS("output_defaults_documented",
	      o->type == SW_OUTPUT_NONE && o->name[0] == '\0' && o->format == SW_FORMAT_EVE &&
	      o->events == (SW_EVENTS_ALERT | SW_EVENTS_STATS) && o->path[0] == '\0' &&
	      o->socket_type == SW_SOCKET_STREAM && o->transport == SW_TRANSPORT_TCP &&
	      o->server[0] == '\0' && o->port == 514 && o->facility == SW_FACILITY_LOCAL5 &&
	      o->brokers[0] == '\0' && o->topic[0] == '\0' && o->kafka_props.n == 0 &&
	      o->rotate_interval_s == 0 && o->rotate_size_mb == 0 && o->queue == 65536 &&
	      o->reconnect_max_ms == 30000);
	/* no stale bytes: entries compare with memcmp after a round trip */
	CHECK_AS("output_defaults_zero_padding",
	      memcmp(o->name, z->name, sizeof(o->name)) == 0 &&
	      memcmp(o->server, z->server, sizeof(o->server)) == 0);

	/* rows: findable, documented, inside the struct; defaults pass --set */
	for (unsigned i = 0; i < sw_output_nkeys; i++) {
		const struct sw_conf_key *k = &sw_output_keys[i];
		struct sw_conf *c = fresh();
		char kv[512];
		unsigned t = 0;

		if (sw_output_key_find(k->name) != k || k->help == NULL || k->types == 0 ||
		    (k->needs & ~k->types) != 0 || strchr(k->name, '.') != NULL ||
		    k->off + k->size > sizeof(struct sw_output_conf) ||
		    ((k->type == SW_CONF_ENUM || k->type == SW_CONF_FLAGS) &&
		     k->size != sizeof(int)) ||
		    (k->def == NULL) != (strcmp(k->name, "type") == 0)) {
			NOTE("     row %s malformed\n", k->name);
			ok = 0;
		}
		if (k->def == NULL) {
			free(c);
			continue;
		}
		while (!(k->types & (1u << t)))
			t++;
		snprintf(kv, sizeof(kv), "outputs.0.type=%s", sw_output_types[t]);
		if (sw_conf_set(c, kv, err, sizeof(err)) != 0)
			ok = 0;
		snprintf(kv, sizeof(kv), "outputs.0.%s=%s", k->name, k->def);
		if (sw_conf_set(c, kv, err, sizeof(err)) != 0) {
			NOTE("     %s\n", err);
			ok = 0;
		}
		free(c);
	}
	CHECK_AS("output_rows_sane_and_defaults_accepted", ok);
	CHECK_AS("output_type_bits", sw_output_type_bit("file") == SW_OUT_FILE &&
	      sw_output_type_bit("unix") == SW_OUT_UNIX &&
	      sw_output_type_bit("syslog") == SW_OUT_SYSLOG &&
	      sw_output_type_bit("kafka") == SW_OUT_KAFKA && sw_output_type_bit("eve") == 0 &&
	      sw_output_type_bit("") == 0);
	free(o);
	free(z);
}

/* Sections must be contiguous, or the dump would open one twice. */
static void
table_is_well_formed(void)
{
	int ok = 1;

	for (unsigned i = 0; i < sw_conf_nkeys; i++) {
		const struct sw_conf_key *k = &sw_conf_keys[i];

		if (sw_conf_key_find(k->name) != k || k->help == NULL || k->def == NULL ||
		    k->off + k->size > sizeof(struct sw_conf) ||
		    ((k->type == SW_CONF_ENUM || k->type == SW_CONF_FLAGS) &&
		     k->size != sizeof(int)))
			ok = 0;
		for (const char *dot = strchr(k->name, '.'); dot; dot = strchr(dot + 1, '.')) {
			size_t plen = (size_t)(dot - k->name);
			int left = 0;

			/* once a later key leaves this section, no key may come back */
			for (unsigned j = i + 1; j < sw_conf_nkeys; j++) {
				int in = strncmp(sw_conf_keys[j].name, k->name, plen + 1) == 0;

				if (!in)
					left = 1;
				else if (left) {
					NOTE("     %s reopens section %.*s\n",
					       sw_conf_keys[j].name, (int)plen, k->name);
					ok = 0;
				}
			}
		}
	}
	CHECK_AS("table_sections_contiguous_and_rows_sane", ok);
}

/* ---- full file ---- */

static const char full_yaml[] =
	"# every key, none at its default\n"
	"host: sensor-7\n"
	"capture:\n"
	"  interfaces:\n"
	"    - 0000:01:00.0\n"
	"    - \"net_af_packet0,iface=veth1\"\n"
	"  pcap: /tmp/x.pcap\n"
	"  pcap2: /tmp/y.pcap\n"
	"  workers: 4\n"
	"  rss-fields: [ip, sctp]\n"
	"  rx-descriptors: 2048\n"
	"  af-packet-frames: 65536\n"
	"  burst: 64\n"
	"  mempool-cache: 128\n"
	"decoder:\n"
	"  vxlan-port: 8472\n"
	"dpdk:\n"
	"  eal-params: [\"-l\", \"0-3\", --huge-dir, /mnt/huge]\n"
	"process: {user: scanwatch, drop-capabilities: no}\n"
	"events: {ring-size: 8192}\n"
	"stats:\n"
	"  interval: 0\n"
	"  prometheus:\n"
	"    listen: \"[::1]:9101\"\n"
	"output:\n"
	"  dir: /var/log/scanwatch\n"
	"  flush-timeout: 250\n"
	"outputs:\n"
	"  - type: file\n"
	"    path: alerts.json\n"
	"    rotate-interval: 3600\n"
	"    rotate-size: 100\n"
	"    events: [alert]\n"
	"  - type: syslog\n"
	"    name: siem\n"
	"    transport: udp\n"
	"    server: 127.0.0.1\n"
	"    port: 6514\n"
	"    format: cef\n"
	"    facility: local3\n"
	"    queue: 1024\n"
	"    reconnect-max: 5000\n"
	"  - {type: unix, socket-type: dgram, path: /run/siem.sock, format: leef}\n"
	"  - type: kafka\n"
	"    brokers: \"k1:9092,k2:9092\"\n"
	"    topic: scanwatch-alerts\n"
	"    kafka-properties: [\"compression.codec=lz4\", \"acks=all\"]\n"
	"    events: [stats, alert]\n"
	"    queue: 100000\n"
	"    name: bus\n"
	"detect:\n"
	"  mode: exact\n"
	"  trw:\n"
	"    benign-success: 0.7\n"
	"    scanner-success: 0.1\n"
	"    false-positive: 0.001\n"
	"    detection: 0.95\n"
	"    timeout: 2.5\n"
	"  decoy-sources: 6\n"
	"  distributed-sources: 7\n"
	"  heavy-sample: 16\n"
	"  heavy-sample-from: 20\n"
	"  sensitive-services: [ssh/22, smb/445, modbus/502]\n"
	"  hammering: {repeats: 20, window: 30}\n"
	"sketch:\n"
	"  width: 1024\n"
	"  depth: 3\n"
	"  filter-bits: 20\n"
	"  filter-capacity: 5000\n"
	"  seed: 42\n"
	"windows:\n"
	"  fast: {window: 20, ports: 11, targets: 12, contacts: 31, icmp-targets: 13, protos: 6}\n"
	"  medium:\n"
	"    window: 600\n"
		"    ports: 26\n"
	"    targets: 27\n"
	"    contacts: 61\n"
	"    icmp-targets: 28\n"
	"    protos: 9\n"
	"  slow:\n"
	"    window: 7200\n"
		"    ports: 51\n"
	"    targets: 52\n"
	"    contacts: 101\n"
	"    icmp-targets: 53\n"
	"    protos: 11\n"
	"alerts:\n"
	"  suppress: 60\n"
	"  update-interval: 0\n"
	"  outbound: raise\n"
	"  inbound: lower\n"
	"  internal: off\n"
	"  external: lower\n"
	"network:\n"
	"  home: [192.0.2.0/24, \"2001:db8::/32\"]\n"
	"allowlist:\n"
	"  entries:\n"
	"    - 192.0.2.0/24\n"
	"    - \"2001:db8::/32 22,443\"\n"
	"    - 198.51.100.7 80\n"
	"  action: alert-low\n"
	"rules:\n"
	"  enabled: no\n"
	"  files: [/etc/scanwatch/scan.rules]\n"
	"  max-bytes: 128\n"
	"  cache-dir: /var/tmp/sw-rules\n"
	"  ring-size: 2048\n"
	"evidence:\n"
	"  enabled: no\n"
	"  snaplen: 96\n"
	"  packets: 50\n"
	"  source-kb: 64\n"
	"  total-kb: 4096\n"
	"  sources: 16\n"
	"  history: 1024\n"
	"  ring-size: 512\n";

static void
full_file_sets_every_key(void)
{
	struct sw_conf *c = fresh(), *d = fresh();
	const char *path = "/tmp/conf-test-full.yaml";
	FILE *f = fopen(path, "w");
	int differ = 1;

	fputs(full_yaml, f);
	fclose(f);
	CHECK_AS("full_file_loads", sw_conf_load_file(c, path, err, sizeof(err)) == 0);
	CHECK_AS("full_file_validates", sw_conf_validate(c, err, sizeof(err)) == 0);
	/* the file must cover the whole table */
	for (unsigned i = 0; i < sw_conf_nkeys; i++) {
		const struct sw_conf_key *k = &sw_conf_keys[i];

		if (memcmp((char *)c + k->off, (char *)d + k->off, k->size) == 0) {
			NOTE("     %s still at its default\n", k->name);
			differ = 0;
		}
	}
	CHECK_AS("full_file_changes_every_key", differ);
	CHECK_AS("full_file_values",
	      strcmp(c->host, "sensor-7") == 0 && c->interfaces.n == 2 &&
	      strcmp(c->interfaces.v[0], "0000:01:00.0") == 0 &&
	      strcmp(c->interfaces.v[1], "net_af_packet0,iface=veth1") == 0 &&
	      strcmp(c->pcap, "/tmp/x.pcap") == 0 && c->workers == 4 &&
	      strcmp(c->run_as, "scanwatch") == 0 && c->drop_caps == SW_NO &&
	      c->rss_fields == (SW_RSS_IP | SW_RSS_SCTP) &&
	      c->rx_desc == 2048 && c->afp_frames == 65536 && c->burst == 64 &&
	      c->mbuf_cache == 128 && c->eal_params.n == 4 && strcmp(c->eal_params.v[2], "--huge-dir") == 0 &&
	      c->ring_size == 8192 && c->stats_interval == 0 &&
	      strcmp(c->log_dir, "/var/log/scanwatch") == 0 &&
	      c->sketch_mode == SW_MODE_EXACT && c->trw_theta0 == 0.7 &&
	      c->trw_theta1 == 0.1 && c->trw_alpha == 0.001 && c->trw_beta == 0.95 &&
	      c->decoy_sources == 6 && c->distributed_sources == 7 && c->cms_width == 1024 &&
	      c->cms_depth == 3 && c->filter_bits_log2 == 20 && c->filter_capacity == 5000 &&
	      c->ts[0].window_s == 20 && c->ts[0].icmp_targets == 13 &&
	      c->ts[1].window_s == 600 && c->ts[1].protos == 9 && c->ts[2].window_s == 7200 &&
	      c->ts[2].contacts == 101 && c->suppress_s == 60 && c->update_s == 0 &&
	      c->allowlist.n == 3 && strcmp(c->allowlist.v[1], "2001:db8::/32 22,443") == 0 &&
	      c->allowlist_action == SW_ALLOW_ALERT_LOW && c->flush_timeout_ms == 250 &&
	      strcmp(c->prom_listen, "[::1]:9101") == 0);
	CHECK_AS("full_file_outputs",
	      c->n_outputs == 4 &&
	      c->outputs[0].type == SW_OUTPUT_FILE && strcmp(c->outputs[0].name, "file0") == 0 &&
	      strcmp(c->outputs[0].path, "alerts.json") == 0 &&
	      c->outputs[0].rotate_interval_s == 3600 && c->outputs[0].rotate_size_mb == 100 &&
	      c->outputs[0].events == SW_EVENTS_ALERT &&
	      c->outputs[0].format == SW_FORMAT_EVE && c->outputs[0].queue == 65536 &&
	      c->outputs[1].type == SW_OUTPUT_SYSLOG && strcmp(c->outputs[1].name, "siem") == 0 &&
	      c->outputs[1].transport == SW_TRANSPORT_UDP &&
	      strcmp(c->outputs[1].server, "127.0.0.1") == 0 && c->outputs[1].port == 6514 &&
	      c->outputs[1].format == SW_FORMAT_CEF &&
	      c->outputs[1].facility == SW_FACILITY_LOCAL3 && c->outputs[1].queue == 1024 &&
	      c->outputs[1].reconnect_max_ms == 5000 && c->outputs[1].events == (SW_EVENTS_ALERT | SW_EVENTS_STATS) &&
	      c->outputs[2].type == SW_OUTPUT_UNIX && strcmp(c->outputs[2].name, "unix2") == 0 &&
	      c->outputs[2].socket_type == SW_SOCKET_DGRAM &&
	      strcmp(c->outputs[2].path, "/run/siem.sock") == 0 &&
	      c->outputs[2].format == SW_FORMAT_LEEF &&
	      c->outputs[3].type == SW_OUTPUT_KAFKA && strcmp(c->outputs[3].name, "bus") == 0 &&
	      strcmp(c->outputs[3].brokers, "k1:9092,k2:9092") == 0 &&
	      strcmp(c->outputs[3].topic, "scanwatch-alerts") == 0 &&
	      c->outputs[3].kafka_props.n == 2 &&
	      strcmp(c->outputs[3].kafka_props.v[0], "compression.codec=lz4") == 0 &&
	      strcmp(c->outputs[3].kafka_props.v[1], "acks=all") == 0 &&
	      c->outputs[3].events == (SW_EVENTS_ALERT | SW_EVENTS_STATS) &&
	      c->outputs[3].queue == 100000 &&
	      /* keys of other types stay at their defaults */
	      c->outputs[3].port == 514 && c->outputs[0].server[0] == '\0');
	/* and the outputs in it give every entry key a value off its default */
	{
		struct sw_output_conf *def = malloc(sizeof(*def));

		sw_output_conf_defaults(def);
		differ = 1;
		for (unsigned i = 0; i < sw_output_nkeys; i++) {
			const struct sw_conf_key *k = &sw_output_keys[i];
			int changed = 0;

			for (unsigned j = 0; j < c->n_outputs; j++)
				changed |= memcmp((char *)&c->outputs[j] + k->off,
						  (char *)def + k->off, k->size) != 0;
			if (!changed) {
				NOTE("     outputs key %s never off its default\n", k->name);
				differ = 0;
			}
		}
		CHECK_AS("full_file_covers_every_output_key", differ);
		free(def);
	}
	unlink(path);

	/* a file sets only what it names */
	sw_conf_defaults(c);
	CHECK_AS("partial_file_keeps_other_values",
	      sw_conf_load_string(c, "capture:\n  workers: 8\n", "p.yaml", err, sizeof(err)) == 0 &&
	      c->workers == 8 && c->burst == 32 &&
	      c->rss_fields == (SW_RSS_IP | SW_RSS_TCP | SW_RSS_UDP));
	CHECK_AS("dotted_key_written_whole",
	      sw_conf_load_string(c, "capture.burst: 16\nwindows:\n  fast.ports: 12\n", "p.yaml",
				  err, sizeof(err)) == 0 && c->burst == 16 && c->ts[0].ports == 12);
	CHECK_AS("empty_section_and_empty_list",
	      sw_conf_load_string(c, "capture:\n  rss-fields:\ndpdk:\n", "p.yaml",
				  err, sizeof(err)) == 0 && c->rss_fields == 0);
	CHECK_AS("quoted_number_is_taken",
	      sw_conf_load_string(c, "capture: {workers: '5'}\n", "p.yaml", err, sizeof(err)) == 0 &&
	      c->workers == 5);
	CHECK_AS("empty_input_is_no_change",
	      sw_conf_load_string(c, "", "p.yaml", err, sizeof(err)) == 0 &&
	      sw_conf_load_string(c, "# only a comment\n", "p.yaml", err, sizeof(err)) == 0 &&
	      c->workers == 5);
	free(c);
	free(d);
}

/* ---- round trip ---- */

static void
round_trip(const char *name, const struct sw_conf *c)
{
	struct sw_conf *back = malloc(sizeof(*back));
	char *first = dump(c), *second;
	char label[128];
	int rc;

	/* start from zeros, not defaults: proves the dump names every field */
	memset(back, 0, sizeof(*back));
	rc = sw_conf_load_string(back, first, "dump", err, sizeof(err));
	snprintf(label, sizeof(label), "%s_dump_loads", name);
	if (!CHECK_AS(label, rc == 0))
		NOTE("----\n%s----", first);
	snprintf(label, sizeof(label), "%s_struct_identical", name);
	CHECK_AS(label, memcmp(back, c, sizeof(*c)) == 0);
	second = dump(back);
	snprintf(label, sizeof(label), "%s_second_dump_identical", name);
	CHECK_AS(label, strcmp(first, second) == 0);
	free(first);
	free(second);
	free(back);
}

static void
round_trips(void)
{
	struct sw_conf *c = fresh();
	static const char *const odd[] = {
		"-l", "--huge-dir", "- dash space", "say \"hi\"", "it's", "a: b", "x # not a comment",
		"#hash", "back\\slash\\", "C:\\path\\", " leading space", "trailing space ",
		"[bracket]", "{brace}", "&anchor", "*alias", "!tag", "%pct", "@at", "`tick`",
		"|pipe", ">gt", "?q", "null", "~", "true", "0x10", "1e3", "tab\there",
		"new\nline", "ctl\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		"nbsp\xc2\xa0 c1\xc2\x85\xc2\x80 bom\xef\xbb\xbf", "'", "\"", ",", "a,b",
	};
	char kv[600];
	unsigned i;

	round_trip("defaults", c);

	sw_conf_load_string(c, full_yaml, "full", err, sizeof(err));
	round_trip("full_file", c);

	/* odd strings in every string field and a full list */
	snprintf(c->host, sizeof(c->host), "%s", "h\"o:s#t \\ - 'x' \t\n\x01 \xc3\xa9");
	snprintf(c->pcap, sizeof(c->pcap), "%s", "- \"quoted\" : # \\\\");
	memset(c->log_dir, 'd', sizeof(c->log_dir) - 1);	/* longest allowed */
	c->log_dir[sizeof(c->log_dir) - 1] = '\0';
	memset(&c->eal_params, 0, sizeof(c->eal_params));
	for (i = 0; i < SW_MAX_STRS; i++)
		snprintf(c->eal_params.v[i], SW_MAX_STR, "%s", odd[i % (sizeof(odd) / sizeof(odd[0]))]);
	c->eal_params.n = SW_MAX_STRS;
	memset(&c->interfaces, 0, sizeof(c->interfaces));
	for (i = 0; i < SW_MAX_PORTS; i++)
		snprintf(c->interfaces.v[i], SW_MAX_STR, "%s",
			 odd[(i + SW_MAX_STRS) % (sizeof(odd) / sizeof(odd[0]))]);
	c->interfaces.n = SW_MAX_PORTS;
	c->trw_theta0 = 0.1 + 0.2;			/* 0.30000000000000004 */
	c->trw_alpha = 1e-300;
	c->trw_beta = 1 - 1e-16;
	/* outputs: free-form fields hold the odd strings too */
	snprintf(c->outputs[0].path, SW_MAX_STR, "%s", "- \"eve\": #1 \\ caf\xc3\xa9");
	snprintf(c->outputs[3].brokers, SW_MAX_STR, "%s", "[k1]:9092, {k2}:9092 # x");
	memset(&c->outputs[3].kafka_props, 0, sizeof(c->outputs[3].kafka_props));
	for (i = 0; i < SW_MAX_STRS; i++)
		snprintf(c->outputs[3].kafka_props.v[i], SW_MAX_STR, "p%u=%s", i,
			 odd[i % (sizeof(odd) / sizeof(odd[0]))]);
	c->outputs[3].kafka_props.n = SW_MAX_STRS;
	CHECK_AS("odd_config_validates", sw_conf_validate(c, err, sizeof(err)) == 0);
	round_trip("odd_strings", c);

	/* the most outputs there may be, each type, names defaulted and given */
	sw_conf_defaults(c);
	for (i = 0; i < SW_MAX_OUTPUTS; i++) {
		static const char *const per_type[4][3] = {
			{ "file", "path=f.json", "rotate-size=7" },
			{ "unix", "path=/run/s.sock", "socket-type=dgram" },
			{ "syslog", "server=::1", "facility=kern" },
			{ "kafka", "brokers=k:9092", "topic=t.1" },
		};
		const char *const *t = per_type[i % 4];

		snprintf(kv, sizeof(kv), "outputs.%u.type=%s", i, t[0]);
		sw_conf_set(c, kv, err, sizeof(err));
		snprintf(kv, sizeof(kv), "outputs.%u.%s", i, t[1]);
		sw_conf_set(c, kv, err, sizeof(err));
		snprintf(kv, sizeof(kv), "outputs.%u.%s", i, t[2]);
		sw_conf_set(c, kv, err, sizeof(err));
		if (i % 3 == 0) {
			snprintf(kv, sizeof(kv), "outputs.%u.name=out-%u_x", i, i);
			sw_conf_set(c, kv, err, sizeof(err));
		}
	}
	CHECK_AS("max_outputs_validate", c->n_outputs == SW_MAX_OUTPUTS &&
	      strcmp(c->outputs[14].name, "syslog14") == 0 &&
	      strcmp(c->outputs[12].name, "out-12_x") == 0 &&
	      sw_conf_validate(c, err, sizeof(err)) == 0);
	round_trip("max_outputs", c);

	/* and the same odd strings arrive intact through --set with a flow list */
	sw_conf_defaults(c);
	CHECK_AS("set_flow_list_with_quotes",
	      sw_conf_set(c, "dpdk.eal-params=[\"a,b\", 'it''s', \"q\\\"\", -l]",
			  err, sizeof(err)) == 0 && c->eal_params.n == 4 &&
	      strcmp(c->eal_params.v[0], "a,b") == 0 && strcmp(c->eal_params.v[1], "it's") == 0 &&
	      strcmp(c->eal_params.v[2], "q\"") == 0 && strcmp(c->eal_params.v[3], "-l") == 0);
	snprintf(kv, sizeof(kv), "host=%s", "a \"b\" c: #d \\e -f");
	CHECK_AS("set_string_verbatim", sw_conf_set(c, kv, err, sizeof(err)) == 0 &&
	      strcmp(c->host, "a \"b\" c: #d \\e -f") == 0);
	CHECK_AS("set_outputs_for_round_trip",
	      sw_conf_set(c, "outputs.0.type=kafka", err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "outputs.0.kafka-properties=[\"sasl.password=a,b\", \"acks=1\"]",
			  err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "outputs.0.brokers=k:1", err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "outputs.0.topic=t", err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "outputs.1.type=file", err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "outputs.1.path=-", err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "stats.prometheus.listen=0.0.0.0:9100", err, sizeof(err)) == 0 &&
	      sw_conf_validate(c, err, sizeof(err)) == 0);
	round_trip("set_values", c);
	free(c);
}

/* ---- errors from files ---- */

static void
file_errors(void)
{
	struct sw_conf *c = fresh();
	char big[2048];
	int n;

	load_fails("unknown_key_named_with_line_and_suggestion",
		   "host: a\n\ncapture:\n  workers: 2\n  burst: 8\n\n  wrkers: 4\n",
		   "t.yaml line 7", "unknown key 'capture.wrkers'", "did you mean 'capture.workers'",
		   NULL);
	load_fails("unknown_section_suggested", "captur:\n  workers: 4\n",
		   "line 1", "'captur'", "did you mean 'capture'", NULL);
	load_fails("misplaced_key_suggested_by_last_part", "dpdk:\n  burst: 4\n",
		   "line 2", "'dpdk.burst'", "capture.burst", NULL);
	load_fails("unknown_key_without_suggestion", "zzzzzzzzzz: 1\n",
		   "line 1", "unknown key 'zzzzzzzzzz'", NULL);
	load_fails("bad_integer", "capture:\n  workers: abc\n",
		   "t.yaml line 2: capture.workers must be an integer 1..64 (got 'abc')", NULL);
	load_fails("negative_integer", "capture:\n  workers: -1\n",
		   "line 2", "capture.workers", "(got '-1')", NULL);
	load_fails("integer_with_junk", "capture:\n  workers: 4x\n", "line 2", "'4x'", NULL);
	load_fails("integer_out_of_range", "\ncapture:\n  workers: 65\n",
		   "line 3", "capture.workers must be an integer 1..64 (got '65')", NULL);
	load_fails("integer_overflow", "capture:\n  workers: 99999999999999999999999\n",
		   "line 2", "capture.workers", NULL);
	load_fails("empty_integer", "capture:\n  workers:\n", "line 2", "capture.workers", NULL);
	load_fails("not_power_of_two", "sketch:\n  width: 1000\n",
		   "t.yaml line 2: sketch.width must be a power of two (got 1000)", NULL);
	load_fails("double_garbage", "detect:\n  trw:\n    detection: high\n",
		   "line 3", "detect.trw.detection", "'high'", NULL);
	load_fails("double_out_of_range", "detect:\n  trw:\n    detection: 1\n",
		   "line 3", "detect.trw.detection must be a number in (0, 1)", NULL);
	load_fails("double_nan", "detect:\n  trw:\n    detection: nan\n", "line 3", "detection",
		   NULL);
	load_fails("enum_bad", "detect:\n  mode: fuzzy\n",
		   "line 2", "detect.mode must be one of sketch, exact (got 'fuzzy')", NULL);
	load_fails("enum_list_bad", "capture:\n  rss-fields: [ip, icmp]\n",
		   "line 2", "capture.rss-fields entry 'icmp'", "ip, tcp, udp, sctp", NULL);
	load_fails("enum_list_repeat", "capture:\n  rss-fields: [ip, ip]\n",
		   "line 2", "capture.rss-fields lists 'ip' twice", NULL);
	load_fails("yaml_syntax_error", "capture:\n  workers: 4\n bad: [1, 2\n",
		   "t.yaml line", "column", "YAML syntax error", NULL);
	load_fails("yaml_unclosed_quote", "host: \"abc\n", "t.yaml line", "column", NULL);
	load_fails("yaml_tab_indent", "capture:\n\tworkers: 4\n", "t.yaml line 2", "column", NULL);
	load_fails("mapping_where_value_expected", "capture:\n  workers:\n    n: 4\n",
		   "line 2", "capture.workers must be an integer 1..64, not a mapping", NULL);
	load_fails("list_where_value_expected", "capture:\n  workers: [4]\n",
		   "line 2", "capture.workers", "not a list", NULL);
	load_fails("value_where_mapping_expected", "capture: 4\n",
		   "line 1", "capture is a section", "(got '4')", NULL);
	load_fails("list_where_mapping_expected", "windows:\n  fast: [1, 2]\n",
		   "line 2", "windows.fast is a section", NULL);
	load_fails("value_where_list_expected", "capture:\n  interfaces: eth0\n",
		   "line 2", "capture.interfaces", "YAML list", "(got 'eth0')", NULL);
	load_fails("mapping_in_list", "dpdk:\n  eal-params:\n    - -l\n    - {a: b}\n",
		   "line 4", "dpdk.eal-params entries must be strings", NULL);
	load_fails("top_level_not_mapping", "- a\n- b\n", "line 1", "top level", NULL);
	load_fails("second_document", "host: a\n---\nhost: b\n", "line 2", "second YAML document",
		   NULL);
	load_fails("alias_refused", "host: &h abc\noutput:\n  dir: *h\n",
		   "line 3", "aliases", NULL);
	load_fails("key_given_twice", "capture:\n  workers: 2\n  burst: 4\n  workers: 3\n",
		   "line 4", "capture.workers is given twice (lines 2 and 4)", NULL);
	load_fails("nul_in_string", "host: \"a\\0b\"\n", "line 1", "host", "NUL", NULL);
	load_fails("invalid_utf8_input", "host: \"\xff\"\n", "t.yaml", "UTF-8", NULL);
	load_fails("empty_list_entry", "dpdk:\n  eal-params: [a, \"\"]\n",
		   "line 2", "dpdk.eal-params entries must not be empty", NULL);

	/* size limits: error, never truncation */
	n = snprintf(big, sizeof(big), "\nhost: ");
	memset(big + n, 'h', SW_MAX_STR);
	strcpy(big + n + SW_MAX_STR, "\n");
	load_fails("string_too_long", big, "line 2", "host is 256 bytes long; at most 255", NULL);
	n = snprintf(big, sizeof(big), "host: ");
	memset(big + n, 'h', SW_MAX_STR - 1);
	strcpy(big + n + SW_MAX_STR - 1, "\n");
	CHECK_AS("string_of_max_length_fits",
	      sw_conf_load_string(c, big, "t.yaml", err, sizeof(err)) == 0 &&
	      strlen(c->host) == SW_MAX_STR - 1);
	n = snprintf(big, sizeof(big), "dpdk:\n  eal-params: [");
	memset(big + n, 'e', SW_MAX_STR);
	strcpy(big + n + SW_MAX_STR, "]\n");
	load_fails("list_entry_too_long", big, "line 2", "dpdk.eal-params entry is 256 bytes",
		   NULL);
	n = snprintf(big, sizeof(big), "dpdk:\n  eal-params:\n");
	for (int i = 0; i <= SW_MAX_STRS; i++)
		n += snprintf(big + n, sizeof(big) - (size_t)n, "    - a%d\n", i);
	load_fails("list_too_long", big, "line 35", "dpdk.eal-params has too many entries",
		   "at most 32", NULL);
	load_fails("interfaces_capped_at_max_ports",
		   "capture:\n  interfaces: [a, b, c, d, e, f, g, h, i]\n",
		   "line 2", "capture.interfaces has too many entries; at most 8", NULL);

	/* allowlist syntax */
	load_fails("allowlist_bad_address", "allowlist:\n  entries: [192.0.2.0/24, 10.0.0.300/8]\n",
		   "line 2", "allowlist.entries entry '10.0.0.300/8'", "not an IPv4 or IPv6", NULL);
	load_fails("allowlist_v4_prefix_too_long", "allowlist:\n  entries:\n    - 10.0.0.0/33\n",
		   "line 3", "'10.0.0.0/33'", "0..32", NULL);
	load_fails("allowlist_v6_prefix_too_long",
		   "allowlist:\n  entries: [\"2001:db8::/129 22\"]\n", "line 2", "0..128", NULL);
	load_fails("allowlist_port_zero", "allowlist:\n  entries: [\"192.0.2.0/24 0\"]\n",
		   "line 2", "'192.0.2.0/24 0'", "1..65535", NULL);
	load_fails("allowlist_port_too_big", "allowlist:\n  entries: [\"192.0.2.0/24 22,65536\"]\n",
		   "line 2", "1..65535", NULL);
	load_fails("allowlist_port_garbage", "allowlist:\n  entries: [\"192.0.2.0/24 ssh\"]\n",
		   "line 2", "'192.0.2.0/24 ssh'", NULL);
	load_fails("allowlist_trailing_comma", "allowlist:\n  entries: [\"192.0.2.0/24 22,\"]\n",
		   "line 2", "1..65535", NULL);
	load_fails("allowlist_host_bits", "allowlist:\n  entries: [192.0.2.1/24]\n",
		   "line 2", "host bits", "did you mean 192.0.2.0/24", NULL);
	load_fails("allowlist_v6_host_bits", "allowlist:\n  entries: [\"2001:db8::1/32\"]\n",
		   "line 2", "did you mean 2001:db8::/32", NULL);
	load_fails("allowlist_empty_prefix", "allowlist:\n  entries: [\"10.0.0.0/\"]\n",
		   "line 2", "prefix length", NULL);
	CHECK_AS("allowlist_good_forms",
	      sw_conf_load_string(c, "allowlist:\n  entries: [10.0.0.0/8, \"::/0\", 192.0.2.7, "
				  "\"2001:db8::1 22\", \"0.0.0.0/0 1, 65535\", \"fe80::/10 22,443\"]\n",
				  "t.yaml", err, sizeof(err)) == 0 && c->allowlist.n == 6);

	/* files */
	CHECK_AS("missing_file_names_path",
	      sw_conf_load_file(c, "/tmp/conf-test-nonexistent.yaml", err, sizeof(err)) == -ENOENT &&
	      has(err, "/tmp/conf-test-nonexistent.yaml") && has(err, "cannot open"));
	CHECK_AS("directory_refused", sw_conf_load_file(c, "/tmp", err, sizeof(err)) == -EISDIR &&
	      has(err, "/tmp"));
	{
		FILE *f = fopen("/tmp/conf-test-bad.yaml", "w");

		fputs("capture:\n  workers: 2\n\n  rx-descriptors: 1000\n", f);
		fclose(f);
		CHECK_AS("file_error_names_file_and_line",
		      sw_conf_load_file(c, "/tmp/conf-test-bad.yaml", err, sizeof(err)) == -EINVAL &&
		      has(err, "/tmp/conf-test-bad.yaml line 4: capture.rx-descriptors must be a "
			  "power of two (got 1000)"));
		unlink("/tmp/conf-test-bad.yaml");
	}
	CHECK_AS("tiny_err_buffer_is_safe",
	      sw_conf_load_string(c, "zz: 1\n", "t.yaml", err, 5) == -EINVAL && strlen(err) == 4);
	CHECK_AS("null_err_buffer_is_safe",
	      sw_conf_load_string(c, "zz: 1\n", "t.yaml", NULL, 0) == -EINVAL);
	free(c);
}

/* ---- --set ---- */

static void
set_each_type(void)
{
	struct sw_conf *c = fresh();

	CHECK_AS("set_u32", sw_conf_set(c, "capture.workers=8", err, sizeof(err)) == 0 &&
	      c->workers == 8);
	CHECK_AS("set_u32_nested", sw_conf_set(c, "windows.slow.icmp-targets=77", err, sizeof(err)) == 0 &&
	      c->ts[2].icmp_targets == 77);
	CHECK_AS("set_double", sw_conf_set(c, "detect.trw.false-positive=1e-3", err, sizeof(err)) == 0 &&
	      c->trw_alpha == 0.001);
	CHECK_AS("set_string", sw_conf_set(c, "output.dir=/var/log/sw", err, sizeof(err)) == 0 &&
	      strcmp(c->log_dir, "/var/log/sw") == 0);
	CHECK_AS("set_string_with_equals", sw_conf_set(c, "host=a=b", err, sizeof(err)) == 0 &&
	      strcmp(c->host, "a=b") == 0);
	CHECK_AS("set_string_empty", sw_conf_set(c, "host=", err, sizeof(err)) == 0 &&
	      c->host[0] == '\0');
	CHECK_AS("set_enum", sw_conf_set(c, "allowlist.action=alert-low", err, sizeof(err)) == 0 &&
	      c->allowlist_action == SW_ALLOW_ALERT_LOW);
	CHECK_AS("set_list_commas", sw_conf_set(c, "capture.rss-fields=tcp,sctp", err, sizeof(err)) == 0 &&
	      c->rss_fields == (SW_RSS_TCP | SW_RSS_SCTP));
	CHECK_AS("set_list_replaces", sw_conf_set(c, "dpdk.eal-params=-l,0-3", err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "dpdk.eal-params=--no-pci", err, sizeof(err)) == 0 &&
	      c->eal_params.n == 1 && strcmp(c->eal_params.v[0], "--no-pci") == 0 &&
	      c->eal_params.v[1][0] == '\0');
	CHECK_AS("set_list_empty", sw_conf_set(c, "dpdk.eal-params=", err, sizeof(err)) == 0 &&
	      c->eal_params.n == 0);
	CHECK_AS("set_list_flow_entry_with_comma",
	      sw_conf_set(c, "capture.interfaces=[\"net_af_packet0,iface=veth1\", 0000:01:00.0]",
			  err, sizeof(err)) == 0 && c->interfaces.n == 2 &&
	      strcmp(c->interfaces.v[0], "net_af_packet0,iface=veth1") == 0 &&
	      strcmp(c->interfaces.v[1], "0000:01:00.0") == 0);
	CHECK_AS("set_allowlist_flow",
	      sw_conf_set(c, "allowlist.entries=[\"2001:db8::/32 22,443\", 192.0.2.0/24]",
			  err, sizeof(err)) == 0 && c->allowlist.n == 2);
	CHECK_AS("set_list_flow_empty", sw_conf_set(c, "allowlist.entries=[]", err, sizeof(err)) == 0 &&
	      c->allowlist.n == 0);
	free(c);

	set_fails("set_unknown_key", "capture.wrkers=4", "--set", "unknown key 'capture.wrkers'",
		  "did you mean 'capture.workers'", NULL);
	set_fails("set_without_equals", "capture.workers", "key=value", NULL);
	set_fails("set_empty_key", "=4", "key=value", NULL);
	set_fails("set_section", "capture=4", "capture is a section", NULL);
	set_fails("set_bad_u32", "capture.workers=abc",
		  "capture.workers must be an integer 1..64 (got 'abc')", NULL);
	set_fails("set_u32_space", "capture.workers= 4", "capture.workers", NULL);
	set_fails("set_u32_hex", "capture.workers=0x4", "capture.workers", NULL);
	set_fails("set_pow2", "events.ring-size=1000", "events.ring-size must be a power of two",
		  NULL);
	set_fails("set_bad_double", "detect.trw.detection=0.5x", "detect.trw.detection", "(0, 1)",
		  NULL);
	set_fails("set_double_inf", "detect.trw.detection=inf", "detect.trw.detection", NULL);
	set_fails("set_bad_enum", "detect.mode=Sketch", "detect.mode must be one of sketch, exact",
		  NULL);
	set_fails("set_list_bad_entry", "capture.rss-fields=ip,ipx", "capture.rss-fields entry 'ipx'",
		  NULL);
	set_fails("set_list_empty_entry", "capture.rss-fields=ip,,tcp", "capture.rss-fields",
		  "empty", NULL);
	set_fails("set_list_trailing_comma", "capture.rss-fields=ip,", "capture.rss-fields",
		  "trailing comma", NULL);
	set_fails("set_list_too_long", "capture.interfaces=a,b,c,d,e,f,g,h,i",
		  "capture.interfaces has too many entries", NULL);
	set_fails("set_service_no_port", "detect.sensitive-services=ssh",
		  "detect.sensitive-services entry 'ssh'", "\"name/port\"", NULL);
	set_fails("set_service_bad_port", "detect.sensitive-services=ssh/70000",
		  "detect.sensitive-services entry 'ssh/70000'", "1..65535", NULL);
	set_fails("set_service_bad_name", "detect.sensitive-services=SSH/22",
		  "detect.sensitive-services entry 'SSH/22'", "lowercase", NULL);
	set_fails("set_hammering_zero", "detect.hammering.repeats=0",
		  "detect.hammering.repeats must be an integer 2..1000000", NULL);
	set_fails("set_list_flow_syntax", "capture.interfaces=[a, \"b]", "--set", "YAML", NULL);
	set_fails("set_list_flow_junk", "capture.interfaces=[a] b", "--set", NULL);
	set_fails("set_list_flow_nested", "capture.interfaces=[[a]]",
		  "capture.interfaces entries must be strings", NULL);
	set_fails("set_allowlist_bad", "allowlist.entries=10.0.0.0/40",
		  "allowlist.entries entry '10.0.0.0/40'", NULL);
	{
		char kv[400];

		snprintf(kv, sizeof(kv), "host=%0300d", 0);
		set_fails("set_string_too_long", kv, "host is 300 bytes long; at most 255", NULL);
		snprintf(kv, sizeof(kv), "host=\xc3(");
		set_fails("set_string_bad_utf8", kv, "host must be valid UTF-8", NULL);
		snprintf(kv, sizeof(kv), "host=\xc0\xaf");
		set_fails("set_string_overlong_utf8", kv, "UTF-8", NULL);
		snprintf(kv, sizeof(kv), "host=\xed\xa0\x80");
		set_fails("set_string_surrogate_utf8", kv, "UTF-8", NULL);
	}
}

/* Every key, pushed past its bounds through --set, is refused by name. */
static void
every_key_refuses_out_of_range(void)
{
	int ok = 1, tried = 0;

	for (unsigned i = 0; i < sw_conf_nkeys; i++) {
		const struct sw_conf_key *k = &sw_conf_keys[i];
		char kv[8192], bad[3][4096];
		int nbad = 0;
		size_t o;

		switch (k->type) {
		case SW_CONF_U32:
			if (k->min > 0)
				snprintf(bad[nbad++], sizeof(bad[0]), "%.0f", k->min - 1);
			snprintf(bad[nbad++], sizeof(bad[0]), "%.0f", k->max + 1);
			snprintf(bad[nbad++], sizeof(bad[0]), "x");
			break;
		case SW_CONF_DOUBLE:
			snprintf(bad[nbad++], sizeof(bad[0]), "%.17g",
				 k->flags & SW_CONF_OPEN ? k->min : k->min - 1);
			snprintf(bad[nbad++], sizeof(bad[0]), "%.17g",
				 k->flags & SW_CONF_OPEN ? k->max : k->max + 1);
			snprintf(bad[nbad++], sizeof(bad[0]), "x");
			break;
		case SW_CONF_STR:
			memset(bad[nbad], 's', k->size);
			bad[nbad++][k->size] = '\0';
			break;
		case SW_CONF_ENUM:
			snprintf(bad[nbad++], sizeof(bad[0]), "no-such-value");
			break;
		case SW_CONF_LIST:
		case SW_CONF_FLAGS:
			o = 0;
			for (unsigned e = 0; e <= (unsigned)k->max; e++)
				o += (size_t)snprintf(bad[nbad] + o, sizeof(bad[0]) - o, "%s%s",
						      e ? "," : "",
						      k->values ? k->values[e % 4] :
						      k->check ? "10.0.0.0/8" : "x");
			nbad++;
			memset(bad[nbad], 'l', SW_MAX_STR);	/* one entry too long */
			bad[nbad++][SW_MAX_STR] = '\0';
			break;
		case SW_CONF_OUTPUTS:
			snprintf(bad[nbad++], sizeof(bad[0]), "file");
			snprintf(bad[nbad++], sizeof(bad[0]), "[{type: file}]");
			break;
		}
		for (int b = 0; b < nbad; b++) {
			struct sw_conf *c = fresh();

			snprintf(kv, sizeof(kv), "%s=%.4095s", k->name, bad[b]);
			err[0] = '\0';
			tried++;
			if (sw_conf_set(c, kv, err, sizeof(err)) != -EINVAL || !has(err, k->name)) {
				NOTE("     %s=%.40s accepted or unnamed: '%s'\n", k->name, bad[b], err);
				ok = 0;
			}
			free(c);
		}
		/* and the bounds themselves are accepted */
		if (k->type == SW_CONF_U32 && !(k->flags & SW_CONF_POW2)) {
			struct sw_conf *c = fresh();

			snprintf(kv, sizeof(kv), "%s=%.0f", k->name, k->min);
			if (sw_conf_set(c, kv, err, sizeof(err)) != 0)
				ok = 0, NOTE("     %s min refused: %s\n", k->name, err);
			snprintf(kv, sizeof(kv), "%s=%.0f", k->name, k->max);
			if (sw_conf_set(c, kv, err, sizeof(err)) != 0)
				ok = 0, NOTE("     %s max refused: %s\n", k->name, err);
			free(c);
		}
	}
	CHECK_AS("every_key_refuses_out_of_range_by_name", ok && tried > 2 * (int)sw_conf_nkeys);
}

/* ---- validate ---- */

static void
validate_fails(const char *name, const char *sets, const char *needle1, const char *needle2)
{
	struct sw_conf *c = fresh();
	char buf[256], *save = NULL, *kv;
	int setok = 1;

	snprintf(buf, sizeof(buf), "%s", sets);
	for (kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save))
		if (sw_conf_set(c, kv, err, sizeof(err)) != 0)
			setok = 0;
	err[0] = '\0';
	CHECK_AS(name, setok && sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, needle1) && has(err, needle2));
	free(c);
}

static void
validate_cross_field(void)
{
	struct sw_conf *c = fresh();

	validate_fails("windows_not_increasing", "windows.medium.window=10",
		       "windows.medium.window (10) must be longer than windows.fast.window (10)", "");
	validate_fails("slow_not_longer_than_medium", "windows.slow.window=240",
		       "windows.slow.window (240)", "windows.medium.window (300)");
	validate_fails("scanner_not_below_benign", "detect.trw.scanner-success=0.8",
		       "detect.trw.scanner-success", "detect.trw.benign-success");
	validate_fails("alpha_not_below_beta", "detect.trw.false-positive=0.995",
		       "detect.trw.false-positive", "detect.trw.detection");
	validate_fails("filter_too_small", "sketch.filter-bits=10;sketch.filter-capacity=5000",
		       "sketch.filter-capacity (5000)", "at least 13");
	validate_fails("burst_over_ring", "capture.rx-descriptors=64;capture.burst=128",
		       "capture.burst (128)", "capture.rx-descriptors (64)");
	validate_fails("service_port_twice", "detect.sensitive-services=ssh/22,sftp/22",
		       "detect.sensitive-services: port 22 is listed twice", "sftp/22");

	/* values poked in directly (as main.c does for -i) are checked too */
	c->workers = 0;
	CHECK_AS("validate_checks_direct_u32", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "capture.workers must be an integer 1..64 (got '0')"));
	sw_conf_defaults(c);
	c->cms_width = 3000;
	CHECK_AS("validate_checks_direct_pow2", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "sketch.width must be a power of two (got 3000)"));
	sw_conf_defaults(c);
	c->sketch_mode = (enum sw_detect_mode)7;
	CHECK_AS("validate_checks_direct_enum", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "detect.mode must be one of sketch, exact (got '7')"));
	sw_conf_defaults(c);
	c->rss_fields = 0x10;
	CHECK_AS("validate_checks_direct_flags", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "capture.rss-fields must be a list of at most 4 of ip, tcp, udp, sctp "
		  "(got '0x10')"));
	sw_conf_defaults(c);
	memset(c->host, 'x', sizeof(c->host));
	CHECK_AS("validate_checks_unterminated_string", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "host"));
	sw_conf_defaults(c);
	c->interfaces.n = SW_MAX_PORTS + 1;
	CHECK_AS("validate_checks_list_count", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "capture.interfaces"));
	sw_conf_defaults(c);
	strcpy(c->allowlist.v[0], "300.0.0.0/8");
	c->allowlist.n = 1;
	CHECK_AS("validate_checks_list_entries", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "allowlist.entries entry '300.0.0.0/8'"));
	sw_conf_defaults(c);
	c->trw_beta = 0.0 / 0.0;
	CHECK_AS("validate_checks_nan", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "detect.trw.detection"));
	free(c);
}

/* ---- outputs: ---- */

static void
outputs_parse(void)
{
	struct sw_conf *c = fresh();

	CHECK_AS("outputs_minimal_entry_of_each_type",
	      sw_conf_load_string(c, "outputs:\n"
				  "  - type: file\n    path: \"-\"\n"
				  "  - type: unix\n    path: /run/x.sock\n"
				  "  - type: syslog\n    server: siem.example.org\n"
				  "  - type: kafka\n    brokers: k:9092\n    topic: a.b_c-d\n",
				  "o.yaml", err, sizeof(err)) == 0 &&
	      c->n_outputs == 4 && strcmp(c->outputs[0].path, "-") == 0 &&
	      strcmp(c->outputs[0].name, "file0") == 0 && strcmp(c->outputs[1].name, "unix1") == 0 &&
	      c->outputs[1].socket_type == SW_SOCKET_STREAM &&
	      strcmp(c->outputs[2].name, "syslog2") == 0 && c->outputs[2].port == 514 &&
	      c->outputs[2].transport == SW_TRANSPORT_TCP &&
	      strcmp(c->outputs[3].name, "kafka3") == 0 && c->outputs[3].events == (SW_EVENTS_ALERT | SW_EVENTS_STATS) &&
	      sw_conf_validate(c, err, sizeof(err)) == 0);
	CHECK_AS("outputs_file_replaces_list",
	      sw_conf_load_string(c, "outputs:\n  - {type: syslog, server: \"::1\", port: 601}\n",
				  "o.yaml", err, sizeof(err)) == 0 && c->n_outputs == 1 &&
	      c->outputs[0].type == SW_OUTPUT_SYSLOG && c->outputs[0].port == 601 &&
	      strcmp(c->outputs[0].name, "syslog0") == 0 && c->outputs[0].path[0] == '\0' &&
	      cleared(&c->outputs[1]) && cleared(&c->outputs[3]));
	CHECK_AS("outputs_file_without_outputs_keeps_list",
	      sw_conf_load_string(c, "host: x\n", "o.yaml", err, sizeof(err)) == 0 &&
	      c->n_outputs == 1);
	CHECK_AS("outputs_empty_value_clears",
	      sw_conf_load_string(c, "outputs:\n", "o.yaml", err, sizeof(err)) == 0 &&
	      c->n_outputs == 0 && cleared(&c->outputs[0]));
	sw_conf_load_string(c, "outputs: [{type: file, path: a}]\n", "o.yaml", err, sizeof(err));
	CHECK_AS("outputs_empty_flow_clears",
	      sw_conf_load_string(c, "outputs: []\n", "o.yaml", err, sizeof(err)) == 0 &&
	      c->n_outputs == 0);
	CHECK_AS("outputs_empty_name_gets_default",
	      sw_conf_load_string(c, "outputs: [{type: file, path: a, name: \"\"}]\n", "o.yaml",
				  err, sizeof(err)) == 0 && strcmp(c->outputs[0].name, "file0") == 0);
	CHECK_AS("outputs_explicit_default_like_names_ok",
	      sw_conf_load_string(c, "outputs:\n  - {type: file, path: a, name: file1}\n"
				  "  - {type: file, path: b, name: x}\n", "o.yaml",
				  err, sizeof(err)) == 0 && sw_conf_validate(c, err, sizeof(err)) == 0);
	CHECK_AS("prometheus_listen_forms",
	      sw_conf_set(c, "stats.prometheus.listen=0.0.0.0:9100", err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "stats.prometheus.listen=[::]:1", err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "stats.prometheus.listen=[2001:db8::1]:65535", err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "stats.prometheus.listen=", err, sizeof(err)) == 0 &&
	      c->prom_listen[0] == '\0');
	free(c);
}

static void
outputs_file_errors(void)
{
	char big[4096];
	int n;

	load_fails("outputs_mapping_not_list", "host: a\noutputs:\n  type: file\n",
		   "t.yaml line 2: outputs must be a list", "'- type: file'", NULL);
	load_fails("outputs_scalar", "outputs: file\n", "line 1", "outputs must be a list",
		   "(got 'file')", NULL);
	load_fails("outputs_entry_not_mapping", "outputs:\n  - {type: file, path: a}\n  - file\n",
		   "line 3", "outputs entries must be mappings", "not a value", NULL);
	load_fails("outputs_given_twice", "outputs: []\nhost: a\noutputs: []\n",
		   "line 3", "outputs is given twice (lines 1 and 3)", NULL);
	load_fails("outputs_under_output_section", "output:\n  - type: file\n",
		   "line 1", "output is a section", "did you mean 'outputs'", NULL);
	load_fails("outputs_key_at_top_level", "topic: alerts\n",
		   "line 1", "unknown key 'topic'", "outputs:", NULL);
	load_fails("outputs_key_under_output", "output:\n  dir: /tmp\n  type: file\n",
		   "line 3", "unknown key 'output.type'", "key of an entry of the outputs:", NULL);
	load_fails("outputs_unknown_key_suggested",
		   "outputs:\n  - type: file\n    path: a\n  - type: syslog\n\n    sever: x\n",
		   "t.yaml line 6: outputs[1] (syslog): unknown key 'sever' (did you mean 'server'?)",
		   NULL);
	load_fails("outputs_unknown_key_lists_keys",
		   "outputs:\n  - type: syslog\n    zzzzzzzzz: 1\n",
		   "line 3", "unknown key 'zzzzzzzzz'", "a syslog output takes", "server, port",
		   NULL);
	load_fails("outputs_unknown_key_before_type", "outputs:\n  - zzzzzzzzz: 1\n",
		   "line 2", "outputs[0]: unknown key", "an output takes type,", NULL);
	load_fails("outputs_type_missing", "outputs:\n  - {type: file, path: a}\n  - path: b\n",
		   "t.yaml line 3: outputs[1]: type is required", "type: file", NULL);
	load_fails("outputs_type_bad", "outputs:\n  - type: pigeon\n",
		   "line 2", "type must be one of file, unix, syslog, kafka (got 'pigeon')", NULL);
	load_fails("outputs_syslog_needs_server",
		   "outputs:\n  - {type: file, path: a}\n  - {type: file, path: b}\n"
		   "  - type: syslog\n    port: 601\n",
		   "t.yaml line 4: outputs[2] (syslog): server is required for syslog outputs",
		   "add 'server: ...'", NULL);
	load_fails("outputs_kafka_needs_brokers", "outputs:\n  - {type: kafka, topic: t}\n",
		   "line 2", "outputs[0] (kafka): brokers is required", NULL);
	load_fails("outputs_kafka_needs_topic", "outputs:\n  - {type: kafka, brokers: k}\n",
		   "line 2", "outputs[0] (kafka): topic is required", NULL);
	load_fails("outputs_unix_needs_path", "outputs:\n  - type: unix\n",
		   "line 2", "outputs[0] (unix): path is required", NULL);
	load_fails("outputs_file_needs_path", "outputs:\n  - type: file\n    name: f\n",
		   "line 2", "outputs[0] (file): path is required", NULL);
	load_fails("outputs_key_of_other_type",
		   "outputs:\n  - type: file\n    path: a\n    topic: t\n",
		   "t.yaml line 4: outputs[0] (file): topic applies only to kafka outputs",
		   "remove it", NULL);
	load_fails("outputs_key_of_other_type_before_type",
		   "outputs:\n  - port: 514\n    type: kafka\n    brokers: k\n    topic: t\n",
		   "line 2", "outputs[0] (kafka): port applies only to syslog outputs", NULL);
	load_fails("outputs_path_on_syslog",
		   "outputs:\n  - type: syslog\n    server: s\n    path: p\n",
		   "line 4", "path applies only to file and unix outputs", NULL);
	load_fails("outputs_duplicate_names",
		   "outputs:\n  - {type: file, path: a, name: x}\n  - type: syslog\n"
		   "    server: s\n    name: x\n",
		   "t.yaml line 5: outputs[1] (syslog): name 'x' is also the name of outputs[0]",
		   NULL);
	load_fails("outputs_default_name_collides",
		   "outputs:\n  - {type: file, path: a, name: file1}\n  - {type: file, path: b}\n",
		   "line 3", "outputs[1] (file): name 'file1' is also the name of outputs[0]", NULL);
	load_fails("outputs_bad_name", "outputs:\n  - {type: file, path: a, name: \"my sink\"}\n",
		   "line 2", "outputs[0] (file): name 'my sink': only letters, digits", NULL);
	load_fails("outputs_bad_name_dot", "outputs:\n  - {type: file, path: a, name: a.b}\n",
		   "line 2", "not '.'", NULL);
	load_fails("outputs_key_twice",
		   "outputs:\n  - type: file\n    path: a\n    path: b\n",
		   "line 4", "outputs[0] (file): path is given twice (lines 3 and 4)", NULL);
	load_fails("outputs_events_empty", "outputs:\n  - type: file\n    path: a\n    events: []\n",
		   "line 4", "events must be a list of 1..2 of alert, stats (got an empty list)",
		   NULL);
	load_fails("outputs_events_null", "outputs:\n  - type: file\n    path: a\n    events:\n",
		   "line 4", "events must be", "empty list", NULL);
	load_fails("outputs_events_bad", "outputs:\n  - {type: file, path: a, events: [alert, flow]}\n",
		   "line 2", "events entry 'flow' is not allowed", NULL);
	load_fails("outputs_events_twice", "outputs:\n  - {type: file, path: a, events: [alert, alert]}\n",
		   "line 2", "events lists 'alert' twice", NULL);
	load_fails("outputs_events_scalar", "outputs:\n  - {type: file, path: a, events: alert}\n",
		   "line 2", "written as a YAML list", NULL);
	load_fails("outputs_scalar_given_list", "outputs:\n  - {type: file, path: [a]}\n",
		   "line 2", "outputs[0] (file): path must be", "not a list", NULL);
	load_fails("outputs_scalar_given_mapping", "outputs:\n  - type: file\n    path: {a: b}\n",
		   "line 3", "not a mapping", NULL);
	load_fails("outputs_entry_key_not_scalar", "outputs:\n  - type: file\n    [a]: b\n",
		   "line 3", "outputs[0] (file): keys must be plain names", NULL);
	load_fails("outputs_facility_bad",
		   "outputs:\n  - type: syslog\n    server: s\n    facility: local8\n",
		   "line 4", "facility must be one of kern, user", "local7 (got 'local8')", NULL);
	load_fails("outputs_port_zero", "outputs:\n  - {type: syslog, server: s, port: 0}\n",
		   "line 2", "outputs[0] (syslog): port must be an integer 1..65535 (got '0')", NULL);
	load_fails("outputs_queue_small", "outputs:\n  - {type: file, path: a, queue: 15}\n",
		   "line 2", "queue must be an integer 16..16777216", NULL);
	load_fails("outputs_transport_bad", "outputs:\n  - {type: syslog, server: s, transport: tls}\n",
		   "line 2", "transport must be one of udp, tcp", NULL);
	load_fails("outputs_socket_type_bad", "outputs:\n  - {type: unix, path: p, socket-type: seq}\n",
		   "line 2", "socket-type must be one of stream, dgram", NULL);
	load_fails("outputs_format_bad", "outputs:\n  - {type: file, path: a, format: json}\n",
		   "line 2", "format must be one of eve, cef, leef", NULL);
	load_fails("outputs_server_with_port",
		   "outputs:\n  - type: syslog\n    server: 192.0.2.1:514\n",
		   "line 3", "server '192.0.2.1:514'", "port:", NULL);
	load_fails("outputs_server_space", "outputs:\n  - {type: syslog, server: \"a b\"}\n",
		   "line 2", "server 'a b'", NULL);
	load_fails("outputs_topic_bad", "outputs:\n  - {type: kafka, brokers: k, topic: \"a/b\"}\n",
		   "line 2", "topic 'a/b'", "Kafka topic names", NULL);
	load_fails("outputs_topic_dotdot", "outputs:\n  - {type: kafka, brokers: k, topic: \"..\"}\n",
		   "line 2", "topic '..'", NULL);
	load_fails("outputs_kprop_no_equals",
		   "outputs:\n  - type: kafka\n    brokers: k\n    topic: t\n"
		   "    kafka-properties: [acks=all, lz4]\n",
		   "line 5", "kafka-properties entry 'lz4'", "key=value", NULL);
	load_fails("outputs_kprop_bootstrap",
		   "outputs:\n  - {type: kafka, brokers: k, topic: t, "
		   "kafka-properties: [\"bootstrap.servers=x:1\"]}\n",
		   "line 2", "set brokers: instead", NULL);
	load_fails("outputs_kprop_twice",
		   "outputs:\n  - type: kafka\n    brokers: k\n    topic: t\n"
		   "    kafka-properties: [acks=all, \"linger.ms=5\", acks=1]\n",
		   "line 5", "kafka-properties sets 'acks' twice", NULL);
	n = snprintf(big, sizeof(big), "outputs:\n  - type: unix\n    path: /");
	memset(big + n, 's', 107);
	strcpy(big + n + 107, "\n");
	load_fails("outputs_unix_path_too_long", big, "line 3",
		   "path is 108 bytes long; a unix socket path holds at most 107", NULL);
	n = snprintf(big, sizeof(big), "outputs:\n");
	for (int i = 0; i <= SW_MAX_OUTPUTS; i++)
		n += snprintf(big + n, sizeof(big) - (size_t)n, "  - {type: file, path: f%d}\n", i);
	load_fails("outputs_too_many", big, "line 18", "outputs has too many entries; at most 16",
		   NULL);
	load_fails("prometheus_listen_no_port", "stats:\n  prometheus:\n    listen: 127.0.0.1\n",
		   "line 3", "stats.prometheus.listen '127.0.0.1': no port", "ADDR:PORT", NULL);
	load_fails("prometheus_listen_v6_brackets", "stats.prometheus.listen: \"::1:9100\"\n",
		   "line 1", "needs brackets", "[::1]:9100", NULL);
	load_fails("prometheus_listen_port_zero", "stats.prometheus.listen: \"127.0.0.1:0\"\n",
		   "line 1", "port '0' must be 1..65535", NULL);
	load_fails("prometheus_listen_host_name", "stats.prometheus.listen: \"localhost:9100\"\n",
		   "line 1", "'localhost' is not an IPv4 address", NULL);
	load_fails("prometheus_listen_v4_in_brackets",
		   "stats.prometheus.listen: \"[192.0.2.1]:80\"\n", "line 1", "not an IPv6", NULL);
	load_fails("prometheus_listen_bracket_no_port", "stats.prometheus.listen: \"[::1]9100\"\n",
		   "line 1", "[IPv6]:PORT", NULL);
	load_fails("prometheus_listen_port_too_big",
		   "stats.prometheus.listen: \"127.0.0.1:65536\"\n", "line 1", "1..65535", NULL);

	/* a file on disk: the message names it */
	{
		struct sw_conf *c = fresh();
		FILE *f = fopen("/tmp/conf-test-outputs.yaml", "w");

		fputs("host: a\noutputs:\n  - type: kafka\n    brokers: k:9092\n", f);
		fclose(f);
		CHECK_AS("outputs_file_error_names_file_and_line",
		      sw_conf_load_file(c, "/tmp/conf-test-outputs.yaml", err, sizeof(err)) ==
		      -EINVAL && has(err, "/tmp/conf-test-outputs.yaml line 3: outputs[0] (kafka): "
				     "topic is required for kafka outputs"));
		unlink("/tmp/conf-test-outputs.yaml");
		free(c);
	}
}

static void
outputs_set(void)
{
	struct sw_conf *c = fresh();

	CHECK_AS("set_outputs_append_first",
	      sw_conf_set(c, "outputs.0.type=syslog", err, sizeof(err)) == 0 && c->n_outputs == 1 &&
	      strcmp(c->outputs[0].name, "syslog0") == 0 && c->outputs[0].port == 514 &&
	      c->outputs[0].queue == 65536 &&
	      c->outputs[0].events == (SW_EVENTS_ALERT | SW_EVENTS_STATS));
	CHECK_AS("set_outputs_modify",
	      sw_conf_set(c, "outputs.0.server=192.0.2.9", err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "outputs[0].port=6514", err, sizeof(err)) == 0 && c->n_outputs == 1 &&
	      strcmp(c->outputs[0].server, "192.0.2.9") == 0 && c->outputs[0].port == 6514);
	CHECK_AS("set_outputs_append_key_before_type",
	      sw_conf_set(c, "outputs.1.brokers=a:1,b:2", err, sizeof(err)) == 0 &&
	      c->n_outputs == 2 && c->outputs[1].name[0] == '\0' &&
	      sw_conf_set(c, "outputs.1.type=kafka", err, sizeof(err)) == 0 &&
	      strcmp(c->outputs[1].name, "kafka1") == 0 &&
	      strcmp(c->outputs[1].brokers, "a:1,b:2") == 0);
	CHECK_AS("set_outputs_list_commas",
	      sw_conf_set(c, "outputs.1.events=alert", err, sizeof(err)) == 0 &&
	      c->outputs[1].events == SW_EVENTS_ALERT);
	CHECK_AS("set_outputs_list_flow",
	      sw_conf_set(c, "outputs.1.kafka-properties=[\"sasl.jaas=a,b\", acks=all]",
			  err, sizeof(err)) == 0 && c->outputs[1].kafka_props.n == 2 &&
	      strcmp(c->outputs[1].kafka_props.v[0], "sasl.jaas=a,b") == 0);
	CHECK_AS("set_outputs_validates_when_complete",
	      sw_conf_set(c, "outputs.1.topic=t", err, sizeof(err)) == 0 &&
	      sw_conf_validate(c, err, sizeof(err)) == 0);
	CHECK_AS("set_outputs_type_change_moves_default_name",
	      sw_conf_set(c, "outputs.2.type=unix", err, sizeof(err)) == 0 &&
	      strcmp(c->outputs[2].name, "unix2") == 0 &&
	      sw_conf_set(c, "outputs.2.type=file", err, sizeof(err)) == 0 &&
	      strcmp(c->outputs[2].name, "file2") == 0);
	CHECK_AS("set_outputs_type_change_keeps_given_name",
	      sw_conf_set(c, "outputs.2.name=mine", err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "outputs.2.type=unix", err, sizeof(err)) == 0 &&
	      strcmp(c->outputs[2].name, "mine") == 0);
	CHECK_AS("set_outputs_empty_name_gets_default",
	      sw_conf_set(c, "outputs.2.name=", err, sizeof(err)) == 0 &&
	      strcmp(c->outputs[2].name, "unix2") == 0);
	CHECK_AS("set_outputs_validate_finds_missing_path",
	      sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "config: outputs[2] (unix): path is required for unix outputs"));
	CHECK_AS("set_outputs_type_change_leaves_foreign_keys_to_validate",
	      sw_conf_set(c, "outputs.0.type=file", err, sizeof(err)) == 0 &&
	      sw_conf_set(c, "outputs.0.path=a", err, sizeof(err)) == 0 &&
	      sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "outputs[0] (file): server applies only to syslog outputs"));
	CHECK_AS("set_outputs_clear_brackets",
	      sw_conf_set(c, "outputs=[]", err, sizeof(err)) == 0 && c->n_outputs == 0 &&
	      c->outputs[1].brokers[0] == '\0');
	sw_conf_set(c, "outputs.0.type=file", err, sizeof(err));
	CHECK_AS("set_outputs_clear_empty",
	      sw_conf_set(c, "outputs=", err, sizeof(err)) == 0 && c->n_outputs == 0);
	free(c);

	set_fails("set_outputs_gap", "outputs.1.type=file", "outputs.1.type",
		  "there are 0 outputs so far", "outputs.0.KEY=VALUE", NULL);
	set_fails("set_outputs_no_key", "outputs.0=file", "outputs.N.KEY", NULL);
	set_fails("set_outputs_no_index", "outputs.type=file", "outputs.N.KEY", NULL);
	set_fails("set_outputs_bad_bracket", "outputs[0.type=file", "outputs.N.KEY", NULL);
	set_fails("set_outputs_value", "outputs=file", "outputs.N.KEY=VALUE",
		  "outputs=[] empties", NULL);
	set_fails("set_outputs_unknown_key", "outputs.0.sever=x",
		  "--set: outputs[0]: unknown key 'sever' (did you mean 'server'?)", NULL);
	set_fails("set_outputs_bad_type", "outputs.0.type=pigeon",
		  "--set: outputs[0]: type must be one of file, unix, syslog, kafka", NULL);
	set_fails("set_outputs_events_empty", "outputs.0.events=", "events must be",
		  "empty list", NULL);
	set_fails("set_outputs_events_flow_empty", "outputs.0.events=[]", "events must be", NULL);
	set_fails("set_outputs_kprop_comma_hint", "outputs.0.kafka-properties=a=1,b",
		  "kafka-properties entry 'b'", "outputs.0.kafka-properties='[\"a,b\", c]'", NULL);
	set_fails("set_outputs_flow_syntax", "outputs.0.events=[alert",
		  "--set: outputs.0.events: YAML syntax error", NULL);
	{
		struct sw_conf *d = fresh();
		char kv[64];

		sw_conf_set(d, "outputs.0.type=syslog", err, sizeof(err));
		err[0] = '\0';
		CHECK_AS("set_outputs_key_of_other_type_refused",
		      sw_conf_set(d, "outputs.0.topic=t", err, sizeof(err)) == -EINVAL &&
		      has(err, "--set: outputs[0] (syslog): topic applies only to kafka outputs") &&
		      d->outputs[0].topic[0] == '\0');
		CHECK_AS("set_outputs_bad_value_named",
		      sw_conf_set(d, "outputs.0.port=x", err, sizeof(err)) == -EINVAL &&
		      has(err, "--set: outputs[0] (syslog): port must be an integer 1..65535 "
			  "(got 'x')") && d->outputs[0].port == 514);
		for (unsigned i = 1; i < SW_MAX_OUTPUTS; i++) {
			snprintf(kv, sizeof(kv), "outputs.%u.type=file", i);
			sw_conf_set(d, kv, err, sizeof(err));
		}
		CHECK_AS("set_outputs_too_many",
		      d->n_outputs == SW_MAX_OUTPUTS &&
		      sw_conf_set(d, "outputs.16.type=file", err, sizeof(err)) == -EINVAL &&
		      has(err, "at most 16") && d->n_outputs == SW_MAX_OUTPUTS);
		free(d);
	}
}

/* Every entry key, past its bounds through --set, is refused naming entry and key. */
static void
every_output_key_refuses_out_of_range(void)
{
	int ok = 1, tried = 0;

	for (unsigned i = 0; i < sw_output_nkeys; i++) {
		const struct sw_conf_key *k = &sw_output_keys[i];
		char kv[4096], bad[3][2048], want[128];
		unsigned t = 0;
		int nbad = 0;

		switch (k->type) {
		case SW_CONF_U32:
			if (k->min > 0)
				snprintf(bad[nbad++], sizeof(bad[0]), "%.0f", k->min - 1);
			snprintf(bad[nbad++], sizeof(bad[0]), "%.0f", k->max + 1);
			snprintf(bad[nbad++], sizeof(bad[0]), "-1");
			break;
		case SW_CONF_STR:
			memset(bad[nbad], 's', k->size);
			bad[nbad++][k->size] = '\0';
			break;
		case SW_CONF_ENUM:
			snprintf(bad[nbad++], sizeof(bad[0]), "no-such-value");
			break;
		case SW_CONF_LIST:
		case SW_CONF_FLAGS:
			snprintf(bad[nbad++], sizeof(bad[0]), "[\"\"]");
			memset(bad[nbad], 'l', SW_MAX_STR);
			bad[nbad++][SW_MAX_STR] = '\0';
			break;
		default:
			ok = 0;
		}
		while (!(k->types & (1u << t)))
			t++;
		snprintf(want, sizeof(want), "outputs[0] (%s): %s", sw_output_types[t], k->name);
		if (k->def == NULL)	/* type: no type yet */
			snprintf(want, sizeof(want), "outputs[0]: %s", k->name);
		for (int b = 0; b < nbad; b++) {
			struct sw_conf *c = fresh();

			if (k->def != NULL) {
				snprintf(kv, sizeof(kv), "outputs.0.type=%s", sw_output_types[t]);
				sw_conf_set(c, kv, err, sizeof(err));
			}
			snprintf(kv, sizeof(kv), "outputs.0.%s=%.2047s", k->name, bad[b]);
			err[0] = '\0';
			tried++;
			if (sw_conf_set(c, kv, err, sizeof(err)) != -EINVAL || !has(err, want)) {
				NOTE("     %s=%.40s accepted or unnamed: '%s'\n", k->name, bad[b], err);
				ok = 0;
			}
			free(c);
		}
	}
	CHECK_AS("every_output_key_refuses_out_of_range_by_name",
	      ok && tried > (int)sw_output_nkeys);
}

/* Entries poked into the struct directly (as tests and main.c may) are checked too. */
static void
outputs_validate(void)
{
	struct sw_conf *c = fresh();

#define ENTRY(t) do { sw_conf_defaults(c); c->n_outputs = 1; \
		sw_output_conf_defaults(&c->outputs[0]); \
		c->outputs[0].type = (t); } while (0)
	ENTRY(SW_OUTPUT_NONE);
	CHECK_AS("validate_output_type_required", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "config: outputs[0]: type is required"));
	ENTRY((enum sw_output_type)9);
	CHECK_AS("validate_output_type_bad", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "outputs[0]: type must be one of file, unix, syslog, kafka (got '9')"));
	ENTRY(SW_OUTPUT_SYSLOG);
	CHECK_AS("validate_output_needs_server", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "outputs[0] (syslog): server is required"));
	strcpy(c->outputs[0].server, "s");
	CHECK_AS("validate_output_ok_with_default_name",
	      sw_conf_validate(c, err, sizeof(err)) == 0 && c->outputs[0].name[0] == '\0');
	strcpy(c->outputs[0].topic, "t");
	CHECK_AS("validate_output_foreign_key", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "outputs[0] (syslog): topic applies only to kafka outputs"));
	c->outputs[0].topic[0] = '\0';
	c->outputs[0].port = 0;
	CHECK_AS("validate_output_bounds", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "outputs[0] (syslog): port must be an integer 1..65535 (got '0')"));
	c->outputs[0].port = 514;
	c->outputs[0].events = 0;
	CHECK_AS("validate_output_events_empty", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "events must be a list of 1..2 of alert, stats (got an empty list)"));
	c->outputs[0].events = SW_EVENTS_ALERT;
	memset(c->outputs[0].name, 'n', sizeof(c->outputs[0].name));
	CHECK_AS("validate_output_name_unterminated",
	      sw_conf_validate(c, err, sizeof(err)) == -EINVAL && has(err, "name"));
	strcpy(c->outputs[0].name, "a:b");
	CHECK_AS("validate_output_name_chars", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "name 'a:b'"));
	/* a default name counts in the uniqueness check */
	c->n_outputs = 2;
	strcpy(c->outputs[0].name, "syslog1");
	sw_output_conf_defaults(&c->outputs[1]);
	c->outputs[1].type = SW_OUTPUT_SYSLOG;
	strcpy(c->outputs[1].server, "s");
	CHECK_AS("validate_output_default_name_clash",
	      sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "outputs[1] (syslog): name 'syslog1' is also the name of outputs[0]"));
	c->n_outputs = SW_MAX_OUTPUTS + 1;
	CHECK_AS("validate_output_count", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "outputs has 17 entries; at most 16"));
	ENTRY(SW_OUTPUT_UNIX);
	memset(c->outputs[0].path, 'p', 108);
	CHECK_AS("validate_output_unix_path_length",
	      sw_conf_validate(c, err, sizeof(err)) == -EINVAL && has(err, "at most 107"));
	c->outputs[0].path[107] = '\0';
	CHECK_AS("validate_output_unix_path_107_ok", sw_conf_validate(c, err, sizeof(err)) == 0);
	ENTRY(SW_OUTPUT_KAFKA);
	strcpy(c->outputs[0].brokers, "k");
	strcpy(c->outputs[0].topic, "t");
	c->outputs[0].kafka_props.n = 2;
	strcpy(c->outputs[0].kafka_props.v[0], "acks=all");
	strcpy(c->outputs[0].kafka_props.v[1], "acks=1");
	CHECK_AS("validate_output_kprop_twice", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "kafka-properties sets 'acks' twice"));
	strcpy(c->outputs[0].kafka_props.v[1], "acks");
	CHECK_AS("validate_output_kprop_form", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "kafka-properties entry 'acks'"));
	c->outputs[0].kafka_props.n = 0;
	strcpy(c->prom_listen, "1.2.3.4");
	CHECK_AS("validate_prometheus_listen", sw_conf_validate(c, err, sizeof(err)) == -EINVAL &&
	      has(err, "stats.prometheus.listen '1.2.3.4'"));
#undef ENTRY
	free(c);
}

int
main(void)
{
	RUN(defaults_validate);
	RUN(every_default_is_accepted_by_set);
	RUN(output_defaults);
	RUN(table_is_well_formed);
	RUN(full_file_sets_every_key);
	RUN(round_trips);
	RUN(file_errors);
	RUN(set_each_type);
	RUN(every_key_refuses_out_of_range);
	RUN(validate_cross_field);
	RUN(outputs_parse);
	RUN(outputs_file_errors);
	RUN(outputs_set);
	RUN(every_output_key_refuses_out_of_range);
	RUN(outputs_validate);
	NOTE("%u tests, %u failed", n_tests, n_failed);
	return n_failed != 0;
}
