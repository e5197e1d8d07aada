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

int agg_open(struct agg_run *r, bool explain_missing)
{
	char what[64];
	int err;

	r->kt = open_ktrace();
	if (!r->kt)
		return -1;
	err = find_probe(r->kt, r->probe, &r->info);
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

	id = kt_enable(r->kt, &r->en);
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

/* One report: read-and-clear, so each interval shows only its own. */
static int print_report(struct agg_run *r)
{
	const struct ktrace_agg_entry **ents;
	struct kt_result res;
	char what[64];
	__u32 i;
	int err;

	err = kt_read(r->kt, r->id, true, &res);
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
	r->print(r, &res, ents, res.rd.nr_entries);
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

static void print_stats(struct agg_run *r)
{
	struct ktrace_stats st;
	char no_start[64] = "";
	int err;

	err = kt_stats(r->kt, r->id, &st);
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
	if (r->drops)
		r->drops(r, &st);
	else
		agg_print_drops(&st, r->noun, r->missed);
}

int agg_poll(struct agg_run *r)
{
	unsigned long elapsed = 0;
	bool done;
	int err;

	setup_signals();
	fflush(stdout);
	do {
		if (!exiting) {
			sleep(r->interval);
			elapsed += r->interval;
		}
		done = exiting || (r->count && --r->count == 0) ||
		       (r->duration && elapsed >= r->duration);
		if (!r->own_header) {
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
	} while (!done && !exiting);
	if (r->detach) {
		printf("Detaching...\n");
		fflush(stdout);
	}
	print_stats(r);
	kt_disable(r->kt, r->id);
	return 0;
}

void agg_close(struct agg_run *r)
{
	kt_close(r->kt);
	r->kt = NULL;
}
