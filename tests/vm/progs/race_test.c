// SPDX-License-Identifier: GPL-2.0
/*
 * Races and lifetimes of /dev/ktrace, in a test guest with ktrace.ko
 * loaded (the KASAN/lockdep kernel catches what goes wrong inside):
 *
 *   cycles        both vCPUs make system calls, opens and disk reads while
 *                 other threads enable and disable probes, read and clear
 *                 results, map and unmap the rings and close files with
 *                 instances still enabled, 1000 cycles at least
 *   poll_close    a file closed while a thread sleeps in poll(): the poll
 *                 holds the file, still wakes for a record and returns
 *                 (POLLNVAL: the descriptor is gone), or at its timeout;
 *                 epoll forgets a closed file
 *   ring_after_close  the rings read through their mappings after the
 *                 file is closed, and by a forked child after the parent
 *                 unmapped them: the mapping keeps the file and the pages
 *   ledger        two threads pinned to the two CPUs flood a one-page ring
 *                 under a slow reader: per CPU, exactly
 *                 calls = delivered + LOST records + unreported lost_*,
 *                 and the instance's counters agree
 *   hotplug       CPU 1 goes offline and online again while probes of
 *                 every kind are enabled and events flow; the ledger
 *                 still adds up
 *   rmmod_busy    delete_module() is refused while a file is open, while
 *                 only a mapping holds it, while probes fire; it succeeds
 *                 once all is closed, and the module loads again
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libktrace.h"

#define MODULE_PATH	"/ktrace/ktrace.ko"
#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"
#define MIN_CYCLES	1000
#define FLOOD_COMM	"ktflood"

static int kioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? errno : 0;
}

static int open_dev(void)
{
	return open(KTRACE_DEVICE, O_RDWR | O_CLOEXEC);
}

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

static unsigned int nr_cpus(int fd)
{
	struct ktrace_handshake hs = {
		.size = sizeof(hs), .abi_major = KTRACE_ABI_MAJOR,
	};

	return kioctl(fd, KTRACE_IOC_HANDSHAKE, &hs) ? 0 : hs.nr_cpus;
}

static int ring_setup(int fd, __u32 pages, struct ktrace_ring_setup *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->size = sizeof(*rs);
	rs->data_pages = pages;
	return kioctl(fd, KTRACE_IOC_RING_SETUP, rs);
}

/* Enables @probe with @symbol (or none) for @pid (0: everyone). */
static int enable(int fd, const char *probe, __u32 key, const char *symbol,
		  const char *comm, __u32 pid, __u32 *id)
{
	struct ktrace_enable en;
	int err;

	memset(&en, 0, sizeof(en));
	en.size = sizeof(en);
	en.key = key;
	snprintf(en.probe, sizeof(en.probe), "%s", probe);
	if (symbol) {
		en.flags |= KTRACE_ENABLE_SYMBOL;
		snprintf(en.symbol, sizeof(en.symbol), "%s", symbol);
	}
	if (comm) {
		en.flags |= KTRACE_ENABLE_COMM;
		snprintf(en.comm, sizeof(en.comm), "%s", comm);
	}
	if (pid) {
		en.flags |= KTRACE_ENABLE_PID;
		en.pid = pid;
	}
	err = kioctl(fd, KTRACE_IOC_ENABLE, &en);
	if (!err && id)
		*id = en.id;
	return err;
}

static int disable(int fd, __u32 id)
{
	struct ktrace_disable dis = { .size = KTRACE_DISABLE_SIZE_VER0,
				      .id = id };

	return kioctl(fd, KTRACE_IOC_DISABLE, &dis);
}

static int stats(int fd, __u32 id, struct ktrace_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->id = id;
	return kioctl(fd, KTRACE_IOC_STATS, st);
}

/* Reads (and clears) @id's results into @buf of @size bytes. */
static int read_results(int fd, __u32 id, void *buf, __u32 size, bool clear)
{
	struct ktrace_read rd = {
		.size = sizeof(rd), .id = id, .buf_size = size,
		.buf = (__u64)(uintptr_t)buf,
		.flags = clear ? KTRACE_READ_CLEAR : 0,
	};

	return kioctl(fd, KTRACE_IOC_READ, &rd);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -errno;
	close(fd);
	return ret;
}

