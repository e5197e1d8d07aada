/* SPDX-License-Identifier: GPL-2.0 */
/*
 * strncpy_from_user_nofault() exists on every supported kernel but is not
 * exported to modules (only BPF, built in, uses it).  This is the same
 * body: strncpy_from_user() with page faults disabled, so a page that is
 * not present fails with -EFAULT instead of being faulted in.  Safe in
 * tracepoint handlers, which must never sleep.
 */
#ifndef _KTRACE_COMPAT_UACCESS_H
#define _KTRACE_COMPAT_UACCESS_H

#include <linux/uaccess.h>

/*
 * Returns the length including the NUL; @count when the string was cut
 * (then dst[count - 1] is the NUL); -EFAULT on a bad or absent page.
 */
static inline long kt_strncpy_from_user_nofault(char *dst,
						const void __user *src,
						long count)
{
	long ret;

	if (unlikely(count <= 0))
		return 0;
	pagefault_disable();
	ret = strncpy_from_user(dst, src, count);
	pagefault_enable();
	if (ret >= count) {
		ret = count;
		dst[ret - 1] = '\0';
	} else if (ret >= 0) {
		ret++;
	} else {
		dst[0] = '\0';
	}
	return ret;
}

#endif /* _KTRACE_COMPAT_UACCESS_H */
