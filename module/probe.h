/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktrace probe framework.  A probe is a small ops table in a static
 * registry, one file each in module/probes.  Each KTRACE_IOC_ENABLE creates
 * an instance with its own filters and results; the probe's hooks are
 * attached when its first instance is enabled and detached after its last
 * one goes.  Handlers walk
 * the probe's instance list under RCU (they run with preemption disabled).
 */
#ifndef _KTRACE_PROBE_H
#define _KTRACE_PROBE_H

#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/sched/clock.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/types.h>
#include "../uapi/ktrace.h"
#include "agg.h"
#include "clock.h"
#include "filter.h"
#include "ring.h"

struct kt_probe;
struct kt_inst;
struct kt_stacks;
struct kt_tp_hook;

struct kt_probe_ops {
	const char *name;
	const char *desc;
	u32 kind;		/* KTRACE_KIND_* */
	u32 keys;		/* bit (1 << KTRACE_KEY_*) per supported key */
	u64 flags;		/* KTRACE_ENABLE_* accepted */
	u64 opts;		/* probe-specific option bits accepted */
	u32 capacity;		/* keyed-table capacity */
	u32 rec_size;		/* largest record a streaming probe writes */
	/*
	 * Tracepoints hooked for the first instance with the probe as data,
	 * after probe->priv gets priv_size zeroed bytes; unhooked and freed
	 * after the last.  A probe with other needs sets attach/detach.
	 */
	struct kt_tp_hook *hooks;
	unsigned int nr_hooks;
	size_t priv_size;
	/* Hooks up the probe for its first instance (optional). */
	int (*attach)(struct kt_probe *probe);
	/* Unhooks it after the last; returns once no handler runs. */
	void (*detach)(struct kt_probe *probe);
	/* Hooks of one instance, e.g. a kprobe on its symbol (optional). */
	int (*inst_attach)(struct kt_inst *inst);
	void (*inst_detach)(struct kt_inst *inst);
	/* Events the kernel could not deliver to the instance's hooks. */
	u64 (*inst_missed)(struct kt_inst *inst);
	/*
	 * The kernel functions an instance probes, in KTRACE_KEY_FUNC order:
	 * *nr names of KTRACE_SYMBOL_LEN bytes each, NUL-padded, fixed while
	 * the instance lives; NULL when it probes none (optional).
	 */
	const char *(*inst_symbols)(struct kt_inst *inst, u32 *nr);
	/*
	 * Whether the handlers have a fast path for @inst when it is the
	 * probe's only instance: see probe->fast (optional).
	 */
	bool (*inst_fast)(const struct kt_inst *inst);
};

struct kt_probe {
	const struct kt_probe_ops *ops;
	unsigned int users;		/* enabled instances, kt_probe_lock */
	u64 slots;			/* slots in use, kt_probe_lock */
	struct list_head insts;		/* RCU; written under kt_probe_lock */
	void *priv;			/* probe state while attached */
	/* Per-CPU state while attached: one load nearer than priv's. */
	void __percpu *cpu_priv;
	/*
	 * Instances enabled so far, kt_probe_lock.  A handler that keeps a
	 * start and reads gen then, knows which instances were enabled
	 * before it: those whose enabled_gen is not above what it read.
	 */
	u64 gen;
	/*
	 * The only instance, when it is alone and ops->inst_fast() takes it,
	 * else NULL: handlers test one pointer, not the list and each
	 * instance's options (RCU; written under kt_probe_lock).
	 */
	struct kt_inst __rcu *fast;
};

/* Per-CPU counters of an instance, summed by KTRACE_IOC_STATS. */
struct kt_inst_stats {
	u64 hits;
	u64 filtered;
	u64 recorded;
	u64 drop_table_full;
	u64 drop_ring[4];		/* by enum kt_drop */
	u64 drop_no_start;
	u64 drop_inflight_full;
	u64 time_ns;
	u64 time_samples;
};

