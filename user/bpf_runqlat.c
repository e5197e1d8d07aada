// SPDX-License-Identifier: GPL-2.0
/* runqlat's BPF version (bpf/runqlat.bpf.c): its loader. */
#include <errno.h>
#include "bpf_probe.h"
#include "runqlat.skel.h"

static int rql_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct runqlat_bpf *skel;

	skel = runqlat_bpf__open();
	if (!skel)
		return -errno;
	bi->skel = skel;
	bi->sk = skel->skeleton;
	bi->obj = skel->obj;
	bpf_cfg_set(&skel->rodata->kt_cfg, bi, en);
	bpf_pick_tp(skel->progs.kt_rql_wakeup_btf,
		    skel->progs.kt_rql_wakeup_raw, "sched_wakeup", true);
	bpf_pick_tp(skel->progs.kt_rql_wakeup_new_btf,
		    skel->progs.kt_rql_wakeup_new_raw, "sched_wakeup_new", true);
	bpf_pick_tp(skel->progs.kt_rql_switch_btf,
		    skel->progs.kt_rql_switch_raw, "sched_switch", true);
	return 0;
}

const struct bpf_probe bpf_runqlat = {
	.info = {
		.name = "runqlat",
		.desc = "run queue latency, wakeup or preemption to running",
		.kind = KTRACE_KIND_HIST,
		.keys = 1U << KTRACE_KEY_NONE | 1U << KTRACE_KEY_PID |
			1U << KTRACE_KEY_TGID,
		/*
		 * No linear histograms yet; no cgroup filter: it would test
		 * the task switched in, which is not the current one.
		 */
		.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID |
			 KTRACE_ENABLE_COMM,
	},
	.capacity = 256,
	.tracepoints = { "sched:sched_wakeup", "sched:sched_wakeup_new",
			 "sched:sched_switch" },
	.open = rql_open,
};
