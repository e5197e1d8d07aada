// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl bench: the ftrace paths.
 *
 * trace_pipe: the events a job needs are enabled through tracefs, with a
 * filter on the worker, and a forked reader reads trace_pipe's text as
 * `cat trace_pipe` would, parses every line and builds the histogram in
 * userspace (latencies from the text's microsecond timestamps).  Events
 * the ring overwrote before the reader got to them are the overrun
 * counts of per_cpu/cpuN/stats, summed over the measured window.
 *
 * hist_trigger: the same job done by the kernel's hist triggers, where a
 * trigger can express it: a keyed count, or a latency through a synthetic
 * event (Documentation/trace/histogram.rst, "wakeup_latency").  A log2
 * key there is ilog2(roundup_pow_of_two(v)), "2^N" holding (2^(N-1),
 * 2^N]: it is read back as bcc's slot N-1, exact but for powers of two.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

#define INFLIGHT	4096	/* starts kept by the reader, by key */
/*
 * A hist trigger's entries live until the trigger goes: one per sector
 * ever read.  The largest table ftrace allows (TRACING_MAP_BITS_MAX).
 */
#define TRIG_SECTORS	(1U << 17)

static char tracefs[64];

const char *bench_tracefs(void)
{
	static const char *const where[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[96];
	unsigned int i;

	if (tracefs[0])
		return tracefs;
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		snprintf(path, sizeof(path), "%s/trace_pipe", where[i]);
		if (!access(path, R_OK)) {
			snprintf(tracefs, sizeof(tracefs), "%s", where[i]);
			break;
		}
	}
	return tracefs;
}

int bench_tracefs_write(const char *rel, const char *s, bool append)
{
	char path[256];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", bench_tracefs(), rel);
	fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

void bench_tracefs_size(char *old, size_t old_size, const char *kb)
{
	char path[128];
	FILE *f;

	if (old) {
		old[0] = 0;
		snprintf(path, sizeof(path), "%s/buffer_size_kb", bench_tracefs());
		f = fopen(path, "r");
		if (f) {
			/* "1408" or "7 (expanded: 1408)" before first use. */
			if (fgets(old, (int)old_size, f)) {
				char *p = strstr(old, "expanded: ");

				if (p)
					memmove(old, p + 10, strlen(p + 10) + 1);
				old[strspn(old, "0123456789")] = 0;
			}
			fclose(f);
		}
	}
	if (kb && kb[0])
		bench_tracefs_write("buffer_size_kb", kb, false);
}

unsigned long long bench_tracefs_overrun(void)
{
	unsigned long long sum = 0, v;
	char path[128], line[128];
	int cpu;
	FILE *f;

	for (cpu = 0; cpu < 1024; cpu++) {
		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats",
			 bench_tracefs(), cpu);
		f = fopen(path, "r");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "overrun: %llu", &v) == 1)
				sum += v;
		fclose(f);
	}
	return sum;
}

/* ---- the events each job enables, and their filters ---- */

struct tp_event {
	const char *path;	/* under events/ */
	char filter[128];
};

static unsigned int job_events(enum bench_tp_job job, const struct bench_ctx *c,
			       struct tp_event ev[3])
{
	unsigned int devt = c->dev_major << 20 | c->dev_minor;

	memset(ev, 0, 3 * sizeof(*ev));
	switch (job) {
	case TPJOB_SYSCALLS:
		ev[0].path = "raw_syscalls/sys_enter";
		ev[1].path = "raw_syscalls/sys_exit";
		snprintf(ev[0].filter, sizeof(ev[0].filter), "common_pid == %d", c->pid);
		snprintf(ev[1].filter, sizeof(ev[1].filter), "common_pid == %d", c->pid);
		return 2;
	case TPJOB_SYS_ENTER:
		ev[0].path = "raw_syscalls/sys_enter";
		snprintf(ev[0].filter, sizeof(ev[0].filter), "common_pid == %d", c->pid);
		return 1;
	case TPJOB_BLOCK:
		ev[0].path = "block/block_rq_issue";
		ev[1].path = "block/block_rq_complete";
		snprintf(ev[0].filter, sizeof(ev[0].filter), "dev == %u", devt);
		snprintf(ev[1].filter, sizeof(ev[1].filter), "dev == %u", devt);
		return 2;
	case TPJOB_RUNQ:
		ev[0].path = "sched/sched_wakeup";
		ev[1].path = "sched/sched_wakeup_new";
		ev[2].path = "sched/sched_switch";
		snprintf(ev[0].filter, sizeof(ev[0].filter), "comm == \"%s\"",
			 BENCH_WORKER_COMM);
		snprintf(ev[1].filter, sizeof(ev[1].filter), "comm == \"%s\"",
			 BENCH_WORKER_COMM);
		snprintf(ev[2].filter, sizeof(ev[2].filter),
			 "prev_comm == \"%s\" || next_comm == \"%s\"",
			 BENCH_WORKER_COMM, BENCH_WORKER_COMM);
		return 3;
	case TPJOB_EXEC:
		ev[0].path = "sched/sched_process_exec";
		return 1;
	}
	return 0;
}

