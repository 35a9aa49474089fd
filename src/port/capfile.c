/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capture files, checked before they are handed to net_pcap: the format
 * (pcap: "libpcap File Format", pcapng: draft-ietf-opsawg-pcapng), the link
 * type (tcpdump.org's LINKTYPE_* registry), and a walk over the record
 * headers that finds where a damaged or cut-short file stops holding
 * records. libpcap (and so net_pcap) would carry on past a bad record and
 * read garbage as frames; the worker stops at the last whole record.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <pcap/pcap.h>

#include <scanwatch/capfile.h>

#define PCAP_MAGIC_US	0xa1b2c3d4u
#define PCAP_MAGIC_NS	0xa1b23c4du
#define PCAPNG_SHB	0x0a0d0d0au
#define PCAPNG_BOM	0x1a2b3c4du
#define PCAPNG_IDB	1u
#define PCAPNG_PB	2u	/* obsolete packet block */
#define PCAPNG_SPB	3u
#define PCAPNG_EPB	6u
/* libpcap refuses records longer than this for every common link type */
#define MAX_CAPLEN	262144u
#define MAX_BLOCK	(16u << 20)

int
sw_capfile_link_of(uint32_t linktype)
{
	switch (linktype & 0xffff) {	/* the upper bits carry FCS details */
	case 1:		return SW_LINK_ETH;
	case 113:	return SW_LINK_SLL;
	case 276:	return SW_LINK_SLL2;
	case 12:	/* DLT_RAW on most systems */
	case 14:	/* DLT_RAW on OpenBSD */
	case 101:	return SW_LINK_RAW;
	case 228:	return SW_LINK_IPV4;
	case 229:	return SW_LINK_IPV6;
	case 0:		return SW_LINK_NULL;
	case 108:	return SW_LINK_LOOP;
	default:	return -1;
	}
}

static uint32_t
u32(const uint8_t *b, bool swap)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static uint16_t
u16(const uint8_t *b, bool swap)
{
	uint16_t v;

	memcpy(&v, b, 2);
	return swap ? __builtin_bswap16(v) : v;
}

static int
set_link(struct sw_capfile *cf, uint32_t linktype, bool first, const char *path,
	 char *err, size_t errlen)
{
	int link = sw_capfile_link_of(linktype);
	const char *name = pcap_datalink_val_to_name((int)(linktype & 0xffff));
	const char *desc = pcap_datalink_val_to_description((int)(linktype & 0xffff));

	if (link < 0) {
		snprintf(err, errlen, "%s: link type %u (%s%s%s) is not one scanwatch reads: it "
			 "reads Ethernet, Linux cooked (SLL, SLL2), raw IP and BSD loopback "
			 "captures; convert with e.g. `editcap -T ether` or capture on an "
			 "Ethernet interface", path, linktype & 0xffff, name ? name : "unknown",
			 desc && name && strcmp(desc, name) != 0 ? ", " : "",
			 desc && name && strcmp(desc, name) != 0 ? desc : "");
		return -1;
	}
	if (!first && (linktype & 0xffff) != (cf->linktype & 0xffff)) {
		snprintf(err, errlen, "%s: interfaces of two link types (%u and %u) in one "
			 "file: split it by interface (e.g. `tshark -r FILE -w OUT -Y "
			 "frame.interface_id==N`)", path, cf->linktype & 0xffff, linktype & 0xffff);
		return -1;
	}
	cf->linktype = linktype & 0xffff;
	cf->link = (enum sw_link)link;
	return 0;
}

static void __attribute__((format(printf, 2, 3)))
damaged(struct sw_capfile *cf, const char *fmt, ...)
{
	va_list ap;

	cf->damaged = true;
	va_start(ap, fmt);
	vsnprintf(cf->damage, sizeof(cf->damage), fmt, ap);
	va_end(ap);
}

/*
 * The walk's reader: the file in 1 MiB chunks, record headers read in
 * place and record bodies skipped by moving an index. glibc's fseeko()
 * makes an lseek() system call even for a seek inside its buffer: one per
 * record, 12 of the 16 s `scanwatch -r` spent on a 10M-record capture
 * (strace -c), and fread() per header took a lock and a copy each (perf).
 */
#define RD_CHUNK	(1u << 20)

struct rd {
	FILE *f;
	uint8_t *buf;
	size_t pos, len;	/* the bytes not yet walked: buf[pos, len) */
	bool eof;		/* a read found the end of the file */
};

/* Make n (<= RD_CHUNK) bytes available at buf + pos: how many there are
 * (fewer at the end of the file; errno set when a read failed). */
static size_t
rd_fill(struct rd *r, size_t n)
{
	if (r->len - r->pos >= n)
		return n;
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	while (r->len < n) {
		size_t got = fread(r->buf + r->len, 1, RD_CHUNK - r->len, r->f);

		if (got == 0) {
			r->eof = !ferror(r->f);
			break;
		}
		r->len += got;
	}
	return r->len < n ? r->len : n;
}

/* Copy up to n bytes to out and walk past them: how many there were. */
static size_t
rd_read(struct rd *r, void *out, size_t n)
{
	size_t got = rd_fill(r, n);

	memcpy(out, r->buf + r->pos, got);
	r->pos += got;
	return got;
}

/* Walk past n bytes: 0, or -1 when the file ends first. */
static int
rd_skip(struct rd *r, uint64_t n)
{
	while (n > r->len - r->pos) {
		n -= r->len - r->pos;
		r->pos = r->len;
		if (rd_fill(r, 1) == 0)
			return -1;
	}
	r->pos += n;
	return 0;
}

/*
 * The records of a pcap file of version 2.MINOR. Files older than 2.3 hold
 * the captured and the original length the other way round, and 2.3 files
 * either way; libpcap (sf-pcap.c) swaps them back, in 2.3 files when the
 * captured length is the larger, and so must this walk, or it finds records
 * (and damage) where libpcap reads none.
 */
static int
walk_pcap(struct rd *r, struct sw_capfile *cf, bool swap, uint16_t minor)
{
	uint8_t h[16];
	uint64_t off = 24;

	for (;;) {
		size_t n = rd_read(r, h, sizeof(h));
		uint32_t caplen, len;

		if (n == 0)
			return 0;
		if (n < sizeof(h)) {
			damaged(cf, "record %llu's header is cut short at byte %llu (%zu of 16 bytes)",
				(unsigned long long)cf->records + 1, (unsigned long long)off, n);
			return 0;
		}
		caplen = u32(h + 8, swap);
		len = u32(h + 12, swap);
		if (minor < 3 || (minor == 3 && caplen > len))
			caplen = len;
		if (caplen > MAX_CAPLEN) {
			damaged(cf, "record %llu at byte %llu claims %u bytes, more than any "
				"capture holds", (unsigned long long)cf->records + 1,
				(unsigned long long)off, caplen);
			return 0;
		}
		if (off + 16 + caplen > cf->size) {
			damaged(cf, "record %llu at byte %llu is cut short (%llu bytes missing)",
				(unsigned long long)cf->records + 1, (unsigned long long)off,
				(unsigned long long)(off + 16 + caplen - cf->size));
			return 0;
		}
		if (rd_skip(r, caplen) != 0)
			return -1;
		off += 16 + caplen;
		cf->records++;
		if (caplen > cf->max_caplen)
			cf->max_caplen = caplen;
	}
}

static int
walk_pcapng(struct rd *r, struct sw_capfile *cf, const char *path, char *err, size_t errlen)
{
	uint8_t body[8];
	uint64_t off = 0;
	bool swap = false, have_link = false, any_link = false;

	for (;;) {
		uint8_t h[8];
		size_t n = rd_read(r, h, sizeof(h));
		uint32_t type, len, want;

		if (n == 0)
			break;
		if (n < sizeof(h)) {
			damaged(cf, "block header at byte %llu is cut short (%zu of 8 bytes)",
				(unsigned long long)off, n);
			break;
		}
		type = u32(h, false);
		if (type == PCAPNG_SHB) {
			uint8_t bom[4];

			/* looked at in place: the block's length below is read
			 * in the byte order it gives */
			if (rd_fill(r, 4) != 4) {
				damaged(cf, "section header at byte %llu is cut short",
					(unsigned long long)off);
				break;
			}
			memcpy(bom, r->buf + r->pos, 4);
			swap = u32(bom, false) != PCAPNG_BOM;
			if (swap && u32(bom, true) != PCAPNG_BOM) {
				damaged(cf, "section header at byte %llu has no byte-order magic",
					(unsigned long long)off);
				break;
			}
			have_link = false;	/* a new section numbers its interfaces anew */
		} else if (off == 0) {
			snprintf(err, errlen, "%s: not a pcap or pcapng capture", path);
			return -1;
		}
		len = u32(h + 4, swap);
		if (len < 12 || len % 4 != 0 || len > MAX_BLOCK) {
			damaged(cf, "block at byte %llu has an impossible length %u",
				(unsigned long long)off, len);
			break;
		}
		if (off + len > cf->size) {
			damaged(cf, "block at byte %llu is cut short (%llu bytes missing)",
				(unsigned long long)off, (unsigned long long)(off + len - cf->size));
			break;
		}
		want = type == PCAPNG_IDB ? 8 : 0;
		if (want > len - 12) {
			damaged(cf, "interface block at byte %llu is too short",
				(unsigned long long)off);
			break;
		}
		if (want > 0 && rd_read(r, body, want) != want)
			return -1;
		if (type == PCAPNG_IDB) {
			if (set_link(cf, u16(body, swap), !any_link, path, err, errlen) != 0)
				return -1;
			have_link = any_link = true;
		} else if (type == PCAPNG_EPB || type == PCAPNG_SPB || type == PCAPNG_PB) {
			if (!have_link) {
				damaged(cf, "packet block at byte %llu before any interface block",
					(unsigned long long)off);
				break;
			}
			cf->records++;
			if (len > cf->max_caplen)
				cf->max_caplen = len;
		}
		if (rd_skip(r, (uint64_t)len - 8 - want) != 0)
			return -1;
		off += len;
	}
	if (!any_link) {
		/* nothing says what its packets are, and none could be read */
		snprintf(err, errlen, "%s: a pcapng file without an interface description block%s%s: "
			 "it holds no packet scanwatch can read", path,
			 cf->damaged ? " before its damage: " : "", cf->damaged ? cf->damage : "");
		return -1;
	}
	return 0;
}

int
sw_capfile_probe(const char *path, struct sw_capfile *cf, char *err, size_t errlen)
{
	struct rd r = { 0 };
	const uint8_t *h;
	struct stat st;
	uint32_t magic;
	size_t n;
	int rc = 0;

	memset(cf, 0, sizeof(*cf));
	err[0] = '\0';
	r.f = fopen(path, "rb");
	if (r.f == NULL || fstat(fileno(r.f), &st) != 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		if (r.f != NULL)
			fclose(r.f);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is a directory, not a capture file", path);
		fclose(r.f);
		return -1;
	}
	r.buf = malloc(RD_CHUNK);
	if (r.buf == NULL) {
		snprintf(err, errlen, "cannot read %s: out of memory for the walk's buffer", path);
		fclose(r.f);
		return -1;
	}
	cf->size = (uint64_t)st.st_size;
	/* the file header, looked at in place: pcapng's walk starts at byte 0 */
	n = rd_fill(&r, 24);
	h = r.buf;
	if (n == 0) {
		snprintf(err, errlen, "%s is empty (0 bytes): not a capture", path);
		rc = -1;
		goto out;
	}
	magic = n >= 4 ? u32(h, false) : 0;
	if (n >= 4 && (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS ||
		       __builtin_bswap32(magic) == PCAP_MAGIC_US ||
		       __builtin_bswap32(magic) == PCAP_MAGIC_NS)) {
		bool swap = magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS;

		cf->format = "pcap";
		if (n < 24) {
			snprintf(err, errlen, "%s: pcap file header cut short (%zu of 24 bytes)",
				 path, n);
			rc = -1;
			goto out;
		}
		if (u16(h + 4, swap) != 2) {
			snprintf(err, errlen, "%s: pcap version %u.%u, scanwatch (libpcap) reads 2.x",
				 path, u16(h + 4, swap), u16(h + 6, swap));
			rc = -1;
			goto out;
		}
		if (set_link(cf, u32(h + 20, swap), true, path, err, errlen) != 0) {
			rc = -1;
			goto out;
		}
		r.pos = 24;
		rc = walk_pcap(&r, cf, swap, u16(h + 6, swap));
	} else if (n >= 4 && magic == PCAPNG_SHB) {
		cf->format = "pcapng";
		rc = walk_pcapng(&r, cf, path, err, errlen);
	} else {
		snprintf(err, errlen, "%s is not a pcap or pcapng capture (it starts with "
			 "%02x %02x %02x %02x)", path, h[0], n > 1 ? h[1] : 0, n > 2 ? h[2] : 0,
			 n > 3 ? h[3] : 0);
		rc = -1;
	}
	if (rc != 0 && err[0] == '\0' && r.eof)
		snprintf(err, errlen, "cannot read %s: it ended before its size (%llu bytes) "
			 "was read; was it written or cut while scanwatch started?", path,
			 (unsigned long long)cf->size);
	else if (rc != 0 && err[0] == '\0')
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
out:
	free(r.buf);
	fclose(r.f);
	return rc;
}
