// SPDX-License-Identifier: GPL-2.0
/*
 * block_latency: block I/O latency from block_rq_issue (or, with
 * KTRACE_BLOCK_LATENCY_QUEUED, block_rq_insert) to block_rq_complete, as a
 * log2 histogram, whole or per disk, per I/O flags or per process.
 *
 * Where the block layer stamps a request's issue itself (kt_blk_stamped())
 * and no instance needs the submitter (kt_blk_inst_submitter()), the issue
 * handler returns at once and completion reads that stamp: nothing is
 * stored per request.  Otherwise requests in flight are kept in a fixed
 * open-addressed table keyed by the request pointer, claimed with
 * cmpxchg() and released with a store-release, so issue and completion
 * may run on different CPUs with no lock.  The request is attributed to a
 * task where it is inserted or issued, the submitter's context, never in
 * the completion interrupt: each instance's filters are evaluated there
 * and the result kept as a bit per instance in the entry.  Insert is
 * hooked only while an instance wants the queued time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/version.h>
#include "../clock.h"
#include "../probe.h"

#define KT_BLK_INFLIGHT		4096	/* requests tracked at once */
#define KT_BLK_PROBES		32	/* slots of a request: bits of hop[] */
#define KT_BLK_MASK		(KT_BLK_INFLIGHT - 1)
#define KT_BLK_STALE_NS		(30ULL * NSEC_PER_SEC)

struct kt_blk_req {
	struct request *rq;	/* owner; NULL when free */
	u64 start_ns;		/* insert or issue time, 0 while claiming */
	u64 insert_ns;		/* 0 when not seen at insert */
	u64 issue_ns;		/* 0 until issued */
	u64 match;		/* slots of instances the submitter passed */
	u32 pid;
	u32 tgid;
	u32 dev;
	u32 io_flags;		/* KTRACE_IO_* */
};

/*
 * As in the pid table (../pidtab.h), each home slot keeps a bitmap of the
 * slots near it that hold one of its requests: every issue looks for an
 * entry its insert may have made, and most often there is none, which
 * one load of the bitmap says rather than a search of every slot.
 */
struct kt_blk {
	struct kt_blk_req reqs[KT_BLK_INFLIGHT];
	atomic_t hop[KT_BLK_INFLIGHT];	/* bit i: slot + i is one of ours */
	/* Instances, under kt_probe_lock: kt_blk_inst_submitter(), -Q. */
	unsigned int nr_submitter;
	unsigned int nr_queued;
};

/*
 * Whether @inst needs what only the submitter's context or the insert
 * knows: a task filter, a pid or tgid key, the queued time.
 */
static bool kt_blk_inst_submitter(const struct kt_inst *inst)
{
	return (inst->opts & KTRACE_BLOCK_LATENCY_QUEUED) ||
	       inst->key == KTRACE_KEY_PID || inst->key == KTRACE_KEY_TGID ||
	       (inst->filter.flags & ~KTRACE_ENABLE_DEV);
}

/*
 * Whether the block layer will stamp @rq's issue in rq->io_start_time_ns,
 * asked at block_rq_issue, just before blk_mq_start_request() decides: on
 * queues that keep I/O statistics (QUEUE_FLAG_STATS, which writeback
 * throttling sets, on by default for multiqueue disks).  From 6.9 the
 * stamp is the plug's cached time, which may predate the issue by the
 * plug's life, so there ktrace always stamps the issue itself.
 */
static bool kt_blk_stamped(const struct request *rq)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
	return test_bit(QUEUE_FLAG_STATS, &rq->q->queue_flags);
#else
	return false;
#endif
}

/* The block layer's issue stamp of @rq (ktime_get_ns()), 0 if none. */
static u64 kt_blk_issue_stamp(const struct request *rq)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
	return READ_ONCE(rq->io_start_time_ns);
#else
	return 0;
#endif
}

static u32 kt_blk_hash(struct request *rq)
{
	return hash_ptr(rq, ilog2(KT_BLK_INFLIGHT));
}

static struct kt_blk_req *kt_blk_find(struct kt_blk *blk, struct request *rq)
{
	u32 home = kt_blk_hash(rq);
	unsigned long bits = (u32)atomic_read(&blk->hop[home]);
	struct kt_blk_req *req;

	while (bits) {
		req = &blk->reqs[(home + __ffs(bits)) & KT_BLK_MASK];
		bits &= bits - 1;
		if (READ_ONCE(req->rq) == rq &&
		    /* Pairs with the store-release in kt_blk_start(). */
		    smp_load_acquire(&req->start_ns))
			return req;
	}
	return NULL;
}

