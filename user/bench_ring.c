// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl bench: a minimal consumer of ktrace's streamed records, for
 * the streaming rates.  It measures the transport, not the printing: a
 * forked reader enables sys_enter on the worker through a backend (the
 * module's mmap'd ring, or the BPF ring buffer of --backend bpf, through
 * the same backend.h calls stream_run.c makes), reads every record's
 * syscall number, counts it, and counts the LOST records' drops.  Told to
 * stop, it disables, drains what is left and reports delivered and lost.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ktracectl.h"
#include "backend.h"
#include "bench.h"

/*
 * Both backends wake the reader once an eighth of the ring waits, the
 * module through its ring watermark, the BPF programs by querying the
 * ring buffer (kt_ring_flags()); a reader woken per record would measure
 * wakeups, not the transport.  The tail below the mark is read when the
 * reader's poll times out.
 */
#define RING_WAKEUP_DIV	8

struct ring_count {
	__u32 id;
	unsigned long long delivered, lost, sum;
};

/* What the reader answers: first at start, then when stopped. */
struct ring_msg {
	int err;
	unsigned long long delivered, lost;
};

static volatile sig_atomic_t ring_stop;

static void on_stop(int sig)
{
	(void)sig;
	ring_stop = 1;
}

static int count_rec(void *ctx, const struct ktrace_rec *rec)
{
	const struct ktrace_rec_lost *lost = (const void *)rec;
	const struct ktrace_rec_syscall *sc = (const void *)rec;
	struct ring_count *c = ctx;

	if (rec->type == KTRACE_REC_LOST)
		c->lost += lost->full + lost->too_big + lost->reentrant;
	else if (rec->type == KTRACE_REC_SYSCALL && rec->id == c->id) {
		c->delivered++;
		c->sum += sc->nr;	/* read the record, as a consumer would */
	}
	return 0;
}

static void ring_main(bool bpf, pid_t tgid, unsigned int pages, int res_fd)
{
	struct sigaction sa = { .sa_handler = on_stop };
	struct ring_msg m = { 0 };
	struct ktrace_probe_info info;
	struct ktrace_enable en;
	struct ring_count c = { 0 };
	struct kt_lost pend;
	struct backend *b;
	int id;

	sigaction(SIGUSR1, &sa, NULL);
	env.backend = bpf ? BACKEND_BPF : BACKEND_MODULE;
	b = backend_open("sys_enter");	/* says why on stderr */
	if (!b) {
		m.err = -ENOENT;
		goto out;
	}
	m.err = be_probe_info(b, "sys_enter", &info);
	if (!m.err)
		m.err = be_ring_setup(b, pages, pages * (__u32)
				      sysconf(_SC_PAGESIZE) / RING_WAKEUP_DIV);
	if (m.err) {
		warn_err("sys_enter", m.err);
		goto out;
	}
	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "sys_enter");
	set_pid_filter(&en, &info, (__u32)tgid);
	id = be_enable(b, &en);
	if (id < 0) {
		m.err = id;
		warn_err("enable sys_enter", id);
		goto out;
	}
	c.id = (__u32)id;
	if (write(res_fd, &m, sizeof(m)) != sizeof(m))
		_exit(1);
	while (!ring_stop) {
		id = be_ring_poll(b, 100, count_rec, &c);
		if (id < 0 && id != -EINTR)
			break;
	}
	/* Disabled first: then nothing more arrives while draining. */
	be_disable(b, c.id);
	be_ring_consume(b, count_rec, &c);
	if (!be_ring_pending_lost(b, &pend))
		c.lost += pend.full + pend.too_big + pend.reentrant;
	m.delivered = c.delivered;
	m.lost = c.lost;
out:
	if (write(res_fd, &m, sizeof(m)) != sizeof(m))
		_exit(1);
	_exit(0);
}

int bench_ring_start(struct bench_ring_reader *r, bool bpf, pid_t tgid,
		     unsigned int pages, char *why, size_t why_size)
{
	struct pollfd pfd;
	struct ring_msg m;
	int res[2], fd;

	snprintf(r->err_path, sizeof(r->err_path), "/tmp/ktbench-ring-%d.err",
		 (int)tgid);
	if (pipe2(res, O_CLOEXEC)) {
		snprintf(why, why_size, "pipe: %s", strerror(errno));
		return -1;
	}
	r->pid = fork();
	if (r->pid < 0) {
		snprintf(why, why_size, "fork: %s", strerror(errno));
		close(res[0]);
		close(res[1]);
		return -1;
	}
	if (r->pid == 0) {
		close(res[0]);
		fd = open(r->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		ring_main(bpf, tgid, pages, res[1]);
	}
	close(res[1]);
	r->res_fd = res[0];
	/* Loading BPF programs under TCG takes a while. */
	pfd = (struct pollfd){ .fd = r->res_fd, .events = POLLIN };
	if (poll(&pfd, 1, 300 * 1000) != 1 ||
	    read(r->res_fd, &m, sizeof(m)) != sizeof(m) || m.err) {
		bench_last_line(r->err_path, why, why_size);
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
		close(r->res_fd);
		return -1;
	}
	bench_sleep(1);		/* TCG: stale code right after patching */
	return 0;
}

void bench_ring_mark(struct bench_ring_reader *r)
{
	r->cpu_ticks0 = bench_proc_ticks(r->pid);
	r->wall0 = bench_now();
}

double bench_ring_cpu_pct(struct bench_ring_reader *r)
{
	double wall = bench_now() - r->wall0;
	unsigned long long t = bench_proc_ticks(r->pid);

	if (wall <= 0 || t < r->cpu_ticks0)
		return 0;
	return 100.0 * (t - r->cpu_ticks0) / sysconf(_SC_CLK_TCK) / wall;
}

int bench_ring_stop(struct bench_ring_reader *r, unsigned long long *delivered,
		    unsigned long long *lost)
{
	struct ring_msg m;
	int err = -1;

	kill(r->pid, SIGUSR1);
	if (read(r->res_fd, &m, sizeof(m)) == sizeof(m) && !m.err) {
		*delivered = m.delivered;
		*lost = m.lost;
		err = 0;
	}
	close(r->res_fd);
	waitpid(r->pid, NULL, 0);
	unlink(r->err_path);
	return err;
}
