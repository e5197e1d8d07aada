/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel stack from a pt_regs, for the stack probes: stack_trace_save_regs()
 * does this but is exported on none of the kernels we build for, while
 * x86's unwinder (__unwind_start, unwind_next_frame,
 * unwind_get_return_address) is exported on all of them.  This is the body
 * of x86's arch_stack_walk() with regs: the interrupted or probed IP, then
 * each return address the unwinder (ORC on every supported kernel) finds.
 * No locks, no allocation, no faults: safe in hardirq and kprobe context.
 */
#ifndef _KTRACE_COMPAT_STACKTRACE_H
#define _KTRACE_COMPAT_STACKTRACE_H

#include <linux/sched.h>
#include <linux/types.h>
#include <asm/unwind.h>

/* Fills @ips with at most @max frames of current's stack at @regs. */
static inline u32 kt_stack_save_regs(struct pt_regs *regs, unsigned long *ips,
				     u32 max)
{
	struct unwind_state state;
	unsigned long addr;
	u32 nr = 0;

	if (!max)
		return 0;
	ips[nr++] = instruction_pointer(regs);
	for (unwind_start(&state, current, regs, NULL);
	     nr < max && !unwind_done(&state); unwind_next_frame(&state)) {
		addr = unwind_get_return_address(&state);
		if (!addr)
			break;
		ips[nr++] = addr;
	}
	return nr;
}

#endif /* _KTRACE_COMPAT_STACKTRACE_H */
