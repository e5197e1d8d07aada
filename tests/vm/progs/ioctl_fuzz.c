// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_fuzz: a seeded, reproducible fuzzer of /dev/ktrace.
 *
 * Several threads share several open files (and each also opens and
 * closes files of its own) and make random calls: the ktrace ioctls with
 * structs that are mostly valid and then mutated (sizes, flags, reserved
 * fields, ids, user pointers), unknown ioctl numbers and types, arguments
 * that are NULL, unmapped, kernel addresses, non-canonical, read-only or
 * straddling the end of a page followed by a PROT_NONE guard page; mmap
 * and munmap of the rings with right and wrong offsets, lengths and
 * protections; reads and writes of the mapped rings (including nonsense
 * consumer positions); poll; and a little workload (system calls, opens,
 * disk reads) so that the enabled probes' handlers run meanwhile.
 *
 * Every call that fails must fail with an errno uapi/ktrace.h documents
 * for that command (ENOTTY for an unknown one, EFAULT for a bad pointer);
 * anything else is a failure, printed with the seed, thread and call
 * number.  At the end the successes are counted per command: a run that
 * never enabled, read, disabled, set up or mapped a ring did not test
 * them, and fails with --require.  The kernel's side (oops, KASAN,
 * lockdep, WARN) is judged by the guest harness from the console.
 *
 * Reproducible: each thread draws every choice from its own PRNG seeded
 * from --seed and its index, never from what a call returned, so the same
 * seed gives each thread the same sequence of calls.  (Which of them
 * succeed can still differ, since threads share files.)
 *
 *   ioctl_fuzz [--seed N] [--calls N] [--threads N] [--files N]
 *              [--seconds S] [--require] [--verbose]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "ktrace.h"

#define MAX_THREADS	16
#define MAX_FILES	16
#define PRIV_FILES	2	/* per thread, opened and closed at random */
#define MAX_MAPS	8	/* per thread */
#define BIG_SIZE	(8u << 20)	/* holds any READ, STACKS, LIST... */
#define ARG_SIZE	16384	/* room for a struct and a long tail */
#define HUGE_SIZE	((1UL << 31) + (1UL << 16))	/* sizes from 2^31 on */
#define MAX_IDS		KTRACE_MAX_INSTANCES

/* The first ioctl number the module does not know. */
#ifdef KTRACE_IOC_STATUS
#define NR_KNOWN	(_IOC_NR(KTRACE_IOC_STATUS) + 1)
#else
#define NR_KNOWN	(_IOC_NR(KTRACE_IOC_STACKS) + 1)
#endif

/* ---- the PRNG: splitmix64, one per thread ---- */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- what the ABI allows each command to fail with ---- */

enum op {
	OP_HANDSHAKE, OP_PROBE_LIST, OP_ENABLE, OP_DISABLE, OP_READ,
	OP_STATS, OP_RING_SETUP, OP_SYMBOLS, OP_STACKS, OP_STATUS,
	OP_UNKNOWN_NR, OP_WRONG_TYPE,
	OP_MMAP, OP_MUNMAP, OP_TOUCH, OP_REOPEN, OP_POLL, OP_WORK,
	OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"HANDSHAKE", "PROBE_LIST", "ENABLE", "DISABLE", "READ", "STATS",
	"RING_SETUP", "SYMBOLS", "STACKS", "STATUS", "unknown-nr",
	"wrong-type", "mmap", "munmap", "touch-ring", "reopen", "poll",
	"workload",
};

/* Relative frequency of each operation. */
static const unsigned int op_weight[OP_COUNT] = {
	[OP_HANDSHAKE] = 4, [OP_PROBE_LIST] = 4, [OP_ENABLE] = 16,
	[OP_DISABLE] = 14, [OP_READ] = 12, [OP_STATS] = 8,
	[OP_RING_SETUP] = 5, [OP_SYMBOLS] = 5, [OP_STACKS] = 5,
#ifdef KTRACE_IOC_STATUS
	[OP_STATUS] = 4,
#endif
	[OP_UNKNOWN_NR] = 4, [OP_WRONG_TYPE] = 2,
	[OP_MMAP] = 6, [OP_MUNMAP] = 4, [OP_TOUCH] = 3, [OP_REOPEN] = 1,
	[OP_POLL] = 2, [OP_WORK] = 3,
};

/*
 * Errors documented per command in uapi/ktrace.h, besides the common
 * EFAULT, EINVAL and E2BIG.  ENABLE's list includes what the probes add
 * (funccount and tpcount: E2BIG, ENOENT; a symbol kprobes refuse: the
 * kprobe's error, EINVAL or EILSEQ for a symbol that is not a function
 * start).  mmap() also fails as mmap(2) does for any file (ENOMEM,
 * EOVERFLOW, EACCES).
 */
