// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable tcplife: one line per TCP session when it closes, with
 * the options and output of bcc's tcplife.  The kernel streams every
 * session; the pid, family and port filters are applied here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "ktracectl.h"
#include "args.h"
#include "stream_run.h"

#define MAX_PORTS	16

static const char tl_doc[] =
"Trace the lifespan of TCP sessions and summarize.\n"
"\n"
"USAGE: ktracectl enable tcplife [--help] [-T] [-t] [-w] [-B] [-4|-6]\n"
"                               [-p PID] [-L LPORTS] [-D RPORTS]\n"
"\n"
"TX_KB is the data the peer acknowledged, RX_KB the data received\n"
"(the kernel's bytes_acked and bytes_received); MS the time from the\n"
"session's first state change to its close.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable tcplife             # trace all TCP connect()s\n"
"    ktracectl enable tcplife -t          # include time column (HH:MM:SS)\n"
"    ktracectl enable tcplife -w          # wider columns (fit IPv6)\n"
"    ktracectl enable tcplife -p 181      # only trace PID 181\n"
"    ktracectl enable tcplife -L 80       # only trace local port 80\n"
"    ktracectl enable tcplife -L 80,81    # only trace local ports 80 and 81\n"
"    ktracectl enable tcplife -D 80       # only trace remote port 80\n"
"    ktracectl enable tcplife -4          # only trace IPv4 family\n"
"    ktracectl enable tcplife -B          # TX and RX in bytes";

static const struct argp_option tl_opts[] = {
	{ "time", 'T', NULL, 0, "Include time column on output (HH:MM:SS)",
	  0 },
	{ "timestamp", 't', NULL, 0,
	  "Include timestamp on output (seconds since start)", 0 },
	{ "wide", 'w', NULL, 0, "Wide column output (fits IPv6 addresses)",
	  0 },
	{ "pid", 'p', "PID", 0, "Trace this PID only", 0 },
	{ "localport", 'L', "LPORTS", 0,
	  "Comma-separated list of local ports to trace", 0 },
	{ "remoteport", 'D', "RPORTS", 0,
	  "Comma-separated list of remote ports to trace", 0 },
	{ "ipv4", '4', NULL, 0, "Trace IPv4 family only", 0 },
	{ "ipv6", '6', NULL, 0, "Trace IPv6 family only", 0 },
	{ "bytes", 'B', NULL, 0, "TX and RX in bytes (TX_B, RX_B)", 0 },
	{},
};

struct tl_args {
	bool time, timestamp, wide, bytes;
	__u32 pid;
	int family;
	__u16 lports[MAX_PORTS], rports[MAX_PORTS];
	int nr_lports, nr_rports;
};

static int parse_ports(const struct argp_state *state, const char *what,
		       char *arg, __u16 *ports)
{
	char *tok, *save = NULL;
	int n = 0;

	for (tok = strtok_r(arg, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == MAX_PORTS)
			usage_error(state, "at most %d %s", MAX_PORTS, what);
		ports[n++] = (__u16)parse_ulong(state, what, tok, 65535);
	}
	if (!n)
		usage_error(state, "invalid %s: '%s'", what, arg);
	return n;
}

