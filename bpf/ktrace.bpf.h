/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every ktrace eBPF program uses: the instance's configuration, its
 * counters (struct ktrace_stats, per CPU), the task and device filters as
 * the module evaluates them (module/filter.c), and, for a probe that
 * defines KT_BPF_HIST or KT_BPF_RING before including this, the
 * double-buffered log2 histograms or the ring buffer of records.
 *
 * Counters and histogram slots are per CPU but added atomically: a
 * handler interrupted on its CPU by another handler of the same object
 * (issue in a task, completion in an interrupt) must not lose an update.
 */
#ifndef __KTRACE_BPF_BPF_H
#define __KTRACE_BPF_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "ktrace_bpf.h"

/* const volatile: libbpf sets it before load, the verifier reads it. */
const volatile struct kt_bpf_cfg kt_cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kt_bpf_stats);
} kt_stats SEC(".maps");

/* Index 0: the cgroup of KTRACE_ENABLE_CGROUP. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} kt_cgroup SEC(".maps");

static __always_inline void kt_add(enum kt_bpf_stat stat, __u64 n)
{
	struct kt_bpf_stats *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&kt_stats, &zero);
	if (s)
		__sync_fetch_and_add(&s->c[stat], n);
}

static __always_inline void kt_count(enum kt_bpf_stat stat)
{
	kt_add(stat, 1);
}

/* Counts a hit; returns a start time when this hit is timed, else 0. */
static __always_inline __u64 kt_hit_begin(void)
{
	struct kt_bpf_stats *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&kt_stats, &zero);
	if (!s)
		return 0;
	__sync_fetch_and_add(&s->c[KT_STAT_HITS], 1);
	/* A racy read is good enough to pick one hit in a sample. */
	return s->c[KT_STAT_HITS] % KT_BPF_TIME_SAMPLE ? 0 : bpf_ktime_get_ns();
}

static __always_inline void kt_hit_end(__u64 t0)
{
	if (t0) {
		kt_add(KT_STAT_TIME_NS, bpf_ktime_get_ns() - t0);
		kt_count(KT_STAT_TIME_SAMPLES);
	}
}

#define KT_TASK_FILTERS	(KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | \
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP)

/* Whether the current task passes the pid, tgid, comm and cgroup filters. */
static __always_inline bool kt_filter_task(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	char comm[KTRACE_COMM_LEN];
	int i;

	if (!(kt_cfg.flags & KT_TASK_FILTERS))
		return true;
	if ((kt_cfg.flags & KTRACE_ENABLE_PID) && (__u32)id != kt_cfg.pid)
		return false;
	if ((kt_cfg.flags & KTRACE_ENABLE_TGID) && id >> 32 != kt_cfg.tgid)
		return false;
	if (kt_cfg.flags & KTRACE_ENABLE_COMM) {
		bpf_get_current_comm(comm, sizeof(comm));
		/* strncmp(): equal up to the first NUL. */
		for (i = 0; i < KTRACE_COMM_LEN; i++) {
			if (comm[i] != kt_cfg.comm[i])
				return false;
			if (!comm[i])
				break;
		}
	}
	if ((kt_cfg.flags & KTRACE_ENABLE_CGROUP) &&
	    bpf_current_task_under_cgroup(&kt_cgroup, 0) != 1)
		return false;
	return true;
}

static __always_inline bool kt_filter_dev(__u32 dev)
{
	return !(kt_cfg.flags & KTRACE_ENABLE_DEV) || kt_cfg.dev == dev;
}

static __always_inline void kt_rec_init(struct ktrace_rec *hdr, __u32 len,
					__u16 type)
{
	hdr->len = len;
	hdr->type = type;
	hdr->flags = 0;
	hdr->cpu = bpf_get_smp_processor_id();
	hdr->id = kt_cfg.id;
	hdr->ts_ns = bpf_ktime_get_ns();
}

