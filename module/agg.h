/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktrace aggregation: log2 and linear histograms and counters, unkeyed or
 * in a bounded keyed table, per CPU and lock-free when adding, merged over
 * CPUs when read.  Two sets of per-CPU tables let a read clear the results
 * without losing or double-counting an event (see kt_agg_read()).
 */
#ifndef _KTRACE_AGG_H
#define _KTRACE_AGG_H

#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/types.h>
#include <asm/local.h>
#include "../uapi/ktrace.h"

struct kt_agg_params {
	u32 hist;		/* KTRACE_HIST_* */
	u32 capacity;		/* keys per CPU table; 0: one unkeyed result */
	u32 unit;		/* KTRACE_UNIT_*: values are divided to it */
	bool direct;		/* small integer keys: see kt_agg_home_slot() */
	u64 lin_min;		/* KTRACE_HIST_LINEAR bounds */
	u64 lin_max;
	u64 lin_step;
};

/*
 * The tables, here rather than in agg.c so that kt_agg_add() inlines into
 * the handlers: adding is what every aggregating probe does per event.
 */
enum { KT_ENT_EMPTY, KT_ENT_CLAIMING, KT_ENT_READY };

struct kt_agg_ent {
	local_t state;
	u64 key[2];
	local_t count;
	local_t sum;
	local_t slots[];
};

struct kt_agg_table {
	local_t overflow;
	local_t nr_keys;
	u8 ents[];			/* nr_ents entries of ent_size bytes */
};

struct kt_agg {
	struct kt_agg_params p;
	u32 nr_slots;
	u32 nr_ents;			/* per table: 2 * capacity, 1 unkeyed */
	u32 hash_bits;			/* ilog2(nr_ents) */
	u32 max_out;			/* entries a read returns at most */
	u32 ent_size;
	u64 div;			/* ns per unit */
	unsigned int epoch;		/* set handlers add to; readers flip */
	struct kt_agg_table **tables[2];	/* [epoch][cpu] */
	/* Each CPU's table in the set of the epoch: one load in handlers. */
	struct kt_agg_table * __percpu *cur;
	u32 *index;			/* merge hash of 2 * max_out, readers */
};

static inline struct kt_agg_ent *kt_agg_ent(const struct kt_agg *agg,
					    struct kt_agg_table *t, u32 i)
{
	return (struct kt_agg_ent *)(t->ents + (size_t)i * agg->ent_size);
}

static inline u32 kt_agg_hash_bits(u64 k0, u64 k1, u32 bits)
{
	return hash_64(k0 ^ hash_64(k1, 64), bits);
}

/*
 * The slot a key probes from.  A direct table gives each small integer
 * key {k, 0}, k below capacity (a syscall number), slot k of its lower
 * half, found without hashing, and no other key ever takes it; other
 * keys hash into the upper half.
 */
static __always_inline u32 kt_agg_home_slot(const struct kt_agg *agg,
					    u64 k0, u64 k1)
{
	if (!agg->p.direct)
		return kt_agg_hash_bits(k0, k1, agg->hash_bits);
	if (!k1 && k0 < agg->p.capacity)
		return k0;
	return agg->p.capacity + kt_agg_hash_bits(k0, k1, agg->hash_bits - 1);
}

/*
 * Finds or claims the entry of key {@k0, @k1} in this CPU's table @t,
 * probing from its home slot; NULL when the table is full.
 */
struct kt_agg_ent *kt_agg_lookup_slow(struct kt_agg *agg,
				      struct kt_agg_table *t, u64 k0, u64 k1);

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
 * The entry of key {@k0, @k1} in this CPU's table if it sits in its home
 * slot, the common case, else NULL.  @agg must be keyed.
 */
static __always_inline struct kt_agg_ent *kt_agg_home(struct kt_agg *agg,
						      struct kt_agg_table *t,
						      u64 k0, u64 k1)
{
	struct kt_agg_ent *ent;

	ent = kt_agg_ent(agg, t, kt_agg_home_slot(agg, k0, k1));
	if (unlikely(local_read(&ent->state) != KT_ENT_READY ||
		     ent->key[0] != k0 || ent->key[1] != k1))
		return NULL;
	return ent;
}

/* This CPU's table in the set handlers add to now. */
static __always_inline struct kt_agg_table *
kt_agg_this_table(struct kt_agg *agg)
{
	return this_cpu_read(*agg->cur);
}

