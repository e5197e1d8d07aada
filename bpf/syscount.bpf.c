// SPDX-License-Identifier: GPL-2.0
/*
 * syscount, eBPF: system calls counted, with their summed latency, per
 * syscall, per process or per command name.  The twin of
 * module/probes/syscount.c, counting the same calls the same way, so
 * ktracectl prints the same table from either.  With
 * KTRACE_SYSCOUNT_FAILED only calls that returned an error count.
 *
 * raw_syscalls:sys_enter stores the entry time and number of a task that
 * passes the filters in a hash keyed by its pid; raw_syscalls:sys_exit
 * takes them back and counts the call.  exit and exit_group never return:
 * sched_process_exit deletes their entries.  The hash starts empty when
 * the programs load, so every entry found was made after attach: no call
 * entered before enabling is counted (it is a drop_no_start, as in the
 * module).
 */
#define KT_BPF_HIST
#include "ktrace.bpf.h"

#define KT_SC_INFLIGHT		8192	/* as the module's pid table */

char LICENSE[] SEC("license") = "GPL";

struct kt_sc_start {
	__u64 ts;
	__u64 nr;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KT_SC_INFLIGHT);
	__type(key, __u32);
	__type(value, struct kt_sc_start);
} kt_sc_starts SEC(".maps");

static __always_inline int kt_sc_enter(long nr)
{
	struct kt_sc_start st;
	__u32 pid;
	__u64 t0;

	/* Only tasks the instance records take an entry. */
	if (!kt_filter_task())
		return 0;
	pid = (__u32)bpf_get_current_pid_tgid();
	st.ts = bpf_ktime_get_ns();
	st.nr = (__u64)nr;
	if (!bpf_map_update_elem(&kt_sc_starts, &pid, &st, BPF_ANY))
		return 0;
	/* Table full: the call is lost, counted as a hit dropped. */
	t0 = kt_hit_begin();
	kt_count(KT_STAT_INFLIGHT_FULL);
	kt_hit_end(t0);
	return 0;
}

static __always_inline int kt_sc_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u64 start = 0, nr = 0, k0 = 0, k1 = 0, t0;
	struct kt_sc_start *st;
	char comm[KTRACE_COMM_LEN];
	__u32 pid = (__u32)id;
	bool pass, found = false;

	st = bpf_map_lookup_elem(&kt_sc_starts, &pid);
	if (st) {
		start = st->ts;
		nr = st->nr;
		found = true;
		bpf_map_delete_elem(&kt_sc_starts, &pid);
	}
	pass = kt_filter_task();
	/* Entered before the programs were attached: not a hit. */
	if (pass && !found) {
		kt_count(KT_STAT_NO_START);
		return 0;
	}
	t0 = kt_hit_begin();
	if (!pass || ((kt_cfg.opts & KTRACE_SYSCOUNT_FAILED) && ret >= 0)) {
		kt_count(KT_STAT_FILTERED);
		goto out;
	}
	switch (kt_cfg.key) {
	case KTRACE_KEY_TGID:
		k0 = id >> 32;
		break;
	case KTRACE_KEY_COMM:
		/* The first 16 bytes of comm, as the module's key. */
		__builtin_memset(comm, 0, sizeof(comm));
		bpf_get_current_comm(comm, sizeof(comm));
		__builtin_memcpy(&k0, comm, 8);
		__builtin_memcpy(&k1, comm + 8, 8);
		break;
	default:
		k0 = nr;
	}
	kt_hist_add(k0, k1, now > start ? now - start : 0);
out:
	kt_hit_end(t0);
	return 0;
}

static __always_inline int kt_sc_process_exit(struct task_struct *p)
{
	__u32 pid = BPF_CORE_READ(p, pid);

	bpf_map_delete_elem(&kt_sc_starts, &pid);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kt_sc_enter_btf, struct pt_regs *regs, long nr)
{
	return kt_sc_enter(nr);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kt_sc_exit_btf, struct pt_regs *regs, long ret)
{
	return kt_sc_exit(ret);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(kt_sc_pexit_btf, struct task_struct *p)
{
	return kt_sc_process_exit(p);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(kt_sc_enter_raw, struct pt_regs *regs, long nr)
{
	return kt_sc_enter(nr);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(kt_sc_exit_raw, struct pt_regs *regs, long ret)
{
	return kt_sc_exit(ret);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(kt_sc_pexit_raw, struct task_struct *p)
{
	return kt_sc_process_exit(p);
}
