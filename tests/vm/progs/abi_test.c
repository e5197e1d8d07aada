// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/ktrace ABI from userspace: every rejection uapi/ktrace.h
 * documents, one misuse per test and its errno, then the behaviour a
 * consumer relies on: per-file results, read-and-clear, and the event
 * ring's accounting under a flood (seen = delivered + dropped, exactly).
 *
 * Runs in a test guest with ktrace.ko loaded and /dev/vda present.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libktrace.h"

#define DISK		"/dev/vda"
#define FLOOD_CALLS	200000

/* ioctl() as an errno, 0 on success, so ASSERT_EQ(EINVAL, ...) reads. */
static int kioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? errno : 0;
}

static int open_dev(void)
{
	return open(KTRACE_DEVICE, O_RDWR | O_CLOEXEC);
}

static int handshake(int fd, struct ktrace_handshake *hs)
{
	memset(hs, 0, sizeof(*hs));
	hs->size = sizeof(*hs);
	hs->abi_major = KTRACE_ABI_MAJOR;
	return kioctl(fd, KTRACE_IOC_HANDSHAKE, hs);
}

static void enable_init(struct ktrace_enable *en, const char *probe)
{
	memset(en, 0, sizeof(*en));
	en->size = sizeof(*en);
	snprintf(en->probe, sizeof(en->probe), "%s", probe);
}

static int enable(int fd, const char *probe, struct ktrace_enable *en)
{
	enable_init(en, probe);
	return kioctl(fd, KTRACE_IOC_ENABLE, en);
}

static int ring_setup(int fd, __u32 pages, struct ktrace_ring_setup *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->size = sizeof(*rs);
	rs->data_pages = pages;
	return kioctl(fd, KTRACE_IOC_RING_SETUP, rs);
}

/* The probe's description from PROBE_LIST; 0 or an errno. */
static int probe_info(int fd, const char *name, struct ktrace_probe_info *out)
{
	struct ktrace_probe_info infos[64];
	struct ktrace_probe_list pl = {
		.size = sizeof(pl),
		.count = 64,
		.entry_size = sizeof(infos[0]),
		.entries = (__u64)(uintptr_t)infos,
	};
	unsigned int i;
	int err;

	memset(infos, 0, sizeof(infos));
	err = kioctl(fd, KTRACE_IOC_PROBE_LIST, &pl);
	if (err)
		return err;
	for (i = 0; i < pl.count && i < 64; i++) {
		if (!strcmp(infos[i].name, name)) {
			*out = infos[i];
			return 0;
		}
	}
	return ENOENT;
}

/* ktrace's encoding of a block device: major << 20 | minor. */
static int disk_dev(const char *path, __u32 *dev)
{
	struct stat st;

	if (stat(path, &st) || !S_ISBLK(st.st_mode))
		return -1;
	*dev = major(st.st_rdev) << 20 | minor(st.st_rdev);
	return 0;
}

/* O_DIRECT reads at spread offsets: each one is a request on the disk. */
static int disk_reads(const char *path, int n)
{
	void *buf;
	int fd, i, done = 0;

	if (posix_memalign(&buf, 4096, 4096))
		return -1;
	fd = open(path, O_RDONLY | O_DIRECT);
	if (fd < 0) {
		free(buf);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (pread(fd, buf, 4096, (off_t)((i * 7919) % 4096) * 4096) == 4096)
			done++;
	close(fd);
	free(buf);
	return done;
}

/* Events in a read result: the sum of the entries' counts. */
static __u64 result_count(const struct kt_result *res)
{
	__u64 n = 0;
	__u32 i;

	for (i = 0; i < res->rd.nr_entries; i++)
		n += kt_result_entry(res, i)->count;
	return n;
}

FIXTURE(kt) {
	int fd;
	struct ktrace_handshake hs;
};

FIXTURE_SETUP(kt)
{
	self->fd = open_dev();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s (ktrace.ko loaded?)",
				      KTRACE_DEVICE, strerror(errno));
	ASSERT_EQ(0, handshake(self->fd, &self->hs));
}

FIXTURE_TEARDOWN(kt)
{
	close(self->fd);
}

/* ---- handshake and rules common to every command ---- */

TEST_F(kt, handshake_values)
{
	EXPECT_EQ(KTRACE_ABI_MAJOR, self->hs.abi_major);
	EXPECT_EQ(KTRACE_RECORD_SCHEMA, self->hs.record_schema);
	EXPECT_EQ(getpagesize(), (int)self->hs.page_size);
	EXPECT_LE(sysconf(_SC_NPROCESSORS_ONLN), (long)self->hs.nr_cpus);
	EXPECT_LE(2, self->hs.nr_probes);
	EXPECT_TRUE(self->hs.features & KTRACE_FEAT_RING);
	EXPECT_TRUE(self->hs.features & KTRACE_FEAT_READ_CLEAR);
	EXPECT_TRUE(self->hs.features & KTRACE_FEAT_STATS);
	EXPECT_EQ(0, self->hs.flags);
}

TEST_F(kt, handshake_wrong_major)
{
	struct ktrace_handshake hs = {
		.size = sizeof(hs), .abi_major = KTRACE_ABI_MAJOR + 1,
	};

	ASSERT_EQ(EPROTO, kioctl(self->fd, KTRACE_IOC_HANDSHAKE, &hs));
}

TEST_F(kt, handshake_major_zero)
{
	struct ktrace_handshake hs = { .size = sizeof(hs), .abi_major = 0 };

	ASSERT_EQ(EPROTO, kioctl(self->fd, KTRACE_IOC_HANDSHAKE, &hs));
}

TEST_F(kt, unknown_ioctl_nr)
{
	struct ktrace_handshake hs = { .size = sizeof(hs) };

	ASSERT_EQ(ENOTTY, kioctl(self->fd,
				 _IOWR(KTRACE_IOC_MAGIC, 0x7f, struct ktrace_handshake),
				 &hs));
}

TEST_F(kt, next_unused_ioctl_nr)
{
	struct ktrace_handshake hs = { .size = sizeof(hs) };

	ASSERT_EQ(ENOTTY, kioctl(self->fd,
				 _IOWR(KTRACE_IOC_MAGIC, 0x0a, struct ktrace_handshake),
				 &hs));
}

TEST_F(kt, wrong_magic)
{
	struct ktrace_handshake hs = {
		.size = sizeof(hs), .abi_major = KTRACE_ABI_MAJOR,
	};

	ASSERT_EQ(ENOTTY, kioctl(self->fd,
				 _IOWR(KTRACE_IOC_MAGIC + 1, 0x00, struct ktrace_handshake),
				 &hs));
}

/* The size bits of the number are ignored: type and number match. */
TEST_F(kt, ioctl_size_bits_ignored)
{
	struct ktrace_handshake hs = {
		.size = sizeof(hs), .abi_major = KTRACE_ABI_MAJOR,
	};

	ASSERT_EQ(0, kioctl(self->fd, _IOWR(KTRACE_IOC_MAGIC, 0x00, __u64), &hs));
	EXPECT_EQ(KTRACE_ABI_MAJOR, hs.abi_major);
}

TEST_F(kt, null_arg)
{
	ASSERT_EQ(EFAULT, kioctl(self->fd, KTRACE_IOC_HANDSHAKE, NULL));
}

