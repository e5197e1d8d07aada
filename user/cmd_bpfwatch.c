// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable bpfwatch: bpf() system calls counted in the kernel by
 * command, program type (BPF_PROG_LOAD) and process name, with failures
 * and the rate per second over each interval: who loads BPF programs and
 * creates maps.  Command and type names come from <linux/bpf.h>'s enums
 * as this program was built; newer ones print as numbers.
 */
#include <errno.h>
#include <limits.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ktracectl.h"
#include "args.h"
#include "agg_run.h"
#include "bpfwatch.h"

static const char bw_doc[] =
"Count bpf() system calls by command and process name.\n"
"\n"
"USAGE: ktracectl enable bpfwatch [--help] [-T] [-p PID] [-c COMM]\n"
"                                 [interval [count]]\n"
"\n"
"One row per process name, command and program type (for BPF_PROG_LOAD):\n"
"calls, failed calls and calls per second over the interval.  Names are\n"
"cut to 12 characters.  Without an interval the table is printed at\n"
"Ctrl-C.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable bpfwatch              # summary at Ctrl-C\n"
"    ktracectl enable bpfwatch 1            # every second\n"
"    ktracectl enable bpfwatch -c bpftool 5 # bpftool only, every 5s";

static const struct argp_option bw_opts[] = {
	{ "pid", 'p', "PID", 0, "Trace this PID only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output", 0 },
	{},
};

struct bw_args {
	__u32 pid;
	const char *comm;
	unsigned long interval, count;
	int nr_pos;
	bool timestamp;
	struct timespec last;	/* start of the interval being printed */
};

#define NAME(x) [x] = #x

static const char *const cmd_names[] = {
	NAME(BPF_MAP_CREATE), NAME(BPF_MAP_LOOKUP_ELEM),
	NAME(BPF_MAP_UPDATE_ELEM), NAME(BPF_MAP_DELETE_ELEM),
	NAME(BPF_MAP_GET_NEXT_KEY), NAME(BPF_PROG_LOAD), NAME(BPF_OBJ_PIN),
	NAME(BPF_OBJ_GET), NAME(BPF_PROG_ATTACH), NAME(BPF_PROG_DETACH),
	NAME(BPF_PROG_TEST_RUN), NAME(BPF_PROG_GET_NEXT_ID),
	NAME(BPF_MAP_GET_NEXT_ID), NAME(BPF_PROG_GET_FD_BY_ID),
	NAME(BPF_MAP_GET_FD_BY_ID), NAME(BPF_OBJ_GET_INFO_BY_FD),
	NAME(BPF_PROG_QUERY), NAME(BPF_RAW_TRACEPOINT_OPEN),
	NAME(BPF_BTF_LOAD), NAME(BPF_BTF_GET_FD_BY_ID), NAME(BPF_TASK_FD_QUERY),
	NAME(BPF_MAP_LOOKUP_AND_DELETE_ELEM), NAME(BPF_MAP_FREEZE),
	NAME(BPF_BTF_GET_NEXT_ID), NAME(BPF_MAP_LOOKUP_BATCH),
	NAME(BPF_MAP_LOOKUP_AND_DELETE_BATCH), NAME(BPF_MAP_UPDATE_BATCH),
	NAME(BPF_MAP_DELETE_BATCH), NAME(BPF_LINK_CREATE),
	NAME(BPF_LINK_UPDATE), NAME(BPF_LINK_GET_FD_BY_ID),
	NAME(BPF_LINK_GET_NEXT_ID), NAME(BPF_ENABLE_STATS),
	NAME(BPF_ITER_CREATE), NAME(BPF_LINK_DETACH), NAME(BPF_PROG_BIND_MAP),
};