/*
 * An enabled probe in one open file.  Everything but the per-CPU stats and
 * the results is set before the instance is published to handlers and
 * never changes after.
 */
struct kt_inst {
	struct list_head node;		/* in probe->insts */
	struct kt_probe *probe;
	u32 id;
	u32 slot;			/* bit of this instance in its probe */
	u32 key;			/* KTRACE_KEY_* */
	u64 opts;
	u64 enabled_ns;			/* ktime_get_ns() when enabled */
	u64 enabled_clock;		/* kt_clock() when enabled */
	u64 enabled_gen;		/* probe->gen once enabled */
	struct kt_filter filter;
	char symbol[KTRACE_SYMBOL_LEN];
	struct kt_agg *agg;		/* aggregating probes */
	struct kt_ring_set *rings;	/* streaming probes */
	struct kt_inst_stats __percpu *stats;
	void *priv;			/* the instance's own hooks */
	struct kt_stacks *stacks;	/* stack probes: KTRACE_IOC_STACKS */
	struct ktrace_enable conf;	/* as enabled: KTRACE_IOC_STATUS */
};

extern struct mutex kt_probe_lock;

void kt_probes_init(void);
struct kt_probe *kt_probe_find(const char *name);
unsigned int kt_probe_count(void);
struct kt_probe *kt_probe_at(unsigned int i);

/*
 * Publishes @inst to its probe's handlers, attaching the probe if first.
 * Gives the instance a slot: a probe has at most 64 instances (-ENOSPC).
 */
int kt_probe_enable(struct kt_inst *inst);
/* Unpublishes @inst; when this returns no handler can still see it. */
void kt_probe_disable(struct kt_inst *inst);

/* Finds a built-in tracepoint by name ("block_rq_issue"). */
struct tracepoint *kt_tracepoint_find(const char *name);

struct kt_tp_hook {
	const char *name;
	void *func;
	struct tracepoint *tp;		/* set by kt_tp_register() */
};

/* Registers all of @hooks with @data, or none of them. */
int kt_tp_register(struct kt_tp_hook *hooks, unsigned int n, void *data);
/* Unregisters them and waits for running handlers to finish. */
void kt_tp_unregister(struct kt_tp_hook *hooks, unsigned int n, void *data);

/* Counts a hit; returns a start time when this hit is timed, else 0. */
/* Whether the @n-th hit on a CPU is timed: see struct ktrace_stats. */
static __always_inline bool kt_hit_timed(u64 n)
{
	return !(n % KTRACE_STATS_TIME_SAMPLE);
}

/* kt_hit_begin() for the @n-th hit on this CPU, counted by the caller. */
static inline u64 kt_hit_counted(u64 n)
{
	return kt_hit_timed(n) ? local_clock() : 0;
}

static inline u64 kt_hit_begin(struct kt_inst *inst)
{
	return kt_hit_counted(this_cpu_add_return(inst->stats->hits, 1));
}

static inline void kt_hit_end(struct kt_inst *inst, u64 t0)
{
	if (t0) {
		this_cpu_add(inst->stats->time_ns, local_clock() - t0);
		this_cpu_inc(inst->stats->time_samples);
	}
}

/* Counts an aggregation's outcome: @added, or no room for its key. */
static __always_inline void kt_inst_tally(struct kt_inst *inst, bool added)
{
	if (added)
		this_cpu_inc(inst->stats->recorded);
	else
		this_cpu_inc(inst->stats->drop_table_full);
}

/* Aggregates @value under the key {@k0, @k1} for @inst, counting it. */
static __always_inline void kt_inst_add_key(struct kt_inst *inst, u64 k0,
					    u64 k1, u64 value)
{
	kt_inst_tally(inst, kt_agg_add_key(inst->agg, k0, k1, value));
}

static inline void kt_inst_add(struct kt_inst *inst, const u64 key[2],
			       u64 value)
{
	kt_inst_add_key(inst, key[0], key[1], value);
}

