/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktrace filters: which tasks and devices an instance records.  Evaluated
 * where an event is attributed to a task (for block I/O, at insert/issue,
 * never in the completion interrupt).
 */
#ifndef _KTRACE_FILTER_H
#define _KTRACE_FILTER_H

#include <linux/sched.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>
#include "../uapi/ktrace.h"

struct cgroup;

struct kt_filter {
	u64 flags;			/* KT_FILTER_FLAGS set */
	u64 ids;			/* pid and tgid: see kt_task_ids() */
	u64 ids_mask;			/* the bits of ids filtered on */
	u32 pid;
	u32 tgid;
	u32 dev;
	char comm[KTRACE_COMM_LEN];
	struct cgroup *cgrp;		/* reference held while enabled */
};

#define KT_FILTER_FLAGS (KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | \
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP | \
			 KTRACE_ENABLE_DEV)

/* Fills @f from an enable request; takes a cgroup reference. */
int kt_filter_init(struct kt_filter *f, const struct ktrace_enable *en);
void kt_filter_fini(struct kt_filter *f);

/* The comm and cgroup filters, out of line: see kt_filter_task(). */
bool kt_filter_task_named(const struct kt_filter *f, struct task_struct *task);

/* Whether @f has a comm or cgroup filter: one that costs a call. */
static inline bool kt_filter_named(const struct kt_filter *f)
{
	return f->flags & (KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP);
}

/* A task's pid and tgid, in the order task_struct keeps them. */
struct kt_task_ids {
	pid_t pid;
	pid_t tgid;
};

/* Whether task_struct keeps them side by side: not if randomized. */
#define KT_TASK_IDS_PAIRED \
	(offsetof(struct task_struct, tgid) == \
	 offsetof(struct task_struct, pid) + sizeof(pid_t))

/*
 * @task's pid and tgid as a struct kt_task_ids in a u64, read with one
 * load where KT_TASK_IDS_PAIRED.  Through a plain pointer: the load
 * spans the two fields.
 */
static __always_inline u64 kt_task_ids(struct task_struct *task)
{
	const void *p = (const void *)task + offsetof(struct task_struct, pid);
	u64 ids;

	memcpy(&ids, p, sizeof(ids));
	return ids;
}

/*
 * Whether @task passes the pid and tgid filters of @f: one load, a xor
 * and a mask test where task_struct pairs the two, else two compares.
 */
static inline bool kt_filter_task_ids(const struct kt_filter *f,
				      struct task_struct *task)
{
	u64 flags = f->flags;

	if (KT_TASK_IDS_PAIRED)
		return !((kt_task_ids(task) ^ f->ids) & f->ids_mask);

	if ((flags & KTRACE_ENABLE_PID) && task->pid != f->pid)
		return false;
	return !(flags & KTRACE_ENABLE_TGID) || task->tgid == f->tgid;
}

/*
 * Whether @task passes the task filters of @f (pid, tgid, comm, cgroup).
 * Inline for what every handler runs on every event: no filter, or a pid
 * or tgid compare; a comm or cgroup filter costs a call.
 */
static inline bool kt_filter_task(const struct kt_filter *f,
				  struct task_struct *task)
{
	if (!(f->flags & ~KTRACE_ENABLE_DEV))
		return true;
	if (!kt_filter_task_ids(f, task))
		return false;
	return !kt_filter_named(f) || kt_filter_task_named(f, task);
}

/* Whether @f filters on a disk: without, a caller need not look it up. */
static inline bool kt_filter_on_dev(const struct kt_filter *f)
{
	return f->flags & KTRACE_ENABLE_DEV;
}

static inline bool kt_filter_dev(const struct kt_filter *f, u32 dev)
{
	return !kt_filter_on_dev(f) || f->dev == dev;
}

#endif /* _KTRACE_FILTER_H */
