/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For eBPF programs only: the errno values libbpf's <bpf/usdt.bpf.h>
 * returns (it includes <linux/errno.h>, whose <asm/errno.h> the BPF
 * target has not; vmlinux.h carries types, not macros).
 */
#ifndef __KTRACE_BPF_SHIM_ERRNO_H
#define __KTRACE_BPF_SHIM_ERRNO_H

#define ENOENT		2
#define ESRCH		3
#define EINVAL		22

#endif
