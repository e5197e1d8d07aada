// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl bench's report: how a target is judged (a ratio only where
 * both paths' repetitions all measured a cost, else "not resolved" with
 * the medians' ratio told but not judged), and how the table and the
 * JSON say which paths took turns and which ran in a block.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "tap.h"

static const struct bench_probe probe = {
	.name = "syscount", .what = "syscalls", .event = "syscall",
};

/* Path @k ran @n repetitions measuring @added ns each. */
static void path_ran(struct bench_probe_res *p, enum bench_path k,
		     const double *added, int n, bool in_rounds)
{
	struct bench_path_res *r = &p->path[k];

	r->available = true;
	r->in_rounds = in_rounds;
	r->nreps = n;
	r->reader_cpu_pct = -1;
	r->agrees = -1;
	memcpy(r->added_ns, added, n * sizeof(*added));
	bench_stat_of(r->added_ns, n, &r->added);
}

/* The table of @run, in a string the caller frees. */
static char *table_of(const struct bench_run *run)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	bench_print_table(f, run);
	fclose(f);
	return buf;
}

static bool has(const char *s, const char *what)
{
	if (s && strstr(s, what))
		return true;
	tap_diag("missing: %s", what);
	return false;
}

void test_bench_report(void)
{
	static const double module[] = { 120, 100, 90, 110, 100 };
	static const double floor_ok[] = { 60, 80, 70, 90, 80 };
	static const double floor_noisy[] = { -20, 80, 70, 90, 80 };
	static const double bcc[] = { 400, 500, 450, 480, 520 };
	static struct bench_run run;
	struct bench_probe_res *p = &run.probes[0];
	char *t;

	run.nr = 1;
	run.reps = 5;
	p->probe = &probe;
	p->events_per_op = 1;
	path_ran(p, PATH_MODULE, module, 5, true);
	path_ran(p, PATH_FLOOR, floor_ok, 5, true);
	path_ran(p, PATH_BCC, bcc, 5, false);
	t = table_of(&run);
	tap_ok(has(t, "- syscount: module / floor: 1.25 (target <= 2.0: met)"),
	       "bench_report: module / floor judged on the medians");
	tap_ok(has(t, "- syscount: module / bcc: 0.21 (target <= 0.5: met)"),
	       "bench_report: module / bcc judged on the medians");
	tap_ok(has(t, "- syscount: module / bpf: not measured"),
	       "bench_report: a path that did not run is not judged");
	tap_ok(has(t, "Measured floor, module in rounds") &&
	       has(t, "Measured bcc in a block"),
	       "bench_report: the table says which paths took turns");
	free(t);

	path_ran(p, PATH_FLOOR, floor_noisy, 5, true);
	t = table_of(&run);
	tap_ok(has(t, "- syscount: module / floor: not resolved: a repetition of floor measured -20 ns, its spread reaches zero (the medians' ratio: 1.25)"),
	       "bench_report: a spread reaching zero is not judged, the medians' ratio told");
	tap_ok(t && !strstr(t, "module / floor: 1.25 (target"),
	       "bench_report: and no verdict is given for it");
	free(t);
}
