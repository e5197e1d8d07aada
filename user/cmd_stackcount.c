// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable stackcount: the kernel stacks that call a function,
 * counted per stack in the kernel, printed as bcc's stackcount prints
 * them (multi-line, or folded with -f).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "ktracectl.h"
#include "agg_run.h"
#include "args.h"
#include "stack_syms.h"

static const char sc_doc[] =
"Count kernel stacks calling a function.\n"
"\n"
"USAGE: ktracectl enable stackcount [--help] [-p PID] [-c COMM] [-P] [-f]\n"
"                                   [-T] [-i INTERVAL] [-d DURATION]\n"
"                                   [--svg FILE] FUNCTION\n"
"\n"
"FUNCTION is a kernel function name.  Stacks are printed leaf first, one\n"
"frame a line, then the count; -f prints folded lines (root first).\n"
"Unlike bcc, -c takes a task name.  --svg FILE draws a flame graph of\n"
"the stacks, every interval added up.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable stackcount submit_bio       # until Ctrl-C\n"
"    ktracectl enable stackcount -d 5 vfs_read     # for 5 seconds\n"
"    ktracectl enable stackcount -P -c dd vfs_read # dd only, per process\n"
"    ktracectl enable stackcount -f -d 5 vfs_read | flamegraph.pl > s.svg\n"
"    ktracectl enable stackcount --svg s.svg -d 5 vfs_read # built in";

static const struct argp_option sc_opts[] = {
	{ "pid", 'p', "PID", 0, "Trace this PID only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{ "perpid", 'P', NULL, 0, "Display stacks separately for each process",
	  0 },
	{ "folded", 'f', NULL, 0, "Output folded format", 0 },
	{ "interval", 'i', "INTERVAL", 0, "Summary interval, seconds", 0 },
	{ "duration", 'd', "DURATION", 0, "Total duration of trace, seconds",
	  0 },
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output", 0 },
	FG_ARGP_OPTION,
	{},
};

struct sc_args {
	__u32 pid;
	const char *comm;
	bool per_pid, folded, timestamp;
	unsigned long interval, duration;
	const char *func;
	const char *svg;
	struct flamegraph *fg;
};

static error_t parse_sc(int key, char *arg, struct argp_state *state)
{
	struct sc_args *a = state->input;

	switch (key) {
	case 'p':
		a->pid = parse_ulong(state, "PID", arg, INT_MAX);
		break;
	case 'c':
		a->comm = parse_comm(state, arg);
		break;
	case 'P':
		a->per_pid = true;
		break;
	case 'f':
		a->folded = true;
		break;
	case 'i':
		a->interval = parse_ulong(state, "interval", arg, UINT_MAX);
		break;
	case 'd':
		a->duration = parse_ulong(state, "duration", arg, UINT_MAX);
		break;
	case 'T':
		a->timestamp = true;
		break;
	case FG_OPT_KEY:
		a->svg = arg;
		break;
	case ARGP_KEY_ARG:
		if (a->func)
			usage_error(state, "only one FUNCTION can be traced, got '%s' and '%s'",
				    a->func, arg);
		if (strlen(arg) >= KTRACE_SYMBOL_LEN)
			usage_error(state, "FUNCTION longer than %d characters: '%s'",
				    KTRACE_SYMBOL_LEN - 1, arg);
		a->func = arg;
		break;
	case ARGP_KEY_END:
		if (!a->func)
			usage_error(state, "no FUNCTION given");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void sc_print(struct agg_run *r, const struct kt_result *res,
		     const struct ktrace_agg_entry **ents, __u32 n)
{
	const struct sc_args *a = r->ctx;
	struct stack_print how = {
		.folded = a->folded, .comm = a->per_pid, .empty = "[unknown]",
		.fg = a->fg, .json = r->json,
	};
	(void)res;
	stack_syms_report(r->be, r->id, ents, n, &how, "calls");
}

int cmd_stackcount(int argc, char **argv)
{
	static const struct argp argp = {
		.options = sc_opts,
		.parser = parse_sc,
		.args_doc = "FUNCTION",
		.doc = sc_doc,
		.children = verbose_children,
	};
	struct sc_args a = { 0 };
	struct agg_run r = {
		.probe = "stackcount",
		.detach = true,
		.noun = "calls",
		.overflow_noun = "stacks",
		.missed = "kprobe",
		.print = sc_print,
		.json_type = "stacks",
		.ctx = &a,
	};
	int err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable stackcount", &a))
		return EXIT_USAGE;
	/* As bcc: a duration alone is one interval of that length. */
	if (a.duration && !a.interval)
		a.interval = a.duration;
	r.interval = a.interval ? a.interval : FOREVER;
	r.duration = a.duration;
	r.timestamp = a.timestamp;

	if (agg_open(&r, true))
		goto out;
	r.en.flags |= KTRACE_ENABLE_SYMBOL;
	snprintf(r.en.symbol, sizeof(r.en.symbol), "%s", a.func);
	r.en.key = KTRACE_KEY_STACK;
	set_task_filters(&r.en, &r.info, a.pid, a.comm);
	err = agg_enable(&r);
	if (err == -ENOENT) {
		fprintf(stderr, "ktracectl: stackcount: no kernel function '%s'\n",
			a.func);
		goto out;
	}
	if (err) {
		fprintf(stderr, "ktracectl: stackcount: cannot probe '%s': %s\n",
			a.func, strerror(-err));
		goto out;
	}
	fprintf(banner_out(),
		"Tracing 1 functions for \"%s\"... Hit Ctrl-C to end.\n",
		a.func);
	if (a.svg && !(a.fg = fg_new())) {
		fprintf(stderr, "ktracectl: stackcount: out of memory\n");
		goto out;
	}
	ret = agg_poll(&r);
	if (a.fg) {
		char title[KTRACE_SYMBOL_LEN + 32];
		struct fg_opts o = {
			.title = title, .subtitle = "kernel stacks",
			.countname = "calls",
		};

		snprintf(title, sizeof(title), "Stacks calling %s", a.func);
		if (fg_write_file(a.fg, a.svg, &o))
			ret = EXIT_FAIL;
	}
out:
	fg_free(a.fg);
	agg_close(&r);
	return ret;
}
