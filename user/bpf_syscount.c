// SPDX-License-Identifier: GPL-2.0
/* syscount's BPF version (bpf/syscount.bpf.c): its loader. */
#include <errno.h>
#include "bpf_probe.h"
#include "syscount.skel.h"

static int sc_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct syscount_bpf *skel;

	skel = syscount_bpf__open();
	if (!skel)
		return -errno;
	bi->skel = skel;
	bi->sk = skel->skeleton;
	bi->obj = skel->obj;
	bpf_cfg_set(&skel->rodata->kt_cfg, bi, en);
	bpf_pick_tp(skel->progs.kt_sc_enter_btf,
		    skel->progs.kt_sc_enter_raw, "sys_enter", true);
	bpf_pick_tp(skel->progs.kt_sc_exit_btf,
		    skel->progs.kt_sc_exit_raw, "sys_exit", true);
	bpf_pick_tp(skel->progs.kt_sc_pexit_btf,
		    skel->progs.kt_sc_pexit_raw, "sched_process_exit", true);
	return 0;
}

const struct bpf_probe bpf_syscount = {
	.info = {
		.name = "syscount",
		.desc = "system call counts and latency, per syscall or process",
		.kind = KTRACE_KIND_COUNT,
		.keys = 1U << KTRACE_KEY_SYSCALL | 1U << KTRACE_KEY_TGID |
			1U << KTRACE_KEY_COMM,
		.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID |
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP,
		.opts = KTRACE_SYSCOUNT_FAILED,
	},
	.capacity = 1024,
	.tracepoints = { "raw_syscalls:sys_enter", "raw_syscalls:sys_exit",
			 "sched:sched_process_exit" },
	.open = sc_open,
};