/* Counts one event with @value in @ent; returns @value in its unit. */
static __always_inline u64 kt_agg_ent_count(struct kt_agg *agg,
					    struct kt_agg_ent *ent, u64 value)
{
	if (unlikely(agg->div > 1))
		value = div64_u64(value, agg->div);
	local_inc(&ent->count);
	local_add(value, &ent->sum);
	return value;
}

/*
 * kt_agg_ent_add() where the caller knows @agg has a log2 histogram: no
 * branch to, and no call for, a linear one.
 */
static __always_inline void kt_agg_ent_add_log2(struct kt_agg *agg,
						struct kt_agg_ent *ent,
						u64 value)
{
	value = kt_agg_ent_count(agg, ent, value);
	local_inc(&ent->slots[kt_log2_slot(value)]);
}

/* Adds one event with @value to @ent; see __kt_agg_add(). */
static __always_inline void kt_agg_ent_add(struct kt_agg *agg,
					   struct kt_agg_ent *ent, u64 value,
					   const bool hist)
{
	u32 slot;

	value = kt_agg_ent_count(agg, ent, value);
	if (!hist)
		return;
	if (agg->p.hist == KTRACE_HIST_LOG2) {
		slot = kt_log2_slot(value);
	} else if (agg->p.hist == KTRACE_HIST_LINEAR) {
		slot = kt_linear_slot(value, agg->p.lin_min, agg->p.lin_max,
				      agg->p.lin_step);
	} else {
		return;
	}
	local_inc(&ent->slots[slot]);
}

/*
 * Adds one event with @value (in ns for time units) under the key
 * {@k0, @k1}.  Returns false when the key had no room in this CPU's
 * table; the event is then counted as overflow.  Callable from any
 * context with preemption disabled; a reader clearing the results waits
 * for such callers with synchronize_rcu().  Inline, with the key in
 * registers: a key found in its home slot, the common case, costs no
 * call and no stack.  @hist false: the caller knows the aggregation has
 * no histogram (a counting probe), and saves the branches to one.
 */
static __always_inline bool __kt_agg_add(struct kt_agg *agg, u64 k0, u64 k1,
					 u64 value, const bool hist)
{
	struct kt_agg_table *t = kt_agg_this_table(agg);
	struct kt_agg_ent *ent;

	if (likely(agg->p.capacity)) {
		ent = kt_agg_home(agg, t, k0, k1);
		if (unlikely(!ent))
			ent = kt_agg_lookup_slow(agg, t, k0, k1);
		if (unlikely(!ent)) {
			local_inc(&t->overflow);
			return false;
		}
	} else {
		ent = kt_agg_ent(agg, t, 0);
	}
	kt_agg_ent_add(agg, ent, value, hist);
	return true;
}

/*
 * kt_agg_count_key() for the key {@k, 0} of a direct aggregation without
 * a unit to divide by (ns or plain counts), only where it costs no call:
 * once the key has its slot.  Returns false, having added nothing,
 * otherwise: the caller then adds the event with kt_agg_count_key(), out
 * of line.  For handlers whose hot path must save no registers.
 */
static __always_inline bool kt_agg_count_direct(struct kt_agg *agg, u64 k,
						u64 value)
{
	struct kt_agg_ent *ent;

	if (unlikely(k >= agg->p.capacity))
		return false;
	/* Slot k holds no other key: kt_agg_home_slot(). */
	ent = kt_agg_ent(agg, kt_agg_this_table(agg), k);
	if (unlikely(local_read(&ent->state) != KT_ENT_READY))
		return false;
	local_inc(&ent->count);
	local_add(value, &ent->sum);
	return true;
}

static __always_inline bool kt_agg_add_key(struct kt_agg *agg, u64 k0,
					   u64 k1, u64 value)
{
	return __kt_agg_add(agg, k0, k1, value, true);
}

/* kt_agg_add_key() for the aggregations of KTRACE_KIND_COUNT probes. */
static __always_inline bool kt_agg_count_key(struct kt_agg *agg, u64 k0,
					     u64 k1, u64 value)
{
	return __kt_agg_add(agg, k0, k1, value, false);
}

static inline bool kt_agg_add(struct kt_agg *agg, const u64 key[2], u64 value)
{
	return kt_agg_add_key(agg, key[0], key[1], value);
}

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