static const int errs_common[] = { EFAULT, EINVAL, E2BIG, 0 };
static const int *const errs_op[OP_COUNT] = {
	[OP_HANDSHAKE] = (const int[]){ EPROTO, 0 },
	[OP_PROBE_LIST] = (const int[]){ 0 },
	[OP_ENABLE] = (const int[]){ ENOENT, EOPNOTSUPP, EBADF, ENXIO,
				      ENOSPC, ENOMEM, EILSEQ, 0 },
	[OP_DISABLE] = (const int[]){ ENOENT, EPERM, 0 },
	[OP_READ] = (const int[]){ ENOENT, ENOSPC, ENOMEM, 0 },
	[OP_STATS] = (const int[]){ ENOENT, 0 },
	[OP_RING_SETUP] = (const int[]){ EBUSY, ENOMEM, 0 },
	[OP_SYMBOLS] = (const int[]){ ENOENT, 0 },
	[OP_STACKS] = (const int[]){ ENOENT, ENOSPC, 0 },
	[OP_STATUS] = (const int[]){ 0 },
	[OP_MMAP] = (const int[]){ EPERM, ENXIO, ENOMEM, EOVERFLOW, EACCES,
				    0 },
};

static bool err_in(const int *list, int err)
{
	for (; list && *list; list++)
		if (*list == err)
			return true;
	return false;
}

static bool err_documented(enum op op, int err)
{
	switch (op) {
	case OP_UNKNOWN_NR:
	case OP_WRONG_TYPE:
		return err == ENOTTY;
	case OP_MMAP:
		return err == EINVAL || err_in(errs_op[op], err);
	default:
		return err_in(errs_common, err) || err_in(errs_op[op], err);
	}
}

/* ---- shared state ---- */

static struct {
	uint64_t seed;
	unsigned long calls;		/* per thread */
	unsigned int threads, files;
	double seconds;
	bool require, verbose;
	long page;
	uint32_t nr_cpus;
	uint32_t nr_probes;
	struct ktrace_probe_info probes[64];
	uint32_t vda_dev;
	int cgroup_fd;
	int shared_fd[MAX_FILES];
	volatile int stop;		/* the time limit passed */
	struct timespec t0;
} g;

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

struct stat_op {
	unsigned long calls, ok, failed_badly;
	unsigned long err[134];		/* by errno */
};

struct mapping {
	void *addr;
	size_t len;
	bool consumer;			/* writable consumer page */
};

struct thread {
	unsigned int idx;
	pthread_t th;
	uint64_t rng;
	unsigned long n;		/* calls made */
	int priv_fd[PRIV_FILES];	/* -1 when closed */
	struct mapping maps[MAX_MAPS];
	uint8_t *big;			/* BIG_SIZE, read-write */
	uint8_t *arg;			/* ARG_SIZE, read-write */
	uint8_t *guard;			/* a PROT_NONE page after a RW one */
	uint8_t *ro;			/* a read-only page */
	uint8_t *huge;			/* HUGE_SIZE of zeroes, not backed */
	struct stat_op st[OP_COUNT];
	unsigned long bad;		/* undocumented errnos */
};

static struct thread threads[MAX_THREADS];

static uint64_t rnd(struct thread *t)
{
	return splitmix(&t->rng);
}

/* Uniform in [0, n). */
static uint64_t below(struct thread *t, uint64_t n)
{
	return n ? rnd(t) % n : 0;
}

/* True with probability 1/n. */
static bool one_in(struct thread *t, unsigned int n)
{
	return below(t, n) == 0;
}

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - g.t0.tv_sec) +
	       (double)(now.tv_nsec - g.t0.tv_nsec) / 1e9;
}

/* ---- pointers, good and bad ---- */

/* A user pointer that is not good, for a struct or a buffer. */
static uint64_t bad_pointer(struct thread *t, size_t len)
{
	switch (below(t, 8)) {
	case 0:
		return 0;					/* NULL */
	case 1:
		return below(t, 4096);				/* page 0 */
	case 2:
		return (uint64_t)(uintptr_t)t->guard + below(t, g.page);
	case 3:		/* straddles the end of the page before the guard */
		return (uint64_t)(uintptr_t)t->guard - 1 -
		       below(t, len ? len : 1);
	case 4:		/* the direct map and the kernel text */
		return one_in(t, 2) ? 0xffff888000000000ULL + below(t, 1 << 30) :
				      0xffffffff81000000ULL + below(t, 1 << 20);
	case 5:
		return 0x8000000000000000ULL | rnd(t);		/* non-canonical */
	case 6:
		return (uint64_t)(uintptr_t)t->ro;		/* read-only */
	default:
		return rnd(t);
	}
}

/* Usually the thread's big buffer, sometimes a bad pointer. */
static uint64_t buf_pointer(struct thread *t, size_t len)
{
	if (one_in(t, 12))
		return bad_pointer(t, len);
	return (uint64_t)(uintptr_t)t->big;
}

/* ---- struct builders: mostly valid, then mutated ---- */

static uint32_t pick_id(struct thread *t)
{
	switch (below(t, 10)) {
	case 0:
		return 0;
	case 1:
		return 1 + below(t, MAX_IDS + 2);
	case 2:
		return (uint32_t)rnd(t);
	default:
		return 1 + below(t, 8);
	}
}

static uint32_t pick_size(struct thread *t, uint32_t ver0, uint32_t full)
{
	switch (below(t, 10)) {
	case 0:
		return 0;
	case 1:
		return ver0 > 8 ? ver0 - 8 : 4;
	case 2:
		return ver0;
	case 3:
		return full + 8 * (1 + below(t, 8));	/* a tail follows */
	case 4:
		return g.page + below(t, 64);
	case 5:
		return 0xffffffffu - below(t, 16);
	case 6:
		return (uint32_t)rnd(t);
	default:
		return full;
	}
}

