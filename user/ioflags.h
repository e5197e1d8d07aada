/* SPDX-License-Identifier: GPL-2.0 */
/* KTRACE_IO_* flags as words, the way bcc's biolatency -F names them. */
#ifndef __KTRACE_IOFLAGS_H
#define __KTRACE_IOFLAGS_H

#include <stddef.h>
#include <linux/types.h>

/* E.g. "Sync-Write", "PreFlush-FUA-Write", "Read"; returns @buf. */
const char *io_flags_str(__u64 flags, char *buf, size_t len);

#endif /* __KTRACE_IOFLAGS_H */
