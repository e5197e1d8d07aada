/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the aggregating commands (block_latency, runqlat, funclatency,
 * funccount, syscount) share: open the probe, then every interval
 * read-and-clear its table and print it, sorted, until the count or the
 * duration runs out or Ctrl-C; at exit the instance's drops.  With
 * --json each report and the stats are one JSON line each.  A command
 * fills in its probe, sort and print, sets its filters and key in ->en
 * between agg_open() and agg_enable(), prints its banner and calls
 * agg_poll().
 */
#ifndef __KTRACECTL_AGG_RUN_H
#define __KTRACECTL_AGG_RUN_H

#include <stdbool.h>
#include "json.h"
#include "libktrace.h"

struct agg_run {
	/* Set by the command. */
	const char *probe;
	unsigned long interval;	/* seconds between reports */
	unsigned long count;	/* reports; 0: until Ctrl-C or duration */
	unsigned long duration;	/* seconds; 0: until Ctrl-C or count */
	bool timestamp;		/* -T: HH:MM:SS above each report */
	bool own_header;	/* ->print writes the report's first lines */
	bool detach;		/* "Detaching..." at exit, as bcc */
	bool log2;		/* the results are log2 histograms */
	/* What the drop line counts: "events", "calls"... */
	const char *noun;
	/* What a full table's line counts; with verbose_overflow, -v only. */
	const char *overflow_noun;
	bool verbose_overflow;
	bool verbose_no_start;	/* -v stats show drop_no_start */
	/* Sorts the entries before ->print; NULL keeps the module's order. */
	int (*cmp)(const void *a, const void *b);
	/* Prints one report of @n entries. */
	void (*print)(struct agg_run *r, const struct kt_result *res,
		      const struct ktrace_agg_entry **ents, __u32 n);
	/*
	 * --json: each report is one line {"type":json_type,"probe":...,
	 * "time":...} (json_type NULL: "hist" with ->log2, else "table"),
	 * whose other members ->print_json writes.  Without one: with
	 * ->log2 agg_json_hists(), each entry's "key" written by
	 * ->json_key_value when ->json_key names what splits the
	 * histograms ("disk"); else ->print, writing into ->json.
	 */
	const char *json_type;
	void (*print_json)(struct agg_run *r, struct json *j,
			   const struct kt_result *res,
			   const struct ktrace_agg_entry **ents, __u32 n);
	const char *json_key;
	void (*json_key_value)(struct agg_run *r, struct json *j,
			       const struct ktrace_agg_entry *e);
	/*
	 * The drop line at exit; NULL: agg_print_drops() with ->noun and
	 * ->missed.
	 */
	void (*drops)(struct agg_run *r, const struct ktrace_stats *st);
	/* Probe-side drops too, under this name ("kprobe"...); NULL: none. */
	const char *missed;
	void *ctx;
	/*
	 * Called with each report's entries after it is printed (--heatmap
	 * records them); NULL: nothing.
	 */
	void (*record)(struct agg_run *r, const struct kt_result *res,
		       const struct ktrace_agg_entry **ents, __u32 n);
	void *record_ctx;

	/* Set by agg_open() and agg_enable(). */
	struct backend *be;	/* the module or BPF (backend.h) */
	struct kt *kt;		/* the module's file; NULL with BPF */
	struct ktrace_probe_info info;
	struct ktrace_enable en;	/* zeroed, probe named */
	__u32 id;
	struct json *json;	/* during a --json report: its line */
	bool gone;			/* disabled by another process */
};

/*
 * Opens the device and finds the probe; with @explain_missing a missing
 * probe is explained for ktrace.ko builds without it.  0, or -1 having
 * said why.
 */
int agg_open(struct agg_run *r, bool explain_missing);
/*
 * Enables r->en; with -v says the table's size.  Returns 0 or the
 * -errno, saying nothing: commands explain their own failures.
 */
int agg_enable(struct agg_run *r);
/*
 * The interval loop and the drops at exit (with --json a "stats" line);
 * returns the exit status.
 */
int agg_poll(struct agg_run *r);
void agg_close(struct agg_run *r);

/* Sorts by the first key word, ascending. */
int agg_cmp_key(const void *a, const void *b);
/* "nsecs", "usecs", "msecs", as bcc labels a histogram. */
const char *agg_unit_name(__u32 unit);
/*
 * bcc funclatency's report: a histogram per entry, under "@split = KEY"
 * when @split ("pid", "tid") is not NULL, then the average, total and
 * count over every entry.
 */
void agg_print_latency(const struct kt_result *res,
		       const struct ktrace_agg_entry **ents, __u32 n,
		       const char *split);
/* ->json_key_value for entries keyed by a number in key[0]. */
void agg_json_key0(struct agg_run *r, struct json *j,
		   const struct ktrace_agg_entry *e);
/*
 * "N <noun> dropped (table full, in-flight table full[, re-entrant,
 * <missed> missed])" when anything was.
 */
void agg_print_drops(const struct ktrace_stats *st, const char *noun,
		     const char *missed);
/*
 * --json: "unit", the key's name, and "entries", one per entry with its
 * key, count, sum and non-empty "buckets".
 */
void agg_json_hists(struct agg_run *r, struct json *j,
		    const struct kt_result *res,
		    const struct ktrace_agg_entry **ents, __u32 n);

#endif /* __KTRACECTL_AGG_RUN_H */
