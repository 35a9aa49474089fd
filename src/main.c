/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * scanwatch: start, arguments, launch, shutdown. The only file that exits.
 */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <scanwatch/capfile.h>
#include <scanwatch/conf.h>
#include <scanwatch/ctl.h>
#include <scanwatch/detect.h>
#include <scanwatch/event.h>
#include <scanwatch/match.h>
#include <scanwatch/worker.h>
#include "port/port.h"
#include "port/tsc.h"
#include "priv/priv.h"

#define EAL_ARGS_MAX 128
#define ERRLEN 512

static const char usage_text[] =
"usage: scanwatch [options] [-- EAL options]\n"
"       scanwatch top [--file-prefix P | --socket PATH]   live console\n"
"\n"
"Kernel-bypass port-scan detector: reads packets with DPDK, flags scanning\n"
"sources, writes Suricata-EVE-compatible JSON alerts.\n"
"\n"
"  -r, --read FILE        read a pcap file (offline; no EAL options needed)\n"
"  -i, --interface DEV    capture from DEV: a PCI address (0000:3b:00.0) or a\n"
"                         DPDK vdev (net_af_packet0,iface=eth1); repeatable\n"
"  -w, --workers N        RX queues per port, one pinned worker lcore each\n"
"  -c, --config FILE      YAML configuration\n"
"      --set KEY=VALUE    override one configuration key (repeatable)\n"
"  -l, --log-dir DIR      write DIR/eve.json instead of stdout (output.dir:\n"
"                         relative paths of file outputs are under it)\n"
"  -T, --test-config      check the configuration and exit\n"
"      --dump-config      print the effective configuration as YAML and exit\n"
"  -h, --help             this text\n"
"  -V, --version          print the version\n"
"\n"
"Anything after -- goes to DPDK's EAL (e.g. -- -l 0-4 --huge-dir /mnt/huge).\n"
"Signals: SIGINT/SIGTERM drain and exit (outputs get output.flush-timeout to\n"
"deliver what is queued); SIGHUP reopens output files (logrotate).\n"
"SIGUSR2 (or the telemetry command /scanwatch/reload) reloads rules.files.\n";

enum { OPT_SET = 256, OPT_DUMP };

