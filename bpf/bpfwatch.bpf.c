// SPDX-License-Identifier: GPL-2.0
/*
 * bpfwatch, eBPF: bpf() system calls by command, program type (for
 * BPF_PROG_LOAD) and process name, with how many failed.  The twin of
 * module/probes/bpfwatch.c, with the same KTRACE_KEY_COMM key layout
 * (uapi/ktrace.h, bpfwatch), so ktracectl prints the same table.
 *
 * raw_syscalls:sys_enter, filtered on __NR_bpf, stores the command and
 * program type of a task that passes the filters in a hash keyed by pid;
 * raw_syscalls:sys_exit takes them back and counts the call with its
 * result.  The program type is read from the caller's union bpf_attr at
 * entry, without faulting, as the module reads it.
 *
 * ktracectl itself calls bpf() to load these programs (before they are
 * attached) and to read their maps (after): the process that loaded them
 * (kt_bw_self) is left out, so that the table shows what the module's
 * does, where ktracectl makes no bpf() call.  x86-64 numbers; 32-bit
 * (compat) calls have others and are not traced, as in the module.
 */
#define KT_BPF_HIST
#include "ktrace.bpf.h"

#define KT_BW_INFLIGHT		8192	/* as the module's pid table */
#define KT_NR_BPF		321
#define KT_BPF_PROG_LOAD	5
/* thread_info.status: a 32-bit system call (in_compat_syscall()). */
#define KT_TS_COMPAT		0x0002

char LICENSE[] SEC("license") = "GPL";

/*
 * Set before load, as kt_cfg: the tgid of the ktracectl loading us.  A
 * scalar, so that the skeleton needs no type of ours; initialised, so
 * that it lands in .rodata.
 */
const volatile __u32 kt_bw_self = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KT_BW_INFLIGHT);
	__type(key, __u32);
	__type(value, __u64);
} kt_bw_calls SEC(".maps");

static __always_inline bool kt_in_compat(void)
{
	struct task_struct *task = (void *)bpf_get_current_task();

	if (!bpf_core_field_exists(task->thread_info.status))
		return false;
	return BPF_CORE_READ(task, thread_info.status) & KT_TS_COMPAT;
}

static __always_inline bool kt_bw_self_call(__u64 id)
{
	return kt_bw_self && id >> 32 == kt_bw_self;
}

static __always_inline int kt_bw_enter(struct pt_regs *regs, long nr)
{
	__u64 id = bpf_get_current_pid_tgid(), cmd, val, t0;
	__u32 pid = (__u32)id, prog_type = 0;
	const void *uattr;

	if (nr != KT_NR_BPF || kt_in_compat() || kt_bw_self_call(id))
		return 0;
	if (!kt_filter_task())
		return 0;
	cmd = BPF_CORE_READ(regs, di);
	uattr = (const void *)BPF_CORE_READ(regs, si);
	/* prog_type is the first member; a bad pointer leaves 0. */
	if (cmd == KT_BPF_PROG_LOAD &&
	    bpf_probe_read_user(&prog_type, sizeof(prog_type), uattr))
		prog_type = 0;
	val = (cmd & 0xffff) | (__u64)(prog_type & 0xffff) << 16;
	if (!bpf_map_update_elem(&kt_bw_calls, &pid, &val, BPF_ANY))
		return 0;
	/* Table full: the call is lost, counted as a hit dropped. */
	t0 = kt_hit_begin();
	kt_count(KT_STAT_INFLIGHT_FULL);
	kt_hit_end(t0);
	return 0;
}

static __always_inline int kt_bw_exit(struct pt_regs *regs, long ret)
{
	__u64 id = bpf_get_current_pid_tgid(), val = 0, k0, k1 = 0, t0;
	char comm[KTRACE_COMM_LEN];
	__u32 pid = (__u32)id, hi = 0;
	bool pass, found = false;
	__u64 *vp;

	if (BPF_CORE_READ(regs, orig_ax) != KT_NR_BPF || kt_in_compat() ||
	    kt_bw_self_call(id))
		return 0;
	vp = bpf_map_lookup_elem(&kt_bw_calls, &pid);
	if (vp) {
		val = *vp;
		found = true;
		bpf_map_delete_elem(&kt_bw_calls, &pid);
	}
	pass = kt_filter_task();
	/* Entered before the programs were attached: not a hit. */
	if (pass && !found) {
		kt_count(KT_STAT_NO_START);
		return 0;
	}
	t0 = kt_hit_begin();
	if (!pass) {
		kt_count(KT_STAT_FILTERED);
		goto out;
	}
	/* The module's key: comm[0..8) in key[1], comm[8..12) over val. */
	__builtin_memset(comm, 0, sizeof(comm));
	bpf_get_current_comm(comm, sizeof(comm));
	__builtin_memcpy(&k1, comm, 8);
	__builtin_memcpy(&hi, comm + 8, 4);
	k0 = (val & 0xffffffff) | (__u64)hi << 32;
	kt_hist_add(k0, k1, ret < 0);
out:
	kt_hit_end(t0);
	return 0;
}

static __always_inline int kt_bw_process_exit(struct task_struct *p)
{
	__u32 pid = BPF_CORE_READ(p, pid);

	bpf_map_delete_elem(&kt_bw_calls, &pid);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kt_bw_enter_btf, struct pt_regs *regs, long nr)
{
	return kt_bw_enter(regs, nr);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kt_bw_exit_btf, struct pt_regs *regs, long ret)
{
	return kt_bw_exit(regs, ret);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(kt_bw_pexit_btf, struct task_struct *p)
{
	return kt_bw_process_exit(p);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(kt_bw_enter_raw, struct pt_regs *regs, long nr)
{
	return kt_bw_enter(regs, nr);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(kt_bw_exit_raw, struct pt_regs *regs, long ret)
{
	return kt_bw_exit(regs, ret);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(kt_bw_pexit_raw, struct task_struct *p)
{
	return kt_bw_process_exit(p);
}
