// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl bench: what tracing costs, measured, on this kernel, for each
 * probe and each way of doing its job (see bench.h for the files).
 *
 * For one probe a worker process runs the probe's workload in
 * repetitions, timing each itself.  Every path is measured against
 * untraced repetitions run around its own: the paths that attach quickly
 * take turns, one traced repetition each per round with an untraced one
 * between any two; the others are attached once for a block of traced
 * repetitions, after a block of untraced ones.  Added ns per event is a
 * traced repetition's ns per op less its baseline, divided by events per
 * op (the module's count over the ops it saw).  Paths that cannot run
 * here are reported with the reason, never left out silently.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "ktracectl.h"
#include "bench.h"

static const char bench_doc[] =
"Measure what tracing costs: each probe's workload untraced, with an empty\n"
"callback on its hooks (the floor), with ktrace.ko, ktrace's eBPF programs,\n"
"ftrace (trace_pipe read and parsed, and hist triggers), bcc and bpftrace.\n"
"\n"
"USAGE: ktracectl bench [--help] [-n REPS] [-q] [-t SECS] [-d DISK]\n"
"                       [-e PATH] [-o FILE] [--paths LIST] [--no-streaming]\n"
"                       [PROBE...]\n"
"\n"
"PROBES: syscount block_latency runqlat execsnoop (default: all).\n"
"Reports per path: ns added per event (median [min, max] over the\n"
"repetitions), % slowdown, the reader's CPU %, events lost, and whether the\n"
"histogram agrees with the module's (total within 1 %, same fullest\n"
"bucket); then the highest lossless rate of each streaming path.\n"
"Needs ktrace.ko loaded, tracefs, and for peers bcc and bpftrace installed.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl bench                        # everything, 5 repetitions\n"
"    ktracectl bench -o results.json        # and the JSON for scripts\n"
"    ktracectl bench -q syscount            # a quick look at one probe\n"
"    ktracectl bench --paths floor,module   # only those paths";

enum { OPT_NO_STREAMING = 0x100, OPT_PATHS };

static const struct argp_option bench_opts[] = {
	{ "reps", 'n', "REPS", 0, "Repetitions per path (default 5)", 0 },
	{ "quick", 'q', NULL, 0, "Few, short repetitions: checks the machinery, timings mean little", 0 },
	{ "time", 't', "SECS", 0, "Seconds per baseline repetition (default 1)", 0 },
	{ "disk", 'd', "DISK", 0, "Disk for block_latency's reads (default vda)", 0 },
	{ "exec", 'e', "PATH", 0, "Program execsnoop's workload runs, with the argument 0 (default " BENCH_EXEC_PATH ")", 0 },
	{ "output", 'o', "FILE", 0, "Write the results as JSON to FILE (- for stdout)", 0 },
	{ "paths", OPT_PATHS, "LIST", 0, "Only these paths, comma-separated", 0 },
	{ "no-streaming", OPT_NO_STREAMING, NULL, 0, "Skip the streaming rates", 0 },
	{},
};

struct bench_args {
	int reps;
	bool quick, no_streaming;
	double seconds;
	const char *disk, *output, *exec;
	bool paths[PATH_NR];
	const struct bench_probe *probes[8];
	unsigned int nr_probes;
};

static void parse_paths(const struct argp_state *state, struct bench_args *a,
			char *arg)
{
	char *tok, *save = NULL;
	int k;

	memset(a->paths, 0, sizeof(a->paths));
	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (k = 0; k < PATH_NR; k++)
			if (!strcmp(tok, bench_path_names[k]))
				break;
		if (k == PATH_NR)
			usage_error(state, "unknown path '%s'", tok);
		a->paths[k] = true;
	}
}

