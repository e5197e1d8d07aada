// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable funclatency: the latency of one kernel function as a
 * histogram, with the options and output of bcc's funclatency.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ktracectl.h"
#include "hist.h"

static const char fl_doc[] =
"Time a kernel function and print the distribution of its latency.\n"
"\n"
"USAGE: ktracectl enable funclatency [--help] [-T] [-m|-u|-n] [-P|-L]\n"
"                                   [-p PID] [-c COMM]\n"
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
"    ktracectl enable funclatency -L vfs_read     # a histogram per thread";

static const struct argp_option fl_opts[] = {
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output", 0 },
	{ "milliseconds", 'm', NULL, 0, "Millisecond histogram", 0 },
	{ "microseconds", 'u', NULL, 0, "Microsecond histogram", 0 },
	{ "nanoseconds", 'n', NULL, 0, "Nanosecond histogram (default)", 0 },
	{ "pids", 'P', NULL, 0, "Print a histogram per process ID", 0 },
	{ "tids", 'L', NULL, 0, "Print a histogram per thread ID", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
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
		if (strlen(arg) >= KTRACE_COMM_LEN)
			usage_error(state, "COMM longer than %d characters: '%s'",
				    KTRACE_COMM_LEN - 1, arg);
		a->comm = arg;
		break;
	case ARGP_KEY_ARG:
		/* C identifiers never begin with a digit: numbers are times. */
		if (isdigit((unsigned char)arg[0])) {
			if (a->nr_num == 0)
				a->interval = parse_ulong(state, "interval",
							  arg, UINT_MAX);
			else if (a->nr_num == 1)
				a->count = parse_ulong(state, "count", arg,
						       ULONG_MAX);
			else
				usage_error(state, "unexpected argument '%s'",
					    arg);
			a->nr_num++;
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
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct ktrace_agg_entry *a = *(const struct ktrace_agg_entry **)pa;
	const struct ktrace_agg_entry *b = *(const struct ktrace_agg_entry **)pb;

	if (a->key[0] != b->key[0])
		return a->key[0] < b->key[0] ? -1 : 1;
	return 0;
}

static const char *unit_name(__u32 unit)
{
	switch (unit) {
	case KTRACE_UNIT_NSEC:
		return "nsecs";
	case KTRACE_UNIT_USEC:
		return "usecs";
	case KTRACE_UNIT_MSEC:
		return "msecs";
	default:
		return "count";
	}
}

static int print_hists(struct kt *kt, __u32 id, const struct fl_args *a)
{
	const struct ktrace_agg_entry **ents;
	unsigned long long total = 0, count = 0;
	const char *unit;
	struct kt_result res;
	__u32 i;
	int err;

	/* Read-and-clear: each interval shows only its own calls. */
	err = kt_read(kt, id, true, &res);
	if (err) {
		warn_err("read funclatency", err);
		return err;
	}
	if (res.rd.nr_entries && res.rd.hist != KTRACE_HIST_LOG2)
		fprintf(stderr, "ktracectl: unexpected histogram kind %u\n",
			res.rd.hist);
	ents = calloc(res.rd.nr_entries + 1, sizeof(*ents));
	if (!ents) {
		kt_result_free(&res);
		return -ENOMEM;
	}
	for (i = 0; i < res.rd.nr_entries; i++)
		ents[i] = kt_result_entry(&res, i);
	qsort(ents, res.rd.nr_entries, sizeof(*ents), cmp_entry);

	unit = unit_name(res.rd.unit);
	for (i = 0; i < res.rd.nr_entries; i++) {
		if (a->per_pid)
			printf("\npid = %llu\n",
			       (unsigned long long)ents[i]->key[0]);
		else if (a->per_tid)
			printf("\ntid = %llu\n",
			       (unsigned long long)ents[i]->key[0]);
		else
			printf("\n");
		print_log2_hist(stdout, ents[i]->slots,
				(int)res.rd.nr_slots, unit);
		total += ents[i]->sum;
		count += ents[i]->count;
	}
	/* bcc's summary line, over every process when split. */
	if (count)
		printf("\navg = %llu %s, total: %llu %s, count: %llu\n",
		       total / count, unit, total, unit, count);
	if (env.verbose && res.rd.overflow)
		fprintf(stderr, "ktracectl: %llu events did not fit the table\n",
			(unsigned long long)res.rd.overflow);
	free(ents);
	kt_result_free(&res);
	return 0;
}

static void print_losses(struct kt *kt, __u32 id)
{
	struct ktrace_stats st;
	unsigned long long dropped;
	int err;

	err = kt_stats(kt, id, &st);
	if (err) {
		warn_err("stats", err);
		return;
	}
	if (env.verbose)
		fprintf(stderr,
			"ktracectl: hits %llu filtered %llu recorded %llu no-start %llu, %.0f ns per hit\n",
			(unsigned long long)st.hits,
			(unsigned long long)st.filtered,
			(unsigned long long)st.recorded,
			(unsigned long long)st.drop_no_start,
			st.time_samples ? (double)st.time_ns / st.time_samples : 0.0);
	/* Calls already running when enabled (drop_no_start) are not lost. */
	dropped = st.drop_table_full + st.drop_inflight_full +
		  st.drop_ring_full + st.drop_too_big + st.drop_reentrant +
		  st.missed;
	if (!dropped)
		return;
	fprintf(stderr,
		"ktracectl: %llu calls dropped (table full %llu, in-flight table full %llu, re-entrant %llu, kretprobe missed %llu)\n",
		dropped, (unsigned long long)st.drop_table_full,
		(unsigned long long)st.drop_inflight_full,
		(unsigned long long)st.drop_reentrant,
		(unsigned long long)st.missed);
}

int cmd_funclatency(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{},
	};
	static const struct argp argp = {
		.options = fl_opts,
		.parser = parse_fl,
		.args_doc = "[interval [count]] FUNCTION",
		.doc = fl_doc,
		.children = children,
	};
	struct fl_args a = {
		.unit = KTRACE_UNIT_NSEC,
		.interval = 99999999,
		.count = 99999999,
	};
	struct ktrace_probe_info info;
	struct ktrace_enable en;
	struct kt *kt;
	int id, err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable funclatency", &a))
		return EXIT_USAGE;

	kt = open_ktrace();
	if (!kt)
		return EXIT_FAIL;
	err = find_probe(kt, "funclatency", &info);
	if (err == -ENOENT) {
		fprintf(stderr,
			"ktracectl: funclatency: the loaded ktrace.ko has no funclatency probe (ktracectl list shows its probes)\n");
		goto out;
	}
	if (err) {
		warn_err("probe funclatency", err);
		goto out;
	}

	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "funclatency");
	en.flags |= KTRACE_ENABLE_SYMBOL;
	snprintf(en.symbol, sizeof(en.symbol), "%s", a.func);
	en.unit = a.unit;
	en.key = a.per_pid ? KTRACE_KEY_TGID :
		 a.per_tid ? KTRACE_KEY_PID : KTRACE_KEY_NONE;
	if (a.pid)
		set_pid_filter(&en, &info, a.pid);
	if (a.comm) {
		en.flags |= KTRACE_ENABLE_COMM;
		snprintf(en.comm, sizeof(en.comm), "%s", a.comm);
	}
	id = kt_enable(kt, &en);
	if (id == -ENOENT) {
		/* The probe exists (found above): the symbol does not. */
		fprintf(stderr, "ktracectl: funclatency: no kernel function '%s'\n",
			a.func);
		goto out;
	}
	if (id < 0) {
		fprintf(stderr, "ktracectl: funclatency: cannot probe '%s': %s\n",
			a.func, strerror(-id));
		goto out;
	}
	if (env.verbose)
		fprintf(stderr, "instance %d: %u entries of %u bytes\n", id,
			en.max_entries, en.entry_size);

	setup_signals();
	printf("Tracing 1 functions for \"%s\"... Hit Ctrl-C to end.\n",
	       a.func);
	fflush(stdout);

	for (;;) {
		if (!exiting)
			sleep(a.interval);
		printf("\n");
		if (a.timestamp) {
			char ts[32];
			time_t t = time(NULL);

			strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
			printf("%-8s\n", ts);
		}
		err = print_hists(kt, id, &a);
		fflush(stdout);
		if (err)
			goto out;
		if (exiting || --a.count == 0)
			break;
	}
	print_losses(kt, id);
	kt_disable(kt, id);
	ret = 0;
out:
	kt_close(kt);
	return ret;
}
