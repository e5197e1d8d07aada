// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable tpcount: hits of kernel tracepoints counted in the
 * kernel, per event or per CPU and event, like "perf stat -e 'sched:*' -I".
 *
 * The module matches a glob on tracepoint names only.  "SUBSYS:GLOB" is
 * resolved here: the events under tracefs's events/SUBSYS/ matching GLOB
 * are the set; the module gets their longest common prefix followed by
 * "*" (or the one name) and we keep only the rows of the set.  A
 * subsystem whose names share no prefix ("irq:*") thus asks the module
 * for every tracepoint, over its cap: name a narrower glob then.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "ktracectl.h"
#include "args.h"
#include "agg_run.h"

static const char tp_doc[] =
"Count kernel tracepoint hits.\n"
"\n"
"USAGE: ktracectl enable tpcount [--help] [-C] [-T] [-p PID] [-c COMM]\n"
"                                EVENT [interval [count]]\n"
"\n"
"EVENT is SUBSYS:NAME as in tracefs's events/ directory, NAME may be a\n"
"wildcard (* ? [...]); or a bare tracepoint name or wildcard over all of\n"
"vmlinux's tracepoint names.  At most 512\n"
"tracepoints.  Without an interval the table is printed at Ctrl-C.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable tpcount 'sched:*' 1        # every second\n"
"    ktracectl enable tpcount -C 'sched:*' 1 5   # per CPU, 5 times\n"
"    ktracectl enable tpcount -c dd 'block:*'    # tasks named dd only\n"
"    ktracectl enable tpcount 'sys_e*'           # bare tracepoint glob";

static const struct argp_option tp_opts[] = {
	{ "pid", 'p', "PID", 0, "Trace this PID only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{ "per-cpu", 'C', NULL, 0, "Count per CPU", 0 },
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output", 0 },
	{},
};

struct tp_args {
	__u32 pid;
	const char *comm;
	unsigned long interval, count;
	int nr_pos;
	bool per_cpu, timestamp;
	const char *event;
	const char *subsys;	/* "sched" of "sched:*", else NULL */
	char subsys_buf[KTRACE_SYMBOL_LEN];
	const char *glob;	/* the name part */
	char **set;		/* events of the subsystem matching glob */
	size_t nr_set;
	char *names;		/* the instance's tracepoints, key order */
	__u32 nr;
	bool *keep;		/* per name: in the set (or all without one) */
	__u32 nr_kept;
	unsigned long long *counts;
};

static error_t parse_tp(int key, char *arg, struct argp_state *state)
{
	struct tp_args *a = state->input;
	const char *colon;

	switch (key) {
	case 'p':
		a->pid = parse_ulong(state, "PID", arg, INT_MAX);
		break;
	case 'c':
		a->comm = parse_comm(state, arg);
		break;
	case 'C':
		a->per_cpu = true;
		break;
	case 'T':
		a->timestamp = true;
		break;
	case ARGP_KEY_ARG:
		if (a->event) {
			parse_interval_count(state, arg, &a->interval,
					     &a->count, &a->nr_pos);
			break;
		}
		colon = strchr(arg, ':');
		if (!*arg || strlen(arg) >= KTRACE_SYMBOL_LEN - 1 ||
		    (colon && (colon == arg || !colon[1] ||
			       strchr(colon + 1, ':'))))
			usage_error(state, "bad EVENT '%s'", arg);
		a->event = arg;
		break;
	case ARGP_KEY_END:
		if (!a->event)
			usage_error(state, "no EVENT given");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int cmp_str(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* The events of a->subsys matching a->glob; 0 or -errno. */
static int read_subsys(struct tp_args *a)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing/events",
		"/sys/kernel/debug/tracing/events",
	};
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *dir = NULL;
	size_t i;
	char **set;

	for (i = 0; i < 2 && !dir; i++) {
		snprintf(path, sizeof(path), "%s/%s", roots[i], a->subsys);
		dir = opendir(path);
	}
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || fnmatch(a->glob, de->d_name, 0))
			continue;
		if (fstatat(dirfd(dir), de->d_name, &st, 0) ||
		    !S_ISDIR(st.st_mode))
			continue;
		set = realloc(a->set, (a->nr_set + 1) * sizeof(*set));
		if (!set)
			break;
		a->set = set;
		a->set[a->nr_set] = strdup(de->d_name);
		if (a->set[a->nr_set])
			a->nr_set++;
	}
	closedir(dir);
	qsort(a->set, a->nr_set, sizeof(*a->set), cmp_str);
	return 0;
}

/* The module's glob for the set: its common prefix and "*". */
static void set_glob(const struct tp_args *a, char *buf, size_t size)
{
	size_t len = strlen(a->set[0]), i, j;

	if (a->nr_set == 1) {
		snprintf(buf, size, "%s", a->set[0]);
		return;
	}
	for (i = 1; i < a->nr_set; i++) {
		for (j = 0; j < len && a->set[i][j] == a->set[0][j]; j++)
			;
		len = j;
	}
	snprintf(buf, size, "%.*s*", (int)len, a->set[0]);
}