/* Clears the bit of entry @req, owned by @rq, in its home's bitmap. */
static void kt_blk_unhop(struct kt_blk *blk, struct kt_blk_req *req,
			 struct request *rq)
{
	u32 home = kt_blk_hash(rq), s = req - blk->reqs;

	atomic_andnot(BIT((s - home) & KT_BLK_MASK), &blk->hop[home]);
}

/*
 * Claims a free entry for @rq.  An entry older than KT_BLK_STALE_NS is
 * reclaimed: requests merged away after insert never complete.
 */
static struct kt_blk_req *kt_blk_claim(struct kt_blk *blk, struct request *rq,
				       u64 now)
{
	u32 h = kt_blk_hash(rq), i;
	struct kt_blk_req *req;
	struct request *old;

	for (i = 0; i < KT_BLK_PROBES; i++) {
		req = &blk->reqs[(h + i) & KT_BLK_MASK];
		old = READ_ONCE(req->rq);
		if (old) {
			u64 start = READ_ONCE(req->start_ns);

			/* Signed: a start published after @now is not old. */
			if (!start || (s64)(now - start) < (s64)KT_BLK_STALE_NS)
				continue;
		}
		if (cmpxchg(&req->rq, old, rq) == old) {
			WRITE_ONCE(req->start_ns, 0);
			if (old)
				kt_blk_unhop(blk, req, old);
			/* Set before the start is published: kt_blk_find(). */
			atomic_or(BIT(i), &blk->hop[h]);
			return req;
		}
	}
	return NULL;
}

static void kt_blk_release(struct kt_blk *blk, struct kt_blk_req *req)
{
	WRITE_ONCE(req->start_ns, 0);
	kt_blk_unhop(blk, req, req->rq);
	/* The entry's fields are read, its bit clear, before a new claim. */
	smp_store_release(&req->rq, NULL);
}

static u32 kt_blk_io_flags(const struct request *rq)
{
	blk_opf_t opf = rq->cmd_flags;
	u32 flags;

	switch (opf & REQ_OP_MASK) {
	case REQ_OP_READ:
		flags = KTRACE_IO_OP_READ;
		break;
	case REQ_OP_WRITE:
		flags = KTRACE_IO_OP_WRITE;
		break;
	case REQ_OP_FLUSH:
		flags = KTRACE_IO_OP_FLUSH;
		break;
	case REQ_OP_DISCARD:
		flags = KTRACE_IO_OP_DISCARD;
		break;
	default:
		flags = KTRACE_IO_OP_OTHER;
	}
	if (opf & REQ_SYNC)
		flags |= KTRACE_IO_SYNC;
	if (opf & REQ_META)
		flags |= KTRACE_IO_META;
	if (opf & REQ_FUA)
		flags |= KTRACE_IO_FUA;
	if (opf & REQ_PREFLUSH)
		flags |= KTRACE_IO_PREFLUSH;
	return flags;
}

static u32 kt_blk_dev(const struct request *rq)
{
	struct gendisk *disk = rq->q->disk;

	return disk ? disk_devt(disk) : 0;
}

/* Evaluates every instance's filters on the submitting task. */
static u64 kt_blk_match(struct kt_probe *probe, u32 dev)
{
	struct kt_inst *inst;
	u64 match = 0, t0;

	list_for_each_entry_rcu(inst, &probe->insts, node) {
		t0 = kt_hit_begin(inst);
		if (kt_filter_dev(&inst->filter, dev) &&
		    kt_filter_task(&inst->filter, current))
			match |= BIT_ULL(inst->slot);
		else
			this_cpu_inc(inst->stats->filtered);
		kt_hit_end(inst, t0);
	}
	return match;
}

/*
 * No entry for @rq: the instances of @match lose it, but those that need
 * no submitter still get it at completion where the block layer stamps
 * its issue.
 */
static void kt_blk_count_inflight_full(struct kt_probe *probe,
				       struct request *rq, u64 match)
{
	bool stamped = kt_blk_stamped(rq);
	struct kt_inst *inst;

	list_for_each_entry_rcu(inst, &probe->insts, node)
		if ((match & BIT_ULL(inst->slot)) &&
		    (!stamped || kt_blk_inst_submitter(inst)))
			this_cpu_inc(inst->stats->drop_inflight_full);
}