/* One CPU's ring as mapped by hand. */
struct ring_map {
	struct ktrace_ring_consumer *cons;
	const struct ktrace_ring_control *ctl;
	size_t ctl_len;
};

static int map_ring(int fd, const struct ktrace_ring_setup *rs,
		    unsigned int cpu, struct ring_map *m)
{
	off_t base = (off_t)(cpu * rs->mmap_stride);
	long pg = page_size();
	void *p;

	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, base);
	if (p == MAP_FAILED)
		return errno;
	m->cons = p;
	m->ctl_len = pg + rs->data_size;
	p = mmap(NULL, m->ctl_len, PROT_READ, MAP_SHARED, fd, base + pg);
	if (p == MAP_FAILED) {
		munmap(m->cons, pg);
		return errno;
	}
	m->ctl = p;
	return 0;
}

static void unmap_ring(struct ring_map *m)
{
	if (m->cons)
		munmap(m->cons, page_size());
	if (m->ctl)
		munmap((void *)m->ctl, m->ctl_len);
	m->cons = NULL;
	m->ctl = NULL;
}

static int drain_ring(struct ring_map *m, kt_rec_cb cb, void *ctx)
{
	return kt_ring_drain(m->cons, m->ctl,
			     (const char *)m->ctl + m->ctl->data_offset,
			     m->ctl->data_size, cb, ctx);
}

/* ---- load: system calls, opens and disk reads on a CPU ---- */

struct load {
	int cpu;		/* -1: not pinned */
	volatile int stop;
	unsigned long loops;
};

