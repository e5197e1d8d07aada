// SPDX-License-Identifier: GPL-2.0
/*
 * Chooses the source of kt_cycles() and kt_stamp() once, at module load
 * (see clock.h), and renews kt_stamp()'s anchors.
 *
 * The TSC needs a known frequency, and a constant rate for one CPU's
 * deltas to convert with one multiplier.  constant_tsc says so.  Without
 * it (old CPUs, and virtual CPUs that do not pass the CPUID bit on), the
 * TSC is trusted as long as the kernel trusts it: a rate change makes
 * the kernel mark the TSC unstable (the cpufreq notifier in tsc.c), as
 * does a failed check against another clocksource.  That is the same
 * rule sched_clock() follows for the same one-CPU deltas.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/clocksource.h>
#include <linux/hardirq.h>
#include <linux/irqflags.h>
#include <linux/minmax.h>
#include <linux/time64.h>
#include "clock.h"
#include "kunit_export.h"

DEFINE_PER_CPU(struct kt_stamp_cpu, kt_stamp_cpu);
EXPORT_PER_CPU_SYMBOL_FOR_KUNIT(kt_stamp_cpu);

#ifdef CONFIG_X86_TSC
#include <asm/cpufeature.h>
#include <asm/tsc.h>

struct static_key_false kt_cycles_tsc = STATIC_KEY_FALSE_INIT;
EXPORT_SYMBOL_FOR_KUNIT(kt_cycles_tsc);
u32 kt_cycles_mult;
EXPORT_SYMBOL_FOR_KUNIT(kt_cycles_mult);
u32 kt_cycles_shift;
EXPORT_SYMBOL_FOR_KUNIT(kt_cycles_shift);
u64 kt_cycles_mult32;		/* ns per cycle << 32 */
EXPORT_SYMBOL_FOR_KUNIT(kt_cycles_mult32);
u64 kt_cycles_per_ms = U64_MAX;
EXPORT_SYMBOL_FOR_KUNIT(kt_cycles_per_ms);

/*
 * Longest delta converted at full precision: ten minutes.  The frequency
 * is in kHz, cycles per millisecond, so the bound is in milliseconds.
 */
#define KT_CYCLES_MAX_MS	(600 * MSEC_PER_SEC)

void kt_cycles_init(void)
{
	bool constant = boot_cpu_has(X86_FEATURE_CONSTANT_TSC) ||
			!check_tsc_unstable();

	if (!boot_cpu_has(X86_FEATURE_TSC) || !tsc_khz || !constant)
		return;
	/* Cycles per millisecond to nanoseconds per millisecond. */
	clocks_calc_mult_shift(&kt_cycles_mult, &kt_cycles_shift,
			       tsc_khz, NSEC_PER_MSEC, KT_CYCLES_MAX_MS);
	/* kt_tsc_ns() multiplies by halves: it needs a shift of 32 or less. */
	if (kt_cycles_shift > 32)
		return;
	kt_cycles_mult32 = div_u64((u64)NSEC_PER_MSEC << 32, tsc_khz);
	kt_cycles_per_ms = tsc_khz;
	static_branch_enable(&kt_cycles_tsc);
}

/*
 * A new anchor for this CPU, its kt_clock() the stamp (held at the last
 * one if that was ahead).  Interrupts are off so that only an NMI can
 * come between the two anchors' writes, and an NMI only reads: it takes
 * kt_clock() and leaves the anchor old (a TSC that went back, after a
 * suspend, also lands here, every time until renewed).
 */
u64 kt_stamp_renew(struct kt_stamp_cpu *s)
{
	struct kt_stamp_anchor *a;
	unsigned long flags;
	unsigned int i;
	u64 ns;

	if (in_nmi())
		return kt_stamp_hold(s, kt_clock());
	local_irq_save(flags);
	i = (READ_ONCE(s->idx) & 1) ^ 1;
	a = &s->a[i];
	a->cycles = rdtsc_ordered();
	a->ns = kt_clock();
	/* An interrupt on this CPU sees the anchor whole before the flip. */
	barrier();
	WRITE_ONCE(s->idx, i);
	ns = kt_stamp_hold(s, a->ns);
	local_irq_restore(flags);
	return ns;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_stamp_renew);
#else
void kt_cycles_init(void)
{
}

u64 kt_stamp_renew(struct kt_stamp_cpu *s)
{
	return kt_stamp_hold(s, kt_clock());
}
#endif

bool kt_cycles_are_tsc(void)
{
	return kt_cycles_fast();
}
EXPORT_SYMBOL_FOR_KUNIT(kt_cycles_are_tsc);
