/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ktrace: the ABI of /dev/ktrace, shared by ktrace.ko, libktrace and any
 * custom consumer.
 *
 * Life of a consumer:
 *   fd = open("/dev/ktrace", O_RDWR)          CAP_PERFMON or CAP_SYS_ADMIN
 *   ioctl(fd, KTRACE_IOC_HANDSHAKE, &hs)      learn ABI, features, CPU count
 *   ioctl(fd, KTRACE_IOC_RING_SETUP, &rs)     only for streaming probes
 *   mmap() each CPU's consumer page and data  (see "Event ring" below)
 *   ioctl(fd, KTRACE_IOC_ENABLE, &en)         returns an instance id
 *   ioctl(fd, KTRACE_IOC_READ, &rd)           aggregated results, optionally
 *                                             cleared atomically
 *   poll(fd) + read the rings                 streamed records
 *   ioctl(fd, KTRACE_IOC_DISABLE, &dis)  or   close(fd), which frees everything
 *
 * Extensible structs: every struct passed in begins with "__u32 size", the
 * size of the struct as the caller knows it.  The module reads it the way
 * copy_struct_from_user() does: a shorter known size (a *_SIZE_VER* value)
 * is accepted and the missing fields read as zero; a longer one is accepted
 * if the bytes the module does not know are zero.  Output fields are written
 * back only up to the caller's size.  The ioctl number's size bits are not
 * used: commands are matched on type and number.
 *
 * Errors, common to every command:
 *   ENOTTY   unknown command (wrong type or number)
 *   EFAULT   a pointer (the argument, or a __u64 user pointer in it) is bad
 *   EINVAL   size smaller than the first *_SIZE_VER0, a non-zero reserved
 *            field, an unknown flag, or a field out of its documented range
 *   E2BIG    size larger than the module's and the unknown tail is not zero,
 *            or size larger than a page (as clone3() and openat2())
 * and per command as listed with it.
 *
 * ioctl numbers (type KTRACE_IOC_MAGIC); a number is never reused:
 *   0x00  KTRACE_IOC_HANDSHAKE   struct ktrace_handshake
 *   0x01  KTRACE_IOC_PROBE_LIST  struct ktrace_probe_list
 *   0x02  KTRACE_IOC_ENABLE      struct ktrace_enable
 *   0x03  KTRACE_IOC_DISABLE     struct ktrace_disable
 *   0x04  KTRACE_IOC_READ        struct ktrace_read
 *   0x05  KTRACE_IOC_STATS       struct ktrace_stats
 *   0x06  KTRACE_IOC_RING_SETUP  struct ktrace_ring_setup
 *   0x07  KTRACE_IOC_SYMBOLS     struct ktrace_symbols   (ABI 1.1)
 *   0x08  KTRACE_IOC_STACKS      struct ktrace_stacks    (ABI 1.1)
 *   0x09  KTRACE_IOC_STATUS      struct ktrace_status    (ABI 1.2)
 */
#ifndef _UAPI_LINUX_KTRACE_H
#define _UAPI_LINUX_KTRACE_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define KTRACE_DEVICE		"/dev/ktrace"
#define KTRACE_IOC_MAGIC	0xBD

#define KTRACE_ABI_MAJOR	1	/* incompatible changes */
#define KTRACE_ABI_MINOR	2	/* additions */
#define KTRACE_RECORD_SCHEMA	1	/* layout of ring records */

#define KTRACE_NAME_LEN		32
#define KTRACE_SYMBOL_LEN	128
#define KTRACE_COMM_LEN		16
#define KTRACE_LOG2_SLOTS	64	/* log2 histogram slots, one per bit */
#define KTRACE_LINEAR_MAX_SLOTS	1024

/* Feature bits reported by the handshake. */
#define KTRACE_FEAT_RING	_BITULL(0)	/* mmap'd per-CPU event ring */
#define KTRACE_FEAT_READ_CLEAR	_BITULL(1)	/* atomic read-and-clear */
#define KTRACE_FEAT_FILTER_PID	_BITULL(2)
#define KTRACE_FEAT_FILTER_COMM	_BITULL(3)
#define KTRACE_FEAT_FILTER_CGROUP _BITULL(4)
#define KTRACE_FEAT_LINEAR	_BITULL(5)	/* linear histograms */
#define KTRACE_FEAT_STATS	_BITULL(6)

/*
 * KTRACE_IOC_HANDSHAKE: the caller sets abi_major to the major it was built
 * against (KTRACE_ABI_MAJOR); the module fills in the rest.
 *   EPROTO   the module does not speak the caller's abi_major
 */
