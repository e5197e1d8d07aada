// SPDX-License-Identifier: GPL-2.0
/*
 * sys_enter: streams every system call entry (raw_syscalls:sys_enter) of
 * the tasks that pass the filters as struct ktrace_rec_syscall records.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/syscall.h>
#include "../probe.h"

/* Fills @rec with current's call @nr and its arguments. */
static __always_inline void kt_sys_enter_fill(struct ktrace_rec_syscall *rec,
					      struct pt_regs *regs, long nr)
{
	/* Straight into the record: a __u64 is an unsigned long here. */
	BUILD_BUG_ON(sizeof(rec->args) != 6 * sizeof(unsigned long));
	syscall_get_arguments(current, regs, (unsigned long *)rec->args);
	rec->pid = current->pid;
	rec->tgid = current->tgid;
	rec->nr = nr;
	memcpy(rec->comm, current->comm, sizeof(rec->comm));
}

static void kt_sys_enter_record(struct kt_inst *inst, struct pt_regs *regs,
				long nr)
{
	struct ktrace_rec_syscall *rec;

	rec = (struct ktrace_rec_syscall *)
		kt_inst_reserve(inst, sizeof(*rec), KTRACE_REC_SYSCALL);
	if (!rec)
		return;
	kt_sys_enter_fill(rec, regs, nr);
	kt_inst_commit(inst, &rec->hdr);
}

/*
 * The general case, out of line, from instance @inst on.  @hit: 0, or
 * the number of the hit on this CPU that the handler counted already
 * for @inst.
 */
static noinline void kt_sys_enter_from(struct kt_inst *inst,
				       struct pt_regs *regs, long nr, u64 hit)
{
	struct kt_probe *probe = inst->probe;
	u64 t0;

	list_for_each_entry_from_rcu(inst, &probe->insts, node) {
		t0 = hit ? kt_hit_counted(hit) : kt_hit_begin(inst);
		hit = 0;
		if (kt_filter_task(&inst->filter, current))
			kt_sys_enter_record(inst, regs, nr);
		else
			this_cpu_inc(inst->stats->filtered);
		kt_hit_end(inst, t0);
	}
}

/* After @inst's record: wake the reader of @wake if set, then the rest. */
static noinline void kt_sys_enter_next(struct kt_inst *inst,
				       struct kt_ring *wake,
				       struct pt_regs *regs, long nr)
{
	if (wake)
		kt_ring_wake(wake);
	inst = kt_inst_next(inst);
	if (inst)
		kt_sys_enter_from(inst, regs, nr, 0);
}

/*
 * The hot path makes no call, so the handler saves no registers: the
 * first instance with a pid or tgid filter or none, a hit that is not
 * timed, a record that fits.  Anything else, and a reader to wake or a
 * second instance, goes out of line by a tail call.
 */
static void kt_sys_enter_on_enter(void *data, struct pt_regs *regs, long nr)
{
	struct kt_probe *probe = data;
	struct ktrace_rec_syscall *rec;
	struct kt_inst *inst;
	struct kt_ring *ring;
	u64 hit;

	inst = list_first_or_null_rcu(&probe->insts, struct kt_inst, node);
	if (unlikely(!inst))
		return;
	hit = this_cpu_add_return(inst->stats->hits, 1);
	if (unlikely(kt_hit_timed(hit) || kt_filter_named(&inst->filter)))
		goto slow;
	if (!kt_filter_task_ids(&inst->filter, current)) {
		this_cpu_inc(inst->stats->filtered);
		ring = NULL;
		goto next;
	}
	ring = kt_ring_this_cpu(inst->rings);
	rec = (struct ktrace_rec_syscall *)
		kt_ring_reserve_fast(ring, sizeof(*rec), KTRACE_REC_SYSCALL,
				     inst->id);
	if (unlikely(!rec))
		goto slow;
	kt_sys_enter_fill(rec, regs, nr);
	this_cpu_inc(inst->stats->recorded);
	if (likely(!kt_ring_commit_fast(ring)))
		ring = NULL;
next:
	/* inst->probe, not probe: one register less to keep. */
	if (unlikely(ring || READ_ONCE(inst->node.next) != &inst->probe->insts))
		kt_sys_enter_next(inst, ring, regs, nr);
	return;
slow:
	kt_sys_enter_from(inst, regs, nr, hit);
}

static struct kt_tp_hook kt_sys_enter_hooks[] = {
	{ .name = "sys_enter", .func = kt_sys_enter_on_enter },
};

const struct kt_probe_ops kt_probe_sys_enter = {
	.name = "sys_enter",
	.desc = "system call entries, streamed with their arguments",
	.kind = KTRACE_KIND_STREAM,
	.keys = BIT(KTRACE_KEY_NONE),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP,
	.rec_size = sizeof(struct ktrace_rec_syscall),
	.hooks = kt_sys_enter_hooks,
	.nr_hooks = ARRAY_SIZE(kt_sys_enter_hooks),
};