static const struct option long_opts[] = {
	{ "read",	  required_argument, NULL, 'r' },
	{ "interface",	  required_argument, NULL, 'i' },
	{ "workers",	  required_argument, NULL, 'w' },
	{ "config",	  required_argument, NULL, 'c' },
	{ "set",	  required_argument, NULL, OPT_SET },
	{ "log-dir",	  required_argument, NULL, 'l' },
	{ "test-config",  no_argument,	     NULL, 'T' },
	{ "dump-config",  no_argument,	     NULL, OPT_DUMP },
	{ "help",	  no_argument,	     NULL, 'h' },
	{ "version",	  no_argument,	     NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct args {
	const char *config;
	const char *sets[64];
	unsigned nsets;
	const char *ifaces[SW_MAX_STRS];
	unsigned nifaces;
	const char *pcap;
	const char *pcap2;
	const char *log_dir;
	const char *workers;
	bool test_config, dump_config;
	int eal_argc;			/* arguments after "--" */
	char **eal_argv;
};

static void
die(int code, const char *fmt, const char *what)
{
	fprintf(stderr, "scanwatch: ");
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	exit(code);
}

static void
parse_args(int argc, char **argv, struct args *a)
{
	int opt;

	memset(a, 0, sizeof(*a));
	while ((opt = getopt_long(argc, argv, "r:i:w:c:l:ThV", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			/* twice: the two directions of a two-port tap */
			if (a->pcap2 != NULL)
				die(2, "%s", "at most two -r files (the two directions of a tap)");
			if (a->pcap != NULL)
				a->pcap2 = optarg;
			else
				a->pcap = optarg;
			break;
		case 'i':
			if (a->nifaces == SW_MAX_STRS)
				die(2, "too many -i devices (at most %s)", "32");
			a->ifaces[a->nifaces++] = optarg;
			break;
		case 'w': a->workers = optarg; break;
		case 'c': a->config = optarg; break;
		case 'l': a->log_dir = optarg; break;
		case OPT_SET:
			if (a->nsets == RTE_DIM(a->sets))
				die(2, "too many --set options (at most %s)", "64");
			a->sets[a->nsets++] = optarg;
			break;
		case 'T': a->test_config = true; break;
		case OPT_DUMP: a->dump_config = true; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		case 'V': printf("scanwatch %s\n", SW_VERSION); exit(0);
		default:
			fputs(usage_text, stderr);
			exit(2);
		}
	}
	if (optind < argc && strcmp(argv[optind - 1], "--") != 0)
		die(2, "unexpected argument '%s' (EAL options go after --)", argv[optind]);
	a->eal_argc = argc - optind;
	a->eal_argv = argv + optind;
}

/* Defaults, then the file, then --set, then the short options: the later
 * source wins, and --dump-config shows the result. */
static void
build_conf(const struct args *a, struct sw_conf *c)
{
	char err[ERRLEN], kv[SW_MAX_STR + 32];

	sw_conf_defaults(c);
	if (a->config != NULL && sw_conf_load_file(c, a->config, err, sizeof(err)) != 0)
		die(2, "%s", err);
	for (unsigned i = 0; i < a->nsets; i++)
		if (sw_conf_set(c, a->sets[i], err, sizeof(err)) != 0)
			die(2, "%s", err);
	if (a->nifaces > 0) {
		c->interfaces.n = 0;
		for (unsigned i = 0; i < a->nifaces; i++) {
			if (strlen(a->ifaces[i]) >= SW_MAX_STR)
				die(2, "device name too long: %s", a->ifaces[i]);
			strcpy(c->interfaces.v[c->interfaces.n++], a->ifaces[i]);
		}
	}
	if (a->pcap != NULL) {
		snprintf(kv, sizeof(kv), "capture.pcap=%s", a->pcap);
		if (sw_conf_set(c, kv, err, sizeof(err)) != 0)
			die(2, "%s", err);
	}
	if (a->pcap2 != NULL) {
		snprintf(kv, sizeof(kv), "capture.pcap2=%s", a->pcap2);
		if (sw_conf_set(c, kv, err, sizeof(err)) != 0)
			die(2, "%s", err);
	}
	if (a->log_dir != NULL) {
		snprintf(kv, sizeof(kv), "output.dir=%s", a->log_dir);
		if (sw_conf_set(c, kv, err, sizeof(err)) != 0)
			die(2, "%s", err);
	}
	if (a->workers != NULL) {
		snprintf(kv, sizeof(kv), "capture.workers=%s", a->workers);
		if (sw_conf_set(c, kv, err, sizeof(err)) != 0)
			die(2, "%s", err);
	}
	if (sw_conf_validate(c, err, sizeof(err)) != 0)
		die(2, "%s", err);
	if (c->pcap[0] != '\0' && c->interfaces.n > 0)
		die(2, "%s", "-r (offline) and -i (live) exclude each other");
	if (c->pcap2[0] != '\0' && c->pcap[0] == '\0')
		die(2, "%s", "capture.pcap2 needs capture.pcap (the first direction)");
}

/* EAL argument vector ------------------------------------------------------ */

struct eal_args {
	int argc;
	char *argv[EAL_ARGS_MAX];
	char store[EAL_ARGS_MAX][SW_MAX_STR + 64];
};

static void
eal_add(struct eal_args *e, const char *fmt, const char *s)
{
	if (e->argc == EAL_ARGS_MAX - 1)
		die(2, "too many EAL arguments (at most %s)", "127");
	snprintf(e->store[e->argc], sizeof(e->store[0]), fmt, s);
	e->argv[e->argc] = e->store[e->argc];
	e->argc++;
}

static bool
eal_has(const struct eal_args *e, const char *const *opts)
{
	for (int i = 1; i < e->argc; i++)
		for (const char *const *o = opts; *o != NULL; o++) {
			size_t n = strlen(*o);

			if (strncmp(e->argv[i], *o, n) == 0 &&
			    (e->argv[i][n] == '\0' || e->argv[i][n] == '=' || (*o)[1] != '-'))
				return true;
		}
	return false;
}

static bool
is_pci(const char *dev)
{
	unsigned a, b, c, d;
	char tail;

	return sscanf(dev, "%x:%x:%x.%x%c", &a, &b, &c, &d, &tail) == 4 ||
	       sscanf(dev, "%x:%x.%x%c", &b, &c, &d, &tail) == 3;
}

/* Workers are pinned one to a CPU of our affinity set, the control thread
 * on the first; with fewer CPUs than lcores they wrap around and share. */
static void
eal_lcores(struct eal_args *e, unsigned nlcores)
{
	cpu_set_t set;
	int cpus[CPU_SETSIZE], ncpu = 0;
	char map[SW_MAX_STR], *p = map;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		CPU_ZERO(&set);
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			cpus[ncpu++] = i;
	if (ncpu == 0)
		cpus[ncpu++] = 0;
	if ((int)nlcores > ncpu)
		fprintf(stderr, "scanwatch: %u lcores on %d CPUs: workers share cores "
			"(expect lower throughput; give -- -l to choose)\n", nlcores, ncpu);
	for (unsigned l = 0; l < nlcores && p < map + sizeof(map) - 16; l++)
		p += snprintf(p, (size_t)(map + sizeof(map) - p), "%s%u@%d",
			      l ? "," : "", l, cpus[l % (unsigned)ncpu]);
	eal_add(e, "--lcores=%s", map);
}

/* Free hugepages of the default size (/proc/meminfo HugePages_Free). */
static long
hugepages_free(void)
{
	char line[128];
	long n = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "HugePages_Free: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* "scanwatch-" and the capture devices, every character outside
 * [A-Za-z0-9.-] as '_', at most 48 characters (EAL makes paths of it). */
static void
live_prefix(const struct sw_conf *c, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "scanwatch");

	for (unsigned i = 0; i < c->interfaces.n && n + 2 < len && n < 48; i++) {
		out[n++] = '-';
		for (const char *d = c->interfaces.v[i]; *d != '\0' && n + 1 < len && n < 48; d++)
			out[n++] = (isalnum((unsigned char)*d) || *d == '.' || *d == '-') ? *d : '_';
	}
	out[n] = '\0';
}

/* EAL leaves an empty runtime directory per file prefix behind. */
static char runtime_dir[128];

/*
 * net_af_packet ignores the descriptor count given to
 * rte_eth_rx_queue_setup() and keeps a kernel ring of 512 frames: at a few
 * hundred thousand frames/s a millisecond or two of slack, and frames were
 * lost in the kernel whenever a worker was descheduled (72 % of a 116 kpps
 * replay on a busy 2-core host; bench/README.md). Its ring is sized by
 * capture.af-packet-frames unless the device string says otherwise (its
 * memory is ordinary pages, not the mbuf pool's hugepages, so it does not
 * follow capture.rx-descriptors); one socket per queue pair (PACKET_FANOUT).
 */
static void
eal_af_packet(struct eal_args *e, const struct sw_conf *c, const char *dev)
{
	char qpairs[32] = "", frames[32] = "";
	char spec[SW_MAX_STR + 56];	/* + "--vdev=" fits eal_add()'s store */

	if (strstr(dev, "qpairs=") == NULL && c->workers > 1)
		snprintf(qpairs, sizeof(qpairs), ",qpairs=%u", c->workers);
	if (strstr(dev, "framecnt=") == NULL)
		snprintf(frames, sizeof(frames), ",framecnt=%u", c->afp_frames);
	if ((size_t)snprintf(spec, sizeof(spec), "%.*s%s%s", SW_MAX_STR, dev, qpairs,
			     frames) >= sizeof(spec))
		die(2, "%s: device string too long", dev);
	eal_add(e, "--vdev=%s", spec);
}

/*
 * EAL memory of an offline run, in MiB (-m). Without hugepages EAL fills a
 * memseg entry for each 4 KiB page of it at start: 512 MiB cost 6 MiB of
 * entries, 1,500 page faults. So it is what this configuration takes from
 * DPDK's heap: 64 MiB for the mbuf pool, the detection and match structures
 * (about 11 MiB at the defaults; the sketch's big arrays are not in it),
 * plus the rings and the evidence history, which grow with their keys, plus
 * the exact twin's tables. -- -m N still decides.
 */
static unsigned
offline_mem_mb(const struct sw_conf *c)
{
	uint64_t b = (uint64_t)c->ring_size * sizeof(struct sw_event) +
		     (uint64_t)c->match_ring_size * sizeof(struct sw_match_event) +
		     /* a record is the snap and a header, a cache line aligned */
		     (uint64_t)(c->evid_history + c->evid_ring_size) * (c->evid_snaplen + 128);

	if (c->sketch_mode == SW_MODE_EXACT)
		b += (uint64_t)512 << 20;
	return 64 + (unsigned)((b + (1 << 20) - 1) >> 20);
}

static void
build_eal(const struct args *a, const struct sw_conf *c, struct eal_args *e)
{
	static const char *const lcore_opts[] = { "-l", "-c", "--lcores", NULL };
	static const char *const mem_opts[] = { "-m", "--socket-mem", NULL };
	static const char *const prefix_opts[] = { "--file-prefix", NULL };
	bool offline = c->pcap[0] != '\0';
	bool any_pci = false;
	char prefix[64];

	e->argc = 0;
	eal_add(e, "%s", "scanwatch");
	/* EAL's start-up chatter is not for the admin; errors still show. */
	eal_add(e, "%s", "--log-level=lib.eal:error");
	for (unsigned i = 0; i < c->eal_params.n; i++)
		eal_add(e, "%s", c->eal_params.v[i]);
	for (int i = 0; i < a->eal_argc; i++)
		eal_add(e, "%s", a->eal_argv[i]);

	if (!eal_has(e, lcore_opts))
		eal_lcores(e, offline ? 2 : c->workers + 1);

	if (offline) {
		/* Several offline runs at once (tests, batch jobs) must not
		 * share EAL runtime files: a fresh prefix and no hugepages. */
		snprintf(prefix, sizeof(prefix), "scanwatch-%d-%lx", (int)getpid(),
			 (unsigned long)time(NULL));
		eal_add(e, "%s", "--no-huge");
		eal_add(e, "%s", "--no-pci");
		eal_add(e, "%s", "--no-shconf");
		eal_add(e, "%s", "--no-telemetry");
		if (!eal_has(e, mem_opts)) {
			char mb[16];

			snprintf(mb, sizeof(mb), "%u", offline_mem_mb(c));
			eal_add(e, "-m%s", mb);
		}
		if (!eal_has(e, prefix_opts)) {
			eal_add(e, "--file-prefix=%s", prefix);
			snprintf(runtime_dir, sizeof(runtime_dir), "/var/run/dpdk/%s", prefix);
		}
		eal_add(e, "--vdev=net_pcap0,rx_pcap=%s", c->pcap);
		if (c->pcap2[0] != '\0')
			eal_add(e, "--vdev=net_pcap1,rx_pcap=%s", c->pcap2);
		return;
	}
	for (unsigned i = 0; i < c->interfaces.n; i++) {
		const char *dev = c->interfaces.v[i];

		if (is_pci(dev)) {
			eal_add(e, "-a%s", dev);
			any_pci = true;
		} else if (strncmp(dev, "net_af_packet", 13) == 0) {
			eal_af_packet(e, c, dev);
		} else {
			eal_add(e, "--vdev=%s", dev);
		}
	}
	/* Only the devices named: never grab every NIC bound to vfio-pci. */
	if (!any_pci && c->interfaces.n > 0)
		eal_add(e, "%s", "--no-pci");
	/* One prefix per sensor, from what it captures: two instances on one
	 * host (two taps) never share EAL's runtime files, and the prefix is
	 * the same on every start, for dpdk-telemetry.py -f. */
	if (!eal_has(e, prefix_opts) && c->interfaces.n > 0) {
		live_prefix(c, prefix, sizeof(prefix));
		eal_add(e, "--file-prefix=%s", prefix);
		fprintf(stderr, "scanwatch: DPDK file prefix %s (dpdk-telemetry.py -f %s)\n",
			prefix, prefix);
	}
	/* Hugepages when reserved (EAL's default); otherwise 4 KiB pages and
	 * one line saying what that costs and how to fix it. */
	{
		static const char *const huge_opts[] = { "--no-huge", "--in-memory", NULL };

		if (!eal_has(e, huge_opts) && hugepages_free() == 0) {
			eal_add(e, "%s", "--no-huge");
			fprintf(stderr, "scanwatch: warning: no free hugepages, running on 4 KiB "
				"pages (detection state misses the TLB: slower); reserve them: "
				"echo 1024 > /proc/sys/vm/nr_hugepages\n");
		}
	}
}

/* Workers ------------------------------------------------------------------ */

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		sw_hup = 1;
	else if (sig == SIGUSR2)
		sw_match_request_reload();
	else
		sw_quit = true;
}

/* What a capture file holds; refused files end the run here, before EAL. */
static void
probe_capture(const char *path, struct sw_capfile *cf)
{
	char err[ERRLEN];

	if (sw_capfile_probe(path, cf, err, sizeof(err)) != 0)
		die(2, "%s", err);
	/* net_pcap takes the path inside a comma-separated --vdev string */
	if (strchr(path, ',') != NULL)
		die(2, "%s: DPDK's net_pcap cannot open a path holding a ',': rename the "
		    "file or link it under another name", path);
	if (cf->link != SW_LINK_ETH)
		fprintf(stderr, "scanwatch: %s: %s frames (%s)\n", path, sw_link_name(cf->link),
			cf->format);
	if (cf->damaged)
		fprintf(stderr, "scanwatch: warning: %s is damaged: %s; reading the %llu "
			"whole records before it\n", path, cf->damage,
			(unsigned long long)cf->records);
}

/* mkdir -p: every missing component, 0750 (alerts name internal hosts),
 * given to process.user when one is set */
static int
mkdir_p(const char *dir, const struct sw_priv *priv, char *err, size_t errlen)
{
	char path[PATH_MAX];
	size_t n = strlen(dir);

	if (n >= sizeof(path)) {
		snprintf(err, errlen, "output directory name too long: %.200s", dir);
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0750) == 0) {
			if (sw_priv_give_dir(priv, path, err, errlen) != 0)
				return -1;
		} else if (errno != EEXIST) {
			snprintf(err, errlen, "cannot create output directory %.256s: %s", path,
				 strerror(errno));
			return -1;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}

static int
create_workers(const struct sw_conf *c, uint16_t nq, bool offline,
	       struct sw_worker **w, char *err, size_t errlen)
{
	unsigned lcore = rte_get_next_lcore(-1, 1, 0);
	uint16_t port;

	if (rte_lcore_count() < (unsigned)nq + 1) {
		snprintf(err, errlen, "%u workers need %u lcores (one for control), EAL has %u: "
			 "widen -l in dpdk.eal-params or lower capture.workers",
			 nq, nq + 1, rte_lcore_count());
		return -EINVAL;
	}
	for (unsigned i = 0; i < nq; i++) {
		struct sw_worker_params p = {
			.id = i,
			.lcore = lcore,
			.nworkers = nq,
			.burst = (uint16_t)c->burst,
			.offline = offline,
			.detect = true,
			.ring_size = c->ring_size,
			.socket = sw_port_socket(0),
		};

		w[i] = sw_worker_create(c, &p, err, errlen);
		if (w[i] == NULL)
			return -ENOMEM;
		if (i == 0)
			sw_sketch_describe(sw_detect_sketch(w[i]->det), stderr);
		RTE_ETH_FOREACH_DEV(port) {
			if (w[i]->nrxq == SW_MAX_RXQ) {
				snprintf(err, errlen, "at most %u ports per worker", SW_MAX_RXQ);
				return -EINVAL;
			}
			w[i]->rxq[w[i]->nrxq].port = port;
			w[i]->rxq[w[i]->nrxq].queue = (uint16_t)i;
			w[i]->nrxq++;
		}
		lcore = rte_get_next_lcore(lcore, 1, 0);
	}
	return 0;
}

static void
free_workers(struct sw_worker **w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		sw_worker_free(w[i]);
}

/*
 * `scanwatch top ...`: the console is a program of its own (scanwatch-top,
 * Python over the DPDK telemetry socket) installed next to this binary, so
 * it needs no EAL of its own. exec, not fork: it owns the terminal and its
 * exit status is ours.
 */
static void
exec_top(char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	argv[1] = (char *)"scanwatch-top";
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/scanwatch-top", self);
			if (access(path, X_OK) == 0) {
				argv[1] = path;
				execv(path, argv + 1);
			}
		}
	}
	execvp("scanwatch-top", argv + 1);
	die(2, "cannot run scanwatch-top (next to scanwatch or on PATH): %s", strerror(errno));
}

