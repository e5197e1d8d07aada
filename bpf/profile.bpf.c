// SPDX-License-Identifier: GPL-2.0
/*
 * profile, eBPF: on-CPU kernel stacks sampled at a frequency, counted per
 * stack (KTRACE_KEY_STACK: key[0] a stack id, key[1] the tgid).  The twin
 * of module/probes/profile.c: ktracectl opens a cpu-clock perf event per
 * CPU and attaches this program to each.
 *
 * As in the module, a stack id names one (frames, tgid, comm):
 * kt_prof_ids gives each distinct triple an id the first time it is
 * seen.  Ids are handed out per CPU (the program
 * does not run twice at once on one CPU), KT_PROF_IDS_PER_CPU apart, so
 * no atomic counter is needed.  A sample whose triple finds the table
 * full is counted as table full, as the module's stack table does.
 *
 * The idle tasks are not sampled.  A sample taken in user mode has no
 * kernel stack (bpf_get_stack() fails): it is counted under an empty
 * stack, which the command shows as "[user]".
 */
#define KT_BPF_HIST
#include "ktrace.bpf.h"
#include "profile_bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* The key being built: too large for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kt_prof_key);
} kt_prof_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KT_PROF_STACKS);
	__type(key, struct kt_prof_key);
	__type(value, __u32);
} kt_prof_ids SEC(".maps");

/* Ids this CPU has handed out. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} kt_prof_next SEC(".maps");

/* The id of @k, given now if it has none; 0 when the table is full. */
static __always_inline __u32 kt_prof_id(struct kt_prof_key *k)
{
	__u32 zero = 0, *id, *next, new;

	id = bpf_map_lookup_elem(&kt_prof_ids, k);
	if (id)
		return *id;
	next = bpf_map_lookup_elem(&kt_prof_next, &zero);
	if (!next || *next >= KT_PROF_IDS_PER_CPU)
		return 0;
	new = bpf_get_smp_processor_id() * KT_PROF_IDS_PER_CPU + *next + 1;
	if (bpf_map_update_elem(&kt_prof_ids, k, &new, BPF_NOEXIST)) {
		/* Another CPU gave it one meanwhile, or the table is full. */
		id = bpf_map_lookup_elem(&kt_prof_ids, k);
		return id ? *id : 0;
	}
	*next += 1;
	return new;
}

SEC("perf_event")
int kt_prof_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), t0;
	struct kt_prof_key *k;
	__u32 sid, zero = 0;

	if (!(__u32)id)
		return 0;	/* idle: not a sample, as in bcc */
	t0 = kt_hit_begin();
	if (!kt_filter_task()) {
		kt_count(KT_STAT_FILTERED);
		goto out;
	}
	k = bpf_map_lookup_elem(&kt_prof_scratch, &zero);
	if (!k)
		goto out;
	/* Zeroes what it does not fill, all of it when it fails. */
	bpf_get_stack(ctx, k->ips, sizeof(k->ips), 0);
	k->tgid = id >> 32;
	k->pad = 0;
	bpf_get_current_comm(k->comm, sizeof(k->comm));
	sid = kt_prof_id(k);
	if (!sid) {
		kt_count(KT_STAT_TABLE_FULL);
		goto out;
	}
	kt_hist_add(sid, k->tgid, 1);
out:
	kt_hit_end(t0);
	return 0;
}
