// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl bench: streaming.  How many events per second each streaming
 * path carries from the kernel to a reader with no loss: ktrace's mmap'd
 * ring and ktrace's BPF ring buffer (the sys_enter probe through either
 * backend, read by bench_ring.c) and ftrace's trace_pipe, all on
 * raw_syscalls sys_enter of a worker calling getppid().  Each reader
 * takes every event's syscall number and counts it, no more: the
 * transport is measured, not a tool's printing.
 *
 * A trial offers a number of events at a rate and reads back what the
 * reader delivered and what the path says it lost.  The paths take their
 * trials in turn.  The first trials run the producer flat out: lossless
 * in all five means the path keeps up with anything this CPU can produce
 * (the rate, their median, is a lower bound, marked producer-bound).
 * Otherwise the rate steps down from what the reader delivered until a
 * trial loses nothing, then bisects between the best lossless and the
 * lowest lossy rate while trials remain.
 *
 * The producer and every path's reader run on one CPU.  Under TCG one
 * host thread runs both vCPUs in turns, switching when one idles or at
 * QEMU's round-robin kick every 100 ms: a reader on the other vCPU would
 * wait out up to 100 ms of a busy producer however soon it was woken, so
 * the ring's size over 100 ms, not the path, would set the rate.  On one
 * vCPU a woken reader runs at once, as on a machine with a CPU to spare,
 * and its CPU time is taken from the producer's, as it is from the one
 * host thread anyway.
 *
 * At once only if the reader runs SCHED_FIFO, as perf record -r runs
 * perf: the two rings' readers do, the producer does not.  Under CFS a
 * trial's reader, a process forked for it, starts with a virtual runtime
 * ahead of the busy producer's, and for its first twenty or so wakeups
 * does not preempt it: it was measured finding up to 5.4 times the
 * wakeup mark waiting in the ring (after the twentieth wakeup the mark
 * and one record, as under SCHED_FIFO from the first).  Near the ring's
 * capacity that start, not the path, decided whether a trial lost
 * events.  trace_pipe's reader keeps CFS: trace_pipe wakes its reader
 * for every event, which SCHED_FIFO would then switch in for each one
 * (measured: 2.5-3.8 k events/s, against tens of thousands under CFS,
 * where events gather while the reader waits its turn).  That choice is
 * the one in trace_pipe's favour.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include "bench.h"

#define TRIALS_MAX	8
#define FLAT_TRIALS	5	/* flat out, lossless each: their median */

struct trial {
	double rate;			/* achieved, events/s */
	unsigned long long got, lost;
	double cpu_pct;
	bool ok;			/* ran; @got and @lost are valid */
};

/*
 * Every path gets rings of the same size per CPU: 1 MiB (ftrace's default
 * is 1.4 MB).  trace_pipe's reader, under CFS, waits out part of the
 * producer's time slice, so its ring's size sets how much it must catch
 * up on, more than its speed does.
 */
#define RING_PAGES	256
#define RING_KB		"1024"

/* Runs a ring's reader @pid SCHED_FIFO: see the top of the file. */
static int reader_realtime(pid_t pid, char *why, size_t why_size)
{
	struct sched_param sp = { .sched_priority = 1 };

	if (!sched_setscheduler(pid, SCHED_FIFO, &sp))
		return 0;
	snprintf(why, why_size, "the reader cannot run SCHED_FIFO: %s",
		 strerror(errno));
	return -1;
}

static int run_trial(enum bench_stream_path sp, struct bench_worker *w,
		     const struct bench_ctx *c, unsigned long ops,
		     struct trial *t, char *why, size_t why_size)
{
	struct bench_pipe_reader pr;
	struct bench_ring_reader rr;
	struct bench_hist h = { 0 };
	double ns;
	int err;

	memset(t, 0, sizeof(*t));
	if (sp == STREAM_TRACE_PIPE) {
		if (bench_pipe_start(&pr, TPJOB_SYS_ENTER, c, why, why_size))
			return -1;
		bench_pipe_mark(&pr);
	} else {
		if (bench_ring_start(&rr, sp == STREAM_BPF_RINGBUF, c->pid,
				     RING_PAGES, why, why_size))
			return -1;
		if (reader_realtime(rr.pid, why, why_size)) {
			bench_ring_stop(&rr, &t->got, &t->lost);
			return -1;
		}
		bench_ring_mark(&rr);
	}
	err = bench_worker_run(w, ops, &ns);
	if (sp == STREAM_TRACE_PIPE) {
		t->cpu_pct = bench_pipe_cpu_pct(&pr);
		if (bench_pipe_stop(&pr, &h))
			err = -1;
		t->got = h.total;
		t->lost = h.lost;
	} else {
		t->cpu_pct = bench_ring_cpu_pct(&rr);
		if (bench_ring_stop(&rr, &t->got, &t->lost))
			err = -1;
	}
	if (err) {
		snprintf(why, why_size, "the trial failed");
		return -1;
	}
	t->rate = 1e9 / ns;
	t->ok = true;
	return 0;
}

/* Offers @ops events at @rate (0: flat out); prints and returns the trial. */
static int offer(enum bench_stream_path sp, struct bench_stream_res *r,
		 struct bench_worker *w, const struct bench_ctx *c,
		 double rate, unsigned long ops, struct trial *t)
{
	if (bench_worker_pace(w, rate)) {
		snprintf(r->reason, sizeof(r->reason), "worker failed");
		return -1;
	}
	if (run_trial(sp, w, c, ops, t, r->reason, sizeof(r->reason)))
		return -1;
	fprintf(stderr, "bench: %s: %.0f events/s offered, %llu of %lu delivered, %llu lost\n",
		bench_stream_names[sp], t->rate, t->got, ops, t->lost);
	return 0;
}

