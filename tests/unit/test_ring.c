// SPDX-License-Identifier: GPL-2.0
/*
 * kt_ring_drain() over a ring in memory, filled by a writer that follows
 * the producer side of the protocol in uapi/ktrace.h.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "libktrace.h"
#include "tap.h"

#define DATA_SIZE	512

struct fake_ring {
	struct ktrace_ring_consumer cons;
	struct ktrace_ring_control ctl;
	__u8 data[DATA_SIZE] __attribute__((aligned(8)));
};

static void fake_init(struct fake_ring *f, __u64 pos)
{
	memset(f, 0, sizeof(*f));
	/* Garbage everywhere, so a reader that looks too far notices. */
	memset(f->data, 0xa5, sizeof(f->data));
	f->ctl.version = KTRACE_RING_VERSION;
	f->ctl.data_size = DATA_SIZE;
	f->ctl.producer_pos = pos;
	f->cons.consumer_pos = pos;
}

/* Writes only len and type: a PAD may be as short as 8 bytes. */
static void put_head(__u8 *at, __u32 len, __u16 type)
{
	memcpy(at, &len, sizeof(len));
	memcpy(at + 4, &type, sizeof(type));
	memset(at + 6, 0, 2);
}

static void fake_put(struct fake_ring *f, __u16 type, __u32 len, __u32 id,
		     __u64 ts)
{
	__u64 size = kt_rec_size(len);
	__u64 off = f->ctl.producer_pos & (DATA_SIZE - 1);
	struct ktrace_rec *rec;

	if (off + size > DATA_SIZE) {
		put_head(f->data + off, (__u32)(DATA_SIZE - off), KTRACE_REC_PAD);
		f->ctl.producer_pos += DATA_SIZE - off;
		off = 0;
	}
	rec = (struct ktrace_rec *)(f->data + off);
	memset(rec, 0, size);
	rec->len = len;
	rec->type = type;
	rec->id = id;
	rec->cpu = 0;
	rec->ts_ns = ts;
	if (type == KTRACE_REC_LOST) {
		struct ktrace_rec_lost *l = (void *)rec;

		l->full = ts;	/* distinctive per record */
		l->too_big = 1;
	}
	f->ctl.producer_pos += size;
}

struct seen {
	int n;
	__u16 type[32];
	__u64 ts[32];
	__u64 lost;
	int stop_at;	/* return -ECANCELED at this record (1-based) */
};

static int collect(void *ctx, const struct ktrace_rec *rec)
{
	struct seen *s = ctx;

	if (s->n < 32) {
		s->type[s->n] = rec->type;
		s->ts[s->n] = rec->ts_ns;
	}
	s->n++;
	if (rec->type == KTRACE_REC_LOST) {
		const struct ktrace_rec_lost *l = (const void *)rec;

		s->lost += l->full + l->too_big + l->reentrant;
	}
	return s->n == s->stop_at ? -ECANCELED : 0;
}

static int drain(struct fake_ring *f, struct seen *s)
{
	return kt_ring_drain(&f->cons, &f->ctl, f->data, DATA_SIZE, collect, s);
}

static void test_basic(void)
{
	struct fake_ring f;
	struct seen s = { 0 };
	int ret;

	fake_init(&f, 0);
	ret = drain(&f, &s);
	tap_ok(ret == 0 && s.n == 0 && f.cons.consumer_pos == 0,
	       "ring: empty ring delivers nothing");

	fake_put(&f, KTRACE_REC_SYSCALL, sizeof(struct ktrace_rec_syscall), 1, 10);
	fake_put(&f, KTRACE_REC_LOST, sizeof(struct ktrace_rec_lost), 0, 5);
	fake_put(&f, 99, 30, 1, 12);	/* unknown type, odd length */
	fake_put(&f, KTRACE_REC_SYSCALL, sizeof(struct ktrace_rec_syscall), 1, 13);
	ret = drain(&f, &s);
	tap_ok(ret == 4 && s.n == 4, "ring: four records delivered (%d)", ret);
	tap_ok(s.type[0] == KTRACE_REC_SYSCALL && s.type[1] == KTRACE_REC_LOST &&
	       s.type[2] == 99 && s.type[3] == KTRACE_REC_SYSCALL &&
	       s.ts[2] == 12 && s.ts[3] == 13,
	       "ring: records in order, LOST and unknown types included");
	tap_ok(s.lost == 6, "ring: LOST counts readable (%llu)",
	       (unsigned long long)s.lost);
	tap_ok(f.cons.consumer_pos == f.ctl.producer_pos &&
	       f.cons.consumer_pos == 104 + 48 + 32 + 104,
	       "ring: consumer_pos published at producer_pos, 8-byte rounding");
}

