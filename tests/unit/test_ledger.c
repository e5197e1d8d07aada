// SPDX-License-Identifier: GPL-2.0
/* The per-CPU loss ledger of the streaming commands (user/ledger.c). */
#include <string.h>
#include "ledger.h"
#include "tap.h"

static void feed(struct ledger *l, __u16 type, __u32 cpu, __u64 full,
		 __u64 too_big, __u64 reentrant)
{
	struct ktrace_rec_lost rec;

	memset(&rec, 0, sizeof(rec));
	rec.hdr.len = type == KTRACE_REC_LOST ? sizeof(rec) : sizeof(rec.hdr);
	rec.hdr.type = type;
	rec.hdr.cpu = cpu;
	rec.full = full;
	rec.too_big = too_big;
	rec.reentrant = reentrant;
	ledger_rec(l, &rec.hdr);
}

static void test_count(void)
{
	struct ledger l;
	int i;

	tap_ok(!ledger_init(&l, 2) && l.nr_cpus == 2,
	       "ledger: two CPUs");
	for (i = 0; i < 5; i++)
		feed(&l, KTRACE_REC_OPEN, 0, 0, 0, 0);
	for (i = 0; i < 3; i++)
		feed(&l, KTRACE_REC_SYSCALL, 1, 0, 0, 0);
	feed(&l, KTRACE_REC_LOST, 0, 7, 1, 2);
	feed(&l, KTRACE_REC_LOST, 1, 4, 0, 0);
	feed(&l, KTRACE_REC_LOST, 1, 6, 0, 0);
	feed(&l, KTRACE_REC_PAD, 1, 0, 0, 0);
	feed(&l, KTRACE_REC_OPEN, 2, 0, 0, 0);
	feed(&l, KTRACE_REC_LOST, 9, 3, 0, 0);
	tap_ok(l.cpu[0].delivered == 5 && l.cpu[1].delivered == 3,
	       "ledger: records delivered by the CPU they name (%llu, %llu)",
	       l.cpu[0].delivered, l.cpu[1].delivered);
	tap_ok(l.cpu[0].dropped == 10 && l.cpu[1].dropped == 10,
	       "ledger: LOST records' drops, every reason (%llu, %llu)",
	       l.cpu[0].dropped, l.cpu[1].dropped);
	tap_ok(l.stray == 2, "ledger: a CPU past the last is stray (%llu)",
	       l.stray);
	tap_ok(!l.cpu[0].seen && !l.cpu[1].seen,
	       "ledger: seen is the kernel's, not counted from records");
	ledger_free(&l);
	tap_ok(!l.cpu && !l.nr_cpus, "ledger: freed");

	tap_ok(!ledger_init(&l, 0) && !l.cpu, "ledger: no CPU, no table");
	feed(&l, KTRACE_REC_OPEN, 0, 0, 0, 0);
	tap_ok(l.stray == 1, "ledger: no CPU, every record stray");
	ledger_free(&l);
}

static void test_format(void)
{
	struct ledger_cpu c = { .seen = 4000, .delivered = 24,
				.dropped = 3976 };
	char buf[96];

	tap_str_eq(ledger_format(1, &c, buf, sizeof(buf)),
		   "cpu 1: seen 4000 delivered 24 dropped 3976",
		   "ledger: a balanced CPU");
	c.seen = 4002;
	tap_str_eq(ledger_format(0, &c, buf, sizeof(buf)),
		   "cpu 0: seen 4002 delivered 24 dropped 3976 (off by +2)",
		   "ledger: records unaccounted for");
	c.seen = 3999;
	tap_str_eq(ledger_format(0, &c, buf, sizeof(buf)),
		   "cpu 0: seen 3999 delivered 24 dropped 3976 (off by -1)",
		   "ledger: more accounted than seen");
	c.seen = 18446744073709551615ULL;
	c.delivered = 0;
	c.dropped = 18446744073709551615ULL;
	tap_str_eq(ledger_format(127, &c, buf, sizeof(buf)),
		   "cpu 127: seen 18446744073709551615 delivered 0 dropped 18446744073709551615",
		   "ledger: 64-bit counts");
	memset(buf, 'x', sizeof(buf));
	c = (struct ledger_cpu){ .seen = 5, .delivered = 1 };
	ledger_format(3, &c, buf, 12);
	tap_str_eq(buf, "cpu 3: seen", "ledger: a short buffer truncates");
	tap_ok(ledger_cpu_used(&c), "ledger: a CPU with counts is shown");
	c = (struct ledger_cpu){ 0 };
	tap_ok(!ledger_cpu_used(&c), "ledger: an idle CPU is not shown");
}

void test_ledger(void)
{
	test_count();
	test_format();
}
