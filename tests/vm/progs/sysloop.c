// SPDX-License-Identifier: GPL-2.0
/*
 * sysloop N: N getppid() system calls and nothing else in between, a known
 * number of sys_enter events for counting tests and overhead benchmarks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long n, i;
	char *end;

	if (argc != 2) {
		fprintf(stderr, "usage: sysloop N\n");
		return 2;
	}
	errno = 0;
	n = strtoul(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || argv[1][0] == '-') {
		fprintf(stderr, "sysloop: invalid N '%s'\nusage: sysloop N\n",
			argv[1]);
		return 2;
	}
	/* syscall(), not getppid(): libc must not cache or batch it. */
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}