static const char *const fn_syms[] = {
	"__x64_sys_getppid", "vfs_read", "do_sys_openat2", "no_such_func_kt",
	"jiffies", "",
};

static const char *const fc_syms[] = {
	"__x64_sys_getppid", "vfs_read", "no_such_func_kt", "jiffies",
	"vfs_rea[d]", "no_such_*_kt",
};

static const char *const tp_syms[] = {
	"sys_enter", "sched_switch", "sched_wak*", "no_such_tp_kt",
	"block_rq_*", "",
};

static const struct ktrace_probe_info *pick_probe(struct thread *t)
{
	if (!g.nr_probes)
		return NULL;
	return &g.probes[below(t, g.nr_probes)];
}

static void pick_str(struct thread *t, char *dst, size_t len,
		     const char *const *list, size_t n)
{
	snprintf(dst, len, "%s", list[below(t, n)]);
}

#define PICK_STR(t, dst, list) \
	pick_str(t, dst, sizeof(dst), list, sizeof(list) / sizeof(list[0]))

/* A request the probe accepts (most of the time), before mutation. */
static void build_enable(struct thread *t, struct ktrace_enable *en)
{
	const struct ktrace_probe_info *p = pick_probe(t);
	uint32_t keys[KTRACE_KEY_MAX + 1], nkeys = 0, k;

	memset(en, 0, sizeof(*en));
	en->size = sizeof(*en);
	if (!p) {
		snprintf(en->probe, sizeof(en->probe), "block_latency");
		return;
	}
	memcpy(en->probe, p->name, sizeof(en->probe));
	for (k = 0; k <= KTRACE_KEY_MAX; k++)
		if (p->keys & (1u << k))
			keys[nkeys++] = k;
	en->key = nkeys ? keys[below(t, nkeys)] : 0;
	en->unit = below(t, KTRACE_UNIT_MAX + 1);
	if ((p->flags & KTRACE_ENABLE_SYMBOL)) {
		en->flags |= KTRACE_ENABLE_SYMBOL;
		if (!strcmp(p->name, "funccount"))
			PICK_STR(t, en->symbol, fc_syms);
		else if (!strcmp(p->name, "tpcount"))
			PICK_STR(t, en->symbol, tp_syms);
		else
			PICK_STR(t, en->symbol, fn_syms);
		if (!en->symbol[0])
			en->flags &= ~KTRACE_ENABLE_SYMBOL;
	}
	if ((p->flags & KTRACE_ENABLE_PID) && one_in(t, 4)) {
		en->flags |= KTRACE_ENABLE_PID;
		en->pid = (uint32_t)syscall(SYS_gettid);
	}
	if ((p->flags & KTRACE_ENABLE_TGID) && one_in(t, 4)) {
		en->flags |= KTRACE_ENABLE_TGID;
		en->tgid = one_in(t, 2) ? (uint32_t)getpid() : 1;
	}
	if ((p->flags & KTRACE_ENABLE_COMM) && one_in(t, 4)) {
		en->flags |= KTRACE_ENABLE_COMM;
		snprintf(en->comm, sizeof(en->comm), "%s",
			 one_in(t, 2) ? "ioctl_fuzz" : "sh");
	}
	if ((p->flags & KTRACE_ENABLE_CGROUP) && one_in(t, 6)) {
		en->flags |= KTRACE_ENABLE_CGROUP;
		en->cgroup_fd = one_in(t, 3) ? (int)below(t, 64) - 1 :
					       g.cgroup_fd;
	}
	if ((p->flags & KTRACE_ENABLE_DEV) && one_in(t, 4)) {
		en->flags |= KTRACE_ENABLE_DEV;
		en->dev = one_in(t, 2) ? g.vda_dev : (uint32_t)rnd(t);
	}
	if ((p->flags & KTRACE_ENABLE_LINEAR) && one_in(t, 3)) {
		uint64_t steps = one_in(t, 8) ? 1 + below(t, 1100) :
						1 + below(t, 62);

		en->flags |= KTRACE_ENABLE_LINEAR;
		en->lin_min = below(t, 1000);
		en->lin_step = 1 + below(t, 1000);
		en->lin_max = en->lin_min + en->lin_step * steps;
		/*
		 * Keyed, 1024 slots take 16 MiB per CPU and set: 64 of them
		 * per file would only test the OOM killer.  Unkeyed here.
		 */
		if (steps > 62)
			en->key = KTRACE_KEY_NONE;
	}
	if (p->opts && one_in(t, 2)) {
		if (!strcmp(p->name, "profile"))
			en->opts = below(t, 200);	/* Hz: TCG is slow */
		else
			en->opts = rnd(t) & p->opts;
	}
}

static void build_disable(struct thread *t, void *buf, uint32_t *full)
{
	struct ktrace_disable *dis = buf;

	*full = sizeof(*dis);
	dis->size = sizeof(*dis);
	dis->id = pick_id(t);
#ifdef KTRACE_DISABLE_SESSION
	if (one_in(t, 8)) {
		dis->flags = KTRACE_DISABLE_SESSION;
		dis->session = 1 + below(t, 2 * g.files + 4);
	}
	if (one_in(t, 4))
		dis->size = KTRACE_DISABLE_SIZE_VER0;
#endif
}

