// SPDX-License-Identifier: GPL-2.0
/*
 * opensnoop: one struct ktrace_rec_open per open, openat or openat2,
 * streamed at its return with the fd or -errno, like bcc's opensnoop.
 *
 * The path is read at entry (raw sys_enter), where the caller's pointer is
 * valid, with strncpy_from_user_nofault(): a handler must not fault, so a
 * path in a page not yet faulted in is recorded empty.  openat2's flags
 * and mode come from its struct open_how, read with
 * copy_from_user_nofault().  The filters run at entry, on the caller, and
 * only tasks some instance wants get an entry; raw sys_exit of the same
 * task completes it.
 *
 * Entries live in a fixed open-addressed table keyed by the task_struct
 * (compared, never dereferenced), claimed with cmpxchg() and released with
 * a store-release: no lock.  Each holds the instances that passed their
 * filters as a bit per instance slot.  An open that finds no free entry
 * is counted as drop_inflight_full by those instances.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/fcntl.h>
#include <linux/hash.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <uapi/linux/openat2.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include "../compat/uaccess.h"
#include "../probe.h"

#define KT_OPEN_INFLIGHT	1024	/* opens between entry and return */
#define KT_OPEN_PROBES		16	/* slots searched per task */
/* An entry this old is taken for a task that never returned. */
#define KT_OPEN_STALE_NS	(60LL * NSEC_PER_SEC)

struct kt_open_task {
	struct task_struct *task;	/* owner; NULL when free */
	u64 start_ns;			/* entry time, 0 while filling */
	u64 match;			/* slots of instances that passed */
	s32 dfd;
	u32 flags;
	u32 mode;
	char path[KTRACE_PATH_LEN];
};

struct kt_open {
	struct kt_open_task tasks[KT_OPEN_INFLIGHT];
};

static struct kt_open_task *kt_open_slot(struct kt_open *tab,
					 struct task_struct *task, u32 i)
{
	u32 h = hash_ptr(task, ilog2(KT_OPEN_INFLIGHT));

	return &tab->tasks[(h + i) % KT_OPEN_INFLIGHT];
}

/* The entry of @task, which only @task itself claims, fills and frees. */
static struct kt_open_task *kt_open_find(struct kt_open *tab,
					 struct task_struct *task)
{
	struct kt_open_task *e;
	u32 i;

	for (i = 0; i < KT_OPEN_PROBES; i++) {
		e = kt_open_slot(tab, task, i);
		if (READ_ONCE(e->task) == task)
			return e;
	}
	return NULL;
}

static struct kt_open_task *kt_open_claim(struct kt_open *tab,
					  struct task_struct *task, u64 now)
{
	struct task_struct *old;
	struct kt_open_task *e;
	u32 i;

	/* Left over by an open whose return was not seen: reuse it. */
	e = kt_open_find(tab, task);
	if (e) {
		WRITE_ONCE(e->start_ns, 0);
		return e;
	}
	for (i = 0; i < KT_OPEN_PROBES; i++) {
		e = kt_open_slot(tab, task, i);
		old = READ_ONCE(e->task);
		if (old) {
			u64 start = READ_ONCE(e->start_ns);

			/*
			 * Signed: @now may predate a start published since
			 * by another CPU; that entry is young, not stale.
			 */
			if (!start || (s64)(now - start) < KT_OPEN_STALE_NS)
				continue;
		}
		if (cmpxchg(&e->task, old, task) == old) {
			WRITE_ONCE(e->start_ns, 0);
			return e;
		}
	}
	return NULL;
}

static void kt_open_release(struct kt_open_task *e)
{
	WRITE_ONCE(e->start_ns, 0);
	/* The entry is read before another task claims it. */
	smp_store_release(&e->task, NULL);
}

static bool kt_open_nr(long nr)
{
	return nr == __NR_open || nr == __NR_openat || nr == __NR_openat2;
}

/* Evaluates every instance's filters on the caller. */
static u64 kt_open_match(struct kt_probe *probe)
{
	struct kt_inst *inst;
	u64 match = 0, t0;

	list_for_each_entry_rcu(inst, &probe->insts, node) {
		t0 = kt_hit_begin(inst);
		if (kt_filter_task(&inst->filter, current))
			match |= BIT_ULL(inst->slot);
		else
			this_cpu_inc(inst->stats->filtered);
		kt_hit_end(inst, t0);
	}
	return match;
}