static void *load_thread(void *arg)
{
	struct load *l = arg;
	void *buf = NULL;
	int fd;

	if (l->cpu >= 0)
		pin(l->cpu);
	if (posix_memalign(&buf, 4096, 4096))
		return NULL;
	fd = open("/dev/vda", O_RDONLY | O_DIRECT);
	while (!l->stop) {
		syscall(SYS_getppid);
		close(open("/", O_RDONLY));
		if (fd >= 0 && !(l->loops % 16) &&
		    pread(fd, buf, 4096, (off_t)(l->loops % 4096) * 4096) < 0)
			break;
		/* Events all the time, but CPU left for the threads racing. */
		if (!(++l->loops % 32))
			usleep(1000);
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static void start_load(struct load *l, pthread_t *th, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		l[i].cpu = i;
		l[i].stop = 0;
		pthread_create(&th[i], NULL, load_thread, &l[i]);
	}
}

static void stop_load(struct load *l, pthread_t *th, int n)
{
	int i;

	for (i = 0; i < n; i++)
		l[i].stop = 1;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

FIXTURE(race) {
	int unused;
};

FIXTURE_SETUP(race)
{
	int fd = open_dev();

	ASSERT_LE(0, fd) TH_LOG("open %s: %s", KTRACE_DEVICE, strerror(errno));
	close(fd);
}

FIXTURE_TEARDOWN(race)
{
}

/* ---- cycles ---- */

/*
 * What cyclers enable: every kind, tracepoints, kprobes, perf.  The first
 * NR_CHEAP only hook tracepoints that an anchor file keeps attached for
 * the first half of the run, so that most cycles cost a list insertion
 * and a grace period, not a text patch; one cycle in 16 takes one of the
 * others (its own kprobes, perf events or tracepoints).
 */
#define NR_CHEAP	5
static const struct {
	const char *probe;
	__u32 key;
	const char *symbol;
} cycle_probes[] = {
	{ "sys_enter", KTRACE_KEY_NONE, NULL },
	{ "syscount", KTRACE_KEY_SYSCALL, NULL },
	{ "block_latency", KTRACE_KEY_DEV, NULL },
	{ "runqlat", KTRACE_KEY_NONE, NULL },
	{ "opensnoop", KTRACE_KEY_NONE, NULL },
	{ "funccount", KTRACE_KEY_FUNC, "__x64_sys_getppid" },
	{ "trace", KTRACE_KEY_NONE, "__x64_sys_getppid" },
	{ "tpcount", KTRACE_KEY_FUNC, "sys_enter" },
	{ "offcputime", KTRACE_KEY_STACK, NULL },
	{ "profile", KTRACE_KEY_STACK, NULL },
	{ "funclatency", KTRACE_KEY_NONE, "vfs_read" },
	{ "stackcount", KTRACE_KEY_STACK, "__x64_sys_getppid" },
};

#define NR_CYCLE_PROBES (sizeof(cycle_probes) / sizeof(cycle_probes[0]))

struct cycler {
	int idx;
	unsigned int cycles;
	unsigned int done;
	unsigned int enabled, reads, records, mapped_after_close;
	int shared_fd;		/* a long-lived file all cyclers use */
	int *anchor_fd;		/* keeps the cheap probes attached */
	char err[160];
	uint64_t rng;
};

static uint64_t cyc_rand(struct cycler *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return c->rng;
}

static int count_rec(void *ctx, const struct ktrace_rec *rec)
{
	(*(unsigned int *)ctx)++;
	(void)rec;
	return 0;
}

#define CYC_FAIL(c, ...) do { \
	snprintf((c)->err, sizeof((c)->err), __VA_ARGS__); \
	return NULL; \
} while (0)

/* Mostly a cheap probe, one time in 16 any. */
static unsigned int cycle_probe(struct cycler *c)
{
	uint64_t r = cyc_rand(c);

	return r % 16 ? r % NR_CHEAP : (r >> 8) % NR_CYCLE_PROBES;
}

/* 2 MiB: more than any instance's results (a stack probe's are 1.1 MiB). */
#define RESULTS_SIZE	(2u << 20)

static void *cycler_thread(void *arg)
{
	struct cycler *c = arg;
	struct ring_map maps[2];
	struct ktrace_ring_setup rs;
	struct ktrace_stats st;
	unsigned int ncpu, cpu, i, n;
	__u32 ids[4];
	void *buf;
	int fd, err;

	buf = malloc(RESULTS_SIZE);
	if (!buf)
		CYC_FAIL(c, "malloc");
	for (c->done = 0; c->done < c->cycles; c->done++) {
		unsigned int r = (unsigned int)cyc_rand(c);

		fd = open_dev();
		if (fd < 0)
			CYC_FAIL(c, "open: %s", strerror(errno));
		ncpu = nr_cpus(fd);
		if (ncpu > 2)
			ncpu = 2;
		err = ring_setup(fd, 1u << (r % 3), &rs);
		if (err)
			CYC_FAIL(c, "ring setup: %s", strerror(err));
		memset(maps, 0, sizeof(maps));
		for (cpu = 0; cpu < ncpu; cpu++) {
			err = map_ring(fd, &rs, cpu, &maps[cpu]);
			if (err)
				CYC_FAIL(c, "mmap cpu %u: %s", cpu, strerror(err));
		}
		/* Two instances here, one in the shared file. */
		n = 0;
		/* Halfway, the tracepoints detach and attach again. */
		if (c->idx == 0 && c->done == c->cycles / 2) {
			close(*c->anchor_fd);
			*c->anchor_fd = -1;
		}
		for (i = 0; i < 2; i++) {
			unsigned int p = cycle_probe(c);

			err = enable(fd, cycle_probes[p].probe,
				     cycle_probes[p].key,
				     cycle_probes[p].symbol, NULL, 0, &ids[n]);
			if (err)
				CYC_FAIL(c, "enable %s: %s",
					 cycle_probes[p].probe, strerror(err));
			n++;
			c->enabled++;
		}
		i = cycle_probe(c);
		err = 0;
		if ((r & (3u << 30)) == 3u << 30)
			err = enable(c->shared_fd, cycle_probes[i].probe,
				     cycle_probes[i].key,
				     cycle_probes[i].symbol, NULL, 0, &ids[2]);
		/* Another cycler may have filled the shared file: fine. */
		if (err && err != ENOSPC)
			CYC_FAIL(c, "enable %s in the shared file: %s",
				 cycle_probes[i].probe, strerror(err));
		if (!err && (r & (3u << 30)) == 3u << 30)
			c->enabled++;

		syscall(SYS_getppid);
		i = (r >> 20) & 1;
		err = read_results(fd, ids[i], buf, RESULTS_SIZE, r & (1u << 21));
		/* Streaming instances have no results: EINVAL. */
		if (err && err != EINVAL)
			CYC_FAIL(c, "read: %s", strerror(err));
		if (!err)
			c->reads++;
		if (stats(fd, ids[i ^ 1], &st))
			CYC_FAIL(c, "stats: %s", strerror(errno));
		for (cpu = 0; cpu < ncpu; cpu++)
			if (drain_ring(&maps[cpu], count_rec, &c->records) < 0)
				CYC_FAIL(c, "ring %u is corrupt", cpu);
		/* Disable one here; the other goes with the file. */
		if (r & (1u << 22)) {
			err = disable(fd, ids[0]);
			if (err)
				CYC_FAIL(c, "disable: %s", strerror(err));
		}
		/* Instances of the shared file: read, then maybe disable. */
		i = 1 + (r >> 24) % 16;
		err = 0;
		if ((r & (3u << 26)) == 3u << 26)
			err = read_results(c->shared_fd, i, buf, RESULTS_SIZE,
					   true);
		if (err && err != ENOENT && err != EINVAL)
			CYC_FAIL(c, "read shared: %s", strerror(err));
		if ((r & (3u << 28)) == 3u << 28) {
			err = disable(c->shared_fd, i);
			if (err && err != ENOENT)
				CYC_FAIL(c, "disable shared: %s", strerror(err));
		}
		if (r & (1u << 29)) {
			/* Closed with the rings mapped: still readable. */
			close(fd);
			syscall(SYS_getppid);
			for (cpu = 0; cpu < ncpu; cpu++)
				if (drain_ring(&maps[cpu], count_rec,
					       &c->records) < 0)
					CYC_FAIL(c, "ring %u after close", cpu);
			c->mapped_after_close++;
			for (cpu = 0; cpu < ncpu; cpu++)
				unmap_ring(&maps[cpu]);	/* the last unmap frees */
		} else {
			for (cpu = 0; cpu < ncpu; cpu++)
				unmap_ring(&maps[cpu]);
			close(fd);
		}
	}
	free(buf);
	return NULL;
}

TEST_F_TIMEOUT(race, cycles, 600)
{
	struct ktrace_ring_setup rs;
	struct cycler cyc[2];
	struct load load[2];
	pthread_t lt[2], ct[2];
	unsigned int total = 0, i;
	int shared = open_dev(), anchor = open_dev();
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_LE(0, shared);
	ASSERT_EQ(0, ring_setup(shared, 1, &rs));	/* nobody drains it */
	ASSERT_LE(0, anchor);
	ASSERT_EQ(0, ring_setup(anchor, 1, &rs));
	for (i = 0; i < NR_CHEAP; i++)
		ASSERT_EQ(0, enable(anchor, cycle_probes[i].probe,
				    cycle_probes[i].key, cycle_probes[i].symbol,
				    "no-such-task", 0, NULL));
	start_load(load, lt, 2);
	for (i = 0; i < 2; i++) {
		memset(&cyc[i], 0, sizeof(cyc[i]));
		cyc[i].idx = i;
		cyc[i].cycles = MIN_CYCLES / 2;
		cyc[i].shared_fd = shared;
		cyc[i].anchor_fd = &anchor;
		cyc[i].rng = 0x9e3779b97f4a7c15ULL * (i + 1) ^ (uint64_t)time(NULL);
		pthread_create(&ct[i], NULL, cycler_thread, &cyc[i]);
	}
	for (i = 0; i < 2; i++)
		pthread_join(ct[i], NULL);
	stop_load(load, lt, 2);
	close(shared);
	if (anchor >= 0)
		close(anchor);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, cyc[i].err[0]) TH_LOG("cycler %u, cycle %u: %s",
						   i, cyc[i].done, cyc[i].err);
		total += cyc[i].done;
		TH_LOG("cycler %u: %u cycles, %u enabled, %u reads, %u records, %u read after close",
		       i, cyc[i].done, cyc[i].enabled, cyc[i].reads,
		       cyc[i].records, cyc[i].mapped_after_close);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("%u cycles in %.1f s", total, (double)(t1.tv_sec - t0.tv_sec) +
	       (t1.tv_nsec - t0.tv_nsec) / 1e9);
	EXPECT_LE(MIN_CYCLES, total);
	EXPECT_LT(0, load[0].loops);
	EXPECT_LT(0, load[1].loops);
}

