// SPDX-License-Identifier: GPL-2.0
/*
 * bpfwatch: bpf() system calls by command, program type (for
 * BPF_PROG_LOAD) and process name, with how many failed, to see who loads
 * BPF programs and maps on a machine.  Keyed KTRACE_KEY_COMM with the
 * layout of uapi/ktrace.h (bpfwatch).
 *
 * raw_syscalls:sys_enter, filtered on __NR_bpf, stores the command and
 * program type of a task some instance wants in the lock-free pid table
 * (../pidtab.h); raw_syscalls:sys_exit takes them back and counts the call
 * with its result.  The program type is read from the caller's
 * union bpf_attr at entry with copy_from_user_nofault(): a handler must not
 * fault, and reading at entry sees what the kernel is about to see.  A
 * bpf() entered before an instance was enabled is not counted by it.
 * Compat (32-bit) system calls have other numbers and are not traced.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/compat.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unistd.h>
#include <asm/syscall.h>
#include "../pidtab.h"
#include "../probe.h"

static_assert(offsetof(union bpf_attr, prog_type) == 0);

static void kt_bw_on_enter(void *data, struct pt_regs *regs, long id)
{
	struct kt_probe *probe = data;
	unsigned long args[6];
	struct kt_inst *inst;
	bool wanted = false;
	u32 prog_type = 0;
	u64 val;

	if (id != __NR_bpf || in_compat_syscall())
		return;
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		if (kt_filter_task(&inst->filter, current)) {
			wanted = true;
			break;
		}
	}
	if (!wanted)
		return;
	syscall_get_arguments(current, regs, args);
	/* A bad pointer leaves 0: the kernel will fail the call anyway. */
	if (args[0] == BPF_PROG_LOAD &&
	    copy_from_user_nofault(&prog_type, (const void __user *)args[1],
				   sizeof(prog_type)))
		prog_type = 0;
	val = (args[0] & 0xffff) | (u64)(prog_type & 0xffff) << 16;
	if (kt_pidtab_set(probe->priv, current->pid, kt_clock(), val))
		return;
	/* Table full: the call is lost to the instances that wanted it. */
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		u64 t0;

		if (!kt_filter_task(&inst->filter, current))
			continue;	/* counted as filtered at exit */
		t0 = kt_hit_begin(inst);
		this_cpu_inc(inst->stats->drop_inflight_full);
		kt_hit_end(inst, t0);
	}
}

static void kt_bw_on_exit(void *data, struct pt_regs *regs, long ret)
{
	struct kt_probe *probe = data;
	struct kt_pidtab *tab = probe->priv;
	u64 start = 0, val = 0, key[2], t0;
	struct kt_inst *inst;
	char comm[TASK_COMM_LEN];
	bool pass;
	int s;

	if (syscall_get_nr(current, regs) != __NR_bpf || in_compat_syscall())
		return;
	s = kt_pidtab_find(tab, current->pid);
	if (s >= 0) {
		start = READ_ONCE(tab->ts[s]);
		val = READ_ONCE(tab->val[s]);
		kt_pidtab_release(tab, s);
	}
	/* Key: command and type, comm cut to KTRACE_BPFWATCH_COMM_LEN. */
	BUILD_BUG_ON(sizeof(comm) < KTRACE_BPFWATCH_COMM_LEN);
	memcpy(comm, current->comm, sizeof(comm));
	memcpy(&key[1], comm, sizeof(u64));
	key[0] = val;
	memcpy((char *)&key[0] + 4, comm + 8, 4);
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		pass = kt_filter_task(&inst->filter, current);
		/* Entered before this instance was enabled: not a hit. */
		if (pass && (s < 0 || start < inst->enabled_clock)) {
			this_cpu_inc(inst->stats->drop_no_start);
			continue;
		}
		t0 = kt_hit_begin(inst);
		if (pass)
			kt_inst_add(inst, key, ret < 0);
		else
			this_cpu_inc(inst->stats->filtered);
		kt_hit_end(inst, t0);
	}
}

static void kt_bw_on_process_exit(void *data, struct task_struct *p)
{
	struct kt_probe *probe = data;
	int s;

	s = kt_pidtab_find(probe->priv, p->pid);
	if (s >= 0)
		kt_pidtab_release(probe->priv, s);
}

static struct kt_tp_hook kt_bw_hooks[] = {
	{ .name = "sys_enter", .func = kt_bw_on_enter },
	{ .name = "sys_exit", .func = kt_bw_on_exit },
	{ .name = "sched_process_exit", .func = kt_bw_on_process_exit },
};

const struct kt_probe_ops kt_probe_bpfwatch = {
	.name = "bpfwatch",
	.desc = "bpf() calls by command, program type and process name",
	.kind = KTRACE_KIND_COUNT,
	.keys = BIT(KTRACE_KEY_COMM),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP,
	.capacity = 1024,
	.hooks = kt_bw_hooks,
	.nr_hooks = ARRAY_SIZE(kt_bw_hooks),
	.priv_size = sizeof(struct kt_pidtab),
};