TEST_F(kt, bad_arg_pointer)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(EFAULT, kioctl(self->fd, KTRACE_IOC_ENABLE, p));
	munmap(p, 4096);
}

TEST_F(kt, size_zero)
{
	struct ktrace_handshake hs = { .size = 0, .abi_major = KTRACE_ABI_MAJOR };

	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_HANDSHAKE, &hs));
}

TEST_F(kt, size_below_ver0)
{
	struct ktrace_enable en;

	enable_init(&en, "block_latency");
	en.size = KTRACE_ENABLE_SIZE_VER0 - 8;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

TEST_F(kt, size_larger_nonzero_tail)
{
	struct {
		struct ktrace_handshake hs;
		__u64 tail;
	} big = { .hs = { .size = sizeof(big), .abi_major = KTRACE_ABI_MAJOR },
		  .tail = 1 };

	ASSERT_EQ(E2BIG, kioctl(self->fd, KTRACE_IOC_HANDSHAKE, &big));
}

TEST_F(kt, size_larger_zero_tail)
{
	struct {
		struct ktrace_handshake hs;
		__u64 tail;
	} big = { .hs = { .size = sizeof(big), .abi_major = KTRACE_ABI_MAJOR } };

	ASSERT_EQ(0, kioctl(self->fd, KTRACE_IOC_HANDSHAKE, &big));
	EXPECT_EQ(self->hs.nr_cpus, big.hs.nr_cpus);
	EXPECT_EQ(0, big.tail);
}

/*
 * Sizes past a page are E2BIG whatever the tail: not a scan of 2 GiB of
 * zeroes, and not a size of 2^31 or more read back as an error number.
 */
TEST_F(kt, size_over_page)
{
	size_t len = (1UL << 31) + 2 * 4096;
	struct ktrace_handshake *hs;
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	hs = p;
	hs->abi_major = KTRACE_ABI_MAJOR;
	hs->size = self->hs.page_size + 8;
	EXPECT_EQ(E2BIG, kioctl(self->fd, KTRACE_IOC_HANDSHAKE, hs));
	hs->size = 1U << 31;
	EXPECT_EQ(E2BIG, kioctl(self->fd, KTRACE_IOC_HANDSHAKE, hs));
	hs->size = 0xffffffff;
	EXPECT_EQ(E2BIG, kioctl(self->fd, KTRACE_IOC_HANDSHAKE, hs));
	munmap(p, len);
}

/* A larger ENABLE with a zero tail works like the known size. */
TEST_F(kt, enable_larger_zero_tail)
{
	struct {
		struct ktrace_enable en;
		__u8 tail[64];
	} big;

	memset(&big, 0, sizeof(big));
	enable_init(&big.en, "block_latency");
	big.en.size = sizeof(big);
	ASSERT_EQ(0, kioctl(self->fd, KTRACE_IOC_ENABLE, &big));
	EXPECT_NE(0, big.en.id);
}

TEST_F(kt, handshake_nonzero_flags)
{
	struct ktrace_handshake hs = {
		.size = sizeof(hs), .abi_major = KTRACE_ABI_MAJOR, .flags = 1,
	};

	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_HANDSHAKE, &hs));
}

TEST_F(kt, probe_list_nonzero_flags)
{
	struct ktrace_probe_list pl = { .size = sizeof(pl), .flags = 1 };

	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_PROBE_LIST, &pl));
}

TEST_F(kt, ring_setup_nonzero_flags)
{
	struct ktrace_ring_setup rs = {
		.size = sizeof(rs), .flags = 1, .data_pages = 1,
	};

	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_RING_SETUP, &rs));
}

TEST_F(kt, read_unknown_flag)
{
	struct ktrace_enable en;
	struct ktrace_read rd = { .size = sizeof(rd) };

	ASSERT_EQ(0, enable(self->fd, "block_latency", &en));
	rd.id = en.id;
	rd.flags = KTRACE_READ_CLEAR << 1;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_READ, &rd));
}

/* ---- PROBE_LIST ---- */

TEST_F(kt, probe_list_contents)
{
	struct ktrace_probe_info bl, se;

	ASSERT_EQ(0, probe_info(self->fd, "block_latency", &bl));
	EXPECT_EQ(KTRACE_KIND_HIST, bl.kind);
	EXPECT_TRUE(bl.keys & (1U << KTRACE_KEY_DEV));
	EXPECT_TRUE(bl.keys & (1U << KTRACE_KEY_FLAGS));
	EXPECT_NE(0, bl.desc[0]);
	ASSERT_EQ(0, probe_info(self->fd, "sys_enter", &se));
	EXPECT_EQ(KTRACE_KIND_STREAM, se.kind);
}

TEST_F(kt, probe_list_count_only)
{
	struct ktrace_probe_list pl = {
		.size = sizeof(pl), .entry_size = sizeof(struct ktrace_probe_info),
	};

	ASSERT_EQ(0, kioctl(self->fd, KTRACE_IOC_PROBE_LIST, &pl));
	EXPECT_EQ(self->hs.nr_probes, pl.count);
}

TEST_F(kt, probe_list_bad_entries)
{
	struct ktrace_probe_list pl = {
		.size = sizeof(pl), .count = 1,
		.entry_size = sizeof(struct ktrace_probe_info), .entries = 8,
	};

	ASSERT_EQ(EFAULT, kioctl(self->fd, KTRACE_IOC_PROBE_LIST, &pl));
}

TEST_F(kt, probe_list_small_entry_size)
{
	struct ktrace_probe_info info;
	struct ktrace_probe_list pl = {
		.size = sizeof(pl), .count = 1,
		.entry_size = KTRACE_PROBE_INFO_SIZE_VER0 - 8,
		.entries = (__u64)(uintptr_t)&info,
	};

	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_PROBE_LIST, &pl));
}

/* ---- ENABLE ---- */

