// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl bench's parsers: each tracer's output, as it prints it, into
 * one histogram, with the losses the tool reports; and the agreement
 * rule (total within 1 %, same fullest bucket).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench.h"
#include "tap.h"

static int parse_text(const char *text, enum bench_parse how,
		      const char *match, struct bench_hist *h)
{
	char path[] = "/tmp/ktrace-unit-bench-XXXXXX";
	int fd = mkstemp(path), err;

	memset(h, 0, sizeof(*h));
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -1;
	close(fd);
	err = bench_parse_file(path, how, match, h);
	unlink(path);
	return err;
}

static void test_bcc_log2(void)
{
	static const char out[] =
		"Tracing block device I/O... Hit Ctrl-C to end.\n"
		"\n"
		"     usecs               : count     distribution\n"
		"         0 -> 1          : 3        |*                   |\n"
		"         2 -> 3          : 0        |                    |\n"
		"        64 -> 127        : 812      |********************|\n"
		"       128 -> 255        : 301      |*******             |\n"
		"ktracectl: 7 I/Os dropped (table full 7, in-flight table full 0)\n";
	struct bench_hist h;

	tap_ok(!parse_text(out, PARSE_LOG2, NULL, &h), "bench_parse: bcc histogram reads");
	tap_ok(h.total == 1116, "bench_parse: bcc histogram total 1116 (got %llu)", h.total);
	tap_ok(h.b[0] == 3 && h.b[6] == 812 && h.b[7] == 301,
	       "bench_parse: slots 0, 6 and 7 as bcc numbers them");
	tap_ok(bench_hist_mode(&h) == 6, "bench_parse: fullest bucket is 64 -> 127");
	tap_ok(h.lost == 7, "bench_parse: ktracectl's drop line counts as lost");
}

static void test_bpftrace_log2(void)
{
	static const char out[] =
		"Attaching 3 probes...\n"
		"\n"
		"@usecs:\n"
		"[0]                    2 |@                   |\n"
		"[1]                    5 |@@                  |\n"
		"[2, 4)                 7 |@@@                 |\n"
		"[64, 128)             90 |@@@@@@@@@@@@@@@@@@@@|\n"
		"[1K, 2K)               4 |@                   |\n"
		"Lost 3 events\n";
	struct bench_hist h;

	tap_ok(!parse_text(out, PARSE_BPFTRACE_LOG2, NULL, &h),
	       "bench_parse: bpftrace hist() reads");
	tap_ok(h.total == 108, "bench_parse: bpftrace total 108 (got %llu)", h.total);
	/* [0] and [1] are bcc's "0 -> 1"; [1K, 2K) is slot 10. */
	tap_ok(h.b[0] == 7 && h.b[1] == 7 && h.b[6] == 90 && h.b[10] == 4,
	       "bench_parse: bpftrace buckets map onto bcc's slots");
	tap_ok(h.lost == 3, "bench_parse: bpftrace's Lost line");
}

static void test_syscount(void)
{
	static const char bcc[] =
		"Tracing syscalls, printing top 500... Ctrl+C to quit.\n"
		"[05:28:49]\n"
		"SYSCALL                   COUNT        TIME (us)\n"
		"getppid                  654938      1227017.982\n"
		"read                          1         2133.216\n"
		"write                         2          240.040\n"
		"\n"
		"Detaching...\n";
	static const char bpftrace[] =
		"Attaching 3 probes...\n\n\n"
		"@[0]: 1\n@[1]: 2\n@[110]: 654938\n"
		"@ns[110]: 4918591738\n";
	struct bench_hist a, b;

	tap_ok(!parse_text(bcc, PARSE_SYSCALL_NAMES, NULL, &a),
	       "bench_parse: syscount table reads");
	tap_ok(a.total == 654941 && a.b[110] == 654938 && a.b[0] == 1 && a.b[1] == 2,
	       "bench_parse: syscount rows by syscall number");
	tap_ok(!parse_text(bpftrace, PARSE_BPFTRACE_KEYED, NULL, &b),
	       "bench_parse: bpftrace keyed counts read");
	tap_ok(b.total == 654941 && b.b[110] == 654938,
	       "bench_parse: @ns[] sums are not counts");
	tap_ok(bench_hist_agree(&a, &b), "bench_parse: the two agree");
}

