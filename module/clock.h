/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clocks of ktrace's handlers, read on paths as hot as every system
 * call.
 *
 * kt_clock(): CLOCK_MONOTONIC, for latencies between two events of a
 * task that may change CPUs in between (runqlat, bpfwatch, offcputime).
 * ktime_get_mono_fast_ns(): no seqcount retry, safe under run-queue locks
 * and in NMI.  local_clock() measured slower (three calls deep on x86).
 *
 * kt_cycles(), kt_cycles_since(): for latencies that start and end on
 * one CPU with no context switch in between, such as a system call that
 * never sleeps.  There kt_clock() is the largest part of a probe's cost:
 * two calls deep, an indirect call to the clocksource and a seqcount
 * loop, on each side.  With a usable TSC (clock.c) kt_cycles() is one
 * inline RDTSC and kt_cycles_since() one multiply and shift, with the
 * kernel's own calibration (tsc_khz).  Two readings compare only on the
 * CPU that took them: a start that may move to another CPU is converted
 * first with kt_cycles_clock().
 *
 * kt_stamp(): CLOCK_MONOTONIC for the timestamps of streamed records, one
 * per event, never going back on a CPU.  With the TSC it extrapolates
 * from a per-CPU anchor, a kt_clock() reading and the TSC at that
 * moment, renewed every millisecond; it then stays within the clocks'
 * rate difference over a millisecond (parts per million: nanoseconds)
 * of kt_clock().
 *
 * Without a usable TSC each falls back to kt_clock(), so callers need no
 * second path.
 */
#ifndef _KTRACE_CLOCK_H
#define _KTRACE_CLOCK_H

#include <linux/jump_label.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/timekeeping.h>
#include <linux/types.h>

static inline u64 kt_clock(void)
{
	return ktime_get_mono_fast_ns();
}

/* A kt_clock() reading and the TSC of its CPU at that moment. */
struct kt_stamp_anchor {
	u64 cycles;
	u64 ns;
};

/*
 * Two anchors per CPU, the current one selected by @idx: a renewal
 * writes the other one, then flips @idx, so a handler it interrupted
 * still reads a whole anchor.
 */
struct kt_stamp_cpu {
	unsigned int idx;
	struct kt_stamp_anchor a[2];
	u64 last;		/* the latest stamp: stamps never go back */
};

DECLARE_PER_CPU(struct kt_stamp_cpu, kt_stamp_cpu);

u64 kt_stamp_renew(struct kt_stamp_cpu *s);

/*
 * @ns, or the CPU's latest stamp if that is ahead, as the new latest.
 * Stamps from two clocks (an extrapolation, then the kernel clock at a
 * renewal) differ by their rates' difference, and the fast kernel clock
 * itself may go back a little for an NMI that lands in a timekeeping
 * update: holding the stamp keeps a CPU's records in order.
 */
static __always_inline u64 kt_stamp_hold(struct kt_stamp_cpu *s, u64 ns)
{
	ns = max(ns, READ_ONCE(s->last));
	WRITE_ONCE(s->last, ns);
	return ns;
}

#ifdef CONFIG_X86_TSC
#include <asm/msr.h>

DECLARE_STATIC_KEY_FALSE(kt_cycles_tsc);
extern u32 kt_cycles_mult;
extern u32 kt_cycles_shift;
extern u64 kt_cycles_mult32;
extern u64 kt_cycles_per_ms;

#ifdef CONFIG_X86_64
/*
 * Nanoseconds in @cycles of the TSC: (cycles * kt_cycles_mult32) >> 32
 * by one 64 x 64 -> 128-bit MUL and a SHRD, in asm because a 128-bit
 * product in C makes gcc realign the stack of every handler that inlines
 * this.
 */
static __always_inline u64 kt_tsc_ns(u64 cycles)
{
	u64 ns, hi;

	asm ("mulq %[mult]\n\tshrdq $32, %%rdx, %%rax"
	     : "=a" (ns), "=d" (hi)
	     : "a" (cycles), [mult] "rm" (kt_cycles_mult32)
	     : "cc");
	return ns;
}
#else
/* Nanoseconds in @cycles of the TSC. */
static __always_inline u64 kt_tsc_ns(u64 cycles)
{
	u32 hi = cycles >> 32;
	u64 ns;

	/*
	 * mul_u64_u32_shr() by halves, as math64.h does without 128-bit
	 * integers: a 128-bit product makes gcc realign the stack of every
	 * handler that inlines this.  kt_cycles_init() keeps the shift at
	 * 32 or less.
	 */
	ns = mul_u32_u32((u32)cycles, kt_cycles_mult) >> kt_cycles_shift;
	if (unlikely(hi))
		ns += mul_u32_u32(hi, kt_cycles_mult) << (32 - kt_cycles_shift);
	return ns;
}
#endif