TEST_F(kt, enable_unknown_flag)
{
	struct ktrace_enable en;

	enable_init(&en, "block_latency");
	en.flags = KTRACE_ENABLE_ALL + 1;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

TEST_F(kt, enable_unknown_probe)
{
	struct ktrace_enable en;

	ASSERT_EQ(ENOENT, enable(self->fd, "no_such_probe", &en));
}

TEST_F(kt, enable_empty_probe_name)
{
	struct ktrace_enable en;

	ASSERT_EQ(ENOENT, enable(self->fd, "", &en));
}

TEST_F(kt, enable_key_out_of_range)
{
	struct ktrace_enable en;

	enable_init(&en, "block_latency");
	en.key = KTRACE_KEY_MAX + 1;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

TEST_F(kt, enable_unit_out_of_range)
{
	struct ktrace_enable en;

	enable_init(&en, "block_latency");
	en.unit = KTRACE_UNIT_MAX + 1;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

TEST_F(kt, enable_key_unsupported)
{
	struct ktrace_probe_info info;
	struct ktrace_enable en;
	__u32 key;

	ASSERT_EQ(0, probe_info(self->fd, "block_latency", &info));
	for (key = 1; key <= KTRACE_KEY_MAX; key++)
		if (!(info.keys & (1U << key)))
			break;
	if (key > KTRACE_KEY_MAX)
		SKIP(return, "block_latency takes every key");
	enable_init(&en, "block_latency");
	en.key = key;
	ASSERT_EQ(EOPNOTSUPP, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

TEST_F(kt, enable_flag_unsupported)
{
	struct ktrace_probe_info info;
	struct ktrace_enable en;
	__u64 flag;

	ASSERT_EQ(0, probe_info(self->fd, "block_latency", &info));
	for (flag = 1; flag & KTRACE_ENABLE_ALL; flag <<= 1)
		if (!(info.flags & flag))
			break;
	if (!(flag & KTRACE_ENABLE_ALL))
		SKIP(return, "block_latency takes every flag");
	enable_init(&en, "block_latency");
	en.flags = flag;
	/* Make the flag's own fields valid: only support is in question. */
	if (flag == KTRACE_ENABLE_PID)
		en.pid = 1;
	if (flag == KTRACE_ENABLE_TGID)
		en.tgid = 1;
	if (flag == KTRACE_ENABLE_COMM)
		snprintf(en.comm, sizeof(en.comm), "init");
	if (flag == KTRACE_ENABLE_CGROUP)
		en.cgroup_fd = -1;
	if (flag == KTRACE_ENABLE_DEV)
		en.dev = 1 << 20;
	if (flag == KTRACE_ENABLE_LINEAR) {
		en.lin_max = 100;
		en.lin_step = 10;
	}
	if (flag == KTRACE_ENABLE_SYMBOL)
		snprintf(en.symbol, sizeof(en.symbol), "vfs_read");
	ASSERT_EQ(EOPNOTSUPP, kioctl(self->fd, KTRACE_IOC_ENABLE, &en))
		TH_LOG("flag %#llx", (unsigned long long)flag);
}

TEST_F(kt, enable_opt_unsupported)
{
	struct ktrace_probe_info info;
	struct ktrace_enable en;

	ASSERT_EQ(0, probe_info(self->fd, "block_latency", &info));
	enable_init(&en, "block_latency");
	en.opts = 1ULL << 63;
	if (info.opts & en.opts)
		SKIP(return, "block_latency takes option bit 63");
	ASSERT_EQ(EOPNOTSUPP, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

TEST_F(kt, enable_unterminated_probe)
{
	struct ktrace_enable en;

	enable_init(&en, "");
	memset(en.probe, 'a', sizeof(en.probe));
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

TEST_F(kt, enable_unterminated_comm)
{
	struct ktrace_enable en;

	enable_init(&en, "block_latency");
	en.flags = KTRACE_ENABLE_COMM;
	memset(en.comm, 'a', sizeof(en.comm));
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

TEST_F(kt, enable_linear_empty)
{
	struct ktrace_probe_info info;
	struct ktrace_enable en;

	ASSERT_EQ(0, probe_info(self->fd, "block_latency", &info));
	if (!(info.flags & KTRACE_ENABLE_LINEAR))
		SKIP(return, "block_latency has no linear histograms");
	enable_init(&en, "block_latency");
	en.flags = KTRACE_ENABLE_LINEAR;
	en.lin_min = 100;
	en.lin_max = 100;
	en.lin_step = 10;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

TEST_F(kt, enable_linear_too_many_slots)
{
	struct ktrace_probe_info info;
	struct ktrace_enable en;

	ASSERT_EQ(0, probe_info(self->fd, "block_latency", &info));
	if (!(info.flags & KTRACE_ENABLE_LINEAR))
		SKIP(return, "block_latency has no linear histograms");
	enable_init(&en, "block_latency");
	en.flags = KTRACE_ENABLE_LINEAR;
	en.lin_min = 0;
	en.lin_max = 1000000;
	en.lin_step = 1;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

TEST_F(kt, enable_cgroup_not_cgroup)
{
	struct ktrace_probe_info info;
	struct ktrace_enable en;
	const char *probe = "block_latency";
	int nfd;

	ASSERT_EQ(0, probe_info(self->fd, probe, &info));
	if (!(info.flags & KTRACE_ENABLE_CGROUP))
		SKIP(return, "block_latency takes no cgroup filter");
	nfd = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, nfd);
	enable_init(&en, probe);
	en.flags = KTRACE_ENABLE_CGROUP;
	en.cgroup_fd = nfd;
	ASSERT_EQ(EBADF, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
	close(nfd);
}

TEST_F(kt, enable_cgroup_closed_fd)
{
	struct ktrace_probe_info info;
	struct ktrace_enable en;

	ASSERT_EQ(0, probe_info(self->fd, "block_latency", &info));
	if (!(info.flags & KTRACE_ENABLE_CGROUP))
		SKIP(return, "block_latency takes no cgroup filter");
	enable_init(&en, "block_latency");
	en.flags = KTRACE_ENABLE_CGROUP;
	en.cgroup_fd = -1;
	ASSERT_EQ(EBADF, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

TEST_F(kt, enable_max_instances)
{
	struct ktrace_enable en;
	int i;

	for (i = 0; i < KTRACE_MAX_INSTANCES; i++)
		ASSERT_EQ(0, enable(self->fd, "block_latency", &en))
			TH_LOG("instance %d", i + 1);
	ASSERT_EQ(ENOSPC, enable(self->fd, "block_latency", &en));
}

TEST_F(kt, enable_ids_nonzero_distinct)
{
	struct ktrace_enable a, b;

	ASSERT_EQ(0, enable(self->fd, "block_latency", &a));
	ASSERT_EQ(0, enable(self->fd, "block_latency", &b));
	EXPECT_NE(0, a.id);
	EXPECT_NE(0, b.id);
	EXPECT_NE(a.id, b.id);
	EXPECT_LT(0, a.max_entries);
	EXPECT_EQ(sizeof(struct ktrace_agg_entry) + KTRACE_LOG2_SLOTS * 8,
		  a.entry_size);
}

TEST_F(kt, stream_without_ring)
{
	struct ktrace_enable en;

	ASSERT_EQ(ENXIO, enable(self->fd, "sys_enter", &en));
}

/* ---- DISABLE, READ, STATS ---- */

TEST_F(kt, disable_unknown_id)
{
	struct ktrace_disable dis = { .size = sizeof(dis), .id = 12345 };

	ASSERT_EQ(ENOENT, kioctl(self->fd, KTRACE_IOC_DISABLE, &dis));
}

TEST_F(kt, disable_id_zero)
{
	struct ktrace_disable dis = { .size = sizeof(dis), .id = 0 };

	ASSERT_EQ(ENOENT, kioctl(self->fd, KTRACE_IOC_DISABLE, &dis));
}

TEST_F(kt, disable_twice)
{
	struct ktrace_enable en;
	struct ktrace_disable dis = { .size = sizeof(dis) };

	ASSERT_EQ(0, enable(self->fd, "block_latency", &en));
	dis.id = en.id;
	ASSERT_EQ(0, kioctl(self->fd, KTRACE_IOC_DISABLE, &dis));
	ASSERT_EQ(ENOENT, kioctl(self->fd, KTRACE_IOC_DISABLE, &dis));
}

/* ---- DISABLE of another session, STATUS (ABI 1.2) ---- */

TEST_F(kt, disable_unknown_flag)
{
	struct ktrace_disable dis = { .size = sizeof(dis), .id = 1,
				      .flags = 2 };

	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_DISABLE, &dis));
}

TEST_F(kt, disable_session_without_flag)
{
	struct ktrace_enable en;
	struct ktrace_disable dis = { .size = sizeof(dis), .session = 1 };

	ASSERT_EQ(0, enable(self->fd, "block_latency", &en));
	dis.id = en.id;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_DISABLE, &dis));
	/* Nothing changed: the instance is still there. */
	dis.session = 0;
	ASSERT_EQ(0, kioctl(self->fd, KTRACE_IOC_DISABLE, &dis));
}

TEST_F(kt, disable_unknown_session)
{
	struct ktrace_disable dis = {
		.size = sizeof(dis), .id = 1,
		.flags = KTRACE_DISABLE_SESSION, .session = 0x7fffffff,
	};

	ASSERT_EQ(ENOENT, kioctl(self->fd, KTRACE_IOC_DISABLE, &dis));
}

TEST_F(kt, status_nonzero_flags)
{
	struct ktrace_status st = { .size = sizeof(st), .flags = 1 };

	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_STATUS, &st));
}

TEST_F(kt, status_nonzero_reserved)
{
	struct ktrace_status st = { .size = sizeof(st), .reserved = 1 };

	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_STATUS, &st));
}

TEST_F(kt, status_short_entry_size)
{
	struct ktrace_status_entry e;
	struct ktrace_status st = {
		.size = sizeof(st), .count = 1,
		.entry_size = KTRACE_STATUS_ENTRY_SIZE_VER0 - 8,
		.entries = (__u64)(uintptr_t)&e,
	};

	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_STATUS, &st));
}

TEST_F(kt, status_bad_pointer)
{
	struct ktrace_enable en;
	struct ktrace_status st = {
		.size = sizeof(st), .count = 1,
		.entry_size = sizeof(struct ktrace_status_entry),
		.entries = 8,
	};

	ASSERT_EQ(0, enable(self->fd, "block_latency", &en));
	ASSERT_EQ(EFAULT, kioctl(self->fd, KTRACE_IOC_STATUS, &st));
}

/* The entries of session @nr in a STATUS of up to 64 entries. */
static int status_of(int fd, __u32 nr, struct ktrace_status_entry *out,
		     int max)
{
	static struct ktrace_status_entry ents[64];
	struct ktrace_status st = {
		.size = sizeof(st), .count = 64,
		.entry_size = sizeof(ents[0]),
		.entries = (__u64)(uintptr_t)ents,
	};
	__u32 i;
	int n = 0;

	if (kioctl(fd, KTRACE_IOC_STATUS, &st))
		return -1;
	for (i = 0; i < st.count && i < 64; i++)
		if (ents[i].session == nr && n < max)
			out[n++] = ents[i];
	return n;
}

/* The session number of @fd: the one STATUS shows its instance @id in. */
static __u32 session_of(int fd, __u32 id, const char *probe)
{
	static struct ktrace_status_entry ents[64];
	struct ktrace_status st = {
		.size = sizeof(st), .count = 64,
		.entry_size = sizeof(ents[0]),
		.entries = (__u64)(uintptr_t)ents,
	};
	__u32 i, found = 0;

	if (kioctl(fd, KTRACE_IOC_STATUS, &st))
		return 0;
	/* The newest session with such an instance: ours, opened last. */
	for (i = 0; i < st.count && i < 64; i++)
		if (ents[i].id == id && ents[i].owner_pid == (__u32)getpid() &&
		    !strcmp(ents[i].enable.probe, probe))
			found = ents[i].session;
	return found;
}

/*
 * Another file sees this file's instances with their request and
 * counters, and ends one of them: this file then gets ENOENT for it.
 */
TEST(status_and_disable_across_files)
{
	struct ktrace_status_entry mine[4];
	struct ktrace_probe_info info;
	struct ktrace_enable en, en2;
	struct ktrace_disable dis = { .size = sizeof(dis) };
	struct ktrace_stats stats = { .size = sizeof(stats) };
	int fd, other, n, calls;
	__u32 nr;

	fd = open_dev();
	other = open_dev();
	ASSERT_LE(0, fd);
	ASSERT_LE(0, other);
	enable_init(&en, "syscount");
	en.flags = KTRACE_ENABLE_TGID;
	en.tgid = getpid();
	en.key = KTRACE_KEY_SYSCALL;
	ASSERT_EQ(0, kioctl(fd, KTRACE_IOC_ENABLE, &en));
	ASSERT_EQ(0, enable(fd, "block_latency", &en2));
	for (calls = 0; calls < 1000; calls++)
		syscall(SYS_getppid);

	nr = session_of(other, en.id, "syscount");
	ASSERT_NE(0, nr);
	n = status_of(other, nr, mine, 4);
	ASSERT_EQ(2, n);
	EXPECT_EQ(en.id, mine[0].id);
	EXPECT_STREQ("syscount", mine[0].enable.probe);
	EXPECT_EQ(KTRACE_ENABLE_TGID, mine[0].enable.flags);
	EXPECT_EQ((__u32)getpid(), mine[0].enable.tgid);
	EXPECT_EQ(KTRACE_KEY_SYSCALL, mine[0].enable.key);
	EXPECT_EQ(-1, mine[0].enable.cgroup_fd);
	ASSERT_EQ(0, probe_info(fd, "syscount", &info));
	EXPECT_EQ(info.kind, mine[0].kind);
	EXPECT_EQ((__u32)getuid(), mine[0].owner_uid);
	EXPECT_EQ(en.id, mine[0].stats.id);
	/* Our 1000 getppid() calls, and a few more of ours. */
	EXPECT_LE(1000, mine[0].stats.recorded);
	EXPECT_EQ(en2.id, mine[1].id);
	EXPECT_STREQ("block_latency", mine[1].enable.probe);

	/* The other file ends our syscount instance... */
	dis.id = en.id;
	dis.flags = KTRACE_DISABLE_SESSION;
	dis.session = nr;
	ASSERT_EQ(0, kioctl(other, KTRACE_IOC_DISABLE, &dis));
	ASSERT_EQ(ENOENT, kioctl(other, KTRACE_IOC_DISABLE, &dis));
	/* ...which is gone for us, while block_latency stays. */
	stats.id = en.id;
	ASSERT_EQ(ENOENT, kioctl(fd, KTRACE_IOC_STATS, &stats));
	stats.id = en2.id;
	ASSERT_EQ(0, kioctl(fd, KTRACE_IOC_STATS, &stats));
	n = status_of(other, nr, mine, 4);
	ASSERT_EQ(1, n);
	EXPECT_EQ(en2.id, mine[0].id);
	/* Closing the file takes its instances out of STATUS. */
	close(fd);
	EXPECT_EQ(0, status_of(other, nr, mine, 4));
	close(other);
}

/* A process that dropped to another uid cannot end root's tracing. */
TEST(disable_other_user_eperm)
{
	struct ktrace_enable en;
	struct ktrace_disable dis = { .size = sizeof(dis) };
	int fd, other, status;
	__u32 nr;
	pid_t pid;

	fd = open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, enable(fd, "block_latency", &en));
	nr = session_of(fd, en.id, "block_latency");
	ASSERT_NE(0, nr);
	other = open_dev();
	ASSERT_LE(0, other);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Opened as root; now nobody, with no capabilities. */
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(2);
		dis.id = en.id;
		dis.flags = KTRACE_DISABLE_SESSION;
		dis.session = nr;
		_exit(kioctl(other, KTRACE_IOC_DISABLE, &dis) == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Still there. */
	dis.id = en.id;
	EXPECT_EQ(0, kioctl(fd, KTRACE_IOC_DISABLE, &dis));
	close(other);
	close(fd);
}

TEST_F(kt, read_unknown_id)
{
	__u8 buf[64];
	struct ktrace_read rd = {
		.size = sizeof(rd), .id = 12345, .buf_size = sizeof(buf),
		.buf = (__u64)(uintptr_t)buf,
	};

	ASSERT_EQ(ENOENT, kioctl(self->fd, KTRACE_IOC_READ, &rd));
}

TEST_F(kt, stats_unknown_id)
{
	struct ktrace_stats st = { .size = sizeof(st), .id = 12345 };

	ASSERT_EQ(ENOENT, kioctl(self->fd, KTRACE_IOC_STATS, &st));
}

/* Ids are per file: another file's instance is unknown here. */
TEST_F(kt, other_files_id)
{
	struct ktrace_enable en;
	struct ktrace_stats st = { .size = sizeof(st) };
	int fd2 = open_dev();

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, enable(fd2, "block_latency", &en));
	st.id = en.id;
	ASSERT_EQ(ENOENT, kioctl(self->fd, KTRACE_IOC_STATS, &st));
	close(fd2);
}

TEST_F(kt, read_small_buffer)
{
	struct ktrace_enable en;
	struct ktrace_read rd = { .size = sizeof(rd) };
	size_t need;
	void *buf;

	ASSERT_EQ(0, enable(self->fd, "block_latency", &en));
	need = (size_t)en.max_entries * en.entry_size;
	buf = calloc(1, need);
	ASSERT_NE(NULL, buf);
	rd.id = en.id;
	rd.buf = (__u64)(uintptr_t)buf;
	rd.buf_size = need - 1;
	rd.flags = KTRACE_READ_CLEAR;
	ASSERT_EQ(ENOSPC, kioctl(self->fd, KTRACE_IOC_READ, &rd));
	rd.buf_size = need;
	EXPECT_EQ(0, kioctl(self->fd, KTRACE_IOC_READ, &rd));
	free(buf);
}

TEST_F(kt, read_bad_buffer)
{
	struct ktrace_enable en;
	struct ktrace_read rd = { .size = sizeof(rd) };
	void *p;

	ASSERT_EQ(0, enable(self->fd, "block_latency", &en));
	p = mmap(NULL, (size_t)en.max_entries * en.entry_size, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	/* Results are written only when some exist: make sure some do. */
	if (disk_reads(DISK, 4) != 4)
		SKIP(return, "no %s to read from", DISK);
	rd.id = en.id;
	rd.buf = (__u64)(uintptr_t)p;
	rd.buf_size = en.max_entries * en.entry_size;
	ASSERT_EQ(EFAULT, kioctl(self->fd, KTRACE_IOC_READ, &rd));
}

TEST_F(kt, read_stream_instance)
{
	struct ktrace_ring_setup rs;
	struct ktrace_enable en;
	__u8 buf[4096];
	struct ktrace_read rd = {
		.size = sizeof(rd), .buf_size = sizeof(buf),
		.buf = (__u64)(uintptr_t)buf,
	};

	ASSERT_EQ(0, ring_setup(self->fd, 1, &rs));
	ASSERT_EQ(0, enable(self->fd, "sys_enter", &en));
	rd.id = en.id;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_READ, &rd));
}

/* ---- SYMBOLS ---- */

TEST_F(kt, symbols_unknown_id)
{
	struct ktrace_symbols sy = { .size = sizeof(sy), .id = 12345 };

	ASSERT_EQ(ENOENT, kioctl(self->fd, KTRACE_IOC_SYMBOLS, &sy));
}

TEST_F(kt, symbols_not_function_instance)
{
	struct ktrace_enable en;
	struct ktrace_symbols sy = { .size = sizeof(sy) };

	ASSERT_EQ(0, enable(self->fd, "block_latency", &en));
	sy.id = en.id;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_SYMBOLS, &sy));
}

