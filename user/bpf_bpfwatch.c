// SPDX-License-Identifier: GPL-2.0
/* bpfwatch's BPF version (bpf/bpfwatch.bpf.c): its loader. */
#include <errno.h>
#include <unistd.h>
#include "bpf_probe.h"
#include "bpfwatch.skel.h"

static int bw_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct bpfwatch_bpf *skel;

	skel = bpfwatch_bpf__open();
	if (!skel)
		return -errno;
	bi->skel = skel;
	bi->sk = skel->skeleton;
	bi->obj = skel->obj;
	bpf_cfg_set(&skel->rodata->kt_cfg, bi, en);
	/* Our own map reads are not what the module would see. */
	skel->rodata->kt_bw_self = (__u32)getpid();
	bpf_pick_tp(skel->progs.kt_bw_enter_btf,
		    skel->progs.kt_bw_enter_raw, "sys_enter", true);
	bpf_pick_tp(skel->progs.kt_bw_exit_btf,
		    skel->progs.kt_bw_exit_raw, "sys_exit", true);
	bpf_pick_tp(skel->progs.kt_bw_pexit_btf,
		    skel->progs.kt_bw_pexit_raw, "sched_process_exit", true);
	return 0;
}

const struct bpf_probe bpf_bpfwatch = {
	.info = {
		.name = "bpfwatch",
		.desc = "bpf() calls by command, program type and process name",
		.kind = KTRACE_KIND_COUNT,
		.keys = 1U << KTRACE_KEY_COMM,
		.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID |
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP,
	},
	.capacity = 1024,
	.tracepoints = { "raw_syscalls:sys_enter", "raw_syscalls:sys_exit",
			 "sched:sched_process_exit" },
	.open = bw_open,
};
