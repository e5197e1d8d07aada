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
#include "args.h"
#include "linebuf.h"
#include "stream_run.h"

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
		a->pages = parse_pages(state, arg);
		break;
	case ARGP_KEY_ARG:
		usage_error(state, "unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* --json: the record's fields, fd and err as the columns show them. */
static void json_open(const struct stream_run *s,
		      const struct ktrace_rec_open *o, const char *comm,
		      int fd, int err)
{
	struct json j;

	stream_json_event(s, &j, &o->hdr);
	json_ku64(&j, "pid", o->tgid);
	json_ku64(&j, "tid", o->pid);
	json_ku64(&j, "uid", o->uid);
	json_kstr(&j, "comm", comm);
	json_ks64(&j, "fd", fd);
	json_ks64(&j, "err", err);
	json_ks64(&j, "dfd", o->dfd);
	json_ku64(&j, "flags", o->flags);
	json_ku64(&j, "mode", o->mode);
	json_kstrn(&j, "path", o->path, KTRACE_PATH_LEN);
	json_line_end(&j);
}

static void print_open(const struct stream_run *s,
		       const struct ktrace_rec_open *o)
{
	const struct os_args *a = s->ctx;
	char comm[KTRACE_COMM_LEN + 1], flags[16];
	struct linebuf line;
	int fd, err;

	memcpy(comm, o->comm, KTRACE_COMM_LEN);
	comm[KTRACE_COMM_LEN] = '\0';
	if (a->name && !strstr(comm, a->name))
		return;
	if (o->ret >= 0) {
		fd = o->ret;
		err = 0;
	} else {
		fd = -1;
		err = -o->ret;
	}
	if (env.json) {
		json_open(s, o, comm, fd, err);
		return;
	}
	if (a->timestamp)
		printf("%-8.3f ",
		       (double)(o->hdr.ts_ns - s->start_ns) / 1e9);
	/* "%-6u %-16s %3d %3d [%08o ]%s\n", built as execsnoop's lines are. */
	lb_init(&line);
	lb_int(&line, o->tgid, 6, true);
	lb_char(&line, ' ');
	lb_str_left(&line, comm, 16);
	lb_char(&line, ' ');
	lb_int(&line, fd, 3, false);
	lb_char(&line, ' ');
	lb_int(&line, err, 3, false);
	lb_char(&line, ' ');
	if (a->extended) {
		snprintf(flags, sizeof(flags), "%08o ", o->flags);
		lb_strn(&line, flags, sizeof(flags));
	}
	lb_strn(&line, o->path, KTRACE_PATH_LEN);
	lb_char(&line, '\n');
	lb_write(&line, stdout);
}

static int handle_rec(struct stream_run *s, const struct ktrace_rec *rec)
{
	if (rec->len < sizeof(struct ktrace_rec_open))
		return -EBADMSG;
	print_open(s, (const void *)rec);
	return 0;
}

int cmd_opensnoop(int argc, char **argv)
{
	static const struct argp argp = {
		.options = os_opts,
		.parser = parse_os,
		.doc = os_doc,
		.children = verbose_children,
	};
	struct os_args a = { .pages = DEFAULT_PAGES };
	struct stream_run s = {
		.probe = "opensnoop",
		.rec_type = KTRACE_REC_OPEN,
		.handle = handle_rec,
		.ctx = &a,
	};
	int ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable opensnoop", &a))
		return EXIT_USAGE;

	if (stream_open(&s, a.pages, true))
		goto out;
	if (a.failed)
		s.en.opts |= KTRACE_OPENSNOOP_FAILED;
	set_task_filters(&s.en, &s.info, a.pid, NULL);
	if (stream_enable(&s))
		goto out;

	if (a.timestamp)
		fprintf(banner_out(), "%-8s ", "TIME(s)");
	fprintf(banner_out(), "%-6s %-16s %3s %3s ", "PID", "COMM", "FD",
		"ERR");
	if (a.extended)
		fprintf(banner_out(), "%-8s ", "FLAGS");
	fprintf(banner_out(), "%s\n", "PATH");
	ret = stream_poll(&s);
out:
	stream_close(&s);
	return ret;
}
