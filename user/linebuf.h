/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A text line built in memory and written with one fwrite(), for the
 * streaming commands' per-record lines: printf() parses its format and
 * pads through stdio for every field, which costs the reader more per
 * exec than the kernel spends recording it.  The fields are the ones
 * those lines use: strings, left-justified strings and right-justified
 * or left-justified decimals, each with a minimum width as printf's.
 * Whatever would run past the buffer is cut, never overrun.
 */
#ifndef KTRACE_LINEBUF_H
#define KTRACE_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define LINEBUF_MAX 2048

struct linebuf {
	size_t len;
	char buf[LINEBUF_MAX];
};

static inline void lb_init(struct linebuf *b)
{
	b->len = 0;
}

/* @n bytes of @s, as "%.*s". */
void lb_strn(struct linebuf *b, const char *s, size_t n);
/* @s left-justified in @width, as "%-*s". */
void lb_str_left(struct linebuf *b, const char *s, int width);
/* @v in decimal within @width: as "%*lld", or "%-*lld" if @left. */
void lb_int(struct linebuf *b, long long v, int width, bool left);
void lb_char(struct linebuf *b, char c);
/* Writes the line to @f; returns fwrite()'s count of bytes. */
size_t lb_write(struct linebuf *b, FILE *f);

#endif /* KTRACE_LINEBUF_H */
