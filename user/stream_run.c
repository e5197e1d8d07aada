// SPDX-License-Identifier: GPL-2.0
/* The streaming commands' ring loop and accounting; see stream_run.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "ktracectl.h"
#include "stream_run.h"

static __u64 ts_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

int stream_open(struct stream_run *s, unsigned long pages, bool check_schema)
{
	char what[64];
	int err;

	s->kt = open_ktrace();
	if (!s->kt)
		return -1;
	if (check_schema &&
	    kt_handshake(s->kt)->record_schema != KTRACE_RECORD_SCHEMA)
		fprintf(stderr, "ktracectl: module record schema %u, built for %u\n",
			kt_handshake(s->kt)->record_schema,
			KTRACE_RECORD_SCHEMA);
	err = find_probe(s->kt, s->probe, &s->info);
	if (err) {
		snprintf(what, sizeof(what), "probe %s", s->probe);
		warn_err(what, err);
		return -1;
	}
	err = kt_ring_setup(s->kt, (__u32)pages, 0);
	if (err) {
		warn_err("ring setup", err);
		return -1;
	}
	memset(&s->en, 0, sizeof(s->en));
	snprintf(s->en.probe, sizeof(s->en.probe), "%s", s->probe);
	return 0;
}

int stream_enable(struct stream_run *s)
{
	char what[64];
	int id;

	s->start_ns = ts_ns(CLOCK_MONOTONIC);
	s->wall_off_ns = (__s64)(ts_ns(CLOCK_REALTIME) - s->start_ns);
	id = kt_enable(s->kt, &s->en);
	if (id < 0) {
		snprintf(what, sizeof(what), "enable %s", s->probe);
		warn_err(what, id);
		return -1;
	}
	s->id = (__u32)id;
	setup_signals();
	return 0;
}

static void report_lost(struct stream_run *s, const struct ktrace_rec *rec)
{
	const struct ktrace_rec_lost *lost = (const void *)rec;
	unsigned long long n = lost->full + lost->too_big + lost->reentrant;

	s->dropped += n;
	if (s->terse_noun)
		fprintf(stderr, "WARNING: %llu %s lost on CPU %u\n", n,
			s->terse_noun, rec->cpu);
	else
		fprintf(stderr,
			"WARNING: %llu records lost on CPU %u (ring full %llu, too big %llu, re-entrant %llu)\n",
			n, rec->cpu, (unsigned long long)lost->full,
			(unsigned long long)lost->too_big,
			(unsigned long long)lost->reentrant);
}

static int handle_rec(void *ctx, const struct ktrace_rec *rec)
{
	struct stream_run *s = ctx;

	if (rec->type == KTRACE_REC_LOST) {
		report_lost(s, rec);
		return 0;
	}
	/* Newer record types are skipped: the length tells how far. */
	if (rec->type != s->rec_type || rec->id != s->id)
		return 0;
	if (s->handle(s, rec) < 0)
		s->malformed++;
	else
		s->delivered++;
	return 0;
}

int stream_poll(struct stream_run *s)
{
	struct kt_lost lost;
	unsigned int cpu;
	int err;

	fflush(stdout);
	while (!exiting && !s->done) {
		err = kt_ring_poll(s->kt, 1000, handle_rec, s);
		fflush(stdout);
		if (err < 0 && err != -EINTR) {
			warn_err("ring", err);
			return EXIT_FAIL;
		}
	}

	/* Disable first: then the rings and counters no longer move. */
	err = kt_disable(s->kt, s->id);
	if (err)
		warn_err("disable", err);
	err = kt_ring_consume(s->kt, handle_rec, s);
	if (err < 0)
		warn_err("ring", err);
	fflush(stdout);
	for (cpu = 0; cpu < kt_ring_count(s->kt); cpu++) {
		if (kt_ring_pending_lost(s->kt, cpu, &lost))
			continue;
		s->dropped += lost.full + lost.too_big + lost.reentrant;
	}
	if (s->malformed)
		fprintf(stderr, "ktracectl: %llu short records skipped\n",
			s->malformed);
	if (!s->terse_noun)
		fprintf(stderr, "seen %llu delivered %llu dropped %llu\n",
			s->delivered + s->dropped, s->delivered, s->dropped);
	else if (s->dropped || env.verbose)
		fprintf(stderr, "%s seen %llu delivered %llu dropped %llu\n",
			s->terse_noun, s->delivered + s->dropped, s->delivered,
			s->dropped);
	return 0;
}

void stream_close(struct stream_run *s)
{
	kt_close(s->kt);
	s->kt = NULL;
}
