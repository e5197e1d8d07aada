// SPDX-License-Identifier: GPL-2.0
/*
 * syscount: system calls counted, with their summed latency, per syscall,
 * per process or per command name, like bcc's syscount.  With
 * KTRACE_SYSCOUNT_FAILED only calls that returned an error count.
 *
 * raw_syscalls:sys_enter stores the entry time and number of a task that
 * some instance wants; raw_syscalls:sys_exit takes them back and counts
 * the call.  Most calls return on the CPU they entered, without a context
 * switch in between, so the start waits in a per-CPU slot: a few stores
 * at entry, a compare and a few loads at exit.  Such a call starts and
 * ends on one CPU, so it is timed in cycles (../clock.h), without the
 * cost of the kernel clock.  A task switched out inside a call (it
 * sleeps, or is preempted) takes its start along: sched_switch moves it
 * from the slot into the lock-free pid table (../pidtab.h), on the kernel
 * clock, where sys_exit finds it on whatever CPU the call returns.  So a
 * slot only ever holds the start of the task running on its CPU.
 * Handlers run with preemption disabled, and sched_switch on the slot's
 * own CPU, so the slot needs no atomics.  The slot keeps the probe's
 * enable count at entry, so an instance enabled during the call skips it.
 *
 * The sys_enter streaming probe may hook the same tracepoint: each
 * registration has its own data, so the two never see each other.  exit
 * and exit_group never return: sched_process_exit frees their starts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "../clock.h"
#include "../pidtab.h"
#include "../probe.h"

/* The start of the call current is in on this CPU, if any. */
struct kt_sc_start {
	struct task_struct *task;	/* NULL: none */
	u64 cycles;			/* kt_cycles() at entry */
	u64 gen;			/* probe->gen at entry */
	long nr;
};

/* probe->priv; probe->cpu_priv holds a struct kt_sc_start per CPU. */
struct kt_sc_priv {
	struct kt_pidtab tab;		/* starts of switched-out tasks */
};

/* This CPU's slot. */
static __always_inline struct kt_sc_start *kt_sc_slot(struct kt_probe *probe)
{
	return this_cpu_ptr((struct kt_sc_start __percpu *)probe->cpu_priv);
}

/* @task's call is lost to the instances that wanted it: no room. */
static void kt_sc_lost(struct kt_probe *probe, struct task_struct *task)
{
	struct kt_inst *inst;
	u64 t0;

	list_for_each_entry_rcu(inst, &probe->insts, node) {
		if (!kt_filter_task(&inst->filter, task))
			continue;	/* counted as filtered at exit */
		t0 = kt_hit_begin(inst);
		this_cpu_inc(inst->stats->drop_inflight_full);
		kt_hit_end(inst, t0);
	}
}

/* Keeps the start of current's call @id in this CPU's slot. */
static __always_inline void kt_sc_start(struct kt_probe *probe, long id,
					const bool tsc)
{
	struct kt_sc_start *st = kt_sc_slot(probe);

	st->cycles = tsc ? kt_tsc() : kt_cycles();
	st->gen = READ_ONCE(probe->gen);
	st->nr = id;
	st->task = current;
}

/* sys_enter with several instances, or a comm or cgroup filter. */
static noinline void kt_sc_enter_all(struct kt_probe *probe, long id)
{
	struct kt_inst *inst;

	list_for_each_entry_rcu(inst, &probe->insts, node) {
		if (kt_filter_task(&inst->filter, current)) {
			kt_sc_start(probe, id, false);
			return;
		}
	}
}

/*
 * Only tasks some instance records take a slot.  The hot path, a lone
 * instance with a pid or tgid filter or none, makes no call, so the
 * handler saves no registers: two compares, and the TSC read inline.
 * Anything else takes the general path out of line.
 */
static void kt_sc_on_enter(void *data, struct pt_regs *regs, long id)
{
	struct kt_probe *probe = data;
	struct kt_inst *inst = rcu_dereference_sched(probe->fast);

	if (unlikely(!inst || !kt_cycles_fast())) {
		kt_sc_enter_all(probe, id);
		return;
	}
	if (kt_filter_task_ids(&inst->filter, current))
		kt_sc_start(probe, id, true);
}

/* current is switched out: a start in its slot goes to the pid table. */
static void kt_sc_on_switch(void *data, bool preempt, struct task_struct *prev,
			    struct task_struct *next, unsigned int prev_state)
{
	struct kt_probe *probe = data;
	struct kt_sc_priv *priv = probe->priv;
	struct kt_sc_start *st = kt_sc_slot(probe);

	if (likely(st->task != prev))
		return;
	st->task = NULL;
	if (!kt_pidtab_set(&priv->tab, prev->pid, kt_cycles_clock(st->cycles),
			   (u64)st->nr))
		kt_sc_lost(probe, prev);
}

