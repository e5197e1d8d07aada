// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the probe framework (module/probe.c): the registry, and
 * refcounted attachment of a fake probe whose hooks count their calls:
 * attached for the first instance, detached after the last, an attach
 * failure leaving nothing enabled, the limit of instances per probe, and
 * the fast instance handlers see when one is alone.
 *
 * This file also carries the module information of ktrace_kunit.ko.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include "../../module/probe.h"

/* One more than a probe may have, to see the limit. */
#define PROBE_TEST_INSTS	65

struct probe_test_ctx {
	struct kt_probe probe;
	struct kt_probe_ops ops;
	int attach_err;			/* what attach returns */
	unsigned int attach_calls;
	unsigned int detach_calls;
	unsigned int unlocked_calls;	/* hooks called without the lock */
	unsigned int bad_users_calls;	/* attach with users, detach without */
	struct kt_inst insts[PROBE_TEST_INSTS];
	bool enabled[PROBE_TEST_INSTS];
};

static int probe_test_attach(struct kt_probe *probe)
{
	struct probe_test_ctx *ctx = container_of(probe, struct probe_test_ctx,
						  probe);

	ctx->attach_calls++;
	if (!mutex_is_locked(&kt_probe_lock))
		ctx->unlocked_calls++;
	if (probe->users)
		ctx->bad_users_calls++;
	return ctx->attach_err;
}

static void probe_test_detach(struct kt_probe *probe)
{
	struct probe_test_ctx *ctx = container_of(probe, struct probe_test_ctx,
						  probe);

	ctx->detach_calls++;
	if (!mutex_is_locked(&kt_probe_lock))
		ctx->unlocked_calls++;
	if (probe->users)
		ctx->bad_users_calls++;
}

/* ops->inst_fast() of the fake probe: even instance ids are fast. */
static bool probe_test_inst_fast(const struct kt_inst *inst)
{
	return !(inst->id % 2);
}

static int probe_enable(struct probe_test_ctx *ctx, unsigned int i)
{
	int err = kt_probe_enable(&ctx->insts[i]);

	if (!err)
		ctx->enabled[i] = true;
	return err;
}

static void probe_disable(struct probe_test_ctx *ctx, unsigned int i)
{
	kt_probe_disable(&ctx->insts[i]);
	ctx->enabled[i] = false;
}

static bool probe_test_listed(struct kt_probe *probe, struct kt_inst *inst)
{
	struct kt_inst *pos;
	bool found = false;

	mutex_lock(&kt_probe_lock);
	list_for_each_entry(pos, &probe->insts, node)
		if (pos == inst)
			found = true;
	mutex_unlock(&kt_probe_lock);
	return found;
}

static void probe_enable_attaches_once(struct kunit *test)
{
	struct probe_test_ctx *ctx = test->priv;
	struct kt_probe *probe = &ctx->probe;

	KUNIT_ASSERT_EQ(test, probe_enable(ctx, 0), 0);
	KUNIT_EXPECT_EQ(test, ctx->attach_calls, 1);
	KUNIT_EXPECT_EQ(test, probe->users, 1);
	KUNIT_EXPECT_TRUE(test, probe_test_listed(probe, &ctx->insts[0]));

	KUNIT_ASSERT_EQ(test, probe_enable(ctx, 1), 0);
	KUNIT_EXPECT_EQ(test, ctx->attach_calls, 1);
	KUNIT_EXPECT_EQ(test, probe->users, 2);
	KUNIT_EXPECT_TRUE(test, probe_test_listed(probe, &ctx->insts[1]));
	KUNIT_EXPECT_NE(test, ctx->insts[0].slot, ctx->insts[1].slot);

	probe_disable(ctx, 0);
	KUNIT_EXPECT_EQ(test, ctx->detach_calls, 0);
	KUNIT_EXPECT_EQ(test, probe->users, 1);
	KUNIT_EXPECT_FALSE(test, probe_test_listed(probe, &ctx->insts[0]));
	KUNIT_EXPECT_TRUE(test, probe_test_listed(probe, &ctx->insts[1]));

	probe_disable(ctx, 1);
	KUNIT_EXPECT_EQ(test, ctx->detach_calls, 1);
	KUNIT_EXPECT_EQ(test, probe->users, 0);
	KUNIT_EXPECT_EQ(test, probe->slots, 0ULL);
	KUNIT_EXPECT_TRUE(test, list_empty(&probe->insts));

	/* Enabling again after the last one went attaches again. */
	KUNIT_ASSERT_EQ(test, probe_enable(ctx, 0), 0);
	KUNIT_EXPECT_EQ(test, ctx->attach_calls, 2);
	probe_disable(ctx, 0);
	KUNIT_EXPECT_EQ(test, ctx->detach_calls, 2);

	KUNIT_EXPECT_EQ(test, ctx->unlocked_calls, 0);
	KUNIT_EXPECT_EQ(test, ctx->bad_users_calls, 0);
}