struct ktrace_handshake {
	__u32 size;
	__u32 flags;		/* in: 0 */
	__u32 abi_major;	/* in: caller's; out: module's */
	__u32 abi_minor;	/* out */
	__u32 record_schema;	/* out: KTRACE_RECORD_SCHEMA of the module */
	__u32 nr_cpus;		/* out: possible CPUs = number of rings */
	__u64 features;		/* out: KTRACE_FEAT_* */
	__u32 nr_probes;	/* out */
	__u32 page_size;	/* out: mmap granularity */
};

#define KTRACE_HANDSHAKE_SIZE_VER0	40

/* What a probe produces. */
#define KTRACE_KIND_HIST	1	/* log2 or linear histograms, per key */
#define KTRACE_KIND_COUNT	2	/* counters, per key */
#define KTRACE_KIND_STREAM	3	/* records through the event ring */

/* Breakdown keys: how results are split.  A probe lists those it supports. */
#define KTRACE_KEY_NONE		0	/* one result */
#define KTRACE_KEY_DEV		1	/* key[0] = major << 20 | minor */
#define KTRACE_KEY_PID		2	/* key[0] = pid, key[1] = tgid */
#define KTRACE_KEY_TGID		3	/* key[0] = tgid */
#define KTRACE_KEY_SYSCALL	4	/* key[0] = syscall number */
#define KTRACE_KEY_COMM		5	/* key[0..1] = comm, NUL-padded */
#define KTRACE_KEY_STACK	6	/* key[0] = stack id */
#define KTRACE_KEY_FLAGS	7	/* key[0] = KTRACE_IO_* flags */
#define KTRACE_KEY_CPU		8	/* key[0] = CPU (ABI 1.1) */
#define KTRACE_KEY_FUNC		9	/* key[0]: KTRACE_IOC_SYMBOLS index */
#define KTRACE_KEY_MAX		9

/* Units of histogram values.  Latencies are measured in ns. */
#define KTRACE_UNIT_NSEC	0
#define KTRACE_UNIT_USEC	1
#define KTRACE_UNIT_MSEC	2
#define KTRACE_UNIT_COUNT	3	/* plain numbers, not times */
#define KTRACE_UNIT_MAX		3

/* I/O flags, the stable encoding of a request's op and flags (KEY_FLAGS). */
#define KTRACE_IO_OP_MASK	0xff
#define KTRACE_IO_OP_READ	0
#define KTRACE_IO_OP_WRITE	1
#define KTRACE_IO_OP_FLUSH	2
#define KTRACE_IO_OP_DISCARD	3
#define KTRACE_IO_OP_OTHER	0xff
#define KTRACE_IO_SYNC		_BITUL(8)
#define KTRACE_IO_META		_BITUL(9)
#define KTRACE_IO_FUA		_BITUL(10)
#define KTRACE_IO_PREFLUSH	_BITUL(11)

/* Probe-specific options (ktrace_enable.opts). */
/* block_latency: time from insert (OS queue included), not issue. */
#define KTRACE_BLOCK_LATENCY_QUEUED	_BITULL(0)
/* syscount: only calls that returned an error. */
#define KTRACE_SYSCOUNT_FAILED		_BITULL(0)
/* execsnoop: failed execs too (successful ones only by default). */
#define KTRACE_EXECSNOOP_FAILED		_BITULL(0)
/* opensnoop: only opens that failed. */
#define KTRACE_OPENSNOOP_FAILED		_BITULL(0)
/*
 * funccount: symbol is a function name or a glob ("vfs_*", * ? [...]) over
 * vmlinux's text symbols; results are keyed KTRACE_KEY_FUNC.  ENABLE adds:
 *   ENOENT   a plain name that is not a function, or a glob matching none
 *            that kprobes accept (those refused are skipped, and logged)
 *   E2BIG    a glob matching more than KTRACE_FUNCCOUNT_MAX functions
 * A plain name kprobes refuse fails with the kprobe error (EINVAL...).
 */
#define KTRACE_FUNCCOUNT_MAX		1000
/*
 * profile: samples per second on each CPU in opts bits 0-15, 1 to
 * KTRACE_PROFILE_FREQ_MAX; 0 means KTRACE_PROFILE_FREQ_DEFAULT (bcc's 49).
 * A frequency above the maximum fails ENABLE with EINVAL.
 */
