/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal functions the KUnit suites (ktrace_kunit.ko) call are exported
 * in the KTRACE_KUNIT namespace, and only on kernels built with KUnit.
 */
#ifndef _KTRACE_KUNIT_EXPORT_H
#define _KTRACE_KUNIT_EXPORT_H

#include <linux/export.h>

#if IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_FOR_KUNIT(sym) EXPORT_SYMBOL_NS_GPL(sym, KTRACE_KUNIT)
/* A per-CPU variable, as EXPORT_PER_CPU_SYMBOL() names it. */
#define EXPORT_PER_CPU_SYMBOL_FOR_KUNIT(sym) \
	EXPORT_SYMBOL_NS_GPL(sym, KTRACE_KUNIT)
#else
#define EXPORT_SYMBOL_FOR_KUNIT(sym)
#define EXPORT_PER_CPU_SYMBOL_FOR_KUNIT(sym)
#endif

#endif /* _KTRACE_KUNIT_EXPORT_H */
