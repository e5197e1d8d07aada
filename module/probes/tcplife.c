// SPDX-License-Identifier: GPL-2.0
/*
 * tcplife: one struct ktrace_rec_tcp per TCP session when it closes, with
 * its addresses, ports, bytes each way, duration and the task that owned
 * it, from the sock:inet_sock_set_state tracepoint, like bcc's tcplife.
 *
 * A session is tracked from its first state change below TCP_FIN_WAIT1
 * (SYN_SENT for an active open, SYN_RECV or ESTABLISHED for a passive
 * one) to TCP_CLOSE, in a fixed open-addressed table keyed by the sock
 * pointer, claimed with cmpxchg() and released with a store-release: no
 * lock, no allocation.  A sock's state changes are serialized by its own
 * lock, so once claimed an entry is only touched by its sock's events.
 * Listening sockets never enter the table (TCP_LISTEN is above
 * TCP_FIN_WAIT1), nor do sessions already open when the probe attached:
 * their close counts as drop_no_start.
 *
 * The task: bcc's tcplife takes the current task at TCP_SYN_SENT (the
 * connect() caller) and at TCP_LAST_ACK (a close() after the peer closed),
 * else whatever runs at TCP_CLOSE.  A passive open starts in softirq, and
 * TCP_CLOSE usually comes there too (the peer's ACK or FIN), so "current"
 * at those points is an unrelated task.  We take the first of SYN_SENT,
 * FIN_WAIT1 and LAST_ACK, and only in task context: SYN_SENT is entered in
 * connect(), FIN_WAIT1 and LAST_ACK only in close() or shutdown() (by
 * tcp_close_state()), all by the task that owns the socket.  That also
 * names the server process of a passive session that closes first, which
 * bcc misses.  A session none of them saw (reset, aborted) reports the
 * task at TCP_CLOSE only when that runs in task context, else pid 0.
 *
 * Filters are left to userspace (bcc applies -p at the same points), so
 * every hit is recorded for every instance.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <linux/timekeeping.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "../probe.h"

#define KT_TCP_SESSIONS		8192	/* sessions tracked at once */
#define KT_TCP_PROBES		32	/* slots searched per sock */

struct kt_tcp_sess {
	const struct sock *sk;	/* owner; NULL when free */
	u64 start_ns;		/* first state change */
	bool ident;		/* pid, tgid, comm set */
	bool half_open;		/* began at SYN_RECV, not yet ESTABLISHED */
	u32 pid;
	u32 tgid;
	char comm[KTRACE_COMM_LEN];
};

struct kt_tcp {
	struct kt_tcp_sess sess[KT_TCP_SESSIONS];
};

static u32 kt_tcp_hash(const struct sock *sk)
{
	return hash_ptr(sk, ilog2(KT_TCP_SESSIONS));
}

static struct kt_tcp_sess *kt_tcp_find(struct kt_tcp *tcp,
				       const struct sock *sk)
{
	u32 h = kt_tcp_hash(sk), i;
	struct kt_tcp_sess *s;

	for (i = 0; i < KT_TCP_PROBES; i++) {
		s = &tcp->sess[(h + i) % KT_TCP_SESSIONS];
		if (READ_ONCE(s->sk) == sk)
			return s;
	}
	return NULL;
}

static struct kt_tcp_sess *kt_tcp_claim(struct kt_tcp *tcp,
					const struct sock *sk)
{
	u32 h = kt_tcp_hash(sk), i;
	struct kt_tcp_sess *s;

	for (i = 0; i < KT_TCP_PROBES; i++) {
		s = &tcp->sess[(h + i) % KT_TCP_SESSIONS];
		if (!READ_ONCE(s->sk) && !cmpxchg(&s->sk, NULL, sk))
			return s;
	}
	return NULL;
}

static void kt_tcp_release(struct kt_tcp_sess *s)
{
	/* The fields are read before another sock claims the entry. */
	smp_store_release(&s->sk, NULL);
}

static void kt_tcp_set_ident(struct kt_tcp_sess *s)
{
	s->pid = current->pid;
	s->tgid = current->tgid;
	memcpy(s->comm, current->comm, sizeof(s->comm));
	s->ident = true;
}

/* A close without a start is not a hit (as in block_latency). */
static void kt_tcp_count(struct kt_probe *probe, bool no_start)
{
	struct kt_inst *inst;
	u64 t0;

	list_for_each_entry_rcu(inst, &probe->insts, node) {
		if (no_start) {
			this_cpu_inc(inst->stats->drop_no_start);
			continue;
		}
		t0 = kt_hit_begin(inst);
		this_cpu_inc(inst->stats->drop_inflight_full);
		kt_hit_end(inst, t0);
	}
}

