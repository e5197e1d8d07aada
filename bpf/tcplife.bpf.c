// SPDX-License-Identifier: GPL-2.0
/*
 * tcplife, eBPF: one struct ktrace_rec_tcp per TCP session when it
 * closes, with its addresses, ports, bytes each way, duration and the
 * task that owned it, from sock:inet_sock_set_state, streamed through the
 * BPF ring buffer.  The twin of module/probes/tcplife.c, with the same
 * rules, so that both write the same records:
 *
 *  - a session is tracked from its first state change below
 *    TCP_FIN_WAIT1 to TCP_CLOSE, in a hash keyed by the sock pointer (a
 *    sock's state changes are serialized by its lock); listening sockets
 *    never enter it, and the close of a session opened before the
 *    programs attached counts as drop_no_start;
 *  - the task is the first one seen at SYN_SENT (connect()), FIN_WAIT1
 *    or LAST_ACK (close() or shutdown()), and only in task context; else
 *    the task at TCP_CLOSE if that runs in task context, else pid 0;
 *  - a passive child that never got established (SYN_RECV to CLOSE) is
 *    no session and writes nothing;
 *  - TX is tcp_sock.bytes_acked and RX bytes_received, read at close.
 *
 * Task context is told by preempt_count(), read from the per-CPU
 * variable that holds it on x86: __preempt_count up to 6.1, pcpu_hot
 * from 6.2 (weak, so either may be missing).  Filters are left to
 * userspace, as with the module.
 */
#define KT_BPF_RING
#include "ktrace.bpf.h"
#include <bpf/bpf_endian.h>

#define KT_TCP_SESSIONS		8192	/* sessions tracked at once */
#define KT_AF_INET		2
#define KT_AF_INET6		10
#define KT_IPPROTO_TCP		6

/* include/net/tcp_states.h */
#define KT_TCP_ESTABLISHED	1
#define KT_TCP_SYN_SENT		2
#define KT_TCP_SYN_RECV		3
#define KT_TCP_FIN_WAIT1	4
#define KT_TCP_CLOSE		7
#define KT_TCP_LISTEN		10
#define KT_TCP_LAST_ACK		9

/* include/linux/preempt.h: in_task() is none of these. */
#define KT_SOFTIRQ_OFFSET	0x00000100
#define KT_HARDIRQ_MASK		0x000f0000
#define KT_NMI_MASK		0x00f00000

char LICENSE[] SEC("license") = "GPL";

struct kt_tcp_sess {
	__u64 start_ns;		/* first state change */
	__u32 pid;
	__u32 tgid;
	__u8 ident;		/* pid, tgid, comm set */
	__u8 half_open;		/* began at SYN_RECV, not yet ESTABLISHED */
	__u8 pad[6];
	char comm[KTRACE_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KT_TCP_SESSIONS);
	__type(key, __u64);
	__type(value, struct kt_tcp_sess);
} kt_sessions SEC(".maps");

extern const int __preempt_count __ksym __weak;

struct pcpu_hot___kt {
	int preempt_count;
} __attribute__((preserve_access_index));

extern const struct pcpu_hot___kt pcpu_hot __ksym __weak;

/*
 * Whether the handler runs in task context (in_task()); @dflt where the
 * kernel has neither per-CPU variable.
 */
static __always_inline bool kt_in_task(bool dflt)
{
	const struct pcpu_hot___kt *hot;
	const int *cnt;
	int pc = 0;

	if (&__preempt_count) {
		cnt = bpf_this_cpu_ptr(&__preempt_count);
		bpf_probe_read_kernel(&pc, sizeof(pc), cnt);
	} else if (&pcpu_hot) {
		hot = bpf_this_cpu_ptr(&pcpu_hot);
		pc = BPF_CORE_READ(hot, preempt_count);
	} else {
		return dflt;
	}
	return !(pc & (KT_NMI_MASK | KT_HARDIRQ_MASK | KT_SOFTIRQ_OFFSET));
}

static __always_inline void kt_tcp_set_ident(struct kt_tcp_sess *s)
{
	__u64 id = bpf_get_current_pid_tgid();

	s->pid = (__u32)id;
	s->tgid = id >> 32;
	bpf_get_current_comm(s->comm, sizeof(s->comm));
	s->ident = 1;
}

