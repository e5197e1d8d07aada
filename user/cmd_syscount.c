// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable syscount: system call counts, and optionally their
 * latency, per syscall, per process or per command, with the options and
 * output of bcc's syscount.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ktracectl.h"
#include "args.h"
#include "agg_run.h"
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
		a->comm = parse_comm(state, arg);
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

/* --json: {"type":"syscall","name":...,"nr":...} per name instead. */
static int list_syscalls(void)
{
	const char **names;
	long long nr, n = 0, i;
	struct json j;

	names = calloc(syscall_max() + 1, sizeof(*names));
	if (!names)
		return EXIT_FAIL;
	for (nr = 0; nr < syscall_max(); nr++)
		if (syscall_name(nr))
			names[n++] = syscall_name(nr);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		if (env.json) {
			json_line_begin(&j, "syscall");
			json_kstr(&j, "name", names[i]);
			json_ks64(&j, "nr", syscall_nr(names[i]));
			json_line_end(&j);
		} else if (i % 4 == 3 || i == n - 1) {
			printf("%s\n", names[i]);
		} else {
			printf("%-22s   ", names[i]);
		}
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

/* What a row is about: a syscall or command name, or a pid and its name. */
struct sc_key {
	unsigned long long pid;
	char name[64];
};

static void entry_key(const struct sc_args *a,
		      const struct ktrace_agg_entry *e, struct sc_key *k)
{
	k->pid = e->key[0];
	if (a->process)
		comm_for_pid(e->key[0], k->name, sizeof(k->name));
	else if (a->per_comm)
		snprintf(k->name, sizeof(k->name), "%.*s", KTRACE_COMM_LEN,
			 (const char *)e->key);
	else
		syscall_name_str((long long)e->key[0], k->name,
				 sizeof(k->name));
}

static const char *agg_colval(const struct sc_args *a,
			      const struct ktrace_agg_entry *e,
			      char *buf, size_t size)
{
	struct sc_key k;

	entry_key(a, e, &k);
	if (a->process)
		snprintf(buf, size, "%-6llu %-15s", k.pid, k.name);
	else
		snprintf(buf, size, "%s", k.name);
	return buf;
}

/* The rows shown: the top ones. */
static __u32 nr_shown(const struct sc_args *a, __u32 n)
{
	return n > a->top ? (__u32)a->top : n;
}

/* --json: "rows", each named like the columns, with the time in ns. */
static void json_rows(struct agg_run *r, struct json *j,
		      const struct kt_result *res,
		      const struct ktrace_agg_entry **ents, __u32 n)
{
	const struct sc_args *a = r->ctx;
	struct sc_key k;
	__u32 i;

	(void)res;
	json_key(j, "rows");
	json_arr_begin(j);
	for (i = 0; i < nr_shown(a, n); i++) {
		entry_key(a, ents[i], &k);
		json_obj_begin(j);
		if (a->process)
			json_ku64(j, "pid", k.pid);
		json_kstr(j, a->process || a->per_comm ? "comm" : "syscall",
			  k.name);
		json_ku64(j, "count", ents[i]->count);
		if (a->latency)
			json_ku64(j, "time_ns", ents[i]->sum);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void print_stats(struct agg_run *r, const struct kt_result *res,
			const struct ktrace_agg_entry **ents, __u32 n)
{
	const struct sc_args *a = r->ctx;
	char ts[32], col[96];
	time_t t = time(NULL);
	__u32 i;

	(void)res;
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
	printf("[%s]\n", ts);
	if (a->latency)
		printf("%-22s %8s %16s\n", agg_colname(a), "COUNT",
		       a->msecs ? "TIME (ms)" : "TIME (us)");
	else
		printf("%-22s %8s\n", agg_colname(a), "COUNT");
	n = nr_shown(a, n);
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
}

int cmd_syscount(int argc, char **argv)
{
	static const struct argp argp = {
		.options = sc_opts,
		.parser = parse_sc,
		.doc = sc_doc,
		.children = verbose_children,
	};
	struct sc_args a = { .top = 10 };
	struct agg_run r = {
		.probe = "syscount",
		.own_header = true,
		.detach = true,
		.noun = "calls",
		.overflow_noun = "calls",
		/* Calls already running when enabled are not lost. */
		.verbose_no_start = true,
		.cmp = cmp_entry,
		.print = print_stats,
		.print_json = json_rows,
		.ctx = &a,
	};
	int err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable syscount", &a))
		return EXIT_USAGE;
	if (a.list)
		return list_syscalls();
	/* As bcc: a duration alone is one interval of that length. */
	r.interval = a.interval ? a.interval : a.duration ? a.duration : FOREVER;
	r.duration = a.duration;
	sort_by.latency = a.latency;

	if (agg_open(&r, false))
		goto out;
	/* Sums in ns: printed as fractions of us or ms like bcc. */
	r.en.unit = KTRACE_UNIT_NSEC;
	r.en.key = a.process ? KTRACE_KEY_TGID :
		   a.per_comm ? KTRACE_KEY_COMM : KTRACE_KEY_SYSCALL;
	if (a.failures)
		r.en.opts |= KTRACE_SYSCOUNT_FAILED;
	set_task_filters(&r.en, &r.info, a.pid, a.comm);
	err = agg_enable(&r);
	if (err) {
		warn_err("enable syscount", err);
		goto out;
	}

	fprintf(banner_out(),
		"Tracing %ssyscalls, printing top %lu... Ctrl+C to quit.\n",
		a.failures ? "failed " : "", a.top);
	ret = agg_poll(&r);
out:
	agg_close(&r);
	return ret;
}
