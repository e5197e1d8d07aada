// SPDX-License-Identifier: GPL-2.0
/*
 * readloop N: N one-byte read()s of /dev/zero, a known number of
 * vfs_read() calls for counting tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long n, i;
	char *end, c;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: readloop N\n");
		return 2;
	}
	errno = 0;
	n = strtoul(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || argv[1][0] == '-') {
		fprintf(stderr, "readloop: invalid N '%s'\n", argv[1]);
		return 2;
	}
	fd = open("/dev/zero", O_RDONLY);
	if (fd < 0) {
		perror("/dev/zero");
		return 1;
	}
	for (i = 0; i < n; i++)
		if (read(fd, &c, 1) != 1) {
			perror("read");
			return 1;
		}
	return 0;
}
