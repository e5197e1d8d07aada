// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the per-CPU event ring (module/ring.c), driven directly
 * and read back through the consumer view (control page and data area):
 * record layout, exact fill, wrap-around with PAD, too-big records, drop
 * counters and LOST records, a lying consumer position, re-entrancy and
 * two CPUs producing at once.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>
#include "../../module/ring.h"

#define RING_TEST_TYPE	KTRACE_REC_SYSCALL
#define RING_TEST_FILL	0xa5

struct ring_test_ctx {
	wait_queue_head_t wq;
	struct kt_ring_set *set;
	struct kt_ring *ring;		/* the ring of the test's CPU */
	unsigned int cpu;
};

static u64 ring_data_size(struct kt_ring *ring)
{
	return READ_ONCE(ring->ctl->data_size);
}

/*
 * Reserves and commits one record with a filled payload; returns the
 * reason of a drop, or -1 when the result and the reason disagree.
 */
static int ring_write(struct kt_ring *ring, u32 len, u32 id)
{
	struct ktrace_rec *rec;
	enum kt_drop drop = KT_DROP_NONE;

	preempt_disable();
	rec = kt_ring_reserve(ring, len, RING_TEST_TYPE, id, &drop);
	if (rec) {
		/* Never write past the data area, even if reserve is wrong. */
		if (len <= ring_data_size(ring))
			memset(rec + 1, RING_TEST_FILL, len - sizeof(*rec));
		kt_ring_commit(ring, rec);
	}
	preempt_enable();
	if (rec)
		return drop == KT_DROP_NONE ? KT_DROP_NONE : -1;
	return drop == KT_DROP_NONE ? -1 : drop;
}

/* The reader's side of the protocol in uapi/ktrace.h. */
static u64 ring_producer(struct kt_ring *ring)
{
	/* Pairs with the producer's store-release in kt_ring_commit(). */
	return smp_load_acquire(&ring->ctl->producer_pos);
}

static void ring_consume_to(struct kt_ring *ring, u64 pos)
{
	/* Pairs with the producer's load-acquire of consumer_pos. */
	smp_store_release(&ring->cons->consumer_pos, pos);
}

static struct ktrace_rec *ring_rec_at(struct kt_ring *ring, u64 pos)
{
	return (struct ktrace_rec *)(ring->data +
				     (pos & (ring_data_size(ring) - 1)));
}

static void ring_expect_rec(struct kunit *test, struct kt_ring *ring,
			    u64 pos, u32 len, u16 type, u32 id)
{
	struct ktrace_rec *rec = ring_rec_at(ring, pos);

	KUNIT_EXPECT_EQ_MSG(test, rec->len, len, "at %llu", pos);
	KUNIT_EXPECT_EQ_MSG(test, rec->type, type, "at %llu", pos);
	KUNIT_EXPECT_EQ_MSG(test, rec->id, id, "at %llu", pos);
	KUNIT_EXPECT_EQ_MSG(test, rec->cpu, ring->ctl->cpu, "at %llu", pos);
}

static void ring_reserve_fills_header(struct kunit *test)
{
	struct ring_test_ctx *ctx = test->priv;
	struct kt_ring *ring = ctx->ring;
	struct ktrace_rec *rec;
	u64 before, after;

	KUNIT_EXPECT_EQ(test, ring->ctl->version, KTRACE_RING_VERSION);
	KUNIT_EXPECT_EQ(test, ring->ctl->cpu, ctx->cpu);
	KUNIT_EXPECT_EQ(test, ring_data_size(ring), (u64)PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, (void *)ring->data,
			    (void *)ring->ctl + ring->ctl->data_offset);

	preempt_disable();
	KUNIT_EXPECT_PTR_EQ(test, kt_ring_this_cpu(ctx->set), ring);
	preempt_enable();

	before = ktime_get_ns();
	KUNIT_ASSERT_EQ(test, ring_write(ring, 60, 7), KT_DROP_NONE);
	after = ktime_get_ns();

	/* 60 bytes take 64: records are 8-byte aligned. */
	KUNIT_EXPECT_EQ(test, ring_producer(ring), 64ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->records, 1ULL);
	KUNIT_EXPECT_EQ(test, kt_ring_pending(ring), 64ULL);
	ring_expect_rec(test, ring, 0, 60, RING_TEST_TYPE, 7);
	rec = ring_rec_at(ring, 0);
	KUNIT_EXPECT_EQ(test, rec->flags, 0);
	KUNIT_EXPECT_GE(test, rec->ts_ns, before);
	KUNIT_EXPECT_LE(test, rec->ts_ns, after);

	KUNIT_ASSERT_EQ(test, ring_write(ring, 24, 8), KT_DROP_NONE);
	KUNIT_EXPECT_EQ(test, ring_producer(ring), 88ULL);
	ring_expect_rec(test, ring, 64, 24, RING_TEST_TYPE, 8);
}

