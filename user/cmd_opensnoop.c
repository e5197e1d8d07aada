// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable opensnoop: one line per open, openat or openat2, as
 * bcc's opensnoop prints it, streamed through the event ring.  On exit it
 * accounts for every open the probe kept: seen = delivered + dropped.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ktracectl.h"

#define DEFAULT_PAGES	64

static const char os_doc[] =
"Trace open family syscalls.\n"
"\n"
"USAGE: ktracectl enable opensnoop [--help] [-T] [-x] [-e] [-p PID]\n"
"                                 [-n NAME] [-b PAGES]\n"
"\n"
"Columns: process id, process name, file descriptor (-1 on error),\n"
"errno (0 on success) and path.  Records the ring could not hold are\n"
"reported as they are noticed and counted at exit.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable opensnoop           # trace all open() syscalls\n"
"    ktracectl enable opensnoop -T        # include timestamps\n"
"    ktracectl enable opensnoop -x        # only show failed opens\n"
"    ktracectl enable opensnoop -p 181    # only trace PID 181\n"
"    ktracectl enable opensnoop -n main   # only names containing \"main\"\n"
"    ktracectl enable opensnoop -e        # show extended fields (flags)";

static const struct argp_option os_opts[] = {
	{ "timestamp", 'T', NULL, 0, "Print timestamp", 0 },
	{ "failed", 'x', NULL, 0, "Failed opens only", 0 },
	{ "extended-fields", 'e', NULL, 0, "Print extended fields", 0 },
	{ "pid", 'p', "PID", 0, "Process ID to trace", 0 },
	{ "name", 'n', "NAME", 0, "Trace process names containing this", 0 },
	{ "pages", 'b', "PAGES", 0,
	  "Ring data pages per CPU, a power of two (default 64)", 0 },
	{},
};

struct os_args {
	bool timestamp;
	bool failed;
	bool extended;
	__u32 pid;
	const char *name;
	unsigned long pages;
};

static error_t parse_os(int key, char *arg, struct argp_state *state)
{
	struct os_args *a = state->input;

	switch (key) {
	case 'T':
		a->timestamp = true;
		break;
	case 'x':
		a->failed = true;
		break;
	case 'e':
		a->extended = true;
		break;
	case 'p':
		a->pid = parse_ulong(state, "PID", arg, INT_MAX);
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

struct os_ctx {
	__u32 id;
	const struct os_args *args;
	__u64 start_ns;		/* CLOCK_MONOTONIC when enabled */
	unsigned long long delivered, dropped, malformed;
};

static void print_open(struct os_ctx *c, const struct ktrace_rec_open *o)
{
	char comm[KTRACE_COMM_LEN + 1];
	int fd, err;

	memcpy(comm, o->comm, KTRACE_COMM_LEN);
	comm[KTRACE_COMM_LEN] = '\0';
	if (c->args->name && !strstr(comm, c->args->name))
		return;
	if (o->ret >= 0) {
		fd = o->ret;
		err = 0;
	} else {
		fd = -1;
		err = -o->ret;
	}
	if (c->args->timestamp)
		printf("%-8.3f ",
		       (double)(o->hdr.ts_ns - c->start_ns) / 1e9);
	printf("%-6u %-16s %3d %3d ", o->tgid, comm, fd, err);
	if (c->args->extended)
		printf("%08o ", o->flags);
	printf("%.*s\n", KTRACE_PATH_LEN, o->path);
}

static int handle_rec(void *vctx, const struct ktrace_rec *rec)
{
	struct os_ctx *c = vctx;
	const struct ktrace_rec_lost *lost;
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
	case KTRACE_REC_OPEN:
		if (rec->id != c->id)
			return 0;
		if (rec->len < sizeof(struct ktrace_rec_open)) {
			c->malformed++;
			return 0;
		}
		c->delivered++;
		print_open(c, (const void *)rec);
		return 0;
	default:
		/* Newer record types: skipped, the length tells how far. */
		return 0;
	}
}

int cmd_opensnoop(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{},
	};
	static const struct argp argp = {
		.options = os_opts,
		.parser = parse_os,
		.doc = os_doc,
		.children = children,
	};
	struct os_args a = { .pages = DEFAULT_PAGES };
	struct os_ctx c = { .args = &a };
	struct ktrace_probe_info info;
	struct ktrace_enable en;
	struct timespec ts;
	struct kt_lost lost;
	unsigned int cpu;
	struct kt *kt;
	int id, err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable opensnoop", &a))
		return EXIT_USAGE;

	kt = open_ktrace();
	if (!kt)
		return EXIT_FAIL;
	if (kt_handshake(kt)->record_schema != KTRACE_RECORD_SCHEMA)
		fprintf(stderr, "ktracectl: module record schema %u, built for %u\n",
			kt_handshake(kt)->record_schema, KTRACE_RECORD_SCHEMA);
	err = find_probe(kt, "opensnoop", &info);
	if (err) {
		warn_err("probe opensnoop", err);
		goto out;
	}
	err = kt_ring_setup(kt, (__u32)a.pages, 0);
	if (err) {
		warn_err("ring setup", err);
		goto out;
	}

	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "opensnoop");
	if (a.failed)
		en.opts |= KTRACE_OPENSNOOP_FAILED;
	if (a.pid)
		set_pid_filter(&en, &info, a.pid);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	c.start_ns = (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
	id = kt_enable(kt, &en);
	if (id < 0) {
		warn_err("enable opensnoop", id);
		goto out;
	}
	c.id = (__u32)id;

	setup_signals();
	if (a.timestamp)
		printf("%-8s ", "TIME(s)");
	printf("%-6s %-16s %3s %3s ", "PID", "COMM", "FD", "ERR");
	if (a.extended)
		printf("%-8s ", "FLAGS");
	printf("%s\n", "PATH");
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