static error_t parse_tl(int key, char *arg, struct argp_state *state)
{
	struct tl_args *a = state->input;

	switch (key) {
	case 'T':
		a->time = true;
		break;
	case 't':
		a->timestamp = true;
		break;
	case 'w':
		a->wide = true;
		break;
	case 'B':
		a->bytes = true;
		break;
	case 'p':
		a->pid = parse_ulong(state, "PID", arg, INT_MAX);
		break;
	case 'L':
		a->nr_lports = parse_ports(state, "local port", arg, a->lports);
		break;
	case 'D':
		a->nr_rports = parse_ports(state, "remote port", arg,
					   a->rports);
		break;
	case '4':
	case '6':
		if (a->family)
			usage_error(state, "-4 and -6 cannot be combined");
		a->family = key == '4' ? AF_INET : AF_INET6;
		break;
	case ARGP_KEY_ARG:
		usage_error(state, "unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static bool port_in(__u16 port, const __u16 *ports, int n)
{
	int i;

	if (!n)
		return true;
	for (i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

static void print_header(const struct tl_args *a)
{
	FILE *f = banner_out();
	int w = a->wide ? 39 : 15;

	if (a->time)
		fprintf(f, "%-8s ", "TIME");
	if (a->timestamp)
		fprintf(f, "%-9s ", "TIME(s)");
	fprintf(f, "%-7s %-16s %-*s %-5s %-*s %-5s %6s %6s %s\n", "PID",
		"COMM", w, "LADDR", "LPORT", w, "RADDR", "RPORT",
		a->bytes ? "TX_B" : "TX_KB", a->bytes ? "RX_B" : "RX_KB", "MS");
}

/* The local and remote addresses as text, "?" when not IPv4 or IPv6. */
static void addr_strs(const struct ktrace_rec_tcp *t,
		      char saddr[INET6_ADDRSTRLEN],
		      char daddr[INET6_ADDRSTRLEN])
{
	if (!inet_ntop(t->family, t->saddr, saddr, INET6_ADDRSTRLEN))
		snprintf(saddr, INET6_ADDRSTRLEN, "?");
	if (!inet_ntop(t->family, t->daddr, daddr, INET6_ADDRSTRLEN))
		snprintf(daddr, INET6_ADDRSTRLEN, "?");
}

/* --json: the record's fields; bytes and duration exact, not in KB or ms. */
static void json_tcp(const struct stream_run *s,
		     const struct ktrace_rec_tcp *t)
{
	char saddr[INET6_ADDRSTRLEN], daddr[INET6_ADDRSTRLEN];
	struct json j;

	addr_strs(t, saddr, daddr);
	stream_json_event(s, &j, &t->hdr);
	json_ku64(&j, "pid", t->tgid);
	json_ku64(&j, "tid", t->pid);
	json_kstrn(&j, "comm", t->comm, KTRACE_COMM_LEN);
	json_ku64(&j, "ip", t->family == AF_INET6 ? 6 : 4);
	json_kstr(&j, "laddr", saddr);
	json_ku64(&j, "lport", t->sport);
	json_kstr(&j, "raddr", daddr);
	json_ku64(&j, "rport", t->dport);
	json_ku64(&j, "tx_bytes", t->tx_bytes);
	json_ku64(&j, "rx_bytes", t->rx_bytes);
	json_ku64(&j, "duration_ns", t->duration_ns);
	json_line_end(&j);
}

static void print_tcp(const struct stream_run *s,
		      const struct ktrace_rec_tcp *t)
{
	const struct tl_args *a = s->ctx;
	char saddr[INET6_ADDRSTRLEN], daddr[INET6_ADDRSTRLEN];
	int w = a->wide ? 39 : 15;

	addr_strs(t, saddr, daddr);
	if (a->time) {
		char ts[32];
		time_t now = time(NULL);

		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
		printf("%-8s ", ts);
	}
	if (a->timestamp)
		printf("%-9.3f ", (double)(t->hdr.ts_ns - s->start_ns) / 1e9);
	printf("%-7u %-16.*s %-*s %-5u %-*s %-5u ", t->pid,
	       KTRACE_COMM_LEN, t->comm[0] ? t->comm : "?", w, saddr,
	       t->sport, w, daddr, t->dport);
	if (a->bytes)
		printf("%6llu %6llu ", (unsigned long long)t->tx_bytes,
		       (unsigned long long)t->rx_bytes);
	else
		printf("%6llu %6llu ", (unsigned long long)t->tx_bytes / 1024,
		       (unsigned long long)t->rx_bytes / 1024);
	printf("%.2f\n", (double)t->duration_ns / 1e6);
}

static int handle_rec(struct stream_run *s, const struct ktrace_rec *rec)
{
	const struct ktrace_rec_tcp *t = (const void *)rec;
	const struct tl_args *a = s->ctx;

	if (rec->len < sizeof(*t))
		return -EBADMSG;
	if ((a->pid && t->tgid != a->pid) ||
	    (a->family && t->family != a->family) ||
	    !port_in(t->sport, a->lports, a->nr_lports) ||
	    !port_in(t->dport, a->rports, a->nr_rports))
		return 0;
	if (env.json)
		json_tcp(s, t);
	else
		print_tcp(s, t);
	return 0;
}

int cmd_tcplife(int argc, char **argv)
{
	static const struct argp argp = {
		.options = tl_opts,
		.parser = parse_tl,
		.doc = tl_doc,
		.children = verbose_children,
	};
	struct tl_args a = { 0 };
	struct stream_run s = {
		.probe = "tcplife",
		.rec_type = KTRACE_REC_TCP,
		.handle = handle_rec,
		.ctx = &a,
		.terse_noun = "sessions",
	};
	int ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable tcplife", &a))
		return EXIT_USAGE;

	if (stream_open(&s, DEFAULT_PAGES, false))
		goto out;
	if (stream_enable(&s))
		goto out;

	print_header(&a);
	ret = stream_poll(&s);
out:
	stream_close(&s);
	return ret;
}