/* Starts tracking @rq at insert (queued time) or issue. */
static void kt_blk_start(struct kt_probe *probe, struct request *rq,
			 bool insert)
{
	struct kt_blk *blk = probe->priv;
	struct kt_blk_req *req;
	u64 now = kt_stamp();
	u32 dev = kt_blk_dev(rq);
	u64 match;

	req = insert ? NULL : kt_blk_find(blk, rq);
	if (req) {
		/* Inserted earlier: the submitter was attributed then. */
		WRITE_ONCE(req->issue_ns, now);
		return;
	}
	match = kt_blk_match(probe, dev);
	if (!match)
		return;
	req = kt_blk_claim(blk, rq, now);
	if (!req) {
		kt_blk_count_inflight_full(probe, rq, match);
		return;
	}
	req->insert_ns = insert ? now : 0;
	req->issue_ns = insert ? 0 : now;
	req->match = match;
	req->pid = current->pid;
	req->tgid = current->tgid;
	req->dev = dev;
	req->io_flags = kt_blk_io_flags(rq);
	/* Publishes the fields above to kt_blk_find() on any CPU. */
	smp_store_release(&req->start_ns, now);
}

static void kt_blk_on_insert(void *data, struct request *rq)
{
	struct kt_probe *probe = data;
	struct kt_blk *blk = probe->priv;

	if (READ_ONCE(blk->nr_queued))
		kt_blk_start(probe, rq, true);
}

static void kt_blk_on_issue(void *data, struct request *rq)
{
	struct kt_probe *probe = data;
	struct kt_blk *blk = probe->priv;

	/* Completion reads the block layer's stamp: nothing to keep. */
	if (!READ_ONCE(blk->nr_submitter) && kt_blk_stamped(rq))
		return;
	kt_blk_start(probe, rq, false);
}

static void kt_blk_key(const struct kt_inst *inst,
		       const struct kt_blk_req *req, u64 key[2])
{
	key[1] = 0;
	switch (inst->key) {
	case KTRACE_KEY_DEV:
		key[0] = req->dev;
		break;
	case KTRACE_KEY_FLAGS:
		key[0] = req->io_flags;
		break;
	case KTRACE_KEY_PID:
		key[0] = req->pid;
		key[1] = req->tgid;
		break;
	case KTRACE_KEY_TGID:
		key[0] = req->tgid;
		break;
	default:
		key[0] = 0;
	}
}

/*
 * @rq completes with no entry.  Each instance that needs no submitter
 * takes it from the block layer's issue stamp, if there is one; those
 * that do lost it at issue, where it was counted, or it predates them.
 */
static void kt_blk_complete_stamped(struct kt_probe *probe,
				    struct request *rq)
{
	u64 start = kt_blk_issue_stamp(rq), now, key, t0;
	u32 dev = kt_blk_dev(rq);
	struct kt_inst *inst;

	if (!start) {
		list_for_each_entry_rcu(inst, &probe->insts, node)
			this_cpu_inc(inst->stats->drop_no_start);
		return;
	}
	now = kt_stamp();
	/* Two clocks a few ns apart: never a negative latency. */
	now = max(now, start);
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		if (start < inst->enabled_ns || kt_blk_inst_submitter(inst))
			continue;
		t0 = kt_hit_begin(inst);
		if (kt_filter_dev(&inst->filter, dev)) {
			key = 0;
			if (inst->key == KTRACE_KEY_DEV)
				key = dev;
			else if (inst->key == KTRACE_KEY_FLAGS)
				key = kt_blk_io_flags(rq);
			kt_inst_add_key(inst, key, 0, now - start);
		} else {
			this_cpu_inc(inst->stats->filtered);
		}
		kt_hit_end(inst, t0);
	}
}

/* Every completion the hot path does not take. */
static noinline void kt_blk_complete(struct kt_probe *probe,
				     struct request *rq)
{
	struct kt_blk_req *req;
	struct kt_inst *inst;
	u64 now, start, key[2];

	req = kt_blk_find(probe->priv, rq);
	if (!req) {
		kt_blk_complete_stamped(probe, rq);
		return;
	}
	now = kt_stamp();
	list_for_each_entry_rcu(inst, &probe->insts, node) {
		if (!(req->match & BIT_ULL(inst->slot)) ||
		    req->start_ns < inst->enabled_ns)
			continue;
		start = req->issue_ns;
		if ((inst->opts & KTRACE_BLOCK_LATENCY_QUEUED) &&
		    req->insert_ns)
			start = req->insert_ns;
		if (!start) {
			/* Completed without an issue: nothing to measure. */
			this_cpu_inc(inst->stats->drop_no_start);
			continue;
		}
		kt_blk_key(inst, req, key);
		kt_inst_add(inst, key, now - start);
	}
	kt_blk_release(probe->priv, req);
}

/*
 * Whether @inst, alone on the probe, takes the hot path at completion:
 * no submitter needed, one log2 histogram, no key.
 */
static bool kt_blk_inst_fast(const struct kt_inst *inst)
{
	return !kt_blk_inst_submitter(inst) && kt_inst_hot_hist(inst);
}