#define KTRACE_PROFILE_FREQ_MASK	0xffffULL
#define KTRACE_PROFILE_FREQ_DEFAULT	49
#define KTRACE_PROFILE_FREQ_MAX		10000
/*
 * tpcount: symbol is a tracepoint name or a glob over the names of
 * vmlinux's tracepoints ("sched_*"; no "subsystem:", which tracefs adds).
 * KTRACE_KEY_FUNC: key[0] is the tracepoint's KTRACE_IOC_SYMBOLS index;
 * KTRACE_KEY_CPU: key[0] the CPU, key[1] that index.  ENABLE adds:
 *   ENOENT   no tracepoint matches
 *   E2BIG    more than KTRACE_TPCOUNT_MAX match
 */
#define KTRACE_TPCOUNT_MAX		512
/*
 * bpfwatch: bpf() system calls, counted when they return, keyed
 * KTRACE_KEY_COMM with this layout (the command name cut to 12 bytes):
 *   key[0] bits  0-15   the bpf command (BPF_MAP_CREATE...)
 *   key[0] bits 16-31   prog_type for BPF_PROG_LOAD, else 0
 *   key[0] bits 32-63   comm bytes 8-11
 *   key[1]              comm bytes 0-7, NUL-padded
 * count is the calls, sum the calls that returned an error.
 */
#define KTRACE_BPFWATCH_CMD(k0)		((__u32)((k0) & 0xffff))
#define KTRACE_BPFWATCH_PROG_TYPE(k0)	((__u32)(((k0) >> 16) & 0xffff))
#define KTRACE_BPFWATCH_COMM_LEN	12
/*
 * trace: a kprobe on the function named in symbol (KTRACE_ENABLE_SYMBOL),
 * one struct ktrace_rec_trace per call.  opts bits 0-2: the 1-based index
 * (1-6) of an argument also read as a NUL-terminated string, 0 for none;
 * bit 3: that argument points to kernel memory (a user pointer otherwise);
 * bit 4: a kretprobe instead, recording the arguments as they were at
 * entry, the string as it is at return, and the return value.  ENABLE:
 *   ENOENT   no such symbol
 *   EINVAL   string index 7, or KTRACE_TRACE_OPT_KSTR without an index
 * A symbol kprobes refuse fails with the kprobe error (EINVAL...).
 */
#define KTRACE_TRACE_OPT_STR_ARG_MASK	0x7ULL
#define KTRACE_TRACE_OPT_KSTR		_BITULL(3)
#define KTRACE_TRACE_OPT_RETPROBE	_BITULL(4)

/*
 * KTRACE_IOC_PROBE_LIST: describes the probes this module offers.  The
 * caller passes an array of count entries of entry_size bytes each; the
 * module fills min(count, nr_probes) entries, each up to
 * min(entry_size, sizeof(struct ktrace_probe_info)) bytes, and returns the
 * total in count.
 *   EINVAL   entry_size below KTRACE_PROBE_INFO_SIZE_VER0 with count > 0
 */
struct ktrace_probe_info {
	char name[KTRACE_NAME_LEN];
	char desc[96];
	__u32 kind;		/* KTRACE_KIND_* */
	__u32 keys;		/* bit (1 << KTRACE_KEY_*) per key supported */
	__u64 flags;		/* KTRACE_ENABLE_* flags the probe accepts */
	__u64 opts;		/* probe-specific option bits it accepts */
};

#define KTRACE_PROBE_INFO_SIZE_VER0	152

struct ktrace_probe_list {
	__u32 size;
	__u32 flags;		/* in: 0 */
	__u32 count;		/* in: entries in the array; out: probes */
	__u32 entry_size;	/* in: sizeof(struct ktrace_probe_info) */
	__u64 entries;		/* in: user pointer to the array */
};

#define KTRACE_PROBE_LIST_SIZE_VER0	24

/* KTRACE_IOC_ENABLE flags: which filters and options are set. */
#define KTRACE_ENABLE_PID	_BITULL(0)	/* only task pid */
#define KTRACE_ENABLE_TGID	_BITULL(1)	/* only process tgid */
#define KTRACE_ENABLE_COMM	_BITULL(2)	/* only tasks named comm */
#define KTRACE_ENABLE_CGROUP	_BITULL(3)	/* only tasks under cgroup_fd */
#define KTRACE_ENABLE_DEV	_BITULL(4)	/* only device dev */
#define KTRACE_ENABLE_LINEAR	_BITULL(5)	/* linear histogram */
#define KTRACE_ENABLE_SYMBOL	_BITULL(6)	/* symbol: kernel function */
#define KTRACE_ENABLE_ALL	(_BITULL(7) - 1)