/* Whether @inst has one unkeyed log2 histogram: kt_inst_add_hot()'s. */
static inline bool kt_inst_hot_hist(const struct kt_inst *inst)
{
	return inst->key == KTRACE_KEY_NONE && !inst->agg->p.capacity &&
	       inst->agg->p.hist == KTRACE_HIST_LOG2;
}

/* A timed hit of kt_inst_add_hot(), out of line: the cost of adding. */
void kt_inst_add_timed(struct kt_inst *inst, u64 value);

/*
 * Counts a hit of @inst and adds @value to its one unkeyed log2
 * histogram, for the hot path of a probe->fast instance that has one
 * (kt_inst_hot_hist()): inline and without a call, so that the handler
 * saves no registers, but for the one hit in KTRACE_STATS_TIME_SAMPLE
 * that is timed.
 */
static __always_inline void kt_inst_add_hot(struct kt_inst *inst, u64 value)
{
	struct kt_agg *agg = inst->agg;
	u64 hit = this_cpu_add_return(inst->stats->hits, 1);

	if (unlikely(kt_hit_timed(hit))) {
		kt_inst_add_timed(inst, value);
		return;
	}
	kt_agg_ent_add_log2(agg, kt_agg_ent(agg, kt_agg_this_table(agg), 0),
			    value);
	this_cpu_inc(inst->stats->recorded);
}

/* kt_inst_add_key() for a KTRACE_KIND_COUNT probe: no histogram. */
static __always_inline void kt_inst_count_key(struct kt_inst *inst, u64 k0,
					      u64 k1, u64 value)
{
	kt_inst_tally(inst, kt_agg_count_key(inst->agg, k0, k1, value));
}

/* The instance after @inst on its probe, or NULL; in a handler. */
static __always_inline struct kt_inst *kt_inst_next(struct kt_inst *inst)
{
	return list_next_or_null_rcu(&inst->probe->insts, &inst->node,
				     struct kt_inst, node);
}

/* kt_inst_reserve() past kt_ring_reserve_fast(), out of line. */
struct ktrace_rec *kt_inst_reserve_slow(struct kt_inst *inst, u32 len,
					u16 type);

/* Reserves a streamed record for @inst on this CPU, counting drops. */
static __always_inline struct ktrace_rec *
kt_inst_reserve(struct kt_inst *inst, u32 len, u16 type)
{
	struct ktrace_rec *rec;

	rec = kt_ring_reserve_fast(kt_ring_this_cpu(inst->rings), len, type,
				   inst->id);
	if (likely(rec))
		return rec;
	return kt_inst_reserve_slow(inst, len, type);
}

static inline void kt_inst_commit(struct kt_inst *inst, struct ktrace_rec *rec)
{
	kt_ring_commit(kt_ring_this_cpu(inst->rings), rec);
	this_cpu_inc(inst->stats->recorded);
}

/* The probes, one per file in module/probes/. */
extern const struct kt_probe_ops kt_probe_block_latency;
extern const struct kt_probe_ops kt_probe_sys_enter;
extern const struct kt_probe_ops kt_probe_funclatency;
extern const struct kt_probe_ops kt_probe_tcplife;
extern const struct kt_probe_ops kt_probe_funccount;
extern const struct kt_probe_ops kt_probe_execsnoop;
extern const struct kt_probe_ops kt_probe_opensnoop;
extern const struct kt_probe_ops kt_probe_runqlat;
extern const struct kt_probe_ops kt_probe_syscount;
extern const struct kt_probe_ops kt_probe_profile;
extern const struct kt_probe_ops kt_probe_stackcount;
extern const struct kt_probe_ops kt_probe_offcputime;
extern const struct kt_probe_ops kt_probe_tpcount;
extern const struct kt_probe_ops kt_probe_bpfwatch;
extern const struct kt_probe_ops kt_probe_trace;
extern const struct kt_probe_ops kt_probe_floor;

#endif /* _KTRACE_PROBE_H */
