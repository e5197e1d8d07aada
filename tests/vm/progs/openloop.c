// SPDX-License-Identifier: GPL-2.0
/*
 * openloop [-t THREADS] [-g GOFILE] N PATH [open|openat|openat2]: opens
 * PATH read-only N times, closing each, with that raw system call (openat
 * by default; openat2 with O_CLOEXEC too, so its flags come from struct
 * open_how), and nothing else in between: a known number of opens of a
 * known path for opensnoop.  An open that fails (a missing PATH: ENOENT)
 * is counted, not fatal.
 *
 * -t: THREADS threads of this one process each make the N opens, thread i
 * pinned to the i-th CPU this process may run on (modulo their number),
 * all starting at once: a flood from every CPU that a process filter
 * (opensnoop -p) keeps whole.  -g: first wait, polling with stat() (not
 * an open), until GOFILE exists, so a tracer can be pointed at this pid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS	64

struct loop {
	const char *call;
	const char *path;
	unsigned long n;
	int cpu;		/* to pin to, or -1 */
	pthread_barrier_t *start;
	unsigned long failed;
};

static void *run(void *arg)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC };
	struct loop *l = arg;
	cpu_set_t set;
	unsigned long i;
	long fd;

	if (l->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(l->cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	if (l->start)
		pthread_barrier_wait(l->start);
	/* syscall(): libc's open() may pick another call or cache nothing. */
	for (i = 0; i < l->n; i++) {
		if (!strcmp(l->call, "open"))
			fd = syscall(SYS_open, l->path, O_RDONLY);
		else if (!strcmp(l->call, "openat2"))
			fd = syscall(SYS_openat2, AT_FDCWD, l->path, &how,
				     sizeof(how));
		else
			fd = syscall(SYS_openat, AT_FDCWD, l->path, O_RDONLY);
		if (fd < 0)
			l->failed++;
		else
			close((int)fd);
	}
	return NULL;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: openloop [-t THREADS] [-g GOFILE] N PATH [open|openat|openat2]\n");
	return 2;
}

/* The @i-th CPU of @set, modulo the number in it; -1 if it is empty. */
static int nth_cpu(const cpu_set_t *set, int i)
{
	int nr = CPU_COUNT(set), cpu;

	if (!nr)
		return -1;
	i %= nr;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, set) && i-- == 0)
			return cpu;
	return -1;
}

int main(int argc, char **argv)
{
	struct timespec tick = { .tv_nsec = 10000000 };
	struct loop loops[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	pthread_barrier_t start;
	unsigned long n, threads = 0, failed = 0, t;
	const char *call = "openat", *go = NULL;
	struct stat st;
	cpu_set_t set;
	char *end;
	int opt;

	while ((opt = getopt(argc, argv, "+t:g:")) != -1) {
		switch (opt) {
		case 't':
			errno = 0;
			threads = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || !threads ||
			    threads > MAX_THREADS) {
				fprintf(stderr, "openloop: THREADS must be 1 to %d: '%s'\n",
					MAX_THREADS, optarg);
				return usage();
			}
			break;
		case 'g':
			go = optarg;
			break;
		default:
			return usage();
		}
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc == 4)
		call = argv[3];
	if ((argc != 3 && argc != 4) || (strcmp(call, "open") &&
	    strcmp(call, "openat") && strcmp(call, "openat2")))
		return usage();
	errno = 0;
	n = strtoul(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || argv[1][0] == '-') {
		fprintf(stderr, "openloop: invalid N '%s'\n", argv[1]);
		return usage();
	}
	if (sched_getaffinity(0, sizeof(set), &set))
		CPU_ZERO(&set);
	if (threads)
		pthread_barrier_init(&start, NULL, (unsigned int)threads);
	for (t = 0; t < (threads ? threads : 1); t++) {
		loops[t] = (struct loop){
			.call = call, .path = argv[2], .n = n,
			.cpu = threads ? nth_cpu(&set, (int)t) : -1,
			.start = threads ? &start : NULL,
		};
	}
	while (go && stat(go, &st))
		nanosleep(&tick, NULL);
	if (!threads) {
		run(&loops[0]);
		failed = loops[0].failed;
		threads = 1;
	} else {
		for (t = 0; t < threads; t++) {
			if (pthread_create(&th[t], NULL, run, &loops[t])) {
				fprintf(stderr, "openloop: cannot create thread\n");
				return 1;
			}
		}
		for (t = 0; t < threads; t++) {
			pthread_join(th[t], NULL);
			failed += loops[t].failed;
		}
	}
	printf("%lu opened %lu failed\n", threads * n - failed, failed);
	return 0;
}
