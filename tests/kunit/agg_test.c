// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the aggregation engine (module/agg.c): log2 and linear
 * slots, unkeyed and keyed results, unit division, a full keyed table,
 * results merged over keys and CPUs, and reads with and without clearing.
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/limits.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <linux/string.h>
#include "../../module/agg.h"

struct hist_test_ctx {
	struct kt_agg *agg;
	void *buf;
	u32 entry_size;
	u32 max_entries;
	u64 overflow;
};

static struct kt_agg *hist_create(struct kunit *test,
				  const struct kt_agg_params *p)
{
	struct hist_test_ctx *ctx = test->priv;

	ctx->agg = kt_agg_create(p);
	KUNIT_ASSERT_NOT_NULL(test, ctx->agg);
	ctx->entry_size = kt_agg_entry_size(ctx->agg);
	ctx->max_entries = kt_agg_max_entries(ctx->agg);
	KUNIT_ASSERT_GT(test, ctx->max_entries, 0);
	KUNIT_ASSERT_EQ(test, ctx->entry_size,
			sizeof(struct ktrace_agg_entry) +
			kt_agg_nr_slots(ctx->agg) * sizeof(u64));
	ctx->buf = kunit_kcalloc(test, ctx->max_entries, ctx->entry_size,
				 GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->buf);
	return ctx->agg;
}

static bool hist_add(struct kt_agg *agg, u64 k, u64 value)
{
	u64 key[2] = { k, 0 };
	bool ok;

	preempt_disable();
	ok = kt_agg_add(agg, key, value);
	preempt_enable();
	return ok;
}

static u32 hist_read(struct kunit *test, bool clear)
{
	struct hist_test_ctx *ctx = test->priv;

	ctx->overflow = U64_MAX;
	return kt_agg_read(ctx->agg, clear, ctx->buf, &ctx->overflow);
}

static struct ktrace_agg_entry *hist_entry(struct kunit *test, u32 i)
{
	struct hist_test_ctx *ctx = test->priv;

	return ctx->buf + (size_t)i * ctx->entry_size;
}

/* The entry of key {@k0, @k1} among the @nr read, or NULL. */
static struct ktrace_agg_entry *hist_find_key(struct kunit *test, u32 nr,
					      u64 k0, u64 k1)
{
	struct ktrace_agg_entry *e;
	u32 i;

	for (i = 0; i < nr; i++) {
		e = hist_entry(test, i);
		if (e->key[0] == k0 && e->key[1] == k1)
			return e;
	}
	return NULL;
}

/* The entry of key {k, 0} among the @nr read, or NULL. */
static struct ktrace_agg_entry *hist_find(struct kunit *test, u32 nr, u64 k)
{
	return hist_find_key(test, nr, k, 0);
}

static void hist_log2_slot_small(struct kunit *test)
{
	/* bcc's log2l(): slot 0 holds 0 and 1. */
	KUNIT_EXPECT_EQ(test, kt_log2_slot(0), 0);
	KUNIT_EXPECT_EQ(test, kt_log2_slot(1), 0);
	KUNIT_EXPECT_EQ(test, kt_log2_slot(2), 1);
	KUNIT_EXPECT_EQ(test, kt_log2_slot(3), 1);
	KUNIT_EXPECT_EQ(test, kt_log2_slot(4), 2);
	KUNIT_EXPECT_EQ(test, kt_log2_slot(1000), 9);
}

static void hist_log2_slot_powers_of_two(struct kunit *test)
{
	unsigned int k;

	for (k = 1; k < 64; k++) {
		KUNIT_EXPECT_EQ_MSG(test, kt_log2_slot(1ULL << k), k,
				    "2^%u", k);
		KUNIT_EXPECT_EQ_MSG(test, kt_log2_slot((1ULL << k) - 1), k - 1,
				    "2^%u - 1", k);
		KUNIT_EXPECT_EQ_MSG(test, kt_log2_slot((1ULL << k) + 1), k,
				    "2^%u + 1", k);
	}
	KUNIT_EXPECT_EQ(test, kt_log2_slot(U64_MAX), KTRACE_LOG2_SLOTS - 1);
}

