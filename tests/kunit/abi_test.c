// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the ABI field checks (module/abi.c): valid structs pass,
 * and every rule of uapi/ktrace.h that makes a field invalid gives -EINVAL.
 * kt_abi_copy_in() needs a user pointer and is tested from the guest.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/page.h>
#include "../../module/abi.h"

static void abi_enable_init(struct ktrace_enable *en)
{
	memset(en, 0, sizeof(*en));
	en->size = sizeof(*en);
	strscpy(en->probe, "block_latency", sizeof(en->probe));
}

static void abi_ring_setup_init(struct ktrace_ring_setup *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->size = sizeof(*rs);
	rs->data_pages = 1;
}

static void abi_check_handshake_valid(struct kunit *test)
{
	struct ktrace_handshake hs = {
		.size = sizeof(hs),
		.abi_major = KTRACE_ABI_MAJOR,
	};

	KUNIT_EXPECT_EQ(test, kt_abi_check_handshake(&hs), 0);
}

static void abi_check_handshake_when_flags_set(struct kunit *test)
{
	struct ktrace_handshake hs = {
		.size = sizeof(hs),
		.abi_major = KTRACE_ABI_MAJOR,
		.flags = 1,
	};

	KUNIT_EXPECT_EQ(test, kt_abi_check_handshake(&hs), -EINVAL);
	hs.flags = 0x80000000;
	KUNIT_EXPECT_EQ(test, kt_abi_check_handshake(&hs), -EINVAL);
}

static void abi_check_probe_list_valid(struct kunit *test)
{
	struct ktrace_probe_list pl = {
		.size = sizeof(pl),
		.count = 4,
		.entry_size = sizeof(struct ktrace_probe_info),
	};

	KUNIT_EXPECT_EQ(test, kt_abi_check_probe_list(&pl), 0);
	/* A larger entry from a newer caller is fine. */
	pl.entry_size = sizeof(struct ktrace_probe_info) + 64;
	KUNIT_EXPECT_EQ(test, kt_abi_check_probe_list(&pl), 0);
	/* Only asking for the count needs no entry size. */
	pl.count = 0;
	pl.entry_size = 0;
	KUNIT_EXPECT_EQ(test, kt_abi_check_probe_list(&pl), 0);
}

static void abi_check_probe_list_when_invalid(struct kunit *test)
{
	struct ktrace_probe_list pl = {
		.size = sizeof(pl),
		.count = 1,
		.entry_size = sizeof(struct ktrace_probe_info),
		.flags = 1,
	};

	KUNIT_EXPECT_EQ(test, kt_abi_check_probe_list(&pl), -EINVAL);
	pl.flags = 0;
	pl.entry_size = KTRACE_PROBE_INFO_SIZE_VER0 - 1;
	KUNIT_EXPECT_EQ(test, kt_abi_check_probe_list(&pl), -EINVAL);
}

static void abi_check_enable_valid(struct kunit *test)
{
	struct ktrace_enable en;

	abi_enable_init(&en);
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), 0);

	en.key = KTRACE_KEY_MAX;
	en.unit = KTRACE_UNIT_MAX;
	en.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_COMM |
		   KTRACE_ENABLE_SYMBOL | KTRACE_ENABLE_LINEAR;
	en.pid = 1;
	/* Strings exactly filling their array but the NUL are valid. */
	memset(en.comm, 'c', sizeof(en.comm) - 1);
	memset(en.symbol, 's', sizeof(en.symbol) - 1);
	memset(en.probe, 'p', sizeof(en.probe) - 1);
	en.probe[sizeof(en.probe) - 1] = '\0';
	en.lin_min = 0;
	en.lin_max = 100;
	en.lin_step = 10;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), 0);
}

static void abi_check_enable_when_flags_unknown(struct kunit *test)
{
	struct ktrace_enable en;
	unsigned int bit;

	abi_enable_init(&en);
	for (bit = 7; bit < 64; bit++) {
		en.flags = 1ULL << bit;
		KUNIT_EXPECT_EQ_MSG(test, kt_abi_check_enable(&en), -EINVAL,
				    "flag bit %u", bit);
	}
}

static void abi_check_enable_when_key_or_unit_out_of_range(struct kunit *test)
{
	struct ktrace_enable en;

	abi_enable_init(&en);
	en.key = KTRACE_KEY_MAX + 1;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);
	en.key = U32_MAX;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);

	abi_enable_init(&en);
	en.unit = KTRACE_UNIT_MAX + 1;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);
	en.unit = U32_MAX;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);
}

static void abi_check_enable_when_strings_unterminated(struct kunit *test)
{
	struct ktrace_enable en;

	abi_enable_init(&en);
	memset(en.probe, 'p', sizeof(en.probe));
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);

	abi_enable_init(&en);
	en.flags = KTRACE_ENABLE_SYMBOL;
	memset(en.symbol, 's', sizeof(en.symbol));
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);

	abi_enable_init(&en);
	en.flags = KTRACE_ENABLE_COMM;
	memset(en.comm, 'c', sizeof(en.comm));
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);
}