/* ---- poll and close ---- */

struct poller {
	int fd;
	int timeout_ms;
	volatile int in_poll;
	int ret;
	short revents;
	int err;
};

static void *poll_thread(void *arg)
{
	struct poller *p = arg;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };

	p->in_poll = 1;
	p->ret = poll(&pfd, 1, p->timeout_ms);
	p->err = p->ret < 0 ? errno : 0;
	p->revents = pfd.revents;
	return NULL;
}

struct trigger {
	volatile pid_t tid;
	volatile int go, stop;
};

static void *trigger_thread(void *arg)
{
	struct trigger *tr = arg;

	tr->tid = (pid_t)syscall(SYS_gettid);
	/* Traced from here on: no system call until told, not even a sleep. */
	while (!__atomic_load_n(&tr->go, __ATOMIC_ACQUIRE))
		;
	while (!tr->stop) {
		syscall(SYS_getppid);
		usleep(10000);
	}
	return NULL;
}

TEST_F_TIMEOUT(race, poll_close, 120)
{
	struct ktrace_ring_setup rs;
	struct poller p = { .timeout_ms = 20000 };
	struct trigger tr = { 0 };
	struct timespec a, b;
	pthread_t pt, tt;
	double secs;
	int fd = open_dev();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ring_setup(fd, 1, &rs));
	pthread_create(&tt, NULL, trigger_thread, &tr);
	while (!tr.tid)
		usleep(1000);
	ASSERT_EQ(0, enable(fd, "sys_enter", 0, NULL, NULL, tr.tid, NULL));

	/* A poller asleep on the file; the file is closed under it. */
	p.fd = fd;
	pthread_create(&pt, NULL, poll_thread, &p);
	while (!p.in_poll)
		usleep(1000);
	usleep(300000);
	clock_gettime(CLOCK_MONOTONIC, &a);
	close(fd);
	/*
	 * The poll table holds the file, so the instance still records and
	 * a record wakes the poller; poll() then looks the descriptor up
	 * again and finds it closed: POLLNVAL.
	 */
	tr.go = 1;
	pthread_join(pt, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	tr.stop = 1;
	pthread_join(tt, NULL);
	secs = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	EXPECT_EQ(1, p.ret) TH_LOG("poll: %d (%s)", p.ret, strerror(p.err));
	EXPECT_TRUE(p.revents & (POLLIN | POLLNVAL))
		TH_LOG("revents %#x", p.revents);
	EXPECT_GT(15.0, secs) TH_LOG("poll returned after %.1f s", secs);

	/* Nothing to wake it: it returns at its timeout, file closed. */
	fd = open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ring_setup(fd, 1, &rs));
	p.fd = fd;
	p.timeout_ms = 1000;
	p.in_poll = 0;
	pthread_create(&pt, NULL, poll_thread, &p);
	while (!p.in_poll)
		usleep(1000);
	usleep(100000);
	close(fd);
	pthread_join(pt, NULL);
	EXPECT_LE(0, p.ret) TH_LOG("poll: %s", strerror(p.err));
}

