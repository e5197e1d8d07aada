/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktrace stack table: the kernel stacks a stack probe instance saw, each
 * stored once with the task it was seen in (tgid and comm) and named by a
 * small id that the probe uses as key[0] of its results.  Bounded and
 * allocated when the instance is enabled; inserting is lock-free and
 * allocation-free, callable from any context (hardirq, kprobe, the
 * scheduler's tracepoints).  When the table is full a new stack is
 * dropped and counted.  Stacks leave the module only as symbol strings
 * (kt_stacks_copy_out()), never as addresses.
 */
#ifndef _KTRACE_STACKS_H
#define _KTRACE_STACKS_H

#include <linux/sched.h>
#include <linux/types.h>
#include "../uapi/ktrace.h"
#include "probe.h"

#define KT_STACKS_CAPACITY	2048	/* stacks per instance */

struct kt_stacks;

struct kt_stacks *kt_stacks_create(void);
void kt_stacks_destroy(struct kt_stacks *st);

/*
 * The id (> 0) of @nr frames @ips seen in @task, inserted if new; 0 when
 * the table has no room for it (counted in kt_stacks_dropped()).
 */
u32 kt_stacks_insert(struct kt_stacks *st, const unsigned long *ips, u32 nr,
		     struct task_struct *task);
u64 kt_stacks_dropped(const struct kt_stacks *st);

/*
 * Writes struct ktrace_stack records of the stacks from id *@start on into
 * @ubuf (@size bytes); sets *@start to the next id (0: none left) and
 * *@count to the records written.  May sleep.  -ENOSPC when not even one
 * record fits, -EFAULT, -ENOMEM.
 */
int kt_stacks_copy_out(struct kt_stacks *st, u32 *start, void __user *ubuf,
		       u32 size, u32 *count);

/*
 * Adds @value under @task's stack @ips for @inst (key[0] the stack id,
 * key[1] the tgid), counting a full stack table as drop_table_full.
 */
static inline void kt_stacks_record(struct kt_inst *inst,
				    const unsigned long *ips, u32 nr,
				    struct task_struct *task, u64 value)
{
	u64 key[2];

	key[0] = kt_stacks_insert(inst->stacks, ips, nr, task);
	if (!key[0]) {
		this_cpu_inc(inst->stats->drop_table_full);
		return;
	}
	key[1] = task->tgid;
	kt_inst_add(inst, key, value);
}

#endif /* _KTRACE_STACKS_H */
