// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl bench: tracers run as their users run them, as processes
 * (ktracectl itself, bcc's tools, bpftrace): started with their output in
 * a file, waited for until they print the line that says they are
 * attached, stopped with SIGINT (which makes each print its results), and
 * their output parsed.  The CPU their process used while the workload ran
 * is read from /proc/PID/stat around the measured window.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

/* How long a tracer may take to print its results after SIGINT. */
#define STOP_TIMEOUT_S	180

void bench_ext_arg(struct bench_ext *e, const char *fmt, ...)
{
	size_t room = sizeof(e->strs) - e->used;
	unsigned int n = 0;
	va_list ap;
	int len;

	while (n < BENCH_ARGS - 1 && e->argv[n])
		n++;
	va_start(ap, fmt);
	len = vsnprintf(e->strs + e->used, room, fmt, ap);
	va_end(ap);
	/* Overflow is a bug in the probe table, not a user error. */
	if (n == BENCH_ARGS - 1 || len < 0 || (size_t)len >= room) {
		fprintf(stderr, "ktracectl bench: command line too long\n");
		abort();
	}
	e->argv[n] = e->strs + e->used;
	e->used += len + 1;
}

unsigned long long bench_proc_ticks(pid_t pid)
{
	unsigned long long ut = 0, st = 0;
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* After "(comm)": state is field 3, utime 14 and stime 15. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		return 0;
	return ut + st;
}

static bool file_has(const char *path, const char *what)
{
	char buf[8192];
	bool found = false;
	size_t n;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && (n = fread(buf, 1, sizeof(buf) - 1, f)) > 0) {
		buf[n] = 0;
		found = strstr(buf, what) != NULL;
		/* A match across two reads is missed: the lines are short. */
	}
	fclose(f);
	return found;
}

void bench_ext_last_line(const struct bench_ext *e, char *buf, size_t size)
{
	bench_last_line(e->out_path, buf, size);
}

void bench_last_line(const char *path, char *buf, size_t size)
{
	char line[512];
	FILE *f;

	snprintf(buf, size, "no output");
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0])
			snprintf(buf, size, "%s", line);
	}
	fclose(f);
}

int bench_ext_start(struct bench_ext *e, double timeout_s, char *why,
		    size_t why_size)
{
	static unsigned int seq;
	double end = bench_now() + timeout_s;
	int status, fd;

	snprintf(e->out_path, sizeof(e->out_path), "/tmp/ktbench-ext-%u.out",
		 seq++);
	fd = open(e->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, why_size, "%s: %s", e->out_path, strerror(errno));
		return -1;
	}
	e->pid = fork();
	if (e->pid < 0) {
		snprintf(why, why_size, "fork: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (e->pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		/* bcc's Python tools must not hold their lines back. */
		setenv("PYTHONUNBUFFERED", "1", 1);
		signal(SIGINT, SIG_DFL);
		execvp(e->argv[0], e->argv);
		fprintf(stderr, "exec %s: %s\n", e->argv[0], strerror(errno));
		_exit(127);
	}
	close(fd);
	while (!file_has(e->out_path, e->ready)) {
		if (waitpid(e->pid, &status, WNOHANG) == e->pid) {
			e->pid = 0;
			bench_ext_last_line(e, why, why_size);
			return -1;
		}
		if (bench_now() > end) {
			kill(e->pid, SIGKILL);
			waitpid(e->pid, NULL, 0);
			e->pid = 0;
			snprintf(why, why_size, "not attached after %.0f s",
				 timeout_s);
			return -1;
		}
		bench_sleep(0.05);
	}
	/*
	 * Attached; under TCG a vCPU can still run code translated before
	 * the hooks were patched in, and some tools say so before attaching.
	 */
	bench_sleep(e->settle_s);
	return 0;
}

void bench_ext_mark(struct bench_ext *e)
{
	e->cpu_ticks0 = bench_proc_ticks(e->pid);
	e->wall0 = bench_now();
}

double bench_ext_cpu_pct(struct bench_ext *e)
{
	double wall = bench_now() - e->wall0;
	unsigned long long t = bench_proc_ticks(e->pid);

	if (wall <= 0 || t < e->cpu_ticks0)
		return 0;
	return 100.0 * (t - e->cpu_ticks0) / sysconf(_SC_CLK_TCK) / wall;
}

int bench_ext_stop(struct bench_ext *e, struct bench_hist *h)
{
	double end = bench_now() + STOP_TIMEOUT_S;
	int status;

	if (e->pid <= 0)
		return -1;
	kill(e->pid, SIGINT);
	while (waitpid(e->pid, &status, WNOHANG) != e->pid) {
		if (bench_now() > end) {
			FILE *f = fopen(e->out_path, "a");

			kill(e->pid, SIGKILL);
			waitpid(e->pid, &status, 0);
			e->pid = 0;
			if (f) {
				fprintf(f, "killed: no exit %d s after SIGINT\n",
					STOP_TIMEOUT_S);
				fclose(f);
			}
			return -1;
		}
		bench_sleep(0.05);
	}
	e->pid = 0;
	h->lost_known = e->lost_known;
	return bench_parse_file(e->out_path, e->parse, e->match, h);
}
