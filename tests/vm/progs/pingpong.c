// SPDX-License-Identifier: GPL-2.0
/*
 * pingpong N: two processes bounce a byte over two pipes N times.  Each
 * side sleeps in read() until the other writes, so every round trip wakes
 * each side about once: a known number of scheduler wakeups, all of tasks
 * named "pingpong", for the runqlat suite.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void xfer(int fd, char *c, int write_it)
{
	ssize_t n;

	do {
		n = write_it ? write(fd, c, 1) : read(fd, c, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1) {
		perror(write_it ? "pingpong: write" : "pingpong: read");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	int ping[2], pong[2], status;
	unsigned long n, i;
	char *end, c = 'x';
	pid_t pid;

	if (argc != 2) {
		fprintf(stderr, "usage: pingpong N\n");
		return 2;
	}
	errno = 0;
	n = strtoul(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || argv[1][0] == '-') {
		fprintf(stderr, "pingpong: invalid N '%s'\nusage: pingpong N\n",
			argv[1]);
		return 2;
	}
	if (pipe(ping) || pipe(pong)) {
		perror("pingpong: pipe");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("pingpong: fork");
		return 1;
	}
	if (pid == 0) {
		/* The echo side: read a ping, answer a pong. */
		for (i = 0; i < n; i++) {
			xfer(ping[0], &c, 0);
			xfer(pong[1], &c, 1);
		}
		_exit(0);
	}
	for (i = 0; i < n; i++) {
		xfer(ping[1], &c, 1);
		xfer(pong[0], &c, 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "pingpong: the echo side failed\n");
		return 1;
	}
	return 0;
}
