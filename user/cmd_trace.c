// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable trace: one line per call of a kernel function, as bcc's
 * trace prints it, streamed through the event ring.  The probe spec is a
 * subset of bcc's: one function, entry or return, and at most one value
 * printed through a one-conversion format.  On exit it accounts for every
 * record the probe kept: seen = delivered + dropped.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ktracectl.h"
#include "args.h"
#include "stream_run.h"

static const char tr_doc[] =
"Trace a kernel function and print a trace message per call.\n"
"\n"
"USAGE: ktracectl enable trace [--help] [-T] [-t] [-p PID] [-L TID]\n"
"                             [-c COMM] [-b PAGES] PROBE\n"
"\n"
"PROBE is  [p:|r:]FUNCTION [\"FORMAT\"[, ARG]]  (bcc's p:: and r:: too):\n"
"  p: (the default) traces the entry of FUNCTION, r: its return.\n"
"  FORMAT is text with at most one conversion, printed for ARG:\n"
"    %d %u %x     a 32-bit integer (%ld %lld %lu %llu %lx %llx: 64-bit)\n"
"    %s           a NUL-terminated string in user memory\n"
"    %ks          a NUL-terminated string in kernel memory\n"
"    %%           a percent sign\n"
"  ARG is arg1 to arg6 (the function's arguments, as at entry) or, for\n"
"  r: only, retval (integer conversions only).  Strings are read up to\n"
"  127 bytes (\"...\" when cut, \"(fault)\" when unreadable); a return\n"
"  probe reads them at return.  Without FORMAT an entry probe prints\n"
"  nothing more and a return probe the return value, as \"%d\", retval.\n"
"\n"
"Columns: PID (the process), TID (the thread), COMM, FUNC, the message.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable trace 'do_sys_openat2 \"%s\", arg2'\n"
"        # files opened, by any process\n"
"    ktracectl enable trace -c bash 'r:__x64_sys_getppid'\n"
"        # getppid() return values in processes named bash\n"
"    ktracectl enable trace 'r:vfs_read \"%lld\", retval'\n"
"        # vfs_read() results\n"
"    ktracectl enable trace -T 'vfs_unlink \"%llx\", arg3'\n"
"        # with the time of day";

static const struct argp_option tr_opts[] = {
	{ "time", 'T', NULL, 0, "include time column on output (HH:MM:SS)", 0 },
	{ "timestamp", 't', NULL, 0,
	  "include timestamp on output (seconds since start)", 0 },
	{ "pid", 'p', "PID", 0, "id of the process to trace", 0 },
	{ "tid", 'L', "TID", 0, "id of the thread to trace", 0 },
	{ "comm", 'c', "COMM", 0, "only trace tasks of this name", 0 },
	{ "pages", 'b', "PAGES", 0,
	  "Ring data pages per CPU, a power of two (default 64)", 0 },
	{},
};

enum tr_conv { CONV_NONE, CONV_INT, CONV_STR };

struct tr_spec {
	char func[KTRACE_SYMBOL_LEN];
	bool ret;		/* r: */
	char prefix[256];	/* format text before the conversion */
	char suffix[256];	/* and after */
	enum tr_conv conv;
	char ichar;		/* d, u or x */
	bool wide;		/* l or ll: 64-bit */
	bool kstr;		/* %ks */
	int arg;		/* 1-6, 0 for retval */
};

struct tr_args {
	bool time;
	bool timestamp;
	unsigned long pid;
	unsigned long tid;
	const char *comm;
	unsigned long pages;
	const char *probe;
	struct tr_spec spec;
};

/* Appends @c to @buf of @size; false when it does not fit. */
static bool put_char(char *buf, size_t size, size_t *n, char c)
{
	if (*n + 1 >= size)
		return false;
	buf[(*n)++] = c;
	buf[*n] = '\0';
	return true;
}

/* Parses the FORMAT after its opening quote; *pp ends past the closing. */
static const char *parse_format(const char **pp, struct tr_spec *sp)
{
	const char *p = *pp;
	char *out = sp->prefix;
	size_t size = sizeof(sp->prefix), n = 0;
	char c;

	for (;; p++) {
		c = *p;
		if (!c)
			return "FORMAT has no closing quote";
		if (c == '"')
			break;
		if (c == '\\') {
			c = *++p;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c != '\\' && c != '"')
				return "FORMAT escapes are \\\\ \\\" \\n \\t only";
		} else if (c == '%' && p[1] == '%') {
			p++;
		} else if (c == '%') {
			if (sp->conv != CONV_NONE)
				return "FORMAT may have only one conversion";
			p++;
			if (*p == 'l') {
				sp->wide = true;
				p++;
				if (*p == 'l')
					p++;
			}
			if (*p == 'k' && p[1] == 's' && !sp->wide) {
				sp->conv = CONV_STR;
				sp->kstr = true;
				p++;
			} else if (*p == 's' && !sp->wide) {
				sp->conv = CONV_STR;
			} else if (*p == 'd' || *p == 'u' || *p == 'x') {
				sp->conv = CONV_INT;
				sp->ichar = *p;
			} else {
				return "FORMAT conversions are %d %u %x (l, ll), %s, %ks";
			}
			out = sp->suffix;
			size = sizeof(sp->suffix);
			n = 0;
			continue;
		}
		if (!put_char(out, size, &n, c))
			return "FORMAT too long";
	}
	*pp = p + 1;
	return NULL;
}