static void probe_enable_when_attach_fails(struct kunit *test)
{
	struct probe_test_ctx *ctx = test->priv;
	struct kt_probe *probe = &ctx->probe;

	ctx->attach_err = -EIO;
	KUNIT_EXPECT_EQ(test, probe_enable(ctx, 0), -EIO);
	KUNIT_EXPECT_EQ(test, ctx->attach_calls, 1);
	KUNIT_EXPECT_EQ(test, probe->users, 0);
	KUNIT_EXPECT_EQ(test, probe->slots, 0ULL);
	KUNIT_EXPECT_TRUE(test, list_empty(&probe->insts));

	/* The failure left nothing behind: the next enable attaches. */
	ctx->attach_err = 0;
	KUNIT_ASSERT_EQ(test, probe_enable(ctx, 0), 0);
	KUNIT_EXPECT_EQ(test, ctx->attach_calls, 2);
	KUNIT_EXPECT_EQ(test, probe->users, 1);
	probe_disable(ctx, 0);
	KUNIT_EXPECT_EQ(test, ctx->detach_calls, 1);
	KUNIT_EXPECT_EQ(test, probe->users, 0);
}

static void probe_enable_when_instances_exhausted(struct kunit *test)
{
	struct probe_test_ctx *ctx = test->priv;
	struct kt_probe *probe = &ctx->probe;
	u64 slots = 0;
	unsigned int i;

	for (i = 0; i < PROBE_TEST_INSTS - 1; i++) {
		KUNIT_ASSERT_EQ_MSG(test, probe_enable(ctx, i), 0,
				    "instance %u", i);
		KUNIT_EXPECT_LT(test, ctx->insts[i].slot, 64);
		slots |= BIT_ULL(ctx->insts[i].slot);
	}
	/* Each instance has a slot of its own. */
	KUNIT_EXPECT_EQ(test, slots, ~0ULL);
	KUNIT_EXPECT_EQ(test, probe->slots, ~0ULL);
	KUNIT_EXPECT_EQ(test, probe->users, PROBE_TEST_INSTS - 1);

	KUNIT_EXPECT_EQ(test, probe_enable(ctx, PROBE_TEST_INSTS - 1),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, probe->users, PROBE_TEST_INSTS - 1);
	i = PROBE_TEST_INSTS - 1;
	KUNIT_EXPECT_FALSE(test, probe_test_listed(probe, &ctx->insts[i]));

	/* A freed slot is reused. */
	probe_disable(ctx, 5);
	KUNIT_ASSERT_EQ(test, probe_enable(ctx, PROBE_TEST_INSTS - 1), 0);
	KUNIT_EXPECT_EQ(test, ctx->insts[PROBE_TEST_INSTS - 1].slot,
			ctx->insts[5].slot);

	for (i = 0; i < PROBE_TEST_INSTS; i++)
		if (ctx->enabled[i])
			probe_disable(ctx, i);
	KUNIT_EXPECT_EQ(test, ctx->attach_calls, 1);
	KUNIT_EXPECT_EQ(test, ctx->detach_calls, 1);
	KUNIT_EXPECT_EQ(test, probe->users, 0);
	KUNIT_EXPECT_EQ(test, probe->slots, 0ULL);
}

/* What handlers read as probe->fast, as they read it. */
static struct kt_inst *probe_test_fast(struct kt_probe *probe)
{
	struct kt_inst *inst;

	rcu_read_lock_sched();
	inst = rcu_dereference_sched(probe->fast);
	rcu_read_unlock_sched();
	return inst;
}

static void probe_fast_when_alone(struct kunit *test)
{
	struct probe_test_ctx *ctx = test->priv;
	struct kt_probe *probe = &ctx->probe;

	/* Instance i has id i + 1: 1, 3, ... are fast. */
	ctx->ops.inst_fast = probe_test_inst_fast;
	KUNIT_EXPECT_NULL(test, probe_test_fast(probe));
	KUNIT_ASSERT_EQ(test, probe_enable(ctx, 1), 0);
	KUNIT_EXPECT_PTR_EQ(test, probe_test_fast(probe), &ctx->insts[1]);

	/* Two instances: the handlers walk the list. */
	KUNIT_ASSERT_EQ(test, probe_enable(ctx, 3), 0);
	KUNIT_EXPECT_NULL(test, probe_test_fast(probe));
	probe_disable(ctx, 1);
	KUNIT_EXPECT_PTR_EQ(test, probe_test_fast(probe), &ctx->insts[3]);

	/* Alone, but not one the probe's fast path takes. */
	KUNIT_ASSERT_EQ(test, probe_enable(ctx, 0), 0);
	probe_disable(ctx, 3);
	KUNIT_EXPECT_NULL(test, probe_test_fast(probe));
	probe_disable(ctx, 0);
	KUNIT_EXPECT_NULL(test, probe_test_fast(probe));

	/* A probe without a fast path never has one. */
	ctx->ops.inst_fast = NULL;
	KUNIT_ASSERT_EQ(test, probe_enable(ctx, 1), 0);
	KUNIT_EXPECT_NULL(test, probe_test_fast(probe));
	probe_disable(ctx, 1);
}