/*
 * KTRACE_IOC_ENABLE: attaches a probe with its own filters and results.
 * Several files, and several instances in one file, may enable the same
 * probe.  On success id names the instance in this file.
 *   ENOENT      no probe of that name, or the symbol does not exist
 *   EOPNOTSUPP  the probe does not take one of the flags, options or key
 *   EINVAL      name or strings not NUL-terminated, key/unit out of range,
 *               linear bounds empty or over KTRACE_LINEAR_MAX_SLOTS slots,
 *               a filter value (pid, tgid, dev, cgroup_fd, comm, symbol)
 *               set without its flag, or COMM/SYMBOL with an empty string
 * The checks run in that order: EINVAL, ENOENT, EOPNOTSUPP, ENXIO, ENOSPC,
 * EBADF.
 *   EBADF       KTRACE_ENABLE_CGROUP with cgroup_fd not a cgroup v2 fd
 *   ENXIO       a streaming probe without KTRACE_IOC_RING_SETUP first
 *   ENOSPC      the file already has KTRACE_MAX_INSTANCES instances, or
 *               the probe has as many over all files
 *   ENOMEM      not enough memory for the instance's results (a keyed
 *               linear histogram of 1024 slots takes 16 MiB per CPU)
 */
#define KTRACE_MAX_INSTANCES	64

struct ktrace_enable {
	__u32 size;
	__u32 id;			/* out: instance id, never 0 */
	__u64 flags;			/* KTRACE_ENABLE_* */
	__u64 opts;			/* probe-specific option bits */
	char probe[KTRACE_NAME_LEN];	/* probe name */
	char symbol[KTRACE_SYMBOL_LEN];	/* kernel function, with _SYMBOL */
	char comm[KTRACE_COMM_LEN];	/* with _COMM */
	__u32 key;			/* KTRACE_KEY_* breakdown */
	__u32 unit;			/* KTRACE_UNIT_* of histogram values */
	__u32 pid;			/* with _PID */
	__u32 tgid;			/* with _TGID */
	__s32 cgroup_fd;		/* with _CGROUP: open cgroup v2 dir */
	__u32 dev;			/* with _DEV: (major << 20 | minor) */
	__u64 lin_min;			/* with _LINEAR: first slot's floor */
	__u64 lin_max;			/* with _LINEAR: values >= go to last */
	__u64 lin_step;			/* with _LINEAR: slot width */
	__u32 max_entries;		/* out: capacity of the keyed table */
	__u32 entry_size;		/* out: bytes per ktrace_agg_entry */
};

#define KTRACE_ENABLE_SIZE_VER0		256

/*
 * KTRACE_IOC_DISABLE: detaches and frees an instance.  When this returns no
 * handler of the instance runs any more.
 *
 * With KTRACE_DISABLE_SESSION (ABI 1.2) the instance is the one numbered id
 * in the file whose session number (see KTRACE_IOC_STATUS) is session, in
 * whatever process: how "ktracectl disable" ends a probe that another
 * ktracectl, or any consumer, enabled.  That file's next call naming the
 * id gets ENOENT, as after its own DISABLE.  The caller's effective uid
 * must be the one that opened that file, or it needs CAP_SYS_ADMIN.
 *   ENOENT   no instance of that id in this file (or in that session)
 *   EPERM    the session is another user's and the caller lacks
 *            CAP_SYS_ADMIN
 *   EINVAL   an unknown flag, or session set without
 *            KTRACE_DISABLE_SESSION
 */
#define KTRACE_DISABLE_SESSION	_BITUL(0)

struct ktrace_disable {
	__u32 size;
	__u32 id;
	__u32 flags;		/* KTRACE_DISABLE_* (ABI 1.2) */
	__u32 session;		/* with KTRACE_DISABLE_SESSION (ABI 1.2) */
};

#define KTRACE_DISABLE_SIZE_VER0	8
#define KTRACE_DISABLE_SIZE_VER1	16

/*
 * KTRACE_IOC_READ: the instance's results, merged over CPUs, as nr_entries
 * struct ktrace_agg_entry of entry_size bytes each (entry_size is
 * sizeof(struct ktrace_agg_entry) + nr_slots * 8).
 *
 * With KTRACE_READ_CLEAR the results are read and reset in one step: events
 * are counted into one of two per-CPU sets, the module switches the set
 * handlers use, waits until no handler still uses the old one and only then
 * reads and zeroes it.  No event is lost or counted twice between two reads.
 *
 * buf_size must hold max_entries * entry_size bytes (as ENABLE returned),
 * so a read can never fail half-way after clearing.
 *   ENOENT   no instance of that id in this file
 *   ENOSPC   buf_size too small; nothing was read or cleared
 *   ENOMEM   no memory to merge the results in; nothing was read or cleared
 *   EINVAL   the instance is a streaming one (it has no results)
 */
