/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktrace pid table: a fixed, lock-free, open-addressed table of per-task
 * start times keyed by pid, for probes that time something between two
 * events of one task (runqlat: wakeup to running; syscount: entry to exit).
 * Keeping the time here rather than in task_struct needs no kernel change
 * and bounds the memory: when the table is full the start is not stored
 * and the caller counts the drop.
 *
 * A pid lives within KT_PIDTAB_PROBES slots of its home slot.  Entries are
 * freed all the time (every system call frees its own), so a search can
 * not stop at the first free slot; instead each home slot keeps a bitmap
 * of the slots near it that hold one of its pids (hopscotch hashing), and
 * a search looks at those alone: most often one slot, never 32.  These
 * searches run twice per traced event on the hottest paths there are.
 *
 * An entry is claimed with cmpxchg() on its pid (0: free), its home's bit
 * is set, its fields are written, and it is published with a
 * store-release of its start time; a reader matches the pid and
 * load-acquires the time.  It is freed by zeroing the time, clearing the
 * bit and store-releasing pid 0, so the bit is clear before anyone can
 * claim the slot again.  The events of one task (its wakeups and
 * switches, under its runqueue lock; its system calls, in its own
 * context) never run concurrently, so an entry is only ever written,
 * read and freed by the events of its own task, one at a time; other
 * tasks only read its pid, or set and clear other bits of its home's
 * bitmap with atomics.
 */
#ifndef _KTRACE_PIDTAB_H
#define _KTRACE_PIDTAB_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/types.h>

#define KT_PIDTAB_SIZE		8192	/* tasks tracked at once */
#define KT_PIDTAB_PROBES	32	/* slots a pid may use: bits of hop[] */
#define KT_PIDTAB_MASK		(KT_PIDTAB_SIZE - 1)

struct kt_pidtab {
	u32 pid[KT_PIDTAB_SIZE];	/* owner; 0 when free */
	atomic_t hop[KT_PIDTAB_SIZE];	/* bit i: slot + i has a pid of ours */
	u64 ts[KT_PIDTAB_SIZE];		/* start, ns; 0 until published */
	u64 val[KT_PIDTAB_SIZE];	/* the probe's datum, e.g. syscall nr */
};

static inline u32 kt_pidtab_home(u32 pid)
{
	return hash_32(pid, ilog2(KT_PIDTAB_SIZE));
}

/* The published entry of @pid, or -1.  @pid must not be 0. */
static inline int kt_pidtab_find(struct kt_pidtab *tab, u32 pid)
{
	u32 home = kt_pidtab_home(pid), s;
	unsigned long bits = (u32)atomic_read(&tab->hop[home]);

	while (bits) {
		s = (home + __ffs(bits)) & KT_PIDTAB_MASK;
		bits &= bits - 1;
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
	u32 home = kt_pidtab_home(pid), i, s;

	for (i = 0; i < KT_PIDTAB_PROBES; i++) {
		s = (home + i) & KT_PIDTAB_MASK;
		if (!READ_ONCE(tab->pid[s]) && !cmpxchg(&tab->pid[s], 0, pid)) {
			atomic_or(BIT(i), &tab->hop[home]);
			return s;
		}
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
	u32 home = kt_pidtab_home(READ_ONCE(tab->pid[s]));

	WRITE_ONCE(tab->ts[s], 0);
	atomic_andnot(BIT((s - home) & KT_PIDTAB_MASK), &tab->hop[home]);
	/* The entry's fields are read, its bit clear, before a new claim. */
	smp_store_release(&tab->pid[s], 0);
}

#endif /* _KTRACE_PIDTAB_H */
