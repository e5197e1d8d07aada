// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl bench: the report.  A table for the terminal that is also a
 * Markdown table (docs/benchmarks.md holds it as printed), the issue's
 * targets as ratios within this run, and bench/results.json for scripts
 * comparing runs:
 *
 *   {"kernel": .., "repetitions": N,
 *    "probes": {"<probe>": {"<path>": {"added_ns_per_event":
 *        {"median": .., "min": .., "max": ..}, "slowdown_pct": ..,
 *        "reader_cpu_pct": .., "lost": .., "agrees": true|false}}},
 *    "streaming": {"<path>": {"lossless_events_per_s": ..}},
 *    "workloads": {"<probe>": {...}}}
 *
 * A path that could not run has "available": false, its "reason", and
 * null numbers; a number not measured (a floor has no reader) is null.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

const char *const bench_path_names[PATH_NR] = {
	[PATH_FLOOR] = "floor",
	[PATH_MODULE] = "module",
	[PATH_BPF] = "bpf",
	[PATH_TRACE_PIPE] = "trace_pipe",
	[PATH_HIST_TRIGGER] = "hist_trigger",
	[PATH_BCC] = "bcc",
	[PATH_BPFTRACE] = "bpftrace",
};

const char *const bench_stream_names[STREAM_NR] = {
	[STREAM_MODULE_RING] = "module_ring",
	[STREAM_BPF_RINGBUF] = "bpf_ringbuf",
	[STREAM_TRACE_PIPE] = "trace_pipe",
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void bench_stat_of(const double *v, int n, struct bench_stat *s)
{
	double tmp[(PATH_NR + 1) * BENCH_MAX_REPS];

	memset(s, 0, sizeof(*s));
	if (n <= 0 || n > (int)(sizeof(tmp) / sizeof(tmp[0])))
		return;
	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	s->min = tmp[0];
	s->max = tmp[n - 1];
	s->median = n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

/* ---- the table ---- */

static void cell_num(char *buf, size_t size, double v, int prec)
{
	if (isfinite(v))
		snprintf(buf, size, "%.*f", prec, v);
	else
		snprintf(buf, size, "-");
}

static void print_path_row(FILE *f, const char *probe,
			   const struct bench_path_res *r, const char *path)
{
	char added[64], slow[32], cpu[32], lost[32];

	if (!r->available) {
		fprintf(f, "| %-13s | %-12s | n/a: %s | | | | |\n", probe, path,
			r->reason);
		return;
	}
	snprintf(added, sizeof(added), "%.0f [%.0f, %.0f]", r->added.median,
		 r->added.min, r->added.max);
	cell_num(slow, sizeof(slow), r->slowdown_pct, 1);
	if (r->reader_cpu_pct >= 0)
		cell_num(cpu, sizeof(cpu), r->reader_cpu_pct, 1);
	else
		snprintf(cpu, sizeof(cpu), "-");
	if (r->lost >= 0)
		snprintf(lost, sizeof(lost), "%lld", r->lost);
	else
		snprintf(lost, sizeof(lost), "not reported");
	fprintf(f, "| %-13s | %-12s | %20s | %8s | %6s | %12s | %-6s |\n",
		probe, path, added, slow, cpu, lost,
		r->agrees < 0 ? "-" : r->agrees ? "yes" : "NO");
}

/*
 * The ratio of two paths' median added cost, NAN with @why when there is
 * none to give: a path did not run, or its cost is lost in the noise (a
 * repetition measured no cost at all, or less than none).  Then the
 * medians' ratio is still told, for what it is worth, but not judged.
 */
static double ratio(const struct bench_probe_res *p, enum bench_path a,
		    enum bench_path b, char *why, size_t why_size)
{
	const struct bench_path_res *x = &p->path[a], *y = &p->path[b];
	const struct bench_path_res *noisy = x->added.min <= 0 ? x : y;
	int n;

	snprintf(why, why_size, "not measured");
	if (!x->available || !y->available)
		return NAN;
	if (x->added.min > 0 && y->added.min > 0)
		return x->added.median / y->added.median;
	n = snprintf(why, why_size,
		     "not resolved: a repetition of %s measured %.0f ns, its spread reaches zero",
		     bench_path_names[noisy == x ? a : b], noisy->added.min);
	if (x->added.median > 0 && y->added.median > 0 && n > 0 &&
	    (size_t)n < why_size)
		snprintf(why + n, why_size - n, " (the medians' ratio: %.2f)",
			 x->added.median / y->added.median);
	return NAN;
}

/* "0.42 (target <= 0.5: met)" */
static void print_target(FILE *f, const char *what, double r, const char *why,
			 double limit, bool at_most)
{
	if (!isfinite(r)) {
		fprintf(f, "- %s: %s\n", what, why);
		return;
	}
	fprintf(f, "- %s: %.2f (target %s %.1f: %s)\n", what, r,
		at_most ? "<=" : ">=", limit,
		(at_most ? r <= limit : r >= limit) ? "met" : "MISSED");
}

static void print_targets(FILE *f, const struct bench_run *run)
{
	static const struct {
		enum bench_path path;
		double limit;
	} vs[] = {
		{ PATH_BPF, 0.5 }, { PATH_BCC, 0.5 }, { PATH_BPFTRACE, 0.5 },
		{ PATH_FLOOR, 2.0 },
	};
	const struct bench_stream_res *s = run->stream;
	unsigned int i, k;
	char what[96], why[192];
	double r;

	fprintf(f, "\nTargets (ratios of median added ns per event, this run):\n\n");
	for (i = 0; i < run->nr; i++) {
		const struct bench_probe_res *p = &run->probes[i];

		for (k = 0; k < sizeof(vs) / sizeof(vs[0]); k++) {
			snprintf(what, sizeof(what), "%s: module / %s",
				 p->probe->name, bench_path_names[vs[k].path]);
			r = ratio(p, PATH_MODULE, vs[k].path, why, sizeof(why));
			print_target(f, what, r, why, vs[k].limit, true);
		}
	}
	if (!run->streaming)
		return;
	for (k = STREAM_BPF_RINGBUF; k <= STREAM_TRACE_PIPE; k++) {
		r = NAN;
		snprintf(why, sizeof(why), "not measured");
		if (s[STREAM_MODULE_RING].available && s[k].available &&
		    s[k].lossless_rate > 0)
			r = s[STREAM_MODULE_RING].lossless_rate / s[k].lossless_rate;
		snprintf(what, sizeof(what), "streaming: module_ring / %s%s",
			 bench_stream_names[k],
			 s[STREAM_MODULE_RING].producer_bound ?
			 " (module_ring producer-bound: a lower bound)" : "");
		print_target(f, what, r, why, k == STREAM_BPF_RINGBUF ? 1.5 : 10.0,
			     false);
	}
}

/* Which paths were measured in rounds and which in a block. */
static void print_baselines(FILE *f, const struct bench_run *run)
{
	static const char *const how[] = {
		"in rounds, each traced repetition against the untraced ones either side of it",
		"in a block, after a block of untraced repetitions (slow to attach)",
	};
	unsigned int i, k, n;
	int block;

	for (block = 0; block < 2; block++) {
		n = 0;
		for (k = 0; k < PATH_NR; k++) {
			for (i = 0; i < run->nr; i++) {
				const struct bench_path_res *r = &run->probes[i].path[k];

				if (r->available && r->in_rounds == !block)
					break;
			}
			if (i == run->nr)
				continue;
			fprintf(f, "%s%s", n++ ? ", " : "\nMeasured ", bench_path_names[k]);
		}
		if (n)
			fprintf(f, " %s.", how[block]);
	}
	fprintf(f, "\n");
}

void bench_print_table(FILE *f, const struct bench_run *run)
{
	unsigned int i, k;

	fprintf(f, "Kernel %s, %s, %d repetitions%s.\n\n", run->kernel, run->cpu,
		run->reps, run->quick ? " (quick: timings not meaningful)" : "");
	for (i = 0; i < run->nr; i++) {
		const struct bench_probe_res *p = &run->probes[i];

		fprintf(f, "- %s: %s; %s, %lu ops per repetition, baseline %.0f ns per op [%.0f, %.0f], %.2f %ss per op\n",
			p->probe->name, p->probe->what, p->driver, p->ops,
			p->base_ns.median, p->base_ns.min, p->base_ns.max,
			p->events_per_op, p->probe->event);
	}
	fprintf(f, "\n| probe         | path         | added ns/event med [min, max] | slowdown %% | reader CPU %% | lost | agrees |\n");
	fprintf(f, "|---------------|--------------|----------------------:|---------:|-------:|-------------:|--------|\n");
	for (i = 0; i < run->nr; i++)
		for (k = 0; k < PATH_NR; k++)
			print_path_row(f, run->probes[i].probe->name,
				       &run->probes[i].path[k], bench_path_names[k]);
	print_baselines(f, run);
	if (run->streaming) {
		fprintf(f, "\n| streaming    | lossless events/s | flat-out events/s | reader CPU %% | note |\n");
		fprintf(f, "|--------------|------------------:|------------------:|-------:|------|\n");
		for (k = 0; k < STREAM_NR; k++) {
			const struct bench_stream_res *s = &run->stream[k];

			if (!s->available) {
				fprintf(f, "| %-12s | n/a | | | %s |\n",
					bench_stream_names[k], s->reason);
				continue;
			}
			fprintf(f, "| %-12s | %17.0f | %17.0f | %6.1f | %s |\n",
				bench_stream_names[k], s->lossless_rate,
				s->offered_rate, s->reader_cpu_pct,
				s->producer_bound ? "lossless flat out: producer-bound" :
				s->lossless_rate > 0 ? "reader-bound" :
				"lost events at every rate tried");
		}
	}
	print_targets(f, run);
}

/* ---- JSON ---- */

static void json_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.3f", v);
	else
		fprintf(f, "null");
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_stat(FILE *f, const struct bench_stat *s)
{
	fprintf(f, "{\"median\": ");
	json_num(f, s->median);
	fprintf(f, ", \"min\": ");
	json_num(f, s->min);
	fprintf(f, ", \"max\": ");
	json_num(f, s->max);
	fprintf(f, "}");
}

static void json_path(FILE *f, const struct bench_path_res *r)
{
	fprintf(f, "{\"available\": %s", r->available ? "true" : "false");
	if (!r->available) {
		fprintf(f, ", \"reason\": ");
		json_str(f, r->reason);
		fprintf(f, ", \"added_ns_per_event\": null, \"slowdown_pct\": null, \"reader_cpu_pct\": null, \"lost\": null, \"agrees\": null}");
		return;
	}
	fprintf(f, ", \"baseline\": \"%s\", \"added_ns_per_event\": ",
		r->in_rounds ? "rounds" : "block");
	json_stat(f, &r->added);
	fprintf(f, ", \"slowdown_pct\": ");
	json_num(f, r->slowdown_pct);
	fprintf(f, ", \"reader_cpu_pct\": ");
	json_num(f, r->reader_cpu_pct >= 0 ? r->reader_cpu_pct : NAN);
	fprintf(f, ", \"lost\": ");
	if (r->lost >= 0)
		fprintf(f, "%lld", r->lost);
	else
		fprintf(f, "null");
	fprintf(f, ", \"agrees\": %s, \"events\": %llu}",
		r->agrees < 0 ? "null" : r->agrees ? "true" : "false",
		r->hist.total);
}

static void json_workload(FILE *f, const struct bench_probe_res *p)
{
	fprintf(f, "{\"workload\": ");
	json_str(f, p->probe->what);
	fprintf(f, ", \"driver\": ");
	json_str(f, p->driver);
	fprintf(f, ", \"event\": ");
	json_str(f, p->probe->event);
	fprintf(f, ", \"ops_per_rep\": %lu, \"events_per_op\": ", p->ops);
	json_num(f, p->events_per_op);
	fprintf(f, ", \"baseline_ns_per_op\": ");
	json_stat(f, &p->base_ns);
	fprintf(f, "}");
}

int bench_write_json(const char *path, const struct bench_run *run)
{
	unsigned int i, k;
	FILE *f;

	f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!f)
		return -1;
	fprintf(f, "{\"kernel\": ");
	json_str(f, run->kernel);
	fprintf(f, ", \"cpu\": ");
	json_str(f, run->cpu);
	fprintf(f, ", \"repetitions\": %d, \"quick\": %s,\n \"probes\": {",
		run->reps, run->quick ? "true" : "false");
	for (i = 0; i < run->nr; i++) {
		fprintf(f, "%s\n  ", i ? "," : "");
		json_str(f, run->probes[i].probe->name);
		fprintf(f, ": {");
		for (k = 0; k < PATH_NR; k++) {
			fprintf(f, "%s\n   ", k ? "," : "");
			json_str(f, bench_path_names[k]);
			fprintf(f, ": ");
			json_path(f, &run->probes[i].path[k]);
		}
		fprintf(f, "}");
	}
	fprintf(f, "},\n \"streaming\": {");
	for (k = 0; run->streaming && k < STREAM_NR; k++) {
		const struct bench_stream_res *s = &run->stream[k];

		fprintf(f, "%s\n  ", k ? "," : "");
		json_str(f, bench_stream_names[k]);
		fprintf(f, ": {\"available\": %s", s->available ? "true" : "false");
		if (!s->available) {
			fprintf(f, ", \"reason\": ");
			json_str(f, s->reason);
			fprintf(f, ", \"lossless_events_per_s\": null}");
			continue;
		}
		fprintf(f, ", \"lossless_events_per_s\": ");
		json_num(f, s->lossless_rate);
		fprintf(f, ", \"flat_out_events_per_s\": ");
		json_num(f, s->offered_rate);
		fprintf(f, ", \"producer_bound\": %s, \"reader_cpu_pct\": ",
			s->producer_bound ? "true" : "false");
		json_num(f, s->reader_cpu_pct);
		fprintf(f, "}");
	}
	fprintf(f, "},\n \"workloads\": {");
	for (i = 0; i < run->nr; i++) {
		fprintf(f, "%s\n  ", i ? "," : "");
		json_str(f, run->probes[i].probe->name);
		fprintf(f, ": ");
		json_workload(f, &run->probes[i]);
	}
	fprintf(f, "}}\n");
	if (f != stdout)
		return fclose(f) ? -1 : 0;
	fflush(f);
	return 0;
}
