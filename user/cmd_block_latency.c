// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable block_latency: block I/O latency histograms, with the
 * options and output of bcc's biolatency.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ktracectl.h"
#include "disk.h"
#include "hist.h"
#include "ioflags.h"

static const char bl_doc[] =
"Summarize block device I/O latency as a histogram.\n"
"\n"
"USAGE: ktracectl enable block_latency [--help] [-T] [-m] [-Q] [-D] [-F]\n"
"                                     [-d DISK] [-p PID] [-c COMM]\n"
"                                     [interval] [count]\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable block_latency          # summarize block I/O latency\n"
"    ktracectl enable block_latency 1 10     # 1 second summaries, 10 times\n"
"    ktracectl enable block_latency -mT 1    # 1s summaries, msecs, timestamps\n"
"    ktracectl enable block_latency -Q       # include OS queued time\n"
"    ktracectl enable block_latency -D       # a histogram per disk\n"
"    ktracectl enable block_latency -F       # a histogram per I/O flags\n"
"    ktracectl enable block_latency -d vda   # trace vda only\n"
"    ktracectl enable block_latency -c dd    # only I/O issued by dd";

static const struct argp_option bl_opts[] = {
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output", 0 },
	{ "milliseconds", 'm', NULL, 0, "Millisecond histogram", 0 },
	{ "queued", 'Q', NULL, 0, "Include OS queued time in I/O time", 0 },
	{ "per-disk", 'D', NULL, 0, "Print a histogram per disk device", 0 },
	{ "per-flag", 'F', NULL, 0, "Print a histogram per set of I/O flags", 0 },
	{ "disk", 'd', "DISK", 0, "Trace this disk only", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{},
};

struct bl_args {
	bool timestamp, msecs, queued, per_disk, per_flag;
	const char *disk;
	__u32 dev;
	__u32 pid;
	const char *comm;
	unsigned long interval, count;
	int nr_pos;
};

static error_t parse_bl(int key, char *arg, struct argp_state *state)
{
	struct bl_args *a = state->input;
	int err;

	switch (key) {
	case 'T':
		a->timestamp = true;
		break;
	case 'm':
		a->msecs = true;
		break;
	case 'Q':
		a->queued = true;
		break;
	case 'D':
		a->per_disk = true;
		break;
	case 'F':
		a->per_flag = true;
		break;
	case 'd':
		a->disk = arg;
		err = disk_to_dev(arg, &a->dev);
		if (err)
			usage_error(state, "invalid disk '%s': %s", arg,
				    strerror(-err));
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
		if (a->per_disk && a->per_flag)
			usage_error(state, "-D and -F cannot be combined");
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

static int print_hists(struct kt *kt, __u32 id, const struct bl_args *a)
{
	const struct ktrace_agg_entry **ents;
	struct kt_result res;
	char name[64];
	__u32 i;
	int err;

	/* Read-and-clear: each interval shows only its own I/O. */
	err = kt_read(kt, id, true, &res);
	if (err) {
		warn_err("read block_latency", err);
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
		if (a->per_disk)
			printf("\ndisk = %s\t",
			       disk_name((__u32)ents[i]->key[0], name,
					 sizeof(name)));
		if (a->per_flag)
			printf("flags = %s",
			       io_flags_str(ents[i]->key[0], name,
					    sizeof(name)));
		printf("\n");
		print_log2_hist(stdout, ents[i]->slots,
				(int)res.rd.nr_slots, unit_name(res.rd.unit));
	}
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
	/* I/O issued before enabling (drop_no_start) is not a loss. */
	dropped = st.drop_table_full + st.drop_inflight_full +
		  st.drop_ring_full + st.drop_too_big + st.drop_reentrant +
		  st.missed;
	if (!dropped)
		return;
	fprintf(stderr,
		"ktracectl: %llu events dropped (table full %llu, in-flight table full %llu, re-entrant %llu, kprobe missed %llu)\n",
		dropped, (unsigned long long)st.drop_table_full,
		(unsigned long long)st.drop_inflight_full,
		(unsigned long long)st.drop_reentrant,
		(unsigned long long)st.missed);
}

int cmd_block_latency(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{},
	};
	static const struct argp argp = {
		.options = bl_opts,
		.parser = parse_bl,
		.args_doc = "[interval] [count]",
		.doc = bl_doc,
		.children = children,
	};
	struct bl_args a = { .interval = 99999999, .count = 99999999 };
	struct ktrace_probe_info info;
	struct ktrace_enable en;
	struct kt *kt;
	int id, err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable block_latency", &a))
		return EXIT_USAGE;

	kt = open_ktrace();
	if (!kt)
		return EXIT_FAIL;
	err = find_probe(kt, "block_latency", &info);
	if (err) {
		warn_err("probe block_latency", err);
		goto out;
	}

	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "block_latency");
	en.unit = a.msecs ? KTRACE_UNIT_MSEC : KTRACE_UNIT_USEC;
	en.key = a.per_disk ? KTRACE_KEY_DEV :
		 a.per_flag ? KTRACE_KEY_FLAGS : KTRACE_KEY_NONE;
	if (a.queued)
		en.opts |= KTRACE_BLOCK_LATENCY_QUEUED;
	if (a.disk) {
		en.flags |= KTRACE_ENABLE_DEV;
		en.dev = a.dev;
	}
	if (a.pid)
		set_pid_filter(&en, &info, a.pid);
	if (a.comm) {
		en.flags |= KTRACE_ENABLE_COMM;
		snprintf(en.comm, sizeof(en.comm), "%s", a.comm);
	}
	id = kt_enable(kt, &en);
	if (id < 0) {
		warn_err("enable block_latency", id);
		goto out;
	}
	if (env.verbose)
		fprintf(stderr, "instance %d: %u entries of %u bytes\n", id,
			en.max_entries, en.entry_size);

	setup_signals();
	printf("Tracing block device I/O... Hit Ctrl-C to end.\n");
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
