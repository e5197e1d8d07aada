// SPDX-License-Identifier: GPL-2.0
/*
 * runqlat: run queue (scheduler) latency, the time a task waits runnable
 * before it runs, as a log2 histogram, whole, per process or per thread,
 * like bcc's runqlat.
 *
 * A wait starts when a task is woken (sched_wakeup, sched_wakeup_new) or
 * switched out while still runnable (preempted: sched_switch with prev in
 * TASK_RUNNING), and ends when sched_switch switches it in.  Starts are
 * kept in the lock-free pid table (../pidtab.h), not in task_struct, on
 * kt_stamp(): the kernel's CLOCK_MONOTONIC, extrapolated by the TSC from
 * a per-CPU anchor, comparable across CPUs without the kernel clock's
 * seqcount loop and indirect call on either side of every wait.  The
 * wait belongs to the task that waited, so every instance's filters are
 * evaluated on that task, never on whoever ran the wakeup: at switch-in,
 * or for a lone instance filtering on pid or tgid alone, which a task
 * keeps, at the start, so that other tasks take no entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "../clock.h"
#include "../pidtab.h"
#include "../probe.h"

/*
 * A wait of @p starts at @now, for any instances.  The idle tasks (pid 0)
 * never wait.
 */
static noinline void kt_rql_start(struct kt_probe *probe,
				  struct task_struct *p, u64 now)
{
	struct kt_inst *inst;
	u64 t0;

	if (!p->pid || kt_pidtab_set(probe->priv, p->pid, now, 0))
		return;
	/* Table full: the wait is lost to the instances that wanted it. */
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		t0 = kt_hit_begin(inst);
		if (kt_filter_task(&inst->filter, p))
			this_cpu_inc(inst->stats->drop_inflight_full);
		else
			this_cpu_inc(inst->stats->filtered);
		kt_hit_end(inst, t0);
	}
}

/* Whether @p is running on a CPU: current there, or being switched. */
static __always_inline bool kt_rql_on_cpu(struct task_struct *p)
{
#ifdef CONFIG_SMP
	return READ_ONCE(p->on_cpu);
#else
	return p == current;
#endif
}

/* kt_rql_start() at the time of the call. */
static noinline void kt_rql_start_now(struct kt_probe *probe,
				      struct task_struct *p)
{
	kt_rql_start(probe, p, kt_stamp());
}

/*
 * A task is woken: its wait starts.  The hot path, for probe->fast, makes
 * no call: a task the lone instance filters out is counted as a filtered
 * hit at once and takes no entry, since what it filters on (pid and
 * tgid) the task keeps; any other task has its start stored inline.  The
 * rest goes out of line by a tail call.
 */
static void kt_rql_on_wakeup(void *data, struct task_struct *p)
{
	struct kt_probe *probe = data;
	struct kt_inst *inst = rcu_dereference_sched(probe->fast);
	u64 now;

	if (likely(inst)) {
		/*
		 * Still running on its CPU (woken before it blocked, under
		 * its run queue's lock, so never mid-switch): no wait starts,
		 * and no entry is left for the switch to free when it blocks.
		 */
		if (kt_rql_on_cpu(p))
			return;
		if (!kt_filter_task_ids(&inst->filter, p)) {
			this_cpu_inc(inst->stats->hits);
			this_cpu_inc(inst->stats->filtered);
			return;
		}
		if (likely(p->pid && kt_stamp_fast_latency(&now) &&
			   kt_pidtab_set(probe->priv, p->pid, now, 0)))
			return;
	}
	kt_rql_start_now(probe, p);
}

static void kt_rql_key(const struct kt_inst *inst, struct task_struct *p,
		       u64 key[2])
{
	key[0] = 0;
	key[1] = 0;
	switch (inst->key) {
	case KTRACE_KEY_PID:
		key[0] = p->pid;
		key[1] = p->tgid;
		break;
	case KTRACE_KEY_TGID:
		key[0] = p->tgid;
		break;
	}
}

/*
 * The wait of @next that started at @start ends at @now (0: not read
 * yet), for every instance.
 */
static noinline void kt_rql_end(struct kt_probe *probe,
				struct task_struct *next, u64 start, u64 now)
{
	struct kt_inst *inst;
	u64 key[2], t0;

	if (!now)
		now = kt_stamp();
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		/* Started before this instance was: not its wait. */
		if (start < inst->enabled_clock)
			continue;
		t0 = kt_hit_begin(inst);
		if (kt_filter_task(&inst->filter, next)) {
			kt_rql_key(inst, next, key);
			kt_inst_add(inst, key, now > start ? now - start : 0);
		} else {
			this_cpu_inc(inst->stats->filtered);
		}
		kt_hit_end(inst, t0);
	}
}