/* A funccount instance on getppid: 0 or an errno. */
static int funccount_getppid(int fd, struct ktrace_enable *en)
{
	enable_init(en, "funccount");
	en->flags = KTRACE_ENABLE_SYMBOL;
	en->key = KTRACE_KEY_FUNC;
	snprintf(en->symbol, sizeof(en->symbol), "__x64_sys_getppid");
	return kioctl(fd, KTRACE_IOC_ENABLE, en);
}

TEST_F(kt, symbols_nonzero_flags)
{
	struct ktrace_enable en;
	struct ktrace_symbols sy = { .size = sizeof(sy), .flags = 1 };

	ASSERT_EQ(0, funccount_getppid(self->fd, &en));
	sy.id = en.id;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_SYMBOLS, &sy));
}

TEST_F(kt, symbols_bad_pointer)
{
	struct ktrace_enable en;
	struct ktrace_symbols sy = { .size = sizeof(sy), .count = 1 };

	ASSERT_EQ(0, funccount_getppid(self->fd, &en));
	sy.id = en.id;
	sy.names = 8;	/* the first page is never mapped */
	ASSERT_EQ(EFAULT, kioctl(self->fd, KTRACE_IOC_SYMBOLS, &sy));
}

TEST_F(kt, symbols_contents)
{
	char names[2][KTRACE_SYMBOL_LEN];
	struct ktrace_enable en;
	struct ktrace_symbols sy = { .size = sizeof(sy) };

	ASSERT_EQ(0, funccount_getppid(self->fd, &en));
	sy.id = en.id;
	/* count 0: the total only. */
	ASSERT_EQ(0, kioctl(self->fd, KTRACE_IOC_SYMBOLS, &sy));
	ASSERT_EQ(1, sy.count);
	memset(names, 0xff, sizeof(names));
	sy.count = 2;
	sy.names = (__u64)(uintptr_t)names;
	ASSERT_EQ(0, kioctl(self->fd, KTRACE_IOC_SYMBOLS, &sy));
	ASSERT_EQ(1, sy.count);
	ASSERT_STREQ("__x64_sys_getppid", names[0]);
	/* Only count names written: the second is untouched. */
	ASSERT_EQ((char)0xff, names[1][0]);
}

