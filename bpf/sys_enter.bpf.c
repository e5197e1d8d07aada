// SPDX-License-Identifier: GPL-2.0
/*
 * sys_enter, eBPF: one struct ktrace_rec_syscall per system call entry
 * (raw_syscalls:sys_enter) of the tasks that pass the filters, streamed
 * through the BPF ring buffer.  The twin of module/probes/sys_enter.c,
 * writing the same records, so ktracectl prints them with the same code;
 * `ktracectl bench` sets the two against each other, so each event does
 * the least it can: count the hit, filter, reserve in the ring, fill the
 * record in place, submit.  No copy through the stack, one lookup of the
 * counters.
 *
 * The arguments are those syscall_get_arguments() gives the module on
 * x86-64: di, si, dx, r10, r8, r9 for a 64-bit system call, bx, cx, dx,
 * si, di, bp for a 32-bit one (TS_COMPAT), whole registers in both.
 *
 * Wakeups: with no watermark (what ktracectl's commands use), the reader
 * is woken (from irq_work, as the module does) only when a record lands
 * in a ring the reader had emptied, the default "adaptive" policy of
 * bpf_ringbuf_submit() with flags 0, the module's own with watermark 0.
 * With a watermark (ring setup's, as `ktracectl bench` gives both
 * backends) kt_ring_flags() holds wakeups back until that many bytes
 * wait, for one bpf_ringbuf_query() per record, again like the module;
 * the reader takes the tail when its poll times out.
 *
 * x86-64 registers: this is built for __TARGET_ARCH_x86 only.
 */
#define KT_BPF_RING
#include "ktrace.bpf.h"

/* thread_info.status: a 32-bit system call (in_compat_syscall()). */
#define KT_TS_COMPAT		0x0002

char LICENSE[] SEC("license") = "GPL";

/*
 * The pt_regs of a raw_tp program: read in one go, as its fields cannot
 * be loaded directly.  x86-64's layout is fixed by the entry code and
 * ptrace, so no relocation is needed.
 */
struct kt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	unsigned long ax, cx, dx, si, di, orig_ax;
};

/*
 * Counts the hit and applies the filters: the per-CPU counters, or NULL
 * when the event is not recorded (filtered, counted as such).  *t0 is
 * the start time of a timed hit (one in KT_BPF_TIME_SAMPLE), else 0.
 */
static __always_inline struct kt_bpf_stats *kt_se_begin(__u64 *t0)
{
	struct kt_bpf_stats *s;
	__u32 zero = 0;

	*t0 = 0;
	s = bpf_map_lookup_elem(&kt_stats, &zero);
	if (!s)
		return NULL;
	__sync_fetch_and_add(&s->c[KT_STAT_HITS], 1);
	/* A racy read is good enough to pick one hit in a sample. */
	if (!(s->c[KT_STAT_HITS] % KT_BPF_TIME_SAMPLE))
		*t0 = bpf_ktime_get_ns();
	if (!kt_filter_task()) {
		__sync_fetch_and_add(&s->c[KT_STAT_FILTERED], 1);
		return NULL;
	}
	return s;
}

static __always_inline void kt_se_end(struct kt_bpf_stats *s, __u64 t0)
{
	if (!t0)
		return;
	if (!s) {
		__u32 zero = 0;

		s = bpf_map_lookup_elem(&kt_stats, &zero);
		if (!s)
			return;
	}
	__sync_fetch_and_add(&s->c[KT_STAT_TIME_NS], bpf_ktime_get_ns() - t0);
	__sync_fetch_and_add(&s->c[KT_STAT_TIME_SAMPLES], 1);
}

