// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable offcputime: time tasks spent off CPU, summed in the
 * kernel per kernel stack at switch-out, printed folded with the time in
 * microseconds, like bcc's offcputime -K -f.  The banner goes to stderr
 * so that stdout is only folded lines.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "ktracectl.h"
#include "agg_run.h"
#include "args.h"
#include "stack_syms.h"

static const char oc_doc[] =
"Summarize off-CPU time by kernel stack trace.\n"
"\n"
"USAGE: ktracectl enable offcputime [--help] [-p PID] [-c COMM]\n"
"                                   [--no-folded] [--svg FILE] [duration]\n"
"\n"
"Prints folded stacks (\"comm;root;...;leaf usecs\") for flamegraph.pl\n"
"or speedscope: the stack a task was switched out at, and the time\n"
"until it ran again, blocked or preempted.  --no-folded prints bcc's\n"
"multi-line stacks.  Unlike bcc, -c takes a task name.  --svg FILE\n"
"draws the flame graph itself, frames sized by time.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable offcputime             # until Ctrl-C\n"
"    ktracectl enable offcputime 5           # for 5 seconds\n"
"    ktracectl enable offcputime -p 185 5    # process 185 only\n"
"    ktracectl enable offcputime 5 | flamegraph.pl --countname=us > off.svg\n"
"    ktracectl enable offcputime --svg off.svg 5   # built in";

enum { OPT_NO_FOLDED = 1000 };

static const struct argp_option oc_opts[] = {
	{ "pid", 'p', "PID", 0, "Trace this PID only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{ "no-folded", OPT_NO_FOLDED, NULL, 0,
	  "Multi-line stacks as bcc, not folded", 0 },
	FG_ARGP_OPTION,
	{},
};

struct oc_args {
	unsigned long duration;
	__u32 pid;
	const char *comm;
	bool multi_line;
	int nr_pos;
	const char *svg;
	struct flamegraph *fg;
};

static error_t parse_oc(int key, char *arg, struct argp_state *state)
{
	struct oc_args *a = state->input;

	switch (key) {
	case 'p':
		a->pid = parse_ulong(state, "PID", arg, INT_MAX);
		break;
	case 'c':
		a->comm = parse_comm(state, arg);
		break;
	case OPT_NO_FOLDED:
		a->multi_line = true;
		break;
	case FG_OPT_KEY:
		a->svg = arg;
		break;
	case ARGP_KEY_ARG:
		if (a->nr_pos++)
			usage_error(state, "unexpected argument '%s'", arg);
		a->duration = parse_ulong(state, "duration", arg, UINT_MAX);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void oc_print(struct agg_run *r, const struct kt_result *res,
		     const struct ktrace_agg_entry **ents, __u32 n)
{
	const struct oc_args *a = r->ctx;
	struct stack_print how = {
		.folded = !a->multi_line, .comm = true, .sum = true,
		.empty = "[unknown]", .fg = a->fg, .json = r->json,
	};
	(void)res;
	if (r->json)
		json_kstr(r->json, "unit", "usecs");
	stack_syms_report(r->be, r->id, ents, n, &how, "switches");
}

int cmd_offcputime(int argc, char **argv)
{
	static const struct argp argp = {
		.options = oc_opts,
		.parser = parse_oc,
		.args_doc = "[duration]",
		.doc = oc_doc,
		.children = verbose_children,
	};
	struct oc_args a = { 0 };
	struct agg_run r = {
		.probe = "offcputime",
		.count = 1,
		.own_header = true,
		.noun = "switches",
		.overflow_noun = "stacks",
		.print = oc_print,
		.json_type = "stacks",
		.ctx = &a,
	};
	int err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable offcputime", &a))
		return EXIT_USAGE;
	/* One report, at the end of the duration or at Ctrl-C. */
	r.interval = a.duration ? a.duration : FOREVER;

	if (agg_open(&r, true))
		goto out;
	r.en.key = KTRACE_KEY_STACK;
	r.en.unit = KTRACE_UNIT_USEC;
	set_task_filters(&r.en, &r.info, a.pid, a.comm);
	err = agg_enable(&r);
	if (err) {
		warn_err("enable offcputime", err);
		goto out;
	}
	fprintf(stderr, "Tracing off-CPU time (us) of %s by kernel stack",
		a.pid || a.comm ? "the selected threads" : "all threads");
	if (a.duration)
		fprintf(stderr, " for %lu secs.\n", a.duration);
	else
		fprintf(stderr, "... Hit Ctrl-C to end.\n");
	if (a.svg && !(a.fg = fg_new())) {
		fprintf(stderr, "ktracectl: offcputime: out of memory\n");
		goto out;
	}
	ret = agg_poll(&r);
	if (a.fg) {
		struct fg_opts o = {
			.title = "Off-CPU Time Flame Graph",
			.subtitle = "kernel stacks at switch-out, time blocked",
			.countname = "us",
		};

		if (fg_write_file(a.fg, a.svg, &o))
			ret = EXIT_FAIL;
	}
out:
	fg_free(a.fg);
	agg_close(&r);
	return ret;
}
