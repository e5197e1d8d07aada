// SPDX-License-Identifier: GPL-2.0
/*
 * funclatency, eBPF: the latency of one kernel function, entry to return,
 * as a log2 histogram, whole or per process or thread.  The twin of
 * module/probes/funclatency.c: the entry applies the task filters and
 * stamps the call, the return aggregates.
 *
 * The function is named at run time, so the programs name none:
 * ktracectl points the fentry/fexit pair at it where the kernel has BPF
 * trampolines for it (bpf_program__set_attach_target()), else attaches
 * the kprobe/kretprobe pair to it itself.  Both pairs run the same code.
 *
 * Calls in flight are keyed by thread: a thread is in one call of the
 * function at a time unless it recurses, and a recursive call's entry
 * then replaces the outer one's stamp, as libbpf-tools' funclatency does.
 */
#define KT_BPF_HIST
#include "ktrace.bpf.h"

#define KT_FL_INFLIGHT		10240	/* threads inside the function */

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KT_FL_INFLIGHT);
	__type(key, __u32);
	__type(value, __u64);
} kt_fl_start SEC(".maps");

static __always_inline int kt_fl_entry(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 t0 = kt_hit_begin(), now;

	if (!kt_filter_task()) {
		kt_count(KT_STAT_FILTERED);
		goto out;
	}
	now = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&kt_fl_start, &tid, &now, BPF_ANY))
		kt_count(KT_STAT_INFLIGHT_FULL);
out:
	kt_hit_end(t0);
	return 0;
}

static __always_inline int kt_fl_return(void)
{
	__u64 id = bpf_get_current_pid_tgid(), *start, k0 = 0, k1 = 0;
	__u32 tid = (__u32)id;

	start = bpf_map_lookup_elem(&kt_fl_start, &tid);
	if (!start) {
		/* Entered before enabling, or filtered out at entry. */
		return 0;
	}
	if (kt_cfg.key == KTRACE_KEY_PID) {
		k0 = tid;
		k1 = id >> 32;
	} else if (kt_cfg.key == KTRACE_KEY_TGID) {
		k0 = id >> 32;
	}
	kt_hist_add(k0, k1, bpf_ktime_get_ns() - *start);
	bpf_map_delete_elem(&kt_fl_start, &tid);
	return 0;
}

/* The targets are set by ktracectl; "dummy" is never used. */
SEC("fentry/dummy")
int BPF_PROG(kt_fl_fentry)
{
	return kt_fl_entry();
}

SEC("fexit/dummy")
int BPF_PROG(kt_fl_fexit)
{
	return kt_fl_return();
}

SEC("kprobe")
int BPF_KPROBE(kt_fl_kprobe)
{
	return kt_fl_entry();
}

SEC("kretprobe")
int BPF_KRETPROBE(kt_fl_kretprobe)
{
	return kt_fl_return();
}
