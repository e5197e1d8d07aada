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
#include "args.h"
#include "linebuf.h"
#include "stream_run.h"

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
		a->pages = parse_pages(state, arg);
		break;
	case ARGP_KEY_ARG:
		usage_error(state, "unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The filename and arguments, each within data_len, space-separated. */
static void line_args(struct linebuf *b, const struct ktrace_rec_exec *e)
{
	const char *p = e->data, *end = e->data + e->data_len;
	unsigned int i;
	size_t n;

	for (i = 0; i <= e->nr_args && p < end; i++) {
		n = strnlen(p, (size_t)(end - p));
		if (i)
			lb_char(b, ' ');
		lb_strn(b, p, n);
		p += n + 1;
	}
	if (e->flags & KTRACE_EXEC_TRUNCATED)
		lb_strn(b, " ...", 4);
}

/*
 * --json: the record's fields, named like the columns: "filename" and
 * "args" (argv[1] on), "truncated" when they were cut.
 */
static void json_exec(const struct stream_run *s,
		      const struct ktrace_rec_exec *e, const char *comm)
{
	const char *p = e->data, *end = e->data + e->data_len;
	struct json j;
	unsigned int i;
	size_t n;

	stream_json_event(s, &j, &e->hdr);
	json_kstr(&j, "pcomm", comm);
	json_ku64(&j, "pid", e->tgid);
	json_ku64(&j, "tid", e->pid);
	json_ku64(&j, "ppid", e->ppid);
	json_ku64(&j, "uid", e->uid);
	json_ks64(&j, "ret", e->retval);
	n = strnlen(p, (size_t)(end - p));
	json_kstrn(&j, "filename", p, n);
	p += n + 1;
	json_key(&j, "args");
	json_arr_begin(&j);
	for (i = 0; i < e->nr_args && p < end; i++) {
		n = strnlen(p, (size_t)(end - p));
		json_strn(&j, p, n);
		p += n + 1;
	}
	json_arr_end(&j);
	json_kbool(&j, "truncated", e->flags & KTRACE_EXEC_TRUNCATED);
	json_line_end(&j);
}

static void print_exec(const struct stream_run *s,
		       const struct ktrace_rec_exec *e)
{
	const struct es_args *a = s->ctx;
	char comm[KTRACE_COMM_LEN + 1];
	struct linebuf line;

	memcpy(comm, e->comm, KTRACE_COMM_LEN);
	comm[KTRACE_COMM_LEN] = '\0';
	if (a->name && !strstr(comm, a->name))
		return;
	if (env.json) {
		json_exec(s, e, comm);
		return;
	}
	if (a->time) {
		time_t t = (time_t)((e->hdr.ts_ns + s->wall_off_ns) /
				    1000000000LL);
		struct tm tm;
		char buf[16];

		localtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		printf("%-8s ", buf);
	}
	if (a->timestamp)
		printf("%-8.3f ",
		       (double)(e->hdr.ts_ns - s->start_ns) / 1e9);
	/*
	 * "%-16s %-6u %-6u %3d " and the arguments, built by hand: printf()
	 * here cost the reader more per exec than the kernel's recording.
	 */
	lb_init(&line);
	lb_str_left(&line, comm, 16);
	lb_char(&line, ' ');
	lb_int(&line, e->tgid, 6, true);
	lb_char(&line, ' ');
	lb_int(&line, e->ppid, 6, true);
	lb_char(&line, ' ');
	lb_int(&line, e->retval, 3, false);
	lb_char(&line, ' ');
	line_args(&line, e);
	lb_char(&line, '\n');
	lb_write(&line, stdout);
}

static int handle_rec(struct stream_run *s, const struct ktrace_rec *rec)
{
	const struct ktrace_rec_exec *e = (const void *)rec;

	if (rec->len < sizeof(*e) || e->data_len > rec->len - sizeof(*e))
		return -EBADMSG;
	print_exec(s, e);
	return 0;
}

int cmd_execsnoop(int argc, char **argv)
{
	static const struct argp argp = {
		.options = es_opts,
		.parser = parse_es,
		.doc = es_doc,
		.children = verbose_children,
	};
	struct es_args a = { .pages = DEFAULT_PAGES };
	struct stream_run s = {
		.probe = "execsnoop",
		.rec_type = KTRACE_REC_EXEC,
		.handle = handle_rec,
		.ctx = &a,
	};
	int ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable execsnoop", &a))
		return EXIT_USAGE;

	if (stream_open(&s, a.pages, true))
		goto out;
	if (a.fails)
		s.en.opts |= KTRACE_EXECSNOOP_FAILED;
	if (stream_enable(&s))
		goto out;

	if (a.time)
		fprintf(banner_out(), "%-8s ", "TIME");
	if (a.timestamp)
		fprintf(banner_out(), "%-8s ", "TIME(s)");
	fprintf(banner_out(), "%-16s %-6s %-6s %3s %s\n", "PCOMM", "PID",
		"PPID", "RET", "ARGS");
	ret = stream_poll(&s);
out:
	stream_close(&s);
	return ret;
}
