// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "ktrace.h"
#include "ioflags.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *io_flags_str(__u64 flags, char *buf, size_t len)
{
	/* Modifiers first, in bcc's order, so the op reads last. */
	static const struct {
		__u64 bit;
		const char *str;
	} mods[] = {
		{ KTRACE_IO_PREFLUSH, "PreFlush-" },
		{ KTRACE_IO_FUA, "FUA-" },
		{ KTRACE_IO_META, "Metadata-" },
		{ KTRACE_IO_SYNC, "Sync-" },
	};
	static const char *const ops[] = {
		[KTRACE_IO_OP_READ] = "Read",
		[KTRACE_IO_OP_WRITE] = "Write",
		[KTRACE_IO_OP_FLUSH] = "Flush",
		[KTRACE_IO_OP_DISCARD] = "Discard",
	};
	unsigned int op = flags & KTRACE_IO_OP_MASK;
	size_t used = 0;
	const char *opstr;
	unsigned int i;
	int n;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(mods); i++) {
		if (!(flags & mods[i].bit))
			continue;
		n = snprintf(buf + used, len - used, "%s", mods[i].str);
		if (n < 0 || (size_t)n >= len - used)
			return buf;
		used += n;
	}
	if (op < ARRAY_SIZE(ops))
		opstr = ops[op];
	else if (op == KTRACE_IO_OP_OTHER)
		opstr = "Other";
	else
		opstr = "Unknown";
	snprintf(buf + used, len - used, "%s", opstr);
	return buf;
}
