/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktrace pid table: a fixed, lock-free, open-addressed table of per-task
 * start times keyed by pid, for probes that time something between two
 * events of one task (runqlat: wakeup to running; syscount: entry to exit).
 * Keeping the time here rather than in task_struct needs no kernel change
 * and bounds the memory: when the table is full the start is not stored
 * and the caller counts the drop.
 *
 * An entry is claimed with cmpxchg() on its pid (0: free), its fields are
 * written and then published with a store-release of its start time; a
 * reader matches the pid and load-acquires the time.  It is freed by
 * zeroing the time and store-releasing pid 0.  The events of one task
 * (its wakeups and switches, under its runqueue lock; its system calls,
 * in its own context) never run concurrently, so an entry is only ever
 * written, read and freed by the events of its own task, one at a time;
 * other tasks only read its pid while probing past it.
 */
#ifndef _KTRACE_PIDTAB_H
#define _KTRACE_PIDTAB_H

#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/types.h>

#define KT_PIDTAB_SIZE		8192	/* tasks tracked at once */
#define KT_PIDTAB_PROBES	32	/* slots searched per pid */

struct kt_pidtab {
	u32 pid[KT_PIDTAB_SIZE];	/* owner; 0 when free */
	u64 ts[KT_PIDTAB_SIZE];		/* start, ns; 0 until published */
	u64 val[KT_PIDTAB_SIZE];	/* the probe's datum, e.g. syscall nr */
};

static inline u32 kt_pidtab_slot(u32 pid, u32 i)
{
	return (hash_32(pid, ilog2(KT_PIDTAB_SIZE)) + i) &
	       (KT_PIDTAB_SIZE - 1);
}

/* The published entry of @pid, or -1.  @pid must not be 0. */
static inline int kt_pidtab_find(struct kt_pidtab *tab, u32 pid)
{
	u32 i, s;

	for (i = 0; i < KT_PIDTAB_PROBES; i++) {
		s = kt_pidtab_slot(pid, i);
		if (READ_ONCE(tab->pid[s]) == pid &&
		    /* Pairs with the store-release in kt_pidtab_publish(). */
		    smp_load_acquire(&tab->ts[s]))
			return s;
	}
	return -1;
}

/* Claims a free entry for @pid; -1 when every slot it may use is taken. */
static inline int kt_pidtab_claim(struct kt_pidtab *tab, u32 pid)
{
	u32 i, s;

	for (i = 0; i < KT_PIDTAB_PROBES; i++) {
		s = kt_pidtab_slot(pid, i);
		if (!READ_ONCE(tab->pid[s]) && !cmpxchg(&tab->pid[s], 0, pid))
			return s;
	}
	return -1;
}

/* Sets the entry's datum and start, then makes it visible to finds. */
static inline void kt_pidtab_publish(struct kt_pidtab *tab, int s, u64 ts,
				     u64 val)
{
	WRITE_ONCE(tab->val[s], val);
	/* A start of 0 would read as unpublished. */
	smp_store_release(&tab->ts[s], ts ?: 1);
}

/* Stores @ts for @pid, in its entry or a new one; false when full. */
static inline bool kt_pidtab_set(struct kt_pidtab *tab, u32 pid, u64 ts,
				 u64 val)
{
	int s = kt_pidtab_find(tab, pid);

	if (s < 0)
		s = kt_pidtab_claim(tab, pid);
	if (s < 0)
		return false;
	kt_pidtab_publish(tab, s, ts, val);
	return true;
}

static inline void kt_pidtab_release(struct kt_pidtab *tab, int s)
{
	WRITE_ONCE(tab->ts[s], 0);
	/* The entry's fields are read before another task claims it. */
	smp_store_release(&tab->pid[s], 0);
}

#endif /* _KTRACE_PIDTAB_H */
