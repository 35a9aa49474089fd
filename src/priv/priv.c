/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Least privilege after start-up.
 *
 * What needs privilege is over once the ports are up: EAL maps memory and
 * opens devices (vfio, hugepages), net_af_packet opens its sockets
 * (CAP_NET_RAW) and the port is put in promiscuous mode (CAP_NET_ADMIN).
 * Afterwards the sensor reads from sockets and rings it already holds,
 * writes outputs and answers on sockets: no capability is needed, so none
 * is kept.
 *
 * Capabilities belong to each thread, and by now EAL has started its own
 * (lcores, interrupts, multi-process, telemetry): a capset() here would
 * leave theirs whole. So every thread drops its own: a real-time signal
 * whose handler makes the calls is sent to each thread listed in
 * /proc/self/task until each thread's status reads what we want (a thread
 * started meanwhile inherits from one that may not have dropped yet, and
 * is caught by the next round). The change of user, when configured, is
 * glibc's setgroups/setgid/setuid, which glibc applies to every thread.
 * Threads started later (outputs, the exporter) inherit from this one.
 */

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "priv/priv.h"

/* Every thread has 1 s to drop. A signalled thread that is not busy runs
 * its handler within microseconds, so the first look is after 100 us and
 * the waits double up to 5 ms (a first wait of 5 ms was 4% of an offline
 * run of a small capture). */
#define DROP_TOTAL_US	1000000
#define DROP_WAIT_US	5000
#define DROP_FIRST_US	100

/* Read by the signal handler on every thread: set before the first signal. */
static struct __user_cap_header_struct cap_hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
static struct __user_cap_data_struct cap_keep[_LINUX_CAPABILITY_U32S_3];
static int cap_last;

/* The calling thread drops: the root exemption (an exec as uid 0 would get
 * every capability back), the bounding set, then everything but cap_keep
 * (CAP_SETUID/CAP_SETGID until the user changes), and no new privileges
 * through exec. Async-signal-safe: system calls only. */
static void
drop_self(void)
{
	prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0);
	for (int c = 0; c <= cap_last; c++)
		prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	syscall(SYS_capset, &cap_hdr, cap_keep);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

static void
on_drop_signal(int sig)
{
	int e = errno;

	(void)sig;
	drop_self();
	errno = e;
}

static uint64_t
keep_mask(void)
{
	return (uint64_t)cap_keep[0].permitted | (uint64_t)cap_keep[1].permitted << 32;
}

/* "Name:\tvalue" of /proc/self/task/TID/status, hexadecimal or decimal */
struct task_creds {
	uint64_t prm, eff, inh, bnd;
	unsigned long nnp;
	unsigned long uid[4], gid[4];
	char comm[32];
};

static int
read_task(const char *tid, struct task_creds *t)
{
	char path[64], line[256];
	FILE *f;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "/proc/self/task/%s/status", tid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;	/* gone: a thread that ended */
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long v;

		if (sscanf(line, "CapPrm: %llx", &v) == 1)
			t->prm = v;
		else if (sscanf(line, "CapEff: %llx", &v) == 1)
			t->eff = v;
		else if (sscanf(line, "CapInh: %llx", &v) == 1)
			t->inh = v;
		else if (sscanf(line, "CapBnd: %llx", &v) == 1)
			t->bnd = v;
		else if (sscanf(line, "NoNewPrivs: %lu", &t->nnp) != 1 &&
			 sscanf(line, "Uid: %lu %lu %lu %lu", &t->uid[0], &t->uid[1],
				&t->uid[2], &t->uid[3]) != 4 &&
			 sscanf(line, "Gid: %lu %lu %lu %lu", &t->gid[0], &t->gid[1],
				&t->gid[2], &t->gid[3]) != 4)
			sscanf(line, "Name: %31s", t->comm);
	}
	fclose(f);
	return 0;
}

static bool
task_dropped(const struct task_creds *t, uint64_t keep)
{
	return t->prm == keep && t->eff == keep && t->inh == 0 && t->bnd == 0 && t->nnp == 1;
}

/*
 * Every thread: its own drop, by signal, until all have.
 * @return 0, or -1 with err naming a thread that would not
 */
static int
drop_all_threads(int sig, char *err, size_t errlen)
{
	pid_t pid = getpid(), self = (pid_t)syscall(SYS_gettid);
	uint64_t keep = keep_mask();
	struct task_creds t;
	char bad[128] = "";

	drop_self();
	for (unsigned waited = 0, wait = DROP_FIRST_US; waited < DROP_TOTAL_US;
	     waited += wait, wait = wait * 2 < DROP_WAIT_US ? wait * 2 : DROP_WAIT_US) {
		DIR *d = opendir("/proc/self/task");
		struct dirent *de;
		unsigned pending = 0;

		if (d == NULL) {
			snprintf(err, errlen, "cannot list /proc/self/task: %s", strerror(errno));
			return -1;
		}
		while ((de = readdir(d)) != NULL) {
			pid_t tid = (pid_t)atoi(de->d_name);

			if (tid <= 0 || read_task(de->d_name, &t) != 0 || task_dropped(&t, keep))
				continue;
			pending++;
			snprintf(bad, sizeof(bad), "thread %d (%s)", (int)tid, t.comm);
			if (tid == self)
				drop_self();
			else
				syscall(SYS_tgkill, pid, tid, sig);
		}
		closedir(d);
		if (pending == 0)
			return 0;
		usleep(wait);
	}
	snprintf(err, errlen, "%s keeps its capabilities (does it block signal %d?); "
		 "process.drop-capabilities: no runs with them", bad, sig);
	return -1;
}