static bool in_set(const struct tp_args *a, const char *name)
{
	return bsearch(&name, a->set, a->nr_set, sizeof(*a->set), cmp_str);
}

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

static const char *tp_name(const struct tp_args *a, __u32 i)
{
	return a->names + (size_t)i * KTRACE_SYMBOL_LEN;
}

/* "SUBSYS:NAME" when the event was given so, else the name. */
static const char *event_name(const struct tp_args *a, __u32 i, char *buf,
			      size_t size)
{
	snprintf(buf, size, "%s%s%.*s", a->subsys ? a->subsys : "",
		 a->subsys ? ":" : "", KTRACE_SYMBOL_LEN, tp_name(a, i));
	return buf;
}

static const struct tp_args *sort_args;

/* Descending count, then name, as perf stat lists the busiest first. */
static int cmp_index(const void *pa, const void *pb)
{
	__u32 x = *(const __u32 *)pa, y = *(const __u32 *)pb;
	const unsigned long long *c = sort_args->counts;

	if (c[x] != c[y])
		return c[x] < c[y] ? 1 : -1;
	return strcmp(tp_name(sort_args, x), tp_name(sort_args, y));
}

/* Per CPU: by CPU, then descending count. */
static int cmp_cpu(const void *pa, const void *pb)
{
	const struct ktrace_agg_entry *x = *(const struct ktrace_agg_entry **)pa;
	const struct ktrace_agg_entry *y = *(const struct ktrace_agg_entry **)pb;

	if (x->key[0] != y->key[0])
		return x->key[0] < y->key[0] ? -1 : 1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->key[1] < y->key[1] ? -1 : x->key[1] > y->key[1];
}

/* One row of a report: @cpu is -1 unless per CPU. */
typedef void (*tp_row_fn)(const struct tp_args *a, long long cpu, __u32 ev,
			  unsigned long long count, void *ctx);

/*
 * Calls @row for each row of a report, in order: per CPU the non-zero
 * counts (sorted by cmp_cpu); else every event, zeros too, like perf
 * stat, busiest first.
 */
static void for_each_row(struct tp_args *a,
			 const struct ktrace_agg_entry **ents, __u32 n,
			 tp_row_fn row, void *ctx)
{
	__u32 i, k, *order;

	if (a->per_cpu) {
		for (i = 0; i < n; i++) {
			k = (__u32)ents[i]->key[1];
			if (!ents[i]->count || k >= a->nr || !a->keep[k])
				continue;
			row(a, (long long)ents[i]->key[0], k, ents[i]->count,
			    ctx);
		}
		return;
	}
	memset(a->counts, 0, a->nr * sizeof(*a->counts));
	for (i = 0; i < n; i++)
		if (ents[i]->key[0] < a->nr)
			a->counts[ents[i]->key[0]] += ents[i]->count;
	order = calloc(a->nr, sizeof(*order));
	if (!order)
		return;
	for (i = 0, k = 0; i < a->nr; i++)
		if (a->keep[i])
			order[k++] = i;
	sort_args = a;
	qsort(order, k, sizeof(*order), cmp_index);
	for (i = 0; i < k; i++)
		row(a, -1, order[i], a->counts[order[i]], ctx);
	free(order);
}

static void print_row(const struct tp_args *a, long long cpu, __u32 ev,
		      unsigned long long count, void *ctx)
{
	char name[KTRACE_SYMBOL_LEN * 2 + 2];

	(void)ctx;
	if (cpu >= 0)
		printf("%-4lld %12llu ", cpu, count);
	else
		printf("%12llu ", count);
	printf("%s\n", event_name(a, ev, name, sizeof(name)));
}

static void print_counts(struct agg_run *r, const struct kt_result *res,
			 const struct ktrace_agg_entry **ents, __u32 n)
{
	struct tp_args *a = r->ctx;

	(void)res;
	if (a->per_cpu)
		printf("%-4s %12s %s\n", "CPU", "COUNT", "EVENT");
	else
		printf("%12s %s\n", "COUNT", "EVENT");
	for_each_row(a, ents, n, print_row, NULL);
}

static void json_row(const struct tp_args *a, long long cpu, __u32 ev,
		     unsigned long long count, void *ctx)
{
	char name[KTRACE_SYMBOL_LEN * 2 + 2];
	struct json *j = ctx;

	json_obj_begin(j);
	if (cpu >= 0)
		json_ks64(j, "cpu", cpu);
	json_kstr(j, "event", event_name(a, ev, name, sizeof(name)));
	json_ku64(j, "count", count);
	json_obj_end(j);
}

