/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests for src/alert/outputs.c and the file and unix sinks: every record
 * reaches every sink that takes it; a sink that is down fills only its own
 * queue, counts what it drops, and never delays emit or another sink; a
 * restarted collector is reconnected; SIGHUP reopens a moved file; size
 * rotation keeps every line; shutdown flushes and counts what is left.
 */

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <scanwatch/conf.h>
#include <scanwatch/sink.h>

#include "check.h"

static char dir[64];

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void
conf_base(struct sw_conf *c)
{
	sw_conf_defaults(c);
	snprintf(c->log_dir, sizeof(c->log_dir), "%s", dir);
	c->flush_timeout_ms = 1000;
}

static struct sw_output_conf *
add_output(struct sw_conf *c, enum sw_output_type type, const char *name)
{
	struct sw_output_conf *o = &c->outputs[c->n_outputs++];

	sw_output_conf_defaults(o);
	o->type = type;
	snprintf(o->name, sizeof(o->name), "%s", name);
	return o;
}

static void
emit_n(struct sw_outputs *out, unsigned from, unsigned n, enum sw_rec_type type)
{
	for (unsigned i = from; i < from + n; i++) {
		struct sw_alert a = { .type = type, .ts_ns = 1795388349000000000ULL + i,
				      .gid = 122, .sid = 1, .rev = 1, .severity = 2 };
		char line[128];
		int len;

		snprintf(a.src_ip, sizeof(a.src_ip), "10.66.0.%u", i % 250);
		snprintf(a.signature, sizeof(a.signature), "rec %u", i);
		len = snprintf(line, sizeof(line), "{\"event_type\":\"%s\",\"n\":%u}",
			       type == SW_REC_ALERT ? "alert" : "stats", i);
		sw_outputs_emit(out, &a, line, (size_t)len);
	}
}

/* Lines of a file, and whether line k holds "n":k for k in order. */
static unsigned
count_lines(const char *path, unsigned *in_order)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	unsigned n = 0, ord = 0;

	if (in_order != NULL)
		*in_order = 0;
	if (f == NULL)
		return 0;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		char want[32];

		snprintf(want, sizeof(want), "\"n\":%u}", n);
		if (strstr(buf, want) != NULL)
			ord++;
		n++;
	}
	fclose(f);
	if (in_order != NULL)
		*in_order = ord;
	return n;
}

static int
find_sink(struct sw_outputs *o, const char *name)
{
	for (unsigned i = 0; i < sw_outputs_count(o); i++)
		if (strcmp(sw_outputs_name(o, i, NULL), name) == 0)
			return (int)i;
	return -1;
}

static void
file_gets_every_record_once(void)
{
	struct sw_conf c;
	struct sw_outputs *o;
	struct sw_sink_counters sc;
	char err[512], path[512];
	unsigned ord = 0;

	conf_base(&c);
	add_output(&c, SW_OUTPUT_FILE, "a")->path[0] = '\0';	/* default eve.json */
	snprintf(add_output(&c, SW_OUTPUT_FILE, "b")->path, SW_MAX_STR, "alerts-only.json");
	c.outputs[1].events = SW_EVENTS_ALERT;		/* alert only */
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL)
		return;
	emit_n(o, 0, 1000, SW_REC_ALERT);
	emit_n(o, 1000, 5, SW_REC_STATS);
	sw_outputs_counters(o, 1, &sc);
	sw_outputs_close(o);
	snprintf(path, sizeof(path), "%s/eve.json", dir);
	CHECK(count_lines(path, &ord) == 1005, "eve.json has %u lines", count_lines(path, NULL));
	CHECK(ord == 1005, "%u of 1005 lines in order", ord);
	snprintf(path, sizeof(path), "%s/alerts-only.json", dir);
	CHECK(count_lines(path, NULL) == 1000, "alerts-only has %u lines",
	      count_lines(path, NULL));
	CHECK(sc.skipped == 5, "stats skipped by the alert-only sink: %llu",
	      (unsigned long long)sc.skipped);
	unlink(path);
	snprintf(path, sizeof(path), "%s/eve.json", dir);
	unlink(path);
}

