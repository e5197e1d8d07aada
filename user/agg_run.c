// SPDX-License-Identifier: GPL-2.0
/* The aggregating commands' interval loop; see agg_run.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ktracectl.h"
#include "agg_run.h"
#include "backend.h"
#include "hist.h"

int agg_open(struct agg_run *r, bool explain_missing)
{
	char what[64];
	int err;

	r->be = backend_open(r->probe);
	if (!r->be)
		return -1;
	r->kt = r->be->kt;
	err = be_probe_info(r->be, r->probe, &r->info);
	if (err == -ENOENT && explain_missing) {
		fprintf(stderr,
			"ktracectl: %s: the loaded ktrace.ko has no %s probe (ktracectl list shows its probes)\n",
			r->probe, r->probe);
		return -1;
	}
	if (err) {
		snprintf(what, sizeof(what), "probe %s", r->probe);
		warn_err(what, err);
		return -1;
	}
	memset(&r->en, 0, sizeof(r->en));
	snprintf(r->en.probe, sizeof(r->en.probe), "%s", r->probe);
	return 0;
}

int agg_enable(struct agg_run *r)
{
	int id;

	id = be_enable(r->be, &r->en);
	if (id < 0)
		return id;
	r->id = (__u32)id;
	if (env.verbose)
		fprintf(stderr, "instance %d: %u entries of %u bytes\n", id,
			r->en.max_entries, r->en.entry_size);
	return 0;
}

int agg_cmp_key(const void *pa, const void *pb)
{
	const struct ktrace_agg_entry *a = *(const struct ktrace_agg_entry **)pa;
	const struct ktrace_agg_entry *b = *(const struct ktrace_agg_entry **)pb;

	if (a->key[0] != b->key[0])
		return a->key[0] < b->key[0] ? -1 : 1;
	return 0;
}

const char *agg_unit_name(__u32 unit)
{
	switch (unit) {
	case KTRACE_UNIT_NSEC:
		return "nsecs";
	case KTRACE_UNIT_USEC:
		return "usecs";
	case KTRACE_UNIT_MSEC:
		return "msecs";
	default:
		return "count";
	}
}

void agg_print_latency(const struct kt_result *res,
		       const struct ktrace_agg_entry **ents, __u32 n,
		       const char *split)
{
	unsigned long long total = 0, count = 0;
	const char *unit = agg_unit_name(res->rd.unit);
	__u32 i;

	for (i = 0; i < n; i++) {
		if (split)
			printf("\n%s = %llu\n", split,
			       (unsigned long long)ents[i]->key[0]);
		else
			printf("\n");
		print_log2_hist(stdout, ents[i]->slots,
				(int)res->rd.nr_slots, unit);
		total += ents[i]->sum;
		count += ents[i]->count;
	}
	/* bcc's summary line, over every process when split. */
	if (count)
		printf("\navg = %llu %s, total: %llu %s, count: %llu\n",
		       total / count, unit, total, unit, count);
}

void agg_json_key0(struct agg_run *r, struct json *j,
		   const struct ktrace_agg_entry *e)
{
	(void)r;
	json_ku64(j, "key", e->key[0]);
}

