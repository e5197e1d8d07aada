/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the stack commands (profile, stackcount, offcputime) share: the
 * instance's stacks as symbols (KTRACE_IOC_STACKS), and their results
 * printed as folded lines ("comm;root;...;leaf value", for flamegraph.pl
 * and speedscope) or as bcc's multi-line stacks.
 */
#ifndef __KTRACECTL_STACK_SYMS_H
#define __KTRACECTL_STACK_SYMS_H

#include <stdbool.h>
#include "json.h"
#include "libktrace.h"
#include "backend.h"
#include "flamegraph.h"

struct stack_syms {
	char *buf;				/* the records */
	const struct ktrace_stack **by_id;	/* id - 1 -> record */
	__u32 nr_ids;
	__u64 dropped;				/* stacks the table lost */
};

/* Fetches every stack of instance @id, from either backend; 0 or -errno. */
int stack_syms_fetch(struct backend *be, __u32 id, struct stack_syms *ss);
void stack_syms_free(struct stack_syms *ss);

struct stack_print {
	bool folded;		/* else bcc's multi-line stacks */
	bool comm;		/* folded: the comm first; multi-line: comm [pid] */
	bool sum;		/* the value is the sum (time), not the count */
	const char *empty;	/* the frame of an empty stack: "[user]" */
	/*
	 * --json: the "stacks" member written into this object instead of
	 * the text, each stack with its comm and pid (with ->comm), frames
	 * leaf first, count and (with ->sum) sum.
	 */
	struct json *json;
	/* --svg: every entry is added to it too, folded; NULL: none. */
	struct flamegraph *fg;
};

/*
 * Prints @n entries keyed KTRACE_KEY_STACK, merging those that print the
 * same (a stack stored twice, or several processes without ->comm), in
 * ascending order of value.  0 or -errno.
 */
int stack_syms_print(const struct stack_syms *ss,
		     const struct ktrace_agg_entry **ents, __u32 n,
		     const struct stack_print *how);

/*
 * One report of a stack instance: fetches its stacks, prints @ents as
 * @how says and warns on stderr when the stack table was full, counting
 * the lost events as @noun ("samples", "calls").
 */
void stack_syms_report(struct backend *be, __u32 id,
		       const struct ktrace_agg_entry **ents, __u32 n,
		       const struct stack_print *how, const char *noun);

#endif /* __KTRACECTL_STACK_SYMS_H */
