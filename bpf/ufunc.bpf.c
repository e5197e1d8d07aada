// SPDX-License-Identifier: GPL-2.0
/*
 * ufunclatency and ufunccount, eBPF only: uprobes on functions of user
 * binaries and libraries, which ktrace.ko does not hook (its probes are
 * kernel tracepoints and kprobes).  ktracectl attaches the programs
 * itself (user/bpf_ufunc.c), each uprobe on a file offset libbpf finds
 * from the function's name in the ELF symbol table.
 *
 * ufunclatency: the entry uprobe stamps the time per thread, the
 * uretprobe adds entry-to-return to a log2 histogram, whole or per
 * process or thread, as funclatency does for kernel functions.  A thread
 * is in one call of the function at a time unless it recurses; a
 * recursive call restarts the clock, as bcc's funclatency does.
 *
 * ufunccount: one uprobe per function, each attached with the function's
 * index as its BPF cookie, counted under that index (KTRACE_KEY_FUNC).
 * A USDT probe (a DTRACE_PROBE() site, found by libbpf in the binary's
 * .note.stapsdt) is counted alike, its index as the USDT cookie: libbpf
 * keeps the BPF cookie for its own argument specs.
 */
#define KT_BPF_HIST
#include "ktrace.bpf.h"
#include <bpf/usdt.bpf.h>

#define KT_UF_INFLIGHT	10240	/* threads inside the function at once */

char LICENSE[] SEC("license") = "GPL";

/* Entry time per thread (pid_tgid). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KT_UF_INFLIGHT);
	__type(key, __u64);
	__type(value, __u64);
} kt_uf_start SEC(".maps");

SEC("uprobe")
int BPF_KPROBE(kt_uf_entry)
{
	__u64 id = bpf_get_current_pid_tgid(), now, t0;

	t0 = kt_hit_begin();
	if (!kt_filter_task()) {
		kt_count(KT_STAT_FILTERED);
		goto out;
	}
	now = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&kt_uf_start, &id, &now, BPF_ANY))
		kt_count(KT_STAT_INFLIGHT_FULL);
out:
	kt_hit_end(t0);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(kt_uf_return)
{
	__u64 id = bpf_get_current_pid_tgid(), *start, delta, k0, k1 = 0;

	start = bpf_map_lookup_elem(&kt_uf_start, &id);
	if (!start) {
		/* Entered before enabling (a filtered call has no entry). */
		if (kt_filter_task())
			kt_count(KT_STAT_NO_START);
		return 0;
	}
	delta = bpf_ktime_get_ns() - *start;
	bpf_map_delete_elem(&kt_uf_start, &id);
	switch (kt_cfg.key) {
	case KTRACE_KEY_PID:
		k0 = (__u32)id;
		k1 = id >> 32;
		break;
	case KTRACE_KEY_TGID:
		k0 = id >> 32;
		break;
	default:
		k0 = 0;
	}
	kt_hist_add(k0, k1, delta);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(kt_uf_count)
{
	__u64 t0 = kt_hit_begin();

	if (!kt_filter_task())
		kt_count(KT_STAT_FILTERED);
	else
		kt_hist_add(bpf_get_attach_cookie(ctx), 0, 0);
	kt_hit_end(t0);
	return 0;
}

SEC("usdt")
int BPF_USDT(kt_uf_usdt)
{
	__u64 t0 = kt_hit_begin();

	if (!kt_filter_task())
		kt_count(KT_STAT_FILTERED);
	else
		kt_hist_add(bpf_usdt_cookie(ctx), 0, 0);
	kt_hit_end(t0);
	return 0;
}