/* Parses PROBE into @sp; NULL, or what is wrong with it. */
static const char *parse_probe(const char *p, struct tr_spec *sp)
{
	const char *start, *err;
	size_t len;
	char *end;
	long n;

	while (isspace((unsigned char)*p))
		p++;
	if (!strncmp(p, "r:", 2) || !strncmp(p, "p:", 2)) {
		sp->ret = *p == 'r';
		p += 2;
		if (*p == ':')	/* bcc's r::FUNC, an empty library */
			p++;
	}
	start = p;
	if (!isalpha((unsigned char)*p) && *p != '_')
		return "expected a function name";
	while (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
		p++;
	len = (size_t)(p - start);
	if (len >= sizeof(sp->func))
		return "function name too long";
	memcpy(sp->func, start, len);
	sp->func[len] = '\0';
	sp->arg = -1;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '"') {
		p++;
		err = parse_format(&p, sp);
		if (err)
			return err;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == ',') {
			p++;
			while (isspace((unsigned char)*p))
				p++;
			if (!strncmp(p, "retval", 6)) {
				sp->arg = 0;
				p += 6;
			} else if (!strncmp(p, "arg", 3) &&
				   isdigit((unsigned char)p[3])) {
				n = strtol(p + 3, &end, 10);
				if (n < 1 || n > 6)
					return "ARG must be arg1 to arg6 or retval";
				sp->arg = (int)n;
				p = end;
			} else {
				return "ARG must be arg1 to arg6 or retval";
			}
			while (isspace((unsigned char)*p))
				p++;
		}
	} else if (!*p && sp->ret) {
		/* A bare return probe prints its return value. */
		sp->conv = CONV_INT;
		sp->ichar = 'd';
		sp->arg = 0;
	}
	if (*p)
		return "unexpected text after the probe";
	if (sp->conv != CONV_NONE && sp->arg < 0)
		return "FORMAT has a conversion but no ARG";
	if (sp->conv == CONV_NONE && sp->arg >= 0)
		return "ARG given but FORMAT has no conversion";
	if (sp->arg == 0 && !sp->ret)
		return "retval needs a return probe (r:FUNCTION)";
	if (sp->arg == 0 && sp->conv == CONV_STR)
		return "retval can only be printed as an integer";
	return NULL;
}

