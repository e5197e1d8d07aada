/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency heatmaps as self-contained SVG, for the histogram commands'
 * --heatmap: one column per interval report, one row per log2 bucket
 * (slot i holds [2^i, 2^(i+1)), slot 0 [0, 2)), each cell coloured by its
 * count from white (none) to dark, with a tooltip.  Where a histogram
 * shows one interval, the heatmap shows how the distribution moves: a
 * second mode appearing, a tail growing.
 */
#ifndef __KTRACECTL_HEATMAP_H
#define __KTRACECTL_HEATMAP_H

#include <stdio.h>
#include <time.h>
#include <linux/types.h>

struct heatmap;
struct agg_run;
struct kt_result;
struct ktrace_agg_entry;

struct heatmap_opts {
	const char *title;	/* "Block I/O latency" */
	const char *unit;	/* the buckets' unit: "usecs" */
	unsigned long interval;	/* seconds per column, for the axis title */
};

struct heatmap *heatmap_new(void);
void heatmap_free(struct heatmap *hm);

/*
 * Adds a column: @nr_slots log2 slots (more than 64 are ignored) seen in
 * the interval that ended at @t.  0 or -ENOMEM.
 */
int heatmap_add(struct heatmap *hm, time_t t, const __u64 *slots,
		int nr_slots);

/* Columns so far. */
unsigned long heatmap_columns(const struct heatmap *hm);

/* Writes the SVG.  0, or -errno of the write. */
int heatmap_write_svg(const struct heatmap *hm, FILE *f,
		      const struct heatmap_opts *o);

/* heatmap_write_svg() into @path; says why on stderr on failure. */
int heatmap_write_file(const struct heatmap *hm, const char *path,
		       const struct heatmap_opts *o);

/*
 * An agg_run ->record: each report becomes a column, the slots of all its
 * entries (disks, processes) summed.  r->record_ctx is the heatmap.
 */
void heatmap_record(struct agg_run *r, const struct kt_result *res,
		    const struct ktrace_agg_entry **ents, __u32 n);

/* --heatmap FILE, as every histogram command takes it. */
#define HEATMAP_OPT_KEY		2000
#define HEATMAP_ARGP_OPTION						\
	{ "heatmap", HEATMAP_OPT_KEY, "FILE", 0,			\
	  "Write a latency heatmap of the intervals to FILE (SVG)", 0 }

/*
 * Before agg_poll(): records every report of @r into a new heatmap.
 * 0, or -1 having said why.
 */
int heatmap_attach(struct agg_run *r);
/*
 * After agg_poll(): writes the heatmap to @path, titled @title, the
 * buckets in @unit ("usecs"), and frees it.  0, or -1 having said why.
 */
int heatmap_finish(struct agg_run *r, const char *path, const char *title,
		   const char *unit);

#endif /* __KTRACECTL_HEATMAP_H */
