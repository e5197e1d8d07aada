// SPDX-License-Identifier: GPL-2.0
/*
 * ktrace aggregation engine.
 *
 * Results live in per-CPU tables, so a handler only touches its own CPU's
 * cache lines and needs no lock: counters are local_t, whose updates are
 * safe against an interrupt on the same CPU.  A keyed table is an
 * open-addressed array of twice capacity slots holding at most capacity
 * keys, with no deletion, so a lookup stops at the first empty slot; a new
 * key past capacity is counted as overflow.  A nested handler that sees a
 * slot being claimed skips it, so a key can appear twice in one table;
 * reads merge by key anyway.  A direct table keeps its lower half for
 * small integer keys, each in the slot of its number: no hash and no key
 * to compare on the way to it (kt_agg_count_direct()).
 *
 * There are two sets of per-CPU tables.  Handlers add to the set that
 * agg->epoch selects, through a per-CPU pointer to their CPU's table.
 * A read-and-clear flips the epoch, waits with synchronize_rcu() for
 * every handler that may still use the old set (handlers run with
 * preemption disabled, an RCU read-side section), then reads and zeroes
 * the old set alone.  Each event lands in exactly one read: nothing is
 * lost or counted twice, unlike read-then-delete.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/local.h>
#include "agg.h"
#include "kunit_export.h"

/*
 * The tables can be large: a keyed linear histogram of 1024 slots takes
 * 16 MiB per CPU and set.  They are charged to the caller's memory
 * cgroup, and when memory runs short enabling fails with ENOMEM, quietly,
 * instead of waking the OOM killer for a tracer's tables.
 */
#define KT_AGG_GFP \
	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

u32 kt_linear_nr_slots(u64 min, u64 max, u64 step)
{
	/* Below min, ceil((max - min) / step) steps, max and above. */
	return div64_u64(max - min - 1, step) + 3;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_linear_nr_slots);

u32 kt_linear_slot(u64 v, u64 min, u64 max, u64 step)
{
	if (v < min)
		return 0;
	if (v >= max)
		return kt_linear_nr_slots(min, max, step) - 1;
	return div64_u64(v - min, step) + 1;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_linear_slot);

static size_t kt_agg_table_size(const struct kt_agg *agg)
{
	return sizeof(struct kt_agg_table) +
	       (size_t)agg->nr_ents * agg->ent_size;
}

static void kt_agg_free_tables(struct kt_agg *agg)
{
	unsigned int e, cpu;

	kvfree(agg->index);
	free_percpu(agg->cur);
	for (e = 0; e < 2; e++) {
		if (!agg->tables[e])
			continue;
		for_each_possible_cpu(cpu)
			kvfree(agg->tables[e][cpu]);
		kfree(agg->tables[e]);
	}
}

static u64 kt_unit_div(u32 unit)
{
	switch (unit) {
	case KTRACE_UNIT_USEC:
		return NSEC_PER_USEC;
	case KTRACE_UNIT_MSEC:
		return NSEC_PER_MSEC;
	default:
		return 1;
	}
}

/* Points handlers at the set of @epoch; see kt_agg_read(). */
static void kt_agg_set_epoch(struct kt_agg *agg, unsigned int epoch)
{
	unsigned int cpu;

	WRITE_ONCE(agg->epoch, epoch);
	for_each_possible_cpu(cpu)
		WRITE_ONCE(*per_cpu_ptr(agg->cur, cpu),
			   agg->tables[epoch][cpu]);
}

struct kt_agg *kt_agg_create(const struct kt_agg_params *p)
{
	struct kt_agg *agg;
	unsigned int e, cpu;

