// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable execsnoop: one line per exec, as bcc's execsnoop prints
 * it, streamed through the event ring.  On exit it accounts for every
 * exec the probe kept: seen = delivered + dropped.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ktracectl.h"

#define DEFAULT_PAGES	64

static const char es_doc[] =
"Trace exec() syscalls.\n"
"\n"
"USAGE: ktracectl enable execsnoop [--help] [-T] [-t] [-x] [-n NAME]\n"
"                                 [-b PAGES]\n"
"\n"
"Columns: parent process name (the new program's name once the exec\n"
"succeeded), process id, parent process id, return value, filename and\n"
"arguments (\" ...\" when they were cut).  Records the ring could not hold\n"
"are reported as they are noticed and counted at exit.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable execsnoop           # trace all exec() syscalls\n"
"    ktracectl enable execsnoop -x        # include failed exec()s\n"
"    ktracectl enable execsnoop -T        # include time (HH:MM:SS)\n"
"    ktracectl enable execsnoop -t        # include timestamps\n"
"    ktracectl enable execsnoop -n main   # only names containing \"main\"";

static const struct argp_option es_opts[] = {
	{ "time", 'T', NULL, 0, "include time column on output (HH:MM:SS)", 0 },
	{ "timestamp", 't', NULL, 0, "include timestamp on output", 0 },
	{ "fails", 'x', NULL, 0, "include failed exec()s", 0 },
	{ "name", 'n', "NAME", 0,
	  "only print commands whose name contains NAME", 0 },
	{ "pages", 'b', "PAGES", 0,
	  "Ring data pages per CPU, a power of two (default 64)", 0 },
	{},
};

struct es_args {
	bool time;
	bool timestamp;
	bool fails;
	const char *name;
	unsigned long pages;
};

static error_t parse_es(int key, char *arg, struct argp_state *state)
{
	struct es_args *a = state->input;

	switch (key) {
	case 'T':
		a->time = true;
		break;
	case 't':
		a->timestamp = true;
		break;
	case 'x':
		a->fails = true;
		break;
	case 'n':
		if (!*arg || strlen(arg) >= KTRACE_COMM_LEN)
			usage_error(state, "NAME must be 1 to %d characters: '%s'",
				    KTRACE_COMM_LEN - 1, arg);
		a->name = arg;
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

struct es_ctx {
	__u32 id;
	const struct es_args *args;
	__u64 start_ns;		/* CLOCK_MONOTONIC when enabled */
	__s64 wall_off_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	unsigned long long delivered, dropped, malformed;
};

static __u64 ts_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* Prints the filename and arguments, each within data_len. */
static void print_args(const struct ktrace_rec_exec *e)
{
	const char *p = e->data, *end = e->data + e->data_len;
	unsigned int i;
	size_t n;

	for (i = 0; i <= e->nr_args && p < end; i++) {
		n = strnlen(p, (size_t)(end - p));
		printf("%s%.*s", i ? " " : "", (int)n, p);
		p += n + 1;
	}
	if (e->flags & KTRACE_EXEC_TRUNCATED)
		fputs(" ...", stdout);
}

static void print_exec(struct es_ctx *c, const struct ktrace_rec_exec *e)
{
	char comm[KTRACE_COMM_LEN + 1];

	memcpy(comm, e->comm, KTRACE_COMM_LEN);
	comm[KTRACE_COMM_LEN] = '\0';
	if (c->args->name && !strstr(comm, c->args->name))
		return;
	if (c->args->time) {
		time_t t = (time_t)((e->hdr.ts_ns + c->wall_off_ns) /
				    1000000000LL);
		struct tm tm;
		char buf[16];

		localtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		printf("%-8s ", buf);
	}
	if (c->args->timestamp)
		printf("%-8.3f ",
		       (double)(e->hdr.ts_ns - c->start_ns) / 1e9);
	printf("%-16s %-6u %-6u %3d ", comm, e->tgid, e->ppid, e->retval);
	print_args(e);
	putchar('\n');
}

static int handle_rec(void *vctx, const struct ktrace_rec *rec)
{
	struct es_ctx *c = vctx;
	const struct ktrace_rec_lost *lost;
	const struct ktrace_rec_exec *e;
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
	case KTRACE_REC_EXEC:
		if (rec->id != c->id)
			return 0;
		e = (const void *)rec;
		if (rec->len < sizeof(*e) ||
		    e->data_len > rec->len - sizeof(*e)) {
			c->malformed++;
			return 0;
		}
		c->delivered++;
		print_exec(c, e);
		return 0;
	default:
		/* Newer record types: skipped, the length tells how far. */
		return 0;
	}
}

int cmd_execsnoop(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{},
	};
	static const struct argp argp = {
		.options = es_opts,
		.parser = parse_es,
		.doc = es_doc,
		.children = children,
	};
	struct es_args a = { .pages = DEFAULT_PAGES };
	struct es_ctx c = { .args = &a };
	struct ktrace_probe_info info;
	struct ktrace_enable en;
	struct kt_lost lost;
	unsigned int cpu;
	struct kt *kt;
	int id, err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable execsnoop", &a))
		return EXIT_USAGE;

	kt = open_ktrace();
	if (!kt)
		return EXIT_FAIL;
	if (kt_handshake(kt)->record_schema != KTRACE_RECORD_SCHEMA)
		fprintf(stderr, "ktracectl: module record schema %u, built for %u\n",
			kt_handshake(kt)->record_schema, KTRACE_RECORD_SCHEMA);
	err = find_probe(kt, "execsnoop", &info);
	if (err) {
		warn_err("probe execsnoop", err);
		goto out;
	}
	err = kt_ring_setup(kt, (__u32)a.pages, 0);
	if (err) {
		warn_err("ring setup", err);
		goto out;
	}

	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "execsnoop");
	if (a.fails)
		en.opts |= KTRACE_EXECSNOOP_FAILED;
	c.start_ns = ts_ns(CLOCK_MONOTONIC);
	c.wall_off_ns = (__s64)(ts_ns(CLOCK_REALTIME) - c.start_ns);
	id = kt_enable(kt, &en);
	if (id < 0) {
		warn_err("enable execsnoop", id);
		goto out;
	}
	c.id = (__u32)id;

	setup_signals();
	if (a.time)
		printf("%-8s ", "TIME");
	if (a.timestamp)
		printf("%-8s ", "TIME(s)");
	printf("%-16s %-6s %-6s %3s %s\n", "PCOMM", "PID", "PPID", "RET",
	       "ARGS");
	fflush(stdout);
	while (!exiting) {
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
