/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The unix socket sink: scanwatch connects as a client to a socket that a
 * collector (Filebeat, Vector, Fluent Bit, a SIEM agent) listens on.
 * stream: newline-delimited records; dgram: one record per datagram.
 * A collector that restarts is reconnected with backoff by outputs.c; one
 * that stops reading makes send time out (SO_SNDTIMEO), which counts as
 * down, so the sink's own queue absorbs the stall and nothing else waits.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <scanwatch/sink.h>

#define SEND_TIMEOUT_S 1

struct unix_sink {
	struct sockaddr_un sa;
	int type;		/* SOCK_STREAM | SOCK_DGRAM */
	int fd;
};

static int
unix_open(const struct sw_output_conf *cfg, const struct sw_conf *conf,
	  struct sw_sink_counters *cnt, void **ctx, char *err, size_t errlen)
{
	struct unix_sink *us;

	(void)conf;
	(void)cnt;
	if (cfg->path[0] == '\0') {
		snprintf(err, errlen, "path is required: the socket the collector listens on");
		return -EINVAL;
	}
	us = calloc(1, sizeof(*us));
	if (us == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (strlen(cfg->path) >= sizeof(us->sa.sun_path)) {
		snprintf(err, errlen, "socket path longer than %zu bytes: %s",
			 sizeof(us->sa.sun_path) - 1, cfg->path);
		free(us);
		return -ENAMETOOLONG;
	}
	us->sa.sun_family = AF_UNIX;
	memcpy(us->sa.sun_path, cfg->path, strlen(cfg->path) + 1);
	us->type = cfg->socket_type == SW_SOCKET_DGRAM ? SOCK_DGRAM : SOCK_STREAM;
	us->fd = -1;
	*ctx = us;
	return 0;
}

static int
unix_connect(void *ctx)
{
	struct unix_sink *us = ctx;
	struct timeval tv = { .tv_sec = SEND_TIMEOUT_S };
	int rc;

	us->fd = socket(AF_UNIX, us->type | SOCK_CLOEXEC, 0);
	if (us->fd < 0)
		return -errno;
	setsockopt(us->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(us->fd, (struct sockaddr *)&us->sa, sizeof(us->sa)) != 0) {
		rc = -errno;
		close(us->fd);
		us->fd = -1;
		return rc;
	}
	return 0;
}

static void
unix_disconnect(void *ctx)
{
	struct unix_sink *us = ctx;

	if (us->fd >= 0)
		close(us->fd);
	us->fd = -1;
}

/* A stream peer that closed shows as readable with nothing to read: notice
 * it before writing, or the first record after a collector restart would
 * go into a dead socket. */
static bool
peer_closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };
	char c;

	if (poll(&p, 1, 0) <= 0)
		return false;
	if (p.revents & (POLLRDHUP | POLLHUP | POLLERR))
		return true;
	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

static int
unix_write(void *ctx, const struct sw_alert *a, const char *text, size_t len)
{
	struct unix_sink *us = ctx;
	struct iovec iov[2] = {
		{ .iov_base = (void *)(uintptr_t)text, .iov_len = len },
		{ .iov_base = (void *)(uintptr_t)"\n", .iov_len = 1 },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t left = len + 1;

	(void)a;
	if (us->type == SOCK_DGRAM) {
		mh.msg_iovlen = 1;	/* a datagram is its own delimiter */
		if (sendmsg(us->fd, &mh, MSG_NOSIGNAL) >= 0)
			return 0;
		return errno == EMSGSIZE ? SW_SINK_REJECT : SW_SINK_DOWN;
	}
	if (peer_closed(us->fd))
		return SW_SINK_DOWN;
	while (left > 0) {
		ssize_t n = sendmsg(us->fd, &mh, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return SW_SINK_DOWN;	/* reset, or the reader stalled past the timeout */
		}
		left -= (size_t)n;
		while (n > 0 && mh.msg_iovlen > 0) {	/* skip what was sent */
			size_t step = (size_t)n < mh.msg_iov->iov_len ? (size_t)n
								       : mh.msg_iov->iov_len;

			mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base + step;
			mh.msg_iov->iov_len -= step;
			n -= (ssize_t)step;
			if (mh.msg_iov->iov_len == 0) {
				mh.msg_iov++;
				mh.msg_iovlen--;
			}
		}
	}
	return 0;
}

static int
unix_flush(void *ctx)
{
	(void)ctx;
	return 0;	/* nothing buffered in user space */
}

static void
unix_close(void *ctx)
{
	unix_disconnect(ctx);
	free(ctx);
}

const struct sw_sink_ops sw_sink_unix = {
	.name = "unix",
	.open = unix_open,
	.connect = unix_connect,
	.disconnect = unix_disconnect,
	.write = unix_write,
	.flush = unix_flush,
	.close = unix_close,
};