TEST_F_TIMEOUT(race, epoll_close, 60)
{
	struct ktrace_ring_setup rs;
	struct epoll_event ev = { .events = EPOLLIN };
	struct trigger tr = { 0 };
	pthread_t tt;
	int fd = open_dev(), ep;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ring_setup(fd, 1, &rs));
	pthread_create(&tt, NULL, trigger_thread, &tr);
	while (!tr.tid)
		usleep(1000);
	ASSERT_EQ(0, enable(fd, "sys_enter", 0, NULL, NULL, tr.tid, NULL));
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	/* Closing the only reference releases the file: epoll drops it. */
	close(fd);
	tr.go = 1;
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 500));
	tr.stop = 1;
	pthread_join(tt, NULL);
	close(ep);
}

/* ---- the ring after close ---- */

struct own_ctx {
	pid_t tid;
	unsigned int mine, other;
};

static int own_rec(void *vctx, const struct ktrace_rec *rec)
{
	struct own_ctx *c = vctx;
	const struct ktrace_rec_syscall *sc = (const void *)rec;

	if (rec->type == KTRACE_REC_SYSCALL && sc->pid == (__u32)c->tid &&
	    sc->nr == SYS_getppid)
		c->mine++;
	else
		c->other++;
	return 0;
}

TEST_F_TIMEOUT(race, ring_after_close, 120)
{
	struct ktrace_ring_setup rs;
	struct ring_map maps[64];
	struct own_ctx ctx = { .tid = (pid_t)syscall(SYS_gettid) };
	unsigned int ncpu, cpu, i;
	int fd = open_dev(), status;
	pid_t child;
	__u32 id;

	ASSERT_LE(0, fd);
	ncpu = nr_cpus(fd);
	ASSERT_LT(0, ncpu);
	ASSERT_GE(64, ncpu);
	ASSERT_EQ(0, ring_setup(fd, 4, &rs));
	memset(maps, 0, sizeof(maps));
	for (cpu = 0; cpu < ncpu; cpu++)
		ASSERT_EQ(0, map_ring(fd, &rs, cpu, &maps[cpu]));
	ASSERT_EQ(0, enable(fd, "sys_enter", 0, NULL, NULL, ctx.tid, &id));
	/* The mappings hold the file: its instance still records. */
	close(fd);
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	for (cpu = 0; cpu < ncpu; cpu++)
		ASSERT_LE(0, drain_ring(&maps[cpu], own_rec, &ctx));
	EXPECT_EQ(100, ctx.mine);

	/* A child inherits the mappings; the parent lets go of them. */
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct own_ctx cc = { .tid = (pid_t)syscall(SYS_gettid) };
		int bad = 0;

		usleep(200000);		/* the parent unmaps meanwhile */
		for (i = 0; i < 50; i++)
			syscall(SYS_getppid);
		for (cpu = 0; cpu < ncpu; cpu++) {
			if (drain_ring(&maps[cpu], own_rec, &cc) < 0)
				bad = 1;
			/* The parent's records are in there too. */
			bad |= maps[cpu].ctl->version != KTRACE_RING_VERSION;
		}
		for (cpu = 0; cpu < ncpu; cpu++)
			unmap_ring(&maps[cpu]);	/* the last reference */
		_exit(bad ? 2 : 0);
	}
	for (cpu = 0; cpu < ncpu; cpu++)
		unmap_ring(&maps[cpu]);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* ---- the loss ledger ---- */