static void hist_linear_slot_bounds(struct kunit *test)
{
	/* [100, 200) in steps of 10: below, 10 steps, at or above. */
	KUNIT_EXPECT_EQ(test, kt_linear_nr_slots(100, 200, 10), 12);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(0, 100, 200, 10), 0);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(99, 100, 200, 10), 0);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(100, 100, 200, 10), 1);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(109, 100, 200, 10), 1);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(110, 100, 200, 10), 2);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(199, 100, 200, 10), 10);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(200, 100, 200, 10), 11);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(U64_MAX, 100, 200, 10), 11);

	/* A last step cut short by max still has its slot. */
	KUNIT_EXPECT_EQ(test, kt_linear_nr_slots(0, 25, 10), 5);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(0, 0, 25, 10), 1);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(24, 0, 25, 10), 3);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(25, 0, 25, 10), 4);

	/* One step: below, the step, above. */
	KUNIT_EXPECT_EQ(test, kt_linear_nr_slots(5, 6, 1), 3);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(5, 5, 6, 1), 1);
	KUNIT_EXPECT_EQ(test, kt_linear_slot(6, 5, 6, 1), 2);

	/* The largest histogram the ABI allows. */
	KUNIT_EXPECT_EQ(test, kt_linear_nr_slots(1000, 1000 + 1022 * 10, 10),
			KTRACE_LINEAR_MAX_SLOTS);
}

static void hist_agg_add_unkeyed(struct kunit *test)
{
	struct kt_agg_params p = { .hist = KTRACE_HIST_LOG2 };
	static const u64 values[] = { 0, 1, 2, 3, 4, 1000 };
	struct ktrace_agg_entry *e;
	struct kt_agg *agg;
	unsigned int i;

	agg = hist_create(test, &p);
	KUNIT_EXPECT_EQ(test, kt_agg_max_entries(agg), 1);
	KUNIT_EXPECT_EQ(test, kt_agg_nr_slots(agg), KTRACE_LOG2_SLOTS);

	/* An unkeyed result ignores the key. */
	for (i = 0; i < ARRAY_SIZE(values); i++)
		KUNIT_EXPECT_TRUE(test, hist_add(agg, i, values[i]));

	KUNIT_ASSERT_EQ(test, hist_read(test, false), 1);
	e = hist_entry(test, 0);
	KUNIT_EXPECT_EQ(test, e->count, 6ULL);
	KUNIT_EXPECT_EQ(test, e->sum, 1010ULL);
	KUNIT_EXPECT_EQ(test, e->slots[0], 2ULL);
	KUNIT_EXPECT_EQ(test, e->slots[1], 2ULL);
	KUNIT_EXPECT_EQ(test, e->slots[2], 1ULL);
	KUNIT_EXPECT_EQ(test, e->slots[9], 1ULL);
	for (i = 3; i < KTRACE_LOG2_SLOTS; i++)
		if (i != 9)
			KUNIT_EXPECT_EQ_MSG(test, e->slots[i], 0ULL, "slot %u",
					    i);
	KUNIT_EXPECT_EQ(test, ((struct hist_test_ctx *)test->priv)->overflow,
			0ULL);
}

static void hist_agg_add_with_unit(struct kunit *test)
{
	struct kt_agg_params p = {
		.hist = KTRACE_HIST_LOG2,
		.unit = KTRACE_UNIT_USEC,
	};
	struct ktrace_agg_entry *e;
	struct kt_agg *agg;

	agg = hist_create(test, &p);
	hist_add(agg, 0, 999);			/* 0 us */
	hist_add(agg, 0, 1000);			/* 1 us */
	hist_add(agg, 0, 2999);			/* 2 us */
	hist_add(agg, 0, 1048576000);		/* 2^20 us */
	hist_add(agg, 0, 1048575999);		/* 2^20 - 1 us */

	KUNIT_ASSERT_EQ(test, hist_read(test, false), 1);
	e = hist_entry(test, 0);
	KUNIT_EXPECT_EQ(test, e->count, 5ULL);
	/* The sum is in the unit too. */
	KUNIT_EXPECT_EQ(test, e->sum, 0ULL + 1 + 2 + 1048576 + 1048575);
	KUNIT_EXPECT_EQ(test, e->slots[0], 2ULL);
	KUNIT_EXPECT_EQ(test, e->slots[1], 1ULL);
	KUNIT_EXPECT_EQ(test, e->slots[19], 1ULL);
	KUNIT_EXPECT_EQ(test, e->slots[20], 1ULL);
	KUNIT_EXPECT_EQ(test, e->slots[29], 0ULL);
}

