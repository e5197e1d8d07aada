/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For eBPF programs only: uapi/ktrace.h includes <linux/types.h>, whose
 * __u32... vmlinux.h already declares (the system's would redefine them).
 */
#ifndef __KTRACE_BPF_SHIM_TYPES_H
#define __KTRACE_BPF_SHIM_TYPES_H
#endif