static void ring_reserve_when_exactly_full(struct kunit *test)
{
	struct kt_ring *ring = ((struct ring_test_ctx *)test->priv)->ring;
	u64 size = ring_data_size(ring);

	/* 1000 + round_up(size - 1003, 8) is size to the byte. */
	KUNIT_ASSERT_EQ(test, ring_write(ring, 1000, 1), KT_DROP_NONE);
	KUNIT_EXPECT_EQ(test, ring_write(ring, size - 1003, 2), KT_DROP_NONE);
	KUNIT_EXPECT_EQ(test, ring_producer(ring), size);
	KUNIT_EXPECT_EQ(test, kt_ring_pending(ring), size);
	KUNIT_EXPECT_EQ(test, ring->ctl->records, 2ULL);
	ring_expect_rec(test, ring, 1000, size - 1003, RING_TEST_TYPE, 2);

	/* Not even the smallest record fits any more. */
	KUNIT_EXPECT_EQ(test, ring_write(ring, sizeof(struct ktrace_rec), 3),
			KT_DROP_FULL);
	KUNIT_EXPECT_EQ(test, ring_producer(ring), size);
	KUNIT_EXPECT_EQ(test, ring->ctl->records, 2ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_full, 1ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_too_big, 0ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->reported_full, 0ULL);
}

static void ring_reserve_when_too_big(struct kunit *test)
{
	struct kt_ring *ring = ((struct ring_test_ctx *)test->priv)->ring;
	static const u32 extra[] = { 1, 8, 4096 };
	u64 size = ring_data_size(ring);
	struct ktrace_rec *rec;
	enum kt_drop drop;
	unsigned int i;

	/* A record of the whole data size fits an empty ring. */
	KUNIT_ASSERT_EQ(test, ring_write(ring, size, 1), KT_DROP_NONE);
	KUNIT_EXPECT_EQ(test, ring_producer(ring), size);
	ring_consume_to(ring, size);

	for (i = 0; i < ARRAY_SIZE(extra); i++)
		KUNIT_EXPECT_EQ_MSG(test, ring_write(ring, size + extra[i], 2),
				    KT_DROP_TOO_BIG, "len %llu",
				    size + extra[i]);

	/* Lengths whose 8-byte round-up overflows 32 bits. */
	for (i = 0; i < 7; i++) {
		drop = KT_DROP_NONE;
		preempt_disable();
		rec = kt_ring_reserve(ring, U32_MAX - i, RING_TEST_TYPE, 2,
				      &drop);
		/* Do not write U32_MAX bytes: commit it empty, fail below. */
		if (rec)
			kt_ring_commit(ring, rec);
		preempt_enable();
		KUNIT_EXPECT_NULL_MSG(test, rec, "len %u", U32_MAX - i);
		KUNIT_EXPECT_EQ_MSG(test, drop, KT_DROP_TOO_BIG, "len %u",
				    U32_MAX - i);
	}

	KUNIT_EXPECT_EQ(test, ring_producer(ring), size);
	KUNIT_EXPECT_EQ(test, ring->ctl->records, 1ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_too_big,
			(u64)ARRAY_SIZE(extra) + 7);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_full, 0ULL);
}

static void ring_reserve_wraps_with_pad(struct kunit *test)
{
	struct kt_ring *ring = ((struct ring_test_ctx *)test->priv)->ring;
	u64 size = ring_data_size(ring);
	u64 tail = 184;
	int i;

	/* Three records leave @tail bytes at the end of the data area. */
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, ring_write(ring, (size - tail) / 3, i),
				KT_DROP_NONE);
	KUNIT_ASSERT_EQ(test, ring_producer(ring), size - tail);
	ring_consume_to(ring, size - tail);

	/* A record larger than the tail goes to the start after a PAD. */
	KUNIT_ASSERT_EQ(test, ring_write(ring, tail + 72, 3), KT_DROP_NONE);
	KUNIT_EXPECT_EQ(test, ring_producer(ring), size + tail + 72);
	KUNIT_EXPECT_EQ(test, ring_rec_at(ring, size - tail)->type,
			KTRACE_REC_PAD);
	KUNIT_EXPECT_EQ(test, ring_rec_at(ring, size - tail)->len, tail);
	ring_expect_rec(test, ring, size, tail + 72, RING_TEST_TYPE, 3);
	KUNIT_EXPECT_EQ(test, kt_ring_pending(ring), 2 * tail + 72);
	/* PAD is not a record. */
	KUNIT_EXPECT_EQ(test, ring->ctl->records, 4ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_full, 0ULL);
}