static int events_set(enum bench_tp_job job, const struct bench_ctx *c, bool on)
{
	struct tp_event ev[3];
	unsigned int i, n = job_events(job, c, ev);
	char rel[128];
	int err = 0;

	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "events/%s/enable", ev[i].path);
		if (!on) {
			bench_tracefs_write(rel, "0", false);
			snprintf(rel, sizeof(rel), "events/%s/filter", ev[i].path);
			bench_tracefs_write(rel, "0", false);
			continue;
		}
		if (ev[i].filter[0]) {
			snprintf(rel, sizeof(rel), "events/%s/filter", ev[i].path);
			err = bench_tracefs_write(rel, ev[i].filter, false);
			if (err)
				return err;
			snprintf(rel, sizeof(rel), "events/%s/enable", ev[i].path);
		}
		err = bench_tracefs_write(rel, "1", false);
		if (err)
			return err;
	}
	return 0;
}

/* ---- the trace_pipe reader ---- */

struct start {
	unsigned long long key;		/* sector or pid, + 1: 0 is free */
	double ts;
};

struct reader {
	enum bench_tp_job job;
	struct bench_hist h;
	double lat_ns;		/* syscalls: summed, as syscount -L shows */
	char exec_match[128];	/* exec: "filename=PATH " */
	struct start starts[INFLIGHT];
};

static unsigned int start_hash(unsigned long long key)
{
	return (unsigned int)(key * 2654435761u) % INFLIGHT;
}

/* Linear probing; a taken start keeps its slot so chains stay whole. */
static struct start *start_find(struct reader *r, unsigned long long key)
{
	unsigned int i, h = start_hash(key);
	struct start *s;

	for (i = 0; i < INFLIGHT; i++) {
		s = &r->starts[(h + i) % INFLIGHT];
		if (s->key == key + 1)
			return s;
		if (!s->key)
			return NULL;
	}
	return NULL;
}

static struct start *start_claim(struct reader *r, unsigned long long key)
{
	unsigned int i, h = start_hash(key);
	struct start *s = start_find(r, key);

	for (i = 0; !s && i < INFLIGHT; i++) {
		s = &r->starts[(h + i) % INFLIGHT];
		if (s->key && s->ts >= 0)
			s = NULL;
	}
	return s;
}

/* The timestamp before ": <event>: " in a trace line; < 0 if none. */
static double line_ts(const char *line, const char *ev_pos)
{
	const char *p = ev_pos;

	while (p > line && p[-1] != ' ')
		p--;
	return p < ev_pos ? strtod(p, NULL) : -1;
}

static void start_at(struct reader *r, unsigned long long key, double ts)
{
	struct start *s = start_claim(r, key);

	if (s) {
		s->key = key + 1;
		s->ts = ts;
	}
}

static void end_at(struct reader *r, unsigned long long key, double ts)
{
	struct start *s = start_find(r, key);

	if (!s || s->ts < 0 || ts < s->ts)
		return;
	bench_hist_add(&r->h, bench_log2((unsigned long long)((ts - s->ts) * 1e6 + 0.5)), 1);
	s->ts = -1;	/* taken */
}

static void parse_block(struct reader *r, const char *line)
{
	unsigned long long sector;
	const char *p, *q;
	bool issue;

	p = strstr(line, ": block_rq_issue: ");
	issue = p != NULL;
	if (!p)
		p = strstr(line, ": block_rq_complete: ");
	if (!p)
		return;
	/* "254,0 R 4096 () 123456 + 8 [fio]": the sector follows "() ". */
	q = strstr(p, ") ");
	if (!q || sscanf(q + 2, "%llu", &sector) != 1)
		return;
	if (issue)
		start_at(r, sector, line_ts(line, p));
	else
		end_at(r, sector, line_ts(line, p));
}

