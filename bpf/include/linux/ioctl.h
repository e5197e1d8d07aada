/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For eBPF programs only: uapi/ktrace.h includes <linux/ioctl.h> for its
 * KTRACE_IOC_* numbers, which no program uses.
 */
#ifndef __KTRACE_BPF_SHIM_IOCTL_H
#define __KTRACE_BPF_SHIM_IOCTL_H
#endif
