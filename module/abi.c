// SPDX-License-Identifier: GPL-2.0
/*
 * ktrace ABI helpers: extensible structs in and out of userspace, and the
 * field checks of each command (the rules are in uapi/ktrace.h).
 */
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "abi.h"
#include "kunit_export.h"

/* The ABI is fixed: a size change here is an ABI break. */
static_assert(sizeof(struct ktrace_handshake) == KTRACE_HANDSHAKE_SIZE_VER0);
static_assert(sizeof(struct ktrace_probe_info) == KTRACE_PROBE_INFO_SIZE_VER0);
static_assert(sizeof(struct ktrace_probe_list) == KTRACE_PROBE_LIST_SIZE_VER0);
static_assert(sizeof(struct ktrace_enable) == KTRACE_ENABLE_SIZE_VER0);
static_assert(sizeof(struct ktrace_disable) == KTRACE_DISABLE_SIZE_VER1);
static_assert(sizeof(struct ktrace_status) == KTRACE_STATUS_SIZE_VER0);
static_assert(sizeof(struct ktrace_status_entry) ==
	      KTRACE_STATUS_ENTRY_SIZE_VER0);
static_assert(sizeof(struct ktrace_read) == KTRACE_READ_SIZE_VER0);
static_assert(sizeof(struct ktrace_stats) == KTRACE_STATS_SIZE_VER0);
static_assert(sizeof(struct ktrace_ring_setup) == KTRACE_RING_SETUP_SIZE_VER0);
static_assert(sizeof(struct ktrace_agg_entry) == 32);
static_assert(sizeof(struct ktrace_rec) == 24);
static_assert(sizeof(struct ktrace_rec_lost) == 48);
static_assert(sizeof(struct ktrace_rec_syscall) == 104);
static_assert(sizeof(struct ktrace_ring_control) == 88);

int kt_abi_copy_in(void *dst, size_t ksize, size_t min_size,
		   const void __user *uarg)
{
	u32 usize;
	int err;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < min_size)
		return -EINVAL;
	/*
	 * As clone3() and openat2(): no struct comes near a page.  A larger
	 * size would have us scan gigabytes of zeroes under the session
	 * lock, and from 2^31 on read as an error once returned as an int.
	 */
	if (usize > PAGE_SIZE)
		return -E2BIG;
	err = copy_struct_from_user(dst, ksize, uarg, usize);
	if (err)
		return err;
	/* The size field tells what the caller knows, not what we do. */
	*(u32 *)dst = usize;
	return usize;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_abi_copy_in);

int kt_abi_copy_out(void __user *uarg, const void *src, size_t ksize,
		    u32 usize)
{
	if (copy_to_user(uarg, src, min_t(size_t, ksize, usize)))
		return -EFAULT;
	return 0;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_abi_copy_out);

static bool kt_abi_terminated(const char *s, size_t len)
{
	return memchr(s, '\0', len);
}

int kt_abi_check_handshake(const struct ktrace_handshake *hs)
{
	return hs->flags ? -EINVAL : 0;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_abi_check_handshake);

int kt_abi_check_probe_list(const struct ktrace_probe_list *pl)
{
	if (pl->flags)
		return -EINVAL;
	if (pl->count && pl->entry_size < KTRACE_PROBE_INFO_SIZE_VER0)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_abi_check_probe_list);

static int kt_abi_check_linear(const struct ktrace_enable *en)
{
	u64 slots;

	if (!(en->flags & KTRACE_ENABLE_LINEAR))
		return en->lin_min || en->lin_max || en->lin_step ? -EINVAL : 0;
	if (!en->lin_step || en->lin_min >= en->lin_max)
		return -EINVAL;
	/* Full steps but the last; that one, below and above make three. */
	slots = div64_u64(en->lin_max - en->lin_min - 1, en->lin_step);
	return slots > KTRACE_LINEAR_MAX_SLOTS - 3 ? -EINVAL : 0;
}

int kt_abi_check_enable(const struct ktrace_enable *en)
{
	if (en->flags & ~KTRACE_ENABLE_ALL)
		return -EINVAL;
	if (en->key > KTRACE_KEY_MAX || en->unit > KTRACE_UNIT_MAX)
		return -EINVAL;
	if (!kt_abi_terminated(en->probe, sizeof(en->probe)) ||
	    !kt_abi_terminated(en->symbol, sizeof(en->symbol)) ||
	    !kt_abi_terminated(en->comm, sizeof(en->comm)))
		return -EINVAL;
	/* A filter value without its flag is a caller bug, not a no-op. */
	if ((!(en->flags & KTRACE_ENABLE_PID) && en->pid) ||
	    (!(en->flags & KTRACE_ENABLE_TGID) && en->tgid) ||
	    (!(en->flags & KTRACE_ENABLE_DEV) && en->dev) ||
	    (!(en->flags & KTRACE_ENABLE_CGROUP) && en->cgroup_fd) ||
	    (!(en->flags & KTRACE_ENABLE_COMM) && en->comm[0]) ||
	    (!(en->flags & KTRACE_ENABLE_SYMBOL) && en->symbol[0]))
		return -EINVAL;
	if ((en->flags & KTRACE_ENABLE_COMM) && !en->comm[0])
		return -EINVAL;
	if ((en->flags & KTRACE_ENABLE_SYMBOL) && !en->symbol[0])
		return -EINVAL;
	return kt_abi_check_linear(en);
}
EXPORT_SYMBOL_FOR_KUNIT(kt_abi_check_enable);

int kt_abi_check_disable(const struct ktrace_disable *dis)
{
	if (dis->flags & ~KTRACE_DISABLE_SESSION)
		return -EINVAL;
	if (!(dis->flags & KTRACE_DISABLE_SESSION) && dis->session)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_abi_check_disable);

int kt_abi_check_status(const struct ktrace_status *st)
{
	if (st->flags || st->reserved)
		return -EINVAL;
	if (st->count && st->entry_size < KTRACE_STATUS_ENTRY_SIZE_VER0)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_abi_check_status);

int kt_abi_check_read(const struct ktrace_read *rd)
{
	/* Output fields are ignored: a caller may reuse the struct. */
	return rd->flags & ~KTRACE_READ_CLEAR ? -EINVAL : 0;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_abi_check_read);

int kt_abi_check_stats(const struct ktrace_stats *st)
{
	/* Nothing but the id goes in; the rest is output. */
	return 0;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_abi_check_stats);

int kt_abi_check_ring_setup(const struct ktrace_ring_setup *rs)
{
	if (rs->flags)
		return -EINVAL;
	if (!rs->data_pages || rs->data_pages > KTRACE_RING_MAX_PAGES ||
	    !is_power_of_2(rs->data_pages))
		return -EINVAL;
	if ((u64)rs->watermark > (u64)rs->data_pages * PAGE_SIZE)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_abi_check_ring_setup);
