// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the handlers' clocks (module/clock.h): a latency timed
 * in cycles agrees with the kernel clock, a start in cycles converts to
 * the kernel clock, and record stamps stay with the kernel clock across
 * the renewals of their per-CPU anchor.  The same checks hold for the
 * kernel-clock fallback, on a host where the TSC is not used and, with
 * the TSC switched off for the while, on one where it is.
 *
 * Time passes by spinning on the kernel clock: udelay()'s loop is not
 * calibrated under emulation.  Each reading in cycles is bracketed by two
 * kernel-clock readings with interrupts off, and the checks hold against
 * the bracket.  The first time an emulator meets a piece of code it stops
 * to translate it, and the guest's clocks, which follow the host's, move
 * meanwhile: a bracket grows by that time instead of a check failing.
 */
#include <kunit/test.h>
#include <linux/irqflags.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/preempt.h>
#include <linux/processor.h>
#include "../../module/clock.h"

/* Slack for two clock reads a few instructions apart, under emulation. */
#define CLOCK_TEST_SLACK_NS	(20 * NSEC_PER_USEC)

/* The two clocks' rates may differ by this fraction, and rounding by 1 us. */
#define CLOCK_TEST_RATE_DIV	100
#define CLOCK_TEST_ROUND_NS	NSEC_PER_USEC

/* A kt_clock() window around one reading in cycles. */
struct clock_test_bracket {
	u64 lo;
	u64 hi;
};

static void clock_test_spin(u64 ns)
{
	u64 t0 = kt_clock();

	while (kt_clock() - t0 < ns)
		cpu_relax();
}

static void clock_test_latencies(struct kunit *test)
{
	struct clock_test_bracket at0, at1;
	u64 c0, by_cycles, shortest, longest, wait;
	unsigned long flags;
	int i;

	for (i = 1; i <= 3; i++) {
		wait = i * 500 * NSEC_PER_USEC;
		/* Cycles are of one CPU: no migration in between. */
		preempt_disable();
		local_irq_save(flags);
		at0.lo = kt_clock();
		c0 = kt_cycles();
		at0.hi = kt_clock();
		local_irq_restore(flags);
		clock_test_spin(wait);
		local_irq_save(flags);
		at1.lo = kt_clock();
		by_cycles = kt_cycles_since(c0);
		at1.hi = kt_clock();
		local_irq_restore(flags);
		preempt_enable();
		/* What the kernel clock allows the latency to have been. */
		shortest = at1.lo - at0.hi;
		longest = at1.hi - at0.lo;
		KUNIT_EXPECT_GE(test, longest, wait);
		KUNIT_EXPECT_LE(test, by_cycles,
				longest + longest / CLOCK_TEST_RATE_DIV +
				CLOCK_TEST_ROUND_NS);
		KUNIT_EXPECT_GE(test, by_cycles + CLOCK_TEST_ROUND_NS +
				shortest / CLOCK_TEST_RATE_DIV, shortest);
	}
}

/* How far @t lies outside @b, 0 inside. */
static u64 clock_test_outside(const struct clock_test_bracket *b, u64 t)
{
	if (t < b->lo)
		return b->lo - t;
	return t > b->hi ? t - b->hi : 0;
}

static void clock_test_to_clock(struct kunit *test)
{
	struct clock_test_bracket at;
	u64 c0, start, best = U64_MAX;
	unsigned long flags;
	int i;

	/*
	 * The conversion reads both clocks again, a few instructions apart,
	 * with no bracket of its own: the best of three, so that the first
	 * run's translation falls outside the one that counts.
	 */
	for (i = 0; i < 3; i++) {
		local_irq_save(flags);
		at.lo = kt_clock();
		c0 = kt_cycles();
		at.hi = kt_clock();
		clock_test_spin(300 * NSEC_PER_USEC);
		start = kt_cycles_clock(c0);
		local_irq_restore(flags);
		best = min(best, clock_test_outside(&at, start));
	}
	/* The start lands where the kernel clock was when it was taken. */
	KUNIT_EXPECT_LE(test, best, CLOCK_TEST_SLACK_NS);
}

