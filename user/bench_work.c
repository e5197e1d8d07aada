// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl bench: the workloads.  Each runs in a worker process named
 * "ktbench", forked before any tracer starts, so that every tracer can
 * filter on the worker's pid or name, and the bench's own work (reading
 * results, starting tools) never counts as the workload's.  The parent
 * sends a number of operations down a pipe; the worker runs them and
 * answers with the nanoseconds one operation took on average, timed by
 * itself around the loop only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"

#define BENCH_BS	4096
#define FIO_OUT		"/tmp/ktbench-fio.json"

struct work_msg {
	unsigned long long ops;		/* 0: exit */
	double rate;			/* WORK_SYSCALL pace, < 0: unchanged */
};

static double mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

double bench_now(void)
{
	return mono_ns() / 1e9;
}

void bench_sleep(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

bool bench_have_fio(void)
{
	return !access("/usr/bin/fio", X_OK);
}

const char *bench_work_driver(const struct bench_work_conf *c)
{
	switch (c->work) {
	case WORK_SYSCALL:
		return "getppid() loop";
	case WORK_BLOCK:
		return c->use_fio ? "fio randread psync direct 4k" :
				    "pread O_DIRECT random 4k";
	case WORK_PINGPONG:
		return "2-thread pipe ping-pong";
	case WORK_EXEC:
		return "fork+exec+wait";
	}
	return "?";
}

/* ---- the workloads, in the worker ---- */

static double run_syscalls(unsigned long long ops, double rate)
{
	double t0 = mono_ns(), period = rate > 0 ? 1e9 / rate : 0;
	unsigned long long i;

	for (i = 0; i < ops; i++) {
		/* Paced: spin on the vDSO clock, which makes no syscall. */
		if (period)
			while (mono_ns() < t0 + i * period)
				;
		syscall(SYS_getppid);
	}
	return (mono_ns() - t0) / ops;
}

/* The mean latency fio reports for the reads, in ns; < 0 on failure. */
static double fio_lat_ns(void)
{
	char buf[65536], *p;
	size_t n;
	FILE *f;

	f = fopen(FIO_OUT, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* "read" : { ... "lat_ns" : { "min" : .., "max" : .., "mean" : X */
	p = strstr(buf, "\"read\"");
	p = p ? strstr(p, "\"lat_ns\"") : NULL;
	p = p ? strstr(p, "\"mean\"") : NULL;
	p = p ? strchr(p, ':') : NULL;
	return p ? strtod(p + 1, NULL) : -1;
}

static double run_fio(const char *disk, unsigned long long ops)
{
	char io_size[32];
	int status;
	pid_t pid;

	snprintf(io_size, sizeof(io_size), "--io_size=%llu", ops * BENCH_BS);
	unlink(FIO_OUT);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char fname[128];
		int null = open("/dev/null", O_WRONLY);

		snprintf(fname, sizeof(fname), "--filename=%s", disk);
		dup2(null, 1);
		dup2(null, 2);
		execlp("fio", "fio", "--name=ktbench", fname, "--direct=1",
		       "--rw=randread", "--bs=4k", "--ioengine=psync",
		       "--randrepeat=0", io_size, "--output-format=json",
		       "--output=" FIO_OUT, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -1;
	return fio_lat_ns();
}

static double run_preads(const char *disk, unsigned long long ops)
{
	unsigned long long i, size, blocks;
	unsigned int seed = getpid();
	double t0;
	void *buf;
	int fd;

	fd = open(disk, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (ioctl(fd, BLKGETSIZE64, &size) || size < BENCH_BS ||
	    posix_memalign(&buf, BENCH_BS, BENCH_BS)) {
		close(fd);
		return -1;
	}
	blocks = size / BENCH_BS;
	t0 = mono_ns();
	for (i = 0; i < ops; i++) {
		off_t off = (off_t)(rand_r(&seed) % blocks) * BENCH_BS;

		if (pread(fd, buf, BENCH_BS, off) != BENCH_BS) {
			t0 = -1;
			break;
		}
	}
	free(buf);
	close(fd);
	return t0 < 0 ? -1 : (mono_ns() - t0) / ops;
}

struct pong {
	int in, out;
	unsigned long long ops;
};

static void *pong_thread(void *arg)
{
	struct pong *p = arg;
	unsigned long long i;
	char c;

	for (i = 0; i < p->ops; i++)
		if (read(p->in, &c, 1) != 1 || write(p->out, &c, 1) != 1)
			break;
	return NULL;
}

static double run_pingpong(unsigned long long ops)
{
	int ping[2], pong[2];
	struct pong p;
	unsigned long long i;
	pthread_t t;
	double t0, ns = -1;
	char c = 'x';

	if (pipe(ping))
		return -1;
	if (pipe(pong))
		goto out_ping;
	p = (struct pong){ .in = ping[0], .out = pong[1], .ops = ops };
	if (pthread_create(&t, NULL, pong_thread, &p))
		goto out_pong;
	t0 = mono_ns();
	for (i = 0; i < ops; i++)
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			break;
	if (i == ops)
		ns = (mono_ns() - t0) / ops;
	close(ping[1]);		/* a stuck partner sees EOF */
	pthread_join(t, NULL);
	close(pong[0]);
	close(pong[1]);
	close(ping[0]);
	return ns;
out_pong:
	close(pong[0]);
	close(pong[1]);
out_ping:
	close(ping[0]);
	close(ping[1]);
	return -1;
}

static double run_execs(const char *path, unsigned long long ops)
{
	char *const envp[] = { NULL };
	unsigned long long i;
	int status;
	double t0 = mono_ns();
	pid_t pid;

	for (i = 0; i < ops; i++) {
		pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0) {
			/*
			 * The strings on the stack, written, as a shell's are:
			 * a tracer reads them without faulting, and fork()
			 * leaves the parent's read-only data unmapped in the
			 * child until touched.
			 */
			char file[256], arg0[64], arg1[2] = "0";
			char *argv[] = { arg0, arg1, NULL };
			const char *base = strrchr(path, '/');

			snprintf(file, sizeof(file), "%s", path);
			snprintf(arg0, sizeof(arg0), "%s", base ? base + 1 : path);
			execve(file, argv, envp);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			return -1;
	}
	return (mono_ns() - t0) / ops;
}

static void worker_main(const struct bench_work_conf *c, int cmd_fd,
			int res_fd)
{
	struct work_msg m;
	double rate = c->rate, ns;

	prctl(PR_SET_NAME, BENCH_WORKER_COMM);
	/* Dies with the bench rather than running on. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (read(cmd_fd, &m, sizeof(m)) == sizeof(m) && m.ops) {
		if (m.rate >= 0) {
			rate = m.rate;
			ns = 0;
			if (write(res_fd, &ns, sizeof(ns)) != sizeof(ns))
				break;
			continue;
		}
		switch (c->work) {
		case WORK_SYSCALL:
			ns = run_syscalls(m.ops, rate);
			break;
		case WORK_BLOCK:
			ns = c->use_fio ? run_fio(c->disk, m.ops) :
					  run_preads(c->disk, m.ops);
			break;
		case WORK_PINGPONG:
			ns = run_pingpong(m.ops);
			break;
		case WORK_EXEC:
			ns = run_execs(c->exec_path, m.ops);
			break;
		default:
			ns = -1;
		}
		if (write(res_fd, &ns, sizeof(ns)) != sizeof(ns))
			break;
	}
	_exit(0);
}

int bench_worker_start(struct bench_worker *w, const struct bench_work_conf *c)
{
	int cmd[2], res[2];

	if (pipe2(cmd, O_CLOEXEC))
		return -1;
	if (pipe2(res, O_CLOEXEC)) {
		close(cmd[0]);
		close(cmd[1]);
		return -1;
	}
	w->work = c->work;
	w->pid = fork();
	if (w->pid < 0) {
		close(cmd[0]);
		close(cmd[1]);
		close(res[0]);
		close(res[1]);
		return -1;
	}
	if (w->pid == 0) {
		close(cmd[1]);
		close(res[0]);
		worker_main(c, cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	w->cmd_fd = cmd[1];
	w->res_fd = res[0];
	return 0;
}

static int worker_call(struct bench_worker *w, const struct work_msg *m,
		       double *ns)
{
	if (write(w->cmd_fd, m, sizeof(*m)) != sizeof(*m) ||
	    read(w->res_fd, ns, sizeof(*ns)) != sizeof(*ns))
		return -1;
	return *ns < 0 ? -1 : 0;
}

int bench_worker_run(struct bench_worker *w, unsigned long ops,
		     double *ns_per_op)
{
	struct work_msg m = { .ops = ops, .rate = -1 };

	return worker_call(w, &m, ns_per_op);
}

int bench_worker_pace(struct bench_worker *w, double rate)
{
	struct work_msg m = { .ops = 1, .rate = rate };
	double ns;

	return worker_call(w, &m, &ns);
}

void bench_worker_stop(struct bench_worker *w)
{
	if (w->pid <= 0)
		return;
	close(w->cmd_fd);	/* EOF: the worker exits */
	close(w->res_fd);
	waitpid(w->pid, NULL, 0);
	w->pid = 0;
}