static void hist_agg_add_with_unit_msec_and_count(struct kunit *test)
{
	struct hist_test_ctx *ctx = test->priv;
	struct kt_agg_params p = {
		.hist = KTRACE_HIST_LOG2,
		.unit = KTRACE_UNIT_MSEC,
	};
	struct ktrace_agg_entry *e;
	struct kt_agg *agg;

	agg = hist_create(test, &p);
	hist_add(agg, 0, 5 * NSEC_PER_MSEC + 999999);
	KUNIT_ASSERT_EQ(test, hist_read(test, false), 1);
	e = hist_entry(test, 0);
	KUNIT_EXPECT_EQ(test, e->sum, 5ULL);
	KUNIT_EXPECT_EQ(test, e->slots[2], 1ULL);
	kt_agg_destroy(agg);
	ctx->agg = NULL;

	/* Plain numbers are not divided. */
	p.unit = KTRACE_UNIT_COUNT;
	agg = hist_create(test, &p);
	hist_add(agg, 0, 5 * NSEC_PER_MSEC);
	KUNIT_ASSERT_EQ(test, hist_read(test, false), 1);
	e = hist_entry(test, 0);
	KUNIT_EXPECT_EQ(test, e->sum, 5 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, e->slots[kt_log2_slot(5 * NSEC_PER_MSEC)], 1ULL);
}

static void hist_agg_add_linear(struct kunit *test)
{
	struct kt_agg_params p = {
		.hist = KTRACE_HIST_LINEAR,
		.unit = KTRACE_UNIT_USEC,
		.lin_min = 100,
		.lin_max = 200,
		.lin_step = 10,
	};
	static const u64 us[] = { 50, 100, 150, 199, 200, 5000 };
	struct ktrace_agg_entry *e;
	struct kt_agg *agg;
	unsigned int i;

	agg = hist_create(test, &p);
	KUNIT_EXPECT_EQ(test, kt_agg_nr_slots(agg), 12);
	/* Bounds are in the unit: values are divided before slotting. */
	for (i = 0; i < ARRAY_SIZE(us); i++)
		hist_add(agg, 0, us[i] * NSEC_PER_USEC + 999);

	KUNIT_ASSERT_EQ(test, hist_read(test, false), 1);
	e = hist_entry(test, 0);
	KUNIT_EXPECT_EQ(test, e->count, 6ULL);
	KUNIT_EXPECT_EQ(test, e->sum, 50ULL + 100 + 150 + 199 + 200 + 5000);
	KUNIT_EXPECT_EQ(test, e->slots[0], 1ULL);
	KUNIT_EXPECT_EQ(test, e->slots[1], 1ULL);
	KUNIT_EXPECT_EQ(test, e->slots[6], 1ULL);
	KUNIT_EXPECT_EQ(test, e->slots[10], 1ULL);
	KUNIT_EXPECT_EQ(test, e->slots[11], 2ULL);
}

static void hist_agg_add_counter(struct kunit *test)
{
	struct kt_agg_params p = {
		.hist = KTRACE_HIST_NONE,
		.capacity = 4,
		.unit = KTRACE_UNIT_COUNT,
	};
	struct ktrace_agg_entry *e;
	struct kt_agg *agg;
	u32 nr;

	agg = hist_create(test, &p);
	KUNIT_EXPECT_EQ(test, kt_agg_nr_slots(agg), 0);
	KUNIT_EXPECT_EQ(test, kt_agg_entry_size(agg),
			sizeof(struct ktrace_agg_entry));
	hist_add(agg, 7, 3);
	hist_add(agg, 7, 4);
	hist_add(agg, 8, 10);

	nr = hist_read(test, false);
	KUNIT_ASSERT_EQ(test, nr, 2);
	e = hist_find(test, nr, 7);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->count, 2ULL);
	KUNIT_EXPECT_EQ(test, e->sum, 7ULL);
	e = hist_find(test, nr, 8);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->count, 1ULL);
	KUNIT_EXPECT_EQ(test, e->sum, 10ULL);
}

