// SPDX-License-Identifier: GPL-2.0
/*
 * ktrace sessions: the state of one open /dev/ktrace and its ioctls, mmap
 * and poll.
 *
 * Life of a session:
 *   open     needs CAP_PERFMON or CAP_SYS_ADMIN; allocates the session
 *   ioctl    HANDSHAKE, PROBE_LIST, RING_SETUP (once), ENABLE/DISABLE
 *            instances, READ results, STATS
 *   mmap     the per-CPU rings, after RING_SETUP
 *   release  disables every instance, then frees the rings; the file
 *            holds the module, which cannot be removed while it is open
 *
 * Every session is on one list, so that KTRACE_IOC_STATUS can show what
 * all files trace and KTRACE_IOC_DISABLE can end another file's instance.
 * Those two run without the caller's session lock and take
 * kt_sessions_lock, then one session's lock at a time: the only order in
 * which the two kinds of lock nest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "abi.h"
#include "probe.h"
#include "session.h"
#include "stacks.h"

struct kt_session {
	struct mutex lock;		/* ioctl, mmap; guards the rest */
	struct kt_inst *insts[KTRACE_MAX_INSTANCES];	/* by id - 1 */
	struct kt_ring_set *rings;	/* set once, then read lockless */
	wait_queue_head_t wq;		/* readers of the rings */
	/* What other files see of this one; set at open, then constant. */
	struct list_head node;		/* in kt_sessions */
	u32 nr;				/* session number, from 1 */
	struct pid *owner;		/* the opener's thread group */
	kuid_t owner_euid;
	char owner_comm[TASK_COMM_LEN];
};

/* Every open file, in open order. */
static LIST_HEAD(kt_sessions);
static DEFINE_MUTEX(kt_sessions_lock);
static u32 kt_session_seq;		/* under kt_sessions_lock */

static struct kt_inst *kt_session_inst(struct kt_session *s, u32 id)
{
	if (!id || id > KTRACE_MAX_INSTANCES)
		return NULL;
	return s->insts[id - 1];
}

static void kt_inst_free(struct kt_inst *inst)
{
	kt_agg_destroy(inst->agg);
	kt_stacks_destroy(inst->stacks);
	kt_filter_fini(&inst->filter);
	free_percpu(inst->stats);
	kfree(inst);
}

static int kt_ioc_handshake(struct kt_session *s, void __user *uarg)
{
	struct ktrace_handshake hs;
	int usize, err;

	usize = kt_abi_copy_in(&hs, sizeof(hs), KTRACE_HANDSHAKE_SIZE_VER0,
			       uarg);
	if (usize < 0)
		return usize;
	err = kt_abi_check_handshake(&hs);
	if (err)
		return err;
	if (hs.abi_major != KTRACE_ABI_MAJOR)
		return -EPROTO;
	hs.abi_minor = KTRACE_ABI_MINOR;
	hs.record_schema = KTRACE_RECORD_SCHEMA;
	hs.nr_cpus = nr_cpu_ids;
	hs.features = KTRACE_FEAT_RING | KTRACE_FEAT_READ_CLEAR |
		      KTRACE_FEAT_FILTER_PID | KTRACE_FEAT_FILTER_COMM |
		      KTRACE_FEAT_FILTER_CGROUP | KTRACE_FEAT_LINEAR |
		      KTRACE_FEAT_STATS;
	hs.nr_probes = kt_probe_count();
	hs.page_size = PAGE_SIZE;
	return kt_abi_copy_out(uarg, &hs, sizeof(hs), usize);
}

static void kt_probe_info_fill(const struct kt_probe_ops *ops,
			       struct ktrace_probe_info *info)
{
	memset(info, 0, sizeof(*info));
	strscpy(info->name, ops->name, sizeof(info->name));
	strscpy(info->desc, ops->desc, sizeof(info->desc));
	info->kind = ops->kind;
	info->keys = ops->keys;
	info->flags = ops->flags;
	info->opts = ops->opts;
}