static error_t parse_tr(int key, char *arg, struct argp_state *state)
{
	struct tr_args *a = state->input;
	const char *err;

	switch (key) {
	case 'T':
		a->time = true;
		break;
	case 't':
		a->timestamp = true;
		break;
	case 'p':
		a->pid = parse_ulong(state, "PID", arg, INT_MAX);
		break;
	case 'L':
		a->tid = parse_ulong(state, "TID", arg, INT_MAX);
		break;
	case 'c':
		a->comm = parse_comm(state, arg);
		break;
	case 'b':
		a->pages = parse_pages(state, arg);
		break;
	case ARGP_KEY_ARG:
		if (a->probe)
			usage_error(state, "only one PROBE can be traced, got '%s' and '%s'",
				    a->probe, arg);
		err = parse_probe(arg, &a->spec);
		if (err)
			usage_error(state, "bad PROBE '%s': %s", arg, err);
		a->probe = arg;
		break;
	case ARGP_KEY_END:
		if (!a->probe)
			usage_error(state, "a PROBE is required");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void print_msg(FILE *f, const struct tr_spec *sp,
		      const struct ktrace_rec_trace *t)
{
	__u64 v = sp->arg ? t->args[sp->arg - 1] : (__u64)t->ret;
	char str[KTRACE_TRACE_STR_LEN + 1];

	fputs(sp->prefix, f);
	if (sp->conv == CONV_STR) {
		if (t->flags & KTRACE_TRACE_REC_STR) {
			memcpy(str, t->str, KTRACE_TRACE_STR_LEN);
			str[KTRACE_TRACE_STR_LEN] = '\0';
			fputs(str, f);
			if (t->flags & KTRACE_TRACE_REC_STR_CUT)
				fputs("...", f);
		} else {
			fputs("(fault)", f);
		}
	} else if (sp->conv == CONV_INT && sp->wide) {
		fprintf(f, sp->ichar == 'd' ? "%lld" : sp->ichar == 'u' ?
			"%llu" : "%llx", (unsigned long long)v);
	} else if (sp->conv == CONV_INT) {
		fprintf(f, sp->ichar == 'd' ? "%d" : sp->ichar == 'u' ? "%u" :
			"%x", (unsigned int)v);
	}
	fputs(sp->suffix, f);
}

/*
 * --json: the record's fields, the message as the text prints it, the
 * return value of a return probe and the string read, when one was.
 */
static void json_trace(const struct stream_run *s,
		       const struct ktrace_rec_trace *t, const char *comm)
{
	const struct tr_args *a = s->ctx;
	char *msg = NULL;
	size_t len = 0;
	struct json j;
	FILE *f;
	int i;

	stream_json_event(s, &j, &t->hdr);
	json_ku64(&j, "pid", t->tgid);
	json_ku64(&j, "tid", t->pid);
	json_kstr(&j, "comm", comm);
	json_kstr(&j, "func", a->spec.func);
	f = open_memstream(&msg, &len);
	if (f) {
		print_msg(f, &a->spec, t);
		fclose(f);
	}
	json_kstrn(&j, "msg", msg ? msg : "", len);
	free(msg);
	json_key(&j, "args");
	json_arr_begin(&j);
	for (i = 0; i < 6; i++)
		json_u64(&j, t->args[i]);
	json_arr_end(&j);
	if (t->flags & KTRACE_TRACE_REC_RETURN)
		json_ks64(&j, "ret", t->ret);
	if (t->flags & KTRACE_TRACE_REC_STR) {
		json_kstrn(&j, "str", t->str, KTRACE_TRACE_STR_LEN);
		json_kbool(&j, "str_cut", t->flags & KTRACE_TRACE_REC_STR_CUT);
	}
	json_line_end(&j);
}

static bool hidden_said;	/* the note on hidden addresses, once */

static int handle_rec(struct stream_run *s, const struct ktrace_rec *rec)
{
	const struct ktrace_rec_trace *t = (const void *)rec;
	const struct tr_args *a = s->ctx;
	char comm[KTRACE_COMM_LEN + 1];

	if (rec->len < sizeof(*t))
		return -EBADMSG;
	memcpy(comm, t->comm, KTRACE_COMM_LEN);
	comm[KTRACE_COMM_LEN] = '\0';
	if ((t->flags & KTRACE_TRACE_REC_KPTR_HIDDEN) && !hidden_said) {
		fprintf(stderr,
			"ktracectl: trace: kernel addresses show as 0 (reading them needs CAP_SYSLOG)\n");
		hidden_said = true;
	}
	if (env.json) {
		json_trace(s, t, comm);
		return 0;
	}
	if (a->time) {
		time_t sec = (time_t)((t->hdr.ts_ns + s->wall_off_ns) /
				      1000000000LL);
		struct tm tm;
		char buf[16];

		localtime_r(&sec, &tm);
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		printf("%-8s ", buf);
	}
	if (a->timestamp)
		printf("%-8.3f ", (double)(t->hdr.ts_ns - s->start_ns) / 1e9);
	printf("%-7u %-7u %-15s %-16s ", t->tgid, t->pid, comm, a->spec.func);
	print_msg(stdout, &a->spec, t);
	putchar('\n');
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	static const struct argp argp = {
		.options = tr_opts,
		.parser = parse_tr,
		.args_doc = "PROBE",
		.doc = tr_doc,
		.children = verbose_children,
	};
	struct tr_args a = { .pages = DEFAULT_PAGES };
	struct stream_run s = {
		.probe = "trace",
		.rec_type = KTRACE_REC_TRACE,
		.handle = handle_rec,
		.ctx = &a,
	};
	const struct tr_spec *sp = &a.spec;
	int ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable trace", &a))
		return EXIT_USAGE;

	if (stream_open(&s, a.pages, true))
		goto out;
	s.en.flags |= KTRACE_ENABLE_SYMBOL;
	snprintf(s.en.symbol, sizeof(s.en.symbol), "%s", sp->func);
	if (sp->ret)
		s.en.opts |= KTRACE_TRACE_OPT_RETPROBE;
	if (sp->conv == CONV_STR) {
		s.en.opts |= (__u64)sp->arg;
		if (sp->kstr)
			s.en.opts |= KTRACE_TRACE_OPT_KSTR;
	}
	set_task_filters(&s.en, &s.info, (__u32)a.pid, a.comm);
	if (a.tid) {
		s.en.flags |= KTRACE_ENABLE_PID;
		s.en.pid = (__u32)a.tid;
	}
	if (stream_enable(&s)) {
		fprintf(stderr, "ktracectl: trace: cannot probe '%s' (is it a kernel function kprobes accept?)\n",
			sp->func);
		goto out;
	}

	if (a.time)
		fprintf(banner_out(), "%-8s ", "TIME");
	if (a.timestamp)
		fprintf(banner_out(), "%-8s ", "TIME(s)");
	fprintf(banner_out(), "%-7s %-7s %-15s %-16s %s\n", "PID", "TID",
		"COMM", "FUNC", sp->conv == CONV_NONE ? "" : "-");
	ret = stream_poll(&s);
out:
	stream_close(&s);
	return ret;
}