static void test_wrap(void)
{
	struct fake_ring f;
	struct seen s = { 0 };
	__u64 start = 3 * DATA_SIZE - 40;
	int ret;

	/* 40 bytes to the end: a 104-byte record forces a PAD, then wraps. */
	fake_init(&f, start);
	fake_put(&f, KTRACE_REC_SYSCALL, 104, 1, 1);
	fake_put(&f, KTRACE_REC_SYSCALL, 104, 1, 2);
	ret = drain(&f, &s);
	tap_ok(ret == 2 && s.n == 2 && s.type[0] == KTRACE_REC_SYSCALL &&
	       s.ts[0] == 1 && s.ts[1] == 2,
	       "ring: PAD skipped at wrap-around, records intact");
	tap_ok(f.cons.consumer_pos == start + 40 + 208,
	       "ring: consumer_pos counts the PAD bytes");

	/* The shortest PAD, 8 bytes, at the wrap of the 64-bit position. */
	memset(&s, 0, sizeof(s));
	fake_init(&f, UINT64_MAX - 7);
	fake_put(&f, KTRACE_REC_LOST, 48, 0, 2);
	fake_put(&f, KTRACE_REC_SYSCALL, 104, 1, 3);
	ret = drain(&f, &s);
	tap_ok(ret == 2 && s.type[0] == KTRACE_REC_LOST && s.ts[1] == 3 &&
	       f.cons.consumer_pos == 48 + 104,
	       "ring: 8-byte PAD and position wrapping past 2^64");

	/* Many laps: the reader keeps up through 100 wraps. */
	fake_init(&f, 0);
	{
		int lap, i, total = 0, ok = 1;
		__u64 ts = 0, last = 0;

		for (lap = 0; lap < 100; lap++) {
			memset(&s, 0, sizeof(s));
			for (i = 0; i < 3; i++)
				fake_put(&f, KTRACE_REC_SYSCALL, 100 + i * 8,
					 1, ++ts);
			ret = drain(&f, &s);
			total += ret > 0 ? ret : 0;
			for (i = 0; i < s.n && i < 32; i++) {
				if (s.ts[i] != last + 1)
					ok = 0;
				last = s.ts[i];
			}
		}
		tap_ok(ok && total == 300 &&
		       f.cons.consumer_pos == f.ctl.producer_pos,
		       "ring: 300 records over many laps, none lost or repeated");
	}
}

static void test_full_and_stop(void)
{
	struct fake_ring f;
	struct seen s = { 0 };
	int ret, i;

	/* Exactly data_size bytes in flight is a full ring, not corrupt. */
	fake_init(&f, 64);
	for (i = 0; i < DATA_SIZE / 64; i++)
		fake_put(&f, KTRACE_REC_SYSCALL, 64, 1, i);
	ret = drain(&f, &s);
	tap_ok(ret == DATA_SIZE / 64 && f.ctl.producer_pos - 64 == DATA_SIZE,
	       "ring: a completely full ring drains (%d)", ret);

	/* A negative callback return stops after consuming that record. */
	memset(&s, 0, sizeof(s));
	fake_init(&f, 0);
	for (i = 0; i < 4; i++)
		fake_put(&f, KTRACE_REC_SYSCALL, 32, 1, i);
	s.stop_at = 2;
	ret = drain(&f, &s);
	tap_ok(ret == -ECANCELED && f.cons.consumer_pos == 64,
	       "ring: callback error stops the drain after its record");
	s.stop_at = 0;
	ret = drain(&f, &s);
	tap_ok(ret == 2 && s.n == 4 && s.ts[2] == 2 && s.ts[3] == 3,
	       "ring: the next drain resumes where it stopped");

	/* NULL callback: just consume. */
	fake_put(&f, KTRACE_REC_SYSCALL, 32, 1, 9);
	ret = kt_ring_drain(&f.cons, &f.ctl, f.data, DATA_SIZE, NULL, NULL);
	tap_ok(ret == 1 && f.cons.consumer_pos == f.ctl.producer_pos,
	       "ring: NULL callback consumes");
}

static void test_corrupt(void)
{
	struct fake_ring f;
	struct seen s = { 0 };
	struct ktrace_rec *rec;

	fake_init(&f, 0);
	f.ctl.producer_pos = DATA_SIZE + 8;
	tap_ok(drain(&f, &s) == -EBADMSG,
	       "ring: more than data_size in flight is rejected");

	fake_init(&f, 0);
	fake_put(&f, KTRACE_REC_SYSCALL, 32, 1, 1);
	((struct ktrace_rec *)f.data)->len = 0;
	tap_ok(drain(&f, &s) == -EBADMSG && f.cons.consumer_pos == 0,
	       "ring: zero-length record is rejected, nothing consumed");

	fake_init(&f, 0);
	fake_put(&f, KTRACE_REC_SYSCALL, 32, 1, 1);
	((struct ktrace_rec *)f.data)->len = 40;	/* past producer_pos */
	tap_ok(drain(&f, &s) == -EBADMSG,
	       "ring: record past producer_pos is rejected");

	fake_init(&f, DATA_SIZE - 32);
	f.ctl.producer_pos += 64;
	rec = (struct ktrace_rec *)(f.data + DATA_SIZE - 32);
	put_head((__u8 *)rec, 64, KTRACE_REC_SYSCALL);	/* would wrap */
	tap_ok(drain(&f, &s) == -EBADMSG, "ring: wrapping record is rejected");

	fake_init(&f, 0);
	fake_put(&f, KTRACE_REC_LOST, 24, 0, 1);	/* too short for LOST */
	tap_ok(drain(&f, &s) == -EBADMSG, "ring: short LOST record is rejected");

	fake_init(&f, 0);
	fake_put(&f, KTRACE_REC_SYSCALL, 16, 1, 1);	/* shorter than header */
	tap_ok(drain(&f, &s) == -EBADMSG, "ring: record shorter than its header is rejected");
}

void test_ring(void)
{
	test_basic();
	test_wrap();
	test_full_and_stop();
	test_corrupt();
}