/* The key of @inst for the call @nr of current. */
static __always_inline void kt_sc_key(const struct kt_inst *inst, long nr,
				      u64 *k0, u64 *k1)
{
	BUILD_BUG_ON(sizeof(current->comm) < 2 * sizeof(u64));
	if (unlikely(inst->key == KTRACE_KEY_COMM)) {
		memcpy(k0, current->comm, sizeof(u64));
		memcpy(k1, current->comm + sizeof(u64), sizeof(u64));
		return;
	}
	*k0 = inst->key == KTRACE_KEY_TGID ? (u64)current->tgid : (u64)nr;
	*k1 = 0;
}

/*
 * A call of current that ended, @delta ns after it entered.  An instance
 * counts it if enabled before the call entered: by the probe's enable
 * count @gen at entry for a start from the slot, by the kernel clock
 * @start for one from the pid table; the other is U64_MAX.  Both 0: no
 * start was seen.
 */
struct kt_sc_call {
	long nr;
	long ret;
	u64 delta;
	u64 gen;
	u64 start;
};

/*
 * Counts call @c for @inst.  @hit: 0, or the number of the hit on this
 * CPU that kt_sc_count_fast() counted already before it gave up.
 */
static void kt_sc_count_one(struct kt_inst *inst, const struct kt_sc_call *c,
			    u64 hit)
{
	u64 k0, k1, t0;

	if (unlikely(!kt_filter_task(&inst->filter, current))) {
		t0 = hit ? kt_hit_counted(hit) : kt_hit_begin(inst);
		this_cpu_inc(inst->stats->filtered);
		kt_hit_end(inst, t0);
		return;
	}
	/* Entered before this instance was enabled: not a hit. */
	if (unlikely(c->gen < inst->enabled_gen ||
		     c->start < inst->enabled_clock)) {
		this_cpu_inc(inst->stats->drop_no_start);
		return;
	}
	t0 = hit ? kt_hit_counted(hit) : kt_hit_begin(inst);
	if (unlikely(inst->opts & KTRACE_SYSCOUNT_FAILED) && c->ret >= 0) {
		this_cpu_inc(inst->stats->filtered);
	} else {
		kt_sc_key(inst, c->nr, &k0, &k1);
		kt_inst_count_key(inst, k0, k1, c->delta);
	}
	kt_hit_end(inst, t0);
}

/* Counts call @c for each instance from @inst on; see kt_sc_count_one(). */
static void kt_sc_count_all(struct kt_inst *inst, const struct kt_sc_call *c,
			    u64 hit)
{
	struct kt_probe *probe = inst->probe;

	list_for_each_entry_from_rcu(inst, &probe->insts, node) {
		kt_sc_count_one(inst, c, hit);
		hit = 0;
	}
}

/* The general case of kt_sc_on_exit(), out of line, from @inst on. */
static noinline void kt_sc_count_from(struct kt_inst *inst, long nr, long ret,
				      u64 delta, u64 gen, u64 hit)
{
	struct kt_sc_call c = {
		.nr = nr, .ret = ret, .delta = delta, .gen = gen,
		.start = U64_MAX,
	};

	kt_sc_count_all(inst, &c, hit);
}

/*
 * The instances the hot path takes: keyed by syscall in a direct table,
 * times in ns, every call counted, a pid or tgid filter or none.  Alone
 * on the probe, such an instance is probe->fast.
 */
static bool kt_sc_inst_fast(const struct kt_inst *inst)
{
	return inst->key == KTRACE_KEY_SYSCALL && inst->agg->p.direct &&
	       kt_agg_unit(inst->agg) == KTRACE_UNIT_NSEC &&
	       !(inst->opts & KTRACE_SYSCOUNT_FAILED) &&
	       !kt_filter_named(&inst->filter);
}

/*
 * kt_sc_count_one() for a start from the slot and probe->fast @inst, in
 * the common case only: a key in its own slot, a hit that is not timed.
 * Inline and without a call, so that the handler saves no registers.
 * Returns false when it did not count the call: then *@hit is 0, or the
 * number of the hit it counted already.
 */
static __always_inline bool kt_sc_count_fast(struct kt_inst *inst, long nr,
					     u64 delta, u64 gen, u64 *hit)
{
	if (unlikely(!kt_filter_task_ids(&inst->filter, current) ||
		     gen < inst->enabled_gen))
		return false;
	*hit = this_cpu_add_return(inst->stats->hits, 1);
	if (unlikely(kt_hit_timed(*hit) ||
		     !kt_agg_count_direct(inst->agg, nr, delta)))
		return false;
	this_cpu_inc(inst->stats->recorded);
	return true;
}