static int kt_ioc_probe_list(struct kt_session *s, void __user *uarg)
{
	struct ktrace_probe_list pl;
	struct ktrace_probe_info info;
	u8 __user *entries;
	unsigned int i, n;
	int usize, err;

	usize = kt_abi_copy_in(&pl, sizeof(pl), KTRACE_PROBE_LIST_SIZE_VER0,
			       uarg);
	if (usize < 0)
		return usize;
	err = kt_abi_check_probe_list(&pl);
	if (err)
		return err;
	entries = u64_to_user_ptr(pl.entries);
	n = min(pl.count, kt_probe_count());
	for (i = 0; i < n; i++) {
		kt_probe_info_fill(kt_probe_at(i)->ops, &info);
		if (copy_to_user(entries + (size_t)i * pl.entry_size, &info,
				 min_t(size_t, pl.entry_size, sizeof(info))))
			return -EFAULT;
	}
	pl.count = kt_probe_count();
	return kt_abi_copy_out(uarg, &pl, sizeof(pl), usize);
}

static int kt_ioc_ring_setup(struct kt_session *s, void __user *uarg)
{
	struct ktrace_ring_setup rs;
	struct kt_ring_set *rings;
	int usize, err;

	usize = kt_abi_copy_in(&rs, sizeof(rs), KTRACE_RING_SETUP_SIZE_VER0,
			       uarg);
	if (usize < 0)
		return usize;
	err = kt_abi_check_ring_setup(&rs);
	if (err)
		return err;
	if (s->rings)
		return -EBUSY;
	rings = kt_ring_set_create(rs.data_pages, rs.watermark, &s->wq);
	if (!rings)
		return -ENOMEM;
	/* Pairs with the load-acquire in kt_mmap() and kt_poll(). */
	smp_store_release(&s->rings, rings);
	rs.data_size = rings->data_size;
	rs.mmap_stride = rings->stride;
	rs.data_offset = PAGE_SIZE;
	return kt_abi_copy_out(uarg, &rs, sizeof(rs), usize);
}

/* Whether @probe takes everything @en asks for. */
static int kt_enable_supported(const struct kt_probe_ops *ops,
			       const struct ktrace_enable *en)
{
	if (en->flags & ~ops->flags || en->opts & ~ops->opts ||
	    !(ops->keys & BIT(en->key)))
		return -EOPNOTSUPP;
	return 0;
}

static struct kt_agg *kt_enable_agg(const struct kt_probe_ops *ops,
				    const struct ktrace_enable *en)
{
	struct kt_agg_params p = {
		.hist = KTRACE_HIST_NONE,
		.capacity = en->key == KTRACE_KEY_NONE ? 0 : ops->capacity,
		.unit = en->unit,
		/* Syscall numbers: each has its own slot. */
		.direct = en->key == KTRACE_KEY_SYSCALL,
	};

	if (ops->kind == KTRACE_KIND_HIST) {
		p.hist = KTRACE_HIST_LOG2;
		if (en->flags & KTRACE_ENABLE_LINEAR) {
			p.hist = KTRACE_HIST_LINEAR;
			p.lin_min = en->lin_min;
			p.lin_max = en->lin_max;
			p.lin_step = en->lin_step;
		}
	}
	return kt_agg_create(&p);
}

static struct kt_inst *kt_inst_create(struct kt_session *s,
				      struct kt_probe *probe,
				      const struct ktrace_enable *en, u32 id)
{
	const struct kt_probe_ops *ops = probe->ops;
	struct kt_inst *inst;
	int err = -ENOMEM;

	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return ERR_PTR(-ENOMEM);
	inst->probe = probe;
	inst->id = id;
	inst->key = en->key;
	inst->opts = en->opts;
	strscpy(inst->symbol, en->symbol, sizeof(inst->symbol));
	inst->stats = alloc_percpu(struct kt_inst_stats);
	if (!inst->stats)
		goto err_free;
	err = kt_filter_init(&inst->filter, en);
	if (err)
		goto err_free;
	if (ops->kind == KTRACE_KIND_STREAM) {
		inst->rings = s->rings;
	} else {
		err = -ENOMEM;
		inst->agg = kt_enable_agg(ops, en);
		if (!inst->agg)
			goto err_free;
	}
	return inst;

err_free:
	kt_inst_free(inst);
	return ERR_PTR(err);
}