/* After the change of user: every thread runs as it, with nothing. */
static int
check_user(const struct sw_priv *p, char *err, size_t errlen)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	struct task_creds t;
	int rc = 0;

	if (d == NULL) {
		snprintf(err, errlen, "cannot list /proc/self/task: %s", strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (atoi(de->d_name) <= 0 || read_task(de->d_name, &t) != 0)
			continue;
		for (unsigned i = 0; i < 4; i++)
			if (t.uid[i] != p->uid || t.gid[i] != p->gid)
				rc = -1;
		if (t.prm != 0 || t.eff != 0)
			rc = -1;
		if (rc != 0)
			snprintf(err, errlen, "thread %s (%s) still runs as uid %lu with "
				 "capabilities %llx after the change to %s", de->d_name, t.comm,
				 t.uid[1], (unsigned long long)t.eff, p->user);
	}
	closedir(d);
	return rc;
}

int
sw_priv_resolve(const char *user, bool drop, struct sw_priv *p, char *err, size_t errlen)
{
	struct passwd *pw;

	memset(p, 0, sizeof(*p));
	p->drop = drop;
	if (user == NULL || user[0] == '\0')
		return 0;
	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(err, errlen, "process.user '%.60s': no such user%s%s (create it: "
			 "useradd --system --no-create-home %.60s)", user, errno ? ": " : "",
			 errno ? strerror(errno) : "", user);
		return -1;
	}
	if (strlen(user) >= sizeof(p->user)) {
		snprintf(err, errlen, "process.user '%.60s': name too long", user);
		return -1;
	}
	strcpy(p->user, user);
	p->setuser = true;
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	return 0;
}

int
sw_priv_give_dir(const struct sw_priv *p, const char *dir, char *err, size_t errlen)
{
	if (!p->setuser || geteuid() != 0)
		return 0;
	if (chown(dir, p->uid, p->gid) != 0) {
		snprintf(err, errlen, "cannot give output directory %.256s to %s: %s", dir,
			 p->user, strerror(errno));
		return -1;
	}
	return 0;
}

/* Whether this thread holds any capability at all. */
static bool
have_caps(void)
{
	struct task_creds t;
	char tid[16];

	snprintf(tid, sizeof(tid), "%d", (int)syscall(SYS_gettid));
	return read_task(tid, &t) != 0 || t.prm != 0 || t.bnd != 0;
}

int
sw_priv_drop(const struct sw_priv *p, const char *log_dir, char *err, size_t errlen)
{
	struct sigaction sa, old;
	int sig = SIGRTMIN + 5;
	FILE *f;
	int rc;

	if (!p->drop && !p->setuser)
		return 0;
	if (!have_caps()) {
		if (p->setuser && geteuid() != p->uid) {
			snprintf(err, errlen, "process.user %s: only root can change user "
				 "(running as uid %u)", p->user, (unsigned)geteuid());
			return -1;
		}
		return 0;	/* started without privilege: nothing to give up */
	}
	cap_last = 40;
	f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	if (f != NULL) {
		if (fscanf(f, "%d", &cap_last) != 1)
			cap_last = 40;
		fclose(f);
	}
	memset(cap_keep, 0, sizeof(cap_keep));
	if (p->setuser) {
		cap_keep[0].permitted = cap_keep[0].effective =
			1u << CAP_SETUID | 1u << CAP_SETGID;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_drop_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, &old) != 0) {
		snprintf(err, errlen, "cannot install the drop handler: %s", strerror(errno));
		return -1;
	}
	rc = drop_all_threads(sig, err, errlen);
	if (rc != 0)
		return rc;
	if (p->setuser) {
		/* glibc applies each to every thread; the last clears what was kept */
		if (setgroups(1, &p->gid) != 0 || setgid(p->gid) != 0 || setuid(p->uid) != 0) {
			snprintf(err, errlen, "cannot become %s (uid %u gid %u): %s", p->user,
				 (unsigned)p->uid, (unsigned)p->gid, strerror(errno));
			return -1;
		}
		if (check_user(p, err, errlen) != 0)
			return -1;
		if (log_dir != NULL && log_dir[0] != '\0' && access(log_dir, W_OK | X_OK) != 0) {
			snprintf(err, errlen, "process.user %s cannot write output.dir %.256s: %s "
				 "(chown %s %.256s)", p->user, log_dir, strerror(errno), p->user,
				 log_dir);
			return -1;
		}
	}
	/* a late copy of the signal must not kill the process (SIG_DFL would) */
	sa.sa_handler = SIG_IGN;
	sigaction(sig, &sa, NULL);
	return 0;
}
