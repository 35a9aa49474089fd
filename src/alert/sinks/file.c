/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The file sink: one record per line, appended to a file (or stdout).
 *
 * Each line is written whole with one writev(2), not through a stdio buffer:
 * a record counted as written is in the file, and a write the disk could
 * not take whole (ENOSPC, EIO) is cut back off the file and the record kept
 * for the retry, so a full disk loses nothing and tears no line. (With
 * stdio, lines counted as written sat in its buffer and were lost with it
 * when the disk filled, and the line being flushed was left half written.)
 * The cost is one system call per record on the output's own thread.
 * SIGHUP reopens the file by name, which is what
 * logrotate's postrotate expects. Built-in rotation (rotate-interval,
 * rotate-size) renames the file to NAME.YYYYmmdd-HHMMSS[.N] and starts a
 * new one; time rotation is aligned to multiples of the interval in UTC, so
 * hourly files start on the hour.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <scanwatch/sink.h>

struct file_sink {
	char path[4096];	/* empty: stdout */
	int fd;			/* -1: closed */
	uint64_t size;		/* bytes in the current file */
	uint64_t max_size;	/* rotate at this size; 0 = never */
	uint32_t interval;	/* rotate every interval seconds; 0 = never */
	time_t next_rotate;
};

static time_t
next_boundary(uint32_t interval)
{
	time_t now = time(NULL);

	return now - now % interval + interval;
}

/*
 * Append, created 0640: alerts name internal hosts and what they were
 * probed for, which is not for every local user to read (umask may take
 * more away, never add).
 */
static int
open_append(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

static int
file_open(const struct sw_output_conf *cfg, const struct sw_conf *conf,
	  struct sw_sink_counters *cnt, void **ctx, char *err, size_t errlen)
{
	struct file_sink *fs = calloc(1, sizeof(*fs));
	const char *p = cfg->path[0] ? cfg->path : "eve.json";
	int n;

	(void)cnt;
	if (fs == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	fs->fd = -1;
	if (strcmp(p, "-") == 0)
		n = 0;
	else if (p[0] == '/' || conf->log_dir[0] == '\0')
		n = snprintf(fs->path, sizeof(fs->path), "%s", p);
	else
		n = snprintf(fs->path, sizeof(fs->path), "%s/%s", conf->log_dir, p);
	if (n < 0 || (size_t)n >= sizeof(fs->path)) {
		snprintf(err, errlen, "path too long: %s", p);
		free(fs);
		return -ENAMETOOLONG;
	}
	fs->max_size = (uint64_t)cfg->rotate_size_mb << 20;
	fs->interval = cfg->rotate_interval_s;
	if (fs->path[0] == '\0' && (fs->max_size || fs->interval)) {
		snprintf(err, errlen, "stdout cannot be rotated; give a path or drop "
			 "rotate-interval/rotate-size");
		free(fs);
		return -EINVAL;
	}
	/* Open now so that a wrong directory is a start-up error, not a
	 * stream of reconnect failures. */
	if (fs->path[0] != '\0') {
		fs->fd = open_append(fs->path);
		if (fs->fd < 0) {
			int rc = -errno;

			snprintf(err, errlen, "cannot open %s for appending: %s (does the "
				 "directory exist and is it writable?)", fs->path, strerror(errno));
			free(fs);
			return rc;
		}
		close(fs->fd);
		fs->fd = -1;
	}
	*ctx = fs;
	return 0;
}

static int
file_connect(void *ctx)
{
	struct file_sink *fs = ctx;
	struct stat st;

	if (fs->path[0] == '\0') {
		fs->fd = STDOUT_FILENO;
		return 0;
	}
	fs->fd = open_append(fs->path);
	if (fs->fd < 0)
		return -errno;
	fs->size = fstat(fs->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	if (fs->interval)
		fs->next_rotate = next_boundary(fs->interval);
	return 0;
}

static void
file_disconnect(void *ctx)
{
	struct file_sink *fs = ctx;

	if (fs->fd >= 0 && fs->fd != STDOUT_FILENO)
		close(fs->fd);
	fs->fd = -1;
}

/* Move the current file aside under a name that sorts by time. */
static int
file_rotate(struct file_sink *fs)
{
	char to[4096 + 40];
	time_t now = time(NULL);
	struct tm tm;
	size_t n;

	gmtime_r(&now, &tm);
	n = (size_t)snprintf(to, sizeof(to), "%s.", fs->path);
	n += strftime(to + n, sizeof(to) - n, "%Y%m%d-%H%M%S", &tm);
	for (unsigned k = 1; access(to, F_OK) == 0 && k < 1000; k++)
		snprintf(to + n, sizeof(to) - n, ".%u", k);
	close(fs->fd);
	fs->fd = -1;
	if (rename(fs->path, to) != 0)
		return -errno;	/* connect appends to the old name again */
	return file_connect(fs);
}

/* The line and its newline in one write; what the disk took of a line it
 * could not take whole is cut off again (a regular file; stdout may be a
 * pipe, whose writes of a line are whole up to PIPE_BUF anyway). */
static int
write_line(struct file_sink *fs, const char *text, size_t len)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)(uintptr_t)text, .iov_len = len },
		{ .iov_base = (void *)(uintptr_t)"\n", .iov_len = 1 },
	};
	size_t want = len + 1, done = 0;

	while (done < want) {
		ssize_t n = writev(fs->fd, iov, 2);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (done > 0 && fs->fd != STDOUT_FILENO &&
			    ftruncate(fs->fd, (off_t)fs->size) != 0)
				fs->size += done;	/* cannot cut it: the retry follows it */
			return SW_SINK_DOWN;
		}
		done += (size_t)n;
		/* a short write: go on with the rest */
		for (unsigned k = 0; k < 2; k++) {
			size_t take = (size_t)n < iov[k].iov_len ? (size_t)n : iov[k].iov_len;

			iov[k].iov_base = (char *)iov[k].iov_base + take;
			iov[k].iov_len -= take;
			n -= (ssize_t)take;
		}
	}
	fs->size += want;
	return 0;
}

static int
file_write(void *ctx, const struct sw_alert *a, const char *text, size_t len)
{
	struct file_sink *fs = ctx;

	(void)a;
	if ((fs->max_size && fs->size > 0 && fs->size + len + 1 > fs->max_size) ||
	    (fs->interval && time(NULL) >= fs->next_rotate)) {
		if (file_rotate(fs) != 0)
			return SW_SINK_DOWN;
	}
	/* disk full, I/O error: reopen after a backoff and retry the line */
	return write_line(fs, text, len);
}

/* Nothing is buffered here: every line went to the kernel with its write. */
static int
file_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static int
file_reopen(void *ctx)
{
	struct file_sink *fs = ctx;

	if (fs->path[0] == '\0')
		return 0;
	file_flush(fs);
	file_disconnect(fs);
	return file_connect(fs);
}

static void
file_close(void *ctx)
{
	file_disconnect(ctx);
	free(ctx);
}

const struct sw_sink_ops sw_sink_file = {
	.name = "file",
	.open = file_open,
	.connect = file_connect,
	.disconnect = file_disconnect,
	.write = file_write,
	.flush = file_flush,
	.reopen = file_reopen,
	.close = file_close,
};