/*
 * Builds command @op's struct at @buf (ARG_SIZE bytes, zeroed) and returns
 * its ioctl number; *full is the struct's size as this program knows it.
 */
static unsigned long build(struct thread *t, enum op op, void *buf,
			   uint32_t *full, uint32_t *ver0)
{
	switch (op) {
	case OP_HANDSHAKE: {
		struct ktrace_handshake *hs = buf;

		*full = sizeof(*hs);
		*ver0 = KTRACE_HANDSHAKE_SIZE_VER0;
		hs->size = sizeof(*hs);
		hs->abi_major = one_in(t, 8) ? below(t, 4) : KTRACE_ABI_MAJOR;
		return KTRACE_IOC_HANDSHAKE;
	}
	case OP_PROBE_LIST: {
		struct ktrace_probe_list *pl = buf;

		*full = sizeof(*pl);
		*ver0 = KTRACE_PROBE_LIST_SIZE_VER0;
		pl->size = sizeof(*pl);
		pl->count = below(t, 24);
		pl->entry_size = one_in(t, 4) ? below(t, 400) :
						sizeof(struct ktrace_probe_info);
		pl->entries = buf_pointer(t, (size_t)pl->count * pl->entry_size);
		return KTRACE_IOC_PROBE_LIST;
	}
	case OP_ENABLE:
		*full = sizeof(struct ktrace_enable);
		*ver0 = KTRACE_ENABLE_SIZE_VER0;
		build_enable(t, buf);
		return KTRACE_IOC_ENABLE;
	case OP_DISABLE:
		*ver0 = KTRACE_DISABLE_SIZE_VER0;
		build_disable(t, buf, full);
		return KTRACE_IOC_DISABLE;
	case OP_READ: {
		struct ktrace_read *rd = buf;

		*full = sizeof(*rd);
		*ver0 = KTRACE_READ_SIZE_VER0;
		rd->size = sizeof(*rd);
		rd->id = pick_id(t);
		rd->flags = one_in(t, 2) ? KTRACE_READ_CLEAR : 0;
		rd->buf_size = one_in(t, 6) ? below(t, 70000) : BIG_SIZE;
		rd->buf = buf_pointer(t, rd->buf_size);
		return KTRACE_IOC_READ;
	}
	case OP_STATS: {
		struct ktrace_stats *st = buf;

		*full = sizeof(*st);
		*ver0 = KTRACE_STATS_SIZE_VER0;
		st->size = sizeof(*st);
		st->id = pick_id(t);
		return KTRACE_IOC_STATS;
	}
	case OP_RING_SETUP: {
		static const uint32_t pages[] = { 1, 1, 2, 4, 8, 16, 3, 0,
						  KTRACE_RING_MAX_PAGES,
						  KTRACE_RING_MAX_PAGES * 2 };
		struct ktrace_ring_setup *rs = buf;

		*full = sizeof(*rs);
		*ver0 = KTRACE_RING_SETUP_SIZE_VER0;
		rs->size = sizeof(*rs);
		rs->data_pages = pages[below(t, sizeof(pages) / sizeof(pages[0]))];
		/* 16 MiB rings per CPU and file: rarely, memory is finite. */
		if (rs->data_pages == KTRACE_RING_MAX_PAGES && !one_in(t, 8))
			rs->data_pages = 32;
		if (one_in(t, 3))
			rs->watermark = below(t, (uint64_t)rs->data_pages *
						  g.page + 2);
		return KTRACE_IOC_RING_SETUP;
	}
	case OP_SYMBOLS: {
		struct ktrace_symbols *sy = buf;

		*full = sizeof(*sy);
		*ver0 = KTRACE_SYMBOLS_SIZE_VER0;
		sy->size = sizeof(*sy);
		sy->id = pick_id(t);
		sy->count = one_in(t, 8) ? (uint32_t)rnd(t) : below(t, 8);
		sy->names = buf_pointer(t, (size_t)sy->count * KTRACE_SYMBOL_LEN);
		return KTRACE_IOC_SYMBOLS;
	}
	case OP_STACKS: {
		struct ktrace_stacks *sk = buf;

		*full = sizeof(*sk);
		*ver0 = KTRACE_STACKS_SIZE_VER0;
		sk->size = sizeof(*sk);
		sk->id = pick_id(t);
		sk->start = one_in(t, 4) ? (uint32_t)rnd(t) : below(t, 4);
		switch (below(t, 4)) {
		case 0:
			sk->buf_size = below(t, 200);
			break;
		case 1:
			sk->buf_size = KTRACE_STACK_REC_MAX;
			break;
		default:
			sk->buf_size = BIG_SIZE;
		}
		sk->buf = buf_pointer(t, sk->buf_size);
		return KTRACE_IOC_STACKS;
	}
#ifdef KTRACE_IOC_STATUS
	case OP_STATUS: {
		struct ktrace_status *st = buf;

		*full = sizeof(*st);
		*ver0 = KTRACE_STATUS_SIZE_VER0;
		st->size = sizeof(*st);
		st->count = one_in(t, 8) ? (uint32_t)rnd(t) : below(t, 16);
		st->entry_size = one_in(t, 4) ? below(t, 1000) :
				 sizeof(struct ktrace_status_entry);
		st->entries = buf_pointer(t, (size_t)st->count * st->entry_size);
		return KTRACE_IOC_STATUS;
	}
#endif
	default:
		return 0;
	}
}

