// SPDX-License-Identifier: GPL-2.0
/*
 * stackcount: the kernel stacks that call a function, counted per stack
 * like bcc's stackcount.  Each instance has a kprobe on its symbol; the
 * handler applies the task filters, unwinds the stack from the probe's
 * registers and counts it under its stack id (KTRACE_KEY_STACK: key[0]
 * the id in the instance's stack table, key[1] the tgid).  The table also
 * keeps the task's comm, so a per-process view needs no second probe and
 * outlives the processes; without -P the CLI adds the processes up.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "../compat/stacktrace.h"
#include "../kprobe.h"
#include "../probe.h"
#include "../stacks.h"

struct kt_sc {
	struct kprobe kp;
	struct kt_inst *inst;
};

static int kt_sc_on_call(struct kprobe *kp, struct pt_regs *regs)
{
	struct kt_sc *sc = container_of(kp, struct kt_sc, kp);
	struct kt_inst *inst = sc->inst;
	unsigned long ips[KTRACE_STACK_DEPTH];
	u64 t0 = kt_hit_begin(inst);
	u32 nr;

	if (kt_filter_task(&inst->filter, current)) {
		nr = kt_stack_save_regs(regs, ips, KTRACE_STACK_DEPTH);
		kt_stacks_record(inst, ips, nr, current, 1);
	} else {
		this_cpu_inc(inst->stats->filtered);
	}
	kt_hit_end(inst, t0);
	return 0;
}

static int kt_sc_attach(struct kt_inst *inst)
{
	struct kt_sc *sc;
	int err = -ENOMEM;

	if (!inst->symbol[0])
		return -EINVAL;
	sc = kzalloc(sizeof(*sc), GFP_KERNEL);
	if (!sc)
		return -ENOMEM;
	inst->stacks = kt_stacks_create();
	if (!inst->stacks)
		goto err_free;
	/* The handler may run as soon as the kprobe is armed. */
	sc->inst = inst;
	inst->priv = sc;
	err = kt_kprobe_register(&sc->kp, inst->symbol, kt_sc_on_call);
	if (err)
		goto err_free;
	return 0;

err_free:
	inst->priv = NULL;
	kfree(sc);
	return err;
}

static void kt_sc_detach(struct kt_inst *inst)
{
	struct kt_sc *sc = inst->priv;

	/* Waits for running handlers. */
	unregister_kprobe(&sc->kp);
	/* inst->stacks goes with the instance. */
	kfree(sc);
	inst->priv = NULL;
}

static u64 kt_sc_missed(struct kt_inst *inst)
{
	struct kt_sc *sc = inst->priv;

	return sc ? sc->kp.nmissed : 0;
}

const struct kt_probe_ops kt_probe_stackcount = {
	.name = "stackcount",
	.desc = "kernel stacks calling a function, counted per stack",
	.kind = KTRACE_KIND_COUNT,
	.keys = BIT(KTRACE_KEY_STACK),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP | KTRACE_ENABLE_SYMBOL,
	.capacity = KT_STACKS_CAPACITY,
	.inst_attach = kt_sc_attach,
	.inst_detach = kt_sc_detach,
	.inst_missed = kt_sc_missed,
};