static void ring_reserve_wraps_with_short_pad(struct kunit *test)
{
	struct kt_ring *ring = ((struct ring_test_ctx *)test->priv)->ring;
	u64 size = ring_data_size(ring);

	/* 8 bytes left: less than a header, the PAD holds len and type. */
	KUNIT_ASSERT_EQ(test, ring_write(ring, size / 2, 1), KT_DROP_NONE);
	KUNIT_ASSERT_EQ(test, ring_write(ring, size / 2 - 8, 2), KT_DROP_NONE);
	KUNIT_ASSERT_EQ(test, ring_producer(ring), size - 8);
	ring_consume_to(ring, size - 8);

	KUNIT_ASSERT_EQ(test, ring_write(ring, 64, 3), KT_DROP_NONE);
	KUNIT_EXPECT_EQ(test, ring_producer(ring), size + 64);
	KUNIT_EXPECT_EQ(test, ring_rec_at(ring, size - 8)->type,
			KTRACE_REC_PAD);
	KUNIT_EXPECT_EQ(test, ring_rec_at(ring, size - 8)->len, 8);
	ring_expect_rec(test, ring, size, 64, RING_TEST_TYPE, 3);
}

/* Many laps: positions run free and match a model of the layout. */
static void ring_reserve_positions_run_free(struct kunit *test)
{
	struct kt_ring *ring = ((struct ring_test_ctx *)test->priv)->ring;
	u64 size = ring_data_size(ring), pos = 0, off;
	u32 len, need;
	int i;

	for (i = 0; i < 500; i++) {
		len = sizeof(struct ktrace_rec) + (i * 37) % 700;
		need = round_up(len, 8);
		off = pos & (size - 1);
		if (off + need > size)
			pos += size - off;
		KUNIT_ASSERT_EQ_MSG(test, ring_write(ring, len, i),
				    KT_DROP_NONE, "record %d", i);
		ring_expect_rec(test, ring, pos, len, RING_TEST_TYPE, i);
		pos += need;
		KUNIT_ASSERT_EQ_MSG(test, ring_producer(ring), pos,
				    "record %d", i);
		ring_consume_to(ring, pos);
	}
	KUNIT_EXPECT_GT(test, pos, 20 * size);
	KUNIT_EXPECT_EQ(test, ring->ctl->records, 500ULL);
	KUNIT_EXPECT_EQ(test, kt_ring_pending(ring), 0ULL);
}

