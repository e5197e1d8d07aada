/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Disk names and ktrace device numbers.  The ABI encodes a device as
 * major << 20 | minor, the kernel's internal dev_t, not glibc's.
 */
#ifndef __KTRACE_DISK_H
#define __KTRACE_DISK_H

#include <stddef.h>
#include <linux/types.h>

#define KT_DEV(ma, mi)	((__u32)(ma) << 20 | ((__u32)(mi) & 0xfffff))
#define KT_MAJOR(dev)	((__u32)(dev) >> 20)
#define KT_MINOR(dev)	((__u32)(dev) & 0xfffff)

/* "vda" or "/dev/vda" (disk or partition) to its ktrace dev; -errno. */
int disk_to_dev(const char *name, __u32 *dev);
/* The name sysfs gives @dev, else "MAJ:MIN"; returns @buf. */
const char *disk_name(__u32 dev, char *buf, size_t len);
/* Where sysfs lives; tests point it at a fake tree.  Default "/sys". */
void disk_set_sysfs(const char *root);

#endif /* __KTRACE_DISK_H */
