// SPDX-License-Identifier: GPL-2.0
/*
 * block_latency, eBPF: block I/O latency from block_rq_issue (or, with
 * KTRACE_BLOCK_LATENCY_QUEUED, block_rq_insert) to block_rq_complete, as
 * a log2 histogram, whole or per disk, I/O flags or process.  The twin of
 * module/probes/block_latency.c, counting the same events the same way:
 * ktracectl prints the same histograms from either.
 *
 * Requests in flight are kept in a hash keyed by the request pointer.  A
 * request is attributed to a task where it is inserted or issued, the
 * submitter's context, never in the completion interrupt: the filters are
 * evaluated there, and a request that fails them gets no entry.
 *
 * Each hook has a tp_btf program and a raw_tp one; ktracectl loads the
 * tp_btf ones where the kernel's BTF types the tracepoint, else the
 * raw_tp ones.  Both read the request with CO-RE.
 */
#define KT_BPF_HIST
#include "ktrace.bpf.h"

#define KT_BLK_INFLIGHT		4096	/* requests tracked at once */

/* REQ_OP_MASK: the low REQ_OP_BITS (8) of cmd_flags are the op. */
#define KT_REQ_OP_MASK		0xff

char LICENSE[] SEC("license") = "GPL";

struct kt_blk_req {
	__u64 insert_ns;	/* 0 when not seen at insert */
	__u64 issue_ns;		/* 0 until issued */
	__u32 pid;
	__u32 tgid;
	__u32 dev;
	__u32 io_flags;		/* KTRACE_IO_* */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KT_BLK_INFLIGHT);
	__type(key, __u64);
	__type(value, struct kt_blk_req);
} kt_blk_reqs SEC(".maps");

