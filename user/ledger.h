/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-CPU loss ledger of a streaming command: for each CPU, the
 * records the kernel offered to the ring there (seen, its own count), the
 * records read from that CPU (delivered, by the CPU their header names)
 * and the drops reported for it (dropped: LOST records and the drops no
 * LOST record reported yet).  Every record is accounted for when, on
 * every CPU, seen = delivered + dropped.  Kept apart from stream_run.c so
 * that the host unit tests can drive it over plain records.
 */
#ifndef __KTRACECTL_LEDGER_H
#define __KTRACECTL_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include "libktrace.h"

struct ledger_cpu {
	unsigned long long seen;
	unsigned long long delivered;
	unsigned long long dropped;
};

struct ledger {
	unsigned int nr_cpus;
	struct ledger_cpu *cpu;		/* nr_cpus of them */
	unsigned long long stray;	/* records naming a CPU past nr_cpus */
};

/* 0, or -ENOMEM; a ledger of 0 CPUs counts every record as stray. */
int ledger_init(struct ledger *l, unsigned int nr_cpus);
void ledger_free(struct ledger *l);

/*
 * Counts @rec, as read from the ring: a LOST record's drops as dropped,
 * a PAD as nothing, any other record (of any instance or type) as
 * delivered, on the CPU its header names.
 */
void ledger_rec(struct ledger *l, const struct ktrace_rec *rec);

/* Whether @c has anything to show. */
bool ledger_cpu_used(const struct ledger_cpu *c);

/*
 * "cpu C: seen S delivered D dropped X", with " (off by N)" appended
 * when seen != delivered + dropped (N = seen - delivered - dropped).
 * Returns @buf, always terminated.
 */
const char *ledger_format(unsigned int cpu, const struct ledger_cpu *c,
			  char *buf, size_t len);

#endif /* __KTRACECTL_LEDGER_H */
