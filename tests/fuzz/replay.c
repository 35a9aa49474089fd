/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replays inputs through a libFuzzer harness without libFuzzer: every file
 * named, and every regular file of every directory named, is one call of
 * LLVMFuzzerTestOneInput(). Built with gcc in the release and the ASan
 * builds, so what a fuzzer once found stays fixed under the ordinary test
 * suite. A crash or sanitizer report fails the test; no input at all exits
 * 77 (meson's SKIP), which is not a pass.
 * Usage: fuzz_replay_NAME [--frames] FILE|DIR...
 *   --frames  the files that follow are pcap captures and each of their
 *             packets is one input (the parser harness on the bundled
 *             captures)
 */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Harnesses without set-up do not define it. */
__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int frames_mode;

static int replay_frames(const char *path, const uint8_t *cap, size_t n);

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	/* exactly n bytes, so ASan sees a read one past the input */
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (frames_mode) {
		int rc = replay_frames(path, buf, (size_t)n);

		free(buf);
		return rc;
	}
	fprintf(stderr, "replay: %s (%ld bytes)\n", path, n);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static uint32_t
rd32(const uint8_t *b, int swap)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* Each packet of a classic pcap file, as captured (caplen bytes). */
static int
replay_frames(const char *path, const uint8_t *cap, size_t n)
{
	size_t off = 24;
	int swap, frames = 0;
	uint32_t magic;

	if (n < 24) {
		fprintf(stderr, "replay: %s: not a pcap file\n", path);
		return -1;
	}
	memcpy(&magic, cap, 4);
	swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	if (!swap && magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
		fprintf(stderr, "replay: %s: not a pcap file\n", path);
		return -1;
	}
	while (n - off >= 16) {
		uint32_t caplen = rd32(cap + off + 8, swap);
		uint8_t *frame;

		off += 16;
		if (caplen > n - off) {
			fprintf(stderr, "replay: %s: record cut short\n", path);
			return -1;
		}
		frame = malloc(caplen ? caplen : 1);
		if (frame == NULL)
			return -1;
		memcpy(frame, cap + off, caplen);
		LLVMFuzzerTestOneInput(frame, caplen);
		free(frame);
		off += caplen;
		frames++;
	}
	fprintf(stderr, "replay: %s: %d frames\n", path, frames);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* @return inputs replayed, or -1 */
static int
replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int done = 0;

	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		char **nn;

		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.')	/* ., .., .gitkeep */
			continue;
		/* tests/data holds its README and labels beside the captures */
		if (frames_mode && (len < 5 || strcmp(e->d_name + len - 5, ".pcap") != 0))
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (nn == NULL || (nn[n] = strdup(e->d_name)) == NULL) {
			fprintf(stderr, "replay: out of memory\n");
			exit(2);
		}
		names = nn;
		n++;
	}
	closedir(d);
	/* the same order every run: a failure names the same input */
	if (n > 0)	/* names is NULL in an empty directory */
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) != 0)
				done = -1;
			else if (done >= 0)
				done++;
		}
		free(names[i]);
	}
	free(names);
	return done;
}

int
main(int argc, char **argv)
{
	int total = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int n;

		if (strcmp(argv[i], "--frames") == 0) {
			frames_mode = 1;
			continue;
		}
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	if (total == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 77;
	}
	fprintf(stderr, "replay: %d inputs, no failure\n", total);
	return 0;
}
