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
 * evaluated on that task at switch-in, never on whoever ran the wakeup.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "../clock.h"
#include "../pidtab.h"
#include "../probe.h"

/* A wait of @p starts at @now.  The idle tasks (pid 0) never wait. */
static void kt_rql_start(struct kt_probe *probe, struct task_struct *p,
			 u64 now)
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

static void kt_rql_on_wakeup(void *data, struct task_struct *p)
{
	kt_rql_start(data, p, kt_stamp());
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
 * @next runs now: its wait, if it was seen starting, ends.  @now is the
 * switch's time if it was read already, else 0: most switches end no
 * wait we saw start (the idle task, a task that blocked), and they read
 * no clock at all.
 */
static void kt_rql_end(struct kt_probe *probe, struct task_struct *next,
		       u64 now)
{
	struct kt_pidtab *tab = probe->priv;
	struct kt_inst *inst;
	u64 start, key[2], t0;
	int s;

	if (!next->pid)
		return;
	s = kt_pidtab_find(tab, next->pid);
	if (s < 0)
		return;		/* runnable since before we attached */
	start = READ_ONCE(tab->ts[s]);
	kt_pidtab_release(tab, s);
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

static void kt_rql_on_switch(void *data, bool preempt,
			     struct task_struct *prev,
			     struct task_struct *next, unsigned int prev_state)
{
	struct kt_probe *probe = data;
	u64 now = 0;
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
	kt_rql_end(probe, next, now);
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
};
