// SPDX-License-Identifier: GPL-2.0
/*
 * execsnoop: one struct ktrace_rec_exec per execve/execveat, streamed at
 * its return with the result, like bcc's execsnoop.
 *
 * The filename and arguments can only be read at entry (on success the
 * old image, and its memory, are gone by the return), so raw sys_enter
 * reads them with the _nofault helpers into a per-task entry and raw
 * sys_exit of the same task emits the record.  As in bcc, data holds the
 * filename then argv[1..]: argv[0] is usually the filename again.  A
 * string in a page not yet faulted in cannot be read from a tracepoint and
 * marks the record KTRACE_EXEC_TRUNCATED, like more arguments than
 * KTRACE_EXEC_ARGS_MAX or more than KTRACE_EXEC_DATA_MAX bytes.
 *
 * Entries live in a fixed open-addressed table shared by the instances,
 * claimed with cmpxchg() and released with a store-release, so no lock is
 * taken.  They are keyed by the task_struct (compared, never dereferenced)
 * rather than by pid: a multi-threaded process that execs from a thread
 * other than its leader returns from exec with the leader's pid
 * (de_thread()), but in the same task_struct.  An exec that finds no free
 * entry is counted as drop_inflight_full for every instance.
 *
 * Filters are evaluated at return, so a comm filter sees the comm of the
 * new image, the name execsnoop prints (the old one if the exec failed).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include <asm/unistd_32_ia32.h>
#include "../compat/uaccess.h"
#include "../probe.h"

#define KT_EXEC_INFLIGHT	256	/* execs between entry and return */
#define KT_EXEC_PROBES		16	/* slots searched per task */
/* An entry this old is taken for a task that never returned. */
#define KT_EXEC_STALE_NS	(60LL * NSEC_PER_SEC)

struct kt_exec_task {
	struct task_struct *task;	/* owner; NULL when free */
	u64 start_ns;			/* entry time, 0 while filling */
	u32 data_len;
	u16 nr_args;
	u16 flags;			/* KTRACE_EXEC_* */
	char data[KTRACE_EXEC_DATA_MAX];
};

struct kt_exec {
	struct kt_exec_task tasks[KT_EXEC_INFLIGHT];
};

static struct kt_exec_task *kt_exec_slot(struct kt_exec *tab,
					 struct task_struct *task, u32 i)
{
	u32 h = hash_ptr(task, ilog2(KT_EXEC_INFLIGHT));

	return &tab->tasks[(h + i) % KT_EXEC_INFLIGHT];
}

/* The entry of @task, which only @task itself claims, fills and frees. */
static struct kt_exec_task *kt_exec_find(struct kt_exec *tab,
					 struct task_struct *task)
{
	struct kt_exec_task *e;
	u32 i;

	for (i = 0; i < KT_EXEC_PROBES; i++) {
		e = kt_exec_slot(tab, task, i);
		if (READ_ONCE(e->task) == task)
			return e;
	}
	return NULL;
}

static struct kt_exec_task *kt_exec_claim(struct kt_exec *tab,
					  struct task_struct *task, u64 now)
{
	struct task_struct *old;
	struct kt_exec_task *e;
	u32 i;

	/* Left over by an exec whose return was not seen: reuse it. */
	e = kt_exec_find(tab, task);
	if (e) {
		WRITE_ONCE(e->start_ns, 0);
		return e;
	}
	for (i = 0; i < KT_EXEC_PROBES; i++) {
		e = kt_exec_slot(tab, task, i);
		old = READ_ONCE(e->task);
		if (old) {
			u64 start = READ_ONCE(e->start_ns);

			/*
			 * Signed: @now may predate a start published since
			 * by another CPU; that entry is young, not stale.
			 */
			if (!start || (s64)(now - start) < KT_EXEC_STALE_NS)
				continue;
		}
		if (cmpxchg(&e->task, old, task) == old) {
			WRITE_ONCE(e->start_ns, 0);
			return e;
		}
	}
	return NULL;
}

static void kt_exec_release(struct kt_exec_task *e)
{
	WRITE_ONCE(e->start_ns, 0);
	/* The entry is read before another task claims it. */
	smp_store_release(&e->task, NULL);
}

/*
 * Appends the user string at @ustr to e->data: KT_EXEC_WHOLE, KT_EXEC_CUT
 * (the start of it, NUL-terminated) or KT_EXEC_NONE (unreadable or no
 * room; nothing added).
 */
enum { KT_EXEC_NONE, KT_EXEC_CUT, KT_EXEC_WHOLE };

static int kt_exec_append(struct kt_exec_task *e, const char __user *ustr)
{
	u32 room = KTRACE_EXEC_DATA_MAX - e->data_len;
	long n;

	if (!room)
		return KT_EXEC_NONE;
	n = kt_strncpy_from_user_nofault(e->data + e->data_len, ustr, room);
	if (n <= 0)
		return KT_EXEC_NONE;
	e->data_len += n;
	/* Exactly filling the room is taken as cut: the NUL may be ours. */
	return n < room ? KT_EXEC_WHOLE : KT_EXEC_CUT;
}

