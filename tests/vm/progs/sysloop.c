// SPDX-License-Identifier: GPL-2.0
/*
 * sysloop N: N getppid() system calls and nothing else in between, a known
 * number of sys_enter events for counting tests and overhead benchmarks.
 * getppid() takes no argument, but its six argument registers are set to
 * known values: call i (from 0) passes i, 0x1111, 0x2222, 0x3333, 0x4444
 * and 0x5555, for tests of the recorded arguments.
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
		syscall(SYS_getppid, i, 0x1111UL, 0x2222UL, 0x3333UL, 0x4444UL,
			0x5555UL);
	return 0;
}
