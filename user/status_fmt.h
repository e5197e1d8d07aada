/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "ktracectl status" and "ktracectl disable" say about instances:
 * their enable request in a few words, their age, their drops, and the
 * SESSION:ID names users give them.
 */
#ifndef __KTRACECTL_STATUS_FMT_H
#define __KTRACECTL_STATUS_FMT_H

#include <stddef.h>
#include "libktrace.h"

/* "disk", "pid", "syscall"...: the breakdown a KTRACE_KEY_* stands for. */
const char *key_word(__u32 key);

/*
 * The enable request of @e as one word: "vfs_read,by=disk,pid=181,
 * comm=sh,dev=254:0,cgroup,linear=0..100/10,opts=0x1", "-" for a plain one.
 */
const char *status_args(const struct ktrace_status_entry *e, char *buf,
			size_t len);

/* "59s", "12m03s", "3h04m", "2d03h": an instance's age. */
const char *fmt_age(__u64 ns, char *buf, size_t len);

/* Events lost, as the commands count them at exit (not drop_no_start). */
unsigned long long stats_dropped(const struct ktrace_stats *st);

/* The drops by reason, only those that happened: "table full 3, ring full 1". */
const char *stats_drop_reasons(const struct ktrace_stats *st, char *buf,
			       size_t len);

/* "SESSION:ID" to its numbers: 0, or -EINVAL when it is not one. */
int parse_instance_ref(const char *arg, __u32 *session, __u32 *id);

#endif /* __KTRACECTL_STATUS_FMT_H */