/* A call switched out mid-way: its start is in the pid table, if any. */
static noinline void kt_sc_exit_moved(struct kt_probe *probe, long ret)
{
	struct kt_sc_priv *priv = probe->priv;
	struct kt_sc_call c = { .nr = -1, .ret = ret };
	struct kt_inst *inst;
	int s;

	s = kt_pidtab_find(&priv->tab, current->pid);
	if (s >= 0) {
		c.start = READ_ONCE(priv->tab.ts[s]);
		c.nr = (long)READ_ONCE(priv->tab.val[s]);
		kt_pidtab_release(&priv->tab, s);
		c.delta = kt_clock() - c.start;
		if ((s64)c.delta < 0)
			c.delta = 0;
		c.gen = U64_MAX;
	}
	inst = list_first_or_null_rcu(&probe->insts, struct kt_inst, node);
	if (inst)
		kt_sc_count_all(inst, &c, 0);
}

/* A call that entered on this CPU and never left it, on the kernel clock. */
static noinline void kt_sc_exit_clock(struct kt_probe *probe,
				      struct kt_sc_start *st, long ret)
{
	struct kt_inst *inst;

	inst = list_first_or_null_rcu(&probe->insts, struct kt_inst, node);
	if (inst)
		kt_sc_count_from(inst, st->nr, ret, kt_cycles_since(st->cycles),
				 st->gen, 0);
}

/*
 * The hot path: a call that entered on this CPU and never left it, timed
 * in cycles, counted inline for probe->fast in the common case;
 * everything else goes out of line by a tail call.
 */
static void kt_sc_on_exit(void *data, struct pt_regs *regs, long ret)
{
	struct kt_probe *probe = data;
	struct kt_sc_start *st = kt_sc_slot(probe);
	struct kt_inst *inst;
	u64 delta, hit = 0;

	if (unlikely(st->task != current)) {
		kt_sc_exit_moved(probe, ret);
		return;
	}
	st->task = NULL;
	if (unlikely(!kt_cycles_fast())) {
		kt_sc_exit_clock(probe, st, ret);
		return;
	}
	delta = kt_tsc_since(st->cycles);
	inst = rcu_dereference_sched(probe->fast);
	if (likely(inst) &&
	    likely(kt_sc_count_fast(inst, st->nr, delta, st->gen, &hit)))
		return;
	if (!inst)
		inst = list_first_or_null_rcu(&probe->insts, struct kt_inst,
					      node);
	if (inst)
		kt_sc_count_from(inst, st->nr, ret, delta, st->gen, hit);
}

/* @p, current, exits: exit and exit_group leave a start behind. */
static void kt_sc_on_process_exit(void *data, struct task_struct *p)
{
	struct kt_probe *probe = data;
	struct kt_sc_priv *priv = probe->priv;
	struct kt_sc_start *st = kt_sc_slot(probe);
	int s;

	if (st->task == p)
		st->task = NULL;
	s = kt_pidtab_find(&priv->tab, p->pid);
	if (s >= 0)
		kt_pidtab_release(&priv->tab, s);
}

/*
 * sched_switch first: from the moment sys_enter fills a slot, a switch
 * empties it, so no slot can keep a task that left its CPU.
 */
static struct kt_tp_hook kt_sc_hooks[] = {
	{ .name = "sched_switch", .func = kt_sc_on_switch },
	{ .name = "sched_process_exit", .func = kt_sc_on_process_exit },
	{ .name = "sys_exit", .func = kt_sc_on_exit },
	{ .name = "sys_enter", .func = kt_sc_on_enter },
};

static int kt_sc_attach(struct kt_probe *probe)
{
	struct kt_sc_priv *priv;
	int err;

	priv = kvzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	probe->cpu_priv = alloc_percpu(struct kt_sc_start);
	if (!probe->cpu_priv) {
		kvfree(priv);
		return -ENOMEM;
	}
	probe->priv = priv;
	err = kt_tp_register(kt_sc_hooks, ARRAY_SIZE(kt_sc_hooks), probe);
	if (err) {
		probe->priv = NULL;
		free_percpu(probe->cpu_priv);
		probe->cpu_priv = NULL;
		kvfree(priv);
	}
	return err;
}

static void kt_sc_detach(struct kt_probe *probe)
{
	struct kt_sc_priv *priv = probe->priv;

	kt_tp_unregister(kt_sc_hooks, ARRAY_SIZE(kt_sc_hooks), probe);
	probe->priv = NULL;
	free_percpu(probe->cpu_priv);
	probe->cpu_priv = NULL;
	kvfree(priv);
}

const struct kt_probe_ops kt_probe_syscount = {
	.name = "syscount",
	.desc = "system call counts and latency, per syscall or process",
	.kind = KTRACE_KIND_COUNT,
	.keys = BIT(KTRACE_KEY_SYSCALL) | BIT(KTRACE_KEY_TGID) |
		BIT(KTRACE_KEY_COMM),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP,
	.opts = KTRACE_SYSCOUNT_FAILED,
	.capacity = 1024,
	.attach = kt_sc_attach,
	.detach = kt_sc_detach,
	.inst_fast = kt_sc_inst_fast,
	.hooks = kt_sc_hooks,
	.nr_hooks = ARRAY_SIZE(kt_sc_hooks),
};