static int kt_ioc_enable(struct kt_session *s, void __user *uarg)
{
	struct ktrace_enable en;
	struct kt_probe *probe;
	struct kt_inst *inst;
	int usize, err;
	u32 id;

	usize = kt_abi_copy_in(&en, sizeof(en), KTRACE_ENABLE_SIZE_VER0, uarg);
	if (usize < 0)
		return usize;
	err = kt_abi_check_enable(&en);
	if (err)
		return err;
	probe = kt_probe_find(en.probe);
	if (!probe)
		return -ENOENT;
	err = kt_enable_supported(probe->ops, &en);
	if (err)
		return err;
	if (probe->ops->kind == KTRACE_KIND_STREAM && !s->rings)
		return -ENXIO;
	for (id = 1; id <= KTRACE_MAX_INSTANCES; id++)
		if (!kt_session_inst(s, id))
			break;
	if (id > KTRACE_MAX_INSTANCES)
		return -ENOSPC;

	inst = kt_inst_create(s, probe, &en, id);
	if (IS_ERR(inst))
		return PTR_ERR(inst);
	inst->enabled_ns = ktime_get_ns();
	inst->enabled_clock = kt_clock();
	err = kt_probe_enable(inst);
	if (err)
		goto err_free_inst;

	en.id = id;
	en.max_entries = inst->agg ? kt_agg_max_entries(inst->agg) : 0;
	en.entry_size = inst->agg ? kt_agg_entry_size(inst->agg) : 0;
	err = kt_abi_copy_out(uarg, &en, sizeof(en), usize);
	if (err)
		goto err_disable;
	/* A descriptor means nothing in another process. */
	inst->conf = en;
	inst->conf.size = sizeof(inst->conf);
	inst->conf.cgroup_fd = -1;
	s->insts[id - 1] = inst;
	return 0;

err_disable:
	kt_probe_disable(inst);
err_free_inst:
	kt_inst_free(inst);
	return err;
}

/* Ends instance @id of @s; the caller holds s->lock. */
static int kt_disable_locked(struct kt_session *s, u32 id)
{
	struct kt_inst *inst = kt_session_inst(s, id);

	if (!inst)
		return -ENOENT;
	s->insts[id - 1] = NULL;
	kt_probe_disable(inst);
	kt_inst_free(inst);
	return 0;
}

/* Another user's tracing is ended only with CAP_SYS_ADMIN. */
static bool kt_session_may_disable(const struct kt_session *t)
{
	return uid_eq(current_euid(), t->owner_euid) ||
	       capable(CAP_SYS_ADMIN);
}

static int kt_disable_in_session(u32 nr, u32 id)
{
	struct kt_session *t;
	int err = -ENOENT;

	mutex_lock(&kt_sessions_lock);
	list_for_each_entry(t, &kt_sessions, node) {
		if (t->nr != nr)
			continue;
		mutex_lock(&t->lock);
		if (!kt_session_inst(t, id))
			err = -ENOENT;
		else if (!kt_session_may_disable(t))
			err = -EPERM;
		else
			err = kt_disable_locked(t, id);
		mutex_unlock(&t->lock);
		break;
	}
	mutex_unlock(&kt_sessions_lock);
	return err;
}

/* Runs without s->lock: with a session number it takes another's. */
static int kt_ioc_disable(struct kt_session *s, void __user *uarg)
{
	struct ktrace_disable dis;
	int usize, err;

	usize = kt_abi_copy_in(&dis, sizeof(dis), KTRACE_DISABLE_SIZE_VER0,
			       uarg);
	if (usize < 0)
		return usize;
	err = kt_abi_check_disable(&dis);
	if (err)
		return err;
	if (dis.flags & KTRACE_DISABLE_SESSION)
		return kt_disable_in_session(dis.session, dis.id);
	mutex_lock(&s->lock);
	err = kt_disable_locked(s, dis.id);
	mutex_unlock(&s->lock);
	return err;
}

