// SPDX-License-Identifier: GPL-2.0
/*
 * ufunc_target N M USEC: a known workload for ufunclatency and ufunccount
 * (tests/vm/suites/74-bpf-only.sh): ufunc_sleep(), which sleeps USEC
 * microseconds, called exactly N times, and ufunc_tick(), which returns
 * at once, M times.  Neither is inlined, cloned or merged, so a uprobe on
 * either name sees every call; with each ufunc_tick() call, a USDT probe
 * ktrace:tick fires (a DTRACE_PROBE() note).  Linked statically, as the
 * guests need.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
/* Debian's systemtap-sdt-dev; without it, no USDT probe (usdt=0). */
#if __has_include(<sys/sdt.h>)
#include <sys/sdt.h>
#define UFUNC_USDT	1
#else
#define DTRACE_PROBE1(provider, name, arg) ((void)(arg))
#define UFUNC_USDT	0
#endif

/* noipa: no inlining, cloning or interprocedural shortcuts. */
__attribute__((noipa)) int ufunc_sleep(long usec)
{
	struct timespec ts = {
		.tv_sec = usec / 1000000,
		.tv_nsec = (usec % 1000000) * 1000,
	};

	return nanosleep(&ts, NULL);
}

__attribute__((noipa)) int ufunc_tick(int i)
{
	return i + 1;
}

int main(int argc, char **argv)
{
	long n, m, usec, i;
	int sum = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: ufunc_target N M USEC\n");
		return 2;
	}
	n = atol(argv[1]);
	m = atol(argv[2]);
	usec = atol(argv[3]);
	for (i = 0; i < n; i++)
		if (ufunc_sleep(usec))
			return 1;
	for (i = 0; i < m; i++) {
		sum = ufunc_tick(sum);
		/* USDT probe ktrace:tick, M times. */
		DTRACE_PROBE1(ktrace, tick, sum);
	}
	printf("pid=%ld sleeps=%ld ticks=%d usdt=%d\n", (long)getpid(), n, sum,
	       UFUNC_USDT);
	return 0;
}