static void probe_find_by_name(struct kunit *test)
{
	struct kt_probe *probe;
	unsigned int i, n;

	KUNIT_EXPECT_NULL(test, kt_probe_find("no_such_probe"));
	KUNIT_EXPECT_NULL(test, kt_probe_find(""));
	KUNIT_EXPECT_NULL(test, kt_probe_find("block_latency_"));
	KUNIT_EXPECT_NULL(test, kt_probe_find("block"));

	probe = kt_probe_find("block_latency");
	KUNIT_ASSERT_NOT_NULL(test, probe);
	KUNIT_ASSERT_NOT_NULL(test, probe->ops);
	KUNIT_EXPECT_STREQ(test, probe->ops->name, "block_latency");
	KUNIT_EXPECT_EQ(test, probe->ops->kind, KTRACE_KIND_HIST);
	KUNIT_EXPECT_NOT_NULL(test, kt_probe_find("sys_enter"));

	/* The registry lists each probe once, findable by its name. */
	n = kt_probe_count();
	KUNIT_EXPECT_GE(test, n, 2);
	for (i = 0; i < n; i++) {
		probe = kt_probe_at(i);
		KUNIT_ASSERT_NOT_NULL(test, probe);
		KUNIT_ASSERT_NOT_NULL(test, probe->ops);
		KUNIT_EXPECT_LT(test,
				strnlen(probe->ops->name, KTRACE_NAME_LEN),
				(size_t)KTRACE_NAME_LEN);
		KUNIT_EXPECT_PTR_EQ(test, kt_probe_find(probe->ops->name),
				    probe);
		/*
		 * Hooked per probe (its tracepoint hooks, or its own way),
		 * or per instance (a kprobe per symbol).
		 */
		KUNIT_EXPECT_TRUE(test, (probe->ops->hooks &&
					 probe->ops->nr_hooks) ||
					(probe->ops->attach &&
					 probe->ops->detach) ||
					(probe->ops->inst_attach &&
					 probe->ops->inst_detach));
	}
	KUNIT_EXPECT_NULL(test, kt_probe_at(n));
}

static int probe_test_init(struct kunit *test)
{
	struct probe_test_ctx *ctx;
	unsigned int i;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;

	ctx->ops.name = "ktrace_test_fake";
	ctx->ops.desc = "counts its attach and detach calls";
	ctx->ops.kind = KTRACE_KIND_COUNT;
	ctx->ops.attach = probe_test_attach;
	ctx->ops.detach = probe_test_detach;
	ctx->probe.ops = &ctx->ops;
	INIT_LIST_HEAD(&ctx->probe.insts);

	for (i = 0; i < PROBE_TEST_INSTS; i++) {
		ctx->insts[i].probe = &ctx->probe;
		ctx->insts[i].id = i + 1;
		ctx->insts[i].stats = alloc_percpu(struct kt_inst_stats);
		if (!ctx->insts[i].stats)
			return -ENOMEM;
	}
	return 0;
}

static void probe_test_exit(struct kunit *test)
{
	struct probe_test_ctx *ctx = test->priv;
	unsigned int i;

	if (!ctx)
		return;
	/* A failed case may leave instances enabled. */
	for (i = 0; i < PROBE_TEST_INSTS; i++) {
		if (ctx->enabled[i])
			kt_probe_disable(&ctx->insts[i]);
		free_percpu(ctx->insts[i].stats);
	}
}

static struct kunit_case probe_test_cases[] = {
	KUNIT_CASE(probe_enable_attaches_once),
	KUNIT_CASE(probe_enable_when_attach_fails),
	KUNIT_CASE(probe_enable_when_instances_exhausted),
	KUNIT_CASE(probe_fast_when_alone),
	KUNIT_CASE(probe_find_by_name),
	{}
};

static struct kunit_suite probe_test_suite = {
	.name = "ktrace_probe",
	.init = probe_test_init,
	.exit = probe_test_exit,
	.test_cases = probe_test_cases,
};

kunit_test_suites(&probe_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of ktrace's ring, aggregation, ABI checks and probes");
MODULE_IMPORT_NS(KTRACE_KUNIT);
