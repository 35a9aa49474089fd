/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the Prometheus text rendering (src/ctl/prom.c): label
 * escaping as the exposition format 0.0.4 requires, and the structure of a
 * rendering (families declared once, before their samples, and contiguous;
 * counters ending in _total; worker counters summed). tests/test_observe.py
 * checks a live rendering with promtool.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scanwatch/conf.h>
#include <scanwatch/ctl.h>
#include <scanwatch/obs.h>

#include "check.h"

static void
escape_backslash_quote_newline(void)
{
	char out[64];
	size_t n = sw_prom_escape(out, sizeof(out), "a\\b\"c\nd");

	CHECK(strcmp(out, "a\\\\b\\\"c\\nd") == 0, "got %s", out);
	CHECK(n == strlen(out), "length %zu for %s", n, out);
	n = sw_prom_escape(out, sizeof(out), "plain-name_0");
	CHECK(strcmp(out, "plain-name_0") == 0 && n == 12, "got %s", out);
}

static void
escape_never_splits_a_sequence(void)
{
	char out[8];
	size_t n;

	/* "abcdef" then a quote: 6 + 2 bytes do not fit in 7 */
	n = sw_prom_escape(out, sizeof(out), "abcdef\"x");
	CHECK(strcmp(out, "abcdef") == 0 && n == 6, "got %s (%zu)", out, n);
	n = sw_prom_escape(out, sizeof(out), "abcde\\x");
	CHECK(strcmp(out, "abcde\\\\") == 0 && n == 7, "got %s (%zu)", out, n);
	n = sw_prom_escape(out, 1, "abc");
	CHECK(out[0] == '\0' && n == 0, "cap 1 gave %zu", n);
	CHECK(sw_prom_escape(out, 0, "abc") == 0, "cap 0");
}

/* The family name a sample line belongs to. */
static void
sample_name(const char *line, char *name, size_t cap)
{
	size_t n = strcspn(line, "{ ");

	if (n >= cap)
		n = cap - 1;
	memcpy(name, line, n);
	name[n] = '\0';
}

static void
render_structure_and_sums(void)
{
	static struct sw_conf conf;
	struct sw_worker *w[2];
	struct sw_ctl ctl;
	char *buf, *line, *save, cur[128] = "", seen[4096] = " ";
	size_t len;
	unsigned samples = 0, bad_order = 0, bad_counter = 0, redeclared = 0;
	bool counter = false;

	sw_conf_defaults(&conf);
	for (unsigned i = 0; i < 2; i++) {
		w[i] = aligned_alloc(64, sizeof(*w[i]));
		memset(w[i], 0, sizeof(*w[i]));
		w[i]->id = i;
		w[i]->lcore = i + 1;
		w[i]->nrxq = 1;
		w[i]->rxq[0].queue = (uint16_t)i;
		w[i]->st.pkts = 10 * (i + 1);
		w[i]->st.bytes = 1000 * (i + 1);
		w[i]->st.ring_drops = i;
		w[i]->st.perr[SW_PERR_TCP_TRUNC] = 3;
	}
	memset(&ctl, 0, sizeof(ctl));
	ctl.conf = &conf;
	ctl.workers = w;
	ctl.nw = 2;

	CHECK(sw_prom_render(&ctl, &buf, &len) == 0, "render failed");
	CHECK(strlen(buf) == len, "length %zu, strlen %zu", len, strlen(buf));
	CHECK(strstr(buf, "\nscanwatch_packets_total 30\n") != NULL, "total packets");
	CHECK(strstr(buf, "\nscanwatch_bytes_total 3000\n") != NULL, "total bytes");
	CHECK(strstr(buf, "\nscanwatch_ring_drops_total 1\n") != NULL, "ring drops");
	CHECK(strstr(buf, "\nscanwatch_worker_packets_total{worker=\"1\",queue=\"1\"} 20\n") != NULL,
	      "worker 1 packets");
	CHECK(strstr(buf, "\nscanwatch_parse_errors_total{reason=\"tcp_trunc\"} 6\n") != NULL,
	      "parse errors by reason");
	CHECK(strstr(buf, "scanwatch_build_info{version=\"" SW_VERSION "\"") != NULL, "build info");

	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char name[128], key[132];

		if (strncmp(line, "# HELP ", 7) == 0)
			continue;
		if (strncmp(line, "# TYPE ", 7) == 0) {
			sample_name(line + 7, cur, sizeof(cur));
			counter = strstr(line + 7, " counter") != NULL;
			snprintf(key, sizeof(key), " %s ", cur);
			if (strstr(seen, key) != NULL)
				redeclared++;
			else if (strlen(seen) + strlen(cur) + 2 < sizeof(seen))
				strcat(strcat(seen, cur), " ");
			if (counter && (strlen(cur) < 6 || strcmp(cur + strlen(cur) - 6, "_total") != 0))
				bad_counter++;
			continue;
		}
		sample_name(line, name, sizeof(name));
		samples++;
		if (strcmp(name, cur) != 0) {
			bad_order++;
			NOTE("  sample outside its family: %s (family %s)\n", line, cur);
		}
	}
	CHECK(samples > 40, "only %u samples", samples);
	CHECK(bad_order == 0, "%u samples not under their TYPE line", bad_order);
	CHECK(bad_counter == 0, "%u counters without _total", bad_counter);
	CHECK(redeclared == 0, "%u families declared twice", redeclared);
	free(buf);
	free(w[0]);
	free(w[1]);
}