static int kt_ioc_read(struct kt_session *s, void __user *uarg)
{
	struct ktrace_read rd;
	struct kt_inst *inst;
	void __user *ubuf;
	size_t size;
	void *buf;
	int usize, err;
	u32 nr;

	usize = kt_abi_copy_in(&rd, sizeof(rd), KTRACE_READ_SIZE_VER0, uarg);
	if (usize < 0)
		return usize;
	err = kt_abi_check_read(&rd);
	if (err)
		return err;
	inst = kt_session_inst(s, rd.id);
	if (!inst)
		return -ENOENT;
	if (!inst->agg)
		return -EINVAL;
	size = (size_t)kt_agg_max_entries(inst->agg) *
	       kt_agg_entry_size(inst->agg);
	if (rd.buf_size < size)
		return -ENOSPC;
	ubuf = u64_to_user_ptr(rd.buf);
	/* Fault the buffer in before a clear makes the results unique. */
	if (clear_user(ubuf, size))
		return -EFAULT;

	/* Up to 16 MiB: ENOMEM, nothing read or cleared, not the OOM killer. */
	buf = kvmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL |
		       __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	nr = kt_agg_read(inst->agg, rd.flags & KTRACE_READ_CLEAR, buf,
			 &rd.overflow);
	err = -EFAULT;
	if (copy_to_user(ubuf, buf, (size_t)nr * kt_agg_entry_size(inst->agg)))
		goto out_free;
	rd.nr_entries = nr;
	rd.entry_size = kt_agg_entry_size(inst->agg);
	rd.nr_slots = kt_agg_nr_slots(inst->agg);
	rd.hist = kt_agg_hist(inst->agg);
	rd.key = inst->key;
	rd.unit = kt_agg_unit(inst->agg);
	err = kt_abi_copy_out(uarg, &rd, sizeof(rd), usize);
out_free:
	kvfree(buf);
	return err;
}

static void kt_stats_sum(struct kt_inst *inst, struct ktrace_stats *st)
{
	const struct kt_inst_stats *c;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(inst->stats, cpu);
		st->hits += c->hits;
		st->filtered += c->filtered;
		st->recorded += c->recorded;
		st->drop_table_full += c->drop_table_full;
		st->drop_ring_full += c->drop_ring[KT_DROP_FULL];
		st->drop_too_big += c->drop_ring[KT_DROP_TOO_BIG];
		st->drop_reentrant += c->drop_ring[KT_DROP_REENTRANT];
		st->drop_no_start += c->drop_no_start;
		st->drop_inflight_full += c->drop_inflight_full;
		st->time_ns += c->time_ns;
		st->time_samples += c->time_samples;
	}
	if (inst->probe->ops->inst_missed)
		st->missed = inst->probe->ops->inst_missed(inst);
}

static int kt_ioc_stats(struct kt_session *s, void __user *uarg)
{
	struct ktrace_stats st;
	struct kt_inst *inst;
	int usize, err;
	u32 id;

	usize = kt_abi_copy_in(&st, sizeof(st), KTRACE_STATS_SIZE_VER0, uarg);
	if (usize < 0)
		return usize;
	err = kt_abi_check_stats(&st);
	if (err)
		return err;
	inst = kt_session_inst(s, st.id);
	if (!inst)
		return -ENOENT;
	id = st.id;
	memset(&st, 0, sizeof(st));
	st.size = usize;
	st.id = id;
	kt_stats_sum(inst, &st);
	return kt_abi_copy_out(uarg, &st, sizeof(st), usize);
}

static void kt_status_fill(struct kt_session *t, struct kt_inst *inst,
			   struct ktrace_status_entry *e, u64 now)
{
	memset(e, 0, sizeof(*e));
	e->session = t->nr;
	e->id = inst->id;
	e->owner_pid = pid_vnr(t->owner);
	e->owner_uid = from_kuid_munged(current_user_ns(), t->owner_euid);
	memcpy(e->owner_comm, t->owner_comm, sizeof(e->owner_comm));
	e->kind = inst->probe->ops->kind;
	e->age_ns = now - inst->enabled_ns;
	e->enable = inst->conf;
	e->stats.size = sizeof(e->stats);
	e->stats.id = inst->id;
	kt_stats_sum(inst, &e->stats);
}

/*
 * Walks every session's instances, filling up to @cap entries of @ents
 * (which may be NULL with @cap 0).  Returns the number of instances.
 */
