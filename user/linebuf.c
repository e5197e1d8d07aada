// SPDX-License-Identifier: GPL-2.0
/* A line built in memory, one fwrite() each: see linebuf.h. */
#include <string.h>
#include "linebuf.h"

static size_t lb_room(const struct linebuf *b)
{
	return sizeof(b->buf) - b->len;
}

void lb_strn(struct linebuf *b, const char *s, size_t n)
{
	size_t len = strnlen(s, n);

	if (len > lb_room(b))
		len = lb_room(b);
	memcpy(b->buf + b->len, s, len);
	b->len += len;
}

static void lb_pad(struct linebuf *b, int n)
{
	size_t len = n > 0 ? (size_t)n : 0;

	if (len > lb_room(b))
		len = lb_room(b);
	memset(b->buf + b->len, ' ', len);
	b->len += len;
}

void lb_str_left(struct linebuf *b, const char *s, int width)
{
	size_t start = b->len;

	lb_strn(b, s, sizeof(b->buf));
	lb_pad(b, width - (int)(b->len - start));
}

void lb_int(struct linebuf *b, long long v, int width, bool left)
{
	/* The digits backwards from the end, then the sign. */
	unsigned long long u = (unsigned long long)v;
	char digits[24], *p = digits + sizeof(digits);
	int n;

	if (v < 0)
		u = -u;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	n = (int)(digits + sizeof(digits) - p);
	if (!left)
		lb_pad(b, width - n);
	lb_strn(b, p, (size_t)n);
	if (left)
		lb_pad(b, width - n);
}

void lb_char(struct linebuf *b, char c)
{
	if (lb_room(b))
		b->buf[b->len++] = c;
}

size_t lb_write(struct linebuf *b, FILE *f)
{
	return fwrite(b->buf, 1, b->len, f);
}
