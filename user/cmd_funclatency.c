// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable funclatency: the latency of one kernel function as a
 * histogram, with the options and output of bcc's funclatency.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "ktracectl.h"
#include "args.h"
#include "agg_run.h"
#include "heatmap.h"

static const char fl_doc[] =
"Time a kernel function and print the distribution of its latency.\n"
"\n"
"USAGE: ktracectl enable funclatency [--help] [-T] [-m|-u|-n] [-P|-L]\n"
"                                   [-p PID] [-c COMM] [--heatmap FILE]\n"
"                                   [interval [count]] FUNCTION\n"
"\n"
"The time is from the function's entry to its return (a kretprobe).\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable funclatency do_sys_open     # time do_sys_open\n"
"    ktracectl enable funclatency -u vfs_read     # in microseconds\n"
"    ktracectl enable funclatency -m do_nanosleep # in milliseconds\n"
"    ktracectl enable funclatency -mT 5 vfs_read  # 5s summaries, timestamps\n"
"    ktracectl enable funclatency 1 10 vfs_read   # 1s summaries, 10 times\n"
"    ktracectl enable funclatency -p 181 vfs_read # process 181 only\n"
"    ktracectl enable funclatency -c dd vfs_write # tasks named dd only\n"
"    ktracectl enable funclatency -P vfs_read     # a histogram per process\n"
"    ktracectl enable funclatency -L vfs_read     # a histogram per thread\n"
"    ktracectl enable funclatency --heatmap vr.svg 1 60 vfs_read  # heatmap";

static const struct argp_option fl_opts[] = {
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output", 0 },
	{ "milliseconds", 'm', NULL, 0, "Millisecond histogram", 0 },
	{ "microseconds", 'u', NULL, 0, "Microsecond histogram", 0 },
	{ "nanoseconds", 'n', NULL, 0, "Nanosecond histogram (default)", 0 },
	{ "pids", 'P', NULL, 0, "Print a histogram per process ID", 0 },
	{ "tids", 'L', NULL, 0, "Print a histogram per thread ID", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	HEATMAP_ARGP_OPTION,
	{},
};

struct fl_args {
	bool timestamp, per_pid, per_tid;
	__u32 unit;
	int nr_units;
	__u32 pid;
	const char *comm;
	const char *func;
	unsigned long interval, count;
	int nr_num;
	const char *heatmap;
};

static error_t parse_fl(int key, char *arg, struct argp_state *state)
{
	struct fl_args *a = state->input;

	switch (key) {
	case 'T':
		a->timestamp = true;
		break;
	case 'm':
		a->unit = KTRACE_UNIT_MSEC;
		a->nr_units++;
		break;
	case 'u':
		a->unit = KTRACE_UNIT_USEC;
		a->nr_units++;
		break;
	case 'n':
		a->unit = KTRACE_UNIT_NSEC;
		a->nr_units++;
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
		/* C identifiers never begin with a digit: numbers are times. */
		if (isdigit((unsigned char)arg[0])) {
			parse_interval_count(state, arg, &a->interval,
					     &a->count, &a->nr_num);
		} else {
			if (a->func)
				usage_error(state, "only one FUNCTION can be traced, got '%s' and '%s'",
					    a->func, arg);
			if (strlen(arg) >= KTRACE_SYMBOL_LEN)
				usage_error(state, "FUNCTION longer than %d characters: '%s'",
					    KTRACE_SYMBOL_LEN - 1, arg);
			a->func = arg;
		}
		break;
	case ARGP_KEY_END:
		if (!a->func)
			usage_error(state, "no FUNCTION given");
		if (a->nr_units > 1)
			usage_error(state, "-m, -u and -n cannot be combined");
		/* The ABI splits results by one key only. */
		if (a->per_pid && a->per_tid)
			usage_error(state, "-P and -L cannot be combined");
		if (a->heatmap && !a->nr_num)
			usage_error(state, "--heatmap needs an interval");
		break;
	case HEATMAP_OPT_KEY:
		a->heatmap = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void print_hists(struct agg_run *r, const struct kt_result *res,
			const struct ktrace_agg_entry **ents, __u32 n)
{
	const struct fl_args *a = r->ctx;

	agg_print_latency(res, ents, n, a->per_pid ? "pid" :
			  a->per_tid ? "tid" : NULL);
}

int cmd_funclatency(int argc, char **argv)
{
	static const struct argp argp = {
		.options = fl_opts,
		.parser = parse_fl,
		.args_doc = "[interval [count]] FUNCTION",
		.doc = fl_doc,
		.children = verbose_children,
	};
	struct fl_args a = {
		.unit = KTRACE_UNIT_NSEC,
		.interval = FOREVER,
		.count = FOREVER,
	};
	struct agg_run r = {
		.probe = "funclatency",
		.log2 = true,
		.noun = "calls",
		.overflow_noun = "events",
		.verbose_overflow = true,
		.verbose_no_start = true,
		/* Calls already running when enabled are not lost. */
		.missed = "kretprobe",
		.cmp = agg_cmp_key,
		.print = print_hists,
		.json_key_value = agg_json_key0,
		.ctx = &a,
	};
	int err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable funclatency", &a))
		return EXIT_USAGE;
	r.interval = a.interval;
	r.count = a.count;
	r.timestamp = a.timestamp;
	r.json_key = a.per_pid ? "pid" : a.per_tid ? "tid" : NULL;

	if (agg_open(&r, true))
		goto out;
	r.en.flags |= KTRACE_ENABLE_SYMBOL;
	snprintf(r.en.symbol, sizeof(r.en.symbol), "%s", a.func);
	r.en.unit = a.unit;
	r.en.key = a.per_pid ? KTRACE_KEY_TGID :
		   a.per_tid ? KTRACE_KEY_PID : KTRACE_KEY_NONE;
	set_task_filters(&r.en, &r.info, a.pid, a.comm);
	err = agg_enable(&r);
	if (err == -ENOENT) {
		/* The probe exists (found above): the symbol does not. */
		fprintf(stderr, "ktracectl: funclatency: no kernel function '%s'\n",
			a.func);
		goto out;
	}
	if (err) {
		fprintf(stderr, "ktracectl: funclatency: cannot probe '%s': %s\n",
			a.func, strerror(-err));
		goto out;
	}

	fprintf(banner_out(),
		"Tracing 1 functions for \"%s\"... Hit Ctrl-C to end.\n",
		a.func);
	if (a.heatmap && heatmap_attach(&r))
		goto out;
	ret = agg_poll(&r);
	if (a.heatmap) {
		char title[KTRACE_SYMBOL_LEN + 16];

		snprintf(title, sizeof(title), "Latency of %s", a.func);
		if (heatmap_finish(&r, a.heatmap, title,
				   agg_unit_name(a.unit)))
			ret = EXIT_FAIL;
	}
out:
	agg_close(&r);
	return ret;
}
