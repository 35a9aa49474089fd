/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EVE JSON lines to stdout or DIR/eve.json. Lines are written whole with
 * one fwrite so a reader tailing the file never sees half an event.
 */

#include <errno.h>
#include <string.h>

#include <scanwatch/eve.h>

int
sw_eve_open(struct sw_eve *e, const char *dir, char *err, size_t errlen)
{
	memset(e, 0, sizeof(*e));
	if (dir == NULL || dir[0] == '\0') {
		e->f = stdout;
		return 0;
	}
	if ((size_t)snprintf(e->path, sizeof(e->path), "%s/eve.json", dir) >= sizeof(e->path)) {
		snprintf(err, errlen, "output directory name too long: %s", dir);
		return -ENAMETOOLONG;
	}
	e->f = fopen(e->path, "a");
	if (e->f == NULL) {
		int rc = -errno;

		snprintf(err, errlen, "cannot open %s for appending: %s "
			 "(does the directory exist and is it writable?)", e->path, strerror(errno));
		return rc;
	}
	return 0;
}

void
sw_eve_write(struct sw_eve *e, const char *line, size_t len)
{
	if (e->f == NULL)
		return;
	if (fwrite(line, 1, len, e->f) != len || fputc('\n', e->f) == EOF) {
		e->write_errors++;
		clearerr(e->f);
		return;
	}
	e->lines++;
}

int
sw_eve_reopen(struct sw_eve *e)
{
	FILE *f;

	if (e->path[0] == '\0')
		return 0;
	f = fopen(e->path, "a");
	if (f == NULL)
		return -errno;	/* keep writing to the old one */
	fclose(e->f);
	e->f = f;
	return 0;
}

void
sw_eve_flush(struct sw_eve *e)
{
	if (e->f != NULL && fflush(e->f) != 0) {
		e->write_errors++;
		clearerr(e->f);
	}
}

void
sw_eve_close(struct sw_eve *e)
{
	sw_eve_flush(e);
	if (e->f != NULL && e->f != stdout)
		fclose(e->f);
	e->f = NULL;
}