static void ring_reserve_writes_lost_after_drops(struct kunit *test)
{
	struct kt_ring *ring = ((struct ring_test_ctx *)test->priv)->ring;
	u64 size = ring_data_size(ring), pos;
	struct ktrace_rec_lost *lost;
	u64 i;

	for (i = 0; i < size / 64; i++)
		KUNIT_ASSERT_EQ(test, ring_write(ring, 64, 1), KT_DROP_NONE);
	KUNIT_ASSERT_EQ(test, ring_producer(ring), size);

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, ring_write(ring, 64, 2), KT_DROP_FULL);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, ring_write(ring, size + 8, 2),
				KT_DROP_TOO_BIG);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_full, 3ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_too_big, 2ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_reentrant, 0ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->reported_full, 0ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->reported_too_big, 0ULL);

	/* Room for the record alone is not room for the LOST as well. */
	ring_consume_to(ring, 64);
	KUNIT_EXPECT_EQ(test, ring_write(ring, 64, 2), KT_DROP_FULL);
	KUNIT_EXPECT_EQ(test, ring_producer(ring), size);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_full, 4ULL);

	/* The reader catches up: a LOST record comes first. */
	ring_consume_to(ring, size);
	KUNIT_ASSERT_EQ(test, ring_write(ring, 64, 9), KT_DROP_NONE);
	pos = size;
	lost = (struct ktrace_rec_lost *)ring_rec_at(ring, pos);
	KUNIT_EXPECT_EQ(test, lost->hdr.type, KTRACE_REC_LOST);
	KUNIT_EXPECT_EQ(test, lost->hdr.len, sizeof(*lost));
	KUNIT_EXPECT_EQ(test, lost->hdr.id, 0);
	KUNIT_EXPECT_EQ(test, lost->hdr.cpu, ring->ctl->cpu);
	KUNIT_EXPECT_EQ(test, lost->full, 4ULL);
	KUNIT_EXPECT_EQ(test, lost->too_big, 2ULL);
	KUNIT_EXPECT_EQ(test, lost->reentrant, 0ULL);
	pos += round_up(sizeof(*lost), 8);
	ring_expect_rec(test, ring, pos, 64, RING_TEST_TYPE, 9);
	pos += 64;
	KUNIT_EXPECT_EQ(test, ring_producer(ring), pos);
	KUNIT_EXPECT_EQ(test, ring->ctl->reported_full, 4ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->reported_too_big, 2ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->reported_reentrant, 0ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_full, 4ULL);
	/* LOST is not a record. */
	KUNIT_EXPECT_EQ(test, ring->ctl->records, size / 64 + 1);

	/* Everything is reported: no LOST before the next one. */
	KUNIT_ASSERT_EQ(test, ring_write(ring, 64, 10), KT_DROP_NONE);
	ring_expect_rec(test, ring, pos, 64, RING_TEST_TYPE, 10);
	KUNIT_EXPECT_EQ(test, ring_producer(ring), pos + 64);

	/* A new drop is reported on its own, not with the old ones. */
	KUNIT_EXPECT_EQ(test, ring_write(ring, size + 8, 11), KT_DROP_TOO_BIG);
	pos += 64;
	KUNIT_ASSERT_EQ(test, ring_write(ring, 64, 12), KT_DROP_NONE);
	lost = (struct ktrace_rec_lost *)ring_rec_at(ring, pos);
	KUNIT_EXPECT_EQ(test, lost->hdr.type, KTRACE_REC_LOST);
	KUNIT_EXPECT_EQ(test, lost->full, 0ULL);
	KUNIT_EXPECT_EQ(test, lost->too_big, 1ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->reported_too_big, 3ULL);
}

static void ring_reserve_when_consumer_out_of_range(struct kunit *test)
{
	struct kt_ring *ring = ((struct ring_test_ctx *)test->priv)->ring;
	u64 size = ring_data_size(ring), prod, records;
	static const s64 bad[] = { 8, 4096, -4104, -8192, S64_MAX };
	struct ktrace_rec_lost *lost;
	u8 *snap;
	u64 i;

	snap = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, snap);

	/* Make the producer run past the first lap, with room left. */
	KUNIT_ASSERT_EQ(test, ring_write(ring, 2048, 1), KT_DROP_NONE);
	KUNIT_ASSERT_EQ(test, ring_write(ring, 2048, 1), KT_DROP_NONE);
	ring_consume_to(ring, size);
	KUNIT_ASSERT_EQ(test, ring_write(ring, 128, 1), KT_DROP_NONE);
	prod = ring_producer(ring);
	KUNIT_ASSERT_EQ(test, prod, size + 128);
	records = ring->ctl->records;
	memcpy(snap, ring->data, size);

	/*
	 * Beyond the producer, or more than data_size behind it: the ring
	 * is full and nothing is written.
	 */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ring_consume_to(ring, prod + bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, ring_write(ring, 64, 2), KT_DROP_FULL,
				    "consumer_pos %llu", prod + bad[i]);
		KUNIT_EXPECT_LE(test, kt_ring_pending(ring), size);
		KUNIT_EXPECT_FALSE(test, kt_ring_set_readable(ring->set));
	}
	KUNIT_EXPECT_EQ(test, ring_producer(ring), prod);
	KUNIT_EXPECT_EQ(test, ring->ctl->records, records);
	KUNIT_EXPECT_EQ(test, memcmp(snap, ring->data, size), 0);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_full, (u64)ARRAY_SIZE(bad));

	/* Exactly data_size in flight is full, not a lie. */
	ring_consume_to(ring, prod - size);
	KUNIT_EXPECT_EQ(test, kt_ring_pending(ring), size);
	KUNIT_EXPECT_EQ(test, ring_write(ring, 64, 2), KT_DROP_FULL);

	/* A sane reader again: writing resumes. */
	ring_consume_to(ring, prod);
	KUNIT_EXPECT_EQ(test, ring_write(ring, 64, 3), KT_DROP_NONE);
	lost = (struct ktrace_rec_lost *)ring_rec_at(ring, prod);
	KUNIT_EXPECT_EQ(test, lost->hdr.type, KTRACE_REC_LOST);
	KUNIT_EXPECT_EQ(test, lost->full, (u64)ARRAY_SIZE(bad) + 1);
}