/* --json: the same rows, {["cpu":...,]"event":...,"count":...}. */
static void json_counts(struct agg_run *r, struct json *j,
			const struct kt_result *res,
			const struct ktrace_agg_entry **ents, __u32 n)
{
	(void)res;
	json_key(j, "rows");
	json_arr_begin(j);
	for_each_row(r->ctx, ents, n, json_row, j);
	json_arr_end(j);
}

static void print_drops(struct agg_run *r, const struct ktrace_stats *st)
{
	(void)r;
	if (st->drop_table_full)
		fprintf(stderr, "ktracectl: hits dropped: table full %llu\n",
			(unsigned long long)st->drop_table_full);
}

/* Splits "SUBSYS:GLOB"; resolves the set; the module's pattern in @pat. */
static int resolve_event(struct tp_args *a, char *pat, size_t size)
{
	const char *colon = strchr(a->event, ':');
	int err;

	if (!colon) {
		snprintf(pat, size, "%s", a->event);
		return 0;
	}
	snprintf(a->subsys_buf, sizeof(a->subsys_buf), "%.*s",
		 (int)(colon - a->event), a->event);
	a->subsys = a->subsys_buf;
	a->glob = colon + 1;
	err = read_subsys(a);
	if (err == -ENOENT) {
		fprintf(stderr, "ktracectl: tpcount: no event subsystem '%s' in tracefs (is it mounted?)\n",
			a->subsys);
		return err;
	}
	if (err) {
		warn_err("tracefs events", err);
		return err;
	}
	if (!a->nr_set) {
		fprintf(stderr, "ktracectl: tpcount: no tracepoint matches '%s'\n",
			a->event);
		return -ENOENT;
	}
	set_glob(a, pat, size);
	return 0;
}

int cmd_tpcount(int argc, char **argv)
{
	static const struct argp argp = {
		.options = tp_opts,
		.parser = parse_tp,
		.args_doc = "EVENT [interval [count]]",
		.doc = tp_doc,
		.children = verbose_children,
	};
	struct tp_args a = { 0 };
	struct agg_run r = {
		.probe = "tpcount",
		.overflow_noun = "hits",
		.print = print_counts,
		.print_json = json_counts,
		.drops = print_drops,
		.ctx = &a,
	};
	char pat[KTRACE_SYMBOL_LEN];
	int id, err, ret = EXIT_FAIL;
	__u32 i;

	if (parse_subcommand(&argp, argc, argv, "enable tpcount", &a))
		return EXIT_USAGE;
	r.interval = a.nr_pos ? a.interval : FOREVER;
	r.count = a.count;
	r.timestamp = a.timestamp;
	if (a.per_cpu)
		r.cmp = cmp_cpu;

	if (resolve_event(&a, pat, sizeof(pat)))
		goto out;
	if (agg_open(&r, true))
		goto out;
	r.en.flags |= KTRACE_ENABLE_SYMBOL;
	snprintf(r.en.symbol, sizeof(r.en.symbol), "%s", pat);
	r.en.key = a.per_cpu ? KTRACE_KEY_CPU : KTRACE_KEY_FUNC;
	set_task_filters(&r.en, &r.info, a.pid, a.comm);
	id = kt_enable(r.kt, &r.en);
	if (id == -ENOENT) {
		fprintf(stderr, "ktracectl: tpcount: no tracepoint matches '%s'\n",
			a.event);
		goto out;
	}
	if (id == -E2BIG) {
		fprintf(stderr, "ktracectl: tpcount: '%s' (tracepoints '%s') matches more than %d tracepoints\n",
			a.event, pat, KTRACE_TPCOUNT_MAX);
		goto out;
	}
	if (id < 0) {
		fprintf(stderr, "ktracectl: tpcount: cannot trace '%s': %s\n",
			a.event, strerror(-id));
		goto out;
	}
	r.id = (__u32)id;
	err = get_symbols(r.kt, r.id, &a.names, &a.nr);
	if (err) {
		warn_err("symbols", err);
		goto out;
	}
	a.keep = calloc(a.nr ? a.nr : 1, sizeof(*a.keep));
	a.counts = calloc(a.nr ? a.nr : 1, sizeof(*a.counts));
	if (!a.keep || !a.counts)
		goto out;
	for (i = 0; i < a.nr; i++) {
		a.keep[i] = !a.subsys || in_set(&a, tp_name(&a, i));
		a.nr_kept += a.keep[i];
	}
	if (!a.nr_kept) {
		fprintf(stderr, "ktracectl: tpcount: no tracepoint matches '%s'\n",
			a.event);
		goto out;
	}

	fprintf(banner_out(),
		"Tracing %u tracepoints for \"%s\"... Hit Ctrl-C to end.\n",
		a.nr_kept, a.event);
	ret = agg_poll(&r);
out:
	for (i = 0; i < a.nr_set; i++)
		free(a.set[i]);
	free(a.set);
	free(a.names);
	free(a.keep);
	free(a.counts);
	agg_close(&r);
	return ret;
}