static void parse_runq(struct reader *r, const char *line)
{
	char prev_comm[32], state[8];
	unsigned int pid, prev, next;
	const char *p;
	double ts;

	p = strstr(line, ": sched_wakeup");
	if (p) {
		const char *q = strstr(p, " pid=");

		if (q && sscanf(q, " pid=%u", &pid) == 1)
			start_at(r, pid, line_ts(line, p));
		return;
	}
	p = strstr(line, ": sched_switch: ");
	if (!p || sscanf(p, ": sched_switch: prev_comm=%31s prev_pid=%u prev_prio=%*d prev_state=%7s",
			 prev_comm, &prev, state) != 3)
		return;
	ts = line_ts(line, p);
	/* Preempted while runnable: it waits again from now. */
	if (state[0] == 'R' && !strcmp(prev_comm, BENCH_WORKER_COMM))
		start_at(r, prev, ts);
	p = strstr(p, " next_pid=");
	if (p && sscanf(p, " next_pid=%u", &next) == 1)
		end_at(r, next, ts);
}

/* The task's id in "  comm-123  [001] ....": the number before " [". */
static unsigned int line_pid(const char *line)
{
	const char *p = strstr(line, " [");

	while (p && p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return p ? (unsigned int)strtoul(p, NULL, 10) : 0;
}

/* Count and latency per syscall, as syscount -L: enter to exit. */
static void parse_syscall(struct reader *r, const char *line)
{
	struct start *s;
	unsigned int nr;
	const char *p;

	p = strstr(line, ": sys_enter: NR ");
	if (p) {
		start_at(r, line_pid(line), line_ts(line, p));
		return;
	}
	p = strstr(line, ": sys_exit: NR ");
	if (!p || sscanf(p + 15, "%u", &nr) != 1)
		return;
	s = start_find(r, line_pid(line));
	if (!s || s->ts < 0)
		return;		/* entered before the events were on */
	r->lat_ns += (line_ts(line, p) - s->ts) * 1e9;
	s->ts = -1;
	bench_hist_add(&r->h, nr, 1);
}

static void parse_tp_line(struct reader *r, const char *line)
{
	unsigned int nr;
	const char *p;

	switch (r->job) {
	case TPJOB_SYSCALLS:
		parse_syscall(r, line);
		break;
	case TPJOB_SYS_ENTER:
		p = strstr(line, ": sys_enter: NR ");
		if (p && sscanf(p + 16, "%u", &nr) == 1)
			bench_hist_add(&r->h, nr, 1);
		break;
	case TPJOB_BLOCK:
		parse_block(r, line);
		break;
	case TPJOB_RUNQ:
		parse_runq(r, line);
		break;
	case TPJOB_EXEC:
		if (strstr(line, ": sched_process_exec: ") &&
		    strstr(line, r->exec_match))
			bench_hist_add(&r->h, 0, 1);
		break;
	}
}

static volatile sig_atomic_t reader_stop;

static void on_stop(int sig)
{
	(void)sig;
	reader_stop = 1;
}

/* Reads trace_pipe until told to stop, then drains what is left. */
static void reader_main(enum bench_tp_job job, const struct bench_ctx *c,
			int res_fd)
{
	static struct reader r;
	struct sigaction sa = { .sa_handler = on_stop };
	char buf[65536], path[128];
	size_t have = 0;
	ssize_t n;
	int fd;

	r.job = job;
	snprintf(r.exec_match, sizeof(r.exec_match), "filename=%s ",
		 c->exec_path ? c->exec_path : "");
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: read() returns */
	snprintf(path, sizeof(path), "%s/trace_pipe", bench_tracefs());
	fd = open(path, O_RDONLY);
	if (fd < 0)
		_exit(1);
	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n < 0 && errno == EINTR && reader_stop) {
			/* Events are off: drain without blocking. */
			fcntl(fd, F_SETFL, O_NONBLOCK);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* EAGAIN once drained */
		have += n;
		buf[have] = 0;
		{
			char *line = buf, *nl;

			while ((nl = strchr(line, '\n'))) {
				*nl = 0;
				parse_tp_line(&r, line);
				line = nl + 1;
			}
			have = buf + have - line;
			memmove(buf, line, have);
		}
		if (reader_stop && !(fcntl(fd, F_GETFL) & O_NONBLOCK))
			fcntl(fd, F_SETFL, O_NONBLOCK);
	}
	close(fd);
	if (write(res_fd, &r.h, sizeof(r.h)) != sizeof(r.h))
		_exit(1);
	_exit(0);
}

