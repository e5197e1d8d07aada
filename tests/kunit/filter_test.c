// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the task filters (module/filter.h): the pid and tgid
 * filters, which handlers test with one load of both ids where
 * task_struct keeps them side by side, agree with comparing each id, on
 * the running task and on another one, for every combination.
 */
#include <kunit/test.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include "../../module/filter.h"

/* The filter by the two ids compared one at a time. */
static bool filter_test_want(const struct ktrace_enable *en,
			     struct task_struct *task)
{
	if ((en->flags & KTRACE_ENABLE_PID) && task->pid != en->pid)
		return false;
	return !(en->flags & KTRACE_ENABLE_TGID) || task->tgid == en->tgid;
}

static void filter_test_check(struct kunit *test, u64 flags, pid_t pid,
			      pid_t tgid, struct task_struct *task)
{
	struct ktrace_enable en = {
		.flags = flags, .pid = pid, .tgid = tgid,
	};
	struct kt_filter f;

	KUNIT_ASSERT_EQ(test, kt_filter_init(&f, &en), 0);
	KUNIT_EXPECT_EQ_MSG(test, kt_filter_task_ids(&f, task),
			    filter_test_want(&en, task),
			    "flags %llx pid %d tgid %d on task %d/%d", flags,
			    pid, tgid, task->pid, task->tgid);
	KUNIT_EXPECT_EQ(test, kt_filter_task(&f, task),
			filter_test_want(&en, task));
	kt_filter_fini(&f);
}

static void filter_task_ids_agree(struct kunit *test)
{
	struct task_struct *tasks[] = { current, &init_task };
	static const u64 flags[] = {
		0, KTRACE_ENABLE_PID, KTRACE_ENABLE_TGID,
		KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID,
	};
	pid_t pids[4], tgids[4];
	unsigned int t, i, p, g;

	pids[0] = current->pid;
	pids[1] = current->pid + 1;
	pids[2] = 0;
	pids[3] = -1;
	tgids[0] = current->tgid;
	tgids[1] = current->tgid + 1;
	tgids[2] = 0;
	tgids[3] = -1;
	for (t = 0; t < ARRAY_SIZE(tasks); t++)
		for (i = 0; i < ARRAY_SIZE(flags); i++)
			for (p = 0; p < ARRAY_SIZE(pids); p++)
				for (g = 0; g < ARRAY_SIZE(tgids); g++)
					filter_test_check(test, flags[i],
							  pids[p], tgids[g],
							  tasks[t]);
}

/* The cases above hold either way; this one says which way ran. */
static void filter_task_ids_paired(struct kunit *test)
{
	struct ktrace_enable en = {
		.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID,
		.pid = current->pid, .tgid = current->tgid,
	};
	struct kt_filter f;

	if (!KT_TASK_IDS_PAIRED)
		kunit_skip(test, "task_struct keeps pid and tgid apart");
	KUNIT_ASSERT_EQ(test, kt_filter_init(&f, &en), 0);
	KUNIT_EXPECT_EQ(test, kt_task_ids(current) & f.ids_mask, f.ids);
	KUNIT_EXPECT_EQ(test, f.ids_mask, U64_MAX);
	kt_filter_fini(&f);
}

static struct kunit_case filter_test_cases[] = {
	KUNIT_CASE(filter_task_ids_agree),
	KUNIT_CASE(filter_task_ids_paired),
	{}
};

static struct kunit_suite filter_test_suite = {
	.name = "ktrace_filter",
	.test_cases = filter_test_cases,
};

kunit_test_suites(&filter_test_suite);
