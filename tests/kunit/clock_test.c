// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the handlers' clocks (module/clock.h): a latency timed
 * in cycles agrees with the kernel clock, a start in cycles converts to
 * the kernel clock, and record stamps stay with the kernel clock across
 * the renewals of their per-CPU anchor.  On a host where the TSC is not
 * used, the same checks hold for the fallback.
 *
 * Time passes by spinning on the kernel clock: udelay()'s loop is not
 * calibrated under emulation.  Each pair of readings is taken with
 * interrupts off, so that nothing runs between the two.  The slack
 * covers what the emulator does between two instructions the first time
 * it meets them (translating the code that follows), which the guest's
 * clocks see.
 */
#include <kunit/test.h>
#include <linux/irqflags.h>
#include <linux/minmax.h>
#include <linux/processor.h>
#include "../../module/clock.h"

/* Slack for two clock reads a few instructions apart, under emulation. */
#define CLOCK_TEST_SLACK_NS	(20 * NSEC_PER_USEC)

static void clock_test_spin(u64 ns)
{
	u64 t0 = kt_clock();

	while (kt_clock() - t0 < ns)
		cpu_relax();
}

static void clock_cycles_since(struct kunit *test)
{
	u64 c0, t0, by_cycles, by_clock, tol;
	unsigned long flags;
	int i;

	kunit_info(test, "one-CPU latencies by the %s\n",
		   kt_cycles_are_tsc() ? "TSC" : "kernel clock");
	for (i = 1; i <= 3; i++) {
		local_irq_save(flags);
		c0 = kt_cycles();
		t0 = kt_clock();
		local_irq_restore(flags);
		clock_test_spin(i * 500 * NSEC_PER_USEC);
		local_irq_save(flags);
		by_cycles = kt_cycles_since(c0);
		by_clock = kt_clock() - t0;
		local_irq_restore(flags);
		KUNIT_EXPECT_GE(test, by_clock, i * 500 * NSEC_PER_USEC);
		/* Within 1 % and the slack of each other. */
		tol = by_clock / 100 + CLOCK_TEST_SLACK_NS;
		KUNIT_EXPECT_LE(test, by_cycles, by_clock + tol);
		KUNIT_EXPECT_GE(test, by_cycles + tol, by_clock);
	}
}

static void clock_cycles_to_clock(struct kunit *test)
{
	u64 c0, t0, start, err, best = U64_MAX;
	unsigned long flags;
	int i;

	/*
	 * The best of three: the first run of this code is translated by
	 * the emulator between the two reads, and the guest's clocks, which
	 * follow the host's, move meanwhile.
	 */
	for (i = 0; i < 3; i++) {
		local_irq_save(flags);
		t0 = kt_clock();
		c0 = kt_cycles();
		clock_test_spin(300 * NSEC_PER_USEC);
		start = kt_cycles_clock(c0);
		local_irq_restore(flags);
		err = start > t0 ? start - t0 : t0 - start;
		best = min(best, err);
	}
	/* The start lands where the kernel clock was when it was taken. */
	KUNIT_EXPECT_LE(test, best, CLOCK_TEST_SLACK_NS);
}

static void clock_stamp_follows_clock(struct kunit *test)
{
	u64 before, stamp, after, prev = 0;
	unsigned long flags;
	int i;

	/* 3 ms in steps of 0.25 ms: the anchor is renewed on the way. */
	for (i = 0; i < 12; i++) {
		local_irq_save(flags);
		before = kt_clock();
		stamp = kt_stamp();
		after = kt_clock();
		local_irq_restore(flags);
		KUNIT_EXPECT_GE(test, stamp + CLOCK_TEST_SLACK_NS, before);
		KUNIT_EXPECT_LE(test, stamp, after + CLOCK_TEST_SLACK_NS);
		KUNIT_EXPECT_GE(test, stamp + CLOCK_TEST_SLACK_NS, prev);
		prev = stamp;
		clock_test_spin(250 * NSEC_PER_USEC);
	}
}

static struct kunit_case clock_test_cases[] = {
	KUNIT_CASE(clock_cycles_since),
	KUNIT_CASE(clock_cycles_to_clock),
	KUNIT_CASE(clock_stamp_follows_clock),
	{}
};

static struct kunit_suite clock_test_suite = {
	.name = "ktrace_clock",
	.test_cases = clock_test_cases,
};

kunit_test_suites(&clock_test_suite);
