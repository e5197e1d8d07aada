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

static void kt_sys_enter_record(struct kt_inst *inst, struct pt_regs *regs,
				long nr)
{
	struct ktrace_rec_syscall *rec;

	rec = (struct ktrace_rec_syscall *)
		kt_inst_reserve(inst, sizeof(*rec), KTRACE_REC_SYSCALL);
	if (!rec)
		return;
	/* Straight into the record: a __u64 is an unsigned long here. */
	BUILD_BUG_ON(sizeof(rec->args) != 6 * sizeof(unsigned long));
	syscall_get_arguments(current, regs, (unsigned long *)rec->args);
	rec->pid = current->pid;
	rec->tgid = current->tgid;
	rec->nr = nr;
	memcpy(rec->comm, current->comm, sizeof(rec->comm));
	kt_inst_commit(inst, &rec->hdr);
}

static void kt_sys_enter_on_enter(void *data, struct pt_regs *regs, long nr)
{
	struct kt_probe *probe = data;
	struct kt_inst *inst;
	u64 t0;

	list_for_each_entry_rcu(inst, &probe->insts, node) {
		t0 = kt_hit_begin(inst);
		if (kt_filter_task(&inst->filter, current))
			kt_sys_enter_record(inst, regs, nr);
		else
			this_cpu_inc(inst->stats->filtered);
		kt_hit_end(inst, t0);
	}
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
