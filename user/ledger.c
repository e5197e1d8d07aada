// SPDX-License-Identifier: GPL-2.0
/* The per-CPU loss ledger of the streaming commands; see ledger.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "ledger.h"

int ledger_init(struct ledger *l, unsigned int nr_cpus)
{
	l->nr_cpus = 0;
	l->stray = 0;
	l->cpu = NULL;
	if (!nr_cpus)
		return 0;
	l->cpu = calloc(nr_cpus, sizeof(*l->cpu));
	if (!l->cpu)
		return -ENOMEM;
	l->nr_cpus = nr_cpus;
	return 0;
}

void ledger_free(struct ledger *l)
{
	free(l->cpu);
	l->cpu = NULL;
	l->nr_cpus = 0;
}

void ledger_rec(struct ledger *l, const struct ktrace_rec *rec)
{
	const struct ktrace_rec_lost *lost = (const void *)rec;
	struct ledger_cpu *c;

	if (rec->type == KTRACE_REC_PAD)
		return;
	if (rec->cpu >= l->nr_cpus) {
		l->stray++;
		return;
	}
	c = &l->cpu[rec->cpu];
	if (rec->type == KTRACE_REC_LOST)
		c->dropped += lost->full + lost->too_big + lost->reentrant;
	else
		c->delivered++;
}

bool ledger_cpu_used(const struct ledger_cpu *c)
{
	return c->seen || c->delivered || c->dropped;
}

const char *ledger_format(unsigned int cpu, const struct ledger_cpu *c,
			  char *buf, size_t len)
{
	unsigned long long got = c->delivered + c->dropped;
	int n;

	if (!len)
		return buf;
	n = snprintf(buf, len, "cpu %u: seen %llu delivered %llu dropped %llu",
		     cpu, c->seen, c->delivered, c->dropped);
	if (n >= 0 && (size_t)n < len && c->seen != got)
		snprintf(buf + n, len - (size_t)n, " (off by %s%llu)",
			 c->seen > got ? "+" : "-",
			 c->seen > got ? c->seen - got : got - c->seen);
	return buf;
}