/* Offsets of flag-like and reserved fields a mutation sets bits in. */
static int flags_offset(struct thread *t, enum op op)
{
	switch (op) {
	case OP_HANDSHAKE:
		return offsetof(struct ktrace_handshake, flags);
	case OP_PROBE_LIST:
		return offsetof(struct ktrace_probe_list, flags);
	case OP_ENABLE:
		return offsetof(struct ktrace_enable, flags);
	case OP_READ:
		return offsetof(struct ktrace_read, flags);
	case OP_RING_SETUP:
		return offsetof(struct ktrace_ring_setup, flags);
	case OP_SYMBOLS:
		return offsetof(struct ktrace_symbols, flags);
	case OP_STACKS:
		return offsetof(struct ktrace_stacks, flags);
#ifdef KTRACE_IOC_STATUS
	case OP_STATUS:
		return one_in(t, 2) ? offsetof(struct ktrace_status, flags) :
					 offsetof(struct ktrace_status, reserved);
#endif
	default:
		return -1;
	}
}

/* Changes one thing of the struct at @buf. */
static void mutate(struct thread *t, enum op op, uint8_t *buf, uint32_t full,
		   uint32_t ver0)
{
	uint32_t size, *sz = (uint32_t *)buf;
	int off;

	switch (below(t, 6)) {
	case 0:		/* the size, with a zero or non-zero tail */
		size = pick_size(t, ver0, full);
		*sz = size;
		if (size > full && size <= ARG_SIZE && one_in(t, 2))
			buf[size - 1 - below(t, size - full)] = 1 + below(t, 255);
		break;
	case 1:		/* a flag or reserved field */
		off = flags_offset(t, op);
		if (off >= 0)
			buf[off + below(t, 4)] |= 1u << below(t, 8);
		break;
	case 2:		/* a random byte anywhere */
		buf[4 + below(t, full - 4)] = (uint8_t)rnd(t);
		break;
	case 3:		/* a random 32-bit word */
		((uint32_t *)buf)[1 + below(t, full / 4 - 1)] = (uint32_t)rnd(t);
		break;
	case 4:		/* a bad pointer in place of an aligned u64 */
		off = 8 * (1 + below(t, full / 8 - 1));
		if (off + 8 <= (int)full)
			*(uint64_t *)(buf + off) = bad_pointer(t, 64);
		break;
	default:	/* all of it random */
		for (off = 4; off < (int)full; off++)
			buf[off] = (uint8_t)rnd(t);
		break;
	}
}

/* ---- reporting ---- */

static void failf(struct thread *t, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&report_lock);
	printf("FAIL seed=%" PRIu64 " thread=%u call=%lu: ", g.seed, t->idx,
	       t->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&report_lock);
	t->bad++;
}

static void count(struct thread *t, enum op op, int ret, int err)
{
	struct stat_op *s = &t->st[op];

	s->calls++;
	if (ret >= 0) {
		s->ok++;
		return;
	}
	if (ret == -1 && err > 0 && err < (int)(sizeof(s->err) / sizeof(s->err[0])))
		s->err[err]++;
}

/* ---- the operations ---- */

static int pick_fd(struct thread *t)
{
	unsigned int i = below(t, g.files + PRIV_FILES);

	if (i < g.files)
		return g.shared_fd[i];
	return t->priv_fd[i - g.files];	/* may be -1: EBADF, not ours */
}

