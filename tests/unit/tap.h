/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal TAP producer for the host unit tests. */
#ifndef __KTRACE_TAP_H
#define __KTRACE_TAP_H

#include <stdbool.h>

/* Reports one test; returns @pass so callers can add diagnostics. */
bool tap_ok(bool pass, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A "# ..." diagnostic line. */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Compares two strings, printing both on a mismatch. */
bool tap_str_eq(const char *got, const char *want, const char *name);

void test_hist(void);
void test_ioflags(void);
void test_ring(void);
void test_disk(void);
void test_syscall_names(void);
void test_json(void);
void test_prom(void);
void test_status_fmt(void);
void test_bench_parse(void);
void test_bench_report(void);
void test_ledger(void);
void test_linebuf(void);

#endif /* __KTRACE_TAP_H */
