// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable runqlat: run queue (scheduler) latency histograms, with
 * the options and output of bcc's runqlat.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ktracectl.h"
#include "hist.h"

static const char rq_doc[] =
"Summarize run queue (scheduler) latency as a histogram.\n"
"\n"
"USAGE: ktracectl enable runqlat [--help] [-T] [-m] [-P] [-L] [-p PID]\n"
"                               [-c COMM] [interval] [count]\n"
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
"    ktracectl enable runqlat -c make  # trace tasks named make only";

static const struct argp_option rq_opts[] = {
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output", 0 },
	{ "milliseconds", 'm', NULL, 0, "Millisecond histogram", 0 },
	{ "pids", 'P', NULL, 0, "Print a histogram per process ID", 0 },
	{ "tids", 'L', NULL, 0, "Print a histogram per thread ID", 0 },
	{ "pid", 'p', "PID", 0, "Trace this PID only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{},
};

struct rq_args {
	bool timestamp, msecs, per_pid, per_tid;
	__u32 pid;
	const char *comm;
	unsigned long interval, count;
	int nr_pos;
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
		if (strlen(arg) >= KTRACE_COMM_LEN)
			usage_error(state, "COMM longer than %d characters: '%s'",
				    KTRACE_COMM_LEN - 1, arg);
		a->comm = arg;
		break;
	case ARGP_KEY_ARG:
		if (a->nr_pos == 0)
			a->interval = parse_ulong(state, "interval", arg,
						  UINT_MAX);
		else if (a->nr_pos == 1)
			a->count = parse_ulong(state, "count", arg, ULONG_MAX);
		else
			usage_error(state, "unexpected argument '%s'", arg);
		a->nr_pos++;
		break;
	case ARGP_KEY_END:
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

/* "PID COMM" as bcc prints a section, or the PID alone once it is gone. */
static void print_section(const char *what, unsigned long long id)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%llu/comm", id);
	f = fopen(path, "r");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	if (comm[0])
		printf("\n%s = %llu %s\n", what, id, comm);
	else
		printf("\n%s = %llu\n", what, id);
}

static int print_hists(struct kt *kt, __u32 id, const struct rq_args *a)
{
	const struct ktrace_agg_entry **ents;
	struct kt_result res;
	__u32 i;
	int err;

	/* Read-and-clear: each interval shows only its own waits. */
	err = kt_read(kt, id, true, &res);
	if (err) {
		warn_err("read runqlat", err);
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

	for (i = 0; i < res.rd.nr_entries; i++) {
		if (a->per_pid)
			print_section("pid", ents[i]->key[0]);
		else if (a->per_tid)
			print_section("tid", ents[i]->key[0]);
		print_log2_hist(stdout, ents[i]->slots, (int)res.rd.nr_slots,
				res.rd.unit == KTRACE_UNIT_MSEC ? "msecs" : "usecs");
	}
	if (res.rd.overflow)
		fprintf(stderr, "ktracectl: %llu waits did not fit the table\n",
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
			"ktracectl: hits %llu filtered %llu recorded %llu, %.0f ns per hit\n",
			(unsigned long long)st.hits,
			(unsigned long long)st.filtered,
			(unsigned long long)st.recorded,
			st.time_samples ? (double)st.time_ns / st.time_samples : 0.0);
	dropped = st.drop_table_full + st.drop_inflight_full;
	if (!dropped)
		return;
	fprintf(stderr,
		"ktracectl: %llu waits dropped (table full %llu, in-flight table full %llu)\n",
		dropped, (unsigned long long)st.drop_table_full,
		(unsigned long long)st.drop_inflight_full);
}

int cmd_runqlat(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{},
	};
	static const struct argp argp = {
		.options = rq_opts,
		.parser = parse_rq,
		.args_doc = "[interval] [count]",
		.doc = rq_doc,
		.children = children,
	};
	struct rq_args a = { .interval = 99999999, .count = 99999999 };
	struct ktrace_probe_info info;
	struct ktrace_enable en;
	struct kt *kt;
	int id, err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable runqlat", &a))
		return EXIT_USAGE;

	kt = open_ktrace();
	if (!kt)
		return EXIT_FAIL;
	err = find_probe(kt, "runqlat", &info);
	if (err) {
		warn_err("probe runqlat", err);
		goto out;
	}

	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "runqlat");
	en.unit = a.msecs ? KTRACE_UNIT_MSEC : KTRACE_UNIT_USEC;
	en.key = a.per_pid ? KTRACE_KEY_TGID :
		 a.per_tid ? KTRACE_KEY_PID : KTRACE_KEY_NONE;
	if (a.pid)
		set_pid_filter(&en, &info, a.pid);
	if (a.comm) {
		en.flags |= KTRACE_ENABLE_COMM;
		snprintf(en.comm, sizeof(en.comm), "%s", a.comm);
	}
	id = kt_enable(kt, &en);
	if (id < 0) {
		warn_err("enable runqlat", id);
		goto out;
	}
	if (env.verbose)
		fprintf(stderr, "instance %d: %u entries of %u bytes\n", id,
			en.max_entries, en.entry_size);

	setup_signals();
	printf("Tracing run queue latency... Hit Ctrl-C to end.\n");
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
