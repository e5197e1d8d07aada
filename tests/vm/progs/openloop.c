// SPDX-License-Identifier: GPL-2.0
/*
 * openloop N PATH [open|openat|openat2]: opens PATH read-only N times,
 * closing each, with that raw system call (openat by default; openat2 with
 * O_CLOEXEC too, so its flags come from struct open_how), and nothing else
 * in between: a known number of opens of a known path for opensnoop.  An
 * open that fails (a missing PATH: ENOENT) is counted, not fatal.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC };
	unsigned long n, i, failed = 0;
	const char *call = "openat";
	char *end;
	long fd;

	if (argc == 4)
		call = argv[3];
	if ((argc != 3 && argc != 4) || (strcmp(call, "open") &&
	    strcmp(call, "openat") && strcmp(call, "openat2"))) {
		fprintf(stderr, "usage: openloop N PATH [open|openat|openat2]\n");
		return 2;
	}
	errno = 0;
	n = strtoul(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || argv[1][0] == '-') {
		fprintf(stderr, "openloop: invalid N '%s'\nusage: openloop N PATH\n",
			argv[1]);
		return 2;
	}
	/* syscall(): libc's open() may pick another call or cache nothing. */
	for (i = 0; i < n; i++) {
		if (!strcmp(call, "open"))
			fd = syscall(SYS_open, argv[2], O_RDONLY);
		else if (!strcmp(call, "openat2"))
			fd = syscall(SYS_openat2, AT_FDCWD, argv[2], &how,
				     sizeof(how));
		else
			fd = syscall(SYS_openat, AT_FDCWD, argv[2], O_RDONLY);
		if (fd < 0)
			failed++;
		else
			close((int)fd);
	}
	printf("%lu opened %lu failed\n", n - failed, failed);
	return 0;
}