/* Kernels before 5.16 name the disk in the request, not in its queue. */
struct request___rq_disk {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

static __always_inline __u32 kt_blk_dev(struct request *rq)
{
	struct gendisk *disk;

	if (bpf_core_field_exists(rq->q->disk))
		disk = BPF_CORE_READ(rq, q, disk);
	else
		disk = BPF_CORE_READ((struct request___rq_disk *)rq, rq_disk);
	if (!disk)
		return 0;
	/* disk_devt(): MKDEV(major, first_minor), major << 20 | minor. */
	return BPF_CORE_READ(disk, major) << 20 |
	       BPF_CORE_READ(disk, first_minor);
}

/* The stable KTRACE_IO_* encoding of a request's op and flags. */
static __always_inline __u32 kt_blk_io_flags(struct request *rq)
{
	__u32 opf = BPF_CORE_READ(rq, cmd_flags);
	/* The REQ_* flag bits as 6.1 numbers them, or as this kernel does. */
	__u32 sync = 11, meta = 12, fua = 17, preflush = 18;
	__u32 flags;

	if (bpf_core_type_exists(enum req_flag_bits)) {
		sync = bpf_core_enum_value(enum req_flag_bits, __REQ_SYNC);
		meta = bpf_core_enum_value(enum req_flag_bits, __REQ_META);
		fua = bpf_core_enum_value(enum req_flag_bits, __REQ_FUA);
		preflush = bpf_core_enum_value(enum req_flag_bits,
					       __REQ_PREFLUSH);
	}

	/* REQ_OP_READ... have kept their numbers since they exist. */
	switch (opf & KT_REQ_OP_MASK) {
	case 0:
		flags = KTRACE_IO_OP_READ;
		break;
	case 1:
		flags = KTRACE_IO_OP_WRITE;
		break;
	case 2:
		flags = KTRACE_IO_OP_FLUSH;
		break;
	case 3:
		flags = KTRACE_IO_OP_DISCARD;
		break;
	default:
		flags = KTRACE_IO_OP_OTHER;
	}
	if (opf & (1U << sync))
		flags |= KTRACE_IO_SYNC;
	if (opf & (1U << meta))
		flags |= KTRACE_IO_META;
	if (opf & (1U << fua))
		flags |= KTRACE_IO_FUA;
	if (opf & (1U << preflush))
		flags |= KTRACE_IO_PREFLUSH;
	return flags;
}

/* Starts tracking @rq at insert (queued time) or issue. */
static __always_inline int kt_blk_start(struct request *rq, bool insert)
{
	__u64 key = (__u64)rq, now = bpf_ktime_get_ns(), id, t0;
	struct kt_blk_req *req, new = {};
	__u32 dev;

	/*
	 * Without -Q nothing runs at insert: an entry found at issue could
	 * only be one left by a request whose completion was missed, so it
	 * is replaced rather than taken over.
	 */
	if (!insert && (kt_cfg.opts & KTRACE_BLOCK_LATENCY_QUEUED)) {
		req = bpf_map_lookup_elem(&kt_blk_reqs, &key);
		if (req) {
			/* Inserted earlier: its submitter attributed then. */
			req->issue_ns = now;
			return 0;
		}
	}
	t0 = kt_hit_begin();
	dev = kt_blk_dev(rq);
	if (!kt_filter_dev(dev) || !kt_filter_task()) {
		kt_count(KT_STAT_FILTERED);
		goto out;
	}
	id = bpf_get_current_pid_tgid();
	new.insert_ns = insert ? now : 0;
	new.issue_ns = insert ? 0 : now;
	new.pid = (__u32)id;
	new.tgid = id >> 32;
	new.dev = dev;
	new.io_flags = kt_blk_io_flags(rq);
	/* Replaces an entry left by a request merged away after insert. */
	if (bpf_map_update_elem(&kt_blk_reqs, &key, &new, BPF_ANY))
		kt_count(KT_STAT_INFLIGHT_FULL);
out:
	kt_hit_end(t0);
	return 0;
}

static __always_inline int kt_blk_complete(struct request *rq)
{
	__u64 key = (__u64)rq, start, k0, k1 = 0;
	struct kt_blk_req *req;

	req = bpf_map_lookup_elem(&kt_blk_reqs, &key);
	if (!req) {
		/* Issued before enabling, or filtered out. */
		kt_count(KT_STAT_NO_START);
		return 0;
	}
	start = req->issue_ns;
	if ((kt_cfg.opts & KTRACE_BLOCK_LATENCY_QUEUED) && req->insert_ns)
		start = req->insert_ns;
	if (!start) {
		/* Completed without an issue: nothing to measure. */
		kt_count(KT_STAT_NO_START);
		goto out;
	}
	switch (kt_cfg.key) {
	case KTRACE_KEY_DEV:
		k0 = req->dev;
		break;
	case KTRACE_KEY_FLAGS:
		k0 = req->io_flags;
		break;
	case KTRACE_KEY_PID:
		k0 = req->pid;
		k1 = req->tgid;
		break;
	case KTRACE_KEY_TGID:
		k0 = req->tgid;
		break;
	default:
		k0 = 0;
	}
	kt_hist_add(k0, k1, bpf_ktime_get_ns() - start);
out:
	bpf_map_delete_elem(&kt_blk_reqs, &key);
	return 0;
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(kt_blk_insert_btf, struct request *rq)
{
	return kt_blk_start(rq, true);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(kt_blk_issue_btf, struct request *rq)
{
	return kt_blk_start(rq, false);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(kt_blk_complete_btf, struct request *rq)
{
	return kt_blk_complete(rq);
}

SEC("raw_tp/block_rq_insert")
int BPF_PROG(kt_blk_insert_raw, struct request *rq)
{
	return kt_blk_start(rq, true);
}

SEC("raw_tp/block_rq_issue")
int BPF_PROG(kt_blk_issue_raw, struct request *rq)
{
	return kt_blk_start(rq, false);
}

SEC("raw_tp/block_rq_complete")
int BPF_PROG(kt_blk_complete_raw, struct request *rq)
{
	return kt_blk_complete(rq);
}
