// SPDX-License-Identifier: GPL-2.0
/*
 * linebuf: each field as printf() formats it (execsnoop's columns are
 * built with it instead), and a full buffer cut, never overrun.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "linebuf.h"
#include "tap.h"

/* The line so far as a string. */
static const char *lb_str(struct linebuf *b, char *out, size_t size)
{
	snprintf(out, size, "%.*s", (int)b->len, b->buf);
	return out;
}

static void test_ints(void)
{
	static const long long vals[] = {
		0, 1, -1, 9, 10, -10, 123, -2, 99999, 1000000, 4294967295LL,
		LLONG_MAX, LLONG_MIN,
	};
	static const int widths[] = { 0, 3, 6, 25 };
	char got[64], want[64];
	struct linebuf b;
	unsigned int i, w, bad = 0;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			lb_init(&b);
			lb_int(&b, vals[i], widths[w], false);
			lb_char(&b, '|');
			lb_int(&b, vals[i], widths[w], true);
			lb_char(&b, '|');
			snprintf(want, sizeof(want), "%*lld|%-*lld|", widths[w],
				 vals[i], widths[w], vals[i]);
			if (strcmp(lb_str(&b, got, sizeof(got)), want)) {
				tap_diag("got [%s] want [%s]", got, want);
				bad++;
			}
		}
	}
	tap_ok(!bad, "linebuf: decimals as %%*lld and %%-*lld, %u cases",
	       i * w);
}

void test_linebuf(void)
{
	char got[64], want[64], big[3000];
	struct linebuf b;

	test_ints();

	lb_init(&b);
	lb_str_left(&b, "sh", 16);
	lb_char(&b, ' ');
	lb_str_left(&b, "a-name-of-16char", 16);
	lb_char(&b, ' ');
	lb_strn(&b, "argsXX", 4);
	snprintf(want, sizeof(want), "%-16s %-16s %.*s", "sh",
		 "a-name-of-16char", 4, "argsXX");
	tap_str_eq(lb_str(&b, got, sizeof(got)), want,
		   "linebuf: %-16s padding, and %.*s stops at n");

	lb_init(&b);
	lb_strn(&b, "ab\0cd", 5);
	tap_ok(b.len == 2, "linebuf: a string stops at its NUL (%zu)", b.len);

	/* Past the end: cut at LINEBUF_MAX, the bytes after it untouched. */
	memset(big, 'x', sizeof(big));
	lb_init(&b);
	lb_strn(&b, big, sizeof(big));
	lb_int(&b, 12345, 10, false);
	lb_str_left(&b, "y", 40);
	lb_char(&b, '\n');
	tap_ok(b.len == LINEBUF_MAX, "linebuf: cut at %d bytes (%zu)",
	       LINEBUF_MAX, b.len);
}
