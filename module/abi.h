/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktrace ABI helpers: extensible structs in and out of userspace, and the
 * field checks of each command, kept apart from the ioctl plumbing so the
 * KUnit suite can exercise them on kernel structs.
 */
#ifndef _KTRACE_ABI_H
#define _KTRACE_ABI_H

#include <linux/types.h>
#include "../uapi/ktrace.h"

/*
 * Reads a struct whose first field is __u32 size from @uarg into @dst
 * (@ksize bytes), with copy_struct_from_user() semantics; sizes below
 * @min_size are -EINVAL.  Returns the caller's size or a negative errno.
 */
int kt_abi_copy_in(void *dst, size_t ksize, size_t min_size,
		   const void __user *uarg);

/* Writes back min(@usize, @ksize) bytes of @src. */
int kt_abi_copy_out(void __user *uarg, const void *src, size_t ksize,
		    u32 usize);

/* Field checks: 0 or -EINVAL (see uapi/ktrace.h for each rule). */
int kt_abi_check_handshake(const struct ktrace_handshake *hs);
int kt_abi_check_probe_list(const struct ktrace_probe_list *pl);
int kt_abi_check_enable(const struct ktrace_enable *en);
int kt_abi_check_disable(const struct ktrace_disable *dis);
int kt_abi_check_status(const struct ktrace_status *st);
int kt_abi_check_read(const struct ktrace_read *rd);
int kt_abi_check_stats(const struct ktrace_stats *st);
int kt_abi_check_ring_setup(const struct ktrace_ring_setup *rs);

#endif /* _KTRACE_ABI_H */
