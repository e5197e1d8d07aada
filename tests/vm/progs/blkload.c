// SPDX-License-Identifier: GPL-2.0
/*
 * blkload DEVICE COUNT [BS]: COUNT O_DIRECT reads of BS bytes (default
 * 4096) at random aligned offsets of DEVICE, so each one reaches the disk
 * as a request.  Prints the count done; fails on any error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static unsigned long parse(const char *what, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || !v || s[0] == '-') {
		fprintf(stderr, "blkload: invalid %s '%s'\n", what, s);
		fprintf(stderr, "usage: blkload DEVICE COUNT [BS]\n");
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long count, bs = 4096, i, blocks;
	unsigned long long size;
	unsigned int seed;
	void *buf;
	ssize_t n;
	int fd;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: blkload DEVICE COUNT [BS]\n");
		return 2;
	}
	count = parse("COUNT", argv[2]);
	if (argc == 4)
		bs = parse("BS", argv[3]);
	if (bs % 512) {
		fprintf(stderr, "blkload: BS must be a multiple of 512\n");
		return 2;
	}

	fd = open(argv[1], O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "blkload: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (ioctl(fd, BLKGETSIZE64, &size) < 0) {
		fprintf(stderr, "blkload: size of %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	blocks = size / bs;
	if (!blocks) {
		fprintf(stderr, "blkload: %s smaller than %lu bytes\n", argv[1], bs);
		return 1;
	}
	/* O_DIRECT wants the buffer aligned to the logical block size. */
	if (posix_memalign(&buf, 4096, bs)) {
		fprintf(stderr, "blkload: out of memory\n");
		return 1;
	}
	seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	for (i = 0; i < count; i++) {
		off_t off = (off_t)(rand_r(&seed) % blocks) * (off_t)bs;

		n = pread(fd, buf, bs, off);
		if (n != (ssize_t)bs) {
			fprintf(stderr, "blkload: read %s at %lld: %s\n", argv[1],
				(long long)off, n < 0 ? strerror(errno) : "short read");
			return 1;
		}
	}
	printf("%lu\n", count);
	free(buf);
	close(fd);
	return 0;
}
