// SPDX-License-Identifier: GPL-2.0
/*
 * bpfload K: K BPF_MAP_CREATE (a one-entry array map) and K BPF_PROG_LOAD
 * of the smallest socket filter ("r0 = 0; exit") through syscall(__NR_bpf),
 * each object closed at once: a known number of bpf() calls by command for
 * bpfwatch.  Needs CONFIG_BPF_SYSCALL and root (or unprivileged BPF).
 * Exits 1 on the first call that fails, saying which.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int main(int argc, char **argv)
{
	struct bpf_insn insns[2] = {
		/* r0 = 0 */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static const char license[] = "GPL";
	union bpf_attr attr;
	unsigned long k, i;
	char *end;
	long fd;

	if (argc != 2) {
		fprintf(stderr, "usage: bpfload K\n");
		return 2;
	}
	errno = 0;
	k = strtoul(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || argv[1][0] == '-') {
		fprintf(stderr, "bpfload: invalid K '%s'\nusage: bpfload K\n",
			argv[1]);
		return 2;
	}
	for (i = 0; i < k; i++) {
		memset(&attr, 0, sizeof(attr));
		attr.map_type = BPF_MAP_TYPE_ARRAY;
		attr.key_size = 4;
		attr.value_size = 8;
		attr.max_entries = 1;
		fd = sys_bpf(BPF_MAP_CREATE, &attr);
		if (fd < 0) {
			perror("bpfload: BPF_MAP_CREATE");
			return 1;
		}
		close(fd);

		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		attr.insn_cnt = 2;
		attr.insns = (uint64_t)(uintptr_t)insns;
		attr.license = (uint64_t)(uintptr_t)license;
		fd = sys_bpf(BPF_PROG_LOAD, &attr);
		if (fd < 0) {
			perror("bpfload: BPF_PROG_LOAD");
			return 1;
		}
		close(fd);
	}
	return 0;
}