static __always_inline void kt_tcp_close(const struct sock *sk,
					 const struct kt_tcp_sess *s)
{
	const struct inet_sock *inet = (const void *)sk;
	const struct tcp_sock *tp = (const void *)sk;
	struct ktrace_rec_tcp rec;
	__u64 t0, id, now;

	t0 = kt_hit_begin();
	now = bpf_ktime_get_ns();
	__builtin_memset(&rec, 0, sizeof(rec));
	kt_rec_init(&rec.hdr, sizeof(rec), KTRACE_REC_TCP);
	if (s->ident) {
		rec.pid = s->pid;
		rec.tgid = s->tgid;
		__builtin_memcpy(rec.comm, s->comm, sizeof(rec.comm));
	} else if (kt_in_task(false)) {
		id = bpf_get_current_pid_tgid();
		rec.pid = (__u32)id;
		rec.tgid = id >> 32;
		bpf_get_current_comm(rec.comm, sizeof(rec.comm));
	}
	rec.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	rec.sport = bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
	rec.dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	/* IPv4 in the first 4 bytes of the 16, the rest left zero. */
	if (rec.family == KT_AF_INET) {
		bpf_core_read(rec.saddr, 4, &inet->inet_saddr);
		bpf_core_read(rec.daddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(rec.saddr, 16,
			      &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(rec.daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
	rec.tx_bytes = BPF_CORE_READ(tp, bytes_acked);
	rec.rx_bytes = BPF_CORE_READ(tp, bytes_received);
	rec.duration_ns = now - s->start_ns;
	kt_ring_output(&rec, sizeof(rec));
	kt_hit_end(t0);
}

static __always_inline int kt_tcp_set_state(const struct sock *sk,
					    int oldstate, int newstate)
{
	struct kt_tcp_sess *s, fresh = {};
	__u16 family;
	__u64 key, t0;

	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (BPF_CORE_READ(sk, sk_protocol) != KT_IPPROTO_TCP ||
	    (family != KT_AF_INET && family != KT_AF_INET6))
		return 0;
	key = (__u64)sk;
	s = bpf_map_lookup_elem(&kt_sessions, &key);
	if (newstate < KT_TCP_FIN_WAIT1) {
		/*
		 * SYN_SENT or SYN_RECV begin a session: an entry still held
		 * by this address is a sock freed without TCP_CLOSE.
		 */
		if (s && (newstate == KT_TCP_SYN_SENT ||
			  newstate == KT_TCP_SYN_RECV))
			s = NULL;
		if (!s) {
			fresh.start_ns = bpf_ktime_get_ns();
			fresh.half_open = newstate == KT_TCP_SYN_RECV;
			if (!bpf_map_update_elem(&kt_sessions, &key, &fresh,
						 BPF_ANY))
				s = bpf_map_lookup_elem(&kt_sessions, &key);
			if (!s) {
				t0 = kt_hit_begin();
				kt_count(KT_STAT_INFLIGHT_FULL);
				kt_hit_end(t0);
				return 0;
			}
		}
	}
	if (!s) {
		if (newstate == KT_TCP_CLOSE && oldstate != KT_TCP_LISTEN)
			kt_count(KT_STAT_NO_START);
		return 0;
	}
	if (!s->ident &&
	    (newstate == KT_TCP_SYN_SENT || newstate == KT_TCP_FIN_WAIT1 ||
	     newstate == KT_TCP_LAST_ACK) && kt_in_task(true))
		kt_tcp_set_ident(s);
	if (newstate == KT_TCP_ESTABLISHED)
		s->half_open = 0;
	if (newstate == KT_TCP_CLOSE) {
		/*
		 * A passive child that never got established is no session:
		 * one that lost the race to complete the handshake (the
		 * listener made two for one request) dies this way.
		 */
		if (!s->half_open)
			kt_tcp_close(sk, s);
		bpf_map_delete_elem(&kt_sessions, &key);
	}
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(kt_tcp_state_btf, const struct sock *sk, int oldstate,
	     int newstate)
{
	return kt_tcp_set_state(sk, oldstate, newstate);
}

SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(kt_tcp_state_raw, const struct sock *sk, int oldstate,
	     int newstate)
{
	return kt_tcp_set_state(sk, oldstate, newstate);
}
