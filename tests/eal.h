/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK for unit tests that need its memory: no hugepages, no PCI, no
 * telemetry, one lcore, a file prefix of the test's own; the (empty)
 * runtime directory EAL leaves behind is removed at the end.
 */
#ifndef SW_TEST_EAL_H
#define SW_TEST_EAL_H

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>

static char test_rundir[PATH_MAX];

/** @return 0, or -1 after printing why */
static int
test_eal_init(const char *name)
{
	char prefix[64];
	char *argv[] = {
		"test", "--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--no-telemetry",
		prefix, "--log-level=lib.eal:error", "-l", "0", NULL,
	};

	snprintf(prefix, sizeof(prefix), "--file-prefix=swtest-%s-%d", name, (int)getpid());
	if (rte_eal_init(11, argv) < 0) {
		fprintf(stderr, "test_%s: rte_eal_init failed\n", name);
		return -1;
	}
	snprintf(test_rundir, sizeof(test_rundir), "%s", rte_eal_get_runtime_dir());
	return 0;
}

static void
test_eal_cleanup(void)
{
	rte_eal_cleanup();
	rmdir(test_rundir);
}

#endif /* SW_TEST_EAL_H */
