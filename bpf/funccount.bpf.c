// SPDX-License-Identifier: GPL-2.0
/*
 * funccount, eBPF: calls of the kernel functions matching a name or a
 * wildcard, counted per function (KTRACE_KEY_FUNC: key[0] is the
 * function's index in the instance's list).  The twin of
 * module/probes/funccount.c.
 *
 * ktracectl expands the wildcard itself and attaches one kprobe_multi
 * link over every match where the kernel has them (fprobe), else one
 * kprobe per function; either way each function's index is its BPF
 * cookie, so one program serves every function.
 */
#define KT_BPF_HIST
#include "ktrace.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline int kt_fc_call(void *ctx)
{
	__u64 t0 = kt_hit_begin();

	if (kt_filter_task())
		kt_hist_add(bpf_get_attach_cookie(ctx), 0, 1);
	else
		kt_count(KT_STAT_FILTERED);
	kt_hit_end(t0);
	return 0;
}

/* Attached by ktracectl, over the functions it found. */
SEC("kprobe.multi")
int BPF_KPROBE(kt_fc_multi)
{
	return kt_fc_call(ctx);
}

SEC("kprobe")
int BPF_KPROBE(kt_fc_kprobe)
{
	return kt_fc_call(ctx);
}
