/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a command's results come from: ktrace.ko through /dev/ktrace
 * (backend_module.c), or eBPF programs loaded by ktracectl itself
 * (backend_bpf.c), which need no module at all.  Both answer in the
 * module's terms: struct ktrace_probe_info, struct ktrace_enable, results
 * as struct ktrace_agg_entry arrays in a struct kt_result, counters as
 * struct ktrace_stats, and streamed records as struct ktrace_rec_* with
 * LOST records, so agg_run.c, stream_run.c and the commands' printing do
 * not know which one ran.
 *
 * Every function returning int returns 0 (or an id or count) or -errno,
 * as libktrace does; backend_open() says why it failed itself.
 */
#ifndef __KTRACECTL_BACKEND_H
#define __KTRACECTL_BACKEND_H

#include <stdbool.h>
#include "libktrace.h"

/* --backend: what env.backend holds. */
enum backend_kind {
	BACKEND_MODULE,		/* ktrace.ko (the default) */
	BACKEND_BPF,		/* eBPF programs through libbpf */
	BACKEND_AUTO,		/* the module if /dev/ktrace exists, else BPF */
};

struct backend;

/* One CPU's ring as the kernel counted it, for the per-CPU ledger. */
struct be_ring_cpu {
	__u64 seen;		/* records offered to it: written or dropped */
	struct kt_lost pending;	/* its drops no LOST record reported yet */
};

struct backend_ops {
	const char *name;	/* "module", "bpf" */
	int (*probe_info)(struct backend *b, const char *probe,
			  struct ktrace_probe_info *info);
	__u32 (*record_schema)(struct backend *b);
	int (*ring_setup)(struct backend *b, __u32 pages, __u32 watermark);
	int (*enable)(struct backend *b, struct ktrace_enable *en);
	int (*disable)(struct backend *b, __u32 id);
	int (*read)(struct backend *b, __u32 id, bool clear,
		    struct kt_result *res);
	int (*stats)(struct backend *b, __u32 id, struct ktrace_stats *st);
	int (*ring_poll)(struct backend *b, int timeout_ms, kt_rec_cb cb,
			 void *ctx);
	int (*ring_consume)(struct backend *b, kt_rec_cb cb, void *ctx);
	int (*ring_pending_lost)(struct backend *b, struct kt_lost *lost);
	unsigned int (*ring_cpus)(struct backend *b);
	int (*ring_cpu)(struct backend *b, unsigned int cpu,
			struct be_ring_cpu *rc);
	int (*symbols)(struct backend *b, __u32 id, char **names, __u32 *nr);
	int (*stacks)(struct backend *b, struct ktrace_stacks *sk);
	void (*close)(struct backend *b);
};

struct backend {
	const struct backend_ops *ops;
	struct kt *kt;		/* the module's open file; NULL for BPF */
};

/*
 * Opens the backend env.backend names for @probe: with BACKEND_AUTO says
 * on stderr which it chose.  NULL, having said why, when it cannot run
 * the probe (no module, no BPF version of @probe, BPF not allowed).
 */
struct backend *backend_open(const char *probe);
void backend_close(struct backend *b);

/* The kind --backend asked for, resolved for this host (never AUTO). */
enum backend_kind backend_resolve(enum backend_kind kind);
const char *backend_kind_name(enum backend_kind kind);
/* Parses "module", "bpf" or "auto"; -EINVAL otherwise. */
int backend_parse(const char *arg, enum backend_kind *kind);

static inline int be_probe_info(struct backend *b, const char *probe,
				struct ktrace_probe_info *info)
{
	return b->ops->probe_info(b, probe, info);
}

static inline __u32 be_record_schema(struct backend *b)
{
	return b->ops->record_schema(b);
}

static inline int be_ring_setup(struct backend *b, __u32 pages,
				__u32 watermark)
{
	return b->ops->ring_setup(b, pages, watermark);
}

/* Fills en->size and the outputs; returns the instance id (> 0). */
static inline int be_enable(struct backend *b, struct ktrace_enable *en)
{
	return b->ops->enable(b, en);
}

/* When this returns no handler of the instance runs any more. */
static inline int be_disable(struct backend *b, __u32 id)
{
	return b->ops->disable(b, id);
}

/* Release with kt_result_free(). */
static inline int be_read(struct backend *b, __u32 id, bool clear,
			  struct kt_result *res)
{
	return b->ops->read(b, id, clear, res);
}

static inline int be_stats(struct backend *b, __u32 id,
			   struct ktrace_stats *st)
{
	return b->ops->stats(b, id, st);
}

/* As kt_ring_poll() and kt_ring_consume(), LOST records included. */
static inline int be_ring_poll(struct backend *b, int timeout_ms,
			       kt_rec_cb cb, void *ctx)
{
	return b->ops->ring_poll(b, timeout_ms, cb, ctx);
}

static inline int be_ring_consume(struct backend *b, kt_rec_cb cb, void *ctx)
{
	return b->ops->ring_consume(b, cb, ctx);
}

/* Drops no LOST record has reported yet, summed over every CPU. */
static inline int be_ring_pending_lost(struct backend *b,
				       struct kt_lost *lost)
{
	return b->ops->ring_pending_lost(b, lost);
}

/* The CPUs records and LOST records may name: 0 .. this - 1. */
static inline unsigned int be_ring_cpus(struct backend *b)
{
	return b->ops->ring_cpus(b);
}

/*
 * The kernel's own count of what was offered to CPU @cpu's ring, and its
 * drops not reported yet: with the records and LOST records read from
 * that CPU, the ledger seen = delivered + dropped.  -ENODEV for a CPU
 * without a ring.
 */
static inline int be_ring_cpu(struct backend *b, unsigned int cpu,
			      struct be_ring_cpu *rc)
{
	return b->ops->ring_cpu(b, cpu, rc);
}

/*
 * KTRACE_IOC_SYMBOLS: the instance's function names, KTRACE_SYMBOL_LEN
 * bytes each in KTRACE_KEY_FUNC order, in *names (free() it).
 */
static inline int be_symbols(struct backend *b, __u32 id, char **names,
			     __u32 *nr)
{
	return b->ops->symbols(b, id, names, nr);
}

/* KTRACE_IOC_STACKS, as the ioctl pages through them. */
static inline int be_stacks(struct backend *b, struct ktrace_stacks *sk)
{
	return b->ops->stacks(b, sk);
}

/* The module backend over an open /dev/ktrace (takes it over). */
struct backend *backend_module_new(struct kt *kt);
/*
 * The BPF backend for @probe; NULL with -errno in *err: -ENOENT when
 * ktracectl has no BPF version of @probe, -EPERM when bpf() is refused,
 * -ENODATA when the kernel has no BTF.
 */
struct backend *backend_bpf_new(const char *probe, int *err);
/* Whether ktracectl has a BPF version of @probe. */
bool backend_bpf_has(const char *probe);
/* Whether @probe exists only in BPF (uprobes, cgroup hooks...). */
bool backend_bpf_only(const char *probe);

#endif /* __KTRACECTL_BACKEND_H */