static const char *const prog_type_names[] = {
	NAME(BPF_PROG_TYPE_UNSPEC), NAME(BPF_PROG_TYPE_SOCKET_FILTER),
	NAME(BPF_PROG_TYPE_KPROBE), NAME(BPF_PROG_TYPE_SCHED_CLS),
	NAME(BPF_PROG_TYPE_SCHED_ACT), NAME(BPF_PROG_TYPE_TRACEPOINT),
	NAME(BPF_PROG_TYPE_XDP), NAME(BPF_PROG_TYPE_PERF_EVENT),
	NAME(BPF_PROG_TYPE_CGROUP_SKB), NAME(BPF_PROG_TYPE_CGROUP_SOCK),
	NAME(BPF_PROG_TYPE_LWT_IN), NAME(BPF_PROG_TYPE_LWT_OUT),
	NAME(BPF_PROG_TYPE_LWT_XMIT), NAME(BPF_PROG_TYPE_SOCK_OPS),
	NAME(BPF_PROG_TYPE_SK_SKB), NAME(BPF_PROG_TYPE_CGROUP_DEVICE),
	NAME(BPF_PROG_TYPE_SK_MSG), NAME(BPF_PROG_TYPE_RAW_TRACEPOINT),
	NAME(BPF_PROG_TYPE_CGROUP_SOCK_ADDR), NAME(BPF_PROG_TYPE_LWT_SEG6LOCAL),
	NAME(BPF_PROG_TYPE_LIRC_MODE2), NAME(BPF_PROG_TYPE_SK_REUSEPORT),
	NAME(BPF_PROG_TYPE_FLOW_DISSECTOR), NAME(BPF_PROG_TYPE_CGROUP_SYSCTL),
	NAME(BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE),
	NAME(BPF_PROG_TYPE_CGROUP_SOCKOPT), NAME(BPF_PROG_TYPE_TRACING),
	NAME(BPF_PROG_TYPE_STRUCT_OPS), NAME(BPF_PROG_TYPE_EXT),
	NAME(BPF_PROG_TYPE_LSM), NAME(BPF_PROG_TYPE_SK_LOOKUP),
	NAME(BPF_PROG_TYPE_SYSCALL),
};

