// SPDX-License-Identifier: GPL-2.0
/* block_latency's BPF version (bpf/block_latency.bpf.c): its loader. */
#include <errno.h>
#include "bpf_probe.h"
#include "block_latency.skel.h"

static int bl_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct block_latency_bpf *skel;
	bool queued = en->opts & KTRACE_BLOCK_LATENCY_QUEUED;

	skel = block_latency_bpf__open();
	if (!skel)
		return -errno;
	bi->skel = skel;
	bi->sk = skel->skeleton;
	bi->obj = skel->obj;
	bpf_cfg_set(&skel->rodata->kt_cfg, bi, en);
	/* Insert only matters with -Q, as in the module. */
	bpf_pick_tp(skel->progs.kt_blk_insert_btf,
		    skel->progs.kt_blk_insert_raw, "block_rq_insert", queued);
	bpf_pick_tp(skel->progs.kt_blk_issue_btf,
		    skel->progs.kt_blk_issue_raw, "block_rq_issue", true);
	bpf_pick_tp(skel->progs.kt_blk_complete_btf,
		    skel->progs.kt_blk_complete_raw, "block_rq_complete", true);
	return 0;
}

const struct bpf_probe bpf_block_latency = {
	.info = {
		.name = "block_latency",
		.desc = "block I/O latency, issue (or insert) to completion",
		.kind = KTRACE_KIND_HIST,
		.keys = 1U << KTRACE_KEY_NONE | 1U << KTRACE_KEY_DEV |
			1U << KTRACE_KEY_FLAGS | 1U << KTRACE_KEY_PID |
			1U << KTRACE_KEY_TGID,
		/* No linear histograms yet. */
		.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID |
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP |
			 KTRACE_ENABLE_DEV,
		.opts = KTRACE_BLOCK_LATENCY_QUEUED,
	},
	.capacity = 256,
	.tracepoints = { "block:block_rq_insert", "block:block_rq_issue",
			 "block:block_rq_complete" },
	.open = bl_open,
};
