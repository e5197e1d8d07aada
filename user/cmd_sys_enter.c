// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable sys_enter: one line per system call entry, streamed
 * through the event ring.  On exit it accounts for every event the probe
 * kept: seen = delivered + dropped.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ktracectl.h"
#include "args.h"
#include "stream_run.h"

static const char se_doc[] =
"Print system call entries as they happen.\n"
"\n"
"USAGE: ktracectl enable sys_enter [--help] [-p PID] [-c COMM] [-n MAX]\n"
"                                 [-b PAGES]\n"
"\n"
"Columns: seconds since start, CPU, task id, task name, syscall number\n"
"and its first two arguments.  Records the ring could not hold are\n"
"reported as they are noticed and counted at exit.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable sys_enter              # every syscall, until Ctrl-C\n"
"    ktracectl enable sys_enter -p 181       # process 181 only\n"
"    ktracectl enable sys_enter -c dd -n 100 # first 100 syscalls of dd\n"
"    ktracectl enable sys_enter -b 512       # 512 ring pages per CPU";

static const struct argp_option se_opts[] = {
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{ "max", 'n', "MAX", 0, "Exit after printing MAX records", 0 },
	{ "pages", 'b', "PAGES", 0,
	  "Ring data pages per CPU, a power of two (default 64)", 0 },
	{},
};

struct se_args {
	__u32 pid;
	const char *comm;
	unsigned long max;
	unsigned long pages;
};

static error_t parse_se(int key, char *arg, struct argp_state *state)
{
	struct se_args *a = state->input;

	switch (key) {
	case 'p':
		a->pid = parse_ulong(state, "PID", arg, INT_MAX);
		break;
	case 'c':
		a->comm = parse_comm(state, arg);
		break;
	case 'n':
		a->max = parse_ulong(state, "MAX", arg, ULONG_MAX);
		break;
	case 'b':
		a->pages = parse_pages(state, arg);
		break;
	case ARGP_KEY_ARG:
		usage_error(state, "unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct se_ctx {
	unsigned long max, printed;
};

/* --json: the record's fields, "args" all six. */
static void json_rec(const struct stream_run *s,
		     const struct ktrace_rec_syscall *sc)
{
	struct json j;
	int i;

	stream_json_event(s, &j, &sc->hdr);
	json_ku64(&j, "pid", sc->tgid);
	json_ku64(&j, "tid", sc->pid);
	json_kstrn(&j, "comm", sc->comm, KTRACE_COMM_LEN);
	json_ks64(&j, "nr", sc->nr);
	json_key(&j, "args");
	json_arr_begin(&j);
	for (i = 0; i < 6; i++)
		json_u64(&j, sc->args[i]);
	json_arr_end(&j);
	json_line_end(&j);
}

static int handle_rec(struct stream_run *s, const struct ktrace_rec *rec)
{
	const struct ktrace_rec_syscall *sc = (const void *)rec;
	struct se_ctx *c = s->ctx;

	if (rec->len < sizeof(*sc))
		return -EBADMSG;
	/* Past -n MAX, records are counted, not shown. */
	if (s->done)
		return 0;
	if (env.json)
		json_rec(s, sc);
	else
		printf("%-12.6f %-3u %-7u %-16.*s %-4lld 0x%-16llx 0x%llx\n",
		       (double)(rec->ts_ns - s->start_ns) / 1e9, rec->cpu,
		       sc->pid, KTRACE_COMM_LEN, sc->comm, (long long)sc->nr,
		       (unsigned long long)sc->args[0],
		       (unsigned long long)sc->args[1]);
	if (c->max && ++c->printed >= c->max)
		s->done = true;
	return 0;
}

int cmd_sys_enter(int argc, char **argv)
{
	static const struct argp argp = {
		.options = se_opts,
		.parser = parse_se,
		.doc = se_doc,
		.children = verbose_children,
	};
	struct se_args a = { .pages = DEFAULT_PAGES };
	struct se_ctx c = { 0 };
	struct stream_run s = {
		.probe = "sys_enter",
		.rec_type = KTRACE_REC_SYSCALL,
		.handle = handle_rec,
		.ctx = &c,
	};
	int ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable sys_enter", &a))
		return EXIT_USAGE;
	c.max = a.max;

	if (stream_open(&s, a.pages, true))
		goto out;
	set_task_filters(&s.en, &s.info, a.pid, a.comm);
	if (stream_enable(&s))
		goto out;

	fprintf(banner_out(), "%-12s %-3s %-7s %-16s %-4s %-18s %s\n",
		"TIME(s)", "CPU", "PID", "COMM", "NR", "ARG0", "ARG1");
	ret = stream_poll(&s);
out:
	stream_close(&s);
	return ret;
}
