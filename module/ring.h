/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktrace per-CPU event rings: one single-producer ring per possible CPU,
 * mmap'd by the reader.  The layout and the reader protocol are in
 * uapi/ktrace.h; the design is at the top of ring.c.
 */
#ifndef _KTRACE_RING_H
#define _KTRACE_RING_H

#include <linux/irq_work.h>
#include <linux/math.h>
#include <linux/smp.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <asm/local.h>
#include "../uapi/ktrace.h"
#include "clock.h"

#define KT_REC_ALIGN		8

enum kt_drop {
	KT_DROP_NONE,
	KT_DROP_FULL,
	KT_DROP_TOO_BIG,
	KT_DROP_REENTRANT,
};

/* One CPU's ring.  Written only by its CPU, with preemption disabled. */
struct kt_ring {
	struct ktrace_ring_consumer *cons;	/* reader-writable page */
	struct ktrace_ring_control *ctl;	/* reader-readable page */
	u8 *data;				/* data_size bytes after ctl */
	u64 mask;				/* data_size - 1 */
	u64 prod;		/* producer position, private copy */
	u64 reserved_end;	/* producer position after the reservation */
	local_t busy;		/* a reservation is open on this CPU */
	local_t lost[4];	/* by enum kt_drop, since setup */
	u64 reported[4];	/* of lost[], already in LOST records */
	local_t lost_sum;	/* lost[] summed: one compare per record */
	u64 reported_sum;	/* reported[] summed */
	u64 records;
	u64 wm;			/* the set's watermark, at least 1 byte */
	bool lost_written;	/* the open reservation holds a LOST record */
	struct irq_work wakeup;	/* wakes the reader outside the handler */
	struct kt_ring_set *set;
	void *area;		/* vmalloc_user(): cons page, ctl page, data */
	u32 cpu;
};

/* The rings of one open file. */
struct kt_ring_set {
	struct kt_ring **rings;		/* indexed by CPU, NULL if impossible */
	u64 data_size;
	u64 stride;			/* mmap offset between two CPUs */
	u32 watermark;
	wait_queue_head_t *wq;		/* the file's, woken by irq_work */
};

struct kt_ring_set *kt_ring_set_create(u32 data_pages, u32 watermark,
				       wait_queue_head_t *wq);
void kt_ring_set_destroy(struct kt_ring_set *set);

/*
 * The out-of-line half of kt_ring_reserve() and kt_ring_commit(): a
 * nested or oversized record, a full ring, a PAD at the end of the data
 * area, a LOST record to write first.
 */
struct ktrace_rec *kt_ring_reserve_slow(struct kt_ring *ring, u32 len,
					u16 type, u32 id, enum kt_drop *drop);
void kt_ring_commit_lost(struct kt_ring *ring);

/* Bytes in flight as the reader claims; above data_size when it lies. */
static inline u64 kt_ring_used(struct kt_ring *ring)
{
	/* Pairs with the reader's store-release of consumer_pos. */
	return ring->prod - smp_load_acquire(&ring->cons->consumer_pos);
}

/* Bytes written and not yet consumed, with a sanitized consumer position. */
static inline u64 kt_ring_pending(struct kt_ring *ring)
{
	u64 used = kt_ring_used(ring);

	return used > ring->mask + 1 ? 0 : used;
}

/*
 * The common case of kt_ring_reserve(), inline, because every streamed
 * event takes it: a record that fits before the end of the data area
 * with no drop to report.  Returns NULL, having changed nothing, for
 * anything else (and for a stamp that needs a renewal, once a
 * millisecond): the caller then takes kt_ring_reserve_slow().  No
 * out-parameter, so that a handler inlining it keeps no stack slot (nor
 * the stack protector's canary that one brings).
 */
static __always_inline struct ktrace_rec *
kt_ring_reserve_fast(struct kt_ring *ring, u32 len, u16 type, u32 id)
{
	u64 size = ring->mask + 1, need = round_up((u64)len, KT_REC_ALIGN);
	u64 off = ring->prod & ring->mask, used, stamp;
	struct ktrace_rec *rec;
	bool slow;

	/* Taken first: a nested handler then sees it and drops. */
	if (unlikely(local_inc_return(&ring->busy) != 1))
		goto slow;
	used = kt_ring_used(ring);
	slow = (len < sizeof(*rec)) | (need > size) | (off + need > size) |
	       (used > size - need) |
	       (local_read(&ring->lost_sum) != ring->reported_sum);
	/* A stamp that needs a call (once a millisecond) is slow too. */
	if (unlikely(slow || !kt_stamp_fast(&stamp)))
		goto slow;
	rec = (struct ktrace_rec *)(ring->data + off);
	rec->len = len;
	rec->type = type;
	rec->flags = 0;
	rec->cpu = ring->cpu;
	rec->id = id;
	rec->ts_ns = stamp;
	ring->lost_written = false;
	ring->reserved_end = ring->prod + need;
	return rec;
slow:
	local_dec(&ring->busy);
	return NULL;
}

/*
 * Reserves a record of len bytes (header included) on @ring and fills its
 * header.  Returns NULL and sets *drop when the record cannot be written;
 * the drop is then counted and reported by the next LOST record.  Every
 * non-NULL reservation must be committed before the handler returns.
 */
static __always_inline struct ktrace_rec *
kt_ring_reserve(struct kt_ring *ring, u32 len, u16 type, u32 id,
		enum kt_drop *drop)
{
	struct ktrace_rec *rec = kt_ring_reserve_fast(ring, len, type, id);

	if (likely(rec)) {
		*drop = KT_DROP_NONE;
		return rec;
	}
	return kt_ring_reserve_slow(ring, len, type, id, drop);
}

/*
 * Publishes a record from kt_ring_reserve_fast(), which never writes a
 * LOST record, without a call: returns true when the record took the
 * ring to its watermark, and the caller must then kt_ring_wake() it.
 * One read drains it all, so a reader is woken once per crossing.
 */
static __always_inline bool kt_ring_commit_fast(struct kt_ring *ring)
{
	u64 end = ring->reserved_end, before, after;

	before = kt_ring_pending(ring);
	/* Pairs with the reader's load-acquire of producer_pos. */
	smp_store_release(&ring->ctl->producer_pos, end);
	after = before + (end - ring->prod);
	ring->prod = end;
	ring->records++;
	WRITE_ONCE(ring->ctl->records, ring->records);
	local_dec(&ring->busy);
	return unlikely(before < ring->wm && after >= ring->wm);
}

static inline void kt_ring_wake(struct kt_ring *ring)
{
	irq_work_queue(&ring->wakeup);
}

/* Publishes the record kt_ring_reserve() returned; wakes at watermark. */
static __always_inline void kt_ring_commit(struct kt_ring *ring,
					   struct ktrace_rec *rec)
{
	if (unlikely(ring->lost_written))
		kt_ring_commit_lost(ring);
	if (kt_ring_commit_fast(ring))
		kt_ring_wake(ring);
}

/* This CPU's ring; preemption disabled, as in every handler. */
static inline struct kt_ring *kt_ring_this_cpu(struct kt_ring_set *set)
{
	return set->rings[smp_processor_id()];
}

bool kt_ring_set_readable(struct kt_ring_set *set);
int kt_ring_set_mmap(struct kt_ring_set *set, struct vm_area_struct *vma);

#endif /* _KTRACE_RING_H */
