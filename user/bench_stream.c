// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl bench: streaming.  How many events per second each streaming
 * path carries from the kernel to a reader with no loss: ktrace's mmap'd
 * ring (ktracectl enable sys_enter), ktrace's BPF ring buffer (the same
 * with --backend bpf) and ftrace's trace_pipe, all on raw_syscalls
 * sys_enter of a worker calling getppid().  Each reader does what a user
 * would run: ktracectl prints a line per record (to a file in /tmp, a
 * tmpfs), the trace_pipe reader parses every line.
 *
 * A trial offers a number of events at a rate and reads back what the
 * reader delivered and what the path says it lost.  The first trial runs
 * the producer flat out: lossless there means the path keeps up with
 * anything this CPU can produce (the rate is a lower bound, marked
 * producer-bound).  Otherwise the rate steps down from what the reader
 * delivered until a trial loses nothing, then bisects between the best
 * lossless and the lowest lossy rate while trials remain.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "bench.h"

#define TRIALS_MAX	6

struct trial {
	double rate;			/* achieved, events/s */
	unsigned long long got, lost;
	double cpu_pct;
	bool ok;			/* ran; @got and @lost are valid */
};

static int run_trial(enum bench_stream_path sp, struct bench_worker *w,
		     const struct bench_ctx *c, unsigned long ops,
		     struct trial *t, char *why, size_t why_size)
{
	struct bench_pipe_reader pr;
	struct bench_hist h = { 0 };
	struct bench_ext e = { 0 };
	double ns;
	int err;

	memset(t, 0, sizeof(*t));
	if (sp == STREAM_TRACE_PIPE) {
		if (bench_pipe_start(&pr, TPJOB_SYS_ENTER, c, why, why_size))
			return -1;
		bench_pipe_mark(&pr);
	} else {
		bench_ext_arg(&e, "%s", c->self);
		if (sp == STREAM_BPF_RINGBUF) {
			bench_ext_arg(&e, "--backend");
			bench_ext_arg(&e, "bpf");
		}
		bench_ext_arg(&e, "enable");
		bench_ext_arg(&e, "sys_enter");
		bench_ext_arg(&e, "-p");
		bench_ext_arg(&e, "%d", c->pid);
		if (sp == STREAM_MODULE_RING) {
			/* 1 MiB per CPU, less than ftrace's default 1.4 MB. */
			bench_ext_arg(&e, "-b");
			bench_ext_arg(&e, "256");
		}
		e.ready = "TIME(s)";
		e.settle_s = 1.0;
		e.parse = PARSE_LINES;
		e.match = "\001";	/* counted from the "seen" line instead */
		e.lost_known = true;
		if (bench_ext_start(&e, 120, why, why_size))
			return -1;
		bench_ext_mark(&e);
	}
	err = bench_worker_run(w, ops, &ns);
	if (sp == STREAM_TRACE_PIPE) {
		t->cpu_pct = bench_pipe_cpu_pct(&pr);
		if (bench_pipe_stop(&pr, &h))
			err = -1;
		t->got = h.total;
	} else {
		t->cpu_pct = bench_ext_cpu_pct(&e);
		if (bench_ext_stop(&e, &h))
			err = -1;
		/* "seen N delivered N dropped N": delivered = seen - lost. */
		t->got = ops;
		if (!bench_parse_seen(e.out_path, &t->got))
			err = -1;
		unlink(e.out_path);	/* a line per event: large */
	}
	if (err) {
		snprintf(why, why_size, "the trial failed");
		return -1;
	}
	t->lost = h.lost;
	t->rate = 1e9 / ns;
	t->ok = true;
	return 0;
}

static void search(enum bench_stream_path sp, struct bench_stream_res *r,
		   struct bench_worker *w, const struct bench_ctx *c,
		   double seconds, int max_trials)
{
	double rate = 0;	/* flat out first */
	double lossy = 0;	/* the lowest rate that lost events */
	struct trial t;
	unsigned long ops;
	int i;

	r->available = true;
	for (i = 0; i < max_trials; i++) {
		if (bench_worker_pace(w, rate)) {
			snprintf(r->reason, sizeof(r->reason), "worker failed");
			r->available = false;
			return;
		}
		/* Enough events for @seconds at the expected rate. */
		ops = (unsigned long)((rate ? rate : r->offered_rate ?
				       r->offered_rate : 200000) * seconds);
		if (ops < 1000)
			ops = 1000;
		if (run_trial(sp, w, c, ops, &t, r->reason, sizeof(r->reason))) {
			r->available = r->lossless_rate > 0;
			return;
		}
		if (!i)
			r->offered_rate = t.rate;
		fprintf(stderr, "bench: %s: %.0f events/s offered, %llu of %lu delivered, %llu lost\n",
			bench_stream_names[sp], t.rate, t.got, ops, t.lost);
		/* Lossless: nothing lost, everything offered delivered. */
		if (!t.lost && t.got >= ops) {
			if (t.rate > r->lossless_rate) {
				r->lossless_rate = t.rate;
				r->reader_cpu_pct = t.cpu_pct;
			}
			if (!i) {
				r->producer_bound = true;
				break;
			}
		} else {
			r->lost = t.lost;
			if (!lossy || t.rate < lossy)
				lossy = t.rate;
		}
		if (r->lossless_rate) {
			/* Close enough to the edge: stop. */
			if (lossy < 1.15 * r->lossless_rate)
				break;
			rate = (r->lossless_rate + lossy) / 2;
		} else {
			/* What the reader managed, less a margin. */
			rate = 0.8 * t.rate * (double)(t.got < ops ? t.got : ops) / ops;
		}
		if (rate < 100)
			break;
	}
	bench_worker_pace(w, 0);
}

void bench_streaming(struct bench_run *run, const struct bench_ctx *base,
		     double seconds)
{
	struct bench_work_conf conf = { .work = WORK_SYSCALL };
	struct bench_worker w;
	struct bench_ctx c = *base;
	int k;

	run->streaming = true;
	if (bench_worker_start(&w, &conf)) {
		for (k = 0; k < STREAM_NR; k++)
			snprintf(run->stream[k].reason, sizeof(run->stream[k].reason),
				 "cannot start the worker");
		return;
	}
	c.pid = w.pid;
	for (k = 0; k < STREAM_NR; k++) {
		fprintf(stderr, "bench: streaming %s\n", bench_stream_names[k]);
		search(k, &run->stream[k], &w, &c, seconds,
		       run->quick ? 3 : TRIALS_MAX);
	}
	bench_worker_stop(&w);
}
