// SPDX-License-Identifier: GPL-2.0
/*
 * ktrace: in-kernel filtering and aggregation of tracepoints and kprobes,
 * exposed through /dev/ktrace (ioctls for control and results, an mmap'd
 * per-CPU ring for streamed events).  See uapi/ktrace.h for the ABI.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/miscdevice.h>
#include <linux/module.h>
#include "clock.h"
#include "probe.h"
#include "session.h"

static struct miscdevice kt_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ktrace",
	.fops = &kt_fops,
	.mode = 0600,
};

static int __init kt_init(void)
{
	int err;

	kt_cycles_init();
	kt_probes_init();
	err = misc_register(&kt_miscdev);
	if (err) {
		pr_err("cannot register /dev/ktrace: %d\n", err);
		return err;
	}
	pr_info("ABI %u.%u, %u probes, one-CPU latencies by the %s\n",
		KTRACE_ABI_MAJOR, KTRACE_ABI_MINOR, kt_probe_count(),
		kt_cycles_are_tsc() ? "TSC" : "kernel clock");
	return 0;
}

static void __exit kt_exit(void)
{
	misc_deregister(&kt_miscdev);
}

module_init(kt_init);
module_exit(kt_exit);

MODULE_DESCRIPTION("ktrace: in-kernel tracing aggregation and event rings");
MODULE_AUTHOR("The ktrace authors");
MODULE_LICENSE("GPL");