static void test_lines(void)
{
	static const char out[] =
		"PCOMM            PID    PPID   RET ARGS\n"
		"sysloop          221    164      0 /ktrace/bin/sysloop 0\n"
		"sh               222    164      0 /bin/sh -c true\n"
		"sysloop          223    164      0 /ktrace/bin/sysloop 0\n"
		"Possibly lost 4 samples\n"
		"seen 12 delivered 10 dropped 2\n";
	unsigned long long got = 0;
	struct bench_hist h;
	char path[] = "/tmp/ktrace-unit-bench-XXXXXX";
	int fd;

	tap_ok(!parse_text(out, PARSE_LINES, "/ktrace/bin/sysloop", &h),
	       "bench_parse: streamed lines read");
	tap_ok(h.total == 2, "bench_parse: lines naming the program counted (got %llu)",
	       h.total);
	tap_ok(h.lost == 6, "bench_parse: bcc's and ktracectl's losses add up (got %llu)",
	       h.lost);
	fd = mkstemp(path);
	if (fd >= 0 && write(fd, out, strlen(out)) == (ssize_t)strlen(out)) {
		close(fd);
		tap_ok(bench_parse_seen(path, &got) && got == 10,
		       "bench_parse: delivered from the seen line");
	} else {
		tap_ok(false, "bench_parse: temporary file");
	}
	unlink(path);
}

static void test_agree(void)
{
	struct bench_hist a = { 0 }, b = { 0 };

	bench_hist_add(&a, 3, 1000);
	bench_hist_add(&a, 4, 500);
	bench_hist_add(&b, 3, 990);
	bench_hist_add(&b, 4, 500);
	tap_ok(bench_hist_agree(&a, &b), "bench_agree: 0.7 %% apart, same mode");
	bench_hist_add(&b, 4, 20);
	tap_ok(bench_hist_agree(&a, &b), "bench_agree: totals equal, same mode");
	bench_hist_add(&b, 4, 500);
	tap_ok(!bench_hist_agree(&a, &b), "bench_agree: 33 %% apart disagrees");
	memset(&b, 0, sizeof(b));
	bench_hist_add(&b, 3, 700);
	bench_hist_add(&b, 4, 800);
	tap_ok(!bench_hist_agree(&a, &b), "bench_agree: another fullest bucket disagrees");
	memset(&b, 0, sizeof(b));
	tap_ok(!bench_hist_agree(&a, &b), "bench_agree: an empty result disagrees");
	tap_ok(bench_log2(0) == 0 && bench_log2(1) == 0 && bench_log2(2) == 1 &&
	       bench_log2(127) == 6 && bench_log2(128) == 7,
	       "bench_log2: slots as bcc numbers them");
}

/* The rounds of one path add up to one histogram. */
static void test_merge(void)
{
	struct bench_hist a = { 0 }, b = { 0 };

	bench_hist_add(&a, 110, 3000);
	a.lost = 2;
	a.lost_known = true;
	bench_hist_add(&b, 110, 2000);
	bench_hist_add(&b, 3, 5);
	b.lost = 1;
	b.lost_known = true;
	bench_hist_merge(&a, &b);
	tap_ok(a.total == 5005 && a.b[110] == 5000 && a.b[3] == 5,
	       "bench_merge: buckets and totals add (got %llu)", a.total);
	tap_ok(a.lost == 3 && a.lost_known, "bench_merge: losses add");
	b.lost_known = false;
	bench_hist_merge(&a, &b);
	tap_ok(!a.lost_known, "bench_merge: one round without a loss count leaves the sum unknown");
}

void test_bench_parse(void)
{
	test_bcc_log2();
	test_bpftrace_log2();
	test_syscount();
	test_lines();
	test_agree();
	test_merge();
}
