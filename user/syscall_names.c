// SPDX-License-Identifier: GPL-2.0
/*
 * System call names for syscount.  The table is generated from the
 * kernel's arch/x86/entry/syscalls/syscall_64.tbl by
 * scripts/gen-syscall-names.sh; numbers it lacks (newer kernels' calls,
 * the holes in the table) print as "[unknown: NR]".
 */
#include <stdio.h>
#include <string.h>
#include "syscall_names.h"

static const char *const syscall_names[] = {
#include "syscall_table_x86_64.h"
};

#define NR_NAMES ((long long)(sizeof(syscall_names) / sizeof(syscall_names[0])))

const char *syscall_name(long long nr)
{
	if (nr < 0 || nr >= NR_NAMES)
		return NULL;
	return syscall_names[nr];
}

const char *syscall_name_str(long long nr, char *buf, size_t size)
{
	const char *name = syscall_name(nr);

	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "[unknown: %lld]", nr);
	return buf;
}

long long syscall_nr(const char *name)
{
	long long nr;

	for (nr = 0; nr < NR_NAMES; nr++)
		if (syscall_names[nr] && !strcmp(syscall_names[nr], name))
			return nr;
	return -1;
}

long long syscall_max(void)
{
	return NR_NAMES;
}
