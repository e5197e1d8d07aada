// SPDX-License-Identifier: GPL-2.0
/* io_flags_str(): KTRACE_IO_* decoded as bcc's biolatency -F names them. */
#include <stdio.h>
#include "ktrace.h"
#include "ioflags.h"
#include "tap.h"

void test_ioflags(void)
{
	static const struct {
		__u64 flags;
		const char *want;
	} cases[] = {
		{ KTRACE_IO_OP_READ, "Read" },
		{ KTRACE_IO_OP_WRITE, "Write" },
		{ KTRACE_IO_OP_WRITE | KTRACE_IO_SYNC, "Sync-Write" },
		{ KTRACE_IO_OP_FLUSH, "Flush" },
		{ KTRACE_IO_OP_FLUSH | KTRACE_IO_PREFLUSH, "PreFlush-Flush" },
		{ KTRACE_IO_OP_DISCARD, "Discard" },
		{ KTRACE_IO_OP_READ | KTRACE_IO_META | KTRACE_IO_SYNC,
		  "Metadata-Sync-Read" },
		{ KTRACE_IO_OP_WRITE | KTRACE_IO_SYNC | KTRACE_IO_FUA |
		  KTRACE_IO_PREFLUSH | KTRACE_IO_META,
		  "PreFlush-FUA-Metadata-Sync-Write" },
		{ KTRACE_IO_OP_OTHER, "Other" },
		{ 7, "Unknown" },
		{ KTRACE_IO_SYNC | 0x42, "Sync-Unknown" },
	};
	char buf[64], small[8];
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "ioflags: %#llx is %s",
			 (unsigned long long)cases[i].flags, cases[i].want);
		tap_str_eq(io_flags_str(cases[i].flags, buf, sizeof(buf)),
			   cases[i].want, name);
	}
	/* Truncates, never overflows. */
	io_flags_str(KTRACE_IO_OP_WRITE | KTRACE_IO_SYNC | KTRACE_IO_FUA |
		     KTRACE_IO_PREFLUSH, small, sizeof(small));
	tap_ok(small[sizeof(small) - 1] == '\0', "ioflags: small buffer stays terminated");
}