static long long realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void agg_json_hists(struct agg_run *r, struct json *j,
		    const struct kt_result *res,
		    const struct ktrace_agg_entry **ents, __u32 n)
{
	__u32 i;

	json_kstr(j, "unit", agg_unit_name(res->rd.unit));
	if (r->json_key)
		json_kstr(j, "key", r->json_key);
	json_key(j, "entries");
	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		json_obj_begin(j);
		if (r->json_key)
			r->json_key_value(r, j, ents[i]);
		json_ku64(j, "count", ents[i]->count);
		json_ku64(j, "sum", ents[i]->sum);
		json_key(j, "buckets");
		json_log2_hist(j, ents[i]->slots, (int)res->rd.nr_slots);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void print_json(struct agg_run *r, const struct kt_result *res,
		       const struct ktrace_agg_entry **ents, __u32 n)
{
	struct json j;

	json_line_begin(&j, r->json_type ? r->json_type :
			    r->log2 ? "hist" : "table");
	json_kstr(&j, "probe", r->probe);
	json_key(&j, "time");
	json_time(&j, realtime_ns());
	r->json = &j;
	if (r->print_json)
		r->print_json(r, &j, res, ents, n);
	else if (r->log2)
		agg_json_hists(r, &j, res, ents, n);
	else
		r->print(r, res, ents, n);
	r->json = NULL;
	json_line_end(&j);
}

/* One report: read-and-clear, so each interval shows only its own. */
static int print_report(struct agg_run *r)
{
	const struct ktrace_agg_entry **ents;
	struct kt_result res;
	char what[64];
	__u32 i;
	int err;

	err = be_read(r->be, r->id, true, &res);
	if (err == -ENOENT) {
		fprintf(stderr,
			"ktracectl: %s was disabled by another process\n",
			r->probe);
		r->gone = true;
		return 0;
	}
	if (err) {
		snprintf(what, sizeof(what), "read %s", r->probe);
		warn_err(what, err);
		return err;
	}
	if (r->log2 && res.rd.nr_entries && res.rd.hist != KTRACE_HIST_LOG2)
		fprintf(stderr, "ktracectl: unexpected histogram kind %u\n",
			res.rd.hist);
	ents = calloc(res.rd.nr_entries + 1, sizeof(*ents));
	if (!ents) {
		kt_result_free(&res);
		return -ENOMEM;
	}
	for (i = 0; i < res.rd.nr_entries; i++)
		ents[i] = kt_result_entry(&res, i);
	if (r->cmp)
		qsort(ents, res.rd.nr_entries, sizeof(*ents), r->cmp);
	if (env.json)
		print_json(r, &res, ents, res.rd.nr_entries);
	else
		r->print(r, &res, ents, res.rd.nr_entries);
	if (r->record)
		r->record(r, &res, ents, res.rd.nr_entries);
	if (res.rd.overflow && (env.verbose || !r->verbose_overflow))
		fprintf(stderr, "ktracectl: %llu %s did not fit the table\n",
			(unsigned long long)res.rd.overflow,
			r->overflow_noun);
	free(ents);
	kt_result_free(&res);
	return 0;
}

void agg_print_drops(const struct ktrace_stats *st, const char *noun,
		     const char *missed)
{
	unsigned long long dropped;

	/* Work already under way when enabled (drop_no_start) is not lost. */
	dropped = st->drop_table_full + st->drop_inflight_full;
	if (missed)
		dropped += st->drop_ring_full + st->drop_too_big +
			   st->drop_reentrant + st->missed;
	if (!dropped)
		return;
	if (missed)
		fprintf(stderr,
			"ktracectl: %llu %s dropped (table full %llu, in-flight table full %llu, re-entrant %llu, %s missed %llu)\n",
			dropped, noun, (unsigned long long)st->drop_table_full,
			(unsigned long long)st->drop_inflight_full,
			(unsigned long long)st->drop_reentrant, missed,
			(unsigned long long)st->missed);
	else
		fprintf(stderr,
			"ktracectl: %llu %s dropped (table full %llu, in-flight table full %llu)\n",
			dropped, noun, (unsigned long long)st->drop_table_full,
			(unsigned long long)st->drop_inflight_full);
}

/*
 * --json: the stats line.  "lost" is what the text drop line counts:
 * every drop but no_start (work under way when enabled), and the
 * kprobe's misses.
 */
static void json_stats(struct agg_run *r, const struct ktrace_stats *st)
{
	struct json j;

	json_line_begin(&j, "stats");
	json_kstr(&j, "probe", r->probe);
	json_ku64(&j, "hits", st->hits);
	json_ku64(&j, "filtered", st->filtered);
	json_ku64(&j, "recorded", st->recorded);
	json_key(&j, "drops");
	json_obj_begin(&j);
	json_ku64(&j, "table_full", st->drop_table_full);
	json_ku64(&j, "inflight_full", st->drop_inflight_full);
	json_ku64(&j, "ring_full", st->drop_ring_full);
	json_ku64(&j, "too_big", st->drop_too_big);
	json_ku64(&j, "reentrant", st->drop_reentrant);
	json_ku64(&j, "no_start", st->drop_no_start);
	json_obj_end(&j);
	json_ku64(&j, "missed", st->missed);
	json_ku64(&j, "lost", st->drop_table_full + st->drop_inflight_full +
		  st->drop_ring_full + st->drop_too_big +
		  st->drop_reentrant + st->missed);
	json_line_end(&j);
}

static void print_stats(struct agg_run *r)
{
	struct ktrace_stats st;
	char no_start[64] = "";
	int err;

	err = be_stats(r->be, r->id, &st);
	if (err) {
		warn_err("stats", err);
		return;
	}
	if (r->verbose_no_start)
		snprintf(no_start, sizeof(no_start), " no-start %llu",
			 (unsigned long long)st.drop_no_start);
	if (env.verbose)
		fprintf(stderr,
			"ktracectl: hits %llu filtered %llu recorded %llu%s, %.0f ns per hit\n",
			(unsigned long long)st.hits,
			(unsigned long long)st.filtered,
			(unsigned long long)st.recorded, no_start,
			st.time_samples ? (double)st.time_ns / st.time_samples : 0.0);
	if (env.json)
		json_stats(r, &st);
	else if (r->drops)
		r->drops(r, &st);
	else
		agg_print_drops(&st, r->noun, r->missed);
}

/*
 * Sleeps one interval, waking each second to notice soon when another
 * process disabled the instance (ktracectl disable): the read that
 * follows then says so.  Returns the seconds slept.
 */
static unsigned long wait_interval(struct agg_run *r)
{
	struct timespec deadline, next, now;
	struct ktrace_stats st;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)r->interval;
	while (!exiting) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > deadline.tv_sec ||
		    (now.tv_sec == deadline.tv_sec &&
		     now.tv_nsec >= deadline.tv_nsec))
			break;
		next = now;
		next.tv_sec++;
		if (next.tv_sec > deadline.tv_sec ||
		    (next.tv_sec == deadline.tv_sec &&
		     next.tv_nsec > deadline.tv_nsec))
			next = deadline;
		/* A signal (Ctrl-C) interrupts it and sets exiting. */
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		if (be_stats(r->be, r->id, &st) == -ENOENT)
			break;
	}
	return r->interval;
}

int agg_poll(struct agg_run *r)
{
	unsigned long elapsed = 0;
	bool done;
	int err;

	setup_signals();
	fflush(stdout);
	do {
		if (!exiting)
			elapsed += wait_interval(r);
		done = exiting || (r->count && --r->count == 0) ||
		       (r->duration && elapsed >= r->duration);
		if (!r->own_header && !env.json) {
			printf("\n");
			if (r->timestamp) {
				char ts[32];
				time_t t = time(NULL);

				strftime(ts, sizeof(ts), "%H:%M:%S",
					 localtime(&t));
				printf("%-8s\n", ts);
			}
		}
		err = print_report(r);
		fflush(stdout);
		if (err)
			return EXIT_FAIL;
	} while (!done && !exiting && !r->gone);
	if (r->gone)
		return 0;
	if (r->detach) {
		fprintf(banner_out(), "Detaching...\n");
		fflush(banner_out());
	}
	print_stats(r);
	be_disable(r->be, r->id);
	return 0;
}

void agg_close(struct agg_run *r)
{
	backend_close(r->be);
	r->be = NULL;
	r->kt = NULL;
}
