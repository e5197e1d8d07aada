// SPDX-License-Identifier: GPL-2.0
/* sys_enter's BPF version (bpf/sys_enter.bpf.c): its loader. */
#include <errno.h>
#include "bpf_probe.h"
#include "sys_enter.skel.h"

static int se_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct sys_enter_bpf *skel;

	skel = sys_enter_bpf__open();
	if (!skel)
		return -errno;
	bi->skel = skel;
	bi->sk = skel->skeleton;
	bi->obj = skel->obj;
	bpf_cfg_set(&skel->rodata->kt_cfg, bi, en);
	bpf_pick_tp(skel->progs.kt_se_enter_btf,
		    skel->progs.kt_se_enter_raw, "sys_enter", true);
	return 0;
}

const struct bpf_probe bpf_sys_enter = {
	.info = {
		.name = "sys_enter",
		.desc = "system call entries, streamed with their arguments",
		.kind = KTRACE_KIND_STREAM,
		.keys = 1U << KTRACE_KEY_NONE,
		.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID |
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP,
	},
	.tracepoints = { "raw_syscalls:sys_enter" },
	.open = se_open,
};