static void ring_reserve_when_reentrant(struct kunit *test)
{
	struct kt_ring *ring = ((struct ring_test_ctx *)test->priv)->ring;
	struct ktrace_rec *outer, *inner;
	enum kt_drop drop_outer = KT_DROP_FULL, drop_inner = KT_DROP_NONE;
	struct ktrace_rec_lost *lost;

	preempt_disable();
	outer = kt_ring_reserve(ring, 64, RING_TEST_TYPE, 1, &drop_outer);
	inner = kt_ring_reserve(ring, 64, RING_TEST_TYPE, 2, &drop_inner);
	if (inner)
		kt_ring_commit(ring, inner);
	if (outer)
		kt_ring_commit(ring, outer);
	preempt_enable();

	KUNIT_EXPECT_NOT_NULL(test, outer);
	KUNIT_EXPECT_EQ(test, drop_outer, KT_DROP_NONE);
	KUNIT_EXPECT_NULL(test, inner);
	KUNIT_EXPECT_EQ(test, drop_inner, KT_DROP_REENTRANT);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_reentrant, 1ULL);
	KUNIT_EXPECT_EQ(test, ring->ctl->records, 1ULL);
	KUNIT_EXPECT_EQ(test, ring_producer(ring), 64ULL);
	ring_expect_rec(test, ring, 0, 64, RING_TEST_TYPE, 1);

	/* The ring is free again, and the nested drop gets reported. */
	KUNIT_ASSERT_EQ(test, ring_write(ring, 64, 3), KT_DROP_NONE);
	lost = (struct ktrace_rec_lost *)ring_rec_at(ring, 64);
	KUNIT_EXPECT_EQ(test, lost->hdr.type, KTRACE_REC_LOST);
	KUNIT_EXPECT_EQ(test, lost->reentrant, 1ULL);
	KUNIT_EXPECT_EQ(test, lost->full, 0ULL);
	KUNIT_EXPECT_EQ(test, lost->too_big, 0ULL);
	ring_expect_rec(test, ring, 64 + sizeof(*lost), 64, RING_TEST_TYPE, 3);
	KUNIT_EXPECT_EQ(test, ring->ctl->reported_reentrant, 1ULL);
}

static void ring_set_readable_when_pending(struct kunit *test)
{
	struct kt_ring *ring = ((struct ring_test_ctx *)test->priv)->ring;

	KUNIT_EXPECT_FALSE(test, kt_ring_set_readable(ring->set));
	KUNIT_ASSERT_EQ(test, ring_write(ring, 64, 1), KT_DROP_NONE);
	KUNIT_EXPECT_TRUE(test, kt_ring_set_readable(ring->set));
	ring_consume_to(ring, 64);
	KUNIT_EXPECT_FALSE(test, kt_ring_set_readable(ring->set));
}

#define RING_TEST_WRITER_RECS	48
#define RING_TEST_MAIN_RECS	40

struct ring_writer {
	struct kt_ring_set *set;
	struct completion done;
	struct kt_ring *ring;		/* kt_ring_this_cpu() as it saw it */
	unsigned int written;
	bool moved;			/* ran on another CPU than its own */
};

static int ring_writer_fn(void *arg)
{
	struct ring_writer *w = arg;
	struct ktrace_rec *rec;
	struct kt_ring *ring;
	enum kt_drop drop;
	unsigned int i;

	for (i = 0; i < RING_TEST_WRITER_RECS; i++) {
		preempt_disable();
		ring = kt_ring_this_cpu(w->set);
		if (w->ring && ring != w->ring)
			w->moved = true;
		w->ring = ring;
		rec = kt_ring_reserve(ring, 64, RING_TEST_TYPE, 2, &drop);
		if (rec) {
			memset(rec + 1, RING_TEST_FILL, 64 - sizeof(*rec));
			kt_ring_commit(ring, rec);
			w->written++;
		}
		preempt_enable();
		cond_resched();
	}
	complete(&w->done);
	return 0;
}

