// SPDX-License-Identifier: GPL-2.0
/*
 * netsize, eBPF only: the size of every IP packet a cgroup's sockets send
 * and receive, as a log2 histogram per direction, from the cgroup_skb
 * egress and ingress hooks, which ktrace.ko has no equivalent of.  Both
 * hooks see the packet from its network header, so a UDP datagram of S
 * bytes over IPv4 counts S + 28 each way.  ktracectl attaches the two
 * programs to the cgroup the user names (the root one by default, which
 * covers every socket): hooks of a cgroup also run for its descendants.
 *
 * The programs only observe: they always let the packet through.
 */
#define KT_BPF_HIST
#include "ktrace.bpf.h"

/* key[0] of the histograms, as ktracectl prints them. */
#define KT_NS_INGRESS	0
#define KT_NS_EGRESS	1

char LICENSE[] SEC("license") = "GPL";

static __always_inline int kt_ns(struct __sk_buff *skb, __u64 dir)
{
	__u64 t0 = kt_hit_begin();

	kt_hist_add(dir, 0, skb->len);
	kt_hit_end(t0);
	return 1;	/* allow */
}

SEC("cgroup_skb/ingress")
int kt_ns_ingress(struct __sk_buff *skb)
{
	return kt_ns(skb, KT_NS_INGRESS);
}

SEC("cgroup_skb/egress")
int kt_ns_egress(struct __sk_buff *skb)
{
	return kt_ns(skb, KT_NS_EGRESS);
}
