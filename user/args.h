/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Options several commands take alike, so that each says them the same
 * way: -p PID, -c COMM, -b PAGES, the [interval] [count] positionals, -v,
 * -j.
 */
#ifndef __KTRACECTL_ARGS_H
#define __KTRACECTL_ARGS_H

#include <argp.h>
#include "libktrace.h"

/* -v and -j (--json) as every command's argp child. */
extern const struct argp_child verbose_children[];

/* -c COMM: a task name the kernel can compare, or exits through usage. */
const char *parse_comm(const struct argp_state *state, const char *arg);

/* -b PAGES: ring data pages per CPU, a power of two. */
unsigned long parse_pages(const struct argp_state *state, const char *arg);

/* Default interval and count: as good as forever, like bcc's 99999999. */
#define FOREVER		99999999UL

/*
 * The [interval] [count] positionals: the first number is the interval,
 * the second the count, a third is an error.  @nr counts them.
 */
void parse_interval_count(const struct argp_state *state, const char *arg,
			  unsigned long *interval, unsigned long *count,
			  int *nr);

/* What -p PID and -c COMM ask of the kernel; 0 and NULL: no filter. */
void set_task_filters(struct ktrace_enable *en,
		      const struct ktrace_probe_info *info, __u32 pid,
		      const char *comm);

#endif /* __KTRACECTL_ARGS_H */
