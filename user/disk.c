// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "disk.h"

static const char *sysfs = "/sys";

void disk_set_sysfs(const char *root)
{
	sysfs = root ? root : "/sys";
}

static int read_dev_file(const char *path, __u32 *dev)
{
	unsigned int ma, mi;
	FILE *f = fopen(path, "re");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "%u:%u", &ma, &mi);
	fclose(f);
	if (n != 2 || ma >= (1U << 12) || mi >= (1U << 20))
		return -EINVAL;
	*dev = KT_DEV(ma, mi);
	return 0;
}

int disk_to_dev(const char *name, __u32 *dev)
{
	char path[512];
	int err;

	if (!strncmp(name, "/dev/", 5))
		name += 5;
	if (!*name || strchr(name, '/'))
		return -EINVAL;
	/* Whole disks are in /sys/block; partitions only in class/block. */
	snprintf(path, sizeof(path), "%s/block/%s/dev", sysfs, name);
	err = read_dev_file(path, dev);
	if (err == -ENOENT) {
		snprintf(path, sizeof(path), "%s/class/block/%s/dev", sysfs,
			 name);
		err = read_dev_file(path, dev);
	}
	return err;
}

const char *disk_name(__u32 dev, char *buf, size_t len)
{
	char path[512], line[256];
	FILE *f;

	snprintf(buf, len, "%u:%u", KT_MAJOR(dev), KT_MINOR(dev));
	snprintf(path, sizeof(path), "%s/dev/block/%u:%u/uevent", sysfs,
		 KT_MAJOR(dev), KT_MINOR(dev));
	f = fopen(path, "re");
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "DEVNAME=", 8))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, len, "%s", line + 8);
		break;
	}
	fclose(f);
	return buf;
}
