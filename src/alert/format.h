/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SW_ALERT_FORMAT_H
#define SW_ALERT_FORMAT_H

/*
 * Escaping shared by the record formats (CEF, LEEF: format.c) and the
 * syslog sink (RFC 5424 SD-PARAM values: sinks/syslog.c). Internal to
 * src/alert and its tests; the public calls are sw_fmt_cef/sw_fmt_leef
 * in <scanwatch/sink.h>.
 *
 * One rule for every context: what the format can escape is escaped; what
 * it cannot represent — C0 controls and DEL (except where the format has
 * an escape for them), C1 controls (U+0080..U+009F), U+2028/U+2029 (line
 * breaks to Unicode-aware readers) and bytes that are not valid UTF-8
 * (RFC 3629: overlongs, surrogates, > U+10FFFF, truncated sequences) — is
 * replaced by U+FFFD, one per offending byte (per code point for C1 and
 * U+2028/9). The output is therefore always valid UTF-8, one line, and
 * parseable by the format's own grammar. EVE JSON keeps full fidelity
 * (\u00XX escapes); these formats are lossy only for such bytes.
 */

#include <stdbool.h>
#include <stddef.h>

/** Where a string goes: decides what is escaped and how. */
enum sw_esc {
	SW_ESC_CEF_HDR,		/* CEF header field: \| \\ */
	SW_ESC_CEF_EXT,		/* CEF extension value: \\ \= \n \r */
	SW_ESC_LEEF,		/* LEEF attribute value: no escapes exist;
				 * the delimiter ('^') is replaced */
	SW_ESC_SD,		/* RFC 5424 PARAM-VALUE: \" \\ \] */
};

/** The LEEF 2.0 attribute delimiter declared in every LEEF header. */
#define SW_LEEF_DELIM '^'

/** A bounded output buffer: appends are all-or-nothing, never split. */
struct sw_fmtbuf {
	char *b;
	size_t cap;		/* bytes of b, including room for the NUL */
	size_t len;
	bool full;		/* something did not fit: nothing more is appended */
};

/** Start appending to buf[cap] (cap may be 0: nothing is written). */
void sw_fmtbuf_init(struct sw_fmtbuf *o, char *buf, size_t cap);

/** Append n raw bytes as one unit (all or nothing). */
void sw_fmtbuf_put(struct sw_fmtbuf *o, const char *s, size_t n);

/** Append printf-formatted text as one unit (all or nothing). */
void sw_fmtbuf_printf(struct sw_fmtbuf *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Append the n bytes at s escaped for context e. Each escape sequence,
 * replacement character and UTF-8 sequence is appended whole or not at
 * all, so truncation never leaves half of one.
 */
void sw_fmtbuf_esc(struct sw_fmtbuf *o, const char *s, size_t n, enum sw_esc e);

/**
 * Length of the valid UTF-8 sequence at s (at most n bytes), 0 if the
 * bytes there are not one (RFC 3629 section 4).
 */
size_t sw_utf8_len(const unsigned char *s, size_t n);

/**
 * Escape n bytes at s for context e into buf[cap] (NUL-terminated).
 * @return bytes written, excluding the NUL (< cap when cap > 0)
 */
size_t sw_fmt_escape(char *buf, size_t cap, const char *s, size_t n, enum sw_esc e);

#endif /* SW_ALERT_FORMAT_H */