/* Names unique per output, HELP for every family, counters end in _total,
 * per-worker rows inside their per-worker struct. */
static void
check_table(const char *set, const struct sw_counter *rows, unsigned n, size_t snap_size,
	    size_t wsize)
{
	for (unsigned k = 0; k < n; k++) {
		const struct sw_counter *r = &rows[k];
		bool has_w = r->wkey != NULL || r->wprom != NULL;

		CHECK(r->off + r->size <= snap_size, "%s row %u outside its snapshot", set, k);
		CHECK(r->size == 4 || r->size == 8 || r->kind == SW_CTR_PERR,
		      "%s row %u: size %u", set, k, r->size);
		CHECK(r->eve != NULL || r->tel != NULL || r->prom != NULL || has_w,
		      "%s row %u is shown nowhere", set, k);
		CHECK(r->prom == NULL || (r->help != NULL && strncmp(r->prom, "scanwatch_", 10) == 0),
		      "%s row %u: %s without HELP or prefix", set, k, r->prom);
		CHECK(r->wprom == NULL || r->whelp != NULL, "%s row %u: %s without HELP", set, k,
		      r->wprom);
		CHECK(r->prom == NULL || r->kind == SW_CTR_GAUGE ||
		      strcmp(r->prom + strlen(r->prom) - 6, "_total") == 0,
		      "%s counter %s without _total", set, r->prom);
		CHECK(!has_w || (r->woff + sizeof(uint64_t) <= wsize && r->size == 8),
		      "%s row %u: per-worker field outside the worker's struct", set, k);
		for (unsigned i = 0; i < k; i++) {
			const struct sw_counter *q = &rows[i];

			CHECK(r->eve == NULL || q->eve == NULL || strcmp(r->eve, q->eve) != 0,
			      "%s: EVE key %s twice", set, r->eve);
			CHECK(r->tel == NULL || q->tel == NULL || strcmp(r->tel, q->tel) != 0,
			      "%s: telemetry key %s twice", set, r->tel);
			CHECK(r->prom == NULL || q->prom == NULL || strcmp(r->prom, q->prom) != 0,
			      "%s: metric %s twice", set, r->prom);
			CHECK(r->wkey == NULL || q->wkey == NULL || strcmp(r->wkey, q->wkey) != 0,
			      "%s: worker key %s twice", set, r->wkey);
		}
	}
}

static void
counter_tables_are_consistent(void)
{
	check_table("worker", sw_worker_counters, sw_worker_ncounters, sizeof(struct sw_counters),
		    sizeof(struct sw_wstats));
	check_table("detect", sw_detect_counters, sw_detect_ncounters, sizeof(struct sw_counters),
		    0);
	check_table("payload", sw_payload_counters, sw_payload_ncounters,
		    sizeof(struct sw_match_counters), sizeof(struct sw_match_wstats));
}

/* Every per-worker row reads its own field: give each word of a worker's
 * struct its own value and find each in the rendering under its row's name. */
static void
per_worker_rows_read_their_field(void)
{
	static struct sw_conf conf;
	struct sw_worker *w = aligned_alloc(64, sizeof(*w));
	struct sw_ctl ctl;
	uint64_t *word = (uint64_t *)(void *)&w->st;
	char *buf, want[160];
	size_t len;

	sw_conf_defaults(&conf);
	memset(w, 0, sizeof(*w));
	for (unsigned i = 0; i < sizeof(w->st) / sizeof(uint64_t); i++)
		word[i] = 1000 + i;
	memset(&ctl, 0, sizeof(ctl));
	ctl.conf = &conf;
	ctl.workers = &w;
	ctl.nw = 1;
	CHECK(sw_prom_render(&ctl, &buf, &len) == 0, "render failed");
	for (unsigned k = 0; k < sw_worker_ncounters; k++) {
		const struct sw_counter *r = &sw_worker_counters[k];

		if (r->wprom == NULL)
			continue;
		snprintf(want, sizeof(want), "\n%s{worker=\"0\",queue=\"0\"} %u\n", r->wprom,
			 1000 + r->woff / 8);
		CHECK(strstr(buf, want) != NULL, "missing %s", want + 1);
	}
	CHECK(strstr(buf, "\nscanwatch_worker_polls_total{worker=\"0\",queue=\"0\"} ") != NULL,
	      "polls per worker");
	free(buf);
	free(w);
}

int
main(void)
{
	RUN(counter_tables_are_consistent);
	RUN(per_worker_rows_read_their_field);
	RUN(escape_backslash_quote_newline);
	RUN(escape_never_splits_a_sequence);
	RUN(render_structure_and_sums);
	NOTE("%u tests, %u failed", n_tests, n_failed);
	return n_failed != 0;
}
