// SPDX-License-Identifier: GPL-2.0
/* execsnoop's BPF version (bpf/execsnoop.bpf.c): its loader. */
#include <errno.h>
#include "bpf_probe.h"
#include "execsnoop.skel.h"

static int es_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct execsnoop_bpf *skel;

	skel = execsnoop_bpf__open();
	if (!skel)
		return -errno;
	bi->skel = skel;
	bi->sk = skel->skeleton;
	bi->obj = skel->obj;
	bpf_cfg_set(&skel->rodata->kt_cfg, bi, en);
	bpf_pick_tp(skel->progs.kt_exec_enter_btf,
		    skel->progs.kt_exec_enter_raw, "sys_enter", true);
	bpf_pick_tp(skel->progs.kt_exec_exit_btf,
		    skel->progs.kt_exec_exit_raw, "sys_exit", true);
	return 0;
}

const struct bpf_probe bpf_execsnoop = {
	.info = {
		.name = "execsnoop",
		.desc = "execs with filename and arguments, streamed at return",
		.kind = KTRACE_KIND_STREAM,
		.keys = 1U << KTRACE_KEY_NONE,
		.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID |
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP,
		.opts = KTRACE_EXECSNOOP_FAILED,
	},
	.tracepoints = { "raw_syscalls:sys_enter", "raw_syscalls:sys_exit" },
	.open = es_open,
};
