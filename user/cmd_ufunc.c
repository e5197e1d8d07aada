// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable ufunclatency and ufunccount: funclatency and funccount
 * for functions in user binaries and libraries, through uprobes, which
 * only the BPF backend has (bpf/ufunc.bpf.c): they run on BPF whatever
 * --backend says, and --backend module is refused.  Output as bcc's
 * funclatency and funccount print for "BINARY:FUNC" targets.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "ktracectl.h"
#include "args.h"
#include "agg_run.h"
#include "bpf_ufunc.h"

/* One line for what ufunc_expand() refused, exit 2 as bad input. */
static void expand_error(const struct argp_state *state, const char *spec,
			 int err)
{
	switch (err) {
	case -EINVAL:
		usage_error(state, "'%s' is not BINARY:FUNCTION", spec);
	case -ESRCH:
		usage_error(state, "no function matches '%s'", spec);
	case -E2BIG:
		usage_error(state, "'%s' makes more than %d functions", spec,
			    UFUNC_MAX);
	case -ENOEXEC:
		usage_error(state, "'%s': not an ELF file", spec);
	default:
		usage_error(state, "'%s': %s", spec, strerror(-err));
	}
}

static const char ufl_doc[] =
"Time a user-space function and print the distribution of its latency.\n"
"\n"
"USAGE: ktracectl enable ufunclatency [--help] [-T] [-m|-u|-n] [-P|-L]\n"
"                                    [-p PID] [-c COMM]\n"
"                                    [interval [count]] BINARY:FUNCTION\n"
"\n"
"The time is from the function's entry to its return (a uprobe and a\n"
"uretprobe).  BINARY is a program or a library, by path or by file name\n"
"(libc.so.6); FUNCTION one function it defines, or a wildcard matching\n"
"one.  Only the BPF backend has uprobes: this runs on it whatever\n"
"--backend says, and refuses --backend module.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable ufunclatency /lib/x86_64-linux-gnu/libc.so.6:malloc\n"
"    ktracectl enable ufunclatency -u libc.so.6:fsync  # in microseconds\n"
"    ktracectl enable ufunclatency -m 5 /usr/bin/app:handle  # 5s summaries\n"
"    ktracectl enable ufunclatency -p 181 libc.so.6:read   # process 181\n"
"    ktracectl enable ufunclatency -P /usr/bin/app:handle  # per process";

