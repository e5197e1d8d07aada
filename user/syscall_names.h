/* SPDX-License-Identifier: GPL-2.0 */
/* x86_64 system call names, from the kernel's syscall_64.tbl. */
#ifndef __KTRACE_SYSCALL_NAMES_H
#define __KTRACE_SYSCALL_NAMES_H

#include <stddef.h>

/* The name of syscall @nr, or NULL when the table has none. */
const char *syscall_name(long long nr);

/*
 * Writes the name of @nr into @buf, or "[unknown: NR]" as bcc's syscount
 * prints one it does not know; returns @buf.
 */
const char *syscall_name_str(long long nr, char *buf, size_t size);

/* The number of syscall @name, or -1. */
long long syscall_nr(const char *name);

/* One past the highest number in the table. */
long long syscall_max(void);

#endif /* __KTRACE_SYSCALL_NAMES_H */
