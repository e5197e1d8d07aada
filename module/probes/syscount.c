// SPDX-License-Identifier: GPL-2.0
/*
 * syscount: system calls counted, with their summed latency, per syscall,
 * per process or per command name, like bcc's syscount.  With
 * KTRACE_SYSCOUNT_FAILED only calls that returned an error count.
 *
 * raw_syscalls:sys_enter stores the entry time and number of a task that
 * some instance wants in the lock-free pid table (../pidtab.h);
 * raw_syscalls:sys_exit takes them back and counts the call.  The sys_enter
 * streaming probe may hook the same tracepoint: each registration has its
 * own data, so the two never see each other.  exit and exit_group never
 * return: sched_process_exit frees their entries.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include "../pidtab.h"
#include "../probe.h"

static u64 kt_sc_now(void)
{
	return ktime_get_mono_fast_ns();
}

static void kt_sc_on_enter(void *data, struct pt_regs *regs, long id)
{
	struct kt_probe *probe = data;
	struct kt_inst *inst;
	bool wanted = false;
	u64 t0;

	/* Only tasks some instance records take a slot. */
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		if (kt_filter_task(&inst->filter, current)) {
			wanted = true;
			break;
		}
	}
	if (!wanted || kt_pidtab_set(probe->priv, current->pid, kt_sc_now(),
				     (u64)id))
		return;
	/* Table full: the call is lost to the instances that wanted it. */
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		if (!kt_filter_task(&inst->filter, current))
			continue;	/* counted as filtered at exit */
		t0 = kt_hit_begin(inst);
		this_cpu_inc(inst->stats->drop_inflight_full);
		kt_hit_end(inst, t0);
	}
}

static void kt_sc_key(const struct kt_inst *inst, long nr, u64 key[2])
{
	key[0] = 0;
	key[1] = 0;
	switch (inst->key) {
	case KTRACE_KEY_TGID:
		key[0] = current->tgid;
		break;
	case KTRACE_KEY_COMM:
		BUILD_BUG_ON(sizeof(current->comm) < 2 * sizeof(u64));
		memcpy(key, current->comm, 2 * sizeof(u64));
		break;
	default:
		key[0] = (u64)nr;
	}
}

static void kt_sc_on_exit(void *data, struct pt_regs *regs, long ret)
{
	struct kt_probe *probe = data;
	struct kt_pidtab *tab = probe->priv;
	u64 now = kt_sc_now(), start = 0, key[2], t0;
	struct kt_inst *inst;
	long nr = -1;
	bool pass;
	int s;

	s = kt_pidtab_find(tab, current->pid);
	if (s >= 0) {
		start = READ_ONCE(tab->ts[s]);
		nr = (long)READ_ONCE(tab->val[s]);
		kt_pidtab_release(tab, s);
	}
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		pass = kt_filter_task(&inst->filter, current);
		/* Entered before this instance was enabled: not a hit. */
		if (pass && (s < 0 || start < inst->enabled_ns)) {
			this_cpu_inc(inst->stats->drop_no_start);
			continue;
		}
		t0 = kt_hit_begin(inst);
		if (!pass ||
		    ((inst->opts & KTRACE_SYSCOUNT_FAILED) && ret >= 0)) {
			this_cpu_inc(inst->stats->filtered);
		} else {
			kt_sc_key(inst, nr, key);
			kt_inst_add(inst, key, now > start ? now - start : 0);
		}
		kt_hit_end(inst, t0);
	}
}

static void kt_sc_on_process_exit(void *data, struct task_struct *p)
{
	struct kt_probe *probe = data;
	int s;

	s = kt_pidtab_find(probe->priv, p->pid);
	if (s >= 0)
		kt_pidtab_release(probe->priv, s);
}

static struct kt_tp_hook kt_sc_hooks[] = {
	{ .name = "sys_enter", .func = kt_sc_on_enter },
	{ .name = "sys_exit", .func = kt_sc_on_exit },
	{ .name = "sched_process_exit", .func = kt_sc_on_process_exit },
};

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
	.hooks = kt_sc_hooks,
	.nr_hooks = ARRAY_SIZE(kt_sc_hooks),
	.priv_size = sizeof(struct kt_pidtab),
};
