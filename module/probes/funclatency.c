// SPDX-License-Identifier: GPL-2.0
/*
 * funclatency: latency of any kernel function, from entry to return, as a
 * log2 histogram, whole or per process.  Each instance has its own
 * kretprobe on the symbol it names; the entry handler applies the filters
 * and stamps the call, the return handler aggregates.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include "../kprobe.h"
#include "../probe.h"

struct kt_func {
	struct kretprobe rp;
	struct kt_inst *inst;
};

static struct kt_inst *kt_func_inst(struct kretprobe_instance *ri)
{
	return container_of(get_kretprobe(ri), struct kt_func, rp)->inst;
}

static int kt_func_on_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct kt_inst *inst = kt_func_inst(ri);
	u64 t0 = kt_hit_begin(inst);
	int skip = 0;

	if (kt_filter_task(&inst->filter, current)) {
		*(u64 *)ri->data = ktime_get_ns();
	} else {
		this_cpu_inc(inst->stats->filtered);
		skip = 1;	/* no return handler for this call */
	}
	kt_hit_end(inst, t0);
	return skip;
}

static int kt_func_on_return(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct kt_inst *inst = kt_func_inst(ri);
	u64 key[2] = { 0, 0 };

	if (inst->key == KTRACE_KEY_PID) {
		key[0] = current->pid;
		key[1] = current->tgid;
	} else if (inst->key == KTRACE_KEY_TGID) {
		key[0] = current->tgid;
	}
	kt_inst_add(inst, key, ktime_get_ns() - *(u64 *)ri->data);
	return 0;
}

static int kt_func_attach(struct kt_inst *inst)
{
	struct kt_func *func;
	int err;

	if (!inst->symbol[0])
		return -EINVAL;
	func = kzalloc(sizeof(*func), GFP_KERNEL);
	if (!func)
		return -ENOMEM;
	func->inst = inst;
	err = kt_kretprobe_register(&func->rp, inst->symbol, kt_func_on_entry,
				    kt_func_on_return, sizeof(u64));
	if (err) {
		pr_debug("cannot probe %s: %d\n", inst->symbol, err);
		kfree(func);
		return err;
	}
	inst->priv = func;
	return 0;
}

static void kt_func_detach(struct kt_inst *inst)
{
	struct kt_func *func = inst->priv;

	/* Waits for running handlers; pending returns are disarmed. */
	unregister_kretprobe(&func->rp);
	kfree(func);
	inst->priv = NULL;
}

static u64 kt_func_missed(struct kt_inst *inst)
{
	struct kt_func *func = inst->priv;

	return func ? kt_kretprobe_missed(&func->rp) : 0;
}

const struct kt_probe_ops kt_probe_funclatency = {
	.name = "funclatency",
	.desc = "latency of a kernel function, entry to return",
	.kind = KTRACE_KIND_HIST,
	.keys = BIT(KTRACE_KEY_NONE) | BIT(KTRACE_KEY_PID) |
		BIT(KTRACE_KEY_TGID),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP | KTRACE_ENABLE_SYMBOL |
		 KTRACE_ENABLE_LINEAR,
	.capacity = 1024,
	.inst_attach = kt_func_attach,
	.inst_detach = kt_func_detach,
	.inst_missed = kt_func_missed,
};