static error_t parse_bench(int key, char *arg, struct argp_state *state)
{
	struct bench_args *a = state->input;
	const struct bench_probe *p;
	char *end;

	switch (key) {
	case 'n':
		a->reps = parse_ulong(state, "REPS", arg, BENCH_MAX_REPS / 2);
		break;
	case 'q':
		a->quick = true;
		break;
	case 't':
		errno = 0;
		a->seconds = strtod(arg, &end);
		if (errno || *end || !(a->seconds > 0 && a->seconds <= 60))
			usage_error(state, "invalid SECS '%s'", arg);
		break;
	case 'd':
		a->disk = arg;
		break;
	case 'e':
		if (arg[0] != '/' || access(arg, X_OK))
			usage_error(state, "'%s' is not an executable's absolute path", arg);
		a->exec = arg;
		break;
	case 'o':
		a->output = arg;
		break;
	case OPT_PATHS:
		parse_paths(state, a, arg);
		break;
	case OPT_NO_STREAMING:
		a->no_streaming = true;
		break;
	case ARGP_KEY_ARG:
		p = bench_probe_find(arg);
		if (!p)
			usage_error(state, "no bench for probe '%s'", arg);
		if (a->nr_probes == sizeof(a->probes) / sizeof(a->probes[0]))
			usage_error(state, "too many probes");
		a->probes[a->nr_probes++] = p;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* ---- one probe ---- */

/* Ops to start calibrating with, and the most a repetition runs. */
static void work_bounds(enum bench_work w, unsigned long *first,
			unsigned long *max)
{
	static const unsigned long b[][2] = {
		[WORK_SYSCALL] = { 20000, 20000000 },
		[WORK_BLOCK] = { 100, 200000 },
		[WORK_PINGPONG] = { 1000, 2000000 },
		[WORK_EXEC] = { 20, 20000 },
	};

	*first = b[w][0];
	*max = b[w][1];
}

static void unavailable(struct bench_path_res *r, const char *fmt, const char *s)
{
	r->available = false;
	snprintf(r->reason, sizeof(r->reason), fmt, s);
}

/* The empty callback on the probe's hooks: ktrace.ko's "floor" probe. */
static struct kt *floor_on(const char *probe, char *why, size_t why_size)
{
	struct ktrace_enable en;
	struct kt *kt;
	int err;

	err = kt_open(&kt);
	if (err) {
		snprintf(why, why_size, "%s: %s", KTRACE_DEVICE, kt_strerror(err));
		return NULL;
	}
	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "floor");
	snprintf(en.symbol, sizeof(en.symbol), "%s", probe);
	en.flags = KTRACE_ENABLE_SYMBOL;
	err = kt_enable(kt, &en);
	if (err < 0) {
		snprintf(why, why_size, "floor probe: %s", kt_strerror(err));
		kt_close(kt);
		return NULL;
	}
	bench_sleep(1);		/* TCG: stale code right after patching */
	return kt;
}

struct path_run {
	struct bench_ext ext;
	struct bench_pipe_reader pipe;
	struct kt *kt;
};

/* Attaches path @k; 0, or -1 with r->reason set. */
static int path_start(const struct bench_probe *p, enum bench_path k,
		      const struct bench_ctx *c, struct path_run *pr,
		      struct bench_path_res *r)
{
	char why[160] = "";

	memset(pr, 0, sizeof(*pr));
	switch (k) {
	case PATH_FLOOR:
		pr->kt = floor_on(p->name, why, sizeof(why));
		if (!pr->kt)
			goto fail;
		return 0;
	case PATH_TRACE_PIPE:
		if (bench_pipe_start(&pr->pipe, p->tp_job, c, why, sizeof(why)))
			goto fail;
		bench_pipe_mark(&pr->pipe);
		return 0;
	case PATH_HIST_TRIGGER:
		if (!p->tp_trigger) {
			snprintf(why, sizeof(why), "%s", p->no_trigger);
			goto fail;
		}
		if (bench_trigger_start(p->tp_job, c, why, sizeof(why)))
			goto fail;
		return 0;
	default:
		if (p->ext(k, c, &pr->ext, why, sizeof(why)))
			goto fail;
		if (bench_ext_start(&pr->ext, 600, why, sizeof(why)))
			goto fail;
		bench_ext_mark(&pr->ext);
		return 0;
	}
fail:
	unavailable(r, "%s", why);
	return -1;
}

/* Detaches path @k and reads its result into r->hist. */
static void path_stop(const struct bench_probe *p, enum bench_path k,
		      struct path_run *pr, struct bench_path_res *r)
{
	int err = 0;

	switch (k) {
	case PATH_FLOOR:
		kt_close(pr->kt);	/* closing disables the instance */
		r->reader_cpu_pct = -1;
		r->lost = 0;		/* an empty callback drops nothing */
		return;
	case PATH_TRACE_PIPE:
		r->reader_cpu_pct = bench_pipe_cpu_pct(&pr->pipe);
		err = bench_pipe_stop(&pr->pipe, &r->hist);
		break;
	case PATH_HIST_TRIGGER:
		r->reader_cpu_pct = 0;	/* no reader: the kernel does it all */
		err = bench_trigger_stop(p->tp_job, &r->hist);
		break;
	default:
		r->reader_cpu_pct = bench_ext_cpu_pct(&pr->ext);
		err = bench_ext_stop(&pr->ext, &r->hist);
		if (err)
			bench_ext_last_line(&pr->ext, r->reason, sizeof(r->reason));
		break;
	}
	if (err && !r->reason[0])
		snprintf(r->reason, sizeof(r->reason), "no result");
	r->lost = r->hist.lost_known ? (long long)r->hist.lost : -1;
}

static int run_reps(struct bench_worker *w, unsigned long ops, int reps,
		    double *ns)
{
	int i;

	for (i = 0; i < reps; i++)
		if (bench_worker_run(w, ops, &ns[i]))
			return -1;
	return 0;
}

/*
 * Paths that attach within a second or two take turns in rounds (see
 * measure_rounds()); bcc's tools compile their programs for up to a
 * minute each under TCG, and bpftrace for tens of seconds, so they are
 * attached once for a block of repetitions.
 */
static bool path_in_rounds(enum bench_path k)
{
	return k != PATH_BCC && k != PATH_BPFTRACE;
}

/*
 * Path @k attached once for @n traced repetitions, into @ns; detached,
 * its result in @r.  0, or -1 with r->reason set.
 */
static int traced_reps(const struct bench_probe *p, enum bench_path k,
		       const struct bench_ctx *c, struct bench_worker *w,
		       unsigned long ops, int n, double *ns,
		       struct bench_path_res *r)
{
	struct path_run run;

	if (path_start(p, k, c, &run, r))
		return -1;
	if (run_reps(w, ops, n, ns)) {
		path_stop(p, k, &run, r);
		unavailable(r, "%s", "the workload failed while traced");
		return -1;
	}
	path_stop(p, k, &run, r);
	return r->reason[0] ? -1 : 0;
}

/*
 * One block of untraced repetitions, then the path attached once for a
 * block of traced ones: each traced repetition against the untraced
 * median.  The untraced ones go into @b, @base gets their median per
 * traced repetition.
 */
static int measure_block(const struct bench_probe *p, enum bench_path k,
			 const struct bench_ctx *c, struct bench_worker *w,
			 unsigned long ops, int reps, double *ns, double *base,
			 double *b, struct bench_path_res *r)
{
	struct bench_stat st;
	int i;

	if (run_reps(w, ops, reps, b)) {
		unavailable(r, "%s", "the workload failed");
		return -1;
	}
	bench_stat_of(b, reps, &st);
	for (i = 0; i < reps; i++)
		base[i] = st.median;
	if (traced_reps(p, k, c, w, ops, reps, ns, r))
		return -1;
	for (i = 0; env.verbose && i < reps; i++)
		fprintf(stderr, "bench: %s: %s: repetition %d: %.0f ns per op traced, %.0f untraced before\n",
			p->name, bench_path_names[k], i + 1, ns[i], b[i]);
	return 0;
}

/* Adds round @round's result (@one) to the path's (@r). */
static void add_round(struct bench_path_res *r, const struct bench_path_res *one,
		      int round)
{
	if (!round) {
		r->hist = one->hist;
		r->lost = one->lost;
		r->reader_cpu_pct = one->reader_cpu_pct;
		return;
	}
	bench_hist_merge(&r->hist, &one->hist);
	if (r->lost < 0 || one->lost < 0)
		r->lost = -1;
	else
		r->lost += one->lost;
	if (r->reader_cpu_pct < 0 || one->reader_cpu_pct < 0)
		r->reader_cpu_pct = -1;
	else	/* every round's traced repetition is as long: the mean */
		r->reader_cpu_pct += (one->reader_cpu_pct - r->reader_cpu_pct) /
				     (round + 1);
}

/* Marks every path still in the rounds (@on) unavailable, for @why. */
static void unavailable_on(struct bench_probe_res *pr, const bool *on,
			   const char *why)
{
	int k;

	for (k = 0; k < PATH_NR; k++)
		if (on[k])
			unavailable(&pr->path[k], "%s", why);
}

/*
 * The paths that attach within a second or two (@on) take turns, one
 * traced repetition each per round, and every traced repetition runs
 * between two untraced ones:
 *
 *   untraced floor untraced module untraced bpf ... untraced floor ...
 *
 * Each traced repetition is measured against the mean of the untraced
 * ones either side of it.  Under TCG the guest's speed moves by a fifth
 * or more from one second to the next and holds a step for seconds (a
 * multiply loop in the guest ran 3.3 to 5.6 ns an iteration; on the host
 * an interpreter's loop moves as much, a dependent multiply does not: a
 * core shared with others), so one path's repetitions in a block, after
 * a block of baselines, could catch a step the next path's miss.  Taking
 * turns spreads every path over the same stretch of time.  The untraced
 * repetitions go into @b, their number into *@nb.
 */
static void measure_rounds(const struct bench_probe *p, const struct bench_ctx *c,
			   struct bench_worker *w, struct bench_probe_res *pr,
			   int reps, bool *on, double ns[][BENCH_MAX_REPS],
			   double base[][BENCH_MAX_REPS], double *b, int *nb)
{
	struct bench_path_res *one, *r;
	struct bench_stat st;
	int i, k, n = 0;

	one = calloc(1, sizeof(*one));
	if (!one || bench_worker_run(w, pr->ops, &b[n++])) {
		unavailable_on(pr, on, !one ? "out of memory" : "the workload failed");
		free(one);
		*nb = 0;
		return;
	}
	for (i = 0; i < reps; i++) {
		for (k = 0; k < PATH_NR; k++) {
			r = &pr->path[k];
			if (!on[k])
				continue;
			memset(one, 0, sizeof(*one));
			if (traced_reps(p, k, c, w, pr->ops, 1, &ns[k][i], one)) {
				unavailable(r, "%s", one->reason);
				on[k] = false;
				fprintf(stderr, "bench: %s: %s: n/a: %s\n", p->name,
					bench_path_names[k], r->reason);
				continue;
			}
			add_round(r, one, i);
			if (bench_worker_run(w, pr->ops, &b[n])) {
				unavailable_on(pr, on, "the workload failed");
				goto out;
			}
			base[k][i] = (b[n - 1] + b[n]) / 2;
			n++;
			if (env.verbose)
				fprintf(stderr, "bench: %s: %s: round %d: %.0f ns per op traced, %.0f and %.0f untraced around it\n",
					p->name, bench_path_names[k], i + 1,
					ns[k][i], b[n - 2], b[n - 1]);
		}
	}
	for (k = 0; k < PATH_NR; k++) {
		r = &pr->path[k];
		if (!on[k])
			continue;
		r->available = true;
		r->in_rounds = true;
		r->nreps = reps;
		bench_stat_of(base[k], reps, &st);
		r->base_ns = st.median;
		fprintf(stderr, "bench: %s: %s: %llu events, fullest bucket %d, lost %lld\n",
			p->name, bench_path_names[k], r->hist.total,
			bench_hist_mode(&r->hist), r->lost);
	}
out:
	free(one);
	*nb = n;
}

static void finish_path(struct bench_probe_res *pr, struct bench_path_res *r,
			const double *ns, const double *base,
			const struct bench_path_res *module)
{
	int i;

	for (i = 0; i < r->nreps; i++)
		r->added_ns[i] = (ns[i] - base[i]) / pr->events_per_op;
	bench_stat_of(r->added_ns, r->nreps, &r->added);
	r->slowdown_pct = 100.0 * r->added.median * pr->events_per_op /
			  r->base_ns;
	if (r == module || r == &pr->path[PATH_FLOOR])
		r->agrees = r == module ? 1 : -1;
	else if (module->available)
		r->agrees = bench_hist_agree(&module->hist, &r->hist);
	else
		r->agrees = -1;
}

/* Ops per repetition: about @seconds of the untraced workload. */
static int calibrate(struct bench_worker *w, enum bench_work work,
		     double seconds, unsigned long *ops, double *t)
{
	unsigned long first, max;

	work_bounds(work, &first, &max);
	if (bench_worker_run(w, first, t))
		return -1;
	*ops = (unsigned long)(seconds * 1e9 / *t);
	*ops = *ops < first / 4 ? first / 4 : *ops > max ? max : *ops;
	if (!*ops)
		*ops = 1;
	return 0;
}

static void run_probe(const struct bench_args *a, const struct bench_ctx *base,
		      struct bench_probe_res *pr)
{
	const struct bench_probe *p = pr->probe;
	struct bench_work_conf conf = {
		.work = p->work, .disk = NULL, .exec_path = base->exec_path,
	};
	double ns[PATH_NR][BENCH_MAX_REPS], bases[PATH_NR][BENCH_MAX_REPS];
	double untraced[PATH_NR * (BENCH_MAX_REPS + 1)], t, t0;
	char disk_path[64];
	struct bench_worker w;
	struct bench_ctx c = *base;
	bool on[PATH_NR];
	int k, reps = a->reps, nb = 0;
	struct bench_stat st;

	snprintf(disk_path, sizeof(disk_path), "/dev/%s", base->disk);
	conf.disk = disk_path;
	conf.use_fio = p->work == WORK_BLOCK && bench_have_fio();
	snprintf(pr->driver, sizeof(pr->driver), "%s%s%s", bench_work_driver(&conf),
		 p->work == WORK_EXEC ? " of " : "",
		 p->work == WORK_EXEC ? conf.exec_path : "");
	for (k = 0; k < PATH_NR; k++)
		pr->path[k].agrees = -1;
	if (bench_worker_start(&w, &conf)) {
		for (k = 0; k < PATH_NR; k++)
			unavailable(&pr->path[k], "%s", "cannot start the worker");
		return;
	}
	c.pid = w.pid;

	if (calibrate(&w, p->work, a->seconds, &pr->ops, &t)) {
		for (k = 0; k < PATH_NR; k++)
			unavailable(&pr->path[k], "%s", "the workload failed");
		bench_worker_stop(&w);
		return;
	}
	fprintf(stderr, "bench: %s: %lu ops per repetition (%.0f ns per op)\n",
		p->name, pr->ops, t);

	run_reps(&w, pr->ops, 1, untraced);	/* warm caches */
	for (k = 0; k < PATH_NR; k++) {
		on[k] = a->paths[k] && path_in_rounds(k);
		if (!a->paths[k])
			unavailable(&pr->path[k], "%s", "not selected (--paths)");
	}
	measure_rounds(p, &c, &w, pr, reps, on, ns, bases, untraced, &nb);
	for (k = 0; k < PATH_NR; k++) {
		struct bench_path_res *r = &pr->path[k];

		if (!a->paths[k] || path_in_rounds(k))
			continue;
		t0 = bench_now();
		if (measure_block(p, k, &c, &w, pr->ops, reps, ns[k], bases[k],
				  untraced + nb, r)) {
			fprintf(stderr, "bench: %s: %s: n/a: %s\n", p->name,
				bench_path_names[k], r->reason);
			continue;
		}
		bench_stat_of(untraced + nb, reps, &st);
		r->base_ns = st.median;
		nb += reps;
		r->available = true;
		r->nreps = reps;
		fprintf(stderr, "bench: %s: %s: %.1f s, %llu events, fullest bucket %d, lost %lld\n",
			p->name, bench_path_names[k], bench_now() - t0,
			r->hist.total, bench_hist_mode(&r->hist), r->lost);
	}
	bench_worker_stop(&w);
	bench_stat_of(untraced, nb, &pr->base_ns);

	/* Events per op: what the module counted over the ops it saw. */
	pr->events_per_op = 1;
	if (pr->path[PATH_MODULE].available && pr->path[PATH_MODULE].hist.total)
		pr->events_per_op = (double)pr->path[PATH_MODULE].hist.total /
				    ((double)pr->ops * reps);
	for (k = 0; k < PATH_NR; k++)
		if (pr->path[k].available)
			finish_path(pr, &pr->path[k], ns[k], bases[k],
				    &pr->path[PATH_MODULE]);
}

/* ---- the command ---- */

static void machine(struct bench_run *run)
{
	struct utsname u;
	char line[256];
	FILE *f;

	snprintf(run->kernel, sizeof(run->kernel), "unknown");
	if (!uname(&u))
		snprintf(run->kernel, sizeof(run->kernel), "%s", u.release);
	snprintf(run->cpu, sizeof(run->cpu), "%ld CPUs", sysconf(_SC_NPROCESSORS_ONLN));
	f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && p) {
			p[strcspn(p, "\n")] = 0;
			snprintf(run->cpu, sizeof(run->cpu), "%ld x %s",
				 sysconf(_SC_NPROCESSORS_ONLN), p + 2);
			break;
		}
	}
	fclose(f);
}

