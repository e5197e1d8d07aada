/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktrace aggregation: log2 and linear histograms and counters, unkeyed or
 * in a bounded keyed table, per CPU and lock-free when adding, merged over
 * CPUs when read.  Two sets of per-CPU tables let a read clear the results
 * without losing or double-counting an event (see kt_agg_read()).
 */
#ifndef _KTRACE_AGG_H
#define _KTRACE_AGG_H

#include <linux/types.h>
#include "../uapi/ktrace.h"

struct kt_agg_params {
	u32 hist;		/* KTRACE_HIST_* */
	u32 capacity;		/* keys per CPU table; 0: one unkeyed result */
	u32 unit;		/* KTRACE_UNIT_*: values are divided to it */
	u64 lin_min;		/* KTRACE_HIST_LINEAR bounds */
	u64 lin_max;
	u64 lin_step;
};

struct kt_agg;

/* Slot of a value in a log2 histogram, as bcc's log2l() computes it. */
static inline u32 kt_log2_slot(u64 v)
{
	return v > 1 ? fls64(v) - 1 : 0;
}

/* Slots of a linear histogram: below min, each step, at or above max. */
u32 kt_linear_nr_slots(u64 min, u64 max, u64 step);
u32 kt_linear_slot(u64 v, u64 min, u64 max, u64 step);

struct kt_agg *kt_agg_create(const struct kt_agg_params *p);
void kt_agg_destroy(struct kt_agg *agg);

/*
 * Adds one event with @value (in ns for time units) under @key.  Returns
 * false when the key had no room in this CPU's table; the event is then
 * counted as overflow.  Callable from any context with preemption disabled;
 * a reader clearing the results waits for such callers with
 * synchronize_rcu().
 */
bool kt_agg_add(struct kt_agg *agg, const u64 key[2], u64 value);

u32 kt_agg_nr_slots(const struct kt_agg *agg);
u32 kt_agg_hist(const struct kt_agg *agg);	/* KTRACE_HIST_* */
u32 kt_agg_unit(const struct kt_agg *agg);	/* KTRACE_UNIT_* */
u32 kt_agg_entry_size(const struct kt_agg *agg);
u32 kt_agg_max_entries(const struct kt_agg *agg);

/*
 * Merges every CPU's table into @buf as struct ktrace_agg_entry records of
 * kt_agg_entry_size() bytes; @buf must hold kt_agg_max_entries() of them.
 * With @clear the results are atomically reset.  May sleep; callers
 * serialize reads of one agg.  Returns the number of entries.
 */
u32 kt_agg_read(struct kt_agg *agg, bool clear, void *buf, u64 *overflow);

#endif /* _KTRACE_AGG_H */
