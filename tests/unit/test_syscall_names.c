// SPDX-License-Identifier: GPL-2.0
/* syscall_name(): x86_64 numbers to names, from the generated table. */
#include <stdio.h>
#include <string.h>
#include "syscall_names.h"
#include "tap.h"

void test_syscall_names(void)
{
	static const struct {
		long long nr;
		const char *want;
	} cases[] = {
		{ 0, "read" },
		{ 1, "write" },
		{ 3, "close" },
		{ 39, "getpid" },
		{ 59, "execve" },
		{ 60, "exit" },
		{ 110, "getppid" },
		{ 231, "exit_group" },
		{ 257, "openat" },
		{ 435, "clone3" },
		{ 450, "set_mempolicy_home_node" },
	};
	char buf[64], small[8];
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "syscall_names: %lld is %s",
			 cases[i].nr, cases[i].want);
		tap_str_eq(syscall_name(cases[i].nr), cases[i].want, name);
		snprintf(name, sizeof(name), "syscall_names: %s is %lld",
			 cases[i].want, cases[i].nr);
		tap_ok(syscall_nr(cases[i].want) == cases[i].nr, "%s", name);
	}
	/* Holes, the x32 range, negatives and numbers past the table. */
	tap_ok(syscall_name(335) == NULL, "syscall_names: 335 (a hole) has no name");
	tap_ok(syscall_name(512) == NULL, "syscall_names: x32 numbers are not x86_64's");
	tap_ok(syscall_name(-1) == NULL, "syscall_names: -1 has no name");
	tap_ok(syscall_name(100000) == NULL, "syscall_names: past the table");
	tap_ok(syscall_max() == 451, "syscall_names: the 6.1 table ends at 450");
	tap_str_eq(syscall_name_str(110, buf, sizeof(buf)), "getppid",
		   "syscall_names: name_str of a known call");
	tap_str_eq(syscall_name_str(9999, buf, sizeof(buf)), "[unknown: 9999]",
		   "syscall_names: an unknown number as bcc prints it");
	tap_str_eq(syscall_name_str(-1, buf, sizeof(buf)), "[unknown: -1]",
		   "syscall_names: -1 as bcc prints it");
	syscall_name_str(450, small, sizeof(small));
	tap_ok(strlen(small) == sizeof(small) - 1,
	       "syscall_names: a small buffer truncates and stays terminated");
	tap_ok(syscall_nr("no_such_call") == -1, "syscall_names: unknown name is -1");
}
