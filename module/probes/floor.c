// SPDX-License-Identifier: GPL-2.0
/*
 * floor: an empty callback on the tracepoints another probe hooks, for
 * the overhead bench (ktracectl bench).  The instance's symbol names that
 * probe ("syscount", "runqlat", "block_latency", "execsnoop"...); the
 * instance then registers, with itself as data, a callback that returns
 * at once on each of that probe's tracepoints.  What the bench measures
 * with it is the least any tracer on those hooks can cost: the tracepoint
 * call itself.  It records nothing and counts nothing, on purpose.
 *
 * Each callback has the exact prototype of its tracepoint (unlike
 * tpcount's single void (*)(void *)), so only the tracepoints listed in
 * kt_floor_funcs can be mirrored; another probe's hook is -EOPNOTSUPP.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "../probe.h"

static void kt_floor_sys_enter(void *data, struct pt_regs *regs, long id)
{
}

static void kt_floor_sys_exit(void *data, struct pt_regs *regs, long ret)
{
}

static void kt_floor_task(void *data, struct task_struct *p)
{
}

static void kt_floor_switch(void *data, bool preempt, struct task_struct *prev,
			    struct task_struct *next, unsigned int prev_state)
{
}

static void kt_floor_rq(void *data, struct request *rq)
{
}

static void kt_floor_rq_complete(void *data, struct request *rq,
				 blk_status_t error, unsigned int nr_bytes)
{
}

/* The tracepoints an empty callback exists for, by name. */
static const struct {
	const char *name;
	void *func;
} kt_floor_funcs[] = {
	{ "sys_enter", kt_floor_sys_enter },
	{ "sys_exit", kt_floor_sys_exit },
	{ "sched_process_exit", kt_floor_task },
	{ "sched_wakeup", kt_floor_task },
	{ "sched_wakeup_new", kt_floor_task },
	{ "sched_switch", kt_floor_switch },
	{ "block_rq_insert", kt_floor_rq },
	{ "block_rq_issue", kt_floor_rq },
	{ "block_rq_complete", kt_floor_rq_complete },
};

/* The instance's registrations, one per hook of the mirrored probe. */
struct kt_floor {
	unsigned int nr;
	struct kt_tp_hook hooks[];
};

static void *kt_floor_func(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kt_floor_funcs); i++)
		if (!strcmp(kt_floor_funcs[i].name, name))
			return kt_floor_funcs[i].func;
	return NULL;
}

static int kt_floor_attach(struct kt_inst *inst)
{
	const struct kt_probe_ops *ops;
	struct kt_probe *target;
	struct kt_floor *floor;
	unsigned int i;
	int err;

	target = kt_probe_find(inst->symbol);
	if (!target || target == inst->probe)
		return -ENOENT;
	ops = target->ops;
	if (!ops->nr_hooks)
		return -EOPNOTSUPP;	/* kprobes or its own attach */
	floor = kzalloc(struct_size(floor, hooks, ops->nr_hooks), GFP_KERNEL);
	if (!floor)
		return -ENOMEM;
	floor->nr = ops->nr_hooks;
	for (i = 0; i < floor->nr; i++) {
		floor->hooks[i].name = ops->hooks[i].name;
		floor->hooks[i].func = kt_floor_func(ops->hooks[i].name);
		if (!floor->hooks[i].func) {
			err = -EOPNOTSUPP;
			goto err_free;
		}
	}
	err = kt_tp_register(floor->hooks, floor->nr, inst);
	if (err)
		goto err_free;
	inst->priv = floor;
	return 0;

err_free:
	kfree(floor);
	return err;
}

static void kt_floor_detach(struct kt_inst *inst)
{
	struct kt_floor *floor = inst->priv;

	kt_tp_unregister(floor->hooks, floor->nr, inst);
	kfree(floor);
	inst->priv = NULL;
}

const struct kt_probe_ops kt_probe_floor = {
	.name = "floor",
	.desc = "empty callbacks on another probe's tracepoints (bench floor)",
	.kind = KTRACE_KIND_COUNT,
	.keys = BIT(KTRACE_KEY_NONE),
	.flags = KTRACE_ENABLE_SYMBOL,
	.inst_attach = kt_floor_attach,
	.inst_detach = kt_floor_detach,
};