#define KTRACE_READ_CLEAR	_BITUL(0)

/* Histogram kinds returned in ktrace_read.hist. */
#define KTRACE_HIST_NONE	0	/* counters only (KIND_COUNT) */
/* log2: slot i holds [2^i, 2^(i+1)), slot 0 holds 0 and 1. */
#define KTRACE_HIST_LOG2	1
/* linear: slot 0 below lin_min, the last slot lin_max and above. */
#define KTRACE_HIST_LINEAR	2

struct ktrace_read {
	__u32 size;
	__u32 flags;		/* in: KTRACE_READ_CLEAR */
	__u32 id;		/* in */
	__u32 buf_size;		/* in: bytes at buf */
	__u64 buf;		/* in: user pointer */
	__u32 nr_entries;	/* out */
	__u32 entry_size;	/* out */
	__u32 nr_slots;		/* out: slots per entry */
	__u32 hist;		/* out: KTRACE_HIST_* */
	__u32 key;		/* out: KTRACE_KEY_* of the entries */
	__u32 unit;		/* out: KTRACE_UNIT_* of the slots and sums */
	__u64 overflow;		/* out: events lost to a full keyed table */
};

#define KTRACE_READ_SIZE_VER0		56

struct ktrace_agg_entry {
	__u64 key[2];		/* see KTRACE_KEY_* */
	__u64 count;		/* events */
	__u64 sum;		/* sum of values, in unit */
	__u64 slots[];		/* nr_slots histogram slots */
};

/*
 * KTRACE_IOC_STATS: what the instance's handlers did, summed over CPUs.
 * hits = filtered + recorded + the drops.  Handler time is measured on one
 * hit in KTRACE_STATS_TIME_SAMPLE per CPU: time_ns / time_samples is the
 * mean cost of a hit.
 *   ENOENT   no instance of that id in this file
 */
#define KTRACE_STATS_TIME_SAMPLE	64

struct ktrace_stats {
	__u32 size;
	__u32 id;		/* in */
	__u64 hits;		/* handler calls for this instance */
	__u64 filtered;		/* rejected by the filters */
	__u64 recorded;		/* aggregated, or written to the ring */
	__u64 drop_table_full;	/* keyed table full (also in read.overflow) */
	__u64 drop_ring_full;	/* ring full */
	__u64 drop_too_big;	/* record larger than the ring allows */
	__u64 drop_reentrant;	/* ring busy on this CPU (IRQ/NMI nesting) */
	__u64 drop_no_start;	/* end without a start: not a hit */
	__u64 drop_inflight_full; /* start not stored: in-flight table full */
	__u64 time_ns;		/* handler time over the sampled hits */
	__u64 time_samples;	/* sampled hits */
	__u64 missed;		/* kprobe misses reported by the kernel */
};

#define KTRACE_STATS_SIZE_VER0		104

/*
 * Event ring.
 *
 * KTRACE_IOC_RING_SETUP creates one ring per possible CPU for this file
 * (CPU numbers below handshake.nr_cpus; one that is not possible has no
 * ring and its mmap offsets give EINVAL),
 * once, before any streaming probe is enabled.  Each ring is data_size
 * bytes (a power of two pages) and is mapped in two parts, at the offsets
 * the setup returns, for CPU n:
 *
 *   n * mmap_stride                   1 page, read-write: the consumer page,
 *                                     struct ktrace_ring_consumer
 *   n * mmap_stride + page_size       read-only: the control page,
 *                                     struct ktrace_ring_control, then
 *                                     data_size bytes of records
 *
 *   +---------------+ +---------------+-------------------------------+
 *   | consumer_pos  | | producer_pos  | rec | rec | PAD | ...         |
 *   | (reader, RW)  | | counters (RO) |   data (RO), offset data_off  |
 *   +---------------+ +---------------+-------------------------------+
 *
 * Positions are free-running byte counts; the offset of a position in the
 * data area is pos & (data_size - 1).  The kernel publishes producer_pos
 * with a store-release after writing records; the reader loads it with a
 * load-acquire, reads records from consumer_pos up to producer_pos and then
 * publishes consumer_pos with a store-release.  The kernel never trusts
 * consumer_pos: a value that would put more than data_size bytes in flight
 * makes the ring count as full.
 *
 * Records are 8-byte aligned: each begins with struct ktrace_rec and takes
 * (len + 7) & ~7 bytes.  A record never wraps: KTRACE_REC_PAD fills the
 * end of the data area, and the reader skips it.
 *
 * When a record does not fit, the newest is dropped and counted by reason
 * (ring full, too big, re-entrant).  The next record written on that CPU is
 * preceded by a KTRACE_REC_LOST record carrying the counts since the last
 * one, so a reader proves seen = delivered + dropped by adding the LOST
 * records to the lost_* counters of the control page that no LOST record
 * has reported yet (lost_* minus reported_*).
 *
 * poll() reports POLLIN when some ring holds at least watermark bytes
 * (any record when watermark is 0).  Wakeups are deferred to irq_work:
 * handlers never wake the reader themselves.
 *   EBUSY    the rings already exist
 *   EINVAL   data_pages not a power of two in [1, KTRACE_RING_MAX_PAGES],
 *            watermark larger than the data size
 *   ENOMEM   not enough memory for the rings
 * mmap() errors: EINVAL wrong offset or length; EPERM a writable mapping
 * of the control page and data; ENXIO no rings set up.
 */
