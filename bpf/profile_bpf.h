/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What profile's program (bpf/profile.bpf.c) and its loader
 * (user/bpf_profile.c) share: the key of its stack ids.
 */
#ifndef __KTRACE_PROFILE_BPF_H
#define __KTRACE_PROFILE_BPF_H

#include "ktrace.h"

#define KT_PROF_STACKS		2048	/* stacks kept, as the module's table */
#define KT_PROF_IDS_PER_CPU	KT_PROF_STACKS

/*
 * One stack id per distinct (kernel stack, tgid, comm).  The frames are
 * the key itself, not a stack map's id: stack maps keep one stack per
 * hash bucket and would lose the stacks that collide.
 */
struct kt_prof_key {
	__u64 ips[KTRACE_STACK_DEPTH];	/* leaf first, 0 past the last */
	__u32 tgid;
	__u32 pad;
	char comm[KTRACE_COMM_LEN];
};

#endif /* __KTRACE_PROFILE_BPF_H */