struct flood {
	int cpu;
	unsigned int calls;
	volatile int ready, start, done, release;
};

static void *flood_thread(void *arg)
{
	struct flood *f = arg;
	unsigned int i;

	pin(f->cpu);
	prctl(PR_SET_NAME, FLOOD_COMM);
	/* From here on, no system call but the counted ones. */
	__atomic_store_n(&f->ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&f->start, __ATOMIC_ACQUIRE))
		;
	for (i = 0; i < f->calls; i++)
		syscall(SYS_getppid);
	__atomic_store_n(&f->done, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&f->release, __ATOMIC_ACQUIRE))
		;
	return NULL;
}

struct ledger_cpu {
	__u64 delivered, lost, other;
};

struct ledger {
	__u32 id;
	struct ledger_cpu cpu[64];
	__u64 bad;
};

static int ledger_rec(void *vctx, const struct ktrace_rec *rec)
{
	struct ledger *l = vctx;
	const struct ktrace_rec_syscall *sc = (const void *)rec;
	struct ledger_cpu *c;

	if (rec->cpu >= 64) {
		l->bad++;
		return 0;
	}
	c = &l->cpu[rec->cpu];
	if (rec->type == KTRACE_REC_LOST) {
		const struct ktrace_rec_lost *lo = (const void *)rec;

		c->lost += lo->full + lo->too_big + lo->reentrant;
	} else if (rec->type == KTRACE_REC_SYSCALL && rec->id == l->id &&
		   sc->nr == SYS_getppid && !strcmp(sc->comm, FLOOD_COMM)) {
		c->delivered++;
	} else {
		c->other++;
	}
	return 0;
}

/*
 * Floods a 1-page ring from one thread per CPU (@cpus of them, pinned,
 * @calls getppid() each), drained every @sleep_us by this thread while
 * @during runs (if not NULL) and checks the ledger.  Returns the drops.
 */