static void
bad_directory_is_a_startup_error(void)
{
	struct sw_conf c;
	char err[512] = "";

	conf_base(&c);
	snprintf(add_output(&c, SW_OUTPUT_FILE, "x")->path, SW_MAX_STR, "/nonexistent/dir/eve.json");
	CHECK(sw_outputs_open(&c, err, sizeof(err)) == NULL, "opened a file in a missing dir");
	CHECK(strstr(err, "outputs[0] (x)") != NULL && strstr(err, "/nonexistent/dir") != NULL,
	      "message names the output and the path: %s", err);
	conf_base(&c);
	/* past validation only by writing the struct directly */
	snprintf(add_output(&c, (enum sw_output_type)9, "p")->path, SW_MAX_STR, "x");
	CHECK(sw_outputs_open(&c, err, sizeof(err)) == NULL, "unknown type accepted");
	CHECK(strstr(err, "unknown type 9") != NULL, "names the bad type: %s", err);
}

static void
size_rotation_keeps_every_line(void)
{
	struct sw_conf c;
	struct sw_outputs *o;
	char err[512], path[600];
	unsigned total = 0, files = 0;
	DIR *d;
	struct dirent *de;

	conf_base(&c);
	snprintf(add_output(&c, SW_OUTPUT_FILE, "r")->path, SW_MAX_STR, "rot.json");
	c.outputs[0].rotate_size_mb = 1;
	/* room for every record: what is under test is the rotation, not
	 * whether the writer keeps up with a loop of 100k emits (on a busy
	 * host it fell 1,202 records behind the default 65,536) */
	c.outputs[0].queue = 131072;
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL)
		return;
	/* ~30 bytes a line: 100k lines is about 3 MiB, so at least 2 rotations */
	emit_n(o, 0, 100000, SW_REC_ALERT);
	sw_outputs_close(o);
	d = opendir(dir);
	while (d != NULL && (de = readdir(d)) != NULL) {
		struct stat st;

		if (strncmp(de->d_name, "rot.json", 8) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		total += count_lines(path, NULL);
		files++;
		CHECK(stat(path, &st) == 0 && st.st_size <= (1 << 20),
		      "%s is %lld bytes, over the 1 MiB limit", de->d_name, (long long)st.st_size);
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
	CHECK(files >= 3, "only %u files after rotating at 1 MiB", files);
	CHECK(total == 100000, "%u of 100000 lines across the rotated files", total);
}

static unsigned
count_rotated(const char *prefix, unsigned *lines)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[600];
	unsigned files = 0;

	*lines = 0;
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		*lines += count_lines(path, NULL);
		files++;
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
	return files;
}

/* rotate-interval 1: records written in two different seconds land in
 * two files, and none is lost at the boundary. */
static void
time_rotation_starts_a_new_file(void)
{
	struct sw_conf c;
	struct sw_outputs *o;
	char err[512];
	unsigned lines, files;

	conf_base(&c);
	snprintf(add_output(&c, SW_OUTPUT_FILE, "t")->path, SW_MAX_STR, "timed.json");
	c.outputs[0].rotate_interval_s = 1;
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL)
		return;
	emit_n(o, 0, 50, SW_REC_ALERT);
	usleep(1300000);
	emit_n(o, 50, 50, SW_REC_ALERT);
	usleep(1300000);
	emit_n(o, 100, 50, SW_REC_ALERT);
	sw_outputs_close(o);
	files = count_rotated("timed.json", &lines);
	CHECK(files == 3, "%u files after writing in three different seconds", files);
	CHECK(lines == 150, "%u of 150 lines across the files", lines);
}

static void
sighup_reopens_a_moved_file(void)
{
	struct sw_conf c;
	struct sw_outputs *o;
	char err[512], path[512], moved[520];

	conf_base(&c);
	snprintf(add_output(&c, SW_OUTPUT_FILE, "h")->path, SW_MAX_STR, "hup.json");
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL)
		return;
	snprintf(path, sizeof(path), "%s/hup.json", dir);
	snprintf(moved, sizeof(moved), "%s.1", path);
	emit_n(o, 0, 10, SW_REC_ALERT);
	usleep(400000);			/* written and flushed by the sink's thread */
	CHECK(rename(path, moved) == 0, "rename: %s", strerror(errno));
	sw_outputs_reopen(o);		/* logrotate's postrotate */
	usleep(100000);
	emit_n(o, 10, 7, SW_REC_ALERT);
	sw_outputs_close(o);
	CHECK(count_lines(moved, NULL) == 10, "rotated file has %u lines, want 10",
	      count_lines(moved, NULL));
	CHECK(count_lines(path, NULL) == 7, "new file has %u lines, want 7",
	      count_lines(path, NULL));
	unlink(path);
	unlink(moved);
}