	if (p->capacity && !is_power_of_2(p->capacity))
		return NULL;
	agg = kzalloc(sizeof(*agg), GFP_KERNEL);
	if (!agg)
		return NULL;
	agg->p = *p;
	/* A direct table of one key would hash the rest into one slot. */
	agg->p.direct = p->direct && p->capacity > 1;
	switch (p->hist) {
	case KTRACE_HIST_LOG2:
		agg->nr_slots = KTRACE_LOG2_SLOTS;
		break;
	case KTRACE_HIST_LINEAR:
		agg->nr_slots = kt_linear_nr_slots(p->lin_min, p->lin_max,
						   p->lin_step);
		break;
	default:
		agg->nr_slots = 0;
	}
	agg->nr_ents = p->capacity ? 2 * p->capacity : 1;
	agg->hash_bits = ilog2(agg->nr_ents);
	agg->max_out = p->capacity ?: 1;
	agg->ent_size = struct_size((struct kt_agg_ent *)NULL, slots,
				    agg->nr_slots);
	agg->div = kt_unit_div(p->unit);
	agg->index = kvcalloc(2 * agg->max_out, sizeof(*agg->index),
			      KT_AGG_GFP);
	if (!agg->index)
		goto err_free;
	agg->cur = alloc_percpu(struct kt_agg_table *);
	if (!agg->cur)
		goto err_free;

	for (e = 0; e < 2; e++) {
		agg->tables[e] = kcalloc(nr_cpu_ids, sizeof(*agg->tables[e]),
					 GFP_KERNEL);
		if (!agg->tables[e])
			goto err_free;
		for_each_possible_cpu(cpu) {
			agg->tables[e][cpu] =
				kvzalloc_node(kt_agg_table_size(agg),
					      KT_AGG_GFP, cpu_to_node(cpu));
			if (!agg->tables[e][cpu])
				goto err_free;
		}
	}
	kt_agg_set_epoch(agg, 0);
	return agg;

err_free:
	kt_agg_free_tables(agg);
	kfree(agg);
	return NULL;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_agg_create);

void kt_agg_destroy(struct kt_agg *agg)
{
	if (!agg)
		return;
	kt_agg_free_tables(agg);
	kfree(agg);
}
EXPORT_SYMBOL_FOR_KUNIT(kt_agg_destroy);

static u32 kt_agg_hash(const u64 key[2], u32 nr)
{
	return kt_agg_hash_bits(key[0], key[1], ilog2(nr));
}

enum kt_agg_try { KT_AGG_FOUND, KT_AGG_ON, KT_AGG_FULL };

/*
 * Whether slot @ent holds key {@k0, @k1}, claiming it when empty:
 * KT_AGG_FOUND; KT_AGG_ON when it holds another key or is being claimed;
 * KT_AGG_FULL when it is empty but the table has no room for a key.
 */
static enum kt_agg_try kt_agg_try(struct kt_agg *agg, struct kt_agg_table *t,
				  struct kt_agg_ent *ent, u64 k0, u64 k1)
{
	switch (local_read(&ent->state)) {
	case KT_ENT_READY:
		if (ent->key[0] == k0 && ent->key[1] == k1)
			return KT_AGG_FOUND;
		return KT_AGG_ON;
	case KT_ENT_EMPTY:
		if (local_inc_return(&t->nr_keys) > agg->p.capacity) {
			local_dec(&t->nr_keys);
			return KT_AGG_FULL;
		}
		if (local_cmpxchg(&ent->state, KT_ENT_EMPTY,
				  KT_ENT_CLAIMING) != KT_ENT_EMPTY) {
			/* A nested handler took it. */
			local_dec(&t->nr_keys);
			return KT_AGG_ON;
		}
		ent->key[0] = k0;
		ent->key[1] = k1;
		/* Readers on other CPUs check state, then the key. */
		smp_wmb();
		local_set(&ent->state, KT_ENT_READY);
		return KT_AGG_FOUND;
	}
	return KT_AGG_ON;
}

struct kt_agg_ent *kt_agg_lookup_slow(struct kt_agg *agg,
				      struct kt_agg_table *t, u64 k0, u64 k1)
{
	u32 base = 0, n = agg->nr_ents, h, i;
	struct kt_agg_ent *ent;
	enum kt_agg_try r;

	if (agg->p.direct) {
		n = agg->p.capacity;
		base = n;
		if (!k1 && k0 < n) {
			ent = kt_agg_ent(agg, t, k0);
			r = kt_agg_try(agg, t, ent, k0, k1);
			if (r != KT_AGG_ON)
				return r == KT_AGG_FOUND ? ent : NULL;
			/*
			 * The handler this one interrupted is claiming it:
			 * the key goes to the hashed half, merged when read.
			 */
		}
	}
	h = kt_agg_hash_bits(k0, k1, ilog2(n));
	for (i = 0; i < n; i++) {
		ent = kt_agg_ent(agg, t, base + ((h + i) & (n - 1)));
		r = kt_agg_try(agg, t, ent, k0, k1);
		/* No deletion: past an empty slot the key is nowhere. */
		if (r != KT_AGG_ON)
			return r == KT_AGG_FOUND ? ent : NULL;
	}
	return NULL;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_agg_lookup_slow);

