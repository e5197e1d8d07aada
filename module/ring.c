// SPDX-License-Identifier: GPL-2.0
/*
 * ktrace per-CPU event rings.
 *
 * Each open file that streams gets one ring per possible CPU.  A ring is a
 * single vmalloc_user() area mapped by the reader in two parts:
 *
 *   page 0            struct ktrace_ring_consumer   reader writes (RW map)
 *   page 1            struct ktrace_ring_control    kernel writes (RO map)
 *   pages 2..         data_size bytes of records    kernel writes (RO map)
 *
 * Only the ring's own CPU writes records, with preemption disabled, so the
 * producer needs no lock: ring->busy catches an interrupt or NMI that
 * fires a handler while a record is half written on the same CPU, and
 * that nested record is dropped (KT_DROP_REENTRANT) rather than corrupting
 * the open one.  Positions run free and are masked into the data area;
 * a record never wraps, a PAD record fills the tail instead.
 *
 * Ordering:
 *   producer                            reader
 *   write record bytes                  pos = load_acquire(producer_pos)
 *   store_release(producer_pos)  ---->  read records below pos
 *   cons = load_acquire(consumer_pos) <- store_release(consumer_pos)
 *   overwrite bytes below cons
 * The consumer position comes from userspace and is never trusted: a value
 * claiming more than data_size bytes in flight makes the ring count as full.
 *
 * Dropped records are counted per reason.  The next record written on the
 * CPU is preceded by a LOST record with the counts not reported yet, so the
 * reader can account for every event: seen = delivered + dropped.
 *
 * Wakeups: a handler may hold a run-queue lock, so it never wakes the
 * reader itself; crossing the watermark queues an irq_work that does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/poll.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include "compat/vma.h"
#include "kunit_export.h"
#include "ring.h"

#define KT_RING_META_PAGES	2	/* consumer page, control page */

static void kt_ring_wakeup(struct irq_work *work)
{
	struct kt_ring *ring = container_of(work, struct kt_ring, wakeup);

	wake_up_interruptible_poll(ring->set->wq, EPOLLIN | EPOLLRDNORM);
}

static struct kt_ring *kt_ring_create(struct kt_ring_set *set, u32 cpu)
{
	struct kt_ring *ring;