/* ---- STACKS ---- */

/* A stackcount instance on getppid: 0 or an errno. */
static int stackcount_getppid(int fd, struct ktrace_enable *en)
{
	enable_init(en, "stackcount");
	en->flags = KTRACE_ENABLE_SYMBOL;
	en->key = KTRACE_KEY_STACK;
	snprintf(en->symbol, sizeof(en->symbol), "__x64_sys_getppid");
	return kioctl(fd, KTRACE_IOC_ENABLE, en);
}

TEST_F(kt, stacks_unknown_id)
{
	struct ktrace_stacks sk = { .size = sizeof(sk), .id = 12345 };

	ASSERT_EQ(ENOENT, kioctl(self->fd, KTRACE_IOC_STACKS, &sk));
}

TEST_F(kt, stacks_not_stack_instance)
{
	struct ktrace_enable en;
	struct ktrace_stacks sk = { .size = sizeof(sk) };

	ASSERT_EQ(0, enable(self->fd, "block_latency", &en));
	sk.id = en.id;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_STACKS, &sk));
}

TEST_F(kt, stacks_nonzero_flags)
{
	struct ktrace_enable en;
	struct ktrace_stacks sk = { .size = sizeof(sk), .flags = 1 };

	ASSERT_EQ(0, stackcount_getppid(self->fd, &en));
	sk.id = en.id;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_STACKS, &sk));
}