static void ring_reserve_on_two_cpus(struct kunit *test)
{
	struct ring_test_ctx *ctx = test->priv;
	struct kt_ring *ring = ctx->ring, *other;
	struct ring_writer w = { .set = ctx->set };
	struct task_struct *task;
	unsigned int cpu, i, written = 0;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	cpu = cpumask_any_but(cpu_online_mask, ctx->cpu);
	KUNIT_ASSERT_LT(test, cpu, nr_cpu_ids);
	other = ctx->set->rings[cpu];
	KUNIT_ASSERT_NOT_NULL(test, other);

	init_completion(&w.done);
	task = kthread_create_on_cpu(ring_writer_fn, &w, cpu, "ktrace_ring/%u");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, task);
	get_task_struct(task);
	wake_up_process(task);

	/* No assertion until the writer is stopped. */
	for (i = 0; i < RING_TEST_MAIN_RECS; i++) {
		if (ring_write(ring, 64, 1) == KT_DROP_NONE)
			written++;
		cond_resched();
	}
	wait_for_completion(&w.done);
	kthread_stop(task);
	put_task_struct(task);

	KUNIT_EXPECT_EQ(test, written, RING_TEST_MAIN_RECS);
	KUNIT_EXPECT_EQ(test, w.written, RING_TEST_WRITER_RECS);
	KUNIT_EXPECT_PTR_EQ(test, w.ring, other);
	KUNIT_EXPECT_FALSE(test, w.moved);

	KUNIT_EXPECT_EQ(test, ring->ctl->records, (u64)RING_TEST_MAIN_RECS);
	KUNIT_EXPECT_EQ(test, ring_producer(ring),
			(u64)RING_TEST_MAIN_RECS * 64);
	KUNIT_EXPECT_EQ(test, other->ctl->records, (u64)RING_TEST_WRITER_RECS);
	KUNIT_EXPECT_EQ(test, ring_producer(other),
			(u64)RING_TEST_WRITER_RECS * 64);
	for (i = 0; i < RING_TEST_MAIN_RECS; i++)
		ring_expect_rec(test, ring, i * 64, 64, RING_TEST_TYPE, 1);
	for (i = 0; i < RING_TEST_WRITER_RECS; i++)
		ring_expect_rec(test, other, i * 64, 64, RING_TEST_TYPE, 2);
	KUNIT_EXPECT_EQ(test, ring->ctl->lost_full + other->ctl->lost_full +
			ring->ctl->lost_reentrant +
			other->ctl->lost_reentrant, 0ULL);
}

static int ring_test_init(struct kunit *test)
{
	struct ring_test_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	init_waitqueue_head(&ctx->wq);

	/* Stay on one CPU, so ctx->ring is the ring of the CPU we run on. */
	ctx->cpu = raw_smp_processor_id();
	if (set_cpus_allowed_ptr(current, cpumask_of(ctx->cpu)))
		return -EINVAL;

	ctx->set = kt_ring_set_create(1, 0, &ctx->wq);
	if (!ctx->set)
		return -ENOMEM;
	ctx->ring = ctx->set->rings[ctx->cpu];
	if (!ctx->ring)
		return -EINVAL;
	return 0;
}

static void ring_test_exit(struct kunit *test)
{
	struct ring_test_ctx *ctx = test->priv;

	if (ctx)
		kt_ring_set_destroy(ctx->set);
}

static struct kunit_case ring_test_cases[] = {
	KUNIT_CASE(ring_reserve_fills_header),
	KUNIT_CASE(ring_reserve_when_exactly_full),
	KUNIT_CASE(ring_reserve_when_too_big),
	KUNIT_CASE(ring_reserve_wraps_with_pad),
	KUNIT_CASE(ring_reserve_wraps_with_short_pad),
	KUNIT_CASE(ring_reserve_positions_run_free),
	KUNIT_CASE(ring_reserve_writes_lost_after_drops),
	KUNIT_CASE(ring_reserve_when_consumer_out_of_range),
	KUNIT_CASE(ring_reserve_when_reentrant),
	KUNIT_CASE(ring_set_readable_when_pending),
	KUNIT_CASE(ring_reserve_on_two_cpus),
	{}
};

static struct kunit_suite ring_test_suite = {
	.name = "ktrace_ring",
	.init = ring_test_init,
	.exit = ring_test_exit,
	.test_cases = ring_test_cases,
};

kunit_test_suites(&ring_test_suite);
