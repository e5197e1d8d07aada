// SPDX-License-Identifier: GPL-2.0
/* print_log2_hist(): byte-exact bcc format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "tap.h"

static char *render(const __u64 *slots, int n, const char *unit)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	print_log2_hist(f, slots, n, unit);
	fclose(f);
	return buf;
}

static const char *line_of(const char *text, int idx, char *out, size_t len)
{
	const char *p = text, *nl;

	while (idx-- > 0 && p && (p = strchr(p, '\n')))
		p++;
	if (!p || !*p)
		return "";
	nl = strchr(p, '\n');
	snprintf(out, len, "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
	return out;
}

void test_hist(void)
{
	__u64 slots[64] = { 0 };
	char *got, buf[256];
	int lines;
	const char *p;

	/* Slot 0 is "0 -> 1", as bcc prints it; the largest count gets 40. */
	slots[0] = 1;
	slots[2] = 5;
	slots[3] = 10;
	got = render(slots, 64, "usecs");
	tap_str_eq(got,
"     usecs               : count    distribution\n"
"         0 -> 1          : 1        |****                                    |\n"
"         2 -> 3          : 0        |                                        |\n"
"         4 -> 7          : 5        |********************                    |\n"
"         8 -> 15         : 10       |****************************************|\n",
		   "hist: narrow log2 histogram, slot 0 line and stars");
	free(got);

	memset(slots, 0, sizeof(slots));
	got = render(slots, 64, "usecs");
	tap_str_eq(got, "", "hist: all-empty histogram prints nothing");
	free(got);

	/* Counts beyond 32 bits print whole. */
	slots[1] = 5000000000ULL;
	slots[4] = 1250000000ULL;
	got = render(slots, 64, "msecs");
	tap_str_eq(got,
"     msecs               : count    distribution\n"
"         0 -> 1          : 0        |                                        |\n"
"         2 -> 3          : 5000000000 |****************************************|\n"
"         4 -> 7          : 0        |                                        |\n"
"         8 -> 15         : 0        |                                        |\n"
"        16 -> 31         : 1250000000 |**********                              |\n",
		   "hist: 64-bit counts");
	free(got);

	/* Past slot 32 bcc widens the columns and halves the bar. */
	memset(slots, 0, sizeof(slots));
	slots[0] = 1;
	slots[63] = 3;
	got = render(slots, 64, "nsecs");
	for (lines = 0, p = got; (p = strchr(p, '\n')); p++)
		lines++;
	tap_ok(lines == 65, "hist: wide histogram has header + 64 lines (%d)",
	       lines);
	tap_str_eq(line_of(got, 0, buf, sizeof(buf)),
		   "               nsecs                         : count    distribution",
		   "hist: wide header");
	tap_str_eq(line_of(got, 1, buf, sizeof(buf)),
		   "                   0 -> 1                    : 1        |******              |",
		   "hist: wide slot 0");
	tap_str_eq(line_of(got, 64, buf, sizeof(buf)),
		   " 9223372036854775808 -> 18446744073709551615 : 3        |********************|",
		   "hist: slot 63 ends at 2^64-1");
	free(got);

	/* Only the slots given are read. */
	memset(slots, 0, sizeof(slots));
	slots[0] = 2;
	got = render(slots, 1, "usecs");
	tap_str_eq(got,
"     usecs               : count    distribution\n"
"         0 -> 1          : 2        |****************************************|\n",
		   "hist: single-slot array");
	free(got);
}