static void clock_test_stamps(struct kunit *test)
{
	u64 before, stamp, latency_end = 0, after, prev = 0;
	unsigned long flags;
	int i, nr_fast = 0;
	bool fast;

	/* 3 ms in steps of 0.25 ms: the anchor is renewed on the way. */
	for (i = 0; i < 12; i++) {
		local_irq_save(flags);
		before = kt_clock();
		stamp = kt_stamp();
		/*
		 * The anchor is fresh: the latencies' reading extrapolates
		 * from it, unless it turned 1 ms old in between.
		 */
		fast = kt_stamp_fast_latency(&latency_end);
		after = kt_clock();
		local_irq_restore(flags);
		KUNIT_EXPECT_GE(test, stamp + CLOCK_TEST_SLACK_NS, before);
		KUNIT_EXPECT_LE(test, stamp, after + CLOCK_TEST_SLACK_NS);
		KUNIT_EXPECT_GE(test, stamp + CLOCK_TEST_SLACK_NS, prev);
		prev = stamp;
		nr_fast += fast;
		if (fast) {
			KUNIT_EXPECT_GE(test, latency_end + CLOCK_TEST_SLACK_NS,
					stamp);
			KUNIT_EXPECT_LE(test, latency_end,
					after + CLOCK_TEST_SLACK_NS);
		}
		clock_test_spin(250 * NSEC_PER_USEC);
	}
	/* Without the TSC there is nothing to extrapolate. */
	if (kt_cycles_are_tsc())
		KUNIT_EXPECT_GT(test, nr_fast, 0);
	else
		KUNIT_EXPECT_EQ(test, nr_fast, 0);
}

static void clock_cycles_since(struct kunit *test)
{
	kunit_info(test, "one-CPU latencies by the %s\n",
		   kt_cycles_are_tsc() ? "TSC" : "kernel clock");
	clock_test_latencies(test);
}

static void clock_cycles_to_clock(struct kunit *test)
{
	clock_test_to_clock(test);
}

static void clock_stamp_follows_clock(struct kunit *test)
{
	clock_test_stamps(test);
}

/*
 * Cycles to ns, checked against the exact quotient from the kernel's
 * calibration: within 1 ns and the multiplier's rounding, under a ns in
 * 2^32 cycles, from one cycle to days of them.
 */
static void clock_tsc_ns_exact(struct kunit *test)
{
#ifdef CONFIG_X86_TSC
	static const u64 cycles[] = {
		0, 1, 2, 999, 1000, 12345, 1ULL << 31, 1ULL << 32,
		(1ULL << 32) + 1, 1ULL << 40, 123456789012345ULL, 1ULL << 50,
	};
	u64 want, got, slack;
	unsigned int i;

	if (!kt_cycles_are_tsc())
		kunit_skip(test, "the TSC is not in use");
	for (i = 0; i < ARRAY_SIZE(cycles); i++) {
		want = mul_u64_u64_div_u64(cycles[i], NSEC_PER_MSEC,
					   kt_cycles_per_ms);
		got = kt_tsc_ns(cycles[i]);
		slack = 1 + (cycles[i] >> 32);
		KUNIT_EXPECT_LE_MSG(test, got, want + slack, "%llu cycles",
				    cycles[i]);
		KUNIT_EXPECT_GE_MSG(test, got + slack, want, "%llu cycles",
				    cycles[i]);
	}
	/* The time of a millisecond of cycles. */
	KUNIT_EXPECT_LE(test, kt_tsc_ns(kt_cycles_per_ms), NSEC_PER_MSEC);
	KUNIT_EXPECT_GE(test, kt_tsc_ns(kt_cycles_per_ms), NSEC_PER_MSEC - 1);
#else
	kunit_skip(test, "no TSC");
#endif
}

/*
 * Where the TSC is in use, the kernel-clock fallback gets the same
 * checks with the TSC switched off for a while.  No probe is enabled
 * meanwhile, so no start in cycles is waiting to be read on the clock.
 */
static void clock_fallback(struct kunit *test)
{
#ifdef CONFIG_X86_TSC
	if (!kt_cycles_are_tsc())
		kunit_skip(test, "the kernel clock is in use already");
	static_branch_disable(&kt_cycles_tsc);
	KUNIT_EXPECT_FALSE(test, kt_cycles_are_tsc());
	clock_test_latencies(test);
	clock_test_to_clock(test);
	clock_test_stamps(test);
	static_branch_enable(&kt_cycles_tsc);
#else
	kunit_skip(test, "the kernel clock is in use already");
#endif
}

static struct kunit_case clock_test_cases[] = {
	KUNIT_CASE(clock_cycles_since),
	KUNIT_CASE(clock_cycles_to_clock),
	KUNIT_CASE(clock_stamp_follows_clock),
	KUNIT_CASE(clock_tsc_ns_exact),
	KUNIT_CASE(clock_fallback),
	{}
};

static struct kunit_suite clock_test_suite = {
	.name = "ktrace_clock",
	.test_cases = clock_test_cases,
};

kunit_test_suites(&clock_test_suite);
