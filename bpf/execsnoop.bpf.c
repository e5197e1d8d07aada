// SPDX-License-Identifier: GPL-2.0
/*
 * execsnoop, eBPF: one struct ktrace_rec_exec per execve/execveat,
 * streamed at its return with the result through the BPF ring buffer.
 * The twin of module/probes/execsnoop.c, writing the same records, so
 * ktracectl prints them with the same code.
 *
 * The filename and arguments can only be read at entry (on success the
 * old image is gone by the return), so sys_enter reads them into a
 * per-task entry and sys_exit of the same task emits it.  Entries are
 * keyed by the task_struct, not the pid: a thread other than the leader
 * that execs returns with the leader's pid (de_thread()), in the same
 * task_struct.  Filters are evaluated at return, on the new image's name.
 *
 * x86-64 system call numbers: this is built for __TARGET_ARCH_x86 only.
 */
#define KT_BPF_RING
#include "ktrace.bpf.h"

#define KT_EXEC_INFLIGHT	256	/* execs between entry and return */
#define KT_NR_EXECVE		59
#define KT_NR_EXECVEAT		322
#define KT_NR_IA32_EXECVE	11
/* thread_info.status: a 32-bit system call (in_compat_syscall()). */
#define KT_TS_COMPAT		0x0002

char LICENSE[] SEC("license") = "GPL";

/*
 * The record as it will be streamed, data[] in raw.  Reads go at any
 * offset below KTRACE_EXEC_DATA_MAX for up to the room left: the verifier
 * bounds offset and size apart, so raw has room for both maxima.
 */
union kt_exec_ent {
	struct ktrace_rec_exec rec;
	char raw[sizeof(struct ktrace_rec_exec) + 2 * KTRACE_EXEC_DATA_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KT_EXEC_INFLIGHT);
	__type(key, __u64);
	__type(value, union kt_exec_ent);
} kt_execs SEC(".maps");

static const union kt_exec_ent kt_zero_ent;

static __always_inline bool kt_in_compat(void)
{
	struct task_struct *task = (void *)bpf_get_current_task();

	if (!bpf_core_field_exists(task->thread_info.status))
		return false;
	return BPF_CORE_READ(task, thread_info.status) & KT_TS_COMPAT;
}

/*
 * Appends the user string at @ustr to the data: KT_EXEC_WHOLE, KT_EXEC_CUT
 * (the start of it, NUL-terminated) or KT_EXEC_NONE (unreadable or no
 * room; nothing added).
 */
enum { KT_EXEC_NONE, KT_EXEC_CUT, KT_EXEC_WHOLE };

static __always_inline int kt_exec_append(union kt_exec_ent *e,
					  const char *ustr)
{
	__u32 len = e->rec.data_len, room;
	long n;

	if (len >= KTRACE_EXEC_DATA_MAX)
		return KT_EXEC_NONE;
	room = KTRACE_EXEC_DATA_MAX - len;
	n = bpf_probe_read_user_str(e->rec.data + len, room, ustr);
	if (n <= 0)
		return KT_EXEC_NONE;
	e->rec.data_len = len + n;
	/* Exactly filling the room is taken as cut: the NUL may be ours. */
	return n < room ? KT_EXEC_WHOLE : KT_EXEC_CUT;
}

/* The filename, then argv[1..]: argv[0] is usually the filename again. */
static __always_inline void kt_exec_read(union kt_exec_ent *e,
					 const char *filename,
					 const char *const *argv)
{
	const char *arg;
	int got, i;

	e->rec.data_len = 0;
	e->rec.nr_args = 0;
	e->rec.flags = 0;
	got = kt_exec_append(e, filename);
	if (got != KT_EXEC_WHOLE) {
		if (got == KT_EXEC_NONE) {
			e->rec.data[0] = '\0';
			e->rec.data_len = 1;
		}
		goto cut;
	}
	/* argv[0] only tells whether there are arguments at all. */
	if (!argv || bpf_probe_read_user(&arg, sizeof(arg), &argv[0]))
		goto cut;
	if (!arg)
		return;
	for (i = 1; i <= KTRACE_EXEC_ARGS_MAX + 1; i++) {
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]))
			goto cut;
		if (!arg)
			return;
		if (i > KTRACE_EXEC_ARGS_MAX)
			goto cut;
		got = kt_exec_append(e, arg);
		if (got != KT_EXEC_NONE)
			e->rec.nr_args++;
		if (got != KT_EXEC_WHOLE)
			goto cut;
	}
	return;
