/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktrace per-CPU event rings: one single-producer ring per possible CPU,
 * mmap'd by the reader.  The layout and the reader protocol are in
 * uapi/ktrace.h; the design is at the top of ring.c.
 */
#ifndef _KTRACE_RING_H
#define _KTRACE_RING_H

#include <linux/irq_work.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <asm/local.h>
#include "../uapi/ktrace.h"

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
	u64 records;
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
 * Reserves a record of len bytes (header included) on @ring and fills its
 * header.  Returns NULL and sets *drop when the record cannot be written;
 * the drop is then counted and reported by the next LOST record.  Every
 * non-NULL reservation must be committed before the handler returns.
 */
struct ktrace_rec *kt_ring_reserve(struct kt_ring *ring, u32 len, u16 type,
				   u32 id, enum kt_drop *drop);
void kt_ring_commit(struct kt_ring *ring, struct ktrace_rec *rec);

/* The calling CPU's ring; preemption must be disabled. */
/* This CPU's ring; preemption disabled, as in every handler. */
static inline struct kt_ring *kt_ring_this_cpu(struct kt_ring_set *set)
{
	return set->rings[smp_processor_id()];
}

/* Bytes written and not yet consumed, with a sanitized consumer position. */
u64 kt_ring_pending(struct kt_ring *ring);
bool kt_ring_set_readable(struct kt_ring_set *set);
int kt_ring_set_mmap(struct kt_ring_set *set, struct vm_area_struct *vma);

#endif /* _KTRACE_RING_H */