#define KTRACE_RING_MAX_PAGES	4096

struct ktrace_ring_setup {
	__u32 size;
	__u32 flags;		/* in: 0 */
	__u32 data_pages;	/* in: per-CPU data pages, a power of two */
	__u32 watermark;	/* in: bytes pending before a wakeup */
	__u64 data_size;	/* out: data_pages * page_size */
	__u64 mmap_stride;	/* out: offset between two CPUs' rings */
	__u64 data_offset;	/* out: data area offset in the RO mapping */
};

#define KTRACE_RING_SETUP_SIZE_VER0	40

struct ktrace_ring_consumer {
	__u64 consumer_pos;	/* written by the reader */
};

#define KTRACE_RING_VERSION	1

struct ktrace_ring_control {
	__u32 version;		/* KTRACE_RING_VERSION */
	__u32 cpu;
	__u64 data_offset;	/* from the start of this page */
	__u64 data_size;
	__u64 producer_pos;	/* store-release by the kernel */
	__u64 lost_full;	/* drops since setup, by reason */
	__u64 lost_too_big;
	__u64 lost_reentrant;
	__u64 reported_full;	/* of those, already in LOST records */
	__u64 reported_too_big;
	__u64 reported_reentrant;
	__u64 records;		/* records written, LOST and PAD excluded */
};

/* Record types. */
#define KTRACE_REC_PAD		0	/* fills the end of the data area */
#define KTRACE_REC_LOST		1	/* struct ktrace_rec_lost */
#define KTRACE_REC_SYSCALL	2	/* struct ktrace_rec_syscall */
#define KTRACE_REC_EXEC		3	/* struct ktrace_rec_exec */
#define KTRACE_REC_OPEN		4	/* struct ktrace_rec_open */
#define KTRACE_REC_TCP		5	/* struct ktrace_rec_tcp */
#define KTRACE_REC_TRACE	6	/* struct ktrace_rec_trace */

struct ktrace_rec {
	__u32 len;		/* header and payload, before 8-byte padding */
	__u16 type;		/* KTRACE_REC_* */
	__u16 flags;
	__u32 cpu;
	__u32 id;		/* instance that wrote it (0 for PAD, LOST) */
	__u64 ts_ns;		/* CLOCK_MONOTONIC */
};

struct ktrace_rec_lost {
	struct ktrace_rec hdr;
	__u64 full;		/* dropped since the previous LOST record */
	__u64 too_big;
	__u64 reentrant;
};

/* Streamed by the sys_enter probe. */
struct ktrace_rec_syscall {
	struct ktrace_rec hdr;
	__u32 pid;
	__u32 tgid;
	__s64 nr;
	__u64 args[6];
	char comm[KTRACE_COMM_LEN];
};

/*
 * Streamed by execsnoop, one per exec: filename and arguments as read at
 * entry, the result at return.  data holds the filename, then nr_args
 * arguments, each NUL-terminated; data_len counts them all.
 */
#define KTRACE_EXEC_ARGS_MAX		20
#define KTRACE_EXEC_DATA_MAX		1024
#define KTRACE_EXEC_TRUNCATED		_BITUL(0)	/* args cut short */

struct ktrace_rec_exec {
	struct ktrace_rec hdr;
	__u32 pid;
	__u32 tgid;
	__u32 ppid;
	__u32 uid;
	__s32 retval;		/* 0, or -errno */
	__u16 nr_args;
	__u16 flags;		/* KTRACE_EXEC_* */
	char comm[KTRACE_COMM_LEN];
	__u32 data_len;
	__u32 reserved;
	char data[];
};

/* Streamed by opensnoop, one per open, openat or openat2. */
#define KTRACE_PATH_LEN		256