static int
listen_unix(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type, 0);

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return -1;
	if (type == SOCK_STREAM && listen(fd, 4) != 0)
		return -1;
	return fd;
}

/* Read newline-delimited records from a stream until idle; return count. */
static unsigned
drain_stream(int fd, double idle_s)
{
	char buf[65536];
	unsigned n = 0;
	struct timeval tv = { .tv_usec = (long)(idle_s * 1e6) };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);

		if (r <= 0)
			return n;
		for (ssize_t i = 0; i < r; i++)
			n += buf[i] == '\n';
	}
}

static void
unix_stream_reconnects_after_collector_restart(void)
{
	struct sw_conf c;
	struct sw_outputs *o;
	struct sw_sink_counters sc;
	char err[512], sock[128];
	unsigned got = 0;
	int lfd, cfd;

	snprintf(sock, sizeof(sock), "%s/collector.sock", dir);
	lfd = listen_unix(sock, SOCK_STREAM);
	CHECK(lfd >= 0, "listen: %s", strerror(errno));
	conf_base(&c);
	snprintf(add_output(&c, SW_OUTPUT_UNIX, "u")->path, SW_MAX_STR, "%s", sock);
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL || lfd < 0)
		return;
	emit_n(o, 0, 500, SW_REC_ALERT);
	cfd = accept(lfd, NULL, NULL);
	got += drain_stream(cfd, 0.3);
	CHECK(got == 500, "first connection got %u of 500", got);
	/* the collector restarts: old connection and listener gone */
	close(cfd);
	close(lfd);
	unlink(sock);
	usleep(100000);
	emit_n(o, 500, 300, SW_REC_ALERT);	/* queued while down */
	usleep(300000);
	lfd = listen_unix(sock, SOCK_STREAM);
	cfd = accept(lfd, NULL, NULL);		/* the sink's backoff brings it back */
	got += drain_stream(cfd, 0.5);
	sw_outputs_counters(o, 0, &sc);
	sw_outputs_close(o);
	got += drain_stream(cfd, 0.2);
	CHECK(got == 800, "collector got %u of 800 records across the restart", got);
	CHECK(sc.connects >= 2, "reconnected: %llu connects", (unsigned long long)sc.connects);
	CHECK(sc.connect_failures >= 1, "saw it down: %llu failures",
	      (unsigned long long)sc.connect_failures);
	close(cfd);
	close(lfd);
	unlink(sock);
}

static void
unix_dgram_one_record_per_datagram(void)
{
	struct sw_conf c;
	struct sw_outputs *o;
	char err[512], sock[128], buf[512];
	unsigned got = 0, whole = 0;
	struct timeval tv = { .tv_usec = 300000 };
	int fd;

	snprintf(sock, sizeof(sock), "%s/dgram.sock", dir);
	fd = listen_unix(sock, SOCK_DGRAM);
	CHECK(fd >= 0, "bind: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	conf_base(&c);
	snprintf(add_output(&c, SW_OUTPUT_UNIX, "d")->path, SW_MAX_STR, "%s", sock);
	c.outputs[0].socket_type = SW_SOCKET_DGRAM;
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL || fd < 0)
		return;
	emit_n(o, 0, 100, SW_REC_ALERT);
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf) - 1, 0);

		if (r <= 0)
			break;
		buf[r] = '\0';
		got++;
		whole += buf[0] == '{' && buf[r - 1] == '}';
	}
	sw_outputs_close(o);
	CHECK(got == 100, "%u of 100 datagrams", got);
	CHECK(whole == 100, "%u datagrams hold exactly one record", whole);
	close(fd);
	unlink(sock);
}

