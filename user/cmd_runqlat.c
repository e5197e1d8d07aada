// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable runqlat: run queue (scheduler) latency histograms, with
 * the options and output of bcc's runqlat.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "ktracectl.h"
#include "args.h"
#include "agg_run.h"
#include "heatmap.h"
#include "hist.h"

static const char rq_doc[] =
"Summarize run queue (scheduler) latency as a histogram.\n"
"\n"
"USAGE: ktracectl enable runqlat [--help] [-T] [-m] [-P] [-L] [-p PID]\n"
"                               [-c COMM] [--heatmap FILE] [interval] [count]\n"
"\n"
"The latency is the time a task waits runnable, from its wakeup (or its\n"
"preemption) until it runs.  Filters apply to the task that waits.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable runqlat          # summarize run queue latency\n"
"    ktracectl enable runqlat 1 10     # print 1 second summaries, 10 times\n"
"    ktracectl enable runqlat -mT 1    # 1s summaries, milliseconds, timestamps\n"
"    ktracectl enable runqlat -P       # show each PID separately\n"
"    ktracectl enable runqlat -L       # show each TID separately\n"
"    ktracectl enable runqlat -p 185   # trace PID 185 only\n"
"    ktracectl enable runqlat -c make  # trace tasks named make only\n"
"    ktracectl enable runqlat --heatmap rq.svg 1 60  # heatmap, 60 s";

static const struct argp_option rq_opts[] = {
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output", 0 },
	{ "milliseconds", 'm', NULL, 0, "Millisecond histogram", 0 },
	{ "pids", 'P', NULL, 0, "Print a histogram per process ID", 0 },
	{ "tids", 'L', NULL, 0, "Print a histogram per thread ID", 0 },
	{ "pid", 'p', "PID", 0, "Trace this PID only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	HEATMAP_ARGP_OPTION,
	{},
};

struct rq_args {
	bool timestamp, msecs, per_pid, per_tid;
	__u32 pid;
	const char *comm;
	unsigned long interval, count;
	int nr_pos;
	const char *heatmap;
};

static error_t parse_rq(int key, char *arg, struct argp_state *state)
{
	struct rq_args *a = state->input;

	switch (key) {
	case 'T':
		a->timestamp = true;
		break;
	case 'm':
		a->msecs = true;
		break;
	case 'P':
		a->per_pid = true;
		break;
	case 'L':
		a->per_tid = true;
		break;
	case 'p':
		a->pid = parse_ulong(state, "PID", arg, INT_MAX);
		break;
	case 'c':
		a->comm = parse_comm(state, arg);
		break;
	case ARGP_KEY_ARG:
		parse_interval_count(state, arg, &a->interval, &a->count,
				     &a->nr_pos);
		break;
	case HEATMAP_OPT_KEY:
		a->heatmap = arg;
		break;
	case ARGP_KEY_END:
		/* The ABI splits results by one key only. */
		if (a->per_pid && a->per_tid)
			usage_error(state, "-P and -L cannot be combined");
		if (a->heatmap && !a->nr_pos)
			usage_error(state, "--heatmap needs an interval");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The task's name, "" once it is gone; returns @comm. */
static const char *task_comm(unsigned long long id, char *comm, size_t size)
{
	char path[64];
	FILE *f;

	comm[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%llu/comm", id);
	f = fopen(path, "r");
	if (f) {
		if (fgets(comm, (int)size, f))
			comm[strcspn(comm, "\n")] = '\0';
		else
			comm[0] = '\0';
		fclose(f);
	}
	return comm;
}

/* "PID COMM" as bcc prints a section, or the PID alone once it is gone. */
static void print_section(const char *what, unsigned long long id)
{
	char comm[32];

	if (task_comm(id, comm, sizeof(comm))[0])
		printf("\n%s = %llu %s\n", what, id, comm);
	else
		printf("\n%s = %llu\n", what, id);
}

/* --json: the pid or tid, and its name while it runs. */
static void json_key_value(struct agg_run *r, struct json *j,
			   const struct ktrace_agg_entry *e)
{
	char comm[32];

	(void)r;
	json_ku64(j, "key", e->key[0]);
	if (task_comm(e->key[0], comm, sizeof(comm))[0])
		json_kstr(j, "comm", comm);
}

static void print_hists(struct agg_run *r, const struct kt_result *res,
			const struct ktrace_agg_entry **ents, __u32 n)
{
	const struct rq_args *a = r->ctx;
	__u32 i;

	for (i = 0; i < n; i++) {
		if (a->per_pid)
			print_section("pid", ents[i]->key[0]);
		else if (a->per_tid)
			print_section("tid", ents[i]->key[0]);
		print_log2_hist(stdout, ents[i]->slots, (int)res->rd.nr_slots,
				res->rd.unit == KTRACE_UNIT_MSEC ? "msecs" : "usecs");
	}
}

int cmd_runqlat(int argc, char **argv)
{
	static const struct argp argp = {
		.options = rq_opts,
		.parser = parse_rq,
		.args_doc = "[interval] [count]",
		.doc = rq_doc,
		.children = verbose_children,
	};
	struct rq_args a = { .interval = FOREVER, .count = FOREVER };
	struct agg_run r = {
		.probe = "runqlat",
		.log2 = true,
		.noun = "waits",
		.overflow_noun = "waits",
		.cmp = agg_cmp_key,
		.print = print_hists,
		.json_key_value = json_key_value,
		.ctx = &a,
	};
	int err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable runqlat", &a))
		return EXIT_USAGE;
	r.interval = a.interval;
	r.count = a.count;
	r.timestamp = a.timestamp;
	r.json_key = a.per_pid ? "pid" : a.per_tid ? "tid" : NULL;

	if (agg_open(&r, false))
		goto out;
	r.en.unit = a.msecs ? KTRACE_UNIT_MSEC : KTRACE_UNIT_USEC;
	r.en.key = a.per_pid ? KTRACE_KEY_TGID :
		   a.per_tid ? KTRACE_KEY_PID : KTRACE_KEY_NONE;
	set_task_filters(&r.en, &r.info, a.pid, a.comm);
	err = agg_enable(&r);
	if (err) {
		warn_err("enable runqlat", err);
		goto out;
	}

	fprintf(banner_out(),
		"Tracing run queue latency... Hit Ctrl-C to end.\n");
	if (a.heatmap && heatmap_attach(&r))
		goto out;
	ret = agg_poll(&r);
	if (a.heatmap &&
	    heatmap_finish(&r, a.heatmap, "Run queue latency",
			   a.msecs ? "msecs" : "usecs"))
		ret = EXIT_FAIL;
out:
	agg_close(&r);
	return ret;
}