int bench_pipe_start(struct bench_pipe_reader *r, enum bench_tp_job job,
		     const struct bench_ctx *c, char *why, size_t why_size)
{
	int res[2], err;

	r->job = job;
	if (!bench_tracefs()[0]) {
		snprintf(why, why_size, "no tracefs");
		return -1;
	}
	bench_tracefs_write("trace", "", false);	/* empty the rings */
	if (pipe(res)) {
		snprintf(why, why_size, "pipe: %s", strerror(errno));
		return -1;
	}
	r->pid = fork();
	if (r->pid < 0) {
		snprintf(why, why_size, "fork: %s", strerror(errno));
		close(res[0]);
		close(res[1]);
		return -1;
	}
	if (r->pid == 0) {
		close(res[0]);
		reader_main(job, c, res[1]);
	}
	close(res[1]);
	r->res_fd = res[0];
	err = events_set(job, c, true);
	if (err) {
		snprintf(why, why_size, "enabling the events: %s", strerror(-err));
		events_set(job, c, false);
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
		close(r->res_fd);
		return -1;
	}
	/* TCG may run stale code for a moment after patching. */
	bench_sleep(1);
	return 0;
}

void bench_pipe_mark(struct bench_pipe_reader *r)
{
	r->overrun0 = bench_tracefs_overrun();
	r->cpu_ticks0 = bench_proc_ticks(r->pid);
	r->wall0 = bench_now();
}

double bench_pipe_cpu_pct(struct bench_pipe_reader *r)
{
	double wall = bench_now() - r->wall0;
	unsigned long long t = bench_proc_ticks(r->pid);

	if (wall <= 0 || t < r->cpu_ticks0)
		return 0;
	return 100.0 * (t - r->cpu_ticks0) / sysconf(_SC_CLK_TCK) / wall;
}

int bench_pipe_stop(struct bench_pipe_reader *r, struct bench_hist *h)
{
	struct pollfd pfd = { .fd = r->res_fd, .events = POLLIN };
	struct bench_ctx none = { 0 };
	unsigned long long overrun;
	int err = -1, tries = 0;

	events_set(r->job, &none, false);
	overrun = bench_tracefs_overrun() - r->overrun0;
	/*
	 * The signal interrupts the reader's blocking read; one that lands
	 * just before the read starts is missed, so repeat until it answers.
	 */
	do {
		kill(r->pid, SIGUSR1);
		pfd.revents = 0;
	} while (poll(&pfd, 1, 200) == 0 && ++tries < 300);
	if (read(r->res_fd, h, sizeof(*h)) == sizeof(*h))
		err = 0;
	close(r->res_fd);
	waitpid(r->pid, NULL, 0);
	h->lost = overrun;
	h->lost_known = true;
	return err;
}

/* ---- hist triggers ---- */

struct trig {
	const char *file;	/* under tracefs */
	char cmd[256];
};

/* The triggers of a job, in the order they are set; 0 if none can. */
static unsigned int job_triggers(enum bench_tp_job job,
				 const struct bench_ctx *c, struct trig t[4],
				 const char **synth)
{
	unsigned int devt = c->dev_major << 20 | c->dev_minor;
	const char *comm = BENCH_WORKER_COMM;

	*synth = NULL;
	switch (job) {
	case TPJOB_SYSCALLS:
		*synth = "ktbench_sc long id; u64 lat";
		t[0].file = "events/raw_syscalls/sys_enter/trigger";
		snprintf(t[0].cmd, sizeof(t[0].cmd),
			 "hist:keys=common_pid:ts0=common_timestamp.usecs if common_pid == %d",
			 c->pid);
		t[1].file = "events/raw_syscalls/sys_exit/trigger";
		snprintf(t[1].cmd, sizeof(t[1].cmd),
			 "hist:keys=common_pid:lat=common_timestamp.usecs-$ts0:onmatch(raw_syscalls.sys_enter).trace(ktbench_sc,id,$lat) if common_pid == %d",
			 c->pid);
		t[2].file = "events/synthetic/ktbench_sc/trigger";
		snprintf(t[2].cmd, sizeof(t[2].cmd), "hist:keys=id:vals=hitcount,lat:size=2048");
		return 3;
	case TPJOB_BLOCK:
		*synth = "ktbench_blk u64 lat";
		t[0].file = "events/block/block_rq_issue/trigger";
		snprintf(t[0].cmd, sizeof(t[0].cmd),
			 "hist:keys=sector:ts0=common_timestamp.usecs:size=%u if dev == %u",
			 TRIG_SECTORS,
			 devt);
		t[1].file = "events/block/block_rq_complete/trigger";
		snprintf(t[1].cmd, sizeof(t[1].cmd),
			 "hist:keys=sector:lat=common_timestamp.usecs-$ts0:onmatch(block.block_rq_issue).trace(ktbench_blk,$lat):size=%u if dev == %u",
			 TRIG_SECTORS,
			 devt);
		t[2].file = "events/synthetic/ktbench_blk/trigger";
		snprintf(t[2].cmd, sizeof(t[2].cmd), "hist:keys=lat.log2");
		return 3;
	case TPJOB_RUNQ:
		*synth = "ktbench_rq u64 lat";
		t[0].file = "events/sched/sched_wakeup/trigger";
		snprintf(t[0].cmd, sizeof(t[0].cmd),
			 "hist:keys=pid:ts0=common_timestamp.usecs if comm == \"%s\"",
			 comm);
		t[1].file = "events/sched/sched_switch/trigger";
		snprintf(t[1].cmd, sizeof(t[1].cmd),
			 "hist:keys=next_pid:lat=common_timestamp.usecs-$ts0:onmatch(sched.sched_wakeup).trace(ktbench_rq,$lat) if next_comm == \"%s\"",
			 comm);
		t[2].file = "events/synthetic/ktbench_rq/trigger";
		snprintf(t[2].cmd, sizeof(t[2].cmd), "hist:keys=lat.log2");
		return 3;
	default:
		return 0;
	}
}