/* Adds keys first..first+n-1 on one CPU; returns how many had room. */
static unsigned int hist_add_keys(struct kt_agg *agg, u64 first,
				  unsigned int n)
{
	unsigned int i, ok = 0;
	u64 key[2] = { 0, 0 };

	preempt_disable();
	for (i = 0; i < n; i++) {
		key[0] = first + i;
		ok += kt_agg_add(agg, key, 1000);
	}
	preempt_enable();
	return ok;
}

static void hist_agg_add_when_table_full(struct kunit *test)
{
	struct kt_agg_params p = {
		.hist = KTRACE_HIST_LOG2,
		.capacity = 8,
	};
	u64 key[2] = { 0, 0 };
	bool again, extra, extra2;
	struct kt_agg *agg;
	unsigned int ok;
	u32 nr, i;

	agg = hist_create(test, &p);
	KUNIT_EXPECT_EQ(test, kt_agg_max_entries(agg), 8);

	/* All on one CPU: its table holds 8 keys, not one more. */
	preempt_disable();
	ok = 0;
	for (i = 1; i <= 8; i++) {
		key[0] = i;
		ok += kt_agg_add(agg, key, 1000);
	}
	key[0] = 9;
	extra = kt_agg_add(agg, key, 1000);
	key[0] = 3;
	again = kt_agg_add(agg, key, 1000);
	key[0] = 10;
	extra2 = kt_agg_add(agg, key, 1000);
	preempt_enable();

	KUNIT_EXPECT_EQ(test, ok, 8);
	KUNIT_EXPECT_FALSE(test, extra);
	KUNIT_EXPECT_TRUE(test, again);
	KUNIT_EXPECT_FALSE(test, extra2);

	nr = hist_read(test, false);
	KUNIT_EXPECT_EQ(test, nr, 8);
	KUNIT_EXPECT_EQ(test, ((struct hist_test_ctx *)test->priv)->overflow,
			2ULL);
	for (i = 1; i <= 8; i++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, hist_find(test, nr, i),
					  "key %u", i);
	KUNIT_EXPECT_NULL(test, hist_find(test, nr, 9));
	KUNIT_EXPECT_NULL(test, hist_find(test, nr, 10));
	KUNIT_ASSERT_NOT_NULL(test, hist_find(test, nr, 3));
	KUNIT_EXPECT_EQ(test, hist_find(test, nr, 3)->count, 2ULL);
}

/*
 * A direct table: a small key gets its own slot when first added, and
 * kt_agg_count_direct() finds it there; keys too large, or with a second
 * word, hash beside them; the capacity counts both; a clear empties all.
 */
