// SPDX-License-Identifier: GPL-2.0
/*
 * sysloop N: N getppid() system calls and nothing else in between, a known
 * number of sys_enter events for counting tests and overhead benchmarks.
 * getppid() takes no argument, but its six argument registers are set to
 * known values: call i (from 0) passes i, 0x1111, 0x2222, 0x3333, 0x4444
 * and 0x5555, for tests of the recorded arguments.
 *
 * sysloop -32 N: the same calls through int $0x80, the entry of 32-bit
 * programs, as one makes them: getppid() is number 64 there, and the
 * arguments go in ebx, ecx, edx, esi, edi and ebp.  A kernel without
 * IA32 emulation kills the process with SIGSEGV at the first one, and
 * logs a general protection fault: check for it first (the test suites
 * look for __ia32_sys_getppid in /proc/kallsyms).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define IA32_NR_GETPPID	64

/*
 * int80(nr, a0, a1, a2, a3, a4, a5): a 32-bit system call.  In assembly
 * of its own because ebp, the sixth argument, cannot be an operand of
 * inline assembly.
 */
long int80(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
__asm__(".text\n"
	".globl int80\n"
	".type int80, @function\n"
	"int80:\n"
	"	push %rbx\n"
	"	push %rbp\n"
	"	mov 24(%rsp), %rbp\n"	/* a5, above the return address */
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rbx\n"
	"	mov %rcx, %r10\n"
	"	mov %rdx, %rcx\n"
	"	mov %r10, %rdx\n"
	"	mov %r8, %rsi\n"
	"	mov %r9, %rdi\n"
	"	int $0x80\n"
	"	pop %rbp\n"
	"	pop %rbx\n"
	"	ret\n"
	".size int80, .-int80\n");

static void usage(void)
{
	fprintf(stderr, "usage: sysloop [-32] N\n");
}

int main(int argc, char **argv)
{
	unsigned long n, i;
	int ia32 = argc == 3 && !strcmp(argv[1], "-32");
	const char *arg = argv[argc - 1];
	char *end;

	if (argc != 2 && !ia32) {
		usage();
		return 2;
	}
	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-') {
		fprintf(stderr, "sysloop: invalid N '%s'\n", arg);
		usage();
		return 2;
	}
	/* syscall(), not getppid(): libc must not cache or batch it. */
	for (i = 0; i < n; i++) {
		if (ia32)
			int80(IA32_NR_GETPPID, i, 0x1111, 0x2222, 0x3333,
			      0x4444, 0x5555);
		else
			syscall(SYS_getppid, i, 0x1111UL, 0x2222UL, 0x3333UL,
				0x4444UL, 0x5555UL);
	}
	return 0;
}
