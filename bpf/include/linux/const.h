/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For eBPF programs only: the bit macros of <linux/const.h> that
 * uapi/ktrace.h uses (vmlinux.h carries types, not macros).
 */
#ifndef __KTRACE_BPF_SHIM_CONST_H
#define __KTRACE_BPF_SHIM_CONST_H

#define _BITUL(x)	(1UL << (x))
#define _BITULL(x)	(1ULL << (x))

#endif