TEST_F(kt, stacks_short_size)
{
	struct ktrace_stacks sk = { .size = KTRACE_STACKS_SIZE_VER0 - 8 };

	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_STACKS, &sk));
}

TEST_F(kt, stacks_wrong_key)
{
	struct ktrace_enable en;

	enable_init(&en, "stackcount");
	en.flags = KTRACE_ENABLE_SYMBOL;
	en.key = KTRACE_KEY_NONE;
	snprintf(en.symbol, sizeof(en.symbol), "__x64_sys_getppid");
	ASSERT_EQ(EOPNOTSUPP, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

TEST_F(kt, profile_frequency_too_high)
{
	struct ktrace_enable en;

	enable_init(&en, "profile");
	en.key = KTRACE_KEY_STACK;
	en.opts = KTRACE_PROFILE_FREQ_MAX + 1;
	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
	/* Above the frequency bits: not an option profile takes. */
	en.opts = KTRACE_PROFILE_FREQ_MASK + 1;
	ASSERT_EQ(EOPNOTSUPP, kioctl(self->fd, KTRACE_IOC_ENABLE, &en));
}

/* One getppid() stack, its records: symbols, never addresses. */
TEST_F(kt, stacks_contents)
{
	static char buf[KTRACE_STACK_REC_MAX];
	const struct ktrace_stack *rec;
	struct ktrace_enable en;
	struct ktrace_stacks sk = { .size = sizeof(sk) };
	const char *p;
	__u32 i;
	int found = 0;

	ASSERT_EQ(0, stackcount_getppid(self->fd, &en));
	syscall(SYS_getppid);
	sk.id = en.id;
	/* No room for a record: ENOSPC, nothing written. */
	sk.buf = (__u64)(uintptr_t)buf;
	sk.buf_size = sizeof(struct ktrace_stack) - 1;
	ASSERT_EQ(ENOSPC, kioctl(self->fd, KTRACE_IOC_STACKS, &sk));
	/* A bad pointer: EFAULT. */
	sk.buf = 8;
	sk.buf_size = sizeof(buf);
	ASSERT_EQ(EFAULT, kioctl(self->fd, KTRACE_IOC_STACKS, &sk));
	/* KTRACE_STACK_REC_MAX always holds one; page to the end. */
	sk.buf = (__u64)(uintptr_t)buf;
	sk.start = 0;
	do {
		ASSERT_EQ(0, kioctl(self->fd, KTRACE_IOC_STACKS, &sk));
		if (!sk.count)
			break;
		rec = (const struct ktrace_stack *)buf;
		ASSERT_EQ(0, rec->len % 8);
		ASSERT_GE(rec->id, 1);
		ASSERT_GE(rec->nr_frames, 1);
		p = rec->frames;
		for (i = 0; i < rec->nr_frames; i++) {
			/* "name+0xoff/0xsize", no kernel address. */
			ASSERT_EQ(NULL, strstr(p, "0xffff"));
			ASSERT_NE(NULL, strchr(p, '+'));
			p += strlen(p) + 1;
		}
		/* Or its alias __do_sys_getppid, as kallsyms names it. */
		if (strstr(rec->frames, "_sys_getppid+0x"))
			found = 1;
	} while (sk.start);
	ASSERT_EQ(1, found);
	ASSERT_EQ(0, sk.dropped);
}

/* ---- RING_SETUP and mmap ---- */

TEST_F(kt, ring_setup_twice)
{
	struct ktrace_ring_setup rs;

	ASSERT_EQ(0, ring_setup(self->fd, 1, &rs));
	ASSERT_EQ(EBUSY, ring_setup(self->fd, 1, &rs));
}

TEST_F(kt, ring_setup_values)
{
	struct ktrace_ring_setup rs;

	ASSERT_EQ(0, ring_setup(self->fd, 2, &rs));
	EXPECT_EQ(2ULL * self->hs.page_size, rs.data_size);
	EXPECT_EQ(self->hs.page_size, rs.data_offset);
	EXPECT_LE(rs.data_size + 2 * self->hs.page_size, rs.mmap_stride);
	EXPECT_EQ(0, rs.mmap_stride % self->hs.page_size);
}

TEST_F(kt, ring_pages_zero)
{
	struct ktrace_ring_setup rs;

	ASSERT_EQ(EINVAL, ring_setup(self->fd, 0, &rs));
}

TEST_F(kt, ring_pages_not_pow2)
{
	struct ktrace_ring_setup rs;

	ASSERT_EQ(EINVAL, ring_setup(self->fd, 3, &rs));
}

TEST_F(kt, ring_pages_too_many)
{
	struct ktrace_ring_setup rs;

	ASSERT_EQ(EINVAL, ring_setup(self->fd, KTRACE_RING_MAX_PAGES * 2, &rs));
}

TEST_F(kt, ring_watermark_too_big)
{
	struct ktrace_ring_setup rs = {
		.size = sizeof(rs), .data_pages = 1,
		.watermark = self->hs.page_size + 1,
	};

	ASSERT_EQ(EINVAL, kioctl(self->fd, KTRACE_IOC_RING_SETUP, &rs));
}

TEST_F(kt, mmap_without_ring)
{
	void *p = mmap(NULL, self->hs.page_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, self->fd, 0);

	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(ENXIO, errno);
}

TEST_F(kt, mmap_wrong_offset)
{
	struct ktrace_ring_setup rs;
	void *p;

	ASSERT_EQ(0, ring_setup(self->fd, 1, &rs));
	/* Inside CPU 0's data: neither part's start. */
	p = mmap(NULL, self->hs.page_size, PROT_READ, MAP_SHARED, self->fd,
		 2 * self->hs.page_size);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(kt, mmap_offset_past_cpus)
{
	struct ktrace_ring_setup rs;
	void *p;

	ASSERT_EQ(0, ring_setup(self->fd, 1, &rs));
	p = mmap(NULL, self->hs.page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, (off_t)(self->hs.nr_cpus * rs.mmap_stride));
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(kt, mmap_consumer_wrong_length)
{
	struct ktrace_ring_setup rs;
	void *p;

	ASSERT_EQ(0, ring_setup(self->fd, 1, &rs));
	p = mmap(NULL, 2 * self->hs.page_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED, self->fd, 0);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(kt, mmap_data_wrong_length)
{
	struct ktrace_ring_setup rs;
	void *p;

	ASSERT_EQ(0, ring_setup(self->fd, 1, &rs));
	p = mmap(NULL, self->hs.page_size, PROT_READ, MAP_SHARED, self->fd,
		 self->hs.page_size);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(kt, mmap_data_writable)
{
	struct ktrace_ring_setup rs;
	void *p;

	ASSERT_EQ(0, ring_setup(self->fd, 1, &rs));
	p = mmap(NULL, self->hs.page_size + rs.data_size,
		 PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 self->hs.page_size);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EPERM, errno);
}

/* Read-only now, read-only for good: mprotect cannot add write. */
TEST_F(kt, mprotect_data_writable)
{
	struct ktrace_ring_setup rs;
	size_t len;
	void *p;

	ASSERT_EQ(0, ring_setup(self->fd, 1, &rs));
	len = self->hs.page_size + rs.data_size;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, self->fd, self->hs.page_size);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(0, mprotect(p, len, PROT_READ | PROT_WRITE));
	munmap(p, len);
}

TEST_F(kt, mmap_layout)
{
	struct ktrace_ring_setup rs;
	const struct ktrace_ring_control *ctl;
	struct ktrace_ring_consumer *cons;
	unsigned int cpu;
	size_t len;

	ASSERT_EQ(0, ring_setup(self->fd, 1, &rs));
	len = self->hs.page_size + rs.data_size;
	for (cpu = 0; cpu < self->hs.nr_cpus; cpu++) {
		off_t base = (off_t)(cpu * rs.mmap_stride);

		cons = mmap(NULL, self->hs.page_size, PROT_READ | PROT_WRITE,
			    MAP_SHARED, self->fd, base);
		ASSERT_NE(MAP_FAILED, cons) TH_LOG("cpu %u", cpu);
		ctl = mmap(NULL, len, PROT_READ, MAP_SHARED, self->fd,
			   base + self->hs.page_size);
		ASSERT_NE(MAP_FAILED, ctl) TH_LOG("cpu %u", cpu);
		EXPECT_EQ(KTRACE_RING_VERSION, ctl->version);
		EXPECT_EQ(cpu, ctl->cpu);
		EXPECT_EQ(rs.data_offset, ctl->data_offset);
		EXPECT_EQ(rs.data_size, ctl->data_size);
		EXPECT_EQ(0, ctl->producer_pos);
		EXPECT_EQ(0, cons->consumer_pos);
		munmap(cons, self->hs.page_size);
		munmap((void *)ctl, len);
	}
}

/* ---- results ---- */

TEST(read_clear_and_keys)
{
	struct ktrace_enable en;
	struct kt_result res;
	struct kt *kt;
	__u32 dev;
	int id, i;

	if (disk_dev(DISK, &dev))
		SKIP(return, "no %s", DISK);
	ASSERT_EQ(0, kt_open(&kt));
	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "block_latency");
	en.key = KTRACE_KEY_DEV;
	en.unit = KTRACE_UNIT_USEC;
	id = kt_enable(kt, &en);
	ASSERT_LT(0, id) TH_LOG("%s", kt_strerror(id));

	ASSERT_EQ(16, disk_reads(DISK, 16));
	ASSERT_EQ(0, kt_read(kt, id, true, &res));
	EXPECT_EQ(KTRACE_HIST_LOG2, res.rd.hist);
	EXPECT_EQ(KTRACE_KEY_DEV, res.rd.key);
	EXPECT_EQ(KTRACE_UNIT_USEC, res.rd.unit);
	EXPECT_EQ(KTRACE_LOG2_SLOTS, res.rd.nr_slots);
	EXPECT_EQ(sizeof(struct ktrace_agg_entry) + KTRACE_LOG2_SLOTS * 8,
		  res.rd.entry_size);
	ASSERT_LE(1, res.rd.nr_entries);
	for (i = 0; i < (int)res.rd.nr_entries; i++) {
		const struct ktrace_agg_entry *e = kt_result_entry(&res, i);
		__u64 sum = 0;
		int s;

		for (s = 0; s < KTRACE_LOG2_SLOTS; s++)
			sum += e->slots[s];
		EXPECT_EQ(e->count, sum);
		if (e->key[0] == dev)
			EXPECT_LE(16, e->count);
	}
	EXPECT_LE(16, result_count(&res));
	kt_result_free(&res);

	/* Cleared: nothing until new I/O (the guest disk is otherwise idle). */
	ASSERT_EQ(0, kt_read(kt, id, false, &res));
	EXPECT_EQ(0, result_count(&res));
	kt_result_free(&res);
	kt_close(kt);
}

/* Two files, two sets of results: one clearing leaves the other's whole. */
TEST(files_have_own_results)
{
	struct ktrace_enable en1, en2;
	struct kt_result r;
	struct kt *a, *b;
	__u64 a1, b1, b2;
	__u32 dev;
	int id1, id2;

	if (disk_dev(DISK, &dev))
		SKIP(return, "no %s", DISK);
	ASSERT_EQ(0, kt_open(&a));
	ASSERT_EQ(0, kt_open(&b));
	memset(&en1, 0, sizeof(en1));
	snprintf(en1.probe, sizeof(en1.probe), "block_latency");
	en2 = en1;
	id1 = kt_enable(a, &en1);
	id2 = kt_enable(b, &en2);
	ASSERT_LT(0, id1);
	ASSERT_LT(0, id2);

	ASSERT_EQ(8, disk_reads(DISK, 8));
	ASSERT_EQ(0, kt_read(a, id1, true, &r));
	a1 = result_count(&r);
	kt_result_free(&r);
	ASSERT_EQ(0, kt_read(b, id2, false, &r));
	b1 = result_count(&r);
	kt_result_free(&r);
	EXPECT_LE(8, a1);
	EXPECT_LE(8, b1);

	/* a's clear did not touch b; b's next I/O adds up on b only. */
	ASSERT_EQ(4, disk_reads(DISK, 4));
	ASSERT_EQ(0, kt_read(b, id2, true, &r));
	b2 = result_count(&r);
	kt_result_free(&r);
	EXPECT_LE(b1 + 4, b2);
	ASSERT_EQ(0, kt_read(a, id1, false, &r));
	EXPECT_LE(4, result_count(&r));
	EXPECT_GT(a1 + 4, result_count(&r)) TH_LOG("a's clear did not clear");
	kt_result_free(&r);

	/* Closing a file frees its instances, not the other file's. */
	kt_close(a);
	ASSERT_EQ(2, disk_reads(DISK, 2));
	ASSERT_EQ(0, kt_read(b, id2, false, &r));
	EXPECT_LE(2, result_count(&r));
	kt_result_free(&r);
	kt_close(b);
}

/* ---- the event ring under a flood ---- */

struct flood {
	pid_t tid;
	int calls;
	int start, done, release;	/* accessed with __atomic */
};

/*
 * The only thread the instance records.  Between start and done it makes
 * nothing but getppid(), so every record it causes is one of ours and the
 * count is known exactly.
 */
static void *flood_thread(void *arg)
{
	struct flood *f = arg;
	int i;

	__atomic_store_n(&f->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	while (!__atomic_load_n(&f->start, __ATOMIC_ACQUIRE))
		;
	for (i = 0; i < f->calls; i++)
		syscall(SYS_getppid);
	__atomic_store_n(&f->done, 1, __ATOMIC_RELEASE);
	/* Exiting makes syscalls: wait until the instance is gone. */
	while (!__atomic_load_n(&f->release, __ATOMIC_ACQUIRE))
		;
	return NULL;
}

struct drain_ctx {
	pid_t tid;
	__u32 id;
	unsigned int nr_cpus;
	__u64 last_ts[1024];
	__u64 delivered, other, lost, unordered, bad_cpu, bad_nr, recs;
};

static int drain_cb(void *vctx, const struct ktrace_rec *rec)
{
	struct drain_ctx *c = vctx;
	const struct ktrace_rec_syscall *sc;

	if (rec->cpu >= c->nr_cpus || rec->cpu >= 1024) {
		c->bad_cpu++;
		return 0;
	}
	if (rec->ts_ns < c->last_ts[rec->cpu])
		c->unordered++;
	c->last_ts[rec->cpu] = rec->ts_ns;
	if (rec->type == KTRACE_REC_LOST) {
		const struct ktrace_rec_lost *l = (const void *)rec;

		c->lost += l->full + l->too_big + l->reentrant;
		return 0;
	}
	if (rec->type != KTRACE_REC_SYSCALL || rec->id != c->id) {
		c->other++;
		return 0;
	}
	c->recs++;
	sc = (const void *)rec;
	if (sc->pid != (__u32)c->tid || sc->nr != SYS_getppid)
		c->bad_nr++;
	else
		c->delivered++;
	return 0;
}

TEST(ring_flood_accounting)
{
	struct flood f = { .calls = FLOOD_CALLS };
	struct drain_ctx *c;
	struct ktrace_enable en;
	struct ktrace_stats st;
	struct kt_lost pending;
	__u64 pend = 0, records = 0, drops;
	struct kt *kt;
	pthread_t th;
	unsigned int cpu;
	int id, n, tries;

	c = calloc(1, sizeof(*c));
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, kt_open(&kt));
	c->nr_cpus = kt_handshake(kt)->nr_cpus;
	ASSERT_EQ(0, kt_ring_setup(kt, 1, 0));

	ASSERT_EQ(0, pthread_create(&th, NULL, flood_thread, &f));
	while (!__atomic_load_n(&f.tid, __ATOMIC_ACQUIRE))
		;
	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "sys_enter");
	en.flags = KTRACE_ENABLE_PID;
	en.pid = (__u32)f.tid;
	id = kt_enable(kt, &en);
	ASSERT_LT(0, id) TH_LOG("enable: %s", kt_strerror(id));
	c->tid = f.tid;
	c->id = (__u32)id;

	__atomic_store_n(&f.start, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&f.done, __ATOMIC_ACQUIRE))
		usleep(1000);	/* this thread's syscalls are filtered out */

	/*
	 * The flood thread is parked: hits - filtered no longer moves.  Other
	 * tasks' hits race with the per-CPU sums, so allow a retry or two.
	 */
	for (tries = 0; tries < 10; tries++) {
		ASSERT_EQ(0, kt_stats(kt, (__u32)id, &st));
		if (st.hits - st.filtered == (__u64)f.calls)
			break;
	}
	drops = st.drop_ring_full + st.drop_too_big + st.drop_reentrant;
	EXPECT_EQ((__u64)f.calls, st.hits - st.filtered);
	EXPECT_EQ(st.hits - st.filtered, st.recorded + drops + st.drop_table_full +
		  st.drop_inflight_full);
	EXPECT_LT(0, st.drop_ring_full) TH_LOG("a 1-page ring should overflow");

	ASSERT_EQ(0, kt_disable(kt, (__u32)id));
	__atomic_store_n(&f.release, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);

	n = kt_ring_consume(kt, drain_cb, c);
	ASSERT_LE(0, n) TH_LOG("drain: %s", kt_strerror(n));
	for (cpu = 0; cpu < kt_ring_count(kt); cpu++) {
		const struct ktrace_ring_control *ctl = kt_ring_control(kt, cpu);

		ASSERT_EQ(0, kt_ring_pending_lost(kt, cpu, &pending));
		pend += pending.full + pending.too_big + pending.reentrant;
		records += ctl->records;
	}

	EXPECT_EQ(0, c->bad_cpu);
	EXPECT_EQ(0, c->unordered);
	EXPECT_EQ(0, c->bad_nr);
	EXPECT_EQ(0, c->other);
	EXPECT_EQ(st.recorded, c->delivered);
	EXPECT_EQ(records, c->recs);
	EXPECT_EQ(drops, c->lost + pend);
	/* The contract: every getppid() is delivered or counted as dropped. */
	EXPECT_EQ((__u64)f.calls, c->delivered + c->lost + pend)
		TH_LOG("delivered %llu, LOST records %llu, pending %llu",
		       (unsigned long long)c->delivered,
		       (unsigned long long)c->lost,
		       (unsigned long long)pend);
	kt_close(kt);
	free(c);
}

/* With a ring large enough and a reader, nothing is lost. */
TEST(ring_stream_no_loss)
{
	struct flood f = { .calls = 2000 };
	struct drain_ctx *c;
	struct ktrace_enable en;
	struct kt_lost pending;
	__u64 pend = 0;
	struct kt *kt;
	pthread_t th;
	unsigned int cpu;
	int id;

	c = calloc(1, sizeof(*c));
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, kt_open(&kt));
	c->nr_cpus = kt_handshake(kt)->nr_cpus;
	/* 2000 records of 104 bytes fit in 64 pages. */
	ASSERT_EQ(0, kt_ring_setup(kt, 64, 0));
	ASSERT_EQ(0, pthread_create(&th, NULL, flood_thread, &f));
	while (!__atomic_load_n(&f.tid, __ATOMIC_ACQUIRE))
		;
	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "sys_enter");
	en.flags = KTRACE_ENABLE_PID;
	en.pid = (__u32)f.tid;
	id = kt_enable(kt, &en);
	ASSERT_LT(0, id);
	c->tid = f.tid;
	c->id = (__u32)id;
	__atomic_store_n(&f.start, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&f.done, __ATOMIC_ACQUIRE))
		ASSERT_LE(0, kt_ring_poll(kt, 10, drain_cb, c));
	ASSERT_EQ(0, kt_disable(kt, (__u32)id));
	__atomic_store_n(&f.release, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	ASSERT_LE(0, kt_ring_consume(kt, drain_cb, c));
	for (cpu = 0; cpu < kt_ring_count(kt); cpu++) {
		ASSERT_EQ(0, kt_ring_pending_lost(kt, cpu, &pending));
		pend += pending.full + pending.too_big + pending.reentrant;
	}
	EXPECT_EQ(0, c->unordered);
	EXPECT_EQ(0, c->bad_nr);
	EXPECT_EQ(0, c->lost + pend);
	EXPECT_EQ((__u64)f.calls, c->delivered);
	kt_close(kt);
	free(c);
}

