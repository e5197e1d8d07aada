/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ktrace's eBPF programs (bpf/<probe>.bpf.c) and their loader in
 * ktracectl (user/backend_bpf.c, user/bpf_<probe>.c) share: the layout of
 * the histogram and counter maps and of the configuration in .rodata.
 * Records streamed through the BPF ring buffer are the module's own
 * struct ktrace_rec_* (uapi/ktrace.h), and a histogram read through the
 * BPF backend is returned as the module's struct ktrace_agg_entry, so
 * ktracectl prints the same output whichever backend ran.
 */
#ifndef __KTRACE_BPF_H
#define __KTRACE_BPF_H

#include "ktrace.h"

/*
 * Histograms are counted into one of two sets, the one the kt_ctl array
 * names.  Read-and-clear flips it, waits an RCU grace period (every
 * handler that read the old value has returned) and only then reads and
 * deletes the old set: no event is lost or counted twice between reads,
 * as with the module's KTRACE_READ_CLEAR.
 */
#define KT_BPF_SETS		2

struct kt_bpf_ctl {
	__u32 set;		/* the set handlers count into */
	__u32 pad;
};

struct kt_bpf_hkey {
	__u64 key[2];		/* as in struct ktrace_agg_entry */
	__u32 set;		/* 0 or 1 */
	__u32 pad;
};

/* A log2 histogram: slot i holds [2^i, 2^(i+1)), slot 0 holds 0 and 1. */
struct kt_bpf_hval {
	__u64 count;
	__u64 sum;		/* in the instance's unit */
	__u64 slots[KTRACE_LOG2_SLOTS];
};

/* The counters of struct ktrace_stats, per CPU in the kt_stats array. */
enum kt_bpf_stat {
	KT_STAT_HITS,
	KT_STAT_FILTERED,
	KT_STAT_RECORDED,
	KT_STAT_TABLE_FULL,
	KT_STAT_RING_FULL,	/* failed ring buffer reserves */
	KT_STAT_NO_START,
	KT_STAT_INFLIGHT_FULL,
	KT_STAT_TIME_NS,
	KT_STAT_TIME_SAMPLES,
	/*
	 * Records offered to the ring buffer: each then counts as recorded
	 * or ring full on the same CPU, which a reader checks per CPU
	 * against the records and LOST counts it received from that CPU.
	 */
	KT_STAT_RING_SEEN,
	KT_STAT_NR
};

struct kt_bpf_stats {
	__u64 c[KT_STAT_NR];
};

/* One hit in this many per CPU is timed, as in the module. */
#define KT_BPF_TIME_SAMPLE	KTRACE_STATS_TIME_SAMPLE

/*
 * The instance's configuration, a const volatile in .rodata set before
 * the programs load: the verifier then drops the filters not asked for.
 */
struct kt_bpf_cfg {
	__u64 flags;		/* KTRACE_ENABLE_* filters */
	__u64 opts;		/* the probe's KTRACE_* options */
	__u64 unit_div;		/* ns per histogram unit */
	__u32 pid;		/* with KTRACE_ENABLE_PID */
	__u32 tgid;		/* with KTRACE_ENABLE_TGID */
	__u32 dev;		/* with KTRACE_ENABLE_DEV */
	__u32 key;		/* KTRACE_KEY_* */
	__u32 id;		/* instance id written in records */
	__u32 pad;
	char comm[KTRACE_COMM_LEN];	/* with KTRACE_ENABLE_COMM */
	__u64 wakeup_bytes;	/* ring watermark; 0: the adaptive wakeup */
};

#endif /* __KTRACE_BPF_H */
