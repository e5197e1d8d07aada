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
#include <time.h>
#include "ktracectl.h"

#define DEFAULT_PAGES	64

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
		if (strlen(arg) >= KTRACE_COMM_LEN)
			usage_error(state, "COMM longer than %d characters: '%s'",
				    KTRACE_COMM_LEN - 1, arg);
		a->comm = arg;
		break;
	case 'n':
		a->max = parse_ulong(state, "MAX", arg, ULONG_MAX);
		break;
	case 'b':
		a->pages = parse_ulong(state, "PAGES", arg,
				       KTRACE_RING_MAX_PAGES);
		if (a->pages & (a->pages - 1))
			usage_error(state, "PAGES must be a power of two: '%s'",
				    arg);
		break;
	case ARGP_KEY_ARG:
		usage_error(state, "unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct se_ctx {
	__u32 id;
	__u64 start_ns;
	unsigned long max;
	unsigned long long delivered, dropped, printed, malformed;
	bool done;
};

static int handle_rec(void *vctx, const struct ktrace_rec *rec)
{
	struct se_ctx *c = vctx;
	const struct ktrace_rec_lost *lost;
	const struct ktrace_rec_syscall *sc;
	unsigned long long n;

	switch (rec->type) {
	case KTRACE_REC_LOST:
		lost = (const void *)rec;
		n = lost->full + lost->too_big + lost->reentrant;
		c->dropped += n;
		fprintf(stderr,
			"WARNING: %llu records lost on CPU %u (ring full %llu, too big %llu, re-entrant %llu)\n",
			n, rec->cpu, (unsigned long long)lost->full,
			(unsigned long long)lost->too_big,
			(unsigned long long)lost->reentrant);
		return 0;
	case KTRACE_REC_SYSCALL:
		if (rec->id != c->id)
			return 0;
		if (rec->len < sizeof(*sc)) {
			c->malformed++;
			return 0;
		}
		c->delivered++;
		/* Past -n MAX, records are counted, not shown. */
		if (c->done)
			return 0;
		sc = (const void *)rec;
		printf("%-12.6f %-3u %-7u %-16.*s %-4lld 0x%-16llx 0x%llx\n",
		       (double)(rec->ts_ns - c->start_ns) / 1e9, rec->cpu,
		       sc->pid, KTRACE_COMM_LEN, sc->comm, (long long)sc->nr,
		       (unsigned long long)sc->args[0],
		       (unsigned long long)sc->args[1]);
		if (c->max && ++c->printed >= c->max)
			c->done = true;
		return 0;
	default:
		/* Newer record types: skipped, the length tells how far. */
		return 0;
	}
}

int cmd_sys_enter(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{},
	};
	static const struct argp argp = {
		.options = se_opts,
		.parser = parse_se,
		.doc = se_doc,
		.children = children,
	};
	struct se_args a = { .pages = DEFAULT_PAGES };
	struct se_ctx c = { 0 };
	struct ktrace_probe_info info;
	struct ktrace_enable en;
	struct timespec ts;
	struct kt_lost lost;
	unsigned int cpu;
	struct kt *kt;
	int id, err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable sys_enter", &a))
		return EXIT_USAGE;
	c.max = a.max;

	kt = open_ktrace();
	if (!kt)
		return EXIT_FAIL;
	if (kt_handshake(kt)->record_schema != KTRACE_RECORD_SCHEMA)
		fprintf(stderr, "ktracectl: module record schema %u, built for %u\n",
			kt_handshake(kt)->record_schema, KTRACE_RECORD_SCHEMA);
	err = find_probe(kt, "sys_enter", &info);
	if (err) {
		warn_err("probe sys_enter", err);
		goto out;
	}
	err = kt_ring_setup(kt, (__u32)a.pages, 0);
	if (err) {
		warn_err("ring setup", err);
		goto out;
	}

	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "sys_enter");
	if (a.pid)
		set_pid_filter(&en, &info, a.pid);
	if (a.comm) {
		en.flags |= KTRACE_ENABLE_COMM;
		snprintf(en.comm, sizeof(en.comm), "%s", a.comm);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	c.start_ns = (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
	id = kt_enable(kt, &en);
	if (id < 0) {
		warn_err("enable sys_enter", id);
		goto out;
	}
	c.id = (__u32)id;

	setup_signals();
	printf("%-12s %-3s %-7s %-16s %-4s %-18s %s\n", "TIME(s)", "CPU",
	       "PID", "COMM", "NR", "ARG0", "ARG1");
	while (!exiting && !c.done) {
		err = kt_ring_poll(kt, 1000, handle_rec, &c);
		fflush(stdout);
		if (err < 0 && err != -EINTR) {
			warn_err("ring", err);
			goto out;
		}
	}

	/* Disable first: then the rings and counters no longer move. */
	err = kt_disable(kt, c.id);
	if (err)
		warn_err("disable", err);
	err = kt_ring_consume(kt, handle_rec, &c);
	if (err < 0)
		warn_err("ring", err);
	fflush(stdout);
	for (cpu = 0; cpu < kt_ring_count(kt); cpu++) {
		if (kt_ring_pending_lost(kt, cpu, &lost))
			continue;
		c.dropped += lost.full + lost.too_big + lost.reentrant;
	}
	if (c.malformed)
		fprintf(stderr, "ktracectl: %llu short records skipped\n",
			c.malformed);
	fprintf(stderr, "seen %llu delivered %llu dropped %llu\n",
		c.delivered + c.dropped, c.delivered, c.dropped);
	ret = 0;
out:
	kt_close(kt);
	return ret;
}
