// SPDX-License-Identifier: GPL-2.0
/* disk_to_dev() / disk_name() over a fake sysfs tree. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "disk.h"
#include "tap.h"

static void put_file(const char *root, const char *rel, const char *text)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	/* mkdir -p of the parent */
	for (slash = path + strlen(root) + 1; (slash = strchr(slash, '/'));
	     slash++) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

void test_disk(void)
{
	char root[] = "/tmp/ktrace-sysfs-XXXXXX", buf[64], cmd[600];
	__u32 dev = 0;

	if (!mkdtemp(root)) {
		tap_ok(false, "disk: mkdtemp");
		return;
	}
	put_file(root, "block/vda/dev", "254:0\n");
	put_file(root, "class/block/vda1/dev", "254:1\n");
	put_file(root, "block/big/dev", "259:1048575\n");
	put_file(root, "dev/block/254:0/uevent",
		 "MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\n");
	disk_set_sysfs(root);

	tap_ok(!disk_to_dev("vda", &dev) && dev == (254U << 20 | 0),
	       "disk: vda is 254 << 20 | 0");
	tap_ok(!disk_to_dev("/dev/vda1", &dev) && dev == (254U << 20 | 1),
	       "disk: /dev/vda1 via class/block is 254 << 20 | 1");
	tap_ok(!disk_to_dev("big", &dev) && KT_MAJOR(dev) == 259 &&
	       KT_MINOR(dev) == 1048575,
	       "disk: 20-bit minor kept whole");
	tap_ok(disk_to_dev("nosuch", &dev) == -ENOENT, "disk: unknown disk is ENOENT");
	tap_ok(disk_to_dev("../x", &dev) == -EINVAL, "disk: path in name is EINVAL");
	tap_str_eq(disk_name(254U << 20, buf, sizeof(buf)), "vda",
		   "disk: name from uevent DEVNAME");
	tap_str_eq(disk_name(8U << 20 | 16, buf, sizeof(buf)), "8:16",
		   "disk: unknown dev prints MAJ:MIN");

	disk_set_sysfs(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		tap_diag("could not remove %s", root);
}