struct ktrace_rec_open {
	struct ktrace_rec hdr;
	__u32 pid;
	__u32 tgid;
	__u32 uid;
	__s32 ret;		/* the fd, or -errno */
	__s32 dfd;		/* AT_FDCWD for open */
	__u32 flags;		/* O_* */
	__u32 mode;
	__u32 reserved;
	char comm[KTRACE_COMM_LEN];
	char path[KTRACE_PATH_LEN];	/* NUL-terminated, may be cut */
};

/* Streamed by tcplife, one per TCP session when it closes. */
struct ktrace_rec_tcp {
	struct ktrace_rec hdr;
	__u32 pid;		/* the task that opened the session */
	__u32 tgid;
	__u16 family;		/* AF_INET or AF_INET6 */
	__u16 sport;		/* host byte order */
	__u16 dport;
	__u16 reserved;
	__u8 saddr[16];		/* IPv4 in the first 4 bytes */
	__u8 daddr[16];
	__u64 tx_bytes;		/* bytes acked by the peer */
	__u64 rx_bytes;		/* bytes received */
	__u64 duration_ns;	/* first state change to close */
	char comm[KTRACE_COMM_LEN];
};

/*
 * Streamed by trace, one per call of the probed function.  args are the
 * first six arguments, as at entry; ret the return value of a return
 * probe (0 at entry).  str holds argument str_arg (1-based, 0: none) read
 * as a string when KTRACE_TRACE_REC_STR is set: NUL-terminated, cut to
 * KTRACE_TRACE_STR_LEN - 1 bytes with KTRACE_TRACE_REC_STR_CUT (set too
 * for a string of exactly that length).  An unreadable pointer leaves str
 * empty and KTRACE_TRACE_REC_STR clear.
 */
#define KTRACE_TRACE_STR_LEN		128
#define KTRACE_TRACE_REC_RETURN		_BITUL(0)	/* at return */
#define KTRACE_TRACE_REC_STR		_BITUL(1)	/* str was read */
#define KTRACE_TRACE_REC_STR_CUT	_BITUL(2)	/* str was cut */
/*
 * Values that were kernel addresses were written as 0, because the
 * instance was enabled by a caller who may not read kernel addresses from
 * /proc/kallsyms (no CAP_SYSLOG).  Error returns (-4095..-1) are kept.
 */
#define KTRACE_TRACE_REC_KPTR_HIDDEN	_BITUL(3)

struct ktrace_rec_trace {
	struct ktrace_rec hdr;
	__u32 pid;
	__u32 tgid;
	__u64 args[6];
	__s64 ret;
	__u32 flags;		/* KTRACE_TRACE_REC_* */
	__u32 str_arg;
	char comm[KTRACE_COMM_LEN];
	char str[KTRACE_TRACE_STR_LEN];
};

/*
 * KTRACE_IOC_SYMBOLS (ABI 1.1): the kernel functions an instance probes,
 * in the order KTRACE_KEY_FUNC indexes them (funccount with a wildcard).
 * The module fills min(count, nr_symbols) names of KTRACE_SYMBOL_LEN bytes
 * and returns the total in count.  Names only: no addresses.
 *   ENOENT   no instance of that id in this file
 *   EINVAL   the instance probes no function
 */
struct ktrace_symbols {
	__u32 size;
	__u32 id;		/* in */
	__u32 count;		/* in: names room at names; out: total */
	__u32 flags;		/* in: 0 */
	__u64 names;		/* in: user pointer to count names */
};

#define KTRACE_SYMBOLS_SIZE_VER0	24

/*
 * KTRACE_IOC_STACKS (ABI 1.1): the kernel stacks of a stack probe
 * (profile, stackcount, offcputime), whose results are keyed
 * KTRACE_KEY_STACK: key[0] is a stack id, key[1] the tgid of the task.
 * Each stack is stored once per (frames, tgid, comm) in a bounded table of
 * the instance; a stack that finds the table full is dropped and counted
 * in dropped (and in the stats' drop_table_full).
 *
 * The module writes, from the stack id start on (0 and 1 both mean the
 * first), as many struct ktrace_stack records as fit in buf_size bytes,
 * returns their number in count and in start the id to pass to continue,
 * 0 when there is none left.  Frames are symbols as the kernel prints them
 * ("vfs_read+0x1a/0x40", " [module]" after a module's), cut to
 * KTRACE_SYMBOL_LEN - 1 characters, "[unknown]" for an address in no
 * symbol: never an address.  A buffer of KTRACE_STACK_REC_MAX bytes always
 * holds a record.
 *   ENOENT   no instance of that id in this file
 *   EINVAL   the instance keeps no stacks
 *   ENOSPC   buf_size cannot hold the next record; nothing was written
 */