static const struct argp_option ufl_opts[] = {
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

struct ufl_args {
	bool timestamp, per_pid, per_tid;
	__u32 unit;
	int nr_units;
	__u32 pid;
	const char *comm;
	const char *spec;
	unsigned long interval, count;
	int nr_num;
	struct ufunc_target target;
};

static error_t parse_ufl(int key, char *arg, struct argp_state *state)
{
	struct ufl_args *a = state->input;
	struct ufunc_target t[2];
	unsigned int n = 0;
	int err;

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
		/* Targets have a ':'; numbers are times. */
		if (isdigit((unsigned char)arg[0]) && !strchr(arg, ':')) {
			parse_interval_count(state, arg, &a->interval,
					     &a->count, &a->nr_num);
			break;
		}
		if (a->spec)
			usage_error(state, "only one FUNCTION can be timed, got '%s' and '%s'",
				    a->spec, arg);
		a->spec = arg;
		err = ufunc_expand(arg, t, 2, &n);
		if (err == -E2BIG || (!err && n > 1))
			usage_error(state, "'%s' matches more than one function",
				    arg);
		if (err)
			expand_error(state, arg, err);
		if (t[0].usdt)
			usage_error(state, "'%s': a USDT probe has no return to time (ufunccount counts it)",
				    arg);
		a->target = t[0];
		break;
	case ARGP_KEY_END:
		if (!a->spec)
			usage_error(state, "no BINARY:FUNCTION given");
		if (a->nr_units > 1)
			usage_error(state, "-m, -u and -n cannot be combined");
		if (a->per_pid && a->per_tid)
			usage_error(state, "-P and -L cannot be combined");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void ufl_print(struct agg_run *r, const struct kt_result *res,
		      const struct ktrace_agg_entry **ents, __u32 n)
{
	const struct ufl_args *a = r->ctx;

	agg_print_latency(res, ents, n, a->per_pid ? "pid" :
			  a->per_tid ? "tid" : NULL);
}

int cmd_ufunclatency(int argc, char **argv)
{
	static const struct argp argp = {
		.options = ufl_opts,
		.parser = parse_ufl,
		.args_doc = "[interval [count]] BINARY:FUNCTION",
		.doc = ufl_doc,
		.children = verbose_children,
	};
	static struct ufl_args a;
	struct agg_run r = {
		.probe = "ufunclatency",
		.log2 = true,
		.noun = "calls",
		.overflow_noun = "events",
		.verbose_overflow = true,
		.verbose_no_start = true,
		.cmp = agg_cmp_key,
		.print = ufl_print,
		.json_key_value = agg_json_key0,
		.ctx = &a,
	};
	int err, ret = EXIT_FAIL;

	memset(&a, 0, sizeof(a));
	a.unit = KTRACE_UNIT_NSEC;
	a.interval = FOREVER;
	a.count = FOREVER;
	if (parse_subcommand(&argp, argc, argv, "enable ufunclatency", &a))
		return EXIT_USAGE;
	r.interval = a.interval;
	r.count = a.count;
	r.timestamp = a.timestamp;
	r.json_key = a.per_pid ? "pid" : a.per_tid ? "tid" : NULL;

	if (agg_open(&r, false))
		goto out;
	r.en.unit = a.unit;
	r.en.key = a.per_pid ? KTRACE_KEY_TGID :
		   a.per_tid ? KTRACE_KEY_PID : KTRACE_KEY_NONE;
	set_task_filters(&r.en, &r.info, a.pid, a.comm);
	bpf_ufunc_targets(&a.target, 1);
	err = agg_enable(&r);
	if (err) {
		fprintf(stderr, "ktracectl: ufunclatency: cannot trace %s in %s: %s\n",
			a.target.func, a.target.path, strerror(-err));
		goto out;
	}
	fprintf(banner_out(),
		"Tracing 1 functions for \"%s:%s\"... Hit Ctrl-C to end.\n",
		a.target.path, a.target.func);
	ret = agg_poll(&r);
out:
	agg_close(&r);
	return ret;
}

static const char ufc_doc[] =
"Count calls of user-space functions.\n"
"\n"
"USAGE: ktracectl enable ufunccount [--help] [-T] [-i INTERVAL] [-d DURATION]\n"
"                                  [-p PID] [-c COMM] BINARY:PATTERN...\n"
"\n"
"BINARY is a program or a library, by path or by file name (libc.so.6);\n"
"PATTERN a function it defines or a wildcard (* ? [...]) over them, up to\n"
"64 functions in all; u:BINARY:PROVIDER:NAME is a USDT probe (a\n"
"DTRACE_PROBE() site).  Only the BPF backend has uprobes: this runs on it\n"
"whatever --backend says, and refuses --backend module.  Unlike bcc, -c\n"
"takes a task name, not a CPU.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable ufunccount 'libc.so.6:str*'    # count libc's str*\n"
"    ktracectl enable ufunccount -i 1 libc.so.6:malloc libc.so.6:free\n"
"    ktracectl enable ufunccount -d 5 '/usr/bin/app:handle_*'\n"
"    ktracectl enable ufunccount -p 181 libc.so.6:malloc  # process 181\n"
"    ktracectl enable ufunccount u:/usr/bin/app:app:request  # USDT probe";

static const struct argp_option ufc_opts[] = {
	{ "pid", 'p', "PID", 0, "Trace this PID only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{ "interval", 'i', "INTERVAL", 0, "Summary interval, seconds", 0 },
	{ "duration", 'd', "DURATION", 0, "Total duration of trace, seconds",
	  0 },
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output", 0 },
	{},
};

struct ufc_args {
	__u32 pid;
	const char *comm;
	unsigned long interval, duration;
	bool timestamp;
	const char *first;		/* the first BINARY:PATTERN */
	unsigned int nr_specs;
	struct ufunc_target t[UFUNC_MAX];
	unsigned int nr;
	bool paths;			/* more than one binary: name them */
};

static error_t parse_ufc(int key, char *arg, struct argp_state *state)
{
	struct ufc_args *a = state->input;
	unsigned int i;
	int err;

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
		a->timestamp = true;
		break;
	case ARGP_KEY_ARG:
		err = ufunc_expand(arg, a->t, UFUNC_MAX, &a->nr);
		if (err)
			expand_error(state, arg, err);
		if (!a->first)
			a->first = arg;
		a->nr_specs++;
		break;
	case ARGP_KEY_END:
		if (!a->nr)
			usage_error(state, "no BINARY:PATTERN given");
		for (i = 1; i < a->nr; i++)
			if (strcmp(a->t[i].path, a->t[0].path))
				a->paths = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int ufc_cmp(const void *pa, const void *pb)
{
	const struct ktrace_agg_entry *a = *(const struct ktrace_agg_entry **)pa;
	const struct ktrace_agg_entry *b = *(const struct ktrace_agg_entry **)pb;

	if (a->count != b->count)
		return a->count < b->count ? -1 : 1;
	return a->key[0] < b->key[0] ? -1 : a->key[0] > b->key[0];
}

/*
 * FUNC (PROVIDER:NAME for a USDT probe), BINARY: before it when the
 * targets come from several binaries.
 */
static void ufc_name(const struct ufc_args *a,
		     const struct ktrace_agg_entry *e, char *buf, size_t len)
{
	const struct ufunc_target *t;

	if (e->key[0] >= a->nr) {
		snprintf(buf, len, "[unknown]");
		return;
	}
	t = &a->t[e->key[0]];
	snprintf(buf, len, "%s%s%s%s%s", a->paths ? t->path : "",
		 a->paths ? ":" : "", t->usdt ? t->provider : "",
		 t->usdt ? ":" : "", t->func);
}

/* bcc's funccount table: ascending by count, functions not called out. */
static void ufc_print(struct agg_run *r, const struct kt_result *res,
		      const struct ktrace_agg_entry **ents, __u32 n)
{
	char name[PATH_MAX + KTRACE_SYMBOL_LEN + 2];
	__u32 i;

	(void)res;
	printf("%-36s %8s\n", "FUNC", "COUNT");
	for (i = 0; i < n; i++) {
		if (!ents[i]->count)
			continue;
		ufc_name(r->ctx, ents[i], name, sizeof(name));
		printf("%-36s %8llu\n", name,
		       (unsigned long long)ents[i]->count);
	}
}

static void ufc_json(struct agg_run *r, struct json *j,
		     const struct kt_result *res,
		     const struct ktrace_agg_entry **ents, __u32 n)
{
	char name[PATH_MAX + KTRACE_SYMBOL_LEN + 2];
	__u32 i;

	(void)res;
	json_key(j, "rows");
	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		if (!ents[i]->count)
			continue;
		ufc_name(r->ctx, ents[i], name, sizeof(name));
		json_obj_begin(j);
		json_kstr(j, "func", name);
		json_ku64(j, "count", ents[i]->count);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void ufc_drops(struct agg_run *r, const struct ktrace_stats *st)
{
	(void)r;
	if (st->drop_table_full || st->missed)
		fprintf(stderr,
			"ktracectl: calls dropped: table full %llu, uprobe missed %llu\n",
			(unsigned long long)st->drop_table_full,
			(unsigned long long)st->missed);
}

int cmd_ufunccount(int argc, char **argv)
{
	static const struct argp argp = {
		.options = ufc_opts,
		.parser = parse_ufc,
		.args_doc = "BINARY:PATTERN...",
		.doc = ufc_doc,
		.children = verbose_children,
	};
	/* Static: the targets are too big for the stack. */
	static struct ufc_args a;
	struct agg_run r = {
		.probe = "ufunccount",
		.detach = true,
		.overflow_noun = "calls",
		.cmp = ufc_cmp,
		.print = ufc_print,
		.print_json = ufc_json,
		.drops = ufc_drops,
		.ctx = &a,
	};
	int err, ret = EXIT_FAIL;

	memset(&a, 0, sizeof(a));
	if (parse_subcommand(&argp, argc, argv, "enable ufunccount", &a))
		return EXIT_USAGE;
	r.interval = a.interval ? a.interval : a.duration ? a.duration : FOREVER;
	r.duration = a.duration;
	r.timestamp = a.timestamp;

	if (agg_open(&r, false))
		goto out;
	r.en.key = KTRACE_KEY_FUNC;
	set_task_filters(&r.en, &r.info, a.pid, a.comm);
	bpf_ufunc_targets(a.t, a.nr);
	err = agg_enable(&r);
	if (err) {
		fprintf(stderr, "ktracectl: ufunccount: cannot trace '%s': %s\n",
			a.first, strerror(-err));
		goto out;
	}
	fprintf(banner_out(),
		"Tracing %u functions for \"%s%s\"... Hit Ctrl-C to end.\n",
		a.nr, a.first, a.nr_specs > 1 ? " ..." : "");
	ret = agg_poll(&r);
out:
	agg_close(&r);
	return ret;
}
