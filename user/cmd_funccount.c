// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable funccount: calls of the kernel functions matching a
 * name or wildcard, counted in the kernel per function, with the options
 * and output of bcc's funccount (libbpf-tools has none).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "ktracectl.h"

static const char fc_doc[] =
"Count kernel function calls.\n"
"\n"
"USAGE: ktracectl enable funccount [--help] [-T] [-i INTERVAL] [-d DURATION]\n"
"                                 [-p PID] [-c COMM] PATTERN\n"
"\n"
"PATTERN is a function name or a wildcard over vmlinux's functions\n"
"(* ? [...]).  Functions the kernel cannot probe are skipped (the kernel\n"
"log says how many).  Unlike bcc, -c takes a task name, not a CPU.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable funccount 'vfs_*'         # count vfs_* calls\n"
"    ktracectl enable funccount -i 1 'vfs_*'    # print every second\n"
"    ktracectl enable funccount -d 5 'vfs_rea*' # trace for 5 seconds\n"
"    ktracectl enable funccount -p 181 vfs_read # process 181 only\n"
"    ktracectl enable funccount -c dd 'vfs_*'   # tasks named dd only\n"
"    ktracectl enable funccount -Ti 5 'tcp_*'   # 5s summaries, timestamps";

static const struct argp_option fc_opts[] = {
	{ "pid", 'p', "PID", 0, "Trace this PID only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{ "interval", 'i', "INTERVAL", 0, "Summary interval, seconds", 0 },
	{ "duration", 'd', "DURATION", 0, "Total duration of trace, seconds",
	  0 },
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output", 0 },
	{},
};

struct fc_args {
	__u32 pid;
	const char *comm;
	unsigned long interval, duration;
	bool timestamp;
	const char *pattern;
};

static error_t parse_fc(int key, char *arg, struct argp_state *state)
{
	struct fc_args *a = state->input;

	switch (key) {
	case 'p':
		a->pid = parse_ulong(state, "PID", arg, INT_MAX);
		break;
	case 'c':
		if (strlen(arg) >= KTRACE_COMM_LEN)
			usage_error(state, "COMM longer than %d characters: '%s'",
				    KTRACE_COMM_LEN - 1, arg);
		a->comm = arg;
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
	case ARGP_KEY_ARG:
		if (a->pattern)
			usage_error(state, "only one PATTERN can be traced, got '%s' and '%s'",
				    a->pattern, arg);
		if (strlen(arg) >= KTRACE_SYMBOL_LEN)
			usage_error(state, "PATTERN longer than %d characters: '%s'",
				    KTRACE_SYMBOL_LEN - 1, arg);
		a->pattern = arg;
		break;
	case ARGP_KEY_END:
		if (!a->pattern)
			usage_error(state, "no PATTERN given");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The instance's function names, KTRACE_KEY_FUNC order; 0 or -errno. */
static int get_symbols(struct kt *kt, __u32 id, char **names, __u32 *nr)
{
	struct ktrace_symbols sy = { .size = sizeof(sy), .id = id };
	char *buf;

	if (ioctl(kt_fd(kt), KTRACE_IOC_SYMBOLS, &sy) < 0)
		return -errno;
	buf = calloc(sy.count ? sy.count : 1, KTRACE_SYMBOL_LEN);
	if (!buf)
		return -ENOMEM;
	sy.names = (__u64)(uintptr_t)buf;
	if (ioctl(kt_fd(kt), KTRACE_IOC_SYMBOLS, &sy) < 0) {
		free(buf);
		return -errno;
	}
	*names = buf;
	*nr = sy.count;
	return 0;
}

static int cmp_count(const void *pa, const void *pb)
{
	const struct ktrace_agg_entry *a = *(const struct ktrace_agg_entry **)pa;
	const struct ktrace_agg_entry *b = *(const struct ktrace_agg_entry **)pb;

	if (a->count != b->count)
		return a->count < b->count ? -1 : 1;
	return a->key[0] < b->key[0] ? -1 : a->key[0] > b->key[0];
}

/* bcc's table: ascending by count, functions not called left out. */
static int print_counts(struct kt *kt, __u32 id, const char *names, __u32 nr)
{
	const struct ktrace_agg_entry **ents;
	struct kt_result res;
	__u32 i, n = 0;
	int err;

	/* Read-and-clear: each interval shows only its own calls. */
	err = kt_read(kt, id, true, &res);
	if (err) {
		warn_err("read funccount", err);
		return err;
	}
	ents = calloc(res.rd.nr_entries + 1, sizeof(*ents));
	if (!ents) {
		kt_result_free(&res);
		return -ENOMEM;
	}
	for (i = 0; i < res.rd.nr_entries; i++)
		if (kt_result_entry(&res, i)->count)
			ents[n++] = kt_result_entry(&res, i);
	qsort(ents, n, sizeof(*ents), cmp_count);
	printf("%-36s %8s\n", "FUNC", "COUNT");
	for (i = 0; i < n; i++) {
		if (ents[i]->key[0] < nr)
			printf("%-36.*s %8llu\n", KTRACE_SYMBOL_LEN,
			       names + ents[i]->key[0] * KTRACE_SYMBOL_LEN,
			       (unsigned long long)ents[i]->count);
		else
			printf("%-36s %8llu\n", "[unknown]",
			       (unsigned long long)ents[i]->count);
	}
	if (res.rd.overflow)
		fprintf(stderr, "ktracectl: %llu calls did not fit the table\n",
			(unsigned long long)res.rd.overflow);
	free(ents);
	kt_result_free(&res);
	return 0;
}

static void print_losses(struct kt *kt, __u32 id)
{
	struct ktrace_stats st;
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
	if (st.drop_table_full || st.missed)
		fprintf(stderr,
			"ktracectl: calls dropped: table full %llu, kprobe missed %llu\n",
			(unsigned long long)st.drop_table_full,
			(unsigned long long)st.missed);
}

int cmd_funccount(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{},
	};
	static const struct argp argp = {
		.options = fc_opts,
		.parser = parse_fc,
		.args_doc = "PATTERN",
		.doc = fc_doc,
		.children = children,
	};
	struct fc_args a = { 0 };
	struct ktrace_probe_info info;
	struct ktrace_enable en;
	unsigned long elapsed = 0;
	char *names = NULL;
	__u32 nr = 0;
	struct kt *kt;
	int id, err, ret = EXIT_FAIL;
	bool done = false;

	if (parse_subcommand(&argp, argc, argv, "enable funccount", &a))
		return EXIT_USAGE;
	/* As bcc: a duration alone is one interval of that length. */
	if (a.duration && !a.interval)
		a.interval = a.duration;
	if (!a.interval)
		a.interval = 99999999;

	kt = open_ktrace();
	if (!kt)
		return EXIT_FAIL;
	err = find_probe(kt, "funccount", &info);
	if (err == -ENOENT) {
		fprintf(stderr,
			"ktracectl: funccount: the loaded ktrace.ko has no funccount probe (ktracectl list shows its probes)\n");
		goto out;
	}
	if (err) {
		warn_err("probe funccount", err);
		goto out;
	}

	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "funccount");
	en.flags |= KTRACE_ENABLE_SYMBOL;
	snprintf(en.symbol, sizeof(en.symbol), "%s", a.pattern);
	en.key = KTRACE_KEY_FUNC;
	if (a.pid)
		set_pid_filter(&en, &info, a.pid);
	if (a.comm) {
		en.flags |= KTRACE_ENABLE_COMM;
		snprintf(en.comm, sizeof(en.comm), "%s", a.comm);
	}
	id = kt_enable(kt, &en);
	if (id == -ENOENT) {
		fprintf(stderr, "ktracectl: funccount: no kernel function matches '%s'\n",
			a.pattern);
		goto out;
	}
	if (id == -E2BIG) {
		fprintf(stderr, "ktracectl: funccount: '%s' matches more than %d functions\n",
			a.pattern, KTRACE_FUNCCOUNT_MAX);
		goto out;
	}
	if (id < 0) {
		fprintf(stderr, "ktracectl: funccount: cannot probe '%s': %s\n",
			a.pattern, strerror(-id));
		goto out;
	}
	err = get_symbols(kt, (__u32)id, &names, &nr);
	if (err) {
		warn_err("symbols", err);
		goto out;
	}

	setup_signals();
	printf("Tracing %u functions for \"%s\"... Hit Ctrl-C to end.\n", nr,
	       a.pattern);
	fflush(stdout);

	while (!done) {
		if (!exiting)
			sleep(a.interval);
		elapsed += a.interval;
		if (exiting || (a.duration && elapsed >= a.duration))
			done = true;
		printf("\n");
		if (a.timestamp) {
			char ts[32];
			time_t t = time(NULL);

			strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
			printf("%-8s\n", ts);
		}
		err = print_counts(kt, (__u32)id, names, nr);
		fflush(stdout);
		if (err)
			goto out;
	}
	printf("Detaching...\n");
	print_losses(kt, (__u32)id);
	kt_disable(kt, (__u32)id);
	ret = 0;
out:
	free(names);
	kt_close(kt);
	return ret;
}
