// SPDX-License-Identifier: GPL-2.0
/*
 * offcputime: time tasks spend off CPU, blocked or preempted, summed per
 * kernel stack at the moment they were switched out, like bcc's
 * offcputime -K.  Results are keyed KTRACE_KEY_STACK (key[0] the stack
 * id in the instance's table, which also keeps the comm; key[1] the tgid);
 * the sum is the off-CPU time in the instance's unit (µs from the CLI),
 * the count the number of times off CPU.
 *
 * At sched_switch the task switched out (prev, which is current) passes
 * each instance's filters, its stack is saved once and entered in each
 * such instance's table, and the start and stack id are kept in the
 * probe's lock-free pid table under a key of the pid and the instance's
 * slot (pids are below PID_MAX_LIMIT, 2^22, and slots below 64, so the
 * key fits 28 bits).  When the task is switched in again, each instance
 * that has a start for it adds the time.  A start left by an earlier
 * instance in the same slot predates the instance and is dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stacktrace.h>
#include <linux/threads.h>
#include "../pidtab.h"
#include "../probe.h"
#include "../stacks.h"

#define KT_OC_PID_BITS	22
static_assert(PID_MAX_LIMIT <= (1 << KT_OC_PID_BITS));

/* The pid table key of @pid for @inst: never 0. */
static u32 kt_oc_key(const struct kt_inst *inst, pid_t pid)
{
	return (u32)pid | (inst->slot + 1) << KT_OC_PID_BITS;
}

/* @prev, current, is switched out at @now. */
static void kt_oc_out(struct kt_probe *probe, struct task_struct *prev,
		      u64 now)
{
	unsigned long ips[KTRACE_STACK_DEPTH];
	struct kt_inst *inst;
	bool saved = false;
	u32 nr = 0, id;
	u64 t0;

	/* Idle tasks are not off CPU; a dead task never comes back. */
	if (!prev->pid || READ_ONCE(prev->__state) == TASK_DEAD)
		return;
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		if (!kt_filter_task(&inst->filter, prev))
			continue;
		if (!saved) {
			nr = stack_trace_save(ips, KTRACE_STACK_DEPTH, 0);
			saved = true;
		}
		id = kt_stacks_insert(inst->stacks, ips, nr, prev);
		if (id && kt_pidtab_set(probe->priv, kt_oc_key(inst, prev->pid),
					now, id))
			continue;
		/* Lost: a hit that is dropped, by reason. */
		t0 = kt_hit_begin(inst);
		if (id)
			this_cpu_inc(inst->stats->drop_inflight_full);
		else
			this_cpu_inc(inst->stats->drop_table_full);
		kt_hit_end(inst, t0);
	}
}

/* @next is switched in at @now: the instances that saw it go add up. */
static void kt_oc_in(struct kt_probe *probe, struct task_struct *next,
		     u64 now)
{
	struct kt_pidtab *tab = probe->priv;
	struct kt_inst *inst;
	u64 start, key[2], t0;
	int s;

	if (!next->pid)
		return;
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		s = kt_pidtab_find(tab, kt_oc_key(inst, next->pid));
		if (s < 0)
			continue;
		start = READ_ONCE(tab->ts[s]);
		key[0] = READ_ONCE(tab->val[s]);
		kt_pidtab_release(tab, s);
		if (start < inst->enabled_clock)
			continue;	/* an earlier instance's */
		t0 = kt_hit_begin(inst);
		key[1] = next->tgid;
		kt_inst_add(inst, key, now > start ? now - start : 0);
		kt_hit_end(inst, t0);
	}
}

static void kt_oc_on_switch(void *data, bool preempt,
			    struct task_struct *prev,
			    struct task_struct *next, unsigned int prev_state)
{
	struct kt_probe *probe = data;
	u64 now = kt_clock();

	kt_oc_out(probe, prev, now);
	kt_oc_in(probe, next, now);
}

static struct kt_tp_hook kt_oc_hooks[] = {
	{ .name = "sched_switch", .func = kt_oc_on_switch },
};

/* The stack table goes with the instance, after handlers are done. */
static int kt_oc_inst_attach(struct kt_inst *inst)
{
	inst->stacks = kt_stacks_create();
	return inst->stacks ? 0 : -ENOMEM;
}

const struct kt_probe_ops kt_probe_offcputime = {
	.name = "offcputime",
	.desc = "off-CPU time summed by kernel stack at switch-out",
	.kind = KTRACE_KIND_COUNT,
	.keys = BIT(KTRACE_KEY_STACK),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP,
	.capacity = KT_STACKS_CAPACITY,
	.hooks = kt_oc_hooks,
	.nr_hooks = ARRAY_SIZE(kt_oc_hooks),
	.priv_size = sizeof(struct kt_pidtab),
	.inst_attach = kt_oc_inst_attach,
};
