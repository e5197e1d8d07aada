// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A minimal custom consumer of ktrace: streams exec events with nothing but
 * libktrace (build with `pkg-config --cflags --libs libktrace`).
 *
 *   execsnoop_min [MAX]     print execs, stop after MAX of them
 *
 * Each line: comm, pid, ppid, return value, filename.  LOST records are
 * counted and reported at the end, so the output accounts for every exec.
 */
#include <errno.h>
#include <libktrace.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t stop;

struct state {
	unsigned long seen, max;
	unsigned long long lost;
};

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_record(void *ctx, const struct ktrace_rec *rec)
{
	const struct ktrace_rec_exec *e = (const void *)rec;
	const struct ktrace_rec_lost *l = (const void *)rec;
	struct state *st = ctx;

	if (rec->type == KTRACE_REC_LOST) {
		st->lost += l->full + l->too_big + l->reentrant;
		return 0;
	}
	if (rec->type != KTRACE_REC_EXEC)
		return 0;
	/* data: the filename first, NUL-terminated, then the arguments. */
	printf("%-16.16s %-7u %-7u %-4d %s\n", e->comm, e->pid, e->ppid,
	       e->retval, e->data_len ? e->data : "");
	if (st->max && ++st->seen >= st->max)
		stop = 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct ktrace_enable en = { 0 };
	struct state st = { 0 };
	struct kt *kt;
	int err;

	if (argc > 1)
		st.max = strtoul(argv[1], NULL, 10);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	/* Open /dev/ktrace; the handshake checks the ABI. */
	err = kt_open(&kt);
	if (err) {
		fprintf(stderr, "execsnoop_min: cannot open %s: %s%s\n",
			KTRACE_DEVICE, strerror(-err),
			err == -ENOENT ? " (is ktrace.ko loaded?)" : "");
		return 1;
	}
	/* Rings first: 8 pages per CPU, wake on any record. */
	err = kt_ring_setup(kt, 8, 0);
	if (err)
		goto out;
	strcpy(en.probe, "execsnoop");
	err = kt_enable(kt, &en);
	if (err < 0)
		goto out;
	printf("%-16s %-7s %-7s %-4s %s\n", "PCOMM", "PID", "PPID", "RET",
	       "FILENAME");
	fflush(stdout);

	/* Poll and drain until MAX execs or a signal. */
	while (!stop) {
		err = kt_ring_poll(kt, 100, on_record, &st);
		if (err < 0 && err != -EINTR)	/* a signal is how we stop */
			goto out;
		fflush(stdout);
	}
	err = 0;
	if (st.lost)
		fprintf(stderr, "execsnoop_min: %llu execs lost\n", st.lost);
out:
	if (err)
		fprintf(stderr, "execsnoop_min: %s\n", kt_strerror(err));
	kt_close(kt);
	return err ? 1 : 0;
}