static void do_ioctl(struct thread *t, enum op op)
{
	uint32_t full = 0, ver0 = 0, place;
	unsigned long cmd;
	uint64_t arg;
	uint8_t *a = t->arg;
	int fd, ret, err;

	fd = pick_fd(t);
	memset(a, 0, ARG_SIZE);
	if (op == OP_UNKNOWN_NR || op == OP_WRONG_TYPE) {
		/* Types the VFS handles itself ('f', 'T', 'X', 0x94...) aside. */
		static const uint8_t types[] = { 'a', 'k', 'z', 0xbc, 0xbe,
						 0x01, 0xff, 'K' };
		uint32_t nr = op == OP_UNKNOWN_NR ?
			NR_KNOWN + below(t, 256 - NR_KNOWN) : below(t, 16);
		uint32_t type = op == OP_UNKNOWN_NR ? KTRACE_IOC_MAGIC :
			types[below(t, sizeof(types))];

		cmd = _IOC(below(t, 4), type, nr, below(t, 1 << 14));
		*(uint32_t *)a = 64;
		full = 64;
	} else {
		cmd = build(t, op, a, &full, &ver0);
		if (one_in(t, 3))
			mutate(t, op, a, full, ver0);
		if (one_in(t, 16))
			mutate(t, op, a, full, ver0);
		/* The size bits are ignored: any direction and size works. */
		if (one_in(t, 10))
			cmd = _IOC(below(t, 4), KTRACE_IOC_MAGIC, _IOC_NR(cmd),
				   below(t, 1 << 14));
	}
	if (fd < 0)
		return;

	place = below(t, 20);
	if (place == 0) {
		arg = bad_pointer(t, full);
		/* A straddling struct: copy what fits before the guard. */
		if (arg < (uint64_t)(uintptr_t)t->guard &&
		    arg >= (uint64_t)(uintptr_t)t->guard - g.page)
			memcpy((void *)(uintptr_t)arg, a,
			       (uint64_t)(uintptr_t)t->guard - arg);
		/* A read-only struct: it reads well, writing back fails. */
		if (arg == (uint64_t)(uintptr_t)t->ro &&
		    !mprotect(t->ro, g.page, PROT_READ | PROT_WRITE)) {
			memcpy(t->ro, a, full);
			mprotect(t->ro, g.page, PROT_READ);
		}
	} else if (place == 1 && one_in(t, 32)) {
		/* A size of 2^31 or more and as many zero bytes after it. */
		memcpy(t->huge, a, full);
		*(uint32_t *)t->huge = (1U << 31) + below(t, 1 << 16);
		arg = (uint64_t)(uintptr_t)t->huge;
	} else if (place == 1) {
		/* Exactly at the end of the page: a good pointer. */
		arg = (uint64_t)(uintptr_t)t->guard - full;
		memcpy((void *)(uintptr_t)arg, a, full);
	} else {
		arg = (uint64_t)(uintptr_t)a;
	}
	if (g.verbose)
		printf("t%u #%lu %s fd=%d cmd=%#lx arg=%#" PRIx64 "\n", t->idx,
		       t->n, op_names[op], fd, cmd, arg);
	ret = ioctl(fd, cmd, (void *)(uintptr_t)arg);
	err = ret < 0 ? errno : 0;
	count(t, op, ret, err);
	if (ret == -1 && !err_documented(op, err))
		failf(t, "%s fd=%d cmd=%#lx arg=%#" PRIx64
		      " size=%u: errno %d (%s), not documented for it",
		      op_names[op], fd, cmd, arg,
		      arg == (uint64_t)(uintptr_t)a ? *(uint32_t *)a : 0, err,
		      strerror(err));
	if (ret != 0 && ret != -1)	/* not a success, nor an errno */
		failf(t, "%s cmd=%#lx arg=%#" PRIx64 " returned %d",
		      op_names[op], cmd, arg, ret);
}

static struct mapping *free_map(struct thread *t)
{
	unsigned int i;

	for (i = 0; i < MAX_MAPS; i++)
		if (!t->maps[i].addr)
			return &t->maps[i];
	return NULL;
}

static void do_mmap(struct thread *t)
{
	static const uint32_t pages[] = { 1, 2, 4, 8, 16, 32 };
	uint64_t pg = g.page, data, stride, off;
	struct mapping *m = free_map(t);
	int fd = pick_fd(t), prot, flags, err;
	uint32_t cpu = below(t, g.nr_cpus + 1);
	bool consumer = one_in(t, 2);
	size_t len;
	void *p;

	/* Every draw is made whatever the outcome: the sequence stays. */
	data = pages[below(t, sizeof(pages) / sizeof(pages[0]))] * pg;
	stride = 2 * pg + data;
	off = cpu * stride + (consumer ? 0 : pg);
	len = consumer ? pg : pg + data;
	prot = consumer ? PROT_READ | PROT_WRITE : PROT_READ;
	flags = MAP_SHARED;
	switch (below(t, 10)) {
	case 0:
		off += pg * (1 + below(t, 4));
		break;
	case 1:
		len = pg * (1 + below(t, 8));
		break;
	case 2:
		prot = PROT_READ | PROT_WRITE;
		break;
	case 3:
		flags = MAP_PRIVATE;
		break;
	case 4:
		off = (rnd(t) & ~(pg - 1)) >> 1;
		break;
	default:
		break;
	}
	if (!m || fd < 0)
		return;
	p = mmap(NULL, len, prot, flags, fd, (off_t)off);
	err = p == MAP_FAILED ? errno : 0;
	count(t, OP_MMAP, p == MAP_FAILED ? -1 : 0, err);
	if (p == MAP_FAILED) {
		if (!err_documented(OP_MMAP, err))
			failf(t, "mmap fd=%d len=%zu prot=%d flags=%d off=%#" PRIx64
			      ": errno %d (%s), not documented", fd, len, prot,
			      flags, off, err, strerror(err));
		return;
	}
	m->addr = p;
	m->len = len;
	m->consumer = (prot & PROT_WRITE) && (flags & MAP_SHARED);
}

static void do_munmap(struct thread *t)
{
	struct mapping *m = &t->maps[below(t, MAX_MAPS)];
	int ret;

	if (!m->addr)
		return;
	ret = munmap(m->addr, m->len);
	count(t, OP_MUNMAP, ret, errno);
	if (ret)
		failf(t, "munmap %p: %s", m->addr, strerror(errno));
	m->addr = NULL;
}

