/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm_flags became read-only in 6.3 (vm_flags_set/vm_flags_clear); older
 * kernels write the field directly.
 */
#ifndef _KTRACE_COMPAT_VMA_H
#define _KTRACE_COMPAT_VMA_H

#include <linux/mm.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
static inline void kt_vm_flags_mod(struct vm_area_struct *vma,
				   vm_flags_t set, vm_flags_t clear)
{
	vm_flags_mod(vma, set, clear);
}
#else
static inline void kt_vm_flags_mod(struct vm_area_struct *vma,
				   vm_flags_t set, vm_flags_t clear)
{
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
}
#endif /* LINUX_VERSION_CODE >= 6.3 */

#endif /* _KTRACE_COMPAT_VMA_H */
