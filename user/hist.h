/* SPDX-License-Identifier: GPL-2.0 */
/* Histogram printing in the format of bcc's tools. */
#ifndef __KTRACE_HIST_H
#define __KTRACE_HIST_H

#include <stdio.h>
#include <linux/types.h>

/*
 * Prints a log2 histogram (slot i: [2^i, 2^(i+1)), slot 0: [0, 2)) the way
 * bcc's print_log2_hist() does, so output and scripts carry over: a
 * "usecs : count distribution" header, one line per slot up to the last
 * non-empty one, 40 stars for the largest count.  Nothing when all empty.
 */
void print_log2_hist(FILE *f, const __u64 *slots, int nr_slots,
		     const char *val_type);

/* The values log2 slot @i holds: [*low, *high]. */
void log2_slot_range(int i, __u64 *low, __u64 *high);

struct json;
/*
 * The same histogram for --json: an array of the non-empty slots,
 * [{"low":0,"high":1,"count":3},...], into @j.
 */
void json_log2_hist(struct json *j, const __u64 *slots, int nr_slots);

#endif /* __KTRACE_HIST_H */