/*
 * Whether kt_cycles() reads the TSC.  A handler that must not make a
 * call on its hot path tests this once and then reads the TSC itself,
 * with kt_tsc() and kt_tsc_since(), leaving the kernel clock to a copy
 * out of line.
 */
static __always_inline bool kt_cycles_fast(void)
{
	return static_branch_likely(&kt_cycles_tsc);
}

/*
 * The TSC for a latency, unordered as sched_clock() reads it: a reading
 * that executes a few cycles early or late is noise next to the call it
 * times, and a fence on each side is not.
 */
static __always_inline u64 kt_tsc(void)
{
	return rdtsc();
}

static __always_inline u64 kt_tsc_since(u64 start)
{
	return kt_tsc_ns(rdtsc() - start);
}

/*
 * The extrapolation of kt_stamp_fast() into @ns, not held: with the TSC,
 * from this CPU's anchor (@s), if it is under a millisecond old.
 */
static __always_inline bool kt_stamp_extrapolate(struct kt_stamp_cpu *s,
						 u64 *ns)
{
	const struct kt_stamp_anchor *a;
	u64 d;

	if (!static_branch_likely(&kt_cycles_tsc))
		return false;
	a = &s->a[READ_ONCE(s->idx) & 1];
	d = rdtsc_ordered() - a->cycles;
	if (unlikely(d >= kt_cycles_per_ms))
		return false;
	*ns = a->ns + kt_tsc_ns(d);
	return true;
}

/*
 * kt_stamp() where it costs no call: with the TSC, from an anchor under a
 * millisecond old.  Returns false, having changed nothing, otherwise.
 */
static __always_inline bool kt_stamp_fast(u64 *stamp)
{
	struct kt_stamp_cpu *s = this_cpu_ptr(&kt_stamp_cpu);
	u64 ns;

	if (!kt_stamp_extrapolate(s, &ns))
		return false;
	*stamp = kt_stamp_hold(s, ns);
	return true;
}

/*
 * kt_stamp_fast() for one end of a latency: not held at the CPU's latest
 * stamp, which orders one CPU's records but means nothing to a latency
 * whose two ends may be taken on two CPUs; its caller clamps a negative
 * latency at 0.
 */
static __always_inline bool kt_stamp_fast_latency(u64 *stamp)
{
	return kt_stamp_extrapolate(this_cpu_ptr(&kt_stamp_cpu), stamp);
}

static __always_inline u64 kt_stamp(void)
{
	struct kt_stamp_cpu *s;
	u64 stamp;

	if (likely(kt_stamp_fast(&stamp)))
		return stamp;
	s = this_cpu_ptr(&kt_stamp_cpu);
	if (!static_branch_likely(&kt_cycles_tsc))
		return kt_stamp_hold(s, kt_clock());
	return kt_stamp_renew(s);
}
#else
static __always_inline bool kt_cycles_fast(void)
{
	return false;
}

/* Never called without a TSC: kt_cycles_fast() is false. */
static __always_inline u64 kt_tsc(void)
{
	return kt_clock();
}

static __always_inline u64 kt_tsc_since(u64 start)
{
	return kt_clock() - start;
}

static __always_inline bool kt_stamp_fast(u64 *stamp)
{
	return false;
}

static __always_inline bool kt_stamp_fast_latency(u64 *stamp)
{
	return false;
}

static __always_inline u64 kt_stamp(void)
{
	return kt_stamp_hold(this_cpu_ptr(&kt_stamp_cpu), kt_clock());
}
#endif

/* kt_tsc() with a usable TSC, else kt_clock(). */
static __always_inline u64 kt_cycles(void)
{
	return kt_cycles_fast() ? kt_tsc() : kt_clock();
}

/* Nanoseconds since @start, a kt_cycles() of this CPU: one branch. */
static __always_inline u64 kt_cycles_since(u64 start)
{
	return kt_cycles_fast() ? kt_tsc_since(start) : kt_clock() - start;
}

/* @start, a kt_cycles() of this CPU, on the kt_clock() of every CPU. */
static inline u64 kt_cycles_clock(u64 start)
{
	u64 now = kt_clock(), d = kt_cycles_since(start);

	return now > d ? now - d : 0;
}

/* Chooses the TSC when it can be trusted; at module load. */
void kt_cycles_init(void);
/* Whether kt_cycles() reads the TSC (for the log and the KUnit suite). */
bool kt_cycles_are_tsc(void);

#endif /* _KTRACE_CLOCK_H */
