// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable funccount: calls of the kernel functions matching a
 * name or wildcard, counted in the kernel per function, with the options
 * and output of bcc's funccount (libbpf-tools has none).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ktracectl.h"
#include "args.h"
#include "agg_run.h"
#include "backend.h"

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
	char *names;		/* the instance's functions, KTRACE_KEY_FUNC order */
	__u32 nr;
};

static error_t parse_fc(int key, char *arg, struct argp_state *state)
{
	struct fc_args *a = state->input;

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

static int cmp_count(const void *pa, const void *pb)
{
	const struct ktrace_agg_entry *a = *(const struct ktrace_agg_entry **)pa;
	const struct ktrace_agg_entry *b = *(const struct ktrace_agg_entry **)pb;

	if (a->count != b->count)
		return a->count < b->count ? -1 : 1;
	return a->key[0] < b->key[0] ? -1 : a->key[0] > b->key[0];
}

/* The function's name, "[unknown]" for an index the module did not give. */
static void func_name(const struct fc_args *a, const struct ktrace_agg_entry *e,
		      char *buf)
{
	if (e->key[0] < a->nr)
		snprintf(buf, KTRACE_SYMBOL_LEN + 1, "%.*s", KTRACE_SYMBOL_LEN,
			 a->names + e->key[0] * KTRACE_SYMBOL_LEN);
	else
		snprintf(buf, KTRACE_SYMBOL_LEN + 1, "[unknown]");
}

/* bcc's table: ascending by count, functions not called left out. */
static void print_counts(struct agg_run *r, const struct kt_result *res,
			 const struct ktrace_agg_entry **ents, __u32 n)
{
	char name[KTRACE_SYMBOL_LEN + 1];
	__u32 i;

	(void)res;
	printf("%-36s %8s\n", "FUNC", "COUNT");
	for (i = 0; i < n; i++) {
		if (!ents[i]->count)
			continue;
		func_name(r->ctx, ents[i], name);
		printf("%-36s %8llu\n", name,
		       (unsigned long long)ents[i]->count);
	}
}

/* --json: the same rows, {"func":...,"count":...}. */
static void json_counts(struct agg_run *r, struct json *j,
			const struct kt_result *res,
			const struct ktrace_agg_entry **ents, __u32 n)
{
	char name[KTRACE_SYMBOL_LEN + 1];
	__u32 i;

	(void)res;
	json_key(j, "rows");
	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		if (!ents[i]->count)
			continue;
		func_name(r->ctx, ents[i], name);
		json_obj_begin(j);
		json_kstr(j, "func", name);
		json_ku64(j, "count", ents[i]->count);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void print_drops(struct agg_run *r, const struct ktrace_stats *st)
{
	(void)r;
	if (st->drop_table_full || st->missed)
		fprintf(stderr,
			"ktracectl: calls dropped: table full %llu, kprobe missed %llu\n",
			(unsigned long long)st->drop_table_full,
			(unsigned long long)st->missed);
}

int cmd_funccount(int argc, char **argv)
{
	static const struct argp argp = {
		.options = fc_opts,
		.parser = parse_fc,
		.args_doc = "PATTERN",
		.doc = fc_doc,
		.children = verbose_children,
	};
	struct fc_args a = { 0 };
	struct agg_run r = {
		.probe = "funccount",
		.detach = true,
		.overflow_noun = "calls",
		.cmp = cmp_count,
		.print = print_counts,
		.print_json = json_counts,
		.drops = print_drops,
		.ctx = &a,
	};
	int id, err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable funccount", &a))
		return EXIT_USAGE;
	/* As bcc: a duration alone is one interval of that length. */
	r.interval = a.interval ? a.interval : a.duration ? a.duration : FOREVER;
	r.duration = a.duration;
	r.timestamp = a.timestamp;

	if (agg_open(&r, true))
		goto out;
	r.en.flags |= KTRACE_ENABLE_SYMBOL;
	snprintf(r.en.symbol, sizeof(r.en.symbol), "%s", a.pattern);
	r.en.key = KTRACE_KEY_FUNC;
	set_task_filters(&r.en, &r.info, a.pid, a.comm);
	id = be_enable(r.be, &r.en);
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
	r.id = (__u32)id;
	err = be_symbols(r.be, r.id, &a.names, &a.nr);
	if (err) {
		warn_err("symbols", err);
		goto out;
	}

	fprintf(banner_out(),
		"Tracing %u functions for \"%s\"... Hit Ctrl-C to end.\n",
		a.nr, a.pattern);
	ret = agg_poll(&r);
out:
	free(a.names);
	agg_close(&r);
	return ret;
}