u32 kt_agg_nr_slots(const struct kt_agg *agg)
{
	return agg->nr_slots;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_agg_nr_slots);

u32 kt_agg_hist(const struct kt_agg *agg)
{
	return agg->p.hist;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_agg_hist);

u32 kt_agg_unit(const struct kt_agg *agg)
{
	return agg->p.unit;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_agg_unit);

u32 kt_agg_entry_size(const struct kt_agg *agg)
{
	return struct_size((struct ktrace_agg_entry *)NULL, slots,
			   agg->nr_slots);
}
EXPORT_SYMBOL_FOR_KUNIT(kt_agg_entry_size);

u32 kt_agg_max_entries(const struct kt_agg *agg)
{
	return agg->max_out;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_agg_max_entries);

/* Finds or appends @key among the @nr merged entries in @buf. */
static struct ktrace_agg_entry *kt_agg_out(const struct kt_agg *agg,
					   void *buf, u32 *index, u32 *nr,
					   const u64 key[2])
{
	u32 size = kt_agg_entry_size(agg), mask = 2 * agg->max_out - 1;
	u32 h = kt_agg_hash(key, 2 * agg->max_out), i;
	struct ktrace_agg_entry *out;

	/* index[] maps hash positions to entry numbers + 1 (0 = free). */
	for (i = 0; i <= mask; i++, h = (h + 1) & mask) {
		if (!index[h]) {
			if (*nr == agg->max_out)
				return NULL;
			out = buf + (size_t)*nr * size;
			out->key[0] = key[0];
			out->key[1] = key[1];
			index[h] = ++*nr;
			return out;
		}
		out = buf + (size_t)(index[h] - 1) * size;
		if (out->key[0] == key[0] && out->key[1] == key[1])
			return out;
	}
	return NULL;
}

static void kt_agg_merge(const struct kt_agg *agg, struct kt_agg_table *t,
			 void *buf, u32 *index, u32 *nr, u64 *overflow)
{
	struct ktrace_agg_entry *out;
	struct kt_agg_ent *ent;
	u32 i, s;

	*overflow += local_read(&t->overflow);
	for (i = 0; i < agg->nr_ents; i++) {
		ent = kt_agg_ent(agg, t, i);
		if (agg->p.capacity &&
		    local_read(&ent->state) != KT_ENT_READY)
			continue;
		/* Pairs with smp_wmb() in kt_agg_lookup(). */
		smp_rmb();
		out = kt_agg_out(agg, buf, index, nr, ent->key);
		if (!out) {
			*overflow += local_read(&ent->count);
			continue;
		}
		out->count += local_read(&ent->count);
		out->sum += local_read(&ent->sum);
		for (s = 0; s < agg->nr_slots; s++)
			out->slots[s] += local_read(&ent->slots[s]);
	}
}

u32 kt_agg_read(struct kt_agg *agg, bool clear, void *buf, u64 *overflow)
{
	unsigned int epoch = agg->epoch & 1, cpu;
	u32 *index = agg->index, nr = 0;

	memset(buf, 0, (size_t)agg->max_out * kt_agg_entry_size(agg));
	memset(index, 0, 2 * agg->max_out * sizeof(*index));
	*overflow = 0;

	if (clear) {
		kt_agg_set_epoch(agg, epoch ^ 1);
		/* No handler still adds to the old set after this. */
		synchronize_rcu();
	}
	for_each_possible_cpu(cpu)
		kt_agg_merge(agg, agg->tables[epoch][cpu], buf, index, &nr,
			     overflow);
	if (clear)
		for_each_possible_cpu(cpu)
			memset(agg->tables[epoch][cpu], 0,
			       kt_agg_table_size(agg));
	/* An unkeyed result with no event is no entry at all. */
	if (!agg->p.capacity && nr == 1 &&
	    !((struct ktrace_agg_entry *)buf)->count) {
		memset(buf, 0, kt_agg_entry_size(agg));
		nr = 0;
	}
	return nr;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_agg_read);