#define KTRACE_STACK_DEPTH	64	/* frames kept per stack, leaf first */

struct ktrace_stack {
	__u32 len;		/* bytes of the record, a multiple of 8 */
	__u32 id;		/* the stack id, key[0] of the results */
	__u32 tgid;		/* key[1] of the results */
	__u32 nr_frames;	/* at most KTRACE_STACK_DEPTH */
	char comm[KTRACE_COMM_LEN];	/* the task's, NUL-terminated */
	char frames[];		/* nr_frames NUL-terminated, leaf first */
};

#define KTRACE_STACK_REC_MAX \
	(32 + KTRACE_STACK_DEPTH * KTRACE_SYMBOL_LEN)

struct ktrace_stacks {
	__u32 size;
	__u32 id;		/* in: instance */
	__u32 flags;		/* in: 0 */
	__u32 start;		/* in: first id; out: next, 0 at the end */
	__u64 buf;		/* in: user pointer */
	__u32 buf_size;		/* in: bytes at buf */
	__u32 count;		/* out: records written */
	__u64 dropped;		/* out: stacks lost to a full stack table */
};

#define KTRACE_STACKS_SIZE_VER0		40

/*
 * KTRACE_IOC_STATUS (ABI 1.2): every instance of every open file of
 * /dev/ktrace, for "ktracectl status" and for tools that watch what is
 * traced on a host.  The caller passes an array of count entries of
 * entry_size bytes each; the module fills min(count, total) entries, each
 * up to min(entry_size, sizeof(struct ktrace_status_entry)) bytes, ordered
 * by session then id, and returns the total in count.  Instances come and
 * go: ask again with a larger array when count came back larger.
 *   EINVAL   flags or reserved set, or entry_size below
 *            KTRACE_STATUS_ENTRY_SIZE_VER0 with count > 0
 */
struct ktrace_status_entry {
	__u32 session;		/* the file, numbered from 1 in open order */
	__u32 id;		/* the instance's id in that file */
	__u32 owner_pid;	/* opener's tgid as the caller sees it, or 0 */
	__u32 owner_uid;	/* its effective uid, in the caller's user ns */
	char owner_comm[KTRACE_COMM_LEN];	/* its name at open */
	__u32 kind;		/* KTRACE_KIND_* of the probe */
	__u32 reserved;
	__u64 age_ns;		/* time since it was enabled */
	/* The ENABLE request as the module took it; cgroup_fd reads -1. */
	struct ktrace_enable enable;
	/* As KTRACE_IOC_STATS returns them. */
	struct ktrace_stats stats;
};

#define KTRACE_STATUS_ENTRY_SIZE_VER0	408

struct ktrace_status {
	__u32 size;
	__u32 flags;		/* in: 0 */
	__u32 count;		/* in: entries in the array; out: instances */
	__u32 entry_size;	/* in: sizeof(struct ktrace_status_entry) */
	__u64 entries;		/* in: user pointer to the array */
	__u32 nr_sessions;	/* out: open files of /dev/ktrace */
	__u32 reserved;
};

#define KTRACE_STATUS_SIZE_VER0		32

#define KTRACE_IOC_HANDSHAKE \
	_IOWR(KTRACE_IOC_MAGIC, 0x00, struct ktrace_handshake)
#define KTRACE_IOC_PROBE_LIST \
	_IOWR(KTRACE_IOC_MAGIC, 0x01, struct ktrace_probe_list)
#define KTRACE_IOC_ENABLE \
	_IOWR(KTRACE_IOC_MAGIC, 0x02, struct ktrace_enable)
#define KTRACE_IOC_DISABLE \
	_IOW(KTRACE_IOC_MAGIC, 0x03, struct ktrace_disable)
#define KTRACE_IOC_READ \
	_IOWR(KTRACE_IOC_MAGIC, 0x04, struct ktrace_read)
#define KTRACE_IOC_STATS \
	_IOWR(KTRACE_IOC_MAGIC, 0x05, struct ktrace_stats)
#define KTRACE_IOC_RING_SETUP \
	_IOWR(KTRACE_IOC_MAGIC, 0x06, struct ktrace_ring_setup)
#define KTRACE_IOC_SYMBOLS \
	_IOWR(KTRACE_IOC_MAGIC, 0x07, struct ktrace_symbols)
#define KTRACE_IOC_STACKS \
	_IOWR(KTRACE_IOC_MAGIC, 0x08, struct ktrace_stacks)
#define KTRACE_IOC_STATUS \
	_IOWR(KTRACE_IOC_MAGIC, 0x09, struct ktrace_status)

#endif /* _UAPI_LINUX_KTRACE_H */