cut:
	e->rec.flags |= KTRACE_EXEC_TRUNCATED;
}

static __always_inline int kt_exec_enter(struct pt_regs *regs, long nr)
{
	const char *const *argv;
	const char *filename;
	union kt_exec_ent *e;
	__u64 key, t0;

	if ((nr != KT_NR_EXECVE && nr != KT_NR_EXECVEAT) || kt_in_compat())
		return 0;
	/* x86-64 system call arguments: di, si, dx. */
	if (nr == KT_NR_EXECVE) {
		filename = (const char *)BPF_CORE_READ(regs, di);
		argv = (const char *const *)BPF_CORE_READ(regs, si);
	} else {
		filename = (const char *)BPF_CORE_READ(regs, si);
		argv = (const char *const *)BPF_CORE_READ(regs, dx);
	}
	key = bpf_get_current_task();
	/* An entry left by an exec whose return was not seen is reused. */
	if (bpf_map_update_elem(&kt_execs, &key, &kt_zero_ent, BPF_ANY)) {
		t0 = kt_hit_begin();
		kt_count(KT_STAT_INFLIGHT_FULL);
		kt_hit_end(t0);
		return 0;
	}
	e = bpf_map_lookup_elem(&kt_execs, &key);
	if (e)
		kt_exec_read(e, filename, argv);
	return 0;
}

/*
 * Whether a system call returning is an exec.  A successful exec of a
 * 32-bit program makes the 64-bit execve look like the ia32 one.
 */
static __always_inline bool kt_exec_nr(long nr)
{
	if (nr == KT_NR_EXECVE || nr == KT_NR_EXECVEAT)
		return true;
	return nr == KT_NR_IA32_EXECVE && kt_in_compat();
}

static __always_inline void kt_exec_emit(union kt_exec_ent *e, long ret)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 data_len = e->rec.data_len;
	__u64 size;

	if (data_len > KTRACE_EXEC_DATA_MAX)
		data_len = KTRACE_EXEC_DATA_MAX;
	size = sizeof(e->rec) + data_len;
	kt_rec_init(&e->rec.hdr, size, KTRACE_REC_EXEC);
	e->rec.pid = (__u32)id;
	e->rec.tgid = id >> 32;
	e->rec.ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->rec.uid = (__u32)bpf_get_current_uid_gid();
	e->rec.retval = ret;
	bpf_get_current_comm(e->rec.comm, sizeof(e->rec.comm));
	e->rec.data_len = data_len;
	e->rec.reserved = 0;
	kt_ring_output(&e->rec, size);
}

static __always_inline int kt_exec_exit(struct pt_regs *regs, long ret)
{
	union kt_exec_ent *e;
	__u64 key, t0;

	if (!kt_exec_nr(BPF_CORE_READ(regs, orig_ax)))
		return 0;
	key = bpf_get_current_task();
	e = bpf_map_lookup_elem(&kt_execs, &key);
	if (!e)
		return 0;
	t0 = kt_hit_begin();
	if ((ret && !(kt_cfg.opts & KTRACE_EXECSNOOP_FAILED)) ||
	    !kt_filter_task())
		kt_count(KT_STAT_FILTERED);
	else
		kt_exec_emit(e, ret);
	kt_hit_end(t0);
	bpf_map_delete_elem(&kt_execs, &key);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kt_exec_enter_btf, struct pt_regs *regs, long nr)
{
	return kt_exec_enter(regs, nr);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kt_exec_exit_btf, struct pt_regs *regs, long ret)
{
	return kt_exec_exit(regs, ret);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(kt_exec_enter_raw, struct pt_regs *regs, long nr)
{
	return kt_exec_enter(regs, nr);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(kt_exec_exit_raw, struct pt_regs *regs, long ret)
{
	return kt_exec_exit(regs, ret);
}