static int disk_of(const char *disk, struct bench_ctx *c)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/dev/%s", disk);
	if (stat(path, &st) || !S_ISBLK(st.st_mode))
		return -1;
	c->disk = disk;
	c->dev_major = major(st.st_rdev);
	c->dev_minor = minor(st.st_rdev);
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{},
	};
	static const struct argp argp = {
		.options = bench_opts,
		.parser = parse_bench,
		.args_doc = "[PROBE...]",
		.doc = bench_doc,
		.children = children,
	};
	static struct bench_run run;
	struct bench_args a = {
		.reps = 5, .seconds = 1.0, .disk = "vda", .exec = BENCH_EXEC_PATH,
	};
	static char self[PATH_MAX];
	struct bench_ctx c = { 0 };
	unsigned int i;
	ssize_t n;
	int k;

	for (k = 0; k < PATH_NR; k++)
		a.paths[k] = true;
	if (parse_subcommand(&argp, argc, argv, "bench", &a))
		return EXIT_USAGE;
	if (a.quick) {
		a.reps = a.reps == 5 ? 2 : a.reps;
		a.seconds = a.seconds == 1.0 ? 0.15 : a.seconds;
	}
	if (!a.nr_probes)
		for (i = 0; i < bench_nr_probes && i < 8; i++)
			a.probes[a.nr_probes++] = &bench_probes[i];

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "ktracectl: /proc/self/exe: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	self[n] = 0;
	c.self = self;
	c.exec_path = a.exec;
	if (disk_of(a.disk, &c)) {
		fprintf(stderr, "ktracectl: /dev/%s is not a block device\n", a.disk);
		return EXIT_FAIL;
	}
	/* The paths' tracers are stopped with SIGINT; so is the bench. */
	machine(&run);
	run.reps = a.reps;
	run.quick = a.quick;
	for (i = 0; i < a.nr_probes; i++) {
		run.probes[run.nr].probe = a.probes[i];
		run_probe(&a, &c, &run.probes[run.nr++]);
	}
	if (!a.no_streaming)
		bench_streaming(&run, &c, a.quick ? 0.3 : 2 * a.seconds);

	bench_print_table(stdout, &run);
	fflush(stdout);
	if (a.output && bench_write_json(a.output, &run)) {
		fprintf(stderr, "ktracectl: %s: %s\n", a.output, strerror(errno));
		return EXIT_FAIL;
	}
	return 0;
}
