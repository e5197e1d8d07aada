// SPDX-License-Identifier: GPL-2.0
/* The streaming commands' ring loop and accounting; see stream_run.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ktracectl.h"
#include "stream_run.h"
#include "backend.h"

static __u64 ts_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

int stream_open(struct stream_run *s, unsigned long pages, bool check_schema)
{
	unsigned long watermark;
	char what[64];
	int err;

	s->be = backend_open(s->probe);
	if (!s->be)
		return -1;
	s->kt = s->be->kt;
	if (check_schema && be_record_schema(s->be) != KTRACE_RECORD_SCHEMA)
		fprintf(stderr, "ktracectl: module record schema %u, built for %u\n",
			be_record_schema(s->be), KTRACE_RECORD_SCHEMA);
	err = be_probe_info(s->be, s->probe, &s->info);
	if (err) {
		snprintf(what, sizeof(what), "probe %s", s->probe);
		warn_err(what, err);
		return -1;
	}
	/*
	 * Into a terminal each record is printed as it comes.  Into a pipe
	 * or a file nobody watches line by line: the reader sleeps until a
	 * quarter of a CPU's ring is pending or STREAM_BATCH_MS pass, so it
	 * costs one wakeup and one write for many records, not one each.
	 */
	s->batch = !isatty(STDOUT_FILENO);
	watermark = s->batch ? pages * (unsigned long)getpagesize() / 4 : 0;
	err = be_ring_setup(s->be, (__u32)pages, (__u32)watermark);
	if (err) {
		warn_err("ring setup", err);
		return -1;
	}
	err = ledger_init(&s->ledger, be_ring_cpus(s->be));
	if (err) {
		warn_err("ledger", err);
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
	id = be_enable(s->be, &s->en);
	if (id < 0) {
		snprintf(what, sizeof(what), "enable %s", s->probe);
		warn_err(what, id);
		return -1;
	}
	s->id = (__u32)id;
	setup_signals();
	return 0;
}

void stream_json_event(const struct stream_run *s, struct json *j,
		       const struct ktrace_rec *rec)
{
	json_line_begin(j, "event");
	json_kstr(j, "probe", s->probe);
	json_key(j, "time");
	json_time(j, (long long)rec->ts_ns + s->wall_off_ns);
	json_key(j, "ts");
	json_double(j, ((double)rec->ts_ns - (double)s->start_ns) / 1e9, 6);
	json_ku64(j, "cpu", rec->cpu);
}

static void json_lost(const struct stream_run *s,
		      const struct ktrace_rec_lost *lost)
{
	struct json j;

	json_line_begin(&j, "lost");
	json_kstr(&j, "probe", s->probe);
	json_ku64(&j, "cpu", lost->hdr.cpu);
	json_ku64(&j, "ring_full", lost->full);
	json_ku64(&j, "too_big", lost->too_big);
	json_ku64(&j, "reentrant", lost->reentrant);
	json_line_end(&j);
}

static void report_lost(struct stream_run *s, const struct ktrace_rec *rec)
{
	const struct ktrace_rec_lost *lost = (const void *)rec;
	unsigned long long n = lost->full + lost->too_big + lost->reentrant;

	s->dropped += n;
	if (env.json)
		json_lost(s, lost);
	else if (s->terse_noun)
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

	ledger_rec(&s->ledger, rec);
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

/*
 * Whether "ktracectl disable" (or any other file) ended the instance: a
 * quiet poll is the moment to ask.
 */
static bool disabled_elsewhere(struct stream_run *s)
{
	struct ktrace_stats st;

	if (be_stats(s->be, s->id, &st) != -ENOENT)
		return false;
	fprintf(stderr, "ktracectl: %s was disabled by another process\n",
		s->probe);
	return true;
}

/*
 * -v: each CPU's ledger, the kernel's count of the records offered to its
 * ring against those read from it and its drops, LOST or not yet.
 */
static void print_ledger(struct stream_run *s)
{
	struct ledger *l = &s->ledger;
	struct be_ring_cpu rc;
	struct ledger_cpu *c;
	char buf[160];
	unsigned int cpu;
	struct json j;

	for (cpu = 0; cpu < l->nr_cpus; cpu++) {
		c = &l->cpu[cpu];
		if (be_ring_cpu(s->be, cpu, &rc))
			continue;
		c->seen = rc.seen;
		c->dropped += rc.pending.full + rc.pending.too_big +
			      rc.pending.reentrant;
		if (!ledger_cpu_used(c))
			continue;
		if (env.json) {
			json_line_begin(&j, "ledger");
			json_kstr(&j, "probe", s->probe);
			json_ku64(&j, "cpu", cpu);
			json_ku64(&j, "seen", c->seen);
			json_ku64(&j, "delivered", c->delivered);
			json_ku64(&j, "dropped", c->dropped);
			json_line_end(&j);
		} else {
			fprintf(stderr, "%s\n",
				ledger_format(cpu, c, buf, sizeof(buf)));
		}
	}
	if (l->stray)
		fprintf(stderr, "ktracectl: %llu records of no known CPU\n",
			l->stray);
}

int stream_poll(struct stream_run *s)
{
	struct kt_lost lost;
	int err;

	fflush(stdout);
	while (!exiting && !s->done) {
		err = be_ring_poll(s->be, s->batch ? STREAM_BATCH_MS : 1000,
				   handle_rec, s);
		fflush(stdout);
		if (err < 0 && err != -EINTR) {
			warn_err("ring", err);
			return EXIT_FAIL;
		}
		if (!err && disabled_elsewhere(s))
			break;
	}

	/* Disable first: then the rings and counters no longer move. */
	err = be_disable(s->be, s->id);
	if (err && err != -ENOENT)
		warn_err("disable", err);
	err = be_ring_consume(s->be, handle_rec, s);
	if (err < 0)
		warn_err("ring", err);
	fflush(stdout);
	if (!be_ring_pending_lost(s->be, &lost))
		s->dropped += lost.full + lost.too_big + lost.reentrant;
	if (s->malformed)
		fprintf(stderr, "ktracectl: %llu short records skipped\n",
			s->malformed);
	if (env.json) {
		struct json j;

		json_line_begin(&j, "stats");
		json_kstr(&j, "probe", s->probe);
		json_ku64(&j, "seen", s->delivered + s->dropped);
		json_ku64(&j, "delivered", s->delivered);
		json_ku64(&j, "dropped", s->dropped);
		json_line_end(&j);
	} else if (!s->terse_noun) {
		fprintf(stderr, "seen %llu delivered %llu dropped %llu\n",
			s->delivered + s->dropped, s->delivered, s->dropped);
	} else if (s->dropped || env.verbose) {
		fprintf(stderr, "%s seen %llu delivered %llu dropped %llu\n",
			s->terse_noun, s->delivered + s->dropped, s->delivered,
			s->dropped);
	}
	if (env.verbose)
		print_ledger(s);
	return 0;
}

void stream_close(struct stream_run *s)
{
	ledger_free(&s->ledger);
	backend_close(s->be);
	s->be = NULL;
	s->kt = NULL;
}