#ifdef KT_BPF_HIST
/* Keys of both sets: ktracectl sizes it before load. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 2);
	__type(key, struct kt_bpf_hkey);
	__type(value, struct kt_bpf_hval);
} kt_hists SEC(".maps");

/* Index 0: the set handlers count into, flipped by a read-and-clear. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kt_bpf_ctl);
} kt_ctl SEC(".maps");

static const struct kt_bpf_hval kt_zero_hval;

/* Slot of a value in a log2 histogram: floor(log2(v)), 0 for 0 and 1. */
static __always_inline __u32 kt_log2_slot(__u64 v)
{
	__u32 slot = 0;

	if (v >> 32) {
		v >>= 32;
		slot += 32;
	}
	if (v >> 16) {
		v >>= 16;
		slot += 16;
	}
	if (v >> 8) {
		v >>= 8;
		slot += 8;
	}
	if (v >> 4) {
		v >>= 4;
		slot += 4;
	}
	if (v >> 2) {
		v >>= 2;
		slot += 2;
	}
	if (v >> 1)
		slot += 1;
	return slot;
}

/*
 * Adds one event of @ns nanoseconds (a plain number for KTRACE_UNIT_COUNT)
 * under @key, converted to the instance's unit; counts it as recorded, or
 * as lost to a full table.
 */
static __always_inline void kt_hist_add(__u64 key0, __u64 key1, __u64 ns)
{
	struct kt_bpf_hkey k = { .key = { key0, key1 } };
	struct kt_bpf_ctl *ctl;
	struct kt_bpf_hval *v;
	__u64 val = ns;
	__u32 zero = 0, slot;

	if (kt_cfg.unit_div > 1)
		val = ns / kt_cfg.unit_div;
	ctl = bpf_map_lookup_elem(&kt_ctl, &zero);
	if (ctl)
		k.set = ctl->set & 1;
	v = bpf_map_lookup_elem(&kt_hists, &k);
	if (!v) {
		/* Another CPU may add the key first: then look it up. */
		bpf_map_update_elem(&kt_hists, &k, &kt_zero_hval, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&kt_hists, &k);
		if (!v) {
			kt_count(KT_STAT_TABLE_FULL);
			return;
		}
	}
	__sync_fetch_and_add(&v->count, 1);
	__sync_fetch_and_add(&v->sum, val);
	/* The mask bounds the index for the verifier; no slot is above 63. */
	slot = kt_log2_slot(val) & (KTRACE_LOG2_SLOTS - 1);
	__sync_fetch_and_add(&v->slots[slot], 1);
	kt_count(KT_STAT_RECORDED);
}
#endif /* KT_BPF_HIST */

#ifdef KT_BPF_RING
/* ktracectl sizes it before load (-b PAGES per CPU, as the module's). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} kt_ring SEC(".maps");

/*
 * Streams @size bytes of record at @rec; the offer and a failed reserve
 * are counted on this CPU, the one the record's header names, so that
 * ktracectl proves seen = delivered + dropped per CPU.
 */
/*
 * The wakeup flags of a record.  With no watermark (the default), the
 * ring buffer's adaptive policy: the reader is woken when a record lands
 * in a ring it had emptied.  With one (the module's KTRACE ring
 * watermark, which ring setup passes on), no wakeup until wakeup_bytes
 * wait unread, at the cost of one query per record; the reader drains
 * what is below it when its poll times out, as with the module.
 */
static __always_inline __u64 kt_ring_flags(void)
{
	if (!kt_cfg.wakeup_bytes)
		return 0;
	if (bpf_ringbuf_query(&kt_ring, BPF_RB_AVAIL_DATA) >=
	    kt_cfg.wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void kt_ring_output(void *rec, __u64 size)
{
	kt_count(KT_STAT_RING_SEEN);
	if (bpf_ringbuf_output(&kt_ring, rec, size, kt_ring_flags()))
		kt_count(KT_STAT_RING_FULL);
	else
		kt_count(KT_STAT_RECORDED);
}
#endif /* KT_BPF_RING */

#endif /* __KTRACE_BPF_BPF_H */