static u32 kt_status_collect(struct ktrace_status_entry *ents, u32 cap,
			     u32 *nr_sessions)
{
	u64 now = ktime_get_ns();
	struct kt_session *t;
	u32 total = 0, i;

	*nr_sessions = 0;
	mutex_lock(&kt_sessions_lock);
	list_for_each_entry(t, &kt_sessions, node) {
		(*nr_sessions)++;
		mutex_lock(&t->lock);
		for (i = 0; i < KTRACE_MAX_INSTANCES; i++) {
			if (!t->insts[i])
				continue;
			if (total < cap)
				kt_status_fill(t, t->insts[i], &ents[total],
					       now);
			total++;
		}
		mutex_unlock(&t->lock);
	}
	mutex_unlock(&kt_sessions_lock);
	return total;
}

/* Runs without the caller's lock: it takes every session's in turn. */
static int kt_ioc_status(void __user *uarg)
{
	struct ktrace_status_entry *ents = NULL;
	struct ktrace_status st;
	u8 __user *uents;
	u32 cap, n, i;
	int usize, err;

	usize = kt_abi_copy_in(&st, sizeof(st), KTRACE_STATUS_SIZE_VER0, uarg);
	if (usize < 0)
		return usize;
	err = kt_abi_check_status(&st);
	if (err)
		return err;
	/* Size the buffer first: entries are collected under the locks. */
	cap = min(st.count, kt_status_collect(NULL, 0, &st.nr_sessions));
	if (cap) {
		ents = kvcalloc(cap, sizeof(*ents), GFP_KERNEL);
		if (!ents)
			return -ENOMEM;
	}
	st.count = kt_status_collect(ents, cap, &st.nr_sessions);
	n = min(st.count, cap);
	uents = u64_to_user_ptr(st.entries);
	err = 0;
	for (i = 0; i < n && !err; i++)
		if (copy_to_user(uents + (size_t)i * st.entry_size, &ents[i],
				 min_t(size_t, st.entry_size, sizeof(*ents))))
			err = -EFAULT;
	kvfree(ents);
	return err ?: kt_abi_copy_out(uarg, &st, sizeof(st), usize);
}

static int kt_ioc_symbols(struct kt_session *s, void __user *uarg)
{
	struct ktrace_symbols sy;
	struct kt_inst *inst;
	const char *names;
	int usize;
	u32 nr = 0;

	usize = kt_abi_copy_in(&sy, sizeof(sy), KTRACE_SYMBOLS_SIZE_VER0,
			       uarg);
	if (usize < 0)
		return usize;
	if (sy.flags)
		return -EINVAL;
	inst = kt_session_inst(s, sy.id);
	if (!inst)
		return -ENOENT;
	if (!inst->probe->ops->inst_symbols)
		return -EINVAL;
	names = inst->probe->ops->inst_symbols(inst, &nr);
	if (!names)
		return -EINVAL;
	/* Names only, NUL-padded to KTRACE_SYMBOL_LEN: no addresses. */
	if (copy_to_user(u64_to_user_ptr(sy.names), names,
			 (size_t)min(sy.count, nr) * KTRACE_SYMBOL_LEN))
		return -EFAULT;
	sy.count = nr;
	return kt_abi_copy_out(uarg, &sy, sizeof(sy), usize);
}

/* The stacks of a stack probe instance, as symbols (see stacks.c). */
static int kt_ioc_stacks(struct kt_session *s, void __user *uarg)
{
	struct ktrace_stacks sk;
	struct kt_inst *inst;
	int usize, err;

	usize = kt_abi_copy_in(&sk, sizeof(sk), KTRACE_STACKS_SIZE_VER0,
			       uarg);
	if (usize < 0)
		return usize;
	if (sk.flags)
		return -EINVAL;
	inst = kt_session_inst(s, sk.id);
	if (!inst)
		return -ENOENT;
	if (!inst->stacks)
		return -EINVAL;
	err = kt_stacks_copy_out(inst->stacks, &sk.start,
				 u64_to_user_ptr(sk.buf), sk.buf_size,
				 &sk.count);
	if (err)
		return err;
	sk.dropped = kt_stacks_dropped(inst->stacks);
	return kt_abi_copy_out(uarg, &sk, sizeof(sk), usize);
}

