// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable profile: on-CPU kernel stacks sampled at a frequency
 * in the kernel (a cpu-clock perf event per CPU), counted per stack and
 * printed folded, like bcc's profile -K -f.  The banner goes to stderr so
 * that stdout is only folded lines, ready for flamegraph.pl.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "ktracectl.h"
#include "agg_run.h"
#include "args.h"
#include "stack_syms.h"

static const char profile_doc[] =
"Profile CPU usage by sampling kernel stack traces at a timed interval.\n"
"\n"
"USAGE: ktracectl enable profile [--help] [-F FREQUENCY] [-p PID]\n"
"                                [-c COMM] [--no-folded] [--svg FILE]\n"
"                                [duration]\n"
"\n"
"Prints folded stacks (\"comm;root;...;leaf count\") for flamegraph.pl\n"
"or speedscope; --no-folded prints bcc's multi-line stacks.  Kernel\n"
"stacks only: a sample taken in user mode shows as \"[user]\".  Idle is\n"
"not sampled.  Unlike bcc, -c takes a task name, not a CPU.  --svg FILE\n"
"draws the flame graph itself, no flamegraph.pl needed.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable profile             # 49 Hz, until Ctrl-C\n"
"    ktracectl enable profile -F 99 5     # 99 Hz for 5 seconds\n"
"    ktracectl enable profile -p 185 10   # process 185 only\n"
"    ktracectl enable profile -c dd 10    # tasks named dd only\n"
"    ktracectl enable profile 10 | flamegraph.pl > cpu.svg\n"
"    ktracectl enable profile --svg cpu.svg 10  # the same, built in";

enum { OPT_NO_FOLDED = 1000 };

static const struct argp_option profile_opts[] = {
	{ "frequency", 'F', "FREQUENCY", 0,
	  "Sample frequency, Hertz (default 49)", 0 },
	{ "pid", 'p', "PID", 0, "Profile this PID only", 0 },
	{ "comm", 'c', "COMM", 0, "Profile tasks of this name only", 0 },
	{ "no-folded", OPT_NO_FOLDED, NULL, 0,
	  "Multi-line stacks as bcc, not folded", 0 },
	FG_ARGP_OPTION,
	{},
};

struct profile_args {
	unsigned long freq, duration;
	__u32 pid;
	const char *comm;
	bool multi_line;
	int nr_pos;
	const char *svg;
	struct flamegraph *fg;
};

static error_t parse_profile(int key, char *arg, struct argp_state *state)
{
	struct profile_args *a = state->input;

	switch (key) {
	case 'F':
		a->freq = parse_ulong(state, "FREQUENCY", arg,
				      KTRACE_PROFILE_FREQ_MAX);
		break;
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

static void profile_print(struct agg_run *r, const struct kt_result *res,
			  const struct ktrace_agg_entry **ents, __u32 n)
{
	const struct profile_args *a = r->ctx;
	struct stack_print how = {
		.folded = !a->multi_line, .comm = true, .empty = "[user]",
		.fg = a->fg, .json = r->json,
	};
	(void)res;
	stack_syms_report(r->be, r->id, ents, n, &how, "samples");
}

int cmd_profile(int argc, char **argv)
{
	static const struct argp argp = {
		.options = profile_opts,
		.parser = parse_profile,
		.args_doc = "[duration]",
		.doc = profile_doc,
		.children = verbose_children,
	};
	struct profile_args a = { .freq = KTRACE_PROFILE_FREQ_DEFAULT };
	struct agg_run r = {
		.probe = "profile",
		.count = 1,
		.own_header = true,
		.noun = "samples",
		.overflow_noun = "samples",
		.print = profile_print,
		.json_type = "stacks",
		.ctx = &a,
	};
	int err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable profile", &a))
		return EXIT_USAGE;
	if (!a.freq)
		a.freq = KTRACE_PROFILE_FREQ_DEFAULT;
	/* One report, at the end of the duration or at Ctrl-C. */
	r.interval = a.duration ? a.duration : FOREVER;

	if (agg_open(&r, true))
		goto out;
	r.en.key = KTRACE_KEY_STACK;
	r.en.opts = a.freq;
	set_task_filters(&r.en, &r.info, a.pid, a.comm);
	err = agg_enable(&r);
	if (err) {
		warn_err("enable profile", err);
		goto out;
	}
	fprintf(stderr, "Sampling at %lu Hertz of %s by kernel stack",
		a.freq, a.pid || a.comm ? "the selected threads" : "all threads");
	if (a.duration)
		fprintf(stderr, " for %lu secs.\n", a.duration);
	else
		fprintf(stderr, "... Hit Ctrl-C to end.\n");
	if (a.svg && !(a.fg = fg_new())) {
		fprintf(stderr, "ktracectl: profile: out of memory\n");
		goto out;
	}
	ret = agg_poll(&r);
	if (a.fg) {
		char sub[64];
		struct fg_opts o = {
			.title = "CPU Flame Graph", .subtitle = sub,
			.countname = "samples",
		};

		snprintf(sub, sizeof(sub), "kernel stacks sampled at %lu Hz",
			 a.freq);
		if (fg_write_file(a.fg, a.svg, &o))
			ret = EXIT_FAIL;
	}
out:
	fg_free(a.fg);
	agg_close(&r);
	return ret;
}
