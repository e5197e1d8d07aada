// SPDX-License-Identifier: GPL-2.0
/*
 * runqlat, eBPF: run queue (scheduler) latency, the time a task waits
 * runnable before it runs, as a log2 histogram, whole, per process or per
 * thread.  The twin of module/probes/runqlat.c, counting the same waits
 * the same way, so ktracectl prints the same histograms from either.
 *
 * A wait starts when a task is woken (sched_wakeup, sched_wakeup_new) or
 * switched out while still runnable (sched_switch with prev in
 * TASK_RUNNING), and ends when sched_switch switches it in.  Starts are
 * kept in a hash keyed by pid.  The wait belongs to the task that waited,
 * so the filters are evaluated on that task at switch-in, not on the
 * current one: hence a task filter of its own here.  It cannot test a
 * cgroup (bpf_current_task_under_cgroup() only knows the current task, and
 * bpf_task_under_cgroup() is 6.5's), so the BPF version refuses
 * KTRACE_ENABLE_CGROUP rather than filter the wrong task.
 */
#define KT_BPF_HIST
#include "ktrace.bpf.h"

#define KT_RQL_INFLIGHT		8192	/* as the module's pid table */
#define KT_TASK_RUNNING		0

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KT_RQL_INFLIGHT);
	__type(key, __u32);
	__type(value, __u64);
} kt_rql_starts SEC(".maps");

/* Kernels before 5.14 name the state "state". */
struct task_struct___o {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long kt_task_state(struct task_struct *p)
{
	if (bpf_core_field_exists(p->__state))
		return BPF_CORE_READ(p, __state);
	return BPF_CORE_READ((struct task_struct___o *)p, state);
}

/* Whether @p passes the pid, tgid and comm filters. */
static __always_inline bool kt_filter_task_of(struct task_struct *p)
{
	char comm[KTRACE_COMM_LEN];
	int i;

	if (!(kt_cfg.flags & KT_TASK_FILTERS))
		return true;
	if ((kt_cfg.flags & KTRACE_ENABLE_PID) &&
	    (__u32)BPF_CORE_READ(p, pid) != kt_cfg.pid)
		return false;
	if ((kt_cfg.flags & KTRACE_ENABLE_TGID) &&
	    (__u32)BPF_CORE_READ(p, tgid) != kt_cfg.tgid)
		return false;
	if (kt_cfg.flags & KTRACE_ENABLE_COMM) {
		BPF_CORE_READ_STR_INTO(&comm, p, comm);
		/* strncmp(): equal up to the first NUL. */
		for (i = 0; i < KTRACE_COMM_LEN; i++) {
			if (comm[i] != kt_cfg.comm[i])
				return false;
			if (!comm[i])
				break;
		}
	}
	return true;
}

/* A wait of @p starts at @now.  The idle tasks (pid 0) never wait. */
static __always_inline void kt_rql_start(struct task_struct *p, __u64 now)
{
	__u32 pid = BPF_CORE_READ(p, pid);
	__u64 t0;

	if (!pid || !bpf_map_update_elem(&kt_rql_starts, &pid, &now, BPF_ANY))
		return;
	/* Table full: the wait is lost, to the instance if it wanted it. */
	t0 = kt_hit_begin();
	if (kt_filter_task_of(p))
		kt_count(KT_STAT_INFLIGHT_FULL);
	else
		kt_count(KT_STAT_FILTERED);
	kt_hit_end(t0);
}

/* @next runs now: its wait, if it was seen starting, ends. */
static __always_inline void kt_rql_end(struct task_struct *next, __u64 now)
{
	__u32 pid = BPF_CORE_READ(next, pid);
	__u64 *startp, start, k0 = 0, k1 = 0, t0;

	if (!pid)
		return;
	startp = bpf_map_lookup_elem(&kt_rql_starts, &pid);
	if (!startp)
		return;		/* runnable since before we attached */
	start = *startp;
	bpf_map_delete_elem(&kt_rql_starts, &pid);
	t0 = kt_hit_begin();
	if (!kt_filter_task_of(next)) {
		kt_count(KT_STAT_FILTERED);
		goto out;
	}
	switch (kt_cfg.key) {
	case KTRACE_KEY_PID:
		k0 = pid;
		k1 = (__u32)BPF_CORE_READ(next, tgid);
		break;
	case KTRACE_KEY_TGID:
		k0 = (__u32)BPF_CORE_READ(next, tgid);
		break;
	}
	kt_hist_add(k0, k1, now > start ? now - start : 0);
out:
	kt_hit_end(t0);
}

static __always_inline int kt_rql_wakeup(struct task_struct *p)
{
	kt_rql_start(p, bpf_ktime_get_ns());
	return 0;
}

static __always_inline int kt_rql_switch(struct task_struct *prev,
					 struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 pid;

	/*
	 * The state itself, not prev_state: a task whose sleep a signal
	 * interrupted is TASK_RUNNING again and stays queued, as bcc reads.
	 */
	if (kt_task_state(prev) == KT_TASK_RUNNING) {
		kt_rql_start(prev, now);
	} else {
		/* Woken while it still ran, then blocked: it never waited. */
		pid = BPF_CORE_READ(prev, pid);
		if (pid)
			bpf_map_delete_elem(&kt_rql_starts, &pid);
	}
	kt_rql_end(next, now);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(kt_rql_wakeup_btf, struct task_struct *p)
{
	return kt_rql_wakeup(p);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(kt_rql_wakeup_new_btf, struct task_struct *p)
{
	return kt_rql_wakeup(p);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(kt_rql_switch_btf, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return kt_rql_switch(prev, next);
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(kt_rql_wakeup_raw, struct task_struct *p)
{
	return kt_rql_wakeup(p);
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(kt_rql_wakeup_new_raw, struct task_struct *p)
{
	return kt_rql_wakeup(p);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(kt_rql_switch_raw, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return kt_rql_switch(prev, next);
}
