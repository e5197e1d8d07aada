// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable syscount: system call counts, and optionally their
 * latency, per syscall, per process or per command, with the options and
 * output of bcc's syscount.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ktracectl.h"
#include "syscall_names.h"

static const char sc_doc[] =
"Summarize syscall counts and latencies.\n"
"\n"
"USAGE: ktracectl enable syscount [--help] [-p PID] [-c COMM] [-i INTERVAL]\n"
"                                [-d DURATION] [-T TOP] [-x] [-L] [-m]\n"
"                                [-P | -C] [-l]\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable syscount           # trace syscall counts\n"
"    ktracectl enable syscount -L        # trace syscall counts and latencies\n"
"    ktracectl enable syscount -p 1216   # only syscalls by process 1216\n"
"    ktracectl enable syscount -c dd     # only syscalls by tasks named dd\n"
"    ktracectl enable syscount -x        # only failed syscalls\n"
"    ktracectl enable syscount -P        # count by process, not by syscall\n"
"    ktracectl enable syscount -C        # count by command name\n"
"    ktracectl enable syscount -i 1 -d 5 # 1s summaries for 5 seconds\n"
"    ktracectl enable syscount -T 20     # print the top 20 entries\n"
"    ktracectl enable syscount -l        # list the syscall names known";

static const struct argp_option sc_opts[] = {
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{ "interval", 'i', "INTERVAL", 0, "Print summary at this interval (seconds)", 0 },
	{ "duration", 'd', "DURATION", 0, "Total duration of trace, in seconds", 0 },
	{ "top", 'T', "TOP", 0, "Print only the top syscalls by count or latency (default 10)", 0 },
	{ "failures", 'x', NULL, 0, "Trace only failed syscalls (return < 0)", 0 },
	{ "latency", 'L', NULL, 0, "Collect syscall latency", 0 },
	{ "milliseconds", 'm', NULL, 0, "Display latency in milliseconds (default: microseconds)", 0 },
	{ "process", 'P', NULL, 0, "Count by process and not by syscall", 0 },
	{ "per-comm", 'C', NULL, 0, "Count by command name and not by syscall", 0 },
	{ "list", 'l', NULL, 0, "Print list of recognized syscalls and exit", 0 },
	{},
};

struct sc_args {
	__u32 pid;
	const char *comm;
	unsigned long interval, duration, top;
	bool failures, latency, msecs, process, per_comm, list;
};

static error_t parse_sc(int key, char *arg, struct argp_state *state)
{
	struct sc_args *a = state->input;

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
		a->top = parse_ulong(state, "top", arg, INT_MAX);
		break;
	case 'x':
		a->failures = true;
		break;
	case 'L':
		a->latency = true;
		break;
	case 'm':
		a->msecs = true;
		break;
	case 'P':
		a->process = true;
		break;
	case 'C':
		a->per_comm = true;
		break;
	case 'l':
		a->list = true;
		break;
	case ARGP_KEY_ARG:
		usage_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		/* The ABI splits results by one key only. */
		if (a->process && a->per_comm)
			usage_error(state, "-P and -C cannot be combined");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* bcc's -l: every name, sorted, four to a line. */
static int cmp_str(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static int list_syscalls(void)
{
	const char **names;
	long long nr, n = 0, i;

	names = calloc(syscall_max() + 1, sizeof(*names));
	if (!names)
		return EXIT_FAIL;
	for (nr = 0; nr < syscall_max(); nr++)
		if (syscall_name(nr))
			names[n++] = syscall_name(nr);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		if (i % 4 == 3 || i == n - 1)
			printf("%s\n", names[i]);
		else
			printf("%-22s   ", names[i]);
	}
	free(names);
	return 0;
}

struct sc_sort {
	bool latency;
};

static struct sc_sort sort_by;

/* Count descending, or total time descending with -L, as bcc sorts. */
static int cmp_entry(const void *pa, const void *pb)
{
	const struct ktrace_agg_entry *a = *(const struct ktrace_agg_entry **)pa;
	const struct ktrace_agg_entry *b = *(const struct ktrace_agg_entry **)pb;
	__u64 va = sort_by.latency ? a->sum : a->count;
	__u64 vb = sort_by.latency ? b->sum : b->count;

	if (va != vb)
		return va > vb ? -1 : 1;
	if (a->key[0] != b->key[0])
		return a->key[0] < b->key[0] ? -1 : 1;
	return 0;
}

static const char *comm_for_pid(unsigned long long pid, char *buf, size_t size)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%llu/comm", pid);
	snprintf(buf, size, "[unknown]");
	f = fopen(path, "r");
	if (!f)
		return buf;
	if (!fgets(buf, (int)size, f))
		snprintf(buf, size, "[unknown]");
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return buf;
}

static const char *agg_colname(const struct sc_args *a)
{
	return a->process ? "PID    COMM" : a->per_comm ? "COMM" : "SYSCALL";
}