static long kt_ioctl_locked(struct kt_session *s, unsigned int nr,
			    void __user *uarg)
{
	switch (nr) {
	case _IOC_NR(KTRACE_IOC_HANDSHAKE):
		return kt_ioc_handshake(s, uarg);
	case _IOC_NR(KTRACE_IOC_PROBE_LIST):
		return kt_ioc_probe_list(s, uarg);
	case _IOC_NR(KTRACE_IOC_ENABLE):
		return kt_ioc_enable(s, uarg);
	case _IOC_NR(KTRACE_IOC_READ):
		return kt_ioc_read(s, uarg);
	case _IOC_NR(KTRACE_IOC_STATS):
		return kt_ioc_stats(s, uarg);
	case _IOC_NR(KTRACE_IOC_RING_SETUP):
		return kt_ioc_ring_setup(s, uarg);
	case _IOC_NR(KTRACE_IOC_SYMBOLS):
		return kt_ioc_symbols(s, uarg);
	case _IOC_NR(KTRACE_IOC_STACKS):
		return kt_ioc_stacks(s, uarg);
	default:
		return -ENOTTY;
	}
}

static long kt_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kt_session *s = file->private_data;
	long ret;

	if (_IOC_TYPE(cmd) != KTRACE_IOC_MAGIC)
		return -ENOTTY;
	/* These two take the locks they need; see the top of this file. */
	if (_IOC_NR(cmd) == _IOC_NR(KTRACE_IOC_DISABLE))
		return kt_ioc_disable(s, (void __user *)arg);
	if (_IOC_NR(cmd) == _IOC_NR(KTRACE_IOC_STATUS))
		return kt_ioc_status((void __user *)arg);
	mutex_lock(&s->lock);
	ret = kt_ioctl_locked(s, _IOC_NR(cmd), (void __user *)arg);
	mutex_unlock(&s->lock);
	return ret;
}

/*
 * mmap runs under mmap_lock, and the ioctls fault on user memory with
 * s->lock held: taking s->lock here would invert the two.  The rings are
 * published once and live until release, so none is needed.
 */
static int kt_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kt_session *s = file->private_data;
	/* Pairs with the store-release in kt_ioc_ring_setup(). */
	struct kt_ring_set *rings = smp_load_acquire(&s->rings);

	return rings ? kt_ring_set_mmap(rings, vma) : -ENXIO;
}

static __poll_t kt_poll(struct file *file, poll_table *wait)
{
	struct kt_session *s = file->private_data;
	/* Pairs with the store-release in kt_ioc_ring_setup(). */
	struct kt_ring_set *rings = smp_load_acquire(&s->rings);

	poll_wait(file, &s->wq, wait);
	if (rings && kt_ring_set_readable(rings))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static int kt_open(struct inode *inode, struct file *file)
{
	struct kt_session *s;

	if (!perfmon_capable())
		return -EPERM;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mutex_init(&s->lock);
	init_waitqueue_head(&s->wq);
	s->owner = get_pid(task_tgid(current));
	s->owner_euid = current_euid();
	get_task_comm(s->owner_comm, current);
	mutex_lock(&kt_sessions_lock);
	s->nr = ++kt_session_seq;
	list_add_tail(&s->node, &kt_sessions);
	mutex_unlock(&kt_sessions_lock);
	file->private_data = s;
	return nonseekable_open(inode, file);
}

static int kt_release(struct inode *inode, struct file *file)
{
	struct kt_session *s = file->private_data;
	unsigned int i;

	/* Off the list first: nobody else reaches the session after this. */
	mutex_lock(&kt_sessions_lock);
	list_del(&s->node);
	mutex_unlock(&kt_sessions_lock);
	for (i = 0; i < KTRACE_MAX_INSTANCES; i++) {
		if (!s->insts[i])
			continue;
		kt_probe_disable(s->insts[i]);
		kt_inst_free(s->insts[i]);
	}
	kt_ring_set_destroy(s->rings);
	put_pid(s->owner);
	mutex_destroy(&s->lock);
	kfree(s);
	return 0;
}

const struct file_operations kt_fops = {
	.owner = THIS_MODULE,
	.open = kt_open,
	.release = kt_release,
	.unlocked_ioctl = kt_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = kt_mmap,
	.poll = kt_poll,
};