static void triggers_remove(struct trig *t, unsigned int n, const char *synth)
{
	char cmd[300], name[32];

	while (n--) {
		snprintf(cmd, sizeof(cmd), "!%s", t[n].cmd);
		bench_tracefs_write(t[n].file, cmd, true);
	}
	if (synth) {
		snprintf(name, sizeof(name), "!%.*s", (int)strcspn(synth, " "), synth);
		bench_tracefs_write("synthetic_events", name, true);
	}
}

static struct bench_ctx trig_ctx;

int bench_trigger_start(enum bench_tp_job job, const struct bench_ctx *c,
			char *why, size_t why_size)
{
	struct trig t[4] = { 0 };
	const char *synth;
	unsigned int n, i;
	int err;

	n = job_triggers(job, c, t, &synth);
	if (!n) {
		snprintf(why, why_size, "no hist trigger for this job");
		return -1;
	}
	if (synth) {
		err = bench_tracefs_write("synthetic_events", synth, true);
		if (err) {
			snprintf(why, why_size, "synthetic event: %s", strerror(-err));
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		err = bench_tracefs_write(t[i].file, t[i].cmd, true);
		if (err) {
			snprintf(why, why_size, "%s: %s", t[i].file, strerror(-err));
			triggers_remove(t, i, synth);
			return -1;
		}
	}
	trig_ctx = *c;
	bench_sleep(1);
	return 0;
}

/* Adds a hist file's entries to @h; its "Dropped:" to h->lost. */
static int read_hist(const char *file, bool log2_key, struct bench_hist *h)
{
	unsigned long long key, count, dropped;
	char path[256], line[512];
	const char *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", bench_tracefs(), file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " Dropped: %llu", &dropped) == 1) {
			h->lost += dropped;
			continue;
		}
		if (line[0] != '{' || !(p = strstr(line, "hitcount:")) ||
		    sscanf(p, "hitcount: %llu", &count) != 1)
			continue;
		if (log2_key) {
			p = strstr(line, "~ 2^");
			if (p && sscanf(p + 4, "%llu", &key) == 1)
				bench_hist_add(h, key ? key - 1 : 0, count);
		} else if ((p = strchr(line, ':')) && sscanf(p + 1, "%llu", &key) == 1) {
			bench_hist_add(h, (unsigned int)key, count);
		}
	}
	fclose(f);
	return 0;
}

static void trig_hist_file(const char *trigger, char *buf, size_t size)
{
	/* "events/x/y/trigger" -> "events/x/y/hist" */
	snprintf(buf, size, "%.*shist", (int)(strlen(trigger) - strlen("trigger")),
		 trigger);
}

int bench_trigger_stop(enum bench_tp_job job, struct bench_hist *h)
{
	struct trig t[4] = { 0 };
	const char *synth;
	unsigned int n, i;
	char file[128];
	int err;

	n = job_triggers(job, &trig_ctx, t, &synth);
	h->lost_known = true;
	/* The last trigger holds the result; the others' drops count too. */
	trig_hist_file(t[n - 1].file, file, sizeof(file));
	err = read_hist(file, job != TPJOB_SYSCALLS, h);
	for (i = 0; i + 1 < n; i++) {
		struct bench_hist tmp = { 0 };

		trig_hist_file(t[i].file, file, sizeof(file));
		if (!read_hist(file, false, &tmp))
			h->lost += tmp.lost;
	}
	triggers_remove(t, n, synth);
	return err;
}
