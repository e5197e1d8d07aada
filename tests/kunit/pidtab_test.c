// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the pid table (module/pidtab.h): entries found by pid
 * through their home slot's bitmap, pids that share a home slot, freed
 * entries whose slots are taken again, and a full neighbourhood.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include "../../module/pidtab.h"

/* @n distinct pids with the same home slot as @pid, from @pid up. */
static void pidtab_test_same_home(u32 pid, u32 *out, unsigned int n)
{
	u32 home = kt_pidtab_home(pid), p;
	unsigned int i = 0;

	for (p = pid; i < n; p++)
		if (kt_pidtab_home(p) == home)
			out[i++] = p;
}

static void pidtab_set_find_release(struct kunit *test)
{
	struct kt_pidtab *tab = test->priv;
	int s;

	KUNIT_EXPECT_EQ(test, kt_pidtab_find(tab, 42), -1);
	KUNIT_ASSERT_TRUE(test, kt_pidtab_set(tab, 42, 1000, 7));
	s = kt_pidtab_find(tab, 42);
	KUNIT_ASSERT_GE(test, s, 0);
	KUNIT_EXPECT_EQ(test, tab->ts[s], 1000ULL);
	KUNIT_EXPECT_EQ(test, tab->val[s], 7ULL);
	/* A second set updates the same entry. */
	KUNIT_ASSERT_TRUE(test, kt_pidtab_set(tab, 42, 2000, 8));
	KUNIT_EXPECT_EQ(test, kt_pidtab_find(tab, 42), s);
	KUNIT_EXPECT_EQ(test, tab->ts[s], 2000ULL);
	kt_pidtab_release(tab, s);
	KUNIT_EXPECT_EQ(test, kt_pidtab_find(tab, 42), -1);
	KUNIT_EXPECT_EQ(test, atomic_read(&tab->hop[kt_pidtab_home(42)]), 0);
	KUNIT_EXPECT_EQ(test, tab->pid[s], 0U);
}

static void pidtab_shared_home(struct kunit *test)
{
	struct kt_pidtab *tab = test->priv;
	u32 pids[4];
	int s[4], i;

	pidtab_test_same_home(100, pids, ARRAY_SIZE(pids));
	for (i = 0; i < 4; i++) {
		KUNIT_ASSERT_TRUE(test, kt_pidtab_set(tab, pids[i], 10 + i, i));
		s[i] = kt_pidtab_find(tab, pids[i]);
		KUNIT_ASSERT_GE(test, s[i], 0);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&tab->hop[kt_pidtab_home(pids[0])]),
			0xf);
	/* Free the second: the others are still found, it is not. */
	kt_pidtab_release(tab, s[1]);
	KUNIT_EXPECT_EQ(test, kt_pidtab_find(tab, pids[1]), -1);
	for (i = 0; i < 4; i++) {
		if (i == 1)
			continue;
		KUNIT_EXPECT_EQ(test, kt_pidtab_find(tab, pids[i]), s[i]);
		KUNIT_EXPECT_EQ(test, tab->ts[s[i]], (u64)(10 + i));
	}
	/* Its slot is the first free one of the home again. */
	KUNIT_ASSERT_TRUE(test, kt_pidtab_set(tab, pids[1], 99, 0));
	KUNIT_EXPECT_EQ(test, kt_pidtab_find(tab, pids[1]), s[1]);
	KUNIT_EXPECT_EQ(test, atomic_read(&tab->hop[kt_pidtab_home(pids[0])]),
			0xf);
}

/* Another home's entries in our neighbourhood are passed over. */
static void pidtab_neighbours(struct kunit *test)
{
	struct kt_pidtab *tab = test->priv;
	u32 a[2], b, home;
	int sa, sb;

	pidtab_test_same_home(5, a, ARRAY_SIZE(a));
	home = kt_pidtab_home(a[0]);
	/* b's home is the slot after a's. */
	for (b = 1; kt_pidtab_home(b) != ((home + 1) & KT_PIDTAB_MASK); b++)
		;
	KUNIT_ASSERT_TRUE(test, kt_pidtab_set(tab, b, 1, 0));
	KUNIT_ASSERT_TRUE(test, kt_pidtab_set(tab, a[0], 2, 0));
	KUNIT_ASSERT_TRUE(test, kt_pidtab_set(tab, a[1], 3, 0));
	sa = kt_pidtab_find(tab, a[0]);
	sb = kt_pidtab_find(tab, b);
	KUNIT_EXPECT_EQ(test, sa, (int)home);
	KUNIT_EXPECT_EQ(test, sb, (int)((home + 1) & KT_PIDTAB_MASK));
	/* a[1] passed over b's entry to the slot after it. */
	KUNIT_EXPECT_EQ(test, kt_pidtab_find(tab, a[1]),
			(int)((home + 2) & KT_PIDTAB_MASK));
	KUNIT_EXPECT_EQ(test, atomic_read(&tab->hop[home]), 0x5);
	kt_pidtab_release(tab, sb);
	KUNIT_EXPECT_EQ(test, kt_pidtab_find(tab, a[0]), sa);
	KUNIT_EXPECT_EQ(test, tab->ts[kt_pidtab_find(tab, a[1])], 3ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&tab->hop[kt_pidtab_home(b)]), 0);
}

/* KT_PIDTAB_PROBES pids of one home fit; one more does not. */
static void pidtab_full_home(struct kunit *test)
{
	struct kt_pidtab *tab = test->priv;
	u32 pids[KT_PIDTAB_PROBES + 1];
	int i;

	pidtab_test_same_home(7, pids, ARRAY_SIZE(pids));
	for (i = 0; i < KT_PIDTAB_PROBES; i++)
		KUNIT_ASSERT_TRUE(test, kt_pidtab_set(tab, pids[i], 1 + i, 0));
	KUNIT_EXPECT_EQ(test, (u32)atomic_read(&tab->hop[kt_pidtab_home(7)]),
			U32_MAX);
	KUNIT_EXPECT_FALSE(test, kt_pidtab_set(tab, pids[KT_PIDTAB_PROBES],
					       1, 0));
	for (i = 0; i < KT_PIDTAB_PROBES; i++)
		KUNIT_EXPECT_EQ(test, tab->ts[kt_pidtab_find(tab, pids[i])],
				(u64)(1 + i));
	kt_pidtab_release(tab, kt_pidtab_find(tab, pids[3]));
	KUNIT_EXPECT_TRUE(test, kt_pidtab_set(tab, pids[KT_PIDTAB_PROBES],
					      1, 0));
}

static int pidtab_test_init(struct kunit *test)
{
	struct kt_pidtab *tab = kvzalloc(sizeof(*tab), GFP_KERNEL);

	test->priv = tab;
	return tab ? 0 : -ENOMEM;
}

static void pidtab_test_exit(struct kunit *test)
{
	kvfree(test->priv);
}

static struct kunit_case pidtab_test_cases[] = {
	KUNIT_CASE(pidtab_set_find_release),
	KUNIT_CASE(pidtab_shared_home),
	KUNIT_CASE(pidtab_neighbours),
	KUNIT_CASE(pidtab_full_home),
	{}
};

static struct kunit_suite pidtab_test_suite = {
	.name = "ktrace_pidtab",
	.init = pidtab_test_init,
	.exit = pidtab_test_exit,
	.test_cases = pidtab_test_cases,
};

kunit_test_suites(&pidtab_test_suite);