/*
 * Takes the start of the wait of @next, not an idle task, out of the
 * table, or returns 0 if none was seen starting.
 */
static __always_inline u64 kt_rql_take(struct kt_pidtab *tab,
				       struct task_struct *next)
{
	int s = kt_pidtab_find(tab, next->pid);
	u64 start;

	if (s < 0)
		return 0;
	start = READ_ONCE(tab->ts[s]);
	kt_pidtab_release(tab, s);
	return start;
}

/* sched_switch with several instances, or one the hot path does not take. */
static noinline void kt_rql_switch_all(struct kt_probe *probe,
				       struct task_struct *prev,
				       struct task_struct *next)
{
	u64 start, now = 0;
	int s;

	/*
	 * prev_state is what __schedule() read before deciding; a task
	 * whose sleep a signal interrupted is TASK_RUNNING again by now and
	 * stays on the run queue, so read the state itself, as bcc does.
	 */
	if (READ_ONCE(prev->__state) == TASK_RUNNING) {
		now = kt_stamp();
		kt_rql_start(probe, prev, now);
	} else if (prev->pid) {
		/*
		 * Woken while it still ran, then blocked: it never waited.
		 * Free the entry now rather than at its next wakeup, so
		 * exiting tasks leave none behind.
		 */
		s = kt_pidtab_find(probe->priv, prev->pid);
		if (s >= 0)
			kt_pidtab_release(probe->priv, s);
	}
	if (!next->pid)
		return;
	start = kt_rql_take(probe->priv, next);
	if (start)		/* else runnable since before we attached */
		kt_rql_end(probe, next, start, now);
}

/*
 * The end of a wait for probe->fast @inst, added inline.  Returns false,
 * having counted nothing, for anything else.
 */
static __always_inline bool kt_rql_end_fast(struct kt_inst *inst,
					    struct task_struct *next,
					    u64 start)
{
	u64 now;

	if (unlikely(start < inst->enabled_clock ||
		     !kt_filter_task_ids(&inst->filter, next) ||
		     !kt_stamp_fast_latency(&now)))
		return false;
	kt_inst_add_hot(inst, max(now, start) - start);
	return true;
}

/*
 * The hot path: a lone instance with one unkeyed log2 histogram and a
 * pid or tgid filter or none (probe->fast), and a switch from a task
 * that blocked or from idle, as kt_rql_switch_all() does it but inline
 * and without a call, so that the handler saves no registers.  The rest,
 * a preemption among them, goes out of line by tail calls.
 */
static void kt_rql_on_switch(void *data, bool preempt,
			     struct task_struct *prev,
			     struct task_struct *next, unsigned int prev_state)
{
	struct kt_probe *probe = data;
	struct kt_inst *inst = rcu_dereference_sched(probe->fast);
	u64 start;

	if (unlikely(!inst) ||
	    (prev->pid && READ_ONCE(prev->__state) == TASK_RUNNING)) {
		kt_rql_switch_all(probe, prev, next);
		return;
	}
	/*
	 * prev blocked, or is idle: the fast path's wakeups leave no entry
	 * for a task that blocks without waiting.  (One the general path
	 * left, while another instance was enabled, is overwritten by the
	 * task's next wakeup or preemption, before it can be taken.)
	 */
	if (!next->pid)
		return;
	start = kt_rql_take(probe->priv, next);
	if (!start || likely(kt_rql_end_fast(inst, next, start)))
		return;
	kt_rql_end(probe, next, start, 0);
}

/*
 * Whether @inst, alone on the probe, takes the hot path: one log2
 * histogram, no key, no comm or cgroup filter.
 */
static bool kt_rql_inst_fast(const struct kt_inst *inst)
{
	return kt_inst_hot_hist(inst) && !kt_filter_named(&inst->filter);
}

static struct kt_tp_hook kt_rql_hooks[] = {
	{ .name = "sched_wakeup", .func = kt_rql_on_wakeup },
	{ .name = "sched_wakeup_new", .func = kt_rql_on_wakeup },
	{ .name = "sched_switch", .func = kt_rql_on_switch },
};

const struct kt_probe_ops kt_probe_runqlat = {
	.name = "runqlat",
	.desc = "run queue latency, wakeup or preemption to running",
	.kind = KTRACE_KIND_HIST,
	.keys = BIT(KTRACE_KEY_NONE) | BIT(KTRACE_KEY_PID) |
		BIT(KTRACE_KEY_TGID),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP | KTRACE_ENABLE_LINEAR,
	.capacity = 256,
	.hooks = kt_rql_hooks,
	.nr_hooks = ARRAY_SIZE(kt_rql_hooks),
	.priv_size = sizeof(struct kt_pidtab),
	.inst_fast = kt_rql_inst_fast,
};