/*
 * The hot path for probe->fast @inst: a request the block layer stamped
 * at issue, its latency added inline, with no call that makes the
 * handler save registers.  Returns false, having counted nothing, for
 * anything else.  The table is not searched: with no instance needing a
 * submitter, issue made no entry for a stamped request.  (An entry left
 * by an instance since disabled is reclaimed as stale.)
 */
static __always_inline bool kt_blk_complete_fast(struct kt_inst *inst,
						 struct request *rq)
{
	u64 start = kt_blk_issue_stamp(rq), now;

	if (unlikely(!start || start < inst->enabled_ns ||
		     (kt_filter_on_dev(&inst->filter) &&
		      !kt_filter_dev(&inst->filter, kt_blk_dev(rq))) ||
		     !kt_stamp_fast(&now)))
		return false;
	kt_inst_add_hot(inst, max(now, start) - start);
	return true;
}

static void kt_blk_on_complete(void *data, struct request *rq,
			       blk_status_t error, unsigned int nr_bytes)
{
	struct kt_probe *probe = data;
	struct kt_inst *inst = rcu_dereference_sched(probe->fast);

	if (likely(inst) && likely(kt_blk_complete_fast(inst, rq)))
		return;
	kt_blk_complete(probe, rq);
}

/* Hooked only while some instance wants the queued time (-Q). */
static struct kt_tp_hook kt_blk_insert_hook[] = {
	{ .name = "block_rq_insert", .func = kt_blk_on_insert },
};

/*
 * Keeps count of the instances that need the table, before @inst is
 * published to the handlers, and hooks insert for the first -Q one;
 * kt_probe_lock held.
 */
static int kt_blk_inst_attach(struct kt_inst *inst)
{
	struct kt_blk *blk = inst->probe->priv;
	bool queued = inst->opts & KTRACE_BLOCK_LATENCY_QUEUED;
	bool first;
	int err;

	if (!kt_blk_inst_submitter(inst))
		return 0;
	if (queued && !blk->nr_queued) {
		err = kt_tp_register(kt_blk_insert_hook,
				     ARRAY_SIZE(kt_blk_insert_hook),
				     inst->probe);
		if (err)
			return err;
	}
	first = !blk->nr_submitter;
	WRITE_ONCE(blk->nr_submitter, blk->nr_submitter + 1);
	if (queued) {
		first |= !blk->nr_queued;
		WRITE_ONCE(blk->nr_queued, blk->nr_queued + 1);
	}
	if (first) {
		/*
		 * Insert and issue handlers that may have skipped the table
		 * end here: every request from now on has an entry, or was
		 * counted as lost.
		 */
		synchronize_rcu();
		inst->enabled_ns = ktime_get_ns();
		inst->enabled_clock = kt_clock();
	}
	return 0;
}

static void kt_blk_inst_detach(struct kt_inst *inst)
{
	struct kt_blk *blk = inst->probe->priv;

	if (!kt_blk_inst_submitter(inst))
		return;
	if (inst->opts & KTRACE_BLOCK_LATENCY_QUEUED) {
		WRITE_ONCE(blk->nr_queued, blk->nr_queued - 1);
		if (!blk->nr_queued)
			kt_tp_unregister(kt_blk_insert_hook,
					 ARRAY_SIZE(kt_blk_insert_hook),
					 inst->probe);
	}
	WRITE_ONCE(blk->nr_submitter, blk->nr_submitter - 1);
}

/*
 * Issue and completion, for every instance.  A lone instance that needs
 * no submitter, on a kernel and queue where the block layer stamps the
 * issue, costs one early return at issue and the hot path at completion.
 */
static struct kt_tp_hook kt_blk_hooks[] = {
	{ .name = "block_rq_issue", .func = kt_blk_on_issue },
	{ .name = "block_rq_complete", .func = kt_blk_on_complete },
};

const struct kt_probe_ops kt_probe_block_latency = {
	.name = "block_latency",
	.desc = "block I/O latency, issue (or insert) to completion",
	.kind = KTRACE_KIND_HIST,
	.keys = BIT(KTRACE_KEY_NONE) | BIT(KTRACE_KEY_DEV) |
		BIT(KTRACE_KEY_FLAGS) | BIT(KTRACE_KEY_PID) |
		BIT(KTRACE_KEY_TGID),
	.flags = KT_FILTER_FLAGS | KTRACE_ENABLE_LINEAR,
	.opts = KTRACE_BLOCK_LATENCY_QUEUED,
	.capacity = 256,
	.hooks = kt_blk_hooks,
	.nr_hooks = ARRAY_SIZE(kt_blk_hooks),
	.priv_size = sizeof(struct kt_blk),
	.inst_attach = kt_blk_inst_attach,
	.inst_detach = kt_blk_inst_detach,
	.inst_fast = kt_blk_inst_fast,
};
