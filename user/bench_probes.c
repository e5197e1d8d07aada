// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl bench: the probes compared, and for each the command line
 * that does its job on every external path: ktracectl (the module, or
 * with --backend bpf ktrace's eBPF programs), bcc's tool from Debian's
 * bpfcc-tools, and a bpftrace one-liner.  Every path filters on the same
 * thing: the worker process (its tgid, or its name where a tool has no
 * process filter), or the disk.
 */
#include <stdio.h>
#include <string.h>
#include "bench.h"

#define KTRACECTL_SETTLE_S	1.0
#define BCC_SETTLE_S		1.0
/* bpftrace says "Attaching N probes..." before it attaches them. */
#define BPFTRACE_SETTLE_S	3.0

/* ktracectl [--backend bpf] enable PROBE, for the module and bpf paths. */
static void ktracectl_cmd(enum bench_path p, const struct bench_ctx *c,
			  struct bench_ext *e, const char *probe)
{
	bench_ext_arg(e, "%s", c->self);
	if (p == PATH_BPF) {
		bench_ext_arg(e, "--backend");
		bench_ext_arg(e, "bpf");
	}
	bench_ext_arg(e, "enable");
	bench_ext_arg(e, "%s", probe);
	e->settle_s = KTRACECTL_SETTLE_S;
	e->lost_known = true;
}

static void bpftrace_cmd(struct bench_ext *e, const char *prog)
{
	bench_ext_arg(e, "bpftrace");
	bench_ext_arg(e, "-e");
	bench_ext_arg(e, "%s", prog);
	e->ready = "Attaching";
	e->settle_s = BPFTRACE_SETTLE_S;
}

static int syscount_ext(enum bench_path p, const struct bench_ctx *c,
			struct bench_ext *e, char *why, size_t why_size)
{
	char prog[512];

	e->parse = PARSE_SYSCALL_NAMES;
	switch (p) {
	case PATH_MODULE:
	case PATH_BPF:
		ktracectl_cmd(p, c, e, "syscount");
		break;
	case PATH_BCC:
		bench_ext_arg(e, "syscount-bpfcc");
		e->settle_s = BCC_SETTLE_S;
		break;
	case PATH_BPFTRACE:
		snprintf(prog, sizeof(prog),
			 "tracepoint:raw_syscalls:sys_enter /pid == %d/ { @start[tid] = nsecs; } "
			 "tracepoint:raw_syscalls:sys_exit /pid == %d && @start[tid]/ "
			 "{ @[args->id] = count(); @ns[args->id] = sum(nsecs - @start[tid]); delete(@start[tid]); } "
			 "END { clear(@start); }",
			 c->pid, c->pid);
		bpftrace_cmd(e, prog);
		e->parse = PARSE_BPFTRACE_KEYED;
		return 0;
	default:
		snprintf(why, why_size, "no such path");
		return -1;
	}
	/*
	 * The same job in ktracectl and bcc: the worker's calls, counts and
	 * latency (ktrace.ko always times them), every row.
	 */
	bench_ext_arg(e, "-L");
	bench_ext_arg(e, "-p");
	bench_ext_arg(e, "%d", c->pid);
	bench_ext_arg(e, "-T");
	bench_ext_arg(e, "500");
	e->ready = "Tracing";
	return 0;
}

static int block_ext(enum bench_path p, const struct bench_ctx *c,
		     struct bench_ext *e, char *why, size_t why_size)
{
	unsigned int devt = c->dev_major << 20 | c->dev_minor;
	char prog[512];

	e->parse = PARSE_LOG2;
	e->ready = "Tracing block device I/O";
	switch (p) {
	case PATH_MODULE:
	case PATH_BPF:
		ktracectl_cmd(p, c, e, "block_latency");
		break;
	case PATH_BCC:
		bench_ext_arg(e, "biolatency-bpfcc");
		e->settle_s = BCC_SETTLE_S;
		break;
	case PATH_BPFTRACE:
		snprintf(prog, sizeof(prog),
			 "tracepoint:block:block_rq_issue /args->dev == %u/ { @start[args->sector] = nsecs; } "
			 "tracepoint:block:block_rq_complete /args->dev == %u && @start[args->sector]/ "
			 "{ @usecs = hist((nsecs - @start[args->sector]) / 1000); delete(@start[args->sector]); } "
			 "END { clear(@start); }", devt, devt);
		bpftrace_cmd(e, prog);
		e->parse = PARSE_BPFTRACE_LOG2;
		return 0;
	default:
		snprintf(why, why_size, "no such path");
		return -1;
	}
	bench_ext_arg(e, "-d");
	bench_ext_arg(e, "%s", c->disk);
	return 0;
}

static int runqlat_ext(enum bench_path p, const struct bench_ctx *c,
		       struct bench_ext *e, char *why, size_t why_size)
{
	char prog[768];

	e->parse = PARSE_LOG2;
	e->ready = "Tracing run queue latency";
	switch (p) {
	case PATH_MODULE:
	case PATH_BPF:
		ktracectl_cmd(p, c, e, "runqlat");
		break;
	case PATH_BCC:
		bench_ext_arg(e, "runqlat-bpfcc");
		e->settle_s = BCC_SETTLE_S;
		break;
	case PATH_BPFTRACE:
		/* runqlat.bt, on the worker's threads (bpftrace's pid is the tgid). */
		snprintf(prog, sizeof(prog),
			 "tracepoint:sched:sched_wakeup,tracepoint:sched:sched_wakeup_new "
			 "/args->comm == \"%s\"/ { @qtime[args->pid] = nsecs; } "
			 "tracepoint:sched:sched_switch { "
			 "if (args->prev_state == 0 && args->prev_comm == \"%s\") { @qtime[args->prev_pid] = nsecs; } "
			 "$ns = @qtime[args->next_pid]; "
			 "if ($ns) { @usecs = hist((nsecs - $ns) / 1000); } "
			 "delete(@qtime[args->next_pid]); } "
			 "END { clear(@qtime); }",
			 BENCH_WORKER_COMM, BENCH_WORKER_COMM);
		bpftrace_cmd(e, prog);
		e->parse = PARSE_BPFTRACE_LOG2;
		return 0;
	default:
		snprintf(why, why_size, "no such path");
		return -1;
	}
	bench_ext_arg(e, "-p");
	bench_ext_arg(e, "%d", c->pid);
	return 0;
}

static int execsnoop_ext(enum bench_path p, const struct bench_ctx *c,
			 struct bench_ext *e, char *why, size_t why_size)
{
	e->parse = PARSE_LINES;
	e->match = c->exec_path;
	e->ready = "PCOMM";
	e->lost_known = true;
	switch (p) {
	case PATH_MODULE:
	case PATH_BPF:
		ktracectl_cmd(p, c, e, "execsnoop");
		return 0;
	case PATH_BCC:
		/* Perf buffer: "Possibly lost N samples" when it loses. */
		bench_ext_arg(e, "execsnoop-bpfcc");
		e->settle_s = BCC_SETTLE_S;
		return 0;
	case PATH_BPFTRACE:
		/* execsnoop.bt; printf loss shows as "Lost N events". */
		bpftrace_cmd(e, "tracepoint:syscalls:sys_enter_execve "
			     "{ printf(\"%d %s\\n\", pid, str(args->filename)); }");
		e->lost_known = true;
		return 0;
	default:
		snprintf(why, why_size, "no such path");
		return -1;
	}
}

const struct bench_probe bench_probes[] = {
	{
		.name = "syscount",
		.what = "the worker's syscalls counted and timed by number",
		.event = "syscall",
		.work = WORK_SYSCALL,
		.tp_job = TPJOB_SYSCALLS,
		.tp_trigger = true,
		.ext = syscount_ext,
	},
	{
		.name = "block_latency",
		.what = "I/O latency histogram of the disk",
		.event = "I/O",
		.work = WORK_BLOCK,
		.tp_job = TPJOB_BLOCK,
		.tp_trigger = true,
		.ext = block_ext,
	},
	{
		.name = "runqlat",
		.what = "run queue latency histogram of the worker's threads",
		.event = "wait",
		.work = WORK_PINGPONG,
		.tp_job = TPJOB_RUNQ,
		.tp_trigger = true,
		.ext = runqlat_ext,
	},
	{
		.name = "execsnoop",
		.what = "every exec streamed, with its arguments",
		.event = "exec",
		.work = WORK_EXEC,
		.tp_job = TPJOB_EXEC,
		.no_trigger = "execsnoop streams every exec; a hist trigger only aggregates",
		.ext = execsnoop_ext,
	},
};

const unsigned int bench_nr_probes = sizeof(bench_probes) / sizeof(bench_probes[0]);

const struct bench_probe *bench_probe_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < bench_nr_probes; i++)
		if (!strcmp(bench_probes[i].name, name))
			return &bench_probes[i];
	return NULL;
}