static void kt_exec_read(struct kt_exec_task *e, const char __user *filename,
			 const char __user *const __user *argv)
{
	const char __user *arg;
	int got;
	u32 i;

	e->data_len = 0;
	e->nr_args = 0;
	e->flags = 0;
	got = kt_exec_append(e, filename);
	if (got != KT_EXEC_WHOLE) {
		if (got == KT_EXEC_NONE) {
			e->data[0] = '\0';
			e->data_len = 1;
		}
		goto cut;
	}
	/* argv[0] only tells whether there are arguments at all. */
	if (!argv || copy_from_user_nofault(&arg, argv, sizeof(arg)))
		goto cut;
	if (!arg)
		return;
	for (i = 1; i <= KTRACE_EXEC_ARGS_MAX + 1; i++) {
		if (copy_from_user_nofault(&arg, argv + i, sizeof(arg)))
			goto cut;
		if (!arg)
			return;
		if (i > KTRACE_EXEC_ARGS_MAX)
			goto cut;
		got = kt_exec_append(e, arg);
		if (got != KT_EXEC_NONE)
			e->nr_args++;
		if (got != KT_EXEC_WHOLE)
			goto cut;
	}
	return;
cut:
	e->flags |= KTRACE_EXEC_TRUNCATED;
}

static void kt_exec_inflight_full(struct kt_probe *probe)
{
	struct kt_inst *inst;
	u64 t0;

	list_for_each_entry_rcu(inst, &probe->insts, node) {
		t0 = kt_hit_begin(inst);
		this_cpu_inc(inst->stats->drop_inflight_full);
		kt_hit_end(inst, t0);
	}
}

static void kt_exec_on_enter(void *data, struct pt_regs *regs, long nr)
{
	struct kt_probe *probe = data;
	const char __user *filename;
	const char __user *const __user *argv;
	unsigned long args[6];
	struct kt_exec_task *e;
	u64 now;

	if ((nr != __NR_execve && nr != __NR_execveat) || in_compat_syscall())
		return;
	syscall_get_arguments(current, regs, args);
	if (nr == __NR_execve) {
		filename = (const char __user *)args[0];
		argv = (const char __user *const __user *)args[1];
	} else {
		filename = (const char __user *)args[1];
		argv = (const char __user *const __user *)args[2];
	}
	now = ktime_get_ns();
	e = kt_exec_claim(probe->priv, current, now);
	if (!e) {
		kt_exec_inflight_full(probe);
		return;
	}
	kt_exec_read(e, filename, argv);
	/* Publishes the entry; pairs with the load-acquire at return. */
	smp_store_release(&e->start_ns, now);
}

/*
 * Whether a syscall returning is an exec.  A successful exec of a 32-bit
 * program makes the 64-bit execve look like the ia32 one
 * (__set_personality_ia32()).
 */
static bool kt_exec_nr(long nr)
{
	if (nr == __NR_execve || nr == __NR_execveat)
		return true;
	return IS_ENABLED(CONFIG_IA32_EMULATION) && nr == __NR_ia32_execve &&
	       in_compat_syscall();
}

static void kt_exec_record(struct kt_inst *inst, struct kt_exec_task *e,
			   long ret, u32 ppid, u32 uid)
{
	u32 data_len = min_t(u32, e->data_len, KTRACE_EXEC_DATA_MAX);
	struct ktrace_rec_exec *rec;

	rec = (struct ktrace_rec_exec *)
		kt_inst_reserve(inst, sizeof(*rec) + data_len, KTRACE_REC_EXEC);
	if (!rec)
		return;
	rec->pid = current->pid;
	rec->tgid = current->tgid;
	rec->ppid = ppid;
	rec->uid = uid;
	rec->retval = ret;
	rec->nr_args = e->nr_args;
	rec->flags = e->flags;
	memcpy(rec->comm, current->comm, sizeof(rec->comm));
	rec->data_len = data_len;
	rec->reserved = 0;
	memcpy(rec->data, e->data, data_len);
	kt_inst_commit(inst, &rec->hdr);
}

static void kt_exec_on_exit(void *data, struct pt_regs *regs, long ret)
{
	struct kt_probe *probe = data;
	struct kt_exec_task *e;
	struct kt_inst *inst;
	u32 ppid, uid;
	u64 start, t0;

	if (!kt_exec_nr(syscall_get_nr(current, regs)))
		return;
	e = kt_exec_find(probe->priv, current);
	if (!e)
		return;
	/* Pairs with the store-release at entry. */
	start = smp_load_acquire(&e->start_ns);
	if (!start)
		goto out_release;

	rcu_read_lock();
	ppid = task_tgid_nr(rcu_dereference(current->real_parent));
	rcu_read_unlock();
	uid = from_kuid_munged(&init_user_ns, current_uid());
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		/* Enabled after the exec began: not one of its events. */
		if (start < inst->enabled_ns)
			continue;
		t0 = kt_hit_begin(inst);
		if ((ret && !(inst->opts & KTRACE_EXECSNOOP_FAILED)) ||
		    !kt_filter_task(&inst->filter, current))
			this_cpu_inc(inst->stats->filtered);
		else
			kt_exec_record(inst, e, ret, ppid, uid);
		kt_hit_end(inst, t0);
	}
out_release:
	kt_exec_release(e);
}

static struct kt_tp_hook kt_exec_hooks[] = {
	{ .name = "sys_enter", .func = kt_exec_on_enter },
	{ .name = "sys_exit", .func = kt_exec_on_exit },
};

const struct kt_probe_ops kt_probe_execsnoop = {
	.name = "execsnoop",
	.desc = "execs with filename and arguments, streamed at return",
	.kind = KTRACE_KIND_STREAM,
	.keys = BIT(KTRACE_KEY_NONE),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP,
	.opts = KTRACE_EXECSNOOP_FAILED,
	.rec_size = sizeof(struct ktrace_rec_exec) + KTRACE_EXEC_DATA_MAX,
	.hooks = kt_exec_hooks,
	.nr_hooks = ARRAY_SIZE(kt_exec_hooks),
	.priv_size = sizeof(struct kt_exec),
};