/* Reads a mapped ring, or writes a consumer position, sane or not. */
static void do_touch(struct thread *t)
{
	struct mapping *m = &t->maps[below(t, MAX_MAPS)];
	uint64_t pos = one_in(t, 2) ? rnd(t) : below(t, 1 << 20);
	volatile uint64_t sum = 0;
	size_t i;

	if (!m->addr)
		return;
	count(t, OP_TOUCH, 0, 0);
	if (m->consumer) {
		struct ktrace_ring_consumer *c = m->addr;

		__atomic_store_n(&c->consumer_pos, pos, __ATOMIC_RELEASE);
		return;
	}
	for (i = 0; i < m->len; i += 512)
		sum += ((volatile uint8_t *)m->addr)[i];
	(void)sum;
}

static void do_reopen(struct thread *t)
{
	int *fd = &t->priv_fd[below(t, PRIV_FILES)];

	count(t, OP_REOPEN, 0, 0);
	if (*fd >= 0) {
		/* Mappings of it keep the file, and its rings, alive. */
		close(*fd);
		*fd = -1;
		return;
	}
	*fd = open(KTRACE_DEVICE, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		failf(t, "open %s: %s", KTRACE_DEVICE, strerror(errno));
}

static void do_poll(struct thread *t)
{
	struct pollfd pfd = { .fd = pick_fd(t), .events = POLLIN };
	int ret;

	if (pfd.fd < 0)
		return;
	ret = poll(&pfd, 1, one_in(t, 8) ? 5 : 0);
	count(t, OP_POLL, ret, errno);
	if (ret < 0)
		failf(t, "poll: %s", strerror(errno));
}

/* Events for the probes: system calls, opens, now and then disk reads. */
static void do_work(struct thread *t)
{
	static char path[] = "/dev/vda";
	void *buf;
	off_t off;
	int fd;

	count(t, OP_WORK, 0, 0);
	switch (below(t, 4)) {
	case 0:
		syscall(SYS_getppid);
		break;
	case 1:
		close(open(one_in(t, 2) ? "/" : "/no/such/file", O_RDONLY));
		break;
	case 2:
		off = (off_t)below(t, 1024) * 4096;
		fd = open(path, O_RDONLY | O_DIRECT);
		if (fd < 0)
			break;
		if (!posix_memalign(&buf, 4096, 4096)) {
			if (pread(fd, buf, 4096, off) < 0)
				(void)0;
			free(buf);
		}
		close(fd);
		break;
	default:
		sched_yield();
		break;
	}
}

static enum op pick_op(struct thread *t)
{
	unsigned int total = 0, i, r;

	for (i = 0; i < OP_COUNT; i++)
		total += op_weight[i];
	r = below(t, total);
	for (i = 0; i < OP_COUNT; i++) {
		if (r < op_weight[i])
			return i;
		r -= op_weight[i];
	}
	return OP_WORK;
}

static void *fuzz_thread(void *arg)
{
	struct thread *t = arg;
	unsigned int i;
	enum op op;

	prctl(PR_SET_NAME, "ioctl_fuzz");
	for (t->n = 0; t->n < g.calls && !g.stop; t->n++) {
		op = pick_op(t);
		switch (op) {
		case OP_MMAP:
			do_mmap(t);
			break;
		case OP_MUNMAP:
			do_munmap(t);
			break;
		case OP_TOUCH:
			do_touch(t);
			break;
		case OP_REOPEN:
			do_reopen(t);
			break;
		case OP_POLL:
			do_poll(t);
			break;
		case OP_WORK:
			do_work(t);
			break;
		default:
			do_ioctl(t, op);
			break;
		}
		if (g.seconds > 0 && !(t->n & 63) && elapsed() > g.seconds)
			g.stop = 1;
	}
	for (i = 0; i < MAX_MAPS; i++)
		if (t->maps[i].addr)
			munmap(t->maps[i].addr, t->maps[i].len);
	for (i = 0; i < PRIV_FILES; i++)
		if (t->priv_fd[i] >= 0)
			close(t->priv_fd[i]);
	return NULL;
}

/* ---- setup ---- */

static void *map_or_die(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static int thread_init(struct thread *t, unsigned int idx)
{
	uint8_t *two;
	unsigned int i;

	t->idx = idx;
	t->rng = g.seed ^ (0x5851f42d4c957f2dULL * (idx + 1));
	t->big = map_or_die(BIG_SIZE, PROT_READ | PROT_WRITE);
	t->arg = map_or_die(ARG_SIZE, PROT_READ | PROT_WRITE);
	two = map_or_die(2 * g.page, PROT_READ | PROT_WRITE);
	if (mprotect(two + g.page, g.page, PROT_NONE))
		return -1;
	t->guard = two + g.page;
	t->ro = map_or_die(g.page, PROT_READ);
	t->huge = mmap(NULL, HUGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t->huge == MAP_FAILED)
		return -1;
	for (i = 0; i < PRIV_FILES; i++)
		t->priv_fd[i] = -1;
	return 0;
}

static int module_info(int fd)
{
	struct ktrace_handshake hs = { .size = sizeof(hs),
				       .abi_major = KTRACE_ABI_MAJOR };
	struct ktrace_probe_list pl = {
		.size = sizeof(pl), .count = 64,
		.entry_size = sizeof(struct ktrace_probe_info),
		.entries = (uint64_t)(uintptr_t)g.probes,
	};
	struct stat st;

	if (ioctl(fd, KTRACE_IOC_HANDSHAKE, &hs) ||
	    ioctl(fd, KTRACE_IOC_PROBE_LIST, &pl))
		return -1;
	g.nr_cpus = hs.nr_cpus;
	g.nr_probes = pl.count < 64 ? pl.count : 64;
	if (!stat("/dev/vda", &st) && S_ISBLK(st.st_mode))
		g.vda_dev = major(st.st_rdev) << 20 | minor(st.st_rdev);
	g.cgroup_fd = open("/sys/fs/cgroup", O_RDONLY | O_DIRECTORY);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ioctl_fuzz [--seed N] [--calls N] [--threads N] [--files N]\n"
		"                  [--seconds S] [--require] [--verbose]\n"
		"  --calls N     calls per thread (default 25000)\n"
		"  --seconds S   stop every thread after S seconds (default: no limit)\n"
		"  --require     fail unless ENABLE, DISABLE, READ, RING_SETUP, mmap\n"
		"                and munmap each succeeded at least once\n");
	exit(2);
}

/* The totals of every thread, and whether the required ones succeeded. */
static int report(void)
{
	static const enum op required[] = {
		OP_HANDSHAKE, OP_ENABLE, OP_DISABLE, OP_READ, OP_STATS,
		OP_RING_SETUP, OP_MMAP, OP_MUNMAP,
	};
	struct stat_op sum[OP_COUNT];
	unsigned long total = 0, bad = 0;
	unsigned int i, op, e;
	int missing = 0;

	memset(sum, 0, sizeof(sum));
	for (i = 0; i < g.threads; i++) {
		bad += threads[i].bad;
		total += threads[i].n;
		for (op = 0; op < OP_COUNT; op++) {
			sum[op].calls += threads[i].st[op].calls;
			sum[op].ok += threads[i].st[op].ok;
			for (e = 0; e < sizeof(sum[op].err) / sizeof(sum[op].err[0]); e++)
				sum[op].err[e] += threads[i].st[op].err[e];
		}
	}
	printf("# seed %" PRIu64 ": %lu calls in %.1f s, %u threads, %u shared files\n",
	       g.seed, total, elapsed(), g.threads, g.files);
	for (i = 0; i < g.threads; i++)
		printf("#   thread %u: %lu calls\n", i, threads[i].n);
	printf("# %-12s %8s %8s  errors\n", "op", "calls", "ok");
	for (op = 0; op < OP_COUNT; op++) {
		if (!sum[op].calls)
			continue;
		printf("# %-12s %8lu %8lu ", op_names[op], sum[op].calls,
		       sum[op].ok);
		for (e = 0; e < sizeof(sum[op].err) / sizeof(sum[op].err[0]); e++)
			if (sum[op].err[e])
				printf(" %s:%lu", strerrorname_np(e) ?: "?",
				       sum[op].err[e]);
		printf("\n");
	}
	for (i = 0; g.require && i < sizeof(required) / sizeof(required[0]); i++) {
		if (sum[required[i]].ok)
			continue;
		printf("FAIL seed=%" PRIu64 ": no %s call succeeded\n", g.seed,
		       op_names[required[i]]);
		missing++;
	}
	printf("# %lu undocumented errors\n", bad);
	return bad || missing ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "calls", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "files", required_argument, NULL, 'f' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "require", no_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	bool seeded = false;
	unsigned int i;
	int c;

	g.calls = 25000;
	g.threads = 4;
	g.files = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			g.seed = strtoull(optarg, NULL, 0);
			seeded = true;
			break;
		case 'n':
			g.calls = strtoul(optarg, NULL, 0);
			break;
		case 't':
			g.threads = strtoul(optarg, NULL, 0);
			break;
		case 'f':
			g.files = strtoul(optarg, NULL, 0);
			break;
		case 'S':
			g.seconds = strtod(optarg, NULL);
			break;
		case 'r':
			g.require = true;
			break;
		case 'v':
			g.verbose = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !g.threads || g.threads > MAX_THREADS ||
	    !g.files || g.files > MAX_FILES)
		usage();
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		g.seed = (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# ioctl_fuzz --seed %" PRIu64 " --calls %lu --threads %u --files %u\n",
	       g.seed, g.calls, g.threads, g.files);
	g.page = sysconf(_SC_PAGESIZE);
	for (i = 0; i < g.files; i++) {
		g.shared_fd[i] = open(KTRACE_DEVICE, O_RDWR | O_CLOEXEC);
		if (g.shared_fd[i] < 0) {
			perror(KTRACE_DEVICE);
			return 2;
		}
	}
	if (module_info(g.shared_fd[0])) {
		perror("handshake");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &g.t0);
	for (i = 0; i < g.threads; i++)
		if (thread_init(&threads[i], i))
			return 2;
	for (i = 0; i < g.threads; i++)
		if (pthread_create(&threads[i].th, NULL, fuzz_thread, &threads[i])) {
			perror("pthread_create");
			return 2;
		}
	for (i = 0; i < g.threads; i++)
		pthread_join(threads[i].th, NULL);
	for (i = 0; i < g.files; i++)
		close(g.shared_fd[i]);
	return report();
}
