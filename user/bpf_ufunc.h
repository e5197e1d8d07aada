/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ufunclatency's and ufunccount's targets: functions in user binaries and
 * libraries, named "BINARY:FUNC" on the command line.  The commands
 * expand them (FUNC may be a wildcard over the ELF symbol table) and hand
 * them to the BPF probes (user/bpf_ufunc.c) before enabling.
 */
#ifndef __KTRACECTL_BPF_UFUNC_H
#define __KTRACECTL_BPF_UFUNC_H

#include <limits.h>
#include <stdbool.h>
#include "libktrace.h"

/* The most functions one ufunccount traces (its table's keys). */
#define UFUNC_MAX	64

struct ufunc_target {
	char path[PATH_MAX];		/* the binary or library, resolved */
	char func[KTRACE_SYMBOL_LEN];	/* a function it defines */
	/* A USDT probe instead: provider, and its name in func. */
	char provider[KTRACE_SYMBOL_LEN];
	bool usdt;
};

/*
 * Appends the functions "BINARY:FUNC" names to @t, which holds *@n of
 * @max: FUNC a name or a wildcard (* ? [...]) over BINARY's defined
 * functions; BINARY a path, or a library's file name looked up in the
 * usual directories.  "u:BINARY:PROVIDER:NAME" is a USDT probe instead
 * (no wildcard).  0, or -EINVAL (no ':'), -ENOENT (no BINARY), -ENOEXEC
 * (not ELF), -ESRCH (no function matches), -E2BIG (more than @max in
 * all).
 */
int ufunc_expand(const char *spec, struct ufunc_target *t, unsigned int max,
		 unsigned int *n);

/*
 * The targets the next ufunclatency or ufunccount enable attaches to,
 * which must stay valid until then.
 */
void bpf_ufunc_targets(const struct ufunc_target *t, unsigned int n);

#endif /* __KTRACECTL_BPF_UFUNC_H */