static void kt_open_inflight_full(struct kt_probe *probe, u64 match)
{
	struct kt_inst *inst;

	list_for_each_entry_rcu(inst, &probe->insts, node)
		if (match & BIT_ULL(inst->slot))
			this_cpu_inc(inst->stats->drop_inflight_full);
}

static void kt_open_on_enter(void *data, struct pt_regs *regs, long nr)
{
	struct kt_probe *probe = data;
	const char __user *path;
	unsigned long args[6];
	struct kt_open_task *e;
	const void __user *uhow;
	struct open_how how;
	size_t how_len;
	u64 match, now;

	if (!kt_open_nr(nr) || in_compat_syscall())
		return;
	match = kt_open_match(probe);
	if (!match)
		return;
	now = ktime_get_ns();
	e = kt_open_claim(probe->priv, current, now);
	if (!e) {
		kt_open_inflight_full(probe, match);
		return;
	}
	syscall_get_arguments(current, regs, args);
	if (nr == __NR_open) {
		e->dfd = AT_FDCWD;
		path = (const char __user *)args[0];
		e->flags = args[1];
		e->mode = args[2];
	} else {
		e->dfd = args[0];
		path = (const char __user *)args[1];
		e->flags = args[2];
		e->mode = args[3];
	}
	if (nr == __NR_openat2) {
		/* flags and mode lead struct open_how in every version. */
		how_len = offsetofend(struct open_how, mode);
		uhow = (const void __user *)args[2];
		e->flags = 0;
		e->mode = 0;
		if (args[3] >= how_len &&
		    !copy_from_user_nofault(&how, uhow, how_len)) {
			e->flags = how.flags;
			e->mode = how.mode;
		}
	}
	if (kt_strncpy_from_user_nofault(e->path, path, sizeof(e->path)) < 0)
		e->path[0] = '\0';
	e->match = match;
	/* Publishes the entry; pairs with the load-acquire at return. */
	smp_store_release(&e->start_ns, now);
}

static void kt_open_record(struct kt_inst *inst, struct kt_open_task *e,
			   long ret, u32 uid)
{
	struct ktrace_rec_open *rec;

	rec = (struct ktrace_rec_open *)
		kt_inst_reserve(inst, sizeof(*rec), KTRACE_REC_OPEN);
	if (!rec)
		return;
	rec->pid = current->pid;
	rec->tgid = current->tgid;
	rec->uid = uid;
	rec->ret = ret;
	rec->dfd = e->dfd;
	rec->flags = e->flags;
	rec->mode = e->mode;
	rec->reserved = 0;
	memcpy(rec->comm, current->comm, sizeof(rec->comm));
	memcpy(rec->path, e->path, sizeof(rec->path));
	rec->path[sizeof(rec->path) - 1] = '\0';
	kt_inst_commit(inst, &rec->hdr);
}

static void kt_open_on_exit(void *data, struct pt_regs *regs, long ret)
{
	struct kt_probe *probe = data;
	struct kt_open_task *e;
	struct kt_inst *inst;
	u64 start;
	u32 uid;

	if (!kt_open_nr(syscall_get_nr(current, regs)))
		return;
	e = kt_open_find(probe->priv, current);
	if (!e)
		return;
	/* Pairs with the store-release at entry. */
	start = smp_load_acquire(&e->start_ns);
	if (!start)
		goto out_release;

	uid = from_kuid_munged(&init_user_ns, current_uid());
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		/* The slot may be another instance's, enabled since. */
		if (!(e->match & BIT_ULL(inst->slot)) ||
		    start < inst->enabled_ns)
			continue;
		if ((inst->opts & KTRACE_OPENSNOOP_FAILED) && ret >= 0)
			this_cpu_inc(inst->stats->filtered);
		else
			kt_open_record(inst, e, ret, uid);
	}
out_release:
	kt_open_release(e);
}

static struct kt_tp_hook kt_open_hooks[] = {
	{ .name = "sys_enter", .func = kt_open_on_enter },
	{ .name = "sys_exit", .func = kt_open_on_exit },
};

const struct kt_probe_ops kt_probe_opensnoop = {
	.name = "opensnoop",
	.desc = "open, openat and openat2 with path and result, streamed",
	.kind = KTRACE_KIND_STREAM,
	.keys = BIT(KTRACE_KEY_NONE),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP,
	.opts = KTRACE_OPENSNOOP_FAILED,
	.rec_size = sizeof(struct ktrace_rec_open),
	.hooks = kt_open_hooks,
	.nr_hooks = ARRAY_SIZE(kt_open_hooks),
	.priv_size = sizeof(struct kt_open),
};
