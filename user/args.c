// SPDX-License-Identifier: GPL-2.0
/* Options several commands take alike; see args.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "ktracectl.h"
#include "args.h"

const struct argp_child verbose_children[] = {
	{ &verbose_argp, 0, NULL, 0 },
	{},
};

const char *parse_comm(const struct argp_state *state, const char *arg)
{
	if (strlen(arg) >= KTRACE_COMM_LEN)
		usage_error(state, "COMM longer than %d characters: '%s'",
			    KTRACE_COMM_LEN - 1, arg);
	return arg;
}

unsigned long parse_pages(const struct argp_state *state, const char *arg)
{
	unsigned long pages;

	pages = parse_ulong(state, "PAGES", arg, KTRACE_RING_MAX_PAGES);
	if (pages & (pages - 1))
		usage_error(state, "PAGES must be a power of two: '%s'", arg);
	return pages;
}

void parse_interval_count(const struct argp_state *state, const char *arg,
			  unsigned long *interval, unsigned long *count,
			  int *nr)
{
	if (*nr == 0)
		*interval = parse_ulong(state, "interval", arg, UINT_MAX);
	else if (*nr == 1)
		*count = parse_ulong(state, "count", arg, ULONG_MAX);
	else
		usage_error(state, "unexpected argument '%s'", arg);
	(*nr)++;
}

void set_task_filters(struct ktrace_enable *en,
		      const struct ktrace_probe_info *info, __u32 pid,
		      const char *comm)
{
	if (pid)
		set_pid_filter(en, info, pid);
	if (comm) {
		en->flags |= KTRACE_ENABLE_COMM;
		snprintf(en->comm, sizeof(en->comm), "%s", comm);
	}
}