/* Where one path's trials have got to. */
struct search {
	double flat_rates[TRIALS_MAX], flat_cpus[TRIALS_MAX];
	int nflat;		/* flat-out trials, every one lossless */
	int tried;
	double rate;		/* the next trial's, 0: flat out */
	double lossy;		/* the lowest rate that lost events */
	bool searching;		/* a trial lost: the rate is searched for */
	bool done;
};

/*
 * One trial of path @sp.  First up to @flat trials flat out: a path that
 * loses nothing in any of them carries whatever this CPU produces, and
 * its rate is their median (one trial is a fraction of a second, and one
 * hiccup of the host would be the result), marked producer-bound.  A
 * path that loses is searched for its highest lossless rate with the
 * trials left of @max_trials.
 */
static void step(enum bench_stream_path sp, struct bench_stream_res *r,
		 struct search *s, struct bench_worker *w,
		 const struct bench_ctx *c, double seconds, int max_trials,
		 int flat)
{
	struct bench_stat st;
	struct trial t;
	unsigned long ops;

	/* Enough events for @seconds at the expected rate. */
	ops = (unsigned long)((s->rate ? s->rate : r->offered_rate ?
			       r->offered_rate : 200000) * seconds);
	if (ops < 1000)
		ops = 1000;
	fprintf(stderr, "bench: streaming %s\n", bench_stream_names[sp]);
	if (offer(sp, r, w, c, s->rate, ops, &t)) {
		r->available = r->lossless_rate > 0;
		s->done = true;
		return;
	}
	if (!s->tried++)
		r->offered_rate = t.rate;
	/* Lossless: nothing lost, everything offered delivered. */
	if (!t.lost && t.got >= ops) {
		if (t.rate > r->lossless_rate) {
			r->lossless_rate = t.rate;
			r->reader_cpu_pct = t.cpu_pct;
		}
		if (!s->searching) {
			s->flat_rates[s->nflat] = t.rate;
			s->flat_cpus[s->nflat++] = t.cpu_pct;
			if (s->nflat < flat)
				return;
			bench_stat_of(s->flat_rates, s->nflat, &st);
			r->offered_rate = st.median;
			r->lossless_rate = st.median;
			bench_stat_of(s->flat_cpus, s->nflat, &st);
			r->reader_cpu_pct = st.median;
			r->producer_bound = true;
			s->done = true;
			return;
		}
	} else {
		s->searching = true;
		r->lost = t.lost;
		if (!s->lossy || t.rate < s->lossy)
			s->lossy = t.rate;
	}
	if (r->lossless_rate) {
		/* Close enough to the edge: stop. */
		if (s->lossy < 1.15 * r->lossless_rate)
			s->done = true;
		s->rate = (r->lossless_rate + s->lossy) / 2;
	} else {
		/* What the reader managed, less a margin. */
		s->rate = 0.8 * t.rate * (double)(t.got < ops ? t.got : ops) / ops;
	}
	if (s->rate < 100 || s->tried == max_trials)
		s->done = true;
}

/*
 * The paths take their trials in turn, one each, rather than one path's
 * all before the next's: under TCG the guest's speed moves in steps that
 * last seconds, and such a step would otherwise fall on one path's
 * trials only and become its rate.
 */
static void search_all(struct bench_run *run, struct bench_worker *w,
		       const struct bench_ctx *c, double seconds)
{
	struct search s[STREAM_NR] = { 0 };
	int k, max_trials = run->quick ? 3 : TRIALS_MAX;
	int flat = run->quick ? 1 : FLAT_TRIALS;
	bool busy;

	for (k = 0; k < STREAM_NR; k++)
		run->stream[k].available = true;
	do {
		busy = false;
		for (k = 0; k < STREAM_NR; k++) {
			if (s[k].done)
				continue;
			step(k, &run->stream[k], &s[k], w, c, seconds,
			     max_trials, flat);
			busy = true;
		}
	} while (busy);
	bench_worker_pace(w, 0);
}

/* Runs us and what we start from now on on one CPU; 0, or -1. */
static int pin_one_cpu(cpu_set_t *saved)
{
	cpu_set_t one;
	int cpu;

	if (sched_getaffinity(0, sizeof(*saved), saved))
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, saved); cpu++)
		;
	if (cpu == CPU_SETSIZE)
		return -1;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one);
}

void bench_streaming(struct bench_run *run, const struct bench_ctx *base,
		     double seconds)
{
	struct bench_work_conf conf = { .work = WORK_SYSCALL };
	struct bench_worker w;
	struct bench_ctx c = *base;
	char kb_saved[32] = "";
	cpu_set_t saved;
	bool pinned;
	int k;

	run->streaming = true;
	/* The worker and the readers are forked after this: they inherit. */
	pinned = !pin_one_cpu(&saved);
	if (!pinned)
		fprintf(stderr, "bench: streaming: cannot pin to one CPU, readers run anywhere\n");
	if (bench_worker_start(&w, &conf)) {
		if (pinned)
			sched_setaffinity(0, sizeof(saved), &saved);
		for (k = 0; k < STREAM_NR; k++)
			snprintf(run->stream[k].reason, sizeof(run->stream[k].reason),
				 "cannot start the worker");
		return;
	}
	c.pid = w.pid;
	bench_tracefs_size(kb_saved, sizeof(kb_saved), RING_KB);
	search_all(run, &w, &c, seconds);
	bench_tracefs_size(NULL, 0, kb_saved);
	bench_worker_stop(&w);
	if (pinned)
		sched_setaffinity(0, sizeof(saved), &saved);
}