static void abi_check_enable_when_linear_invalid(struct kunit *test)
{
	struct ktrace_enable en;

	abi_enable_init(&en);
	en.flags = KTRACE_ENABLE_LINEAR;

	/* step 0 */
	en.lin_min = 0;
	en.lin_max = 100;
	en.lin_step = 0;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);

	/* min == max and min > max */
	en.lin_step = 1;
	en.lin_min = 100;
	en.lin_max = 100;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);
	en.lin_min = 101;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);

	/* The most slots allowed: below min, 1022 steps, at or above max. */
	en.lin_min = 1000;
	en.lin_step = 10;
	en.lin_max = en.lin_min + (KTRACE_LINEAR_MAX_SLOTS - 2) * en.lin_step;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), 0);
	/* One step more, even a partial one, is too many. */
	en.lin_max += 1;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);
	en.lin_max = en.lin_min + (KTRACE_LINEAR_MAX_SLOTS - 1) * en.lin_step;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);

	/* A range so wide its slot count does not fit 32 bits. */
	en.lin_min = 0;
	en.lin_max = U64_MAX;
	en.lin_step = 1;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), -EINVAL);
}

static void abi_check_read_valid(struct kunit *test)
{
	struct ktrace_read rd = {
		.size = sizeof(rd),
		.id = 1,
	};

	KUNIT_EXPECT_EQ(test, kt_abi_check_read(&rd), 0);
	rd.flags = KTRACE_READ_CLEAR;
	KUNIT_EXPECT_EQ(test, kt_abi_check_read(&rd), 0);
}

static void abi_check_read_when_flags_unknown(struct kunit *test)
{
	struct ktrace_read rd = {
		.size = sizeof(rd),
		.id = 1,
	};
	unsigned int bit;

	for (bit = 1; bit < 32; bit++) {
		rd.flags = KTRACE_READ_CLEAR | (1U << bit);
		KUNIT_EXPECT_EQ_MSG(test, kt_abi_check_read(&rd), -EINVAL,
				    "flag bit %u", bit);
	}
}

static void abi_check_stats_valid(struct kunit *test)
{
	struct ktrace_stats st = {
		.size = sizeof(st),
		.id = 1,
	};

	KUNIT_EXPECT_EQ(test, kt_abi_check_stats(&st), 0);
}

static void abi_check_disable_flags(struct kunit *test)
{
	struct ktrace_disable dis = { .size = sizeof(dis), .id = 1 };

	KUNIT_EXPECT_EQ(test, kt_abi_check_disable(&dis), 0);
	dis.flags = KTRACE_DISABLE_SESSION;
	dis.session = 7;
	KUNIT_EXPECT_EQ(test, kt_abi_check_disable(&dis), 0);
	/* A session number without its flag is a caller bug. */
	dis.flags = 0;
	KUNIT_EXPECT_EQ(test, kt_abi_check_disable(&dis), -EINVAL);
	dis.flags = KTRACE_DISABLE_SESSION << 1;
	dis.session = 0;
	KUNIT_EXPECT_EQ(test, kt_abi_check_disable(&dis), -EINVAL);
}

static void abi_check_status_fields(struct kunit *test)
{
	struct ktrace_status st = { .size = sizeof(st) };

	/* count 0 asks only for the totals. */
	KUNIT_EXPECT_EQ(test, kt_abi_check_status(&st), 0);
	st.count = 4;
	KUNIT_EXPECT_EQ(test, kt_abi_check_status(&st), -EINVAL);
	st.entry_size = KTRACE_STATUS_ENTRY_SIZE_VER0;
	KUNIT_EXPECT_EQ(test, kt_abi_check_status(&st), 0);
	st.reserved = 1;
	KUNIT_EXPECT_EQ(test, kt_abi_check_status(&st), -EINVAL);
	st.reserved = 0;
	st.flags = 1;
	KUNIT_EXPECT_EQ(test, kt_abi_check_status(&st), -EINVAL);
}

static void abi_check_ring_setup_valid(struct kunit *test)
{
	struct ktrace_ring_setup rs;

	abi_ring_setup_init(&rs);
	KUNIT_EXPECT_EQ(test, kt_abi_check_ring_setup(&rs), 0);
	rs.data_pages = 2;
	KUNIT_EXPECT_EQ(test, kt_abi_check_ring_setup(&rs), 0);
	rs.data_pages = KTRACE_RING_MAX_PAGES;
	rs.watermark = KTRACE_RING_MAX_PAGES * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, kt_abi_check_ring_setup(&rs), 0);

	/* A watermark of exactly the data size is allowed. */
	rs.data_pages = 1;
	rs.watermark = PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, kt_abi_check_ring_setup(&rs), 0);
}