static __u64 run_ledger(struct __test_metadata *_metadata, unsigned int cpus,
			unsigned int calls, unsigned int sleep_us,
			void (*during)(struct __test_metadata *, void *),
			void *arg, bool per_cpu)
{
	struct flood f[2];
	pthread_t th[2];
	struct ktrace_stats st;
	struct ledger *l;
	struct kt_lost pend;
	struct kt *kt;
	__u64 delivered = 0, dropped = 0, cpu_total;
	unsigned int i, cpu, all_done;
	int id;

	l = calloc(1, sizeof(*l));
	if (!l)
		return 0;
	EXPECT_EQ(0, kt_open(&kt));
	EXPECT_EQ(0, kt_ring_setup(kt, 1, 0));
	for (i = 0; i < cpus; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		f[i].cpu = i;
		f[i].calls = calls;
		pthread_create(&th[i], NULL, flood_thread, &f[i]);
		while (!__atomic_load_n(&f[i].ready, __ATOMIC_ACQUIRE))
			usleep(1000);
	}
	{
		struct ktrace_enable en;

		memset(&en, 0, sizeof(en));
		snprintf(en.probe, sizeof(en.probe), "sys_enter");
		en.flags = KTRACE_ENABLE_COMM;
		snprintf(en.comm, sizeof(en.comm), FLOOD_COMM);
		id = kt_enable(kt, &en);
	}
	EXPECT_LT(0, id);
	l->id = (__u32)id;
	for (i = 0; i < cpus; i++)
		__atomic_store_n(&f[i].start, 1, __ATOMIC_RELEASE);
	if (during)
		during(_metadata, arg);
	do {
		usleep(sleep_us);	/* a slow reader */
		EXPECT_LE(0, kt_ring_consume(kt, ledger_rec, l));
		all_done = 1;
		for (i = 0; i < cpus; i++)
			all_done &= __atomic_load_n(&f[i].done, __ATOMIC_ACQUIRE);
	} while (!all_done);
	EXPECT_EQ(0, kt_stats(kt, (__u32)id, &st));
	EXPECT_EQ(0, kt_disable(kt, (__u32)id));
	for (i = 0; i < cpus; i++) {
		__atomic_store_n(&f[i].release, 1, __ATOMIC_RELEASE);
		pthread_join(th[i], NULL);
	}
	EXPECT_LE(0, kt_ring_consume(kt, ledger_rec, l));

	for (cpu = 0; cpu < kt_ring_count(kt) && cpu < 64; cpu++) {
		const struct ktrace_ring_control *ctl = kt_ring_control(kt, cpu);

		if (!ctl)
			continue;
		EXPECT_EQ(0, kt_ring_pending_lost(kt, cpu, &pend));
		cpu_total = l->cpu[cpu].delivered + l->cpu[cpu].lost +
			    pend.full + pend.too_big + pend.reentrant;
		TH_LOG("cpu %u: delivered %llu, LOST records %llu, unreported %llu, written %llu",
		       cpu, (unsigned long long)l->cpu[cpu].delivered,
		       (unsigned long long)l->cpu[cpu].lost,
		       (unsigned long long)(pend.full + pend.too_big +
					    pend.reentrant),
		       (unsigned long long)ctl->records);
		/* Only this instance writes here: every record is one. */
		EXPECT_EQ(ctl->records, l->cpu[cpu].delivered);
		EXPECT_EQ(ctl->lost_full + ctl->lost_too_big +
			  ctl->lost_reentrant,
			  l->cpu[cpu].lost + pend.full + pend.too_big +
			  pend.reentrant);
		EXPECT_EQ(0, l->cpu[cpu].other);
		/* Pinned: each CPU saw exactly its thread's calls. */
		if (per_cpu)
			EXPECT_EQ(cpu < cpus ? calls : 0, cpu_total)
				TH_LOG("cpu %u ledger", cpu);
		delivered += l->cpu[cpu].delivered;
		dropped += cpu_total - l->cpu[cpu].delivered;
	}
	EXPECT_EQ(0, l->bad);
	EXPECT_EQ((__u64)cpus * calls, delivered + dropped);
	/* The instance's counters tell the same story. */
	EXPECT_EQ((__u64)cpus * calls, st.hits - st.filtered);
	EXPECT_EQ(delivered, st.recorded);
	EXPECT_EQ(dropped, st.drop_ring_full + st.drop_too_big +
		  st.drop_reentrant);
	kt_close(kt);
	free(l);
	return dropped;
}

TEST_F_TIMEOUT(race, ledger, 300)
{
	__u64 dropped = run_ledger(_metadata, 2, 50000, 20000, NULL, NULL,
				   true);

	EXPECT_LT(0, dropped) TH_LOG("a 1-page ring and a slow reader drop");
}

/* ---- CPU hotplug ---- */