static void
dead_sink_drops_counted_and_stalls_nothing(void)
{
	struct sw_conf c;
	struct sw_outputs *o;
	struct sw_sink_counters dead;
	char err[512], path[512];
	double t0, t_emit, t_stop;

	conf_base(&c);
	c.flush_timeout_ms = 500;
	snprintf(add_output(&c, SW_OUTPUT_UNIX, "dead")->path, SW_MAX_STR, "%s/nobody.sock", dir);
	c.outputs[0].queue = 64;
	snprintf(add_output(&c, SW_OUTPUT_FILE, "live")->path, SW_MAX_STR, "live.json");
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL)
		return;
	t0 = now_s();
	emit_n(o, 0, 20000, SW_REC_ALERT);
	t_emit = now_s() - t0;
	t0 = now_s();
	sw_outputs_stop(o);
	t_stop = now_s() - t0;
	sw_outputs_counters(o, (unsigned)find_sink(o, "dead"), &dead);
	sw_outputs_free(o);
	/* emit must not wait on the dead collector: a blocking emit would
	 * take a reconnect backoff per record. */
	CHECK(t_emit < 2.0, "emit took %.2f s with one sink down", t_emit);
	CHECK(t_stop < 0.5 + 1.5, "stop took %.2f s with a 0.5 s flush timeout", t_stop);
	CHECK(dead.enqueued + dead.drop_queue_full == 20000, "dead sink: %llu queued + %llu "
	      "queue-full != 20000", (unsigned long long)dead.enqueued,
	      (unsigned long long)dead.drop_queue_full);
	CHECK(dead.written == 0 && dead.drop_shutdown == dead.enqueued,
	      "dead sink: written %llu, pending at shutdown %llu of %llu queued",
	      (unsigned long long)dead.written, (unsigned long long)dead.drop_shutdown,
	      (unsigned long long)dead.enqueued);
	CHECK(dead.connect_failures >= 1 && dead.up == 0, "dead sink: %llu connect failures",
	      (unsigned long long)dead.connect_failures);
	snprintf(path, sizeof(path), "%s/live.json", dir);
	CHECK(count_lines(path, NULL) == 20000, "the live sink got %u of 20000",
	      count_lines(path, NULL));
	unlink(path);
}

/* A collector that comes up after a while gets what was queued; a full
 * queue's drops are counted: queued + dropped = emitted, delivered = queued. */
static void
every_record_delivered_or_counted(void)
{
	struct sw_conf c;
	struct sw_outputs *o;
	struct sw_sink_counters sc;
	char err[512], sock[128];
	unsigned got;
	int lfd, cfd;

	snprintf(sock, sizeof(sock), "%s/late.sock", dir);
	unlink(sock);
	conf_base(&c);
	c.flush_timeout_ms = 3000;
	snprintf(add_output(&c, SW_OUTPUT_UNIX, "late")->path, SW_MAX_STR, "%s", sock);
	c.outputs[0].queue = 100;
	o = sw_outputs_open(&c, err, sizeof(err));
	CHECK(o != NULL, "open: %s", err);
	if (o == NULL)
		return;
	emit_n(o, 0, 1000, SW_REC_ALERT);
	sw_outputs_counters(o, 0, &sc);
	CHECK(sc.enqueued + sc.drop_queue_full == 1000, "enqueued %llu + queue-full %llu != 1000",
	      (unsigned long long)sc.enqueued, (unsigned long long)sc.drop_queue_full);
	CHECK(sc.enqueued == 100, "a queue of 100 took %llu", (unsigned long long)sc.enqueued);
	lfd = listen_unix(sock, SOCK_STREAM);
	cfd = accept(lfd, NULL, NULL);
	got = drain_stream(cfd, 0.5);
	sw_outputs_stop(o);
	sw_outputs_counters(o, 0, &sc);
	sw_outputs_free(o);
	CHECK(got == 100, "collector got %u of the 100 queued", got);
	CHECK(sc.delivered == 100 && sc.drop_shutdown == 0, "delivered %llu, pending %llu",
	      (unsigned long long)sc.delivered, (unsigned long long)sc.drop_shutdown);
	close(cfd);
	close(lfd);
	unlink(sock);
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sw-test-outputs.%d", (int)getpid());
	if (mkdir(dir, 0700) != 0) {
		perror(dir);
		return 1;
	}
	RUN(file_gets_every_record_once);
	RUN(bad_directory_is_a_startup_error);
	RUN(size_rotation_keeps_every_line);
	RUN(time_rotation_starts_a_new_file);
	RUN(sighup_reopens_a_moved_file);
	RUN(unix_stream_reconnects_after_collector_restart);
	RUN(unix_dgram_one_record_per_datagram);
	RUN(dead_sink_drops_counted_and_stalls_nothing);
	RUN(every_record_delivered_or_counted);
	rmdir(dir);
	NOTE("%u tests, %u failed", n_tests, n_failed);
	return n_failed != 0;
}