/* poll() reports readable once a record is there, not before. */
TEST(ring_poll_wakes)
{
	struct flood f = { .calls = 10 };
	struct ktrace_enable en;
	struct pollfd pfd;
	struct kt *kt;
	pthread_t th;
	int id;

	ASSERT_EQ(0, kt_open(&kt));
	ASSERT_EQ(0, kt_ring_setup(kt, 1, 0));
	pfd.fd = kt_fd(kt);
	pfd.events = POLLIN;
	ASSERT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, pthread_create(&th, NULL, flood_thread, &f));
	while (!__atomic_load_n(&f.tid, __ATOMIC_ACQUIRE))
		;
	memset(&en, 0, sizeof(en));
	snprintf(en.probe, sizeof(en.probe), "sys_enter");
	en.flags = KTRACE_ENABLE_PID;
	en.pid = (__u32)f.tid;
	id = kt_enable(kt, &en);
	ASSERT_LT(0, id);
	__atomic_store_n(&f.start, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	while (!__atomic_load_n(&f.done, __ATOMIC_ACQUIRE))
		usleep(1000);
	ASSERT_EQ(0, kt_disable(kt, (__u32)id));
	__atomic_store_n(&f.release, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	EXPECT_EQ(10, kt_ring_consume(kt, NULL, NULL));
	pfd.revents = 0;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	kt_close(kt);
}

TEST_HARNESS_MAIN