/* A record with all but the arguments filled, or NULL (counted). */
static __always_inline struct ktrace_rec_syscall *
kt_se_reserve(struct kt_bpf_stats *s, long nr)
{
	struct ktrace_rec_syscall *rec;
	__u64 id;

	/* Offered on this CPU, the one the header names: the -v ledger. */
	__sync_fetch_and_add(&s->c[KT_STAT_RING_SEEN], 1);
	rec = bpf_ringbuf_reserve(&kt_ring, sizeof(*rec), 0);
	if (!rec) {
		__sync_fetch_and_add(&s->c[KT_STAT_RING_FULL], 1);
		return NULL;
	}
	kt_rec_init(&rec->hdr, sizeof(*rec), KTRACE_REC_SYSCALL);
	id = bpf_get_current_pid_tgid();
	rec->pid = (__u32)id;
	rec->tgid = id >> 32;
	rec->nr = nr;
	bpf_get_current_comm(rec->comm, sizeof(rec->comm));
	return rec;
}

static __always_inline void kt_se_submit(struct kt_bpf_stats *s,
					 struct ktrace_rec_syscall *rec)
{
	/* The adaptive wakeup, or a watermark: see the top of the file. */
	bpf_ringbuf_submit(rec, kt_ring_flags());
	__sync_fetch_and_add(&s->c[KT_STAT_RECORDED], 1);
}

/* tp_btf: regs and the task are typed pointers, read with plain loads. */
static __always_inline int kt_se_btf(struct pt_regs *regs, long nr)
{
	struct ktrace_rec_syscall *rec;
	struct task_struct *task;
	struct kt_bpf_stats *s;
	__u64 t0;

	s = kt_se_begin(&t0);
	if (!s)
		goto out;
	rec = kt_se_reserve(s, nr);
	if (!rec)
		goto out;
	task = bpf_get_current_task_btf();
	if (bpf_core_field_exists(task->thread_info.status) &&
	    (task->thread_info.status & KT_TS_COMPAT)) {
		rec->args[0] = regs->bx;
		rec->args[1] = regs->cx;
		rec->args[2] = regs->dx;
		rec->args[3] = regs->si;
		rec->args[4] = regs->di;
		rec->args[5] = regs->bp;
	} else {
		rec->args[0] = regs->di;
		rec->args[1] = regs->si;
		rec->args[2] = regs->dx;
		rec->args[3] = regs->r10;
		rec->args[4] = regs->r8;
		rec->args[5] = regs->r9;
	}
	kt_se_submit(s, rec);
out:
	kt_se_end(s, t0);
	return 0;
}

/* raw_tp: one read of the registers, one of the task's status. */
static __always_inline int kt_se_raw(struct pt_regs *regs, long nr)
{
	struct ktrace_rec_syscall *rec;
	struct task_struct *task;
	struct kt_bpf_stats *s;
	struct kt_regs r;
	__u64 t0;

	s = kt_se_begin(&t0);
	if (!s)
		goto out;
	rec = kt_se_reserve(s, nr);
	if (!rec)
		goto out;
	if (bpf_probe_read_kernel(&r, sizeof(r), regs))
		__builtin_memset(&r, 0, sizeof(r));
	task = (void *)bpf_get_current_task();
	if (bpf_core_field_exists(task->thread_info.status) &&
	    (BPF_CORE_READ(task, thread_info.status) & KT_TS_COMPAT)) {
		rec->args[0] = r.bx;
		rec->args[1] = r.cx;
		rec->args[2] = r.dx;
		rec->args[3] = r.si;
		rec->args[4] = r.di;
		rec->args[5] = r.bp;
	} else {
		rec->args[0] = r.di;
		rec->args[1] = r.si;
		rec->args[2] = r.dx;
		rec->args[3] = r.r10;
		rec->args[4] = r.r8;
		rec->args[5] = r.r9;
	}
	kt_se_submit(s, rec);
out:
	kt_se_end(s, t0);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kt_se_enter_btf, struct pt_regs *regs, long nr)
{
	return kt_se_btf(regs, nr);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(kt_se_enter_raw, struct pt_regs *regs, long nr)
{
	return kt_se_raw(regs, nr);
}