static const char *agg_colval(const struct sc_args *a,
			      const struct ktrace_agg_entry *e,
			      char *buf, size_t size)
{
	char comm[KTRACE_COMM_LEN + 1];

	if (a->process) {
		char name[64];

		snprintf(buf, size, "%-6llu %-15s",
			 (unsigned long long)e->key[0],
			 comm_for_pid(e->key[0], name, sizeof(name)));
	} else if (a->per_comm) {
		memcpy(comm, e->key, KTRACE_COMM_LEN);
		comm[KTRACE_COMM_LEN] = '\0';
		snprintf(buf, size, "%s", comm);
	} else {
		syscall_name_str((long long)e->key[0], buf, size);
	}
	return buf;
}

static int print_stats(struct kt *kt, __u32 id, const struct sc_args *a)
{
	const struct ktrace_agg_entry **ents;
	struct kt_result res;
	char ts[32], col[96];
	time_t t = time(NULL);
	__u32 i, n;
	int err;

	/* Read-and-clear: each interval shows only its own calls. */
	err = kt_read(kt, id, true, &res);
	if (err) {
		warn_err("read syscount", err);
		return err;
	}
	ents = calloc(res.rd.nr_entries + 1, sizeof(*ents));
	if (!ents) {
		kt_result_free(&res);
		return -ENOMEM;
	}
	for (i = 0; i < res.rd.nr_entries; i++)
		ents[i] = kt_result_entry(&res, i);
	sort_by.latency = a->latency;
	qsort(ents, res.rd.nr_entries, sizeof(*ents), cmp_entry);

	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
	printf("[%s]\n", ts);
	if (a->latency)
		printf("%-22s %8s %16s\n", agg_colname(a), "COUNT",
		       a->msecs ? "TIME (ms)" : "TIME (us)");
	else
		printf("%-22s %8s\n", agg_colname(a), "COUNT");
	n = res.rd.nr_entries < a->top ? res.rd.nr_entries : (__u32)a->top;
	for (i = 0; i < n; i++) {
		agg_colval(a, ents[i], col, sizeof(col));
		if (!a->latency)
			printf("%-22s %8llu\n", col,
			       (unsigned long long)ents[i]->count);
		else if (a->msecs)
			printf("%-22s %8llu %16.6f\n", col,
			       (unsigned long long)ents[i]->count,
			       ents[i]->sum / 1e6);
		else
			printf("%-22s %8llu %16.3f\n", col,
			       (unsigned long long)ents[i]->count,
			       ents[i]->sum / 1e3);
	}
	printf("\n");
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
	dropped = st.drop_table_full + st.drop_inflight_full;
	if (!dropped)
		return;
	fprintf(stderr,
		"ktracectl: %llu calls dropped (table full %llu, in-flight table full %llu)\n",
		dropped, (unsigned long long)st.drop_table_full,
		(unsigned long long)st.drop_inflight_full);
}

int cmd_syscount(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{},
	};
	static const struct argp argp = {
		.options = sc_opts,
		.parser = parse_sc,
		.doc = sc_doc,
		.children = children,
	};
	struct sc_args a = { .top = 10 };
	struct ktrace_probe_info info;
	struct ktrace_enable en;
	unsigned long seconds = 0, interval;
	struct kt *kt;
	int id, err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable syscount", &a))
		return EXIT_USAGE;
	if (a.list)
		return list_syscalls();
	/* As bcc: a duration alone is one interval of that length. */
	interval = a.interval ? a.interval : a.duration ? a.duration : 99999999;

	kt = open_ktrace();
	if (!kt)
		return EXIT_FAIL;
	err = find_probe(kt, "syscount", &info);
	if (err) {
		warn_err("probe syscount", err);
		goto out;
	}

	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "syscount");
	/* Sums in ns: printed as fractions of us or ms like bcc. */
	en.unit = KTRACE_UNIT_NSEC;
	en.key = a.process ? KTRACE_KEY_TGID :
		 a.per_comm ? KTRACE_KEY_COMM : KTRACE_KEY_SYSCALL;
	if (a.failures)
		en.opts |= KTRACE_SYSCOUNT_FAILED;
	if (a.pid)
		set_pid_filter(&en, &info, a.pid);
	if (a.comm) {
		en.flags |= KTRACE_ENABLE_COMM;
		snprintf(en.comm, sizeof(en.comm), "%s", a.comm);
	}
	id = kt_enable(kt, &en);
	if (id < 0) {
		warn_err("enable syscount", id);
		goto out;
	}
	if (env.verbose)
		fprintf(stderr, "instance %d: %u entries of %u bytes\n", id,
			en.max_entries, en.entry_size);

	setup_signals();
	printf("Tracing %ssyscalls, printing top %lu... Ctrl+C to quit.\n",
	       a.failures ? "failed " : "", a.top);
	fflush(stdout);

	for (;;) {
		if (!exiting) {
			sleep(interval);
			seconds += interval;
		}
		if (a.duration && seconds >= a.duration)
			exiting = 1;
		err = print_stats(kt, id, &a);
		fflush(stdout);
		if (err)
			goto out;
		if (exiting)
			break;
	}
	printf("Detaching...\n");
	fflush(stdout);
	print_losses(kt, id);
	kt_disable(kt, id);
	ret = 0;
out:
	kt_close(kt);
	return ret;
}