static void hist_agg_direct(struct kunit *test)
{
	struct hist_test_ctx *ctx = test->priv;
	struct kt_agg_params p = { .capacity = 8, .direct = true };
	bool before, after, large, added[4], full;
	struct ktrace_agg_entry *e;
	struct kt_agg *agg;
	unsigned int ok, i;
	u32 nr;

	agg = hist_create(test, &p);
	preempt_disable();
	before = kt_agg_count_direct(agg, 3, 10);
	added[0] = kt_agg_count_key(agg, 3, 0, 10);
	after = kt_agg_count_direct(agg, 3, 20);
	large = kt_agg_count_direct(agg, 8, 5);
	added[1] = kt_agg_count_key(agg, 8, 0, 5);
	added[2] = kt_agg_count_key(agg, 1000, 0, 7);
	added[3] = kt_agg_count_key(agg, 3, 1, 9);
	preempt_enable();

	KUNIT_EXPECT_FALSE(test, before);
	KUNIT_EXPECT_TRUE(test, after);
	KUNIT_EXPECT_FALSE(test, large);
	for (i = 0; i < ARRAY_SIZE(added); i++)
		KUNIT_EXPECT_TRUE_MSG(test, added[i], "key %u", i);

	nr = hist_read(test, false);
	KUNIT_EXPECT_EQ(test, nr, 4);
	KUNIT_EXPECT_EQ(test, ctx->overflow, 0ULL);
	e = hist_find(test, nr, 3);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->count, 2ULL);
	KUNIT_EXPECT_EQ(test, e->sum, 30ULL);
	e = hist_find(test, nr, 8);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->sum, 5ULL);
	e = hist_find(test, nr, 1000);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->sum, 7ULL);
	e = hist_find_key(test, nr, 3, 1);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->count, 1ULL);
	KUNIT_EXPECT_EQ(test, e->sum, 9ULL);

	/* Four keys held: four more fit, in either half, not a fifth. */
	preempt_disable();
	ok = kt_agg_count_key(agg, 0, 0, 1) + kt_agg_count_key(agg, 7, 0, 1) +
	     kt_agg_count_key(agg, 500, 0, 1) + kt_agg_count_key(agg, 5, 2, 1);
	full = kt_agg_count_key(agg, 6, 0, 1);
	after = kt_agg_count_direct(agg, 7, 1);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, ok, 4);
	KUNIT_EXPECT_FALSE(test, full);
	KUNIT_EXPECT_TRUE(test, after);
	nr = hist_read(test, true);
	KUNIT_EXPECT_EQ(test, nr, 8);
	KUNIT_EXPECT_EQ(test, ctx->overflow, 1ULL);
	e = hist_find(test, nr, 7);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->count, 2ULL);

	/* Cleared, through both sets: slot 3 is to be claimed again. */
	KUNIT_EXPECT_EQ(test, hist_read(test, true), 0);
	preempt_disable();
	before = kt_agg_count_direct(agg, 3, 1);
	preempt_enable();
	KUNIT_EXPECT_FALSE(test, before);
	KUNIT_EXPECT_EQ(test, hist_read(test, false), 0);
}

/* The capacity a probe asks for is the number of keys it can hold. */
static void hist_agg_add_when_table_large(struct kunit *test)
{
	struct kt_agg_params p = {
		.hist = KTRACE_HIST_LOG2,
		.capacity = 1024,
	};
	struct kt_agg *agg;

	agg = hist_create(test, &p);
	/* Keys like dev_t values: MKDEV(major, minor) for a few disks. */
	KUNIT_EXPECT_EQ(test, hist_add_keys(agg, 8 << 20, 1024), 1024);
	KUNIT_EXPECT_EQ(test, hist_add_keys(agg, 0x7fff0000, 1), 0);
	KUNIT_EXPECT_EQ(test, hist_read(test, false), 1024);
	KUNIT_EXPECT_EQ(test, ((struct hist_test_ctx *)test->priv)->overflow,
			1ULL);
}

static void hist_agg_add_on_cpu(void *arg)
{
	struct kt_agg *agg = arg;
	u64 key[2] = { 1, 0 };

	kt_agg_add(agg, key, 100);
	key[0] = 1000 + smp_processor_id();
	kt_agg_add(agg, key, 1);
}

static void hist_agg_read_merges_cpus(struct kunit *test)
{
	struct kt_agg_params p = {
		.hist = KTRACE_HIST_LOG2,
		.capacity = 16,
	};
	struct ktrace_agg_entry *e;
	struct kt_agg *agg;
	unsigned int cpus, cpu;
	u32 nr;

	agg = hist_create(test, &p);
	cpus_read_lock();
	cpus = num_online_cpus();
	on_each_cpu(hist_agg_add_on_cpu, agg, 1);
	cpus_read_unlock();
	hist_add(agg, 1, 100);
	hist_add(agg, 1, 100);

	nr = hist_read(test, false);
	KUNIT_EXPECT_EQ(test, nr, 1 + cpus);
	e = hist_find(test, nr, 1);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, e->count, cpus + 2ULL);
	KUNIT_EXPECT_EQ(test, e->sum, 100ULL * (cpus + 2));
	KUNIT_EXPECT_EQ(test, e->slots[6], cpus + 2ULL);
	for_each_online_cpu(cpu) {
		e = hist_find(test, nr, 1000 + cpu);
		KUNIT_ASSERT_NOT_NULL_MSG(test, e, "cpu %u", cpu);
		KUNIT_EXPECT_EQ(test, e->count, 1ULL);
		KUNIT_EXPECT_EQ(test, e->slots[0], 1ULL);
	}
}

