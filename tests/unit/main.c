// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of ktrace's userspace logic, as TAP.  Exits non-zero
 * when any test fails.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "tap.h"

static int tap_n, tap_failed;

bool tap_ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass)
		tap_failed++;
	return pass;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void diag_block(const char *label, const char *s)
{
	const char *p = s, *nl;

	tap_diag("%s:", label);
	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		printf("#   [%.*s]\n", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

bool tap_str_eq(const char *got, const char *want, const char *name)
{
	bool pass = got && !strcmp(got, want);

	if (!tap_ok(pass, "%s", name)) {
		diag_block("got", got ? got : "(null)");
		diag_block("want", want);
	}
	return pass;
}

int main(void)
{
	/* Unbuffered so TAP lines interleave with sanitizer reports. */
	setvbuf(stdout, NULL, _IONBF, 0);
	test_hist();
	test_ioflags();
	test_ring();
	test_disk();
	test_syscall_names();
	test_json();
	test_prom();
	test_status_fmt();
	test_bench_parse();
	test_bench_report();
	test_ledger();
	test_linebuf();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