	ring = kzalloc(sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return NULL;
	ring->area = vmalloc_user(KT_RING_META_PAGES * PAGE_SIZE +
				  set->data_size);
	if (!ring->area) {
		kfree(ring);
		return NULL;
	}
	ring->cons = ring->area;
	ring->ctl = ring->area + PAGE_SIZE;
	ring->data = ring->area + KT_RING_META_PAGES * PAGE_SIZE;
	ring->mask = set->data_size - 1;
	ring->set = set;
	ring->wm = max(set->watermark, 1U);
	ring->cpu = cpu;
	local_set(&ring->busy, 0);
	init_irq_work(&ring->wakeup, kt_ring_wakeup);

	ring->ctl->version = KTRACE_RING_VERSION;
	ring->ctl->cpu = cpu;
	ring->ctl->data_offset = PAGE_SIZE;
	ring->ctl->data_size = set->data_size;
	return ring;
}

static void kt_ring_destroy(struct kt_ring *ring)
{
	irq_work_sync(&ring->wakeup);
	vfree(ring->area);
	kfree(ring);
}

struct kt_ring_set *kt_ring_set_create(u32 data_pages, u32 watermark,
				       wait_queue_head_t *wq)
{
	struct kt_ring_set *set;
	unsigned int cpu;

	set = kzalloc(sizeof(*set), GFP_KERNEL);
	if (!set)
		return NULL;
	set->rings = kcalloc(nr_cpu_ids, sizeof(*set->rings), GFP_KERNEL);
	if (!set->rings)
		goto err_free_set;
	set->data_size = (u64)data_pages * PAGE_SIZE;
	set->stride = KT_RING_META_PAGES * PAGE_SIZE + set->data_size;
	set->watermark = watermark;
	set->wq = wq;

	for_each_possible_cpu(cpu) {
		set->rings[cpu] = kt_ring_create(set, cpu);
		if (!set->rings[cpu])
			goto err_free_rings;
	}
	return set;

err_free_rings:
	kt_ring_set_destroy(set);
	return NULL;
err_free_set:
	kfree(set);
	return NULL;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_ring_set_create);

void kt_ring_set_destroy(struct kt_ring_set *set)
{
	unsigned int cpu;

	if (!set)
		return;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (set->rings[cpu])
			kt_ring_destroy(set->rings[cpu]);
	kfree(set->rings);
	kfree(set);
}
EXPORT_SYMBOL_FOR_KUNIT(kt_ring_set_destroy);

/* Publishes a drop counter, tolerating a nested drop racing with us. */
static void kt_ring_publish_lost(struct kt_ring *ring, enum kt_drop why,
				 u64 *field)
{
	long v;

	do {
		v = local_read(&ring->lost[why]);
		WRITE_ONCE(*field, v);
	} while (v != local_read(&ring->lost[why]));
}

static u64 *kt_ring_ctl_lost(struct kt_ring *ring, enum kt_drop why)
{
	switch (why) {
	case KT_DROP_FULL:
		return &ring->ctl->lost_full;
	case KT_DROP_TOO_BIG:
		return &ring->ctl->lost_too_big;
	default:
		return &ring->ctl->lost_reentrant;
	}
}

static void kt_ring_drop(struct kt_ring *ring, enum kt_drop why)
{
	/* A nested drop between the two is reported with this one's. */
	local_inc(&ring->lost_sum);
	local_inc(&ring->lost[why]);
	kt_ring_publish_lost(ring, why, kt_ring_ctl_lost(ring, why));
}

static void kt_rec_init(struct ktrace_rec *rec, u32 len, u16 type, u32 cpu,
			u32 id, u64 ts)
{
	rec->len = len;
	rec->type = type;
	rec->flags = 0;
	rec->cpu = cpu;
	rec->id = id;
	rec->ts_ns = ts;
}

/* Writes the LOST record for drops not reported yet at @rec. */
static void kt_ring_write_lost(struct kt_ring *ring, struct ktrace_rec *rec,
			       u64 ts)
{
	struct ktrace_rec_lost *lost = (struct ktrace_rec_lost *)rec;
	u64 n[4];
	int why;

	for (why = KT_DROP_FULL; why <= KT_DROP_REENTRANT; why++) {
		n[why] = local_read(&ring->lost[why]) - ring->reported[why];
		ring->reported[why] += n[why];
		ring->reported_sum += n[why];
	}
	kt_rec_init(rec, sizeof(*lost), KTRACE_REC_LOST, ring->cpu, 0, ts);
	lost->full = n[KT_DROP_FULL];
	lost->too_big = n[KT_DROP_TOO_BIG];
	lost->reentrant = n[KT_DROP_REENTRANT];
}

static bool kt_ring_lost_pending(struct kt_ring *ring)
{
	int why;

	for (why = KT_DROP_FULL; why <= KT_DROP_REENTRANT; why++)
		if (local_read(&ring->lost[why]) != ring->reported[why])
			return true;
	return false;
}

struct ktrace_rec *kt_ring_reserve_slow(struct kt_ring *ring, u32 len,
					u16 type, u32 id, enum kt_drop *drop)
{
	u64 size = ring->set->data_size;
	u64 need, used, off, pad = 0, pos;
	struct ktrace_rec *rec;
	bool lost;
	u64 ts;

	if (local_inc_return(&ring->busy) != 1) {
		local_dec(&ring->busy);
		*drop = KT_DROP_REENTRANT;
		kt_ring_drop(ring, KT_DROP_REENTRANT);
		return NULL;
	}

	need = round_up((u64)len, KT_REC_ALIGN);	/* no u32 wrap */
	if (len < sizeof(*rec) || need > size) {
		*drop = KT_DROP_TOO_BIG;
		goto err_drop;
	}
	lost = kt_ring_lost_pending(ring);
	if (lost)
		need += sizeof(struct ktrace_rec_lost);

	used = kt_ring_used(ring);
	off = ring->prod & ring->mask;
	if (off + need > size)
		pad = size - off;
	if (used > size || used + pad + need > size) {
		*drop = KT_DROP_FULL;
		goto err_drop;
	}

	pos = ring->prod;
	if (pad) {
		/* Only len and type of a PAD are valid: it may be 8 bytes. */
		rec = (struct ktrace_rec *)(ring->data + off);
		rec->len = pad;
		rec->type = KTRACE_REC_PAD;
		pos += pad;
	}
	ts = kt_stamp();
	rec = (struct ktrace_rec *)(ring->data + (pos & ring->mask));
	ring->lost_written = lost;
	if (lost) {
		kt_ring_write_lost(ring, rec, ts);
		pos += sizeof(struct ktrace_rec_lost);
		rec = (struct ktrace_rec *)(ring->data + (pos & ring->mask));
	}
	kt_rec_init(rec, len, type, ring->cpu, id, ts);
	ring->reserved_end = pos + round_up((u64)len, KT_REC_ALIGN);
	*drop = KT_DROP_NONE;
	return rec;

err_drop:
	kt_ring_drop(ring, *drop);
	local_dec(&ring->busy);
	return NULL;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_ring_reserve_slow);

void kt_ring_commit_lost(struct kt_ring *ring)
{
	struct ktrace_ring_control *ctl = ring->ctl;

	/* The reported counts change only with a LOST record. */
	WRITE_ONCE(ctl->reported_full, ring->reported[KT_DROP_FULL]);
	WRITE_ONCE(ctl->reported_too_big, ring->reported[KT_DROP_TOO_BIG]);
	WRITE_ONCE(ctl->reported_reentrant,
		   ring->reported[KT_DROP_REENTRANT]);
}
EXPORT_SYMBOL_FOR_KUNIT(kt_ring_commit_lost);

bool kt_ring_set_readable(struct kt_ring_set *set)
{
	u64 wm = max(set->watermark, 1U);
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct kt_ring *ring = set->rings[cpu];
		/* Orders the producer_pos read; the reader's store below. */
		u64 prod = smp_load_acquire(&ring->ctl->producer_pos);
		u64 used = prod - READ_ONCE(ring->cons->consumer_pos);

		if (used <= set->data_size && used >= wm)
			return true;
	}
	return false;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_ring_set_readable);

int kt_ring_set_mmap(struct kt_ring_set *set, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 cpu = div64_u64(off, set->stride);
	u64 part = off - cpu * set->stride;
	struct kt_ring *ring;

	if (cpu >= nr_cpu_ids || !set->rings[cpu])
		return -EINVAL;
	ring = set->rings[cpu];

	if (part == 0) {
		/* The consumer page: shared, or the kernel never sees it. */
		if (len != PAGE_SIZE || !(vma->vm_flags & VM_SHARED))
			return -EINVAL;
		kt_vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, 0);
		return remap_vmalloc_range(vma, ring->area, 0);
	}
	if (part != PAGE_SIZE || len != PAGE_SIZE + set->data_size)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	kt_vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYWRITE);
	return remap_vmalloc_range(vma, ring->area, 1);
}