static void abi_check_ring_setup_when_pages_invalid(struct kunit *test)
{
	static const u32 bad_pages[] = {
		0, 3, 6, 1023, KTRACE_RING_MAX_PAGES + 1,
		KTRACE_RING_MAX_PAGES * 2, 0x80000000, U32_MAX,
	};
	struct ktrace_ring_setup rs;
	unsigned int i;

	abi_ring_setup_init(&rs);
	for (i = 0; i < ARRAY_SIZE(bad_pages); i++) {
		rs.data_pages = bad_pages[i];
		KUNIT_EXPECT_EQ_MSG(test, kt_abi_check_ring_setup(&rs), -EINVAL,
				    "data_pages %u", bad_pages[i]);
	}
}

static void abi_check_ring_setup_when_watermark_too_big(struct kunit *test)
{
	struct ktrace_ring_setup rs;

	abi_ring_setup_init(&rs);
	rs.watermark = PAGE_SIZE + 1;
	KUNIT_EXPECT_EQ(test, kt_abi_check_ring_setup(&rs), -EINVAL);
	rs.data_pages = 4;
	rs.watermark = 4 * PAGE_SIZE + 8;
	KUNIT_EXPECT_EQ(test, kt_abi_check_ring_setup(&rs), -EINVAL);
	rs.data_pages = KTRACE_RING_MAX_PAGES;
	rs.watermark = U32_MAX;
	KUNIT_EXPECT_EQ(test, kt_abi_check_ring_setup(&rs), -EINVAL);
}

static void abi_check_ring_setup_when_flags_set(struct kunit *test)
{
	struct ktrace_ring_setup rs;

	abi_ring_setup_init(&rs);
	rs.flags = 1;
	KUNIT_EXPECT_EQ(test, kt_abi_check_ring_setup(&rs), -EINVAL);
}

/*
 * A caller that knows only a prefix of a struct gets the rest zero-filled
 * by the copy: zero must be a valid value of every field after VER0's.
 * Today VER0 is the whole struct, so this checks the all-zero tail of each
 * (the size field and the fields a minimal caller must set aside).
 */
static void abi_check_when_zero_filled(struct kunit *test)
{
	struct ktrace_handshake hs;
	struct ktrace_probe_list pl;
	struct ktrace_enable en;
	struct ktrace_read rd;
	struct ktrace_stats st;
	struct ktrace_ring_setup rs;

	memset(&hs, 0, sizeof(hs));
	hs.size = KTRACE_HANDSHAKE_SIZE_VER0;
	KUNIT_EXPECT_EQ(test, kt_abi_check_handshake(&hs), 0);

	memset(&pl, 0, sizeof(pl));
	pl.size = KTRACE_PROBE_LIST_SIZE_VER0;
	KUNIT_EXPECT_EQ(test, kt_abi_check_probe_list(&pl), 0);

	memset(&en, 0, sizeof(en));
	en.size = KTRACE_ENABLE_SIZE_VER0;
	KUNIT_EXPECT_EQ(test, kt_abi_check_enable(&en), 0);

	memset(&rd, 0, sizeof(rd));
	rd.size = KTRACE_READ_SIZE_VER0;
	KUNIT_EXPECT_EQ(test, kt_abi_check_read(&rd), 0);

	memset(&st, 0, sizeof(st));
	st.size = KTRACE_STATS_SIZE_VER0;
	KUNIT_EXPECT_EQ(test, kt_abi_check_stats(&st), 0);

	/* data_pages is the one field a ring setup cannot leave at zero. */
	memset(&rs, 0, sizeof(rs));
	rs.size = KTRACE_RING_SETUP_SIZE_VER0;
	rs.data_pages = 1;
	KUNIT_EXPECT_EQ(test, kt_abi_check_ring_setup(&rs), 0);
}

static struct kunit_case abi_test_cases[] = {
	KUNIT_CASE(abi_check_handshake_valid),
	KUNIT_CASE(abi_check_handshake_when_flags_set),
	KUNIT_CASE(abi_check_probe_list_valid),
	KUNIT_CASE(abi_check_probe_list_when_invalid),
	KUNIT_CASE(abi_check_enable_valid),
	KUNIT_CASE(abi_check_enable_when_flags_unknown),
	KUNIT_CASE(abi_check_enable_when_key_or_unit_out_of_range),
	KUNIT_CASE(abi_check_enable_when_strings_unterminated),
	KUNIT_CASE(abi_check_enable_when_linear_invalid),
	KUNIT_CASE(abi_check_read_valid),
	KUNIT_CASE(abi_check_read_when_flags_unknown),
	KUNIT_CASE(abi_check_stats_valid),
	KUNIT_CASE(abi_check_disable_flags),
	KUNIT_CASE(abi_check_status_fields),
	KUNIT_CASE(abi_check_ring_setup_valid),
	KUNIT_CASE(abi_check_ring_setup_when_pages_invalid),
	KUNIT_CASE(abi_check_ring_setup_when_watermark_too_big),
	KUNIT_CASE(abi_check_ring_setup_when_flags_set),
	KUNIT_CASE(abi_check_when_zero_filled),
	{}
};

static struct kunit_suite abi_test_suite = {
	.name = "ktrace_abi",
	.test_cases = abi_test_cases,
};

kunit_test_suites(&abi_test_suite);