static void hist_agg_add_keys_on_cpu(void *arg)
{
	struct kt_agg *agg = arg;
	u64 key[2] = { 0, 0 };
	unsigned int i;

	for (i = 0; i < 8; i++) {
		key[0] = smp_processor_id() * 8 + i + 1;
		kt_agg_add(agg, key, 1);
	}
}

/*
 * Each CPU fills its table with keys of its own: the merged result holds
 * at most max_entries of them, and every event is either in an entry or
 * in the overflow count.
 */
static void hist_agg_read_when_merged_keys_exceed_capacity(struct kunit *test)
{
	struct hist_test_ctx *ctx = test->priv;
	struct kt_agg_params p = {
		.hist = KTRACE_HIST_LOG2,
		.capacity = 8,
	};
	struct kt_agg *agg;
	unsigned int cpus;
	u64 events = 0;
	u32 nr, i;

	agg = hist_create(test, &p);
	cpus_read_lock();
	cpus = num_online_cpus();
	on_each_cpu(hist_agg_add_keys_on_cpu, agg, 1);
	cpus_read_unlock();

	nr = hist_read(test, true);
	KUNIT_EXPECT_LE(test, nr, ctx->max_entries);
	KUNIT_EXPECT_EQ(test, nr, min(8 * cpus, ctx->max_entries));
	for (i = 0; i < nr; i++)
		events += hist_entry(test, i)->count;
	KUNIT_EXPECT_EQ(test, events + ctx->overflow, 8ULL * cpus);
	KUNIT_EXPECT_EQ(test, hist_read(test, false), 0);
}

static void hist_agg_read_with_clear(struct kunit *test)
{
	struct hist_test_ctx *ctx = test->priv;
	struct kt_agg_params p = {
		.hist = KTRACE_HIST_LOG2,
		.capacity = 8,
	};
	struct kt_agg *agg;
	u32 nr;

	agg = hist_create(test, &p);
	/* Fill this CPU's table and overflow it once. */
	KUNIT_EXPECT_EQ(test, hist_add_keys(agg, 1, 9), 8);

	nr = hist_read(test, true);
	KUNIT_EXPECT_EQ(test, nr, 8);
	KUNIT_EXPECT_EQ(test, ctx->overflow, 1ULL);

	/* Cleared: nothing left, not even the overflow. */
	KUNIT_EXPECT_EQ(test, hist_read(test, false), 0);
	KUNIT_EXPECT_EQ(test, ctx->overflow, 0ULL);
	KUNIT_EXPECT_EQ(test, hist_read(test, true), 0);
	KUNIT_EXPECT_EQ(test, ctx->overflow, 0ULL);

	/*
	 * Two clears used both sets of tables: both must have been emptied,
	 * keys and all, so 8 new keys fit and no old key comes back.
	 */
	KUNIT_EXPECT_EQ(test, hist_add_keys(agg, 101, 8), 8);
	nr = hist_read(test, true);
	KUNIT_EXPECT_EQ(test, nr, 8);
	KUNIT_EXPECT_EQ(test, ctx->overflow, 0ULL);
	KUNIT_EXPECT_NOT_NULL(test, hist_find(test, nr, 101));
	KUNIT_EXPECT_NULL(test, hist_find(test, nr, 1));
	KUNIT_EXPECT_EQ(test, hist_add_keys(agg, 201, 8), 8);
	nr = hist_read(test, true);
	KUNIT_EXPECT_EQ(test, nr, 8);
	KUNIT_EXPECT_NOT_NULL(test, hist_find(test, nr, 201));
	KUNIT_EXPECT_NULL(test, hist_find(test, nr, 101));
	KUNIT_EXPECT_EQ(test, hist_read(test, false), 0);
}

