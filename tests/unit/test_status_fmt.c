// SPDX-License-Identifier: GPL-2.0
/* What ktracectl status prints of an instance, and SESSION:ID parsing. */
#include <string.h>
#include "status_fmt.h"
#include "tap.h"

static void test_args(void)
{
	struct ktrace_status_entry e;
	char buf[192];

	memset(&e, 0, sizeof(e));
	tap_str_eq(status_args(&e, buf, sizeof(buf)), "-",
		   "status_fmt: a plain instance is '-'");

	e.enable.flags = KTRACE_ENABLE_SYMBOL | KTRACE_ENABLE_TGID |
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_DEV;
	strcpy(e.enable.symbol, "vfs_read");
	strcpy(e.enable.comm, "dd");
	e.enable.tgid = 181;
	e.enable.dev = 254u << 20 | 16;
	e.enable.key = KTRACE_KEY_DEV;
	e.enable.opts = 1;
	tap_str_eq(status_args(&e, buf, sizeof(buf)),
		   "vfs_read,by=disk,tgid=181,comm=dd,dev=254:16,opts=0x1",
		   "status_fmt: symbol, key, filters and options, one word");

	memset(buf, 'x', sizeof(buf));
	status_args(&e, buf, 12);
	tap_ok(strlen(buf) == 11 && !strncmp(buf, "vfs_read,by", 11),
	       "status_fmt: a short buffer truncates and terminates ('%s')",
	       buf);
}

static void test_age(void)
{
	char buf[24];

	tap_str_eq(fmt_age(59999999999ULL, buf, sizeof(buf)), "59s",
		   "status_fmt: 59.99 s is 59s");
	tap_str_eq(fmt_age(723000000000ULL, buf, sizeof(buf)), "12m03s",
		   "status_fmt: 723 s is 12m03s");
	tap_str_eq(fmt_age(11040ULL * 1000000000ULL, buf, sizeof(buf)),
		   "3h04m", "status_fmt: 11040 s is 3h04m");
	tap_str_eq(fmt_age(183600ULL * 1000000000ULL, buf, sizeof(buf)),
		   "2d03h", "status_fmt: 183600 s is 2d03h");
}

static void test_drops(void)
{
	struct ktrace_stats st;
	char buf[192];

	memset(&st, 0, sizeof(st));
	st.drop_no_start = 9;
	tap_ok(stats_dropped(&st) == 0,
	       "status_fmt: work under way at enable is not a drop");
	tap_str_eq(stats_drop_reasons(&st, buf, sizeof(buf)), "",
		   "status_fmt: no reasons without drops");
	st.drop_table_full = 3;
	st.drop_ring_full = 4;
	st.missed = 5;
	tap_ok(stats_dropped(&st) == 12, "status_fmt: drops add up to 12");
	tap_str_eq(stats_drop_reasons(&st, buf, sizeof(buf)),
		   "table full 3, ring full 4, missed 5",
		   "status_fmt: the reasons that happened, in order");
}

static void test_refs(void)
{
	static const char *const bad[] = {
		"", "3", "3:", ":1", "0:1", "3:0", "3:65", "-3:1", "3:-1",
		"3:1x", "x:1", "3 :1", "+3:1", "99999999999:1",
	};
	__u32 s = 0, id = 0;
	size_t i;
	bool all_bad = true;

	tap_ok(!parse_instance_ref("3:1", &s, &id) && s == 3 && id == 1,
	       "status_fmt: 3:1 is session 3, instance 1");
	tap_ok(!parse_instance_ref("4294967295:64", &s, &id) &&
	       s == 4294967295u && id == 64,
	       "status_fmt: the largest session and instance");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_instance_ref(bad[i], &s, &id) == 0) {
			tap_diag("accepted '%s'", bad[i]);
			all_bad = false;
		}
	}
	tap_ok(all_bad, "status_fmt: %zu malformed SESSION:ID refused",
	       sizeof(bad) / sizeof(bad[0]));
}

void test_status_fmt(void)
{
	test_args();
	test_age();
	test_drops();
	test_refs();
}