static void kt_tcp_fill(struct ktrace_rec_tcp *rec, const struct sock *sk,
			const struct kt_tcp_sess *s, u64 now)
{
	const struct inet_sock *inet = inet_sk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);

	if (s->ident) {
		rec->pid = s->pid;
		rec->tgid = s->tgid;
		memcpy(rec->comm, s->comm, sizeof(rec->comm));
	} else if (in_task()) {
		rec->pid = current->pid;
		rec->tgid = current->tgid;
		memcpy(rec->comm, current->comm, sizeof(rec->comm));
	} else {
		rec->pid = 0;
		rec->tgid = 0;
		memset(rec->comm, 0, sizeof(rec->comm));
	}
	rec->family = sk->sk_family;
	rec->sport = ntohs(inet->inet_sport);
	rec->dport = ntohs(inet->inet_dport);
	rec->reserved = 0;
	memset(rec->saddr, 0, sizeof(rec->saddr));
	memset(rec->daddr, 0, sizeof(rec->daddr));
	if (sk->sk_family == AF_INET) {
		memcpy(rec->saddr, &inet->inet_saddr, 4);
		memcpy(rec->daddr, &inet->inet_daddr, 4);
#if IS_ENABLED(CONFIG_IPV6)
	} else {
		memcpy(rec->saddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(rec->daddr, &sk->sk_v6_daddr, 16);
#endif
	}
	rec->tx_bytes = READ_ONCE(tp->bytes_acked);
	rec->rx_bytes = READ_ONCE(tp->bytes_received);
	rec->duration_ns = now - s->start_ns;
}

static void kt_tcp_close(struct kt_probe *probe, const struct sock *sk,
			 struct kt_tcp_sess *s)
{
	struct ktrace_rec_tcp *rec;
	struct kt_inst *inst;
	u64 now = ktime_get_ns(), t0;

	list_for_each_entry_rcu(inst, &probe->insts, node) {
		if (s->start_ns < inst->enabled_ns) {
			/* Opened before this instance: its start is unseen. */
			this_cpu_inc(inst->stats->drop_no_start);
			continue;
		}
		t0 = kt_hit_begin(inst);
		rec = (struct ktrace_rec_tcp *)
			kt_inst_reserve(inst, sizeof(*rec), KTRACE_REC_TCP);
		if (rec) {
			kt_tcp_fill(rec, sk, s, now);
			kt_inst_commit(inst, &rec->hdr);
		}
		kt_hit_end(inst, t0);
	}
}

static void kt_tcp_on_set_state(void *data, const struct sock *sk,
				const int oldstate, const int newstate)
{
	struct kt_probe *probe = data;
	struct kt_tcp *tcp = probe->priv;
	struct kt_tcp_sess *s;

	if (sk->sk_protocol != IPPROTO_TCP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return;
	s = kt_tcp_find(tcp, sk);
	if (newstate < TCP_FIN_WAIT1) {
		/*
		 * SYN_SENT or SYN_RECV begin a session: an entry still held
		 * by this address is a sock freed without TCP_CLOSE.
		 */
		if (s && (newstate == TCP_SYN_SENT ||
			  newstate == TCP_SYN_RECV)) {
			kt_tcp_release(s);
			s = NULL;
		}
		if (!s) {
			s = kt_tcp_claim(tcp, sk);
			if (!s) {
				kt_tcp_count(probe, false);
				return;
			}
			s->start_ns = ktime_get_ns();
			s->ident = false;
			s->half_open = newstate == TCP_SYN_RECV;
		}
	}
	if (!s) {
		if (newstate == TCP_CLOSE && oldstate != TCP_LISTEN)
			kt_tcp_count(probe, true);
		return;
	}
	if (!s->ident && in_task() &&
	    (newstate == TCP_SYN_SENT || newstate == TCP_FIN_WAIT1 ||
	     newstate == TCP_LAST_ACK))
		kt_tcp_set_ident(s);
	if (newstate == TCP_ESTABLISHED)
		s->half_open = false;
	if (newstate == TCP_CLOSE) {
		/*
		 * A passive child that never got established is no session:
		 * one that lost the race to complete the handshake (the
		 * listener made two for one request) dies this way.
		 */
		if (!s->half_open)
			kt_tcp_close(probe, sk, s);
		kt_tcp_release(s);
	}
}

static struct kt_tp_hook kt_tcp_hooks[] = {
	{ .name = "inet_sock_set_state", .func = kt_tcp_on_set_state },
};

const struct kt_probe_ops kt_probe_tcplife = {
	.name = "tcplife",
	.desc = "TCP sessions with bytes and duration, streamed at close",
	.kind = KTRACE_KIND_STREAM,
	.keys = BIT(KTRACE_KEY_NONE),
	.rec_size = sizeof(struct ktrace_rec_tcp),
	.hooks = kt_tcp_hooks,
	.nr_hooks = ARRAY_SIZE(kt_tcp_hooks),
	.priv_size = sizeof(struct kt_tcp),
};
