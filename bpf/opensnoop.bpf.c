// SPDX-License-Identifier: GPL-2.0
/*
 * opensnoop, eBPF: one struct ktrace_rec_open per open, openat or openat2,
 * streamed at its return with the fd or -errno through the BPF ring
 * buffer.  The twin of module/probes/opensnoop.c, writing the same
 * records, so ktracectl prints them with the same code.
 *
 * As in the module, the path is read at entry (sys_enter), where the
 * caller's pointer is valid, with bpf_probe_read_user_str(), which never
 * faults a page in (strncpy_from_user_nofault()): a path not yet faulted
 * in is recorded empty, and a long one cut to KTRACE_PATH_LEN - 1 bytes.
 * openat2's flags and mode come from its struct open_how.  The filters
 * run at entry, on the caller, where each open is a hit; only opens that
 * pass get an entry, keyed by the task_struct, which sys_exit of the same
 * task completes, streams and deletes.  -x (KTRACE_OPENSNOOP_FAILED) is
 * applied at return, a successful open then counted as filtered.
 *
 * x86-64 system call numbers: this is built for __TARGET_ARCH_x86 only.
 */
#define KT_BPF_RING
#include "ktrace.bpf.h"

#define KT_OPEN_INFLIGHT	1024	/* opens between entry and return */
#define KT_NR_OPEN		2
#define KT_NR_OPENAT		257
#define KT_NR_OPENAT2		437
#define KT_AT_FDCWD		-100
/* thread_info.status: a 32-bit system call (in_compat_syscall()). */
#define KT_TS_COMPAT		0x0002

char LICENSE[] SEC("license") = "GPL";

/* The record as it will be streamed, filled at entry and at return. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KT_OPEN_INFLIGHT);
	__type(key, __u64);
	__type(value, struct ktrace_rec_open);
} kt_opens SEC(".maps");

static const struct ktrace_rec_open kt_zero_open;

static __always_inline bool kt_in_compat(void)
{
	struct task_struct *task = (void *)bpf_get_current_task();

	if (!bpf_core_field_exists(task->thread_info.status))
		return false;
	return BPF_CORE_READ(task, thread_info.status) & KT_TS_COMPAT;
}

static __always_inline bool kt_open_nr(long nr)
{
	return nr == KT_NR_OPEN || nr == KT_NR_OPENAT || nr == KT_NR_OPENAT2;
}

/* The arguments as the module reads them (syscall_get_arguments()). */
static __always_inline void kt_open_args(struct ktrace_rec_open *rec,
					 struct pt_regs *regs, long nr)
{
	/* flags and mode lead struct open_how in every version. */
	struct { __u64 flags, mode; } how;
	const void *uhow;
	const char *path;
	__u64 size;

	/* x86-64 system call arguments: di, si, dx, r10. */
	if (nr == KT_NR_OPEN) {
		rec->dfd = KT_AT_FDCWD;
		path = (const char *)BPF_CORE_READ(regs, di);
		rec->flags = BPF_CORE_READ(regs, si);
		rec->mode = BPF_CORE_READ(regs, dx);
	} else {
		rec->dfd = BPF_CORE_READ(regs, di);
		path = (const char *)BPF_CORE_READ(regs, si);
		rec->flags = BPF_CORE_READ(regs, dx);
		rec->mode = BPF_CORE_READ(regs, r10);
	}
	if (nr == KT_NR_OPENAT2) {
		uhow = (const void *)BPF_CORE_READ(regs, dx);
		size = BPF_CORE_READ(regs, r10);
		rec->flags = 0;
		rec->mode = 0;
		if (size >= sizeof(how) &&
		    !bpf_probe_read_user(&how, sizeof(how), uhow)) {
			rec->flags = how.flags;
			rec->mode = how.mode;
		}
	}
	if (bpf_probe_read_user_str(rec->path, sizeof(rec->path), path) < 0)
		rec->path[0] = '\0';
}

static __always_inline int kt_open_enter(struct pt_regs *regs, long nr)
{
	struct ktrace_rec_open *rec;
	__u64 key, t0;

	if (!kt_open_nr(nr) || kt_in_compat())
		return 0;
	t0 = kt_hit_begin();
	if (!kt_filter_task()) {
		kt_count(KT_STAT_FILTERED);
		goto out;
	}
	key = bpf_get_current_task();
	/* An entry left by an open whose return was not seen is reused. */
	if (bpf_map_update_elem(&kt_opens, &key, &kt_zero_open, BPF_ANY)) {
		kt_count(KT_STAT_INFLIGHT_FULL);
		goto out;
	}
	rec = bpf_map_lookup_elem(&kt_opens, &key);
	if (rec)
		kt_open_args(rec, regs, nr);
out:
	kt_hit_end(t0);
	return 0;
}

static __always_inline int kt_open_exit(struct pt_regs *regs, long ret)
{
	struct ktrace_rec_open *rec;
	__u64 key, id;

	if (!kt_open_nr(BPF_CORE_READ(regs, orig_ax)))
		return 0;
	key = bpf_get_current_task();
	rec = bpf_map_lookup_elem(&kt_opens, &key);
	if (!rec)
		return 0;
	if ((kt_cfg.opts & KTRACE_OPENSNOOP_FAILED) && ret >= 0) {
		kt_count(KT_STAT_FILTERED);
	} else {
		id = bpf_get_current_pid_tgid();
		kt_rec_init(&rec->hdr, sizeof(*rec), KTRACE_REC_OPEN);
		rec->pid = (__u32)id;
		rec->tgid = id >> 32;
		rec->uid = (__u32)bpf_get_current_uid_gid();
		rec->ret = ret;
		rec->reserved = 0;
		bpf_get_current_comm(rec->comm, sizeof(rec->comm));
		kt_ring_output(rec, sizeof(*rec));
	}
	bpf_map_delete_elem(&kt_opens, &key);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kt_open_enter_btf, struct pt_regs *regs, long nr)
{
	return kt_open_enter(regs, nr);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kt_open_exit_btf, struct pt_regs *regs, long ret)
{
	return kt_open_exit(regs, ret);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(kt_open_enter_raw, struct pt_regs *regs, long nr)
{
	return kt_open_enter(regs, nr);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(kt_open_exit_raw, struct pt_regs *regs, long ret)
{
	return kt_open_exit(regs, ret);
}
