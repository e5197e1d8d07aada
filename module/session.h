/* SPDX-License-Identifier: GPL-2.0 */
/* ktrace sessions: the file operations of /dev/ktrace. */
#ifndef _KTRACE_SESSION_H
#define _KTRACE_SESSION_H

#include <linux/fs.h>

extern const struct file_operations kt_fops;

#endif /* _KTRACE_SESSION_H */