static void hotplug_cycles(struct __test_metadata *_metadata, void *arg)
{
	int n = *(int *)arg, i;

	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, write_file(CPU1_ONLINE, "0"));
		usleep(200000);
		EXPECT_EQ(0, write_file(CPU1_ONLINE, "1"));
		usleep(200000);
	}
}

TEST_F_TIMEOUT(race, hotplug, 600)
{
	static const struct {
		const char *probe;
		__u32 key;
		const char *symbol;
	} aggs[] = {
		{ "syscount", KTRACE_KEY_SYSCALL, NULL },
		{ "runqlat", KTRACE_KEY_NONE, NULL },
		{ "block_latency", KTRACE_KEY_DEV, NULL },
		{ "profile", KTRACE_KEY_STACK, NULL },
		{ "offcputime", KTRACE_KEY_STACK, NULL },
		{ "tpcount", KTRACE_KEY_CPU, "sched_switch" },
		{ "funccount", KTRACE_KEY_FUNC, "__x64_sys_getppid" },
	};
	struct ktrace_ring_setup rs;
	struct load load[2];
	pthread_t lt[2];
	__u32 ids[8];
	void *buf;
	int fd, i, cycles = 3;

	if (access(CPU1_ONLINE, W_OK))
		SKIP(return, "no %s", CPU1_ONLINE);
	buf = malloc(RESULTS_SIZE);
	ASSERT_NE(NULL, buf);
	fd = open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ring_setup(fd, 4, &rs));
	for (i = 0; i < 7; i++)
		ASSERT_EQ(0, enable(fd, aggs[i].probe, aggs[i].key,
				    aggs[i].symbol, NULL, 0, &ids[i]))
			TH_LOG("probe %d of aggs[]", i);
	ASSERT_EQ(0, enable(fd, "opensnoop", 0, NULL, NULL, 0, &ids[7]));
	start_load(load, lt, 2);
	/* Offline and online CPU 1 under a flood with exact accounting. */
	run_ledger(_metadata, 2, 20000, 20000, hotplug_cycles, &cycles,
		   false);
	stop_load(load, lt, 2);
	ASSERT_EQ(0, write_file(CPU1_ONLINE, "1"));
	for (i = 0; i < 7; i++)
		EXPECT_EQ(0, read_results(fd, ids[i], buf, RESULTS_SIZE, true))
			TH_LOG("probe %d of aggs[]", i);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, disable(fd, ids[i]));
	close(fd);
	free(buf);
}

/* ---- module lifetime ---- */

static int delete_module(void)
{
	return syscall(SYS_delete_module, "ktrace", O_NONBLOCK) ? errno : 0;
}

static int load_module(void)
{
	int fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return errno;
	err = syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
	close(fd);
	return err;
}

static bool busy(int err)
{
	return err == EBUSY || err == EAGAIN;
}

TEST_F_TIMEOUT(race, rmmod_busy, 120)
{
	struct ktrace_ring_setup rs;
	struct ring_map m = { 0 };
	struct load load[2];
	pthread_t lt[2];
	int fd, err;

	fd = open_dev();
	ASSERT_LE(0, fd);
	err = delete_module();
	EXPECT_TRUE(busy(err)) TH_LOG("open file: %s", strerror(err));

	/* Probes firing on both CPUs. */
	ASSERT_EQ(0, ring_setup(fd, 1, &rs));
	ASSERT_EQ(0, enable(fd, "sys_enter", 0, NULL, NULL, 0, NULL));
	ASSERT_EQ(0, enable(fd, "syscount", KTRACE_KEY_SYSCALL, NULL, NULL, 0,
			    NULL));
	start_load(load, lt, 2);
	usleep(200000);
	err = delete_module();
	EXPECT_TRUE(busy(err)) TH_LOG("probes firing: %s", strerror(err));

	/* Only a mapping holds the file now. */
	ASSERT_EQ(0, map_ring(fd, &rs, 0, &m));
	close(fd);
	err = delete_module();
	EXPECT_TRUE(busy(err)) TH_LOG("mapped ring: %s", strerror(err));
	stop_load(load, lt, 2);
	unmap_ring(&m);		/* releases the file and its instances */

	EXPECT_EQ(0, delete_module());
	EXPECT_NE(0, access(KTRACE_DEVICE, F_OK));
	ASSERT_EQ(0, load_module());
	fd = open_dev();
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_HARNESS_MAIN