static error_t parse_bw(int key, char *arg, struct argp_state *state)
{
	struct bw_args *a = state->input;

	switch (key) {
	case 'p':
		a->pid = parse_ulong(state, "PID", arg, INT_MAX);
		break;
	case 'c':
		a->comm = parse_comm(state, arg);
		break;
	case 'T':
		a->timestamp = true;
		break;
	case ARGP_KEY_ARG:
		parse_interval_count(state, arg, &a->interval, &a->count,
				     &a->nr_pos);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Table names without the BPF_ / BPF_PROG_TYPE_ prefix, as bpftool. */
static const char *name_of(const char *const *names, size_t nr, __u32 v,
			   size_t skip, char *buf, size_t size)
{
	if (v < nr && names[v])
		return names[v] + skip;
	snprintf(buf, size, "%u", v);
	return buf;
}

static void entry_comm(const struct ktrace_agg_entry *e, char *comm)
{
	memcpy(comm, &e->key[1], 8);
	memcpy(comm + 8, (const char *)&e->key[0] + 4, 4);
	comm[KTRACE_BPFWATCH_COMM_LEN] = '\0';
}

/* By comm, then command, then type. */
static int cmp_bw(const void *pa, const void *pb)
{
	const struct ktrace_agg_entry *x = *(const struct ktrace_agg_entry **)pa;
	const struct ktrace_agg_entry *y = *(const struct ktrace_agg_entry **)pb;
	char cx[KTRACE_BPFWATCH_COMM_LEN + 1], cy[KTRACE_BPFWATCH_COMM_LEN + 1];
	__u32 kx = (__u32)x->key[0], ky = (__u32)y->key[0];
	int c;

	entry_comm(x, cx);
	entry_comm(y, cy);
	c = strcmp(cx, cy);
	if (c)
		return c;
	return kx < ky ? -1 : kx > ky;
}

static double seconds_since(struct timespec *t)
{
	struct timespec now;
	double s;

	clock_gettime(CLOCK_MONOTONIC, &now);
	s = (double)(now.tv_sec - t->tv_sec) +
	    (double)(now.tv_nsec - t->tv_nsec) / 1e9;
	*t = now;
	return s > 0 ? s : 1;
}

/* A row's names: the process, the command, the program type or NULL. */
struct bw_row {
	char comm[KTRACE_BPFWATCH_COMM_LEN + 1];
	const char *cmd;
	const char *prog_type;	/* BPF_PROG_LOAD only */
	char cmd_buf[16], type_buf[16];
};

static void row_names(const struct ktrace_agg_entry *e, struct bw_row *row)
{
	__u32 cmd = KTRACE_BPFWATCH_CMD(e->key[0]);
	__u32 type = KTRACE_BPFWATCH_PROG_TYPE(e->key[0]);

	entry_comm(e, row->comm);
	row->cmd = name_of(cmd_names, sizeof(cmd_names) / sizeof(cmd_names[0]),
			   cmd, 4, row->cmd_buf, sizeof(row->cmd_buf));
	row->prog_type = cmd != BPF_PROG_LOAD ? NULL :
		name_of(prog_type_names,
			sizeof(prog_type_names) / sizeof(prog_type_names[0]),
			type, 14, row->type_buf, sizeof(row->type_buf));
}

void bpfwatch_names(const __u64 key[2], struct bpfwatch_names *bn)
{
	struct ktrace_agg_entry e = { .key = { key[0], key[1] } };
	struct bw_row row;

	row_names(&e, &row);
	memcpy(bn->comm, row.comm, sizeof(bn->comm));
	snprintf(bn->cmd, sizeof(bn->cmd), "%s", row.cmd);
	snprintf(bn->prog_type, sizeof(bn->prog_type), "%s",
		 row.prog_type ? row.prog_type : "");
}

static void print_bw(struct agg_run *r, const struct kt_result *res,
		     const struct ktrace_agg_entry **ents, __u32 n)
{
	struct bw_args *a = r->ctx;
	double secs = seconds_since(&a->last);
	struct bw_row row;
	__u32 i;

	(void)res;
	printf("%-12s %-28s %-24s %8s %8s %9s\n", "COMM", "CMD", "PROG_TYPE",
	       "COUNT", "ERRORS", "RATE/s");
	for (i = 0; i < n; i++) {
		if (!ents[i]->count)
			continue;
		row_names(ents[i], &row);
		printf("%-12s %-28s %-24s %8llu %8llu %9.1f\n", row.comm,
		       row.cmd, row.prog_type ? row.prog_type : "-",
		       (unsigned long long)ents[i]->count,
		       (unsigned long long)ents[i]->sum,
		       (double)ents[i]->count / secs);
	}
}

/* --json: the same rows; prog_type null but for BPF_PROG_LOAD. */
static void json_bw(struct agg_run *r, struct json *j,
		    const struct kt_result *res,
		    const struct ktrace_agg_entry **ents, __u32 n)
{
	struct bw_args *a = r->ctx;
	double secs = seconds_since(&a->last);
	struct bw_row row;
	__u32 i;

	(void)res;
	json_key(j, "rows");
	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		if (!ents[i]->count)
			continue;
		row_names(ents[i], &row);
		json_obj_begin(j);
		json_kstr(j, "comm", row.comm);
		json_kstr(j, "cmd", row.cmd);
		json_key(j, "prog_type");
		if (row.prog_type)
			json_str(j, row.prog_type);
		else
			json_null(j);
		json_ku64(j, "count", ents[i]->count);
		json_ku64(j, "errors", ents[i]->sum);
		json_key(j, "rate");
		json_double(j, (double)ents[i]->count / secs, 1);
		json_obj_end(j);
	}
	json_arr_end(j);
}

int cmd_bpfwatch(int argc, char **argv)
{
	static const struct argp argp = {
		.options = bw_opts,
		.parser = parse_bw,
		.args_doc = "[interval [count]]",
		.doc = bw_doc,
		.children = verbose_children,
	};
	struct bw_args a = { 0 };
	struct agg_run r = {
		.probe = "bpfwatch",
		.noun = "calls",
		.overflow_noun = "calls",
		.verbose_no_start = true,
		.cmp = cmp_bw,
		.print = print_bw,
		.print_json = json_bw,
		.ctx = &a,
	};
	int err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable bpfwatch", &a))
		return EXIT_USAGE;
	r.interval = a.nr_pos ? a.interval : FOREVER;
	r.count = a.count;
	r.timestamp = a.timestamp;

	if (agg_open(&r, true))
		goto out;
	r.en.key = KTRACE_KEY_COMM;
	set_task_filters(&r.en, &r.info, a.pid, a.comm);
	err = agg_enable(&r);
	if (err) {
		warn_err("enable bpfwatch", err);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &a.last);
	fprintf(banner_out(), "Tracing bpf() calls... Hit Ctrl-C to end.\n");
	ret = agg_poll(&r);
out:
	agg_close(&r);
	return ret;
}