int
main(int argc, char **argv)
{
	static struct sw_conf conf;
	static struct eal_args eal;
	static struct sw_capfile capfile[2];	/* -r FILE [-r FILE] */
	struct sw_worker *workers[SW_MAX_WORKERS] = { NULL };
	struct sw_matcher *matcher = NULL;
	struct sw_ctl ctl;
	struct sw_priv priv;
	struct args a;
	char err[ERRLEN];
	bool offline;
	uint16_t nq;
	int rc;

	if (argc > 1 && strcmp(argv[1], "top") == 0)
		exec_top(argv);
	parse_args(argc, argv, &a);
	build_conf(&a, &conf);
	if (a.dump_config) {
		sw_conf_dump(&conf, stdout);
		return 0;
	}
	if (a.test_config) {
		unsigned nrules;

		if (sw_rules_check(&conf, &nrules, err, sizeof(err)) != 0)
			die(2, "%s", err);
		if (nrules > 0)
			fprintf(stderr, "scanwatch: %u payload rules OK\n", nrules);
		fprintf(stderr, "scanwatch: configuration OK\n");
		return 0;
	}
	offline = conf.pcap[0] != '\0';
	if (offline) {
		probe_capture(conf.pcap, &capfile[0]);
		if (conf.pcap2[0] != '\0')
			probe_capture(conf.pcap2, &capfile[1]);
		sw_port_offline_frames(RTE_MAX(capfile[0].max_caplen, capfile[1].max_caplen));
	}
	if (sw_priv_resolve(conf.run_as, conf.drop_caps == SW_YES, &priv, err, sizeof(err)) != 0)
		die(2, "%s", err);
	/* -l DIR: made when missing, as a user expects of an output directory */
	if (conf.log_dir[0] != '\0' && mkdir_p(conf.log_dir, &priv, err, sizeof(err)) != 0)
		die(2, "%s", err);
	if (!offline && conf.interfaces.n == 0 && a.eal_argc == 0 && conf.eal_params.n == 0)
		die(2, "%s", "nothing to read: give -r FILE.pcap or -i DEVICE (see --help)");
	if (conf.workers > SW_MAX_WORKERS)
		die(2, "%s", "capture.workers is above the build limit");
	/* net_pcap reads a file through one queue. */
	nq = offline ? 1 : (uint16_t)conf.workers;

	sw_parse_vxlan_port = (uint16_t)conf.vxlan_port;
	build_eal(&a, &conf, &eal);
#ifdef SW_TSC_WRAP
	sw_tsc_calibrating = true;
#endif
	rc = rte_eal_init(eal.argc, eal.argv);
#ifdef SW_TSC_WRAP
	sw_tsc_calibrating = false;
#endif
	if (rc < 0)
		die(1, "DPDK EAL init failed: %s (see the EAL messages above)",
		    rte_strerror(rte_errno));

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGUSR2, on_signal);

	rc = sw_port_setup(&conf, nq, offline, err, sizeof(err));
	if (rc != 0)
		goto fail_port;
	rc = create_workers(&conf, nq, offline, workers, err, sizeof(err));
	if (rc != 0)
		goto fail_workers;
	/* The ports are up: nothing from here on needs a privilege, and the
	 * threads started from here on (outputs, exporter) inherit none. */
	rc = sw_priv_drop(&priv, conf.log_dir, err, sizeof(err));
	if (rc != 0)
		goto fail_workers;
	if (offline) {
		/* one queue per file: its link type; stop at its damage */
		for (unsigned q = 0; q < workers[0]->nrxq && q < 2; q++) {
			workers[0]->rxq[q].link = (uint8_t)capfile[q].link;
			workers[0]->rxq[q].limit = capfile[q].damaged ? capfile[q].records : 0;
			/* damaged before its first whole record: nothing to read */
			workers[0]->rxq[q].eof = capfile[q].damaged && capfile[q].records == 0;
			if (capfile[q].damaged)
				sw_port_file_damaged();
		}
	}
	/* a rule that does not compile at start is a configuration error */
	matcher = sw_matcher_create(&conf, workers, nq, err, sizeof(err));
	if (matcher == NULL && err[0] != '\0')
		goto fail_workers;
	rc = sw_ctl_init(&ctl, &conf, workers, nq, offline, matcher, err, sizeof(err));
	if (rc != 0)
		goto fail_workers;
	if (matcher != NULL && sw_match_telemetry_register(matcher) != 0)
		fprintf(stderr, "scanwatch: cannot register /scanwatch/reload with DPDK "
			"telemetry (SIGUSR2 still reloads)\n");

	for (unsigned i = 0; i < nq; i++)
		rte_eal_remote_launch(sw_worker_main, workers[i], workers[i]->lcore);
	sw_ctl_run(&ctl);
	sw_quit = true;
	rte_eal_mp_wait_lcore();
	sw_ctl_finish(&ctl);
	sw_matcher_free(matcher);
	/* Offline the workers' memory goes with the process, whole: freed, it
	 * would first be zeroed block by block, faulting in every page no
	 * packet touched (3 MiB of pending first contacts each, 15 ms). */
	if (!offline)
		free_workers(workers, nq);
	sw_port_close();
	rte_eal_cleanup();
	if (runtime_dir[0] != '\0')
		rmdir(runtime_dir);
	return 0;

fail_workers:
	sw_matcher_free(matcher);
	free_workers(workers, nq);
fail_port:
	fprintf(stderr, "scanwatch: %s\n", err);
	sw_port_close();
	rte_eal_cleanup();
	if (runtime_dir[0] != '\0')
		rmdir(runtime_dir);
	return 1;
}