static void hist_agg_read_with_clear_unkeyed(struct kunit *test)
{
	struct kt_agg_params p = { .hist = KTRACE_HIST_LOG2 };
	struct kt_agg *agg;

	agg = hist_create(test, &p);
	/* Nothing added yet: no entry at all. */
	KUNIT_EXPECT_EQ(test, hist_read(test, false), 0);

	hist_add(agg, 0, 10);
	hist_add(agg, 0, 20);
	KUNIT_ASSERT_EQ(test, hist_read(test, true), 1);
	KUNIT_EXPECT_EQ(test, hist_entry(test, 0)->count, 2ULL);
	KUNIT_EXPECT_EQ(test, hist_entry(test, 0)->sum, 30ULL);
	KUNIT_EXPECT_EQ(test, hist_read(test, false), 0);

	hist_add(agg, 0, 40);
	KUNIT_ASSERT_EQ(test, hist_read(test, true), 1);
	KUNIT_EXPECT_EQ(test, hist_entry(test, 0)->count, 1ULL);
	KUNIT_EXPECT_EQ(test, hist_entry(test, 0)->sum, 40ULL);
	KUNIT_EXPECT_EQ(test, hist_read(test, true), 0);
}

static void hist_agg_read_without_clear(struct kunit *test)
{
	struct hist_test_ctx *ctx = test->priv;
	struct kt_agg_params p = {
		.hist = KTRACE_HIST_LOG2,
		.capacity = 8,
	};
	struct kt_agg *agg;
	u32 nr;

	agg = hist_create(test, &p);
	hist_add(agg, 1, 10);
	hist_add(agg, 2, 20);
	hist_add(agg, 2, 20);

	nr = hist_read(test, false);
	KUNIT_EXPECT_EQ(test, nr, 2);
	KUNIT_EXPECT_EQ(test, ctx->overflow, 0ULL);
	nr = hist_read(test, false);
	KUNIT_ASSERT_EQ(test, nr, 2);
	KUNIT_ASSERT_NOT_NULL(test, hist_find(test, nr, 1));
	KUNIT_ASSERT_NOT_NULL(test, hist_find(test, nr, 2));
	KUNIT_EXPECT_EQ(test, hist_find(test, nr, 1)->count, 1ULL);
	KUNIT_EXPECT_EQ(test, hist_find(test, nr, 2)->count, 2ULL);
	KUNIT_EXPECT_EQ(test, hist_find(test, nr, 2)->sum, 40ULL);

	/* New events add to what is kept. */
	hist_add(agg, 2, 20);
	nr = hist_read(test, false);
	KUNIT_ASSERT_NOT_NULL(test, hist_find(test, nr, 2));
	KUNIT_EXPECT_EQ(test, hist_find(test, nr, 2)->count, 3ULL);
	KUNIT_EXPECT_EQ(test, hist_find(test, nr, 2)->slots[4], 3ULL);
}

static int hist_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct hist_test_ctx),
				   GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void hist_test_exit(struct kunit *test)
{
	struct hist_test_ctx *ctx = test->priv;

	if (ctx)
		kt_agg_destroy(ctx->agg);
}

static struct kunit_case hist_test_cases[] = {
	KUNIT_CASE(hist_log2_slot_small),
	KUNIT_CASE(hist_log2_slot_powers_of_two),
	KUNIT_CASE(hist_linear_slot_bounds),
	KUNIT_CASE(hist_agg_add_unkeyed),
	KUNIT_CASE(hist_agg_add_with_unit),
	KUNIT_CASE(hist_agg_add_with_unit_msec_and_count),
	KUNIT_CASE(hist_agg_add_linear),
	KUNIT_CASE(hist_agg_add_counter),
	KUNIT_CASE(hist_agg_add_when_table_full),
	KUNIT_CASE(hist_agg_add_when_table_large),
	KUNIT_CASE(hist_agg_direct),
	KUNIT_CASE(hist_agg_read_merges_cpus),
	KUNIT_CASE(hist_agg_read_when_merged_keys_exceed_capacity),
	KUNIT_CASE(hist_agg_read_with_clear),
	KUNIT_CASE(hist_agg_read_with_clear_unkeyed),
	KUNIT_CASE(hist_agg_read_without_clear),
	{}
};

static struct kunit_suite hist_test_suite = {
	.name = "ktrace_hist",
	.init = hist_test_init,
	.exit = hist_test_exit,
	.test_cases = hist_test_cases,
};

kunit_test_suites(&hist_test_suite);
