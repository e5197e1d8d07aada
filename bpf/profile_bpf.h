/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What profile's program (bpf/profile.bpf.c) and its loader
 * (user/bpf_profile.c) share: the key of its stack ids.
 */
#ifndef __KTRACE_PROFILE_BPF_H
#define __KTRACE_PROFILE_BPF_H

#define KT_PROF_STACKS		2048	/* stacks kept, as the module's table */
#define KT_PROF_IDS_PER_CPU	KT_PROF_STACKS

/* One stack id per distinct (kernel stack, tgid, comm). */
struct kt_prof_key {
	__s32 kstack;		/* in kt_prof_kstacks; -1: user mode, none */
	__u32 tgid;
	char comm[KTRACE_COMM_LEN];
};

#endif /* __KTRACE_PROFILE_BPF_H */
