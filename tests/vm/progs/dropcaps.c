// SPDX-License-Identifier: GPL-2.0
/*
 * dropcaps [-u UID] [-c CAP[,CAP...]] -- PROGRAM [ARGS...]: runs PROGRAM
 * as UID (default 65534, nobody) with exactly the named capabilities
 * (perfmon, syslog, sys_admin, bpf; none by default), so the permission
 * tests can ask what ktrace lets each kind of caller do.  The
 * capabilities survive the exec as ambient capabilities.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON	38
#endif
#ifndef CAP_BPF
#define CAP_BPF		39
#endif

static const struct {
	const char *name;
	int cap;
} caps[] = {
	{ "perfmon", CAP_PERFMON },
	{ "syslog", CAP_SYSLOG },
	{ "sys_admin", CAP_SYS_ADMIN },
	{ "bpf", CAP_BPF },
};

static void usage(void)
{
	fprintf(stderr, "usage: dropcaps [-u UID] [-c CAP[,CAP...]] -- PROGRAM [ARGS...]\n");
	exit(2);
}

/* Adds the capabilities named in @list to @set (two 32-bit words). */
static void parse_caps(char *list, __u32 set[2])
{
	char *name, *save = NULL;
	size_t i;

	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
			if (!strcmp(name, caps[i].name))
				break;
		if (i == sizeof(caps) / sizeof(caps[0])) {
			fprintf(stderr, "dropcaps: unknown capability '%s'\n",
				name);
			usage();
		}
		set[caps[i].cap / 32] |= 1u << (caps[i].cap % 32);
	}
}

int main(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	__u32 set[2] = { 0, 0 };
	uid_t uid = 65534;
	int opt, cap;

	while ((opt = getopt(argc, argv, "+u:c:")) != -1) {
		switch (opt) {
		case 'u':
			uid = (uid_t)strtoul(optarg, NULL, 10);
			break;
		case 'c':
			parse_caps(optarg, set);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();

	/* Keep the permitted set across the uid change, then trim it. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) ||
	    setresgid(uid, uid, uid) || setgroups(0, NULL) ||
	    setresuid(uid, uid, uid)) {
		perror("dropcaps: setuid");
		return 1;
	}
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = data[0].inheritable = set[0];
	data[1].effective = data[1].permitted = data[1].inheritable = set[1];
	if (syscall(SYS_capset, &hdr, data)) {
		perror("dropcaps: capset");
		return 1;
	}
	for (cap = 0; cap < 64; cap++) {
		if (!(set[cap / 32] & (1u << (cap % 32))))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0)) {
			perror("dropcaps: ambient");
			return 1;
		}
	}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "dropcaps: %s: %s\n", argv[optind], strerror(errno));
	return 127;
}
