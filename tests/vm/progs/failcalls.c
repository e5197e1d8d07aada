// SPDX-License-Identifier: GPL-2.0
/*
 * failcalls K: K close(-1) system calls, each failing with EBADF, a known
 * number of failed calls for syscount -x.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long k, i;
	char *end;

	if (argc != 2) {
		fprintf(stderr, "usage: failcalls K\n");
		return 2;
	}
	errno = 0;
	k = strtoul(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || argv[1][0] == '-') {
		fprintf(stderr, "failcalls: invalid K '%s'\nusage: failcalls K\n",
			argv[1]);
		return 2;
	}
	/* syscall(), not close(): the call must reach the kernel each time. */
	for (i = 0; i < k; i++) {
		if (syscall(SYS_close, -1) != -1 || errno != EBADF) {
			fprintf(stderr, "failcalls: close(-1) did not fail with EBADF\n");
			return 1;
		}
	}
	return 0;
}
