/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names of a bpfwatch key (uapi/ktrace.h: KTRACE_BPFWATCH_*), as
 * ktracectl enable bpfwatch prints them, for the other commands that show
 * bpfwatch results (export).
 */
#ifndef __KTRACECTL_BPFWATCH_H
#define __KTRACECTL_BPFWATCH_H

#include "libktrace.h"

struct bpfwatch_names {
	char comm[KTRACE_BPFWATCH_COMM_LEN + 1];
	char cmd[32];		/* "MAP_CREATE", or the number */
	char prog_type[32];	/* BPF_PROG_LOAD's "SOCKET_FILTER"...; else "" */
};

void bpfwatch_names(const __u64 key[2], struct bpfwatch_names *bn);

#endif /* __KTRACECTL_BPFWATCH_H */
